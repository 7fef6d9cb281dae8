/* SPDX-License-Identifier: MIT */
/* soak_os.h on Windows: VirtualQuery over the address space, the working set
 * (K32GetProcessMemoryInfo, in kernel32 since Windows 7), GetTickCount64. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <psapi.h>
#include <string.h>

#include "soak_os.h"

int soak_process_read(soak_process *out) {
  int err = 0;
  memset(out, 0, sizeof *out);
  out->ms = (uint64_t)GetTickCount64();
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  const char *at = (const char *)si.lpMinimumApplicationAddress;
  const char *end = (const char *)si.lpMaximumApplicationAddress;
  MEMORY_BASIC_INFORMATION mbi;
  while (at < end && VirtualQuery(at, &mbi, sizeof mbi) == sizeof mbi && mbi.RegionSize > 0) {
    if (mbi.State != MEM_FREE) {
      out->mappings++;
      out->vm += (uint64_t)mbi.RegionSize;
    }
    at = (const char *)mbi.BaseAddress + mbi.RegionSize;
  }
  PROCESS_MEMORY_COUNTERS pmc;
  memset(&pmc, 0, sizeof pmc);
  pmc.cb = sizeof pmc;
  if (K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc))
    out->rss = (uint64_t)pmc.WorkingSetSize;
  else
    err = -1;
  return err;
}
