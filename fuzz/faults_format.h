/* SPDX-License-Identifier: MIT */
/*
 * fuzz_faults's input format: the encoder of what fuzz/fuzz_faults.c decodes, and the names
 * both use for its choices, in one place. A grammar change is made here and in
 * the decoder together; fuzz/make_seeds.c writes the seeds with this encoder
 * (regenerate them after a change: the fuzz_seeds_current test says when).
 */
#ifndef ILHEAP_FUZZ_FAULTS_FORMAT_H
#define ILHEAP_FUZZ_FAULTS_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "seed.h"

/* ---- fuzz_faults (fuzz/fuzz_faults.c) ---------------------------------------------
 * Failure injection, the libxml2 way: one scenario, and a seed per allocation
 * (and per system call) of it made to fail in turn, so that every failure path
 * of the scenario is taken by a seed of its own, whatever the fuzzer finds. */

#define F_OS_ERRORS 6 /* EINTR, ENOMEM, EEXIST, EACCES, EAGAIN, ILHEAP__ELSEWHERE */
enum { F_EINTR, F_ENOMEM, F_EEXIST, F_EACCES, F_EAGAIN, F_ELSEWHERE };
/* The operations of fuzz_faults.c's loop, one pick of F_OP_COUNT each. */
typedef enum faults_op {
  F_CREATE,
  F_ALLOC,
  F_ALLOC_2, /* the same: allocation is picked twice as often */
  F_DESTROY,
  F_WALK,
  F_REGISTRY,
  F_ARM,      /* arm new faults */
  F_COM,
  F_PROVIDER, /* the Linux provider called directly (faults_provider.c) */
  F_ROBBED,   /* requests from another thread */
  F_MORE,     /* one of faults_more */
  F_OP_COUNT
} faults_op;
/* F_MORE: what follows. F_RETIRED was the races (tests/test_seam_races.c now):
 * decoded as F_LEAKS, so that older inputs still replay. */
typedef enum faults_more { F_LEAKS, F_ZONE, F_MAPS_TEXT, F_RETIRED, F_MORE_COUNT } faults_more;

static inline void f_arm(seed *s, unsigned alloc_n, unsigned os_n, unsigned err) {
  put_range(s, 0, 24, alloc_n);
  put_range(s, 0, 64, os_n);
  put_pick(s, F_OS_ERRORS, err);
}

/* The start of every input: the simulated space (made without faults) or the
 * OS provider, then the faults armed for the operations. */
static inline void f_start(seed *s, int sim, unsigned alloc_n, unsigned os_n, unsigned err) {
  s->n = 0;
  put_bool(s, sim);
  if (sim)
    f_arm(s, 0, 0, 0);
  f_arm(s, alloc_n, os_n, err);
}

static inline void f_op(seed *s, unsigned op) { put_pick(s, F_OP_COUNT, op); }

static inline void f_more(seed *s, unsigned sub) {
  f_op(s, F_MORE);
  put_pick(s, F_MORE_COUNT, sub);
}

/* A heap at the space's start + 1 MiB (sim) or at the program (OS). */
static inline void f_create(seed *s, int sim, unsigned heap, unsigned align_shift, int guard) {
  f_op(s, F_CREATE);
  put_pick(s, 4, heap);
  put_range(s, 0, 10, align_shift);
  put_bool(s, 1); /* the default window */
  put_bool(s, guard);
  put_bool(s, 1); /* no budget */
  if (sim)
    put_range(s, 0, (64u << 20) / 2, 1u << 20);
}

static inline void f_alloc(seed *s, unsigned heap, unsigned cls, uint32_t cb, unsigned times) {
  static const uint64_t lo[4] = {1, 1, 4096, 1u << 20}, hi[4] = {64, 4096, 256u << 10, 3u << 20};
  f_op(s, F_ALLOC);
  put_pick(s, 4, heap);
  put_pick(s, 4, cls);
  put_range(s, lo[cls], hi[cls], cb);
  put_range(s, 1, 16, times);
}

static inline void f_heap_scenario(seed *s, int sim, unsigned alloc_n, unsigned os_n, unsigned err) {
  f_start(s, sim, alloc_n, os_n, err);
  f_create(s, sim, 0, 2, 1);
  f_alloc(s, 0, 0, 24, 3);
  f_alloc(s, 0, 2, 100000, 2);  /* growth in place */
  f_alloc(s, 0, 3, 1500000, 1); /* a chunk of its own */
  f_op(s, F_WALK);
  put_pick(s, 4, 0);
  f_more(s, F_LEAKS);
  f_op(s, F_DESTROY);
  put_pick(s, 4, 0);
}

/* op_zone: a piece of 4 pages at the top of a 6 MiB region, the rest paved, a
 * heap whose window starts there with three blocks. */
static inline void f_zone(seed *s, unsigned max_64k, int pave, int preferred) {
  f_more(s, F_ZONE);
  put_range(s, 0, 128, max_64k);
  put_range(s, 1, 64, 48); /* the region: 6 MiB, room for a chunk to grow in */
  put_range(s, 0, 255, 2);
  put_range(s, 1, 16, 4); /* the piece */
  put_range(s, 0, 32, 0);
  put_bool(s, pave);
  put_bool(s, preferred);
  put_range(s, 0, 8, 3);
  put_range(s, 1, 96u << 10, 100);
  put_range(s, 1, 96u << 10, 5000);
  put_range(s, 1, 96u << 10, 30000);
}

/* op_maps_text: mappings of gap/len pages (from the range's start), one line
 * broken in the given way (0: none), maybe cut, read in chunks (0: whole). */
enum { F_BAD_NONE, F_BAD_LO_DIGIT, F_BAD_DASH, F_BAD_SWAPPED, F_BAD_OVERFLOW, F_BAD_EMPTY,
       F_BAD_LONG, F_BAD_TAIL };

typedef struct f_text {
  unsigned span_pages, start_below, n, gap[8], len[8];
  int far; /* a mapping far above the range ends the walk */
  unsigned bad, bad_line, digit;
  int cut;
  unsigned cut_at; /* bytes into the last line */
  int fail_alloc;
  unsigned fault, which, chunk;
} f_text;

static inline void f_maps_text(seed *s, const f_text *t) {
  unsigned nl = 1 + t->n + (t->far ? 1 : 0);
  f_more(s, F_MAPS_TEXT);
  put_range(s, 1, 64, t->span_pages);
  put_range(s, 0, 4, t->start_below);
  for (unsigned i = 0; i < t->n; i++) {
    put_range(s, 0, 3, 1); /* one more mapping */
    put_range(s, 0, 3, t->gap[i]);
    put_range(s, 1, 4, t->len[i]);
  }
  put_range(s, 0, 3, 0); /* no more */
  put_bool(s, t->far);
  put_pick(s, 8, t->bad);
  put_pick(s, nl, t->bad_line);
  put_bool(s, t->cut);
  if (t->bad == F_BAD_LO_DIGIT) {
    put_range(s, 0, 7, t->digit);
    put_bool(s, 1); /* 'g' */
  }
  if (t->cut && !(t->bad == F_BAD_LONG && t->bad_line == nl - 1))
    put_range(s, 0, 39, t->cut_at); /* lines of 8-digit addresses are 40 bytes */
  put_range(s, 0, 5, t->fail_alloc ? 0 : 1);
  put_pick(s, 4, t->fault);
  put_range(s, 0, 3, t->which);
  put_bool(s, t->chunk == 0);
  if (t->chunk != 0)
    put_range(s, 1, 200, t->chunk);
}

#endif
