/* SPDX-License-Identifier: MIT */
/*
 * THE CONTRACT (include/ilheap.h) on the Windows provider, where it differs
 * from Linux: reservations of the allocation granularity (64 KiB) that cannot
 * be split or partly freed, VirtualAlloc's answers, and foreign reservations in
 * the way. Windows only (tests/CMakeLists.txt); the Linux counterpart of these
 * cases is test_contract_os.c. Checked against VirtualQuery
 * (support/os_windows.c).
 */
#include "check.h"

#include <string.h>
#include <windows.h>
/* after windows.h */
#include <psapi.h>

#define MiB ((size_t)1 << 20)
#define KiB ((size_t)1 << 10)

static const ilheap_provider *os(void) {
  const ilheap_provider *p = ilheap_os_provider();
  cr_assert_not_null(p, "Windows has an OS provider");
  return p;
}

static size_t granularity(void) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  return si.dwAllocationGranularity;
}

/* A free stretch of len bytes: reserved and released at once (one thread). */
static uintptr_t free_area(size_t len) {
  void *p = VirtualAlloc(NULL, len, MEM_RESERVE, PAGE_NOACCESS);
  cr_assert_not_null(p, "no free %zu bytes", len);
  cr_assert(VirtualFree(p, 0, MEM_RELEASE));
  return (uintptr_t)p;
}

/* The provider's shape: its page is the allocation granularity. */
Test(contract_win, provider_page_is_the_granularity) {
  const ilheap_provider *p = os();
  cr_assert_eq(p->size, sizeof(ilheap_provider));
  cr_assert_eq(p->page_size, granularity(), "page %zu, granularity %zu", p->page_size,
               granularity());
}

/* reserve/commit/release against VirtualQuery, and the answers to a busy or
 * foreign range. */
Test(contract_win, reserve_commit_release_answers) {
  const ilheap_provider *p = os();
  size_t g = p->page_size, len = 4 * g;
  uintptr_t a = free_area(len);
  cr_assert_eq(p->reserve(p->ctx, a, len), ILHEAP_OK);
  MEMORY_BASIC_INFORMATION mbi;
  cr_assert_eq(VirtualQuery((void *)a, &mbi, sizeof mbi), sizeof mbi);
  cr_assert_eq(mbi.State, MEM_RESERVE);
  cr_assert_eq(mbi.Protect, 0u, "reserved memory has no access yet");
  cr_assert_eq(mbi.AllocationProtect, PAGE_NOACCESS);
  cr_assert_eq(p->reserve(p->ctx, a, len), ILHEAP_EBUSY, "contract 3: reserve over itself");
  cr_assert_eq(p->reserve(p->ctx, a + g, g), ILHEAP_EBUSY, "inside a reservation");
  /* Growth in place makes adjacent reservations; commit spans them. */
  uintptr_t b = a + len;
  if (p->reserve(p->ctx, b, g) == ILHEAP_OK) {
    cr_assert_eq(p->commit(p->ctx, a + len - g, 2 * g), ILHEAP_OK, "commit across two reservations");
    unsigned char *c = (unsigned char *)(a + len - g);
    for (size_t i = 0; i < 2 * g; i += 4096) {
      cr_assert_eq(c[i], 0, "contract 4: committed memory reads zero");
      c[i] = 1;
    }
    cr_assert_eq(VirtualQuery(c, &mbi, sizeof mbi), sizeof mbi);
    cr_assert_eq(mbi.Protect, PAGE_READWRITE, "never executable");
    cr_assert_eq(p->release(p->ctx, a, len + g), ILHEAP_OK, "release of a union of reservations");
  } else {
    cr_assert_eq(p->release(p->ctx, a, len), ILHEAP_OK);
  }
  cr_assert_eq(VirtualQuery((void *)a, &mbi, sizeof mbi), sizeof mbi);
  cr_assert_eq(mbi.State, MEM_FREE, "contract 7: released");
  cr_assert_geq((uintptr_t)mbi.BaseAddress + mbi.RegionSize, a + len);

  /* A range that is not the provider's: a foreign reservation is busy, and
   * releasing part of a reservation is refused and frees nothing. */
  void *foreign = VirtualAlloc(NULL, 2 * g, MEM_RESERVE, PAGE_NOACCESS);
  cr_assert_not_null(foreign);
  cr_assert_eq(p->reserve(p->ctx, (uintptr_t)foreign, g), ILHEAP_EBUSY);
  cr_assert_neq(p->release(p->ctx, (uintptr_t)foreign + g, g), ILHEAP_OK,
                "release of the second half of a reservation");
  cr_assert_eq(VirtualQuery(foreign, &mbi, sizeof mbi), sizeof mbi);
  cr_assert_eq(mbi.State, MEM_RESERVE, "the foreign reservation is still there");
  cr_assert_eq(mbi.RegionSize, 2 * g);
  cr_assert(VirtualFree(foreign, 0, MEM_RELEASE));
}

