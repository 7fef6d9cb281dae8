/*
 * Shared declarations of the ilheap demo (examples/demo*.c): the IL method
 * bodies it writes and reads back. Not part of the library; the process map,
 * the modules and the contract checks come from support/.
 */
#ifndef ILHEAP_DEMO_H
#define ILHEAP_DEMO_H

#include <stddef.h>
#include <stdint.h>

/* ---- IL method bodies (ECMA-335 II.25.4) --------------------------------- */

/* What one body looks like; derived from a 64-bit key alone, so that the
 * reader can recompute what the writer wrote without storing it. */
typedef struct demo_body_plan {
  uint32_t code_size;  /* bytes of IL code */
  uint32_t eh_clauses; /* small exception clauses (fat bodies only) */
  uint32_t cb;         /* bytes to request from the allocator */
  int fat;             /* 0: tiny header, 1: fat header */
} demo_body_plan;

/* Chooses a realistic body for `key`: mostly tiny (under 64 bytes of code),
 * some fat ones of hundreds of bytes to a few KiB, many of those with an
 * exception section. */
void demo_body_plan_for(uint64_t key, demo_body_plan *plan);

/* Writes the header, the code and the exception section of `plan` into the
 * cb bytes at p. The EH section goes at the next 4-byte boundary of the
 * absolute address after the code, as the runtime reads it. Returns 0, or -1
 * when the body does not fit in cb bytes at that address (a misaligned block). */
int demo_body_write(uint8_t *p, uint64_t key, const demo_body_plan *plan);

/* Decodes the body at p and compares every byte with what demo_body_write
 * wrote for `key`. Returns 0, or -1 and a reason in *why. */
int demo_body_check(const uint8_t *p, uint64_t key, const demo_body_plan *plan, const char **why);

/* splitmix64: a small, good 64-bit mixer for deterministic choices. */
uint64_t demo_mix64(uint64_t x);

#endif
