/* SPDX-License-Identifier: MIT */
/* The sample profiler's OS layer on Linux (os.h). */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "os.h"

int os_lock_init(os_lock *lock) { return pthread_mutex_init(lock, NULL) == 0 ? 0 : -1; }
void os_lock_destroy(os_lock *lock) { pthread_mutex_destroy(lock); }
void os_lock_acquire(os_lock *lock) { pthread_mutex_lock(lock); }
void os_lock_release(os_lock *lock) { pthread_mutex_unlock(lock); }

int os_env(const char *name, char *buf, size_t cap) {
  const char *v = getenv(name);
  size_t n = v ? strlen(v) : 0;
  buf[0] = '\0';
  if (!v || n >= cap)
    return 0;
  memcpy(buf, v, n + 1);
  return 1;
}

FILE *os_report_open(const char *path) { return fopen(path, "w"); }

uintptr_t os_module_base(const void *addr) {
  Dl_info dl;
  if (addr && dladdr(addr, &dl) && dl.dli_fbase)
    return (uintptr_t)dl.dli_fbase;
  return 0;
}

/* The kernel places mmap top-down; qemu-user (an arm64 program on an x86
 * host) places bottom-up, like Windows. Asked, not assumed: of two pages
 * mapped one after the other, top-down puts the second below the first. */
int os_new_mappings_top_down(void) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  void *a = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void *b = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  int down = a == MAP_FAILED || b == MAP_FAILED || (uintptr_t)b < (uintptr_t)a;
  if (a != MAP_FAILED)
    munmap(a, pg);
  if (b != MAP_FAILED)
    munmap(b, pg);
  return down;
}

const char *os_file_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

int os_walk_held(uintptr_t lo, uintptr_t hi, int (*fn)(void *arg, uintptr_t lo, uintptr_t hi),
                 void *arg) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f)
    return -1;
  char line[512];
  int at_line_start = 1, stop = 0;
  while (!stop && fgets(line, sizeof line, f)) {
    char *end = line;
    /* A line longer than the buffer continues in the next read: only a line's
     * start has an address range. */
    if (at_line_start) {
      unsigned long long a = strtoull(line, &end, 16), b = 0;
      if (*end == '-')
        b = strtoull(end + 1, &end, 16);
      uintptr_t c0 = (uintptr_t)a > lo ? (uintptr_t)a : lo;
      uintptr_t c1 = (uintptr_t)b < hi ? (uintptr_t)b : hi;
      if (b > a && c0 < c1)
        stop = fn(arg, c0, c1);
    }
    at_line_start = strchr(line, '\n') != NULL;
  }
  fclose(f);
  return 0;
}
