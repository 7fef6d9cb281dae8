/* SPDX-License-Identifier: MIT */
/*
 * The process's own figures for the soak report (profiler.c, "soak" lines;
 * scripts/soak.sh): one implementation per OS, soak_linux.c and
 * soak_windows.c, so that profiler.c reads no OS file of its own.
 */
#ifndef ILHEAP_SAMPLE_SOAK_OS_H
#define ILHEAP_SAMPLE_SOAK_OS_H

#include <stdint.h>

typedef struct soak_process {
  uint64_t mappings; /* Linux: lines of /proc/self/maps; Windows: regions not free */
  uint64_t rss;      /* bytes resident (Linux: statm's resident; Windows: working set) */
  uint64_t vm;       /* bytes of address space mapped or reserved */
  uint64_t ms;       /* a monotonic clock, milliseconds */
  uint64_t heap;     /* bytes the C library's malloc has handed out and not had back,
                        the whole process's (glibc: mallinfo2); 0 if unknown */
} soak_process;

/* Fills *out: 0, or -1 when a figure cannot be read (it is then 0). */
int soak_process_read(soak_process *out);

#endif
