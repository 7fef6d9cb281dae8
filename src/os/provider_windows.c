/* SPDX-License-Identifier: MIT */
/*
 * The Windows address-space provider.
 *
 * page_size is the allocation granularity (GetSystemInfo: 64 KiB), the unit in
 * which Windows places reservations; the process's usable range is
 * [lpMinimumApplicationAddress, lpMaximumApplicationAddress] (on 32-bit, 2 GiB,
 * or 3-4 GiB for a /LARGEADDRESSAWARE program).
 *
 * walk_free asks VirtualQuery region by region from lo and reports the MEM_FREE
 * ones that hold a whole granule, from the first granule boundary in them,
 * clipped to [lo, hi) and to the usable range: the rest of a granule whose
 * start is reserved (the 60 KiB after a 4 KiB reservation) can never be
 * reserved, so it is not free in the contract's sense. It stops at the first
 * gap the core accepts, and crosses a run of regions it has crossed before in
 * one question (the view, below). The view can be stale the moment it is read:
 * reserve is the authority.
 *
 * reserve is VirtualAlloc(MEM_RESERVE, PAGE_NOACCESS) at exactly the address
 * asked. Over anything busy Windows fails with ERROR_INVALID_ADDRESS (487):
 * ILHEAP_EBUSY, and the core walks again; it replaces nothing. An address that
 * is not a multiple of the granularity would be rounded down silently (Wine and
 * Windows alike), so such a request is refused before asking, and every result
 * is still compared with the address asked (a reservation that landed elsewhere
 * is undone: ILHEAP_EBUSY).
 *
 * commit is VirtualAlloc(MEM_COMMIT, PAGE_READWRITE), one reservation at a time:
 * a commit cannot span two reservations, and growing a chunk in place puts a new
 * reservation right below the old one. Fresh pages read as zero.
 *
 * release takes a union of whole reservations. MEM_RELEASE frees exactly one
 * reservation (its base, size 0), so it loops over them via VirtualQuery's
 * AllocationBase; it first checks that the range is exactly such a union and
 * releases nothing otherwise.
 *
 * map (the optional function of struct version 2) reserves and commits in one
 * VirtualAlloc(MEM_RESERVE | MEM_COMMIT) with ILHEAP_MAP_RESERVE, with
 * reserve's answers; without it, it commits a range one reserve returned: one
 * reservation, so one VirtualAlloc(MEM_COMMIT) and no VirtualQuery walk (a
 * range that is not exactly reserved fails there: ILHEAP_EINVAL). Under Wine a
 * refill in place then costs one call instead of two and two walks.
 * ILHEAP_MAP_POPULATE is VirtualLock then VirtualUnlock: locking makes the
 * pages resident in one call (Wine: mlock, about 1.6 us per 4 KiB page against
 * 2.3 us for a first-touch fault), and they stay in the working set once
 * unlocked. It is a hint, taken for ranges of more than one granule only: a
 * single granule is the whole refill of a small heap (the core's steps are at
 * least a page, here 64 KiB), whose unused part would then be resident too
 * (200 heaps of 180 KB under Wine: RSS 1.19x the bytes requested, against
 * 1.03x). Larger refills come with heaps of some MiB, where one step is about
 * 1/32 of what is reserved. Where locking is refused (Windows caps locked
 * pages at the process's minimum working set, about 200 KiB by default; Linux
 * at RLIMIT_MEMLOCK for Wine), the pages fault in on first touch as before.
 *
 * resident answers for one provider page (a granule of 64 KiB, 16 system pages
 * of 4 KiB): 1 when its first or its last system page is in the working set
 * (QueryWorkingSetEx), 0 when neither is, ILHEAP_EINVAL when it is not
 * committed. Why those two: the core asks about the granule holding the block
 * it handed out last, and blocks are handed out from one end of a chunk to the
 * other, so a caller that writes its blocks has written the granule's page at
 * that end; Wine answers QueryWorkingSetEx page by page (about 0.7 us each:
 * 12 us for all 16, 1.7 us for two).
 *
 * Nothing here is ever made executable.
 */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef PSAPI_VERSION
