/* SPDX-License-Identifier: MIT */
/* Shared parts of the ilheap benchmarks (see bench_common.h). */
#include "bench_common.h"

#include "mix.h"
#include "proc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

unsigned char bench_body[BENCH_BODY_MAX];

uint32_t *bench_sizes(size_t n, uint64_t *bytes) {
  uint32_t *out = malloc((n ? n : 1) * sizeof *out);
  if (out == NULL) {
    return NULL;
  }
  uint64_t st = BENCH_SEED, sum = 0;
  for (size_t i = 0; i < n; i++) {
    out[i] = sup_il_size(&st);
    sum += out[i]; /* also faults the array in before any measurement */
  }
  if (bytes != NULL) {
    *bytes = sum;
  }
  /* Something that looks like IL: a fat header, then opcodes. The content does
   * not matter to an allocator; that every byte is written does. */
  for (size_t i = 0; i < sizeof bench_body; i++) {
    bench_body[i] = (unsigned char)(0x02 + (i * 7) % 0xE0);
  }
  return out;
}

int bench_parse_u64(const char *s, uint64_t *out) {
  if (s == NULL || *s < '0' || *s > '9') {
    return -1;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0') {
    return -1;
  }
  *out = v;
  return 0;
}

/* Page faults of the process so far (0 when they cannot be read). */
static uint64_t faults_now(void) {
  sup_footprint f;
  return sup_footprint_read(&f) == 0 ? f.faults : 0;
}

typedef struct worker {
  bench_thread t;
  bench_loop_fn loop;
  bench_warm_fn warm;
  pthread_barrier_t *ready, *go;
} worker;

void bench_warm_malloc(bench_thread *t, void *(*alloc)(size_t), void (*free_fn)(void *)) {
  /* The first call on a thread sets up its arena or thread cache. */
  void *volatile first = alloc(16);
  free_fn(first);
  if (!t->resident) {
    return;
  }
  /* Fresh but resident memory: blocks of 64 KiB (below glibc's mmap threshold,
   * so they come from the heap) covering what the run will request plus a
   * quarter for headers and rounding, written, then freed newest first so that
   * they merge back into free memory the allocator keeps. The run then carves
   * fresh memory without page faults (faults/1k in the table shows how far
   * each allocator kept it). */
  const size_t piece = (size_t)64 << 10;
  uint64_t bytes = 0;
  for (size_t i = 0; i < t->n; i++) {
    bytes += t->sizes[i];
  }
  size_t count = (size_t)((bytes + bytes / 4) / piece + 1);
  void **blocks = alloc(count * sizeof *blocks);
  if (blocks == NULL) {
    return;
  }
  for (size_t i = 0; i < count; i++) {
    blocks[i] = alloc(piece);
    if (blocks[i] != NULL) {
      memset(blocks[i], 0x5A, piece);
    }
  }
  for (size_t i = count; i-- > 0;) {
    free_fn(blocks[i]);
  }
  free_fn(blocks);
}

static void *worker_main(void *arg) {
  worker *w = arg;
  if (w->warm != NULL) {
    w->warm(&w->t);
  }
  /* The driving thread counts page faults between the two barriers. */
  pthread_barrier_wait(w->ready);
  pthread_barrier_wait(w->go);
  uint64_t cpu0 = sup_thread_cpu_ns();
  w->t.start_ns = sup_now_ns();
  w->loop(&w->t);
  w->t.end_ns = sup_now_ns();
  w->t.cpu_ns = sup_thread_cpu_ns() - cpu0;
  return NULL;
}

static int run_threads(const bench_allocator *a, void *ctx, int write, int resident, int threads,
                       const uint32_t *sizes, size_t n, uint64_t *elapsed, size_t *failures,
                       uint64_t *faults, uint64_t *cpu) {
  worker w[BENCH_MAX_THREADS];
  pthread_t tid[BENCH_MAX_THREADS];
  pthread_barrier_t ready, go;
  if (pthread_barrier_init(&ready, NULL, (unsigned)threads + 1) != 0 ||
      pthread_barrier_init(&go, NULL, (unsigned)threads + 1) != 0) {
    return -1;
  }
  for (int i = 0; i < threads; i++) {
    w[i] = (worker){.t = {.ctx = ctx,
                          .sizes = sizes + (size_t)i * n,
                          .n = n,
                          .write = write,
                          .resident = resident},
                    .loop = a->loop,
                    .warm = a->warm,
                    .ready = &ready,
                    .go = &go};
  }
  int started = 0;
  for (; started < threads; started++) {
    if (pthread_create(&tid[started], NULL, worker_main, &w[started]) != 0) {
      break;
    }
  }
  if (started != threads) {
    /* The barrier would never open: nothing sensible to measure. */
    fprintf(stderr, "bench: could not start %d threads\n", threads);
    _Exit(2);
  }
  pthread_barrier_wait(&ready);
  uint64_t flt0 = faults_now();
  pthread_barrier_wait(&go);
  uint64_t lo = UINT64_MAX, hi = 0;
  size_t fails = 0;
  uintptr_t sink = 0;
  *cpu = 0;
  for (int i = 0; i < threads; i++) {
    pthread_join(tid[i], NULL);
    lo = w[i].t.start_ns < lo ? w[i].t.start_ns : lo;
    hi = w[i].t.end_ns > hi ? w[i].t.end_ns : hi;
    fails += w[i].t.failures;
    *cpu += w[i].t.cpu_ns;
    sink ^= w[i].t.sink;
  }
  *faults = faults_now() - flt0;
  pthread_barrier_destroy(&ready);
  pthread_barrier_destroy(&go);
  /* Printed to stderr only when it is 0, so the XOR is never dead code. */
  if (sink == 0) {
    fprintf(stderr, "bench: pointer checksum is 0\n");
  }
  *elapsed = hi - lo;
  *failures = fails;
  return 0;
}

