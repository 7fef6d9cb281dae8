/*
 * fuzz_os on Windows (the target is called fuzz_win there): the process map
 * from VirtualQuery, the modules from Toolhelp, the crowd made of 64 KiB
 * reservations (the allocation granularity) with 64 KiB holes. Included by
 * fuzz_os.c in place of its Linux functions; everything else is shared.
 */
#ifndef ILHEAP_FUZZ_OS_WIN_H
#define ILHEAP_FUZZ_OS_WIN_H

#include <windows.h>
/* after windows.h */
#include <tlhelp32.h>

/* Every region that is not MEM_FREE, without allocating. */
static void read_map(map *m) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  uintptr_t a = (uintptr_t)si.lpMinimumApplicationAddress;
  m->n = 0;
  while (a < (uintptr_t)si.lpMaximumApplicationAddress) {
    MEMORY_BASIC_INFORMATION mbi;
    FUZZ_CHECK(VirtualQuery((void *)a, &mbi, sizeof mbi) != 0, "VirtualQuery(%#zx) failed",
               (size_t)a);
    uintptr_t lo = (uintptr_t)mbi.BaseAddress, hi = lo + mbi.RegionSize;
    if (mbi.State != MEM_FREE) {
      FUZZ_CHECK(m->n < MAX_RANGES, "more than %d regions", MAX_RANGES);
      m->lo[m->n] = lo;
      m->hi[m->n] = hi;
      m->rw[m->n] = mbi.State == MEM_COMMIT &&
                    (mbi.Protect & (PAGE_READWRITE | PAGE_EXECUTE_READWRITE)) != 0;
      m->n++;
    }
    a = hi;
  }
}

static void load_modules(void) {
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0);
  FUZZ_CHECK(snap != INVALID_HANDLE_VALUE, "CreateToolhelp32Snapshot failed");
  MODULEENTRY32 me;
  me.dwSize = sizeof me;
  for (BOOL ok = Module32First(snap, &me); ok && nmodules < MAX_MODULES; ok = Module32Next(snap, &me))
    modules[nmodules++] = (uintptr_t)me.modBaseAddr;
  CloseHandle(snap);
}

/* No brk on Windows: the process heap plays its part (memory the C runtime
 * grows). */
static uintptr_t program_break(void) { return (uintptr_t)GetProcessHeap(); }

#define CROWD_PIECE ((size_t)64 << 10)
static size_t crowd_n;

/* n 64 KiB reservations with a 64 KiB hole after each, in a free stretch found
 * by reserving and releasing it; a stretch that is gone meanwhile (or too
 * big for a 32-bit process) makes a shorter crowd. */
static void make_crowd(size_t n) {
  void *p = VirtualAlloc(NULL, 2 * n * CROWD_PIECE, MEM_RESERVE, PAGE_NOACCESS);
  while (p == NULL && n > 16) {
    n /= 2;
    p = VirtualAlloc(NULL, 2 * n * CROWD_PIECE, MEM_RESERVE, PAGE_NOACCESS);
  }
  FUZZ_CHECK(p != NULL, "cannot find room for the crowd");
  FUZZ_CHECK(VirtualFree(p, 0, MEM_RELEASE), "cannot release the crowd's stretch");
  crowd = (uintptr_t)p;
  crowd_n = 0;
  for (size_t i = 0; i < n; i++) {
    void *at = (char *)p + 2 * i * CROWD_PIECE;
    if (VirtualAlloc(at, CROWD_PIECE, MEM_RESERVE, PAGE_NOACCESS) != at)
      break;
    crowd_n++;
  }
  FUZZ_CHECK(crowd_n > 0, "cannot make the crowd");
  crowd_pages = 2 * crowd_n * (CROWD_PIECE / 4096); /* in the 4 KiB units decode_base uses */
}

static void free_crowd(void) {
  for (size_t i = 0; i < crowd_n; i++)
    FUZZ_CHECK(VirtualFree((char *)crowd + 2 * i * CROWD_PIECE, 0, MEM_RELEASE),
               "cannot release the crowd");
  crowd_n = 0;
}

#endif
