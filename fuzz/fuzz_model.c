/* SPDX-License-Identifier: MIT */
/*
 * fuzz_model: operation sequences on the simulated provider, checked against an
 * independent reference model.
 *
 * The input decodes (fuzz/provider.h) into a simulated address space (size,
 * page size, a foreign layout) and up to MAX_OPS operations: create heaps with
 * chosen bases, windows, alignments, budgets and guard pages; allocate; mark or
 * unmark foreign ranges; inject provider failures; destroy; call the API with
 * bad arguments.
 *
 * The model is written from THE POLICY at the top of src/heap.c, not from its
 * code: it keeps its own page map of the simulated space (free, foreign, owned
 * by a heap) and its own list of chunks per heap, and predicts for every
 * request whether it succeeds, where the block lands, whether a chunk grows in
 * place or a new one is placed (and where), and every statistic. Every result
 * is compared with that prediction, and independently of the prediction every
 * block is checked against the contract (include/ilheap.h): window (1),
 * alignment (2), disjointness from every other live block of every heap and
 * from foreign ranges (3), zero fill (4), NULL for cb == 0 (5), exhaustion
 * leaves the heap usable (6), destroy gives every page back (7). Blocks are
 * filled with a tag pattern that is verified before every destroy and at the
 * end.
 *
 * Where the core's choice is legitimately free, the model checks invariants
 * instead: after an injected provider failure (the sim says it delivered one)
 * NULL is allowed, and a success is adopted after checking that it changed the
 * layout in one legitimate step. The only build parameters the model does not
 * derive from the policy text (a memory checker's redzone and minimum
 * alignment, see src/track.h) are measured once per process by a probe.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ilheap.h"
#include "ilheap_sim.h"
#include "model_format.h"
#include "provider.h"

#define MAX_OPS 192
#define MAX_HEAPS 4
#define MAX_BLOCKS 2048
#define MAX_SIM_BYTES ((size_t)16 << 20) /* committed and filled: keep runs fast */
#define MIN_STEP ((uint64_t)8 << 10)
#define MAX_STEP ((uint64_t)1 << 20)
#define CHUNK_CAP ((uint64_t)4 << 20) /* a chunk's capacity stays below this */
#define LARGE ((uint64_t)1 << 20)     /* bigger requests get a chunk of their own */
#define REFILL_RETRIES 8

/* ---- build parameters, measured once --------------------------------------- */

static uint64_t g_redzone;   /* bytes a block consumes beyond cb, before rounding */
static uint64_t g_min_align; /* the rounding unit when the option asks for 4 */
static int g_probed;
static int g_trace; /* FUZZ_TRACE=1 in the environment: print every operation */

#define TRACE(...)                                                                                 \
  do {                                                                                             \
    if (g_trace)                                                                                   \
      fprintf(stderr, __VA_ARGS__);                                                                \
  } while (0)

/* ---- the model's state ------------------------------------------------------- */

/* Page owners. >= 0: a heap slot. DIRECT: reserved (and maybe committed) by
 * calling the provider's functions directly, as another user of the
 * simulated space would. */
enum { PG_FREE = -1, PG_FOREIGN = -2, PG_DIRECT = -3, PG_DIRECT_COMMITTED = -4 };

typedef struct mchunk {
  uintptr_t floor, top, end; /* [floor, top) committed, [top, end) guard */
  uint64_t used;             /* bytes consumed downward from top */
  int own;                   /* a large request's own chunk: never current */
  int outside;               /* wholly outside the window (WINDOW_PREFERRED) */
  uintptr_t lim;             /* the floor never grows below this */
  uint64_t blocks, requested;
} mchunk;

typedef struct mheap {
  int live;
  ilheap *h;
  uintptr_t base;
  uint32_t max_offset, align_option;
  uint64_t align; /* effective rounding unit */
  uint64_t guard; /* bytes: 0 or one page */
  size_t budget;
  uintptr_t wlo, whi; /* page-aligned window; empty when wlo >= whi */
  uint32_t policy;    /* ILHEAP_WINDOW_* */
  uintptr_t above_lo; /* outside: [above_lo, top) above the window; 0: none */
  uintptr_t below_hi; /* outside: [page, below_hi) below the module */
  uint64_t max_consumed;
  mchunk *chunks;
  size_t nchunks, cap;
  long current; /* index into chunks, -1: none */
  uint64_t reserved, committed, extensions, failed;
} mheap;

typedef struct mblock {
  uintptr_t p;
  uint32_t cb;
  uint32_t tag;
  int slot;
} mblock;

typedef struct model {
  ilheap_sim *sim;
  uintptr_t sbase, send;
  uint64_t page;
  size_t npages;
  int *owner; /* per page */
  mheap heaps[MAX_HEAPS];
  mblock blocks[MAX_BLOCKS];
  size_t nblocks;
  uint32_t next_tag;
  ilheap_sim_stats last; /* sim stats after the previous operation */
} model;

/* ---- arithmetic ---------------------------------------------------------------- */

static uint64_t round_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

static size_t page_index(const model *m, uintptr_t a) { return (size_t)((a - m->sbase) / m->page); }

/* Is [lo, hi) (page aligned) entirely free simulated space? */
static int range_free(const model *m, uintptr_t lo, uintptr_t hi) {
  if (lo >= hi || lo < m->sbase || hi > m->send)
    return 0;
  for (uintptr_t a = lo; a < hi; a += m->page)
    if (m->owner[page_index(m, a)] != PG_FREE)
      return 0;
  return 1;
}

static void set_owner(model *m, uintptr_t lo, uintptr_t hi, int owner) {
  for (uintptr_t a = lo; a < hi; a += m->page)
    m->owner[page_index(m, a)] = owner;
}

/* ---- the policy, as the text at the top of src/heap.c states it --------------- */

/* The window [B + 1, B + M) clipped to the address space, shrunk to pages. */
static void model_window(mheap *h, uint64_t page) {
  uintptr_t lo, hi;
  h->wlo = h->whi = 0;
  h->max_consumed = h->policy == ILHEAP_WINDOW_PREFERRED ? UINT64_MAX : 0;
  /* Outside: the pages sharing no byte with [B + 1, B + M). */
  h->below_hi = (h->base == UINTPTR_MAX ? h->base : h->base + 1) & ~(uintptr_t)(page - 1);
  h->above_lo = 0;
  if (h->base == UINTPTR_MAX)
    return;
  lo = h->base + 1;
  hi = (UINTPTR_MAX - h->base < h->max_offset) ? UINTPTR_MAX : h->base + h->max_offset;
  if (hi <= UINTPTR_MAX - (page - 1))
    h->above_lo = (hi + page - 1) & ~(uintptr_t)(page - 1);
  if (lo > UINTPTR_MAX - (page - 1))
    return;
  lo = (lo + page - 1) & ~(uintptr_t)(page - 1);
  hi &= ~(uintptr_t)(page - 1);
  if (lo >= hi)
    return;
  h->wlo = lo;
  h->whi = hi;
  if (h->policy != ILHEAP_WINDOW_PREFERRED)
    h->max_consumed = (hi - lo) > h->guard ? (hi - lo) - h->guard : 0;
}

static uint64_t consumption(const mheap *h, uint32_t cb) {
  return round_up((uint64_t)cb + g_redzone, h->align);
}

static uint64_t step_size(const mheap *h, uint64_t page) {
  uint64_t lo = MIN_STEP > page ? MIN_STEP : page;
  uint64_t hi = MAX_STEP > page ? MAX_STEP : page;
  uint64_t s = round_up(h->reserved / 32, page);
  return s < lo ? lo : s > hi ? hi : s;
}

static int within_budget(const mheap *h, uint64_t more) {
  if (h->budget == ILHEAP_UNLIMITED)
    return 1;
  return h->reserved <= h->budget && more <= (uint64_t)h->budget - h->reserved;
}

enum plan_kind { PLAN_NULL, PLAN_FAST, PLAN_EXTEND, PLAN_NEW, PLAN_LARGE };

typedef struct plan {
  enum plan_kind kind;
  uint64_t consumed;
  uint64_t len;   /* EXTEND, NEW: committed bytes added */
  uintptr_t addr; /* NEW: where the chunk starts */
  int outside;    /* NEW, LARGE: outside the window */
  uintptr_t lim;  /* NEW, LARGE: how far it may grow down */
} plan;

/* How far the chunk grows in place: min(want, budget left, window below
 * floor, free pages just below floor), or 0 when that does not cover need. */
static uint64_t extend_len(const model *m, const mheap *h, const mchunk *c, uint64_t want,
                           uint64_t need) {
  if (h->budget != ILHEAP_UNLIMITED) {
    uint64_t left = h->reserved < h->budget ? (uint64_t)h->budget - h->reserved : 0;
    if (want > left)
      want = left & ~(m->page - 1);
  }
  if (want > (uint64_t)(c->floor - c->lim))
    want = c->floor - c->lim;
  if (want < need || need == 0)
    return 0;
  uint64_t len = 0;
  while (len < want && c->floor - (uintptr_t)len > m->sbase &&
         range_free(m, c->floor - (uintptr_t)len - (uintptr_t)m->page, c->floor - (uintptr_t)len))
    len += m->page;
  return len >= need ? len : 0;
}

/* Where a new chunk of total bytes (guard page included) goes, or 0: in the
 * lowest "roomy" gap of the window (room for the chunk to grow to CHUNK_CAP:
 * CHUNK_CAP plus the guard page, or the chunk plus a guard page if larger), at
 * the top of that room, the gap's lowest roomy slice; if no gap is roomy, at
 * the top of the lowest gap that holds it at all. */
