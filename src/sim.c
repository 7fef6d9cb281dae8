/* SPDX-License-Identifier: MIT */
/*
 * The simulated address space (include/ilheap_sim.h).
 *
 * The space is one host reservation, inaccessible until a heap commits part of
 * it, so the addresses it hands out are real and writable, and a stray write
 * into a "foreign" range faults. The map is a sorted array of non-overlapping,
 * non-adjacent-when-equal ranges, each FOREIGN, RESERVED or COMMITTED; what no
 * range covers is free. Every operation "paints" a kind over an interval, which
 * keeps the array canonical (maximal ranges), so walks report maximal ranges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "invariant.h"
#include "ilheap_sim.h"
#include "os/os.h"
#include "seams.h"

/* 1 TiB; half the address space on a 32-bit host, so size + 2 pages cannot wrap. */
#define SIM_MAX_SIZE (SIZE_MAX > UINT64_C(0xFFFFFFFF) ? (size_t)(UINT64_C(1) << 40) : SIZE_MAX / 2 + 1)
#define SIM_MAX_PAGE ((size_t)1 << 20)

typedef struct range {
  uintptr_t lo, hi;
  ilheap_sim_kind kind;
} range;

struct ilheap_sim {
  ilheap_provider prov; /* first: the provider's ctx is the sim */
  ilheap__mutex lock;
  uintptr_t base;
  size_t size, page;
  void *host;    /* the host reservation, possibly larger than the space */
  size_t host_len;
  range *r;      /* sorted, disjoint */
  size_t n, cap;
  struct {
    uint32_t skip, count;
  } inj[ILHEAP_SIM_OP_COUNT];
  uint64_t calls[ILHEAP_SIM_OP_COUNT];
  uint64_t failures;
};

static int is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* ---- the range map -------------------------------------------------------- */

static int reserve_slots(ilheap_sim *s, size_t more) {
  range *nr;
  size_t ncap;
  if (s->n + more <= s->cap)
    return 0;
  ncap = s->cap ? s->cap * 2 : 64;
  while (ncap < s->n + more)
    ncap *= 2;
  nr = ILHEAP_REALLOC(s->r, ncap * sizeof *nr);
  if (nr == NULL)
    return -1;
  s->r = nr;
  s->cap = ncap;
  return 0;
}

#if ILHEAP_ASSERTS_ON
/* The map is canonical: ranges inside the space, whole pages, sorted, disjoint,
 * never FREE, and two that touch differ in kind (else they would be one). */
static void check_map(const ilheap_sim *s) {
  size_t i;
  ILHEAP_ASSERT(s->n <= s->cap);
  for (i = 0; i < s->n; i++) {
    const range *x = &s->r[i];
    ILHEAP_ASSERT(x->lo < x->hi && x->lo >= s->base && x->hi - s->base <= s->size);
    ILHEAP_ASSERT(((x->lo | x->hi) & (s->page - 1)) == 0);
    ILHEAP_ASSERT(x->kind == ILHEAP_SIM_FOREIGN || x->kind == ILHEAP_SIM_RESERVED ||
                  x->kind == ILHEAP_SIM_COMMITTED);
    if (i > 0) {
      ILHEAP_ASSERT(s->r[i - 1].hi <= x->lo);
      ILHEAP_ASSERT(s->r[i - 1].hi < x->lo || s->r[i - 1].kind != x->kind);
    }
  }
}
#define CHECK_MAP(s) check_map(s)
#else
#define CHECK_MAP(s) ((void)0)
#endif

