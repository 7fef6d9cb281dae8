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
 *                    release of one provider page: medians;
 *  write path        alloc+write (each body copied into its block, as a
 *                    profiler does) of WRITE_BODIES IL-sized bodies on a fresh
 *                    heap, on the OS provider and on a landing zone over it
 *                    whose pieces pave the heap's window (a strict-policy
 *                    profiler's setup: every chunk inside the zone): runs
 *                    interleaved, the order alternating; medians with min and
 *                    max, and the ratio zone / OS provider, in wall time and in
 *                    this thread's CPU time (Wine's GetThreadTimes counts in
 *                    10 ms steps: read the wall time there);
 *  crowds (Linux)    ilheap_create plus the first ilheap_alloc of a new heap
 *                    whose window starts at the bottom of a crowd of one-page
 *                    mappings, 1,000, 3,000 and 10,000 of them, either side by
 *                    side ("adjacent") or each followed by a two-page hole
 *                    ("holes": smaller than any chunk, as allocators and loaders
 *                    leave them), with 16 MiB free above the crowd: the walk
 *                    from the window's start to that room is the cost. Rounds
 *                    interleave the six crowds; median, min and max per crowd,
 *                    and the growth exponent from 1,000 to 10,000 (log of the
 *                    ratio of medians over log 10: 1 is linear, 0 flat). The
 *                    max is the first placement (the crowd not crossed yet);
 *                    the mean shows what crossing it again now and then costs
 *                    (src/runs.h) spread over the rounds.
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
#include <math.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilheap.h"
#include "ilheap_zone.h"

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

/* This thread's CPU time (user + system, page faults included), in us: on a
 * shared, loaded machine it leaves out the time spent waiting for a core. */
