/* SPDX-License-Identifier: MIT */
/* The contract checks shared by tests, fuzz harnesses and the demo (support/contract.h). */
#include "contract.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#if defined(__MINGW32__) && !defined(__clang__) /* C99 formats: mingw's printf (clang: printf is) */
__attribute__((format(gnu_printf, 2, 3)))
#else
__attribute__((format(printf, 2, 3)))
#endif
#endif
static int
fail(sup_why why, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof(sup_why), fmt, ap);
  va_end(ap);
  return -1;
}

int sup_check_window(uintptr_t base, uint32_t max_offset, uint32_t alignment, const void *ptr,
                     uint32_t cb, sup_why why) {
  uintptr_t p = (uintptr_t)ptr;
  if (ptr == NULL)
    return fail(why, "contract 1: NULL block of %" PRIu32 " bytes", cb);
  if (p <= base)
    return fail(why, "contract 1: block %#" PRIxPTR " is not above base %#" PRIxPTR, p, base);
  uintptr_t off = p - base;
  if (off > max_offset || cb > max_offset - off)
    return fail(why,
                "contract 1: block [%#" PRIxPTR " + %" PRIu32 ") ends past the window "
                "(offset %#" PRIxPTR ", max_offset %#" PRIx32 ", base %#" PRIxPTR ")",
                p, cb, off, max_offset, base);
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    return fail(why, "alignment %" PRIu32 " is not a power of two", alignment);
  if ((p & (alignment - 1)) != 0)
    return fail(why, "contract 2: block %#" PRIxPTR " is not %" PRIu32 "-aligned", p, alignment);
  return 0;
}

int sup_in_window(uintptr_t base, uint32_t max_offset, uintptr_t p, uint32_t cb) {
  return p > base && (uint64_t)(p - base) <= max_offset &&
         (uint64_t)cb <= (uint64_t)max_offset - (uint64_t)(p - base);
}

int sup_off_window(uintptr_t base, uint32_t max_offset, uintptr_t p, uint32_t cb) {
  if (base == UINTPTR_MAX || (p <= base && cb <= base + 1 - p))
    return 1; /* wholly at or below the base (or no window at all) */
  return p > base && (uint64_t)(p - base) >= max_offset; /* at or past its end */
}

int sup_check_block(const ilheap *heap, const void *ptr, uint32_t cb, sup_why why) {
  uintptr_t p = (uintptr_t)ptr, base = ilheap_module_base(heap);
  uint32_t m = ilheap_max_offset(heap), a = ilheap_alignment(heap), rva = 0xFFFFFFFFu;
  int rc = ptr != NULL ? ilheap_rva(heap, ptr, cb, &rva) : ILHEAP_EINVAL;
  if (ptr != NULL && ilheap_window_policy(heap) == ILHEAP_WINDOW_PREFERRED &&
      !sup_in_window(base, m, p, cb)) {
    if (!sup_off_window(base, m, p, cb))
      return fail(why,
                  "contract 1: block [%#" PRIxPTR " + %" PRIu32 ") straddles the edge of "
                  "the window of base %#" PRIxPTR " (max_offset %#" PRIx32 ")",
                  p, cb, base, m);
    if (p > UINTPTR_MAX - cb)
      return fail(why, "contract 9: block [%#" PRIxPTR " + %" PRIu32 ") wraps", p, cb);
    if (a == 0 || (p & (a - 1)) != 0)
      return fail(why, "contract 2: block %#" PRIxPTR " is not %" PRIu32 "-aligned", p, a);
    if (rc != ILHEAP_ERANGE || rva != 0)
      return fail(why, "ilheap_rva of a block outside the window: %d, rva %#" PRIx32, rc, rva);
    return 0;
  }
  if (sup_check_window(base, m, a, ptr, cb, why) != 0)
    return -1;
  if (rc != ILHEAP_OK || rva != p - base)
    return fail(why, "ilheap_rva of block %#" PRIxPTR " inside the window: %d, rva %#" PRIx32, p,
                rc, rva);
  return 0;
}

int sup_check_zero(const void *block, uint32_t cb, sup_why why) {
  /* Word-wise where it can: large blocks are common and fuzzers run this on
   * every allocation. */
  const unsigned char *b = block;
  size_t i = 0;
  while (i < cb && ((uintptr_t)(b + i) % sizeof(uint64_t)) != 0 && b[i] == 0)
    i++;
  for (; i + sizeof(uint64_t) <= cb; i += sizeof(uint64_t)) {
    uint64_t w;
    memcpy(&w, b + i, sizeof w);
    if (w != 0)
      break;
  }
  for (; i < cb; i++)
    if (b[i] != 0)
      return fail(why, "contract 4: byte %zu of block %p (cb %" PRIu32 ") reads %#x, not 0", i,
                  block, cb, b[i]);
  return 0;
}

/* The pattern repeats every 256 bytes (i * 0x3B mod 256 depends only on
 * i mod 256), so fill and check work on a 256-byte template with memcpy and
 * memcmp: blocks of megabytes are checked many times per fuzz input. */
