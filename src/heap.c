/* SPDX-License-Identifier: MIT */
/*
 * The ilheap core: chunks, the bump pointer, window arithmetic and statistics.
 * It makes no system call itself: address space comes from an ilheap_provider,
 * memory checkers are reached through track.h, and it knows nothing of COM.
 *
 * THE MECHANICS (the fuzzers' reference model relies on this text; what they
 * must achieve, the contract, lives in include/ilheap.h and is cited by number)
 *
 * Window. For base B and max_offset M the window is [B + 1, B + M), clipped to
 * the address space (computed on uintptr_t with explicit overflow checks), then
 * shrunk inward to whole pages: [wlo, whi). Every reservation lies inside it,
 * so every block does (contract 1) without a per-block check.
 *
 * Chunks. A chunk is one contiguous reservation [floor, end). With guard pages,
 * [end - page, end) is never committed; the rest, [floor, top), is committed.
 * Blocks are carved DOWNWARD from top: a block of cb bytes consumes
 *     consumed = round_up(cb + REDZONE, align)
 * bytes (REDZONE is 0 unless a memory checker is built in, see track.h). top is
 * page aligned and every consumption is a multiple of align, so every block is
 * aligned (contract 2). Memory is never reused (contract 4).
 *
 * Slabs and the fast path (contract 8). Each thread carves its blocks from a
 * slab of its own: a stretch [top - cap, top) of a chunk that the thread took
 * under the heap's lock. The fast path is one load and one store of the slab's
 * word, which only its thread writes (it loads its own plain copy, `mine`, and
 * stores both: a 64-bit atomic store is slow to reload on 32-bit x86). The
 * word packs the slab's counters, so a reader's view of a slab is always
 * consistent:
 *     bits  0-19  bytes consumed from top, in 4-byte units (every consumption is
 *                 a multiple of align >= 4)
 *     bits 20-41  padding bytes: consumed minus requested
 *     bits 42-61  blocks
 * A slab lies in one chunk and a chunk's capacity stays below CHUNK_CAP
 * (4 MiB), which bounds all three fields. A thread finds its slab through a
 * small per-thread cache keyed by the heap's id (ids are never reused, so a
 * destroyed heap's entries never match); on a miss it looks the slab up under
 * the lock. A request consuming more than LARGE (1 MiB; no IL body is near
 * that) gets a chunk of its own instead, sized to fit, accounted under the lock.
 *
 * Slab refill, under the lock, when the slab cannot hold a request consuming
 * `consumed` bytes. The slab is given up first: what it did not hand out goes
 * back to its chunk if nothing was carved below it since (always so with one
 * thread), else it stays unused. Then the request takes a new slab from the
 * current chunk C: min(C's room, max(consumed, L)) bytes from C's carving
 * point downward, its block at the slab's top. L starts at 1 KiB and doubles
 * with each of the thread's slabs up to 256 KiB: a thread that asks rarely
 * leaves little unused behind, one that asks often takes the lock rarely.
 * Chunks are carved downward only, so with one thread blocks follow each other
 * exactly as if carved from C one by one, and every refill decision below sees
 * the same C. If C cannot hold the request, the refill below runs first.
 *
 * Refill, under the heap's lock, when the current chunk C cannot hold a request
 * consuming `consumed` bytes. need = what C still lacks, in whole pages;
 * step = clamp(round_up(reserved / 32, page), max(8 KiB, page), max(1 MiB, page)),
 * so small modules stay small (one small body: 8 KiB and a 4 KiB guard page,
 * 12 KiB reserved) and, once a heap holds 1 MiB, the address space reserved
 * beyond what was consumed is at most about 1/32.
 *  1. C has no room: the slab refill found so under the same lock hold, and
 *     nobody carves without the lock.
 *  2. If C lies in the window, grow it downward in place, once, by
 *         want = min(step, room left under CHUNK_CAP, budget left, floor - lim)
 *     (whole pages; lim is the lower end of C's range, here the window's wlo):
 *     reserve [floor - want, floor) directly; if the provider answers busy or
 *     out of reach, walk the free gaps of that range and reserve only the free
 *     pages that end at floor. It succeeds when at least need pages were
 *     reserved and committed. One reserve and one commit (one map call when
 *     the provider has map), plus a walk when the range is crowded: never page
 *     by page.
 *  3. Place a new chunk in the window (PLACE below): of step bytes when the
 *     request needs less, and if that fails, of just the request's pages.
 *  4. With ILHEAP_WINDOW_REQUIRED: the request fails, NULL (contract 6).
 *  5. With ILHEAP_WINDOW_PREFERRED, if the request consumes more than a page
 *     and the window still has ROOM (below) for a request of one page: the
 *     request gets an outside chunk of its own (OUTSIDE below), sized to fit,
 *     which never becomes the current one; C stays current, so the requests
 *     after it go on in the window. If the walk fails, the request fails.
 *  6. With ILHEAP_WINDOW_PREFERRED otherwise (the window is full: a request of
 *     one page reaching this step has just found so in 2 and 3): if C lies
 *     outside the window, grow it as in 2, down to its own lim; else place a
 *     new chunk outside the window (OUTSIDE below), step bytes first, then
 *     just the request's pages. It becomes the current one, so a full window
 *     costs a refill per step, not a reservation per request.
 *  7. Otherwise the request fails: NULL (contract 6).
 * Steps 5 and 6 are contract 1's order for ILHEAP_WINDOW_PREFERRED. The request then takes its new slab from the new room, still under the
 * lock, so it cannot lose that room to another thread: one refill per
 * request, never a loop. A new chunk becomes the current one (but those of 5 and
 * of large requests); the old one's unused bottom is abandoned (counted as
 * reserved, not consumed). A request consuming more than LARGE skips 1 and 2
 * and gets a chunk of its own sized to fit, placed by 3, then
 * (ILHEAP_WINDOW_PREFERRED) outside the window. No chunk is ever placed beyond
 * the budget.
 * Provisioning: when the provider has map and resident, and the page of the
 * block the refilling thread got last is resident (the caller writes its
 * blocks, as a profiler does), the bytes a refill commits are populated at once
 * (ILHEAP_MAP_POPULATE, by the refilling thread after it let the lock go, so
 * that threads populate side by side): bulk provisioning is cheaper per page
 * than page faults, and a caller that does not write keeps an RSS of what it
 * touches.
 * The first chunk of a heap has no witness and is never populated. A thread
 * found writing is not asked again; one found not writing is asked again after
 * 1, 2, 4... up to 32 of its refills (a system call saved on most refills of a
 * caller that does not write).
 *
 * ROOM, for a request of one page: one walk of the window's free gaps; there is
 * room when a gap holds a page plus the guard page (3 could place a chunk), or
 * when C lies in the window, its capacity is at least a page below CHUNK_CAP
 * and the page just below its floor is free (2 could grow it). The budget is
 * not asked: an outside chunk needs more of it than either. A walk that finds
 * no room is made once more, as in PLACE.
 *
 * PLACE, in a range [lo, hi) (the window): walk its free gaps in ascending
 * order. total = the chunk's pages plus the guard page; roomy = max(CHUNK_CAP,
 * total) + the guard page, room for the chunk to grow to CHUNK_CAP. In the
 * lowest gap at least roomy long, the chunk goes at the top of its lowest
 * roomy slice ([bottom, bottom + roomy)), so that it can grow down through the
 * rest of the slice; if no gap is that long, at the top of the lowest gap that
 * holds total. A reserve that loses a race (ILHEAP_EBUSY) walks again, up to
 * REFILL_RETRIES times; any other provider error ends the attempt. A walk that
 * finds no room at all is made once more before the range counts as full: a
 * provider may answer from a view of the map that misses holes opened since,
 * and forget it when a walk finds nothing (the Linux provider does).
 *
 * OUTSIDE (ILHEAP_WINDOW_PREFERRED only): PLACE in the free address space above
 * the window, [round_up(B + M), top), the nearest roomy slice above it; if
 * that fails, at the top of the highest gap that holds total below the module,
 * [page, round_down(B + 1)). Neither range touches a page of the window, so a
 * chunk is wholly inside or wholly outside it (its lim is its range's lower
 * end) and blocks outside the window are counted per chunk, exactly. A current
 * outside chunk's committed room is used up by the fast path, which asks
 * nothing; the next refill tries the window first (2, 3).
 *
 * Why growing down from the top of a slice: the bottom of a gap is where
 * whatever lies below wants to grow (a brk heap right above a PIE executable,
 * a neighbour's in-place growth); DynamoRIO places its reservations at the end
 * of a gap for the same reason. The room below a chunk stays unreserved (it
 * costs nothing) and it is smaller than roomy, so another heap looking for a
 * roomy gap skips it: heaps of modules loaded side by side, whose windows
 * nearly coincide, then each grow in their own slice instead of landing right
 * under each other and blocking each other's growth (which cost a chunk, a
 * guard page and a stranded tail at every step). Small holes are used only
 * when nothing roomier is left. Taking the lowest keeps offsets small.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "invariant.h"
#include "ilheap.h"
#include "internal.h"
#include "os/os.h"
#include "seams.h"
#include "track.h"

#define MIN_STEP ((size_t)8 << 10)
#define MAX_STEP ((size_t)1 << 20)
#define MAX_PAGE ((size_t)1 << 20)
#define CHUNK_CAP ((uint64_t)4 << 20) /* a chunk's capacity stays below this */
#define LARGE ((uint64_t)1 << 20)     /* bigger requests get their own chunk */
#define SLAB_MIN ((uint64_t)1 << 10)  /* a thread's first slab, unless the request says more */
#define SLAB ((uint64_t)256 << 10)    /* slabs double up to this */
#define TCACHE_SLOTS 16               /* per-thread cache of (heap id, slab) */
#define REFILL_RETRIES 8
/* Populating a refill costs a system call; below this many bytes the call costs
 * about what it saves (measured on Linux 6.18 in a VM, docs/performance.md:
 * 8 KiB refills cost 3.7 us a page populated against 3.3 faulted, 32 KiB ones
 * 1.8 against 2.0). */
