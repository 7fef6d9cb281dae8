/* SPDX-License-Identifier: MIT */
/* The view of remembered runs (runs.h). */
#include <string.h>

#include "invariant.h"
#include "os/os.h"
#include "runs.h"

static ilheap__mutex runs_lock;
static ilheap__once runs_once = ILHEAP__ONCE_INIT;

static void runs_init(void) { (void)ilheap__mutex_init(&runs_lock); }

static void lock(void) {
  ilheap__once_run(&runs_once, runs_init);
  ilheap__mutex_lock(&runs_lock);
}

static void unlock(void) { ilheap__mutex_unlock(&runs_lock); }

#if ILHEAP_ASSERTS_ON
static void check(const ilheap__runs *view) {
  ILHEAP_ASSERT(view->n <= ILHEAP__RUNS_MAX);
  for (size_t i = 0; i < view->n; i++) {
    ILHEAP_ASSERT(view->v[i].lo < view->v[i].hi);
    ILHEAP_ASSERT(i == 0 || view->v[i - 1].hi < view->v[i].lo); /* apart: touching ones merge */
  }
}
#define CHECK(view) check(view)
#else
#define CHECK(view) ((void)0)
#endif

/* The first run whose hi is above addr (n if none). Under the lock. */
static size_t find(const ilheap__runs *view, uintptr_t addr) {
  size_t a = 0, b = view->n;
  while (a < b) {
    size_t m = a + (b - a) / 2;
    if (view->v[m].hi <= addr)
      a = m + 1;
    else
      b = m;
  }
  return a;
}

/* Removes run i. Under the lock. */
static void drop(ilheap__runs *view, size_t i) {
  memmove(&view->v[i], &view->v[i + 1], (view->n - i - 1) * sizeof *view->v);
  view->n--;
}

uintptr_t ilheap__runs_jump(ilheap__runs *view, uintptr_t addr, uint32_t *mappings) {
  uintptr_t end = 0;
  size_t i;
  lock();
  i = find(view, addr);
  if (i < view->n && view->v[i].lo <= addr) {
    ilheap__run *r = &view->v[i];
    if (++r->jumps >= (r->mappings > ILHEAP__RUNS_JUMPS ? r->mappings : ILHEAP__RUNS_JUMPS)) {
      drop(view, i); /* crossed again, holes and all, by the caller's walk */
    } else {
      end = r->hi;
      if (mappings != NULL)
        *mappings = r->mappings;
    }
  }
  CHECK(view);
  unlock();
  return end;
}

void ilheap__runs_add(ilheap__runs *view, uintptr_t lo, uintptr_t hi, uint32_t mappings) {
  uint32_t jumps = 0;
  size_t i, j;
  ILHEAP_ASSERT(lo < hi);
  lock();
  i = find(view, lo > 0 ? lo - 1 : 0); /* a run ending at lo touches it */
  for (j = i; j < view->n && view->v[j].lo <= hi; j++) {
    uint32_t m = view->v[j].mappings;
    mappings = mappings > UINT32_MAX - m ? UINT32_MAX : mappings + m;
    if (view->v[j].jumps > jumps)
      jumps = view->v[j].jumps; /* what was remembered ages as before */
    if (view->v[j].lo < lo)
      lo = view->v[j].lo;
    if (view->v[j].hi > hi)
      hi = view->v[j].hi;
  }
  if (i == j && view->n == ILHEAP__RUNS_MAX) {
    view->n = 0; /* full: start over */
    i = j = 0;
  }
  /* [i, j) becomes one run. */
  memmove(&view->v[i + 1], &view->v[j], (view->n - j) * sizeof *view->v);
  view->n = view->n + 1 - (j - i);
  view->v[i].lo = lo;
  view->v[i].hi = hi;
  view->v[i].mappings = mappings;
  view->v[i].jumps = jumps;
  CHECK(view);
  unlock();
}

void ilheap__runs_forget(ilheap__runs *view, uintptr_t lo, uintptr_t hi) {
  size_t i;
  lock();
  for (i = find(view, lo); i < view->n && view->v[i].lo < hi;) {
    ilheap__run r = view->v[i];
    if (r.lo < lo && r.hi > hi) { /* split in two */
      if (view->n == ILHEAP__RUNS_MAX) {
        view->n = 0;
        break;
      }
      memmove(&view->v[i + 1], &view->v[i], (view->n - i) * sizeof *view->v);
      view->n++;
      view->v[i].hi = lo;
      view->v[i + 1].lo = hi;
      break;
    }
    if (r.lo < lo)
      view->v[i++].hi = lo;
    else if (r.hi > hi) {
      view->v[i].lo = hi;
      break;
    } else {
      drop(view, i);
    }
  }
  CHECK(view);
  unlock();
}

void ilheap__runs_clear(ilheap__runs *view) {
  lock();
  view->n = 0;
  unlock();
}

size_t ilheap__runs_copy(ilheap__runs *view, ilheap__run *out, size_t cap) {
  size_t n;
  lock();
  n = view->n;
  memcpy(out, view->v, (n < cap ? n : cap) * sizeof *out);
  unlock();
  return n;
}
