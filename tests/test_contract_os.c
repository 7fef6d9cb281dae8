/* SPDX-License-Identifier: MIT */
/*
 * THE CONTRACT (include/ilheap.h), clauses 1-7, on the operating system's
 * provider (ilheap_os_provider), checked against the process map
 * (/proc/self/maps) taken before the heap exists and after it is destroyed.
 */
#include "check.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MiB ((size_t)1 << 20)
#define KiB ((size_t)1 << 10)

/* a + n, or the last address when that passes the top (a 32-bit process). */
static uintptr_t add_clamped(uintptr_t a, uint64_t n) {
  return n > (uint64_t)(UINTPTR_MAX - a) ? UINTPTR_MAX : a + (uintptr_t)n;
}

static const ilheap_provider *os(void) {
  const ilheap_provider *p = ilheap_os_provider();
  cr_assert_not_null(p, "Linux has an OS provider");
  return p;
}

/* The base of a loaded module (libc: always there, mapped high); NULL: the
 * main program. */
static uintptr_t module_base(const char *part) {
  check_modules ms;
  check_loaded_modules(&ms);
  const sup_module *m = part ? sup_module_find(ms.v, ms.n, part) : &ms.v[0];
  cr_assert_not_null(m, "%s is not loaded", part);
  return m->base;
}

/* Runs `n` IL-like allocations on a fresh OS heap for `base`, checks clauses
 * 1-4 against the map taken before, then clause 7 after destroy. */
static void os_round(uintptr_t base, uint32_t max_offset, uint32_t alignment, size_t n,
                     uint64_t seed) {
  check_os_maps m = {0};
  check_blocks bs = {0};
  check_blocks_reserve(&bs, n); /* the test's own memory, before the snapshot */
  check_tally t = {0};
  ilheap_options o = check_opts(os(), max_offset, alignment);
  check_read_maps(&m.before);
  ilheap *h = check_create((void *)base, &o);
  size_t ok = check_alloc_il(h, n, seed, 0, &bs, &t);
  cr_assert_eq(ok, n, "module %#" PRIxPTR ": %zu of %zu requests failed", base, n - ok, n);
  check_read_maps(&m.now);
  check_blocks_avoid(&bs, &m.before, "a mapping that existed before create");
  check_reserved_vs_maps(h, &bs, &m.before, &m.now, &m.reserved);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  sup_zone_push(&m.zones, h);
  ilheap_destroy(h);
  check_read_maps(&m.after);
  check_maps_restored(&m.before, &m.after, &m.reserved, &m.zones);
  check_os_maps_free(&m);
  check_blocks_free(&bs);
}

/* Clauses 1-4 and 7 above libc and above the main program (whose window holds
 * its brk heap: the heap must avoid it). */
Test(contract_os, c1_to_c4_c7_above_libc) {
  os_round(module_base("libc.so"), ILHEAP_DEFAULT_MAX_OFFSET, 8, 5000, 1);
}
Test(contract_os, c1_to_c4_c7_above_main_program) {
  os_round(module_base(NULL), ILHEAP_DEFAULT_MAX_OFFSET, 8, 5000, 2);
}
/* The largest window the options allow. */
Test(contract_os, c1_window_4gib) { os_round(module_base("libc.so"), 0xFFFFFFFFu, 8, 2000, 3); }
/* module_base NULL: the window is [1, M), low memory (clause 9 too). */
Test(contract_os, c1_null_base_low_window) { os_round(0, ILHEAP_DEFAULT_MAX_OFFSET, 8, 2000, 4); }

/* Clause 2: every alignment, on real pages. */
Test(contract_os, c2_every_alignment) {
  uintptr_t base = module_base("libc.so");
  for (uint32_t a = ILHEAP_MIN_ALIGNMENT; a <= ILHEAP_MAX_ALIGNMENT; a *= 2)
    os_round(base, ILHEAP_DEFAULT_MAX_OFFSET, a, 300, a);
}

/* A free stretch of address space found the way a test can: map it, unmap it.
 * The range is free right after (Criterion's other thread is idle). It must
 * not lie in the room the provider keeps clear above the program break
 * (src/os_linux.c: 64 MiB), where the heap rightly refuses to go: under
 * Valgrind, for one, the kernel's first choice is just above the break. */
static void *map_away_from_brk(size_t len, int prot) {
  uintptr_t brk = (uintptr_t)sbrk(0), hint = 0;
  for (int tries = 0; tries < 4; tries++) {
    void *p = mmap((void *)hint, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    cr_assert_neq(p, MAP_FAILED);
    uintptr_t a = (uintptr_t)p;
    if (a + len <= brk || a >= brk + ((uintptr_t)256 << 20))
      return p;
    cr_assert_eq(munmap(p, len), 0);
    hint = brk + ((uintptr_t)(512 + 256 * tries) << 20);
  }
  cr_assert_fail("no free area away from the program break");
  return NULL;
}

static uintptr_t free_area(size_t len) {
  void *p = map_away_from_brk(len, PROT_NONE);
  cr_assert_eq(munmap(p, len), 0);
  return (uintptr_t)p;
}

/* Clause 1 with small windows: above a real module, a window smaller than the
 * module holds nothing (no block inside the module, clause 3), and nothing is
 * reserved. Above free space, blocks stay inside [B + 1, B + M). */
Test(contract_os, c1_small_windows) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds ranges the map shows as free");
  uintptr_t libc = module_base("libc.so");
  /* The largest: 16 pages (64 KiB with 4 KiB pages, 1 MiB with 64 KiB ones). */
  const uint32_t big = (uint32_t)(16 * os()->page_size);
  const uint32_t windows[] = {1, 2, 64, 4096, 4097, big};
  for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
    ilheap_options o = check_opts(os(), windows[w], 8);
    ilheap *h = check_create((void *)libc, &o);
    cr_assert_null(ilheap_alloc(h, 1), "contract 3: a block inside libc (window %u)", windows[w]);
    check_stats_consistent(h, 0, 0, 1);
    cr_assert_eq(check_stats(h).bytes_reserved, 0u);
    ilheap_destroy(h);
  }
  uintptr_t area = free_area(4 * MiB);
  for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
    for (uintptr_t skew = 0; skew < 4096; skew += 1365) {
      uintptr_t b = area + MiB + skew;
      ilheap_options o = check_opts(os(), windows[w], 8);
      ilheap *h = check_create((void *)b, &o);
      check_blocks bs = {0};
      check_tally t = {0};
      while (check_alloc(h, 8, 0, &bs, &t) != NULL)
        cr_assert_leq(bs.n, (size_t)windows[w] / 8, "window %u: too many blocks", windows[w]);
      check_blocks_disjoint(&bs);
      check_blocks_verify(&bs);
      check_stats_consistent(h, t.blocks, t.requested, t.failed);
      if (windows[w] == big)
        cr_assert_gt(bs.n, 1000u, "a free %u KiB window held %zu blocks", big >> 10, bs.n);
      ilheap_destroy(h);
      check_blocks_free(&bs);
    }
  }
}