#define POPULATE_MIN ((uint64_t)32 << 10)

/* The slab word (see the top of the file). */
#define W_USED(w) (((w) & UINT64_C(0xFFFFF)) << 2)
#define W_PAD(w) (((w) >> 20) & UINT64_C(0x3FFFFF))
#define W_BLOCKS(w) ((w) >> 42)
#define W_ADD(consumed, pad) (((consumed) >> 2) + ((uint64_t)(pad) << 20) + (UINT64_C(1) << 42))
/* The fields cannot overflow into each other: used < CHUNK_CAP = 2^22 bytes is
 * 2^20 units; padding < used; blocks <= used / 4 < 2^20. */
_Static_assert(((uint64_t)4 << 20) >> 2 <= (UINT64_C(1) << 20), "used fits bits 0-19");
_Static_assert(((uint64_t)4 << 20) <= (UINT64_C(1) << 22), "padding fits bits 20-41");

/* The size of the first published version of each versioned struct. */
#define OPTIONS_V1_SIZE (offsetof(ilheap_options, provider) + sizeof(const ilheap_provider *))
#define OPTIONS_V2_SIZE (offsetof(ilheap_options, window_policy) + sizeof(uint32_t))
#define STATS_V1_SIZE (offsetof(ilheap_stats, highest) + sizeof(uintptr_t))
#define PROVIDER_V1_SIZE ILHEAP__PROVIDER_V1_SIZE

/* What a group of requests was handed: the slabs given up, requests served
 * from own chunks, requests carved without a slab. The stats sum them. */
struct counts {
  uint64_t blocks, requested, padding, outside; /* outside: blocks outside the window */
};

static void count(struct counts *to, uint64_t blocks, uint64_t requested, uint64_t padding,
                  uint64_t outside) {
  to->blocks += blocks;
  to->requested += requested;
  to->padding += padding;
  to->outside += outside;
}

static void counts_add(struct counts *to, const struct counts *from) {
  count(to, from->blocks, from->requested, from->padding, from->outside);
}

typedef struct chunk {
  uint64_t used;      /* bytes carved from top: slabs and blocks (under the lock) */
  uint64_t cap;       /* top - floor: bytes that may be carved (under the lock) */
  uintptr_t top;      /* end of the committed part; blocks below it */
  uintptr_t floor;    /* lowest reserved (and committed) address */
  uintptr_t end;      /* end of the reservation (top + guard) */
  uintptr_t lim;      /* floor never grows below this */
  unsigned char outside; /* 1: wholly outside the window */
  unsigned char own;     /* 1: one request's own chunk, never current */
  struct chunk *next;    /* all chunks, newest first */
} chunk;

/* A thread's slab and what it handed out. Only the owning thread writes it;
 * everything but word changes under the heap's lock, so readers holding the
 * lock see the rest as it is. */
typedef struct slab {
  _Alignas(64) _Atomic uint64_t word; /* used | padding | blocks of [top - cap, top) */
  /* The owner's copy of word, which the owner reads instead: a plain load, so
   * on 32-bit targets the fast path's next allocation does not wait on the
   * 64-bit atomic store (built in two halves, then moved whole: x87 or SSE). */
  uint64_t mine;
  uint64_t cap;                       /* 0: no slab */
  uint64_t len;                       /* the next slab's size: SLAB_MIN doubling to SLAB */
  uintptr_t top;
  chunk *c;                           /* the chunk the slab lies in */
  struct counts given_up; /* of the slabs given up */
  uint32_t writes;    /* 1: the thread was seen writing its blocks (writes_blocks) */
  uint32_t ask_in, backoff; /* refills before asking again whether it writes */
  const void *owner; /* the owning thread's cache: unique among live threads */
  struct slab *next; /* all slabs of the heap */
} slab;