/* Sets [lo, hi) to kind (FREE removes it), keeping the map canonical. */
static int paint(ilheap_sim *s, uintptr_t lo, uintptr_t hi, ilheap_sim_kind kind) {
  size_t i, j, k, first;
  range left = {0, 0, ILHEAP_SIM_FREE}, right = {0, 0, ILHEAP_SIM_FREE};
  if (lo >= hi)
    return 0;
  if (reserve_slots(s, 3) != 0)
    return -1;
  /* [first, j) are the ranges that overlap or touch [lo, hi). */
  for (first = 0; first < s->n && s->r[first].hi < lo; first++)
    ;
  for (j = first; j < s->n && s->r[j].lo <= hi; j++) {
    range *x = &s->r[j];
    if (x->lo < lo) {
      if (x->kind == kind)
        lo = x->lo;
      else if (x->hi > lo)
        left = (range){x->lo, lo, x->kind};
      else
        left = *x; /* only touches */
    }
    if (x->hi > hi) {
      if (x->kind == kind)
        hi = x->hi;
      else if (x->lo < hi)
        right = (range){hi, x->hi, x->kind};
      else
        right = *x;
    }
  }
  /* Replace [first, j) by left?, [lo, hi)?, right?. */
  ILHEAP_ASSERT(lo < hi && first <= j && j <= s->n);
  k = (left.lo < left.hi) + (kind != ILHEAP_SIM_FREE) + (right.lo < right.hi);
  memmove(&s->r[first + k], &s->r[j], (s->n - j) * sizeof *s->r);
  s->n = s->n - (j - first) + k;
  i = first;
  if (left.lo < left.hi)
    s->r[i++] = left;
  if (kind != ILHEAP_SIM_FREE)
    s->r[i++] = (range){lo, hi, kind};
  if (right.lo < right.hi)
    s->r[i++] = right;
  ILHEAP_ASSERT(i == first + k);
  CHECK_MAP(s);
  return 0;
}

/* Does any range in [lo, hi) have a kind in mask (bit per kind)? FREE is bit 0. */
static int any_kind(const ilheap_sim *s, uintptr_t lo, uintptr_t hi, unsigned mask) {
  uintptr_t at = lo;
  size_t i;
  for (i = 0; i < s->n && s->r[i].lo < hi; i++) {
    if (s->r[i].hi <= lo)
      continue;
    if (s->r[i].lo > at && (mask & 1u))
      return 1; /* a free hole */
    if (mask & (1u << s->r[i].kind))
      return 1;
    at = s->r[i].hi;
  }
  return at < hi && (mask & 1u);
}

#define BIT(k) (1u << (k))
#define OURS (BIT(ILHEAP_SIM_RESERVED) | BIT(ILHEAP_SIM_COMMITTED))

/* Does an injected failure hit this call of op? Counts the call. */
static int injected(ilheap_sim *s, ilheap_sim_op op) {
  if (op != ILHEAP_SIM_RACE)
    s->calls[op]++; /* RACE counts races delivered, below */
  if (s->inj[op].count == 0)
    return 0;
  if (s->inj[op].skip > 0) {
    s->inj[op].skip--;
    return 0;
  }
  if (s->inj[op].count != UINT32_MAX)
    s->inj[op].count--;
  s->failures++;
  if (op == ILHEAP_SIM_RACE)
    s->calls[op]++;
  return 1;
}

static int in_space(const ilheap_sim *s, uintptr_t addr, size_t len) {
  return len > 0 && addr >= s->base && addr - s->base <= s->size &&
         len <= s->size - (addr - s->base) && (addr & (s->page - 1)) == 0 &&
         (len & (s->page - 1)) == 0;
}

/* ---- the provider ------------------------------------------------------------ */

