/* SPDX-License-Identifier: MIT */
/*
 * Writes the hand-written seeds of corpus/<target>/ (named seed-*), each built
 * to reach one case: a window edge, a near-top base, exhaustion, an injected
 * failure, misuse... The fuzzers grow the corpus from them, and
 * scripts/fuzz-campaign.sh merges what they find (-merge=1).
 *
 *   usage: fuzz_make_seeds CORPUS_DIR      (e.g. corpus)
 *
 * Each seed is the byte sequence the target's decoder reads (fuzz/provider.h):
 * put_range(lo, hi, v) writes v - lo in exactly the bytes fuzz_range(lo, hi)
 * reads. The encoders below follow the decoders of each target step by step;
 * when a decoder changes, change its encoder here and regenerate.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
#include <direct.h>
#define mkdir(path, mode) _mkdir(path)
#endif

#include "ilheap_sim.h"
#include "model_ops.h"

/* ---- the encoder, mirror of fuzz/provider.h ------------------------------------- */

typedef struct seed {
  uint8_t b[8192];
  size_t n;
} seed;

static void put_bytes(seed *s, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; i++) {
    if (s->n == sizeof s->b) {
      fprintf(stderr, "make_seeds: seed too long\n");
      exit(1);
    }
    s->b[s->n++] = (uint8_t)(v >> (8 * i));
  }
}

static void put_range(seed *s, uint64_t lo, uint64_t hi, uint64_t v) {
  if (hi <= lo)
    return;
  if (v < lo || v > hi) {
    fprintf(stderr, "make_seeds: %llu outside [%llu, %llu]\n", (unsigned long long)v,
            (unsigned long long)lo, (unsigned long long)hi);
    exit(1);
  }
  unsigned bytes = 0;
  for (uint64_t span = hi - lo; span != 0; span >>= 8)
    bytes++;
  put_bytes(s, v - lo, bytes);
}

static void put_pick(seed *s, unsigned n, unsigned k) {
  if (n > 0)
    put_range(s, 0, n - 1, k);
}
static void put_u32(seed *s, uint32_t v) { put_bytes(s, v, 4); }
static void put_u64(seed *s, uint64_t v) { put_bytes(s, v, 8); }
static void put_bool(seed *s, int v) { put_bytes(s, v ? 1 : 0, 1); }

static const char *out_dir;