/* Clauses 3 and 6 against foreign mappings: a window entirely covered by a
 * mapping the test made gives NULL (never a block over it, never MAP_FIXED over
 * it); once the test unmaps a hole, a request succeeds inside the hole, and the
 * fence is still mapped and untouched. */
Test(contract_os, c3_c6_fenced_window) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds ranges the map shows as free");
  size_t len = 2 * MiB;
  unsigned char *fence = map_away_from_brk(len, PROT_READ | PROT_WRITE);
  memset(fence, 0xC3, len);
  uintptr_t b = (uintptr_t)fence;
  ilheap_options o = check_opts(os(), (uint32_t)len, 8);
  ilheap *h = check_create((void *)b, &o);
  check_blocks bs = {0};
  check_tally t = {0};
  for (int i = 0; i < 3; i++)
    cr_assert_null(check_alloc(h, 100, 0, &bs, &t), "contract 3: a block over a foreign mapping");
  check_stats_consistent(h, 0, 0, 3);
  for (size_t i = 0; i < len; i++)
    cr_assert_eq(fence[i], 0xC3, "contract 3: the foreign mapping was written at %zu", i);

  /* A 256 KiB hole in the middle. */
  uintptr_t hole = b + 1 * MiB, hole_end = hole + 256 * KiB;
  cr_assert_eq(munmap((void *)hole, 256 * KiB), 0);
  while (check_alloc(h, 100, 0, &bs, &t) != NULL)
    cr_assert_lt(bs.n, (size_t)(256 * KiB / 100));
  cr_assert_gt(bs.n, 100u, "contract 6: a 256 KiB hole in the window, %zu blocks", bs.n);
  for (size_t i = 0; i < bs.n; i++)
    cr_assert(bs.v[i].p >= hole && bs.v[i].p + bs.v[i].cb <= hole_end,
              "contract 3: block %#" PRIxPTR " outside the only free range", bs.v[i].p);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  for (size_t i = 0; i < len; i++)
    if ((uintptr_t)(fence + i) < hole || (uintptr_t)(fence + i) >= hole_end)
      cr_assert_eq(fence[i], 0xC3, "contract 3: the foreign mapping was written at %zu", i);
  sup_ranges reserved = {0};
  check_heap_reserved(h, &reserved);
  for (size_t i = 0; i < reserved.n; i++)
    cr_assert(reserved.v[i].lo >= hole && reserved.v[i].hi <= hole_end,
              "contract 3: reserved [%#" PRIxPTR ", %#" PRIxPTR ") outside the hole",
              reserved.v[i].lo, reserved.v[i].hi);
  ilheap_destroy(h);
  /* Clause 7: the hole is free again: mapping it with MAP_FIXED_NOREPLACE works. */
  void *again = mmap((void *)hole, 256 * KiB, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  cr_assert_eq((uintptr_t)again, hole, "contract 7: the hole is still mapped after destroy");
  cr_assert_eq(munmap(fence, len), 0);
  sup_ranges_free(&reserved);
  check_blocks_free(&bs);
}

/* Clause 5 on the OS provider: NULL, no failure counted, nothing mapped. */
Test(contract_os, c5_zero_size) {
  sup_ranges before = {0}, after = {0}, none = {0}, zones = {0};
  check_read_maps(&before);
  ilheap *h = check_create((void *)module_base("libc.so"), NULL);
  for (int i = 0; i < 3; i++)
    cr_assert_null(ilheap_alloc(h, 0), "contract 5");
  check_stats_consistent(h, 0, 0, 0);
  cr_assert_eq(check_stats(h).bytes_reserved, 0u);
  sup_zone_push(&zones, h);
  ilheap_destroy(h);
  check_read_maps(&after);
  check_maps_restored(&before, &after, &none, &zones);
  sup_ranges_free(&before);
  sup_ranges_free(&after);
  sup_ranges_free(&zones);
}

