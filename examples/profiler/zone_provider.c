/* The landing-zone provider: see zone_provider.h. */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE, MAP_FIXED_NOREPLACE, madvise */
#include "zone_provider.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct span {
  uintptr_t lo, hi;
} span;

typedef struct span_list {
  span *v;
  size_t n, cap;
  int oom;
} span_list;

static int span_push(span_list *l, uintptr_t lo, uintptr_t hi) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    span *v = realloc(l->v, cap * sizeof *v);
    if (!v) {
      l->oom = 1;
      return 1; /* stops a walk */
    }
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n].lo = lo;
  l->v[l->n].hi = hi;
  l->n++;
  return 0;
}

static int collect(void *arg, uintptr_t lo, uintptr_t hi) { return span_push(arg, lo, hi); }

static uintptr_t piece_end(const zone_piece *p) { return p->base + p->size; }

/* Index of the piece holding addr, or of the first piece above it (*inside
 * tells which), or npieces. Caller holds the lock; pieces are sorted. */
static size_t piece_index(const zone_provider *z, uintptr_t addr, int *inside) {
  size_t i = 0;
  while (i < z->npieces && piece_end(&z->pieces[i]) <= addr)
    i++;
  *inside = i < z->npieces && z->pieces[i].base <= addr;
  return i;
}

/* The zone's free runs of pages inside [lo, hi), ascending; caller holds the lock. */
static void zone_free_runs(const zone_provider *z, uintptr_t lo, uintptr_t hi, span_list *out) {
  for (size_t k = 0; k < z->npieces; k++) {
    const zone_piece *p = &z->pieces[k];
    uintptr_t a = lo > p->base ? lo : p->base, b = hi < piece_end(p) ? hi : piece_end(p);
    if (a >= b)
      continue;
    size_t i = (a - p->base) / z->page, last = (b - p->base + z->page - 1) / z->page;
    while (i < last) {
      if (p->used[i]) {
        i++;
        continue;
      }
      size_t j = i;
      while (j < last && !p->used[j])
        j++;
      uintptr_t s = p->base + i * z->page, e = p->base + j * z->page;
      if (span_push(out, s < a ? a : s, e > b ? b : e))
        return;
      i = j;
    }
  }
}

static int zone_walk_free(void *ctx, uintptr_t lo, uintptr_t hi, ilheap_range_visitor visit,
                          void *arg) {
  zone_provider *z = ctx;
  span_list os = {0}, zn = {0};
  int err = z->os->walk_free(z->os->ctx, lo, hi, collect, &os);
  pthread_mutex_lock(&z->lock);
  zone_free_runs(z, lo, hi, &zn);
  pthread_mutex_unlock(&z->lock);
  if (err == ILHEAP_OK && (os.oom || zn.oom))
    err = ILHEAP_ENOMEM;
  /* Both lists are ascending and disjoint (the OS sees every piece as
   * mapped): merge them. Ranges that touch at a piece's edge stay apart, so
   * that no reservation straddles it. */
  size_t i = 0, j = 0;
  while (err == ILHEAP_OK && (i < os.n || j < zn.n)) {
    span s = (j == zn.n || (i < os.n && os.v[i].lo < zn.v[j].lo)) ? os.v[i++] : zn.v[j++];
    if (visit(arg, s.lo, s.hi))
      break;
  }
  free(os.v);
  free(zn.v);
  return err;
}

/* Where [addr, addr + len) lies: 1 inside one piece (*out = a copy of it),
 * 0 outside every piece, -1 across an edge. Caller holds the lock. */
static int locate(const zone_provider *z, uintptr_t addr, size_t len, zone_piece *out) {
  int inside;
  size_t i = piece_index(z, addr, &inside);
  if (inside) {
    *out = z->pieces[i];
    return addr + len <= piece_end(out) ? 1 : -1;
  }
  return (i < z->npieces && z->pieces[i].base < addr + len) ? -1 : 0;
}

static int zone_reserve(void *ctx, uintptr_t addr, size_t len) {
  zone_provider *z = ctx;
  zone_piece p;
  pthread_mutex_lock(&z->lock);
  int w = locate(z, addr, len, &p);
  int err = ILHEAP_OK;
  if (w == 1) {
    size_t first = (addr - p.base) / z->page, n = len / z->page;
    for (size_t i = 0; i < n; i++)
      if (p.used[first + i])
        err = ILHEAP_EBUSY;
    if (err == ILHEAP_OK)
      memset(p.used + first, 1, n);
  }
  pthread_mutex_unlock(&z->lock);
  if (w == 0)
    return z->os->reserve(z->os->ctx, addr, len); /* wholly outside the zone */
  return w < 0 ? ILHEAP_EBUSY : err;
}