/* Clauses 3, 6 and 7 against foreign reservations: a window covered by a
 * fence of three committed reservations gives NULL and the fence keeps its
 * bytes; once the middle reservation is released, blocks come from that hole
 * only; after destroy the hole is free again (VirtualAlloc at exactly its
 * address succeeds). */
Test(contract_win, c3_c6_c7_fenced_window) {
  size_t g = granularity(), piece = 8 * g, len = 3 * piece;
  uintptr_t b = free_area(len);
  unsigned char *parts[3];
  for (int i = 0; i < 3; i++) {
    parts[i] = VirtualAlloc((void *)(b + (size_t)i * piece), piece, MEM_RESERVE | MEM_COMMIT,
                            PAGE_READWRITE);
    cr_assert_eq((uintptr_t)parts[i], b + (size_t)i * piece, "fence part %d not placed", i);
    memset(parts[i], 0xC3, piece);
  }
  ilheap_options o = check_opts(os(), (uint32_t)len, 8);
  ilheap *h = check_create((void *)b, &o);
  check_blocks bs = {0};
  check_tally t = {0};
  for (int i = 0; i < 3; i++)
    cr_assert_null(check_alloc(h, 100, 0, &bs, &t), "contract 3: a block over a foreign mapping");
  uintptr_t hole = b + piece, hole_end = hole + piece;
  cr_assert(VirtualFree(parts[1], 0, MEM_RELEASE));
  while (check_alloc(h, 100, 0, &bs, &t) != NULL)
    cr_assert_lt(bs.n, piece / 100);
  cr_assert_gt(bs.n, 100u, "contract 6: a %zu KiB hole in the window, %zu blocks", piece / KiB,
               bs.n);
  for (size_t i = 0; i < bs.n; i++)
    cr_assert(bs.v[i].p >= hole && bs.v[i].p + bs.v[i].cb <= hole_end,
              "contract 3: block %#" PRIxPTR " outside the only free range", bs.v[i].p);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  for (int k = 0; k < 3; k += 2)
    for (size_t i = 0; i < piece; i++)
      cr_assert_eq(parts[k][i], 0xC3, "contract 3: fence part %d written at %zu", k, i);
  ilheap_destroy(h);
  void *again = VirtualAlloc((void *)hole, piece, MEM_RESERVE, PAGE_NOACCESS);
  cr_assert_eq((uintptr_t)again, hole, "contract 7: the hole is still reserved after destroy");
  cr_assert(VirtualFree(again, 0, MEM_RELEASE));
  cr_assert(VirtualFree(parts[0], 0, MEM_RELEASE));
  cr_assert(VirtualFree(parts[2], 0, MEM_RELEASE));
  check_blocks_free(&bs);
}

/* Clause 9 at the top of user space: windows reaching past
 * lpMaximumApplicationAddress (and, in 32-bit, over the system's reserved
 * 64 KiB below 2 GiB) give NULL or blocks inside user space over nothing that
 * was there. */
