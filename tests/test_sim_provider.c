/* SPDX-License-Identifier: MIT */
/*
 * The simulated address-space provider itself (include/ilheap_sim.h): creation
 * and rounding, occupy/vacate with page rounding and clipping, the walk that
 * covers the space exactly, failure injection schedules, statistics, and the
 * provider functions (walk_free, reserve, commit, release) as a heap sees them.
 * The heaps' contract on top of it is in test_contract_sim.c.
 */
#include "check.h"

#include <signal.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

#define MiB ((size_t)1 << 20)
#define KiB ((size_t)1 << 10)
/* ilheap_sim_create's largest size (include/ilheap_sim.h). */
#define SIM_MAX_DOC (SIZE_MAX > 0xFFFFFFFFu ? (size_t)(UINT64_C(1) << 40) : (size_t)1 << 31)

/* The host's page, from the OS (the simulated space's own answer is checked
 * against it). */
static size_t host_page(void) {
#ifdef _WIN32
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  return si.dwPageSize;
#else
  return (size_t)sysconf(_SC_PAGESIZE);
#endif
}

/* The unit of the tests below that count in pages: 4 KiB on x86, the host's page
 * where it is larger (arm64: 16 or 64 KiB), the smallest a simulated space can
 * have; every offset scales with it. */
#define P host_page()

Test(sim_provider, create_rounding_and_bounds) {
  ilheap_sim *sim = NULL;
  size_t hp = host_page();
  /* size rounds up to the page; base is page aligned. */
  sim = check_sim_create(3 * hp + 1, 0);
  cr_assert_eq(ilheap_sim_size(sim), 4 * hp);
  cr_assert_eq(ilheap_sim_page_size(sim), hp);
  cr_assert_eq(ilheap_sim_base(sim) % hp, 0u);
  ilheap_sim_destroy(sim);
  sim = check_sim_create(1, 64 * KiB);
  cr_assert_eq(ilheap_sim_size(sim), 64 * KiB);
  cr_assert_eq(ilheap_sim_base(sim) % (64 * KiB), 0u, "base not aligned to the sim's page");
  const ilheap_provider *p = ilheap_sim_provider(sim);
  cr_assert_not_null(p);
  cr_assert_eq(p->page_size, 64 * KiB);
  cr_assert_eq(p->size, sizeof(ilheap_provider));
  cr_assert_eq(p->flags, 0u);
  cr_assert(p->walk_free && p->reserve && p->commit && p->release);
  ilheap_sim_destroy(sim);
  /* 1 TiB (2 GiB in a 32-bit process): the documented maximum. The host may
   * refuse a region that large (ThreadSanitizer and Valgrind keep most of the
   * address space; a 32-bit process rarely has 2 GiB in one piece): ENOMEM is the
   * documented answer then. */
  int rc = ilheap_sim_create(SIM_MAX_DOC, 0, &sim);
  cr_assert(rc == ILHEAP_OK || rc == ILHEAP_ENOMEM, "the maximum: %s", ilheap_strerror(rc));
  if (rc == ILHEAP_OK) {
    cr_assert_eq(ilheap_sim_size(sim), SIM_MAX_DOC);
    ilheap_sim_destroy(sim);
  } else {
    cr_assert_null(sim);
    cr_log_info("the host refused a 1 TiB region: the maximum size was not exercised");
  }

  /* Bad sizes and page sizes: EINVAL, *out NULL. */
  static const size_t bad_pages[] = {1, 100, 2048, 4097, (size_t)3 * 4096, 2 * MiB};
  for (size_t i = 0; i < sizeof bad_pages / sizeof bad_pages[0]; i++) {
    sim = (ilheap_sim *)(uintptr_t)1;
    cr_assert_eq(ilheap_sim_create(MiB, bad_pages[i], &sim), ILHEAP_EINVAL, "page %zu",
                 bad_pages[i]);
    cr_assert_null(sim);
  }
  sim = (ilheap_sim *)(uintptr_t)1;
  cr_assert_eq(ilheap_sim_create(0, 0, &sim), ILHEAP_EINVAL, "size 0");
  cr_assert_null(sim);
  cr_assert_eq(ilheap_sim_create(SIM_MAX_DOC + 1, 0, &sim), ILHEAP_EINVAL, "over the maximum");
  cr_assert_eq(ilheap_sim_create(SIZE_MAX, 0, &sim), ILHEAP_EINVAL, "SIZE_MAX");
  cr_assert_eq(ilheap_sim_create(MiB, 0, NULL), ILHEAP_EINVAL);
}

