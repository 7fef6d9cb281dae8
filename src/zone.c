/* SPDX-License-Identifier: MIT */
/*
 * The landing zone (include/ilheap_zone.h): pieces of address space reserved
 * through a wrapped provider, handed to heaps page by page. No system call:
 * only the wrapped provider's functions.
 *
 * The whole interface: the zone reads the wrapped provider whole
 * (ilheap__provider_whole) and offers every function a heap may use: map (a
 * refill in one step: the pages marked held, then one call of the wrapped
 * provider's map, which commits and populates), resident (forwarded), and
 * decommit when the wrapped provider has it (forwarded). A wrapped provider
 * without map still gets one map call's worth of work from the zone as reserve
 * and commit, so heaps on the zone always refill in one call to it.
 *
 * State: pieces sorted by address, never overlapping; one byte per page of a
 * piece: FREE (the zone may hand it out), HELD (a heap reserved it), LOST
 * (released by a heap and taken by someone else before the zone could reserve
 * it again: only over a wrapped provider without decommit) or STUCK (the
 * wrapped provider would not release or decommit it). One mutex guards
 * everything; the wrapped provider is called with it held only where the
 * zone's view must not change meanwhile (reserving its own pieces, taking back
 * released pages).
 */
#include <stdlib.h>
#include <string.h>

#include "ilheap_zone.h"
#include "internal.h"
#include "os/os.h"
#include "seams.h"

/* STUCK: the wrapped provider refused to release it: still the zone's (given
 * back at destroy), never offered again (its contents are not zero). */
enum { PAGE_FREE = 0, PAGE_HELD = 1, PAGE_LOST = 2, PAGE_STUCK = 3 };

typedef struct piece {
  uintptr_t base;
  size_t size;
  unsigned char *state; /* per page */
} piece;

struct ilheap_zone {
  ilheap_provider prov; /* what heaps use: ctx is the zone */
  ilheap_provider inner;
  size_t page, max_bytes;
  ilheap__mutex lock;
  piece *pieces;
  size_t n, cap;
  uint64_t bytes, held, lost, reserves, passed;
};

typedef struct span_list {
  uintptr_t *v; /* lo, hi pairs */
  size_t n, cap;
  int oom;
} span_list;

static int span_push(span_list *l, uintptr_t lo, uintptr_t hi) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 32;
    uintptr_t *v = ILHEAP_REALLOC(l->v, 2 * cap * sizeof *v);
    if (v == NULL) {
      l->oom = 1;
      return 1; /* stops a walk */
    }
    l->v = v;
    l->cap = cap;
  }
  l->v[2 * l->n] = lo;
  l->v[2 * l->n + 1] = hi;
  l->n++;
  return 0;
}

static int collect(void *arg, uintptr_t lo, uintptr_t hi) { return span_push(arg, lo, hi); }

static uintptr_t piece_end(const piece *p) { return p->base + p->size; }