Test(contract_win, c9_windows_past_the_top_of_user_space) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  uintptr_t top = (uintptr_t)si.lpMaximumApplicationAddress;
  const uintptr_t bases[] = {top - 0xFFFF, top - 12345, top, top + 1, top - (uintptr_t)(64 * MiB),
                             UINTPTR_MAX - 5};
  for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
    sup_ranges before = {0}, after = {0}, reserved = {0};
    check_read_maps(&before);
    ilheap *h = check_create((void *)bases[i], NULL);
    check_blocks bs = {0};
    check_tally t = {0};
    for (int k = 0; k < 50; k++)
      check_alloc(h, 100 + (uint32_t)k * 97, 0, &bs, &t);
    check_alloc(h, UINT32_MAX, 0, &bs, &t);
    check_blocks_avoid(&bs, &before, "a mapping that existed before create");
    check_blocks_disjoint(&bs);
    for (size_t k = 0; k < bs.n; k++)
      cr_assert_leq(bs.v[k].p + bs.v[k].cb, top + 1, "a block above the top of user space");
    check_heap_reserved(h, &reserved);
    ilheap_destroy(h);
    check_read_maps(&after);
    for (size_t k = 0; k < reserved.n; k++)
      cr_assert_eq(sup_ranges_hit(&after, reserved.v[k].lo, reserved.v[k].hi), (size_t)-1,
                   "contract 7: still reserved after destroy");
    sup_ranges_free(&before);
    sup_ranges_free(&after);
    sup_ranges_free(&reserved);
    check_blocks_free(&bs);
  }
}

/* How many of the 4 KiB pages of [lo, hi) are in the working set. */
static size_t resident_pages(uintptr_t lo, uintptr_t hi) {
  size_t got = 0;
  for (uintptr_t a = lo; a < hi; a += 4096) {
    PSAPI_WORKING_SET_EX_INFORMATION ws = {.VirtualAddress = (void *)a};
    cr_assert(QueryWorkingSetEx(GetCurrentProcess(), &ws, sizeof ws), "QueryWorkingSetEx");
    got += ws.VirtualAttributes.Valid;
  }
  return got;
}

/* The optional functions: map reserves and commits in one VirtualAlloc (EBUSY
 * over a reservation, nothing replaced; EINVAL for an unknown bit), commits one
 * reservation without RESERVE (EINVAL where there is none), populates on
 * request; resident tells a written granule from an untouched one by its
 * first or last 4 KiB page, and refuses what is not committed. */