static void save(const char *target, const char *name, const seed *s) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", out_dir, target);
  if (mkdir(path, 0777) != 0 && errno != EEXIST) {
    perror(path);
    exit(1);
  }
  snprintf(path, sizeof path, "%s/%s/seed-%s", out_dir, target, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(s->b, 1, s->n, f) != s->n || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

/* ---- fuzz_model (fuzz/fuzz_model.c) ---------------------------------------------- */

#define M_HEAPS 4
#define M_SIM_BYTES ((uint64_t)16 << 20)
#define M_PAGE ((uint64_t)4096) /* seeds use the host page (MODEL_PAGE_HOST) */

static void m_header(seed *s, uint64_t npages) {
  s->n = 0;
  put_pick(s, MODEL_PAGE_SIZE_COUNT, MODEL_PAGE_HOST);
  put_range(s, 1, M_SIM_BYTES / M_PAGE, npages);
}

static void m_op(seed *s, unsigned slot, unsigned op) {
  put_pick(s, M_HEAPS, slot);
  put_pick(s, MOP_COUNT, op);
}

typedef struct m_heap_spec {
  unsigned base_mode;
  uint64_t b1, b2; /* the mode's arguments */
  unsigned mo_mode;
  uint64_t mo1, mo2;
  unsigned align_idx; /* see MODEL_ALIGN_CHOICES */
  uint32_t align_raw;
  unsigned guard;       /* 0: none, else 1..3 */
  unsigned policy;      /* 0 ILHEAP_WINDOW_REQUIRED, 1 ILHEAP_WINDOW_PREFERRED, 2 unknown */
  unsigned budget_mode; /* MODEL_BUDGET_*, the pages or bytes in budget1 */
  uint64_t budget1;
  model_fault fault;
  uint64_t f1, f2;
} m_heap_spec;

static void m_create(seed *s, uint64_t npages, unsigned slot, const m_heap_spec *h) {
  m_op(s, slot, MOP_CREATE);
  put_pick(s, MB_COUNT, h->base_mode);
  switch (h->base_mode) {
  case MB_INSIDE:
    put_range(s, 0, npages, h->b1);
    put_range(s, 0, 3, h->b2);
    break;
  case MB_BELOW:
    put_range(s, 0, 16, h->b1);
    put_range(s, 0, 255, h->b2);
    break;
  case MB_NEAR_END:
    put_range(s, 0, 8, h->b1);
    put_range(s, 0, 17, h->b2);
    break;
  case MB_FOREIGN:
    put_range(s, 0, npages - 1, h->b1);
    put_range(s, 0, M_PAGE, h->b2);
    break;
  case MB_NEAR_ZERO: put_range(s, 0, 3 * M_PAGE, h->b1); break;
  case MB_NEAR_TOP: put_range(s, 0, 3 * M_PAGE, h->b1); break;
  case MB_ANY: put_u64(s, h->b1); break;
  case MB_BYTE: put_range(s, 0, npages * M_PAGE, h->b1); break;
  default: put_range(s, 0, 1, h->b1); break;
  }
  put_pick(s, MMO_COUNT, h->mo_mode);
  switch (h->mo_mode) {
  case MMO_PAGES:
    put_range(s, 1, 2 * npages + 2, h->mo1);
    put_range(s, 0, 4, h->mo2);
    break;
  case MMO_ANY: put_u32(s, (uint32_t)h->mo1); break;
  case MMO_TINY: put_range(s, 0, 3 * M_PAGE, h->mo1); break;
  case MMO_SIM: put_range(s, 0, 2 * M_PAGE, h->mo1); break;
  default: break;
  }
  put_pick(s, MODEL_ALIGN_CHOICES, h->align_idx);
  if (h->align_idx == MODEL_ALIGN_RAW)
    put_u32(s, h->align_raw);
  put_pick(s, MODEL_GUARD_CHOICES, h->guard ? 1 : 0);
  if (h->guard)
    put_range(s, 1, 3, h->guard);
  put_pick(s, MODEL_POLICY_CHOICES,
           h->policy == 1   ? 0 /* ILHEAP_WINDOW_PREFERRED */
           : h->policy == 2 ? MODEL_POLICY_UNKNOWN
                            : MODEL_POLICY_REQUIRED);
  if (h->policy == 2)
    put_range(s, 2, UINT32_MAX, 2);
  put_pick(s, MODEL_BUDGET_CHOICES, h->budget_mode);
  if (h->budget_mode == MODEL_BUDGET_PAGES)
    put_range(s, 0, 64, h->budget1);
  else if (h->budget_mode == MODEL_BUDGET_BYTES)
    put_range(s, 0, npages * M_PAGE + M_PAGE, h->budget1);
  /* The fault byte is read only when the options are valid. */
  uint32_t align = h->align_idx < MODEL_ALIGN_RAW ? 4u << (h->align_idx > 0 ? h->align_idx - 1 : 0)
                   : h->align_idx == MODEL_ALIGN_RAW ? h->align_raw
                                                     : 8u;
  int valid = align >= 4 && align <= 4096 && (align & (align - 1)) == 0 && h->policy != 2;
  if (valid) {
    put_pick(s, MODEL_FAULT_CHOICES, h->fault);
    switch (h->fault) {
    case MF_OPTIONS_SIZE:         /* below the version-1 size: one byte */
      put_range(s, 0, 39, h->f1); /* offsetof(ilheap_options, window_policy) - 1 */
      break;
    case MF_PROVIDER:
      put_pick(s, MPF_COUNT, (unsigned)h->f1);
      if (h->f1 == MPF_FLAGS)
        put_range(s, 1, UINT32_MAX, h->f2);
      else if (h->f1 == MPF_PAGE_SMALL)
        put_range(s, 0, 4095, h->f2);
      break;
    case MF_PROVIDER_SIZE: put_range(s, 0, 40, h->f1); break; /* below offsetof(.., release) */
    case MF_OPTIONS_BIGGER: put_range(s, 1, 64, h->f1); break;
    case MF_OPTIONS_V1: break;
    default: break;
    }
  }
}

static void m_alloc(seed *s, unsigned slot, unsigned cls, uint64_t a1, uint64_t a2,
                    uint64_t align) {
  m_op(s, slot, MOP_ALLOC);
  put_pick(s, MS_COUNT, cls);
  switch (cls) {
  case MS_TINY: put_range(s, 1, 64, a1); break;
  case MS_SMALL: put_range(s, 0, 4096, a1); break;
  case MS_PAGES:
    put_range(s, 1, 40, a1);
    put_range(s, 0, 2, a2);
    break;
  case MS_ROOM:
  case MS_WINDOW: put_range(s, 0, 2 * align, a1); break;
  case MS_HUGE: put_range(s, 0, 4096, a1); break;
  case MS_256K: put_range(s, 0, 256 << 10, a1); break;
  case MS_STEP: put_range(s, 0, (1 << 20) + 2 * M_PAGE, a1); break;
  case MS_ANY: put_u32(s, (uint32_t)a1); break;
  default: break;
  }
}

static void m_burst(seed *s, unsigned slot, unsigned n, unsigned cb) {
  m_op(s, slot, MOP_BURST);
  put_range(s, 1, 64, n);
  put_range(s, 1, 512, cb);
}

static void m_layout(seed *s, uint64_t npages, int occupy, uint64_t page_at, uint64_t len_pages) {
  m_op(s, 0, occupy ? MOP_OCCUPY : MOP_VACATE);
  /* addr = sbase - 4 pages + v */
  put_range(s, 0, (npages + 8) * M_PAGE, (page_at + 4) * M_PAGE);
  put_bool(s, 0); /* long form: len up to the whole space */
  put_range(s, 0, npages * M_PAGE, len_pages * M_PAGE);
}

static void m_inject(seed *s, unsigned op, unsigned skip, unsigned count_idx) {
  m_op(s, 0, MOP_INJECT);
  put_pick(s, ILHEAP_SIM_OP_COUNT, op);
  put_range(s, 0, 7, skip);
  put_pick(s, MODEL_INJECT_COUNT_CHOICES, count_idx); /* an index into MODEL_INJECT_COUNTS */
}

static void m_misuse(seed *s, unsigned kind) {
  m_op(s, 0, MOP_MISUSE);
  put_pick(s, MODEL_MISUSE_CHOICES, kind);
  switch (kind) {
  case 0: put_u32(s, 100); break;
  case 2: put_range(s, 0, 96, 7); break; /* below offsetof(ilheap_stats, highest) */
  case 4: put_u32(s, (uint32_t)-77); break;
  case 7: put_range(s, 4, 255, 4); break;
  case 8: put_pick(s, 2, 1); break;
  default: break;
  }
}

/* A direct provider call: what 0 walk_free, 1 reserve, 2 commit, 3 release, on
 * [sbase + (page_at - 2) pages, + len_pages) (plus `extra` pages and a stop
 * after `stop` gaps for a walk). */
static void m_direct(seed *s, unsigned what, uint64_t npages, uint64_t page_at, uint64_t len_pages,
                     uint64_t unaligned, uint64_t extra, unsigned stop) {
  m_op(s, 0, MOP_DIRECT);
  put_pick(s, MD_COUNT, what);
  put_range(s, 0, npages + 4, page_at);
  put_range(s, 0, 8, len_pages);
  put_pick(s, 4, unaligned ? 0 : 1);
  if (unaligned)
    put_range(s, 1, M_PAGE - 1, unaligned);
  if (what == MD_WALK_FREE) {
    put_range(s, 0, npages, extra);
    put_pick(s, 4, stop);
  }
}

static void seeds_model(void) {
  seed s;
  m_heap_spec h;
  const char *T = "fuzz_model";

  /* The window edge: a window of exactly 8 pages starting at the first page;
   * a request of the whole window (minus the guard page) fits, one byte more
   * does not. */
  m_header(&s, 64);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_START;
  h.mo_mode = MMO_PAGES;
  h.mo1 = 8;
  h.mo2 = 2; /* 8 pages exactly */
  h.align_idx = 2;
  h.guard = 1;
  m_create(&s, 64, 0, &h);
  m_alloc(&s, 0, MS_WINDOW, 9, 0, 8); /* a byte more than fits */
  m_alloc(&s, 0, MS_WINDOW, 8, 0, 8); /* exactly what fits */
  m_alloc(&s, 0, MS_TINY, 1, 0, 8);   /* the window is full */
  save(T, "window-edge", &s);

  /* The window's end one byte short of a page: the last page is not usable. */
  m_header(&s, 64);
  h.mo2 = 1;
  h.guard = 0;
  m_create(&s, 64, 0, &h);
  m_alloc(&s, 0, MS_WINDOW, 8, 0, 8);
  m_alloc(&s, 0, MS_WINDOW, 9, 0, 8);
  m_burst(&s, 0, 64, 500);
  save(T, "window-end-unaligned", &s);

  /* Near the top: the module sits 4 pages below the end of the space, so the
   * window runs past it and only 3 pages exist: less than a step, so the
   * chunk is the minimal one (a page and its guard page), then the window is
   * full. */
  m_header(&s, 32);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_NEAR_END;
  h.b1 = 4;
  h.b2 = 0;
  h.align_idx = 2;
  h.guard = 1;
  m_create(&s, 32, 1, &h);
  m_alloc(&s, 1, MS_TINY, 16, 0, 8);
  m_alloc(&s, 1, MS_SMALL, 4000, 0, 8);
  m_alloc(&s, 1, MS_PAGES, 1, 1, 8);
  save(T, "near-top", &s);

  /* Near the top of the real address space and near 0: windows outside the
   * space, every request fails, nothing crashes (contract 9). */
  m_header(&s, 16);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_NEAR_TOP;
  h.b1 = 5;
  h.mo_mode = MMO_MAX;
  h.align_idx = 3;
  m_create(&s, 16, 0, &h);
  h.base_mode = MB_NEAR_ZERO;
  h.b1 = 0;
  m_create(&s, 16, 1, &h);
  m_alloc(&s, 0, MS_TINY, 64, 0, 16);
  m_alloc(&s, 1, MS_TINY, 64, 0, 16);
  m_alloc(&s, 0, MS_HUGE, 0, 0, 16);
  m_alloc(&s, 1, MS_HUGE, 1, 0, 16);
  save(T, "address-space-ends", &s);

  /* Exhaustion by budget: 3 pages of budget with a guard page, a burst until
   * requests fail, then one that still fits in the chunk (contract 6). */
  m_header(&s, 256);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_INSIDE;
  h.b1 = 10;
  h.b2 = 1;
  h.align_idx = 1;
  h.guard = 1;
  h.budget_mode = 1;
  h.budget1 = 6;
  m_create(&s, 256, 2, &h);
  m_burst(&s, 2, 64, 400);
  m_burst(&s, 2, 64, 400);
  m_alloc(&s, 2, MS_ROOM, 4, 0, 4);
  m_alloc(&s, 2, MS_ROOM, 5, 0, 4);
  m_alloc(&s, 2, MS_TINY, 1, 0, 4);
  save(T, "exhaustion-budget", &s);

  /* Exhaustion by a crowded window: foreign ranges leave holes of one and two
   * pages; the heap fills them lowest first, each chunk at the top of its gap. */
  m_header(&s, 48);
  m_layout(&s, 48, 1, 0, 48);
  m_layout(&s, 48, 0, 4, 1);
  m_layout(&s, 48, 0, 10, 2);
  m_layout(&s, 48, 0, 20, 3);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_FOREIGN;
  h.b1 = 0;
  h.b2 = 7;
  h.align_idx = 2;
  h.guard = 0;
  m_create(&s, 48, 0, &h);
  m_alloc(&s, 0, MS_SMALL, 4096, 0, 8);
  m_alloc(&s, 0, MS_PAGES, 2, 1, 8);
  m_alloc(&s, 0, MS_PAGES, 3, 1, 8);
  m_alloc(&s, 0, MS_SMALL, 100, 0, 8);
  m_layout(&s, 48, 0, 30, 10);
  m_alloc(&s, 0, MS_SMALL, 100, 0, 8);
  save(T, "crowded-window", &s);

  /* The same crowded window under ILHEAP_WINDOW_PREFERRED: once the holes are
   * full, chunks go above the window, then below the module; a hole opening in
   * the window is used again by the next refill. */
  m_header(&s, 48);
  m_layout(&s, 48, 1, 0, 48);
  m_layout(&s, 48, 0, 4, 1);
  m_layout(&s, 48, 0, 10, 2);
  m_layout(&s, 48, 0, 40, 6);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_FOREIGN;
  h.b1 = 8;
  h.b2 = 7;
  h.mo_mode = MMO_PAGES;
  h.mo1 = 12;
  h.mo2 = 2;
  h.align_idx = 2;
  h.guard = 1;
  h.policy = 1;
  m_create(&s, 48, 0, &h);
  m_alloc(&s, 0, MS_SMALL, 4096, 0, 8);
  m_alloc(&s, 0, MS_PAGES, 2, 1, 8);
  m_alloc(&s, 0, MS_PAGES, 3, 1, 8);
  m_burst(&s, 0, 64, 300);
  m_layout(&s, 48, 0, 12, 4);
  m_burst(&s, 0, 64, 300);
  m_alloc(&s, 0, MS_PAGES, 6, 1, 8);
  m_alloc(&s, 0, MS_PAGES, 30, 1, 8);
  save(T, "preferred-crowded-window", &s);

  /* PREFERRED with no window at all (past the end of the space, an empty
   * window) and a window smaller than the request; large requests outside. */
  m_header(&s, 256);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_NEAR_END;
  h.b1 = 0;
  h.b2 = 3;
  h.align_idx = 3;
  h.guard = 1;
  h.policy = 1;
  m_create(&s, 256, 0, &h);
  h.base_mode = MB_INSIDE;
  h.b1 = 100;
  h.b2 = 1;
  h.mo_mode = MMO_TINY;
  h.mo1 = 1;
  m_create(&s, 256, 1, &h);
  h.mo_mode = MMO_PAGES;
  h.mo1 = 2;
  h.mo2 = 2;
  m_create(&s, 256, 2, &h);
  m_alloc(&s, 0, MS_TINY, 20, 0, 16);
  m_alloc(&s, 1, MS_TINY, 20, 0, 16);
  m_alloc(&s, 2, MS_PAGES, 3, 1, 16);
  m_alloc(&s, 2, MS_TINY, 20, 0, 16);
  m_alloc(&s, 1, MS_STEP, 1049000, 0, 16);
  m_burst(&s, 1, 64, 200);
  m_burst(&s, 2, 64, 200);
  m_alloc(&s, 0, MS_HUGE, 0, 0, 16);
  save(T, "preferred-no-window", &s);

  /* PREFERRED, a 15-page window with room: a 100000-byte request (25 pages,
   * not a page multiple) is served alone from an outside chunk; the small
   * requests after it land in the window, not in that chunk's room. Then the
   * window fills: outside room serves every request from then on. */
  m_header(&s, 256);
  h = (m_heap_spec){.base_mode = MB_INSIDE, .b1 = 100, .mo_mode = MMO_PAGES, .mo1 = 16, .mo2 = 2,
                    .align_idx = 3, .guard = 1, .policy = 1};
  m_create(&s, 256, 0, &h);
  m_alloc(&s, 0, MS_256K, 100000, 0, 16);
  m_alloc(&s, 0, MS_TINY, 20, 0, 16);
  m_burst(&s, 0, 8, 100);
  m_alloc(&s, 0, MS_256K, 100000, 0, 16);
  m_alloc(&s, 0, MS_SMALL, 3000, 0, 16);
  m_alloc(&s, 0, MS_PAGES, 2, 2, 16);
  for (int i = 0; i < 4; i++)
    m_burst(&s, 0, 64, 512);
  m_alloc(&s, 0, MS_256K, 100000, 0, 16);
  m_alloc(&s, 0, MS_TINY, 20, 0, 16);
  m_burst(&s, 0, 64, 300);
  save(T, "preferred-mid-request", &s);

  /* Injected failures, one of each kind, then requests that must work again. */
  for (unsigned op = 0; op < 8; op++) {
    static const char *names[] = {"inject-walk",
                                  "inject-reserve",
                                  "inject-commit",
                                  "inject-race",
                                  "preferred-inject-walk",
                                  "preferred-inject-reserve",
                                  "preferred-inject-commit",
                                  "preferred-inject-race"};
    m_header(&s, 128);
    memset(&h, 0, sizeof h);
    h.base_mode = MB_INSIDE;
    h.b1 = op < 4 ? 0 : 64;
    h.align_idx = 2;
    h.guard = 1;
    if (op >= 4) { /* a 16-page window: full soon, then outside */
      h.policy = 1;
      h.mo_mode = MMO_PAGES;
      h.mo1 = 16;
      h.mo2 = 2;
    }
    m_create(&s, 128, 0, &h);
    m_inject(&s, op % 4, 0, 2);
    m_alloc(&s, 0, MS_TINY, 10, 0, 8);
    m_alloc(&s, 0, MS_TINY, 10, 0, 8);
    m_alloc(&s, 0, MS_PAGES, 6, 1, 8);
    m_burst(&s, 0, 64, 512);
    m_inject(&s, op % 4, 1, 6);
    m_alloc(&s, 0, MS_STEP, 70000, 0, 8);
    m_alloc(&s, 0, MS_STEP, 1049000, 0, 8);
    save(T, names[op], &s);
  }

  /* Races until the retries run out: every reserve loses. */
  m_header(&s, 512);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_START;
  h.align_idx = 1;
  h.guard = 1;
  m_create(&s, 512, 0, &h);
  m_inject(&s, 3, 0, 6);
  m_alloc(&s, 0, MS_TINY, 1, 0, 4);
  m_alloc(&s, 0, MS_TINY, 1, 0, 4);
  save(T, "race-retries", &s);

  /* Large requests (a chunk of their own) next to small ones, growth in place
   * up to the chunk capacity. */
  m_header(&s, 4096);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_START;
  h.align_idx = 4;
  h.guard = 1;
  m_create(&s, 4096, 3, &h);
  m_alloc(&s, 3, MS_TINY, 30, 0, 32);
  m_alloc(&s, 3, MS_STEP, (1 << 20) - 16, 0, 32);
  m_alloc(&s, 3, MS_STEP, (1 << 20) + 1, 0, 32);
  m_alloc(&s, 3, MS_TINY, 30, 0, 32);
  for (int i = 0; i < 8; i++)
    m_alloc(&s, 3, MS_256K, 250000, 0, 32);
  m_alloc(&s, 3, MS_ROOM, 32, 0, 32);
  save(T, "large-and-growth", &s);

  /* Several heaps in one space, destroyed and created again (contract 7). */
  m_header(&s, 200);
  for (unsigned slot = 0; slot < 4; slot++) {
    memset(&h, 0, sizeof h);
    h.base_mode = MB_INSIDE;
    h.b1 = (uint64_t)slot * 40;
    h.b2 = slot % 4;
    h.align_idx = slot + 1;
    h.guard = slot & 1;
    h.mo_mode = MMO_PAGES;
    h.mo1 = 30;
    h.mo2 = slot;
    m_create(&s, 200, slot, &h);
    m_burst(&s, slot, 20, 100 + slot);
  }
  m_op(&s, 1, MOP_DESTROY);
  m_burst(&s, 0, 64, 200);
  m_burst(&s, 2, 64, 200);
  m_op(&s, 3, MOP_CHECK);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_BELOW;
  h.b1 = 2;
  h.b2 = 9;
  h.align_idx = 10;
  h.guard = 1;
  m_create(&s, 200, 1, &h);
  m_alloc(&s, 1, MS_TINY, 1, 0, 2048);
  m_alloc(&s, 1, MS_TINY, 1, 0, 2048);
  save(T, "heaps-destroy-recreate", &s);

  /* Bad options: each answered with the documented code. */
  m_header(&s, 8);
  memset(&h, 0, sizeof h);
  h.align_idx = 11;
  h.align_raw = 3;
  m_create(&s, 8, 0, &h);
  h.align_raw = 8192;
  m_create(&s, 8, 0, &h);
  h.align_idx = 2;
  h.mo_mode = MMO_TINY;
  h.mo1 = 0; /* max_offset 0 */
  m_create(&s, 8, 0, &h);
  h.mo_mode = MMO_DEFAULT;
  for (unsigned f = 1; f <= 4; f++) {
    h.fault = f;
    h.f1 = f == 2 ? 5 : 3;
    h.f2 = 100;
    m_create(&s, 8, 1, &h);
  }
  for (unsigned k = 0; k < 8; k++) {
    h.fault = 2;
    h.f1 = k;
    h.f2 = 7;
    m_create(&s, 8, 2, &h);
  }
  h.fault = 0;
  h.policy = 2; /* an unknown window policy */
  m_create(&s, 8, 3, &h);
  h.policy = 1;
  h.fault = 5; /* a version-1 struct: the policy is not read */
  m_create(&s, 8, 3, &h);
  save(T, "bad-options", &s);

  /* Misuse of every entry point with NULL and out-of-range arguments. */
  m_header(&s, 8);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_INSIDE;
  m_create(&s, 8, 0, &h);
  for (unsigned k = 0; k < 10; k++)
    m_misuse(&s, k);
  m_alloc(&s, 0, MS_ZERO, 0, 0, 8);
  m_alloc(&s, 0, MS_HUGE, 0, 0, 8);
  m_alloc(&s, 0, MS_ANY, 0x80000000u, 0, 8);
  save(T, "misuse", &s);

  /* Occupy over a heap's chunk (EBUSY), vacate around it, and unaligned bases. */
  m_header(&s, 64);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_BYTE;
  h.b1 = 3 * M_PAGE + 123;
  h.align_idx = 5;
  h.guard = 2;
  m_create(&s, 64, 0, &h);
  m_alloc(&s, 0, MS_SMALL, 3000, 0, 64);
  m_layout(&s, 64, 1, 60, 4);
  m_layout(&s, 64, 1, 0, 64);
  m_layout(&s, 64, 0, 0, 64);
  m_alloc(&s, 0, MS_PAGES, 5, 2, 64);
  save(T, "layout-busy", &s);

  /* The provider used directly beside a heap: reserve, commit (zero-filled),
   * release, re-commit; bad ranges (outside, unaligned, not reserved); walks
   * that stop early; the heap places its chunks around the direct ranges. */
  m_header(&s, 32);
  m_direct(&s, 1, 32, 2, 4, 0, 0, 0);    /* reserve pages 0-3 */
  m_direct(&s, 2, 32, 3, 2, 0, 0, 0);    /* commit pages 1-2 */
  m_direct(&s, 2, 32, 3, 2, 0, 0, 0);    /* commit again */
  m_direct(&s, 3, 32, 2, 1, 0, 0, 0);    /* release page 0 */
  m_direct(&s, 1, 32, 0, 4, 0, 0, 0);    /* reserve below the space: ERANGE */
  m_direct(&s, 1, 32, 33, 4, 0, 0, 0);   /* past its end: ERANGE */
  m_direct(&s, 1, 32, 10, 2, 100, 0, 0); /* unaligned: ERANGE */
  m_direct(&s, 1, 32, 4, 1, 0, 0, 0);    /* over a reserved page: EBUSY */
  m_direct(&s, 2, 32, 20, 2, 0, 0, 0);   /* commit of free pages: EINVAL */
  m_direct(&s, 3, 32, 20, 2, 0, 0, 0);   /* release of free pages: EINVAL */
  m_direct(&s, 1, 32, 0, 0, 0, 0, 0);    /* length 0: ERANGE */
  m_direct(&s, 0, 32, 0, 3, 0, 10, 0);   /* walks */
  m_direct(&s, 0, 32, 2, 8, 77, 30, 1);
  m_direct(&s, 0, 32, 1, 0, 0, 32, 2);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_START;
  h.align_idx = 2;
  m_create(&s, 32, 0, &h);
  m_alloc(&s, 0, MS_PAGES, 20, 1, 8);
  m_alloc(&s, 0, MS_TINY, 8, 0, 8);
  m_direct(&s, 3, 32, 3, 3, 0, 0, 0); /* release pages 1-3 */
  m_direct(&s, 1, 32, 3, 1, 0, 0, 0); /* reserve again, */
  m_direct(&s, 2, 32, 3, 1, 0, 0, 0); /* commit: zero again */
  m_inject(&s, 1, 0, 1);
  m_direct(&s, 1, 32, 7, 1, 0, 0, 0); /* injected ENOMEM */
  m_inject(&s, 3, 0, 1);
  m_direct(&s, 1, 32, 7, 1, 0, 0, 0); /* a lost race: the page turns foreign */
  m_inject(&s, 0, 0, 1);
  m_direct(&s, 0, 32, 0, 8, 0, 0, 0); /* injected walk failure */
  m_direct(&s, 1, 32, 8, 1, 0, 0, 0);
  save(T, "provider-direct", &s);
}

/* ---- fuzz_threads (fuzz/fuzz_threads.c) -------------------------------------------- */

#define T_SIM_BYTES ((uint64_t)8 << 20)

typedef struct t_heap {
  uint64_t base_pages, base_half, mo_mode, mo_pages, align_shift, guard, budget_pages;
} t_heap;

static void t_header(seed *s, uint64_t npages, unsigned nforeign, unsigned nheaps,
                     const t_heap *heaps, int inject, unsigned op, unsigned skip, unsigned count) {
  s->n = 0;
  put_pick(s, 3, 1); /* 4096 */
  put_range(s, 8, T_SIM_BYTES / 4096, npages);
  put_range(s, 0, 6, nforeign);
  for (unsigned i = 0; i < nforeign; i++) {
    put_range(s, 0, npages - 1, (i * 37 + 11) % npages);
    put_range(s, 1, 8, 1 + i % 3);
  }
  put_range(s, 1, 3, nheaps);
  for (unsigned i = 0; i < nheaps; i++) {
    const t_heap *h = &heaps[i];
    put_range(s, 0, npages / 2, h->base_pages);
    put_range(s, 0, 2, h->base_half);
    put_pick(s, 3, (unsigned)h->mo_mode);
    if (h->mo_mode == 1) {
      put_range(s, 1, npages, h->mo_pages);
      put_range(s, 0, 2, 0);
    } else if (h->mo_mode == 2) {
      put_u32(s, (uint32_t)h->mo_pages);
    }
    put_range(s, 0, 10, h->align_shift);
    put_range(s, 0, 1, h->guard);
    put_pick(s, 3, h->budget_pages ? 0 : 1);
    if (h->budget_pages)
      put_range(s, 0, npages, h->budget_pages);
  }
  put_pick(s, 4, inject ? 0 : 1);
  if (inject) {
    put_pick(s, 4, op);
    put_range(s, 0, 15, skip);
    put_range(s, 1, 4, count);
  }
}

/* One thread's stream: `bursts` bursts of n requests of cb bytes on heap hi,
 * with a statistics snapshot after each. */
static void t_stream(seed *s, unsigned nheaps, unsigned hi, unsigned bursts, unsigned n,
                     unsigned cb) {
  for (unsigned i = 0; i < bursts; i++) {
    put_pick(s, nheaps, hi);
    put_pick(s, 4, 1);
    put_range(s, 1, 256, n);
    put_range(s, 1, 64, cb);
    put_pick(s, nheaps, hi);
    put_pick(s, 4, 3);
  }
}

static void seeds_threads(void) {
  seed s, streams[4];
  const char *T = "fuzz_threads";
  t_heap h[3];
  memset(h, 0, sizeof h);

  /* Two threads, one heap, bursts of tiny requests: the fast path's CAS under
   * contention, and refills racing with it. */
  for (int variant = 0; variant < 4; variant++) {
    unsigned nthreads = 2 + (unsigned)variant % 3;
    unsigned nheaps = variant == 3 ? 3 : 1;
    for (unsigned i = 0; i < nheaps; i++) {
      h[i].base_pages = 1 + i * 100;
      h[i].base_half = i % 3;
      h[i].mo_mode = variant == 2 ? 1 : 0;
      h[i].mo_pages = 40;
      h[i].align_shift = (unsigned)variant;
      h[i].guard = (unsigned)variant & 1;
      h[i].budget_pages = variant == 2 ? 30 : 0;
    }
    t_header(&s, 1024, variant == 3 ? 4 : 0, nheaps, h, 0, 0, 0, 0);
    put_range(&s, 2, 4, nthreads);
    size_t len = 0;
    for (unsigned t = 0; t < nthreads; t++) {
      streams[t].n = 0;
      t_stream(&streams[t], nheaps, t % nheaps, 6, 200 + t, 1 + (unsigned)variant * 15);
      len = streams[t].n > len ? streams[t].n : len;
    }
    /* Equal shares: pad every stream to the same length (zero bytes decode as
     * 1-byte requests on the first heap). */
    for (unsigned t = 0; t < nthreads; t++) {
      while (streams[t].n < len)
        streams[t].b[streams[t].n++] = 0;
      memcpy(s.b + s.n, streams[t].b, streams[t].n);
      s.n += streams[t].n;
    }
    static const char *names[] = {"two-threads-one-heap", "three-threads-align",
                                  "four-threads-budget", "three-heaps-crowded"};
    save(T, names[variant], &s);
  }

  /* Injected failures while threads refill: a commit that fails and a lost
   * race, in the middle of concurrent refills. */
  for (unsigned op = 1; op <= 3; op++) {
    h[0].base_pages = 0;
    h[0].mo_mode = 0;
    h[0].align_shift = 1;
    h[0].guard = 1;
    h[0].budget_pages = 0;
    t_header(&s, 512, 1, 1, h, 1, op, 2, 3);
    put_range(&s, 2, 4, 2);
    for (unsigned t = 0; t < 2; t++) {
      streams[t].n = 0;
      t_stream(&streams[t], 1, 0, 8, 256, 60);
      memcpy(s.b + s.n, streams[t].b, streams[t].n);
      s.n += streams[t].n;
    }
    static const char *names[] = {"", "inject-reserve", "inject-commit", "inject-race"};
    save(T, names[op], &s);
  }
}

/* ---- fuzz_os (fuzz/fuzz_os.c) ------------------------------------------------------- */

static void o_op(seed *s, unsigned heap, unsigned op) {
  put_pick(s, 4, heap);
  put_pick(s, 6, op);
}

/* create with base mode m (arguments a1, a2), window mode w, alignment shift,
 * guard, budget; defaults: opts NULL (the OS provider, no budget). */
static void o_create(seed *s, unsigned heap, unsigned m, uint64_t a1, uint64_t a2, unsigned w,
                     uint64_t w1, unsigned align_shift, unsigned guard, uint64_t budget,
                     int defaults) {
  o_op(s, heap, 0);
  put_pick(s, 11, m);
  switch (m) {
  case 10: put_range(s, 0, (uint64_t)2 * 1200 * 4096, a1); break; /* inside the crowd */
  case 0:
  case 1:
    put_bytes(s, a1, 1);
    put_range(s, 0, 2, a2);
    break; /* module a1 % count */
  case 2:
    put_bytes(s, a1, 2);
    put_range(s, 0, 8192, a2);
    break; /* mapping a1 % count */
  case 3:
    put_bytes(s, a1, 2);
    put_range(s, 0, 16, a2);
    break;
  case 4: put_range(s, 0, (uint64_t)8 * 4096, a1); break;
  case 5: put_range(s, 0, 1 << 24, a1); break;
  case 6: put_range(s, 0, 0x20000, a1); break;
  case 7: put_range(s, 0, 1 << 24, a1); break;
  case 8: put_range(s, 0, 1 << 20, a1); break;
  default: put_u64(s, a1); break;
  }
  put_pick(s, 4, w);
  if (w == 1) {
    put_range(s, 1, 64, w1);
    put_range(s, 0, 2, 1);
  } else if (w == 3) {
    put_u32(s, (uint32_t)w1);
  }
  put_range(s, 0, 10, align_shift);
  put_range(s, 0, 1, guard);
  put_range(s, 0, (uint64_t)8 << 20, budget);
  put_pick(s, 8, defaults ? 0 : 1);
}

static void o_alloc(seed *s, unsigned heap, unsigned cls, uint64_t a) {
  o_op(s, heap, 3);
  put_pick(s, 5, cls);
  switch (cls) {
  case 0: put_range(s, 0, 64, a); break;
  case 1: put_range(s, 0, 16384, a); break;
  case 2: put_range(s, 0, 2 << 20, a); break;
  case 3: put_range(s, 0, 4096, a); break;
  default: put_u32(s, (uint32_t)a); break;
  }
}

static void o_burst(seed *s, unsigned heap, unsigned n, unsigned cb) {
  o_op(s, heap, 2);
  put_range(s, 1, 64, n);
  put_range(s, 1, 4096, cb);
}

/* Every fuzz_os input starts with the crowd decision. */
static void o_start(seed *s, unsigned crowd) {
  s->n = 0;
  put_pick(s, 4, crowd ? 0 : 1);
  if (crowd)
    put_range(s, 16, 1200, crowd);
}

/* The numbers of modules and mappings are only known at run time: the target
 * reads their indexes with a fixed width and reduces them modulo its counts. */
static void seeds_os(void) {
  seed s;
  const char *T = "fuzz_os";

  /* A crowd of 1000 one-page mappings with one-page holes: heaps based inside
   * it with small windows must fit chunks into single-page holes (no guard),
   * and /proc/self/maps outgrows the provider's 64 KiB read buffer. */
  o_start(&s, 1000);
  o_create(&s, 0, 10, 4096 * 7 + 5, 0, 1, 40, 1, 0, 1 << 20, 0);
  o_burst(&s, 0, 20, 1000);
  o_create(&s, 1, 10, (uint64_t)4096 * 1500, 0, 0, 0, 2, 0, 2 << 20, 0);
  o_alloc(&s, 1, 1, 5000);
  o_alloc(&s, 1, 2, 100000);
  o_create(&s, 2, 10, (uint64_t)4096 * 100, 0, 1, 3, 0, 1, 1 << 20, 0);
  o_alloc(&s, 2, 0, 8);
  save(T, "crowd", &s);

  /* The main executable and the first libraries as module bases, default
   * window, small budget; bursts grow the chunk in place. */
  o_start(&s, 0);
  for (unsigned k = 0; k < 3; k++) {
    o_create(&s, k, 0, k, 0, 0, 0, 1, 1, (uint64_t)1 << 20, 0);
    o_burst(&s, k, 40, 1000);
    o_alloc(&s, k, 1, 12000);
  }
  o_op(&s, 1, 1);
  o_alloc(&s, 0, 2, 300000);
  save(T, "modules", &s);

  /* Defaults (opts NULL): the OS provider with no budget, one request of each
   * size class. */
  o_start(&s, 0);
  o_create(&s, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1);
  o_alloc(&s, 0, 0, 1);
  o_alloc(&s, 0, 1, 4096);
  o_alloc(&s, 0, 2, 1 << 20);
  o_alloc(&s, 0, 3, 0);
  o_alloc(&s, 0, 0, 0);
  save(T, "defaults", &s);

  /* Crowded windows: a base at the end of an existing mapping and at the start
   * of one, small windows of a few pages. */
  o_start(&s, 0);
  o_create(&s, 0, 2, 5, 0, 1, 4, 2, 1, 64 << 10, 0);
  o_alloc(&s, 0, 0, 64);
  o_alloc(&s, 0, 1, 9000);
  o_create(&s, 1, 3, 9, 3, 1, 16, 3, 0, 1 << 20, 0);
  o_burst(&s, 1, 64, 2000);
  o_create(&s, 2, 4, 4096, 0, 0, 0, 0, 1, 2 << 20, 0);
  o_alloc(&s, 2, 1, 5000);
  save(T, "crowded", &s);

  /* The ends of the address space: near 0, near the top of user space, past
   * the top, the stack: requests fail or succeed, nothing is mapped over. */
  o_start(&s, 0);
  o_create(&s, 0, 6, 0, 0, 2, 0, 0, 0, 1 << 20, 0);
  o_alloc(&s, 0, 0, 10);
  o_create(&s, 1, 7, 4096, 0, 2, 0, 0, 1, 1 << 20, 0);
  o_alloc(&s, 1, 0, 10);
  o_create(&s, 2, 8, 17, 0, 2, 0, 0, 1, 1 << 20, 0);
  o_alloc(&s, 2, 0, 10);
  o_create(&s, 3, 5, 1 << 20, 0, 0, 0, 0, 1, 1 << 20, 0);
  o_alloc(&s, 3, 1, 10000);
  o_alloc(&s, 3, 3, 5);
  save(T, "address-space-ends", &s);

  /* Exhaustion by budget: a budget of 3 pages with a guard page. */
  o_start(&s, 0);
  o_create(&s, 0, 0, 0, 0, 0, 0, 1, 1, (uint64_t)3 * 4096, 0);
  o_burst(&s, 0, 64, 400);
  o_alloc(&s, 0, 1, 100);
  o_alloc(&s, 0, 4, 0xFFFFFFF0u);
  save(T, "exhaustion", &s);
}

/* ---- fuzz_com (fuzz/fuzz_com.c) ---------------------------------------------------- */

#define C_OPS 13 /* operations fuzz_com decodes */

static void c_header(seed *s, unsigned align_shift, int default_window, unsigned guard,
                     unsigned registry_case) {
  s->n = 0;
  put_range(s, 0, 10, align_shift);
  put_bool(s, default_window);
  if (!default_window)
    put_range(s, 1, 2048, 512);
  put_range(s, 0, 1, guard);
  put_bool(s, 1); /* unlimited budget */
  put_pick(s, 8, registry_case);
  if (registry_case == 1)
    put_range(s, 0, 31, 0); /* opts->size 0 */
}

/* ops: the model picks a module first when it has any */
static void c_pick(seed *s, unsigned nmods, unsigned which) {
  if (nmods > 0)
    put_pick(s, nmods, which);
}

static void c_get_new(seed *s, unsigned nmods, unsigned id_mode, uint64_t id, unsigned base_mode,
                      uint64_t base) {
  c_pick(s, nmods, 0);
  put_pick(s, C_OPS, 0);
  if (nmods > 0)
    put_pick(s, 3, 1); /* not "the same module again" */
  put_pick(s, 5, id_mode);
  switch (id_mode) {
  case 0: put_range(s, 0, 7, id); break;
  case 1: put_range(s, 0, 63, id); break;
  case 2: put_range(s, 0, 63, id); break;
  case 3: put_range(s, 0, 3, id); break;
  default: put_u64(s, id); break;
  }
  put_pick(s, 4, base_mode);
  if (base_mode == 0)
    put_range(s, 0, 1024, base);
  else if (base_mode == 1)
    put_range(s, 0, (uint64_t)1024 * 4096, base);
  else if (base_mode == 2)
    put_u64(s, base);
}

static void seeds_com(void) {
  seed s;
  const char *T = "fuzz_com";

  /* Modules whose ids collide in the hash table (pointer-like ids one page
   * apart), then drops in the middle of probe runs and lookups after them. */
  c_header(&s, 1, 1, 1, 3);
  unsigned n = 0;
  for (unsigned i = 0; i < 40; i++, n++)
    c_get_new(&s, n, 1, i, 0, (uint64_t)i * 8);
  for (unsigned i = 0; i < 20; i++) {
    c_pick(&s, n, (i * 7) % n);
    put_pick(&s, C_OPS, 3);
    put_pick(&s, 4, 1); /* drop that module */
    n--;
    c_pick(&s, n, i % n);
    put_pick(&s, C_OPS, 9); /* count */
  }
  for (unsigned i = 0; i < 10; i++) {
    c_pick(&s, n, i % n);
    put_pick(&s, C_OPS, 2);
    put_bool(&s, 0); /* find an id */
    put_pick(&s, 5, 1);
    put_range(&s, 0, 63, (uint64_t)i * 3);
  }
  save(T, "registry-collisions", &s);

  /* QueryInterface: the two real IIDs, one byte off, NULLs; AddRef/Release
   * runs with more Releases than AddRefs; Alloc of 0, small, huge. */
  c_header(&s, 2, 1, 0, 3);
  c_get_new(&s, 0, 0, 0, 3, 0); /* id 0, base just below the space */
  for (unsigned k = 0; k < 6; k++) {
    c_pick(&s, 1, 0);
    put_pick(&s, C_OPS, 4);
    put_bool(&s, k & 1);            /* IMethodMalloc or IUnknown */
    put_pick(&s, 3, k < 2 ? 0 : 1); /* exact, or one byte off */
    if (k >= 2) {
      put_pick(&s, 16, k * 3);
      put_range(&s, 1, 255, 1);
    }
    put_pick(&s, 6, k < 3 ? 3 + k : k - 3); /* real calls, and the three NULL cases */
  }
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, 5);
  put_range(&s, 1, 16, 5);
  put_bool(&s, 1); /* AddRef x5 */
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, 5);
  put_range(&s, 1, 16, 16);
  put_bool(&s, 0); /* Release x16: more than AddRef */
  static const unsigned sizes[][2] = {{0, 0}, {0, 13}, {1, 5000}, {2, 0}, {3, 300000}};
  for (unsigned k = 0; k < 5; k++) {
    c_pick(&s, 1, 0);
    put_pick(&s, C_OPS, 6);
    put_pick(&s, 4, sizes[k][0]);
    if (sizes[k][0] == 0)
      put_range(&s, 0, 64, sizes[k][1]);
    else if (sizes[k][0] == 1)
      put_range(&s, 0, 8192, sizes[k][1]);
    else if (sizes[k][0] == 2)
      put_range(&s, 0, 64, sizes[k][1]);
    else
      put_range(&s, 0, 1 << 20, sizes[k][1]);
  }
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, 10); /* helpers */
  put_bool(&s, 1);
  put_pick(&s, 3, 0);
  put_bool(&s, 0);
  put_pick(&s, 3, 0);
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, 11); /* NULL arguments */
  save(T, "iunknown-misuse", &s);

  /* The mock GetILFunctionBodyAllocator: a stale base for a known id, then
   * the right one. */
  c_header(&s, 3, 0, 1, 4);
  c_get_new(&s, 0, 2, 40, 0, 1);
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, 8);
  put_bool(&s, 1); /* that module's id */
  put_bool(&s, 0); /* another base: stale */
  put_pick(&s, 4, 0);
  put_range(&s, 0, 1024, 77);
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, 8);
  put_bool(&s, 1);
  put_bool(&s, 1); /* its own base */
  save(T, "stale-base", &s);

  /* Concurrent first use: threads ask for one new module at once, then for
   * the known one again. */
  c_header(&s, 1, 1, 1, 3);
  for (unsigned k = 0; k < 2; k++) {
    if (k == 0) {
      put_pick(&s, C_OPS, 12);
      put_pick(&s, 5, 1); /* a pointer-like id */
      put_range(&s, 0, 63, 5);
      put_pick(&s, 4, 0);
      put_range(&s, 0, 1024, 3);
    } else {
      c_pick(&s, 1, 0);
      put_pick(&s, C_OPS, 12);
      put_bool(&s, 1); /* that module */
      put_bool(&s, 1); /* its base */
    }
    put_range(&s, 2, 4, 4);
    for (unsigned t = 0; t < 4; t++)
      put_range(&s, 0, 8, (uint64_t)2 * t);
  }
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, 9);
  save(T, "concurrent-first-use", &s);

  /* Bad registry templates, one per documented error. */
  for (unsigned k = 0; k < 3; k++) {
    c_header(&s, 0, 1, 0, k);
    c_get_new(&s, 0, 0, 1, 3, 0);
    static const char *names[] = {"template-bad-alignment", "template-size-0", "template-out-null"};
    save(T, names[k], &s);
  }
}

