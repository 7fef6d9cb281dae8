/* SPDX-License-Identifier: MIT */
/*
 * fuzz_threads: 2 to 4 threads run decoded operation streams on shared heaps
 * of one simulated space, all released at once by a barrier, then every block
 * is checked against every other (contract 8 on top of 1-4).
 *
 * The input decodes into the space, 1-3 heaps (bases, windows, alignments,
 * budgets, guard pages), an optional injected failure schedule, and one byte
 * stream per thread. A thread's stream is a sequence of requests and bursts of
 * equal requests on any heap, with statistics snapshots in between. Each
 * thread checks its own blocks as it gets them (window, alignment, zero fill)
 * and writes a tag pattern into each. After the join, the main thread checks:
 *  - no two blocks overlap, across all heaps and threads (sorted sweep);
 *  - every pattern is intact (a block handed out twice, or overlapping another,
 *    was overwritten by its other owner);
 *  - every block lies in a committed range of its own heap (ilheap_sim_walk
 *    and ilheap_walk_reserved);
 *  - each heap's statistics equal what the threads saw: blocks, bytes
 *    requested, failed requests; reserved and committed bytes match the sim;
 *  - after destroy, the sim holds nothing.
 * What the threads race on is the fast path's compare-and-swap and the refill
 * under the lock; bursts of tiny requests make both happen thousands of times
 * per input.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ilheap.h"
#include "ilheap_sim.h"
#include "provider.h"
#include "threads_format.h"

#define MAX_THREADS 4
#define MAX_HEAPS 3
#define MAX_THREAD_BLOCKS 4096
#define MAX_THREAD_OPS 64
#define MAX_SIM_BYTES ((size_t)T_SIM_BYTES) /* the grammar's (threads_format.h) */

typedef struct tblock {
  uintptr_t p;
  uint32_t cb;
  uint32_t tag;
  int heap;
} tblock;

typedef struct theap {
  ilheap *h;
  uintptr_t base;
  uint32_t max_offset, alignment;
  size_t budget;
} theap;

typedef struct shared {
  ilheap_sim *sim;
  theap heaps[MAX_HEAPS];
  int nheaps;
  pthread_barrier_t start;
} shared;

typedef struct worker {
  shared *sh;
  int id;
  fuzz_input in;
  tblock *blocks;
  size_t nblocks;
  uint64_t ok[MAX_HEAPS], requested[MAX_HEAPS], failed[MAX_HEAPS];
} worker;

static void take(worker *w, int hi, uint32_t cb) {
  theap *th = &w->sh->heaps[hi];
  void *p = ilheap_alloc(th->h, cb);
  if (cb == 0) {
    FUZZ_CHECK(p == NULL, "contract 5: cb == 0 returned %p", p);
    return;
  }
  if (p == NULL) {
    w->failed[hi]++;
    return;
  }
  FUZZ_OK(sup_check_window(th->base, th->max_offset, th->alignment, p, cb, why));
  FUZZ_OK(sup_check_zero(p, cb, why));
  uint32_t tag = ((uint32_t)w->id << 24) | (uint32_t)(w->nblocks + 1);
  sup_fill(p, cb, tag);
  w->ok[hi]++;
  w->requested[hi] += cb;
  if (w->nblocks < MAX_THREAD_BLOCKS) {
    tblock *b = &w->blocks[w->nblocks++];
    b->p = (uintptr_t)p;
    b->cb = cb;
    b->tag = tag;
    b->heap = hi;
  }
}

static uint32_t decode_size(fuzz_input *in) {
  switch (fuzz_pick(in, 6)) {
  case 0: return (uint32_t)fuzz_range(in, 1, 16);
  case 1: return (uint32_t)fuzz_range(in, 1, 256);
  case 2: return (uint32_t)fuzz_range(in, 0, 8192);
  case 3: return (uint32_t)fuzz_range(in, 0, 300 << 10);
  case 4: return (uint32_t)fuzz_range(in, (1 << 20) - 64, (1 << 20) + 4096); /* the LARGE edge */
  default: return fuzz_u32(in);
  }
}

