/* SPDX-License-Identifier: MIT */
/* The portable part of support/proc.h. */
#include "proc.h"

#include <stdlib.h>

char *sup__read_all(size_t (*read_some)(void *src, char *buf, size_t cap), void *src) {
  size_t len = 0, cap = 1 << 16, got;
  char *buf = malloc(cap);
  while (buf != NULL && (got = read_some(src, buf + len, cap - len - 1)) != 0) {
    len += got;
    if (cap - len < 2) {
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        free(buf);
        return NULL;
      }
      buf = nb;
      cap *= 2;
    }
  }
  if (buf != NULL) {
    buf[len] = '\0';
  }
  return buf;
}