Test(sim_provider, null_everywhere) {
  ilheap_sim_destroy(NULL);
  cr_assert_null(ilheap_sim_provider(NULL));
  cr_assert_eq(ilheap_sim_base(NULL), 0u);
  cr_assert_eq(ilheap_sim_size(NULL), 0u);
  cr_assert_eq(ilheap_sim_page_size(NULL), 0u);
  cr_assert_eq(ilheap_sim_occupy(NULL, 0, 4096), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_sim_vacate(NULL, 0, 4096), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_sim_inject(NULL, ILHEAP_SIM_RESERVE, 0, 1), ILHEAP_EINVAL);
  ilheap_sim_stats st;
  cr_assert_eq(ilheap_sim_get_stats(NULL, &st), ILHEAP_EINVAL);
  check_sim_map m;
  memset(&m, 0, sizeof m);
  cr_assert_eq(ilheap_sim_walk(NULL, check_sim_visit, &m), ILHEAP_EINVAL);
  ilheap_sim *sim = check_sim_create(MiB, 0);
  cr_assert_eq(ilheap_sim_get_stats(sim, NULL), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_sim_walk(sim, NULL, NULL), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_OP_COUNT, 0, 1), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_sim_inject(sim, (ilheap_sim_op)-1, 0, 1), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_sim_occupy(sim, ilheap_sim_base(sim), 0), ILHEAP_EINVAL, "len 0");
  ilheap_sim_destroy(sim);
}

/* occupy rounds outward to pages and clips to the space; ranges merge; the
 * walk covers the space exactly, ascending, with maximal ranges. */
Test(sim_provider, occupy_rounds_clips_and_merges) {
  ilheap_sim *sim = check_sim_create(256 * P, P);
  uintptr_t b = ilheap_sim_base(sim), end = b + ilheap_sim_size(sim);
  cr_assert_eq(ilheap_sim_occupy(sim, b + P + 1, 1), ILHEAP_OK);
  check_sim_map m;
  check_sim_read(sim, &m);
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].n, 1u);
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].v[0].lo, b + P, "not rounded down");
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].v[0].hi, b + 2 * P, "not rounded up");
  check_sim_free_map(&m);
  cr_assert_eq(check_sim_stats(sim).foreign_bytes, P);

  /* [b + P - 1, b + 3 P + 1): rounds to [b, b + 4 P), merges with the first. */
  cr_assert_eq(ilheap_sim_occupy(sim, b + P - 1, 2 * P + 2), ILHEAP_OK);
  check_sim_read(sim, &m);
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].n, 1u);
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].v[0].lo, b);
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].v[0].hi, b + 4 * P);
  check_sim_free_map(&m);

  /* Clipped at both ends of the space. */
  cr_assert_eq(ilheap_sim_occupy(sim, end - 100, 1 * MiB), ILHEAP_OK);
  cr_assert_eq(ilheap_sim_occupy(sim, b - (uintptr_t)3 * P, (size_t)3 * P + 10), ILHEAP_OK);
  check_sim_read(sim, &m);
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].n, 2u);
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].v[1].lo, end - P);
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].v[1].hi, end, "not clipped to the space");
  cr_assert_eq(sup_ranges_bytes(&m.kind[ILHEAP_SIM_FOREIGN]), (uint64_t)5 * P);
  cr_assert_eq(sup_ranges_bytes(&m.kind[ILHEAP_SIM_FREE]), ilheap_sim_size(sim) - (size_t)5 * P);
  check_sim_free_map(&m);
  cr_assert_eq(check_sim_stats(sim).foreign_bytes, (uint64_t)5 * P);

  /* Entirely outside: nothing left after clipping. */
  cr_assert_eq(ilheap_sim_occupy(sim, end, P), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_sim_occupy(sim, b - 2 * P, P), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_sim_occupy(sim, UINTPTR_MAX - 10, 100), ILHEAP_EINVAL, "wraps");
  /* The whole address space: clipped to the simulation. */
  cr_assert_eq(ilheap_sim_occupy(sim, 0, SIZE_MAX), ILHEAP_OK);
  cr_assert_eq(check_sim_stats(sim).foreign_bytes, ilheap_sim_size(sim));
  cr_assert_eq(ilheap_sim_vacate(sim, 0, SIZE_MAX), ILHEAP_OK);
  cr_assert_eq(check_sim_stats(sim).foreign_bytes, 0u);
  ilheap_sim_destroy(sim);
}