/* A thread's cache of its slabs, by heap id (0: empty). Its address names the
 * thread. A thread that exits leaves its slabs to the next thread given the
 * same address (the old one can no longer use them). */
struct tslot {
  uint64_t id;
  slab *s;
};
static ILHEAP__THREAD_LOCAL struct tslot tcache[TCACHE_SLOTS];
static _Atomic uint64_t heap_ids;

struct ilheap {
  uint64_t id;              /* this heap's, never reused: the per-thread cache's key */
  chunk *current;           /* the chunk slabs are carved from (under the lock) */
  uint32_t align;           /* effective: max(option, checker's granule) */
  uint32_t align_option;    /* as asked */
  uint32_t max_offset;
  uint32_t guard;           /* guard bytes per chunk: 0 or page */
  uintptr_t base;
  uintptr_t wlo, whi;       /* the window, page aligned; wlo >= whi: empty */
  uint32_t policy;          /* ILHEAP_WINDOW_* */
  uintptr_t above_lo, top;  /* outside: [above_lo, top) above the window, 0: none */
  uintptr_t below_hi;       /* outside: [page, below_hi) below the module */
  uint64_t max_consumed;    /* no request consuming more can ever fit */
  size_t page;
  size_t budget;
  ilheap_provider prov;
  _Atomic uint64_t failed; /* requests with cb > 0 that returned NULL */

  ilheap__mutex lock; /* guards everything below, and refills */
  chunk *chunks;
  uint64_t reserved, committed, nchunks, extensions;
  struct counts own;    /* requests served from own chunks */
  struct counts direct; /* requests carved without a slab */
  slab *slabs;

  _Alignas(16) unsigned char ext[ILHEAP_EXT_SIZE];
};

/* One refill, on the refilling thread's stack: who refills, whether what it
 * commits is populated, and what that is (populated after the lock). */
struct refill {
  slab *s;           /* the refilling thread's slab (NULL: none) */
  uintptr_t witness; /* its last block (0: none), see writes_blocks */
  int populate;      /* populate what this refill commits */
  uintptr_t fill_at; /* what it committed to populate: [fill_at, fill_at + fill_len) */
  uint64_t fill_len;
};

/* ---- small arithmetic, all on unsigned types with explicit checks ------- */

