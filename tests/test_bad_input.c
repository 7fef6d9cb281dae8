/* SPDX-License-Identifier: MIT */
/*
 * Contract 9 (include/ilheap.h): no undefined behaviour for any argument, and
 * the documented answer for every bad one. Module bases near 0 and near the top
 * of the address space, windows past the top, cb near UINT32_MAX, every invalid
 * option, NULL everywhere, and ilheap_strerror of every code.
 *
 * The arithmetic near the top of the address space cannot be exercised with
 * real memory, so a recording provider stands in: it says everything is free,
 * checks and records every reserve/commit/release the core asks for, and never
 * touches memory. (Build with -fsanitize=undefined to catch any overflow.)
 */
#include "check.h"

#include <limits.h>

#define MiB ((size_t)1 << 20)
#define KiB ((size_t)1 << 10)
#define PAGE ((size_t)4096)

/* ---- a provider that records and checks what the core asks for ---------- */
typedef struct recorder {
  ilheap_provider prov;
  uintptr_t wlo, whi; /* the window the calls must stay in: [B + 1, B + M] */
  int commit_ok;      /* 0: commit refuses (nothing is ever handed out) */
  uint64_t reserved;  /* bytes reserved and not released */
  uint64_t reserves, commits, releases;
  uint64_t bad; /* calls outside the window, unaligned, empty or wrapping */
  uintptr_t last_bad_addr;
  size_t last_bad_len;
} recorder;

static void rec_check(recorder *r, uintptr_t addr, size_t len) {
  /* whi == 0 stands for "the window reaches the top of the address space". */
  if (len == 0 || (addr & (PAGE - 1)) != 0 || (len & (PAGE - 1)) != 0 || addr > UINTPTR_MAX - len ||
      addr < r->wlo || (r->whi != 0 && addr + len > r->whi)) {
    r->bad++;
    r->last_bad_addr = addr;
    r->last_bad_len = len;
  }
}

static int rec_walk(void *ctx, uintptr_t lo, uintptr_t hi, ilheap_range_visitor visit, void *arg) {
  recorder *r = ctx;
  if (lo >= hi) {
    r->bad++;
    return ILHEAP_OK;
  }
  visit(arg, lo, hi); /* everything is free */
  return ILHEAP_OK;
}

static int rec_reserve(void *ctx, uintptr_t addr, size_t len) {
  recorder *r = ctx;
  rec_check(r, addr, len);
  r->reserves++;
  r->reserved += len;
  return ILHEAP_OK;
}

static int rec_commit(void *ctx, uintptr_t addr, size_t len) {
  recorder *r = ctx;
  rec_check(r, addr, len);
  r->commits++;
  return r->commit_ok ? ILHEAP_OK : ILHEAP_ENOMEM;
}

static int rec_release(void *ctx, uintptr_t addr, size_t len) {
  recorder *r = ctx;
  rec_check(r, addr, len);
  r->releases++;
  r->reserved -= len;
  return ILHEAP_OK;
}

/* The window for base b and max_offset m: [b + 1, b + m), whi == 0 when
 * b + m passes the top of the address space. */
static void rec_init(recorder *r, uintptr_t b, uint32_t m) {
  memset(r, 0, sizeof *r);
  r->prov.size = sizeof r->prov;
  r->prov.page_size = PAGE;
  r->prov.ctx = r;
  r->prov.walk_free = rec_walk;
  r->prov.reserve = rec_reserve;
  r->prov.commit = rec_commit;
  r->prov.release = rec_release;
  r->wlo = b == UINTPTR_MAX ? UINTPTR_MAX : b + 1;
  r->whi = b > UINTPTR_MAX - m ? 0 : b + m;
  /* Under ASan the core poisons and unpoisons what is committed and handed
   * out: fake addresses must then never be committed. */
  r->commit_ok = !CHECK_ASAN;
}

/* Asks a heap on a recorder for blocks of each size; every answer is NULL or a
 * block inside the window (clause 1 computed without overflow, clause 2), and
 * every provider call stays inside the window. Returns the blocks handed out. */