static void pattern(unsigned char t[256], uint32_t tag) {
  for (uint32_t i = 0; i < 256; i++)
    t[i] = (unsigned char)(((tag * 0x9Du) ^ (i * 0x3Bu)) | 1u);
}

void sup_fill(void *block, uint32_t cb, uint32_t tag) {
  unsigned char t[256];
  pattern(t, tag);
  unsigned char *b = block;
  for (size_t i = 0; i < cb; i += 256)
    memcpy(b + i, t, cb - i < 256 ? cb - i : 256);
}

int sup_check_fill(const void *block, uint32_t cb, uint32_t tag, sup_why why) {
  unsigned char t[256];
  pattern(t, tag);
  const unsigned char *b = block;
  for (size_t i = 0; i < cb; i += 256) {
    size_t n = cb - i < 256 ? cb - i : 256;
    if (memcmp(b + i, t, n) == 0)
      continue;
    size_t j = 0;
    while (b[i + j] == t[j])
      j++;
    return fail(
        why, "contract 3/6: byte %zu of block %p (cb %" PRIu32 ", tag %" PRIu32 ") changed to %#x",
        i + j, block, cb, tag, b[i + j]);
  }
  return 0;
}

int sup_check_blocks_fill(const sup_block *v, size_t n, sup_why why) {
  for (size_t i = 0; i < n; i++)
    if (sup_check_fill((const void *)v[i].p, v[i].cb, v[i].tag, why) != 0)
      return -1;
  return 0;
}

static int block_cmp(const void *a, const void *b) {
  const sup_block *x = a, *y = b;
  return x->p < y->p ? -1 : x->p > y->p;
}

int sup_check_disjoint(sup_block *v, size_t n, sup_why why) {
  if (n < 2)
    return 0;
  qsort(v, n, sizeof v[0], block_cmp);
  for (size_t i = 1; i < n; i++) {
    const sup_block *a = &v[i - 1], *b = &v[i];
    if (b->p - a->p < a->cb)
      return fail(why,
                  "contract 3: block %#" PRIxPTR "+%" PRIu32 " (heap %" PRIu32
                  ") overlaps block %#" PRIxPTR "+%" PRIu32 " (heap %" PRIu32 ")",
                  a->p, a->cb, a->heap, b->p, b->cb, b->heap);
  }
  return 0;
}

int sup_check_avoid(const sup_block *v, size_t n, const sup_ranges *taken, const char *what,
                    sup_why why) {
  for (size_t i = 0; i < n; i++) {
    size_t j = sup_ranges_hit(taken, v[i].p, v[i].p + v[i].cb);
    if (j != SUP_NONE)
      return fail(why,
                  "contract 3: block %#" PRIxPTR "+%" PRIu32 " (heap %" PRIu32
                  ") overlaps %s [%#" PRIxPTR ", %#" PRIxPTR ")",
                  v[i].p, v[i].cb, v[i].heap, what, taken->v[j].lo, taken->v[j].hi);
  }
  return 0;
}

int sup_check_inside(const sup_block *v, size_t n, const sup_ranges *reserved, sup_why why) {
  for (size_t i = 0; i < n; i++) {
    size_t j = sup_ranges_hit(reserved, v[i].p, v[i].p + v[i].cb);
    if (j == SUP_NONE || reserved->v[j].lo > v[i].p || v[i].p + v[i].cb > reserved->v[j].hi)
      return fail(why,
                  "block %#" PRIxPTR "+%" PRIu32 " (heap %" PRIu32
                  ") is not inside one reserved range",
                  v[i].p, v[i].cb, v[i].heap);
  }
  return 0;
}

/* What walk_reserved reported, summed without storing it. */
typedef struct reserved_sum {
  uint64_t bytes, ranges, empty;
  uintptr_t lowest, highest;
} reserved_sum;

static int sum_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  reserved_sum *s = arg;
  if (hi <= lo) {
    s->empty++;
    return 0;
  }
  s->bytes += hi - lo;
  s->ranges++;
  s->lowest = s->ranges == 1 || lo < s->lowest ? lo : s->lowest;
  s->highest = hi > s->highest ? hi : s->highest;
  return 0;
}

