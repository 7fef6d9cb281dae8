/*
 * Shared helpers for the Criterion test programs. Each tests/test_*.c is its
 * own program, so everything here is static (inline): a program uses what it
 * needs and the rest costs nothing.
 *
 * The checks cite THE CONTRACT in include/ilheap.h by clause number. They use
 * Criterion assertions, so they must be called from the test's own thread
 * (worker threads collect their blocks and the main thread checks them).
 */
#ifndef ILHEAP_TESTS_CHECK_H
#define ILHEAP_TESTS_CHECK_H

/*
 * <criterion/criterion.h> is Criterion's, or tests/compat's stand-in where
 * Criterion does not exist or cannot run (tests/CMakeLists.txt,
 * ILHEAP_TEST_COMPAT). The stand-in also runs under ThreadSanitizer, which
 * Criterion 2.4.1's runner cannot start under (its BoxFort arena is mapped at a
 * random fixed address TSan refuses; Criterion issue #274), e.g.
 *   clang -fsanitize=thread -g -D_GNU_SOURCE -Iinclude -Itests/compat \
 *         tests/test_threads.c tests/compat/runner.c libilheap.a -lpthread -ldl && ./a.out
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilheap.h"
#include "ilheap_sim.h"

/* ---- Sanitizer detection ------------------------------------------------ */
#if defined(__SANITIZE_ADDRESS__)
#define CHECK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHECK_ASAN 1
#endif
#endif
#ifndef CHECK_ASAN
#define CHECK_ASAN 0
#endif

/* Whether the library puts a redzone after every block (src/track.h): under
 * ASan, and when it was built with ILHEAP_VALGRIND=ON (tests/CMakeLists.txt
 * passes that on as CHECK_LIB_VALGRIND). */
#if CHECK_ASAN || defined(CHECK_LIB_VALGRIND)
#define CHECK_REDZONES 1
#else
#define CHECK_REDZONES 0
#endif

