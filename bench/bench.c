/* SPDX-License-Identifier: MIT */
/*
 * ilheap_bench: ilheap against what profilers use today and against the
 * physical limit.
 *
 *   ilheap_bench all [--reps R] [--csv FILE] [--plot-dir DIR]   everything (scripts/bench.sh)
 *   ilheap_bench run ALLOCATOR alloc|write|warm THREADS [N]     one timed run
 *   ilheap_bench placement MAPPINGS ITERATIONS [holed]          first allocation, crowded map
 *   ilheap_bench economy ilheap|glibc MODULES BODIES_PER_MODULE footprint
 *
 * Method, and why:
 *  - Every timed run is a fresh process (the driver, "all", starts this program
 *    or ilheap_bench_mimalloc / ilheap_bench_jemalloc). IL bodies are never
 *    freed, so a profiler always allocates fresh memory; a fresh process gives
 *    every allocator exactly that, instead of whatever the previous run left in
 *    its caches. It also lets mimalloc and jemalloc replace malloc in their own
 *    processes without touching glibc's (see bench_foreign.c).
 *  - Every allocator sees the same sizes (bench_sizes, one fixed seed), called
 *    directly from a loop written out once per allocator (BENCH_DEFINE_LOOP).
 *    The bump pointers are real functions in their own file, like ilheap_alloc
 *    in its library: every allocator pays one call.
 *  - Runs are interleaved (each repetition runs every configuration, starting at
 *    a different one), so a burst of load from elsewhere hits all alike, and
 *    figures are medians with their spread.
 *  - "alloc" allocates only; "write" also copies the body into the block, which
 *    is what a profiler does and which touches every page. A malloc writes its
 *    header into fresh memory and so pays the page faults already in "alloc";
 *    ilheap and the bump pointers pay them only in "write". "warm" (mallocs
 *    only) removes them: the allocator's own cost on memory it holds resident.
 *  - Placement: a child per process size creates the crowd of mappings, then
 *    times ilheap_create + the first ilheap_alloc for module bases spread over
 *    the crowd (the walk from the base to the first fitting gap is the cost).
 *    The first of them ("cold") is also reported on its own: the provider
 *    has not crossed the crowd yet. Reading the whole map, for scale, is timed
 *    after the placements, not between them (it evicted their caches).
 *  - Economy: each allocator's footprint for the same bodies, from its own
 *    statistics where it has them and from the OS's counters for all
 *    (support/proc.h: /proc/self/statm; on Windows the working set and a
 *    VirtualQuery walk).
 *  - Windows (mingw-w64, run under Wine by scripts/bench-wine.sh): the same
 *    program and workloads; the C runtime's malloc (msvcrt's, which is
 *    HeapAlloc underneath) stands where glibc's does, mimalloc and jemalloc are
 *    left out, placement has no text path, and the crowd is the pages of one
 *    reservation committed with alternating protections (one VirtualQuery
 *    region each; support/proc.h says why).
 */
#include "bench_bump.h"
#include "bench_common.h"
#include "proc.h"
#include "space.h"

#include <limits.h>
#include <ilheap.h>
#include <ilheap_com.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MODULE_IMAGE ((size_t)64 << 10)

/* The C runtime's malloc, the one a profiler's `new` uses: glibc's on Linux,
 * msvcrt's (HeapAlloc underneath) in a mingw-w64 build. */
#if defined(_WIN32)
#define CRT "msvcrt"
#else
#define CRT "glibc"
#endif
/* What the faults/1k column counts (Wine leaves PageFaultCount at 0). */
#if defined(_WIN32)
#define FAULTS "PageFaultCount (0 under Wine, which does not count them)"
#else
#define FAULTS "minor page faults"
#endif

/* ---- the contenders measured in this process ---------------------------- */

/* A stand-in module image, mapped read-only like a loaded module: the heap's
 * window starts right above it. */
static void *map_module(size_t len) { return sup_map_anon(len, 0); }

static int setup_ilheap(void **ctx, int threads, uint64_t bytes) {
  (void)threads;
  (void)bytes;
  void *module = map_module(MODULE_IMAGE);
  ilheap *h = NULL;
  int err;
  if (module == NULL) {
    return -1;
  }
  if ((err = ilheap_create(module, NULL, &h)) != ILHEAP_OK) {
    fprintf(stderr, "bench: ilheap_create: %s\n", ilheap_strerror(err));
    return -1;
  }
  *ctx = h;
  return 0;
}

static int setup_com(void **ctx, int threads, uint64_t bytes) {
  if (setup_ilheap(ctx, threads, bytes) != 0) {
    return -1;
  }
  *ctx = ilheap_method_malloc(*ctx);
  return *ctx != NULL ? 0 : -1;
}

static int setup_bump(void **ctx, int threads, uint64_t bytes) {
  static bench_bump b;
  (void)threads;
  if (bench_bump_init(&b, bytes) != 0) {
    return -1;
  }
  *ctx = &b;
  return 0;
}

static void *glibc_malloc(size_t cb) { return malloc(cb); }

static void glibc_free(void *p) { free(p); }

static void glibc_warm(bench_thread *t) {
#if !defined(_WIN32)
  if (t->resident) {
    /* Keep what the warm round frees: no trimming of the top of the heap. */
    (void)mallopt(M_TRIM_THRESHOLD, INT_MAX);
  }
#endif
  bench_warm_malloc(t, glibc_malloc, glibc_free);
}

static uint64_t ilheap_refills(void *ctx) {
  ilheap_stats st = {.size = sizeof st};
  if (ilheap_get_stats(ctx, &st) != ILHEAP_OK) {
    return 0;
  }
  return st.chunks + st.extensions;
}

static uint64_t com_refills(void *ctx) { return ilheap_refills(ilheap_method_malloc_heap(ctx)); }

#define ILHEAP_ALLOC(ctx, cb) ilheap_alloc((ctx), (cb))
#define COM_ALLOC(ctx, cb) (ctx)->lpVtbl->Alloc((ctx), (cb))
/* CoreCLR: new (nothrow) BYTE[cb], which is malloc underneath. */
#define GLIBC_ALLOC(ctx, cb) ((void)(ctx), malloc(cb))

BENCH_DEFINE_LOOP(loop_ilheap, ilheap *, ILHEAP_ALLOC)
BENCH_DEFINE_LOOP(loop_com, IMethodMalloc *, COM_ALLOC)
BENCH_DEFINE_LOOP(loop_glibc, void *, GLIBC_ALLOC)
BENCH_DEFINE_LOOP(loop_bump, bench_bump *, bench_bump_alloc)
BENCH_DEFINE_LOOP(loop_atomic_bump, bench_bump *, bench_atomic_bump_alloc)

static const bench_allocator local_allocators[] = {
    {.name = "ilheap",
     .max_threads = BENCH_MAX_THREADS,
     .setup = setup_ilheap,
     .loop = loop_ilheap,
     .refills = ilheap_refills},
    {.name = "ilheap-com",
     .max_threads = BENCH_MAX_THREADS,
     .setup = setup_com,
     .loop = loop_com,
     .refills = com_refills},
    {.name = CRT, .max_threads = BENCH_MAX_THREADS, .loop = loop_glibc, .warm = glibc_warm},
    {.name = "bump", .max_threads = 1, .setup = setup_bump, .loop = loop_bump},
    {.name = "atomic-bump",
     .max_threads = BENCH_MAX_THREADS,
     .setup = setup_bump,
     .loop = loop_atomic_bump},
};

