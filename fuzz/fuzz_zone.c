/* SPDX-License-Identifier: MIT */
/*
 * fuzz_zone: the landing zone (include/ilheap_zone.h) over the simulated
 * provider, with heaps of both window policies on it.
 *
 * The input decodes into a simulated space and a sequence of operations: take a
 * piece below an address, pave a range, mark or unmark foreign ranges, create
 * heaps (either policy, any window) on the zone's provider, allocate, destroy,
 * inject failures into the wrapped provider, and call the zone's functions with
 * bad arguments. After every operation the checks run against an independent
 * view: the simulation's own map and the blocks handed out.
 *  - Contract 1 per policy, 2, 3 (blocks pairwise disjoint and inside the
 *    simulation's committed memory), 4 (zero, then a tag pattern verified
 *    before every destroy and at the end), 7 through the zone: a destroyed
 *    heap leaves nothing held by the zone, and destroying the zone leaves the
 *    simulation as the foreign ranges alone.
 *  - The zone's statistics: bytes_held equals what live heaps hold inside the
 *    pieces (ilheap_zone_held over their reserved ranges), the pieces lie in
 *    reserved simulated memory, and what the simulation holds is the pieces plus
 *    what heaps hold outside them, minus pages lost to the zone.
 *  - Nothing lost: over the simulation's provider, which has decommit, a page a
 *    heap gives back never leaves the zone, whatever races are injected
 *    (bytes_lost stays 0). A quarter of the inputs (by the space's size, so the
 *    input format is unchanged) wrap the simulation as a provider of version 2,
 *    without decommit: the zone's older path (release, then reserve again,
 *    where an injected race loses the pages) is covered there.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ilheap.h"
#include "ilheap_sim.h"
#include "ilheap_zone.h"
#include "provider.h"

#define MAX_OPS 128
#define MAX_HEAPS 3
#define MAX_BLOCKS 1024

typedef struct zblock {
  uintptr_t p;
  uint32_t cb, tag;
  int slot;
} zblock;

typedef struct zstate {
  ilheap_sim *sim;
  int has_decommit; /* the wrapped provider has decommit: nothing may be lost */
  ilheap_zone *zone;
  uintptr_t sb, se;
  size_t page;
  ilheap *heaps[MAX_HEAPS];
  zblock blocks[MAX_BLOCKS];
  size_t nblocks;
  uint32_t tag;
} zstate;

static uintptr_t decode_addr(zstate *z, fuzz_input *in) {
  /* Anywhere in the space, a few pages around it, or page aligned inside. */
  size_t npages = (z->se - z->sb) / z->page;
  switch (fuzz_pick(in, 3)) {
  case 0: return z->sb + (uintptr_t)fuzz_range(in, 0, npages) * z->page;
  case 1: return z->sb - 4 * z->page + (uintptr_t)fuzz_range(in, 0, (npages + 8) * z->page);
  default: return z->sb + (uintptr_t)fuzz_range(in, 0, npages * z->page);
  }
}

struct held_sum {
  ilheap_zone *zone;
  uint64_t held, outside;
};

static int sum_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  struct held_sum *s = arg;
  s->held += ilheap_zone_held(s->zone, lo, hi);
  s->outside += ilheap_zone_outside(s->zone, lo, hi);
  return 0;
}

static void verify_blocks(const zstate *z, const char *when) {
  for (size_t i = 0; i < z->nblocks; i++)
    fuzz_check_fill((const void *)z->blocks[i].p, z->blocks[i].cb, z->blocks[i].tag, when);
}

