/* SPDX-License-Identifier: MIT */
/*
 * ilheap_bench_os: what the operating system's provider costs, in a real
 * process, on Linux and on Windows (or Wine) alike.
 *
 *  first allocation  ilheap_create plus the first ilheap_alloc (a walk of the
 *                    window, a reservation, a commit) for the base of each of a
 *                    few loaded modules, over ROUNDS fresh heaps: the median;
 *  refill            a heap filled with BODIES IL-sized bodies; every
 *                    allocation timed, and the ones that refilled (the chunk
 *                    grew in place, or a new chunk started: the statistics say
 *                    which) reported apart from the fast path: medians;
 *  primitives        walk_free over a module's window, and reserve + commit +
 *                    release of one provider page: medians.
 *
 *   ilheap_bench_os [rounds]     (default 50)
 *
 * Prints figures only; it fails (exit 1) only when the library does (a NULL
 * where the window has room), so it doubles as a smoke test.
 */
#if defined(_WIN32)
#define __USE_MINGW_ANSI_STDIO 1 /* C99 printf formats (%zu, %jx) with mingw-w64 */
#include <windows.h>
#else
#define _GNU_SOURCE
#include <dlfcn.h>
#include <time.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilheap.h"

#define BODIES 20000
#define MAX_ROUNDS 1000