static void *run(void *arg) {
  worker *w = arg;
  shared *sh = w->sh;
  pthread_barrier_wait(&sh->start);
  for (int op = 0; op < MAX_THREAD_OPS && fuzz_remaining(&w->in) > 0; op++) {
    int hi = (int)fuzz_pick(&w->in, (unsigned)sh->nheaps);
    switch ((threads_op)fuzz_pick(&w->in, T_OPS)) {
    case T_TAKE: take(w, hi, decode_size(&w->in)); break;
    case T_BURST:
    case T_BURST_2: { /* a burst: many threads on one chunk's compare-and-swap */
      unsigned n = (unsigned)fuzz_range(&w->in, 1, 256);
      uint32_t cb = (uint32_t)fuzz_range(&w->in, 1, 64);
      for (unsigned i = 0; i < n && w->nblocks < MAX_THREAD_BLOCKS; i++)
        take(w, hi, cb);
      break;
    }
    case T_STATS:
    default: { /* a statistics snapshot while others allocate */
      ilheap_stats s;
      s.size = (uint32_t)sizeof s;
      FUZZ_CHECK(ilheap_get_stats(sh->heaps[hi].h, &s) == ILHEAP_OK, "get_stats");
      FUZZ_CHECK(s.bytes_committed <= s.bytes_reserved, "stats: committed %llu > reserved %llu",
                 (unsigned long long)s.bytes_committed, (unsigned long long)s.bytes_reserved);
      FUZZ_CHECK(sh->heaps[hi].budget == ILHEAP_UNLIMITED ||
                     s.bytes_reserved <= sh->heaps[hi].budget,
                 "budget exceeded: %llu reserved", (unsigned long long)s.bytes_reserved);
      FUZZ_CHECK(s.chunks == 0 || (s.lowest != 0 && s.lowest < s.highest), "stats: range");
      break;
    }
    }
  }
  return NULL;
}

static int by_address(const void *a, const void *b) {
  uintptr_t x = ((const tblock *)a)->p, y = ((const tblock *)b)->p;
  return x < y ? -1 : x > y;
}

/* Every block must lie in the committed part of a chunk of its own heap. */
typedef struct range_list {
  uintptr_t lo[8192], hi[8192];
  size_t n;
} range_list;

static int collect(void *arg, uintptr_t lo, uintptr_t hi) {
  range_list *r = arg;
  FUZZ_CHECK(r->n < 8192, "too many chunks");
  r->lo[r->n] = lo;
  r->hi[r->n] = hi;
  r->n++;
  return 0;
}

static int collect_committed(void *arg, uintptr_t lo, uintptr_t hi, ilheap_sim_kind kind) {
  if (kind == ILHEAP_SIM_COMMITTED)
    collect(arg, lo, hi);
  return 0;
}