Test(contract_win, provider_map_and_resident) {
  const ilheap_provider *p = os();
  cr_assert(p->map && p->resident, "Windows refills in one call and populates");
  size_t g = p->page_size;
  void *foreign = VirtualAlloc(NULL, g, MEM_RESERVE, PAGE_NOACCESS);
  cr_assert_not_null(foreign);
  cr_assert_eq(p->map(p->ctx, (uintptr_t)foreign, g, ILHEAP_MAP_RESERVE), ILHEAP_EBUSY);
  MEMORY_BASIC_INFORMATION mbi;
  cr_assert_eq(VirtualQuery(foreign, &mbi, sizeof mbi), sizeof mbi);
  cr_assert_eq(mbi.State, MEM_RESERVE, "the foreign reservation is left as it was");
  cr_assert(VirtualFree(foreign, 0, MEM_RELEASE));

  uintptr_t a = free_area(7 * g);
  cr_assert_eq(p->map(p->ctx, a, g, 4u), ILHEAP_EINVAL);
  cr_assert_eq(p->map(p->ctx, a + 1, g, ILHEAP_MAP_RESERVE), ILHEAP_EINVAL);
  cr_assert_eq(p->map(p->ctx, a, g, 0), ILHEAP_EINVAL, "nothing reserved there");
  cr_assert_eq(p->map(p->ctx, a, g, ILHEAP_MAP_RESERVE), ILHEAP_OK);
  cr_assert_eq(VirtualQuery((void *)a, &mbi, sizeof mbi), sizeof mbi);
  cr_assert_eq(mbi.State, MEM_COMMIT);
  cr_assert_eq(mbi.Protect, PAGE_READWRITE, "never executable");
  cr_assert_eq((uintptr_t)mbi.AllocationBase, a, "its own reservation");
  cr_assert_eq(resident_pages(a, a + g), 0u, "not populated unless asked");
  cr_assert_eq(p->resident(p->ctx, a), 0);
  ((volatile unsigned char *)a)[g - 1] = 1; /* the last page */
  cr_assert_eq(p->resident(p->ctx, a), 1, "written at the top");

  /* Populated: ranges of more than one granule (one alone is a small heap's
   * whole refill: not populated, see provider_windows.c). */
  cr_assert_eq(p->map(p->ctx, a + g, g, ILHEAP_MAP_RESERVE | ILHEAP_MAP_POPULATE), ILHEAP_OK);
  cr_assert_eq(resident_pages(a + g, a + 2 * g), 0u, "one granule: not populated");
  cr_assert_eq(p->map(p->ctx, a + 2 * g, 2 * g, ILHEAP_MAP_RESERVE | ILHEAP_MAP_POPULATE),
               ILHEAP_OK);
  cr_assert_eq(resident_pages(a + 2 * g, a + 4 * g), 2 * g / 4096, "populated");
  for (size_t i = 0; i < 2 * g; i++)
    cr_assert_eq(((unsigned char *)a + 2 * g)[i], 0, "populated pages read zero");

  /* Without RESERVE: commits one reservation, populating on request. */
  cr_assert_eq(p->reserve(p->ctx, a + 4 * g, 2 * g), ILHEAP_OK);
  cr_assert_eq(p->reserve(p->ctx, a + 6 * g, g), ILHEAP_OK);
  cr_assert_eq(p->resident(p->ctx, a + 4 * g), ILHEAP_EINVAL, "reserved, not committed");
  cr_assert_eq(p->map(p->ctx, a + 5 * g, 2 * g, 0), ILHEAP_EINVAL, "across two reservations");
  cr_assert_eq(p->map(p->ctx, a + 6 * g, g, 0), ILHEAP_OK);
  cr_assert_eq(p->resident(p->ctx, a + 6 * g), 0);
  ((volatile unsigned char *)a)[6 * g] = 1; /* the first page */
  cr_assert_eq(p->resident(p->ctx, a + 6 * g), 1, "written at the bottom");
  cr_assert_eq(p->map(p->ctx, a + 4 * g, 2 * g, ILHEAP_MAP_POPULATE), ILHEAP_OK);
  cr_assert_eq(resident_pages(a + 4 * g, a + 6 * g), 2 * g / 4096);

  cr_assert_eq(p->release(p->ctx, a, 7 * g), ILHEAP_OK);
  cr_assert_eq(p->resident(p->ctx, a), ILHEAP_EINVAL, "released");
  cr_assert_eq(p->resident(p->ctx, a + 1), ILHEAP_EINVAL, "not a page");
}

/* decommit: MEM_DECOMMIT, the range still reserved (nothing else can take it),
 * its pages no longer committed; committed again they read zero. A range that
 * is not reserved is refused, nothing done. */
Test(contract_win, provider_decommit) {
  const ilheap_provider *p = os();
  cr_assert_not_null(p->decommit);
  size_t g = p->page_size;
  MEMORY_BASIC_INFORMATION mbi;
  uintptr_t a = free_area(3 * g);
  cr_assert_eq(p->decommit(p->ctx, a, g), ILHEAP_EINVAL, "nothing reserved there");
  cr_assert_eq(p->map(p->ctx, a, 3 * g, ILHEAP_MAP_RESERVE), ILHEAP_OK);
  memset((void *)a, 0xA5, 3 * g);
  cr_assert_eq(p->decommit(p->ctx, a + 1, g), ILHEAP_EINVAL, "not a granule");
  cr_assert_eq(p->decommit(p->ctx, a + g, g), ILHEAP_OK);
  cr_assert_eq(VirtualQuery((void *)(a + g), &mbi, sizeof mbi), sizeof mbi);
  cr_assert_eq(mbi.State, MEM_RESERVE, "decommitted, still reserved");
  cr_assert_eq((uintptr_t)mbi.AllocationBase, a, "the same reservation");
  cr_assert_eq(((unsigned char *)a)[0], 0xA5, "the granules around it are untouched");
  cr_assert_eq(((unsigned char *)a)[3 * g - 1], 0xA5);
  cr_assert_eq(p->reserve(p->ctx, a + g, g), ILHEAP_EBUSY, "nothing else can take it");
  cr_assert_eq(p->map(p->ctx, a + g, g, 0), ILHEAP_OK, "committed again");
  for (size_t i = 0; i < g; i++)
    cr_assert_eq(((unsigned char *)a)[g + i], 0, "decommitted memory kept its contents at %zu", i);
  cr_assert_eq(p->decommit(p->ctx, a, 3 * g), ILHEAP_OK, "all of it");
  cr_assert_eq(p->release(p->ctx, a, 3 * g), ILHEAP_OK);
}

