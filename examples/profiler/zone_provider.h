/*
 * zone_provider: an ilheap_provider that keeps a landing zone for the module
 * heaps of a CoreCLR process (Linux).
 *
 * Why: a method body must lie at a positive offset below 2 GiB from its
 * module's base. On Linux x64, CoreCLR reserves about 2 GiB of address space
 * just below libcoreclr.so at startup (its executable-memory allocator), and
 * mmap places later mappings top-down, below what is already there. An
 * assembly mapped right below that reservation has its whole window
 * [base, base + 2 GiB) covered: the reservation plus the densely packed
 * mappings made before the assembly. No allocator can honour the positive
 * offset there, and ilheap rightly answers NULL (contract 6). Measured with
 * the e2e app: the main assembly's window was full in about 1 run in 5.
 *
 * The landing zone: address space the profiler reserves ahead of the
 * assemblies (PROT_NONE, MAP_NORESERVE: no memory), in pieces:
 *  - in Initialize, before any assembly is mapped, a main piece at the top of
 *    the highest free range below libcoreclr.so, and every free range between
 *    that piece and the runtime ("paving"): an assembly mapped later into a
 *    free range left lower down has the piece in its window;
 *  - after each module load, a "front piece" right below the lowest mapping
 *    (zone_provider_arm_front), with every free range in the 2 GiB above it
 *    paved: an assembly that fits in no free range above is mapped at the
 *    front, just below that piece. This is the case that matters most: the
 *    GC reserves tens of GiB after Initialize, and an assembly mapped below
 *    that reservation has nothing else within reach.
 * Paving takes nothing from the heaps: a paved range is offered to them like
 * any piece. It only keeps other mappings (assemblies included) out of the
 * windows. Measured with the e2e app on a loaded 2-core machine: without the
 * zone the main assembly's window was full in 1 run in 5 to 1 in 4; with it,
 * in none of 110 runs.
 *
 * The provider offers ilheap the zone's free pages together with what the
 * operating system has free (the OS provider), so a module whose window
 * misses every piece is served as before. It is the .NET Framework 2.0
 * runtime's idea (it reserved a block when the profiler loaded, for modules
 * near the top of memory), done through ilheap's provider interface.
 *
 * Pages of a piece are reserved, committed (mprotect) and released
 * (madvise(MADV_DONTNEED), then PROT_NONE) inside the piece, so they read as
 * zero when committed again; released pages go back to the zone, not to the
 * OS. Anything outside the pieces goes to the OS provider untouched. A free
 * range is never reported across a piece's edge, so a reservation never
 * straddles it.
 *
 * Thread-safe (one lock); the functions of ilheap_provider may be called from
 * several threads at once.
 */
#ifndef ILHEAP_SAMPLE_ZONE_PROVIDER_H
#define ILHEAP_SAMPLE_ZONE_PROVIDER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "ilheap.h"

typedef struct zone_piece {
  uintptr_t base;
  size_t size;
  uint8_t *used; /* one byte per page: 1 = reserved by a heap */
} zone_piece;

typedef struct zone_provider {
  ilheap_provider prov; /* give &prov to ilheap (ilheap_options.provider) */
  const ilheap_provider *os;
  size_t page;
  pthread_mutex_t lock;
  zone_piece *pieces; /* sorted by address */
  size_t npieces, cap;
  size_t total; /* bytes in all pieces */
} zone_provider;

/*
 * Reserves the zone and fills *z: a main piece of size bytes (rounded up to
 * pages) at the top of the highest free range within 4 GiB below `below`
 * (the runtime library's base; 0: wherever mmap puts it), and every free range
 * between that piece and `below` as further pieces.
 * Returns 0, ILHEAP_EINVAL (z NULL, size 0, no OS provider on this platform),
 * ILHEAP_ENOMEM.
 */
int zone_provider_init(zone_provider *z, size_t size, uintptr_t below);

/*
 * Adds a piece of size bytes at the front: right below the lowest mapping of
 * the mmap area, where the next mapping that fits no free range above it will
 * go. (Reserving 1 GiB lands there, since no free range above is that large;
 * all of it but the top is given back.) Returns its base, or 0.
 */
uintptr_t zone_provider_arm_front(zone_provider *z, size_t size);

/* Bytes of [lo, hi) inside the zone that a heap holds (reserved, not yet
 * released). */
size_t zone_provider_held(zone_provider *z, uintptr_t lo, uintptr_t hi);

/* Bytes of [lo, hi) outside every piece. */
size_t zone_provider_outside(zone_provider *z, uintptr_t lo, uintptr_t hi);

#endif
