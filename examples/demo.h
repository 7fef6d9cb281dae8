/*
 * Shared declarations of the ilheap demo (examples/demo*.c): the IL method
 * bodies it writes and reads back, and the process-map snapshots it checks
 * blocks against. Not part of the library.
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

/* ---- Process map (/proc/self/maps) --------------------------------------- */

typedef struct demo_range {
  uintptr_t lo, hi; /* [lo, hi) */
} demo_range;

typedef struct demo_map {
  demo_range *ranges; /* ascending, adjacent ranges merged */
  size_t count, cap;
} demo_map;

/* Reads /proc/self/maps into map (whose ranges array must already hold cap
 * entries). Uses no malloc and no stdio, so that reading the map does not
 * change it. Returns 0 or -1. */
int demo_map_read(demo_map *map);

/* Bytes of [lo, hi) that map covers. */
uintptr_t demo_map_overlap(const demo_map *map, uintptr_t lo, uintptr_t hi);

/* Nonzero when map covers all of [lo, hi). */
int demo_map_covers(const demo_map *map, uintptr_t lo, uintptr_t hi);

#endif