/* ---- placement: the first allocation of a module in a crowded process ---- */

/* Mappings in the process now (support/space.h), and how long reading and
 * parsing the whole map took. */
static size_t count_mappings(sup_ranges *map, uint64_t *read_ns) {
  uint64_t t0 = sup_now_ns();
  int n = sup_space_read(map, SUP_SPACE_ALL);
  if (read_ns != NULL) {
    *read_ns = sup_now_ns() - t0;
  }
  return n > 0 ? (size_t)n : 0;
}

static int cmp_uptr(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return (x > y) - (x < y);
}

/* Mappings of the crowd lying strictly between lo and hi. */
static size_t crowd_between(const uintptr_t *sorted, size_t k, uintptr_t lo, uintptr_t hi) {
  size_t a = 0, b = k;
  while (a < b) { /* first > lo */
    size_t m = a + (b - a) / 2;
    if (sorted[m] <= lo) {
      a = m + 1;
    } else {
      b = m;
    }
  }
  size_t n = 0;
  for (size_t i = a; i < k && sorted[i] < hi; i++) {
    n++;
  }
  return n;
}

static void print_samples(const char *metric, const char *unit, const double *v, size_t n) {
  printf("S %s %s", metric, unit);
  for (size_t i = 0; i < n; i++) {
    printf(" %.4f", v[i]);
  }
  printf("\n");
}

static int cmd_placement(int argc, char **argv) {
  uint64_t target = 0, iters = 0;
  if (argc < 4 || bench_parse_u64(argv[2], &target) != 0 || bench_parse_u64(argv[3], &iters) != 0 ||
      iters < 1) {
    fprintf(stderr, "usage: %s placement MAPPINGS ITERATIONS [holed]\n", argv[0]);
    return 2;
  }
  /* holed: the crowd's regions apart, with holes no chunk fits in (support/proc.h). */
  int holed = argc > 4 && strcmp(argv[4], "holed") == 0;
  sup_ranges map = {0};
  sup_ranges_reserve(&map, (size_t)target + SUP_SPACE_CAP);
  double *first = malloc(iters * sizeof *first);
  double *maps = malloc(iters * sizeof *maps);
  double *skipped = malloc(iters * sizeof *skipped);
  uint32_t *sizes = bench_sizes(iters, NULL);
  uintptr_t *crowd = malloc((size_t)(target + 1) * sizeof *crowd);
  if (first == NULL || maps == NULL || skipped == NULL || sizes == NULL || crowd == NULL) {
    free(first);
    free(maps);
    free(skipped);
    free(sizes);
    free(crowd);
    return 2;
  }
  /* The crowd (support/proc.h): single pages, alternately read-only and
   * read-write so that no two neighbours merge into one mapping. On Linux the
   * kernel packs them top-down among the shared libraries, where a runtime's
   * modules are mapped too. */
  size_t base_count = count_mappings(&map, NULL);
  size_t k = target > base_count ? (size_t)target - base_count : 0;
  if ((holed ? sup_map_crowd_holed(crowd, k) : sup_map_crowd(crowd, k)) != 0) {
    return 2;
  }
  if (k == 0) { /* a lone module */
    void *m = map_module(sup_map_unit());
    if (m == NULL) {
      return 2;
    }
    crowd[k++] = (uintptr_t)m;
  }
  qsort(crowd, k, sizeof *crowd, cmp_uptr);
  size_t mappings = count_mappings(&map, NULL);

  for (uint64_t it = 0; it < iters; it++) {
    /* Module bases spread evenly over the crowd (a fixed stride through it). */
    uintptr_t base = crowd[(size_t)((it * 7919u + 13u) % k)];
    ilheap *h = NULL;
    uint64_t t0 = sup_now_ns();
    int err = ilheap_create((const void *)base, NULL, &h);
    void *p = err == ILHEAP_OK ? ilheap_alloc(h, sizes[it]) : NULL;
    uint64_t t1 = sup_now_ns();
    if (p == NULL || (uintptr_t)p <= base) {
      fprintf(stderr, "bench: first allocation failed or below the module (%s)\n",
              ilheap_strerror(err));
      return 1;
    }
    ilheap_stats st = {.size = sizeof st};
    (void)ilheap_get_stats(h, &st);
    ilheap_destroy(h);
    first[it] = (double)(t1 - t0) / 1e3;
    skipped[it] = (double)crowd_between(crowd, k, base, (uintptr_t)st.lowest);
  }
  /* Timed apart: reading all of the map text between placements (600 KB at
   * ~10,000 mappings) evicted the caches the next placement ran in. */
  uint64_t reads = iters < 10 ? iters : 10;
  for (uint64_t it = 0; it < reads; it++) {
    uint64_t read_ns = 0;
    (void)count_mappings(&map, &read_ns);
    maps[it] = (double)read_ns / 1e3;
  }
  printf("P mappings %zu\n", mappings);
  print_samples("first_alloc", "us", first, iters);
  /* The process's first placement: the Linux provider has not crossed the
   * crowd yet, so it walks it mapping by mapping. */
  print_samples("first_alloc_cold", "us", first, 1);
  print_samples("read_whole_maps", "us", maps, reads);
  print_samples("mappings_skipped", "count", skipped, iters);
  return 0;
}

/* ---- economy ---------------------------------------------------------------- */

static void print_metric(const char *name, const char *unit, double v) {
  printf("M %s %s %.6g\n", name, unit, v);
}

