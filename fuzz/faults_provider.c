/* SPDX-License-Identifier: MIT */
/* fuzz_faults: the Linux provider called directly (fuzz/faults.h). */
#include "faults.h"

/* The Linux provider called directly, as the authority it is documented to be:
 * out of reach (ERANGE), into the brk zone (EBUSY), walks clipped to user
 * space and stopped early, and reserve/commit/release of a free range, all
 * under whatever faults are armed. */
static int stop_at_first(void *arg, uintptr_t lo, uintptr_t hi) {
  (void)lo;
  (void)hi;
  return ++*(unsigned *)arg >= 1;
}

static void stale_run(const ilheap_provider *p);
static void stack_zone_limits(const ilheap_provider *p);

void faults_op_provider(state *st, fuzz_input *in) {
  const ilheap_provider *p = ilheap_os_provider();
  (void)st;
  if (p == NULL)
    return;
  uintptr_t page = p->page_size, brk = (uintptr_t)sbrk(0);
  int err;
  switch (fuzz_pick(in, 4)) {
  case 0: /* out of reach: below the lowest address, past the top */
    err = p->reserve(p->ctx, ((uintptr_t)fuzz_range(in, 0, 15) << 12) & ~(page - 1), page);
    FUZZ_CHECK(err == ILHEAP_ERANGE, "reserve below 64 KiB answered %d", err);
    err = p->reserve(p->ctx, UINTPTR_MAX & ~(page - 1), page);
    FUZZ_CHECK(err == ILHEAP_ERANGE, "reserve of the last page answered %d", err);
    err = p->reserve(p->ctx, (uintptr_t)1 << 20, UINTPTR_MAX & ~(page - 1));
    FUZZ_CHECK(err == ILHEAP_ERANGE, "reserve of all of the address space answered %d", err);
    stack_zone_limits(p);
    break;
  case 1: /* inside the brk zone */
    err = p->reserve(p->ctx, ((brk + page - 1) & ~(page - 1)) + page * fuzz_range(in, 0, 255), page);
    FUZZ_CHECK(err == ILHEAP_EBUSY, "reserve inside the brk zone answered %d", err);
    err = p->reserve(p->ctx, (brk & ~(page - 1)) - page, 2 * page);
    FUZZ_CHECK(err == ILHEAP_EBUSY, "reserve from below into the brk zone answered %d", err);
    break;
  case 2: { /* walks: all of user space and beyond, stopped at the first gap */
    unsigned seen = 0;
    err = p->walk_free(p->ctx, 0, UINTPTR_MAX, stop_at_first, &seen);
    FUZZ_CHECK(faults_documented(err), "walk_free answered %d", err);
    FUZZ_CHECK(err != ILHEAP_OK || seen <= 1, "the walk went on after its visitor stopped it");
    stale_run(p);
    break;
  }
  default: { /* a free range below the program break's zone: reserve, commit, use, release */
    uintptr_t a = (brk & ~(page - 1)) - ((uintptr_t)4 << 30) - page * fuzz_range(in, 0, 255);
    err = p->reserve(p->ctx, a, 2 * page);
    FUZZ_CHECK(faults_documented(err), "reserve answered %d", err);
    if (err != ILHEAP_OK)
      break;
    FUZZ_CHECK(p->map(p->ctx, a, page, 4u) == ILHEAP_EINVAL, "map with an unknown bit of how");
    if (p->commit(p->ctx, a, page) == ILHEAP_OK) {
      FUZZ_OK(sup_check_zero((const void *)a, (uint32_t)page, why));
      *(volatile char *)a = 1;
      int r = p->resident(p->ctx, a);
      FUZZ_CHECK(r == 1, "a page just written: resident answered %d", r);
    }
    faults_disarm(); /* a failed release cannot be reported: nothing to learn from it */
    FUZZ_CHECK(p->release(p->ctx, a, 2 * page) == ILHEAP_OK, "release");
    int r = p->resident(p->ctx, a); /* no longer mapped: a caller's mistake */
    FUZZ_CHECK(r == 0 || (r < 0 && faults_documented(r)), "resident of a released page answered %d", r);
    break;
  }
  }
}

/* A run of adjacent mappings that a walk crosses (and, with PROCMAP_QUERY,
 * remembers: the provider's view), whose top page is then unmapped behind the
 * provider's back: the next walk must report that page free, since a walk
 * jumps a remembered run only after asking whether its last page is still
 * mapped. Holes on both sides keep the kernel from merging the run with a
 * neighbour. Faults disarmed: the view is the point. */