static int zone_commit(void *ctx, uintptr_t addr, size_t len) {
  zone_provider *z = ctx;
  zone_piece p;
  pthread_mutex_lock(&z->lock);
  int w = locate(z, addr, len, &p);
  pthread_mutex_unlock(&z->lock);
  if (w == 0)
    return z->os->commit(z->os->ctx, addr, len);
  if (w < 0)
    return ILHEAP_EINVAL; /* a commit is always inside one reservation */
  return mprotect((void *)addr, len, PROT_READ | PROT_WRITE) == 0 ? ILHEAP_OK : ILHEAP_EPROVIDER;
}

/* A release may cover a chunk that grew out of a piece: walk it segment by
 * segment, each to its owner. Zone pages are dropped (they read as zero next
 * time), made inaccessible again and handed back to their piece. */
static int zone_release(void *ctx, uintptr_t addr, size_t len) {
  zone_provider *z = ctx;
  uintptr_t cur = addr, end = addr + len;
  int err = ILHEAP_OK, e;
  while (cur < end) {
    int inside;
    uintptr_t stop;
    pthread_mutex_lock(&z->lock);
    size_t i = piece_index(z, cur, &inside);
    zone_piece p = i < z->npieces ? z->pieces[i] : (zone_piece){0, 0, NULL};
    pthread_mutex_unlock(&z->lock);
    if (inside) {
      stop = end < piece_end(&p) ? end : piece_end(&p);
      e = ILHEAP_OK;
      if (madvise((void *)cur, stop - cur, MADV_DONTNEED) != 0 ||
          mprotect((void *)cur, stop - cur, PROT_NONE) != 0)
        e = ILHEAP_EPROVIDER;
      pthread_mutex_lock(&z->lock);
      if (p.used)
        memset(p.used + (cur - p.base) / z->page, 0, (stop - cur) / z->page);
      pthread_mutex_unlock(&z->lock);
    } else {
      stop = p.used && p.base < end ? p.base : end;
      e = z->os->release(z->os->ctx, cur, stop - cur);
    }
    if (e != ILHEAP_OK)
      err = e;
    cur = stop;
  }
  return err;
}