static int cmd_economy_ilheap(int argc, char **argv) {
  uint64_t modules = 0, per = 0;
  if (argc < 5 || bench_parse_u64(argv[3], &modules) != 0 || bench_parse_u64(argv[4], &per) != 0 ||
      modules < 1 || per < 1 || modules > 100000) {
    fprintf(stderr, "usage: %s economy ilheap MODULES BODIES_PER_MODULE\n", argv[0]);
    return 2;
  }
  size_t total = (size_t)(modules * per);
  uint32_t *sizes = bench_sizes(total, NULL);
  ilheap **heaps =
      calloc((size_t)modules,
             sizeof(ilheap *)); // NOLINT(bugprone-sizeof-expression): an array of pointers
  unsigned char *images = map_module((size_t)modules * MODULE_IMAGE);
  if (sizes == NULL || heaps == NULL || images == NULL) {
    free(sizes);
    free(heaps);
    return 2;
  }
  sup_footprint m0, m1;
  if (sup_footprint_read(&m0) != 0) {
    return 2;
  }
  for (size_t m = 0; m < modules; m++) {
    if (ilheap_create(images + m * MODULE_IMAGE, NULL, &heaps[m]) != ILHEAP_OK) {
      return 2;
    }
  }
  /* Bodies go to the modules in turn, as JIT events of different modules
   * interleave. With one module, reserved/requested is sampled after every
   * body once the heap holds 1 MiB: the target is about every moment, not the
   * end. */
  const uint64_t mib = 1u << 20;
  uint64_t requested = 0;
  double at_1mib = 0, worst = 0;
  for (size_t i = 0; i < total; i++) {
    void *p = ilheap_alloc(heaps[i % modules], sizes[i]);
    if (p == NULL) {
      fprintf(stderr, "bench: ilheap_alloc failed\n");
      return 1;
    }
    memcpy(p, bench_body, sizes[i]);
    requested += sizes[i];
    if (modules == 1 && requested >= mib) {
      ilheap_stats st = {.size = sizeof st};
      (void)ilheap_get_stats(heaps[0], &st);
      double r = (double)st.bytes_reserved / (double)st.bytes_requested;
      if (at_1mib == 0) {
        at_1mib = r;
      }
      worst = r > worst ? r : worst;
    }
  }
  if (sup_footprint_read(&m1) != 0) {
    return 2;
  }
  ilheap_stats sum = {0};
  for (size_t m = 0; m < modules; m++) {
    ilheap_stats st = {.size = sizeof st};
    (void)ilheap_get_stats(heaps[m], &st);
    sum.blocks += st.blocks;
    sum.bytes_requested += st.bytes_requested;
    sum.padding_bytes += st.padding_bytes;
    sum.bytes_reserved += st.bytes_reserved;
    sum.bytes_committed += st.bytes_committed;
    sum.chunks += st.chunks;
  }
  double req = (double)sum.bytes_requested;
  print_metric("bodies", "count", (double)sum.blocks);
  print_metric("bytes_requested", "bytes", req);
  print_metric("reserved_per_byte", "ratio", (double)sum.bytes_reserved / req);
  print_metric("committed_per_byte", "ratio", (double)sum.bytes_committed / req);
  print_metric("address_space_per_byte", "ratio", (double)(m1.address_space - m0.address_space) / req);
  print_metric("rss_per_byte", "ratio", (double)(m1.resident - m0.resident) / req);
  print_metric("per_block_overhead", "bytes", (double)sum.padding_bytes / (double)sum.blocks);
  print_metric("chunks_per_module", "count", (double)sum.chunks / (double)modules);
  if (modules == 1) {
    print_metric("reserved_per_byte_at_1MiB", "ratio", at_1mib);
    print_metric("worst_reserved_per_byte_after_1MiB", "ratio", worst);
  }
  for (size_t m = 0; m < modules; m++) {
    ilheap_destroy(heaps[m]);
  }
  /* A module that asks for one small body: what it costs in address space. */
  ilheap *one = NULL;
  ilheap_stats st1 = {.size = sizeof st1};
  if (ilheap_create(images, NULL, &one) != ILHEAP_OK || ilheap_alloc(one, 100) == NULL ||
      ilheap_get_stats(one, &st1) != ILHEAP_OK) {
    return 1;
  }
  print_metric("one_small_body_reserved", "bytes", (double)st1.bytes_reserved);
  ilheap_destroy(one);
  return 0;
}

#if defined(_WIN32)
/* msvcrt keeps no counts of its own, and its _msize answers the size asked:
 * the process's footprint alone says what it costs. */
#define glibc_in_use NULL
#define glibc_system NULL
#define glibc_usable NULL /* _msize answers the size asked: it says nothing */
#else
static size_t glibc_in_use(void) { return mallinfo2().uordblks; }

static size_t glibc_system(void) {
  struct mallinfo2 mi = mallinfo2();
  return mi.arena + mi.hblkhd;
}

static size_t glibc_usable(void *p) { return malloc_usable_size(p); }
#endif

/* ---- the driver: results -------------------------------------------------------- */

typedef struct series {
  char section[16]; /* throughput, placement, economy */
  char kase[24];    /* alloc / write, maps~1000, 1x100000 */
  char alloc[24];
  int threads;
  double param; /* mappings in the process, for placement */
  char metric[40];
  char unit[12];
  double *v;
  size_t n, cap;
} series;

static series *all_series;
static size_t n_series, cap_series;

static series *series_get(const char *section, const char *kase, const char *alloc, int threads,
                          const char *metric, const char *unit) {
  for (size_t i = 0; i < n_series; i++) {
    series *s = &all_series[i];
    if (strcmp(s->section, section) == 0 && strcmp(s->kase, kase) == 0 &&
        strcmp(s->alloc, alloc) == 0 && s->threads == threads && strcmp(s->metric, metric) == 0) {
      return s;
    }
  }
  if (n_series == cap_series) {
    cap_series = cap_series ? cap_series * 2 : 64;
    all_series = realloc(all_series, cap_series * sizeof *all_series);
    if (all_series == NULL) {
      fprintf(stderr, "bench: out of memory\n");
      exit(2);
    }
  }
  series *s = &all_series[n_series++];
  memset(s, 0, sizeof *s);
  snprintf(s->section, sizeof s->section, "%s", section);
  snprintf(s->kase, sizeof s->kase, "%s", kase);
  snprintf(s->alloc, sizeof s->alloc, "%s", alloc);
  snprintf(s->metric, sizeof s->metric, "%s", metric);
  snprintf(s->unit, sizeof s->unit, "%s", unit);
  s->threads = threads;
  return s;
}

static series *series_find(const char *section, const char *kase, const char *alloc, int threads,
                           const char *metric) {
  for (size_t i = 0; i < n_series; i++) {
    series *s = &all_series[i];
    if (strcmp(s->section, section) == 0 && strcmp(s->kase, kase) == 0 &&
        strcmp(s->alloc, alloc) == 0 && s->threads == threads && strcmp(s->metric, metric) == 0 &&
        s->n > 0) {
      return s;
    }
  }
  return NULL;
}

static void series_add(series *s, double v) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    if (s->v == NULL) {
      fprintf(stderr, "bench: out of memory\n");
      exit(2);
    }
  }
  s->v[s->n++] = v;
}

typedef struct summary {
  double med, q1, q3, min, max;
  size_t n;
} summary;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Quantile by linear interpolation between order statistics. */
static double quantile(const double *sorted, size_t n, double q) {
  double pos = q * (double)(n - 1);
  size_t i = (size_t)pos;
  double frac = pos - (double)i;
  return i + 1 < n ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
}

static summary summarize(const series *s) {
  summary r = {NAN, NAN, NAN, NAN, NAN, 0};
  if (s == NULL || s->n == 0) {
    return r;
  }
  double *v = malloc(s->n * sizeof *v);
  if (v == NULL) {
    return r;
  }
  memcpy(v, s->v, s->n * sizeof *v);
  qsort(v, s->n, sizeof *v, cmp_double);
  r.n = s->n;
  r.min = v[0];
  r.max = v[s->n - 1];
  r.med = quantile(v, s->n, 0.5);
  r.q1 = quantile(v, s->n, 0.25);
  r.q3 = quantile(v, s->n, 0.75);
  free(v);
  return r;
}

static double median_of(const char *section, const char *kase, const char *alloc, int threads,
                        const char *metric) {
  return summarize(series_find(section, kase, alloc, threads, metric)).med;
}

/* The reference's time over the contender's, run by run: repetition r of every
 * configuration ran side by side (interleaved), so each pair saw the same load.
 * Above 1: the contender is faster. NAN when either has a failed run. */