static int inside(const range_list *r, uintptr_t p, uint32_t cb) {
  for (size_t i = 0; i < r->n; i++)
    if (p >= r->lo[i] && p < r->hi[i] && cb <= r->hi[i] - p)
      return 1;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_input in = fuzz_input_make(data, size);
  static shared sh;
  static worker w[MAX_THREADS];
  static range_list chunks, committed;
  memset(&sh, 0, sizeof sh);

  size_t page = fuzz_at_least_host_page(fuzz_pick(&in, 3) == 0 ? 16384 : 4096);
  size_t npages = (size_t)fuzz_range(&in, 8, MAX_SIM_BYTES / page);
  if (ilheap_sim_create(npages * page, page, &sh.sim) != ILHEAP_OK)
    return 0;
  uintptr_t sbase = ilheap_sim_base(sh.sim);
  /* A few foreign ranges: the heaps share a crowded space. */
  for (unsigned n = (unsigned)fuzz_range(&in, 0, 6); n > 0; n--) {
    uintptr_t at = sbase + (uintptr_t)fuzz_range(&in, 0, npages - 1) * page;
    size_t len = (size_t)fuzz_range(&in, 1, 8) * page;
    FUZZ_CHECK(ilheap_sim_occupy(sh.sim, at, len) == ILHEAP_OK, "occupy");
  }
  sh.nheaps = (int)fuzz_range(&in, 1, MAX_HEAPS);
  for (int i = 0; i < sh.nheaps; i++) {
    ilheap_options o;
    ilheap_options_init(&o);
    o.provider = ilheap_sim_provider(sh.sim);
    theap *th = &sh.heaps[i];
    th->base = sbase + (uintptr_t)fuzz_range(&in, 0, npages / 2) * page +
               (uintptr_t)fuzz_range(&in, 0, 2) * (page / 2) - 1;
    switch (fuzz_pick(&in, 3)) {
    case 0: o.max_offset = ILHEAP_DEFAULT_MAX_OFFSET; break;
    case 1:
      o.max_offset = (uint32_t)(fuzz_range(&in, 1, npages) * page + fuzz_range(&in, 0, 2));
      break;
    default: o.max_offset = fuzz_u32(&in) | 1u; break;
    }
    o.alignment = 4u << fuzz_range(&in, 0, 10);
    o.use_guard_pages = (uint32_t)fuzz_range(&in, 0, 1);
    o.budget =
        fuzz_pick(&in, 3) == 0 ? (size_t)fuzz_range(&in, 0, npages) * page : ILHEAP_UNLIMITED;
    FUZZ_CHECK(ilheap_create((const void *)th->base, &o, &th->h) == ILHEAP_OK, "create");
    th->max_offset = o.max_offset;
    th->alignment = o.alignment;
    th->budget = o.budget;
  }
  if (fuzz_pick(&in, 4) == 0) {
    ilheap_sim_op op = (ilheap_sim_op)fuzz_pick(&in, ILHEAP_SIM_OP_COUNT);
    uint32_t skip = (uint32_t)fuzz_range(&in, 0, 15);
    uint32_t count = (uint32_t)fuzz_range(&in, 1, 4);
    FUZZ_CHECK(ilheap_sim_inject(sh.sim, op, skip, count) == ILHEAP_OK, "inject");
  }

  int nthreads = (int)fuzz_range(&in, 2, MAX_THREADS);
  size_t share = fuzz_remaining(&in) / (size_t)nthreads;
  FUZZ_CHECK(pthread_barrier_init(&sh.start, NULL, (unsigned)nthreads) == 0, "barrier");
  pthread_t tid[MAX_THREADS];
  for (int t = 0; t < nthreads; t++) {
    memset(&w[t], 0, sizeof w[t]);
    w[t].sh = &sh;
    w[t].id = t + 1;
    w[t].in = fuzz_split(&in, t == nthreads - 1 ? fuzz_remaining(&in) : share);
    w[t].blocks = malloc(MAX_THREAD_BLOCKS * sizeof *w[t].blocks);
    FUZZ_CHECK(w[t].blocks != NULL, "out of memory");
  }
  for (int t = 0; t < nthreads; t++)
    FUZZ_CHECK(pthread_create(&tid[t], NULL, run, &w[t]) == 0, "pthread_create");
  for (int t = 0; t < nthreads; t++)
    pthread_join(tid[t], NULL);
  pthread_barrier_destroy(&sh.start);

  /* All blocks, sorted by address: neighbours must not overlap. */
  size_t total = 0;
  for (int t = 0; t < nthreads; t++)
    total += w[t].nblocks;
  tblock *all = malloc((total ? total : 1) * sizeof *all);
  FUZZ_CHECK(all != NULL, "out of memory");
  size_t k = 0;
  for (int t = 0; t < nthreads; t++) {
    memcpy(all + k, w[t].blocks, w[t].nblocks * sizeof *all);
    k += w[t].nblocks;
  }
  qsort(all, total, sizeof *all, by_address);
  for (size_t i = 1; i < total; i++)
    FUZZ_CHECK(all[i - 1].p + all[i - 1].cb <= all[i].p,
               "contract 3/8: block %#lx+%u (heap %d, tag %#x) overlaps %#lx+%u (heap %d, tag %#x)",
               (unsigned long)all[i - 1].p, (unsigned)all[i - 1].cb, all[i - 1].heap,
               (unsigned)all[i - 1].tag, (unsigned long)all[i].p, (unsigned)all[i].cb, all[i].heap,
               (unsigned)all[i].tag);
  for (size_t i = 0; i < total; i++)
    fuzz_check_fill((const void *)all[i].p, all[i].cb, all[i].tag, "after the threads joined");

  committed.n = 0;
  ilheap_sim_walk(sh.sim, collect_committed, &committed);
  uint64_t reserved = 0, committed_bytes = 0;
  for (int i = 0; i < sh.nheaps; i++) {
    theap *th = &sh.heaps[i];
    chunks.n = 0;
    FUZZ_CHECK(ilheap_walk_reserved(th->h, collect, &chunks) == ILHEAP_OK, "walk_reserved");
    for (size_t b = 0; b < total; b++)
      if (all[b].heap == i)
        FUZZ_CHECK(inside(&chunks, all[b].p, all[b].cb) && inside(&committed, all[b].p, all[b].cb),
                   "contract 3: block %#lx+%u not in a committed chunk of heap %d",
                   (unsigned long)all[b].p, (unsigned)all[b].cb, i);
    uint64_t ok = 0, requested = 0, failed = 0;
    for (int t = 0; t < nthreads; t++) {
      ok += w[t].ok[i];
      requested += w[t].requested[i];
      failed += w[t].failed[i];
    }
    ilheap_stats s;
    s.size = (uint32_t)sizeof s;
    FUZZ_CHECK(ilheap_get_stats(th->h, &s) == ILHEAP_OK, "get_stats");
    FUZZ_CHECK(
        s.blocks == ok && s.bytes_requested == requested && s.failed_requests == failed,
        "stats of heap %d: %llu blocks / %llu bytes / %llu failed, threads saw %llu / %llu / "
        "%llu",
        i, (unsigned long long)s.blocks, (unsigned long long)s.bytes_requested,
        (unsigned long long)s.failed_requests, (unsigned long long)ok,
        (unsigned long long)requested, (unsigned long long)failed);
    uint64_t sum = 0;
    for (size_t c = 0; c < chunks.n; c++)
      sum += chunks.hi[c] - chunks.lo[c];
    FUZZ_CHECK(s.bytes_reserved == sum && s.chunks == chunks.n,
               "stats of heap %d: %llu reserved in %llu chunks, walk says %llu in %zu", i,
               (unsigned long long)s.bytes_reserved, (unsigned long long)s.chunks,
               (unsigned long long)sum, chunks.n);
    FUZZ_CHECK(th->budget == ILHEAP_UNLIMITED || s.bytes_reserved <= th->budget, "budget exceeded");
    reserved += s.bytes_reserved;
    committed_bytes += s.bytes_committed;
  }
  ilheap_sim_stats ss;
  ilheap_sim_get_stats(sh.sim, &ss);
  FUZZ_CHECK(ss.reserved_bytes == reserved && ss.committed_bytes == committed_bytes,
             "sim holds %llu / %llu, heaps say %llu / %llu", (unsigned long long)ss.reserved_bytes,
             (unsigned long long)ss.committed_bytes, (unsigned long long)reserved,
             (unsigned long long)committed_bytes);

  for (int i = 0; i < sh.nheaps; i++)
    ilheap_destroy(sh.heaps[i].h);
  ilheap_sim_get_stats(sh.sim, &ss);
  FUZZ_CHECK(ss.reserved_bytes == 0, "contract 7: %llu bytes reserved after destroy",
             (unsigned long long)ss.reserved_bytes);
  free(all);
  for (int t = 0; t < nthreads; t++)
    free(w[t].blocks);
  ilheap_sim_destroy(sh.sim);
  return 0;
}