/* ---- fuzz_il (fuzz/fuzz_il.c) ---------------------------------------------------- */

#define I_CODE_MAX 0x11000u
#define I_CLAUSES_MAX 40u

typedef struct i_clause {
  unsigned kind_pick; /* 0 catch, 1 filter, 2 finally, 3 fault, 4 raw */
  uint32_t raw_kind;
  uint32_t to, tl, ho, hl; /* inside the code when in_code */
  int in_code;
  uint32_t tok; /* catch: table index << 24 | row when tok_mode 0; filter: offset */
  int tok_mode;
} i_clause;

static void i_region(seed *s, uint32_t code, int in_code, uint32_t off, uint32_t len) {
  put_pick(s, 2, in_code ? 0 : 1);
  if (in_code && code > 0) {
    put_range(s, 0, code - 1, off);
    put_range(s, 1, code - off, len);
  } else {
    put_u32(s, off);
    put_u32(s, len);
  }
}

/* Program 0: rem, flags, code class and size, max stack, locals, clauses, the
 * address multiplier, then mutation pairs (u16 position, u8 xor). */
static void i_body(seed *s, unsigned rem, unsigned flags, unsigned code_class, uint32_t code,
                   uint32_t max_stack, unsigned locals_mode, uint32_t locals, unsigned n,
                   const i_clause *c) {
  s->n = 0;
  put_pick(s, 2, 0);
  put_range(s, 0, 15, rem);
  put_range(s, 0, 0x1F, flags);
  put_pick(s, 4, code_class);
  if (code_class == 1)
    put_range(s, 0, I_CODE_MAX, code);
  else if (code_class == 3)
    put_u32(s, code);
  else
    put_range(s, 0, 70, code);
  put_range(s, 0, 0x10001, max_stack);
  put_pick(s, 3, locals_mode);
  if (locals_mode == 1)
    put_range(s, 0, 0xFFFFFF, locals & 0xFFFFFF);
  else if (locals_mode == 2)
    put_u32(s, locals);
  put_range(s, 0, I_CLAUSES_MAX, n);
  if (n)
    put_pick(s, 8, 1); /* clauses not NULL */
  for (unsigned i = 0; i < n; i++) {
    put_pick(s, 5, c[i].kind_pick);
    if (c[i].kind_pick == 4)
      put_u32(s, c[i].raw_kind);
    i_region(s, code, c[i].in_code, c[i].to, c[i].tl);
    i_region(s, code, c[i].in_code, c[i].ho, c[i].hl);
    if (c[i].kind_pick == 0) {
      put_pick(s, 2, (unsigned)c[i].tok_mode);
      if (c[i].tok_mode == 0) {
        put_pick(s, 3, c[i].tok >> 24);
        put_range(s, 1, 0xFFFFFF, c[i].tok & 0xFFFFFF);
      } else {
        put_u32(s, c[i].tok);
      }
    } else if (c[i].kind_pick == 1) {
      put_pick(s, 2, (unsigned)c[i].tok_mode);
      if (c[i].tok_mode == 0 && code > 0)
        put_range(s, 0, code - 1, c[i].tok);
      else
        put_u32(s, c[i].tok);
    } else {
      put_u32(s, c[i].tok);
    }
  }
  put_u32(s, 0x40000001u); /* the second address, far away, same remainder */
}