static summary pair_ratios(const char *kase, const char *who, const char *ref, int threads,
                           const char *metric) {
  summary r = {NAN, NAN, NAN, NAN, NAN, 0};
  const series *a = series_find("throughput", kase, who, threads, metric);
  const series *b = series_find("throughput", kase, ref, threads, metric);
  if (a == NULL || b == NULL || a->n != b->n) {
    return r;
  }
  series q = {.n = a->n, .v = malloc(a->n * sizeof(double))};
  if (q.v == NULL) {
    return r;
  }
  for (size_t i = 0; i < a->n; i++) {
    q.v[i] = b->v[i] / a->v[i];
  }
  r = summarize(&q);
  free(q.v);
  return r;
}

/* ---- the driver: running children ------------------------------------------------ */

static char self_dir[4096];

typedef struct contender {
  const char *name;
  const char *binary; /* NULL: this program */
  int max_threads;
  int can_free; /* has a "warm" run */
  int available;
} contender;

static contender contenders[] = {
    {"ilheap", NULL, BENCH_MAX_THREADS, 0, 1},
    {"ilheap-com", NULL, BENCH_MAX_THREADS, 0, 1},
    {CRT, NULL, BENCH_MAX_THREADS, 1, 1},
    {"mimalloc", "ilheap_bench_mimalloc", BENCH_MAX_THREADS, 1, 1},
    {"jemalloc", "ilheap_bench_jemalloc", BENCH_MAX_THREADS, 1, 1},
    {"bump", NULL, 1, 0, 1},
    {"atomic-bump", NULL, BENCH_MAX_THREADS, 0, 1},
};
#define N_CONTENDERS (sizeof contenders / sizeof contenders[0])

static void binary_path(const contender *c, char *out, size_t cap) {
  snprintf(out, cap, "%s/%s" SUP_EXE_SUFFIX, self_dir, c->binary != NULL ? c->binary : "ilheap_bench");
}

static const int thread_counts[] = {1, 2, 4};
static const char *const workloads[] = {"alloc", "write", "warm"};
static const char *const workload_titles[] = {"alloc-only", "alloc+write", "alloc-warm"};
#define N_WORKLOADS 3

typedef struct config {
  const contender *c;
  const char *workload;
  int threads;
} config;

static void run_throughput(int reps) {
  config cfg[96];
  size_t nc = 0;
  for (size_t w = 0; w < N_WORKLOADS; w++) {
    for (size_t t = 0; t < 3; t++) {
      for (size_t i = 0; i < N_CONTENDERS; i++) {
        if (contenders[i].available && thread_counts[t] <= contenders[i].max_threads &&
            (w != 2 || contenders[i].can_free)) {
          cfg[nc++] = (config){&contenders[i], workloads[w], thread_counts[t]};
        }
      }
    }
  }
  for (int r = 0; r < reps; r++) {
    fprintf(stderr, "throughput: repetition %d of %d\n", r + 1, reps);
    for (size_t j = 0; j < nc; j++) {
      const config *c = &cfg[(j + (size_t)r * 5) % nc];
      char path[4200], threads[16], *out = NULL;
      binary_path(c->c, path, sizeof path);
      snprintf(threads, sizeof threads, "%d", c->threads);
      const char *argv[] = {path, "run", c->c->name, c->workload, threads, NULL};
      int st = sup_run_capture(path, argv, NULL, &out);
      unsigned long long ns = 0, allocs = 0, fails = 0, flt = 0, refills = 0;
      if (st != 0 || out == NULL ||
          sscanf(out, "elapsed_ns %llu allocs %llu failures %llu minflt %llu", &ns, &allocs, &fails,
                 &flt) != 4 ||
          allocs == 0) {
        fprintf(stderr, "bench: %s %s %d threads failed (status %d)\n", c->c->name, c->workload,
                c->threads, st);
        series_add(
            series_get("throughput", c->workload, c->c->name, c->threads, "failed_runs", "count"),
            1);
      } else {
        series_add(
            series_get("throughput", c->workload, c->c->name, c->threads, "ns_per_alloc", "ns"),
            (double)ns / (double)allocs);
        series_add(series_get("throughput", c->workload, c->c->name, c->threads,
                              "page_faults_per_1000", "count"),
                   (double)flt * 1000.0 / (double)allocs);
        unsigned long long cpu = 0;
        const char *cp = strstr(out, " cpu_ns ");
        if (cp != NULL && sscanf(cp, " cpu_ns %llu", &cpu) == 1) {
          series_add(series_get("throughput", c->workload, c->c->name, c->threads,
                                "cpu_ns_per_alloc", "ns"),
                     (double)cpu / (double)allocs);
        }
        const char *r = strstr(out, " refills ");
        if (r != NULL && sscanf(r, " refills %llu", &refills) == 1) {
          series_add(series_get("throughput", c->workload, c->c->name, c->threads,
                                "refills_per_1000", "count"),
                     (double)refills * 1000.0 / (double)allocs);
        }
      }
      free(out);
    }
  }
}

static const unsigned placement_targets[] = {100, 1000, 3000, 10000};
#define N_TARGETS (sizeof placement_targets / sizeof placement_targets[0])
/* The crowd's shapes: regions side by side ("maps~N"), or apart with holes no
 * chunk fits in ("holed~N"; support/proc.h). */
static const char *const crowd_shapes[] = {"maps", "holed"};
#define N_SHAPES (sizeof crowd_shapes / sizeof crowd_shapes[0])

static void run_placement(void) {
  /* Three processes per size (three layouts under ASLR), each timing 100
   * modules; "ilheap-text" forces the provider's /proc/self/maps text path
   * (what kernels before 6.11 get). */
  static const char *const modes[] = {"ilheap", "ilheap-text"};
#if defined(_WIN32)
  const size_t n_modes = 1; /* Windows has one way to read the map: VirtualQuery */
#else
  const size_t n_modes = 2;
#endif
  for (int child = 0; child < 3; child++) {
    for (size_t t = 0; t < N_TARGETS * N_SHAPES; t++) {
      const char *shape = crowd_shapes[t / N_TARGETS];
#if defined(_WIN32) && UINTPTR_MAX == 0xFFFFFFFFu
      /* 10,000 regions apart take 1.25 GiB: with them a 32-bit process has
       * no room left for a chunk above most bases (every run fails). */
      if (t >= N_TARGETS && placement_targets[t % N_TARGETS] > 3000) {
        continue;
      }
#endif
      for (size_t m = 0; m < n_modes; m++) {
        char path[4200], target[16], kase[24], *out = NULL;
        snprintf(path, sizeof path, "%s/ilheap_bench" SUP_EXE_SUFFIX, self_dir);
        snprintf(target, sizeof target, "%u", placement_targets[t % N_TARGETS]);
        snprintf(kase, sizeof kase, "%s~%u", shape, placement_targets[t % N_TARGETS]);
        fprintf(stderr, "placement: %s mappings (%s), %s, process %d of 3\n", target, shape,
                modes[m], child + 1);
        const char *argv[] = {path, "placement", target, "100", t < N_TARGETS ? "adjacent" : "holed",
                              NULL};
        int st = sup_run_capture(path, argv, m == 1 ? "ILHEAP_PROCMAP=text" : NULL, &out);
        if (st != 0 || out == NULL) {
          fprintf(stderr, "bench: placement %s failed (status %d)\n", target, st);
          series_add(series_get("placement", kase, modes[m], 1, "failed_runs", "count"), 1);
          free(out);
          continue;
        }
        double mappings = 0;
        for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
          char metric[40], unit[12];
          int used = 0;
          if (sscanf(line, "P mappings %lf", &mappings) == 1) {
            continue;
          }
          if (sscanf(line, "S %39s %11s%n", metric, unit, &used) != 2) {
            continue;
          }
          const char *who = strcmp(metric, "read_whole_maps") == 0 ? "read-maps" : modes[m];
          if (m == 1 && strcmp(who, "read-maps") == 0) {
            continue; /* the same measurement as in the other mode */
          }
          series *s = series_get("placement", kase, who, 1, metric, unit);
          s->param += mappings / 3.0;
          char *p = line + used, *end;
          for (;;) {
            double v = strtod(p, &end);
            if (end == p) {
              break;
            }
            series_add(s, v);
            p = end;
          }
        }
        free(out);
      }
    }
  }
}