static void check_all(zstate *z) {
  ilheap_zone_stats zs;
  ilheap_sim_stats ss;
  struct held_sum sum = {z->zone, 0, 0};
  memset(&zs, 0, sizeof zs);
  zs.size = (uint32_t)sizeof zs;
  FUZZ_CHECK(ilheap_zone_get_stats(z->zone, &zs) == ILHEAP_OK && zs.version == 1, "zone stats");
  FUZZ_CHECK(ilheap_sim_get_stats(z->sim, &ss) == ILHEAP_OK, "sim stats");
  for (int i = 0; i < MAX_HEAPS; i++)
    if (z->heaps[i] != NULL)
      FUZZ_CHECK(ilheap_walk_reserved(z->heaps[i], sum_visit, &sum) == ILHEAP_OK, "walk");
  FUZZ_CHECK(sum.held == zs.bytes_held, "zone: heaps hold %llu inside pieces, stats say %llu",
             (unsigned long long)sum.held, (unsigned long long)zs.bytes_held);
  FUZZ_CHECK(!z->has_decommit || zs.bytes_lost == 0,
             "zone: %llu bytes lost over a provider with decommit",
             (unsigned long long)zs.bytes_lost);
  FUZZ_CHECK(zs.bytes_held + zs.bytes_lost <= zs.bytes, "zone: held %llu + lost %llu > %llu",
             (unsigned long long)zs.bytes_held, (unsigned long long)zs.bytes_lost,
             (unsigned long long)zs.bytes);
  /* Contract 7 through the zone: the simulation holds the pieces (less what was
   * lost) and what heaps hold outside them, nothing else. */
  FUZZ_CHECK(ss.reserved_bytes == zs.bytes - zs.bytes_lost + sum.outside,
             "sim holds %llu, zone %llu - lost %llu + heaps outside %llu",
             (unsigned long long)ss.reserved_bytes, (unsigned long long)zs.bytes,
             (unsigned long long)zs.bytes_lost, (unsigned long long)sum.outside);
}

static void check_block(zstate *z, int slot, uintptr_t p, uint32_t cb) {
  /* Contracts 1 and 2 under the heap's policy, and ilheap_rva agrees. */
  FUZZ_OK(sup_check_block(z->heaps[slot], (const void *)p, cb, why));
  FUZZ_CHECK(p >= z->sb && p + cb <= z->se, "contract 3: block outside the simulated space");
  for (size_t i = 0; i < z->nblocks; i++)
    FUZZ_CHECK(p + cb <= z->blocks[i].p || z->blocks[i].p + z->blocks[i].cb <= p,
               "contract 3: blocks overlap");
  FUZZ_OK(sup_check_zero((const void *)p, cb, why));
}

static void do_alloc(zstate *z, int slot, uint32_t cb) {
  if (z->heaps[slot] == NULL)
    return;
  void *r = ilheap_alloc(z->heaps[slot], cb);
  if (r == NULL)
    return; /* exhaustion, a full window or an injected failure: legitimate */
  FUZZ_CHECK(cb != 0, "contract 5");
  check_block(z, slot, (uintptr_t)r, cb);
  uint32_t tag = ++z->tag;
  sup_fill(r, cb, tag);
  if (z->nblocks < MAX_BLOCKS)
    z->blocks[z->nblocks++] = (zblock){(uintptr_t)r, cb, tag, slot};
}

static void do_destroy(zstate *z, int slot) {
  if (z->heaps[slot] == NULL)
    return;
  verify_blocks(z, "before destroy");
  ilheap_destroy(z->heaps[slot]);
  z->heaps[slot] = NULL;
  size_t k = 0;
  for (size_t i = 0; i < z->nblocks; i++)
    if (z->blocks[i].slot != slot)
      z->blocks[k++] = z->blocks[i];
  z->nblocks = k;
}

static void do_create(zstate *z, int slot, fuzz_input *in) {
  ilheap_options o;
  do_destroy(z, slot);
  ilheap_options_init(&o);
  o.provider = ilheap_zone_provider(z->zone);
  o.window_policy = fuzz_bool(in) ? ILHEAP_WINDOW_PREFERRED : ILHEAP_WINDOW_REQUIRED;
  o.max_offset = fuzz_pick(in, 2) ? (uint32_t)fuzz_range(in, 1, (z->se - z->sb) + 2 * z->page)
                                  : ILHEAP_DEFAULT_MAX_OFFSET;
  o.alignment = 4u << fuzz_pick(in, 4);
  o.use_guard_pages = fuzz_bool(in);
  FUZZ_CHECK(ilheap_create((const void *)decode_addr(z, in), &o, &z->heaps[slot]) == ILHEAP_OK,
             "create on the zone's provider");
}

/* The rest of the documented answers to bad input (include/ilheap_zone.h),
 * all at once: no input byte is read, so older inputs decode as before. */
