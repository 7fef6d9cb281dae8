/* SPDX-License-Identifier: MIT */
/*
 * The Linux address-space provider.
 *
 * walk_free asks the kernel where the mappings are and reports the holes
 * between them, minus two zones that others grow into:
 *  - below the main stack: it grows down to RLIMIT_STACK (capped at
 *    STACK_ROOM_MAX when unlimited), plus the kernel's stack guard gap;
 *  - above the program break: the brk heap grows up (BRK_ROOM).
 * Thread stacks and everything else are ordinary mappings and are excluded as
 * such. The mappings come from the PROCMAP_QUERY ioctl on /proc/self/maps
 * (Linux 6.11+: "the mapping covering or next after this address", O(log n)
 * per question), or, where it fails (kernels before 6.11, qemu-user, seccomp
 * filters), from reading /proc/self/maps line by line. Both stop at the first
 * gap the core accepts, so a walk costs
 * what lies between the window's start and that gap, not the whole map; with
 * the ioctl, a run of adjacent mappings crossed once is remembered and crossed
 * in one question afterwards (the view, below).
 * The view can be stale the moment it is read: reserve is the authority.
 *
 * reserve refuses the growth zones (they are not free), then maps PROT_NONE
 * with MAP_FIXED_NOREPLACE, which fails with EEXIST
 * instead of replacing anything. Kernels before 4.17 ignore the flag and treat
 * the address as a hint, so the result is compared with the request, and a
 * mapping that landed elsewhere is undone: ILHEAP_EBUSY, and the core walks
 * again. Nothing here ever maps over a range it did not reserve itself.
 * commit is mprotect(PROT_READ | PROT_WRITE): anonymous pages read as zero.
 * release is munmap.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../invariant.h"
#include "../runs.h"
#include "../seams.h"
#include "ilheap.h"
#include "maps.h"
#include "os.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

#define LOWEST_ADDR ((uintptr_t)0x10000)     /* vm.mmap_min_addr's usual value */
#define STACK_GUARD_GAP ((uintptr_t)1 << 20) /* the kernel's default: 256 pages */
#define STACK_ROOM_MAX ((uintptr_t)1 << 30)  /* when RLIMIT_STACK is unlimited */
#define BRK_ROOM ((uintptr_t)64 << 20)
#define MAPS_BUF ((size_t)64 * 1024)

/* A system call through the failure-injection seam (src/seams.h): in checked
 * builds a test may make it fail with an errno of its choosing instead of
 * being made; elsewhere this is the call itself. */
#define SYS(fail_value, call) (os_fault() ? (fail_value) : (call))

static int os_fault(void) {
  int err = ILHEAP_OS_FAILS();
  if (err == 0)
    return 0;
  errno = err == ILHEAP__ELSEWHERE ? EINTR : err;
  return 1;
}

#if defined(__x86_64__) && UINTPTR_MAX > 0xFFFFFFFFu
#define USER_TOP ((uintptr_t)0x7FFFFFFFF000) /* 47-bit user space */
#elif defined(__aarch64__)
/* arm64 kernels give user space 36, 39, 42, 47, 48 or 52 bits, by page size
 * and configuration (39 is common with 4 KiB pages, 42 with 64 KiB): found once
 * by probing (user_top_arm64). */
#define USER_TOP user_top
#define USER_TOP_PROBED 1
#elif UINTPTR_MAX == 0xFFFFFFFFu
/* A 32-bit process: the kernel decides (0xFFFFE000 under an x86-64 kernel, 0xC0000000
 * or another split under a 32-bit one): found once by probing (user_top32). */
#define USER_TOP user_top
#define USER_TOP_PROBED 1
#else
#define USER_TOP UINTPTR_MAX /* unknown: mmap itself refuses what is out of reach */
#endif

/* The PROCMAP_QUERY ABI (include/uapi/linux/fs.h, Linux 6.11), declared here
 * because older kernel headers lack it. */
struct ilheap_procmap_query {
  uint64_t size, query_flags, query_addr;
  uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
  uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
  uint64_t vma_name_addr, build_id_addr;
};
#define ILHEAP_PROCMAP_QUERY _IOWR('f', 17, struct ilheap_procmap_query)
#define ILHEAP_PROCMAP_COVERING_OR_NEXT 0x10u