/* Clause 6 on the OS provider: a full window and a budget. */
Test(contract_os, c6_window_full_and_budget) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds ranges the map shows as free");
  uintptr_t area = free_area(8 * MiB);
  ilheap_options o = check_opts(os(), (uint32_t)(256 * KiB), 8);
  ilheap *h = check_create((void *)(area + MiB), &o);
  check_blocks bs = {0};
  check_tally t = {0};
  while (check_alloc(h, 1000, 0, &bs, &t) != NULL)
    cr_assert_lt(bs.n, (size_t)(256 * KiB / 1000));
  cr_assert_gt(bs.n, 100u, "a free 256 KiB window held %zu blocks", bs.n);
  for (int i = 0; i < 5; i++)
    cr_assert_null(check_alloc(h, 1000, 0, &bs, &t));
  check_blocks_verify(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  ilheap_destroy(h);
  check_blocks_free(&bs);

  ilheap_options ob = check_opts(os(), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ob.budget = 128 * KiB;
  h = check_create((void *)module_base("libc.so"), &ob);
  t = (check_tally){0};
  size_t misses = 0;
  while (misses < 16) {
    misses = check_alloc(h, 700, 0, &bs, &t) ? 0 : misses + 1;
    cr_assert_leq(check_stats(h).bytes_reserved, (uint64_t)ob.budget, "contract 6: over budget");
  }
  cr_assert_gt(bs.n, 20u, "a 128 KiB budget gave %zu blocks", bs.n);
  check_blocks_verify(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  ilheap_destroy(h);
  check_blocks_free(&bs);
}

/* Clause 7 for several heaps at once (overlapping windows of neighbouring
 * modules), destroyed in an order different from creation. */
Test(contract_os, c7_several_heaps_map_restored) {
  check_modules ms;
  check_loaded_modules(&ms);
  check_os_maps m = {0};
  check_blocks bs = {0};
  check_blocks_reserve(&bs, (size_t)4 * 800);
  ilheap *h[4];
  check_tally t[4];
  size_t k = 0;
  check_read_maps(&m.before);
  for (size_t i = 0; i < ms.n && k < 4; i++) {
    if (strstr(ms.v[i].name, "vdso"))
      continue;
    h[k] = check_create((void *)ms.v[i].base, NULL);
    t[k] = (check_tally){0};
    cr_assert_eq(check_alloc_il(h[k], 800, 77 + k, (uint32_t)k, &bs, &t[k]), 800u, "%s",
                 ms.v[i].name);
    k++;
  }
  cr_assert_geq(k, 2u, "fewer than two modules loaded");
  check_read_maps(&m.now);
  check_blocks_avoid(&bs, &m.before, "a mapping that existed before create");
  check_blocks_disjoint(&bs);
  for (size_t i = 0; i < k; i++) {
    check_reserved_vs_maps(h[i], NULL, &m.before, &m.now, &m.reserved);
    check_stats_consistent(h[i], t[i].blocks, t[i].requested, t[i].failed);
    sup_zone_push(&m.zones, h[i]);
  }
  check_blocks_verify(&bs);
  for (size_t i = k; i-- > 0;)
    ilheap_destroy(h[(i + 1) % k]);
  check_read_maps(&m.after);
  sup_ranges_normalize(&m.reserved);
  sup_ranges_normalize(&m.zones);
  check_maps_restored(&m.before, &m.after, &m.reserved, &m.zones);
  check_os_maps_free(&m);
  check_blocks_free(&bs);
}

/* The OS provider itself honours its interface: page_size a power of two
 * >= 4096 and the host page size's multiple, all four functions present. */
Test(contract_os, provider_shape) {
  const ilheap_provider *p = os();
  cr_assert_eq(p->size, sizeof(ilheap_provider));
  cr_assert_eq(p->flags, 0u);
  cr_assert(check_is_pow2(p->page_size) && p->page_size >= 4096, "page_size %zu", p->page_size);
  cr_assert_eq(p->page_size % (size_t)sysconf(_SC_PAGESIZE), 0u);
  cr_assert(p->walk_free && p->reserve && p->commit && p->release);
  cr_assert(p->map && p->resident, "Linux refills in one call and populates");
  cr_assert_eq(ilheap_os_provider(), p, "not one static object");
}

/* mincore's vector, sized for 4 KiB pages whatever the page size: qemu-user with
 * larger guest pages (-p 65536) writes one byte per host page. */
static unsigned char *mincore_vector(size_t len) {
  unsigned char *v = calloc(len / 4096 + 1, 1);
  cr_assert_not_null(v);
  return v;
}

/* How many of the pages of [lo, hi) are resident. */
static size_t resident_pages(uintptr_t lo, uintptr_t hi) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE), n = (hi - lo) / page, got = 0;
  unsigned char *v = mincore_vector(hi - lo);
  cr_assert_not_null(v);
  cr_assert_eq(mincore((void *)lo, hi - lo, v), 0, "mincore: %s", strerror(errno));
  for (size_t i = 0; i < n; i++)
    got += v[i] & 1;
  free(v);
  return got;
}

/* Populating is a hint the system may ignore: qemu-user answers 0 to every
 * madvise it does not pass on (MADV_POPULATE_WRITE among them) and populates
 * nothing, nor with MAP_POPULATE. Where a page populated the documented ways
 * stays out of memory, the residency checks below cannot be made. */
static int populate_honoured(void) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  unsigned char *va = mincore_vector(pg), *vb = mincore_vector(pg);
  int prot = PROT_READ | PROT_WRITE;
  void *a = mmap(NULL, pg, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  void *b = mmap(NULL, pg, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  cr_assert(a != MAP_FAILED && b != MAP_FAILED);
  int advised = madvise(b, pg, 23 /* MADV_POPULATE_WRITE, Linux 5.14 */) == 0;
  cr_assert_eq(mincore(a, pg, va), 0);
  cr_assert_eq(mincore(b, pg, vb), 0);
  munmap(a, pg);
  munmap(b, pg);
  int populated = (va[0] & 1) && (!advised || (vb[0] & 1));
  free(va);
  free(vb);
  if (populated)
    return 1;
  cr_log_info("this system ignores MAP_POPULATE%s (qemu-user): residency after populating is not "
              "checked",
              advised ? " and MADV_POPULATE_WRITE" : "");
  return 0;
}

/* The optional functions of the OS provider: map reserves and commits in one
 * call (EBUSY over a mapping, nothing replaced; EINVAL for an unknown bit),
 * populates on request, and resident tells a touched page from an untouched
 * one. */
Test(contract_os, provider_map_and_resident) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds ranges the map shows as free");
  int populates = populate_honoured();
  const ilheap_provider *p = os();
  size_t pg = p->page_size, len = 8 * pg;
  uintptr_t libc = module_base("libc.so");
  cr_assert_eq(p->map(p->ctx, libc, pg, ILHEAP_MAP_RESERVE), ILHEAP_EBUSY);
  cr_assert_eq(*(volatile unsigned char *)libc, 0x7F, "libc untouched");
  uintptr_t a = free_area(2 * len); /* [a, a + 2 len) is free now */
  cr_assert_eq(p->map(p->ctx, a, len, 4u), ILHEAP_EINVAL);
  cr_assert_eq(p->map(p->ctx, a, len, ILHEAP_MAP_RESERVE), ILHEAP_OK);
  cr_assert_eq(resident_pages(a, a + len), 0u, "not populated unless asked");
  cr_assert_eq(p->resident(p->ctx, a), 0);
  ((volatile unsigned char *)a)[1] = 1; /* committed: writable */
  cr_assert_eq(p->resident(p->ctx, a), 1);
  cr_assert_eq(p->map(p->ctx, a + len, len, ILHEAP_MAP_RESERVE | ILHEAP_MAP_POPULATE), ILHEAP_OK);
  if (populates)
    cr_assert_eq(resident_pages(a + len, a + 2 * len), len / pg, "populated");
  for (size_t i = 0; i < len; i++)
    cr_assert_eq(((unsigned char *)a + len)[i], 0, "populated pages read zero");
  cr_assert_eq(p->release(p->ctx, a, 2 * len), ILHEAP_OK);
  cr_assert_lt(p->resident(p->ctx, a), 0, "resident of an unmapped page is an error");
  /* Without RESERVE: commits a range reserve returned, populating on request. */
  cr_assert_eq(p->reserve(p->ctx, a, len), ILHEAP_OK);
  cr_assert_eq(p->map(p->ctx, a, len, ILHEAP_MAP_POPULATE), ILHEAP_OK);
  if (populates)
    cr_assert_eq(resident_pages(a, a + len), len / pg);
  ((volatile unsigned char *)a)[len - 1] = 1;
  cr_assert_eq(p->release(p->ctx, a, len), ILHEAP_OK);
  /* POPULATE alone on a range map committed (a refill, after the core's lock). */
  cr_assert_eq(p->map(p->ctx, a, len, ILHEAP_MAP_RESERVE), ILHEAP_OK);
  cr_assert_eq(resident_pages(a, a + len), 0u);
  cr_assert_eq(p->map(p->ctx, a, len, ILHEAP_MAP_POPULATE), ILHEAP_OK);
  if (populates)
    cr_assert_eq(resident_pages(a, a + len), len / pg, "a committed range populated");
  ((volatile unsigned char *)a)[len - 1] = 1; /* committed: writable */
  cr_assert_eq(p->release(p->ctx, a, len), ILHEAP_OK);
}

