/* SPDX-License-Identifier: MIT */
/*
 * ilheap_bench_pages (Linux): what a page of a writer's refill costs, by the
 * way it becomes resident, and by the refill's size.
 *
 *   ilheap_bench_pages [REPS]        default 7
 *
 * Each refill maps REFILL bytes read-write (MAP_NORESERVE, as the provider
 * does), makes them resident one of these ways, and writes a byte a page (what
 * writing the bodies then costs beyond the copy itself):
 *   fault      nothing: each page faults in when first written (a bump pointer
 *              over fresh memory, and ilheap when it does not populate)
 *   advise     madvise(MADV_POPULATE_WRITE) after the mmap: two system calls a
 *              refill (ilheap's refill, populated after its lock)
 *   commit+advise  the same with an mprotect between: three (ilheap before
 *              issue 27)
 *   map-populate   mmap(MAP_POPULATE): one system call, but under ilheap's lock
 * Repetitions are interleaved (every way and size once per repetition, each in
 * fresh address space); a figure is the median ns per page [min - max] of CPU
 * time (the thread's: on a shared machine wall time also counts waiting for a
 * core) and of wall time.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

#define TOTAL ((size_t)32 << 20) /* bytes made resident per measurement */
#define MAX_REPS 101

enum { FAULT, ADVISE, COMMIT_ADVISE, MAP_POPULATE_WAY, N_WAYS };
static const char *const ways[N_WAYS] = {"fault", "advise", "commit+advise", "map-populate"};
static const size_t refills[] = {8u << 10, 16u << 10, 32u << 10, 64u << 10, 256u << 10, 1u << 20};
#define N_REFILLS (sizeof refills / sizeof refills[0])

static double now(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ns per page, CPU and wall; -1 when the OS refused a step. */
static int measure(int way, size_t refill, double *cpu, double *wall) {
  const int rw = PROT_READ | PROT_WRITE, fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  char *base = mmap(NULL, TOTAL, PROT_NONE, fl, -1, 0);
  if (base == MAP_FAILED) {
    return -1;
  }
  int err = 0;
  double c0 = now(CLOCK_THREAD_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
  for (size_t off = 0; off < TOTAL && !err; off += refill) {
    char *p = base + off;
    int extra = way == MAP_POPULATE_WAY ? MAP_POPULATE : 0;
    err |= mmap(p, refill, rw, fl | MAP_FIXED | extra, -1, 0) != p;
    if (way == COMMIT_ADVISE) {
      err |= mprotect(p, refill, rw) != 0;
    }
    if (way == ADVISE || way == COMMIT_ADVISE) {
      err |= madvise(p, refill, MADV_POPULATE_WRITE) != 0;
    }
    for (size_t i = 0; i < refill; i += 4096) {
      ((volatile char *)p)[i] = 1;
    }
  }
  double c1 = now(CLOCK_THREAD_CPUTIME_ID), w1 = now(CLOCK_MONOTONIC);
  munmap(base, TOTAL);
  *cpu = (c1 - c0) / ((double)TOTAL / 4096.0);
  *wall = (w1 - w0) / ((double)TOTAL / 4096.0);
  return err ? -1 : 0;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 7;
  if (reps < 1 || reps > MAX_REPS) {
    fprintf(stderr, "usage: %s [REPS, 1 to %d]\n", argv[0], MAX_REPS);
    return 2;
  }
  static double cpu[N_WAYS][N_REFILLS][MAX_REPS], wall[N_WAYS][N_REFILLS][MAX_REPS];
  for (int r = 0; r < reps; r++) {
    for (size_t j = 0; j < N_WAYS * N_REFILLS; j++) {
      size_t k = (j + (size_t)r * 5) % (N_WAYS * N_REFILLS); /* a new order each repetition */
      int w = (int)(k / N_REFILLS);
      size_t s = k % N_REFILLS;
      if (measure(w, refills[s], &cpu[w][s][r], &wall[w][s][r]) != 0) {
        fprintf(stderr, "%s at %zu KiB: a system call failed (MADV_POPULATE_WRITE needs Linux 5.14)\n",
                ways[w], refills[s] >> 10);
        return 1;
      }
    }
  }
  printf("ns per 4 KiB page made resident and written, median of %d [min - max]\n", reps);
  printf("%-14s %8s %22s %22s %14s\n", "way", "refill", "cpu ns/page", "wall ns/page",
         "fault/it cpu");
  for (int w = 0; w < N_WAYS; w++) {
    for (size_t s = 0; s < N_REFILLS; s++) {
      double c[MAX_REPS], v[MAX_REPS], f[MAX_REPS];
      memcpy(c, cpu[w][s], (size_t)reps * sizeof *c);
      memcpy(v, wall[w][s], (size_t)reps * sizeof *v);
      for (int r = 0; r < reps; r++) {
        f[r] = cpu[FAULT][s][r] / cpu[w][s][r]; /* pair by pair: the same repetition */
      }
      qsort(c, (size_t)reps, sizeof *c, cmp);
      qsort(v, (size_t)reps, sizeof *v, cmp);
      qsort(f, (size_t)reps, sizeof *f, cmp);
      printf("%-14s %6zuKi %6.0f [%5.0f - %5.0f] %6.0f [%5.0f - %5.0f] %5.2f [%4.2f-%4.2f]\n",
             ways[w], refills[s] >> 10, c[reps / 2], c[0], c[reps - 1], v[reps / 2], v[0],
             v[reps - 1], f[reps / 2], f[0], f[reps - 1]);
    }
  }
  return 0;
}