static void run_economy(int reps) {
  static const char *const shapes[][3] = {{"1x100000", "1", "100000"}, {"200x500", "200", "500"}};
  static const char *const who[] = {"ilheap", CRT, "mimalloc", "jemalloc"};
  for (int r = 0; r < reps; r++) {
    for (size_t s = 0; s < 2; s++) {
      for (size_t a = 0; a < 4; a++) {
        const contender *c = NULL;
        for (size_t i = 0; i < N_CONTENDERS; i++) {
          if (strcmp(contenders[i].name, who[a]) == 0 && contenders[i].available) {
            c = &contenders[i];
          }
        }
        if (c == NULL) {
          continue;
        }
        char path[4200], *out = NULL;
        binary_path(c, path, sizeof path);
        const char *argv[] = {path, "economy", who[a], shapes[s][1], shapes[s][2], NULL};
        fprintf(stderr, "economy: %s %s, run %d of %d\n", who[a], shapes[s][0], r + 1, reps);
        int st = sup_run_capture(path, argv, NULL, &out);
        if (st != 0 || out == NULL) {
          fprintf(stderr, "bench: economy %s %s failed (status %d)\n", who[a], shapes[s][0], st);
          free(out);
          continue;
        }
        for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
          char metric[40], unit[12];
          double v;
          if (sscanf(line, "M %39s %11s %lf", metric, unit, &v) == 3) {
            series_add(series_get("economy", shapes[s][0], who[a], 1, metric, unit), v);
          }
        }
        free(out);
      }
    }
  }
}

/* ---- the driver: reporting ---------------------------------------------------------- */

static void print_ratio(FILE *f, double v) {
  if (isnan(v)) {
    fprintf(f, "%8s", "-");
  } else {
    fprintf(f, "%7.2fx", v);
  }
}

static void write_csv(const char *file) {
  FILE *f = fopen(file, "w");
  if (f == NULL) {
    perror(file);
    return;
  }
  fprintf(f, "section,case,allocator,threads,param,metric,unit,runs,median,q1,q3,min,max,"
             "vs_atomic_bump,vs_glibc\n");
  for (size_t i = 0; i < n_series; i++) {
    const series *s = &all_series[i];
    summary m = summarize(s);
    double vb = NAN, vg = NAN;
    // NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): all_series holds n_series entries
    if (strcmp(s->section, "throughput") == 0 &&
        (strcmp(s->metric, "ns_per_alloc") == 0 || strcmp(s->metric, "cpu_ns_per_alloc") == 0)) {
      vb = m.med / median_of("throughput", s->kase, "atomic-bump", s->threads, s->metric);
      vg = m.med / median_of("throughput", s->kase, CRT, s->threads, s->metric);
    }
    fprintf(f, "%s,%s,%s,%d,%.0f,%s,%s,%zu,%.6g,%.6g,%.6g,%.6g,%.6g,", s->section, s->kase,
            s->alloc, s->threads, s->param, s->metric, s->unit, m.n, m.med, m.q1, m.q3, m.min,
            m.max);
    if (isnan(vb)) {
      fprintf(f, ",");
    } else {
      fprintf(f, "%.4g,", vb);
    }
    if (isnan(vg)) {
      fprintf(f, "\n");
    } else {
      fprintf(f, "%.4g\n", vg);
    }
  }
  fclose(f);
}

static void print_throughput(int reps) {
  int ncpu = sup_cpu_count();
  printf("\n== Throughput: ns per allocation = wall time of all threads / allocations\n"
         "   %u allocations per thread, IL-like sizes (80%% 1-64 B, 20%% 65 B-8 KiB), "
         "median of %d processes [min - max]\n"
         "   x bump = time / the atomic bump pointer's, same workload (alloc-only for "
         "alloc-warm); x " CRT " = time / " CRT "'s,\n"
         "   same workload (below 1: faster)\n"
         "   alloc-only: fresh process memory, as for bodies that are never freed; "
         "alloc+write: the body copied in too;\n"
         "   alloc-warm (mallocs only): allocation only from fresh memory the allocator already "
         "holds resident (64 KiB blocks\n"
         "   covering the run were allocated, written and freed first): its own cost without "
         "page faults.\n"
         "   faults/1k: " FAULTS " per 1000 allocations;\n"
         "   refills/1k: ilheap's trips to the provider (chunks + extensions) per 1000 "
         "allocations.\n"
         "   *: more threads than the machine's %d cores: they take turns, so these rows "
         "cannot beat the ones with %d threads.\n",
         BENCH_N, reps, ncpu, ncpu);
  for (size_t w = 0; w < N_WORKLOADS; w++) {
    printf("\n%-12s %-7s %-12s %9s %21s %8s %8s %10s %10s\n", "workload", "threads", "allocator",
           "ns/alloc", "[min - max]", "x bump", "x " CRT, "faults/1k", "refills/1k");
    for (size_t t = 0; t < 3; t++) {
      for (size_t i = 0; i < N_CONTENDERS; i++) {
        const char *k = workloads[w];
        int th = thread_counts[t];
        const series *s = series_find("throughput", k, contenders[i].name, th, "ns_per_alloc");
        if (s == NULL) {
          continue;
        }
        summary m = summarize(s);
        /* The machine may have fewer cores than threads: mark those rows. */
        char thl[16];
        snprintf(thl, sizeof thl, "%d%s", th, th > ncpu ? "*" : "");
        printf("%-12s %-7s %-12s %9.2f   [%7.2f - %8.2f] ", workload_titles[w], thl,
               contenders[i].name, m.med, m.min, m.max);
        /* The bump pointers never touch memory when only allocating: their
         * alloc-only figure is the reference for the warm runs too. */
        print_ratio(stdout, m.med / median_of("throughput", w == 1 ? "write" : "alloc",
                                              "atomic-bump", th, s->metric));
        printf(" ");
        print_ratio(stdout, m.med / median_of("throughput", k, CRT, th, s->metric));
        printf(" %10.1f",
               median_of("throughput", k, contenders[i].name, th, "page_faults_per_1000"));
        double rf = median_of("throughput", k, contenders[i].name, th, "refills_per_1000");
        if (isnan(rf)) {
          printf(" %10s\n", "-");
        } else {
          printf(" %10.2f\n", rf);
        }
      }
    }
  }
}

/* The same runs in CPU time, and each contender against the atomic bump pointer
 * pair by pair. On a shared machine wall time also counts the time a thread
 * waited for a core; CPU time does not (in a VM it still counts time the host
 * took the core away: steal). */