static void i_mutate(seed *s, unsigned pos, unsigned x) {
  put_bytes(s, pos, 2);
  put_bytes(s, x, 1);
}

/* Program 1: rem, below (module base = body - below), the window (max_offset,
 * or when near_end the slack + 2 past the body's end), the bytes. */
static void i_raw_window(seed *s, unsigned rem, uint32_t below, int near_end, uint32_t window,
                         const uint8_t *b, size_t n) {
  s->n = 0;
  put_pick(s, 2, 1);
  put_range(s, 0, 3, rem);
  put_u32(s, below);
  put_pick(s, 2, near_end ? 1 : 0);
  if (near_end)
    put_range(s, 0, 4, window);
  else
    put_u32(s, window);
  for (size_t i = 0; i < n; i++)
    put_bytes(s, b[i], 1);
}

static void i_raw(seed *s, unsigned rem, uint32_t below, uint32_t max_offset, const uint8_t *b,
                  size_t n) {
  i_raw_window(s, rem, below, 0, max_offset, b, n);
}

static i_clause i_in(unsigned kind_pick, uint32_t to, uint32_t tl, uint32_t ho, uint32_t hl,
                     uint32_t tok) {
  i_clause c = {kind_pick, 0, to, tl, ho, hl, 1, tok, 0};
  return c;
}