static int is_pow2(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

static uint64_t round_up64(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

/* Rounds x up to a multiple of a (a power of two); 0 when that overflows. */
static uintptr_t round_up_ptr(uintptr_t x, uintptr_t a, int *overflow) {
  if (x > UINTPTR_MAX - (a - 1)) {
    *overflow = 1;
    return 0;
  }
  return (x + a - 1) & ~(a - 1);
}

static uintptr_t round_down_ptr(uintptr_t x, uintptr_t a) { return x & ~(a - 1); }

/* ---- errors ------------------------------------------------------------- */

const char *ilheap_strerror(int err) {
  switch (err) {
#define ERROR_TEXT(name, value, text)                                                              \
  case ILHEAP_##name: return text;
    ILHEAP_ERROR_LIST(ERROR_TEXT)
#undef ERROR_TEXT
  default: return "unknown error";
  }
}

uint32_t ilheap_version(void) { return ILHEAP_VERSION; }

/* ---- options -------------------------------------------------------------- */

void ilheap_options_init(ilheap_options *opts) {
  if (opts == NULL)
    return;
  memset(opts, 0, sizeof *opts);
  opts->size = (uint32_t)sizeof *opts;
  opts->alignment = ILHEAP_DEFAULT_ALIGNMENT;
  opts->max_offset = ILHEAP_DEFAULT_MAX_OFFSET;
  opts->use_guard_pages = 1;
  opts->budget = ILHEAP_UNLIMITED;
  opts->provider = NULL;
}

void ilheap_provider_init(ilheap_provider *p) {
  if (p == NULL)
    return;
  memset(p, 0, sizeof *p);
  p->size = (uint32_t)sizeof *p;
}

void ilheap__provider_whole(ilheap_provider *out, const ilheap_provider *p) {
  ilheap_provider_init(out);
  memcpy(out, p, p->size < sizeof *out ? p->size : sizeof *out);
  out->size = (uint32_t)sizeof *out;
}

int ilheap__provider_check(const ilheap_provider *p) {
  if (p->size < PROVIDER_V1_SIZE)
    return ILHEAP_EVERSION;
  if (p->flags != 0 || p->walk_free == NULL || p->reserve == NULL || p->commit == NULL ||
      p->release == NULL || p->page_size < 4096 || !is_pow2(p->page_size) ||
      p->page_size > MAX_PAGE)
    return ILHEAP_EINVAL;
  return ILHEAP_OK;
}

/* ---- create / destroy ------------------------------------------------------ */

int ilheap__options_check(const ilheap_options *opts, ilheap_options *resolved) {
  ilheap_options o;
  int err;

  /* An older caller's smaller struct: what it has, defaults for the rest. */
  ilheap_options_init(&o);
  if (opts != NULL) {
    if (opts->size < OPTIONS_V1_SIZE)
      return ILHEAP_EVERSION;
    /* What the caller's version has; defaults for the rest. */
    memcpy(&o, opts, opts->size < OPTIONS_V2_SIZE ? OPTIONS_V1_SIZE : OPTIONS_V2_SIZE);
    o.size = (uint32_t)sizeof o;
  }
  if (o.alignment < ILHEAP_MIN_ALIGNMENT || o.alignment > ILHEAP_MAX_ALIGNMENT ||
      !is_pow2(o.alignment) || o.max_offset == 0 ||
      (o.window_policy != ILHEAP_WINDOW_REQUIRED && o.window_policy != ILHEAP_WINDOW_PREFERRED))
    return ILHEAP_EINVAL;
  if (o.provider == NULL && ilheap_os_provider() == NULL)
    return ILHEAP_EINVAL;
  if ((err = ilheap__provider_check(o.provider != NULL ? o.provider : ilheap_os_provider())) !=
      ILHEAP_OK)
    return err;
  if (resolved != NULL)
    *resolved = o;
  return ILHEAP_OK;
}

int ilheap_create(const void *module_base, const ilheap_options *opts, ilheap **out) {
  ilheap_options o;
  const ilheap_provider *prov;
  ilheap *h;
  uintptr_t base = (uintptr_t)module_base, lo, hi;
  int overflow = 0, err;

  if (out == NULL)
    return ILHEAP_EINVAL;
  *out = NULL;
  if ((err = ilheap__options_check(opts, &o)) != ILHEAP_OK)
    return err;
  prov = o.provider != NULL ? o.provider : ilheap_os_provider();

  /* Not calloc: ext is _Alignas(16), more than malloc promises on i686 Windows. */
  h = ilheap__aligned_calloc(_Alignof(ilheap), sizeof *h);
  if (h == NULL)
    return ILHEAP_ENOMEM;
  if (ilheap__mutex_init(&h->lock) != ILHEAP_OK) {
    ilheap__aligned_free(h);
    return ILHEAP_ENOMEM;
  }
  ilheap__provider_whole(&h->prov, prov);
  h->page = prov->page_size;
  h->align_option = o.alignment;
  h->align = o.alignment > ILHEAP_TRACK_MIN_ALIGN ? o.alignment : ILHEAP_TRACK_MIN_ALIGN;
  h->max_offset = o.max_offset;
  h->guard = o.use_guard_pages ? (uint32_t)h->page : 0;
  h->budget = o.budget;
  h->base = base;
  h->policy = o.window_policy;

  /* Window [base + 1, base + M) clipped to the address space, then to pages. */
  if (base == UINTPTR_MAX) {
    lo = hi = 0; /* nothing lies above the last address */
  } else {
    lo = base + 1;
    hi = base > UINTPTR_MAX - o.max_offset ? UINTPTR_MAX : base + o.max_offset;
  }
  h->wlo = round_up_ptr(lo, h->page, &overflow);
  h->whi = round_down_ptr(hi, h->page);
  if (overflow || h->wlo >= h->whi) {
    h->wlo = h->whi = 0;
    h->max_consumed = 0;
  } else {
    uint64_t room = (uint64_t)(h->whi - h->wlo);
    h->max_consumed = room > h->guard ? room - h->guard : 0;
    /* The window: whole pages, strictly above the base, within max_offset. */
    ILHEAP_ASSERT(h->wlo > base && h->wlo % h->page == 0 && h->whi % h->page == 0);
    ILHEAP_ASSERT(h->whi - 1 - base < o.max_offset);
  }
  /* Outside the window: every page that shares no byte with [base + 1,
   * base + M). A request no window chunk could hold goes there directly. */
  overflow = 0;
  h->top = round_down_ptr(UINTPTR_MAX, h->page);
  h->above_lo = base == UINTPTR_MAX ? 0 : round_up_ptr(hi, h->page, &overflow);
  if (overflow)
    h->above_lo = 0;
  h->below_hi = round_down_ptr(base == UINTPTR_MAX ? base : base + 1, h->page);
  if (h->policy == ILHEAP_WINDOW_PREFERRED)
    h->max_consumed = UINT64_MAX;
  ILHEAP_ASSERT(is_pow2(h->align) && h->align >= ILHEAP_MIN_ALIGNMENT && h->align <= h->page);
  h->id = atomic_fetch_add_explicit(&heap_ids, 1, memory_order_relaxed) + 1;
  ILHEAP_ASSERT(h->id != 0); /* 0 marks an empty cache slot; 2^64 heaps are not made */
  h->current = NULL;
  atomic_init(&h->failed, 0);
  ilheap_track_create(h);
  *out = h;
  return ILHEAP_OK;
}

void ilheap_destroy(ilheap *h) {
  chunk *c, *next;
  slab *s, *snext;
  if (h == NULL)
    return;
  ilheap_track_destroy(h);
  /* Threads' caches may still name these slabs, under an id no heap has again. */
  for (s = h->slabs; s != NULL; s = snext) {
    snext = s->next;
    ilheap__aligned_free(s);
  }
  for (c = h->chunks; c != NULL; c = next) {
    next = c->next;
    ILHEAP_ASSERT(c->lim <= c->floor && c->floor <= c->top && c->top <= c->end);
    ilheap_track_release(h, (void *)c->floor, c->top - c->floor);
    /* Nothing useful can be done if the provider refuses at this point. */
    (void)h->prov.release(h->prov.ctx, c->floor, c->end - c->floor);
    ilheap__aligned_free(c);
  }
  ilheap__mutex_destroy(&h->lock);
  ilheap__aligned_free(h);
}

/* ---- the fast path ------------------------------------------------------------ */

/* The fast path stays small: the slow paths are calls, so that ilheap_alloc
 * saves no registers and builds no frame on its way to the slab's word. */
#if defined(__GNUC__)
#define SLOW_PATH __attribute__((noinline, cold))
#elif defined(_MSC_VER)
#define SLOW_PATH __declspec(noinline)
#else
#define SLOW_PATH
#endif

static void assert_chunk(const ilheap *h, const chunk *c) {
  /* [floor, top) committed below [top, end) = the guard, all in the window. */
  /* Wholly in the window, or (ILHEAP_WINDOW_PREFERRED) wholly outside it. */
  ILHEAP_ASSERT(c->floor >= c->lim &&
                (c->outside ? h->policy == ILHEAP_WINDOW_PREFERRED && (c->end <= h->wlo || c->floor >= h->whi)
                            : c->lim == h->wlo && c->end <= h->whi));
  ILHEAP_ASSERT(c->floor % h->page == 0 && c->top % h->page == 0 && c->end % h->page == 0);
  ILHEAP_ASSERT(c->floor < c->top && c->top <= c->end && c->end - c->top <= h->guard);
  (void)h;
  (void)c;
}

static SLOW_PATH void *refill_and_take(ilheap *h, uint32_t cb, uint64_t consumed);

/* The owner's only way to change its slab's word (readers load word). */
static inline void set_word(slab *s, uint64_t w) {
  s->mine = w;
  atomic_store_explicit(&s->word, w, memory_order_relaxed);
}

void *ilheap_alloc(ilheap *h, uint32_t cb) {
  uint64_t consumed, w, used;
  struct tslot *e;
  slab *s;
  uintptr_t p;

  if (h == NULL || cb == 0)
    return NULL;
  /* 64-bit arithmetic: cb < 2^32, so this cannot overflow. A request that can
   * never fit (consumed > max_consumed) fails in refill_and_take. */
  consumed = round_up64((uint64_t)cb + ILHEAP_TRACK_REDZONE, h->align);
  e = &tcache[h->id % TCACHE_SLOTS];
  if (e->id != h->id)
    return refill_and_take(h, cb, consumed);
  s = e->s;
  /* Only this thread writes the word: a load and a store, no read-modify-write. */
  w = s->mine; /* == word, which only this thread writes */
  used = W_USED(w);
  /* The packing: padding never exceeds what was consumed, and a slab (which
   * used never exceeds) lies in one chunk, below the chunk cap. */
  ILHEAP_ASSERT(used <= s->cap && s->cap < CHUNK_CAP);
  ILHEAP_ASSERT(W_PAD(w) <= used && W_BLOCKS(w) <= used / 4);
  if (consumed > s->cap - used) /* used <= cap always holds */
    return refill_and_take(h, cb, consumed);
  set_word(s, w + W_ADD(consumed, consumed - cb));
  p = s->top - (uintptr_t)(used + consumed);
  ILHEAP_ASSERT(p % h->align == 0 && (s->c->outside || (p > h->base && p + cb <= h->whi)));
  ilheap_track_alloc(h, (void *)p, cb);
  return (void *)p;
}

/* ---- refill (under h->lock) --------------------------------------------------- */

static size_t step_size(const ilheap *h) {
  size_t lo = MIN_STEP > h->page ? MIN_STEP : h->page;
  size_t hi = MAX_STEP > h->page ? MAX_STEP : h->page;
  uint64_t s = round_up64(h->reserved / 32, h->page);
  s = s < lo ? lo : s > hi ? hi : s;
  ILHEAP_ASSERT(s % h->page == 0 && s >= h->page && s <= MAX_STEP + MAX_PAGE);
  return (size_t)s;
}

static int within_budget(const ilheap *h, uint64_t more) {
  return h->budget == ILHEAP_UNLIMITED ||
         (h->reserved <= h->budget && more <= (uint64_t)h->budget - h->reserved);
}

/* Does the caller write the blocks it gets? Asked of the page of the block
 * the refilling thread got last (written by now if the caller writes at all),
 * when the provider can both answer and populate. Never on the fast path. */
static int writes_blocks(const ilheap *h, const struct refill *r) {
  slab *s = r->s;
  int yes;
  if (h->prov.map == NULL || h->prov.resident == NULL || r->witness == 0)
    return 0;
  if (s != NULL && (s->writes || s->ask_in > 0)) {
    s->ask_in -= !s->writes;
    return (int)s->writes;
  }
  yes = h->prov.resident(h->prov.ctx, round_down_ptr(r->witness, h->page)) == 1;
  if (s != NULL) {
    s->writes = (uint32_t)yes;
    s->ask_in = s->backoff;
    s->backoff = s->backoff < 32 ? 2 * s->backoff + (s->backoff == 0) : 32;
  }
  return yes;
}

/* Reserves and commits [at, at + len) below a chunk: one map where the
 * provider has it, else reserve then commit. */
static int reserve_committed(ilheap *h, struct refill *r, uintptr_t at, uint64_t len) {
  int err;
  if (h->prov.map != NULL) {
    err = h->prov.map(h->prov.ctx, at, (size_t)len, ILHEAP_MAP_RESERVE);
    if (err == ILHEAP_OK && r->populate && len >= POPULATE_MIN) { /* after the lock: see refill_and_take */
      r->fill_at = at;
      r->fill_len = len;
    }
    return err;
  }
  if ((err = h->prov.reserve(h->prov.ctx, at, (size_t)len)) != ILHEAP_OK)
    return err;
  if ((err = h->prov.commit(h->prov.ctx, at, (size_t)len)) != ILHEAP_OK)
    (void)h->prov.release(h->prov.ctx, at, (size_t)len);
  return err;
}

/* Commits [at, at + len), reserved and never committed. */
static int commit_reserved(ilheap *h, struct refill *r, uintptr_t at, uint64_t len) {
  int err;
  if (h->prov.map == NULL)
    return h->prov.commit(h->prov.ctx, at, (size_t)len);
  err = h->prov.map(h->prov.ctx, at, (size_t)len, 0u);
  if (err == ILHEAP_OK && r->populate && len >= POPULATE_MIN) { /* after the lock: see refill_and_take */
    r->fill_at = at;
    r->fill_len = len;
  }
  return err;
}

struct below {
  uintptr_t floor, page;
  uintptr_t free_lo; /* result: [free_lo, floor) is free; floor when nothing is */
};

/* Remembers the gap that reaches floor (gaps come in ascending order). */
static int below_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  struct below *bl = arg;
  int overflow = 0;
  uintptr_t a = round_up_ptr(lo, bl->page, &overflow);
  if (hi == bl->floor && !overflow && a < hi)
    bl->free_lo = a;
  return 0;
}

/* Grows c downward by up to want bytes, at least need (multiples of page). */
static int extend(ilheap *h, struct refill *r, chunk *c, uint64_t want, uint64_t need) {
  struct below bl;
  uint64_t len;
  uintptr_t at;
  int err;
  if (h->budget != ILHEAP_UNLIMITED) {
    uint64_t left = h->reserved < h->budget ? (uint64_t)h->budget - h->reserved : 0;
    if (want > left)
      want = left & ~(uint64_t)(h->page - 1);
  }
  ILHEAP_ASSERT(c->floor >= c->lim);
  ILHEAP_ASSERT(want % h->page == 0 && need % h->page == 0);
  if (want > c->floor - c->lim) /* floor >= lim always */
    want = c->floor - c->lim;
  if (want < need || need == 0)
    return ILHEAP_ENOMEM;
  /* Usually all of it is free: reserve is the authority (it refuses whatever
   * is not free, the zones the provider keeps clear included), so try it first;
   * only when it is busy, ask the provider what is free just below. */
  len = want;
  at = c->floor - (uintptr_t)want;
  err = reserve_committed(h, r, at, len);
  if (err == ILHEAP_EBUSY || err == ILHEAP_ERANGE) { /* partly taken, or partly out of reach */
    bl.floor = c->floor;
    bl.page = h->page;
    bl.free_lo = c->floor;
    if ((err = h->prov.walk_free(h->prov.ctx, at, c->floor, below_visit, &bl)) != ILHEAP_OK)
      return err;
    ILHEAP_ASSERT(bl.free_lo >= at && bl.free_lo <= c->floor && bl.free_lo % h->page == 0);
    len = c->floor - bl.free_lo;
    if (len < need)
      return ILHEAP_EBUSY;
    at = bl.free_lo;
    err = reserve_committed(h, r, at, len);
  }
  if (err != ILHEAP_OK)
    return err;
  ILHEAP_ASSERT(len >= need && len <= want && at >= c->lim && at + len == c->floor);
  ilheap_track_commit(h, (void *)at, (size_t)len);
  c->floor = at;
  h->reserved += len;
  h->committed += len;
  h->extensions++;
  ILHEAP_ASSERT(c->top - at < CHUNK_CAP); /* the word's fields stay bounded */
  assert_chunk(h, c);
  c->cap = (uint64_t)(c->top - at);
  return ILHEAP_OK;
}

struct placement {
  uint64_t total; /* bytes to reserve */
  uint64_t roomy; /* a gap this large lets the chunk grow to CHUNK_CAP */
  uintptr_t page;
  uintptr_t addr; /* result; 0: none */
};

/* The top of the lowest roomy slice, else the top of the lowest gap that fits. */
static int place_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  struct placement *pl = arg;
  int overflow = 0;
  uintptr_t a = round_up_ptr(lo, pl->page, &overflow);
  uintptr_t b = round_down_ptr(hi, pl->page);
  if (overflow || a >= b || (uint64_t)(b - a) < pl->total)
    return 0;
  if (pl->addr == 0)
    pl->addr = b - (uintptr_t)pl->total;
  if ((uint64_t)(b - a) < pl->roomy)
    return 0; /* remembered; look on for a roomier one */
  pl->addr = a + (uintptr_t)(pl->roomy - pl->total);
  ILHEAP_ASSERT(pl->addr >= a && pl->addr + pl->total <= b && pl->addr % pl->page == 0);
  return 1;
}