/* vacate removes foreign ranges inside the range (rounded like occupy) and
 * never touches what a heap reserved; occupying over a reservation is EBUSY. */
Test(sim_provider, vacate_and_heap_ranges) {
  ilheap_sim *sim = check_sim_create(256 * P, P);
  uintptr_t b = ilheap_sim_base(sim);
  const ilheap_provider *p = ilheap_sim_provider(sim);
  cr_assert_eq(ilheap_sim_occupy(sim, b, 16 * P), ILHEAP_OK);
  cr_assert_eq(ilheap_sim_vacate(sim, b + 4 * P, 4 * P), ILHEAP_OK);
  check_sim_map m;
  check_sim_read(sim, &m);
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].n, 2u, "vacate did not split the range");
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].v[0].hi, b + 4 * P);
  cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].v[1].lo, b + 8 * P);
  check_sim_free_map(&m);

  /* A heap's reservation in the hole. */
  cr_assert_eq(p->reserve(p->ctx, b + 4 * P, 2 * P), ILHEAP_OK);
  cr_assert_eq(p->commit(p->ctx, b + 4 * P, P), ILHEAP_OK);
  cr_assert_eq(ilheap_sim_occupy(sim, b + 5 * P, 100), ILHEAP_EBUSY, "occupy over a reservation");
  cr_assert_eq(ilheap_sim_occupy(sim, b, 32 * P), ILHEAP_EBUSY);
  cr_assert_eq(ilheap_sim_vacate(sim, b, 32 * P), ILHEAP_OK);
  ilheap_sim_stats st = check_sim_stats(sim);
  cr_assert_eq(st.foreign_bytes, 0u);
  cr_assert_eq(st.reserved_bytes, 2 * P, "vacate touched a heap's reservation");
  cr_assert_eq(st.committed_bytes, P);
  cr_assert_eq(st.reserved_ranges, 1u);
  check_sim_read(sim, &m);
  cr_assert_eq(m.kind[ILHEAP_SIM_COMMITTED].n, 1u);
  cr_assert_eq(m.kind[ILHEAP_SIM_COMMITTED].v[0].lo, b + 4 * P);
  cr_assert_eq(m.kind[ILHEAP_SIM_COMMITTED].v[0].hi, b + 5 * P);
  cr_assert_eq(m.kind[ILHEAP_SIM_RESERVED].n, 1u);
  cr_assert_eq(m.kind[ILHEAP_SIM_RESERVED].v[0].lo, b + 5 * P);
  cr_assert_eq(m.kind[ILHEAP_SIM_RESERVED].v[0].hi, b + 6 * P);
  check_sim_free_map(&m);
  cr_assert_eq(p->release(p->ctx, b + 4 * P, 2 * P), ILHEAP_OK);
  st = check_sim_stats(sim);
  cr_assert_eq(st.reserved_bytes, 0u);
  cr_assert_eq(st.reserved_ranges, 0u);
  ilheap_sim_destroy(sim);
}

static int collect(void *arg, uintptr_t lo, uintptr_t hi) {
  sup_ranges_push(arg, lo, hi);
  return 0;
}

static int stop_after_one(void *arg, uintptr_t lo, uintptr_t hi) {
  (void)lo, (void)hi;
  ++*(int *)arg;
  return 1;
}

/* walk_free: maximal free ranges clipped to [lo, hi), ascending, excluding
 * foreign and reserved ranges; stops when the visitor says so; outside the
 * space nothing is free. */