static void misuse_more(zstate *z) {
  ilheap_zone *other = (ilheap_zone *)(uintptr_t)1;
  ilheap_provider bad = *ilheap_sim_provider(z->sim);
  ilheap_zone_stats st;
  FUZZ_CHECK(ilheap_zone_create(&bad, 0, NULL) == ILHEAP_EINVAL, "zone_create(out NULL)");
  bad.commit = NULL;
  FUZZ_CHECK(ilheap_zone_create(&bad, 0, &other) == ILHEAP_EINVAL && other == NULL,
             "zone_create over a provider without commit");
  bad = *ilheap_sim_provider(z->sim);
  bad.size = 4;
  other = (ilheap_zone *)(uintptr_t)1;
  FUZZ_CHECK(ilheap_zone_create(&bad, 0, &other) == ILHEAP_EVERSION && other == NULL,
             "zone_create over a provider of size 4");
  FUZZ_CHECK(ilheap_zone_create(NULL, 0, &other) == ILHEAP_OK && other != NULL,
             "zone_create over the operating system's provider");
  ilheap_zone_destroy(other); /* empty: gives nothing back */
  ilheap_zone_destroy(NULL);
  st.size = (uint32_t)sizeof st;
  FUZZ_CHECK(ilheap_zone_get_stats(z->zone, NULL) == ILHEAP_EINVAL, "stats(out NULL)");
  FUZZ_CHECK(ilheap_zone_held(z->zone, z->se, z->sb) == 0 &&
                 ilheap_zone_outside(z->zone, z->se, z->sb) == 0,
             "queries on an empty range");
  /* A commit across a piece's edge lies in two reservations: refused. */
  const ilheap_provider *zp = ilheap_zone_provider(z->zone);
  for (uintptr_t a = z->sb + z->page; a < z->se; a += z->page) {
    int before = ilheap_zone_outside(z->zone, a - z->page, a) == 0;
    int after = ilheap_zone_outside(z->zone, a, a + z->page) == 0;
    if (before != after) {
      FUZZ_CHECK(zp->commit(zp->ctx, a - z->page, 2 * z->page) == ILHEAP_EINVAL,
                 "a commit across a piece's edge was not refused");
      break;
    }
  }
}