/* Running under Valgrind. Some tests cannot run there by design: they fault on
 * purpose, trap system calls with seccomp, or place heaps with the OS provider
 * in ranges /proc/self/maps shows as free but Valgrind's own address-space
 * manager holds (its reservations are not kernel mappings). They skip there and
 * run in every other build of the matrix. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CHECK_UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef CHECK_UNDER_VALGRIND
#define CHECK_UNDER_VALGRIND() 0
#endif
#define CHECK_SKIP_UNDER_VALGRIND(why)                                                             \
  do {                                                                                             \
    if (CHECK_UNDER_VALGRIND())                                                                    \
      cr_skip_test("not under Valgrind: %s", why);                                                 \
  } while (0)

#if defined(__SANITIZE_THREAD__)
#define CHECK_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CHECK_TSAN 1
#endif
#endif
#ifndef CHECK_TSAN
#define CHECK_TSAN 0
#endif

/* ---- Small arithmetic --------------------------------------------------- */
static inline int check_is_pow2(uintptr_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* A deterministic generator (xorshift64*), so every run sees the same sizes. */
static inline uint64_t check_rand(uint64_t *state) {
  uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ULL; /* 0 is a fixed point */
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

/* IL-like sizes: most bodies are tiny (a 1-byte header + < 64 bytes of code);
 * one in 16 is a fat body of 64..8192 bytes. */
static inline uint32_t check_il_size(uint64_t *state) {
  uint64_t r = check_rand(state);
  if ((r & 15) == 0)
    return 64 + (uint32_t)((r >> 8) % (8192 - 64 + 1));
  return 1 + (uint32_t)((r >> 8) % 63);
}

/* ---- Ranges ------------------------------------------------------------- */
typedef struct check_range {
  uintptr_t lo, hi; /* [lo, hi) */
} check_range;

typedef struct check_ranges {
  check_range *v;
  size_t n, cap;
  check_range brk; /* check_read_maps: the "[heap]" line (the brk heap), or {0, 0} */
} check_ranges;

static inline void check_ranges_push(check_ranges *rs, uintptr_t lo, uintptr_t hi) {
  if (rs->n == rs->cap) {
    size_t cap = rs->cap ? rs->cap * 2 : 64;
    check_range *v = realloc(rs->v, cap * sizeof *v);
    cr_assert_not_null(v, "out of memory in the test itself");
    rs->v = v;
    rs->cap = cap;
  }
  rs->v[rs->n].lo = lo;
  rs->v[rs->n].hi = hi;
  rs->n++;
}

static inline void check_ranges_free(check_ranges *rs) {
  free(rs->v);
  rs->v = NULL;
  rs->n = rs->cap = 0;
}

static inline int check_range_cmp(const void *a, const void *b) {
  const check_range *x = a, *y = b;
  if (x->lo != y->lo)
    return x->lo < y->lo ? -1 : 1;
  if (x->hi != y->hi)
    return x->hi < y->hi ? -1 : 1;
  return 0;
}

/* Sorts and merges touching or overlapping ranges: the covered set. */
static inline void check_ranges_normalize(check_ranges *rs) {
  if (rs->n == 0)
    return;
  qsort(rs->v, rs->n, sizeof rs->v[0], check_range_cmp);
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

/* Does [lo, hi) intersect any range of the normalized set rs? Returns the index
 * of the first range that does, or (size_t)-1. */
static inline size_t check_ranges_hit(const check_ranges *rs, uintptr_t lo, uintptr_t hi) {
  size_t a = 0, b = rs->n;
  while (a < b) { /* first range with hi > lo */
    size_t m = a + (b - a) / 2;
    if (rs->v[m].hi <= lo)
      a = m + 1;
    else
      b = m;
  }
  if (a < rs->n && rs->v[a].lo < hi)
    return a;
  return (size_t)-1;
}

/* The covered set of rs intersected with [lo, hi), into *out (normalized). */
static inline void check_ranges_clip(const check_ranges *rs, uintptr_t lo, uintptr_t hi,
                                     check_ranges *out) {
  for (size_t i = 0; i < rs->n; i++) {
    uintptr_t a = rs->v[i].lo > lo ? rs->v[i].lo : lo;
    uintptr_t b = rs->v[i].hi < hi ? rs->v[i].hi : hi;
    if (a < b)
      check_ranges_push(out, a, b);
  }
  check_ranges_normalize(out);
}

#ifndef _WIN32 /* Windows: tests/snapshot_win.h, below */
/* Reads the process map (/proc/self/maps) into *rs, normalized. */
static inline void check_read_maps(check_ranges *rs) {
  FILE *f = fopen("/proc/self/maps", "r");
  cr_assert_not_null(f, "cannot open /proc/self/maps");
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    unsigned long long lo, hi;
    if (sscanf(line, "%llx-%llx", &lo, &hi) == 2) {
      check_ranges_push(rs, (uintptr_t)lo, (uintptr_t)hi);
      if (strstr(line, "[heap]")) {
        rs->brk.lo = (uintptr_t)lo;
        rs->brk.hi = (uintptr_t)hi;
      }
    }
    /* The rest of a long line (a long path) must not be parsed as a new line. */
    while (strchr(line, '\n') == NULL && fgets(line, sizeof line, f))
      ;
  }
  fclose(f);
  check_ranges_normalize(rs);
}
#endif

/* Logs (does not assert) how two normalized sets differ, for a failure report. */
static inline void check_ranges_log_diff(const char *what, const check_ranges *a,
                                         const check_ranges *b, int warn) {
  size_t shown = 0;
  for (size_t i = 0; i < a->n && shown < 16; i++) {
    size_t j = check_ranges_hit(b, a->v[i].lo, a->v[i].hi);
    if (j == (size_t)-1 || b->v == NULL || b->v[j].lo != a->v[i].lo || b->v[j].hi != a->v[i].hi) {
      if (warn)
        cr_log_info("%s: [%#" PRIxPTR ", %#" PRIxPTR ") not identical on the other side", what,
                    a->v[i].lo, a->v[i].hi);
      else
        cr_log_info("%s: [%#" PRIxPTR ", %#" PRIxPTR ") not identical on the other side", what,
                    a->v[i].lo, a->v[i].hi);
      shown++;
    }
  }
}

/* Collects what ilheap_walk_reserved reports. */
static inline int check_collect_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  check_ranges_push(arg, lo, hi);
  return 0;
}

static inline void check_heap_reserved(const ilheap *heap, check_ranges *out) {
  cr_assert_eq(ilheap_walk_reserved(heap, check_collect_visit, out), ILHEAP_OK);
  for (size_t i = 0; i < out->n; i++)
    cr_assert_lt(out->v[i].lo, out->v[i].hi, "walk_reserved reported an empty range");
  check_ranges_normalize(out);
}

/* ---- Blocks ------------------------------------------------------------- */
typedef struct check_block {
  uintptr_t p;
  uint32_t cb;
  uint32_t heap; /* which heap (index in the test), for messages */
} check_block;

typedef struct check_blocks {
  check_block *v;
  size_t n, cap;
} check_blocks;

static inline void check_blocks_reserve(check_blocks *bs, size_t cap) {
  if (cap <= bs->cap)
    return;
  check_block *v = realloc(bs->v, cap * sizeof *v);
  cr_assert_not_null(v, "out of memory in the test itself");
  bs->v = v;
  bs->cap = cap;
}

static inline void check_blocks_push(check_blocks *bs, void *p, uint32_t cb, uint32_t heap) {
  if (bs->n == bs->cap)
    check_blocks_reserve(bs, bs->cap ? bs->cap * 2 : 256);
  bs->v[bs->n].p = (uintptr_t)p;
  bs->v[bs->n].cb = cb;
  bs->v[bs->n].heap = heap;
  bs->n++;
}

static inline void check_blocks_free(check_blocks *bs) {
  free(bs->v);
  bs->v = NULL;
  bs->n = bs->cap = 0;
}

/* Is [p, p + cb) inside the window of `heap` (contract 1's test)? */
static inline int check_in_window(const ilheap *heap, uintptr_t p, uint32_t cb) {
  uintptr_t b = ilheap_module_base(heap);
  return p > b && (uint64_t)(p - b) <= ilheap_max_offset(heap) &&
         (uint64_t)cb <= (uint64_t)ilheap_max_offset(heap) - (uint64_t)(p - b);
}

/* Does [p, p + cb) share no byte with the window [B + 1, B + M)? */
static inline int check_off_window(const ilheap *heap, uintptr_t p, uint32_t cb) {
  uintptr_t b = ilheap_module_base(heap);
  uint64_t m = ilheap_max_offset(heap);
  if (p + cb <= b + 1 || b == UINTPTR_MAX)
    return 1; /* wholly at or below the base */
  return p > b && (uint64_t)(p - b) >= m; /* wholly at or past the window's end */
}

/* ilheap_rva for a block just handed out: its offset inside the window, or
 * ILHEAP_ERANGE outside it. */
static inline void check_block_rva(const ilheap *heap, uintptr_t p, uint32_t cb, int inside) {
  uint32_t rva = 0xFFFFFFFFu;
  int rc = ilheap_rva(heap, (const void *)p, cb, &rva);
  if (inside) {
    cr_assert_eq(rc, ILHEAP_OK, "ilheap_rva of an inside block: %d", rc);
    cr_assert_eq((uintptr_t)rva, p - ilheap_module_base(heap), "ilheap_rva: %#x", rva);
  } else {
    cr_assert_eq(rc, ILHEAP_ERANGE, "ilheap_rva of an outside block: %d", rc);
    cr_assert_eq(rva, 0u, "ilheap_rva: *rva not 0 on error");
  }
}

/* Clauses 1 and 2 for one block of `heap`: [p, p + cb) lies at offsets
 * [1, max_offset] from the base (p - B >= 1, p + cb - B <= M, computed without
 * overflow) and p is a multiple of the alignment. With ILHEAP_WINDOW_PREFERRED a
 * block may instead lie wholly outside the window (never across its edge).
 * ilheap_rva agrees. */
static inline void check_block_window(const ilheap *heap, const void *ptr, uint32_t cb) {
  uintptr_t p = (uintptr_t)ptr, b = ilheap_module_base(heap);
  uint32_t m = ilheap_max_offset(heap), a = ilheap_alignment(heap);
  cr_assert_not_null(ptr);
  if (ilheap_window_policy(heap) == ILHEAP_WINDOW_PREFERRED && !check_in_window(heap, p, cb)) {
    cr_assert(check_off_window(heap, p, cb),
              "contract 1: block [%#" PRIxPTR " + %u) straddles the window's edge", p, cb);
    cr_assert(p <= UINTPTR_MAX - cb, "contract 9: block wraps the address space");
    cr_assert_eq(p & (uintptr_t)(a - 1), 0u, "contract 2: block %#" PRIxPTR " not %u-aligned", p,
                 a);
    check_block_rva(heap, p, cb, 0);
    return;
  }
  cr_assert_gt(p, b, "contract 1: block %#" PRIxPTR " is not above base %#" PRIxPTR, p, b);
  uintptr_t off = p - b;
  cr_assert_geq(off, 1u, "contract 1: offset 0");
  cr_assert_leq(off, (uintptr_t)m, "contract 1: start offset %#" PRIxPTR " past window %#x", off,
                m);
  cr_assert_leq((uintptr_t)cb, (uintptr_t)m - off,
                "contract 1: block [%#" PRIxPTR " + %u) ends past the window (offset %#" PRIxPTR
                ", max_offset %#x)",
                p, cb, off, m);
  cr_assert(p <= UINTPTR_MAX - cb, "contract 1/9: block wraps the address space");
  cr_assert(check_is_pow2(a), "alignment %u is not a power of two", a);
  cr_assert_eq(p & (uintptr_t)(a - 1), 0u, "contract 2: block %#" PRIxPTR " not %u-aligned", p, a);
  check_block_rva(heap, p, cb, 1);
}

/* Clause 4 on a fresh block: every byte reads as zero. */
static inline void check_block_zero(const void *ptr, uint32_t cb) {
  const unsigned char *c = ptr;
  for (uint32_t i = 0; i < cb; i++)
    cr_assert_eq(c[i], 0, "contract 4: byte %u of block %p reads %#x, not 0", i, ptr, c[i]);
}

/* A pattern that depends on the block's address and the byte's index, so a
 * block written over by another (overlap) or shifted is caught. */
static inline unsigned char check_pattern_byte(uintptr_t p, uint32_t i) {
  uint32_t x = (uint32_t)(p >> 3) * 2654435761u + i * 40503u;
  return (unsigned char)(x >> 24 ^ x);
}

static inline void check_block_fill(void *ptr, uint32_t cb) {
  unsigned char *c = ptr;
  for (uint32_t i = 0; i < cb; i++)
    c[i] = check_pattern_byte((uintptr_t)ptr, i);
}

static inline void check_block_verify(const void *ptr, uint32_t cb) {
  const unsigned char *c = ptr;
  for (uint32_t i = 0; i < cb; i++)
    cr_assert_eq(c[i], check_pattern_byte((uintptr_t)ptr, i),
                 "contract 4/6: byte %u of block %p was changed (%#x)", i, ptr, c[i]);
}

/* Clauses 1, 2 and 4 for a block just handed out, then fills it with the
 * pattern (clause 4: writable; check_blocks_verify reads it back later). */
static inline void check_fresh_block(const ilheap *heap, void *ptr, uint32_t cb) {
  check_block_window(heap, ptr, cb);
  check_block_zero(ptr, cb);
  check_block_fill(ptr, cb);
}

static inline void check_blocks_verify(const check_blocks *bs) {
  for (size_t i = 0; i < bs->n; i++)
    check_block_verify((const void *)bs->v[i].p, bs->v[i].cb);
}

static inline int check_block_cmp(const void *a, const void *b) {
  const check_block *x = a, *y = b;
  if (x->p != y->p)
    return x->p < y->p ? -1 : 1;
  return 0;
}

/* Clause 3, between blocks: sorts bs by address and asserts that no two
 * blocks (from any of the heaps) overlap. */
static inline void check_blocks_disjoint(check_blocks *bs) {
  if (bs->n < 2)
    return;
  qsort(bs->v, bs->n, sizeof bs->v[0], check_block_cmp);
  for (size_t i = 1; i < bs->n; i++) {
    const check_block *a = &bs->v[i - 1], *b = &bs->v[i];
    cr_assert_leq(a->p + a->cb, b->p,
                  "contract 3: block %#" PRIxPTR "+%u (heap %u) overlaps block %#" PRIxPTR
                  "+%u (heap %u)",
                  a->p, a->cb, a->heap, b->p, b->cb, b->heap);
  }
}

/* Clause 3, against ranges that existed before (normalized): no block
 * intersects any of them. */
static inline void check_blocks_avoid(const check_blocks *bs, const check_ranges *taken,
                                      const char *what) {
  for (size_t i = 0; i < bs->n; i++) {
    size_t j = check_ranges_hit(taken, bs->v[i].p, bs->v[i].p + bs->v[i].cb);
    cr_assert_eq(j, (size_t)-1,
                 "contract 3: block %#" PRIxPTR "+%u (heap %u) overlaps %s [%#" PRIxPTR
                 ", %#" PRIxPTR ")",
                 bs->v[i].p, bs->v[i].cb, bs->v[i].heap, what, j == (size_t)-1 ? 0 : taken->v[j].lo,
                 j == (size_t)-1 ? 0 : taken->v[j].hi);
  }
}

/* Every block lies inside the heap's reserved ranges (normalized). */
static inline void check_blocks_inside(const check_blocks *bs, const check_ranges *reserved) {
  for (size_t i = 0; i < bs->n; i++) {
    size_t j = check_ranges_hit(reserved, bs->v[i].p, bs->v[i].p + bs->v[i].cb);
    cr_assert_neq(j, (size_t)-1, "block %#" PRIxPTR " is outside every reserved range", bs->v[i].p);
    cr_assert(reserved->v[j].lo <= bs->v[i].p && bs->v[i].p + bs->v[i].cb <= reserved->v[j].hi,
              "block %#" PRIxPTR "+%u straddles a reserved range", bs->v[i].p, bs->v[i].cb);
  }
}

/* ---- Heaps and stats ---------------------------------------------------- */
static inline ilheap *check_create(const void *base, const ilheap_options *opts) {
  ilheap *h = NULL;
  int rc = ilheap_create(base, opts, &h);
  cr_assert_eq(rc, ILHEAP_OK, "ilheap_create: %s", ilheap_strerror(rc));
  cr_assert_not_null(h);
  return h;
}

static inline ilheap_stats check_stats(const ilheap *heap) {
  ilheap_stats st;
  memset(&st, 0xA5, sizeof st);
  st.size = sizeof st;
  int rc = ilheap_get_stats(heap, &st);
  cr_assert_eq(rc, ILHEAP_OK, "ilheap_get_stats: %s", ilheap_strerror(rc));
  cr_assert_eq(st.version, ILHEAP_STATS_VERSION);
  return st;
}

/* The stats match what the test itself did with the heap: `blocks` and
 * `requested` exactly, `failed` NULL answers with cb > 0, and the
 * address-space figures agree with each other and with walk_reserved. */
static inline void check_stats_consistent(const ilheap *heap, uint64_t blocks, uint64_t requested,
                                          uint64_t failed) {
  ilheap_stats st = check_stats(heap);
  cr_assert_eq(st.blocks, blocks, "stats.blocks %" PRIu64 ", expected %" PRIu64, st.blocks, blocks);
  cr_assert_eq(st.bytes_requested, requested,
               "stats.bytes_requested %" PRIu64 ", expected %" PRIu64, st.bytes_requested,
               requested);
  cr_assert_eq(st.failed_requests, failed, "stats.failed_requests %" PRIu64 ", expected %" PRIu64,
               st.failed_requests, failed);
  cr_assert_leq(st.bytes_committed, st.bytes_reserved);
  /* What was consumed (cb + padding) was committed: blocks are usable. */
  cr_assert_leq(st.bytes_requested + st.padding_bytes, st.bytes_committed,
                "requested %" PRIu64 " + padding %" PRIu64 " > committed %" PRIu64,
                st.bytes_requested, st.padding_bytes, st.bytes_committed);
  check_ranges rs = {0};
  check_heap_reserved(heap, &rs);
  uint64_t total = 0;
  for (size_t i = 0; i < rs.n; i++)
    total += rs.v[i].hi - rs.v[i].lo;
  cr_assert_eq(total, st.bytes_reserved,
               "walk_reserved covers %" PRIu64 " bytes, stats say %" PRIu64, total,
               st.bytes_reserved);
  if (rs.n == 0) {
    cr_assert_eq(st.chunks, 0u);
    cr_assert_eq(st.lowest, 0u);
    cr_assert_eq(st.highest, 0u);
  } else {
    cr_assert_geq(st.chunks, 1u);
    /* Chunks may touch each other, so merged ranges can be fewer than chunks. */
    cr_assert_leq((uint64_t)rs.n, st.chunks);
    cr_assert_eq(st.lowest, rs.v[0].lo);
    cr_assert_eq(st.highest, rs.v[rs.n - 1].hi);
  }
  check_ranges_free(&rs);
}

/* ---- The simulated space ------------------------------------------------ */
typedef struct check_sim_map {
  check_ranges kind[4];  /* indexed by ilheap_sim_kind, each normalized */
  uintptr_t first, last; /* what the walk covered */
  int ascending_ok;
} check_sim_map;

static inline int check_sim_visit(void *arg, uintptr_t lo, uintptr_t hi, ilheap_sim_kind kind) {
  check_sim_map *m = arg;
  if (m->last != 0 && lo != m->last)
    m->ascending_ok = 0;
  if (m->first == 0)
    m->first = lo;
  if (hi <= lo || (unsigned)kind > ILHEAP_SIM_COMMITTED)
    m->ascending_ok = 0;
  else
    check_ranges_push(&m->kind[kind], lo, hi);
  m->last = hi;
  return 0;
}

/* Walks the simulation and asserts the walk covers [base, base + size) exactly,
 * in ascending order, without gaps. */
static inline void check_sim_read(const ilheap_sim *sim, check_sim_map *m) {
  memset(m, 0, sizeof *m);
  m->ascending_ok = 1;
  cr_assert_eq(ilheap_sim_walk(sim, check_sim_visit, m), ILHEAP_OK);
  cr_assert(m->ascending_ok, "ilheap_sim_walk: ranges not contiguous and ascending");
  cr_assert_eq(m->first, ilheap_sim_base(sim), "walk does not start at the base");
  cr_assert_eq(m->last, ilheap_sim_base(sim) + ilheap_sim_size(sim), "walk does not reach the end");
  for (int k = 0; k < 4; k++)
    check_ranges_normalize(&m->kind[k]);
}

static inline void check_sim_free_map(check_sim_map *m) {
  for (int k = 0; k < 4; k++)
    check_ranges_free(&m->kind[k]);
}

static inline uint64_t check_ranges_bytes(const check_ranges *rs) {
  uint64_t t = 0;
  for (size_t i = 0; i < rs->n; i++)
    t += rs->v[i].hi - rs->v[i].lo;
  return t;
}

static inline ilheap_sim_stats check_sim_stats(const ilheap_sim *sim) {
  ilheap_sim_stats st;
  memset(&st, 0xA5, sizeof st);
  cr_assert_eq(ilheap_sim_get_stats(sim, &st), ILHEAP_OK);
  return st;
}

static inline ilheap_sim *check_sim_create(size_t size, size_t page) {
  ilheap_sim *sim = NULL;
  int rc = ilheap_sim_create(size, page, &sim);
  cr_assert_eq(rc, ILHEAP_OK, "ilheap_sim_create: %s", ilheap_strerror(rc));
  cr_assert_not_null(sim);
  return sim;
}

/* Options for a heap on `prov` with the given window and alignment. */
static inline ilheap_options check_opts(const ilheap_provider *prov, uint32_t max_offset,
                                        uint32_t alignment) {
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = prov;
  o.max_offset = max_offset;
  o.alignment = alignment;
  return o;
}

/* ---- Driving a heap ----------------------------------------------------- */
typedef struct check_tally {
  uint64_t blocks, requested, failed; /* what the stats must say */
} check_tally;

/* One ilheap_alloc, checked: a block is checked fresh (clauses 1, 2, 4),
 * filled and recorded; NULL is counted as a failure when cb > 0. */
static inline void *check_alloc(ilheap *heap, uint32_t cb, uint32_t idx, check_blocks *bs,
                                check_tally *t) {
  void *p = ilheap_alloc(heap, cb);
  if (p == NULL) {
    if (cb > 0)
      t->failed++;
    return NULL;
  }
  cr_assert_neq(cb, 0u, "contract 5: cb == 0 gave a block");
  check_fresh_block(heap, p, cb);
  check_blocks_push(bs, p, cb, idx);
  t->blocks++;
  t->requested += cb;
  return p;
}

/* Up to n IL-sized allocations; returns how many succeeded. */
static inline size_t check_alloc_il(ilheap *heap, size_t n, uint64_t seed, uint32_t idx,
                                    check_blocks *bs, check_tally *t) {
  size_t ok = 0;
  for (size_t i = 0; i < n; i++)
    ok += check_alloc(heap, check_il_size(&seed), idx, bs, t) != NULL;
  return ok;
}

/* ---- The real process --------------------------------------------------- */
typedef struct check_module {
  uintptr_t base; /* where it is mapped: Linux dlpi_addr + the lowest PT_LOAD p_vaddr,
                     Windows its HMODULE */
  char name[256];
} check_module;

typedef struct check_modules {
  check_module v[128];
  size_t n;
} check_modules;

#ifdef _WIN32
#include "snapshot_win.h"
#else
#include <link.h>

static inline int check_module_visit(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  check_modules *ms = arg;
  uintptr_t lowest = UINTPTR_MAX;
  for (size_t i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_LOAD && info->dlpi_phdr[i].p_vaddr < lowest)
      lowest = info->dlpi_phdr[i].p_vaddr;
  if (lowest == UINTPTR_MAX || ms->n == sizeof ms->v / sizeof ms->v[0])
    return 0;
  check_module *m = &ms->v[ms->n++];
  m->base = info->dlpi_addr + lowest;
  snprintf(m->name, sizeof m->name, "%s", info->dlpi_name[0] ? info->dlpi_name : "(main program)");
  return 0;
}

/* Every module loaded in the process, in dl_iterate_phdr order (the main
 * program first). */
static inline void check_loaded_modules(check_modules *ms) {
  ms->n = 0;
  dl_iterate_phdr(check_module_visit, ms);
  cr_assert_gt(ms->n, 0u, "dl_iterate_phdr found no module");
}

#endif

/* A module every process has, with room above it for heaps: Linux's libc,
 * mapped high; on Windows the program itself (32-bit Wine puts kernel32 and
 * ntdll right under the top of user space, with no room above them). */
#ifdef _WIN32
#define CHECK_ROOMY_MODULE ".exe"
#else
#define CHECK_ROOMY_MODULE "libc.so"
#endif

static inline const check_module *check_find_module(const check_modules *ms, const char *part) {
  for (size_t i = 0; i < ms->n; i++)
    if (strstr(ms->v[i].name, part))
      return &ms->v[i];
  return NULL;
}

/* Clause 7 against the process map. `before` was read before the heaps were
 * created, `after` after they were destroyed, `reserved` is what the heaps
 * reported reserved just before destroy, `zones` where they could act (their
 * windows and reservations).
 *
 * Criterion runs each test in a child process that has a second thread of its
 * own (its IPC), and the C library may map memory for its own reasons (stdio,
 * malloc: the brk heap grows when the test reads the map). So: (a) no byte the
 * heaps reserved is still mapped; (b) inside the zones, minus the brk heap
 * (which the provider keeps clear of, see src/os_linux.c), the map is
 * identical; (c) outside them differences are logged, since the library cannot
 * have made them without breaking (a) or clause 1. */
static inline void check_maps_restored(const check_ranges *before, const check_ranges *after,
                                       const check_ranges *reserved, const check_ranges *zones) {
  for (size_t i = 0; i < reserved->n; i++) {
    size_t j = check_ranges_hit(after, reserved->v[i].lo, reserved->v[i].hi);
    cr_assert_eq(j, (size_t)-1,
                 "contract 7: [%#" PRIxPTR ", %#" PRIxPTR
                 ") still mapped after destroy (map has [%#" PRIxPTR ", %#" PRIxPTR "))",
                 reserved->v[i].lo, reserved->v[i].hi, j == (size_t)-1 ? 0 : after->v[j].lo,
                 j == (size_t)-1 ? 0 : after->v[j].hi);
  }
  /* The brk heap as it was before and after: excluded from the zones. */
  uintptr_t blo = before->brk.lo,
            bhi = before->brk.hi > after->brk.hi ? before->brk.hi : after->brk.hi;
  if (before->brk.lo == 0 || (after->brk.lo != 0 && after->brk.lo < blo))
    blo = after->brk.lo;
  check_ranges cut = {0};
  for (size_t z = 0; z < zones->n; z++) {
    uintptr_t lo = zones->v[z].lo, hi = zones->v[z].hi;
    if (blo < bhi && blo < hi && bhi > lo) {
      if (lo < blo)
        check_ranges_push(&cut, lo, blo);
      if (bhi < hi)
        check_ranges_push(&cut, bhi, hi);
    } else {
      check_ranges_push(&cut, lo, hi);
    }
  }
  check_ranges zb = {0}, za = {0};
  for (size_t z = 0; z < cut.n; z++) {
    check_ranges_clip(before, cut.v[z].lo, cut.v[z].hi, &zb);
    check_ranges_clip(after, cut.v[z].lo, cut.v[z].hi, &za);
  }
  check_ranges_free(&cut);
  check_ranges_normalize(&zb);
  check_ranges_normalize(&za);
  if (zb.n != za.n || (zb.n && memcmp(zb.v, za.v, zb.n * sizeof zb.v[0]) != 0)) {
    check_ranges_log_diff("before", &zb, &za, 1);
    check_ranges_log_diff("after", &za, &zb, 1);
    cr_assert_fail("contract 7: the process map inside the heaps' windows changed "
                   "(%zu ranges before, %zu after)",
                   zb.n, za.n);
  }
  if (before->n != after->n ||
      (before->n && memcmp(before->v, after->v, before->n * sizeof before->v[0]) != 0)) {
    cr_log_info("outside the heaps' windows the map changed (not the library's doing):");
    check_ranges_log_diff("before", before, after, 0);
    check_ranges_log_diff("after", after, before, 0);
  }
  check_ranges_free(&zb);
  check_ranges_free(&za);
}

/* Clause 3 against the process: what the heap reserved was free before
 * (`before`), is mapped now (`now`), and every block lies inside it. */
static inline void check_reserved_vs_maps(const ilheap *heap, const check_blocks *bs,
                                          const check_ranges *before, const check_ranges *now,
                                          check_ranges *all_reserved) {
  check_ranges r = {0};
  check_heap_reserved(heap, &r);
  for (size_t i = 0; i < r.n; i++) {
    size_t j = check_ranges_hit(before, r.v[i].lo, r.v[i].hi);
    cr_assert_eq(j, (size_t)-1,
                 "contract 3: reserved [%#" PRIxPTR ", %#" PRIxPTR ") over a mapping that existed "
                 "before [%#" PRIxPTR ", %#" PRIxPTR ")",
                 r.v[i].lo, r.v[i].hi, j == (size_t)-1 ? 0 : before->v[j].lo,
                 j == (size_t)-1 ? 0 : before->v[j].hi);
    j = check_ranges_hit(now, r.v[i].lo, r.v[i].hi);
    cr_assert(j != (size_t)-1 && now->v[j].lo <= r.v[i].lo && r.v[i].hi <= now->v[j].hi,
              "reserved [%#" PRIxPTR ", %#" PRIxPTR ") is not mapped", r.v[i].lo, r.v[i].hi);
  }
  if (bs)
    check_blocks_inside(bs, &r);
  if (all_reserved)
    for (size_t i = 0; i < r.n; i++)
      check_ranges_push(all_reserved, r.v[i].lo, r.v[i].hi);
  check_ranges_free(&r);
}

/* The zone a heap could act in: its window, plus a margin above it for a guard
 * page or a page-rounded chunk end, clamped at the top of the address space. */
static inline void check_zone_push(check_ranges *zones, const ilheap *heap) {
  uintptr_t b = ilheap_module_base(heap);
  uintptr_t m = (uintptr_t)ilheap_max_offset(heap) + ((uintptr_t)1 << 20);
  check_ranges_push(zones, b, b > UINTPTR_MAX - m ? UINTPTR_MAX : b + m);
}

#endif
