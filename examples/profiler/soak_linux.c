/* SPDX-License-Identifier: MIT */
/* soak_os.h on Linux: /proc/self/maps, /proc/self/statm, CLOCK_MONOTONIC. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "soak_os.h"

int soak_process_read(soak_process *out) {
  int err = 0;
  memset(out, 0, sizeof *out);
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
    out->ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
  /* One line per mapping: count the newlines, whatever the lines' length. */
  FILE *f = fopen("/proc/self/maps", "r");
  if (f) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
      for (const char *c = buf; (c = memchr(c, '\n', n - (size_t)(c - buf))) != NULL; c++)
        out->mappings++;
    fclose(f);
  } else {
    err = -1;
  }
  /* statm: size resident shared text lib data dt, in pages. */
  char line[256];
  long page = sysconf(_SC_PAGESIZE);
  f = fopen("/proc/self/statm", "r");
  char *at = f && fgets(line, sizeof line, f) ? line : NULL, *end = NULL;
  unsigned long long size = at ? strtoull(at, &end, 10) : 0;
  unsigned long long resident = end && end != at ? strtoull(end, &at, 10) : 0;
  if (at && at != end && page > 0) {
    out->vm = size * (uint64_t)page;
    out->rss = resident * (uint64_t)page;
  } else {
    err = -1;
  }
  if (f)
    fclose(f);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 mi = mallinfo2();
  out->heap = (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
#endif
  return err;
}