static int sim_walk_free(void *ctx, uintptr_t lo, uintptr_t hi, ilheap_range_visitor visit,
                         void *arg) {
  ilheap_sim *s = ctx;
  uintptr_t at, end = s->base + s->size;
  size_t i;

  ilheap__mutex_lock(&s->lock);
  if (injected(s, ILHEAP_SIM_WALK)) {
    ilheap__mutex_unlock(&s->lock);
    return ILHEAP_EPROVIDER;
  }
  if (lo < s->base)
    lo = s->base;
  if (hi > end)
    hi = end;
  at = lo;
  for (i = 0; i <= s->n && at < hi; i++) {
    uintptr_t gap_end = i < s->n ? s->r[i].lo : hi;
    if (i < s->n && s->r[i].hi <= at)
      continue;
    if (gap_end > hi)
      gap_end = hi;
    /* Gaps are reported ascending, maximal, clipped to [lo, hi). */
    ILHEAP_ASSERT(gap_end <= hi && (i == s->n || s->r[i].hi > at));
    if (gap_end > at && visit(arg, at, gap_end) != 0)
      break;
    if (i < s->n)
      at = s->r[i].hi;
  }
  ilheap__mutex_unlock(&s->lock);
  return ILHEAP_OK;
}

static int sim_reserve(void *ctx, uintptr_t addr, size_t len) {
  ilheap_sim *s = ctx;
  int err = ILHEAP_OK;
  ilheap__mutex_lock(&s->lock);
  if (!in_space(s, addr, len))
    err = ILHEAP_ERANGE;
  else if (any_kind(s, addr, addr + len, BIT(ILHEAP_SIM_FOREIGN) | OURS))
    err = ILHEAP_EBUSY;
  else if (injected(s, ILHEAP_SIM_RESERVE))
    err = ILHEAP_ENOMEM;
  else if (injected(s, ILHEAP_SIM_RACE)) {
    /* Someone else mapped exactly this range a moment before us. */
    err = paint(s, addr, addr + len, ILHEAP_SIM_FOREIGN) != 0 ? ILHEAP_ENOMEM : ILHEAP_EBUSY;
  } else if (paint(s, addr, addr + len, ILHEAP_SIM_RESERVED) != 0)
    err = ILHEAP_ENOMEM;
  ilheap__mutex_unlock(&s->lock);
  return err;
}

/* Commits [addr, addr + len), whose map state the caller checked: the
 * injected failure, the host's commit, the map. Under the lock. */
static int commit_pages(ilheap_sim *s, uintptr_t addr, size_t len) {
  if (injected(s, ILHEAP_SIM_COMMIT))
    return ILHEAP_ENOMEM;
  if (ilheap__host_commit((void *)addr, len) != ILHEAP_OK)
    return ILHEAP_ENOMEM;
  if (paint(s, addr, addr + len, ILHEAP_SIM_COMMITTED) != 0) {
    (void)ilheap__host_decommit((void *)addr, len);
    return ILHEAP_ENOMEM;
  }
  return ILHEAP_OK;
}

static int sim_commit(void *ctx, uintptr_t addr, size_t len) {
  ilheap_sim *s = ctx;
  int err;
  ilheap__mutex_lock(&s->lock);
  if (!in_space(s, addr, len) ||
      any_kind(s, addr, addr + len, BIT(ILHEAP_SIM_FREE) | BIT(ILHEAP_SIM_FOREIGN)))
    err = ILHEAP_EINVAL; /* not ours: a caller bug, refused */
  else
    err = commit_pages(s, addr, len);
  ilheap__mutex_unlock(&s->lock);
  return err;
}

static int sim_release(void *ctx, uintptr_t addr, size_t len) {
  ilheap_sim *s = ctx;
  int err = ILHEAP_OK;
  ilheap__mutex_lock(&s->lock);
  if (!in_space(s, addr, len) ||
      any_kind(s, addr, addr + len, BIT(ILHEAP_SIM_FREE) | BIT(ILHEAP_SIM_FOREIGN)))
    err = ILHEAP_EINVAL;
  /* Decommitting drops the contents: recommitted memory reads as zero again. */
  else if (ilheap__host_decommit((void *)addr, len) != ILHEAP_OK)
    err = ILHEAP_EPROVIDER;
  else if (paint(s, addr, addr + len, ILHEAP_SIM_FREE) != 0)
    err = ILHEAP_ENOMEM;
  ilheap__mutex_unlock(&s->lock);
  return err;
}