typedef struct zone {
  uintptr_t lo, hi;
} zone;

/* The two growth zones, sorted by lo; empty ones have lo == hi. */
typedef struct growth {
  zone z[2];
} growth;

/* Where the main stack starts (/proc/self/stat, field 28), read once. */
static uintptr_t stack_start;
static ilheap__once stack_once = ILHEAP__ONCE_INIT;

static void find_stack(void) {
  char buf[1024];
  FILE *f = fopen("/proc/self/stat", "re");
  size_t got;
  char *p;
  int field;
  if (f == NULL)
    return;
  got = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[got] = 0;
  p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
  if (p == NULL)
    return;
  for (field = 2; field < 28 && p != NULL; field++)
    p = strchr(p + 1, ' ');
  if (p != NULL)
    stack_start = (uintptr_t)strtoull(p + 1, NULL, 10);
}

#ifdef USER_TOP_PROBED
/* Is the page at addr inside user space? mmap answers ENOMEM for a fixed range
 * past the top, EEXIST for one that is taken (so, reachable): PAGE_IN. A kernel
 * that takes the address as a hint (before 4.17) maps elsewhere a page that is
 * taken or past the top, and so does qemu-user for one past the top:
 * PAGE_ELSEWHERE. What this maps it unmaps. */
enum { PAGE_IN, PAGE_OUT, PAGE_ELSEWHERE };

static int probe_page(uintptr_t addr, size_t page) {
  void *p = mmap((void *)addr, page, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED)
    return errno == ENOMEM ? PAGE_OUT : PAGE_IN;
  munmap(p, page);
  return (uintptr_t)p == addr ? PAGE_IN : PAGE_ELSEWHERE;
}

/* The end of user space: without it, the free range above the highest mapping
 * would reach past it, and a chunk placed at its top could never be reserved. */
static uintptr_t user_top;
static ilheap__once top_once = ILHEAP__ONCE_INIT;
#define PROBE_USER_TOP() ilheap__once_run(&top_once, find_user_top)

#if defined(__aarch64__)
/* user_top_arm64: user space ends at 2^bits for one of the sizes above; the
 * largest whose last page is in user space is it (past the top: out; the last
 * page itself is free, or the stack's). Only a page mapped exactly counts, so
 * that qemu-user (which maps a page past the top elsewhere) gets the top of its
 * host, 2^47. Nothing answering: 48 bits, the common size. */
static void find_user_top(void) {
  static const unsigned char bits[] = {52, 48, 47, 42, 39, 36};
  size_t page = ilheap__host_page(), i;
  user_top = (uintptr_t)1 << 48;
  for (i = 0; i < sizeof bits; i++)
    if (probe_page(((uintptr_t)1 << bits[i]) - page, page) == PAGE_IN) {
      user_top = (uintptr_t)1 << bits[i];
      break;
    }
}
#else
/* user_top32: reachability is monotone in the address, so a binary search over
 * pages from the stack (reachable) to 4 GiB (not) finds it in about 20 probes. */
static void find_user_top(void) {
  int local;
  uint64_t page = ilheap__host_page();
  uint64_t hi = UINT64_C(1) << 32, lo;
  /* From the main stack's start (the search stays above it and its growth
   * zone), or this thread's stack when that is unknown. */
  ilheap__once_run(&stack_once, find_stack);
  lo = (stack_start != 0 ? stack_start : (uintptr_t)&local) & ~(uintptr_t)(page - 1);
  while (hi - lo > page) {
    uint64_t mid = (lo + (hi - lo) / 2) & ~(page - 1);
    if (probe_page((uintptr_t)mid, (size_t)page) != PAGE_OUT) /* elsewhere: taken */
      lo = mid;
    else
      hi = mid;
  }
  /* hi is the first page out of reach (lo + page); all of 4 GiB reachable would
   * make it 2^32, which wraps: give up the last page then. */
  user_top = (uintptr_t)(hi < (UINT64_C(1) << 32) ? hi : lo);
}
#endif
#else
#define PROBE_USER_TOP() ((void)0)
#endif

/* The growth zones that may meet [lo, hi). The stack's room is at most
 * STACK_ROOM_MAX plus the guard gap, so far below the stack (where mmap puts
 * libraries and modules) RLIMIT_STACK need not be read: refills there make no
 * system call for it. */
