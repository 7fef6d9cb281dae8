/* SPDX-License-Identifier: MIT */
/*
 * Shared parts of the ilheap benchmarks: the IL-like size generator, the clock,
 * the multi-threaded timing harness and the process footprint readers.
 *
 * Every measured allocator runs in a fresh process (see bench.c for why), so
 * this file is compiled into three executables: ilheap_bench (ilheap, glibc
 * malloc, the bump pointers, and the driver), ilheap_bench_mimalloc and
 * ilheap_bench_jemalloc (each linked against that allocator, which then replaces
 * malloc for its whole process; bench_foreign.c).
 */
#ifndef ILHEAP_BENCH_COMMON_H
#define ILHEAP_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mix.h"

/* The one seed: every allocator sees the same sequence of sizes. */
#define BENCH_SEED 0x11EA9B0D1E5ULL
/* Allocations per thread in a throughput run, and bodies in an economy run. */
#define BENCH_N 100000u
#define BENCH_MAX_THREADS 8
#define BENCH_BODY_MAX SUP_IL_SIZE_MAX

/* A new array of n IL-like body sizes (support/mix.h, sup_il_size), the same
 * in every run and every process (BENCH_SEED), or NULL when out of memory;
 * *bytes (if not NULL) gets their sum. Also fills bench_body. */
uint32_t *bench_sizes(size_t n, uint64_t *bytes);

/* The bytes copied into every body in the "alloc+write" workload. */
extern unsigned char bench_body[BENCH_BODY_MAX];

/* One thread's share of a throughput run. */
typedef struct bench_thread {
  void *ctx;             /* the allocator's state (a heap, a bump region...) */
  const uint32_t *sizes; /* this thread's slice of the size sequence */
  size_t n;
  int write;    /* nonzero: copy the body into every block */
  int resident; /* nonzero: the warm callback first makes the memory the
                   run will get resident (see "warm" in bench_cmd_run) */
  uint64_t start_ns, end_ns;
  uint64_t cpu_ns; /* the loop's CPU time (this thread's) */
  uintptr_t sink;  /* XOR of every pointer: keeps the calls observable */
  size_t failures; /* NULL results */
} bench_thread;

typedef void (*bench_loop_fn)(bench_thread *t);
typedef void (*bench_warm_fn)(bench_thread *t);

/*
 * The timed loop for one allocator, with the allocation call written out
 * directly (no function pointer per allocation, so the harness adds the same
 * cost to every allocator: a loop, a load, and for "write" a memcpy).
 * ALLOC(ctx, cb) is an expression giving the block.
 */
#define BENCH_DEFINE_LOOP(NAME, CTX_T, ALLOC)                                                      \
  static void NAME(bench_thread *t) {                                                              \
    CTX_T ctx_ = (CTX_T)t->ctx;                                                                    \
    const uint32_t *s_ = t->sizes;                                                                 \
    size_t n_ = t->n, fail_ = 0;                                                                   \
    uintptr_t sink_ = 0;                                                                           \
    if (t->write) {                                                                                \
      for (size_t i_ = 0; i_ < n_; i_++) {                                                         \
        uint32_t cb_ = s_[i_];                                                                     \
        void *p_ = ALLOC(ctx_, cb_);                                                               \
        if (p_ == NULL) {                                                                          \
          fail_++;                                                                                 \
          continue;                                                                                \
        }                                                                                          \
        memcpy(p_, bench_body, cb_);                                                               \
        sink_ ^= (uintptr_t)p_;                                                                    \
      }                                                                                            \
    } else {                                                                                       \
      for (size_t i_ = 0; i_ < n_; i_++) {                                                         \
        void *p_ = ALLOC(ctx_, s_[i_]);                                                            \
        fail_ += (p_ == NULL);                                                                     \
        sink_ ^= (uintptr_t)p_;                                                                    \
      }                                                                                            \
    }                                                                                              \
    t->sink = sink_;                                                                               \
    t->failures = fail_;                                                                           \
  }

/* How to run one allocator in a throughput run. */
typedef struct bench_allocator {
  const char *name;
  int max_threads; /* 1 for an allocator that is not thread-safe */
  /* Prepares ctx for `threads` threads that will request `bytes` in total;
   * returns 0 or prints why and returns -1. Not timed. */
  int (*setup)(void **ctx, int threads, uint64_t bytes);
  bench_loop_fn loop;
  /* Per thread, before the clock starts; may be NULL. Sets up the thread's
   * cache, and when t->resident is set, makes memory for the run resident
   * (bench_warm_malloc). */
  bench_warm_fn warm;
  /* After the run; may be NULL. Returns how many times the allocator went to
   * the operating system for more (ilheap: chunks + extensions). */
  uint64_t (*refills)(void *ctx);
} bench_allocator;

/* The warm callback of a malloc-like allocator (free_fn frees its blocks). */
void bench_warm_malloc(bench_thread *t, void *(*alloc)(size_t), void (*free_fn)(void *));

/*
 * "run ALLOCATOR WORKLOAD THREADS [N]": one timed run in this process. WORKLOAD
 * is "alloc" (allocation only), "write" (allocation and writing the body) or
 * "warm" (allocation only, on fresh memory the allocator already holds
 * resident: its own cost without page faults; only for allocators with a
 * free). Prints one line:
 *   elapsed_ns <ns> allocs <n> failures <n> minflt <page faults during the run>
 * followed by " refills <n>" for an allocator that counts them.
 * Returns the process exit status.
 */
int bench_cmd_run(const bench_allocator *list, size_t count, int argc, char **argv);

/*
 * "economy MODULES BODIES_PER_MODULE" for a malloc-like allocator: allocates the
 * bodies (written, never freed) and prints "M <metric> <unit> <value>" lines.
 * usable gives the usable size of a block (NULL: unknown); in_use and system (both may be
 * NULL) the allocator's own count of bytes in use, headers included, and of
 * bytes it holds from the system (glibc: mallinfo2's uordblks, arena + hblkhd).
 */
int bench_cmd_economy_malloc(void *(*alloc)(size_t), size_t (*usable)(void *),
                             size_t (*in_use)(void), size_t (*system)(void), int argc, char **argv);

/* Parses a positive decimal; returns 0 on success. */
int bench_parse_u64(const char *s, uint64_t *out);

#endif