static size_t top_case(uintptr_t b, uint32_t m, const uint32_t *sizes, size_t nsizes) {
  recorder r;
  rec_init(&r, b, m);
  ilheap_options o = check_opts(&r.prov, m, 8);
  ilheap *h = check_create((void *)b, &o);
  size_t got = 0;
  uint64_t nulls = 0, requested = 0;
  for (int round = 0; round < 3; round++) {
    for (size_t i = 0; i < nsizes; i++) {
      void *p = ilheap_alloc(h, sizes[i]);
      if (p == NULL) {
        nulls += sizes[i] != 0;
        continue;
      }
      check_block_window(h, p, sizes[i]); /* arithmetic only: never dereferenced */
      got++;
      requested += sizes[i];
    }
  }
  cr_assert_eq(r.bad, 0u, "base %#" PRIxPTR " window %#x: provider asked for [%#" PRIxPTR " + %zu)",
               b, m, r.last_bad_addr, r.last_bad_len);
  ilheap_stats st = check_stats(h);
  cr_assert_eq(st.blocks, got);
  cr_assert_eq(st.bytes_requested, requested);
  cr_assert_eq(st.failed_requests, nulls);
  cr_assert_eq(st.bytes_reserved, r.reserved, "heap and provider disagree on what is reserved");
  ilheap_destroy(h);
  cr_assert_eq(r.reserved, 0u, "contract 7: %" PRIu64 " bytes not released", r.reserved);
  cr_assert_eq(r.bad, 0u, "release outside the window");
  return got;
}

static const uint32_t mixed[] = {1,
                                 7,
                                 8,
                                 100,
                                 4095,
                                 4096,
                                 4097,
                                 65536,
                                 0,
                                 0x7FFFFFFEu,
                                 0x7FFFFFFFu,
                                 0x80000000u,
                                 UINT32_MAX - 4096,
                                 UINT32_MAX - 1,
                                 UINT32_MAX};

/* module_base near the top: the window runs past the end of the address space. */
Test(bad_input, c9_base_near_top_window_past_the_end) {
  static const uintptr_t bases[] = {UINTPTR_MAX,
                                    UINTPTR_MAX - 1,
                                    UINTPTR_MAX - 5,
                                    UINTPTR_MAX - PAGE,
                                    UINTPTR_MAX - 3 * PAGE - 100,
                                    UINTPTR_MAX - 64 * KiB + 1,
                                    UINTPTR_MAX - (uintptr_t)0x7FFFFFFF,
                                    UINTPTR_MAX - (uintptr_t)0xFFFFFFFF,
                                    UINTPTR_MAX - (uintptr_t)0x7FFFFFFF - 12345};
  static const uint32_t windows[] = {1, 2, 4096, 65536, ILHEAP_DEFAULT_MAX_OFFSET, 0xFFFFFFFFu};
  for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++)
      top_case(bases[i], windows[w], mixed, sizeof mixed / sizeof mixed[0]);
}

/* The whole top page range is usable when the window allows: blocks near the
 * last page are handed out (non-ASan builds, where commit can succeed) and never
 * wrap. */
Test(bad_input, c9_blocks_near_the_top_do_not_wrap) {
  if (CHECK_ASAN)
    cr_skip_test("under ASan the core poisons committed memory: fake top addresses cannot be "
                 "committed");
  static const uint32_t small[] = {1, 8, 24, 4000, 9000};
  size_t got = top_case(UINTPTR_MAX - 64 * MiB, 0xFFFFFFFFu, small, 5);
  cr_assert_eq(got, 15u, "the window below the top had room for every request");
}

/* module_base NULL and 1: the window is [1, M) or [2, M + 1). On the recorder
 * the arithmetic is checked; on the OS provider, real blocks are. */
Test(bad_input, c9_base_null_and_one) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind holds low ranges the map shows as free");
  static const uint32_t windows[] = {1,          2, 4096, 4097, 65536, ILHEAP_DEFAULT_MAX_OFFSET,
                                     0xFFFFFFFFu};
  for (uintptr_t b = 0; b < 2; b++)
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++)
      top_case(b, windows[w], mixed, sizeof mixed / sizeof mixed[0]);
  for (uintptr_t b = 0; b < 2; b++) {
    ilheap *h = check_create((void *)b, NULL);
    check_blocks bs = {0};
    check_tally t = {0};
    for (int i = 0; i < 100; i++)
      check_alloc(h, 1 + (uint32_t)i * 37, 0, &bs, &t);
    cr_assert_eq(t.failed, 0u, "low memory is free on Linux x86-64 (the program is at 0x55...)");
    check_blocks_disjoint(&bs);
    check_stats_consistent(h, t.blocks, t.requested, t.failed);
    ilheap_destroy(h);
    check_blocks_free(&bs);
  }
}

