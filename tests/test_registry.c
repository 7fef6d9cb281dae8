/* SPDX-License-Identifier: MIT */
/*
 * The module registry (include/ilheap_registry.h) on one thread: bad input,
 * get-or-create, find, count, a stale id with another base, many modules
 * (growth and deletion in the hash table), and unload: a dropped module's
 * address space goes back to the provider then and only then (contract 7),
 * checked on the simulated provider and, with /proc/self/maps, on the OS.
 */
#include "ilheap_registry.h"

#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilheap_sim.h"
#include "space.h"

#define MiB ((size_t)1 << 20)
#define KiB ((size_t)1 << 10)

static uint64_t sim_reserved(const ilheap_sim *sim) {
  ilheap_sim_stats st;
  cr_assert_eq(ilheap_sim_get_stats(sim, &st), ILHEAP_OK);
  return st.reserved_bytes;
}

static ilheap_registry *sim_registry(ilheap_sim *sim) {
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(sim);
  ilheap_registry *reg = NULL;
  cr_assert_eq(ilheap_registry_create(&o, &reg), ILHEAP_OK);
  cr_assert_not_null(reg);
  return reg;
}

Test(registry, bad_input_gets_the_documented_answers) {
  ilheap_registry *reg = (ilheap_registry *)(uintptr_t)1;
  cr_assert_eq(ilheap_registry_create(NULL, NULL), ILHEAP_EINVAL);

  ilheap_options o;
  ilheap_options_init(&o);
  o.alignment = 3;
  cr_assert_eq(ilheap_registry_create(&o, &reg), ILHEAP_EINVAL, "bad template fails at create");
  cr_assert_null(reg);
  ilheap_options_init(&o);
  o.max_offset = 0;
  reg = (ilheap_registry *)(uintptr_t)1;
  cr_assert_eq(ilheap_registry_create(&o, &reg), ILHEAP_EINVAL);
  cr_assert_null(reg);
  ilheap_options_init(&o);
  o.size = 4;
  cr_assert_eq(ilheap_registry_create(&o, &reg), ILHEAP_EVERSION);
  cr_assert_null(reg);

  ilheap *h = (ilheap *)(uintptr_t)1;
  cr_assert_eq(ilheap_registry_get(NULL, 1, NULL, &h), ILHEAP_EINVAL);
  cr_assert_null(h);
  cr_assert_null(ilheap_registry_find(NULL, 1));
  cr_assert_eq(ilheap_registry_drop(NULL, 1), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_registry_count(NULL), 0u);
  ilheap_registry_destroy(NULL);

  cr_assert_eq(ilheap_registry_create(NULL, &reg), ILHEAP_OK, "NULL options: defaults");
  cr_assert_eq(ilheap_registry_get(reg, 1, NULL, NULL), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_registry_count(reg), 0u, "a failed get creates nothing");
  cr_assert_eq(ilheap_registry_drop(reg, 1), ILHEAP_ENOTFOUND, "unknown id");
  ilheap_registry_destroy(reg);
}

/* Found by fuzz_com: a size of 0 was copied as 0 bytes, so the template kept its
 * own valid size and the registry accepted a struct that holds nothing. Every
 * size smaller than the first published ilheap_options must be refused. */
Test(registry, every_too_small_options_size_is_refused) {
  /* The first published struct ended with provider (window_policy is version 2). */
  for (uint32_t size = 0; size < (uint32_t)offsetof(ilheap_options, window_policy); size++) {
    ilheap_options o;
    ilheap_options_init(&o);
    o.size = size;
    ilheap_registry *reg = (ilheap_registry *)(uintptr_t)1;
    cr_assert_eq(ilheap_registry_create(&o, &reg), ILHEAP_EVERSION, "size %u", size);
    cr_assert_null(reg, "size %u", size);
  }
}

Test(registry, get_creates_once_find_never_creates) {
  ilheap_sim *sim = NULL;
  cr_assert_eq(ilheap_sim_create(64 * MiB, 0, &sim), ILHEAP_OK);
  ilheap_registry *reg = sim_registry(sim);
  const void *base = (const void *)(ilheap_sim_base(sim) + MiB);

  cr_assert_null(ilheap_registry_find(reg, 42));
  cr_assert_eq(ilheap_registry_count(reg), 0u);
  ilheap *h1 = NULL, *h2 = NULL;
  cr_assert_eq(ilheap_registry_get(reg, 42, base, &h1), ILHEAP_OK);
  cr_assert_not_null(h1);
  cr_assert_eq(ilheap_module_base(h1), (uintptr_t)base);
  cr_assert_eq(ilheap_registry_get(reg, 42, base, &h2), ILHEAP_OK);
  cr_assert_eq(h1, h2);
  cr_assert_eq(ilheap_registry_find(reg, 42), h1);
  cr_assert_eq(ilheap_registry_count(reg), 1u);

  /* The template's options reach every heap. */
  cr_assert_eq(ilheap_max_offset(h1), ILHEAP_DEFAULT_MAX_OFFSET);
  cr_assert_not_null(ilheap_alloc(h1, 100));
  cr_assert_gt(sim_reserved(sim), 0u, "the heap used the simulated provider");

  /* A known id with another base: refused, nothing changes. */
  ilheap *h3 = (ilheap *)(uintptr_t)1;
  cr_assert_eq(ilheap_registry_get(reg, 42, (const char *)base + 4096, &h3), ILHEAP_EEXIST);
  cr_assert_null(h3);
  cr_assert_eq(ilheap_registry_find(reg, 42), h1);
  cr_assert_eq(ilheap_registry_count(reg), 1u);

  /* Id 0 is an ordinary id. */
  ilheap *h0 = NULL;
  cr_assert_eq(ilheap_registry_get(reg, 0, base, &h0), ILHEAP_OK);
  cr_assert_neq(h0, h1);
  cr_assert_eq(ilheap_registry_find(reg, 0), h0);
  cr_assert_eq(ilheap_registry_count(reg), 2u);
  ilheap_registry_destroy(reg);
  cr_assert_eq(sim_reserved(sim), 0u);
  ilheap_sim_destroy(sim);
}