/* The top of the highest gap that holds the chunk (below the module). */
static int highest_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  struct placement *pl = arg;
  int overflow = 0;
  uintptr_t a = round_up_ptr(lo, pl->page, &overflow);
  uintptr_t b = round_down_ptr(hi, pl->page);
  if (!overflow && a < b && (uint64_t)(b - a) >= pl->total)
    pl->addr = b - (uintptr_t)pl->total;
  return 0;
}

/* Reserves and commits total bytes (len committed) in [lo, hi): placed by
 * visit, walking again after a lost race. Sets *at. */
static int place_in(ilheap *h, struct refill *r, uintptr_t lo, uintptr_t hi,
                    ilheap_range_visitor visit, uint64_t len, uintptr_t *at) {
  struct placement pl;
  uint64_t total = len + h->guard;
  int err = ILHEAP_ENOMEM, tries, looks = 0;

  if (lo >= hi || total > (uint64_t)(hi - lo))
    return ILHEAP_ERANGE;
  for (tries = 0; tries < REFILL_RETRIES; tries++) {
    pl.total = total;
    pl.roomy = (total > CHUNK_CAP ? total : CHUNK_CAP) + h->guard;
    pl.page = h->page;
    pl.addr = 0;
    if ((err = h->prov.walk_free(h->prov.ctx, lo, hi, visit, &pl)) != ILHEAP_OK)
      break;
    if (pl.addr == 0) {
      err = ILHEAP_ENOMEM; /* full, if a second look agrees */
      if (looks++ == 0)
        continue;
      break;
    }
    /* Gaps come from [lo, hi): so does the place chosen in one. */
    ILHEAP_ASSERT(pl.addr >= lo && pl.addr + total <= hi);
    err = h->prov.reserve(h->prov.ctx, pl.addr, (size_t)total);
    if (err != ILHEAP_EBUSY)
      break; /* a lost race walks again; anything else is final */
  }
  if (err == ILHEAP_OK && (err = commit_reserved(h, r, pl.addr, len)) != ILHEAP_OK)
    (void)h->prov.release(h->prov.ctx, pl.addr, (size_t)total);
  *at = pl.addr;
  return err;
}