/* cb near UINT32_MAX, cb == max_offset, cb == max_offset - 1: never a block
 * that ends past the window; the heap stays usable; handed-out blocks intact. */
Test(bad_input, c9_huge_cb) {
  ilheap_sim *sim = check_sim_create(16 * MiB, 0);
  uintptr_t base = ilheap_sim_base(sim) + MiB;
  /* The smallest: 16 pages (64 KiB on x86). */
  const uint32_t windows[] = {(uint32_t)(16 * ilheap_sim_page_size(sim)), 1024 * 1024,
                              ILHEAP_DEFAULT_MAX_OFFSET, 0xFFFFFFFFu};
  for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
    uint32_t m = windows[w];
    ilheap_options o = check_opts(ilheap_sim_provider(sim), m, 8);
    ilheap *h = check_create((void *)base, &o);
    check_blocks bs = {0};
    check_tally t = {0};
    cr_assert_not_null(check_alloc(h, 500, 0, &bs, &t));
    const uint32_t huge[] = {
        UINT32_MAX, UINT32_MAX - 1, UINT32_MAX - 7, UINT32_MAX - 8, UINT32_MAX - 4096, 0x80000000u,
        m,          m - 1,          m - 8,          m - 4096,       m - 4097};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
      void *p = ilheap_alloc(h, huge[i]);
      /* The simulated space is 16 MiB: nothing bigger fits. */
      if (huge[i] >= 16 * MiB || huge[i] >= m) {
        cr_assert_null(p, "cb %#x in a window of %#x: a block", huge[i], m);
      }
      if (p == NULL) {
        t.failed++;
      } else {
        check_fresh_block(h, p, huge[i]);
        check_blocks_push(&bs, p, huge[i], 0);
        t.blocks++;
        t.requested += huge[i];
      }
    }
    cr_assert_not_null(check_alloc(h, 500, 0, &bs, &t), "contract 6: the heap no longer works");
    check_blocks_verify(&bs);
    check_blocks_disjoint(&bs);
    check_stats_consistent(h, t.blocks, t.requested, t.failed);
    ilheap_destroy(h);
    check_blocks_free(&bs);
  }
  cr_assert_eq(check_sim_stats(sim).reserved_bytes, 0u);
  ilheap_sim_destroy(sim);
}

/* cb near UINT32_MAX with a 4 GiB window on the recorder: the 64-bit
 * consumption arithmetic for a block as large as the window allows. */
Test(bad_input, c9_huge_cb_arithmetic) {
  const uint32_t sizes[] = {UINT32_MAX, UINT32_MAX - 4096 * 2, 0xF0000000u, 0x7FFFFFFFu, 1};
  /* A base in the middle of the address space, and one whose window passes the
   * top (in a 32-bit process every 4 GiB window does). */
  const int wide = UINTPTR_MAX > 0xFFFFFFFFu;
  top_case((uintptr_t)1 << (wide ? 44 : 30), 0xFFFFFFFFu, sizes, 5);
  top_case(UINTPTR_MAX - ((uintptr_t)1 << (wide ? 33 : 29)), 0xFFFFFFFFu, sizes, 5);
}

static int create_rc(const ilheap_options *o) {
  ilheap *h = (ilheap *)(uintptr_t)0x1; /* must become NULL on error */
  int rc = ilheap_create((void *)0x10000, o, &h);
  if (rc != ILHEAP_OK)
    cr_assert_null(h, "rc %d: *out not set to NULL", rc);
  else
    ilheap_destroy(h);
  return rc;
}

Test(bad_input, invalid_alignment) {
  static const uint32_t bad[] = {0,   1,    2,    3,    5,     6,           12,
                                 100, 4097, 6144, 8192, 65536, 0x80000000u, UINT32_MAX};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ilheap_options o = check_opts(NULL, ILHEAP_DEFAULT_MAX_OFFSET, bad[i]);
    cr_assert_eq(create_rc(&o), ILHEAP_EINVAL, "alignment %u accepted", bad[i]);
  }
  for (uint32_t a = 4; a <= 4096; a *= 2) {
    ilheap_options o = check_opts(NULL, ILHEAP_DEFAULT_MAX_OFFSET, a);
    cr_assert_eq(create_rc(&o), ILHEAP_OK, "alignment %u refused", a);
  }
}

