/* SPDX-License-Identifier: MIT */
/*
 * A simulated address space for ilheap: an ilheap_provider whose layout and
 * failures you choose, so that crowded, fragmented and near-top layouts are
 * reproducible in tests, fuzzers and mock runtimes.
 *
 * The simulated space is real memory: ilheap_sim_create reserves one
 * inaccessible host region of the size you ask, [base, base + size), and the
 * simulation hands out ranges inside it. Blocks from a heap on a simulated
 * provider are therefore ordinary pointers you can write to. Ranges you mark
 * "foreign" (modules, other libraries) stay inaccessible in the host, so a stray
 * write into them faults.
 *
 * Outside [base, base + size) the simulated space has nothing free: a heap whose
 * window lies (partly) outside sees only the part inside. This is how "near the
 * top of the address space" is modelled: a module placed near base + size.
 *
 * The provider has every function of the interface: walk_free, reserve,
 * commit, release, and the optional map (one step for reserve then commit;
 * populating is the host's), resident (any host page of the simulated page
 * resident: the host's answer) and decommit (back to reserved, contents
 * dropped; the range never becomes free meanwhile).
 *
 * Thread-safe: one lock per simulation.
 */
#ifndef ILHEAP_SIM_H
#define ILHEAP_SIM_H

#include "ilheap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ilheap_sim ilheap_sim;

/*
 * Creates a simulated space of `size` bytes with granularity `page_size` (0
 * means the host page size; otherwise a power of two, a multiple of the host
 * page size, at most 1 MiB). size is rounded up to page_size and must be in
 * [page_size, 1 TiB] (in a 32-bit process: [page_size, 2 GiB]).
 * Returns 0 and sets *out, ILHEAP_EINVAL (out NULL, bad size or page size), or
 * ILHEAP_ENOMEM (the host would not reserve the region).
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_sim_create(size_t size, size_t page_size, ilheap_sim **out);

/* Destroys the simulation and its host region. Heaps using it must be destroyed
 * first. NULL: does nothing. */
ILHEAP_API void ilheap_sim_destroy(ilheap_sim *sim);

/* The provider to put in ilheap_options.provider. Valid while sim lives.
 * NULL sim: NULL. */
ILHEAP_API const ilheap_provider *ilheap_sim_provider(ilheap_sim *sim);

/* The first address of the simulated space, its size and page size (NULL: 0). */
ILHEAP_API uintptr_t ilheap_sim_base(const ilheap_sim *sim);
ILHEAP_API size_t ilheap_sim_size(const ilheap_sim *sim);
ILHEAP_API size_t ilheap_sim_page_size(const ilheap_sim *sim);

/*
 * Marks [addr, addr + len) as a foreign mapping (a module, a library, anything
 * not ours). addr and len are rounded outward to pages and clipped to the space.
 * Returns 0, ILHEAP_EINVAL (NULL sim, len 0, or nothing left after clipping),
 * or ILHEAP_EBUSY if it overlaps a range a heap has reserved (foreign ranges may
 * overlap each other: they merge).
 */
ILHEAP_API int ilheap_sim_occupy(ilheap_sim *sim, uintptr_t addr, size_t len);

/* Unmarks foreign ranges inside [addr, addr + len) (a module unloads).
 * Returns 0 or ILHEAP_EINVAL. Never touches ranges heaps reserved. */
ILHEAP_API int ilheap_sim_vacate(ilheap_sim *sim, uintptr_t addr, size_t len);

/* Failure injection. The provider's map (which the core uses when it can)
 * counts as the calls it stands for: with ILHEAP_MAP_RESERVE one reserve then
 * one commit, without it one commit (ILHEAP_MAP_POPULATE alone on a committed
 * range: no call), each with its schedule below; resident and decommit are
 * not scheduled. */
typedef enum ilheap_sim_op {
  ILHEAP_SIM_WALK = 0,    /* walk_free fails with ILHEAP_EPROVIDER */
  ILHEAP_SIM_RESERVE = 1, /* reserve fails with ILHEAP_ENOMEM */
  ILHEAP_SIM_COMMIT = 2,  /* commit fails with ILHEAP_ENOMEM */
  ILHEAP_SIM_RACE = 3,    /* reserve loses a race: just before it, a foreign
                             mapping appears over exactly the requested range,
                             and reserve fails with ILHEAP_EBUSY */
  ILHEAP_SIM_OP_COUNT = 4
} ilheap_sim_op;

/*
 * The next `skip` calls of the operation behave normally; the `count` calls after
 * them fail as described above (count UINT32_MAX: every call from then on).
 * A new call replaces the previous schedule for that operation; count 0 clears it.
 * Returns 0 or ILHEAP_EINVAL (NULL sim or unknown op).
 */
ILHEAP_API int ilheap_sim_inject(ilheap_sim *sim, ilheap_sim_op op, uint32_t skip, uint32_t count);

/* What the simulation holds now. */
typedef struct ilheap_sim_stats {
  uint64_t reserved_bytes;  /* reserved by heaps (committed included) */
  uint64_t committed_bytes; /* committed by heaps */
  uint64_t reserved_ranges; /* maximal reserved ranges */
  uint64_t foreign_bytes;   /* marked foreign */
  uint64_t calls[ILHEAP_SIM_OP_COUNT]; /* provider calls made, per operation
                                          (RACE counts reserve calls that lost a race) */
  uint64_t failures;        /* injected failures delivered */
} ilheap_sim_stats;

/* Returns 0 or ILHEAP_EINVAL. */
ILHEAP_API int ilheap_sim_get_stats(const ilheap_sim *sim, ilheap_sim_stats *out);

/* Kinds of range for ilheap_sim_walk. */
typedef enum ilheap_sim_kind {
  ILHEAP_SIM_FREE = 0,
  ILHEAP_SIM_FOREIGN = 1,
  ILHEAP_SIM_RESERVED = 2, /* reserved by a heap, not committed */
  ILHEAP_SIM_COMMITTED = 3 /* reserved by a heap and committed */
} ilheap_sim_kind;

/* Calls visit(arg, lo, hi, kind) for every maximal range of one kind, covering
 * the whole space in ascending order (a simulated /proc/self/maps). Stops when
 * visit returns nonzero. Returns 0 or ILHEAP_EINVAL. visit must not call back
 * into the simulation. */
typedef int (*ilheap_sim_visitor)(void *arg, uintptr_t lo, uintptr_t hi, ilheap_sim_kind kind);
ILHEAP_API int ilheap_sim_walk(const ilheap_sim *sim, ilheap_sim_visitor visit, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* ILHEAP_SIM_H */
