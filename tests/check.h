/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers for the Criterion test programs: thin Criterion wrappers over
 * the support library (support/: address-space snapshots, modules, the size
 * mix, THE CONTRACT's checks), plus what only tests need (the sim walk). Each
 * tests/test_*.c is its own program, so everything here is static inline.
 *
 * The checks cite THE CONTRACT in include/ilheap.h by clause number. They use
 * Criterion assertions, so they must be called from the test's own thread
 * (worker threads collect their blocks and the main thread checks them).
 */
#ifndef ILHEAP_TESTS_CHECK_H
#define ILHEAP_TESTS_CHECK_H

#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "ilheap.h"
#include "ilheap_sim.h"
#include "mix.h"
#include "space.h"

/* ---- Sanitizer detection ------------------------------------------------ */
#if defined(__SANITIZE_ADDRESS__)
#define CHECK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHECK_ASAN 1
#endif
#endif
#ifndef CHECK_ASAN
#define CHECK_ASAN 0
#endif

/* Whether the library puts a redzone after every block (src/track.h): under
 * ASan, and when it was built with ILHEAP_VALGRIND=ON (tests/CMakeLists.txt
 * passes that on as CHECK_LIB_VALGRIND). */
#if CHECK_ASAN || defined(CHECK_LIB_VALGRIND)
#define CHECK_REDZONES 1
#else
#define CHECK_REDZONES 0
#endif

/* Running under Valgrind. Some tests cannot run there by design: they fault on
 * purpose, trap system calls with seccomp, or place heaps with the OS provider
 * in ranges /proc/self/maps shows as free but Valgrind's own address-space
 * manager holds (its reservations are not kernel mappings). They skip there and
 * run in every other build of the matrix. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CHECK_UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef CHECK_UNDER_VALGRIND
#define CHECK_UNDER_VALGRIND() 0
#endif
#define CHECK_SKIP_UNDER_VALGRIND(why)                                                             \
  do {                                                                                             \
    if (CHECK_UNDER_VALGRIND())                                                                    \
      cr_skip_test("not under Valgrind: %s", why);                                                 \
  } while (0)

#if defined(__SANITIZE_THREAD__)
#define CHECK_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CHECK_TSAN 1
#endif
#endif
#ifndef CHECK_TSAN
#define CHECK_TSAN 0
#endif

/* Runs a support check (support/contract.h) that writes its reason into
 * `why`, and asserts that it held. */
#define CHECK_OK(call)                                                                             \
  do {                                                                                             \
    sup_why why;                                                                                   \
    cr_assert((call) == 0, "%s", why);                                                             \
  } while (0)

static inline int check_is_pow2(uintptr_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* ---- Ranges and the process map ----------------------------------------- */
/* Reads the process's address space (normalized) without allocating while
 * reading (support/space.h). */
static inline void check_read_maps(sup_ranges *rs) {
  int n = sup_space_read(rs, SUP_SPACE_ALL);
  cr_assert_geq(n, 0, "cannot read the address space (%d)", n);
}

static inline void check_heap_reserved(const ilheap *heap, sup_ranges *out) {
  cr_assert_eq(ilheap_walk_reserved(heap, sup_ranges_visit, out), ILHEAP_OK);
  for (size_t i = 0; i < out->n; i++)
    cr_assert_lt(out->v[i].lo, out->v[i].hi, "walk_reserved reported an empty range");
  sup_ranges_normalize(out);
}

/* ---- Blocks ------------------------------------------------------------- */
/* The blocks a test keeps. Their pattern's tag is derived from the address,
 * so a block written at one address and read at another is caught. */
typedef struct check_blocks {
  sup_block *v;
  size_t n, cap;
} check_blocks;

static inline uint32_t check_tag(uintptr_t p) { return (uint32_t)(p >> 3) * 2654435761u; }

static inline void check_blocks_reserve(check_blocks *bs, size_t cap) {
  if (cap <= bs->cap)
    return;
  sup_block *v = realloc(bs->v, cap * sizeof *v);
  cr_assert_not_null(v, "out of memory in the test itself");
  bs->v = v;
  bs->cap = cap;
}

static inline void check_blocks_push(check_blocks *bs, void *p, uint32_t cb, uint32_t heap) {
  if (bs->n == bs->cap)
    check_blocks_reserve(bs, bs->cap ? bs->cap * 2 : 256);
  bs->v[bs->n] = (sup_block){(uintptr_t)p, cb, heap, check_tag((uintptr_t)p)};
  bs->n++;
}

static inline void check_blocks_free(check_blocks *bs) {
  free(bs->v);
  bs->v = NULL;
  bs->n = bs->cap = 0;
}

/* Is [p, p + cb) inside the window of `heap` (contract 1's test)? */
static inline int check_in_window(const ilheap *heap, uintptr_t p, uint32_t cb) {
  return sup_in_window(ilheap_module_base(heap), ilheap_max_offset(heap), p, cb);
}

/* Clauses 1 and 2 for one block of `heap` (with ILHEAP_WINDOW_PREFERRED, inside
 * the window or wholly outside it), and ilheap_rva agrees. */
static inline void check_block_window(const ilheap *heap, const void *ptr, uint32_t cb) {
  CHECK_OK(sup_check_block(heap, ptr, cb, why));
}

static inline void check_block_fill(void *ptr, uint32_t cb) {
  sup_fill(ptr, cb, check_tag((uintptr_t)ptr));
}

/* Clauses 1, 2 and 4 for a block just handed out, then fills it with the
 * pattern (clause 4: writable; check_blocks_verify reads it back later). */
static inline void check_fresh_block(const ilheap *heap, void *ptr, uint32_t cb) {
  check_block_window(heap, ptr, cb);
  CHECK_OK(sup_check_zero(ptr, cb, why));
  check_block_fill(ptr, cb);
}

/* Clauses 3, 4 and 6: the block still holds its own pattern. */
static inline void check_block_verify(const void *ptr, uint32_t cb) {
  CHECK_OK(sup_check_fill(ptr, cb, check_tag((uintptr_t)ptr), why));
}

static inline void check_blocks_verify(const check_blocks *bs) {
  for (size_t i = 0; i < bs->n; i++)
    check_block_verify((const void *)bs->v[i].p, bs->v[i].cb);
}

/* Clause 3, between blocks (sorts bs by address). */
static inline void check_blocks_disjoint(check_blocks *bs) {
  CHECK_OK(sup_check_disjoint(bs->v, bs->n, why));
}

/* Clause 3, against ranges that existed before (normalized). */
static inline void check_blocks_avoid(const check_blocks *bs, const sup_ranges *taken,
                                      const char *what) {
  CHECK_OK(sup_check_avoid(bs->v, bs->n, taken, what, why));
}

/* Every block lies inside the heap's reserved ranges (normalized). */
static inline void check_blocks_inside(const check_blocks *bs, const sup_ranges *reserved) {
  CHECK_OK(sup_check_inside(bs->v, bs->n, reserved, why));
}

/* ---- Heaps and stats ---------------------------------------------------- */
static inline ilheap *check_create(const void *base, const ilheap_options *opts) {
  ilheap *h = NULL;
  int rc = ilheap_create(base, opts, &h);
  cr_assert_eq(rc, ILHEAP_OK, "ilheap_create: %s", ilheap_strerror(rc));
  cr_assert_not_null(h);
  return h;
}

static inline ilheap_stats check_stats(const ilheap *heap) {
  ilheap_stats st;
  memset(&st, 0xA5, sizeof st);
  st.size = sizeof st;
  int rc = ilheap_get_stats(heap, &st);
  cr_assert_eq(rc, ILHEAP_OK, "ilheap_get_stats: %s", ilheap_strerror(rc));
  cr_assert_eq(st.version, ILHEAP_STATS_VERSION);
  return st;
}

/* The stats match what the test itself did with the heap: `blocks` and
 * `requested` exactly, `failed` NULL answers with cb > 0, and the
 * address-space figures agree with each other and with walk_reserved. */
static inline void check_stats_consistent(const ilheap *heap, uint64_t blocks, uint64_t requested,
                                          uint64_t failed) {
  CHECK_OK(sup_check_stats(heap, blocks, requested, failed, why));
}

/* ---- The simulated space ------------------------------------------------ */
typedef struct check_sim_map {
  sup_ranges kind[4];    /* indexed by ilheap_sim_kind, each normalized */
  uintptr_t first, last; /* what the walk covered */
  int ascending_ok;
} check_sim_map;

static inline int check_sim_visit(void *arg, uintptr_t lo, uintptr_t hi, ilheap_sim_kind kind) {
  check_sim_map *m = arg;
  if (m->last != 0 && lo != m->last)
    m->ascending_ok = 0;
  if (m->first == 0)
    m->first = lo;
  if (hi <= lo || (unsigned)kind > ILHEAP_SIM_COMMITTED)
    m->ascending_ok = 0;
  else
    sup_ranges_push(&m->kind[kind], lo, hi);
  m->last = hi;
  return 0;
}

/* Walks the simulation and asserts the walk covers [base, base + size) exactly,
 * in ascending order, without gaps. */
static inline void check_sim_read(const ilheap_sim *sim, check_sim_map *m) {
  memset(m, 0, sizeof *m);
  m->ascending_ok = 1;
  cr_assert_eq(ilheap_sim_walk(sim, check_sim_visit, m), ILHEAP_OK);
  cr_assert(m->ascending_ok, "ilheap_sim_walk: ranges not contiguous and ascending");
  cr_assert_eq(m->first, ilheap_sim_base(sim), "walk does not start at the base");
  cr_assert_eq(m->last, ilheap_sim_base(sim) + ilheap_sim_size(sim), "walk does not reach the end");
  for (int k = 0; k < 4; k++)
    sup_ranges_normalize(&m->kind[k]);
}

static inline void check_sim_free_map(check_sim_map *m) {
  for (int k = 0; k < 4; k++)
    sup_ranges_free(&m->kind[k]);
}

/* Clause 3 on the simulated space: every block lies in committed memory, none
 * in a foreign range. */
static inline void check_blocks_in_sim(const ilheap_sim *sim, const check_blocks *bs) {
  check_sim_map m;
  check_sim_read(sim, &m);
  check_blocks_inside(bs, &m.kind[ILHEAP_SIM_COMMITTED]);
  check_blocks_avoid(bs, &m.kind[ILHEAP_SIM_FOREIGN], "a foreign range");
  check_sim_free_map(&m);
}

static inline ilheap_sim_stats check_sim_stats(const ilheap_sim *sim) {
  ilheap_sim_stats st;
  memset(&st, 0xA5, sizeof st);
  cr_assert_eq(ilheap_sim_get_stats(sim, &st), ILHEAP_OK);
  return st;
}

static inline ilheap_sim *check_sim_create(size_t size, size_t page) {
  ilheap_sim *sim = NULL;
  int rc = ilheap_sim_create(size, page, &sim);
  cr_assert_eq(rc, ILHEAP_OK, "ilheap_sim_create: %s", ilheap_strerror(rc));
  cr_assert_not_null(sim);
  return sim;
}

/* The host's page (what a simulated space with page size 0 gets): 4 KiB on
 * x86, 16 or 64 KiB on some arm64 systems. Tests that size windows, budgets or
 * simulated pages by it hold at every page size. */
static inline size_t check_host_page(void) {
  ilheap_sim *sim = check_sim_create(1, 0);
  size_t page = ilheap_sim_page_size(sim);
  ilheap_sim_destroy(sim);
  return page;
}

/* Options for a heap on `prov` with the given window and alignment. */
static inline ilheap_options check_opts(const ilheap_provider *prov, uint32_t max_offset,
                                        uint32_t alignment) {
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = prov;
  o.max_offset = max_offset;
  o.alignment = alignment;
  return o;
}

/* ---- Driving a heap ----------------------------------------------------- */
typedef struct check_tally {
  uint64_t blocks, requested, failed; /* what the stats must say */
} check_tally;

/* One ilheap_alloc, checked: a block is checked fresh (clauses 1, 2, 4),
 * filled and recorded; NULL is counted as a failure when cb > 0. */
static inline void *check_alloc(ilheap *heap, uint32_t cb, uint32_t idx, check_blocks *bs,
                                check_tally *t) {
  void *p = ilheap_alloc(heap, cb);
  if (p == NULL) {
    if (cb > 0)
      t->failed++;
    return NULL;
  }
  cr_assert_neq(cb, 0u, "contract 5: cb == 0 gave a block");
  check_fresh_block(heap, p, cb);
  check_blocks_push(bs, p, cb, idx);
  t->blocks++;
  t->requested += cb;
  return p;
}

/* Up to n IL-sized allocations; returns how many succeeded. */
static inline size_t check_alloc_il(ilheap *heap, size_t n, uint64_t seed, uint32_t idx,
                                    check_blocks *bs, check_tally *t) {
  size_t ok = 0;
  for (size_t i = 0; i < n; i++)
    ok += check_alloc(heap, sup_il_size(&seed), idx, bs, t) != NULL;
  return ok;
}

/* ---- The real process --------------------------------------------------- */
typedef struct check_modules {
  sup_module v[128];
  size_t n;
} check_modules;

/* A module every process has, with room above it for heaps: Linux's libc,
 * mapped high; on Windows the program itself (32-bit Wine puts kernel32 and
 * ntdll right under the top of user space, with no room above them). */
#ifdef _WIN32
#define CHECK_ROOMY_MODULE ".exe"
#else
#define CHECK_ROOMY_MODULE "libc.so"
#endif

/* Every module loaded in the process, the main program first. */
static inline void check_loaded_modules(check_modules *ms) {
  ms->n = sup_modules(ms->v, sizeof ms->v / sizeof ms->v[0]);
  cr_assert_gt(ms->n, 0u, "no module found");
}

/* What a test of clauses 3 and 7 on the OS keeps: the process map before the
 * heaps, with them and after them, what they reserved, where they could act. */
typedef struct check_os_maps {
  sup_ranges before, now, after, reserved, zones;
} check_os_maps;

static inline void check_os_maps_free(check_os_maps *m) {
  sup_ranges_free(&m->before);
  sup_ranges_free(&m->now);
  sup_ranges_free(&m->after);
  sup_ranges_free(&m->reserved);
  sup_ranges_free(&m->zones);
}

/* Clause 7 against the process map (support/contract.h, sup_check_restored).
 * The snapshots are read without allocating, so the brk heap only changes
 * when the test itself allocates between them: tests reserve what they need
 * before the first snapshot. */
static inline void check_maps_restored(const sup_ranges *before, const sup_ranges *after,
                                       const sup_ranges *reserved, const sup_ranges *zones) {
  /* Under Valgrind, malloc is Valgrind's: it maps its arenas wherever and
   * whenever it likes, so the map is not the program's alone. The comparison
   * runs in every other lane; here the test still runs for memcheck. */
  if (CHECK_UNDER_VALGRIND())
    return;
  CHECK_OK(sup_check_restored(before, after, reserved, zones, why));
}

/* Clause 3 against the process: what the heap reserved was free before
 * (`before`), is mapped now (`now`), and every block lies inside it. */
static inline void check_reserved_vs_maps(const ilheap *heap, const check_blocks *bs,
                                          const sup_ranges *before, const sup_ranges *now,
                                          sup_ranges *all_reserved) {
  sup_ranges r = {0};
  check_heap_reserved(heap, &r);
  CHECK_OK(sup_check_reserved_fresh(&r, before, now, why));
  if (bs)
    check_blocks_inside(bs, &r);
  if (all_reserved)
    for (size_t i = 0; i < r.n; i++)
      sup_ranges_push(all_reserved, r.v[i].lo, r.v[i].hi);
  sup_ranges_free(&r);
}

/* The core populates only refills of this many bytes or more (ilheap.h, map). */
#define CHECK_POPULATE_MIN ((size_t)32 << 10)

/* Bulk provisioning follows the caller (test_contract_os, test_contract_win):
 * one run fills a heap of the OS provider at base with 3000-byte blocks
 * (written when write is nonzero) until it has grown in place three times and
 * reserved at least min_reserved bytes (so that its steps are that large / 32), then
 * counts with resident_pages the system pages (of `page` bytes) from the lowest
 * reserved byte up to the last block's page: what the last refill committed and
 * nothing touched. A writer must find them all resident, a caller that does
 * not write none of them. */
static inline void check_refill_residency(const ilheap_provider *os, const void *base, int write,
                                          uint64_t min_reserved, size_t page,
                                          size_t (*resident_pages)(uintptr_t, uintptr_t),
                                          size_t *resident, size_t *pages) {
  ilheap_options o = check_opts(os, ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create(base, &o);
  ilheap_stats st = {.size = sizeof st};
  unsigned char *last = NULL;
  do {
    last = ilheap_alloc(h, 3000);
    cr_assert_not_null(last);
    if (write)
      memset(last, 0xA5, 3000);
    cr_assert_eq(ilheap_get_stats(h, &st), ILHEAP_OK);
  } while (st.extensions < 3 || st.bytes_reserved < min_reserved);
  cr_assert_eq(st.chunks, 1u, "one chunk grown in place");
  uintptr_t lo = st.lowest, hi = (uintptr_t)last & ~(uintptr_t)(page - 1);
  cr_assert_gt(hi, lo, "the last refill left room below the last block");
  *pages = (hi - lo) / page;
  *resident = resident_pages(lo, hi);
  ilheap_destroy(h);
}

static inline void check_refill_populates_for_a_writer_only(
    const ilheap_provider *os, const void *base, uint64_t min_reserved, size_t page,
    size_t (*resident_pages)(uintptr_t, uintptr_t)) {
  size_t resident = 0, pages = 0;
  check_refill_residency(os, base, 1, min_reserved, page, resident_pages, &resident, &pages);
  cr_assert_eq(resident, pages, "writer: %zu of %zu pages below the last block resident", resident,
               pages);
  check_refill_residency(os, base, 0, min_reserved, page, resident_pages, &resident, &pages);
  cr_assert_eq(resident, 0u, "no writer: %zu of %zu pages resident", resident, pages);
}

#endif