static uintptr_t find_gap(const model *m, const mheap *h, uint64_t total, uintptr_t lo,
                          uintptr_t hi) {
  uint64_t roomy = (total > CHUNK_CAP ? total : CHUNK_CAP) + h->guard;
  lo = lo > m->sbase ? lo : m->sbase;
  hi = hi < m->send ? hi : m->send;
  uintptr_t a = lo, first = 0;
  while (a < hi) {
    while (a < hi && m->owner[page_index(m, a)] != PG_FREE)
      a += m->page;
    uintptr_t b = a;
    while (b < hi && m->owner[page_index(m, b)] == PG_FREE)
      b += m->page;
    if (b > a && (uint64_t)(b - a) >= total) {
      if (first == 0)
        first = b - (uintptr_t)total;
      if ((uint64_t)(b - a) >= roomy)
        return a + (uintptr_t)(roomy - total);
    }
    a = b;
  }
  return first;
}

/* Outside the window below the module: the top of the highest gap of
 * [page, below_hi) that holds total bytes. */
static uintptr_t find_highest(const model *m, uint64_t total, uintptr_t hi) {
  uintptr_t lo = m->sbase > m->page ? m->sbase : (uintptr_t)m->page;
  uintptr_t b = (hi < m->send ? hi : m->send), found = 0;
  for (uintptr_t a = lo; a < b;) {
    while (a < b && m->owner[page_index(m, a)] != PG_FREE)
      a += m->page;
    uintptr_t e = a;
    while (e < b && m->owner[page_index(m, e)] == PG_FREE)
      e += m->page;
    if (e > a && (uint64_t)(e - a) >= total)
      found = e - (uintptr_t)total;
    a = e;
  }
  return found;
}

/* A new chunk of len committed bytes: in the window, or outside it (above
 * the window first, then below the module). */
static int can_new(const model *m, const mheap *h, uint64_t len, int outside, plan *p) {
  uint64_t total = len + h->guard;
  if (!within_budget(h, total))
    return 0;
  p->outside = outside;
  if (!outside) {
    if (h->wlo >= h->whi || total > (uint64_t)(h->whi - h->wlo))
      return 0;
    p->lim = h->wlo;
    p->addr = find_gap(m, h, total, h->wlo, h->whi);
    return p->addr != 0;
  }
  p->addr = 0;
  if (h->above_lo != 0) {
    p->lim = h->above_lo;
    p->addr = find_gap(m, h, total, h->above_lo, UINTPTR_MAX);
  }
  if (p->addr == 0) {
    p->lim = (uintptr_t)m->page;
    p->addr = find_highest(m, total, h->below_hi);
  }
  return p->addr != 0;
}

/* A new chunk for a request needing minimal bytes: a step if more, then
 * minimal. */
static int can_new_for(const model *m, const mheap *h, uint64_t minimal, uint64_t step, int outside,
                       plan *p) {
  if (minimal < step && can_new(m, h, step, outside, p)) {
    p->len = step;
    return 1;
  }
  p->len = minimal;
  return can_new(m, h, minimal, outside, p);
}

/* ROOM: could a refill for a one-page request still succeed in the window?
 * A free run holding a page plus the guard, or the current chunk c lies in the
 * window, may grow a page under CHUNK_CAP and the page below its floor is free.
 * The budget is not asked. */
static int window_room(const model *m, const mheap *h, const mchunk *c) {
  if (h->wlo >= h->whi)
    return 0;
  if (c != NULL && !c->outside) {
    uint64_t cap = (uint64_t)(c->top - c->floor);
    uint64_t under_cap = (CHUNK_CAP - 1 - cap) & ~(m->page - 1);
    if (under_cap >= m->page && c->floor - c->lim >= m->page &&
        range_free(m, c->floor - (uintptr_t)m->page, c->floor))
      return 1;
  }
  return find_gap(m, h, m->page + h->guard, h->wlo, h->whi) != 0;
}

/* Step 5: a request the window cannot hold is served alone from an outside
 * chunk of its own while the window has ROOM for a one-page request. */
static int own_outside(const model *m, const mheap *h, const mchunk *c, uint64_t consumed) {
  return h->policy == ILHEAP_WINDOW_PREFERRED && round_up(consumed, m->page) > m->page &&
         window_room(m, h, c);
}

static plan predict(const model *m, const mheap *h, uint32_t cb) {
  plan p;
  memset(&p, 0, sizeof p);
  p.kind = PLAN_NULL;
  if (cb == 0)
    return p;
  p.consumed = consumption(h, cb);
  if (p.consumed > h->max_consumed)
    return p;
  if (p.consumed > LARGE) {
    /* A chunk of its own, placed like any new chunk, sized to fit. */
    p.len = round_up(p.consumed, m->page);
    if (can_new(m, h, p.len, 0, &p) ||
        (h->policy == ILHEAP_WINDOW_PREFERRED && can_new(m, h, p.len, 1, &p)))
      p.kind = PLAN_LARGE;
    return p;
  }
  const mchunk *c = h->current >= 0 ? &h->chunks[h->current] : NULL;
  if (c != NULL && p.consumed <= (uint64_t)(c->top - c->floor) - c->used) {
    p.kind = PLAN_FAST;
    return p;
  }
  uint64_t step = step_size(h, m->page);
  uint64_t ext = 0; /* how far the current chunk can grow in place */
  if (c != NULL) {
    uint64_t cap = (uint64_t)(c->top - c->floor);
    uint64_t room = cap - c->used;
    uint64_t need = round_up(p.consumed - room, m->page);
    uint64_t under_cap = (CHUNK_CAP - 1 - cap) & ~(m->page - 1);
    ext = extend_len(m, h, c, step < under_cap ? step : under_cap, need);
    /* A chunk outside the window grows only after the window was tried. */
    if (ext != 0 && !c->outside) {
      p.kind = PLAN_EXTEND;
      p.len = ext;
      return p;
    }
  }
  uint64_t minimal = round_up(p.consumed, m->page);
  if (can_new_for(m, h, minimal, step, 0, &p)) {
    p.kind = PLAN_NEW;
    return p;
  }
  if (h->policy != ILHEAP_WINDOW_PREFERRED)
    return p;
  if (own_outside(m, h, c, p.consumed)) {
    p.len = minimal;
    if (can_new(m, h, minimal, 1, &p))
      p.kind = PLAN_LARGE;
    return p;
  }
  if (ext != 0 && c->outside) {
    p.kind = PLAN_EXTEND;
    p.len = ext;
    return p;
  }
  if (can_new_for(m, h, minimal, step, 1, &p))
    p.kind = PLAN_NEW;
  return p;
}

/* ---- model bookkeeping ------------------------------------------------------------ */

static mchunk *add_chunk(mheap *h) {
  if (h->nchunks == h->cap) {
    size_t ncap = h->cap ? h->cap * 2 : 16;
    mchunk *grown = realloc(h->chunks, ncap * sizeof *grown);
    FUZZ_CHECK(grown != NULL, "out of memory in the model");
    h->chunks = grown;
    h->cap = ncap;
  }
  mchunk *c = &h->chunks[h->nchunks++];
  memset(c, 0, sizeof *c);
  return c;
}

static void apply_plan(model *m, int slot, const plan *p) {
  mheap *h = &m->heaps[slot];
  if (p->kind == PLAN_EXTEND) {
    mchunk *c = &h->chunks[h->current];
    set_owner(m, c->floor - (uintptr_t)p->len, c->floor, slot);
    c->floor -= (uintptr_t)p->len;
    h->reserved += p->len;
    h->committed += p->len;
    h->extensions++;
  } else if (p->kind == PLAN_NEW || p->kind == PLAN_LARGE) {
    mchunk *c = add_chunk(h);
    c->floor = p->addr;
    c->top = p->addr + (uintptr_t)p->len;
    c->end = c->top + (uintptr_t)h->guard;
    set_owner(m, c->floor, c->end, slot);
    c->own = p->kind == PLAN_LARGE;
    c->outside = p->outside;
    c->lim = p->lim;
    if (!c->own)
      h->current = (long)(h->nchunks - 1);
    h->reserved += p->len + h->guard;
    h->committed += p->len;
  }
}

/* ---- checks against the simulated space ------------------------------------------ */

struct sim_walk_state {
  const model *m;
  uintptr_t at;
  int last_kind;
};

static int expected_kind(const model *m, uintptr_t a) {
  int o = m->owner[page_index(m, a)];
  if (o == PG_FREE)
    return ILHEAP_SIM_FREE;
  if (o == PG_FOREIGN)
    return ILHEAP_SIM_FOREIGN;
  if (o == PG_DIRECT)
    return ILHEAP_SIM_RESERVED;
  if (o == PG_DIRECT_COMMITTED)
    return ILHEAP_SIM_COMMITTED;
  const mheap *h = &m->heaps[o];
  for (size_t i = 0; i < h->nchunks; i++) {
    const mchunk *c = &h->chunks[i];
    if (a >= c->floor && a < c->end)
      return a < c->top ? ILHEAP_SIM_COMMITTED : ILHEAP_SIM_RESERVED;
  }
  fuzz_fail("model: page %#lx owned by heap %d but in none of its chunks", (unsigned long)a, o);
}