static void print_throughput_cpu(int reps) {
  printf("\n== Throughput in CPU time: ns per allocation = CPU time of all threads / allocations,\n"
         "   from the same runs (median of %d [min - max]). bump/it: the atomic bump pointer's time\n"
         "   over the allocator's, pair by pair (each repetition ran both side by side): median\n"
         "   [min - max] of the %d ratios, in CPU time and in wall time (above 1: faster than the\n"
         "   bump pointer).\n",
         reps, reps);
  for (size_t w = 0; w < 2; w++) {
    printf("\n%-12s %-7s %-12s %9s %21s %23s %23s\n", "workload", "threads", "allocator",
           "cpu ns", "[min - max]", "bump/it cpu [min-max]", "bump/it wall [min-max]");
    for (size_t t = 0; t < 3; t++) {
      for (size_t i = 0; i < N_CONTENDERS; i++) {
        const char *k = workloads[w];
        int th = thread_counts[t];
        const series *s = series_find("throughput", k, contenders[i].name, th, "cpu_ns_per_alloc");
        if (s == NULL) {
          continue;
        }
        summary m = summarize(s);
        summary rc = pair_ratios(k, contenders[i].name, "atomic-bump", th, "cpu_ns_per_alloc");
        summary rw = pair_ratios(k, contenders[i].name, "atomic-bump", th, "ns_per_alloc");
        printf("%-12s %-7d %-12s %9.2f   [%7.2f - %8.2f]   %5.2f [%5.2f - %5.2f]   %5.2f [%5.2f - "
               "%5.2f]\n",
               workload_titles[w], th, contenders[i].name, m.med, m.min, m.max, rc.med, rc.min,
               rc.max, rw.med, rw.min, rw.max);
      }
    }
  }
}

static double growth_exponent(const char *shape, const char *who, size_t a, size_t b) {
  char ka[24], kb[24];
  snprintf(ka, sizeof ka, "%s~%u", shape, placement_targets[a]);
  snprintf(kb, sizeof kb, "%s~%u", shape, placement_targets[b]);
  const series *sa = series_find("placement", ka, who, 1, "first_alloc");
  const series *sb = series_find("placement", kb, who, 1, "first_alloc");
  if (sa == NULL || sb == NULL || sa->param <= 0 || sb->param <= sa->param) {
    return NAN;
  }
  return log(summarize(sb).med / summarize(sa).med) / log(sb->param / sa->param);
}

static void print_placement(void) {
#if defined(_WIN32)
  printf("\n== First allocation for a new module: ilheap_create + first ilheap_alloc, OS provider\n"
         "   module bases spread over a crowd of VirtualQuery regions: maps, the 4 KiB pages of one "
         "reservation, alternately read-only and read-write;\n"
         "   holed, a 4 KiB reservation in every other 64 KiB granule (holes of 124 KiB, a chunk "
         "needs 128); 3 processes x 100 modules per size\n"
         "   ilheap: the Windows provider's VirtualQuery walk; ilheap-cold: the first placement of "
         "each process (3 samples)\n"
         "   read-maps: a VirtualQuery walk of the whole address space, for scale\n\n");
#else
  printf("\n== First allocation for a new module: ilheap_create + first ilheap_alloc, OS provider\n"
         "   module bases spread over a crowd of single-page mappings: maps, side by side; holed, "
         "two-page holes between them;\n"
         "   3 processes x 100 modules per size\n"
         "   ilheap: PROCMAP_QUERY walk (Linux 6.11+); ilheap-cold: the first placement of each "
         "process (3 samples),\n"
         "   before the provider has crossed the crowd once; ilheap-text: the /proc/self/maps text "
         "walk of older kernels\n"
         "   read-maps: reading all of /proc/self/maps once, for scale\n\n");
#endif
  printf("%-6s %-10s %-12s %10s %23s %23s %12s\n", "crowd", "mappings", "who", "median us",
         "[q1 - q3]", "[min - max]", "skipped");
  /* Rows: who, metric, label. "ilheap-cold": each process's first placement. */
  static const char *const who[] = {"ilheap", "ilheap", "ilheap-text", "read-maps"};
  static const char *const metrics[] = {"first_alloc", "first_alloc_cold", "first_alloc",
                                        "read_whole_maps"};
  static const char *const labels[] = {"ilheap", "ilheap-cold", "ilheap-text", "read-maps"};
  for (size_t t = 0; t < N_TARGETS * N_SHAPES; t++) {
    char kase[24];
    const char *shape = crowd_shapes[t / N_TARGETS];
    snprintf(kase, sizeof kase, "%s~%u", shape, placement_targets[t % N_TARGETS]);
    for (size_t w = 0; w < 4; w++) {
      const series *s = series_find("placement", kase, who[w], 1, metrics[w]);
      if (s == NULL) {
        const series *f = series_find("placement", kase, who[w], 1, "failed_runs");
        if (w == 0 && f != NULL) {
          printf("%-6s %-10u %-12s failed in %zu processes (stderr says why)\n", shape,
                 placement_targets[t % N_TARGETS], labels[w], f->n);
        }
        continue;
      }
      summary m = summarize(s);
      printf("%-6s %-10.0f %-12s %10.1f   [%8.1f - %8.1f]   [%8.1f - %8.1f]", shape, s->param,
             labels[w], m.med, m.q1, m.q3, m.min, m.max);
      if (w == 0 || w == 2) {
        printf(" %12.0f", median_of("placement", kase, who[w], 1, "mappings_skipped"));
      }
      printf("\n");
    }
  }
  for (size_t sh = 0; sh < N_SHAPES; sh++) {
    for (size_t w = 1; w < 3; w++) {
      char kase[24];
      snprintf(kase, sizeof kase, "%s~1000", crowd_shapes[sh]);
      if (series_find("placement", kase, who[w], 1, "first_alloc") == NULL) {
        continue; /* no text path (Windows) */
      }
      printf("growth exponent (cost ~ mappings^e), %s, %s: %.2f from ~100 to ~1000, %.2f from "
             "~1000 to ~3000, %.2f from ~1000 to ~10000\n",
             crowd_shapes[sh], who[w], growth_exponent(crowd_shapes[sh], who[w], 0, 1),
             growth_exponent(crowd_shapes[sh], who[w], 1, 2),
             growth_exponent(crowd_shapes[sh], who[w], 1, 3));
    }
  }
}

