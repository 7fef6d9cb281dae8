/* SPDX-License-Identifier: MIT */
/*
 * The Windows side of support/space.h (main's test support library, issue 11):
 * the address space from VirtualQuery, the modules from Toolhelp (names in
 * lower case, full paths).
 */
#include "space.h"

#include <stdio.h>
#include <string.h>
#include <windows.h>
/* after windows.h */
#include <tlhelp32.h>

/* Every region that is not MEM_FREE (or, with SUP_SPACE_RW, committed and
 * read-write), adjacent ones merged. VirtualQuery allocates nothing. */
int sup_space_read(sup_ranges *out, sup_space_filter filter) {
  if (out->cap == 0)
    sup_ranges_reserve(out, SUP_SPACE_CAP); /* before the read, never during it */
  out->n = 0;
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  uintptr_t a = (uintptr_t)si.lpMinimumApplicationAddress;
  int regions = 0;
  while (a < (uintptr_t)si.lpMaximumApplicationAddress) {
    MEMORY_BASIC_INFORMATION mbi;
    if (VirtualQuery((LPCVOID)a, &mbi, sizeof mbi) != sizeof mbi)
      return -1;
    sup_range r = {(uintptr_t)mbi.BaseAddress, (uintptr_t)mbi.BaseAddress + mbi.RegionSize};
    if (r.hi <= a)
      return -1;
    a = r.hi;
    if (mbi.State == MEM_FREE)
      continue;
    regions++;
    int rw = mbi.State == MEM_COMMIT &&
             (mbi.Protect & (PAGE_READWRITE | PAGE_EXECUTE_READWRITE | PAGE_WRITECOPY)) != 0;
    if (filter == SUP_SPACE_RW && !rw)
      continue;
    if (out->n > 0 && out->v[out->n - 1].hi == r.lo) {
      out->v[out->n - 1].hi = r.hi; /* VirtualQuery walks upward: merge */
    } else if (out->n == out->cap) {
      return -2;
    } else {
      out->v[out->n++] = r;
    }
  }
  return regions;
}

/* Toolhelp lists the program first. A module's end is its base plus
 * SizeOfImage (modBaseSize). */
size_t sup_modules(sup_module *v, size_t cap) {
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0);
  if (snap == INVALID_HANDLE_VALUE)
    return 0;
  MODULEENTRY32 me;
  me.dwSize = sizeof me;
  size_t n = 0;
  for (BOOL ok = Module32First(snap, &me); ok; ok = Module32Next(snap, &me)) {
    if (n < cap) {
      v[n].base = (uintptr_t)me.modBaseAddr;
      v[n].end = (uintptr_t)me.modBaseAddr + me.modBaseSize;
      snprintf(v[n].name, sizeof v[n].name, "%s", me.szExePath);
      CharLowerA(v[n].name); /* "KERNEL32.dll", "kernel32.dll": match either */
    }
    n++;
  }
  CloseHandle(snap);
  return n < cap ? n : cap;
}