/* decommit: a range of our own reservation goes back to reserved (mapped, no
 * access, not resident), without ever being unmapped: reserve over it is still
 * refused, and committed again it reads zero. A range that is not mapped is
 * refused, nothing done. */
Test(contract_os, provider_decommit) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds ranges the map shows as free");
  const ilheap_provider *p = os();
  cr_assert_not_null(p->decommit);
  size_t pg = p->page_size, len = 8 * pg;
  /* Residency is read with mincore, which qemu-user refuses (ENOMEM) on pages
   * with no access: there, nothing to check. */
  void *none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  unsigned char *vec = mincore_vector(pg);
  cr_assert_neq(none, MAP_FAILED);
  int readable = mincore(none, pg, vec) == 0;
  munmap(none, pg);
  free(vec);
  if (!readable)
    cr_skip_test("mincore refuses a page with no access here (qemu-user): %s", strerror(errno));
  uintptr_t a = free_area(len); /* [a, a + len) is free now */
  cr_assert_eq(p->decommit(p->ctx, a, len), ILHEAP_EINVAL, "nothing mapped there");
  cr_assert_eq(p->map(p->ctx, a, len, ILHEAP_MAP_RESERVE), ILHEAP_OK);
  memset((void *)a, 0xA5, len);
  cr_assert_eq(resident_pages(a, a + len), len / pg);
  cr_assert_eq(p->decommit(p->ctx, a + pg, len - 2 * pg), ILHEAP_OK, "the middle");
  cr_assert_eq(p->decommit(p->ctx, a + 1, pg), ILHEAP_EINVAL, "not a page");
  cr_assert_eq(resident_pages(a + pg, a + len - pg), 0u, "its memory is gone");
  cr_assert_eq(resident_pages(a, a + pg), 1u, "the pages around it are untouched");
  cr_assert_eq(((unsigned char *)a)[0], 0xA5);
  cr_assert_eq(((unsigned char *)a)[len - 1], 0xA5);
  sup_ranges maps = {0};
  check_read_maps(&maps);
  cr_assert(sup_ranges_covers(&maps, a, a + len), "still mapped: still ours");
  sup_ranges_free(&maps);
  cr_assert_eq(p->reserve(p->ctx, a + pg, pg), ILHEAP_EBUSY, "nothing else can take it");
  cr_assert_eq(p->map(p->ctx, a + pg, len - 2 * pg, 0), ILHEAP_OK, "committed again");
  for (size_t i = pg; i < len - pg; i++)
    cr_assert_eq(((unsigned char *)a)[i], 0, "decommitted memory kept its contents at %zu", i);
  cr_assert_eq(p->decommit(p->ctx, a, len), ILHEAP_OK, "all of it, committed or not");
  cr_assert_eq(p->release(p->ctx, a, len), ILHEAP_OK);
}

/* Bulk provisioning follows the caller (check.h): a writer's refills are
 * resident at once, a non-writer's not. */
Test(contract_os, refill_populates_for_a_writer_only) {
  if (!populate_honoured())
    cr_skip_test("populating is ignored here (qemu-user): nothing to check");
  check_refill_populates_for_a_writer_only(os(), (void *)module_base("libc.so"), 2 * MiB,
                                           (size_t)sysconf(_SC_PAGESIZE), resident_pages);
}

static int collect_gap(void *arg, uintptr_t lo, uintptr_t hi) {
  sup_ranges_push(arg, lo, hi);
  return 0;
}

/* walk_free of the OS provider: its gaps are disjoint from the map, ascending,
 * clipped to [lo, hi); reserve of a range that is mapped is EBUSY and maps
 * nothing; reserve/commit/release of a free range work and read zero. */
