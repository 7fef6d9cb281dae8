/* SPDX-License-Identifier: MIT */
/*
 * ilheap's test support library (support/README.md), this header: what the
 * benchmarks need of the process they run in and of the ones they start, the
 * same on Linux and on Windows (one file per OS: proc_posix.c, proc_windows.c).
 */
#ifndef ILHEAP_SUPPORT_PROC_H
#define ILHEAP_SUPPORT_PROC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What an executable's file name ends with ("" or ".exe"). */
#if defined(_WIN32)
#define SUP_EXE_SUFFIX ".exe"
#else
#define SUP_EXE_SUFFIX ""
#endif

/* A monotonic clock, in nanoseconds. */
uint64_t sup_now_ns(void);
/* CPU time the calling thread has used, in ns: on a shared machine it leaves out
 * the time the thread waited for a core, which wall time counts. */
uint64_t sup_thread_cpu_ns(void);

/* Online processors (at least 1). */
int sup_cpu_count(void);

/* The smallest unit the OS maps apart: the page on Linux, the allocation
 * granularity (64 KiB) on Windows. */
size_t sup_map_unit(void);

/* len bytes of fresh zeroed memory of their own (len a multiple of
 * sup_map_unit), readable, and writable when writable is nonzero; committed but
 * not touched (Linux: MAP_NORESERVE). NULL, with a message, on failure. */
void *sup_map_anon(size_t len, int writable);

/* A crowd of n regions the OS lists apart (alternately read-only and
 * read-write, so that no two merge), their bases into out: 0, or -1 with a
 * message. Linux: n mappings of one page (the kernel packs them top-down among
 * the shared libraries). Windows: the 4 KiB pages of one reservation, committed
 * alternately read-only and read-write, one VirtualQuery region each (n
 * reservations of 64 KiB would take 640 MiB for 10,000: more than a 32-bit
 * process has free). */
int sup_map_crowd(uintptr_t *out, size_t n);

/* A crowd with holes: n one-page regions (alternately read-only and
 * read-write) separated by holes smaller than any chunk ilheap starts, bases
 * into out: 0, or -1 with a message. Linux: holes of two pages. Windows: one
 * reservation of a page in every other granule, so each hole is the rest of its
 * granule and the next granule (124 KiB with 64 KiB granules; a chunk with its
 * guard needs two whole granules). That takes 128 KiB of address space per
 * region, which a 32-bit process has for a few thousand only. */
int sup_map_crowd_holed(uintptr_t *out, size_t n);

/* The process's footprint now. address_space: bytes of address space mapped or
 * reserved (Linux VmSize; Windows VirtualSize, which Wine takes from Linux's
 * VmSize); resident: bytes in memory (RSS / the working set); faults: page
 * faults so far (Linux: minor faults; Windows: PageFaultCount). */
typedef struct sup_footprint {
  uint64_t address_space;
  uint64_t resident;
  uint64_t faults;
} sup_footprint;
int sup_footprint_read(sup_footprint *out); /* 0, or -1 when it cannot be read */

/* The directory of the running program (no trailing separator) into out: 0,
 * or -1 when it cannot be found or does not fit. */
int sup_self_dir(char *out, size_t cap);

/* Nonzero when path names a file this process could run. */
int sup_can_run(const char *path);

/*
 * Runs the program at path with argv (argv[0] first, NULL-terminated) and, when
 * extra_env is not NULL, one more environment variable ("NAME=value"); its
 * standard output goes to *out (malloc'd, NUL-terminated; NULL on failure), its
 * standard error to ours. Returns its exit status, or -1 when it could not be
 * started or did not exit normally.
 */
int sup_run_capture(const char *path, const char *const argv[], const char *extra_env, char **out);

/* For the two implementations of sup_run_capture: everything read_some gives
 * (the bytes it put in buf, at most cap; 0 at the end or on an error) in a new
 * NUL-terminated buffer, or NULL when out of memory. */
char *sup__read_all(size_t (*read_some)(void *src, char *buf, size_t cap), void *src);

#ifdef __cplusplus
}
#endif

#endif