static int sim_walk_visit(void *arg, uintptr_t lo, uintptr_t hi, ilheap_sim_kind kind) {
  struct sim_walk_state *st = arg;
  const model *m = st->m;
  FUZZ_CHECK(lo == st->at && lo < hi && hi <= m->send,
             "sim walk: range %#lx-%#lx does not continue at %#lx", (unsigned long)lo,
             (unsigned long)hi, (unsigned long)st->at);
  FUZZ_CHECK((int)kind != st->last_kind, "sim walk: two adjacent ranges of kind %d", (int)kind);
  for (uintptr_t a = lo; a < hi; a += m->page) {
    int want = expected_kind(m, a);
    FUZZ_CHECK(want == (int)kind,
               "layout: page %#lx (page %zu) is kind %d in the simulation, %d in the model",
               (unsigned long)a, page_index(m, a), (int)kind, want);
  }
  st->at = hi;
  st->last_kind = (int)kind;
  return 0;
}

struct reserved_state {
  const mheap *h;
  size_t seen;
  uint64_t bytes;
};

static int reserved_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  struct reserved_state *st = arg;
  const mheap *h = st->h;
  size_t i;
  for (i = 0; i < h->nchunks; i++)
    if (h->chunks[i].floor == lo && h->chunks[i].end == hi)
      break;
  FUZZ_CHECK(i < h->nchunks, "walk_reserved: range %#lx-%#lx is not a chunk of the model",
             (unsigned long)lo, (unsigned long)hi);
  st->seen++;
  st->bytes += hi - lo;
  return 0;
}

static int stop_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  (void)lo;
  (void)hi;
  ++*(size_t *)arg;
  return 1;
}

/* The heap's statistics and reserved ranges against the model. */
static void check_heap(const mheap *h) {
  ilheap_stats s;
  memset(&s, 0xA5, sizeof s);
  s.size = (uint32_t)sizeof s;
  FUZZ_CHECK(ilheap_get_stats(h->h, &s) == ILHEAP_OK, "get_stats failed");
  uint64_t blocks = 0, requested = 0, used = 0, committed = 0, reserved = 0, outside = 0;
  uintptr_t lowest = 0, highest = 0;
  for (size_t i = 0; i < h->nchunks; i++) {
    const mchunk *c = &h->chunks[i];
    blocks += c->blocks;
    outside += c->outside ? c->blocks : 0;
    requested += c->requested;
    used += c->used;
    committed += c->top - c->floor;
    reserved += c->end - c->floor;
    if (lowest == 0 || c->floor < lowest)
      lowest = c->floor;
    if (c->end > highest)
      highest = c->end;
  }
  FUZZ_CHECK(reserved == h->reserved && committed == h->committed, "model bookkeeping");
  FUZZ_CHECK(s.size == sizeof s && s.version == ILHEAP_STATS_VERSION, "stats: size %u version %u",
             (unsigned)s.size, (unsigned)s.version);
  FUZZ_CHECK(s.blocks == blocks, "stats: blocks %llu, model %llu", (unsigned long long)s.blocks,
             (unsigned long long)blocks);
  FUZZ_CHECK(s.bytes_requested == requested, "stats: bytes_requested %llu, model %llu",
             (unsigned long long)s.bytes_requested, (unsigned long long)requested);
  FUZZ_CHECK(s.padding_bytes == used - requested, "stats: padding %llu, model %llu",
             (unsigned long long)s.padding_bytes, (unsigned long long)(used - requested));
  FUZZ_CHECK(s.bytes_reserved == h->reserved, "stats: reserved %llu, model %llu",
             (unsigned long long)s.bytes_reserved, (unsigned long long)h->reserved);
  FUZZ_CHECK(s.bytes_committed == h->committed, "stats: committed %llu, model %llu",
             (unsigned long long)s.bytes_committed, (unsigned long long)h->committed);
  FUZZ_CHECK(s.chunks == h->nchunks, "stats: chunks %llu, model %zu", (unsigned long long)s.chunks,
             h->nchunks);
  FUZZ_CHECK(s.failed_requests == h->failed, "stats: failed %llu, model %llu",
             (unsigned long long)s.failed_requests, (unsigned long long)h->failed);
  FUZZ_CHECK(s.blocks_outside_window == outside, "stats: outside %llu, model %llu",
             (unsigned long long)s.blocks_outside_window, (unsigned long long)outside);
  FUZZ_CHECK(s.extensions == h->extensions, "stats: extensions %llu, model %llu",
             (unsigned long long)s.extensions, (unsigned long long)h->extensions);
  FUZZ_CHECK(s.lowest == lowest && s.highest == highest,
             "stats: lowest/highest %#lx-%#lx, model %#lx-%#lx", (unsigned long)s.lowest,
             (unsigned long)s.highest, (unsigned long)lowest, (unsigned long)highest);
  FUZZ_CHECK(h->budget == ILHEAP_UNLIMITED || s.bytes_reserved <= h->budget,
             "budget: %llu reserved, budget %zu", (unsigned long long)s.bytes_reserved, h->budget);
  /* A visitor that stops is not called again. */
  size_t calls = 0;
  FUZZ_CHECK(ilheap_walk_reserved(h->h, stop_visit, &calls) == ILHEAP_OK &&
                 calls == (h->nchunks > 0),
             "walk_reserved: %zu calls to a visitor that stops at once", calls);
  struct reserved_state rs = {h, 0, 0};
  FUZZ_CHECK(ilheap_walk_reserved(h->h, reserved_visit, &rs) == ILHEAP_OK, "walk_reserved failed");
  FUZZ_CHECK(rs.seen == h->nchunks && rs.bytes == h->reserved,
             "walk_reserved: %zu ranges of %llu bytes, model %zu of %llu", rs.seen,
             (unsigned long long)rs.bytes, h->nchunks, (unsigned long long)h->reserved);
  FUZZ_CHECK(ilheap_module_base(h->h) == h->base && ilheap_max_offset(h->h) == h->max_offset &&
                 ilheap_alignment(h->h) == h->align_option,
             "accessors disagree with the options");
  FUZZ_CHECK(ilheap_window_policy(h->h) == h->policy, "policy accessor");
}

/* Everything: the simulated space page by page, its statistics, every heap. */
static void check_all(model *m) {
  struct sim_walk_state st = {m, m->sbase, -1};
  FUZZ_CHECK(ilheap_sim_walk(m->sim, sim_walk_visit, &st) == ILHEAP_OK, "sim walk failed");
  FUZZ_CHECK(st.at == m->send, "sim walk stopped at %#lx, not %#lx", (unsigned long)st.at,
             (unsigned long)m->send);
  ilheap_sim_stats ss;
  FUZZ_CHECK(ilheap_sim_get_stats(m->sim, &ss) == ILHEAP_OK, "sim stats failed");
  uint64_t reserved = 0, committed = 0, foreign = 0, chunks = 0;
  for (size_t i = 0; i < m->npages; i++) {
    foreign += m->owner[i] == PG_FOREIGN;
    if (m->owner[i] == PG_DIRECT || m->owner[i] == PG_DIRECT_COMMITTED) {
      reserved += m->page;
      committed += m->owner[i] == PG_DIRECT_COMMITTED ? m->page : 0;
      chunks += i == 0 || m->owner[i - 1] >= 0 || m->owner[i - 1] > PG_DIRECT; /* a run starts */
    }
  }
  for (int i = 0; i < MAX_HEAPS; i++) {
    const mheap *h = &m->heaps[i];
    if (!h->live)
      continue;
    reserved += h->reserved;
    committed += h->committed;
    chunks += h->nchunks;
    check_heap(h);
  }
  /* Contract 7 as the simulation sees it: it holds exactly what live heaps hold. */
  FUZZ_CHECK(ss.reserved_bytes == reserved && ss.committed_bytes == committed,
             "sim holds %llu reserved / %llu committed, heaps %llu / %llu",
             (unsigned long long)ss.reserved_bytes, (unsigned long long)ss.committed_bytes,
             (unsigned long long)reserved, (unsigned long long)committed);
  FUZZ_CHECK(ss.foreign_bytes == foreign * m->page, "sim foreign %llu, model %llu",
             (unsigned long long)ss.foreign_bytes, (unsigned long long)(foreign * m->page));
  FUZZ_CHECK(ss.reserved_ranges <= chunks && (chunks == 0) == (ss.reserved_ranges == 0),
             "sim has %llu reserved ranges for %llu chunks", (unsigned long long)ss.reserved_ranges,
             (unsigned long long)chunks);
}

static void verify_blocks(const model *m, const char *when) {
  for (size_t i = 0; i < m->nblocks; i++)
    fuzz_check_fill((const void *)m->blocks[i].p, m->blocks[i].cb, m->blocks[i].tag, when);
}

/* Contract 3 for a new block: disjoint from every live block of every heap,
 * and inside the committed part of one of its own heap's chunks (so never on a
 * foreign page, a guard page or another heap's page). */