Test(sim_provider, walk_free_semantics) {
  ilheap_sim *sim = check_sim_create(256 * P, P);
  uintptr_t b = ilheap_sim_base(sim), end = b + ilheap_sim_size(sim);
  const ilheap_provider *p = ilheap_sim_provider(sim);
  cr_assert_eq(ilheap_sim_occupy(sim, b + 16 * P, 16 * P), ILHEAP_OK);
  cr_assert_eq(p->reserve(p->ctx, b + 64 * P, 16 * P), ILHEAP_OK);
  sup_ranges g = {0};
  cr_assert_eq(p->walk_free(p->ctx, 0, UINTPTR_MAX, collect, &g), ILHEAP_OK);
  cr_assert_eq(g.n, 3u);
  cr_assert_eq(g.v[0].lo, b);
  cr_assert_eq(g.v[0].hi, b + 16 * P);
  cr_assert_eq(g.v[1].lo, b + 32 * P);
  cr_assert_eq(g.v[1].hi, b + 64 * P);
  cr_assert_eq(g.v[2].lo, b + 80 * P);
  cr_assert_eq(g.v[2].hi, end);
  g.n = 0;
  /* Clipped to an unaligned [lo, hi). */
  cr_assert_eq(p->walk_free(p->ctx, b + 100, b + 50 * P + 3, collect, &g), ILHEAP_OK);
  cr_assert_eq(g.n, 2u);
  cr_assert_eq(g.v[0].lo, b + 100);
  cr_assert_eq(g.v[1].hi, b + 50 * P + 3);
  g.n = 0;
  /* Entirely outside the space, and an empty range. */
  cr_assert_eq(p->walk_free(p->ctx, end, end + MiB, collect, &g), ILHEAP_OK);
  cr_assert_eq(p->walk_free(p->ctx, 0, b, collect, &g), ILHEAP_OK);
  cr_assert_eq(p->walk_free(p->ctx, b + P, b + P, collect, &g), ILHEAP_OK);
  cr_assert_eq(g.n, 0u, "free ranges reported outside the space");
  int calls = 0;
  cr_assert_eq(p->walk_free(p->ctx, b, end, stop_after_one, &calls), ILHEAP_OK);
  cr_assert_eq(calls, 1, "the walk went on after the visitor stopped it");
  sup_ranges_free(&g);
  cr_assert_eq(p->release(p->ctx, b + 64 * P, 16 * P), ILHEAP_OK);
  ilheap_sim_destroy(sim);
}

/* reserve/commit/release as documented: EBUSY over anything taken, ERANGE
 * outside the space or unaligned, commit only inside a reservation and zero
 * filled, released memory reads zero when committed again. */
Test(sim_provider, reserve_commit_release) {
  ilheap_sim *sim = check_sim_create(256 * P, P);
  uintptr_t b = ilheap_sim_base(sim), end = b + ilheap_sim_size(sim);
  const ilheap_provider *p = ilheap_sim_provider(sim);
  cr_assert_eq(ilheap_sim_occupy(sim, b, P), ILHEAP_OK);
  cr_assert_eq(p->reserve(p->ctx, b, 2 * P), ILHEAP_EBUSY, "reserve over a foreign range");
  cr_assert_eq(p->reserve(p->ctx, b + P, 2 * P), ILHEAP_OK);
  cr_assert_eq(p->reserve(p->ctx, b + 2 * P, 2 * P), ILHEAP_EBUSY, "reserve over a reservation");
  cr_assert_neq(p->reserve(p->ctx, end - P, 2 * P), ILHEAP_OK, "reserve past the end");
  cr_assert_neq(p->reserve(p->ctx, b + 16 * P + 1, P), ILHEAP_OK, "unaligned reserve");
  cr_assert_neq(p->reserve(p->ctx, b - P, P), ILHEAP_OK, "reserve below the space");
  cr_assert_neq(p->commit(p->ctx, b + 16 * P, P), ILHEAP_OK, "commit of free space");
  cr_assert_neq(p->commit(p->ctx, b, P), ILHEAP_OK, "commit of a foreign range");
  cr_assert_eq(p->commit(p->ctx, b + P, 2 * P), ILHEAP_OK);
  unsigned char *c = (unsigned char *)(b + P);
  for (size_t i = 0; i < 2 * P; i++) {
    cr_assert_eq(c[i], 0, "committed memory not zero at %zu", i);
    c[i] = 0xEE;
  }
  ilheap_sim_stats st = check_sim_stats(sim);
  cr_assert_eq(st.reserved_bytes, 2 * P);
  cr_assert_eq(st.committed_bytes, 2 * P);
  cr_assert_neq(p->release(p->ctx, b, 2 * P), ILHEAP_OK, "release of a foreign range");
  cr_assert_eq(p->release(p->ctx, b + P, 2 * P), ILHEAP_OK);
  cr_assert_eq(check_sim_stats(sim).reserved_bytes, 0u);
  cr_assert_eq(p->reserve(p->ctx, b + P, 2 * P), ILHEAP_OK);
  cr_assert_eq(p->commit(p->ctx, b + P, 2 * P), ILHEAP_OK);
  for (size_t i = 0; i < 2 * P; i++)
    cr_assert_eq(c[i], 0, "recommitted memory kept old contents at %zu", i);
  cr_assert_eq(p->release(p->ctx, b + P, 2 * P), ILHEAP_OK);
  ilheap_sim_destroy(sim);
}