#define PSAPI_VERSION 2 /* QueryWorkingSetEx is kernel32's K32QueryWorkingSetEx */
#endif
#include <windows.h>
/* after windows.h */
#include <psapi.h>
#include <stdint.h>

#include "../invariant.h"
#include "../runs.h"
#include "ilheap.h"
#include "os.h"

static uintptr_t lowest;  /* lpMinimumApplicationAddress */
static uintptr_t highest; /* lpMaximumApplicationAddress: the last usable byte */
static size_t granularity;
static size_t system_page; /* dwPageSize: 4 KiB */

/* Is [addr, addr + len) a whole number of granules inside the usable range?
 * ILHEAP_OK, ILHEAP_EINVAL (empty or not granule aligned) or ILHEAP_ERANGE. */
static int check_range(uintptr_t addr, size_t len) {
  if (len == 0 || (addr & (granularity - 1)) != 0 || (len & (granularity - 1)) != 0)
    return ILHEAP_EINVAL;
  if (addr < lowest || addr > highest || len - 1 > highest - addr)
    return ILHEAP_ERANGE;
  return ILHEAP_OK;
}

/* VirtualAlloc's failure as an ILHEAP_E* code; busy is the answer for
 * ERROR_INVALID_ADDRESS (taken, for a reservation; not reserved, for a commit). */
static int alloc_error(int busy) {
  DWORD e = GetLastError();
  return e == ERROR_INVALID_ADDRESS                                      ? busy
         : e == ERROR_NOT_ENOUGH_MEMORY || e == ERROR_COMMITMENT_LIMIT ? ILHEAP_ENOMEM
                                                                         : ILHEAP_EPROVIDER;
}

/*
 * The view: runs of regions that walks have crossed with no free room between
 * them large enough for a chunk, remembered process-wide so that the next walk
 * crosses a run in one VirtualQuery instead of one per region (Wine answers
 * each in about 1 us: 1,000 regions cost a placement about 250 us). A run goes
 * on across reservations side by side, across the unusable rest of a granule
 * (above), and across small holes: free room shorter than the smallest chunk
 * the core starts, a first step with its guard (src/heap.c: 8 KiB rounded up
 * to a granule, and a granule: 128 KiB). A walk reports a small hole while it
 * crosses a run region by region, and leaves it out when it jumps the run: a
 * visitor looking for a chunk's room would pass over it anyway.
 *
 * What stays exact: every gap a walk reports is read live (a walk jumps only
 * from inside a run to its end, after asking about the run's last page: if
 * that is free now, the run is forgotten and the walk goes on region by
 * region). What may be stale: room that grew inside a run since it was
 * remembered (someone else released a reservation there) is not seen by a
 * jump, so a chunk may land higher than the lowest free room, for at most
 * max(64, its regions) jumps (then the run is crossed again, every hole seen:
 * src/runs.h). Ranges this provider releases are forgotten at once, and a walk
 * that jumped and found nothing its visitor accepted forgets the whole view,
 * so the core's second look (src/heap.c) sees every hole before a window is
 * called full. The view is the Linux provider's unit (src/runs.h), with
 * VirtualQuery's regions where that has PROCMAP_QUERY's mappings.
 */
#define VIEW_MIN_REGIONS 4u /* shorter runs cost no more to walk than to look up */
#define FIRST_STEP ((uintptr_t)8 << 10) /* the core's smallest chunk, before its guard */

static ilheap__runs view;

/* Crossing a run: [lo, hi) taken but for small holes; regions crossed one by
 * one (the view knows the rest), and whether a jump crossed part of it. */
typedef struct crossing {
  uintptr_t lo, hi, small;
  uint32_t regions;
  int open, jumps;
} crossing;

/* Remembers the run crossed, if it is worth it: long enough, or crossed partly
 * by jumps (what was crossed one by one extends a remembered run). A run
 * crossed by jumps only is remembered already. */
static void remember(const crossing *c) {
  if (c->open && (c->regions >= VIEW_MIN_REGIONS || (c->regions > 0 && c->jumps)))
    ilheap__runs_add(&view, c->lo, c->hi, c->regions);
}