static void stale_run(const ilheap_provider *p) {
  size_t page = p->page_size, n = 6;
  char *m = mmap(NULL, (n + 2) * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED)
    return;
  FUZZ_CHECK(munmap(m, page) == 0 && munmap(m + (n + 1) * page, page) == 0, "munmap");
  for (size_t i = 2; i <= n; i += 2) /* alternate protections: n mappings */
    FUZZ_CHECK(mprotect(m + i * page, page, PROT_NONE) == 0, "mprotect");
  uintptr_t lo = (uintptr_t)m + page, hi = lo + n * page;
  faults_gaps g;
  memset(&g, 0, sizeof g);
  faults_disarm();
  int err = p->walk_free(p->ctx, lo, hi, faults_record_gap, &g);
  FUZZ_CHECK(err == ILHEAP_OK && g.n == 0, "a walk over %zu mappings: answer %d, %u gaps", n, err,
             g.n);
  FUZZ_CHECK(munmap((void *)(hi - page), page) == 0, "munmap");
  memset(&g, 0, sizeof g);
  err = p->walk_free(p->ctx, lo, hi, faults_record_gap, &g);
  FUZZ_CHECK(err == ILHEAP_OK && g.n == 1 && g.v[0][0] == hi - page && g.v[0][1] == hi,
             "the top of a run crossed before was unmapped: answer %d, %u gaps, the first "
             "[%#" PRIxPTR ", %#" PRIxPTR ")",
             err, g.n, g.n ? g.v[0][0] : 0, g.n ? g.v[0][1] : 0);
  FUZZ_CHECK(munmap((void *)lo, (n - 1) * page) == 0, "munmap");
}

/* proc(5): where the main stack starts (field 28 of /proc/self/stat), or 0. */
static uintptr_t main_stack_start(void) {
  char buf[1024];
  FILE *f = fopen("/proc/self/stat", "re");
  if (f == NULL)
    return 0;
  size_t got = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[got] = 0;
  char *q = strrchr(buf, ')');
  for (int field = 2; field < 28 && q != NULL; field++)
    q = strchr(q + 1, ' ');
  return q != NULL ? (uintptr_t)strtoull(q + 1, NULL, 10) : 0;
}

/* setrlimit(RLIMIT_STACK) that took: qemu-user answers 0 and keeps the old
 * limit (the stack is its own), so the limit is read back. */
static int set_stack_limit(const struct rlimit *rl) {
  struct rlimit now;
  return setrlimit(RLIMIT_STACK, rl) == 0 && getrlimit(RLIMIT_STACK, &now) == 0 &&
                 now.rlim_cur == rl->rlim_cur
             ? 0
             : -1;
}

/* The stack's zone follows RLIMIT_STACK, capped at 1 GiB: a page 512 MiB below
 * the stack, free in the map, is refused while the limit is unlimited or past
 * the cap, and reservable under the usual 8 MiB. The limit is restored. */
static void stack_zone_limits(const ilheap_provider *p) {
  struct rlimit old, rl;
  uintptr_t top = main_stack_start(), page = p->page_size;
  if (top < ((uintptr_t)3 << 30) || getrlimit(RLIMIT_STACK, &old) != 0 ||
      old.rlim_max != RLIM_INFINITY)
    return; /* a 32-bit layout, or a hard limit that forbids the experiment */
  uintptr_t a = ((top - ((uintptr_t)512 << 20)) & ~(page - 1));
  rl = old;
  rl.rlim_cur = (rlim_t)8 << 20;
  faults_disarm();
  if (set_stack_limit(&rl) != 0)
    return;
  int err = p->reserve(p->ctx, a, page);
  if (err == ILHEAP_OK) { /* free in the map: the zone alone decides below */
    FUZZ_CHECK(p->release(p->ctx, a, page) == ILHEAP_OK, "release");
    static const rlim_t limits[] = {RLIM_INFINITY, (rlim_t)2 << 30};
    for (unsigned i = 0; i < 2; i++) {
      rl.rlim_cur = limits[i];
      if (set_stack_limit(&rl) != 0)
        continue;
      err = p->reserve(p->ctx, a, page);
      if (err == ILHEAP_OK)
        (void)p->release(p->ctx, a, page);
      FUZZ_CHECK(err == ILHEAP_EBUSY,
                 "RLIMIT_STACK %s: a page 512 MiB below the stack was not refused (%d)",
                 i == 0 ? "unlimited" : "2 GiB", err);
    }
    /* 8 MiB again, but getrlimit fails: the zone is the cap (the safe side). */
    rl.rlim_cur = (rlim_t)8 << 20;
    if (setrlimit(RLIMIT_STACK, &rl) == 0) {
      ilheap__fault_os(1, EACCES); /* the first system call: getrlimit */
      err = p->reserve(p->ctx, a, page);
      faults_disarm();
      if (err == ILHEAP_OK)
        (void)p->release(p->ctx, a, page);
      FUZZ_CHECK(err == ILHEAP_EBUSY,
                 "RLIMIT_STACK unknown (getrlimit failed): a page 512 MiB below the stack was "
                 "not refused (%d)",
                 err);
    }
  }
  FUZZ_CHECK(setrlimit(RLIMIT_STACK, &old) == 0, "cannot restore RLIMIT_STACK");
}