static void seeds_il(void) {
  const char *T = "fuzz_il";
  seed s;
  i_clause c[I_CLAUSES_MAX];
  char name[64];
  /* Tiny bodies at every address remainder; the largest tiny. */
  for (unsigned r = 0; r < 4; r++) {
    i_body(&s, r, 0, 0, 1 + r, 8, 0, 0, 0, NULL);
    snprintf(name, sizeof name, "rt-tiny-rem%u", r);
    save(T, name, &s);
  }
  i_body(&s, 1, 0, 0, 63, 0, 0, 0, 0, NULL);
  save(T, "rt-tiny-63", &s);
  /* Each L1 condition: 64 bytes, max stack 9, locals, InitLocals, forced. */
  i_body(&s, 0, 0, 0, 64, 8, 0, 0, 0, NULL);
  save(T, "rt-fat-64", &s);
  i_body(&s, 4, 0, 0, 10, 9, 0, 0, 0, NULL);
  save(T, "rt-fat-maxstack9", &s);
  i_body(&s, 8, 0x10, 0, 10, 2, 1, 5, 0, NULL);
  save(T, "rt-fat-locals-initlocals", &s);
  i_body(&s, 0, 0x1, 0, 10, 2, 1, 5, 0, NULL);
  save(T, "rt-tiny-forbidden", &s);
  /* Fat headers at every remainder (1..3 refused) and every code-size remainder
   * with a small EH section. */
  for (unsigned r = 0; r < 4; r++) {
    c[0] = i_in(2, 0, 1, 1, 1, 0);
    i_body(&s, r, 0x2, 0, 4 + r, 8, 0, 0, 1, c);
    snprintf(name, sizeof name, "rt-fat-eh-rem%u", r);
    save(T, name, &s);
    i_body(&s, 4 * r, 0x2, 0, 4 + r, 8, 0, 0, 1, c);
    snprintf(name, sizeof name, "rt-fat-eh-code%u", 4 + r);
    save(T, name, &s);
  }
  /* One clause of each kind, then mutated. */
  c[0] = i_in(0, 0, 10, 10, 10, 0x00000001); /* catch TypeRef row 1 */
  c[1] = i_in(1, 0, 10, 25, 5, 20);          /* filter at 20 */
  c[2] = i_in(2, 0, 20, 20, 10, 0);
  c[3] = i_in(3, 5, 5, 10, 10, 0);
  i_body(&s, 0, 0x10, 0, 30, 4, 1, 1, 4, c);
  save(T, "rt-four-kinds", &s);
  i_mutate(&s, 0, 0x04);
  i_mutate(&s, 48, 0x80);
  i_mutate(&s, 49, 0x01);
  i_mutate(&s, 52, 0x07);
  save(T, "rt-four-kinds-mutated", &s);
  /* Small limits and past them: 20 and 21 clauses, offsets past 16 bits. */
  for (unsigned i = 0; i < 21; i++)
    c[i] = i_in(2, 0, 1, 1, 1, 0);
  i_body(&s, 0, 0, 0, 2, 8, 0, 0, 20, c);
  save(T, "rt-small-20", &s);
  i_body(&s, 0, 0, 0, 2, 8, 0, 0, 21, c);
  save(T, "rt-fat-section-21", &s);
  c[0] = i_in(2, 0x10000, 1, 0x10001, 0x100, 0);
  i_body(&s, 0, 0, 1, 0x10200, 8, 0, 0, 1, c);
  save(T, "rt-fat-section-offsets", &s);
  /* One field past its small maximum at a time (L4). */
  static const char *const past[] = {"try-offset", "try-length", "handler-offset",
                                     "handler-length"};
  for (unsigned f = 0; f < 4; f++) {
    c[0] = i_in(2, f == 0 ? 0x10000 : 0, f == 1 ? 0x100 : 1, f == 2 ? 0x10000 : 0x101,
                f == 3 ? 0x100 : 1, 0);
    i_body(&s, 0, 0, 1, 0x10200, 8, 0, 0, 1, c);
    snprintf(name, sizeof name, "rt-fat-section-%s", past[f]);
    save(T, name, &s);
  }
  c[0] = i_in(2, 0, 1, 1, 1, 0);
  i_body(&s, 0, 0x4, 0, 2, 8, 0, 0, 1, c);
  save(T, "rt-fat-section-forced", &s);
  /* Refusals: empty, NULL code, bad locals, raw clause fields, too large. */
  i_body(&s, 0, 0, 0, 0, 8, 0, 0, 0, NULL);
  save(T, "rt-empty", &s);
  i_body(&s, 0, 0, 2, 5, 8, 0, 0, 0, NULL);
  save(T, "rt-code-null", &s);
  i_body(&s, 0, 0, 0, 5, 8, 2, 0x02000001, 0, NULL);
  save(T, "rt-bad-locals", &s);
  c[0] = i_in(4, 0, 1, 1, 1, 0);
  c[0].raw_kind = 3;
  i_body(&s, 0, 0, 0, 5, 8, 0, 0, 1, c);
  save(T, "rt-bad-kind", &s);
  c[0] = i_in(2, 0xFFFFFFFFu, 2, 0, 1, 0);
  c[0].in_code = 0;
  c[0].ho = 0;
  c[0].hl = 1;
  i_body(&s, 0, 0, 0, 5, 8, 0, 0, 1, c);
  save(T, "rt-clause-wraps", &s);
  c[0] = i_in(0, 0, 1, 1, 1, 0);
  c[0].tok_mode = 1;
  c[0].tok = 0x06000001;
  i_body(&s, 0, 0, 0, 5, 8, 0, 0, 1, c);
  save(T, "rt-bad-class-token", &s);
  i_body(&s, 0, 0, 3, 0xFFFFFFFFu, 8, 0, 0, 0, NULL);
  save(T, "rt-too-large", &s);

  /* Program 1: bodies by hand. */
  static const uint8_t tiny[] = {0x0A, 0x16, 0x2A};
  static const uint8_t fat[] = {0x13, 0x30, 0x02, 0x00, 0x02, 0x00, 0x00,
                                0x00, 0x01, 0x00, 0x00, 0x11, 0x16, 0x2A};
  static const uint8_t fat_eh[] = {0x0B, 0x30, 0x02, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xDC, 0x2A,
                                   0x00, 0x00, 0x01, 0x10, 0x00, 0x00, 0x02, 0x00, 0x00,
                                   0x00, 0x02, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00};
  static const uint8_t fat_fat_eh[] = {0x0B, 0x30, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
                                       0x00, 0x00, 0x00, 0x00, 0x00, 0x2A, 0x41, 0x1C, 0x00, 0x00,
                                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
                                       0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                       0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00};
  i_raw(&s, 0, 1, 0x7FFFFFFF, tiny, sizeof tiny);
  save(T, "raw-tiny", &s);
  i_raw(&s, 3, 0x1000, 0x7FFFFFFF, tiny, sizeof tiny);
  save(T, "raw-tiny-rem3", &s);
  i_raw(&s, 0, 0x1000, 0x7FFFFFFF, tiny, sizeof tiny - 1);
  save(T, "raw-tiny-short", &s);
  i_raw(&s, 0, 0x1000, 0x7FFFFFFF, fat, sizeof fat);
  save(T, "raw-fat", &s);
  i_raw(&s, 2, 0x1000, 0x7FFFFFFF, fat, sizeof fat);
  save(T, "raw-fat-misaligned", &s);
  i_raw(&s, 0, 0x1000, 0x7FFFFFFF, fat_eh, sizeof fat_eh);
  save(T, "raw-fat-small-eh", &s);
  i_raw(&s, 0, 0x1000, 0x7FFFFFFF, fat_eh, sizeof fat_eh - 1);
  save(T, "raw-fat-small-eh-short", &s);
  i_raw(&s, 0, 0x1000, 0x7FFFFFFF, fat_fat_eh, sizeof fat_fat_eh);
  save(T, "raw-fat-fat-eh", &s);
  i_raw(&s, 0, 0, 0x7FFFFFFF, fat_fat_eh, sizeof fat_fat_eh);
  save(T, "raw-at-base", &s);
  i_raw(&s, 0, 0x7FFFFFF0, 0x7FFFFFFF, fat_fat_eh, sizeof fat_fat_eh);
  save(T, "raw-outside-window", &s);
  i_raw_window(&s, 0, 0x1000, 1, 2, fat_fat_eh, sizeof fat_fat_eh);
  save(T, "raw-window-exact", &s);
  i_raw_window(&s, 0, 0x1000, 1, 1, fat_fat_eh, sizeof fat_fat_eh);
  save(T, "raw-window-one-short", &s);
}