Test(bad_input, invalid_max_offset_and_sizes) {
  ilheap_options o = check_opts(NULL, 0, 8);
  cr_assert_eq(create_rc(&o), ILHEAP_EINVAL, "max_offset 0 accepted");
  o = check_opts(NULL, 1, 8);
  cr_assert_eq(create_rc(&o), ILHEAP_OK, "max_offset 1 is valid (an empty window)");
  o = check_opts(NULL, 0xFFFFFFFFu, 8);
  cr_assert_eq(create_rc(&o), ILHEAP_OK);
  /* Version 1 ended with provider; window_policy came with version 2. */
  static const uint32_t small[] = {0, 1, 4, 8, 12, 16, offsetof(ilheap_options, window_policy) - 1};
  for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
    o = check_opts(NULL, ILHEAP_DEFAULT_MAX_OFFSET, 8);
    o.size = small[i];
    cr_assert_eq(create_rc(&o), ILHEAP_EVERSION, "options size %u accepted", small[i]);
  }
  /* A newer caller's bigger struct is accepted. */
  struct {
    ilheap_options o;
    unsigned char more[64];
  } big;
  memset(&big, 0, sizeof big);
  ilheap_options_init(&big.o);
  big.o.size = sizeof big;
  cr_assert_eq(create_rc(&big.o), ILHEAP_OK);
}

static int w_ok(void *c, uintptr_t lo, uintptr_t hi, ilheap_range_visitor v, void *a) {
  (void)c, (void)lo, (void)hi, (void)v, (void)a;
  return ILHEAP_OK;
}
static int op_ok(void *c, uintptr_t a, size_t l) {
  (void)c, (void)a, (void)l;
  return ILHEAP_OK;
}

Test(bad_input, invalid_provider) {
  ilheap_provider good;
  ilheap_provider_init(&good);
  good.page_size = 4096;
  good.walk_free = w_ok;
  good.reserve = good.commit = good.release = op_ok;
  cr_assert_eq(good.size, sizeof good);
  cr_assert(good.map == NULL && good.resident == NULL && good.decommit == NULL,
            "ilheap_provider_init leaves the optional functions absent");
  ilheap_provider_init(NULL); /* does nothing */
  ilheap_options o = check_opts(&good, ILHEAP_DEFAULT_MAX_OFFSET, 8);
  cr_assert_eq(create_rc(&o), ILHEAP_OK, "a well-formed provider refused");

  ilheap_provider p = good;
  p.walk_free = NULL;
  o.provider = &p;
  cr_assert_eq(create_rc(&o), ILHEAP_EINVAL, "walk_free NULL accepted");
  p = good;
  p.reserve = NULL;
  cr_assert_eq(create_rc(&o), ILHEAP_EINVAL, "reserve NULL accepted");
  p = good;
  p.commit = NULL;
  cr_assert_eq(create_rc(&o), ILHEAP_EINVAL, "commit NULL accepted");
  p = good;
  p.release = NULL;
  cr_assert_eq(create_rc(&o), ILHEAP_EINVAL, "release NULL accepted");
  static const size_t pages[] = {0, 1, 2048, 4095, 4097, 6144, 12288, (size_t)3 << 20};
  for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
    p = good;
    p.page_size = pages[i];
    cr_assert_eq(create_rc(&o), ILHEAP_EINVAL, "page_size %zu accepted", pages[i]);
  }
  static const size_t good_pages[] = {4096, 8192, 65536, (size_t)1 << 20};
  for (size_t i = 0; i < sizeof good_pages / sizeof good_pages[0]; i++) {
    p = good;
    p.page_size = good_pages[i];
    cr_assert_eq(create_rc(&o), ILHEAP_OK, "page_size %zu refused", good_pages[i]);
  }
  p = good;
  p.flags = 1;
  cr_assert_eq(create_rc(&o), ILHEAP_EINVAL, "provider flags must be 0");
  /* A provider struct from before the first version: refused. The header
   * documents EINVAL for a bad provider; the core answers EVERSION for a size
   * it does not know. Either is an error, and *out is NULL (create_rc). */
  p = good;
  p.size = 8;
  int rc = create_rc(&o);
  cr_assert(rc == ILHEAP_EINVAL || rc == ILHEAP_EVERSION, "provider size 8: rc %d", rc);
}

