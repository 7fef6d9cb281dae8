/* SPDX-License-Identifier: MIT */
/*
 * fuzz_com's input format: the encoder of what fuzz/fuzz_com.c decodes, and the names
 * both use for its choices, in one place. A grammar change is made here and in
 * the decoder together; fuzz/make_seeds.c writes the seeds with this encoder
 * (regenerate them after a change: the fuzz_seeds_current test says when).
 */
#ifndef ILHEAP_FUZZ_COM_FORMAT_H
#define ILHEAP_FUZZ_COM_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "seed.h"

/* ---- fuzz_com (fuzz/fuzz_com.c) ---------------------------------------------------- */

/* The operations fuzz_com decodes, one pick of C_OPS each (after the module). */
typedef enum com_op {
  C_GET,         /* ilheap_registry_get: a new module, the same one again, a stale base */
  C_GET_2,       /* the same */
  C_FIND,        /* known or unknown */
  C_DROP,        /* the module unloads (or an unknown id) */
  C_QUERY,       /* QueryInterface */
  C_REFS,        /* AddRef / Release runs, misuse included */
  C_ALLOC,       /* Alloc through the vtable */
  C_ALLOC_2,     /* the same */
  C_REGISTRY_MM, /* registry_method_malloc: the mock GetILFunctionBodyAllocator */
  C_COUNT,       /* registry_count */
  C_HELPERS,     /* helpers on ilheap's objects, foreign objects and NULL */
  C_NULLS,       /* registry calls with NULL arguments */
  C_CONCURRENT,  /* concurrent first use (or use) of one module */
  C_OPS
} com_op;

static inline void c_header(seed *s, unsigned align_shift, int default_window, unsigned guard,
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
static inline void c_pick(seed *s, unsigned nmods, unsigned which) {
  if (nmods > 0)
    put_pick(s, nmods, which);
}

static inline void c_get_new(seed *s, unsigned nmods, unsigned id_mode, uint64_t id, unsigned base_mode,
                      uint64_t base) {
  c_pick(s, nmods, 0);
  put_pick(s, C_OPS, C_GET);
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

#endif