static growth growth_zones(uintptr_t lo, uintptr_t hi) {
  growth g;
  struct rlimit rl;
  uintptr_t room = STACK_ROOM_MAX, brk;
  void *cur = sbrk(0); /* glibc's cached break: no system call once it is known */

  memset(&g, 0, sizeof g);
  ilheap__once_run(&stack_once, find_stack);
  if (stack_start != 0 && lo < stack_start &&
      (stack_start - STACK_GUARD_GAP <= STACK_ROOM_MAX ||
       hi > stack_start - STACK_GUARD_GAP - STACK_ROOM_MAX)) {
    if (SYS(-1, getrlimit(RLIMIT_STACK, &rl)) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < STACK_ROOM_MAX)
      room = (uintptr_t)rl.rlim_cur;
    room += STACK_GUARD_GAP;
    g.z[0].lo = stack_start > room ? stack_start - room : 0;
    g.z[0].hi = stack_start;
  }
  brk = cur == (void *)-1 ? 0 : (uintptr_t)cur;
  if (brk != 0) {
    g.z[1].lo = brk;
    g.z[1].hi = brk > UINTPTR_MAX - BRK_ROOM ? UINTPTR_MAX : brk + BRK_ROOM;
  }
  if (g.z[1].lo < g.z[0].lo) {
    zone t = g.z[0];
    g.z[0] = g.z[1];
    g.z[1] = t;
  }
  return g;
}

/* Visits [a, b) minus the growth zones; nonzero when the visitor stopped. */
static int emit(const growth *g, uintptr_t a, uintptr_t b, ilheap_range_visitor visit, void *arg) {
  int i;
  for (i = 0; i < 2 && a < b; i++) {
    const zone *z = &g->z[i];
    if (z->lo >= z->hi || z->hi <= a || z->lo >= b)
      continue;
    if (z->lo > a && visit(arg, a, z->lo) != 0)
      return 1;
    a = z->hi;
  }
  return a < b && visit(arg, a, b) != 0;
}

/* The walk over either source: the caller feeds mappings in ascending order. */
typedef struct walker {
  uintptr_t at, hi;
  const growth *g;
  ilheap_range_visitor visit;
  void *arg;
  int stopped;
} walker;

/* Feeds mapping [lo, hi); returns nonzero once the walk is over. */
static int feed(walker *w, uintptr_t lo, uintptr_t hi) {
  ILHEAP_ASSERT(lo <= hi);
  if (hi <= w->at)
    return 0;
  if (lo > w->at) {
    uintptr_t end = lo < w->hi ? lo : w->hi;
    if (emit(w->g, w->at, end, w->visit, w->arg) != 0) {
      w->stopped = 1;
      return 1;
    }
  }
  if (hi > w->at)
    w->at = hi;
  return w->at >= w->hi;
}

static void finish(walker *w) {
  if (!w->stopped && w->at < w->hi)
    (void)emit(w->g, w->at, w->hi, w->visit, w->arg);
}

/*
 * The view (src/runs.h): runs of mappings that ioctl walks have crossed, with
 * no hole between them large enough for a chunk, remembered process-wide so
 * that the next walk crosses a run in one question instead of one per
 * mapping. A placement in a crowd of mappings then costs what lies in the
 * usable gaps, not the number of mappings, whether the crowd is packed or
 * pierced every few pages by holes no chunk fits in.
 *
 * Small: a hole shorter than the smallest chunk the core starts, a first step
 * with its guard page (src/heap.c: 8 KiB and a page; 12 KiB with 4 KiB pages).
 * A walk reports such holes while it crosses a run mapping by mapping, and
 * leaves them out when it jumps the run: a visitor that looks for a chunk's
 * room would pass over them anyway (the core's, when a roomy gap lies further
 * on, decides exactly as if it had seen them).
 *
 * What stays exact: every gap a walk reports is read live from the kernel (a
 * walk jumps only from inside a run to its end, and asks the kernel about the
 * run's last page: if that is no longer mapped, the run is forgotten and the
 * walk goes on mapping by mapping). What may be stale: a hole that grew inside
 * a run since it was remembered (someone else unmapped something there) is not
 * seen by a jump, so a chunk may land higher than the lowest free room, until
 * the run is crossed again (after max(ILHEAP__RUNS_JUMPS, its mappings) jumps:
 * src/runs.h). Ranges this
 * provider releases are forgotten at once. A walk that used the view and found
 * nothing its visitor accepted forgets the whole view, so the core's second
 * look (src/heap.c) sees every hole, small ones included, before a window is
 * called full. The text path (kernels before 6.11) reads everything anyway and
 * keeps no view.
 */