static double cpu_us(void) {
#if defined(_WIN32)
  FILETIME c, e, k, u;
  if (!GetThreadTimes(GetCurrentThread(), &c, &e, &k, &u))
    return 0;
  return ((double)(((uint64_t)k.dwHighDateTime << 32) | k.dwLowDateTime) +
          (double)(((uint64_t)u.dwHighDateTime << 32) | u.dwLowDateTime)) /
         10.0;
#else
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

/* ---- the write path through the landing zone ---------------------------------- */

#define WRITE_BODIES 100000
#define WRITE_RUNS 11
#define WRITE_PAVED ((uintptr_t)256 << 20) /* paved above the module: room for every chunk */

/* A stand-in module image, 64 KiB read-only, anywhere the OS puts it. */
static void *map_module(void) {
#if defined(_WIN32)
  return VirtualAlloc(NULL, 64 << 10, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY);
#else
  void *m = mmap(NULL, 64 << 10, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return m == MAP_FAILED ? NULL : m;
#endif
}

/* One run: a fresh heap on prov for the module, WRITE_BODIES bodies allocated
 * and written; its wall time in us (and *cpu its CPU time), or a negative
 * number when the heap failed. */
static double write_run(const void *module, const ilheap_provider *prov, double *cpu) {
  static unsigned char body[2048];
  ilheap_options o;
  ilheap *h = NULL;
  uint32_t seed = 11;
  ilheap_options_init(&o);
  o.provider = prov;
  if (body[0] == 0)
    memset(body, 0x2A, sizeof body);
  double t0 = now_us(), c0 = cpu_us();
  if (ilheap_create(module, &o, &h) != ILHEAP_OK)
    return -1;
  for (int k = 0; k < WRITE_BODIES; k++) {
    uint32_t cb = body_size(&seed);
    void *b = ilheap_alloc(h, cb);
    if (b == NULL) {
      ilheap_destroy(h);
      return -1;
    }
    memcpy(b, body, cb);
  }
  double t = now_us() - t0;
  *cpu = cpu_us() - c0;
  ilheap_destroy(h);
  return t;
}

static int write_path(void) {
  static double t[2][WRITE_RUNS], c[2][WRITE_RUNS];
  const ilheap_provider *os = ilheap_os_provider();
  ilheap_zone *z = NULL;
  size_t paved = 0;
  unsigned char *module = map_module();
  if (module == NULL || ilheap_zone_create(os, 0, &z) != ILHEAP_OK)
    return 1;
  uintptr_t lo = (uintptr_t)module + (64 << 10);
  if (ilheap_zone_pave(z, lo, lo + WRITE_PAVED, &paved) != ILHEAP_OK || paved == 0) {
    printf("write path: the zone could not pave the window\n");
    ilheap_zone_destroy(z);
    return 1;
  }
  for (int r = 0; r < WRITE_RUNS; r++) {
    for (int k = 0; k < 2; k++) {
      int which = (k + r) % 2; /* the order alternates */
      t[which][r] = write_run(module, which ? ilheap_zone_provider(z) : os, &c[which][r]);
      if (t[which][r] < 0) {
        printf("write path: a heap failed on the %s\n", which ? "zone" : "OS provider");
        ilheap_zone_destroy(z);
        return 1;
      }
    }
  }
  ilheap_zone_stats zs = {.size = sizeof zs};
  (void)ilheap_zone_get_stats(z, &zs);
  ilheap_zone_destroy(z);
  double m0 = median(t[0], WRITE_RUNS), m1 = median(t[1], WRITE_RUNS);
  double n0 = median(c[0], WRITE_RUNS), n1 = median(c[1], WRITE_RUNS);
  printf("write path: alloc+write of %d bodies on a fresh heap, %d runs interleaved "
         "(zone: %zu MiB paved, %llu bytes lost); wall time, then this thread's CPU time:\n",
         WRITE_BODIES, WRITE_RUNS, paved >> 20, (unsigned long long)zs.bytes_lost);
  printf("  OS provider    %8.0f us median (min %.0f, max %.0f)   CPU %8.0f us (min %.0f, max %.0f)\n",
         m0, t[0][0], t[0][WRITE_RUNS - 1], n0, c[0][0], c[0][WRITE_RUNS - 1]);
  printf("  landing zone   %8.0f us median (min %.0f, max %.0f)   CPU %8.0f us (min %.0f, max %.0f)\n",
         m1, t[1][0], t[1][WRITE_RUNS - 1], n1, c[1][0], c[1][WRITE_RUNS - 1]);
  printf("  zone / OS provider: wall %.3f, CPU %.3f\n", m1 / m0, n1 / n0);
  return 0;
}

#if !defined(_WIN32)
/* ---- placement through crowds (Linux) ---------------------------------------- */

#define CROWD_SIZES ((size_t)3)
#define CROWD_ROOM ((size_t)16 << 20) /* free above a crowd: a roomy gap for the chunk */

typedef struct crowd {
  const char *shape;
  size_t n;           /* one-page mappings */
  uintptr_t lo;       /* its lowest page: the module base */
  size_t span, whole; /* the crowd's bytes; with the room above */
} crowd;

/* n one-page mappings from lo upward, each followed by `holes` free pages
 * (adjacent ones alternate protections, so that none merge), and CROWD_ROOM
 * free above. The room is held (PROT_NONE) until every crowd is made, so that
 * no later crowd lands in it; crowd_open frees it. */
static int crowd_make(crowd *c, const char *shape, size_t n, size_t holes) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE), step = (1 + holes) * page;
  c->shape = shape;
  c->n = n;
  c->span = n * step;
  c->whole = c->span + CROWD_ROOM;
  unsigned char *m = mmap(NULL, c->whole, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED)
    return -1;
  c->lo = (uintptr_t)m;
  for (size_t i = 0; i < n; i++) {
    unsigned char *at = m + i * step;
    if (mprotect(at, page, (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE) != 0)
      return -1;
    if (holes != 0 && munmap(at + page, holes * page) != 0)
      return -1;
  }
  return 0;
}

static int crowd_open(const crowd *c) {
  return munmap((void *)(c->lo + c->span), CROWD_ROOM);
}

static void crowd_free(const crowd *c) { (void)munmap((void *)c->lo, c->span); }

static void crowds(int rounds) {
  static const size_t sizes[CROWD_SIZES] = {1000, 3000, 10000};
  static double t[2 * CROWD_SIZES][MAX_ROUNDS];
  crowd c[2 * CROWD_SIZES];
  for (size_t i = 0; i < 2 * CROWD_SIZES; i++)
    if (crowd_make(&c[i], i % 2 ? "holes" : "adjacent", sizes[i / 2], i % 2 ? 2 : 0) != 0) {
      printf("crowds: cannot map them (vm.max_map_count?)\n");
      return;
    }
  for (size_t i = 0; i < 2 * CROWD_SIZES; i++)
    if (crowd_open(&c[i]) != 0)
      return;
  for (int r = 0; r < rounds; r++) {
    for (size_t k = 0; k < 2 * CROWD_SIZES; k++) {
      size_t i = (k + (size_t)r) % (2 * CROWD_SIZES); /* each round starts at another crowd */
      ilheap *h = NULL;
      double t0 = now_us();
      if (ilheap_create((const void *)c[i].lo, NULL, &h) != ILHEAP_OK)
        return;
      void *b = ilheap_alloc(h, 100);
      t[i][r] = now_us() - t0;
      ilheap_stats st = {.size = sizeof st};
      (void)ilheap_get_stats(h, &st);
      ilheap_destroy(h);
      if (b == NULL || st.lowest < c[i].lo + c[i].span) {
        printf("crowds: the chunk did not land above the %s crowd of %zu\n", c[i].shape, c[i].n);
        return;
      }
    }
  }
  printf("placement through a crowd (ilheap_create + first ilheap_alloc, window starting at its "
         "bottom), %d rounds interleaved:\n",
         rounds);
  for (size_t s = 0; s < 2; s++) {
    double med[CROWD_SIZES];
    for (size_t z = 0; z < CROWD_SIZES; z++) {
      size_t i = 2 * z + s;
      double sum = 0;
      for (int r = 0; r < rounds; r++)
        sum += t[i][r];
      med[z] = median(t[i], (size_t)rounds); /* sorts: min and max at the ends */
      printf("  %-8s %6zu mappings: %8.1f us median (min %.1f, max %.1f; mean %.1f)\n", c[i].shape,
             c[i].n, med[z], t[i][0], t[i][rounds - 1], sum / rounds);
    }
    printf("  %-8s growth exponent 1,000 -> 10,000: %.2f\n", c[s].shape,
           log(med[CROWD_SIZES - 1] / med[0]) / log(10.0));
  }
  for (size_t i = 0; i < 2 * CROWD_SIZES; i++)
    crowd_free(&c[i]);
}
#endif

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
  failed |= write_path();
#if !defined(_WIN32)
  crowds(rounds);
#endif
  return failed;
}
