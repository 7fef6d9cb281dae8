/* SPDX-License-Identifier: MIT */
/*
 * The landing zone: an ilheap_provider that keeps address space reserved ahead
 * of the modules and hands it to their heaps, composed over any other provider
 * (the operating system's, or a simulated one in tests). It makes no system call
 * of its own: every reservation goes through the provider it wraps.
 *
 * WHY. With ILHEAP_WINDOW_REQUIRED every block must lie in [B + 1, B + M) of its
 * module. A module mapped late often finds that window already taken: on Linux
 * x64, CoreCLR reserves about 2 GiB right below libcoreclr.so, the GC reserves
 * tens of GiB, and mmap places every later mapping top-down right below them, so
 * the 2 GiB above a late assembly can all be taken (measured: the e2e app's main
 * assembly had a full window in 18 to 22 runs of 50 on .NET 10.0.12; with the
 * zone below, in none of 150). .NET on Windows
 * reserves more than 2 GiB right after its images too, and 32-bit processes are
 * crowded by nature. .NET Framework 2.0 reserved a 4 MB block when the profiler
 * loaded for the same reason; the zone is that idea, general.
 *
 * THE POLICY (what a profiler does with it; examples/profiler does exactly this):
 *  - At profiler Initialize, before any assembly is mapped: one piece at the top
 *    of the highest free range below the runtime library that holds it
 *    (ilheap_zone_take_below), then every free range between that piece and the
 *    runtime is paved (ilheap_zone_pave): nothing mapped later can land above
 *    the piece there, so a module mapped below has the piece in its window.
 *  - After each module load: a "front" piece at the top of the highest free range
 *    of at least 1 GiB below the runtime (that is where the operating system puts
 *    the next mapping that fits nowhere higher), and the 2 GiB above it paved.
 *    The next assembly mapped at the front lands right below the piece.
 *  - Paving costs address space only: a paved range is reserved with no access
 *    (no memory, no commit charge) and is offered to heaps like any piece. What
 *    it returns: the ranges stay out of other mappings' reach while the zone
 *    lives, so they stay in the windows of the modules below.
 *  - The most it holds: max_bytes (ilheap_zone_create), pieces and paving
 *    together. A request that would pass it is refused (ILHEAP_ENOMEM), nothing
 *    else changes.
 *  - When it is used up (or a window misses every piece), the wrapped provider
 *    serves the heap as without a zone: a strict heap answers NULL as before,
 *    nothing breaks.
 *  Where the OS places new mappings bottom-up (Windows), the window above a
 *  module fills from its bottom instead: there examples/profiler takes one piece
 *  at the top of each module's window when the module loads, and paves nothing.
 *
 * THE PROVIDER. ilheap_zone_provider(z) offers the zone's free pages together
 * with what the wrapped provider has free (minus the pieces), in ascending order,
 * never merged across a piece's edge, so that no reservation straddles it.
 * It is the whole provider interface (include/ilheap.h), composed over the
 * wrapped provider read whole:
 *  - reserve inside a piece marks its pages held; commit goes to the wrapped
 *    provider;
 *  - map (always offered): inside a piece the pages are marked held and
 *    committed by one call of the wrapped provider's map (populated when the
 *    heap asks), so a heap on the zone refills in one system call and gets
 *    bulk population as on the wrapped provider; outside the pieces it is the
 *    wrapped provider's map (or its reserve and commit, when it has no map);
 *  - resident and decommit: the wrapped provider's, offered when it has them;
 *  - release inside a piece takes the pages back into the zone, their contents
 *    dropped (zero next time): with the wrapped provider's decommit, which
 *    never lets them go, so nothing is ever lost (bytes_lost stays 0: the
 *    operating system's providers and the simulated one have it). Over a
 *    provider without decommit (an older struct), the pages are released and
 *    reserved again at once; if another thread of the process maps the range
 *    in between, they are lost to the zone (counted in bytes_lost).
 * Everything outside the pieces goes to the wrapped provider untouched.
 *
 * Threads: every function may be called from any thread; one lock per zone.
 * Lifetime: the wrapped provider must outlive the zone; every heap using the
 * zone's provider must be destroyed before ilheap_zone_destroy.
 */
#ifndef ILHEAP_ZONE_H
#define ILHEAP_ZONE_H

#include "ilheap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ilheap_zone ilheap_zone;

