/* SPDX-License-Identifier: MIT */
/*
 * The instruction checker's speed (include/ilheap_il_verify.h): MB of IL code
 * per second on one core, over synthetic bodies of 1 KiB to 1 MiB of code.
 *
 *   ilheap_bench_il_verify [RUNS [MIN_MS [WINDOW]]]   (defaults: 7 runs, 40 ms, 32)
 *
 * Each body is a valid method (the checker says OK; the benchmark fails if
 * not) made of units that keep the stack empty between them: arithmetic with a
 * conditional branch to a unit at most WINDOW units away, forward or backward
 * (0: any unit of the body, which makes every branch a cache miss at 1 MiB), a switch of 8 targets,
 * a try/finally, a try/catch nested in a try/finally, so about one clause
 * every 16 bytes and one branch every 5. The whole body is checked as a
 * profiler would before SetILFunctionBody: ilheap_il_verify on the written
 * bytes (layout, then V1-V19), with the caller's scratch memory and the
 * signatures given. A run times every size once (the sizes interleaved); a
 * sample repeats the check until MIN_MS have passed. The figure per size is the
 * median of the runs, with min and max, in thread CPU time (not wall time),
 * beside its reference measured in the same runs: the public walk
 * (ilheap_il_next) over the same code, the least a check of every instruction
 * costs. The last line gives the growth of the
 * cost per byte from 1 KiB to 1 MiB (goal <= 1.2) and the 1 MiB figure (goal
 * >= 100 MB/s).
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilheap_il.h"
#include "ilheap_il_verify.h"

/* The time this thread spent on a core: the machine is shared (up to 8 jobs on
 * 2 cores), so wall time would measure the neighbours. */
#if defined(_WIN32)
#include <windows.h>
static double now_s(void) {
  FILETIME c, e, k, u;
  GetThreadTimes(GetCurrentThread(), &c, &e, &k, &u);
  ULARGE_INTEGER a, b;
  a.LowPart = k.dwLowDateTime, a.HighPart = k.dwHighDateTime;
  b.LowPart = u.dwLowDateTime, b.HighPart = u.dwHighDateTime;
  return (double)(a.QuadPart + b.QuadPart) * 1e-7;
}
#else
#include <time.h>
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
#endif

enum { U_ARITH, U_SWITCH, U_TRY_FINALLY, U_TRY_CATCH_FINALLY, U_KINDS };
static const uint32_t unit_size[U_KINDS] = {10, 38, 5, 9};

typedef struct body {
  uint8_t *code;
  uint32_t size;
  ilheap_il_clause *clauses;
  uint32_t nclauses, branches;
} body;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t window = 32; /* branch targets: units within this distance (0: any) */
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

