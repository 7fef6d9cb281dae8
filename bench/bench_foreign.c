/* SPDX-License-Identifier: MIT */
/*
 * The runner for one general-purpose allocator that replaces malloc: built once
 * per allocator (BENCH_MIMALLOC or BENCH_JEMALLOC) and linked against it.
 *
 * Why a separate executable: both libraries replace malloc for the whole process
 * as soon as they are linked, so glibc's malloc could no longer be measured in
 * the same binary. Debian's libjemalloc exports only the unprefixed names
 * (malloc, mallocx...), and it cannot be dlopen()ed late either: it uses the
 * static TLS model ("cannot allocate memory in static TLS block"). The driver in
 * bench.c therefore starts this program for every measured run, exactly as it
 * starts itself for ilheap and glibc: every allocator gets a fresh process.
 */
#include "bench_common.h"

#include <stdio.h>
#include <stdlib.h>

#if defined(BENCH_MIMALLOC)
#include <mimalloc.h>
#define FOREIGN_NAME "mimalloc"
/* mi_malloc is what malloc resolves to in this process anyway; calling it by
 * name makes that explicit. */
#define FOREIGN_MALLOC mi_malloc
#define FOREIGN_FREE mi_free
static size_t foreign_usable(void *p) { return mi_usable_size(p); }
static void foreign_version(void) { printf("version %d\n", mi_version()); }
#elif defined(BENCH_JEMALLOC)
#include <malloc.h>
#define FOREIGN_NAME "jemalloc"
/* Linked first, jemalloc's malloc is the malloc of this process. */
#define FOREIGN_MALLOC malloc
#define FOREIGN_FREE free
static size_t foreign_usable(void *p) { return malloc_usable_size(p); }
/* mallctl is exported unprefixed by Debian's libjemalloc. */
int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);
static void foreign_version(void) {
  const char *v = NULL;
  size_t len = sizeof v;
  if (mallctl("version", &v, &len, NULL, 0) == 0 && v != NULL) {
    printf("version %s\n", v);
  }
}
#else
#error "build with -DBENCH_MIMALLOC or -DBENCH_JEMALLOC"
#endif

#define FOREIGN_ALLOC(ctx, cb) ((void)(ctx), FOREIGN_MALLOC(cb))
BENCH_DEFINE_LOOP(foreign_loop, void *, FOREIGN_ALLOC)

static void *foreign_malloc(size_t cb) { return FOREIGN_MALLOC(cb); }

static void foreign_free(void *p) { FOREIGN_FREE(p); }

static void foreign_warm(bench_thread *t) { bench_warm_malloc(t, foreign_malloc, foreign_free); }

int main(int argc, char **argv) {
  static const bench_allocator list[] = {
      {.name = FOREIGN_NAME,
       .max_threads = BENCH_MAX_THREADS,
       .loop = foreign_loop,
       .warm = foreign_warm},
  };
  if (argc >= 2 && strcmp(argv[1], "run") == 0) {
    return bench_cmd_run(list, 1, argc, argv);
  }
  if (argc >= 3 && strcmp(argv[1], "economy") == 0 && strcmp(argv[2], FOREIGN_NAME) == 0) {
    return bench_cmd_economy_malloc(foreign_malloc, foreign_usable, NULL, NULL, argc, argv);
  }
  if (argc >= 2 && strcmp(argv[1], "version") == 0) {
    foreign_version();
    return 0;
  }
  fprintf(stderr,
          "usage: %s run " FOREIGN_NAME " alloc|write|warm THREADS [N]\n"
          "       %s economy " FOREIGN_NAME " MODULES BODIES_PER_MODULE\n"
          "       %s version\n",
          argv[0], argv[0], argv[0]);
  return 2;
}