Test(contract_os, provider_walk_and_reserve) {
  const ilheap_provider *p = os();
  uintptr_t lo = module_base("libc.so"), hi = add_clamped(lo, 512 * MiB);
  sup_ranges gaps = {0}, maps = {0};
  check_read_maps(&maps);
  cr_assert_eq(p->walk_free(p->ctx, lo, hi, collect_gap, &gaps), ILHEAP_OK);
  cr_assert_gt(gaps.n, 0u);
  for (size_t i = 0; i < gaps.n; i++) {
    cr_assert(gaps.v[i].lo < gaps.v[i].hi && gaps.v[i].lo >= lo && gaps.v[i].hi <= hi,
              "gap [%#" PRIxPTR ", %#" PRIxPTR ") not clipped", gaps.v[i].lo, gaps.v[i].hi);
    if (i)
      cr_assert_lt(gaps.v[i - 1].hi, gaps.v[i].lo + 1, "gaps not ascending or overlapping");
    cr_assert_eq(sup_ranges_hit(&maps, gaps.v[i].lo, gaps.v[i].hi), (size_t)-1,
                 "gap [%#" PRIxPTR ", %#" PRIxPTR ") overlaps a mapping", gaps.v[i].lo,
                 gaps.v[i].hi);
  }
  /* Reserving libc's first page: EBUSY, and libc is still readable. */
  unsigned char first = *(volatile unsigned char *)lo;
  cr_assert_eq(p->reserve(p->ctx, lo, p->page_size), ILHEAP_EBUSY);
  cr_assert_eq(*(volatile unsigned char *)lo, first);
  cr_assert_eq(first, 0x7F, "libc's first byte is the ELF magic");

  /* The largest gap: reserve 4 pages at its end, commit 2, release all. */
  size_t best = 0;
  for (size_t i = 1; i < gaps.n; i++)
    if (gaps.v[i].hi - gaps.v[i].lo > gaps.v[best].hi - gaps.v[best].lo)
      best = i;
  size_t len = 4 * p->page_size;
  cr_assert_geq(gaps.v[best].hi - gaps.v[best].lo, len);
  uintptr_t a = (gaps.v[best].hi - len) & ~(uintptr_t)(p->page_size - 1);
  cr_assert_eq(p->reserve(p->ctx, a, len), ILHEAP_OK);
  cr_assert_eq(p->reserve(p->ctx, a, len), ILHEAP_EBUSY, "reserve over its own reservation");
  cr_assert_eq(p->commit(p->ctx, a, 2 * p->page_size), ILHEAP_OK);
  unsigned char *c = (unsigned char *)a;
  for (size_t i = 0; i < 2 * p->page_size; i++) {
    cr_assert_eq(c[i], 0);
    c[i] = (unsigned char)i;
  }
  cr_assert_eq(p->release(p->ctx, a, len), ILHEAP_OK);
  void *again =
      mmap((void *)a, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  cr_assert_eq((uintptr_t)again, a, "release left something mapped");
  cr_assert_eq(munmap(again, len), 0);
  sup_ranges_free(&gaps);
  sup_ranges_free(&maps);
}

/* The end of user space. In a 32-bit process the kernel's limit (0xFFFFE000 under
 * an x86-64 kernel) lies below 4 GiB: a gap walk_free reported up to 4 GiB would
 * put a chunk at its top out of reach, and the request would fail although room
 * is there. So: the highest gap's last page can be reserved, and a heap whose
 * window runs to the top of the address space gets its blocks. */
Test(contract_os, top_of_user_space) {
  const ilheap_provider *p = os();
  sup_ranges gaps = {0};
  cr_assert_eq(p->walk_free(p->ctx, 0, UINTPTR_MAX, collect_gap, &gaps), ILHEAP_OK);
  cr_assert_gt(gaps.n, 0u);
  uintptr_t lo = gaps.v[gaps.n - 1].lo, hi = gaps.v[gaps.n - 1].hi;
  uintptr_t last = (hi & ~(uintptr_t)(p->page_size - 1)) - p->page_size;
  cr_assert_geq(last, lo, "the highest gap [%#" PRIxPTR ", %#" PRIxPTR ") holds no page", lo, hi);
  int err = p->reserve(p->ctx, last, p->page_size);
  cr_assert_eq(err, ILHEAP_OK, "the highest gap's last page %#" PRIxPTR " cannot be reserved: %s",
               last, ilheap_strerror(err));
  cr_assert_eq(p->release(p->ctx, last, p->page_size), ILHEAP_OK);

  /* A module right below that gap, with a window past the top of the address
   * space: blocks, all inside the window and the gap (when the gap holds a
   * chunk: a 32-bit stack can end a page or two below the top). */
  ilheap_options o = check_opts(p, 0xFFFFFFFFu, 8);
  ilheap *h = check_create((void *)(lo - 1), &o);
  for (int i = 0; i < 64 && hi - lo >= 8 * p->page_size; i++) {
    unsigned char *b = ilheap_alloc(h, 100);
    cr_assert_not_null(b, "request %d failed below the top of user space", i);
    cr_assert((uintptr_t)b >= lo && (uintptr_t)b + 100 <= hi, "block %p outside the gap",
              (void *)b);
    b[0] = b[99] = 1;
  }
  ilheap_destroy(h);
  sup_ranges_free(&gaps);
}

/* The provider's second source: kernels before 6.11 have no PROCMAP_QUERY
 * ioctl, and walk_free then reads /proc/self/maps as text. This kernel has the
 * ioctl, so a seccomp filter makes it fail with ENOTTY (what an old kernel
 * answers) in this test's process only, and clauses 1-4 and 7 are checked again
 * through the text parser. The same with ENOSYS (qemu-user's answer, and a
 * sandbox's) and EPERM (a sandbox's): any failure of the ioctl sends the
 * provider to the text. Under qemu-user, which refuses seccomp filters, the
 * ioctl already fails by itself (ENOSYS): the tests go on with that. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* _IOWR('f', 17, struct procmap_query) with the 104-byte struct of Linux 6.11. */
#define PROCMAP_QUERY_NR 0xC0686611u

static void block_procmap_query_with(int err) {
  struct sock_filter prog[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROCMAP_QUERY_NR, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog fprog = {.len = sizeof prog / sizeof prog[0], .filter = prog};
  unsigned char q[104] = {0};
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC), filtered;
  cr_assert_geq(fd, 0);
  cr_assert_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
  filtered = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) == 0;
  int why = errno;
  q[0] = 104;
  errno = 0;
  int r = ioctl(fd, PROCMAP_QUERY_NR, q), got = errno;
  close(fd);
  if (!filtered) {
    /* qemu-user refuses filters (EINVAL) and answers ENOSYS to this ioctl. */
    cr_assert(r == -1 && why == EINVAL, "seccomp: %s", strerror(why));
    cr_log_info("no seccomp filter here; PROCMAP_QUERY fails by itself: %s", strerror(got));
    return;
  }
  /* The filter works: the ioctl now fails with err. */
  cr_assert_eq(r, -1);
  cr_assert_eq(got, err, "the filtered ioctl failed with %s", strerror(got));
}

static void block_procmap_query(void) { block_procmap_query_with(ENOTTY); }

