/* SPDX-License-Identifier: MIT */
/*
 * The Wine canary: proves that a Windows program of this build's bitness really
 * ran. Without wine32, Wine "runs" a 32-bit program by exiting 0 at once
 * (WINEDEBUG=-all hides why), so every 32-bit test would pass having run
 * nothing. This program prints a line that CTest requires (PASS_REGULAR_EXPRESSION
 * in tests/wine/CMakeLists.txt), and every other test under Wine requires this
 * one to have passed (cmake/wine.cmake).
 */
#include <stdint.h>
#include <stdio.h>
#include <windows.h>

int main(void) {
  SYSTEM_INFO si;
  GetNativeSystemInfo(&si);
  BOOL wow64 = FALSE;
  IsWow64Process(GetCurrentProcess(), &wow64);
  printf("ilheap canary: a %u-bit Windows program ran (WOW64 %d, granularity %lu KiB, exe at %p)\n",
         (unsigned)(sizeof(void *) * 8), (int)wow64,
         (unsigned long)(si.dwAllocationGranularity / 1024), (void *)GetModuleHandleA(NULL));
  /* The /LARGEADDRESSAWARE variant (tests/wine/CMakeLists.txt) must see more
   * than 2 GiB of user space, or it tests nothing the plain build does not. */
  uintptr_t top = (uintptr_t)si.lpMaximumApplicationAddress;
  printf("ilheap canary: user space ends at %#llx (%s 2 GiB)\n", (unsigned long long)top,
         top > 0x80000000u ? "above" : "below");
  return 0;
}