/* [at, end) is taken (jumped: a remembered run): the run being crossed goes on
 * across a small hole below at, else a new run starts at at. */
static void cross(crossing *c, uintptr_t at, uintptr_t end, int jumped) {
  if (!c->open || at - c->hi >= c->small) {
    remember(c);
    c->lo = at;
    c->regions = 0;
    c->jumps = 0;
    c->open = 1;
  }
  if (jumped)
    c->jumps = 1;
  else
    c->regions++;
  c->hi = end;
}

static int win_walk_free(void *ctx, uintptr_t lo, uintptr_t hi, ilheap_range_visitor visit,
                         void *arg) {
  MEMORY_BASIC_INFORMATION mbi;
  crossing c;
  uintptr_t at;
  int jumped = 0, stopped = 0, err = ILHEAP_OK;
  (void)ctx;

  c.lo = c.hi = 0;
  c.regions = 0;
  c.open = c.jumps = 0;
  c.small = ((FIRST_STEP + granularity - 1) & ~(granularity - 1)) + granularity;
  if (lo < lowest)
    lo = lowest;
  if (hi > highest)
    hi = highest + 1; /* highest < UINTPTR_MAX: the last page is never usable */
  for (at = lo; at < hi;) {
    uintptr_t base, end, from, jump = ilheap__runs_jump(&view, at, NULL);
    if (jump > at) {
      /* Inside a remembered run: is its last page still taken? */
      if (VirtualQuery((LPCVOID)(jump - 1), &mbi, sizeof mbi) == sizeof mbi &&
          mbi.State != MEM_FREE) {
        jumped = 1;
        cross(&c, at, jump, 1);
        at = jump;
        continue;
      }
      ilheap__runs_forget(&view, at, jump); /* its top is free now: ask region by region */
    }
    if (VirtualQuery((LPCVOID)at, &mbi, sizeof mbi) != sizeof mbi) {
      err = ILHEAP_EPROVIDER; /* at is inside the usable range: this is not expected */
      break;
    }
    base = (uintptr_t)mbi.BaseAddress;
    end = mbi.RegionSize > UINTPTR_MAX - base ? UINTPTR_MAX : base + mbi.RegionSize;
    if (end <= at) {
      err = ILHEAP_EPROVIDER; /* no progress: a broken answer */
      break;
    }
    if (mbi.State != MEM_FREE) {
      cross(&c, at, end, 0);
    } else {
      /* Free from its first granule boundary (end is one, or past hi). */
      from = at > UINTPTR_MAX - (granularity - 1) ? end : (at + granularity - 1) & ~(granularity - 1);
      ILHEAP_ASSERT(from >= at && (from == end || from % granularity == 0));
      if (from < end && end - from >= granularity && from < hi &&
          visit(arg, from, end < hi ? end : hi) != 0) {
        stopped = 1;
        break;
      }
    }
    at = end;
  }
  remember(&c);
  if (jumped && !stopped)
    ilheap__runs_clear(&view); /* nothing accepted: the next look sees every hole */
  return err;
}

static int win_reserve(void *ctx, uintptr_t addr, size_t len) {
  void *p;
  int err;
  (void)ctx;
  if ((err = check_range(addr, len)) != ILHEAP_OK)
    return err;
  p = VirtualAlloc((LPVOID)addr, len, MEM_RESERVE, PAGE_NOACCESS);
  if (p == NULL)
    return alloc_error(ILHEAP_EBUSY);
  if ((uintptr_t)p != addr) { /* rounded or moved: not what was asked */
    (void)VirtualFree(p, 0, MEM_RELEASE);
    return ILHEAP_EBUSY;
  }
  return ILHEAP_OK;
}

/* Is every page of [addr, end) reserved (committed or not)? Asked before
 * commit and decommit change anything, so that a refused call does nothing. */
static int all_reserved(uintptr_t addr, uintptr_t end) {
  MEMORY_BASIC_INFORMATION mbi;
  for (uintptr_t at = addr; at < end; at = (uintptr_t)mbi.BaseAddress + mbi.RegionSize)
    if (VirtualQuery((LPCVOID)at, &mbi, sizeof mbi) != sizeof mbi || mbi.State == MEM_FREE)
      return 0;
  return 1;
}