#define VIEW_MIN_MAPPINGS 4u            /* shorter runs cost no more to walk than to look up */
#define FIRST_STEP ((uintptr_t)8 << 10) /* the core's smallest chunk, before its guard page */

static ilheap__runs view;

/* Holes shorter than this are small (see above). */
static uintptr_t small_hole(void) {
  uintptr_t page = (uintptr_t)ilheap__host_page();
  return ((FIRST_STEP + page - 1) & ~(page - 1)) + page;
}

/* One PROCMAP_QUERY: the mapping covering addr or the next one above.
 * 0, 1 when nothing is mapped there or above, -errno on failure. */
static int query(int fd, uintptr_t addr, struct ilheap_procmap_query *q) {
  for (;;) {
    memset(q, 0, sizeof *q);
    q->size = sizeof *q;
    q->query_flags = ILHEAP_PROCMAP_COVERING_OR_NEXT;
    q->query_addr = addr;
    if (SYS(-1, ioctl(fd, ILHEAP_PROCMAP_QUERY, q)) == 0)
      return 0;
    if (errno == ENOENT)
      return 1;
    if (errno != EINTR)
      return errno > 0 ? -errno : -EIO;
  }
}

/* Remembers the run a walk crossed, [lo, hi), if it is worth it: long enough,
 * or crossed partly by jumps (then what was crossed one by one extends a
 * remembered run). A run crossed by jumps only is remembered already. */
static void remember(int open, uintptr_t lo, uintptr_t hi, uint32_t new_maps, int jumps) {
  if (open && (new_maps >= VIEW_MIN_MAPPINGS || (new_maps > 0 && jumps)))
    ilheap__runs_add(&view, lo, hi, new_maps);
}

/* PROCMAP_QUERY: 0, ILHEAP_E*, or 1 when a question failed (*why: its errno).
 * Crossing a remembered run costs one question; runs crossed mapping by mapping
 * are remembered (see the view, above). */
static int walk_query(int fd, walker *w, int *jumped, int *why) {
  struct ilheap_procmap_query q;
  uintptr_t run_lo = 0, run_hi = 0; /* the run being crossed */
  uintptr_t small = small_hole();
  uint32_t run_new = 0; /* its mappings crossed one by one (the view knows the rest) */
  int run_open = 0, run_jumps = 0, r = 0, err = ILHEAP_OK;
  for (;;) {
    uintptr_t end = ilheap__runs_jump(&view, w->at, NULL);
    if (end > w->at) {
      /* Inside a remembered run: is its last page still mapped? */
      if ((r = query(fd, end - 1, &q)) < 0)
        break;
      if (r == 0 && q.vma_start < end && q.vma_end > end - 1 && q.vma_end <= UINTPTR_MAX) {
        *jumped = 1;
        if (!run_open || run_hi != w->at) {
          remember(run_open, run_lo, run_hi, run_new, run_jumps);
          run_lo = w->at;
          run_new = 0;
          run_open = 1;
        }
        run_jumps = 1;
        run_hi = (uintptr_t)q.vma_end;
        if (feed(w, w->at, run_hi) != 0)
          break;
        continue;
      }
      ilheap__runs_forget(&view, w->at, end); /* its top is gone: ask mapping by mapping */
    }
    if ((r = query(fd, w->at, &q)) != 0) {
      if (r == 1)
        finish(w); /* nothing mapped at or above */
      break;
    }
    if (q.vma_end <= q.vma_start || q.vma_end > UINTPTR_MAX) {
      err = ILHEAP_EPROVIDER;
      break;
    }
    if (q.vma_start >= w->hi) {
      feed(w, w->hi, w->hi);
      finish(w);
      break;
    }
    /* The run goes on across a small hole (none between adjacent mappings). */
    if (!run_open || (uintptr_t)q.vma_start - run_hi >= small) {
      remember(run_open, run_lo, run_hi, run_new, run_jumps);
      run_lo = (uintptr_t)q.vma_start;
      run_new = 0;
      run_jumps = 0;
      run_open = 1;
    }
    run_new++;
    run_hi = (uintptr_t)q.vma_end;
    if (feed(w, (uintptr_t)q.vma_start, (uintptr_t)q.vma_end) != 0)
      break;
  }
  remember(run_open, run_lo, run_hi, run_new, run_jumps);
  if (r < 0) {
    *why = -r;
    return 1;
  }
  return err;
}