Test(contract_os, maps_text_fallback_c1_to_c4_c7) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind's own heap grows inside the window");
  block_procmap_query();
  os_round(module_base("libc.so"), ILHEAP_DEFAULT_MAX_OFFSET, 8, 3000, 21);
  os_round(module_base(NULL), ILHEAP_DEFAULT_MAX_OFFSET, 16, 1000, 22);
  os_round(0, ILHEAP_DEFAULT_MAX_OFFSET, 4, 1000, 23);
}

/* A sandbox's answers, and qemu-user's: ENOSYS, EPERM. */
Test(contract_os, maps_text_fallback_enosys_c1_to_c4_c7) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind's own heap grows inside the window");
  block_procmap_query_with(ENOSYS);
  os_round(module_base("libc.so"), ILHEAP_DEFAULT_MAX_OFFSET, 8, 3000, 24);
  os_round(module_base(NULL), ILHEAP_DEFAULT_MAX_OFFSET, 16, 1000, 25);
}
Test(contract_os, maps_text_fallback_eperm_c1_to_c4_c7) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind's own heap grows inside the window");
  block_procmap_query_with(EPERM);
  os_round(module_base("libc.so"), ILHEAP_DEFAULT_MAX_OFFSET, 8, 3000, 26);
  os_round(module_base(NULL), ILHEAP_DEFAULT_MAX_OFFSET, 16, 1000, 27);
}

Test(contract_os, maps_text_fallback_walk_matches_ioctl) {
  const ilheap_provider *p = os();
  /* Above the brk heap's room too: the text walk's buffer may grow the heap, and
   * the room moves with it (under qemu-user the room reaches past libc). */
  uintptr_t lo = module_base("libc.so"), room = (uintptr_t)sbrk(0) + 80 * MiB;
  if (lo < room && room - lo < ((uintptr_t)1 << 30))
    lo = room;
  uintptr_t hi = add_clamped(lo, (uint64_t)4 << 30);
  sup_ranges by_ioctl = {0}, by_text = {0}, maps = {0};
  /* Room up front: no allocation between the two walks may change the map. */
  by_ioctl.v = calloc(4096, sizeof *by_ioctl.v);
  by_text.v = calloc(4096, sizeof *by_text.v);
  cr_assert(by_ioctl.v && by_text.v);
  by_ioctl.cap = by_text.cap = 4096;
  cr_assert_eq(p->walk_free(p->ctx, lo, hi, collect_gap, &by_ioctl), ILHEAP_OK);
  block_procmap_query();
  cr_assert_eq(p->walk_free(p->ctx, lo, hi, collect_gap, &by_text), ILHEAP_OK);
  check_read_maps(&maps);
  cr_assert_gt(by_text.n, 0u);
  cr_assert_eq(by_text.n, by_ioctl.n, "%zu gaps from the text, %zu from the ioctl", by_text.n,
               by_ioctl.n);
  for (size_t i = 0; i < by_text.n; i++) {
    cr_assert_eq(by_text.v[i].lo, by_ioctl.v[i].lo, "gap %zu", i);
    cr_assert_eq(by_text.v[i].hi, by_ioctl.v[i].hi, "gap %zu", i);
    cr_assert_eq(sup_ranges_hit(&maps, by_text.v[i].lo, by_text.v[i].hi), (size_t)-1,
                 "gap [%#" PRIxPTR ", %#" PRIxPTR ") overlaps a mapping", by_text.v[i].lo,
                 by_text.v[i].hi);
  }
  sup_ranges_free(&by_ioctl);
  sup_ranges_free(&by_text);
  sup_ranges_free(&maps);
}

/* Placement policy (src/os_linux.c): the 64 MiB above the program break are
 * kept clear for the brk heap to grow into. A window that straddles the top of
 * that zone ([zone end - 2 MiB, zone end + 3 MiB)) is filled completely: no
 * reservation may enter the zone, neither through a new chunk (walk_free
 * excludes it) nor by growing a chunk downward in place. */
#define BRK_ROOM_DOC ((uintptr_t)64 << 20)
Test(contract_os, policy_brk_room_kept_clear) {
  /* The zone follows the break at each reservation: the test's own mallocs must
   * not move it down meanwhile. The first snapshot makes the C library's heap
   * steady (support/space.h: never trimmed, grown once up front), so it comes
   * before the break is read. */
  sup_ranges before = {0};
  check_read_maps(&before);
  uintptr_t brk = (uintptr_t)sbrk(0);
  uintptr_t zone_lo = brk, zone_hi = brk + BRK_ROOM_DOC;
  uintptr_t base = zone_hi - 2 * MiB;
  ilheap_options o = check_opts(os(), (uint32_t)(5 * MiB), 8);
  cr_assert_eq(sup_ranges_hit(&before, zone_hi, zone_hi + 3 * MiB), (size_t)-1,
               "something is mapped just above the brk room: the test needs it free");
  ilheap *h = check_create((void *)base, &o);
  check_blocks bs = {0};
  check_tally t = {0};
  while (check_alloc(h, 8000, 0, &bs, &t) != NULL)
    cr_assert_lt(bs.n, (size_t)(5 * MiB / 8000));
  cr_assert_gt(bs.n, 100u, "the 3 MiB above the zone held %zu blocks", bs.n);
  sup_ranges r = {0};
  check_heap_reserved(h, &r);
  for (size_t i = 0; i < r.n; i++)
    cr_assert(r.v[i].hi <= zone_lo || r.v[i].lo >= zone_hi,
              "reserved [%#" PRIxPTR ", %#" PRIxPTR ") inside the brk heap's room [%#" PRIxPTR
              ", %#" PRIxPTR ")",
              r.v[i].lo, r.v[i].hi, zone_lo, zone_hi);
  check_blocks_verify(&bs);
  ilheap_destroy(h);
  sup_ranges_free(&r);
  sup_ranges_free(&before);
  check_blocks_free(&bs);
}

/* A provider struct of the first version ends before map and resident: the core
 * never reads past its size, whatever follows it in memory. A full one gets its
 * refills through map, one call each. */
