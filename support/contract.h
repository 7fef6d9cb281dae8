/* SPDX-License-Identifier: MIT */
/*
 * THE CONTRACT (include/ilheap.h) as checks that the tests, the fuzz harnesses
 * and the demo all run. Each check names the clause it enforces and answers 0
 * when it holds, or -1 with the reason written into `why`; the caller turns
 * that into its own kind of failure (a Criterion assertion, an abort that
 * libFuzzer records, a line of the demo's report):
 *
 *   sup_why why;
 *   if (sup_check_zero(p, cb, why) != 0) report("%s", why);
 *
 * None of them allocates or takes a lock, so they run on any thread.
 */
#ifndef ILHEAP_SUPPORT_CONTRACT_H
#define ILHEAP_SUPPORT_CONTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "ilheap.h"
#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef char sup_why[256];

/* Clauses 1 and 2 for one block: every byte at an offset in [1, max_offset]
 * from base (computed without any sum that could wrap: base + max_offset may
 * be past the top of the address space) and p a multiple of alignment. */
int sup_check_window(uintptr_t base, uint32_t max_offset, uint32_t alignment, const void *p,
                     uint32_t cb, sup_why why);
/* Is [p, p + cb) inside the window [base + 1, base + max_offset]? Does it
 * share no byte with it (wholly at or below the base, or at or past its end)?
 * Both written without a sum that could wrap. */
int sup_in_window(uintptr_t base, uint32_t max_offset, uintptr_t p, uint32_t cb);
int sup_off_window(uintptr_t base, uint32_t max_offset, uintptr_t p, uint32_t cb);
/* Clauses 1 and 2 for a block of `heap`, with the window, alignment and policy
 * it reports: inside the window, or with ILHEAP_WINDOW_PREFERRED wholly outside
 * it (never across its edge); and ilheap_rva agrees (the offset inside, or
 * ILHEAP_ERANGE and 0 outside). */
int sup_check_block(const ilheap *heap, const void *p, uint32_t cb, sup_why why);

/* Clause 4: a fresh block reads as zero. */
int sup_check_zero(const void *p, uint32_t cb, sup_why why);

/* A pattern written into every handed-out block and verified later: an
 * overlap between blocks, or a write by the library into a block it handed
 * out (clauses 3 and 6), shows up as a wrong byte. It depends on the tag and
 * the byte's position; callers give every block its own tag. */
void sup_fill(void *p, uint32_t cb, uint32_t tag);
int sup_check_fill(const void *p, uint32_t cb, uint32_t tag, sup_why why);

/* A block a caller keeps, to check later. */
typedef struct sup_block {
  uintptr_t p;
  uint32_t cb;
  uint32_t heap; /* which heap (the caller's index), for messages */
  uint32_t tag;  /* what sup_fill wrote */
} sup_block;

/* Every block still holds its pattern. */
int sup_check_blocks_fill(const sup_block *v, size_t n, sup_why why);
/* Clause 3 between blocks: sorts v by address; no two blocks (of any of the
 * heaps) overlap. */
int sup_check_disjoint(sup_block *v, size_t n, sup_why why);
/* Clause 3 against what existed before: no block intersects the normalized
 * set taken (what: its name in the message). */
int sup_check_avoid(const sup_block *v, size_t n, const sup_ranges *taken, const char *what,
                    sup_why why);
/* Every block lies inside one range of the normalized set reserved. */
int sup_check_inside(const sup_block *v, size_t n, const sup_ranges *reserved, sup_why why);

/* The heap's statistics agree with what the caller did with it (blocks and
 * bytes requested exactly, failed: NULL answers with cb > 0) and with
 * themselves and ilheap_walk_reserved. */
int sup_check_stats(const ilheap *heap, uint64_t blocks, uint64_t requested, uint64_t failed,
                    sup_why why);

/* Clause 3 against the process: each range of reserved (a heap's
 * walk_reserved, normalized) was free in the snapshot before and is mapped in
 * the snapshot now. */
int sup_check_reserved_fresh(const sup_ranges *reserved, const sup_ranges *before,
                             const sup_ranges *now, sup_why why);

/* The zone a heap can act in: its window, plus a margin above it for a guard
 * page or a page-rounded chunk end, clamped at the top of the address space. */
void sup_zone_push(sup_ranges *zones, const ilheap *heap);

/* Clause 7 against the process: `before` was read before the heaps were
 * created, `after` after they were destroyed, `reserved` is what they reported
 * reserved just before destroy, `zones` (normalized) where they could act. No
 * byte they reserved is still mapped, and inside the zones the map is what it
 * was. Outside them the process (threads, malloc) may have mapped memory: the
 * library cannot have done so without breaking this check or clause 1. */
int sup_check_restored(const sup_ranges *before, const sup_ranges *after,
                       const sup_ranges *reserved, const sup_ranges *zones, sup_why why);

#ifdef __cplusplus
}
#endif

#endif