/* One step where reserve then commit would be two: the same answers, the same
 * injected failures (a RESERVE, RACE and COMMIT schedule sees one call each, in
 * that order) and the same counts, so a test's schedule means the same with or
 * without map. ILHEAP_MAP_POPULATE alone on a committed range only populates
 * (not a commit: no count, no injection). Populating is the host's. */
static int sim_map(void *ctx, uintptr_t addr, size_t len, unsigned how) {
  ilheap_sim *s = ctx;
  int err;
  if ((how & ~(ILHEAP_MAP_RESERVE | ILHEAP_MAP_POPULATE)) != 0)
    return ILHEAP_EINVAL;
  ilheap__mutex_lock(&s->lock);
  if (!in_space(s, addr, len))
    err = how & ILHEAP_MAP_RESERVE ? ILHEAP_ERANGE : ILHEAP_EINVAL;
  else if (how & ILHEAP_MAP_RESERVE) {
    if (any_kind(s, addr, addr + len, BIT(ILHEAP_SIM_FOREIGN) | OURS))
      err = ILHEAP_EBUSY;
    else if (injected(s, ILHEAP_SIM_RESERVE))
      err = ILHEAP_ENOMEM;
    else if (injected(s, ILHEAP_SIM_RACE))
      err = paint(s, addr, addr + len, ILHEAP_SIM_FOREIGN) != 0 ? ILHEAP_ENOMEM : ILHEAP_EBUSY;
    else
      err = commit_pages(s, addr, len); /* nothing is painted when it fails */
  } else if (any_kind(s, addr, addr + len, BIT(ILHEAP_SIM_FREE) | BIT(ILHEAP_SIM_FOREIGN)))
    err = ILHEAP_EINVAL; /* not ours */
  else if (how == ILHEAP_MAP_POPULATE && !any_kind(s, addr, addr + len, BIT(ILHEAP_SIM_RESERVED)))
    err = ILHEAP_OK; /* committed already: populate only */
  else
    err = commit_pages(s, addr, len);
  ilheap__mutex_unlock(&s->lock);
  if (err == ILHEAP_OK && (how & ILHEAP_MAP_POPULATE))
    ilheap__host_populate((void *)addr, len);
  return err;
}

/* Resident: any host page of the simulated page at addr (the core asks about
 * the page of the block it handed out last, which may lie anywhere in it). */
static int sim_resident(void *ctx, uintptr_t addr) {
  ilheap_sim *s = ctx;
  int committed;
  ilheap__mutex_lock(&s->lock);
  committed = in_space(s, addr, s->page) &&
              !any_kind(s, addr, addr + s->page,
                        BIT(ILHEAP_SIM_FREE) | BIT(ILHEAP_SIM_FOREIGN) | BIT(ILHEAP_SIM_RESERVED));
  ilheap__mutex_unlock(&s->lock);
  if (!committed)
    return ILHEAP_EINVAL;
  /* A simulated page is at most 1 MiB: 256 host pages of 4 KiB. */
  return ilheap__host_resident((void *)addr, s->page);
}

/* Back to RESERVED, never FREE: nothing else can take the range meanwhile. */
static int sim_decommit(void *ctx, uintptr_t addr, size_t len) {
  ilheap_sim *s = ctx;
  int err = ILHEAP_OK;
  ilheap__mutex_lock(&s->lock);
  if (!in_space(s, addr, len) ||
      any_kind(s, addr, addr + len, BIT(ILHEAP_SIM_FREE) | BIT(ILHEAP_SIM_FOREIGN)))
    err = ILHEAP_EINVAL;
  else if (reserve_slots(s, 3) != 0) /* first: paint below cannot fail then */
    err = ILHEAP_ENOMEM;
  else if (ilheap__host_decommit((void *)addr, len) != ILHEAP_OK)
    err = ILHEAP_EPROVIDER;
  else if (paint(s, addr, addr + len, ILHEAP_SIM_RESERVED) != 0)
    err = ILHEAP_ENOMEM; /* not reached: the slots are there */
  ilheap__mutex_unlock(&s->lock);
  return err;
}