static void print_economy(void) {
  static const char *const shapes[] = {"1x100000", "200x500"};
  static const char *const who[] = {"ilheap", CRT, "mimalloc", "jemalloc"};
  printf("\n== Economy: every figure per byte requested (bodies written, never freed); median of "
         "3 processes\n"
         "   reserved, committed: ilheap's statistics (guard pages included); held: glibc's "
         "arena + hblkhd (mallinfo2)\n"
         "   address space: VmSize growth; RSS: resident growth (mimalloc reserves ahead at "
         "start-up, so its VmSize grows less)\n"
         "   per-block overhead, bytes: ilheap padding; glibc chunk size - cb (uordblks); "
         "mimalloc, jemalloc usable size - cb\n"
         "   A malloc has no modules: its two shapes are the same 100,000 bodies.\n");
  for (size_t s = 0; s < 2; s++) {
    double req = median_of("economy", shapes[s], "ilheap", 1, "bytes_requested");
    printf("\n%s (modules x bodies), %.1f MiB requested\n", shapes[s], req / 1048576.0);
    printf("%-10s %9s %9s %9s %10s %9s %14s\n", "allocator", "reserved", "committed", "held",
           "addr space", "RSS", "overhead B/blk");
    for (size_t a = 0; a < 4; a++) {
      if (series_find("economy", shapes[s], who[a], 1, "rss_per_byte") == NULL) {
        continue;
      }
      printf("%-10s", who[a]);
      static const char *const cols[] = {"reserved_per_byte", "committed_per_byte",
                                         "system_per_byte", "address_space_per_byte",
                                         "rss_per_byte"};
      for (size_t c = 0; c < 5; c++) {
        double v = median_of("economy", shapes[s], who[a], 1, cols[c]);
        if (isnan(v)) {
          printf(" %*s", c == 3 ? 10 : 9, "-");
        } else {
          printf(" %*.3f", c == 3 ? 10 : 9, v);
        }
      }
      double ov = median_of("economy", shapes[s], who[a], 1, "per_block_overhead");
      if (isnan(ov)) {
        printf(" %14s\n", "-");
      } else {
        printf(" %14.1f\n", ov);
      }
    }
    if (s == 1) {
      printf("ilheap, 200 modules: %.1f chunks per module\n",
             median_of("economy", shapes[s], "ilheap", 1, "chunks_per_module"));
    }
  }
  printf("\nilheap, 1 module: reserved/requested %.3f when the heap first holds 1 MiB, at worst "
         "%.3f after that\n",
         median_of("economy", "1x100000", "ilheap", 1, "reserved_per_byte_at_1MiB"),
         median_of("economy", "1x100000", "ilheap", 1, "worst_reserved_per_byte_after_1MiB"));
  printf("ilheap, a module that asks for one 100-byte body: %.0f bytes reserved (guard page "
         "included)\n",
         median_of("economy", "1x100000", "ilheap", 1, "one_small_body_reserved"));
}

static const char *verdict(int met) { return met ? "MET" : "MISSED"; }

static void print_targets(void) {
  printf("\n== Targets (issues 14 and 27; ratios from this run)\n");
  /* 1. The write path: allocation + writing the body, in wall and in CPU time. */
  static const char *const clocks[] = {"ns_per_alloc", "cpu_ns_per_alloc"};
  static const char *const clock_names[] = {"wall", "cpu "};
  printf("1a. alloc+write at least 1.0x the first-touch atomic bump pointer in the median of the\n"
         "    interleaved pairs, no pair below 0.95x (bump/it, median [min - max]):\n");
  for (size_t k = 0; k < 2; k++) {
    int met = 1;
    printf("    %s:", clock_names[k]);
    for (size_t t = 0; t < 3; t++) {
      summary r = pair_ratios("write", "ilheap", "atomic-bump", thread_counts[t], clocks[k]);
      printf("  %d thr %.2fx [%.2f - %.2f]", thread_counts[t], r.med, r.min, r.max);
      met = met && r.med >= 1.0 && r.min >= 0.95;
    }
    printf("  %s\n", verdict(met));
  }
  static const char *const mallocs[] = {CRT, "mimalloc", "jemalloc"};
  printf("1b. alloc+write, ahead of " CRT ", mimalloc and jemalloc on 1, 2 and 4 threads in the "
         "median\n    (their time / ilheap's):\n");
  for (size_t k = 0; k < 2; k++) {
    int ahead = 1;
    for (size_t t = 0; t < 3; t++) {
      int th = thread_counts[t];
      double il = median_of("throughput", "write", "ilheap", th, clocks[k]);
      printf("    %s %d thread%s:", clock_names[k], th, th > 1 ? "s" : " ");
      for (size_t m = 0; m < 3; m++) {
        double o = median_of("throughput", "write", mallocs[m], th, clocks[k]);
        if (isnan(o)) {
          printf("  %s -", mallocs[m]);
          continue;
        }
        printf("  %s %.2fx", mallocs[m], o / il);
        ahead = ahead && o > il;
      }
      printf("\n");
    }
    printf("    %s: %s\n", clock_names[k], verdict(ahead));
  }
  /* 2. Allocation only. */
  double il = median_of("throughput", "alloc", "ilheap", 1, "ns_per_alloc");
  double ab = median_of("throughput", "alloc", "atomic-bump", 1, "ns_per_alloc");
  printf("2a. alloc only, 1 thread: within 1.5x of the atomic bump pointer: %.2fx (%.1f vs %.1f "
         "ns)  %s\n",
         il / ab, il, ab, verdict(il / ab <= 1.5));
  double t4 = median_of("throughput", "alloc", "ilheap", 4, "ns_per_alloc");
  printf("2b. alloc only, no slower per allocation with 4 threads than with 1: %.2f vs %.2f "
         "ns/alloc  %s\n",
         t4, il, verdict(t4 <= il));
  double gl = median_of("throughput", "alloc", CRT, 1, "ns_per_alloc");
  printf("    (for scale: %.1fx faster than " CRT " malloc, alloc only, 1 thread)\n", gl / il);
  /* 3. Placement. */
  const series *p = series_find("placement", "maps~1000", "ilheap", 1, "first_alloc");
  double us = summarize(p).med;
  printf("3a. first allocation for a module under 50 us with ~1,000 mappings (%.0f): %.1f us  "
         "%s\n",
         p != NULL ? p->param : 0.0, us, verdict(us < 50.0));
  double e1 = growth_exponent("maps", "ilheap", 0, 1), e2 = growth_exponent("maps", "ilheap", 1, 3);
  printf("3b. growing sublinearly to ~10,000 (exponent <= 0.5): %.2f from ~1,000 to ~10,000 "
         "(%.2f from ~100)  %s\n",
         e2, e1, verdict(e2 <= 0.5));
  const series *ph = series_find("placement", "holed~1000", "ilheap", 1, "first_alloc");
  double hus = summarize(ph).med, h2 = growth_exponent("holed", "ilheap", 1, 3);
  if (isnan(h2)) {
    h2 = growth_exponent("holed", "ilheap", 1, 2); /* no room for ~10,000 (32-bit Windows) */
  }
  printf("3c. the same through a crowd with holes no chunk fits in: %.1f us at ~1,000, exponent "
         "%.2f from ~1,000 to ~%s  %s\n",
         hus, h2, isnan(growth_exponent("holed", "ilheap", 1, 3)) ? "3,000" : "10,000",
         verdict(hus < 50.0 && h2 <= 0.5));
  printf("    (each process's first placement, before the crowd was crossed once: %.0f us at "
         "~1,000, %.0f us at ~10,000)\n",
         median_of("placement", "maps~1000", "ilheap", 1, "first_alloc_cold"),
         median_of("placement", "maps~10000", "ilheap", 1, "first_alloc_cold"));
  /* 4. Economy. */
  double worst =
      median_of("economy", "1x100000", "ilheap", 1, "worst_reserved_per_byte_after_1MiB");
  printf("4a. address space reserved <= 1.1x bytes requested once a heap holds 1 MiB: worst %.3f  "
         "%s\n",
         worst, verdict(worst <= 1.1));
  double r1 = median_of("economy", "1x100000", "ilheap", 1, "rss_per_byte");
  double r2 = median_of("economy", "200x500", "ilheap", 1, "rss_per_byte");
  printf("4b. RSS <= 1.05x bytes requested: %.3f (1 module), %.3f (200 modules)  %s\n", r1, r2,
         verdict(r1 <= 1.05 && r2 <= 1.05));
  printf("4c. zero header bytes per block: ilheap keeps none (a block is cb rounded up to the "
         "alignment: %.1f bytes of padding on average)  MET\n",
         median_of("economy", "1x100000", "ilheap", 1, "per_block_overhead"));
  double small = median_of("economy", "1x100000", "ilheap", 1, "one_small_body_reserved");
  printf("4d. under 16 KiB reserved for a module that asks for one small body: %.0f bytes  %s\n",
         small, verdict(small < 16384.0));
}

