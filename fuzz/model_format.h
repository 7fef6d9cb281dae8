/* SPDX-License-Identifier: MIT */
/*
 * fuzz_model's input format: the choices fuzz/fuzz_model.c decodes with
 * fuzz_pick and fuzz/make_seeds.c encodes with put_pick, named once. Changing
 * a value here changes what every existing input of corpus/fuzz_model means:
 * append new choices before the _COUNT, and regenerate the seeds.
 */
#ifndef ILHEAP_FUZZ_MODEL_FORMAT_H
#define ILHEAP_FUZZ_MODEL_FORMAT_H

#include <stdint.h>

#include "seed.h"

/* The header: the simulated space's page size, one of these (0: the host's). */
#define MODEL_PAGE_SIZES                                                                           \
  { 0, 4096, 8192, 16384, 65536 }
enum { MODEL_PAGE_SIZE_COUNT = 5, MODEL_PAGE_HOST = 1 /* 4096, the seeds' choice */ };

/* One operation on a heap slot. Some operations have two or three values, so
 * that a random byte picks them more often. */
typedef enum model_op {
  MOP_CREATE,   /* destroy the slot's heap if live, create one (decode_base...) */
  MOP_CREATE_2, /* the same */
  MOP_DESTROY,
  MOP_ALLOC, /* one request of a decode_size class */
  MOP_ALLOC_2,
  MOP_ALLOC_3,
  MOP_BURST,  /* n equal requests */
  MOP_OCCUPY, /* a foreign mapping appears in the space */
  MOP_VACATE, /* a foreign mapping goes */
  MOP_INJECT, /* the sim's next provider calls fail */
  MOP_MISUSE, /* bad arguments (model_misuse) */
  MOP_DIRECT, /* a direct provider call (model_direct) */
  MOP_CHECK,  /* verify every block and the whole model */
  MOP_COUNT
} model_op;

/* Where a new heap's base goes (decode_base). */
typedef enum model_base {
  MB_INSIDE,    /* inside the space, page aligned or not */
  MB_BELOW,     /* below the space: the window starts outside it */
  MB_NEAR_END,  /* near the end of the space */
  MB_FOREIGN,   /* at or next to a foreign page */
  MB_NEAR_ZERO, /* near address 0 */
  MB_NEAR_TOP,  /* near the top of the address space: window past the top */
  MB_ANY,       /* any 64-bit value */
  MB_BYTE,      /* one page below a byte inside the space (unaligned) */
  MB_START,     /* the very start: the window begins at the first page */
  MB_COUNT
} model_base;

/* The window (decode_max_offset). */
typedef enum model_max_offset {
  MMO_DEFAULT, /* ILHEAP_DEFAULT_MAX_OFFSET */
  MMO_PAGES,   /* a few pages, plus or minus a little */
  MMO_ANY,     /* any u32 */
  MMO_MAX,     /* UINT32_MAX */
  MMO_TINY,    /* at most 3 pages */
  MMO_SIM,     /* about the whole space */
  MMO_COUNT
} model_max_offset;

/* Options after base and window: alignment index (0..10: 4 << (i - 1), 0 -> 4;
 * MODEL_ALIGN_RAW: a raw u32 follows; above: 8), guard pages, window policy
 * (below MODEL_POLICY_UNKNOWN: ILHEAP_WINDOW_PREFERRED; MODEL_POLICY_UNKNOWN: a
 * u32 in [2, UINT32_MAX] follows; above: ILHEAP_WINDOW_REQUIRED), budget, fault. */
enum { MODEL_ALIGN_CHOICES = 16, MODEL_ALIGN_RAW = 11 };
enum { MODEL_BUDGET_UNLIMITED, MODEL_BUDGET_PAGES, MODEL_BUDGET_BYTES, MODEL_BUDGET_DEFAULT };
enum { MODEL_GUARD_CHOICES = 4, MODEL_BUDGET_CHOICES = 4 };
enum { MODEL_POLICY_CHOICES = 8, MODEL_POLICY_UNKNOWN = 3, MODEL_POLICY_REQUIRED = 4 };
/* A versioning or provider fault of a create with valid options (0: none). */
typedef enum model_fault {
  MF_NONE,
  MF_OPTIONS_SIZE,   /* options->size below the first published struct's */
  MF_PROVIDER,       /* one provider field wrong (MODEL_PROVIDER_FIELDS choices) */
  MF_PROVIDER_SIZE,  /* provider->size too small */
  MF_OPTIONS_BIGGER, /* options->size above, the rest zero */
  MF_OPTIONS_V1      /* options->size of version 1 (before window_policy) */
} model_fault;
enum { MODEL_FAULT_CHOICES = 12 };
/* MF_PROVIDER: which field. */
typedef enum model_provider_field {
  MPF_WALK_FREE,  /* NULL */
  MPF_RESERVE,    /* NULL */
  MPF_COMMIT,     /* NULL */
  MPF_RELEASE,    /* NULL */
  MPF_FLAGS,      /* unknown flags: a u32 in [1, UINT32_MAX] follows */
  MPF_PAGE_SMALL, /* page size below 4096: a value in [0, 4095] follows */
  MPF_PAGE_ODD,   /* 3 pages */
  MPF_PAGE_HUGE,  /* 2 GiB */
  MPF_COUNT
} model_provider_field;