/* Reserves exactly [addr, addr + len) inaccessible, or returns NULL. */
static void *reserve_exactly(uintptr_t addr, size_t len) {
  void *p = mmap((void *)addr, len, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  if ((uintptr_t)p != addr) { /* a kernel without MAP_FIXED_NOREPLACE took it as a hint */
    munmap(p, len);
    return NULL;
  }
  return p;
}

static int add_piece(zone_provider *z, uintptr_t base, size_t size) {
  uint8_t *used = calloc(size / z->page, 1);
  if (!used)
    return -1;
  if (z->npieces == z->cap) {
    size_t cap = z->cap ? z->cap * 2 : 16;
    zone_piece *v = realloc(z->pieces, cap * sizeof *v);
    if (!v) {
      free(used);
      return -1;
    }
    z->pieces = v;
    z->cap = cap;
  }
  size_t i = z->npieces++;
  while (i > 0 && z->pieces[i - 1].base > base) { /* keep them sorted */
    z->pieces[i] = z->pieces[i - 1];
    i--;
  }
  z->pieces[i] = (zone_piece){base, size, used};
  z->total += size;
  return 0;
}

int zone_provider_init(zone_provider *z, size_t size, uintptr_t below) {
  const ilheap_provider *os = ilheap_os_provider();
  if (!z || !os || size == 0)
    return ILHEAP_EINVAL;
  memset(z, 0, sizeof *z);
  z->os = os;
  z->page = os->page_size;
  size = (size + z->page - 1) / z->page * z->page;
  pthread_mutex_init(&z->lock, NULL);

  /* The free ranges in the 4 GiB below `below`, as the OS provider sees them. */
  const uintptr_t reach = (uintptr_t)4 << 30;
  span_list free_ranges = {0};
  if (below > reach)
    (void)os->walk_free(os->ctx, below - reach, below, collect, &free_ranges);

  /* The main piece: the top of the highest free range that holds it. */
  uintptr_t main_base = 0;
  for (size_t i = free_ranges.n; i-- > 0 && !main_base;) {
    uintptr_t a = (free_ranges.v[i].lo + z->page - 1) / z->page * z->page;
    uintptr_t b = free_ranges.v[i].hi / z->page * z->page;
    if (a < b && b - a >= size && reserve_exactly(b - size, size))
      main_base = b - size;
  }
  if (!main_base) {
    void *m = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    main_base = m == MAP_FAILED ? 0 : (uintptr_t)m;
  }
  if (!main_base || add_piece(z, main_base, size) != 0) {
    if (main_base)
      munmap((void *)main_base, size);
    free(free_ranges.v);
    return ILHEAP_ENOMEM;
  }
  /* Paving: every free range between the main piece and `below` becomes a
   * piece too, so that nothing mapped later can land above the main piece
   * and below the runtime. */
  for (size_t i = 0; below && i < free_ranges.n; i++) {
    uintptr_t a = (free_ranges.v[i].lo + z->page - 1) / z->page * z->page;
    uintptr_t b = free_ranges.v[i].hi / z->page * z->page;
    if (a < main_base + size)
      a = main_base + size;
    if (a >= b || !reserve_exactly(a, b - a))
      continue;
    if (add_piece(z, a, b - a) != 0) {
      munmap((void *)a, b - a);
      break;
    }
  }
  free(free_ranges.v);

  z->prov.size = sizeof z->prov;
  z->prov.flags = 0;
  z->prov.page_size = z->page;
  z->prov.ctx = z;
  z->prov.walk_free = zone_walk_free;
  z->prov.reserve = zone_reserve;
  z->prov.commit = zone_commit;
  z->prov.release = zone_release;
  return ILHEAP_OK;
}

/* Paves every free range of [lo, hi): each becomes a piece. Caller holds the lock. */
static void pave(zone_provider *z, uintptr_t lo, uintptr_t hi) {
  span_list free_ranges = {0};
  (void)z->os->walk_free(z->os->ctx, lo, hi, collect, &free_ranges);
  for (size_t i = 0; i < free_ranges.n; i++) {
    uintptr_t a = (free_ranges.v[i].lo + z->page - 1) / z->page * z->page;
    uintptr_t b = free_ranges.v[i].hi / z->page * z->page;
    if (a >= b || !reserve_exactly(a, b - a))
      continue;
    if (add_piece(z, a, b - a) != 0) {
      munmap((void *)a, b - a);
      break;
    }
  }
  free(free_ranges.v);
}

uintptr_t zone_provider_arm_front(zone_provider *z, size_t size) {
  /* Larger than any free range near the front, so the kernel puts it at the
   * front (or in a free range at least that large); all but its top is given
   * back. */
  const size_t probe = (size_t)1 << 30;
  const uintptr_t reach = (uintptr_t)2 << 30;
  if (!z || !z->os || size == 0)
    return 0;
  size = (size + z->page - 1) / z->page * z->page;
  void *m = mmap(NULL, probe, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED)
    return 0;
  uintptr_t base = (uintptr_t)m + probe - size, top = base + size;
  munmap(m, probe - size);
  pthread_mutex_lock(&z->lock);
  int err = add_piece(z, base, size);
  /* Nothing may land in the window above the piece any more: whatever comes
   * next at the front has the piece, and these ranges, in its window. */
  if (err == 0)
    pave(z, top, top + reach < top ? UINTPTR_MAX : top + reach);
  pthread_mutex_unlock(&z->lock);
  if (err != 0) {
    munmap((void *)base, size);
    return 0;
  }
  return base;
}

size_t zone_provider_held(zone_provider *z, uintptr_t lo, uintptr_t hi) {
  if (!z || !z->os)
    return 0;
  size_t held = 0;
  pthread_mutex_lock(&z->lock);
  for (size_t k = 0; k < z->npieces; k++) {
    const zone_piece *p = &z->pieces[k];
    uintptr_t a = lo > p->base ? lo : p->base, b = hi < piece_end(p) ? hi : piece_end(p);
    for (uintptr_t q = a - (a - p->base) % z->page; q < b; q += z->page)
      if (p->used[(q - p->base) / z->page])
        held += z->page;
  }
  pthread_mutex_unlock(&z->lock);
  return held;
}

size_t zone_provider_outside(zone_provider *z, uintptr_t lo, uintptr_t hi) {
  size_t in = 0;
  if (z && z->os) {
    pthread_mutex_lock(&z->lock);
    for (size_t k = 0; k < z->npieces; k++) {
      const zone_piece *p = &z->pieces[k];
      uintptr_t a = lo > p->base ? lo : p->base, b = hi < piece_end(p) ? hi : piece_end(p);
      if (a < b)
        in += b - a;
    }
    pthread_mutex_unlock(&z->lock);
  }
  return (hi > lo ? hi - lo : 0) - in;
}
