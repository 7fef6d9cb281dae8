/* SPDX-License-Identifier: MIT */
/* The sample profiler's OS layer on Windows (os.h): SRWLOCK, the process
 * environment, VirtualQuery. */
#include <string.h>
#include <windows.h>

#include "os.h"

_Static_assert(sizeof(os_lock) == sizeof(SRWLOCK), "os_lock holds an SRWLOCK");

static SRWLOCK *srw(os_lock *lock) { return (SRWLOCK *)(void *)lock; }

int os_lock_init(os_lock *lock) {
  InitializeSRWLock(srw(lock));
  return 0;
}
void os_lock_destroy(os_lock *lock) { (void)lock; /* an SRWLOCK holds nothing */ }
void os_lock_acquire(os_lock *lock) { AcquireSRWLockExclusive(srw(lock)); }
void os_lock_release(os_lock *lock) { ReleaseSRWLockExclusive(srw(lock)); }

/* The process environment, as the runtime itself reads CORECLR_* (not the C
 * runtime's copy). */
int os_env(const char *name, char *buf, size_t cap) {
  DWORD n = GetEnvironmentVariableA(name, buf, cap > MAXDWORD ? MAXDWORD : (DWORD)cap);
  if (n == 0 || n >= cap) {
    buf[0] = '\0';
    return 0;
  }
  return 1;
}

/* Binary: the report's lines end in \n, not \r\n. */
FILE *os_report_open(const char *path) { return fopen(path, "wb"); }

uintptr_t os_module_base(const void *addr) {
  HMODULE m = NULL;
  if (addr && GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                     GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                 (LPCWSTR)addr, &m))
    return (uintptr_t)m;
  /* The module's base is its handle. */
  return (uintptr_t)GetModuleHandleW(L"coreclr.dll");
}

int os_new_mappings_top_down(void) { return 0; }

const char *os_file_name(const char *path) {
  const char *name = path;
  for (const char *c = path; *c; c++)
    if (*c == '\\' || *c == '/')
      name = c + 1;
  return name;
}

int os_walk_held(uintptr_t lo, uintptr_t hi, int (*fn)(void *arg, uintptr_t lo, uintptr_t hi),
                 void *arg) {
  uintptr_t at = lo;
  while (at < hi) {
    MEMORY_BASIC_INFORMATION mbi;
    if (VirtualQuery((LPCVOID)at, &mbi, sizeof mbi) != sizeof mbi)
      return at == lo ? -1 : 0; /* past the end of user space: nothing held */
    uintptr_t end = (uintptr_t)mbi.BaseAddress + mbi.RegionSize;
    if (end <= at)
      return -1;
    if (mbi.State != MEM_FREE && fn(arg, at, end < hi ? end : hi))
      return 0;
    at = end;
  }
  return 0;
}