/* The parser's visitor (src/os/maps.h): nonzero once the walk is over. */
static int feed_line(void *arg, uintptr_t lo, uintptr_t hi) { return feed(arg, lo, hi); }

/* /proc/self/maps, read line by line until the walk is over. */
static int walk_maps(int fd, walker *w) {
  char *buf = ILHEAP_MALLOC(MAPS_BUF);
  size_t have = 0, used;
  int err = ILHEAP_OK, r;

  if (buf == NULL)
    return ILHEAP_ENOMEM;
  for (;;) {
    ssize_t got = SYS(-1, read(fd, buf + have, MAPS_BUF - have));
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      err = ILHEAP_EPROVIDER;
      break;
    }
    /* Checked builds: a test may serve a text no kernel writes (src/seams.h). */
    got = (ssize_t)ILHEAP_READ_FILTER(buf + have, (ptrdiff_t)got, MAPS_BUF - have);
    have += (size_t)got;
    r = ilheap__maps_parse(buf, have, got == 0, feed_line, w, &used);
    if (r < 0)
      err = ILHEAP_EPROVIDER;
    if (r != 0 || got == 0)
      break;
    have -= used;
    if (have == MAPS_BUF) { /* a line longer than any the kernel writes */
      err = ILHEAP_EPROVIDER;
      break;
    }
    memmove(buf, buf + used, have);
  }
  free(buf);
  if (err == ILHEAP_OK)
    finish(w);
  return err;
}

/* 0 unknown, 1 PROCMAP_QUERY works, 2 it does not: read the text. The
 * environment variable ILHEAP_PROCMAP=text forces the text path (tests use it to
 * cover the path older kernels take).
 * The ioctl is only a faster way to the same answers, so whatever makes it fail
 * (ENOTTY or EINVAL from kernels before 6.11, ENOSYS from qemu-user, EPERM or
 * ENOSYS from a seccomp filter, anything else) sends the walk on through the
 * text and every later walk straight to it: the mode becomes 2 for good, and
 * the switch is counted once (ilheap__procmap_fallbacks, src/os/os.h). */
static _Atomic int query_mode;
static _Atomic unsigned query_fallbacks;
static _Atomic int query_errno;
static ilheap__once mode_once = ILHEAP__ONCE_INIT;

static void read_mode(void) {
  const char *v = getenv("ILHEAP_PROCMAP");
  if (v != NULL && strcmp(v, "text") == 0)
    query_mode = 2;
}

/* The text for good, counted by the one walk that makes the switch. */
static void give_up_query(int why) {
  int mode = query_mode;
  while (mode != 2)
    if (atomic_compare_exchange_weak(&query_mode, &mode, 2)) {
      query_errno = why;
      query_fallbacks++;
      break;
    }
}

unsigned ilheap__procmap_fallbacks(int *why) {
  if (why != NULL)
    *why = query_errno;
  return query_fallbacks;
}

#if defined(ILHEAP_SEAMS) && ILHEAP_SEAMS
void ilheap__procmap_reset(void) {
  ilheap__once_run(&mode_once, read_mode);
  query_mode = 0;
  read_mode();
  query_errno = 0;
  query_fallbacks = 0;
  ilheap__runs_clear(&view);
}

int ilheap__procmap_text(void) { return query_mode == 2; }
#endif

