/*
 * Process-map snapshots for the demo: /proc/self/maps on Linux, VirtualQuery on
 * Windows. Reading the map must not change it, so this file uses no malloc and
 * no stdio: one static buffer and read(2) on Linux.
 */
#include "demo.h"

#ifdef _WIN32
#include <windows.h>

/* Every region that is not MEM_FREE, adjacent ones merged; VirtualQuery
 * allocates nothing. */
int demo_map_read(demo_map *map) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  uintptr_t a = (uintptr_t)si.lpMinimumApplicationAddress;
  map->count = 0;
  while (a < (uintptr_t)si.lpMaximumApplicationAddress) {
    MEMORY_BASIC_INFORMATION mbi;
    if (VirtualQuery((LPCVOID)a, &mbi, sizeof mbi) != sizeof mbi) {
      return -1;
    }
    uintptr_t lo = (uintptr_t)mbi.BaseAddress, hi = lo + mbi.RegionSize;
    if (hi <= a) {
      return -1;
    }
    a = hi;
    if (mbi.State == MEM_FREE) {
      continue;
    }
    if (map->count > 0 && map->ranges[map->count - 1].hi == lo) {
      map->ranges[map->count - 1].hi = hi;
      continue;
    }
    if (map->count == map->cap) {
      return -1;
    }
    map->ranges[map->count].lo = lo;
    map->ranges[map->count].hi = hi;
    map->count++;
  }
  return 0;
}

#else
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* Big enough for a few thousand lines (a line is under 200 bytes for the
 * anonymous and library mappings this process has). */
static char maps_text[1 << 20];

static int parse_hex(const char **s, const char *end, uintptr_t *out) {
  uintptr_t v = 0;
  int digits = 0;
  for (; *s < end; (*s)++) {
    char c = **s;
    unsigned d;
    if (c >= '0' && c <= '9') {
      d = (unsigned)(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = (unsigned)(c - 'a' + 10);
    } else {
      break;
    }
    v = v << 4 | d;
    digits++;
  }
  *out = v;
  return digits > 0 ? 0 : -1;
}

int demo_map_read(demo_map *map) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  size_t len = 0;
  for (;;) {
    if (len == sizeof maps_text) {
      close(fd);
      return -1; /* more than the buffer holds: refuse rather than truncate */
    }
    ssize_t n = read(fd, maps_text + len, sizeof maps_text - len);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      close(fd);
      return -1;
    }
    if (n == 0) {
      break;
    }
    len += (size_t)n;
  }
  close(fd);

  map->count = 0;
  const char *s = maps_text, *end = maps_text + len;
  while (s < end) {
    uintptr_t lo, hi;
    if (parse_hex(&s, end, &lo) != 0 || s >= end || *s != '-') {
      return -1;
    }
    s++;
    if (parse_hex(&s, end, &hi) != 0 || hi <= lo) {
      return -1;
    }
    while (s < end && *s != '\n') {
      s++;
    }
    if (s < end) {
      s++;
    }
    /* The kernel lists mappings in ascending order; merging adjacent ones
     * makes the snapshot a set of address ranges, which is what the checks
     * compare (the kernel may merge or split neighbouring lines by itself). */
    if (map->count > 0 && map->ranges[map->count - 1].hi == lo) {
      map->ranges[map->count - 1].hi = hi;
      continue;
    }
    if (map->count == map->cap) {
      return -1;
    }
    map->ranges[map->count].lo = lo;
    map->ranges[map->count].hi = hi;
    map->count++;
  }
  return 0;
}
#endif

/* Index of the first range whose hi is above lo. */
static size_t first_above(const demo_map *map, uintptr_t lo) {
  size_t a = 0, b = map->count;
  while (a < b) {
    size_t m = a + (b - a) / 2;
    if (map->ranges[m].hi <= lo) {
      a = m + 1;
    } else {
      b = m;
    }
  }
  return a;
}

uintptr_t demo_map_overlap(const demo_map *map, uintptr_t lo, uintptr_t hi) {
  uintptr_t total = 0;
  for (size_t i = first_above(map, lo); i < map->count && map->ranges[i].lo < hi; i++) {
    uintptr_t a = map->ranges[i].lo > lo ? map->ranges[i].lo : lo;
    uintptr_t b = map->ranges[i].hi < hi ? map->ranges[i].hi : hi;
    total += b - a;
  }
  return total;
}

int demo_map_covers(const demo_map *map, uintptr_t lo, uintptr_t hi) {
  return demo_map_overlap(map, lo, hi) == hi - lo;
}
