/* SPDX-License-Identifier: MIT */
/* fuzz_faults: the landing zone under injected failures (fuzz/faults.h). */
#include "faults.h"

/* Where a zone may take pieces: the simulated space, or real address space far
 * from the growth zones (what the zone's wrapped provider has free there). */
static void zone_region(state *st, fuzz_input *in, uintptr_t *lo, uintptr_t *hi) {
  uintptr_t len = (uintptr_t)fuzz_range(in, 1, 64) << 17; /* up to 8 MiB: a chunk's room fits */
  if (st->sim != NULL) {
    *lo = ilheap_sim_base(st->sim) + ((uintptr_t)fuzz_range(in, 0, 255) << 16);
  } else {
    uintptr_t brk = (uintptr_t)sbrk(0) & ~(uintptr_t)0xFFFF;
    *lo = brk > ((uintptr_t)3 << 30) ? brk - ((uintptr_t)2 << 30) : (uintptr_t)0x20000000;
    *lo -= (uintptr_t)fuzz_range(in, 0, 255) << 16;
  }
  *hi = *lo + len;
}

struct outside_sum {
  ilheap_zone *zone;
  uint64_t bytes;
};

static int sum_outside(void *arg, uintptr_t lo, uintptr_t hi) {
  struct outside_sum *s = arg;
  s->bytes += ilheap_zone_outside(s->zone, lo, hi);
  return 0;
}

/* A zone (include/ilheap_zone.h) over the provider in use, with faults armed:
 * a piece, paving, a heap on the zone's provider used at once, then everything
 * given back (the faults disarmed there, as around every destroy). An
 * allocation failure must come back as ILHEAP_ENOMEM from whichever call met
 * it (create, take_below, pave), with nothing set; the zone's accounts stay
 * exact: nothing held once its heap is gone, and (on the simulated provider)
 * nothing left reserved once the zone is destroyed. */
void faults_op_zone(state *st, fuzz_input *in) {
  const ilheap_provider *inner = faults_provider(st);
  ilheap_zone *z = (ilheap_zone *)(uintptr_t)1;
  uint64_t allocs = ilheap__alloc_faults_fired(), all;
#define ONLY_ALLOC_FAILED()                                                                        \
  (ilheap__alloc_faults_fired() != allocs && ilheap__faults_fired() - all ==                       \
                                                 ilheap__alloc_faults_fired() - allocs)
  if (inner == NULL)
    return;
  int err = ilheap_zone_create(inner, (size_t)fuzz_range(in, 0, 128) << 16, &z);
  FUZZ_CHECK(faults_documented(err), "zone_create answered %d", err);
  if (ilheap__alloc_faults_fired() != allocs)
    FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in zone_create, answer %d", err);
  if (err != ILHEAP_OK) {
    FUZZ_CHECK(z == NULL, "zone_create failed but set *out");
    return;
  }
  size_t page = inner->page_size;
  uintptr_t lo, hi, base = 1;
  zone_region(st, in, &lo, &hi);
  size_t size = (size_t)fuzz_range(in, 1, 16) * page;
  allocs = ilheap__alloc_faults_fired();
  all = ilheap__faults_fired();
  err = ilheap_zone_take_below(z, lo, hi, size, (size_t)fuzz_range(in, 0, 32) * page, &base);
  FUZZ_CHECK(faults_documented(err), "take_below answered %d", err);
  if (ONLY_ALLOC_FAILED())
    FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in take_below, answer %d", err);
  FUZZ_CHECK(err == ILHEAP_OK ? base >= lo && base + size <= hi && base % page == 0 : base == 0,
             "take_below answered %d with a piece at %#" PRIxPTR " for [%#" PRIxPTR ", %#" PRIxPTR
             ")",
             err, base, lo, hi);
  if (err != ILHEAP_OK)
    base = lo;
  uintptr_t module = base - page; /* the piece at the window's start */
  if (fuzz_bool(in)) {
    size_t paved = 1;
    allocs = ilheap__alloc_faults_fired();
    all = ilheap__faults_fired();
    err = ilheap_zone_pave(z, lo, hi, &paved);
    FUZZ_CHECK(faults_documented(err), "pave answered %d", err);
    if (ONLY_ALLOC_FAILED())
      FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in pave, answer %d", err);
    FUZZ_CHECK(paved <= hi - lo && paved % page == 0, "pave added %zu bytes in [%#" PRIxPTR
               ", %#" PRIxPTR ")", paved, lo, hi);
    if (paved != 0)
      module = lo - page; /* the paved region at the window's start */
  }
  /* A heap whose module sits at the piece, on the zone's provider. */
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = ilheap_zone_provider(z);
  o.window_policy = fuzz_bool(in) ? ILHEAP_WINDOW_PREFERRED : ILHEAP_WINDOW_REQUIRED;
  ilheap *h = (ilheap *)(uintptr_t)1;
  allocs = ilheap__alloc_faults_fired();
  err = ilheap_create((const void *)module, &o, &h);
  FUZZ_CHECK(faults_documented(err), "create on a zone answered %d", err);
  if (ilheap__alloc_faults_fired() != allocs)
    FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in create on a zone, answer %d", err);
  if (err == ILHEAP_OK) {
    void *blocks[8];
    uint32_t cbs[8];
    unsigned n = (unsigned)fuzz_range(in, 0, 8);
    for (unsigned k = 0; k < n; k++) {
      cbs[k] = (uint32_t)fuzz_range(in, 1, 96 << 10);
      blocks[k] = ilheap_alloc(h, cbs[k]);
      if (blocks[k] == NULL)
        continue;
      FUZZ_OK(sup_check_block(h, blocks[k], cbs[k], why));
      FUZZ_OK(sup_check_zero(blocks[k], cbs[k], why));
      sup_fill(blocks[k], cbs[k], 0x5A000000u + k);
    }
    for (unsigned k = 0; k < n; k++)
      if (blocks[k] != NULL)
        fuzz_check_fill(blocks[k], cbs[k], 0x5A000000u + k, "a block from a zone");
    /* Destroyed with the faults still armed when all it holds lies in the
     * zone's pieces: a release the wrapped provider refuses leaves those pages
     * stuck, the zone's still (given back when it is destroyed), held by no one.
     * Elsewhere a refused release would leak, and destroy cannot report it. */
    struct outside_sum os = {z, 0};
    if (ilheap_walk_reserved(h, sum_outside, &os) != ILHEAP_OK || os.bytes != 0)
      faults_disarm();
    ilheap_destroy(h);
  } else {
    FUZZ_CHECK(h == NULL, "create on a zone failed but set *out");
  }
  faults_disarm();
  ilheap_zone_stats zs;
  memset(&zs, 0, sizeof zs);
  zs.size = (uint32_t)sizeof zs;
  FUZZ_CHECK(ilheap_zone_get_stats(z, &zs) == ILHEAP_OK, "zone stats");
  FUZZ_CHECK(zs.bytes_held == 0, "the zone holds %llu bytes for a destroyed heap",
             (unsigned long long)zs.bytes_held);
  FUZZ_CHECK(zs.bytes_held + zs.bytes_lost <= zs.bytes, "zone: held + lost > bytes");
  ilheap_zone_destroy(z);
  faults_check_no_leak(st, "after a zone was destroyed");
#undef ONLY_ALLOC_FAILED
}