static void check_new_block(const model *m, int slot, uintptr_t p, uint32_t cb) {
  const mheap *h = &m->heaps[slot];
  const mchunk *home = NULL;
  for (size_t i = 0; i < h->nchunks; i++)
    if (p >= h->chunks[i].floor && p < h->chunks[i].top)
      home = &h->chunks[i];
  uint32_t rva = 1;
  int rc = ilheap_rva(h->h, (const void *)p, cb, &rva);
  if (home != NULL && home->outside) {
    /* Contract 1, WINDOW_PREFERRED: wholly outside, never across the edge. */
    FUZZ_CHECK(h->policy == ILHEAP_WINDOW_PREFERRED, "a chunk outside the window");
    FUZZ_CHECK(h->base == UINTPTR_MAX || p + cb <= h->base + 1 ||
                   (p > h->base && p - h->base >= h->max_offset),
               "contract 1: outside block %#lx+%u touches the window of base %#lx",
               (unsigned long)p, (unsigned)cb, (unsigned long)h->base);
    FUZZ_CHECK(rc == ILHEAP_ERANGE && rva == 0, "rva of an outside block: %d %#x", rc,
               (unsigned)rva);
  } else {
    FUZZ_OK(sup_check_window(h->base, h->max_offset, h->align_option, (const void *)p, cb, why));
    FUZZ_CHECK(rc == ILHEAP_OK && rva == p - h->base, "rva of an inside block: %d %#x", rc,
               (unsigned)rva);
  }
  FUZZ_CHECK(p % h->align_option == 0, "contract 2: block %#lx", (unsigned long)p);
  FUZZ_CHECK(p % h->align == 0, "block %#lx not aligned to the effective %llu", (unsigned long)p,
             (unsigned long long)h->align);
  int inside = 0;
  for (size_t i = 0; i < h->nchunks; i++) {
    const mchunk *c = &h->chunks[i];
    if (p >= c->floor && p < c->top && cb <= c->top - p)
      inside = 1;
  }
  FUZZ_CHECK(inside, "contract 3: block %#lx+%u outside the committed chunks of its heap",
             (unsigned long)p, (unsigned)cb);
  for (uintptr_t a = p & ~(uintptr_t)(m->page - 1); a < p + cb; a += m->page)
    FUZZ_CHECK(m->owner[page_index(m, a)] == slot,
               "contract 3: block %#lx+%u on page %#lx owned by %d", (unsigned long)p, (unsigned)cb,
               (unsigned long)a, m->owner[page_index(m, a)]);
  for (size_t i = 0; i < m->nblocks; i++) {
    const mblock *b = &m->blocks[i];
    FUZZ_CHECK(p + cb <= b->p || b->p + b->cb <= p,
               "contract 3: block %#lx+%u (heap %d) overlaps block %#lx+%u (heap %d)",
               (unsigned long)p, (unsigned)cb, slot, (unsigned long)b->p, (unsigned)b->cb, b->slot);
  }
}

static void remember_block(model *m, int slot, uintptr_t p, uint32_t cb) {
  FUZZ_OK(sup_check_zero((const void *)p, cb, why));
  uint32_t tag = ++m->next_tag;
  sup_fill((void *)p, cb, tag);
  if (m->nblocks < MAX_BLOCKS) {
    mblock *b = &m->blocks[m->nblocks++];
    b->p = p;
    b->cb = cb;
    b->tag = tag;
    b->slot = slot;
  }
}

/* ---- reconciling after an injected failure ---------------------------------------- */

struct snapshot_state {
  uintptr_t lo[4096], hi[4096];
  size_t n;
};

static int snapshot_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  struct snapshot_state *st = arg;
  FUZZ_CHECK(st->n < 4096, "too many chunks");
  st->lo[st->n] = lo;
  st->hi[st->n] = hi;
  st->n++;
  return 0;
}

static int foreign_visit(void *arg, uintptr_t lo, uintptr_t hi, ilheap_sim_kind kind) {
  model *m = arg;
  if (kind != ILHEAP_SIM_FOREIGN)
    return 0;
  for (uintptr_t a = lo; a < hi; a += m->page) {
    int *o = &m->owner[page_index(m, a)];
    /* A lost race paints foreign over a range that was free a moment ago. */
    FUZZ_CHECK(*o == PG_FOREIGN || *o == PG_FREE, "foreign page %#lx was owned by heap %d",
               (unsigned long)a, *o);
    *o = PG_FOREIGN;
  }
  return 0;
}

/* An allocation during which the sim delivered an injected failure: the
 * outcome is the core's to choose (NULL or a block). Check it changed the
 * layout in one legitimate step, and adopt it. */
static void reconcile(model *m, int slot, uint32_t cb, uintptr_t p, uint64_t races,
                      uint64_t other_failures) {
  mheap *h = &m->heaps[slot];
  /* Ranges painted foreign by lost races: they must lie in this heap's window. */
  int *before = malloc(m->npages * sizeof *before);
  FUZZ_CHECK(before != NULL, "out of memory");
  memcpy(before, m->owner, m->npages * sizeof *before);
  ilheap_sim_walk(m->sim, foreign_visit, m);
  for (size_t i = 0; i < m->npages; i++) {
    if (before[i] != m->owner[i]) {
      uintptr_t a = m->sbase + i * m->page;
      FUZZ_CHECK(races > 0 && ((a >= h->wlo && a < h->whi) || h->policy == ILHEAP_WINDOW_PREFERRED),
                 "page %#lx turned foreign without a lost race in the window", (unsigned long)a);
    }
  }
  free(before);

  static struct snapshot_state snap;
  snap.n = 0;
  ilheap_walk_reserved(h->h, snapshot_visit, &snap);
  uint64_t consumed = consumption(h, cb);
  if (p == 0) {
    /* A failed request leaves nothing behind. */
    FUZZ_CHECK(snap.n == h->nchunks, "contract 6: a failed request left %zu chunks, had %zu",
               snap.n, h->nchunks);
    h->failed++;
    if (races > 0 && other_failures == 0 && races < REFILL_RETRIES) {
      /* Only races were lost, fewer than the retries allowed: in the layout as
       * it is now, the policy must find no room either. */
      plan again = predict(m, h, cb);
      FUZZ_CHECK(again.kind == PLAN_NULL,
                 "policy: NULL after %llu lost race(s), but the window still has room (plan %d)",
                 (unsigned long long)races, (int)again.kind);
    }
    check_all(m);
    return;
  }
  /* Success: exactly one chunk grew in place or exactly one chunk is new. */
  size_t grown = 0, fresh = 0;
  long at = -1;
  for (size_t i = 0; i < snap.n; i++) {
    size_t k;
    for (k = 0; k < h->nchunks; k++)
      if (h->chunks[k].end == snap.hi[i])
        break;
    if (k < h->nchunks) {
      mchunk *c = &h->chunks[k];
      FUZZ_CHECK(snap.lo[i] <= c->floor, "a chunk shrank: %#lx-%#lx", (unsigned long)snap.lo[i],
                 (unsigned long)snap.hi[i]);
      if (snap.lo[i] < c->floor) {
        FUZZ_CHECK((long)k == h->current, "a chunk other than the current one grew");
        FUZZ_CHECK(range_free(m, snap.lo[i], c->floor) && snap.lo[i] >= c->lim,
                   "contract 3: a chunk grew over pages that were not free");
        uint64_t len = c->floor - snap.lo[i];
        FUZZ_CHECK(within_budget(h, len), "budget exceeded by growth in place");
        set_owner(m, snap.lo[i], c->floor, slot);
        c->floor = snap.lo[i];
        h->reserved += len;
        h->committed += len;
        h->extensions++;
        grown++;
        at = (long)k;
      }
    } else {
      uintptr_t lo = snap.lo[i], hi = snap.hi[i];
      int in_window = lo >= h->wlo && hi <= h->whi;
      int above = h->above_lo != 0 && lo >= h->above_lo, below = hi <= h->below_hi;
      FUZZ_CHECK(hi - lo > h->guard &&
                     (in_window || (h->policy == ILHEAP_WINDOW_PREFERRED && (above || below))),
                 "contract 1: new chunk %#lx-%#lx outside window %#lx-%#lx", (unsigned long)lo,
                 (unsigned long)hi, (unsigned long)h->wlo, (unsigned long)h->whi);
      FUZZ_CHECK(range_free(m, lo, hi), "contract 3: new chunk %#lx-%#lx over pages not free",
                 (unsigned long)lo, (unsigned long)hi);
      FUZZ_CHECK(within_budget(h, hi - lo), "budget exceeded by a new chunk");
      /* Before add_chunk: the model's current chunk as the core saw it. */
      int own = consumed > LARGE ||
                (!in_window &&
                 own_outside(m, h, h->current >= 0 ? &h->chunks[h->current] : NULL, consumed));
      mchunk *c = add_chunk(h);
      c->floor = lo;
      c->end = hi;
      c->top = hi - (uintptr_t)h->guard;
      c->own = own;
      c->outside = !in_window;
      FUZZ_CHECK(!own || c->top - lo == round_up(consumed, m->page),
                 "a request's own chunk %#lx-%#lx is not sized to fit %llu bytes", (unsigned long)lo,
                 (unsigned long)hi, (unsigned long long)consumed);
      c->lim = in_window ? h->wlo : above ? h->above_lo : (uintptr_t)m->page;
      set_owner(m, lo, hi, slot);
      h->reserved += hi - lo;
      h->committed += c->top - lo;
      fresh++;
      at = (long)(h->nchunks - 1);
    }
  }
  FUZZ_CHECK(snap.n == h->nchunks && grown + fresh == 1,
             "a successful refill changed %zu chunks in place and added %zu", grown, fresh);
  mchunk *c = &h->chunks[at];
  if (!c->own)
    h->current = at;
  FUZZ_CHECK(p == c->top - (uintptr_t)(c->used + consumed),
             "block %#lx is not at the bump position %#lx of its chunk", (unsigned long)p,
             (unsigned long)(c->top - (uintptr_t)(c->used + consumed)));
  c->used += consumed;
  c->blocks++;
  c->requested += cb;
  check_new_block(m, slot, p, cb);
  remember_block(m, slot, p, cb);
  check_all(m);
}