static int linux_walk_free(void *ctx, uintptr_t lo, uintptr_t hi, ilheap_range_visitor visit,
                           void *arg) {
  growth g;
  walker w;
  int fd, err = 1, jumped = 0, why = 0;
  (void)ctx;

  PROBE_USER_TOP();
  if (lo < LOWEST_ADDR)
    lo = LOWEST_ADDR;
  if (hi > USER_TOP)
    hi = USER_TOP;
  if (lo >= hi)
    return ILHEAP_OK;
  g = growth_zones(lo, hi);
  ilheap__once_run(&mode_once, read_mode);
  fd = SYS(-1, open("/proc/self/maps", O_RDONLY | O_CLOEXEC));
  if (fd < 0)
    return ILHEAP_EPROVIDER;
  w.at = lo;
  w.hi = hi;
  w.g = &g;
  w.visit = visit;
  w.arg = arg;
  w.stopped = 0;
  if (query_mode != 2) {
    int unknown = 0;
    err = walk_query(fd, &w, &jumped, &why);
    if (err == 1)
      give_up_query(why); /* at the first question or later (a filter since) */
    else
      (void)atomic_compare_exchange_strong(&query_mode, &unknown, 1);
  }
  if (err == 1) /* the text goes on from where the ioctl stopped */
    err = walk_maps(fd, &w);
  close(fd);
  if (jumped && !w.stopped)
    ilheap__runs_clear(&view); /* nothing accepted: the next look sees every hole */
  return err;
}

/* Maps exactly [addr, addr + len) where nothing is, with prot and extra flags. */
/* mmap at exactly addr, or MAP_FAILED (errno) or another address; through the
 * failure-injection seam (src/seams.h). */
static void *mmap_noreplace(uintptr_t addr, size_t len, int prot, int flags) {
  flags |= MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  int err = ILHEAP_OS_FAILS();
  if (err == ILHEAP__ELSEWHERE) /* what a kernel before 4.17 may do: a hint */
    return mmap(NULL, len, prot, flags, -1, 0);
  if (err != 0) {
    errno = err;
    return MAP_FAILED;
  }
  return mmap((void *)addr, len, prot, flags | MAP_FIXED_NOREPLACE, -1, 0);
}

static int map_free(uintptr_t addr, size_t len, int prot, int flags) {
  growth g;
  void *p;
  int i;
  /* "Free" excludes the growth zones (walk_free): reserve refuses them too, so
   * that it stays the authority and the core may reserve without walking. */
  PROBE_USER_TOP();
  if (addr < LOWEST_ADDR || addr > USER_TOP || len > USER_TOP - addr)
    return ILHEAP_ERANGE;
  g = growth_zones(addr, addr + len);
  for (i = 0; i < 2; i++)
    if (g.z[i].lo < g.z[i].hi && addr < g.z[i].hi && (g.z[i].lo <= addr || g.z[i].lo - addr < len))
      return ILHEAP_EBUSY;
  p = mmap_noreplace(addr, len, prot, flags);
  if (p == MAP_FAILED)
    return errno == EEXIST ? ILHEAP_EBUSY : errno == ENOMEM ? ILHEAP_ENOMEM : ILHEAP_EPROVIDER;
  if ((uintptr_t)p != addr) { /* an old kernel took the address as a hint */
    (void)munmap(p, len);
    return ILHEAP_EBUSY;
  }
  return ILHEAP_OK;
}

static int linux_reserve(void *ctx, uintptr_t addr, size_t len) {
  (void)ctx;
  return map_free(addr, len, PROT_NONE, 0);
}

static int linux_commit(void *ctx, uintptr_t addr, size_t len) {
  (void)ctx;
  if (SYS(-1, mprotect((void *)addr, len, PROT_READ | PROT_WRITE)) != 0)
    return errno == ENOMEM ? ILHEAP_ENOMEM : ILHEAP_EPROVIDER;
  return ILHEAP_OK;
}

/* Reserving and committing is one mmap: a private writable mapping with
 * MAP_NORESERVE costs no commit charge (unless vm.overcommit_memory is 2, where
 * mprotect would be charged the same), and next to the chunk's committed
 * mapping the kernel merges the two. Populating is MAP_POPULATE there (any
 * kernel), and MADV_POPULATE_WRITE (Linux 5.14+) on a range already reserved
 * (a new chunk's first step; older kernels refuse the advice and those pages
 * fault in one by one, as without populating). A populated page costs about two
 * thirds of a page fault (measured: 1.3 against 1.9 us), and the writes that
 * follow take none. A failed populate is not an error, for the same reason. */
/* Does MADV_POPULATE_WRITE fail on a range with no write access, as the kernel's
 * does (5.14+; EINVAL before)? qemu-user answers 0 to advice it does not pass on,
 * and a success would then not mean the range was committed. Asked once. */
