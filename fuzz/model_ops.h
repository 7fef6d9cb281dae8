/* SPDX-License-Identifier: MIT */
/*
 * fuzz_model's input format: the choices fuzz/fuzz_model.c decodes with
 * fuzz_pick and fuzz/make_seeds.c encodes with put_pick, named once. Changing
 * a value here changes what every existing input of corpus/fuzz_model means:
 * append new choices before the _COUNT, and regenerate the seeds.
 */
#ifndef ILHEAP_FUZZ_MODEL_OPS_H
#define ILHEAP_FUZZ_MODEL_OPS_H

#include <stdint.h>

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

#endif
