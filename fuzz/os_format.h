/* SPDX-License-Identifier: MIT */
/*
 * fuzz_os's input format: the encoder of what fuzz/fuzz_os.c decodes, and the names
 * both use for its choices, in one place. A grammar change is made here and in
 * the decoder together; fuzz/make_seeds.c writes the seeds with this encoder
 * (regenerate them after a change: the fuzz_seeds_current test says when).
 */
#ifndef ILHEAP_FUZZ_OS_FORMAT_H
#define ILHEAP_FUZZ_OS_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "seed.h"

/* ---- fuzz_os (fuzz/fuzz_os.c) ------------------------------------------------------- */

/* The operations on a heap slot, one pick of O_OPS each. */
typedef enum os_op {
  O_CREATE,  /* destroy the slot's heap if live, create one */
  O_DESTROY,
  O_BURST,   /* a burst of small requests: chunk growth in place */
  O_ALLOC,   /* one request of decode_size's classes */
  O_ALLOC_2, /* the same */
  O_ALLOC_3, /* the same */
  O_OPS
} os_op;

/* Where a new heap's base goes (decode_base), one pick of OB_COUNT. */
typedef enum os_base {
  OB_MODULE,        /* a real module (its index read as a byte, modulo the count) */
  OB_MODULE_2,      /* the same */
  OB_MAPPING_END,   /* the end of an existing mapping, give or take */
  OB_MAPPING_START, /* the start of an existing mapping */
  OB_BRK,           /* the program break: the window starts where brk grows */
  OB_STACK,         /* the stack */
  OB_NEAR_ZERO,
  OB_NEAR_TOP,      /* near the top of user space */
  OB_PAST_TOP,      /* past the top of the address space */
  OB_ANY,           /* any u64 */
  OB_CROWD,         /* inside the crowd (fuzz_os makes one when the input asks) */
  OB_COUNT
} os_base;

static inline void o_op(seed *s, unsigned heap, unsigned op) {
  put_pick(s, 4, heap);
  put_pick(s, O_OPS, op);
}

/* create with base mode m (arguments a1, a2), window mode w, alignment shift,
 * guard, budget; defaults: opts NULL (the OS provider, no budget). */
static inline void o_create(seed *s, unsigned heap, unsigned m, uint64_t a1, uint64_t a2, unsigned w,
                     uint64_t w1, unsigned align_shift, unsigned guard, uint64_t budget,
                     int defaults) {
  o_op(s, heap, O_CREATE);
  put_pick(s, OB_COUNT, m);
  switch (m) {
  case OB_CROWD: put_range(s, 0, (uint64_t)2 * 1200 * 4096, a1); break; /* inside the crowd */
  case OB_MODULE:
  case OB_MODULE_2:
    put_bytes(s, a1, 1);
    put_range(s, 0, 2, a2);
    break; /* module a1 % count */
  case OB_MAPPING_END:
    put_bytes(s, a1, 2);
    put_range(s, 0, 8192, a2);
    break; /* mapping a1 % count */
  case OB_MAPPING_START:
    put_bytes(s, a1, 2);
    put_range(s, 0, 16, a2);
    break;
  case OB_BRK: put_range(s, 0, (uint64_t)8 * 4096, a1); break;
  case OB_STACK: put_range(s, 0, 1 << 24, a1); break;
  case OB_NEAR_ZERO: put_range(s, 0, 0x20000, a1); break;
  case OB_NEAR_TOP: put_range(s, 0, 1 << 24, a1); break;
  case OB_PAST_TOP: put_range(s, 0, 1 << 20, a1); break;
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

static inline void o_alloc(seed *s, unsigned heap, unsigned cls, uint64_t a) {
  o_op(s, heap, O_ALLOC);
  put_pick(s, 5, cls);
  switch (cls) {
  case 0: put_range(s, 0, 64, a); break;
  case 1: put_range(s, 0, 16384, a); break;
  case 2: put_range(s, 0, 2 << 20, a); break;
  case 3: put_range(s, 0, 4096, a); break;
  default: put_u32(s, (uint32_t)a); break;
  }
}

static inline void o_burst(seed *s, unsigned heap, unsigned n, unsigned cb) {
  o_op(s, heap, O_BURST);
  put_range(s, 1, 64, n);
  put_range(s, 1, 4096, cb);
}

/* Every fuzz_os input starts with the crowd decision. */
static inline void o_start(seed *s, unsigned crowd) {
  s->n = 0;
  put_pick(s, 4, crowd ? 0 : 1);
  if (crowd)
    put_range(s, 16, 1200, crowd);
}

/* The numbers of modules and mappings are only known at run time: the target
 * reads their indexes with a fixed width and reduces them modulo its counts. */

#endif