/* Bulk provisioning follows the caller, as on Linux (check.h): a writer's
 * refills are resident at once, a non-writer's not. The heap holds 3 MiB
 * first: its steps are then above one granule, which alone is never populated. */
Test(contract_win, refill_populates_for_a_writer_only) {
  check_refill_populates_for_a_writer_only(os(), GetModuleHandleA(NULL), 3 * MiB, 4096,
                                           resident_pages);
}

/* ---- The provider's view of remembered runs (src/os/provider_windows.c) ---- */

/* A crowd with holes no chunk fits in: one 4 KiB reservation in every other
 * granule of [a, a + 2 * n * g), made by VirtualAlloc (foreign to the
 * provider), bases into out. */
static void holed_crowd(uintptr_t a, size_t n, uintptr_t *out) {
  size_t g = granularity();
  for (size_t i = 0; i < n; i++) {
    void *p = VirtualAlloc((void *)(a + 2 * i * g), 4096, MEM_RESERVE, PAGE_NOACCESS);
    cr_assert_eq((uintptr_t)p, a + 2 * i * g, "crowd region %zu not placed", i);
    out[i] = (uintptr_t)p;
  }
}

static void free_crowd(const uintptr_t *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (v[i] != 0)
      cr_assert(VirtualFree((void *)v[i], 0, MEM_RELEASE));
}

/* The first free range of at least min bytes a walk reports. */
typedef struct first_gap {
  uintptr_t min, lo, hi;
} first_gap;

static int first_gap_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  first_gap *f = arg;
  if (hi - lo < f->min)
    return 0;
  f->lo = lo;
  f->hi = hi;
  return 1;
}

static uintptr_t walk_first(const ilheap_provider *p, uintptr_t lo, uintptr_t hi, uintptr_t min) {
  first_gap f = {min, 0, 0};
  cr_assert_eq(p->walk_free(p->ctx, lo, hi, first_gap_visit, &f), ILHEAP_OK);
  return f.lo;
}

/* Every range walk_free reports holds a whole granule and starts on one: the
 * rest of a granule whose start is reserved can never be reserved. */
static int granule_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  size_t g = *(size_t *)arg;
  cr_assert_eq(lo % g, 0u, "a free range from %#" PRIxPTR ", inside a granule", lo);
  cr_assert_geq(hi - lo, g, "a free range [%#" PRIxPTR ", %#" PRIxPTR ") without a whole granule",
                lo, hi);
  return 0;
}

Test(contract_win, walk_reports_whole_granules_only) {
  const ilheap_provider *p = os();
  size_t g = p->page_size, n = 32;
  uintptr_t crowd[32], a = free_area(2 * n * g);
  holed_crowd(a, n, crowd);
  cr_assert_eq(p->walk_free(p->ctx, a, a + 2 * n * g, granule_visit, &g), ILHEAP_OK);
  free_crowd(crowd, n);
}

/* A range the provider releases inside a remembered run is free at once: the
 * next walk reports it, though a walk that jumped the run would have passed
 * over it to the room above the crowd. */
