/* SPDX-License-Identifier: MIT */
/*
 * fuzz_maps: the /proc/<pid>/maps parser (src/os/maps.h), a pure function from
 * text to ranges, on its own: no process map, no system call, no seam.
 *
 * The input's first byte picks a read size (1 to 256 bytes, or everything at
 * once); the rest is the text. Checked:
 *  - against a reference written another way (strtoumax over the span of
 *    lowercase hex digits, a line at a time): the same ranges in the same order,
 *    and a malformed line exactly where the reference finds one;
 *  - the text fed as the provider reads it (src/os/provider_linux.c: a read of
 *    that size at a time, the unparsed end of a partial line kept for the next
 *    one, at_end on the last) gives what one call over the whole text gives;
 *  - a visitor that stops after k ranges: exactly k visited, and *used ends
 *    that many lines.
 * The corpus (corpus/fuzz_maps) starts from real /proc/self/maps texts of
 * 64-bit and 32-bit processes.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "os/maps.h"

#define MAX_LINES 4096

typedef struct got {
  uintptr_t lo[MAX_LINES], hi[MAX_LINES];
  size_t n, stop_after; /* stop_after 0: never stop */
} got;

static int record(void *arg, uintptr_t lo, uintptr_t hi) {
  got *g = arg;
  FUZZ_CHECK(g->n < MAX_LINES, "more lines than the input holds");
  g->lo[g->n] = lo;
  g->hi[g->n] = hi;
  g->n++;
  return g->stop_after != 0 && g->n == g->stop_after;
}

/* The reference: one hex field of a line, read with strtoumax. */
static int ref_hex(const char **s, const char *end, uintptr_t *out) {
  char buf[80];
  size_t n = 0;
  while (*s + n < end && (((*s)[n] >= '0' && (*s)[n] <= '9') || ((*s)[n] >= 'a' && (*s)[n] <= 'f')))
    n++;
  if (n == 0)
    return -1;
  /* Leading zeros do not count against the width. */
  size_t z = 0;
  while (z + 1 < n && (*s)[z] == '0')
    z++;
  if (n - z >= sizeof buf)
    return -1;
  memcpy(buf, *s + z, n - z);
  buf[n - z] = 0;
  uintmax_t v = strtoumax(buf, NULL, 16);
  if (n - z > 2 * sizeof(uintptr_t) || v > UINTPTR_MAX)
    return -1;
  *out = (uintptr_t)v;
  *s += n;
  return 0;
}

/* The reference over the whole text: ranges, and -1 at the first bad line. */
static int reference(const char *text, size_t len, got *g) {
  const char *line = text, *end = text + len;
  while (line < end) {
    const char *nl = memchr(line, '\n', (size_t)(end - line));
    const char *stop = nl != NULL ? nl : end;
    const char *s = line;
    uintptr_t lo, hi;
    if (ref_hex(&s, stop, &lo) != 0 || s == stop || *s++ != '-' || ref_hex(&s, stop, &hi) != 0 ||
        hi <= lo)
      return -1;
    record(g, lo, hi);
    if (nl == NULL)
      break;
    line = nl + 1;
  }
  return 0;
}

/* The provider's reading loop over reads of `chunk` bytes into a buffer of cap. */
static int by_reads(const char *text, size_t len, size_t chunk, got *g) {
  static char buf[1 << 16];
  size_t have = 0, at = 0, used;
  for (;;) {
    size_t n = len - at < chunk ? len - at : chunk;
    if (n > sizeof buf - have)
      n = sizeof buf - have;
    memcpy(buf + have, text + at, n);
    at += n;
    have += n;
    int r = ilheap__maps_parse(buf, have, n == 0, record, g, &used);
    if (r != 0 || n == 0)
      return r;
    FUZZ_CHECK(used <= have, "used %zu of %zu", used, have);
    FUZZ_CHECK(used == 0 || buf[used - 1] == '\n', "used does not end a line");
    have -= used;
    if (have == sizeof buf)
      return -2; /* a line longer than the buffer */
    memmove(buf, buf + used, have);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static got want, one, reads, part;
  if (size < 1 || size > 60000) /* a line longer than the provider's buffer: fuzz_faults */
    return 0;
  size_t chunk = data[0] == 0 ? size : (size_t)data[0];
  const char *text = (const char *)data + 1;
  size_t len = size - 1, used = 0;

  memset(&want, 0, sizeof want);
  memset(&one, 0, sizeof one);
  memset(&reads, 0, sizeof reads);
  int want_r = reference(text, len, &want);
  int r = ilheap__maps_parse(len ? text : NULL, len, 1, record, &one, &used);
  FUZZ_CHECK(r == want_r, "answer %d, the reference %d", r, want_r);
  FUZZ_CHECK(one.n == want.n, "%zu ranges, the reference %zu", one.n, want.n);
  for (size_t i = 0; i < one.n; i++)
    FUZZ_CHECK(one.lo[i] == want.lo[i] && one.hi[i] == want.hi[i],
               "range %zu: %#" PRIxPTR "-%#" PRIxPTR ", the reference %#" PRIxPTR "-%#" PRIxPTR, i,
               one.lo[i], one.hi[i], want.lo[i], want.hi[i]);
  if (r == 0)
    FUZZ_CHECK(used == len, "every line taken, but used %zu of %zu", used, len);

  int rr = by_reads(text, len, chunk, &reads);
  FUZZ_CHECK(rr == r, "read %zu bytes at a time: answer %d, at once %d", chunk, rr, r);
  FUZZ_CHECK(reads.n == one.n, "read %zu bytes at a time: %zu ranges, at once %zu", chunk, reads.n,
             one.n);
  for (size_t i = 0; i < reads.n; i++)
    FUZZ_CHECK(reads.lo[i] == one.lo[i] && reads.hi[i] == one.hi[i], "range %zu differs", i);

  if (one.n > 0) { /* a visitor that stops after k ranges */
    memset(&part, 0, sizeof part);
    part.stop_after = 1 + (size_t)data[0] % one.n;
    r = ilheap__maps_parse(text, len, 1, record, &part, &used);
    FUZZ_CHECK(r == 1 && part.n == part.stop_after, "stopped after %zu: answer %d, %zu visited",
               part.stop_after, r, part.n);
    size_t lines = 0;
    for (size_t i = 0; i < used; i++)
      lines += text[i] == '\n';
    FUZZ_CHECK(lines == part.n || (lines + 1 == part.n && used == len),
               "stopped after %zu: used %zu bytes, %zu lines", part.n, used, lines);
  }
  return 0;
}