static int populate_fails_uncommitted;
static ilheap__once populate_once = ILHEAP__ONCE_INIT;

static void probe_populate(void) {
  size_t page = ilheap__host_page();
  void *p = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return;
  populate_fails_uncommitted = madvise(p, page, MADV_POPULATE_WRITE) != 0;
  munmap(p, page);
}

static int linux_map(void *ctx, uintptr_t addr, size_t len, unsigned how) {
  int populate = (how & ILHEAP_MAP_POPULATE) != 0, err;
  if ((how & ~(ILHEAP_MAP_RESERVE | ILHEAP_MAP_POPULATE)) != 0)
    return ILHEAP_EINVAL;
  if (how & ILHEAP_MAP_RESERVE)
    return map_free(addr, len, PROT_READ | PROT_WRITE, populate ? MAP_POPULATE : 0);
  /* POPULATE alone is mostly a range map committed already (the core's refill,
   * populated after its lock): the advice alone then, one system call. It fails
   * on a range never committed (no write access) and on kernels before 5.14;
   * those commit and try once more. Where it does not fail (qemu-user), every
   * call commits first. */
  ilheap__once_run(&populate_once, probe_populate);
  if (populate && populate_fails_uncommitted &&
      madvise((void *)addr, len, MADV_POPULATE_WRITE) == 0)
    return ILHEAP_OK;
  if ((err = linux_commit(ctx, addr, len)) != ILHEAP_OK || !populate)
    return err;
  (void)madvise((void *)addr, len, MADV_POPULATE_WRITE); /* a hint: see above */
  return ILHEAP_OK;
}

static int linux_resident(void *ctx, uintptr_t addr) {
  unsigned char v = 0;
  (void)ctx;
  if (mincore((void *)addr, 1, &v) != 0)
    return errno == ENOMEM ? ILHEAP_EINVAL : ILHEAP_EPROVIDER;
  return v & 1;
}

static int linux_release(void *ctx, uintptr_t addr, size_t len) {
  (void)ctx;
  if (SYS(-1, munmap((void *)addr, len)) != 0)
    return ILHEAP_EPROVIDER;
  ilheap__runs_forget(&view, addr, addr + len); /* free again: no run may claim it */
  return ILHEAP_OK;
}

/* Fresh inaccessible pages over the range in one step: it never stops being
 * mapped (so nothing else can take it), the old pages' memory and contents are
 * gone (zero when committed again), and MAP_NORESERVE drops the commit charge.
 * MAP_FIXED replaces what is there, so the range is checked to be all mapped
 * first; that it is the caller's reservation is the caller's word (the
 * contract: only ranges reserve returned). */
static int linux_decommit(void *ctx, uintptr_t addr, size_t len) {
  unsigned char v[256];
  size_t page = ilheap__host_page(), step = sizeof v * page;
  (void)ctx;
  if (len == 0 || ((addr | len) & (page - 1)) != 0 || addr + len < addr)
    return ILHEAP_EINVAL;
  for (uintptr_t at = addr; at - addr < len; at += step) /* 256 pages a call */
    if (mincore((void *)at, len - (at - addr) < step ? len - (at - addr) : step, v) != 0)
      return errno == ENOMEM ? ILHEAP_EINVAL : ILHEAP_EPROVIDER; /* ENOMEM: not mapped */
  if (SYS(MAP_FAILED, mmap((void *)addr, len, PROT_NONE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0)) ==
      MAP_FAILED)
    return errno == ENOMEM ? ILHEAP_ENOMEM : ILHEAP_EPROVIDER;
  return ILHEAP_OK;
}

static ilheap_provider linux_provider;
static ilheap__once linux_once = ILHEAP__ONCE_INIT;

static void linux_init(void) {
  ilheap_provider_init(&linux_provider);
  linux_provider.page_size = ilheap__host_page();
  linux_provider.walk_free = linux_walk_free;
  linux_provider.reserve = linux_reserve;
  linux_provider.commit = linux_commit;
  linux_provider.release = linux_release;
  linux_provider.map = linux_map;
  linux_provider.resident = linux_resident;
  linux_provider.decommit = linux_decommit;
}

const ilheap_provider *ilheap_os_provider(void) {
  ilheap__once_run(&linux_once, linux_init);
  return &linux_provider;
}