/* The default for max_bytes: 4 GiB on 64-bit, 256 MiB on 32-bit. */
#define ILHEAP_ZONE_DEFAULT_MAX ((size_t)(sizeof(void *) >= 8 ? (uint64_t)4 << 30 : 256u << 20))

/*
 * Creates an empty zone over `inner` (NULL: ilheap_os_provider()). max_bytes
 * bounds the address space its pieces may hold (0: ILHEAP_ZONE_DEFAULT_MAX).
 * Returns 0 and sets *out, or ILHEAP_EINVAL (out NULL, no provider, a provider
 * missing a function or with a bad page size), ILHEAP_EVERSION (the provider's
 * size), ILHEAP_ENOMEM. On error *out is NULL (when out is not NULL).
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_zone_create(const ilheap_provider *inner, size_t max_bytes,
                                                   ilheap_zone **out);

/* Gives every piece back to the wrapped provider and frees the zone. Heaps on
 * its provider must be destroyed first. NULL: does nothing. */
ILHEAP_API void ilheap_zone_destroy(ilheap_zone *zone);

/* The provider to put in ilheap_options.provider (valid while the zone lives).
 * NULL zone: NULL. */
ILHEAP_API const ilheap_provider *ilheap_zone_provider(ilheap_zone *zone);

/*
 * Adds a piece of `size` bytes (rounded up to pages) at the top of the highest
 * free range of [lo, hi) that has at least max(size, min_free) bytes, as the
 * wrapped provider sees it. Sets *base (may be NULL) to the piece's address.
 * Returns 0, ILHEAP_EINVAL (zone NULL, size 0, lo >= hi), ILHEAP_ENOMEM (no such
 * range, max_bytes reached, out of memory), or the wrapped provider's error.
 */
ILHEAP_API int ilheap_zone_take_below(ilheap_zone *zone, uintptr_t lo, uintptr_t hi, size_t size,
                                      size_t min_free, uintptr_t *base);

/*
 * Paves [lo, hi): every whole page of it the wrapped provider has free becomes
 * a piece, as far as max_bytes allows (ranges that would pass it are skipped).
 * Sets *paved (may be NULL) to the bytes added. Returns 0, ILHEAP_EINVAL (zone
 * NULL), ILHEAP_ENOMEM (out of memory: the zone's own bookkeeping or the wrapped
 * provider's answer; the pieces added so far stay), or the wrapped provider's
 * walk or reserve error. A range another thread maps meanwhile is skipped, not
 * an error.
 */
ILHEAP_API int ilheap_zone_pave(ilheap_zone *zone, uintptr_t lo, uintptr_t hi, size_t *paved);

typedef struct ilheap_zone_stats {
  uint32_t size;       /* in: sizeof(ilheap_zone_stats) as the caller knows it */
  uint32_t version;    /* out: ILHEAP_ZONE_STATS_VERSION */
  uint64_t pieces;     /* contiguous pieces */
  uint64_t bytes;      /* address space the pieces hold */
  uint64_t bytes_held; /* of which reserved by heaps now */
  uint64_t bytes_lost; /* released by heaps but lost to the zone (see the top;
                          0 over a provider with decommit) */
  uint64_t reserves;   /* reserve calls served from the zone */
  uint64_t reserves_passed; /* reserve calls passed to the wrapped provider */
} ilheap_zone_stats;

#define ILHEAP_ZONE_STATS_VERSION 1u

/* Fills *out (out->size set by the caller; fields past it are not written).
 * Returns 0, ILHEAP_EINVAL (zone or out NULL), ILHEAP_EVERSION (size too small). */
ILHEAP_API int ilheap_zone_get_stats(ilheap_zone *zone, ilheap_zone_stats *out);

/* Bytes of [lo, hi) that lie inside the zone's pieces and that a heap holds now
 * (reserved through the zone and not released). NULL zone: 0. */
ILHEAP_API size_t ilheap_zone_held(ilheap_zone *zone, uintptr_t lo, uintptr_t hi);

/* Bytes of [lo, hi) outside every piece. NULL zone: hi - lo (0 if hi <= lo). */
ILHEAP_API size_t ilheap_zone_outside(ilheap_zone *zone, uintptr_t lo, uintptr_t hi);

#ifdef __cplusplus
}
#endif

#endif /* ILHEAP_ZONE_H */