/* gnuplot reads "?" as a missing value (chart.gp: set datafile missing "?"). */
/* A column of a plot file; "?" for a missing value. */
static void put_value(FILE *f, double v) {
  if (isnan(v)) {
    fprintf(f, " ?");
  } else {
    fprintf(f, " %g", v);
  }
}

static void put_values(FILE *f, double a, double b, double c) {
  put_value(f, a);
  put_value(f, b);
  put_value(f, c);
}

/* dir/name, opened for writing with its header line(s) written; NULL (and a
 * message) if it cannot be created. */
static FILE *open_plot_file(const char *dir, const char *name, const char *header) {
  char file[4200];
  snprintf(file, sizeof file, "%s/%s", dir, name);
  FILE *f = fopen(file, "w");
  if (f == NULL) {
    perror(file);
    return NULL;
  }
  fputs(header, f);
  return f;
}

static void write_plot_data(const char *dir) {
  FILE *f = open_plot_file(dir, "throughput.dat",
                           "# allocator, then for alloc and write, for 1 2 4 threads: median min "
                           "max\n# (the \"warm\" rows: alloc-warm in the alloc columns)\n");
  if (f == NULL) {
    return;
  }
  for (size_t r = 0; r < 2 * N_CONTENDERS; r++) {
    const contender *c = &contenders[r % N_CONTENDERS];
    int warm = r >= N_CONTENDERS;
    if (warm && !c->can_free) {
      continue;
    }
    fprintf(f, warm ? "\"%s warm\"" : "\"%s\"", c->name);
    for (size_t w = 0; w < 2; w++) {
      for (size_t t = 0; t < 3; t++) {
        const char *k = warm ? (w == 0 ? "warm" : "none") : workloads[w];
        summary m =
            summarize(series_find("throughput", k, c->name, thread_counts[t], "ns_per_alloc"));
        put_values(f, m.med, m.min, m.max);
      }
    }
    fprintf(f, "\n");
  }
  fclose(f);
  f = open_plot_file(
      dir, "placement.dat",
      "# mappings, then for ilheap, ilheap-text, read-maps, ilheap-cold: median q1 q3\n");
  if (f == NULL) {
    return;
  }
  for (size_t t = 0; t < N_TARGETS; t++) {
    char kase[24];
    snprintf(kase, sizeof kase, "maps~%u", placement_targets[t]);
    const series *s = series_find("placement", kase, "ilheap", 1, "first_alloc");
    fprintf(f, "%g", s != NULL ? s->param : (double)placement_targets[t]);
    const series *ss[4] = {s, series_find("placement", kase, "ilheap-text", 1, "first_alloc"),
                           series_find("placement", kase, "read-maps", 1, "read_whole_maps"),
                           series_find("placement", kase, "ilheap", 1, "first_alloc_cold")};
    for (size_t w = 0; w < 4; w++) {
      summary m = summarize(ss[w]);
      put_values(f, m.med, m.q1, m.q3);
    }
    fprintf(f, "\n");
  }
  fclose(f);
  f = open_plot_file(dir, "economy.dat",
                     "# allocator, then for 1x100000 and 200x500: address space/byte, RSS/byte\n");
  if (f == NULL) {
    return;
  }
  static const char *const who[] = {"ilheap", CRT, "mimalloc", "jemalloc"};
  for (size_t a = 0; a < 4; a++) {
    fprintf(f, "\"%s\"", who[a]);
    static const char *const shapes[] = {"1x100000", "200x500"};
    for (size_t s = 0; s < 2; s++) {
      put_value(f, median_of("economy", shapes[s], who[a], 1, "address_space_per_byte"));
      put_value(f, median_of("economy", shapes[s], who[a], 1, "rss_per_byte"));
    }
    fprintf(f, "\n");
  }
  fclose(f);
}

static int cmd_all(int argc, char **argv) {
  int reps = 15;
  const char *csv = NULL, *plot_dir = NULL;
  for (int i = 2; i < argc; i++) {
    uint64_t v = 0;
    if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc && bench_parse_u64(argv[i + 1], &v) == 0 &&
        v >= 1 && v <= 1000) {
      reps = (int)v;
      i++;
    } else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
      csv = argv[++i];
    } else if (strcmp(argv[i], "--plot-dir") == 0 && i + 1 < argc) {
      plot_dir = argv[++i];
    } else {
      fprintf(stderr, "usage: %s all [--reps R] [--csv FILE] [--plot-dir DIR]\n", argv[0]);
      return 2;
    }
  }
  if (sup_self_dir(self_dir, sizeof self_dir) != 0) {
    fprintf(stderr, "bench: cannot find this program's directory\n");
    return 2;
  }
  for (size_t i = 0; i < N_CONTENDERS; i++) {
    char path[4200];
    binary_path(&contenders[i], path, sizeof path);
    if (!sup_can_run(path)) {
      contenders[i].available = 0;
      fprintf(stderr, "bench: %s not built (%s missing): left out\n", contenders[i].name, path);
    }
  }
  run_throughput(reps);
  run_placement();
  run_economy(3);
  print_throughput(reps);
  print_throughput_cpu(reps);
  print_placement();
  print_economy();
  print_targets();
  if (csv != NULL) {
    write_csv(csv);
  }
  if (plot_dir != NULL) {
    write_plot_data(plot_dir);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "run") == 0) {
    return bench_cmd_run(local_allocators, sizeof local_allocators / sizeof local_allocators[0],
                         argc, argv);
  }
  if (argc >= 2 && strcmp(argv[1], "placement") == 0) {
    return cmd_placement(argc, argv);
  }
  if (argc >= 3 && strcmp(argv[1], "economy") == 0 && strcmp(argv[2], "ilheap") == 0) {
    return cmd_economy_ilheap(argc, argv);
  }
  if (argc >= 3 && strcmp(argv[1], "economy") == 0 && strcmp(argv[2], CRT) == 0) {
    return bench_cmd_economy_malloc(glibc_malloc, glibc_usable, glibc_in_use, glibc_system, argc,
                                    argv);
  }
  if (argc >= 2 && strcmp(argv[1], "all") == 0) {
    return cmd_all(argc, argv);
  }
  fprintf(stderr,
          "usage: %s all [--reps R] [--csv FILE] [--plot-dir DIR]\n"
          "       %s run ilheap|ilheap-com|" CRT "|bump|atomic-bump alloc|write|warm THREADS [N]\n"
          "       %s placement MAPPINGS ITERATIONS\n"
          "       %s economy ilheap|" CRT " MODULES BODIES_PER_MODULE\n",
          argv[0], argv[0], argv[0], argv[0]);
  return 2;
}
