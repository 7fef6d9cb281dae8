/*
 * The Linux address-space provider.
 *
 * walk_free reads the kernel's view of the process, /proc/self/maps, and
 * reports the holes between mappings, minus the zones that others grow into:
 *  - below [stack]: the main stack grows down to RLIMIT_STACK (capped at
 *    STACK_ROOM_MAX when unlimited), plus the kernel's stack guard gap;
 *  - above the program break: the brk heap grows up (BRK_ROOM).
 * Thread stacks and everything else are ordinary mappings and are excluded as
 * such. The view can be stale the moment it is read: reserve is the authority.
 *
 * reserve maps PROT_NONE with MAP_FIXED_NOREPLACE, which fails with EEXIST
 * instead of replacing anything. Kernels before 4.17 ignore the flag and treat
 * the address as a hint, so the result is compared with the request, and a
 * mapping that landed elsewhere is undone: ILHEAP_EBUSY, and the core walks
 * again. Nothing here ever maps over a range it did not reserve itself.
 * commit is mprotect(PROT_READ | PROT_WRITE): anonymous pages read as zero.
 * release is munmap.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ilheap.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define LOWEST_ADDR ((uintptr_t)0x10000)        /* vm.mmap_min_addr's usual value */
#define STACK_GUARD_GAP ((uintptr_t)1 << 20)    /* the kernel's default: 256 pages */
#define STACK_ROOM_MAX ((uintptr_t)1 << 30)     /* when RLIMIT_STACK is unlimited */
#define BRK_ROOM ((uintptr_t)64 << 20)
#define MAPS_BUF (64 * 1024)

#if defined(__x86_64__)
#define USER_TOP ((uintptr_t)0x7FFFFFFFF000) /* 47-bit user space */
#elif defined(__aarch64__)
#define USER_TOP ((uintptr_t)0xFFFFFFFFF000) /* 48-bit user space */
#else
#define USER_TOP ((uintptr_t)0) /* unknown: the end of the highest mapping */
#endif

typedef struct zone {
  uintptr_t lo, hi;
} zone;

typedef struct zones {
  zone *z;
  size_t n, cap;
} zones;

static int add_zone(zones *zs, uintptr_t lo, uintptr_t hi) {
  if (zs->n == zs->cap) {
    size_t ncap = zs->cap ? zs->cap * 2 : 256;
    zone *nz = realloc(zs->z, ncap * sizeof *nz);
    if (nz == NULL)
      return -1;
    zs->z = nz;
    zs->cap = ncap;
  }
  zs->z[zs->n].lo = lo;
  zs->z[zs->n].hi = hi;
  zs->n++;
  return 0;
}

static int zone_cmp(const void *a, const void *b) {
  const zone *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static uintptr_t stack_room(void) {
  struct rlimit rl;
  uintptr_t room = STACK_ROOM_MAX;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      rl.rlim_cur < STACK_ROOM_MAX)
    room = (uintptr_t)rl.rlim_cur;
  return room + STACK_GUARD_GAP;
}

static int parse_hex(const char **s, const char *end, uintptr_t *out) {
  uintptr_t v = 0;
  int digits = 0;
  for (; *s < end; (*s)++, digits++) {
    char c = **s;
    unsigned d;
    if (c >= '0' && c <= '9')
      d = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = (unsigned)(c - 'a' + 10);
    else
      break;
    if (v > (UINTPTR_MAX >> 4))
      return -1;
    v = (v << 4) | d;
  }
  *out = v;
  return digits > 0 ? 0 : -1;
}

static int ends_with(const char *s, const char *end, const char *tag) {
  size_t n = strlen(tag);
  return (size_t)(end - s) >= n && memcmp(end - n, tag, n) == 0;
}

/* One line of /proc/self/maps, without its newline. */
static int take_line(zones *zs, const char *s, const char *end, uintptr_t *highest,
                     uintptr_t *brk_top, uintptr_t room) {
  uintptr_t lo, hi;
  if (parse_hex(&s, end, &lo) != 0 || s == end || *s++ != '-' || parse_hex(&s, end, &hi) != 0 ||
      hi <= lo)
    return -1;
  if (ends_with(s, end, "[vsyscall]"))
    return 0; /* a fixed page above user space, not part of it */
  if (hi > *highest)
    *highest = hi;
  if (ends_with(s, end, "[stack]"))
    lo = lo > room ? lo - room : 0;
  if (ends_with(s, end, "[heap]") && hi > *brk_top)
    *brk_top = hi;
  return add_zone(zs, lo, hi);
}