static int never_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  (void)lo, (void)hi;
  ++*(int *)arg;
  return 0;
}

/* NULL to every function: the documented answer, no crash. */
Test(bad_input, null_everywhere) {
  ilheap_options o;
  ilheap_options_init(NULL); /* does nothing */
  ilheap_options_init(&o);
  cr_assert_eq(o.size, sizeof o);
  cr_assert_eq(o.alignment, ILHEAP_DEFAULT_ALIGNMENT);
  cr_assert_eq(o.max_offset, ILHEAP_DEFAULT_MAX_OFFSET);
  cr_assert_eq(o.use_guard_pages, 1u);
  cr_assert_eq(o.budget, ILHEAP_UNLIMITED);
  cr_assert_null(o.provider);

  cr_assert_eq(ilheap_create((void *)0x10000, NULL, NULL), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_create((void *)0x10000, &o, NULL), ILHEAP_EINVAL);
  o.alignment = 3;
  cr_assert_eq(ilheap_create((void *)0x10000, &o, NULL), ILHEAP_EINVAL);

  cr_assert_null(ilheap_alloc(NULL, 0));
  cr_assert_null(ilheap_alloc(NULL, 16));
  cr_assert_null(ilheap_alloc(NULL, UINT32_MAX));
  ilheap_destroy(NULL);
  cr_assert_eq(ilheap_module_base(NULL), 0u);
  cr_assert_eq(ilheap_max_offset(NULL), 0u);
  cr_assert_eq(ilheap_alignment(NULL), 0u);
  ilheap_stats st;
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  cr_assert_eq(ilheap_get_stats(NULL, &st), ILHEAP_EINVAL);
  int visits = 0;
  cr_assert_eq(ilheap_walk_reserved(NULL, never_visit, &visits), ILHEAP_EINVAL);
  cr_assert_eq(visits, 0);

  ilheap *h = check_create((void *)0x10000, NULL);
  void *p = ilheap_alloc(h, 64);
  cr_assert_not_null(p);
  check_block_fill(p, 64);
  cr_assert_eq(ilheap_get_stats(h, NULL), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_walk_reserved(h, NULL, NULL), ILHEAP_EINVAL);
  cr_assert_eq(ilheap_walk_reserved(h, never_visit, &visits), ILHEAP_OK);
  cr_assert_gt(visits, 0, "a heap with a block reserved nothing?");
  /* Failed calls touch nothing handed out. */
  cr_assert_null(ilheap_alloc(h, UINT32_MAX));
  cr_assert_null(ilheap_alloc(h, 0));
  st.size = 3;
  cr_assert_eq(ilheap_get_stats(h, &st), ILHEAP_EVERSION);
  check_block_verify(p, 64);
  check_stats_consistent(h, 1, 64, 1);
  ilheap_destroy(h);
}

/* ilheap_strerror: every code of ILHEAP_ERROR_LIST has its own name, the one
 * the list gives; anything else is "unknown error"; never NULL. */
Test(bad_input, strerror_every_code) {
#define CODE(name, value, text) {ILHEAP_##name, #name, text},
  static const struct {
    int code;
    const char *name, *text;
  } codes[] = {ILHEAP_ERROR_LIST(CODE)};
#undef CODE
  const size_t n = sizeof codes / sizeof codes[0];
  cr_assert_geq(n, 9u, "the list lost codes");
  int lowest = 0;
  for (size_t i = 0; i < n; i++) {
    const char *s = ilheap_strerror(codes[i].code);
    cr_assert_not_null(s);
    cr_assert_str_eq(s, codes[i].text, "ILHEAP_%s", codes[i].name);
    cr_assert_str_neq(s, "unknown error", "ILHEAP_%s has no name", codes[i].name);
    for (size_t j = 0; j < i; j++) {
      cr_assert_str_neq(s, codes[j].text, "ILHEAP_%s and ILHEAP_%s share a name", codes[i].name,
                        codes[j].name);
      cr_assert_neq(codes[i].code, codes[j].code, "ILHEAP_%s and ILHEAP_%s share a value",
                    codes[i].name, codes[j].name);
    }
    /* Every code is negative but OK. */
    if (codes[i].code != ILHEAP_OK)
      cr_assert_lt(codes[i].code, 0, "ILHEAP_%s", codes[i].name);
    lowest = codes[i].code < lowest ? codes[i].code : lowest;
  }
  cr_assert_str_eq(ilheap_strerror(ILHEAP_EINVAL), "invalid argument");
  cr_assert_str_eq(ilheap_strerror(ILHEAP_ENOTFOUND), "module not found");
  const int unknown[] = {1, 2, lowest - 1, lowest - 2, 100, -1000, INT_MAX, INT_MIN};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    const char *s = ilheap_strerror(unknown[i]);
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "unknown error", "code %d: \"%s\"", unknown[i], s);
  }
}