int sup_check_stats(const ilheap *heap, uint64_t blocks, uint64_t requested, uint64_t failed,
                    sup_why why) {
  ilheap_stats st;
  memset(&st, 0xA5, sizeof st); /* nothing may be left as it was */
  st.size = sizeof st;
  int rc = ilheap_get_stats(heap, &st);
  if (rc != ILHEAP_OK)
    return fail(why, "ilheap_get_stats: %s", ilheap_strerror(rc));
  if (st.version != ILHEAP_STATS_VERSION)
    return fail(why, "stats.version %" PRIu32, (uint32_t)st.version);
  if (st.blocks != blocks || st.bytes_requested != requested || st.failed_requests != failed)
    return fail(why,
                "stats say %" PRIu64 " blocks, %" PRIu64 " bytes, %" PRIu64
                " failed; the caller counted %" PRIu64 ", %" PRIu64 ", %" PRIu64,
                st.blocks, st.bytes_requested, st.failed_requests, blocks, requested, failed);
  if (st.bytes_committed > st.bytes_reserved)
    return fail(why, "committed %" PRIu64 " > reserved %" PRIu64, st.bytes_committed,
                st.bytes_reserved);
  /* What was consumed (cb + padding) was committed: blocks are usable. */
  if (st.bytes_requested + st.padding_bytes > st.bytes_committed)
    return fail(why, "requested %" PRIu64 " + padding %" PRIu64 " > committed %" PRIu64,
                st.bytes_requested, st.padding_bytes, st.bytes_committed);
  reserved_sum s = {0};
  rc = ilheap_walk_reserved(heap, sum_visit, &s);
  if (rc != ILHEAP_OK)
    return fail(why, "ilheap_walk_reserved: %s", ilheap_strerror(rc));
  if (s.empty != 0)
    return fail(why, "walk_reserved reported %" PRIu64 " empty ranges", s.empty);
  if (s.bytes != st.bytes_reserved)
    return fail(why, "walk_reserved covers %" PRIu64 " bytes, stats say %" PRIu64, s.bytes,
                st.bytes_reserved);
  if (s.ranges == 0 && (st.chunks != 0 || st.lowest != 0 || st.highest != 0))
    return fail(why, "nothing reserved, yet %" PRIu64 " chunks in [%#" PRIx64 ", %#" PRIx64 ")",
                st.chunks, (uint64_t)st.lowest, (uint64_t)st.highest);
  if (s.ranges != 0 && (st.chunks == 0 || st.lowest != s.lowest || st.highest != s.highest))
    return fail(why,
                "%" PRIu64 " chunks in [%#" PRIx64 ", %#" PRIx64 "), walk_reserved: %" PRIu64
                " ranges in [%#" PRIxPTR ", %#" PRIxPTR ")",
                st.chunks, (uint64_t)st.lowest, (uint64_t)st.highest, s.ranges, s.lowest,
                s.highest);
  return 0;
}

int sup_check_reserved_fresh(const sup_ranges *reserved, const sup_ranges *before,
                             const sup_ranges *now, sup_why why) {
  for (size_t i = 0; i < reserved->n; i++) {
    uintptr_t lo = reserved->v[i].lo, hi = reserved->v[i].hi;
    size_t j = sup_ranges_hit(before, lo, hi);
    if (j != SUP_NONE)
      return fail(why,
                  "contract 3: reserved [%#" PRIxPTR ", %#" PRIxPTR
                  ") over a mapping that existed before [%#" PRIxPTR ", %#" PRIxPTR ")",
                  lo, hi, before->v[j].lo, before->v[j].hi);
    if (!sup_ranges_covers(now, lo, hi))
      return fail(why, "reserved [%#" PRIxPTR ", %#" PRIxPTR ") is not mapped", lo, hi);
  }
  return 0;
}

void sup_zone_push(sup_ranges *zones, const ilheap *heap) {
  uintptr_t b = ilheap_module_base(heap);
  uintptr_t m = (uintptr_t)ilheap_max_offset(heap) + ((uintptr_t)1 << 20);
  sup_ranges_push(zones, b, b > UINTPTR_MAX - m ? UINTPTR_MAX : b + m);
}

/* The first range of a inside [lo, hi) that b does not cover entirely. */
static const sup_range *first_missing(const sup_ranges *a, const sup_ranges *b, uintptr_t lo,
                                      uintptr_t hi) {
  for (size_t i = 0; i < a->n; i++) {
    uintptr_t x = a->v[i].lo > lo ? a->v[i].lo : lo;
    uintptr_t y = a->v[i].hi < hi ? a->v[i].hi : hi;
    if (x < y && !sup_ranges_covers(b, x, y))
      return &a->v[i];
  }
  return NULL;
}

int sup_check_restored(const sup_ranges *before, const sup_ranges *after,
                       const sup_ranges *reserved, const sup_ranges *zones, sup_why why) {
  for (size_t i = 0; i < reserved->n; i++) {
    size_t j = sup_ranges_hit(after, reserved->v[i].lo, reserved->v[i].hi);
    if (j != SUP_NONE)
      return fail(why,
                  "contract 7: [%#" PRIxPTR ", %#" PRIxPTR
                  ") still mapped after destroy (the map has [%#" PRIxPTR ", %#" PRIxPTR "))",
                  reserved->v[i].lo, reserved->v[i].hi, after->v[j].lo, after->v[j].hi);
  }
  for (size_t z = 0; z < zones->n; z++) {
    uintptr_t lo = zones->v[z].lo, hi = zones->v[z].hi;
    if (sup_ranges_diff(before, after, lo, hi) == 0)
      continue;
    const sup_range *gone = first_missing(before, after, lo, hi);
    const sup_range *came = first_missing(after, before, lo, hi);
    return fail(why,
                "contract 7: the map changed inside [%#" PRIxPTR ", %#" PRIxPTR "): %s [%#" PRIxPTR
                ", %#" PRIxPTR ")",
                lo, hi, gone ? "no longer all mapped" : "newly mapped",
                gone   ? gone->lo
                : came ? came->lo
                       : 0,
                gone   ? gone->hi
                : came ? came->hi
                       : 0);
  }
  return 0;
}