/* Injection: `skip` normal calls, then `count` failures, counted; count 0
 * clears; UINT32_MAX fails for ever; a lost race paints a foreign range over
 * exactly the requested range. */
Test(sim_provider, inject_schedules) {
  ilheap_sim *sim = check_sim_create(256 * P, P);
  uintptr_t b = ilheap_sim_base(sim);
  const ilheap_provider *p = ilheap_sim_provider(sim);
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_RESERVE, 2, 3), ILHEAP_OK);
  int rcs[7];
  for (int i = 0; i < 7; i++) {
    rcs[i] = p->reserve(p->ctx, b + (uintptr_t)i * P, P);
  }
  static const int want[7] = {0, 0, ILHEAP_ENOMEM, ILHEAP_ENOMEM, ILHEAP_ENOMEM, 0, 0};
  for (int i = 0; i < 7; i++)
    cr_assert_eq(rcs[i], want[i], "reserve call %d: %d, want %d", i, rcs[i], want[i]);
  ilheap_sim_stats st = check_sim_stats(sim);
  cr_assert_eq(st.failures, 3u);
  cr_assert_eq(st.calls[ILHEAP_SIM_RESERVE], 7u);
  cr_assert_eq(st.reserved_bytes, (uint64_t)4 * P);

  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_COMMIT, 0, UINT32_MAX), ILHEAP_OK);
  for (int i = 0; i < 10; i++)
    cr_assert_eq(p->commit(p->ctx, b, P), ILHEAP_ENOMEM);
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_COMMIT, 5, 0), ILHEAP_OK); /* clears */
  cr_assert_eq(p->commit(p->ctx, b, P), ILHEAP_OK);
  cr_assert_eq(check_sim_stats(sim).committed_bytes, P);

  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_WALK, 1, 1), ILHEAP_OK);
  sup_ranges g = {0};
  cr_assert_eq(p->walk_free(p->ctx, b, b + 256 * P, collect, &g), ILHEAP_OK);
  size_t first = g.n;
  cr_assert_gt(first, 0u);
  cr_assert_eq(p->walk_free(p->ctx, b, b + 256 * P, collect, &g), ILHEAP_EPROVIDER);
  cr_assert_eq(g.n, first, "a failed walk visited ranges");
  cr_assert_eq(p->walk_free(p->ctx, b, b + 256 * P, collect, &g), ILHEAP_OK);
  sup_ranges_free(&g);

  uint64_t fb = check_sim_stats(sim).foreign_bytes;
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_RACE, 0, 1), ILHEAP_OK);
  cr_assert_eq(p->reserve(p->ctx, b + 32 * P, 3 * P), ILHEAP_EBUSY);
  st = check_sim_stats(sim);
  cr_assert_eq(st.calls[ILHEAP_SIM_RACE], 1u);
  cr_assert_eq(st.foreign_bytes, fb + 3 * P, "the race's foreign range is not the request");
  check_sim_map m;
  check_sim_read(sim, &m);
  cr_assert_neq(sup_ranges_hit(&m.kind[ILHEAP_SIM_FOREIGN], b + 32 * P, b + 35 * P), (size_t)-1);
  check_sim_free_map(&m);
  cr_assert_eq(p->reserve(p->ctx, b + 48 * P, P), ILHEAP_OK, "the race schedule did not end");
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_RACE, 0, 0), ILHEAP_OK);
  ilheap_sim_destroy(sim);
}

/* Statistics count maximal reserved ranges across kinds and break at foreign
 * ranges and gaps. */