/* ---- fuzz_faults (fuzz/fuzz_faults.c) ---------------------------------------------
 * Failure injection, the libxml2 way: one scenario, and a seed per allocation
 * (and per system call) of it made to fail in turn, so that every failure path
 * of the scenario is taken by a seed of its own, whatever the fuzzer finds. */

#define F_OS_ERRORS 6 /* EINTR, ENOMEM, EEXIST, EACCES, EAGAIN, ILHEAP__ELSEWHERE */
enum { F_EINTR, F_ENOMEM, F_EEXIST, F_EACCES, F_EAGAIN, F_ELSEWHERE };
enum { F_CREATE, F_ALLOC, F_DESTROY = 3, F_WALK, F_REGISTRY, F_ARM, F_COM, F_PROVIDER, F_ROBBED,
       F_MORE };
enum { F_LEAKS, F_ZONE, F_MAPS_TEXT, F_RACE };

static void f_arm(seed *s, unsigned alloc_n, unsigned os_n, unsigned err) {
  put_range(s, 0, 24, alloc_n);
  put_range(s, 0, 64, os_n);
  put_pick(s, F_OS_ERRORS, err);
}

/* The start of every input: the simulated space (made without faults) or the
 * OS provider, then the faults armed for the operations. */
static void f_start(seed *s, int sim, unsigned alloc_n, unsigned os_n, unsigned err) {
  s->n = 0;
  put_bool(s, sim);
  if (sim)
    f_arm(s, 0, 0, 0);
  f_arm(s, alloc_n, os_n, err);
}