/* Reads the map into zones; the occupied zones, unsorted, unmerged. */
static int read_maps(zones *zs, uintptr_t *highest, uintptr_t *brk_top) {
  char *buf = malloc(MAPS_BUF);
  size_t have = 0;
  int fd, err = ILHEAP_OK;
  uintptr_t room = stack_room();

  if (buf == NULL)
    return ILHEAP_ENOMEM;
  fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    free(buf);
    return ILHEAP_EPROVIDER;
  }
  for (;;) {
    ssize_t got = read(fd, buf + have, MAPS_BUF - have);
    char *line, *nl, *end;
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      err = ILHEAP_EPROVIDER;
      break;
    }
    end = buf + have + got;
    line = buf;
    while ((nl = memchr(line, '\n', (size_t)(end - line))) != NULL) {
      if (take_line(zs, line, nl, highest, brk_top, room) != 0) {
        err = ILHEAP_EPROVIDER;
        break;
      }
      line = nl + 1;
    }
    if (err != ILHEAP_OK)
      break;
    have = (size_t)(end - line);
    if (got == 0) {
      if (have > 0 && take_line(zs, line, end, highest, brk_top, room) != 0)
        err = ILHEAP_EPROVIDER;
      break;
    }
    if (have == MAPS_BUF) { /* a line longer than any the kernel writes */
      err = ILHEAP_EPROVIDER;
      break;
    }
    memmove(buf, line, have);
  }
  close(fd);
  free(buf);
  return err;
}

static int linux_walk_free(void *ctx, uintptr_t lo, uintptr_t hi, ilheap_gap_visitor visit,
                           void *arg) {
  zones zs = {NULL, 0, 0};
  uintptr_t highest = 0, brk_top, at, top;
  size_t i;
  int err;
  (void)ctx;

  brk_top = (uintptr_t)sbrk(0);
  if (brk_top == (uintptr_t)-1)
    brk_top = 0;
  err = read_maps(&zs, &highest, &brk_top);
  if (err == ILHEAP_OK && brk_top != 0 &&
      add_zone(&zs, brk_top, brk_top > UINTPTR_MAX - BRK_ROOM ? UINTPTR_MAX : brk_top + BRK_ROOM) != 0)
    err = ILHEAP_ENOMEM;
  if (err != ILHEAP_OK) {
    free(zs.z);
    return err;
  }
  qsort(zs.z, zs.n, sizeof *zs.z, zone_cmp);

  top = USER_TOP > highest ? USER_TOP : highest;
  if (lo < LOWEST_ADDR)
    lo = LOWEST_ADDR;
  if (hi > top)
    hi = top;
  at = lo;
  for (i = 0; i <= zs.n && at < hi; i++) {
    uintptr_t gap_end = i < zs.n ? zs.z[i].lo : hi;
    if (gap_end > hi)
      gap_end = hi;
    if (gap_end > at && visit(arg, at, gap_end) != 0)
      break;
    if (i < zs.n && zs.z[i].hi > at)
      at = zs.z[i].hi;
  }
  free(zs.z);
  return ILHEAP_OK;
}

static int linux_reserve(void *ctx, uintptr_t addr, size_t len) {
  void *p;
  (void)ctx;
  p = mmap((void *)addr, len, PROT_NONE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED)
    return errno == EEXIST ? ILHEAP_EBUSY : errno == ENOMEM ? ILHEAP_ENOMEM : ILHEAP_EPROVIDER;
  if ((uintptr_t)p != addr) { /* an old kernel took the address as a hint */
    munmap(p, len);
    return ILHEAP_EBUSY;
  }
  return ILHEAP_OK;
}

static int linux_commit(void *ctx, uintptr_t addr, size_t len) {
  (void)ctx;
  if (mprotect((void *)addr, len, PROT_READ | PROT_WRITE) != 0)
    return errno == ENOMEM ? ILHEAP_ENOMEM : ILHEAP_EPROVIDER;
  return ILHEAP_OK;
}

static int linux_release(void *ctx, uintptr_t addr, size_t len) {
  (void)ctx;
  return munmap((void *)addr, len) == 0 ? ILHEAP_OK : ILHEAP_EPROVIDER;
}

static ilheap_provider linux_provider;
static pthread_once_t linux_once = PTHREAD_ONCE_INIT;

static void linux_init(void) {
  long page = sysconf(_SC_PAGESIZE);
  linux_provider.size = (uint32_t)sizeof linux_provider;
  linux_provider.flags = 0;
  linux_provider.page_size = page > 0 ? (size_t)page : 4096;
  linux_provider.ctx = NULL;
  linux_provider.walk_free = linux_walk_free;
  linux_provider.reserve = linux_reserve;
  linux_provider.commit = linux_commit;
  linux_provider.release = linux_release;
}

const ilheap_provider *ilheap_os_provider(void) {
  return pthread_once(&linux_once, linux_init) == 0 ? &linux_provider : NULL;
}