/* ---- operations ---------------------------------------------------------------------- */

static uint64_t sim_failures(const ilheap_sim_stats *s) { return s->failures; }

static void do_alloc(model *m, int slot, uint32_t cb) {
  mheap *h = &m->heaps[slot];
  plan pl = predict(m, h, cb);
  ilheap_sim_stats before, after;
  ilheap_sim_get_stats(m->sim, &before);
  void *r = ilheap_alloc(h->h, cb);
  ilheap_sim_get_stats(m->sim, &after);
  uintptr_t p = (uintptr_t)r;
  TRACE("alloc heap %d cb %u -> %p (plan %d len %llu addr %#lx, failures %llu)\n", slot,
        (unsigned)cb, r, (int)pl.kind, (unsigned long long)pl.len, (unsigned long)pl.addr,
        (unsigned long long)(after.failures - before.failures));

  if (cb == 0) {
    FUZZ_CHECK(r == NULL, "contract 5: cb == 0 returned %p", r);
    return;
  }
  uint64_t failures = sim_failures(&after) - sim_failures(&before);
  if (failures > 0) {
    uint64_t races = after.calls[ILHEAP_SIM_RACE] - before.calls[ILHEAP_SIM_RACE];
    reconcile(m, slot, cb, p, races, failures - races);
    return;
  }
  if (pl.kind == PLAN_NULL) {
    FUZZ_CHECK(r == NULL,
               "policy: cb %u (consumes %llu) must fail (window %#lx-%#lx, reserved %llu, budget "
               "%zu) but returned %p",
               (unsigned)cb, (unsigned long long)pl.consumed, (unsigned long)h->wlo,
               (unsigned long)h->whi, (unsigned long long)h->reserved, h->budget, r);
    h->failed++;
    return;
  }
  FUZZ_CHECK(r != NULL,
             "policy: cb %u (consumes %llu) must succeed (plan %d, len %llu, addr %#lx) but "
             "returned NULL",
             (unsigned)cb, (unsigned long long)pl.consumed, (int)pl.kind,
             (unsigned long long)pl.len, (unsigned long)pl.addr);
  apply_plan(m, slot, &pl);
  mchunk *c = &h->chunks[pl.kind == PLAN_LARGE ? (long)h->nchunks - 1 : h->current];
  uintptr_t want = c->top - (uintptr_t)(c->used + pl.consumed);
  FUZZ_CHECK(p == want, "policy: block at %#lx, the model expected %#lx (plan %d)",
             (unsigned long)p, (unsigned long)want, (int)pl.kind);
  c->used += pl.consumed;
  c->blocks++;
  c->requested += cb;
  /* The fast path makes no provider call; a refill makes some. */
  int calls = 0;
  for (int op = 0; op < ILHEAP_SIM_OP_COUNT; op++)
    calls |= after.calls[op] != before.calls[op];
  FUZZ_CHECK(calls == (pl.kind != PLAN_FAST), "contract 8: plan %d but provider calls %s",
             (int)pl.kind, calls ? "made" : "not made");
  check_new_block(m, slot, p, cb);
  remember_block(m, slot, p, cb);
  if (pl.kind != PLAN_FAST)
    check_all(m);
}

static void do_destroy(model *m, int slot) {
  mheap *h = &m->heaps[slot];
  TRACE("destroy heap %d\n", slot);
  verify_blocks(m, "before destroy");
  check_all(m);
  ilheap_destroy(h->h);
  for (size_t i = 0; i < h->nchunks; i++)
    set_owner(m, h->chunks[i].floor, h->chunks[i].end, PG_FREE);
  free(h->chunks);
  memset(h, 0, sizeof *h);
  size_t k = 0;
  for (size_t i = 0; i < m->nblocks; i++)
    if (m->blocks[i].slot != slot)
      m->blocks[k++] = m->blocks[i];
  m->nblocks = k;
  check_all(m); /* contract 7: the sim holds only what other live heaps hold */
}

/* A base for a new heap, chosen to reach an edge of the policy. */
static uintptr_t decode_base(model *m, fuzz_input *in) {
  uintptr_t size = m->send - m->sbase;
  uintptr_t page = (uintptr_t)m->page;
  uintptr_t delta;
  switch ((model_base)fuzz_pick(in, MB_COUNT)) {
  case MB_INSIDE: /* inside the space, page aligned or not */
    return m->sbase + (uintptr_t)fuzz_range(in, 0, m->npages) * page +
           (uintptr_t)fuzz_range(in, 0, 3) * (page / 4 - 1);
  case MB_BELOW: /* below the space: the window starts outside it */
    return m->sbase - (uintptr_t)fuzz_range(in, 0, 16) * page - (uintptr_t)fuzz_range(in, 0, 255);
  case MB_NEAR_END: /* near the end of the space: "near the top of the address space" */
    delta = (uintptr_t)fuzz_range(in, 0, 8) * page + (uintptr_t)fuzz_range(in, 0, 17);
    return m->send - (delta < size ? delta : size);
  case MB_FOREIGN: { /* inside a crowded region: at or next to a foreign page */
    size_t i = (size_t)fuzz_range(in, 0, m->npages - 1);
    for (size_t k = 0; k < m->npages; k++, i = (i + 1) % m->npages)
      if (m->owner[i] == PG_FOREIGN)
        break;
    return m->sbase + i * page + (uintptr_t)fuzz_range(in, 0, page);
  }
  case MB_NEAR_ZERO: /* near address 0 */ return (uintptr_t)fuzz_range(in, 0, 3 * page);
  case MB_NEAR_TOP: /* near the top of the real address space: window past the top */
    return UINTPTR_MAX - (uintptr_t)fuzz_range(in, 0, 3 * page);
  case MB_ANY: /* anywhere */ return (uintptr_t)fuzz_u64(in);
  case MB_BYTE: /* one page below a byte inside the space (unaligned) */
    return m->sbase + (uintptr_t)fuzz_range(in, 0, size) - 1;
  case MB_START:
  default: /* the very start: window begins at the first page */
    return m->sbase - 1 + (uintptr_t)fuzz_range(in, 0, 1);
  }
}

static uint32_t decode_max_offset(model *m, fuzz_input *in) {
  uint64_t page = m->page;
  switch ((model_max_offset)fuzz_pick(in, MMO_COUNT)) {
  case MMO_DEFAULT: return ILHEAP_DEFAULT_MAX_OFFSET;
  case MMO_PAGES: /* a few pages, plus or minus a little: window edges */
    return (uint32_t)(fuzz_range(in, 1, 2 * m->npages + 2) * page + fuzz_range(in, 0, 4) - 2);
  case MMO_ANY: return fuzz_u32(in);
  case MMO_MAX: return UINT32_MAX;
  case MMO_TINY: return (uint32_t)fuzz_range(in, 0, 3 * page);
  case MMO_SIM:
  default: return (uint32_t)(m->npages * page - fuzz_range(in, 0, 2 * page));
  }
}