static int never_map(void *ctx, uintptr_t a, size_t l, unsigned how) {
  (void)ctx, (void)a, (void)l, (void)how;
  cr_assert_fail("map read past an older provider's size");
  return ILHEAP_EPROVIDER;
}
static int never_resident(void *ctx, uintptr_t a) {
  (void)ctx, (void)a;
  cr_assert_fail("resident read past an older provider's size");
  return ILHEAP_EPROVIDER;
}
static unsigned maps_called, populates_called;
static size_t smallest_populate;
static int counting_map(void *ctx, uintptr_t a, size_t l, unsigned how) {
  if (how == ILHEAP_MAP_POPULATE) {
    populates_called++; /* a writer's refill, populated after the lock */
    smallest_populate = l < smallest_populate ? l : smallest_populate;
  } else
    maps_called++;
  return os()->map(ctx, a, l, how);
}

static ilheap_stats fill_with(const ilheap_provider *p) {
  ilheap_options o = check_opts(p, ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((void *)module_base("libc.so"), &o);
  ilheap_stats st = {.size = sizeof st};
  for (int i = 0; i < 2000; i++) { /* 2 MB: the last refills are 32 KiB and more */
    unsigned char *b = ilheap_alloc(h, 1000);
    cr_assert_not_null(b);
    memset(b, 1, 1000);
  }
  cr_assert_eq(ilheap_get_stats(h, &st), ILHEAP_OK);
  ilheap_destroy(h);
  return st;
}

Test(contract_os, provider_version_1_size) {
  ilheap_provider p = *os();
  p.size = (uint32_t)offsetof(ilheap_provider, map);
  p.map = never_map;
  p.resident = never_resident;
  ilheap_stats st = fill_with(&p);
  cr_assert_gt(st.extensions, 0u, "the heap grew in place through reserve and commit");
  p.size = sizeof p;
  p.map = counting_map;
  p.resident = os()->resident;
  maps_called = populates_called = 0;
  smallest_populate = SIZE_MAX;
  st = fill_with(&p);
  cr_assert_eq(maps_called, st.chunks + st.extensions, "one map per refill");
  /* The blocks are written: the refills of 32 KiB and more populate, never a
   * smaller one (ilheap.h, map). */
  cr_assert(populates_called >= 1 && populates_called < maps_called,
            "%u populating maps for %u refills", populates_called, maps_called);
  cr_assert_geq(smallest_populate, CHECK_POPULATE_MIN, "a refill of %zu bytes was populated",
                smallest_populate);
}

/* ---- The Linux provider's view of crowds (src/os_linux.c) ------------------ */

/* n single-page mappings side by side, alternately read-only and read-write so
 * that none merge; returns the lowest. */
static uintptr_t crowd(size_t n) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  unsigned char *r = map_away_from_brk(n * pg, PROT_NONE);
  for (size_t i = 0; i < n; i++)
    cr_assert_eq(mmap(r + i * pg, pg, (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
                 r + i * pg);
  return (uintptr_t)r;
}

/* A hole opened inside a crowd the view remembers is still found before the
 * window counts as full: the window here is exactly the crowd, the hole the only
 * room (7 pages: the block's 5 and the guard page fit). The block is larger
 * than a first step, so the core looks for one chunk size only. */
Test(contract_os, view_hole_in_a_crowd_is_found) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds ranges the map shows as free");
  const ilheap_provider *p = os();
  size_t pg = p->page_size;
  uintptr_t r = crowd(66);
  sup_ranges gaps = {0};
  cr_assert_eq(p->walk_free(p->ctx, r, r + 66 * pg, collect_gap, &gaps), ILHEAP_OK);
  cr_assert_eq(gaps.n, 0u, "the crowd is full");
  cr_assert_eq(munmap((void *)(r + 30 * pg), 7 * pg), 0);
  ilheap_options o = check_opts(p, (uint32_t)(67 * pg), 8);
  ilheap *h = check_create((void *)(r - pg), &o);
  uint32_t cb = (uint32_t)(4 * pg + 100);
  unsigned char *b = ilheap_alloc(h, cb);
  cr_assert_not_null(b, "the hole was not found: the window is not full");
  cr_assert((uintptr_t)b >= r + 30 * pg && (uintptr_t)b + cb <= r + 37 * pg);
  ilheap_destroy(h);
  cr_assert_eq(munmap((void *)r, 66 * pg), 0);
  sup_ranges_free(&gaps);
}

/* What the provider releases inside a remembered crowd is free again at once. */
Test(contract_os, view_forgets_what_is_released) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds ranges the map shows as free");
  const ilheap_provider *p = os();
  size_t pg = p->page_size;
  uintptr_t r = crowd(16);
  sup_ranges gaps = {0};
  cr_assert_eq(munmap((void *)(r + 8 * pg), 2 * pg), 0);
  cr_assert_eq(p->reserve(p->ctx, r + 8 * pg, 2 * pg), ILHEAP_OK);
  cr_assert_eq(p->walk_free(p->ctx, r, r + 16 * pg, collect_gap, &gaps), ILHEAP_OK);
  cr_assert_eq(gaps.n, 0u, "crowd and reservation leave no gap");
  cr_assert_eq(p->release(p->ctx, r + 8 * pg, 2 * pg), ILHEAP_OK);
  cr_assert_eq(p->walk_free(p->ctx, r, r + 16 * pg, collect_gap, &gaps), ILHEAP_OK);
  cr_assert_eq(gaps.n, 1u, "the released pages are a gap");
  cr_assert_eq(gaps.v[0].lo, r + 8 * pg);
  cr_assert_eq(gaps.v[0].hi, r + 10 * pg);
  cr_assert_eq(munmap((void *)r, 16 * pg), 0);
  sup_ranges_free(&gaps);
}

/* ---- Crowds pierced by small holes (src/os/provider_linux.c, src/runs.h) ---- */

/* n one-page mappings from the bottom up, each followed by a hole of `holes`
 * pages, and `room` free bytes above the last one; returns the lowest. */
static uintptr_t crowd_with_holes(size_t n, size_t holes, size_t room) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE), step = (1 + holes) * pg;
  unsigned char *r = mmap(NULL, n * step + room, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  cr_assert_neq(r, MAP_FAILED);
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(mprotect(r + i * step, pg, PROT_READ), 0);
    cr_assert_eq(munmap(r + i * step + pg, holes * pg), 0);
  }
  if (room != 0)
    cr_assert_eq(munmap(r + n * step, room), 0);
  return (uintptr_t)r;
}