Test(sim_provider, stats_ranges) {
  ilheap_sim *sim = check_sim_create(256 * P, P);
  uintptr_t b = ilheap_sim_base(sim);
  const ilheap_provider *p = ilheap_sim_provider(sim);
  cr_assert_eq(p->reserve(p->ctx, b, 2 * P), ILHEAP_OK);
  cr_assert_eq(p->reserve(p->ctx, b + 2 * P, 2 * P), ILHEAP_OK); /* touches: one range */
  cr_assert_eq(p->commit(p->ctx, b + P, 2 * P), ILHEAP_OK);      /* mixed kinds, still one */
  cr_assert_eq(p->reserve(p->ctx, b + 8 * P, P), ILHEAP_OK);
  ilheap_sim_stats st = check_sim_stats(sim);
  cr_assert_eq(st.reserved_ranges, 2u);
  cr_assert_eq(st.reserved_bytes, (uint64_t)5 * P);
  cr_assert_eq(st.committed_bytes, (uint64_t)2 * P);
  check_sim_map m;
  check_sim_read(sim, &m);
  cr_assert_eq(sup_ranges_bytes(&m.kind[ILHEAP_SIM_COMMITTED]), 2 * P);
  cr_assert_eq(sup_ranges_bytes(&m.kind[ILHEAP_SIM_RESERVED]), (uint64_t)3 * P);
  check_sim_free_map(&m);
  /* A release of part of a range splits it. */
  cr_assert_eq(p->release(p->ctx, b + P, P), ILHEAP_OK);
  st = check_sim_stats(sim);
  cr_assert_eq(st.reserved_ranges, 3u);
  cr_assert_eq(st.reserved_bytes, (uint64_t)4 * P);
  ilheap_sim_destroy(sim);
}

/* Many random operations: the walk always covers the space exactly and the
 * statistics always equal what the walk shows. */
Test(sim_provider, random_ops_walk_matches_stats) {
  ilheap_sim *sim = check_sim_create(1024 * P, P);
  uintptr_t b = ilheap_sim_base(sim);
  const ilheap_provider *p = ilheap_sim_provider(sim);
  uint64_t seed = 2024;
  for (int i = 0; i < 3000; i++) {
    uint64_t r = sup_rand(&seed);
    uintptr_t a = b + (uintptr_t)(r % 1024) * P;
    size_t len = (size_t)(1 + (r >> 10) % 16) * P;
    switch ((r >> 20) % 5) {
    case 0: (void)ilheap_sim_occupy(sim, a, len); break;
    case 1: (void)ilheap_sim_vacate(sim, a, len); break;
    case 2: (void)p->reserve(p->ctx, a, len); break;
    case 3: (void)p->commit(p->ctx, a, len); break;
    default: (void)p->release(p->ctx, a, len); break;
    }
    if (i % 100 == 0) {
      check_sim_map m;
      check_sim_read(sim, &m);
      ilheap_sim_stats st = check_sim_stats(sim);
      uint64_t foreign = sup_ranges_bytes(&m.kind[ILHEAP_SIM_FOREIGN]);
      uint64_t committed = sup_ranges_bytes(&m.kind[ILHEAP_SIM_COMMITTED]);
      uint64_t reserved = sup_ranges_bytes(&m.kind[ILHEAP_SIM_RESERVED]) + committed;
      uint64_t free_ = sup_ranges_bytes(&m.kind[ILHEAP_SIM_FREE]);
      cr_assert_eq(st.foreign_bytes, foreign);
      cr_assert_eq(st.committed_bytes, committed);
      cr_assert_eq(st.reserved_bytes, reserved);
      cr_assert_eq(foreign + reserved + free_, ilheap_sim_size(sim));
      check_sim_free_map(&m);
    }
  }
  ilheap_sim_destroy(sim);
}

/* The optional functions: map reserves and commits in one step with reserve's
 * and commit's answers, schedules and counts; resident is the host's answer;
 * decommit puts a range back to reserved (never free), its bytes zero when
 * committed again. */