/* Starts a chunk committing len bytes (a multiple of page) plus a guard; it
 * becomes the current chunk unless it is one request's own (*own). In the
 * window, or (outside != 0) above it, else below the module. */
static int new_chunk(ilheap *h, struct refill *r, uint64_t len, int outside, chunk **own) {
  uint64_t total = len + h->guard;
  uintptr_t at = 0;
  chunk *c;
  int err;

  if (!within_budget(h, total))
    return ILHEAP_ENOMEM;
  c = ilheap__aligned_calloc(_Alignof(chunk), sizeof *c);
  if (c == NULL)
    return ILHEAP_ENOMEM;
  c->lim = h->wlo;
  if (!outside) {
    err = place_in(h, r, h->wlo, h->whi, place_visit, len, &at);
  } else {
    ILHEAP_ASSERT(h->policy == ILHEAP_WINDOW_PREFERRED);
    c->outside = 1;
    c->lim = h->above_lo;
    err = h->above_lo != 0 ? place_in(h, r, h->above_lo, h->top, place_visit, len, &at)
                           : ILHEAP_ERANGE;
    if (err != ILHEAP_OK) {
      c->lim = h->page;
      err = place_in(h, r, h->page, h->below_hi, highest_visit, len, &at);
    }
  }
  if (err != ILHEAP_OK) {
    ilheap__aligned_free(c);
    return err;
  }
  ilheap_track_commit(h, (void *)at, (size_t)len);
  c->floor = at;
  c->top = at + (uintptr_t)len;
  c->end = at + (uintptr_t)total;
  c->own = own != NULL;
  c->used = 0;
  c->cap = own != NULL ? 0 : len;
  ILHEAP_ASSERT(own != NULL || len < CHUNK_CAP);
  assert_chunk(h, c);
  c->next = h->chunks;
  h->chunks = c;
  h->reserved += total;
  h->committed += len;
  h->nchunks++;
  ILHEAP_ASSERT(h->committed <= h->reserved);
  ILHEAP_ASSERT(h->budget == ILHEAP_UNLIMITED || h->reserved <= h->budget);
  if (own != NULL)
    *own = c;
  else
    h->current = c;
  return ILHEAP_OK;
}

/* A new chunk of step bytes if the request needs less, else (or when that
 * fails) of minimal bytes: in the window, or outside it. */
static int new_chunk_for(ilheap *h, struct refill *r, uint64_t minimal, uint64_t step,
                         int outside) {
  if (minimal < step && new_chunk(h, r, step, outside, NULL) == ILHEAP_OK)
    return ILHEAP_OK;
  return new_chunk(h, r, minimal, outside, NULL);
}

struct room {
  uintptr_t page;
  uint64_t total;  /* a one-page chunk and its guard */
  uintptr_t floor; /* the current chunk's floor if it may grow down a page, else 0 */
  int found;
};

/* A free range holding a one-page chunk, or a free page just below floor. */
static int room_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  struct room *r = arg;
  int overflow = 0;
  uintptr_t a = round_up_ptr(lo, r->page, &overflow);
  uintptr_t b = round_down_ptr(hi, r->page);
  if (!overflow && a < b && ((uint64_t)(b - a) >= r->total || b == r->floor))
    r->found = 1;
  return r->found;
}

/* Sets *room: could a refill for a one-page request still succeed in the window
 * (2 or 3 of the policy)? floor: as in struct room. */
static int window_room(ilheap *h, uintptr_t floor, int *room) {
  struct room r;
  int err = ILHEAP_OK, looks;
  r.page = h->page;
  r.total = (uint64_t)h->page + h->guard;
  r.floor = floor;
  r.found = 0;
  /* A second look before the window counts as full, as in PLACE. */
  for (looks = 0; h->wlo < h->whi && err == ILHEAP_OK && !r.found && looks < 2; looks++)
    err = h->prov.walk_free(h->prov.ctx, h->wlo, h->whi, room_visit, &r);
  *room = r.found;
  return err;
}

/* A chunk of the request's own, sized to fit, in the window or outside it; it
 * never becomes the current chunk. The block sits at its top; 0 on failure. */
static uintptr_t take_own(ilheap *h, struct refill *r, uint32_t cb, uint64_t consumed,
                          int outside) {
  chunk *c;
  if (new_chunk(h, r, round_up64(consumed, h->page), outside, &c) != ILHEAP_OK)
    return 0;
  count(&h->own, 1, cb, consumed - cb, c->outside);
  return c->top - (uintptr_t)consumed;
}

