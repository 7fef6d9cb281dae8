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

/* Bulk provisioning follows the caller, as on Linux (check.h): a writer's
 * refills are resident at once, a non-writer's not. The heap holds 3 MiB
 * first: its steps are then above one granule, which alone is never populated. */
Test(contract_win, refill_populates_for_a_writer_only) {
  check_refill_populates_for_a_writer_only(os(), GetModuleHandleA(NULL), 3 * MiB, 4096,
                                           resident_pages);
}