/* ---- public ------------------------------------------------------------------ */

int ilheap_sim_create(size_t size, size_t page_size, ilheap_sim **out) {
  ilheap_sim *s;
  size_t host_page = ilheap__host_page();
  uintptr_t aligned;

  if (out == NULL)
    return ILHEAP_EINVAL;
  *out = NULL;
  if (page_size == 0)
    page_size = host_page;
  if (!is_pow2(page_size) || page_size < host_page || page_size > SIM_MAX_PAGE || size == 0 ||
      size > SIM_MAX_SIZE)
    return ILHEAP_EINVAL;
  size = (size + page_size - 1) & ~(page_size - 1);
  s = ILHEAP_CALLOC(1, sizeof *s);
  if (s == NULL)
    return ILHEAP_ENOMEM;
  s->host_len = size + page_size; /* room to align the base to page_size */
  s->host = ilheap__host_reserve(s->host_len);
  if (s->host == NULL || ilheap__mutex_init(&s->lock) != ILHEAP_OK) {
    if (s->host != NULL)
      ilheap__host_release(s->host, s->host_len);
    free(s);
    return ILHEAP_ENOMEM;
  }
  aligned = ((uintptr_t)s->host + page_size - 1) & ~(uintptr_t)(page_size - 1);
  s->base = aligned;
  s->size = size;
  s->page = page_size;
  ilheap_provider_init(&s->prov);
  s->prov.page_size = page_size;
  s->prov.ctx = s;
  s->prov.walk_free = sim_walk_free;
  s->prov.reserve = sim_reserve;
  s->prov.commit = sim_commit;
  s->prov.release = sim_release;
  s->prov.map = sim_map;
  s->prov.resident = sim_resident;
  s->prov.decommit = sim_decommit;
  *out = s;
  return ILHEAP_OK;
}

void ilheap_sim_destroy(ilheap_sim *s) {
  if (s == NULL)
    return;
  ilheap__host_release(s->host, s->host_len);
  ilheap__mutex_destroy(&s->lock);
  free(s->r);
  free(s);
}

const ilheap_provider *ilheap_sim_provider(ilheap_sim *s) { return s != NULL ? &s->prov : NULL; }
uintptr_t ilheap_sim_base(const ilheap_sim *s) { return s != NULL ? s->base : 0; }
size_t ilheap_sim_size(const ilheap_sim *s) { return s != NULL ? s->size : 0; }
size_t ilheap_sim_page_size(const ilheap_sim *s) { return s != NULL ? s->page : 0; }

/* Rounds [addr, addr + len) outward to pages and clips it to the space. */
static int clip(const ilheap_sim *s, uintptr_t addr, size_t len, uintptr_t *lo, uintptr_t *hi) {
  uintptr_t end = s->base + s->size, a, b;
  if (len == 0)
    return 0;
  a = addr;
  b = addr > UINTPTR_MAX - len ? UINTPTR_MAX : addr + len;
  if (a < s->base)
    a = s->base;
  if (b > end)
    b = end;
  if (a >= b)
    return 0;
  a &= ~(uintptr_t)(s->page - 1); /* stays >= base: base is page aligned */
  b = (b - s->base + s->page - 1) / s->page * s->page + s->base; /* <= end */
  *lo = a;
  *hi = b;
  return 1;
}

int ilheap_sim_occupy(ilheap_sim *s, uintptr_t addr, size_t len) {
  uintptr_t lo, hi;
  int err = ILHEAP_OK;
  if (s == NULL || !clip(s, addr, len, &lo, &hi))
    return ILHEAP_EINVAL;
  ilheap__mutex_lock(&s->lock);
  if (any_kind(s, lo, hi, OURS))
    err = ILHEAP_EBUSY;
  else if (paint(s, lo, hi, ILHEAP_SIM_FOREIGN) != 0)
    err = ILHEAP_ENOMEM;
  ilheap__mutex_unlock(&s->lock);
  return err;
}