/* A unit near unit i (of n + 1): real methods branch close by. */
static uint32_t close_unit(uint32_t i, uint32_t n) {
  if (window == 0)
    return rnd(n + 1);
  uint32_t lo = i > window ? i - window : 0, hi = i + window < n ? i + window : n;
  return lo + rnd(hi - lo + 1);
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* A body of about `target` bytes of code. */
static body make(uint32_t target) {
  uint32_t cap = target / 5 + 2, n = 0, size = 0;
  uint8_t *kind = malloc(cap);
  uint32_t *at = malloc(sizeof *at * cap);
  if (!kind || !at)
    exit(1);
  while (size + 1 < target && n + 1 < cap) {
    uint32_t r = rnd(100);
    kind[n] = r < 55 ? U_ARITH : r < 65 ? U_SWITCH : r < 85 ? U_TRY_FINALLY : U_TRY_CATCH_FINALLY;
    at[n] = size;
    size += unit_size[kind[n]];
    n++;
  }
  at[n] = size; /* the final ret: a unit start too */
  size += 1;
  body b;
  b.size = size;
  b.code = malloc(size);
  b.clauses = malloc(sizeof *b.clauses * (2 * n + 1));
  b.nclauses = b.branches = 0;
  if (!b.code || !b.clauses)
    exit(1);
  for (uint32_t i = 0; i < n; i++) {
    uint8_t *p = b.code + at[i];
    uint32_t u = at[i];
    switch (kind[i]) {
    case U_ARITH: { /* ldloc.0 ldc.i4.1 add stloc.0 ldloc.0 brtrue <any unit> */
      static const uint8_t a[] = {0x06, 0x17, 0x58, 0x0A, 0x06, 0x3A};
      memcpy(p, a, sizeof a);
      uint32_t t = at[close_unit(i, n)];
      put32(p + 6, t - (u + 10));
      b.branches++;
      break;
    }
    case U_SWITCH: /* ldloc.0 switch (8 units) */
      p[0] = 0x06, p[1] = 0x45;
      put32(p + 2, 8);
      for (uint32_t k = 0; k < 8; k++)
        put32(p + 6 + (size_t)4 * k, at[close_unit(i, n)] - (u + 38));
      b.branches += 8;
      break;
    case U_TRY_FINALLY: { /* try { ldloc.0 pop leave.s +1 } finally { endfinally } */
      static const uint8_t a[] = {0x06, 0x26, 0xDE, 0x01, 0xDC};
      memcpy(p, a, sizeof a);
      ilheap_il_clause c = {ILHEAP_IL_FINALLY, u, 4, u + 4, 1, {0}};
      b.clauses[b.nclauses++] = c;
      b.branches++;
      break;
    }
    default: { /* try { try { nop leave.s 6 } catch { pop leave.s 6 } leave.s 9 } finally {..} */
      static const uint8_t a[] = {0x00, 0xDE, 0x03, 0x26, 0xDE, 0x00, 0xDE, 0x01, 0xDC};
      memcpy(p, a, sizeof a);
      ilheap_il_clause inner = {ILHEAP_IL_CATCH, u, 3, u + 3, 3, {0x01000001u}};
      ilheap_il_clause outer = {ILHEAP_IL_FINALLY, u, 8, u + 8, 1, {0}};
      b.clauses[b.nclauses++] = inner;
      b.clauses[b.nclauses++] = outer;
      b.branches += 3;
      break;
    }
    }
  }
  b.code[at[n]] = 0x2A;
  free(kind);
  free(at);
  return b;
}

static const uint8_t own_sig[] = {0x00, 0x00, 0x01};   /* static void () */
static const uint8_t local_sig[] = {0x07, 0x01, 0x08}; /* one int32 */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

#define NSIZES 6
#define MAX_RUNS 64

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 7;
  double min_ms = argc > 2 ? atof(argv[2]) : 40.0;
  if (argc > 3)
    window = (uint32_t)atoi(argv[3]);
  if (runs < 1 || runs > MAX_RUNS || min_ms <= 0) {
    fprintf(stderr, "usage: %s [RUNS (1-%d) [MIN_MS [WINDOW]]]\n", argv[0], MAX_RUNS);
    return 2;
  }
  static const uint32_t sizes[NSIZES] = {1u << 10, 4u << 10, 16u << 10, 64u << 10, 256u << 10,
                                         1u << 20};
  uint8_t *written[NSIZES];
  uint32_t wsize[NSIZES];
  body bodies[NSIZES];
  void *scratch[NSIZES];
  size_t scratch_size[NSIZES];
  for (int s = 0; s < NSIZES; s++) {
    body b = make(sizes[s]);
    ilheap_il_body d;
    memset(&d, 0, sizeof d);
    d.code = b.code;
    d.code_size = b.size;
    d.max_stack = 2;
    d.local_sig_token = 0x11000001u;
    d.clauses = b.clauses;
    d.clause_count = b.nclauses;
    uint32_t n = 0;
    if (ilheap_il_size(&d, 0, &n) != ILHEAP_IL_OK)
      return 1;
    written[s] = malloc(n + 16);
    if (!written[s])
      return 1;
    uint8_t *w = written[s] + ((16 - ((uintptr_t)written[s] & 15)) & 15);
    if (ilheap_il_write(&d, w, n, &wsize[s]) != ILHEAP_IL_OK)
      return 1;
    written[s] = w; /* leaked at exit: a benchmark */
    bodies[s] = b;
    scratch_size[s] = ilheap_il_verify_scratch_size(b.size, b.nclauses);
    scratch[s] = malloc(scratch_size[s]);
    if (!scratch[s])
      return 1;
  }
  double mbs[NSIZES][MAX_RUNS], ref[NSIZES][MAX_RUNS];
  printf("ilheap_bench_il_verify: %d runs, samples of >= %.0f ms of thread CPU time, branch window %u "
         "units (0: any)\n",
         runs, min_ms, window);
  for (int r = 0; r < runs; r++) {
    for (int s = 0; s < NSIZES; s++) {
      ilheap_il_verify_options o;
      memset(&o, 0, sizeof o);
      o.own_sig = own_sig;
      o.own_sig_size = sizeof own_sig;
      o.local_sig = local_sig;
      o.local_sig_size = sizeof local_sig;
      o.scratch = scratch[s];
      o.scratch_size = scratch_size[s];
      ilheap_il_verdict v;
      uint64_t reps = 0;
      double t0 = now_s(), t;
      do {
        if (ilheap_il_verify(written[s], wsize[s], &o, &v) != ILHEAP_IL_OK ||
            v.result != ILHEAP_IL_VERDICT_OK) {
          fprintf(stderr, "size %u: %s (V%u at IL_%04x, clause %u)\n", sizes[s],
                  ilheap_il_strerror(v.answer), v.check, v.offset, v.clause);
          return 1;
        }
        reps++;
        t = now_s() - t0;
      } while (t * 1e3 < min_ms);
      mbs[s][r] = (double)bodies[s].size * (double)reps / t / 1e6;
      /* The reference, interleaved: the public walk over the same code, the
       * least any check of every instruction costs. */
      const uint8_t *code = written[s] + ILHEAP_IL_FAT_HEADER_SIZE;
      uint64_t seen = 0;
      reps = 0;
      t0 = now_s();
      do {
        for (size_t off = 0; off < bodies[s].size;) {
          ilheap_il_insn in;
          if (ilheap_il_next(code, bodies[s].size, off, &in) != ILHEAP_IL_OK)
            return 1;
          off += in.size;
          seen++;
        }
        reps++;
        t = now_s() - t0;
      } while (t * 1e3 < min_ms);
      ref[s][r] = (double)bodies[s].size * (double)reps / t / 1e6;
      if (seen == 0)
        return 1;
    }
  }
  double med[NSIZES];
  printf("%10s %9s %8s %9s %12s %8s %8s %12s\n", "code", "clauses", "branches", "instrs",
         "MB/s median", "min", "max", "walk (ref)");
  for (int s = 0; s < NSIZES; s++) {
    qsort(mbs[s], (size_t)runs, sizeof(double), cmp_double);
    qsort(ref[s], (size_t)runs, sizeof(double), cmp_double);
    med[s] = mbs[s][runs / 2];
    ilheap_il_verdict v;
    ilheap_il_verify_options o;
    memset(&o, 0, sizeof o);
    o.own_sig = own_sig;
    o.own_sig_size = sizeof own_sig;
    o.local_sig = local_sig;
    o.local_sig_size = sizeof local_sig;
    int rr = ilheap_il_verify(written[s], wsize[s], &o, &v);
    (void)rr;
    printf("%10u %9u %8u %9u %12.1f %8.1f %8.1f %12.1f\n", bodies[s].size, bodies[s].nclauses,
           bodies[s].branches, v.instructions, med[s], mbs[s][0], mbs[s][runs - 1],
           ref[s][runs / 2]);
  }
  printf("cost per byte, 1 MiB / 1 KiB: %.2fx (goal <= 1.2); 1 MiB: %.0f MB/s (goal >= 100)\n",
         med[0] / med[NSIZES - 1], med[NSIZES - 1]);
  return 0;
}