static void f_op(seed *s, unsigned op) { put_pick(s, 11, op); }

static void f_more(seed *s, unsigned sub) {
  f_op(s, F_MORE);
  put_pick(s, 4, sub);
}

/* A heap at the space's start + 1 MiB (sim) or at the program (OS). */
static void f_create(seed *s, int sim, unsigned heap, unsigned align_shift, int guard) {
  f_op(s, F_CREATE);
  put_pick(s, 4, heap);
  put_range(s, 0, 10, align_shift);
  put_bool(s, 1); /* the default window */
  put_bool(s, guard);
  put_bool(s, 1); /* no budget */
  if (sim)
    put_range(s, 0, (64u << 20) / 2, 1u << 20);
}

static void f_alloc(seed *s, unsigned heap, unsigned cls, uint32_t cb, unsigned times) {
  static const uint64_t lo[4] = {1, 1, 4096, 1u << 20}, hi[4] = {64, 4096, 256u << 10, 3u << 20};
  f_op(s, F_ALLOC);
  put_pick(s, 4, heap);
  put_pick(s, 4, cls);
  put_range(s, lo[cls], hi[cls], cb);
  put_range(s, 1, 16, times);
}

static void f_heap_scenario(seed *s, int sim, unsigned alloc_n, unsigned os_n, unsigned err) {
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
static void f_zone(seed *s, unsigned max_64k, int pave, int preferred) {
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

static void f_maps_text(seed *s, const f_text *t) {
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

static void seeds_faults(void) {
  seed s;
  const char *T = "fuzz_faults";
  char name[64];

  /* Every allocation, then every system call, of a heap's life failing in
   * turn, on the simulated provider and on the OS's. */
  for (int sim = 0; sim <= 1; sim++)
    for (unsigned n = 1; n <= 12; n++) {
      f_heap_scenario(&s, sim, n, 0, 0);
      snprintf(name, sizeof name, "heap-%s-alloc-%u", sim ? "sim" : "os", n);
      save(T, name, &s);
      f_heap_scenario(&s, sim, 0, n, n % 2 ? F_EACCES : F_ENOMEM);
      snprintf(name, sizeof name, "heap-%s-syscall-%u", sim ? "sim" : "os", n);
      save(T, name, &s);
    }
  f_heap_scenario(&s, 0, 0, 1, F_ELSEWHERE);
  save(T, "heap-os-mmap-elsewhere", &s);
  f_heap_scenario(&s, 0, 0, 2, F_EEXIST);
  save(T, "heap-os-eexist", &s);

  /* The landing zone: each of its allocations (create, the walk's lists, a
   * piece's page states and the piece array, the heap on it), and each call
   * to the wrapped provider, failing in turn. */
  for (int sim = 0; sim <= 1; sim++)
    for (unsigned n = 1; n <= 10; n++) {
      f_start(&s, sim, n, 0, 0);
      f_zone(&s, 0, 1, n % 2);
      snprintf(name, sizeof name, "zone-%s-alloc-%u", sim ? "sim" : "os", n);
      save(T, name, &s);
      f_start(&s, sim, 0, n, n % 2 ? F_EACCES : F_ENOMEM);
      f_zone(&s, 0, 1, n % 2);
      snprintf(name, sizeof name, "zone-%s-syscall-%u", sim ? "sim" : "os", n);
      save(T, name, &s);
    }
  f_start(&s, 1, 0, 0, 0);
  f_zone(&s, 1, 1, 0); /* max_bytes 64 KiB: paving skips what would pass it */
  save(T, "zone-sim-max-bytes", &s);

  /* The registry: its creation, and the growth of its table at the 13th
   * module, failing. */
  for (unsigned n = 1; n <= 3; n++) {
    f_start(&s, 0, n, 0, 0);
    f_op(&s, F_REGISTRY);
    snprintf(name, sizeof name, "registry-create-alloc-%u", n);
    save(T, name, &s);
  }
  f_start(&s, 0, 0, 0, 0);
  f_op(&s, F_REGISTRY);
  for (unsigned k = 0; k < 12; k++) {
    f_op(&s, F_REGISTRY);
    put_pick(&s, 3, 0);
    put_range(&s, 0, 40, k);
  }
  f_op(&s, F_ARM);
  f_arm(&s, 1, 0, 0);
  f_op(&s, F_REGISTRY);
  put_pick(&s, 3, 0);
  put_range(&s, 0, 40, 12);
  save(T, "registry-grow-alloc", &s);

  /* The /proc/self/maps text: well formed in chunks of every kind, each way
   * of being broken, cut short, and the reads failing. */
  f_text base = {.span_pages = 24, .start_below = 2, .n = 4, .gap = {0, 2, 0, 3},
                 .len = {3, 1, 4, 2}, .far = 1, .which = 0, .chunk = 0};
  static const unsigned chunks[] = {0, 1, 7, 41, 200};
  for (unsigned i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
    f_text t = base;
    t.chunk = chunks[i];
    f_start(&s, 0, 0, 0, 0);
    f_maps_text(&s, &t);
    snprintf(name, sizeof name, "maps-text-chunk-%u", chunks[i]);
    save(T, name, &s);
  }
  static const char *bad_names[] = {"none", "lo-digit", "dash", "swapped", "overflow",
                                    "empty", "long", "tail"};
  for (unsigned bad = 1; bad < 8; bad++)
    for (unsigned line = 1; line <= 3; line += 2) {
      f_text t = base;
      t.bad = bad;
      t.bad_line = line;
      t.digit = line;
      t.chunk = 41;
      f_start(&s, 0, 0, 0, 0);
      f_maps_text(&s, &t);
      snprintf(name, sizeof name, "maps-text-%s-line-%u", bad_names[bad], line);
      save(T, name, &s);
    }
  {
    f_text t = base;
    t.far = 0; /* the file ends before the range does */
    f_start(&s, 0, 0, 0, 0);
    f_maps_text(&s, &t);
    save(T, "maps-text-eof-inside", &s);
    static const unsigned cuts[] = {0, 5, 9, 12, 17, 30};
    for (unsigned i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
      t = base;
      t.far = 0;
      t.span_pages = 40; /* the last line is inside the range */
      t.cut = 1;
      t.cut_at = cuts[i];
      t.chunk = 7;
      f_start(&s, 0, 0, 0, 0);
      f_maps_text(&s, &t);
      snprintf(name, sizeof name, "maps-text-cut-%u", cuts[i]);
      save(T, name, &s);
    }
    t = base;
    t.fail_alloc = 1;
    f_start(&s, 0, 0, 0, 0);
    f_maps_text(&s, &t);
    save(T, "maps-text-no-buffer", &s);
    for (unsigned fault = 0; fault < 4; fault++)
      for (unsigned which = 0; which < 4; which += 3) {
        t = base;
        t.fault = fault;
        t.which = which;
        t.chunk = 30;
        f_start(&s, 0, 0, 0, 0);
        f_maps_text(&s, &t);
        snprintf(name, sizeof name, "maps-text-fault-%u-read-%u", fault, which);
        save(T, name, &s);
      }
  }

  /* First uses raced by another thread at the worst moment. */
  static const char *race_names[] = {"com", "cxx", "registry"};
  for (int sim = 0; sim <= 1; sim++)
    for (unsigned what = 0; what < 3; what++) {
      f_start(&s, sim, 0, 0, 0);
      f_more(&s, F_RACE);
      put_pick(&s, 3, what);
      if (what == 2)
        put_range(&s, 0, 255, 7);
      if (sim)
        put_range(&s, 0, (64u << 20) / 2, 2u << 20);
      snprintf(name, sizeof name, "race-%s-%s", race_names[what], sim ? "sim" : "os");
      save(T, name, &s);
    }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  out_dir = argv[1];
  if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
    perror(out_dir);
    return 1;
  }
  seeds_model();
  seeds_threads();
  seeds_os();
  seeds_com();
  seeds_il();
  seeds_faults();
  return 0;
}