static void do_create(model *m, int slot, fuzz_input *in) {
  mheap *h = &m->heaps[slot];
  ilheap_options o;
  ilheap_provider bad;
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(m->sim);
  uintptr_t base = decode_base(m, in);
  o.max_offset = decode_max_offset(m, in);
  unsigned a = fuzz_pick(in, MODEL_ALIGN_CHOICES);
  o.alignment = a < MODEL_ALIGN_RAW    ? 4u << (a > 0 ? a - 1 : 0)
                : a == MODEL_ALIGN_RAW ? fuzz_u32(in)
                                       : 8u;
  o.use_guard_pages = fuzz_pick(in, MODEL_GUARD_CHOICES) == 0 ? 0 : (uint32_t)fuzz_range(in, 1, 3);
  unsigned pol = fuzz_pick(in, MODEL_POLICY_CHOICES);
  o.window_policy = pol < MODEL_POLICY_UNKNOWN    ? ILHEAP_WINDOW_PREFERRED
                    : pol == MODEL_POLICY_UNKNOWN ? (uint32_t)fuzz_range(in, 2, UINT32_MAX)
                                                  : ILHEAP_WINDOW_REQUIRED;
  switch (fuzz_pick(in, MODEL_BUDGET_CHOICES)) {
  case MODEL_BUDGET_UNLIMITED: o.budget = ILHEAP_UNLIMITED; break;
  case MODEL_BUDGET_PAGES: o.budget = (size_t)(fuzz_range(in, 0, 64) * m->page); break;
  case MODEL_BUDGET_BYTES:
    o.budget = (size_t)fuzz_range(in, 0, m->npages * m->page + m->page);
    break;
  default: break;
  }
  int expect = ILHEAP_OK;
  if (o.alignment < 4 || o.alignment > 4096 || (o.alignment & (o.alignment - 1)) != 0 ||
      o.max_offset == 0 || o.window_policy > ILHEAP_WINDOW_PREFERRED)
    expect = ILHEAP_EINVAL;
  /* Now and then one versioning or provider fault, one at a time. */
  if (expect == ILHEAP_OK) {
    switch ((model_fault)fuzz_pick(in, MODEL_FAULT_CHOICES)) {
    case MF_OPTIONS_SIZE:
      /* Smaller than the first published struct (version 1 ended before
       * window_policy). */
      o.size = (uint32_t)fuzz_range(in, 0, offsetof(ilheap_options, window_policy) - 1);
      expect = ILHEAP_EVERSION;
      break;
    case MF_OPTIONS_V1:
      /* A version-1 caller: window_policy is not read (the default). */
      o.size = (uint32_t)offsetof(ilheap_options, window_policy);
      break;
    case MF_PROVIDER:
      bad = *o.provider;
      switch ((model_provider_field)fuzz_pick(in, MPF_COUNT)) {
      case MPF_WALK_FREE: bad.walk_free = NULL; break;
      case MPF_RESERVE: bad.reserve = NULL; break;
      case MPF_COMMIT: bad.commit = NULL; break;
      case MPF_RELEASE: bad.release = NULL; break;
      case MPF_FLAGS: bad.flags = (uint32_t)fuzz_range(in, 1, UINT32_MAX); break;
      case MPF_PAGE_SMALL: bad.page_size = (size_t)fuzz_range(in, 0, 4095); break;
      case MPF_PAGE_ODD: bad.page_size = m->page * 3; break;
      case MPF_PAGE_HUGE:
      default: bad.page_size = (size_t)1 << 31; break;
      }
      o.provider = &bad;
      expect = ILHEAP_EINVAL;
      break;
    case MF_PROVIDER_SIZE:
      bad = *o.provider;
      bad.size = (uint32_t)fuzz_range(in, 0, offsetof(ilheap_provider, release));
      o.provider = &bad;
      expect = ILHEAP_EVERSION;
      break;
    case MF_OPTIONS_BIGGER:
      /* A caller that knows a newer, larger options struct. */
      o.size = (uint32_t)(sizeof o + fuzz_range(in, 1, 64));
      break;
    default: break;
    }
  }
  ilheap *heap = (ilheap *)(uintptr_t)1; /* must be overwritten */
  int err = ilheap_create((const void *)base, &o, &heap);
  TRACE("create heap %d base %#lx max_offset %#x align %u guard %u budget %zu -> %d\n", slot,
        (unsigned long)base, (unsigned)o.max_offset, (unsigned)o.alignment,
        (unsigned)o.use_guard_pages, o.budget, err);
  FUZZ_CHECK(err == expect, "create: %d (%s), expected %d (alignment %u, max_offset %#x)", err,
             ilheap_strerror(err), expect, (unsigned)o.alignment, (unsigned)o.max_offset);
  if (err != ILHEAP_OK) {
    FUZZ_CHECK(heap == NULL, "create failed but *out is %p", (void *)heap);
    return;
  }
  FUZZ_CHECK(heap != NULL, "create succeeded with a NULL heap");
  memset(h, 0, sizeof *h);
  h->live = 1;
  h->h = heap;
  h->base = base;
  h->max_offset = o.max_offset;
  h->align_option = o.alignment;
  h->align = o.alignment > g_min_align ? o.alignment : g_min_align;
  h->guard = o.use_guard_pages ? m->page : 0;
  h->budget = o.budget;
  h->current = -1;
  /* A caller's struct older than version 2 gets the default policy. */
  h->policy = o.size >= offsetof(ilheap_options, window_policy) + sizeof(uint32_t)
                  ? o.window_policy
                  : ILHEAP_WINDOW_REQUIRED;
  model_window(h, m->page);
  check_all(m); /* contract: creating reserves nothing */
}

/* Sizes that reach the policy's edges. */
static uint32_t decode_size(model *m, const mheap *h, fuzz_input *in) {
  uint64_t page = m->page;
  switch ((model_size)fuzz_pick(in, MS_COUNT)) {
  case MS_TINY: return (uint32_t)fuzz_range(in, 1, 64); /* tiny IL bodies */
  case MS_SMALL: return (uint32_t)fuzz_range(in, 0, 4096);
  case MS_PAGES: /* a number of pages, give or take the redzone and a byte */
    return (uint32_t)(fuzz_range(in, 1, 40) * page - g_redzone + fuzz_range(in, 0, 2) - 1);
  case MS_ROOM: { /* exactly the room left in the current chunk, give or take */
    uint64_t room = 0;
    if (h->current >= 0) {
      const mchunk *c = &h->chunks[h->current];
      room = (uint64_t)(c->top - c->floor) - c->used;
    }
    room = room > g_redzone ? room - g_redzone : 0;
    return (uint32_t)(room + fuzz_range(in, 0, 2 * h->align) - h->align);
  }
  case MS_WINDOW: /* the whole window, give or take */
    return (uint32_t)(h->max_consumed - g_redzone + fuzz_range(in, 0, 2 * h->align) - h->align);
  case MS_HUGE: return UINT32_MAX - (uint32_t)fuzz_range(in, 0, 4096); /* contract 9 */
  case MS_256K: return (uint32_t)fuzz_range(in, 0, 256 << 10);
  case MS_STEP: return (uint32_t)fuzz_range(in, 0, MAX_STEP + 2 * page);
  case MS_ANY: return fuzz_u32(in);
  case MS_ZERO:
  default: return 0; /* contract 5 */
  }
}

static int count_kinds(void *arg, uintptr_t lo, uintptr_t hi, ilheap_sim_kind kind) {
  (void)lo;
  (void)hi;
  (void)kind;
  ++*(size_t *)arg;
  return 1;
}

/* Arguments the contract says are bad, or edge values, with their answers. */
static void do_misuse(model *m, fuzz_input *in) {
  ilheap_stats s;
  switch (fuzz_pick(in, MODEL_MISUSE_CHOICES)) {
  case 0:
    FUZZ_CHECK(ilheap_alloc(NULL, fuzz_u32(in)) == NULL, "alloc(NULL) returned a block");
    break;
  case 1:
    s.size = (uint32_t)sizeof s;
    FUZZ_CHECK(ilheap_get_stats(NULL, &s) == ILHEAP_EINVAL, "get_stats(NULL heap)");
    break;
  case 2:
    for (int i = 0; i < MAX_HEAPS; i++)
      if (m->heaps[i].live) {
        FUZZ_CHECK(ilheap_get_stats(m->heaps[i].h, NULL) == ILHEAP_EINVAL, "get_stats(NULL out)");
        s.size = (uint32_t)fuzz_range(in, 0, offsetof(ilheap_stats, highest));
        FUZZ_CHECK(ilheap_get_stats(m->heaps[i].h, &s) == ILHEAP_EVERSION, "get_stats(small size)");
        FUZZ_CHECK(ilheap_walk_reserved(m->heaps[i].h, NULL, NULL) == ILHEAP_EINVAL,
                   "walk_reserved(NULL visit)");
        {
          /* ilheap_rva of what the heap did not hand out: a page it does not
           * own, or a NULL argument. */
          uint32_t rva = 7;
          size_t pg = (size_t)fuzz_range(in, 0, m->npages - 1);
          uintptr_t a = m->sbase + pg * m->page + (uintptr_t)fuzz_range(in, 0, m->page - 1);
          int owned = m->owner[pg] == i;
          FUZZ_CHECK(owned ||
                         (ilheap_rva(m->heaps[i].h, (const void *)a, 1, &rva) == ILHEAP_EINVAL &&
                          rva == 0),
                     "rva of a foreign address %#lx", (unsigned long)a);
          FUZZ_CHECK(ilheap_rva(NULL, (const void *)a, 1, &rva) == ILHEAP_EINVAL &&
                         ilheap_rva(m->heaps[i].h, NULL, 1, &rva) == ILHEAP_EINVAL &&
                         ilheap_rva(m->heaps[i].h, (const void *)a, 0, &rva) == ILHEAP_EINVAL &&
                         ilheap_rva(m->heaps[i].h, (const void *)a, 1, NULL) == ILHEAP_EINVAL,
                     "rva with a bad argument");
        }
        break;
      }
    break;
  case 3:
    ilheap_destroy(NULL);
    ilheap_options_init(NULL);
    FUZZ_CHECK(ilheap_module_base(NULL) == 0 && ilheap_max_offset(NULL) == 0 &&
                   ilheap_alignment(NULL) == 0,
               "accessors on NULL");
    break;
  case 4: {
    /* Every code has its own name; anything else is "unknown error". The codes
     * run from ILHEAP_OK down to the lowest one in ILHEAP_ERROR_LIST. */
    int lowest = 0;
#define LOWEST_CODE(name, value, text) lowest = (value) < lowest ? (value) : lowest;
    ILHEAP_ERROR_LIST(LOWEST_CODE)
#undef LOWEST_CODE
    uint32_t k = fuzz_u32(in) % 1000000u;
    int unknown_code = (k & 1) ? 1 + (int)(k >> 1) : lowest - 1 - (int)(k >> 1);
    const char *unknown = ilheap_strerror(unknown_code);
    FUZZ_CHECK(unknown != NULL && strcmp(unknown, "unknown error") == 0, "strerror(%d)",
               unknown_code);
    for (int code = lowest; code <= ILHEAP_OK; code++) {
      const char *e = ilheap_strerror(code);
      FUZZ_CHECK(e != NULL && e[0] != '\0' && strcmp(e, unknown) != 0, "strerror(%d)", code);
      for (int other = lowest; other < code; other++)
        FUZZ_CHECK(strcmp(e, ilheap_strerror(other)) != 0, "strerror(%d) == strerror(%d)", code,
                   other);
    }
    break;
  }
  case 5: FUZZ_CHECK(ilheap_create(NULL, NULL, NULL) == ILHEAP_EINVAL, "create(out NULL)"); break;
  case 6:
    FUZZ_CHECK(ilheap_sim_occupy(NULL, m->sbase, 1) == ILHEAP_EINVAL &&
                   ilheap_sim_vacate(NULL, m->sbase, 1) == ILHEAP_EINVAL &&
                   ilheap_sim_inject(NULL, ILHEAP_SIM_WALK, 0, 1) == ILHEAP_EINVAL &&
                   ilheap_sim_provider(NULL) == NULL && ilheap_sim_base(NULL) == 0 &&
                   ilheap_sim_size(NULL) == 0 && ilheap_sim_page_size(NULL) == 0,
               "sim calls on NULL");
    {
      ilheap_sim_stats ss;
      size_t calls = 0;
      ilheap_sim_destroy(NULL);
      FUZZ_CHECK(ilheap_sim_get_stats(NULL, &ss) == ILHEAP_EINVAL &&
                     ilheap_sim_get_stats(m->sim, NULL) == ILHEAP_EINVAL &&
                     ilheap_sim_walk(NULL, count_kinds, &calls) == ILHEAP_EINVAL &&
                     ilheap_sim_walk(m->sim, NULL, NULL) == ILHEAP_EINVAL,
                 "sim queries on NULL");
      /* A visitor that stops is not called again. */
      FUZZ_CHECK(ilheap_sim_walk(m->sim, count_kinds, &calls) == ILHEAP_OK && calls == 1,
                 "sim walk went on after its visitor stopped (%zu calls)", calls);
    }
    break;
  case 7:
    FUZZ_CHECK(ilheap_sim_inject(m->sim, (ilheap_sim_op)fuzz_range(in, ILHEAP_SIM_OP_COUNT, 255), 0,
                                 1) == ILHEAP_EINVAL,
               "inject(unknown op)");
    break;
  case 8: {
    /* Bad sim parameters. */
    ilheap_sim *bad = (ilheap_sim *)(uintptr_t)1;
    size_t psz = fuzz_pick(in, 2) ? 3000 : (size_t)2 << 20;
    FUZZ_CHECK(ilheap_sim_create(4096, psz, &bad) == ILHEAP_EINVAL && bad == NULL,
               "sim_create(bad page size)");
    FUZZ_CHECK(ilheap_sim_create(0, 0, &bad) == ILHEAP_EINVAL, "sim_create(size 0)");
    FUZZ_CHECK(ilheap_sim_create(4096, 0, NULL) == ILHEAP_EINVAL, "sim_create(out NULL)");
    break;
  }
  default:
    verify_blocks(m, "misuse op");
    check_all(m);
    break;
  }
}