/* Index of the first piece ending above addr (npieces if none). */
static size_t first_after(const ilheap_zone *z, uintptr_t addr) {
  size_t lo = 0, hi = z->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (piece_end(&z->pieces[mid]) <= addr)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Where [addr, addr + len) lies: 1 inside piece *at, 0 outside every piece, -1
 * across an edge. Caller holds the lock. */
static int locate(const ilheap_zone *z, uintptr_t addr, size_t len, size_t *at) {
  size_t i = first_after(z, addr);
  *at = i;
  if (i == z->n || z->pieces[i].base >= addr + len)
    return 0;
  return z->pieces[i].base <= addr && addr + len <= piece_end(&z->pieces[i]) ? 1 : -1;
}

/* ---- the provider -------------------------------------------------------- */

/* Pushes the parts of [lo, hi) that lie outside every piece. Caller holds the lock. */
static void push_outside(const ilheap_zone *z, uintptr_t lo, uintptr_t hi, span_list *out) {
  for (size_t i = first_after(z, lo); i < z->n && lo < hi; i++) {
    const piece *p = &z->pieces[i];
    if (p->base >= hi)
      break;
    if (p->base > lo && span_push(out, lo, p->base))
      return;
    lo = piece_end(p);
  }
  if (lo < hi)
    (void)span_push(out, lo, hi);
}

/* Pushes the zone's free runs of pages inside [lo, hi). Caller holds the lock. */
static void push_zone_free(const ilheap_zone *z, uintptr_t lo, uintptr_t hi, span_list *out) {
  for (size_t k = first_after(z, lo); k < z->n; k++) {
    const piece *p = &z->pieces[k];
    uintptr_t a = lo > p->base ? lo : p->base, b = hi < piece_end(p) ? hi : piece_end(p);
    if (p->base >= hi)
      break;
    size_t i = (a - p->base) / z->page, last = (b - p->base + z->page - 1) / z->page;
    while (i < last) {
      size_t j = i;
      if (p->state[i] != PAGE_FREE) {
        i++;
        continue;
      }
      while (j < last && p->state[j] == PAGE_FREE)
        j++;
      uintptr_t s = p->base + i * z->page, e = p->base + j * z->page;
      if (span_push(out, s < a ? a : s, e > b ? b : e))
        return;
      i = j;
    }
  }
}

/* What the wrapped provider has free in [lo, hi), minus the pieces: it sees a
 * piece as taken, but a lost page may look free to it, and that is neither the
 * zone's to offer nor free outside it. Sets *out; the caller frees out->v and,
 * with zone_free != NULL, gets the zone's free runs too (one consistent view). */
static int free_outside(ilheap_zone *z, uintptr_t lo, uintptr_t hi, span_list *out,
                        span_list *zone_free) {
  span_list os = {0};
  int err = z->inner.walk_free(z->inner.ctx, lo, hi, collect, &os);
  ilheap__mutex_lock(&z->lock);
  for (size_t i = 0; i < os.n; i++)
    push_outside(z, os.v[2 * i], os.v[2 * i + 1], out);
  if (zone_free != NULL)
    push_zone_free(z, lo, hi, zone_free);
  ilheap__mutex_unlock(&z->lock);
  if (err == ILHEAP_OK && (os.oom || out->oom || (zone_free != NULL && zone_free->oom)))
    err = ILHEAP_ENOMEM;
  free(os.v);
  return err;
}

static int zone_walk_free(void *ctx, uintptr_t lo, uintptr_t hi, ilheap_range_visitor visit,
                          void *arg) {
  ilheap_zone *z = ctx;
  span_list mine = {0}, zn = {0};
  int err = free_outside(z, lo, hi, &mine, &zn);
  /* Both lists ascend and are disjoint: merge. Ranges touching at a piece's
   * edge stay apart, so no reservation straddles it. */
  size_t i = 0, j = 0;
  while (err == ILHEAP_OK && (i < mine.n || j < zn.n)) {
    int take_mine = j == zn.n || (i < mine.n && mine.v[2 * i] < zn.v[2 * j]);
    uintptr_t a = take_mine ? mine.v[2 * i] : zn.v[2 * j];
    uintptr_t b = take_mine ? mine.v[2 * i + 1] : zn.v[2 * j + 1];
    if (take_mine)
      i++;
    else
      j++;
    if (visit(arg, a, b))
      break;
  }
  free(mine.v);
  free(zn.v);
  return err;
}

/* Reserves [addr, addr + len) as the zone sees it: 1 inside a piece (its
 * pages were free and are held now, *err 0) or refused there (*err EBUSY), 0
 * wholly outside every piece (the wrapped provider's to answer, counted as
 * passed), -1 across a piece's edge (*err EBUSY). */
static int hold(ilheap_zone *z, uintptr_t addr, size_t len, int *err) {
  size_t at;
  int w;
  *err = ILHEAP_OK;
  ilheap__mutex_lock(&z->lock);
  w = locate(z, addr, len, &at);
  if (w == 1) {
    piece *p = &z->pieces[at];
    size_t first = (addr - p->base) / z->page, n = len / z->page;
    for (size_t i = 0; i < n && *err == ILHEAP_OK; i++)
      if (p->state[first + i] != PAGE_FREE)
        *err = ILHEAP_EBUSY;
    if (*err == ILHEAP_OK) {
      memset(p->state + first, PAGE_HELD, n);
      z->held += len;
      z->reserves++;
    }
  } else if (w == 0) {
    z->passed++;
  } else {
    *err = ILHEAP_EBUSY;
  }
  ilheap__mutex_unlock(&z->lock);
  return w;
}

/* Undoes hold of [addr, addr + len) inside a piece, whose pages were never
 * written (a commit that failed): free again, still zero. */
static void unhold(ilheap_zone *z, uintptr_t addr, size_t len) {
  size_t at;
  ilheap__mutex_lock(&z->lock);
  if (locate(z, addr, len, &at) == 1) {
    piece *p = &z->pieces[at];
    memset(p->state + (addr - p->base) / z->page, PAGE_FREE, len / z->page);
    z->held -= len;
    z->reserves--;
  }
  ilheap__mutex_unlock(&z->lock);
}

static int zone_reserve(void *ctx, uintptr_t addr, size_t len) {
  ilheap_zone *z = ctx;
  int err;
  if (hold(z, addr, len, &err) == 0)
    return z->inner.reserve(z->inner.ctx, addr, len); /* wholly outside the zone */
  return err;
}

static int zone_commit(void *ctx, uintptr_t addr, size_t len) {
  ilheap_zone *z = ctx;
  size_t at;
  ilheap__mutex_lock(&z->lock);
  int w = locate(z, addr, len, &at);
  ilheap__mutex_unlock(&z->lock);
  if (w < 0)
    return ILHEAP_EINVAL; /* a commit lies inside one reservation */
  return z->inner.commit(z->inner.ctx, addr, len);
}

/* Commits (and with ILHEAP_MAP_POPULATE populates) a range of one
 * reservation: the wrapped provider's map where it has one, else its commit. */
static int inner_commit(ilheap_zone *z, uintptr_t addr, size_t len, unsigned how) {
  if (z->inner.map != NULL)
    return z->inner.map(z->inner.ctx, addr, len, how & ILHEAP_MAP_POPULATE);
  return how == ILHEAP_MAP_POPULATE ? ILHEAP_OK : z->inner.commit(z->inner.ctx, addr, len);
}

/* A refill in one call: inside a piece the pages are held and committed
 * through the wrapped provider (its map: one system call, populated when
 * asked); outside every piece it is the wrapped provider's map. */
static int zone_map(void *ctx, uintptr_t addr, size_t len, unsigned how) {
  ilheap_zone *z = ctx;
  size_t at;
  int err, w;
  if ((how & ~(ILHEAP_MAP_RESERVE | ILHEAP_MAP_POPULATE)) != 0)
    return ILHEAP_EINVAL;
  if (!(how & ILHEAP_MAP_RESERVE)) {
    ilheap__mutex_lock(&z->lock);
    w = locate(z, addr, len, &at);
    ilheap__mutex_unlock(&z->lock);
    if (w < 0)
      return ILHEAP_EINVAL; /* a commit lies inside one reservation */
    return inner_commit(z, addr, len, how);
  }
  w = hold(z, addr, len, &err);
  if (w == 1 && err == ILHEAP_OK && (err = inner_commit(z, addr, len, how)) != ILHEAP_OK)
    unhold(z, addr, len);
  if (w != 0)
    return err;
  if (z->inner.map != NULL)
    return z->inner.map(z->inner.ctx, addr, len, how);
  if ((err = z->inner.reserve(z->inner.ctx, addr, len)) != ILHEAP_OK)
    return err;
  if ((err = z->inner.commit(z->inner.ctx, addr, len)) != ILHEAP_OK)
    (void)z->inner.release(z->inner.ctx, addr, len);
  return err;
}

static int zone_resident(void *ctx, uintptr_t addr) {
  ilheap_zone *z = ctx;
  return z->inner.resident(z->inner.ctx, addr);
}

/* The range is the caller's (reserved through the zone): inside a piece its
 * pages stay held by the caller; the wrapped provider decommits either way. */
static int zone_decommit(void *ctx, uintptr_t addr, size_t len) {
  ilheap_zone *z = ctx;
  return z->inner.decommit(z->inner.ctx, addr, len);
}

/* Gives [a, b), inside piece k and held, back to the zone, its contents
 * dropped. With the wrapped provider's decommit the pages never stop being the
 * zone's: nothing can be lost. Without it (an older provider), they are
 * released and reserved again, and lost if someone else maps them in between.
 * Caller holds the lock. */
static int return_pages(ilheap_zone *z, size_t k, uintptr_t a, uintptr_t b) {
  piece *p = &z->pieces[k];
  size_t first = (a - p->base) / z->page, n = (b - a) / z->page;
  int err;
  if (z->inner.decommit != NULL) {
    err = z->inner.decommit(z->inner.ctx, a, b - a);
    memset(p->state + first, err == ILHEAP_OK ? PAGE_FREE : PAGE_STUCK, n);
    z->held -= b - a;
    return err;
  }
  err = z->inner.release(z->inner.ctx, a, b - a);
  if (err != ILHEAP_OK) {
    memset(p->state + first, PAGE_STUCK, n);
  } else if (z->inner.reserve(z->inner.ctx, a, b - a) == ILHEAP_OK) {
    memset(p->state + first, PAGE_FREE, n);
  } else {
    memset(p->state + first, PAGE_LOST, n);
    z->lost += b - a;
  }
  z->held -= b - a;
  return err;
}

/* A release may cover a chunk that grew out of a piece: segment by segment,
 * each to its owner. */
static int zone_release(void *ctx, uintptr_t addr, size_t len) {
  ilheap_zone *z = ctx;
  uintptr_t cur = addr, end = addr + len;
  int err = ILHEAP_OK, e;
  ilheap__mutex_lock(&z->lock);
  while (cur < end) {
    size_t k = first_after(z, cur);
    uintptr_t stop;
    if (k < z->n && z->pieces[k].base <= cur) {
      stop = end < piece_end(&z->pieces[k]) ? end : piece_end(&z->pieces[k]);
      e = return_pages(z, k, cur, stop);
    } else {
      stop = k < z->n && z->pieces[k].base < end ? z->pieces[k].base : end;
      e = z->inner.release(z->inner.ctx, cur, stop - cur);
    }
    if (e != ILHEAP_OK)
      err = e;
    cur = stop;
  }
  ilheap__mutex_unlock(&z->lock);
  return err;
}

/* ---- pieces --------------------------------------------------------------- */

/* Reserves [base, base + size) through the wrapped provider and adds it.
 * Caller holds the lock. */
static int add_piece(ilheap_zone *z, uintptr_t base, size_t size) {
  int err;
  if (size > z->max_bytes - z->bytes) /* bytes <= max_bytes always */
    return ILHEAP_ENOMEM;
  unsigned char *state = ILHEAP_CALLOC(size / z->page, 1);
  if (state == NULL)
    return ILHEAP_ENOMEM;
  if (z->n == z->cap) {
    size_t cap = z->cap ? z->cap * 2 : 16;
    piece *v = ILHEAP_REALLOC(z->pieces, cap * sizeof *v);
    if (v == NULL) {
      free(state);
      return ILHEAP_ENOMEM;
    }
    z->pieces = v;
    z->cap = cap;
  }
  if ((err = z->inner.reserve(z->inner.ctx, base, size)) != ILHEAP_OK) {
    free(state);
    return err;
  }
  size_t i = first_after(z, base);
  memmove(&z->pieces[i + 1], &z->pieces[i], (z->n - i) * sizeof *z->pieces);
  z->pieces[i] = (piece){base, size, state};
  z->n++;
  z->bytes += size;
  return ILHEAP_OK;
}

/* [*a, *b): span i of l shrunk to whole pages; 0 when no page is left. */
static int whole_pages(const ilheap_zone *z, const span_list *l, size_t i, uintptr_t *a,
                       uintptr_t *b) {
  uintptr_t lo = l->v[2 * i], hi = l->v[2 * i + 1];
  *a = (lo + z->page - 1) & ~(uintptr_t)(z->page - 1);
  *b = hi & ~(uintptr_t)(z->page - 1);
  return *a >= lo && *a < *b;
}

int ilheap_zone_take_below(ilheap_zone *z, uintptr_t lo, uintptr_t hi, size_t size,
                           size_t min_free, uintptr_t *base) {
  span_list l = {0};
  uintptr_t a, b, top = 0;
  uint64_t need;
  int err;
  if (base != NULL)
    *base = 0;
  if (z == NULL || size == 0 || lo >= hi || size > SIZE_MAX - z->page)
    return ILHEAP_EINVAL;
  size = (size + z->page - 1) & ~(z->page - 1);
  need = size > min_free ? size : min_free;
  /* The view may be stale when add_piece reserves: that reserve is the authority. */
  err = free_outside(z, lo, hi, &l, NULL);
  for (size_t i = 0; err == ILHEAP_OK && i < l.n; i++)
    if (whole_pages(z, &l, i, &a, &b) && (uint64_t)(b - a) >= need)
      top = b;
  free(l.v);
  if (err != ILHEAP_OK)
    return err;
  if (top == 0)
    return ILHEAP_ENOMEM;
  ilheap__mutex_lock(&z->lock);
  err = add_piece(z, top - size, size);
  ilheap__mutex_unlock(&z->lock);
  if (err == ILHEAP_OK && base != NULL)
    *base = top - size;
  return err;
}

int ilheap_zone_pave(ilheap_zone *z, uintptr_t lo, uintptr_t hi, size_t *paved) {
  span_list free_ranges = {0};
  uintptr_t a, b;
  size_t added = 0;
  int err;
  if (paved != NULL)
    *paved = 0;
  if (z == NULL)
    return ILHEAP_EINVAL;
  if (lo >= hi)
    return ILHEAP_OK;
  err = free_outside(z, lo, hi, &free_ranges, NULL);
  ilheap__mutex_lock(&z->lock);
  for (size_t i = 0; err == ILHEAP_OK && i < free_ranges.n; i++) {
    if (!whole_pages(z, &free_ranges, i, &a, &b) || b - a > z->max_bytes - z->bytes)
      continue; /* no whole page, or past max_bytes: skipped */
    int e = add_piece(z, a, b - a);
    if (e == ILHEAP_OK)
      added += b - a;
    else if (e != ILHEAP_EBUSY)
      err = e; /* out of memory, or the wrapped provider's error; taken meanwhile: skipped */
  }
  ilheap__mutex_unlock(&z->lock);
  free(free_ranges.v);
  if (paved != NULL)
    *paved = added;
  return err;
}

/* ---- create, destroy, queries -------------------------------------------- */

int ilheap_zone_create(const ilheap_provider *inner, size_t max_bytes, ilheap_zone **out) {
  ilheap_zone *z;
  int err;
  if (out == NULL)
    return ILHEAP_EINVAL;
  *out = NULL;
  if (inner == NULL && (inner = ilheap_os_provider()) == NULL)
    return ILHEAP_EINVAL;
  if ((err = ilheap__provider_check(inner)) != ILHEAP_OK)
    return err;
  z = ILHEAP_CALLOC(1, sizeof *z);
  if (z == NULL)
    return ILHEAP_ENOMEM;
  if (ilheap__mutex_init(&z->lock) != ILHEAP_OK) {
    free(z);
    return ILHEAP_ENOMEM;
  }
  ilheap__provider_whole(&z->inner, inner);
  z->page = inner->page_size;
  z->max_bytes = (max_bytes != 0 ? max_bytes : ILHEAP_ZONE_DEFAULT_MAX) & ~(z->page - 1);
  ilheap_provider_init(&z->prov);
  z->prov.page_size = z->page;
  z->prov.ctx = z;
  z->prov.walk_free = zone_walk_free;
  z->prov.reserve = zone_reserve;
  z->prov.commit = zone_commit;
  z->prov.release = zone_release;
  z->prov.map = zone_map;
  /* What only the wrapped provider can do: forwarded when it can. */
  z->prov.resident = z->inner.resident != NULL ? zone_resident : NULL;
  z->prov.decommit = z->inner.decommit != NULL ? zone_decommit : NULL;
  *out = z;
  return ILHEAP_OK;
}

void ilheap_zone_destroy(ilheap_zone *z) {
  if (z == NULL)
    return;
  for (size_t k = 0; k < z->n; k++) {
    const piece *p = &z->pieces[k];
    /* Lost pages are someone else's now: give back only the zone's own runs. */
    size_t npages = p->size / z->page, i = 0;
    while (i < npages) {
      size_t j = i;
      if (p->state[i] == PAGE_LOST) {
        i++;
        continue;
      }
      while (j < npages && p->state[j] != PAGE_LOST)
        j++;
      (void)z->inner.release(z->inner.ctx, p->base + i * z->page, (j - i) * z->page);
      i = j;
    }
    free(p->state);
  }
  free(z->pieces);
  ilheap__mutex_destroy(&z->lock);
  free(z);
}

const ilheap_provider *ilheap_zone_provider(ilheap_zone *z) { return z != NULL ? &z->prov : NULL; }

#define ZONE_STATS_V1_SIZE (offsetof(ilheap_zone_stats, reserves_passed) + sizeof(uint64_t))

int ilheap_zone_get_stats(ilheap_zone *z, ilheap_zone_stats *out) {
  ilheap_zone_stats s;
  uint32_t size;
  if (z == NULL || out == NULL)
    return ILHEAP_EINVAL;
  size = out->size;
  if (size < ZONE_STATS_V1_SIZE)
    return ILHEAP_EVERSION;
  memset(&s, 0, sizeof s);
  ilheap__mutex_lock(&z->lock);
  s.pieces = z->n;
  s.bytes = z->bytes;
  s.bytes_held = z->held;
  s.bytes_lost = z->lost;
  s.reserves = z->reserves;
  s.reserves_passed = z->passed;
  ilheap__mutex_unlock(&z->lock);
  s.size = size < sizeof s ? size : (uint32_t)sizeof s;
  s.version = ILHEAP_ZONE_STATS_VERSION;
  memcpy(out, &s, s.size);
  return ILHEAP_OK;
}

size_t ilheap_zone_held(ilheap_zone *z, uintptr_t lo, uintptr_t hi) {
  size_t held = 0;
  if (z == NULL || lo >= hi)
    return 0;
  ilheap__mutex_lock(&z->lock);
  for (size_t k = first_after(z, lo); k < z->n && z->pieces[k].base < hi; k++) {
    const piece *p = &z->pieces[k];
    uintptr_t a = lo > p->base ? lo : p->base, b = hi < piece_end(p) ? hi : piece_end(p);
    for (uintptr_t q = a - (a - p->base) % z->page; q < b; q += z->page)
      if (p->state[(q - p->base) / z->page] == PAGE_HELD)
        held += z->page;
  }
  ilheap__mutex_unlock(&z->lock);
  return held;
}

size_t ilheap_zone_outside(ilheap_zone *z, uintptr_t lo, uintptr_t hi) {
  size_t in = 0;
  if (lo >= hi)
    return 0;
  if (z != NULL) {
    ilheap__mutex_lock(&z->lock);
    for (size_t k = first_after(z, lo); k < z->n && z->pieces[k].base < hi; k++) {
      const piece *p = &z->pieces[k];
      uintptr_t a = lo > p->base ? lo : p->base, b = hi < piece_end(p) ? hi : piece_end(p);
      in += b - a;
    }
    ilheap__mutex_unlock(&z->lock);
  }
  return (hi - lo) - in;
}
