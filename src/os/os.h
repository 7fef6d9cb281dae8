/* SPDX-License-Identifier: MIT */
/*
 * The platform layer: what the portable code (heap.c, registry.c, com.c,
 * sim.c) needs from the operating system, and nothing more. Not installed.
 *
 * Each OS implements every function below in one file: src/os/posix.c (Linux,
 * and any POSIX system), src/os/windows.c. The address-space providers live
 * beside them (src/os/provider_<os>.c). Only files under src/os/ include an OS
 * header; a new OS is one implementation of this interface plus its provider.
 *
 * The lock and once types are opaque storage sized for the OS's own object
 * (each implementation checks the size and alignment with static asserts), so
 * that portable structs can embed them without seeing an OS header.
 */
#ifndef ILHEAP_OS_H
#define ILHEAP_OS_H

#include <stddef.h>

#if defined(_WIN32)
#define ILHEAP__MUTEX_BYTES sizeof(void *)  /* an SRWLOCK */
#define ILHEAP__RWLOCK_BYTES sizeof(void *) /* an SRWLOCK */
#elif defined(__APPLE__)
#define ILHEAP__MUTEX_BYTES 64   /* pthread_mutex_t */
#define ILHEAP__RWLOCK_BYTES 200 /* pthread_rwlock_t */
#else
#define ILHEAP__MUTEX_BYTES 64  /* pthread_mutex_t: 24 (i386) to 48 (aarch64) */
#define ILHEAP__RWLOCK_BYTES 64 /* pthread_rwlock_t: 32 (i386) to 56 */
#endif

/* Storage aligned for any of the OS objects above (pointers, long long). */
#define ILHEAP__OS_STORAGE(bytes)                                                                  \
  union {                                                                                          \
    void *p;                                                                                       \
    long long ll;                                                                                  \
    unsigned char b[bytes];                                                                        \
  }

/* ---- thread-local storage --------------------------------------------------- */
/* Storage class of a per-thread variable: C11's, or the compiler's own where
 * its C mode lacks it. */
#if defined(_MSC_VER) && !defined(__clang__)
#define ILHEAP__THREAD_LOCAL __declspec(thread)
#else
#define ILHEAP__THREAD_LOCAL _Thread_local
#endif

/* ---- locks: a mutex (not recursive), a reader-writer lock ------------------ */
typedef struct ilheap__mutex {
  ILHEAP__OS_STORAGE(ILHEAP__MUTEX_BYTES) os;
} ilheap__mutex;

typedef struct ilheap__rwlock {
  ILHEAP__OS_STORAGE(ILHEAP__RWLOCK_BYTES) os;
} ilheap__rwlock;

/* init: 0, or ILHEAP_ENOMEM when the OS has no resources for it. */
int ilheap__mutex_init(ilheap__mutex *m);
void ilheap__mutex_destroy(ilheap__mutex *m);
void ilheap__mutex_lock(ilheap__mutex *m);
void ilheap__mutex_unlock(ilheap__mutex *m);

int ilheap__rwlock_init(ilheap__rwlock *l);
void ilheap__rwlock_destroy(ilheap__rwlock *l);
void ilheap__rwlock_rdlock(ilheap__rwlock *l);
void ilheap__rwlock_rdunlock(ilheap__rwlock *l);
void ilheap__rwlock_wrlock(ilheap__rwlock *l);
void ilheap__rwlock_wrunlock(ilheap__rwlock *l);

/* ---- once -------------------------------------------------------------------- */
/* A static ilheap__once starts as ILHEAP__ONCE_INIT. ilheap__once_run calls fn
 * exactly once per flag; every caller returns after fn has returned. */
typedef struct ilheap__once {
  ILHEAP__OS_STORAGE(sizeof(void *)) os; /* Windows: an INIT_ONCE; POSIX: a state word */
} ilheap__once;
#define ILHEAP__ONCE_INIT {{0}}

void ilheap__once_run(ilheap__once *once, void (*fn)(void));

/* Lets another thread run (spin-wait loops). */
void ilheap__yield(void);

/* ---- ordinary memory with an alignment -------------------------------------- */
/* size zero-filled bytes aligned to align (a power of two, at most 4096), or
 * NULL. For anything with an _Alignas above the platform's malloc alignment
 * (calloc gives 8 on i686 Windows): free it with ilheap__aligned_free only. */
void *ilheap__aligned_calloc(size_t align, size_t size);
void ilheap__aligned_free(void *p);

/* ---- the host's address space (the simulated provider's backing) ------------ */
/* The host's page: the unit of commit/decommit (4 KiB on x86; Windows reserves
 * at 64 KiB but commits at this). */
size_t ilheap__host_page(void);
/* Reserves len bytes anywhere, inaccessible: the address, or NULL. */
void *ilheap__host_reserve(size_t len);
/* Inside one reservation, [p, p + len) page aligned: commit makes it readable and
 * writable (reading zero where it was decommitted); decommit drops the contents
 * and makes it inaccessible again. 0, or ILHEAP_ENOMEM / ILHEAP_EPROVIDER. */
int ilheap__host_commit(void *p, size_t len);
int ilheap__host_decommit(void *p, size_t len);
/* Committed [p, p + len), page aligned: 1 when any of its pages is resident,
 * 0 when none is, or ILHEAP_EPROVIDER. At most 256 host pages. */
int ilheap__host_resident(const void *p, size_t len);
/* Makes committed [p, p + len) resident now, in bulk where the OS can (a hint:
 * nothing happens where it cannot). */
void ilheap__host_populate(void *p, size_t len);
/* Gives back a whole reservation (p and len as ilheap__host_reserve had them). */
void ilheap__host_release(void *p, size_t len);

/* ---- the Linux provider's diagnostics ------------------------------------------ */
/* How many times the provider gave up the PROCMAP_QUERY ioctl for the text of
 * /proc/self/maps (0, or 1: the switch is for good), and in *why (when not
 * NULL) the errno that made it (0 before). A debug counter, not public: the
 * answers are the same either way, only the cost of a walk differs. Other
 * platforms do not define it. */
unsigned ilheap__procmap_fallbacks(int *why);

#endif /* ILHEAP_OS_H */
