/* SPDX-License-Identifier: MIT */
/*
 * fuzz_os on Windows (the target is called fuzz_win there): the crowd made of
 * 64 KiB reservations (the allocation granularity) with 64 KiB holes, and the
 * process heap in brk's place. Included by fuzz_os.c in place of its Linux
 * functions; the map and the modules come from support/os_windows.c.
 */
#ifndef ILHEAP_FUZZ_OS_WIN_H
#define ILHEAP_FUZZ_OS_WIN_H

#include <windows.h>

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