/* A walk that crosses a crowd pierced by two-page holes reports them; the next
 * walk jumps the crowd in one question and leaves them out (no chunk fits in
 * one), and one that accepts nothing forgets the view: the walk after it
 * reports them again. */
/* The view is the PROCMAP_QUERY walk's (the text walk reads everything): tests
 * of what it remembers skip where the ioctl fails (qemu-user, kernels before
 * 6.11). */
static void skip_without_procmap_query(void) {
  uint64_t q[13] = {104, 0x10 /* covering or next */, 0};
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  cr_assert_geq(fd, 0);
  int r = ioctl(fd, PROCMAP_QUERY_NR, q), err = errno;
  close(fd);
  if (r != 0 && err != ENOENT)
    cr_skip_test("PROCMAP_QUERY fails here (%s): no view to test", strerror(err));
}

Test(contract_os, view_jumps_small_holes) {
  skip_without_procmap_query();
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds ranges the map shows as free");
  const ilheap_provider *p = os();
  size_t pg = p->page_size, n = 64;
  uintptr_t r = crowd_with_holes(n, 2, 0);
  uintptr_t lo = r, hi = r + (3 * n - 2) * pg; /* the last mapping's end */
  sup_ranges first = {0}, second = {0}, third = {0};
  cr_assert_eq(p->walk_free(p->ctx, lo, hi, collect_gap, &first), ILHEAP_OK);
  cr_assert_eq(first.n, n - 1, "crossed one by one: every hole");
  cr_assert_eq(p->walk_free(p->ctx, lo, hi, collect_gap, &second), ILHEAP_OK);
  cr_assert_eq(second.n, 0u, "jumped: the small holes are left out");
  cr_assert_eq(p->walk_free(p->ctx, lo, hi, collect_gap, &third), ILHEAP_OK);
  cr_assert_eq(third.n, n - 1, "the view was forgotten: every hole again");
  cr_assert_eq(munmap((void *)r, 3 * n * pg), 0);
  sup_ranges_free(&first);
  sup_ranges_free(&second);
  sup_ranges_free(&third);
}

/* A hole that becomes usable inside a remembered crowd pierced by small holes
 * (someone else unmapped mappings there) is found before the window counts as
 * full: the window is the crowd, the grown hole its only room for the block. */
Test(contract_os, view_grown_hole_in_a_pierced_crowd_is_found) {
  skip_without_procmap_query();
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds ranges the map shows as free");
  const ilheap_provider *p = os();
  size_t pg = p->page_size, n = 64;
  uintptr_t r = crowd_with_holes(n, 2, 0);
  uintptr_t top = r + (3 * n - 2) * pg;
  sup_ranges gaps = {0};
  cr_assert_eq(p->walk_free(p->ctx, r, top, collect_gap, &gaps), ILHEAP_OK);
  cr_assert_eq(gaps.n, n - 1, "crossed once: remembered");
  /* Mappings 20 to 22 go: a hole of 11 pages from mapping 19's end. */
  cr_assert_eq(munmap((void *)(r + 60 * pg), 9 * pg), 0);
  ilheap_options o = check_opts(p, (uint32_t)(top - r + pg), 8);
  ilheap *h = check_create((void *)(r - pg), &o);
  uint32_t cb = (uint32_t)(9 * pg + 100); /* 10 pages and the guard page: only the grown hole */
  unsigned char *b = ilheap_alloc(h, cb);
  cr_assert_not_null(b, "the grown hole was not found: the window is not full");
  cr_assert((uintptr_t)b >= r + 58 * pg && (uintptr_t)b + cb <= r + 69 * pg);
  ilheap_destroy(h);
  cr_assert_eq(munmap((void *)r, 3 * n * pg), 0);
  sup_ranges_free(&gaps);
}

/* And when the window has room elsewhere (above the crowd), a roomy hole grown
 * inside the remembered crowd is found once the crowd is crossed again: after
 * at most max(ILHEAP__RUNS_JUMPS = 64, its 600 mappings) placements that
 * jumped it, a new heap's first chunk lands in the hole, the lowest roomy room
 * of its window (src/heap.c's placement), and stays there. */
Test(contract_os, view_grown_hole_in_a_pierced_crowd_is_found_again) {
  skip_without_procmap_query();
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds ranges the map shows as free");
  const ilheap_provider *p = os();
  size_t pg = p->page_size, n = 600;
  uintptr_t r = crowd_with_holes(n, 2, 16 * MiB);
  uintptr_t hole_lo = r + 301 * pg, hole_hi = r + 1500 * pg; /* mappings 101 to 499 gone */
  ilheap_options o = check_opts(p, ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((void *)(r - pg), &o);
  cr_assert_not_null(ilheap_alloc(h, 100));
  ilheap_stats st = {.size = sizeof st};
  cr_assert_eq(ilheap_get_stats(h, &st), ILHEAP_OK);
  cr_assert_geq(st.lowest, r + 3 * n * pg, "the first chunk lies above the crowd");
  ilheap_destroy(h);
  for (size_t i = 101; i < 500; i++)
    cr_assert_eq(munmap((void *)(r + 3 * i * pg), pg), 0);
  int found = 0, placements = 0;
  while (placements < 700 && !found) {
    h = check_create((void *)(r - pg), &o);
    cr_assert_not_null(ilheap_alloc(h, 100));
    cr_assert_eq(ilheap_get_stats(h, &st), ILHEAP_OK);
    found = st.lowest >= hole_lo && st.highest <= hole_hi;
    ilheap_destroy(h);
    placements++;
  }
  cr_assert(found, "after %d placements the grown hole was still not used", placements);
  cr_assert_gt(placements, 1, "found at once: the view did not remember the crowd");
  h = check_create((void *)(r - pg), &o);
  cr_assert_not_null(ilheap_alloc(h, 100));
  cr_assert_eq(ilheap_get_stats(h, &st), ILHEAP_OK);
  cr_assert(st.lowest >= hole_lo && st.highest <= hole_hi, "the next placement uses it too");
  ilheap_destroy(h);
  cr_assert_eq(munmap((void *)r, 3 * n * pg + 16 * MiB), 0);
}