static void do_misuse(zstate *z, fuzz_input *in) {
  uintptr_t base = 1;
  size_t paved = 1;
  ilheap_zone_stats st;
  switch (fuzz_pick(in, 4)) {
  case 0:
    FUZZ_CHECK(ilheap_zone_take_below(NULL, 0, 1, 1, 0, &base) == ILHEAP_EINVAL && base == 0,
               "take_below(NULL)");
    FUZZ_CHECK(ilheap_zone_take_below(z->zone, 0, 1, 0, 0, NULL) == ILHEAP_EINVAL, "size 0");
    FUZZ_CHECK(ilheap_zone_take_below(z->zone, 5, 5, 1, 0, NULL) == ILHEAP_EINVAL, "lo >= hi");
    break;
  case 1:
    FUZZ_CHECK(ilheap_zone_pave(NULL, 0, 1, &paved) == ILHEAP_EINVAL && paved == 0, "pave(NULL)");
    FUZZ_CHECK(ilheap_zone_pave(z->zone, 9, 9, NULL) == ILHEAP_OK, "an empty pave");
    break;
  case 2:
    st.size = (uint32_t)fuzz_range(in, 0, 8);
    FUZZ_CHECK(ilheap_zone_get_stats(z->zone, &st) == ILHEAP_EVERSION, "stats size");
    FUZZ_CHECK(ilheap_zone_get_stats(NULL, &st) == ILHEAP_EINVAL, "stats(NULL)");
    break;
  default:
    FUZZ_CHECK(ilheap_zone_provider(NULL) == NULL && ilheap_zone_held(NULL, 0, 9) == 0 &&
                   ilheap_zone_outside(NULL, 0, 9) == 9,
               "queries on NULL");
    misuse_more(z);
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_input in = fuzz_input_make(data, size);
  static zstate z;
  memset(&z, 0, sizeof z);
  size_t npages = (size_t)fuzz_range(&in, 16, 1024);
  if (ilheap_sim_create(npages * 4096, 0, &z.sim) != ILHEAP_OK)
    return 0;
  z.sb = ilheap_sim_base(z.sim);
  z.se = z.sb + ilheap_sim_size(z.sim);
  z.page = ilheap_sim_page_size(z.sim);
  size_t max_bytes = fuzz_bool(&in) ? 0 : (size_t)fuzz_range(&in, 0, npages) * 4096;
  static ilheap_provider older; /* the simulation as a provider of version 2 */
  const ilheap_provider *inner = ilheap_sim_provider(z.sim);
  z.has_decommit = npages % 4 != 3;
  if (!z.has_decommit) {
    older = *inner;
    older.size = (uint32_t)offsetof(ilheap_provider, decommit);
    inner = &older;
  }
  FUZZ_CHECK(ilheap_zone_create(inner, max_bytes, &z.zone) == ILHEAP_OK, "zone_create");
  FUZZ_CHECK((ilheap_zone_provider(z.zone)->decommit != NULL) == z.has_decommit,
             "the zone offers decommit exactly when the provider it wraps has it");
  for (int op = 0; op < MAX_OPS && fuzz_remaining(&in) > 0; op++) {
    int slot = (int)fuzz_pick(&in, MAX_HEAPS);
    switch (fuzz_pick(&in, 10)) {
    case 0: {
      uintptr_t lo = decode_addr(&z, &in), hi = decode_addr(&z, &in), base = 0;
      size_t len = (size_t)fuzz_range(&in, 0, 64) * 4096,
             min_free = (size_t)fuzz_range(&in, 0, 64) * 4096;
      int rc = ilheap_zone_take_below(z.zone, lo, hi, len, min_free, &base);
      FUZZ_CHECK(rc != ILHEAP_OK || (base >= lo && base + len <= hi), "piece outside [lo, hi)");
      break;
    }
    case 1: {
      uintptr_t lo = decode_addr(&z, &in), hi = decode_addr(&z, &in);
      (void)ilheap_zone_pave(z.zone, lo, hi, NULL);
      break;
    }
    case 2: do_create(&z, slot, &in); break;
    case 3:
    case 4:
    case 5: do_alloc(&z, slot, (uint32_t)fuzz_range(&in, 0, fuzz_bool(&in) ? 300 : 70000)); break;
    case 6: do_destroy(&z, slot); break;
    case 7: {
      uintptr_t a = decode_addr(&z, &in);
      size_t len = (size_t)fuzz_range(&in, 1, 16) * z.page;
      if (fuzz_bool(&in))
        (void)ilheap_sim_occupy(z.sim, a, len);
      else
        (void)ilheap_sim_vacate(z.sim, a, len);
      break;
    }
    case 8:
      (void)ilheap_sim_inject(z.sim, (ilheap_sim_op)fuzz_pick(&in, ILHEAP_SIM_OP_COUNT),
                              (uint32_t)fuzz_range(&in, 0, 4), (uint32_t)fuzz_range(&in, 1, 3));
      break;
    default: do_misuse(&z, &in); break;
    }
    check_all(&z);
  }
  verify_blocks(&z, "at the end");
  for (int i = 0; i < MAX_HEAPS; i++)
    do_destroy(&z, i);
  check_all(&z);
  ilheap_zone_stats zs;
  memset(&zs, 0, sizeof zs);
  zs.size = (uint32_t)sizeof zs;
  FUZZ_CHECK(ilheap_zone_get_stats(z.zone, &zs) == ILHEAP_OK && zs.bytes_held == 0,
             "contract 7: the zone still holds %llu bytes for destroyed heaps",
             (unsigned long long)zs.bytes_held);
  ilheap_zone_destroy(z.zone);
  ilheap_sim_stats ss;
  FUZZ_CHECK(ilheap_sim_get_stats(z.sim, &ss) == ILHEAP_OK && ss.reserved_bytes == 0 &&
                 ss.committed_bytes == 0,
             "contract 7: %llu bytes still reserved after the zone was destroyed",
             (unsigned long long)ss.reserved_bytes);
  ilheap_sim_destroy(z.sim);
  return 0;
}