static int win_commit(void *ctx, uintptr_t addr, size_t len) {
  MEMORY_BASIC_INFORMATION mbi;
  uintptr_t at, end;
  int err;
  (void)ctx;
  if ((err = check_range(addr, len)) != ILHEAP_OK)
    return err;
  /* First check that all of it is reserved, then commit region by region (a
   * region never spans two reservations). */
  end = addr + len;
  if (!all_reserved(addr, end))
    return ILHEAP_EINVAL; /* not reserved: a caller bug, refused */
  for (at = addr; at < end;) {
    uintptr_t next;
    size_t n;
    if (VirtualQuery((LPCVOID)at, &mbi, sizeof mbi) != sizeof mbi)
      return ILHEAP_EPROVIDER;
    next = (uintptr_t)mbi.BaseAddress + mbi.RegionSize;
    n = (size_t)((next < end ? next : end) - at);
    if (VirtualAlloc((LPVOID)at, n, MEM_COMMIT, PAGE_READWRITE) != (LPVOID)at)
      return GetLastError() == ERROR_COMMITMENT_LIMIT ||
                     GetLastError() == ERROR_NOT_ENOUGH_MEMORY
                 ? ILHEAP_ENOMEM
                 : ILHEAP_EPROVIDER;
    at += n;
  }
  return ILHEAP_OK;
}

/* The end of the reservation that starts at base (0 on a broken answer). */
static uintptr_t reservation_end(uintptr_t base) {
  MEMORY_BASIC_INFORMATION mbi;
  uintptr_t at = base;
  while (VirtualQuery((LPCVOID)at, &mbi, sizeof mbi) == sizeof mbi &&
         (uintptr_t)mbi.AllocationBase == base && mbi.State != MEM_FREE) {
    uintptr_t next = (uintptr_t)mbi.BaseAddress + mbi.RegionSize;
    if (next <= at)
      return 0;
    at = next;
  }
  return at > base ? at : 0;
}

static int win_release(void *ctx, uintptr_t addr, size_t len) {
  MEMORY_BASIC_INFORMATION mbi;
  uintptr_t at, end;
  int err;
  (void)ctx;
  if ((err = check_range(addr, len)) != ILHEAP_OK)
    return err;
  end = addr + len;
  /* All or nothing: [addr, end) must be exactly a run of whole reservations. */
  for (at = addr; at < end;) {
    uintptr_t next;
    if (VirtualQuery((LPCVOID)at, &mbi, sizeof mbi) != sizeof mbi || mbi.State == MEM_FREE ||
        (uintptr_t)mbi.AllocationBase != at || (next = reservation_end(at)) == 0 || next > end)
      return ILHEAP_EINVAL;
    at = next;
  }
  for (at = addr; at < end;) {
    uintptr_t next = reservation_end(at);
    if (next == 0 || !VirtualFree((LPVOID)at, 0, MEM_RELEASE))
      return ILHEAP_EPROVIDER;
    at = next;
  }
  ilheap__runs_forget(&view, addr, end); /* free again: no run may claim it */
  return ILHEAP_OK;
}

