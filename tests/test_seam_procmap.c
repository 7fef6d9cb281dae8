/* SPDX-License-Identifier: MIT */
/*
 * The Linux provider's PROCMAP_QUERY is only a faster way to the answers of
 * /proc/self/maps: whatever errno the ioctl fails with (ENOSYS under qemu-user,
 * EPERM or ENOSYS from a seccomp filter, ENOTTY or EINVAL from kernels before
 * 6.11, anything else), the walk goes on through the text from where it stood,
 * every later walk reads the text, and the switch is counted once
 * (ilheap__procmap_fallbacks, src/os/os.h). Each errno is injected through the
 * failure-injection seam (src/seams.h) at the walk's first question and, where
 * this kernel answers the ioctl, in the middle of a walk; the gaps reported must
 * be exactly those of a known layout, and heaps must then place blocks.
 */
#include "check.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "os/os.h"
#include "seams.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* The layout: LAYOUT_PAGES pages from LAYOUT_AT, the even ones mapped (one
 * mapping each), the odd ones free. Far below any stack (no RLIMIT_STACK read:
 * the walk's first system call is its open, the second its first question) and
 * aligned for pages up to 64 KiB. */
#define LAYOUT_AT ((uintptr_t)0x20000000)
#define LAYOUT_PAGES 12u

typedef struct gaps {
  uintptr_t v[64][2];
  unsigned n;
} gaps;

static int record_gap(void *arg, uintptr_t lo, uintptr_t hi) {
  gaps *g = arg;
  cr_assert_lt(g->n, 64u, "more gaps than the layout has");
  g->v[g->n][0] = lo;
  g->v[g->n][1] = hi;
  g->n++;
  return 0;
}

static ptrdiff_t count_reads(char *buf, ptrdiff_t got, size_t cap, void *arg) {
  (void)buf;
  (void)cap;
  ++*(unsigned *)arg;
  return got;
}

static const ilheap_provider *os(void) {
  const ilheap_provider *p = ilheap_os_provider();
  cr_assert_not_null(p, "Linux has an OS provider");
  if (getenv("ILHEAP_PROCMAP") != NULL)
    cr_skip_test("ILHEAP_PROCMAP is set: the test starts from the ioctl");
  return p;
}

static void make_layout(size_t page) {
  for (unsigned i = 0; i < LAYOUT_PAGES; i += 2) {
    void *want = (void *)(LAYOUT_AT + i * page);
    void *m = mmap(want, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (m == MAP_FAILED || m != want)
      cr_skip_test("[%p, +%zu) is not free here: the layout cannot be made", want, page);
  }
}

/* A walk over the layout: exactly its odd pages are free. *reads: how many
 * reads of /proc/self/maps it made (0: the ioctl alone answered). */
static void walk_layout(const ilheap_provider *p, unsigned *reads, const char *what) {
  size_t page = p->page_size;
  gaps g = {0};
  *reads = 0;
  ilheap__set_read_filter(count_reads, reads);
  int err = p->walk_free(p->ctx, LAYOUT_AT, LAYOUT_AT + LAYOUT_PAGES * page, record_gap, &g);
  ilheap__set_read_filter(NULL, NULL);
  cr_assert_eq(err, ILHEAP_OK, "%s: the walk answered %d (%s)", what, err, ilheap_strerror(err));
  cr_assert_eq(g.n, LAYOUT_PAGES / 2, "%s: %u gaps, expected %u", what, g.n, LAYOUT_PAGES / 2);
  for (unsigned i = 0; i < g.n; i++) {
    uintptr_t lo = LAYOUT_AT + (2 * i + 1) * page;
    cr_assert(g.v[i][0] == lo && g.v[i][1] == lo + page,
              "%s: gap %u is [%#" PRIxPTR ", %#" PRIxPTR "), expected [%#" PRIxPTR ", %#" PRIxPTR
              ")",
              what, i, g.v[i][0], g.v[i][1], lo, lo + page);
  }
}

/* Does this kernel answer PROCMAP_QUERY? (qemu-user does not: ENOSYS.) The
 * provider starts over afterwards. */
static int kernel_answers_query(const ilheap_provider *p) {
  unsigned reads;
  ilheap__procmap_reset();
  walk_layout(p, &reads, "probe");
  int works = reads == 0;
  int why = 0;
  unsigned n = ilheap__procmap_fallbacks(&why);
  /* Either the ioctl answered and nothing was counted, or it failed by itself
   * and that was counted once, with its errno. */
  cr_assert_eq(n, works ? 0u : 1u, "%u fallbacks counted after one walk", n);
  cr_assert(works || why != 0, "a fallback with no errno recorded");
  if (!works)
    cr_log_info("PROCMAP_QUERY fails here by itself: %s", strerror(why));
  ilheap__procmap_reset();
  return works;
}

/* Blocks are placed by heaps over real modules, and avoid every mapping. */
static void heaps_place(const ilheap_provider *p) {
  check_modules ms;
  check_loaded_modules(&ms);
  const sup_module *libc = sup_module_find(ms.v, ms.n, "libc.so");
  cr_assert_not_null(libc);
  const uintptr_t bases[] = {libc->base, ms.v[0].base};
  for (unsigned b = 0; b < 2; b++) {
    sup_ranges before = {0};
    check_blocks bs = {0};
    check_tally t = {0};
    check_blocks_reserve(&bs, 3000);
    ilheap_options o = check_opts(p, ILHEAP_DEFAULT_MAX_OFFSET, 8);
    check_read_maps(&before);
    ilheap *h = check_create((void *)bases[b], &o);
    size_t ok = check_alloc_il(h, 3000, 40 + b, 0, &bs, &t);
    cr_assert_eq(ok, 3000u, "module %#" PRIxPTR ": %zu of 3000 requests failed", bases[b],
                 3000 - ok);
    check_blocks_avoid(&bs, &before, "a mapping that existed before create");
    check_blocks_verify(&bs);
    ilheap_destroy(h);
    sup_ranges_free(&before);
    check_blocks_free(&bs);
  }
}

/* After one failed question: counted once with its errno, and every later
 * walk reads the text. */
static void check_text_for_good(const ilheap_provider *p, int err) {
  int why = 0;
  unsigned reads;
  cr_assert_eq(ilheap__procmap_fallbacks(&why), 1u);
  cr_assert_eq(why, err, "the fallback recorded %s, not %s", strerror(why), strerror(err));
  cr_assert(ilheap__procmap_text(), "the provider still asks PROCMAP_QUERY");
  walk_layout(p, &reads, "the walk after the switch");
  cr_assert_gt(reads, 0u, "the walk after the switch did not read the text");
  heaps_place(p);
  cr_assert_eq(ilheap__procmap_fallbacks(&why), 1u, "counted again");
}

static void query_fails_with(int err) {
  const ilheap_provider *p = os();
  unsigned reads;
  char what[96];
  make_layout(p->page_size);
  int works = kernel_answers_query(p);

  /* The walk's first question fails (its first call is the open). */
  snprintf(what, sizeof what, "first question failed with %s", strerror(err));
  uint64_t fired = ilheap__faults_fired();
  ilheap__fault_os(2, err);
  walk_layout(p, &reads, what);
  ilheap__fault_os(0, 0);
  cr_assert_eq(ilheap__faults_fired(), fired + 1, "the fault was not delivered");
  cr_assert_gt(reads, 0u, "%s: the walk did not read the text", what);
  check_text_for_good(p, err);

  /* The ioctl worked for two questions, the third fails: the text goes on from
   * there, and takes over for good. Where the kernel has no ioctl the third call
   * is a read, not a question: nothing to inject. */
  if (!works)
    return;
  ilheap__procmap_reset();
  snprintf(what, sizeof what, "third question failed with %s", strerror(err));
  fired = ilheap__faults_fired();
  ilheap__fault_os(4, err);
  walk_layout(p, &reads, what);
  ilheap__fault_os(0, 0);
  cr_assert_eq(ilheap__faults_fired(), fired + 1, "the fault was not delivered");
  cr_assert_gt(reads, 0u, "%s: the walk did not read the text", what);
  check_text_for_good(p, err);
}

/* What kernels before 6.11 answer. */
Test(procmap_fallback, enotty) { query_fails_with(ENOTTY); }
Test(procmap_fallback, einval) { query_fails_with(EINVAL); }
/* qemu-user (every ioctl it does not know), seccomp filters. */
Test(procmap_fallback, enosys) { query_fails_with(ENOSYS); }
Test(procmap_fallback, eperm) { query_fails_with(EPERM); }
Test(procmap_fallback, eacces) { query_fails_with(EACCES); }
/* Errors no kernel gives here today. */
Test(procmap_fallback, efault) { query_fails_with(EFAULT); }
Test(procmap_fallback, eio) { query_fails_with(EIO); }
Test(procmap_fallback, enomem) { query_fails_with(ENOMEM); }
Test(procmap_fallback, eopnotsupp) { query_fails_with(EOPNOTSUPP); }
Test(procmap_fallback, ebadf) { query_fails_with(EBADF); }

/* EINTR is no failure: the question is asked again, and the ioctl stays. */
Test(procmap_fallback, eintr_retried) {
  const ilheap_provider *p = os();
  unsigned reads;
  make_layout(p->page_size);
  if (!kernel_answers_query(p))
    cr_skip_test("PROCMAP_QUERY fails here by itself: nothing to retry");
  ilheap__fault_os(2, EINTR);
  walk_layout(p, &reads, "first question interrupted");
  ilheap__fault_os(0, 0);
  cr_assert_eq(reads, 0u, "an interrupted question sent the walk to the text");
  cr_assert_eq(ilheap__procmap_fallbacks(NULL), 0u);
  cr_assert(!ilheap__procmap_text());
}