Test(contract_win, view_forgets_what_the_provider_releases) {
  const ilheap_provider *p = os();
  size_t g = p->page_size, n = 32, k = 12;
  size_t span = 2 * n * g + 4 * g, len = span + 64 * g;
  uintptr_t crowd[32] = {0}, a = free_area(len), mine = a + 2 * k * g;
  /* The crowd, with the provider's own reservation of three granules in slot
   * k instead of a foreign page (slot k + 1 left out: that granule is its). */
  holed_crowd(a, k, crowd);
  cr_assert_eq(p->reserve(p->ctx, mine, 3 * g), ILHEAP_OK);
  for (size_t i = k + 2; i < n + 2; i++) {
    void *q = VirtualAlloc((void *)(a + 2 * i * g), 4096, MEM_RESERVE, PAGE_NOACCESS);
    cr_assert_eq((uintptr_t)q, a + 2 * i * g);
    crowd[i - 2] = (uintptr_t)q;
  }
  /* Crossed region by region, then jumped: the room above the crowd. */
  uintptr_t above = walk_first(p, a, a + len, 4 * g);
  cr_assert_geq(above, a + span - 2 * g, "the crowd has no room of 4 granules");
  for (int i = 0; i < 3; i++)
    cr_assert_eq(walk_first(p, a, a + len, 4 * g), above, "walk %d", i);
  /* Released: free from the granule below it (the crowd's hole there) to the
   * next page of the crowd, five granules, found first. */
  cr_assert_eq(p->release(p->ctx, mine, 3 * g), ILHEAP_OK);
  cr_assert_eq(walk_first(p, a, a + len, 3 * g), mine - g,
               "a range the provider released inside a remembered run was passed over");
  free_crowd(crowd, n);
}

/* Room that grows inside a remembered run by someone else's release is found
 * within VIEW_JUMPS (64) walks even while room lies above the crowd, and at
 * once by a heap whose window has no other room (the core's second look). */
Test(contract_win, view_finds_foreign_room_again) {
  const ilheap_provider *p = os();
  size_t g = p->page_size, n = 32, k = 14;
  size_t span = 2 * n * g, len = span + 64 * g;
  uintptr_t crowd[32], a = free_area(len);
  holed_crowd(a, n, crowd);
  uintptr_t above = walk_first(p, a, a + len, 3 * g);
  cr_assert_geq(above, a + span - 2 * g);
  cr_assert_eq(walk_first(p, a, a + len, 3 * g), above);
  /* Someone else releases two pages of the crowd: free from the granule
   * below the first to the next page of the crowd, five granules. */
  uintptr_t hole = crowd[k] - g, two[2] = {crowd[k], crowd[k + 1]};
  cr_assert(VirtualFree((void *)two[0], 0, MEM_RELEASE));
  cr_assert(VirtualFree((void *)two[1], 0, MEM_RELEASE));
  int seen = 0;
  for (int i = 0; i < 70 && !seen; i++)
    seen = walk_first(p, a, a + len, 3 * g) == hole;
  cr_assert(seen, "room freed inside a remembered run never reported in 70 walks");

  /* The same through a heap whose window is the crowd only: no room but the
   * hole once it is made, after walks that remembered the whole crowd. */
  for (int i = 0; i < 2; i++)
    cr_assert_eq(VirtualAlloc((void *)two[i], 4096, MEM_RESERVE, PAGE_NOACCESS), (void *)two[i]);
  ilheap_options o = check_opts(os(), (uint32_t)(span - 2 * g), 8);
  ilheap *h = check_create((void *)crowd[0], &o);
  for (int i = 0; i < 3; i++)
    cr_assert_null(ilheap_alloc(h, 100), "a block in a window whose holes are all too small");
  cr_assert(VirtualFree((void *)two[0], 0, MEM_RELEASE));
  cr_assert(VirtualFree((void *)two[1], 0, MEM_RELEASE));
  crowd[k] = crowd[k + 1] = 0;
  uintptr_t b = (uintptr_t)ilheap_alloc(h, 100);
  cr_assert(b >= hole && b < hole + 5 * g,
            "contract 6: the room freed in a remembered run was not found (block %#" PRIxPTR ")", b);
  ilheap_destroy(h);
  free_crowd(crowd, n);
}