static int win_map(void *ctx, uintptr_t addr, size_t len, unsigned how) {
  void *p;
  int err;
  (void)ctx;
  if ((how & ~(ILHEAP_MAP_RESERVE | ILHEAP_MAP_POPULATE)) != 0)
    return ILHEAP_EINVAL;
  if ((err = check_range(addr, len)) != ILHEAP_OK)
    return err;
  if (how & ILHEAP_MAP_RESERVE) {
    p = VirtualAlloc((LPVOID)addr, len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (p == NULL)
      return alloc_error(ILHEAP_EBUSY);
    if ((uintptr_t)p != addr) { /* rounded or moved: not what was asked */
      (void)VirtualFree(p, 0, MEM_RELEASE);
      return ILHEAP_EBUSY;
    }
  } else {
    /* One reservation (the contract), so one commit; over free memory or
     * across two reservations VirtualAlloc refuses it. */
    p = VirtualAlloc((LPVOID)addr, len, MEM_COMMIT, PAGE_READWRITE);
    if (p == NULL)
      return alloc_error(ILHEAP_EINVAL);
    if ((uintptr_t)p != addr)
      return ILHEAP_EPROVIDER; /* a commit does not move: a broken answer */
  }
  /* The hint: resident now, in one call where locking is allowed. */
  if ((how & ILHEAP_MAP_POPULATE) && len > granularity && VirtualLock((LPVOID)addr, len))
    (void)VirtualUnlock((LPVOID)addr, len);
  return ILHEAP_OK;
}

static int win_resident(void *ctx, uintptr_t addr) {
  PSAPI_WORKING_SET_EX_INFORMATION ws[2];
  MEMORY_BASIC_INFORMATION mbi;
  uintptr_t last = addr + granularity - system_page;
  int err;
  (void)ctx;
  if ((err = check_range(addr, granularity)) != ILHEAP_OK)
    return err;
  /* One region (same state) from addr to past last: the granule is committed. */
  if (VirtualQuery((LPCVOID)addr, &mbi, sizeof mbi) != sizeof mbi || mbi.State != MEM_COMMIT ||
      mbi.RegionSize < granularity)
    return ILHEAP_EINVAL; /* not committed: not a page the core handed out */
  ws[0].VirtualAddress = (PVOID)addr;
  ws[1].VirtualAddress = (PVOID)last;
  if (!QueryWorkingSetEx(GetCurrentProcess(), ws, (DWORD)sizeof ws))
    return ILHEAP_EPROVIDER;
  return ws[0].VirtualAttributes.Valid || ws[1].VirtualAttributes.Valid;
}

/* VirtualFree(MEM_DECOMMIT), one reservation at a time (as commit): the
 * range stays reserved, so nothing else can take it; decommitted pages read
 * as zero when committed again. All of it must be reserved (checked first,
 * nothing done otherwise); pages never committed are left as they are. */
static int win_decommit(void *ctx, uintptr_t addr, size_t len) {
  MEMORY_BASIC_INFORMATION mbi;
  uintptr_t at, end;
  int err;
  (void)ctx;
  if ((err = check_range(addr, len)) != ILHEAP_OK)
    return err;
  end = addr + len;
  if (!all_reserved(addr, end))
    return ILHEAP_EINVAL; /* not reserved: a caller bug, refused */
  for (at = addr; at < end;) {
    uintptr_t next;
    if (VirtualQuery((LPCVOID)at, &mbi, sizeof mbi) != sizeof mbi)
      return ILHEAP_EPROVIDER;
    next = (uintptr_t)mbi.BaseAddress + mbi.RegionSize;
    if (next > end)
      next = end;
    if (mbi.State == MEM_COMMIT && !VirtualFree((LPVOID)at, next - at, MEM_DECOMMIT))
      return ILHEAP_EPROVIDER;
    at = next;
  }
  return ILHEAP_OK;
}

static ilheap_provider win_provider;
static ilheap__once win_once = ILHEAP__ONCE_INIT;

static void win_init(void) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  lowest = (uintptr_t)si.lpMinimumApplicationAddress;
  highest = (uintptr_t)si.lpMaximumApplicationAddress;
  granularity = si.dwAllocationGranularity;
  system_page = si.dwPageSize;
  ilheap_provider_init(&win_provider);
  win_provider.page_size = granularity;
  win_provider.walk_free = win_walk_free;
  win_provider.reserve = win_reserve;
  win_provider.commit = win_commit;
  win_provider.release = win_release;
  win_provider.map = win_map;
  win_provider.resident = win_resident;
  win_provider.decommit = win_decommit;
}

const ilheap_provider *ilheap_os_provider(void) {
  ilheap__once_run(&win_once, win_init);
  /* A granularity the core cannot use (not a power of two in [4 KiB, 1 MiB]):
   * no provider, rather than a wrong one. */
  if (granularity < 4096 || granularity > ((size_t)1 << 20) ||
      (granularity & (granularity - 1)) != 0 || system_page == 0 || granularity % system_page != 0)
    return NULL;
  return &win_provider;
}