Test(registry, template_is_copied) {
  ilheap_options o;
  ilheap_options_init(&o);
  o.alignment = 64;
  o.max_offset = 0x00FFFFFFu;
  ilheap_registry *reg = NULL;
  cr_assert_eq(ilheap_registry_create(&o, &reg), ILHEAP_OK);
  o.alignment = 3; /* the caller reuses its struct: the registry must not care */
  ilheap *h = NULL;
  cr_assert_eq(ilheap_registry_get(reg, 7, (const void *)(uintptr_t)0x20000000u, &h), ILHEAP_OK);
  cr_assert_eq(ilheap_alignment(h), 64u);
  cr_assert_eq(ilheap_max_offset(h), 0x00FFFFFFu);
  ilheap_registry_destroy(reg);
}

/* Unload on the simulated provider: the dropped module's reserved bytes, and
 * only those, go back; the other module's heap and blocks are untouched. */
Test(registry, drop_releases_that_module_then_and_only_then) {
  ilheap_sim *sim = NULL;
  cr_assert_eq(ilheap_sim_create(256 * MiB, 0, &sim), ILHEAP_OK);
  ilheap_registry *reg = sim_registry(sim);
  uintptr_t sb = ilheap_sim_base(sim);
  const void *mod_a = (const void *)(sb + MiB);
  const void *mod_b = (const void *)(sb + 128 * MiB);
  cr_assert_eq(ilheap_sim_occupy(sim, (uintptr_t)mod_a, 64 * KiB), ILHEAP_OK);
  cr_assert_eq(ilheap_sim_occupy(sim, (uintptr_t)mod_b, 64 * KiB), ILHEAP_OK);

  ilheap *a = NULL, *b = NULL;
  cr_assert_eq(ilheap_registry_get(reg, 0xA, mod_a, &a), ILHEAP_OK);
  cr_assert_eq(ilheap_registry_get(reg, 0xB, mod_b, &b), ILHEAP_OK);
  cr_assert_eq(sim_reserved(sim), 0u, "creating reserves nothing");
  for (int i = 0; i < 100; i++)
    cr_assert_not_null(ilheap_alloc(a, 1000));
  unsigned char *pb = ilheap_alloc(b, 5000);
  cr_assert_not_null(pb);
  memset(pb, 0x77, 5000);

  ilheap_stats sa, sbst;
  memset(&sa, 0, sizeof sa);
  sa.size = sizeof sa;
  memset(&sbst, 0, sizeof sbst);
  sbst.size = sizeof sbst;
  cr_assert_eq(ilheap_get_stats(a, &sa), ILHEAP_OK);
  cr_assert_eq(ilheap_get_stats(b, &sbst), ILHEAP_OK);
  cr_assert_gt(sa.bytes_reserved, 0u);
  uint64_t total = sim_reserved(sim);
  cr_assert_eq(total, sa.bytes_reserved + sbst.bytes_reserved);

  /* Still held until the drop: a lookup or a second get changes nothing. */
  cr_assert_eq(ilheap_registry_find(reg, 0xA), a);
  cr_assert_eq(sim_reserved(sim), total);

  cr_assert_eq(ilheap_registry_drop(reg, 0xA), ILHEAP_OK);
  cr_assert_eq(sim_reserved(sim), sbst.bytes_reserved, "A's bytes went back, B's stayed");
  cr_assert_null(ilheap_registry_find(reg, 0xA));
  cr_assert_eq(ilheap_registry_count(reg), 1u);
  cr_assert_eq(ilheap_registry_drop(reg, 0xA), ILHEAP_ENOTFOUND, "dropping twice");
  for (int i = 0; i < 5000; i++)
    cr_assert_eq(pb[i], 0x77);

  /* The module loads again (same id, maybe another base): a fresh heap. */
  ilheap *a2 = NULL;
  cr_assert_eq(ilheap_registry_get(reg, 0xA, (const char *)mod_a + MiB, &a2), ILHEAP_OK);
  cr_assert_eq(ilheap_module_base(a2), (uintptr_t)mod_a + MiB);
  cr_assert_eq(ilheap_registry_drop(reg, 0xB), ILHEAP_OK);
  cr_assert_eq(sim_reserved(sim), 0u);
  ilheap_registry_destroy(reg);
  ilheap_sim_destroy(sim);
}

