/* SPDX-License-Identifier: MIT */
/*
 * A provider's view of remembered runs: stretches of address space that a walk
 * crossed and found taken, but for holes too small to matter, remembered so
 * that the next walk crosses a run in one step instead of one question per
 * mapping. Portable (no OS inside): the Linux provider keeps one for its
 * PROCMAP_QUERY walk, and any provider whose walk asks the OS mapping by
 * mapping (VirtualQuery) can keep one the same way. Not installed.
 *
 * What a run claims: [lo, hi) starts and ends with a mapping, and when it was
 * remembered every free hole inside it was shorter than what its provider
 * calls small. A walk that jumps a run therefore leaves out its holes: the
 * provider's walk_free reports a run's small holes only while it crosses the
 * run mapping by mapping (the first time, and after the run is forgotten).
 *
 * How a view can be wrong, and what keeps it right enough (the provider's
 * side, src/os/provider_linux.c):
 *  - a run's top unmapped since: the provider asks the OS about the run's last
 *    page before every jump and forgets the run when it is gone;
 *  - a hole inside a run grown since (someone else unmapped a mapping there):
 *    not seen by a jump. Bounded three ways: ranges the provider releases
 *    itself are forgotten at once (ilheap__runs_forget); a run of m mappings
 *    is forgotten after max(ILHEAP__RUNS_JUMPS, m) jumps, so a walk crosses it
 *    again and sees every hole (ilheap__runs_jump): crossing it again costs
 *    about one question per mapping, so spread over the jumps since the last
 *    crossing it adds about one question per jump, whatever the crowd's size;
 *    and a walk that jumped and whose visitor
 *    accepted nothing forgets the whole view (ilheap__runs_clear), so a
 *    caller's second look (the core's, src/heap.c) sees every hole before it
 *    calls a range full.
 *
 * Thread-safe: each call takes a lock (one for every view: a view is used
 * only when a walk crosses mappings, never on a heap's fast path). A view
 * starts zero-filled (static storage, or calloc) and needs no destroying.
 */
#ifndef ILHEAP_RUNS_H
#define ILHEAP_RUNS_H

#include <stddef.h>
#include <stdint.h>

#define ILHEAP__RUNS_MAX 1024 /* runs remembered; when full, the view starts over */
#define ILHEAP__RUNS_JUMPS 64 /* a run is crossed again after this many jumps at least */

typedef struct ilheap__run {
  uintptr_t lo, hi;
  uint32_t mappings; /* mappings it held when crossed */
  uint32_t jumps;    /* jumps over it since it was remembered */
} ilheap__run;

typedef struct ilheap__runs {
  size_t n;
  ilheap__run v[ILHEAP__RUNS_MAX]; /* sorted, disjoint, not touching */
} ilheap__runs;

/* The end of the run holding addr, counting one jump over it, and (mappings
 * not NULL) the mappings it held; 0 when no run holds addr, or when the run has
 * been jumped max(ILHEAP__RUNS_JUMPS, its mappings) times (it is forgotten
 * then: the caller crosses it mapping by mapping). */
uintptr_t ilheap__runs_jump(ilheap__runs *view, uintptr_t addr, uint32_t *mappings);

/* Remembers [lo, hi) (lo < hi), where a walk crossed `mappings` mappings one
 * by one, as one run, merged with the runs it overlaps or touches: their
 * mappings are added, and the merged run has been jumped as often as the most
 * jumped of them (what they remembered is no fresher for the merge). A full
 * view starts over. */
void ilheap__runs_add(ilheap__runs *view, uintptr_t lo, uintptr_t hi, uint32_t mappings);

/* Forgets [lo, hi): what the runs said about it is no longer known. */
void ilheap__runs_forget(ilheap__runs *view, uintptr_t lo, uintptr_t hi);

/* Forgets everything. */
void ilheap__runs_clear(ilheap__runs *view);

/* Copies up to cap runs into out (for tests); returns how many there are. */
size_t ilheap__runs_copy(ilheap__runs *view, ilheap__run *out, size_t cap);

#endif