/* Makes room for `consumed` more bytes: in place first, then a new chunk in
 * the window, then (ILHEAP_WINDOW_PREFERRED) outside it. A request the window
 * cannot hold while it has room for a one-page refill is served from an
 * outside chunk of its own: *own is its block. */
static int grow(ilheap *h, struct refill *r, uint32_t cb, uint64_t consumed, uintptr_t *own) {
  chunk *c = h->current;
  uint64_t step = step_size(h);
  uint64_t minimal, want = 0, need = 0;
  uintptr_t below = 0; /* c's floor when c lies in the window and may grow a page */
  int room, err;

  r->populate = writes_blocks(h, r);
  if (c != NULL) {
    uint64_t used = c->used, cap = c->cap;
    uint64_t under_cap = (CHUNK_CAP - 1 - cap) & ~(uint64_t)(h->page - 1); /* cap < CHUNK_CAP */
    /* The caller failed to carve from c under the lock it still holds. */
    ILHEAP_ASSERT(used <= cap && cap < CHUNK_CAP && cap == c->top - c->floor);
    ILHEAP_ASSERT(consumed > cap - used);
    need = round_up64(consumed - (cap - used), h->page);
    want = step < under_cap ? step : under_cap;
    if (!c->outside && under_cap >= h->page)
      below = c->floor;
    /* An outside chunk grows only after the window was tried. */
    if (!c->outside && extend(h, r, c, want, need) == ILHEAP_OK)
      return ILHEAP_OK;
  }
  minimal = round_up64(consumed, h->page);
  if (new_chunk_for(h, r, minimal, step, 0) == ILHEAP_OK)
    return ILHEAP_OK;
  if (h->policy != ILHEAP_WINDOW_PREFERRED)
    return ILHEAP_ENOMEM;
  /* Outside room serves later requests only once the window is full. A
   * request of one page just found it full (2 and 3 tried a one-page refill);
   * a bigger one asks. */
  if (minimal > h->page) {
    if ((err = window_room(h, below, &room)) != ILHEAP_OK)
      return err;
    if (room) {
      *own = take_own(h, r, cb, consumed, 1);
      return *own != 0 ? ILHEAP_OK : ILHEAP_ENOMEM;
    }
  }
  if (c != NULL && c->outside && extend(h, r, c, want, need) == ILHEAP_OK)
    return ILHEAP_OK;
  return new_chunk_for(h, r, minimal, step, 1);
}

/* A large request's own chunk: in the window, else (PREFERRED) outside it. */
static uintptr_t take_large(ilheap *h, struct refill *r, uint32_t cb, uint64_t consumed) {
  uintptr_t p;
  r->populate = writes_blocks(h, r);
  p = take_own(h, r, cb, consumed, 0);
  if (p == 0 && h->policy == ILHEAP_WINDOW_PREFERRED)
    p = take_own(h, r, cb, consumed, 1);
  return p;
}

/* ---- slabs (under h->lock) ----------------------------------------------------- */

/* This thread's slab of h, found or made, and cached; NULL when no memory is
 * left for one (the request is then carved from the chunk directly). */
static slab *thread_slab(ilheap *h) {
  struct tslot *e = &tcache[h->id % TCACHE_SLOTS];
  slab *s;
  if (e->id == h->id)
    return e->s;
  /* Evicted from the cache by another heap, or the thread's first request. */
  for (s = h->slabs; s != NULL && s->owner != (const void *)tcache; s = s->next)
    ;
  if (s == NULL) {
    s = ilheap__aligned_calloc(_Alignof(slab), sizeof *s);
    if (s == NULL)
      return NULL;
    atomic_init(&s->word, 0);
    s->mine = 0;
    s->len = SLAB_MIN;
    s->owner = tcache;
    s->next = h->slabs;
    h->slabs = s;
  }
  e->id = h->id;
  e->s = s;
  return s;
}

/* Gives the slab up: its counts join the totals, and what it did not hand out
 * goes back to its chunk when it ends at the chunk's carving point. */
static void give_up(ilheap *h, slab *s) {
  uint64_t w = s->mine, used = W_USED(w);
  chunk *c = s->c;
  if (c == NULL)
    return;
  ILHEAP_ASSERT(used <= s->cap && s->top <= c->top && c->top - s->top + s->cap <= c->used);
  count(&s->given_up, W_BLOCKS(w), used - W_PAD(w), W_PAD(w), c->outside ? W_BLOCKS(w) : 0);
  /* Else another slab lies below: the end stays unused, never handed out. */
  if (c->top - (uintptr_t)c->used == s->top - (uintptr_t)s->cap)
    c->used -= s->cap - used;
  set_word(s, 0);
  s->cap = 0;
  s->c = NULL;
  (void)h;
}

/* Carves the request from c: a new slab for s with the block at its top, or
 * (s NULL) the block alone. The block, or 0 when c lacks the room. */
static uintptr_t carve(ilheap *h, chunk *c, slab *s, uint32_t cb, uint64_t consumed) {
  uint64_t room = c->cap - c->used, len;
  uintptr_t top = c->top - (uintptr_t)c->used;
  ILHEAP_ASSERT(c->used <= c->cap && c->cap < CHUNK_CAP && c->used % 4 == 0);
  if (consumed > room)
    return 0;
  if (s == NULL) {
    c->used += consumed;
    count(&h->direct, 1, cb, consumed - cb, c->outside);
    return top - (uintptr_t)consumed;
  }
  ILHEAP_ASSERT(s->c == NULL && s->cap == 0);
  len = consumed > s->len ? consumed : s->len;
  len = len < room ? len : room;
  s->len = s->len < SLAB ? 2 * s->len : SLAB;
  c->used += len;
  s->c = c;
  s->top = top;
  s->cap = len;
  set_word(s, W_ADD(consumed, consumed - cb));
  return top - (uintptr_t)consumed;
}