static double now_us(void) {
#if defined(_WIN32)
  static LARGE_INTEGER freq;
  LARGE_INTEGER t;
  if (freq.QuadPart == 0)
    QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&t);
  return (double)t.QuadPart * 1e6 / (double)freq.QuadPart;
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
#endif
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, size_t n) {
  if (n == 0)
    return 0;
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct module {
  const char *name;
  uintptr_t base;
} module;

/* A few loaded modules: this program, and system libraries. */
static size_t find_modules(module *m) {
  size_t n = 0;
#if defined(_WIN32)
  static const char *names[] = {NULL, "ntdll.dll", "kernel32.dll"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    HMODULE h = GetModuleHandleA(names[i]);
    if (h != NULL) {
      m[n].name = names[i] != NULL ? names[i] : "(this program)";
      m[n++].base = (uintptr_t)h;
    }
  }
#else
  Dl_info info;
  if (dladdr((void *)&find_modules, &info) != 0) {
    m[n].name = "(this program)";
    m[n++].base = (uintptr_t)info.dli_fbase;
  }
  if (dladdr((void *)&printf, &info) != 0) {
    m[n].name = "libc";
    m[n++].base = (uintptr_t)info.dli_fbase;
  }
#endif
  return n;
}

/* IL-like body sizes: mostly small, some large (a deterministic LCG). */
static uint32_t body_size(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  uint32_t r = *state >> 8;
  return r % 8 == 0 ? 200 + r % 1800 : 12 + r % 180;
}

static int count_gap(void *arg, uintptr_t lo, uintptr_t hi) {
  (void)lo;
  (void)hi;
  ++*(size_t *)arg;
  return 0;
}

int main(int argc, char **argv) {
  static double t[MAX_ROUNDS], fast[BODIES], grew[BODIES], fresh[BODIES];
  const ilheap_provider *p = ilheap_os_provider();
  int rounds = argc > 1 ? atoi(argv[1]) : 50;
  module mods[4];
  size_t nmods = find_modules(mods);
  int failed = 0;

  if (p == NULL || nmods == 0) {
    fprintf(stderr, "bench_os: no OS provider or no module on this platform\n");
    return 1;
  }
  if (rounds < 1 || rounds > MAX_ROUNDS)
    rounds = 50;
  for (int r = 0; r < rounds; r++) {
    double t0 = now_us();
    t[r] = now_us() - t0;
  }
  printf("ilheap_bench_os: %d-bit, provider page %zu KiB, %d rounds; the clock itself costs %.2f us "
         "(included in every figure)\n",
         (int)(8 * sizeof(void *)), p->page_size >> 10, rounds, median(t, (size_t)rounds));

  printf("first allocation for a module (ilheap_create + first ilheap_alloc of 100 bytes), median:\n");
  for (size_t i = 0; i < nmods; i++) {
    int got = 0;
    for (int r = 0; r < rounds; r++) {
      ilheap *h = NULL;
      double t0 = now_us();
      if (ilheap_create((const void *)mods[i].base, NULL, &h) != ILHEAP_OK)
        return 1;
      void *b = ilheap_alloc(h, 100);
      t[r] = now_us() - t0;
      got += b != NULL;
      ilheap_destroy(h);
    }
    if (got == 0)
      printf("  %-16s %#18jx  no room in its window (NULL)\n", mods[i].name, (uintmax_t)mods[i].base);
    else
      printf("  %-16s %#18jx  %8.1f us\n", mods[i].name, (uintmax_t)mods[i].base, median(t, (size_t)rounds));
  }

  /* Refill: the first module with room. */
  for (size_t i = 0; i < nmods; i++) {
    ilheap *h = NULL;
    ilheap_stats s;
    uint64_t chunks = 0, ext = 0, bytes = 0;
    size_t nf = 0, ng = 0, nn = 0;
    uint32_t seed = 7;
    if (ilheap_create((const void *)mods[i].base, NULL, &h) != ILHEAP_OK)
      return 1;
    for (int k = 0; k < BODIES; k++) {
      uint32_t cb = body_size(&seed);
      double t0 = now_us();
      void *b = ilheap_alloc(h, cb);
      double dt = now_us() - t0;
      if (b == NULL)
        break;
      bytes += cb;
      s.size = sizeof s;
      (void)ilheap_get_stats(h, &s);
      if (s.chunks != chunks)
        fresh[nn++] = dt;
      else if (s.extensions != ext)
        grew[ng++] = dt;
      else
        fast[nf++] = dt;
      chunks = s.chunks;
      ext = s.extensions;
    }
    ilheap_destroy(h);
    if (nn == 0)
      continue;
    if (nf + ng + nn < BODIES)
      failed = 1; /* a NULL from a module whose window had room */
    printf("refill, %zu bodies (%.1f MiB) above %s: fast path %.2f us (%zu), grown in place %.1f us "
           "(%zu), new chunk %.1f us (%zu), medians\n",
           nf + ng + nn, (double)bytes / (1 << 20), mods[i].name, median(fast, nf), nf,
           median(grew, ng), ng, median(fresh, nn), nn);

    /* The primitives, in the same window. */
    {
      uintptr_t lo = mods[i].base + 1, hi = mods[i].base + 0x7FFFFFFFu;
      size_t gaps = 0;
      if (hi < lo)
        hi = UINTPTR_MAX;
      for (int r = 0; r < rounds; r++) {
        double t0 = now_us();
        gaps = 0;
        (void)p->walk_free(p->ctx, lo, hi, count_gap, &gaps);
        t[r] = now_us() - t0;
      }
      printf("walk_free over the whole window (%zu free ranges): %.1f us, median\n", gaps,
             median(t, (size_t)rounds));
      h = NULL;
      if (ilheap_create((const void *)mods[i].base, NULL, &h) == ILHEAP_OK &&
          ilheap_alloc(h, 16) != NULL) {
        /* A free page just below the heap's first chunk, found once. */
        (void)ilheap_get_stats(h, &s);
        uintptr_t a = s.lowest - 16 * p->page_size;
        int ok = 0;
        for (int r = 0; r < rounds; r++) {
          double t0 = now_us();
          if (p->reserve(p->ctx, a, p->page_size) == ILHEAP_OK) {
            ok += p->commit(p->ctx, a, p->page_size) == ILHEAP_OK;
            (void)p->release(p->ctx, a, p->page_size);
          }
          t[r] = now_us() - t0;
        }
        if (ok == rounds)
          printf("reserve + commit + release of one page: %.1f us, median\n", median(t, (size_t)rounds));
      }
      ilheap_destroy(h);
    }
    break;
  }
  return failed;
}
