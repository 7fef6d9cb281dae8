/* SPDX-License-Identifier: MIT */
/*
 * Test seams: failure injection and race hooks, compiled in only with the
 * ILHEAP_SEAMS build option (CMakeLists.txt; the presets whose tests drive them).
 * In other builds every seam below is a macro that calls the real function
 * directly, or nothing: they pay nothing. Portable code: no OS header here; the
 * platform layer (src/os/) applies the seams to its own OS calls.
 *
 * Failure injection, the way libxml2's fuzzers do it: the harness says which
 * of the coming calls fails, and checks that the failure comes back as a
 * documented error (ENOMEM, NULL...) and leaks nothing.
 *  - ilheap__fault_alloc(n): the n-th call (1 = the next) of any of the
 *    library's resource allocations fails: malloc, calloc, realloc, the
 *    platform layer's aligned allocation and lock initializations
 *    (src/os/posix.c: the ones that can fail).
 *  - ilheap__fault_os(n, err): the n-th system call of the OS provider (open,
 *    ioctl, read, mmap, mprotect, munmap, getrlimit) or of the platform
 *    layer's host address space (src/os/posix.c) fails with errno err
 *    instead of being made; err == ILHEAP__ELSEWHERE makes that call, if it is
 *    mmap, map at an address other than the one asked for (what kernels before
 *    4.17 do with MAP_FIXED_NOREPLACE), and any other call fail with EINTR.
 *    EINTR where the code retries, ENOMEM, EEXIST, EACCES: answers a kernel
 *    here rarely or never gives.
 *  - ilheap__faults_fired(): how many injected failures were delivered;
 *    ilheap__alloc_faults_fired(): how many of them were allocations.
 * The counters are process-wide and atomic; n == 0 switches one off.
 *
 * Races: ilheap__set_race_hook(fn, arg) runs fn(point, arg) where another
 * thread's timing decides the path: ILHEAP__RACE_ONCE (the thread that won an
 * ilheap__once, before it runs the function), ILHEAP__RACE_COM (the thread that
 * won a heap's COM object, before it fills it in), ILHEAP__RACE_WAIT (a
 * thread waiting for one of those, each time it yields) and
 * ILHEAP__RACE_REGISTRY (a registry_get that found no heap for its module,
 * between its read lock and its write lock). fn may start another thread at
 * ONCE or COM and return once that thread has been seen to WAIT, or at REGISTRY
 * and return once that thread has created the module's heap: the branch that
 * handles the other thread is then taken deterministically, not once in a
 * million runs.
 *
 * Reads: ilheap__set_read_filter(fn, arg) passes every read of the Linux
 * provider's /proc/self/maps text through fn(buf, got, cap, arg): buf holds the
 * got bytes read (got >= 0) with room for cap; fn may rewrite them and answers
 * the count the parser is to see (0: the end of the file, at most cap). A test
 * serves a text of its own: malformed, over-long or truncated lines no kernel
 * writes, cut at any byte, so the parser's defined answers can be checked.
 *
 * The Linux provider's walk method: ilheap__procmap_reset() (below).
 */
#ifndef ILHEAP_SEAMS_H
#define ILHEAP_SEAMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ilheap.h"

#define ILHEAP__ELSEWHERE (-1)

enum { ILHEAP__RACE_ONCE = 1, ILHEAP__RACE_COM = 2, ILHEAP__RACE_WAIT = 3, ILHEAP__RACE_REGISTRY = 4 };

#if defined(ILHEAP_SEAMS) && ILHEAP_SEAMS
void ilheap__fault_alloc(uint64_t n);
void ilheap__fault_os(uint64_t n, int err);
uint64_t ilheap__faults_fired(void);
uint64_t ilheap__alloc_faults_fired(void);
int ilheap__alloc_fails(void);
int ilheap__os_fails(void); /* 0: make the call; else the errno to fail with */

typedef void (*ilheap__race_hook)(int point, void *arg);
void ilheap__set_race_hook(ilheap__race_hook fn, void *arg);
void ilheap__race_point(int point);

typedef ptrdiff_t (*ilheap__read_filter)(char *buf, ptrdiff_t got, size_t cap, void *arg);
void ilheap__set_read_filter(ilheap__read_filter fn, void *arg);
ptrdiff_t ilheap__run_read_filter(char *buf, ptrdiff_t got, size_t cap);

/* The Linux provider's walk method (src/os/provider_linux.c): reset starts it
 * over as at the first walk of the process (unknown, or the text with
 * ILHEAP_PROCMAP=text; fallback counter at 0, view empty), for a harness that
 * wants every input to start alike; text says whether walks now read the text.
 * Not with walks in flight on other threads. */
void ilheap__procmap_reset(void);
int ilheap__procmap_text(void);

#define ILHEAP_MALLOC(n) (ilheap__alloc_fails() ? NULL : malloc(n))
#define ILHEAP_CALLOC(n, m) (ilheap__alloc_fails() ? NULL : calloc((n), (m)))
#define ILHEAP_REALLOC(p, n) (ilheap__alloc_fails() ? NULL : realloc((p), (n)))
#define ILHEAP_ALLOC_FAILS() ilheap__alloc_fails()
#define ILHEAP_OS_FAILS() ilheap__os_fails()
#define ILHEAP_RACE_POINT(point) ilheap__race_point(point)
#define ILHEAP_READ_FILTER(buf, got, cap) ilheap__run_read_filter((buf), (got), (cap))
#else
#define ILHEAP_MALLOC(n) malloc(n)
#define ILHEAP_CALLOC(n, m) calloc((n), (m))
#define ILHEAP_REALLOC(p, n) realloc((p), (n))
#define ILHEAP_ALLOC_FAILS() 0
#define ILHEAP_OS_FAILS() 0
#define ILHEAP_RACE_POINT(point) ((void)0)
#define ILHEAP_READ_FILTER(buf, got, cap) (got)
#endif

#endif