static SLOW_PATH void *refill_and_take(ilheap *h, uint32_t cb, uint64_t consumed) {
  struct refill r;
  uintptr_t p = 0;
  slab *s;
  uint64_t w;

  if (consumed > h->max_consumed) { /* larger than the window: it can never fit */
    atomic_fetch_add_explicit(&h->failed, 1, memory_order_relaxed);
    return NULL;
  }
  ilheap__mutex_lock(&h->lock);
  s = thread_slab(h);
  w = s != NULL ? s->mine : 0;
  r.s = s;
  r.witness = W_USED(w) != 0 ? s->top - (uintptr_t)W_USED(w) : 0;
  r.populate = 0;
  r.fill_at = 0;
  r.fill_len = 0;
  if (consumed > LARGE) {
    p = take_large(h, &r, cb, consumed);
  } else if (s != NULL && s->c != NULL && consumed <= s->cap - W_USED(w)) {
    /* The cache had lost the slab; it has room. */
    set_word(s, w + W_ADD(consumed, consumed - cb));
    p = s->top - (uintptr_t)(W_USED(w) + consumed);
  } else {
    if (s != NULL)
      give_up(h, s);
    /* Nobody carves without the lock, so room a refill makes is this
     * request's: one refill, then the carve cannot fail. */
    if (h->current == NULL || (p = carve(h, h->current, s, cb, consumed)) == 0)
      if (grow(h, &r, cb, consumed, &p) == ILHEAP_OK && p == 0) {
        p = carve(h, h->current, s, cb, consumed);
        ILHEAP_ASSERT(p != 0);
      }
  }
  ilheap__mutex_unlock(&h->lock);
  /* Populating takes longest (about 1.3 us a page): outside the lock, so that
   * threads populate their refills side by side. The range is committed and
   * the heap's; a failure only leaves its pages to fault in one by one. */
  if (r.fill_len != 0)
    (void)h->prov.map(h->prov.ctx, r.fill_at, (size_t)r.fill_len, ILHEAP_MAP_POPULATE);
  if (p == 0) {
    atomic_fetch_add_explicit(&h->failed, 1, memory_order_relaxed);
    return NULL;
  }
  ilheap_track_alloc(h, (void *)p, cb);
  return (void *)p;
}

/* ---- queries -------------------------------------------------------------- */

uintptr_t ilheap_module_base(const ilheap *h) { return h != NULL ? h->base : 0; }
uint32_t ilheap_max_offset(const ilheap *h) { return h != NULL ? h->max_offset : 0; }
uint32_t ilheap_alignment(const ilheap *h) { return h != NULL ? h->align_option : 0; }
uint32_t ilheap_window_policy(const ilheap *h) {
  return h != NULL ? h->policy : ILHEAP_WINDOW_REQUIRED;
}

int ilheap_get_stats(const ilheap *heap, ilheap_stats *out) {
  ilheap *h = (ilheap *)(uintptr_t)heap; /* the lock is state, not value */
  ilheap_stats s;
  struct counts sum;
  const chunk *c;
  const slab *t;
  uint32_t size;

  if (h == NULL || out == NULL)
    return ILHEAP_EINVAL;
  size = out->size;
  if (size < STATS_V1_SIZE)
    return ILHEAP_EVERSION;
  memset(&s, 0, sizeof s);
  ilheap__mutex_lock(&h->lock);
  sum = h->own;
  counts_add(&sum, &h->direct);
  for (t = h->slabs; t != NULL; t = t->next) {
    /* A slab's own word: consistent with itself; it may lag its owner's
     * allocations in flight. */
    uint64_t w = atomic_load_explicit(&t->word, memory_order_relaxed);
    counts_add(&sum, &t->given_up);
    count(&sum, W_BLOCKS(w), W_USED(w) - W_PAD(w), W_PAD(w),
          t->c != NULL && t->c->outside ? W_BLOCKS(w) : 0);
  }
  s.blocks = sum.blocks;
  s.bytes_requested = sum.requested;
  s.padding_bytes = sum.padding;
  s.blocks_outside_window = sum.outside;
  for (c = h->chunks; c != NULL; c = c->next) {
    if (s.lowest == 0 || c->floor < s.lowest)
      s.lowest = c->floor;
    if (c->end > s.highest)
      s.highest = c->end;
  }
  s.bytes_reserved = h->reserved;
  s.bytes_committed = h->committed;
  s.chunks = h->nchunks;
  s.extensions = h->extensions;
  ilheap__mutex_unlock(&h->lock);
  s.failed_requests = atomic_load_explicit(&h->failed, memory_order_relaxed);
  s.size = size < sizeof s ? size : (uint32_t)sizeof s;
  s.version = ILHEAP_STATS_VERSION;
  memcpy(out, &s, s.size);
  return ILHEAP_OK;
}

int ilheap_rva(const ilheap *heap, const void *block, uint32_t cb, uint32_t *rva) {
  ilheap *h = (ilheap *)(uintptr_t)heap;
  uintptr_t p = (uintptr_t)block;
  const chunk *c;
  const slab *t;
  int found = 0;

  if (rva != NULL)
    *rva = 0;
  if (h == NULL || block == NULL || rva == NULL || cb == 0 || p > UINTPTR_MAX - cb)
    return ILHEAP_EINVAL;
  ilheap__mutex_lock(&h->lock);
  for (c = h->chunks; c != NULL && !found; c = c->next) {
    /* What the chunk handed out: its carved part below top (one request's own
     * chunk: all of it)... */
    found = p >= (c->own ? c->floor : c->top - (uintptr_t)c->used) && p + cb <= c->top;
    /* ...but the part of its slabs not handed out yet. */
    for (t = h->slabs; t != NULL && found; t = t->next)
      if (t->c == c) {
        uintptr_t lo = t->top - (uintptr_t)t->cap;
        uintptr_t hi =
            t->top - (uintptr_t)W_USED(atomic_load_explicit(&t->word, memory_order_acquire));
        found = !(p < hi && p + cb > lo);
      }
  }
  ilheap__mutex_unlock(&h->lock);
  if (!found)
    return ILHEAP_EINVAL;
  /* Contract 1's test, on the block itself. */
  if (p <= h->base || (uint64_t)(p + cb - h->base) > h->max_offset)
    return ILHEAP_ERANGE;
  *rva = (uint32_t)(p - h->base);
  return ILHEAP_OK;
}

int ilheap_walk_reserved(const ilheap *heap, ilheap_range_visitor visit, void *arg) {
  ilheap *h = (ilheap *)(uintptr_t)heap;
  const chunk *c;
  uintptr_t *r;
  size_t n = 0, i;
  if (h == NULL || visit == NULL)
    return ILHEAP_EINVAL;
  /* Copied under the lock and visited without it, so the visitor may call back
   * into the heap (ilheap_get_stats, even ilheap_alloc). */
  ilheap__mutex_lock(&h->lock);
  r = ILHEAP_MALLOC(2 * sizeof *r * (size_t)(h->nchunks ? h->nchunks : 1));
  if (r != NULL)
    for (c = h->chunks; c != NULL; c = c->next, n++) {
      r[2 * n] = c->floor;
      r[2 * n + 1] = c->end;
    }
  ilheap__mutex_unlock(&h->lock);
  if (r == NULL)
    return ILHEAP_ENOMEM;
  for (i = 0; i < n; i++)
    if (visit(arg, r[2 * i], r[2 * i + 1]) != 0)
      break;
  free(r);
  return ILHEAP_OK;
}

/* ---- adapters --------------------------------------------------------------- */

void *ilheap__ext(ilheap *h) { return h != NULL ? h->ext : NULL; }

ilheap *ilheap__from_ext(void *ext) {
  return ext != NULL ? (ilheap *)(void *)((unsigned char *)ext - offsetof(ilheap, ext)) : NULL;
}