/* ilheap_version: the linked library's version is the header's, and it orders
 * as major.minor.patch. */
Test(bad_input, version) {
  cr_assert_eq(ilheap_version(), (uint32_t)ILHEAP_VERSION, "library %#x, header %#x",
               (unsigned)ilheap_version(), (unsigned)ILHEAP_VERSION);
  cr_assert_eq(ilheap_version() >> 16, (uint32_t)ILHEAP_VERSION_MAJOR);
  cr_assert_eq((ilheap_version() >> 8) & 0xFFu, (uint32_t)ILHEAP_VERSION_MINOR);
  cr_assert_eq(ilheap_version() & 0xFFu, (uint32_t)ILHEAP_VERSION_PATCH);
  cr_assert_geq(ilheap_version(), 0x000200u, "0.2 introduced ilheap_version");
}

/* Guard pages off: the heap still respects every clause, and the budget
 * counts exactly the reserved pages. */
Test(bad_input, guard_pages_off) {
  ilheap_sim *sim = check_sim_create(8 * MiB, 0);
  size_t window = 16 * ilheap_sim_page_size(sim); /* 64 KiB on x86 */
  ilheap_options o = check_opts(ilheap_sim_provider(sim), (uint32_t)window, 8);
  o.use_guard_pages = 0;
  ilheap *h = check_create((void *)(ilheap_sim_base(sim) + MiB), &o);
  check_blocks bs = {0};
  check_tally t = {0};
  while (check_alloc(h, 64, 0, &bs, &t) != NULL)
    cr_assert_lt(bs.n, window / 64);
  cr_assert_gt(bs.n, window / 2 / 64, "a guard-free %zu KiB window held %zu blocks",
               window >> 10, bs.n);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  ilheap_sim_destroy(sim);
}

/* The real provider near and past the top of user space (x86-64: 47 bits):
 * a request either fails or gives a block inside the window that overlaps
 * nothing that was mapped; past the top, nothing can be mapped at all. */
Test(bad_input, c9_os_provider_top_of_user_space) {
  static const uintptr_t bases[] = {(uintptr_t)0x7FFFFFFFE000ull,
                                    (uintptr_t)0x7FFFFFFF0000ull - 12345,
                                    (uintptr_t)0x7FFF00000000ull,
                                    (uintptr_t)0x800000000000ull,
                                    (uintptr_t)0xFFFF800000000000ull,
                                    UINTPTR_MAX - 5,
                                    UINTPTR_MAX};
  for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
    sup_ranges before = {0};
    check_read_maps(&before);
    ilheap *h = check_create((void *)bases[i], NULL);
    check_blocks bs = {0};
    check_tally t = {0};
    for (int k = 0; k < 50; k++)
      check_alloc(h, 100 + (uint32_t)k * 97, 0, &bs, &t);
    check_alloc(h, UINT32_MAX, 0, &bs, &t);
    check_blocks_avoid(&bs, &before, "a mapping that existed before create");
    check_blocks_disjoint(&bs);
    check_stats_consistent(h, t.blocks, t.requested, t.failed);
#if defined(__x86_64__)
    const uintptr_t user_top = (uintptr_t)0x800000000000ull; /* 47-bit user space */
#else
    const uintptr_t user_top = UINTPTR_MAX; /* no fixed limit assumed elsewhere */
#endif
    if (bases[i] >= user_top)
      cr_assert_eq(bs.n, 0u, "a block above the top of user space (base %#" PRIxPTR ")", bases[i]);
    ilheap_destroy(h);
    sup_ranges_free(&before);
    check_blocks_free(&bs);
  }
}
