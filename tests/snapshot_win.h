/*
 * The Windows side of tests/check.h's view of the real process: the address
 * space as VirtualQuery reports it, and the loaded modules. Included by
 * check.h in place of /proc/self/maps and dl_iterate_phdr; one small file so it
 * can move to the shared support library's OS-neutral snapshot interface.
 */
#ifndef ILHEAP_TESTS_SNAPSHOT_WIN_H
#define ILHEAP_TESTS_SNAPSHOT_WIN_H

#include <windows.h>
/* tlhelp32.h needs windows.h first. */
#include <tlhelp32.h>

/* Every range that is not MEM_FREE (reserved or committed: images, mappings,
 * heaps, stacks, and the library's reservations) into *rs, normalized. Windows
 * has no brk heap: rs->brk stays {0, 0}. */
static inline void check_read_maps(check_ranges *rs) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  uintptr_t a = (uintptr_t)si.lpMinimumApplicationAddress;
  uintptr_t top = (uintptr_t)si.lpMaximumApplicationAddress;
  while (a < top) {
    MEMORY_BASIC_INFORMATION mbi;
    cr_assert_neq(VirtualQuery((void *)a, &mbi, sizeof mbi), 0, "VirtualQuery(%#" PRIxPTR ")", a);
    uintptr_t lo = (uintptr_t)mbi.BaseAddress, hi = lo + mbi.RegionSize;
    cr_assert_gt(hi, a, "VirtualQuery made no progress at %#" PRIxPTR, a);
    if (mbi.State != MEM_FREE)
      check_ranges_push(rs, lo, hi);
    a = hi;
  }
  rs->brk.lo = rs->brk.hi = 0;
  check_ranges_normalize(rs);
}

/* Every module loaded in the process, the program first (Toolhelp's order). */
static inline void check_loaded_modules(check_modules *ms) {
  ms->n = 0;
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0);
  cr_assert_neq(snap, INVALID_HANDLE_VALUE, "CreateToolhelp32Snapshot: error %lu",
                (unsigned long)GetLastError());
  MODULEENTRY32 me;
  me.dwSize = sizeof me;
  for (BOOL ok = Module32First(snap, &me); ok && ms->n < sizeof ms->v / sizeof ms->v[0];
       ok = Module32Next(snap, &me)) {
    check_module *m = &ms->v[ms->n++];
    m->base = (uintptr_t)me.modBaseAddr;
    snprintf(m->name, sizeof m->name, "%s", me.szModule);
    CharLowerA(m->name); /* "KERNEL32.dll", "kernel32.dll": match either */
  }
  CloseHandle(snap);
  cr_assert_gt(ms->n, 0u, "Toolhelp found no module");
}

#endif
