/* SPDX-License-Identifier: MIT */
/* Range sets (support/space.h): plain arithmetic, no OS. */
#include "space.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sup_ranges_reserve(sup_ranges *rs, size_t cap) {
  if (cap <= rs->cap)
    return;
  sup_range *v = realloc(rs->v, cap * sizeof *v);
  if (v == NULL) {
    fprintf(stderr, "support: out of memory for %zu ranges\n", cap);
    abort();
  }
  rs->v = v;
  rs->cap = cap;
}

void sup_ranges_push(sup_ranges *rs, uintptr_t lo, uintptr_t hi) {
  if (rs->n == rs->cap)
    sup_ranges_reserve(rs, rs->cap ? rs->cap * 2 : 64);
  rs->v[rs->n].lo = lo;
  rs->v[rs->n].hi = hi;
  rs->n++;
}

void sup_ranges_free(sup_ranges *rs) {
  free(rs->v);
  rs->v = NULL;
  rs->n = rs->cap = 0;
}

static int range_cmp(const void *a, const void *b) {
  const sup_range *x = a, *y = b;
  if (x->lo != y->lo)
    return x->lo < y->lo ? -1 : 1;
  if (x->hi != y->hi)
    return x->hi < y->hi ? -1 : 1;
  return 0;
}

void sup_ranges_normalize(sup_ranges *rs) {
  if (rs->n == 0)
    return;
  qsort(rs->v, rs->n, sizeof rs->v[0], range_cmp);
  size_t w = 0;
  for (size_t i = 1; i < rs->n; i++) {
    if (rs->v[i].lo <= rs->v[w].hi) {
      if (rs->v[i].hi > rs->v[w].hi)
        rs->v[w].hi = rs->v[i].hi;
    } else {
      rs->v[++w] = rs->v[i];
    }
  }
  rs->n = w + 1;
}

/* The first range whose hi is above lo (binary search). */
static size_t first_above(const sup_ranges *rs, uintptr_t lo) {
  size_t a = 0, b = rs->n;
  while (a < b) {
    size_t m = a + (b - a) / 2;
    if (rs->v[m].hi <= lo)
      a = m + 1;
    else
      b = m;
  }
  return a;
}

size_t sup_ranges_hit(const sup_ranges *rs, uintptr_t lo, uintptr_t hi) {
  size_t a = first_above(rs, lo);
  return a < rs->n && rs->v[a].lo < hi ? a : SUP_NONE;
}

uintptr_t sup_ranges_overlap(const sup_ranges *rs, uintptr_t lo, uintptr_t hi) {
  uintptr_t total = 0;
  for (size_t i = first_above(rs, lo); i < rs->n && rs->v[i].lo < hi; i++) {
    uintptr_t a = rs->v[i].lo > lo ? rs->v[i].lo : lo;
    uintptr_t b = rs->v[i].hi < hi ? rs->v[i].hi : hi;
    total += b - a;
  }
  return total;
}

int sup_ranges_covers(const sup_ranges *rs, uintptr_t lo, uintptr_t hi) {
  return sup_ranges_overlap(rs, lo, hi) == hi - lo;
}

uint64_t sup_ranges_bytes(const sup_ranges *rs) {
  uint64_t t = 0;
  for (size_t i = 0; i < rs->n; i++)
    t += rs->v[i].hi - rs->v[i].lo;
  return t;
}

uint64_t sup_ranges_missing(const sup_ranges *a, const sup_ranges *b, uintptr_t lo, uintptr_t hi) {
  uint64_t t = 0;
  for (size_t i = first_above(a, lo); i < a->n && a->v[i].lo < hi; i++) {
    uintptr_t x = a->v[i].lo > lo ? a->v[i].lo : lo;
    uintptr_t y = a->v[i].hi < hi ? a->v[i].hi : hi;
    t += (y - x) - sup_ranges_overlap(b, x, y);
  }
  return t;
}

uint64_t sup_ranges_diff(const sup_ranges *a, const sup_ranges *b, uintptr_t lo, uintptr_t hi) {
  return sup_ranges_missing(a, b, lo, hi) + sup_ranges_missing(b, a, lo, hi);
}

int sup_ranges_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  sup_ranges_push(arg, lo, hi);
  return 0;
}

const sup_module *sup_module_find(const sup_module *v, size_t n, const char *part) {
  for (size_t i = 0; i < n; i++)
    if (strstr(v[i].name, part) != NULL)
      return &v[i];
  return NULL;
}