int ilheap_sim_vacate(ilheap_sim *s, uintptr_t addr, size_t len) {
  uintptr_t lo, hi;
  size_t i;
  int err = ILHEAP_OK;
  if (s == NULL || !clip(s, addr, len, &lo, &hi))
    return ILHEAP_EINVAL;
  ilheap__mutex_lock(&s->lock);
  for (i = 0; i < s->n && s->r[i].lo < hi; i++) {
    uintptr_t a, b;
    if (s->r[i].kind != ILHEAP_SIM_FOREIGN || s->r[i].hi <= lo)
      continue;
    a = s->r[i].lo > lo ? s->r[i].lo : lo;
    b = s->r[i].hi < hi ? s->r[i].hi : hi;
    if (paint(s, a, b, ILHEAP_SIM_FREE) != 0) {
      err = ILHEAP_ENOMEM;
      break;
    }
    i = (size_t)-1; /* the array changed: rescan (it only shrinks in foreign) */
  }
  ilheap__mutex_unlock(&s->lock);
  return err;
}

int ilheap_sim_inject(ilheap_sim *s, ilheap_sim_op op, uint32_t skip, uint32_t count) {
  if (s == NULL || (unsigned)op >= ILHEAP_SIM_OP_COUNT)
    return ILHEAP_EINVAL;
  ilheap__mutex_lock(&s->lock);
  s->inj[op].skip = count != 0 ? skip : 0;
  s->inj[op].count = count;
  ilheap__mutex_unlock(&s->lock);
  return ILHEAP_OK;
}

int ilheap_sim_get_stats(const ilheap_sim *cs, ilheap_sim_stats *out) {
  ilheap_sim *s = (ilheap_sim *)(uintptr_t)cs;
  size_t i;
  if (s == NULL || out == NULL)
    return ILHEAP_EINVAL;
  memset(out, 0, sizeof *out);
  ilheap__mutex_lock(&s->lock);
  for (i = 0; i < s->n; i++) {
    uint64_t len = s->r[i].hi - s->r[i].lo;
    if (s->r[i].kind == ILHEAP_SIM_FOREIGN) {
      out->foreign_bytes += len;
      continue;
    }
    out->reserved_bytes += len;
    if (s->r[i].kind == ILHEAP_SIM_COMMITTED)
      out->committed_bytes += len;
    /* Count maximal runs of ours: a run breaks at a gap or a foreign range. */
    if (i == 0 || s->r[i - 1].hi != s->r[i].lo || s->r[i - 1].kind == ILHEAP_SIM_FOREIGN)
      out->reserved_ranges++;
  }
  memcpy(out->calls, s->calls, sizeof out->calls);
  out->failures = s->failures;
  ilheap__mutex_unlock(&s->lock);
  return ILHEAP_OK;
}

int ilheap_sim_walk(const ilheap_sim *cs, ilheap_sim_visitor visit, void *arg) {
  ilheap_sim *s = (ilheap_sim *)(uintptr_t)cs;
  uintptr_t at, end;
  size_t i;
  if (s == NULL || visit == NULL)
    return ILHEAP_EINVAL;
  ilheap__mutex_lock(&s->lock);
  at = s->base;
  end = s->base + s->size;
  for (i = 0; i <= s->n; i++) {
    uintptr_t next = i < s->n ? s->r[i].lo : end;
    if (next > at && visit(arg, at, next, ILHEAP_SIM_FREE) != 0)
      break;
    if (i == s->n)
      break;
    if (visit(arg, s->r[i].lo, s->r[i].hi, s->r[i].kind) != 0)
      break;
    at = s->r[i].hi;
  }
  ilheap__mutex_unlock(&s->lock);
  return ILHEAP_OK;
}