/* Request sizes (decode_size). */
typedef enum model_size {
  MS_TINY,   /* 1..64: tiny IL bodies */
  MS_SMALL,  /* 0..4096 */
  MS_PAGES,  /* a number of pages, give or take the redzone and a byte */
  MS_ROOM,   /* the room left in the current chunk, give or take */
  MS_WINDOW, /* the whole window, give or take */
  MS_HUGE,   /* UINT32_MAX - 0..4096 (contract 9) */
  MS_256K,   /* 0..256 KiB */
  MS_STEP,   /* 0..the largest growth step + 2 pages */
  MS_ANY,    /* any u32 */
  MS_ZERO,   /* 0 (contract 5) */
  MS_COUNT
} model_size;

/* MOP_INJECT: which provider call (ilheap_sim_op), how many to let through
 * (0..7), and how many to fail, one of these. */
#define MODEL_INJECT_COUNTS                                                                        \
  { 0, 1, 2, 3, 8, 9, UINT32_MAX }
enum { MODEL_INJECT_COUNT_CHOICES = 7 };

/* MOP_MISUSE: one kind of bad argument (do_misuse); the last verifies. */
enum { MODEL_MISUSE_CHOICES = 10 };

/* MOP_DIRECT: which provider call. */
typedef enum model_direct {
  MD_WALK_FREE,
  MD_RESERVE,
  MD_COMMIT,
  MD_RELEASE,
  MD_COUNT
} model_direct;

/* ---- the encoder (fuzz/make_seeds.c writes the seeds with it) ---- */

/* ---- fuzz_model (fuzz/fuzz_model.c) ---------------------------------------------- */

#define M_HEAPS 4
#define M_SIM_BYTES ((uint64_t)16 << 20)
#define M_PAGE ((uint64_t)4096) /* seeds use the host page (MODEL_PAGE_HOST) */

static inline void m_header(seed *s, uint64_t npages) {
  s->n = 0;
  put_pick(s, MODEL_PAGE_SIZE_COUNT, MODEL_PAGE_HOST);
  put_range(s, 1, M_SIM_BYTES / M_PAGE, npages);
}

static inline void m_op(seed *s, unsigned slot, unsigned op) {
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

static inline void m_create(seed *s, uint64_t npages, unsigned slot, const m_heap_spec *h) {
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

static inline void m_alloc(seed *s, unsigned slot, unsigned cls, uint64_t a1, uint64_t a2,
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

static inline void m_burst(seed *s, unsigned slot, unsigned n, unsigned cb) {
  m_op(s, slot, MOP_BURST);
  put_range(s, 1, 64, n);
  put_range(s, 1, 512, cb);
}

static inline void m_layout(seed *s, uint64_t npages, int occupy, uint64_t page_at, uint64_t len_pages) {
  m_op(s, 0, occupy ? MOP_OCCUPY : MOP_VACATE);
  /* addr = sbase - 4 pages + v */
  put_range(s, 0, (npages + 8) * M_PAGE, (page_at + 4) * M_PAGE);
  put_bool(s, 0); /* long form: len up to the whole space */
  put_range(s, 0, npages * M_PAGE, len_pages * M_PAGE);
}

static inline void m_inject(seed *s, unsigned op, unsigned skip, unsigned count_idx) {
  m_op(s, 0, MOP_INJECT);
  put_pick(s, ILHEAP_SIM_OP_COUNT, op);
  put_range(s, 0, 7, skip);
  put_pick(s, MODEL_INJECT_COUNT_CHOICES, count_idx); /* an index into MODEL_INJECT_COUNTS */
}

static inline void m_misuse(seed *s, unsigned kind) {
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
static inline void m_direct(seed *s, unsigned what, uint64_t npages, uint64_t page_at, uint64_t len_pages,
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

#endif