Test(sim_provider, map_resident_decommit) {
  ilheap_sim *sim = check_sim_create(256 * P, P);
  uintptr_t b = ilheap_sim_base(sim);
  const ilheap_provider *p = ilheap_sim_provider(sim);
  cr_assert(p->size == sizeof *p && p->map && p->resident && p->decommit);
  cr_assert_eq(ilheap_sim_occupy(sim, b, P), ILHEAP_OK);
  cr_assert_eq(p->map(p->ctx, b, 2 * P, ILHEAP_MAP_RESERVE), ILHEAP_EBUSY, "over a foreign range");
  cr_assert_eq(p->map(p->ctx, b + P, P, 4u), ILHEAP_EINVAL, "an unknown bit");
  cr_assert_eq(p->map(p->ctx, b + P, P, 0), ILHEAP_EINVAL, "commit of free space");
  cr_assert_eq(p->map(p->ctx, b - P, P, ILHEAP_MAP_RESERVE), ILHEAP_ERANGE);
  ilheap_sim_stats before = check_sim_stats(sim);
  cr_assert_eq(p->map(p->ctx, b + P, 4 * P, ILHEAP_MAP_RESERVE), ILHEAP_OK);
  ilheap_sim_stats st = check_sim_stats(sim);
  cr_assert_eq(st.committed_bytes, 4 * P);
  cr_assert_eq(st.calls[ILHEAP_SIM_RESERVE], before.calls[ILHEAP_SIM_RESERVE] + 1);
  cr_assert_eq(st.calls[ILHEAP_SIM_COMMIT], before.calls[ILHEAP_SIM_COMMIT] + 1);
  unsigned char *c = (unsigned char *)(b + P);
  cr_assert_eq(p->resident(p->ctx, b + P), 0, "never touched");
  for (size_t i = 0; i < 4 * P; i++) {
    cr_assert_eq(c[i], 0);
    c[i] = 0x5A;
  }
  cr_assert_eq(p->resident(p->ctx, b + P), 1, "written");
  cr_assert_eq(p->resident(p->ctx, b + 16 * P), ILHEAP_EINVAL, "free: not committed");
  /* POPULATE alone on a committed range: no commit counted. */
  cr_assert_eq(p->map(p->ctx, b + P, 4 * P, ILHEAP_MAP_POPULATE), ILHEAP_OK);
  cr_assert_eq(check_sim_stats(sim).calls[ILHEAP_SIM_COMMIT], st.calls[ILHEAP_SIM_COMMIT]);

  /* decommit: back to reserved, not free; contents dropped. */
  cr_assert_eq(p->decommit(p->ctx, b, 2 * P), ILHEAP_EINVAL, "a foreign range");
  cr_assert_eq(p->decommit(p->ctx, b + 16 * P, P), ILHEAP_EINVAL, "free space");
  cr_assert_eq(p->decommit(p->ctx, b + P, 4 * P), ILHEAP_OK);
  st = check_sim_stats(sim);
  cr_assert_eq(st.reserved_bytes, 4 * P, "still reserved");
  cr_assert_eq(st.committed_bytes, 0u);
  cr_assert_eq(p->reserve(p->ctx, b + P, P), ILHEAP_EBUSY, "nothing else can take it");
  cr_assert_eq(p->resident(p->ctx, b + P), ILHEAP_EINVAL, "reserved, not committed");
  cr_assert_eq(p->map(p->ctx, b + P, 4 * P, 0), ILHEAP_OK, "committed again");
  for (size_t i = 0; i < 4 * P; i++)
    cr_assert_eq(c[i], 0, "decommitted memory kept its contents at %zu", i);

  /* map's schedules are reserve's and commit's. */
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_RESERVE, 0, 1), ILHEAP_OK);
  cr_assert_eq(p->map(p->ctx, b + 32 * P, P, ILHEAP_MAP_RESERVE), ILHEAP_ENOMEM);
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_COMMIT, 0, 1), ILHEAP_OK);
  cr_assert_eq(p->map(p->ctx, b + 32 * P, P, ILHEAP_MAP_RESERVE), ILHEAP_ENOMEM);
  cr_assert_eq(check_sim_stats(sim).reserved_bytes, 4 * P, "a failed map reserves nothing");
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_RACE, 0, 1), ILHEAP_OK);
  cr_assert_eq(p->map(p->ctx, b + 32 * P, P, ILHEAP_MAP_RESERVE), ILHEAP_EBUSY);
  cr_assert_eq(check_sim_stats(sim).foreign_bytes, 2 * P, "the race's foreign page");
  cr_assert_eq(p->release(p->ctx, b + P, 4 * P), ILHEAP_OK);
  ilheap_sim_destroy(sim);
}
