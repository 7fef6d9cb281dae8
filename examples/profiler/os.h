/* SPDX-License-Identifier: MIT */
/*
 * What the sample profiler needs from the operating system, and nothing else:
 * one implementation per OS (os_linux.c, os_windows.c), so profiler.c has no
 * OS header and no #ifdef of its own.
 */
#ifndef ILHEAP_SAMPLE_OS_H
#define ILHEAP_SAMPLE_OS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* printf's format checks, for the C library's printf: mingw-w64 builds with
 * __USE_MINGW_ANSI_STDIO=1 (C99 %zu, %ju), whose printf is gnu_printf. */
#if defined(__MINGW32__) && !defined(__clang__) /* clang: printf checks C99 formats */
#define OS_PRINTF_LIKE(f, a) __attribute__((format(gnu_printf, f, a)))
#elif defined(__GNUC__)
#define OS_PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define OS_PRINTF_LIKE(f, a)
#endif

/* A lock that needs no allocation and can be initialized statically
 * (OS_LOCK_INIT): a pthread mutex on Linux, an SRWLOCK on Windows (which is
 * one pointer, zero when free). */
#if defined(_WIN32)
typedef struct os_lock {
  void *srw;
} os_lock;
#define OS_LOCK_INIT {0}
#else
#include <pthread.h>
typedef pthread_mutex_t os_lock;
#define OS_LOCK_INIT PTHREAD_MUTEX_INITIALIZER
#endif

/* 0 on success. */
int os_lock_init(os_lock *lock);
void os_lock_destroy(os_lock *lock);
void os_lock_acquire(os_lock *lock);
void os_lock_release(os_lock *lock);

/* Copies the environment variable `name` into buf[cap] (always terminated,
 * cap > 0). 1 if it is set and fits, 0 otherwise (buf is then ""). */
int os_env(const char *name, char *buf, size_t cap);

/* Opens the report file for writing, truncated, bytes as written (no newline
 * translation). NULL on failure. */
FILE *os_report_open(const char *path);

/* The base address of the module (shared library, DLL) that contains addr:
 * libcoreclr.so or coreclr.dll when addr is in the runtime. 0 if unknown. */
uintptr_t os_module_base(const void *addr);

/* 1 if the OS places a new mapping with no address asked for top-down (Linux
 * mmap: below the highest free range that fits), 0 if bottom-up (Windows
 * VirtualAlloc, MapViewOfFile: the lowest). The landing zone's policy depends
 * on it (profiler.c). */
int os_new_mappings_top_down(void);

/* The file name part of a module path (after the last separator). */
const char *os_file_name(const char *path);

/*
 * Calls fn(arg, lo, hi) for each part of [lo, hi) that is mapped or reserved
 * in this process (not free address space), in ascending order; stops when fn
 * returns non-zero. -1 if the process map cannot be read, else 0.
 * Linux reads /proc/self/maps; Windows asks VirtualQuery.
 */
int os_walk_held(uintptr_t lo, uintptr_t hi, int (*fn)(void *arg, uintptr_t lo, uintptr_t hi),
                 void *arg);

#endif