/* Marks or unmarks foreign ranges: the model rounds outward and clips, as
 * include/ilheap_sim.h documents. */
static void do_layout(model *m, fuzz_input *in, int occupy) {
  uintptr_t addr = m->sbase - 4 * m->page + (uintptr_t)fuzz_range(in, 0, (m->npages + 8) * m->page);
  size_t len = (size_t)fuzz_range(in, 0, fuzz_bool(in) ? 4 * m->page : m->npages * m->page);
  uintptr_t lo = addr < m->sbase ? m->sbase : addr;
  uintptr_t hi = addr + len > m->send ? m->send : addr + len;
  int expect = ILHEAP_OK;
  if (len == 0 || lo >= hi) {
    expect = ILHEAP_EINVAL;
  } else {
    lo &= ~(uintptr_t)(m->page - 1);
    hi = (uintptr_t)round_up(hi - m->sbase, m->page) + m->sbase;
    if (occupy)
      for (uintptr_t a = lo; a < hi; a += m->page)
        if (m->owner[page_index(m, a)] >= 0 || m->owner[page_index(m, a)] <= PG_DIRECT)
          expect = ILHEAP_EBUSY;
  }
  int err = occupy ? ilheap_sim_occupy(m->sim, addr, len) : ilheap_sim_vacate(m->sim, addr, len);
  TRACE("%s %#lx (page %ld) len %zu -> %d\n", occupy ? "occupy" : "vacate", (unsigned long)addr,
        (long)(addr - m->sbase) / (long)m->page, len, err);
  FUZZ_CHECK(err == expect, "sim_%s(%#lx, %zu): %d, expected %d", occupy ? "occupy" : "vacate",
             (unsigned long)addr, len, err, expect);
  if (err == ILHEAP_OK) {
    for (uintptr_t a = lo; a < hi; a += m->page) {
      int *o = &m->owner[page_index(m, a)];
      if (occupy)
        *o = PG_FOREIGN;
      else if (*o == PG_FOREIGN)
        *o = PG_FREE;
    }
  }
  check_all(m);
}

/* ---- the provider's functions, called directly ------------------------------------- */

struct gap_list {
  uintptr_t lo[1024], hi[1024];
  size_t n, stop_after;
};

static int gap_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  struct gap_list *g = arg;
  FUZZ_CHECK(g->n < 1024, "too many gaps");
  g->lo[g->n] = lo;
  g->hi[g->n] = hi;
  g->n++;
  return g->stop_after != 0 && g->n == g->stop_after;
}

/* Does [lo, hi) touch a page a heap owns? Those are the core's to manage. */
static int touches_heap(const model *m, uintptr_t lo, uintptr_t hi) {
  uintptr_t a = lo < m->sbase ? m->sbase : lo & ~(uintptr_t)(m->page - 1);
  for (; a < hi && a < m->send; a += m->page)
    if (m->owner[page_index(m, a)] >= 0)
      return 1;
  return 0;
}

static int in_space(const model *m, uintptr_t addr, size_t len) {
  return len > 0 && addr >= m->sbase && addr - m->sbase <= m->send - m->sbase &&
         len <= (m->send - m->sbase) - (addr - m->sbase) && addr % m->page == 0 &&
         len % m->page == 0;
}

/* The simulated provider used as another client of the space would use it:
 * walk_free, reserve, commit and release on chosen ranges, every answer
 * checked against the page map (include/ilheap.h, the provider interface). */
static void do_direct(model *m, fuzz_input *in) {
  const ilheap_provider *pv = ilheap_sim_provider(m->sim);
  uintptr_t page = (uintptr_t)m->page;
  model_direct what = (model_direct)fuzz_pick(in, MD_COUNT);
  uintptr_t addr = m->sbase - 2 * page + (uintptr_t)fuzz_range(in, 0, m->npages + 4) * page;
  size_t len = (size_t)fuzz_range(in, 0, 8) * page;
  if (fuzz_pick(in, 4) == 0) /* unaligned */
    addr += (uintptr_t)fuzz_range(in, 1, page - 1);
  ilheap_sim_stats before, after;
  ilheap_sim_get_stats(m->sim, &before);
  if (what == MD_WALK_FREE) {
    static struct gap_list g;
    uintptr_t lo = addr, hi = addr + len + (uintptr_t)fuzz_range(in, 0, m->npages) * page;
    g.n = 0;
    g.stop_after = fuzz_pick(in, 4);
    int err = pv->walk_free(pv->ctx, lo, hi, gap_visit, &g);
    ilheap_sim_get_stats(m->sim, &after);
    TRACE("walk_free %#lx-%#lx stop %zu -> %d, %zu gaps\n", (unsigned long)lo, (unsigned long)hi,
          g.stop_after, err, g.n);
    if (after.failures != before.failures) {
      FUZZ_CHECK(err == ILHEAP_EPROVIDER && g.n == 0, "walk_free: injected failure gave %d", err);
      return;
    }
    FUZZ_CHECK(err == ILHEAP_OK, "walk_free: %d", err);
    /* The free runs of the model, clipped to [lo, hi) and the space. */
    uintptr_t a = lo < m->sbase ? m->sbase : lo, end = hi > m->send ? m->send : hi;
    size_t k = 0;
    while (a < end) {
      uintptr_t pa = a & ~(page - 1);
      if (m->owner[page_index(m, pa)] != PG_FREE) {
        a = pa + page;
        continue;
      }
      uintptr_t b = pa + page;
      while (b < end && m->owner[page_index(m, b)] == PG_FREE)
        b += page;
      if (b > end)
        b = end;
      if (g.stop_after != 0 && k == g.stop_after)
        break;
      FUZZ_CHECK(k < g.n && g.lo[k] == a && g.hi[k] == b,
                 "walk_free: gap %zu is %#lx-%#lx, the model has %#lx-%#lx", k,
                 (unsigned long)(k < g.n ? g.lo[k] : 0), (unsigned long)(k < g.n ? g.hi[k] : 0),
                 (unsigned long)a, (unsigned long)b);
      k++;
      a = b;
    }
    FUZZ_CHECK(k == g.n, "walk_free: %zu gaps, the model has %zu", g.n, k);
    return;
  }
  if (what != MD_RESERVE && touches_heap(m, addr, addr + len))
    return;
  int expect;
  int err;
  if (what == MD_RESERVE) {
    err = pv->reserve(pv->ctx, addr, len);
    expect = !in_space(m, addr, len)           ? ILHEAP_ERANGE
             : range_free(m, addr, addr + len) ? ILHEAP_OK
                                               : ILHEAP_EBUSY;
  } else {
    int ours = in_space(m, addr, len);
    for (uintptr_t a = addr; ours && a < addr + len; a += page)
      ours = m->owner[page_index(m, a)] <= PG_DIRECT;
    err = what == MD_COMMIT ? pv->commit(pv->ctx, addr, len) : pv->release(pv->ctx, addr, len);
    expect = ours ? ILHEAP_OK : ILHEAP_EINVAL;
  }
  ilheap_sim_get_stats(m->sim, &after);
  TRACE("%s %#lx len %zu -> %d (expected %d)\n",
        what == MD_RESERVE  ? "reserve"
        : what == MD_COMMIT ? "commit"
                            : "release",
        (unsigned long)addr, len, err, expect);
  if (after.failures != before.failures) {
    /* An injected failure hit this call: reserve fails with ENOMEM or loses a
     * race (the range turns foreign), commit fails with ENOMEM. */
    FUZZ_CHECK(expect == ILHEAP_OK, "an injected failure on a call that must fail anyway");
    if (after.calls[ILHEAP_SIM_RACE] != before.calls[ILHEAP_SIM_RACE]) {
      FUZZ_CHECK(what == MD_RESERVE && err == ILHEAP_EBUSY, "lost race: %d", err);
      set_owner(m, addr, addr + len, PG_FOREIGN);
    } else {
      FUZZ_CHECK(err == ILHEAP_ENOMEM, "injected failure: %d", err);
    }
    check_all(m);
    return;
  }
  FUZZ_CHECK(err == expect, "provider %s(%#lx, %zu): %d, expected %d",
             what == 1   ? "reserve"
             : what == 2 ? "commit"
                         : "release",
             (unsigned long)addr, len, err, expect);
  if (err == ILHEAP_OK) {
    if (what == 1) {
      set_owner(m, addr, addr + len, PG_DIRECT);
    } else if (what == 2) {
      /* Committed memory reads as zero the first time, every time. */
      for (uintptr_t a = addr; a < addr + len; a += page) {
        if (m->owner[page_index(m, a)] == PG_DIRECT) {
          FUZZ_OK(sup_check_zero((const void *)a, (uint32_t)page, why));
          memset((void *)a, 0xAB, page);
        }
      }
      set_owner(m, addr, addr + len, PG_DIRECT_COMMITTED);
    } else {
      set_owner(m, addr, addr + len, PG_FREE);
    }
  }
  check_all(m);
}