int bench_cmd_run(const bench_allocator *list, size_t count, int argc, char **argv) {
  /* argv: run ALLOCATOR WORKLOAD THREADS [N] */
  uint64_t threads = 0, n = BENCH_N;
  if (argc < 5 || bench_parse_u64(argv[4], &threads) != 0 || threads < 1 ||
      threads > BENCH_MAX_THREADS || (argc > 5 && (bench_parse_u64(argv[5], &n) != 0 || n < 1))) {
    fprintf(stderr, "usage: %s run ALLOCATOR alloc|write|warm THREADS [N]\n", argv[0]);
    return 2;
  }
  const bench_allocator *a = NULL;
  for (size_t i = 0; i < count; i++) {
    if (strcmp(list[i].name, argv[2]) == 0) {
      a = &list[i];
    }
  }
  int write = strcmp(argv[3], "write") == 0, resident = strcmp(argv[3], "warm") == 0;
  if (a == NULL || (!write && !resident && strcmp(argv[3], "alloc") != 0)) {
    fprintf(stderr, "%s: unknown allocator or workload: %s %s\n", argv[0], argv[2], argv[3]);
    return 2;
  }
  if (resident && a->warm == NULL) {
    fprintf(stderr, "%s: %s cannot free, so it has no warm run\n", argv[0], a->name);
    return 2;
  }
  if ((int)threads > a->max_threads) {
    fprintf(stderr, "%s: %s is not thread-safe\n", argv[0], a->name);
    return 2;
  }
  size_t total = (size_t)threads * n;
  uint64_t bytes = 0;
  uint32_t *sizes = bench_sizes(total, &bytes);
  if (sizes == NULL) {
    return 2;
  }
  void *ctx = NULL;
  if (a->setup != NULL && a->setup(&ctx, (int)threads, bytes) != 0) {
    return 2;
  }
  uint64_t elapsed = 0, flt = 0, cpu = 0;
  size_t failures = 0;
  if (run_threads(a, ctx, write, resident, (int)threads, sizes, n, &elapsed, &failures, &flt, &cpu) !=
      0) {
    return 2;
  }
  printf("elapsed_ns %llu allocs %llu failures %llu minflt %llu", (unsigned long long)elapsed,
         (unsigned long long)total, (unsigned long long)failures, (unsigned long long)flt);
  printf(" cpu_ns %llu", (unsigned long long)cpu);
  if (a->refills != NULL) {
    printf(" refills %llu", (unsigned long long)a->refills(ctx));
  }
  printf("\n");
  return failures == 0 ? 0 : 1;
}

static void print_metric(const char *name, const char *unit, double v) {
  printf("M %s %s %.6g\n", name, unit, v);
}

int bench_cmd_economy_malloc(void *(*alloc)(size_t), size_t (*usable)(void *),
                             size_t (*in_use)(void), size_t (*system)(void), int argc,
                             char **argv) {
  /* argv: economy ALLOCATOR MODULES BODIES. A malloc has no modules: the same
   * bodies are allocated in the same order, which is all it can see. */
  uint64_t modules = 0, per = 0;
  if (argc < 5 || bench_parse_u64(argv[3], &modules) != 0 || bench_parse_u64(argv[4], &per) != 0 ||
      modules < 1 || per < 1) {
    fprintf(stderr, "usage: %s economy ALLOCATOR MODULES BODIES_PER_MODULE\n", argv[0]);
    return 2;
  }
  size_t total = (size_t)(modules * per);
  uint64_t requested = 0;
  uint32_t *sizes = bench_sizes(total, &requested);
  if (sizes == NULL) {
    return 2;
  }
  sup_footprint m0, m1;
  size_t used0 = in_use != NULL ? in_use() : 0;
  size_t system0 = system != NULL ? system() : 0;
  if (sup_footprint_read(&m0) != 0) {
    free(sizes);
    return 2;
  }
  uint64_t slack = 0;
  for (size_t i = 0; i < total; i++) {
    void *p = alloc(sizes[i]);
    if (p == NULL) {
      fprintf(stderr, "%s: allocation failed\n", argv[0]);
      return 1;
    }
    memcpy(p, bench_body, sizes[i]);
    slack += usable != NULL ? usable(p) - sizes[i] : 0;
  }
  if (sup_footprint_read(&m1) != 0) {
    return 2;
  }
  double req = (double)requested;
  print_metric("bodies", "count", (double)total);
  print_metric("bytes_requested", "bytes", req);
  print_metric("address_space_per_byte", "ratio", (double)(m1.address_space - m0.address_space) / req);
  print_metric("rss_per_byte", "ratio", (double)(m1.resident - m0.resident) / req);
  if (system != NULL) {
    print_metric("system_per_byte", "ratio", (double)(system() - system0) / req);
  }
  if (in_use != NULL) {
    /* glibc: uordblks counts whole chunks, header included. */
    print_metric("per_block_overhead", "bytes", ((double)(in_use() - used0) - req) / (double)total);
  } else if (usable != NULL) {
    /* mimalloc, jemalloc: no per-block header; the waste is the size-class rounding. */
    print_metric("per_block_overhead", "bytes", (double)slack / (double)total);
  }
  return 0;
}
