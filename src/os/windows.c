/* SPDX-License-Identifier: MIT */
/*
 * The platform layer (os.h) on Windows: SRWLOCK and InitOnce (no winpthreads,
 * so a profiler DLL ships no extra DLL), _aligned_malloc, VirtualAlloc.
 */
#include "os.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef PSAPI_VERSION
#define PSAPI_VERSION 2 /* QueryWorkingSetEx is kernel32's K32QueryWorkingSetEx */
#endif
#include <windows.h>
/* after windows.h */
#include <psapi.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>

#include "ilheap.h"

_Static_assert(sizeof(SRWLOCK) <= sizeof(((ilheap__mutex *)0)->os) &&
                   _Alignof(SRWLOCK) <= _Alignof(ilheap__mutex),
               "ilheap__mutex cannot hold an SRWLOCK");
_Static_assert(sizeof(SRWLOCK) <= sizeof(((ilheap__rwlock *)0)->os) &&
                   _Alignof(SRWLOCK) <= _Alignof(ilheap__rwlock),
               "ilheap__rwlock cannot hold an SRWLOCK");
_Static_assert(sizeof(INIT_ONCE) <= sizeof(((ilheap__once *)0)->os) &&
                   _Alignof(INIT_ONCE) <= _Alignof(ilheap__once),
               "ilheap__once cannot hold an INIT_ONCE");

#define SRW(x) ((SRWLOCK *)(void *)&(x)->os)

/* An SRWLOCK needs no resources: init cannot fail and destroy has nothing to do. */
int ilheap__mutex_init(ilheap__mutex *m) {
  InitializeSRWLock(SRW(m));
  return ILHEAP_OK;
}
void ilheap__mutex_destroy(ilheap__mutex *m) { (void)m; }
void ilheap__mutex_lock(ilheap__mutex *m) { AcquireSRWLockExclusive(SRW(m)); }
void ilheap__mutex_unlock(ilheap__mutex *m) { ReleaseSRWLockExclusive(SRW(m)); }

int ilheap__rwlock_init(ilheap__rwlock *l) {
  InitializeSRWLock(SRW(l));
  return ILHEAP_OK;
}
void ilheap__rwlock_destroy(ilheap__rwlock *l) { (void)l; }
void ilheap__rwlock_rdlock(ilheap__rwlock *l) { AcquireSRWLockShared(SRW(l)); }
void ilheap__rwlock_rdunlock(ilheap__rwlock *l) { ReleaseSRWLockShared(SRW(l)); }
void ilheap__rwlock_wrlock(ilheap__rwlock *l) { AcquireSRWLockExclusive(SRW(l)); }
void ilheap__rwlock_wrunlock(ilheap__rwlock *l) { ReleaseSRWLockExclusive(SRW(l)); }

/* INIT_ONCE_STATIC_INIT is all zero bits, as ILHEAP__ONCE_INIT is. */
static BOOL CALLBACK once_trampoline(PINIT_ONCE once, PVOID param, PVOID *context) {
  void (*fn)(void);
  (void)once;
  (void)context;
  memcpy(&fn, &param, sizeof fn); /* a function pointer carried in a PVOID */
  fn();
  return TRUE;
}

void ilheap__once_run(ilheap__once *once, void (*fn)(void)) {
  PVOID param;
  _Static_assert(sizeof param == sizeof fn, "function pointers fit a PVOID");
  memcpy(&param, &fn, sizeof param);
  (void)InitOnceExecuteOnce((PINIT_ONCE)(void *)&once->os, once_trampoline, param, NULL);
}

void ilheap__yield(void) { (void)SwitchToThread(); }

void *ilheap__aligned_calloc(size_t align, size_t size) {
  void *p;
  if (size == 0)
    return NULL;
  if (align < sizeof(void *))
    align = sizeof(void *);
  p = _aligned_malloc(size, align);
  if (p != NULL)
    memset(p, 0, size);
  return p;
}

void ilheap__aligned_free(void *p) { _aligned_free(p); }

size_t ilheap__host_page(void) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  return si.dwPageSize;
}

void *ilheap__host_reserve(size_t len) {
  return VirtualAlloc(NULL, len, MEM_RESERVE, PAGE_NOACCESS);
}

int ilheap__host_commit(void *p, size_t len) {
  return VirtualAlloc(p, len, MEM_COMMIT, PAGE_READWRITE) == p ? ILHEAP_OK : ILHEAP_ENOMEM;
}

int ilheap__host_decommit(void *p, size_t len) {
  /* Decommitted pages read as zero when committed again. */
  return VirtualFree(p, len, MEM_DECOMMIT) ? ILHEAP_OK : ILHEAP_EPROVIDER;
}

int ilheap__host_resident(const void *p, size_t len) {
  PSAPI_WORKING_SET_EX_INFORMATION ws[256];
  size_t page = ilheap__host_page(), n = (len + page - 1) / page;
  if (n > sizeof ws / sizeof ws[0])
    return ILHEAP_EPROVIDER;
  for (size_t i = 0; i < n; i++)
    ws[i].VirtualAddress = (PVOID)((uintptr_t)p + i * page);
  if (!QueryWorkingSetEx(GetCurrentProcess(), ws, (DWORD)(n * sizeof ws[0])))
    return ILHEAP_EPROVIDER;
  for (size_t i = 0; i < n; i++)
    if (ws[i].VirtualAttributes.Valid)
      return 1;
  return 0;
}

void ilheap__host_populate(void *p, size_t len) {
  /* Locking makes the pages resident in one call where it is allowed (the
   * Windows provider does the same: src/os/provider_windows.c). */
  if (VirtualLock(p, len))
    (void)VirtualUnlock(p, len);
}

void ilheap__host_release(void *p, size_t len) {
  (void)len; /* MEM_RELEASE takes the reservation's base and size 0 */
  (void)VirtualFree(p, 0, MEM_RELEASE);
}
