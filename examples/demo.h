/*
 * Shared declarations of the ilheap demo (examples/demo*.c): the process-map
 * snapshots it checks blocks against. Not part of the library. (The IL method
 * bodies it writes are laid out and checked by include/ilheap_il.h.)
 */
#ifndef ILHEAP_DEMO_H
#define ILHEAP_DEMO_H

#include <stddef.h>
#include <stdint.h>

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