/* Gives back what do_direct reserved, so that the space ends empty. */
static void release_direct(model *m) {
  const ilheap_provider *pv = ilheap_sim_provider(m->sim);
  for (size_t i = 0; i < m->npages;) {
    if (m->owner[i] != PG_DIRECT && m->owner[i] != PG_DIRECT_COMMITTED) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < m->npages && (m->owner[j] == PG_DIRECT || m->owner[j] == PG_DIRECT_COMMITTED))
      j++;
    uintptr_t lo = m->sbase + i * m->page;
    FUZZ_CHECK(pv->release(pv->ctx, lo, (j - i) * m->page) == ILHEAP_OK,
               "release of a direct range");
    set_owner(m, lo, m->sbase + j * m->page, PG_FREE);
    i = j;
  }
}

/* ---- the probe --------------------------------------------------------------------- */

static int probe_top(void *arg, uintptr_t lo, uintptr_t hi) {
  (void)lo;
  *(uintptr_t *)arg = hi;
  return 0;
}

/* Measures the build's redzone and minimum alignment: with alignment 4, cb
 * consumes round_up(cb + redzone, max(4, min_align)) bytes; the first cb whose
 * consumption rises gives both. */
static void probe(void) {
  ilheap_sim *sim;
  ilheap *h;
  ilheap_options o;
  FUZZ_CHECK(ilheap_sim_create((size_t)1 << 20, 0, &sim) == ILHEAP_OK, "probe: sim");
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(sim);
  o.alignment = 4;
  o.use_guard_pages = 0;
  FUZZ_CHECK(ilheap_create((const void *)(ilheap_sim_base(sim) - 1), &o, &h) == ILHEAP_OK,
             "probe: create");
  uintptr_t prev = (uintptr_t)ilheap_alloc(h, 1), top = 0;
  FUZZ_CHECK(prev != 0, "probe: first alloc");
  ilheap_walk_reserved(h, probe_top, &top);
  uint64_t c1 = top - prev;
  FUZZ_CHECK(c1 >= 1 && c1 <= 4096, "probe: first block consumed %llu", (unsigned long long)c1);
  for (uint32_t cb = 1; cb <= 4096; cb++) {
    uintptr_t q = (uintptr_t)ilheap_alloc(h, cb);
    FUZZ_CHECK(q != 0 && q < prev, "probe: alloc %u", (unsigned)cb);
    uint64_t consumed = prev - q;
    prev = q;
    if (consumed > c1) {
      g_redzone = c1 + 1 - cb;
      g_min_align = consumed - c1;
      break;
    }
  }
  FUZZ_CHECK(g_min_align >= 4 && (g_min_align & (g_min_align - 1)) == 0 && g_redzone < 4096,
             "probe: redzone %llu, unit %llu", (unsigned long long)g_redzone,
             (unsigned long long)g_min_align);
  ilheap_destroy(h);
  ilheap_sim_destroy(sim);
  g_probed = 1;
}

/* ---- the target -------------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!g_probed) {
    const char *t = getenv("FUZZ_TRACE");
    g_trace = t != NULL && t[0] != '\0' && t[0] != '0';
    probe();
  }
  fuzz_input in = fuzz_input_make(data, size);
  static const size_t pages[MODEL_PAGE_SIZE_COUNT] = MODEL_PAGE_SIZES;
  size_t psz = pages[fuzz_pick(&in, MODEL_PAGE_SIZE_COUNT)];
  if (psz != 0) /* hosts with larger pages: the choices below theirs are theirs */
    psz = fuzz_at_least_host_page(psz);
  size_t page = psz ? psz : fuzz_host_page();
  size_t npages = (size_t)fuzz_range(&in, 1, MAX_SIM_BYTES / page);

  static model m;
  memset(&m, 0, sizeof m);
  if (ilheap_sim_create(npages * page, psz, &m.sim) != ILHEAP_OK)
    return 0; /* the host would not reserve it: nothing to test */
  m.sbase = ilheap_sim_base(m.sim);
  m.page = ilheap_sim_page_size(m.sim);
  FUZZ_CHECK(m.page == page && ilheap_sim_size(m.sim) == npages * page, "sim geometry");
  m.npages = npages;
  m.send = m.sbase + npages * page;
  m.owner = malloc(npages * sizeof *m.owner);
  TRACE("sim base %#lx pages %zu of %zu\n", (unsigned long)m.sbase, npages, page);
  FUZZ_CHECK(m.owner != NULL, "out of memory");
  for (size_t i = 0; i < npages; i++)
    m.owner[i] = PG_FREE;

  for (int op = 0; op < MAX_OPS && fuzz_remaining(&in) > 0; op++) {
    int slot = (int)fuzz_pick(&in, MAX_HEAPS);
    mheap *h = &m.heaps[slot];
    switch ((model_op)fuzz_pick(&in, MOP_COUNT)) {
    case MOP_CREATE:
    case MOP_CREATE_2:
      if (h->live)
        do_destroy(&m, slot);
      do_create(&m, slot, &in);
      break;
    case MOP_DESTROY:
      if (h->live)
        do_destroy(&m, slot);
      break;
    case MOP_ALLOC:
    case MOP_ALLOC_2:
    case MOP_ALLOC_3:
      if (h->live)
        do_alloc(&m, slot, decode_size(&m, h, &in));
      break;
    case MOP_BURST: { /* a burst of equal requests: fills chunks, crosses boundaries */
      unsigned n = (unsigned)fuzz_range(&in, 1, 64);
      uint32_t cb = (uint32_t)fuzz_range(&in, 1, 512);
      for (unsigned i = 0; i < n && h->live && m.nblocks < MAX_BLOCKS; i++)
        do_alloc(&m, slot, cb);
      break;
    }
    case MOP_OCCUPY: do_layout(&m, &in, 1); break;
    case MOP_VACATE: do_layout(&m, &in, 0); break;
    case MOP_INJECT: {
      ilheap_sim_op sop = (ilheap_sim_op)fuzz_pick(&in, ILHEAP_SIM_OP_COUNT);
      uint32_t skip = (uint32_t)fuzz_range(&in, 0, 7);
      static const uint32_t counts[MODEL_INJECT_COUNT_CHOICES] = MODEL_INJECT_COUNTS;
      uint32_t count = counts[fuzz_pick(&in, MODEL_INJECT_COUNT_CHOICES)];
      FUZZ_CHECK(ilheap_sim_inject(m.sim, sop, skip, count) == ILHEAP_OK, "inject");
      TRACE("inject op %d skip %u count %u\n", (int)sop, (unsigned)skip, (unsigned)count);
      break;
    }
    case MOP_MISUSE: do_misuse(&m, &in); break;
    case MOP_DIRECT: do_direct(&m, &in); break;
    case MOP_CHECK:
    default:
      verify_blocks(&m, "checkpoint");
      check_all(&m);
      break;
    }
  }

  verify_blocks(&m, "end of input");
  for (int i = 0; i < MAX_HEAPS; i++)
    if (m.heaps[i].live)
      do_destroy(&m, i);
  release_direct(&m);
  check_all(&m);
  ilheap_sim_stats ss;
  ilheap_sim_get_stats(m.sim, &ss);
  FUZZ_CHECK(ss.reserved_bytes == 0 && ss.committed_bytes == 0,
             "contract 7: %llu bytes still reserved after every heap was destroyed",
             (unsigned long long)ss.reserved_bytes);
  free(m.owner);
  ilheap_sim_destroy(m.sim);
  return 0;
}
