/* SPDX-License-Identifier: MIT */
/*
 * The platform layer (os.h) on POSIX systems: pthreads, posix_memalign, mmap.
 */
#include "os.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../seams.h"
#include "ilheap.h"

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(((ilheap__mutex *)0)->os) &&
                   _Alignof(pthread_mutex_t) <= _Alignof(ilheap__mutex),
               "ilheap__mutex cannot hold a pthread_mutex_t: raise ILHEAP__MUTEX_BYTES");
_Static_assert(sizeof(pthread_rwlock_t) <= sizeof(((ilheap__rwlock *)0)->os) &&
                   _Alignof(pthread_rwlock_t) <= _Alignof(ilheap__rwlock),
               "ilheap__rwlock cannot hold a pthread_rwlock_t: raise ILHEAP__RWLOCK_BYTES");
_Static_assert(sizeof(_Atomic int) <= sizeof(((ilheap__once *)0)->os) &&
                   _Alignof(_Atomic int) <= _Alignof(ilheap__once),
               "ilheap__once cannot hold its state word");

#define MUTEX(m) ((pthread_mutex_t *)(void *)&(m)->os)
#define RWLOCK(l) ((pthread_rwlock_t *)(void *)&(l)->os)

int ilheap__mutex_init(ilheap__mutex *m) {
  /* The seam: an injected failure stands for the OS having no resources. */
  if (ILHEAP_ALLOC_FAILS())
    return ILHEAP_ENOMEM;
  return pthread_mutex_init(MUTEX(m), NULL) == 0 ? ILHEAP_OK : ILHEAP_ENOMEM;
}
void ilheap__mutex_destroy(ilheap__mutex *m) { (void)pthread_mutex_destroy(MUTEX(m)); }
/* Lock and unlock fail only on misuse (a destroyed or foreign lock). */
void ilheap__mutex_lock(ilheap__mutex *m) { (void)pthread_mutex_lock(MUTEX(m)); }
void ilheap__mutex_unlock(ilheap__mutex *m) { (void)pthread_mutex_unlock(MUTEX(m)); }

int ilheap__rwlock_init(ilheap__rwlock *l) {
  if (ILHEAP_ALLOC_FAILS())
    return ILHEAP_ENOMEM;
  return pthread_rwlock_init(RWLOCK(l), NULL) == 0 ? ILHEAP_OK : ILHEAP_ENOMEM;
}
void ilheap__rwlock_destroy(ilheap__rwlock *l) { (void)pthread_rwlock_destroy(RWLOCK(l)); }
void ilheap__rwlock_rdlock(ilheap__rwlock *l) { (void)pthread_rwlock_rdlock(RWLOCK(l)); }
void ilheap__rwlock_rdunlock(ilheap__rwlock *l) { (void)pthread_rwlock_unlock(RWLOCK(l)); }
void ilheap__rwlock_wrlock(ilheap__rwlock *l) { (void)pthread_rwlock_wrlock(RWLOCK(l)); }
void ilheap__rwlock_wrunlock(ilheap__rwlock *l) { (void)pthread_rwlock_unlock(RWLOCK(l)); }

/* A state word rather than pthread_once_t, whose initial value is not zero
 * everywhere (macOS), so ILHEAP__ONCE_INIT can stay OS-neutral. The functions
 * run once are tiny (a sysconf, a getenv): waiters just yield. */
enum { ONCE_NEW = 0, ONCE_RUNNING = 1, ONCE_DONE = 2 };

void ilheap__once_run(ilheap__once *once, void (*fn)(void)) {
  _Atomic int *state = (_Atomic int *)(void *)&once->os;
  int expected = ONCE_NEW;
  if (atomic_load_explicit(state, memory_order_acquire) == ONCE_DONE)
    return;
  if (atomic_compare_exchange_strong_explicit(state, &expected, ONCE_RUNNING,
                                              memory_order_acquire, memory_order_acquire)) {
    ILHEAP_RACE_POINT(ILHEAP__RACE_ONCE); /* a test may make another thread wait here */
    fn();
    atomic_store_explicit(state, ONCE_DONE, memory_order_release);
    return;
  }
  while (atomic_load_explicit(state, memory_order_acquire) != ONCE_DONE)
    ilheap__yield();
}

void ilheap__yield(void) {
  ILHEAP_RACE_POINT(ILHEAP__RACE_WAIT);
  (void)sched_yield();
}

void *ilheap__aligned_calloc(size_t align, size_t size) {
  void *p = NULL;
  if (align < sizeof(void *))
    align = sizeof(void *); /* posix_memalign's minimum */
  if (size == 0 || ILHEAP_ALLOC_FAILS() || posix_memalign(&p, align, size) != 0)
    return NULL;
  memset(p, 0, size);
  return p;
}

void ilheap__aligned_free(void *p) { free(p); }

size_t ilheap__host_page(void) {
  long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? (size_t)page : 4096;
}

void *ilheap__host_reserve(size_t len) {
  void *p;
  if (ILHEAP_OS_FAILS())
    return NULL;
  p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

int ilheap__host_commit(void *p, size_t len) {
  if (ILHEAP_OS_FAILS())
    return ILHEAP_ENOMEM;
  return mprotect(p, len, PROT_READ | PROT_WRITE) == 0 ? ILHEAP_OK : ILHEAP_ENOMEM;
}

int ilheap__host_decommit(void *p, size_t len) {
  /* Replacing pages of our own reservation drops their contents: they read as
   * zero when committed again. */
  if (ILHEAP_OS_FAILS())
    return ILHEAP_EPROVIDER;
  return mmap(p, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) ==
                 MAP_FAILED
             ? ILHEAP_EPROVIDER
             : ILHEAP_OK;
}

int ilheap__host_resident(const void *p, size_t len) {
  unsigned char v[256];
  size_t n = (len + ilheap__host_page() - 1) / ilheap__host_page();
  if (n > sizeof v || mincore((void *)(uintptr_t)p, len, v) != 0)
    return ILHEAP_EPROVIDER;
  for (size_t i = 0; i < n; i++)
    if (v[i] & 1)
      return 1;
  return 0;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels refuse it: a hint */
#endif

void ilheap__host_populate(void *p, size_t len) {
#if defined(__linux__)
  (void)madvise(p, len, MADV_POPULATE_WRITE);
#else
  (void)p;
  (void)len;
#endif
}

void ilheap__host_release(void *p, size_t len) { (void)munmap(p, len); }