/* Many modules: the table grows several times and loses entries in every
 * probe position; every id keeps its own heap throughout. */
Test(registry, thousands_of_modules_grow_and_shrink) {
  enum { N = 5000 };
  ilheap_registry *reg = NULL;
  cr_assert_eq(ilheap_registry_create(NULL, &reg), ILHEAP_OK);
  static ilheap *heaps[N];
  /* Ids shaped like CoreCLR ModuleIDs: pointers, 8-aligned, clustered. */
  for (uintptr_t i = 0; i < N; i++) {
    uintptr_t id = 0x7F0000001000u + i * 0x1A8u;
    cr_assert_eq(
        ilheap_registry_get(reg, id, (const void *)(0x10000000u + i * 0x10000u), &heaps[i]),
        ILHEAP_OK);
    cr_assert_eq(ilheap_registry_count(reg), i + 1u);
  }
  for (uintptr_t i = 0; i < N; i++)
    cr_assert_eq(ilheap_registry_find(reg, 0x7F0000001000u + i * 0x1A8u), heaps[i], "id %zu",
                 (size_t)i);
  /* Drop every third module, then check all, then re-add them. */
  for (uintptr_t i = 0; i < N; i += 3)
    cr_assert_eq(ilheap_registry_drop(reg, 0x7F0000001000u + i * 0x1A8u), ILHEAP_OK);
  size_t expect = N - (N + 2) / 3;
  cr_assert_eq(ilheap_registry_count(reg), expect);
  for (uintptr_t i = 0; i < N; i++) {
    ilheap *h = ilheap_registry_find(reg, 0x7F0000001000u + i * 0x1A8u);
    if (i % 3 == 0)
      cr_assert_null(h, "id %zu was dropped", (size_t)i);
    else
      cr_assert_eq(h, heaps[i], "id %zu survived the deletions", (size_t)i);
  }
  for (uintptr_t i = 0; i < N; i += 3) {
    ilheap *h = NULL;
    cr_assert_eq(ilheap_registry_get(reg, 0x7F0000001000u + i * 0x1A8u,
                                     (const void *)(0x10000000u + i * 0x10000u), &h),
                 ILHEAP_OK);
    heaps[i] = h;
  }
  cr_assert_eq(ilheap_registry_count(reg), (size_t)N);
  for (uintptr_t i = 0; i < N; i++)
    cr_assert_eq(ilheap_registry_find(reg, 0x7F0000001000u + i * 0x1A8u), heaps[i]);
  /* Heaps are distinct objects. */
  for (uintptr_t i = 1; i < N; i++)
    cr_assert_neq(heaps[i], heaps[i - 1]);
  ilheap_registry_destroy(reg);
}

/* ---- The OS provider, checked against /proc/self/maps ------------------------------- */

/* Bytes of [lo, hi) mapped in the process now. */
static uint64_t mapped_bytes(uintptr_t lo, uintptr_t hi) {
  sup_ranges map = {0};
  cr_assert_geq(sup_space_read(&map, SUP_SPACE_ALL), 0);
  uint64_t covered = sup_ranges_overlap(&map, lo, hi);
  sup_ranges_free(&map);
  return covered;
}

Test(registry, drop_unmaps_on_the_os_provider) {
  ilheap_registry *reg = NULL;
  cr_assert_eq(ilheap_registry_create(NULL, &reg), ILHEAP_OK);
  /* A module base: this test program's own code, as a runtime would pass a
   * loaded image's base. */
  const void *base = (const void *)(uintptr_t)&mapped_bytes;
  ilheap *h = NULL;
  cr_assert_eq(ilheap_registry_get(reg, 1, base, &h), ILHEAP_OK);
  for (int i = 0; i < 50; i++) {
    unsigned char *p = ilheap_alloc(h, 3000);
    cr_assert_not_null(p);
    memset(p, 0xCC, 3000);
  }
  sup_ranges r = {0};
  cr_assert_eq(ilheap_walk_reserved(h, sup_ranges_visit, &r), ILHEAP_OK);
  cr_assert_gt(r.n, 0);
  for (size_t i = 0; i < r.n; i++)
    cr_assert_eq(mapped_bytes(r.v[i].lo, r.v[i].hi), (uint64_t)(r.v[i].hi - r.v[i].lo),
                 "reserved range %zu is mapped", i);

  cr_assert_eq(ilheap_registry_drop(reg, 1), ILHEAP_OK);
  for (size_t i = 0; i < r.n; i++)
    cr_assert_eq(mapped_bytes(r.v[i].lo, r.v[i].hi), 0u, "range %zu unmapped after the drop", i);
  sup_ranges_free(&r);
  ilheap_registry_destroy(reg);
}
