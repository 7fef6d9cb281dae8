/* SPDX-License-Identifier: MIT */
/* The /proc/<pid>/maps parser (maps.h): no system call, no OS header. */
#include <string.h>

#include "maps.h"

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

int ilheap__maps_line(const char *s, const char *end, uintptr_t *lo, uintptr_t *hi) {
  if (parse_hex(&s, end, lo) != 0 || s == end || *s++ != '-' || parse_hex(&s, end, hi) != 0 ||
      *hi <= *lo)
    return -1;
  return 0;
}

int ilheap__maps_parse(const char *text, size_t len, int at_end, ilheap_range_visitor visit,
                       void *arg, size_t *used) {
  const char *line = text, *end, *nl;
  uintptr_t lo, hi;
  *used = 0;
  if (len == 0)
    return 0; /* text may be NULL: no arithmetic on it */
  end = text + len;
  for (;; line = nl + 1) {
    nl = memchr(line, '\n', (size_t)(end - line));
    if (nl == NULL) {
      if (!at_end || line == end)
        break;
      nl = end; /* the last line, without its newline */
    }
    if (ilheap__maps_line(line, nl, &lo, &hi) != 0)
      return -1;
    *used = (size_t)(nl - text) + (nl < end);
    if (visit(arg, lo, hi) != 0)
      return 1;
    if (nl == end)
      break;
  }
  return 0;
}
