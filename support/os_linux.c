/* SPDX-License-Identifier: MIT */
/*
 * Linux implementation of support/space.h's OS part: the address-space
 * snapshot (/proc/self/maps) and the module list (dl_iterate_phdr).
 * Another OS gets a file of its own beside this one.
 */
#include "space.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

/* Parses a hex number at *s; 0 when there was at least one digit. */
static int parse_hex(const char **s, const char *end, uintptr_t *out) {
  uintptr_t v = 0;
  const char *p = *s;
  for (; p < end; p++) {
    unsigned d;
    if (*p >= '0' && *p <= '9')
      d = (unsigned)(*p - '0');
    else if (*p >= 'a' && *p <= 'f')
      d = (unsigned)(*p - 'a' + 10);
    else
      break;
    v = v << 4 | d;
  }
  int ok = p > *s ? 0 : -1;
  *s = p;
  *out = v;
  return ok;
}

/* One line "lo-hi perms ...": -1 when it is not one. */
static int parse_line(const char *s, const char *end, sup_range *r, int *rw) {
  if (parse_hex(&s, end, &r->lo) != 0 || s == end || *s++ != '-' ||
      parse_hex(&s, end, &r->hi) != 0 || r->hi <= r->lo || end - s < 3 || *s != ' ')
    return -1;
  *rw = s[1] == 'r' && s[2] == 'w';
  return 0;
}

/*
 * Keeps the C library's own heap (the brk heap, which lies inside the main
 * program's window) from growing or shrinking between two snapshots: glibc's
 * mmap threshold is fixed (it would otherwise rise after a free, moving large
 * blocks into the brk heap), the heap is never trimmed, and it is grown once
 * by a few MiB that later small allocations (the library's own handles, a
 * test's bookkeeping) are served from. Once per process, before the first read.
 */
static void steady_malloc(void) {
  static atomic_int done;
  if (atomic_exchange(&done, 1) != 0)
    return;
#ifdef M_MMAP_THRESHOLD
  enum { PIECES = 64, PIECE = 120 << 10 };
  mallopt(M_MMAP_THRESHOLD, 128 << 10);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  void *p[PIECES];
  for (int i = 0; i < PIECES; i++)
    p[i] = malloc(PIECE);
  for (int i = PIECES; i-- > 0;)
    free(p[i]);
#endif
}

int sup_space_read(sup_ranges *out, sup_space_filter filter) {
  steady_malloc();
  if (out->cap == 0)
    sup_ranges_reserve(out, SUP_SPACE_CAP); /* before the read, never during it */
  out->n = 0;
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  /* Lines are read into a buffer on the stack; a line longer than the buffer
   * (a long path) keeps only its start, which holds all that is parsed. */
  char buf[8192];
  size_t have = 0;
  int mappings = 0, eof = 0, skipping = 0, rc = 0;
  while (!eof || have > 0) {
    if (!eof && have < sizeof buf) {
      ssize_t got = read(fd, buf + have, sizeof buf - have);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0) {
        rc = -1;
        break;
      }
      eof = got == 0;
      have += (size_t)got;
    }
    if (have == 0)
      break;
    char *nl = memchr(buf, '\n', have);
    if (nl == NULL && !eof && have < sizeof buf)
      continue; /* the line is not complete yet */
    size_t len = nl != NULL ? (size_t)(nl - buf) : have;
    if (!skipping) {
      sup_range r;
      int rw;
      if (parse_line(buf, buf + len, &r, &rw) != 0) {
        rc = -1;
        break;
      }
      mappings++;
      if (filter == SUP_SPACE_ALL || rw) {
        if (out->n > 0 && out->v[out->n - 1].hi == r.lo) {
          out->v[out->n - 1].hi = r.hi; /* the kernel lists ascending: merge */
        } else if (out->n == out->cap) {
          rc = -2;
          break;
        } else {
          out->v[out->n++] = r;
        }
      }
    }
    skipping = nl == NULL; /* a cut line: skip its rest */
    size_t used = nl != NULL ? len + 1 : have;
    memmove(buf, buf + used, have - used);
    have -= used;
  }
  close(fd);
  return rc != 0 ? rc : mappings;
}

typedef struct module_list {
  sup_module *v;
  size_t n, cap;
  uintptr_t vdso;
} module_list;

static int module_visit(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  module_list *ms = arg;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (size_t i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_LOAD) {
      lo = ph->p_vaddr < lo ? ph->p_vaddr : lo;
      hi = ph->p_vaddr + ph->p_memsz > hi ? ph->p_vaddr + ph->p_memsz : hi;
    }
  }
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t base = (info->dlpi_addr + lo) & ~(page - 1);
  /* The vDSO is a mapping the kernel provides, not a module a runtime loads. */
  if (lo == UINTPTR_MAX || base == ms->vdso)
    return 0;
  if (ms->n < ms->cap) {
    sup_module *m = &ms->v[ms->n];
    m->base = base;
    m->end = info->dlpi_addr + hi;
    if (info->dlpi_name != NULL && info->dlpi_name[0] != '\0') {
      snprintf(m->name, sizeof m->name, "%s", info->dlpi_name);
    } else {
      ssize_t n = readlink("/proc/self/exe", m->name, sizeof m->name - 1);
      m->name[n > 0 ? n : 0] = '\0';
    }
  }
  ms->n++;
  return 0;
}

size_t sup_modules(sup_module *v, size_t cap) {
  module_list ms = {v, 0, cap, (uintptr_t)getauxval(AT_SYSINFO_EHDR)};
  dl_iterate_phdr(module_visit, &ms); /* the main program comes first */
  return ms.n < cap ? ms.n : cap;
}
