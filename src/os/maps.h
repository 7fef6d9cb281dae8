/* SPDX-License-Identifier: MIT */
/*
 * The /proc/<pid>/maps text, parsed: a pure function from text to address
 * ranges (no system call, no state), for the Linux provider's walk on kernels
 * without the PROCMAP_QUERY ioctl (before 6.11). Tested and fuzzed on its own
 * (tests/test_unit_providers.c, fuzz/fuzz_maps.c). Not installed.
 *
 * The format (proc(5)): one mapping per line, "lo-hi perms offset dev inode
 * path", lo and hi in lowercase hexadecimal without a prefix, ascending. Only
 * "lo-hi" is read; what follows it is not the walk's business and may be
 * anything up to the newline.
 */
#ifndef ILHEAP_OS_MAPS_H
#define ILHEAP_OS_MAPS_H

#include <stddef.h>
#include <stdint.h>

#include "ilheap.h"

/* One line [s, end), without its newline: 0 and sets *lo, *hi, or -1 when it
 * does not start with "lo-hi" (lowercase hex digits, a value that fits in a
 * uintptr_t, then '-', then the same) with lo < hi. */
int ilheap__maps_line(const char *s, const char *end, uintptr_t *lo, uintptr_t *hi);

/*
 * Calls visit(arg, lo, hi) for each whole line of text[0, len) in order: a line
 * ends with '\n', and with at_end (the text is all there is) the last line may
 * end with the text instead. Sets *used to the bytes of the lines taken (a
 * partial last line is left for the caller's next read). Returns
 *   0   every whole line was taken;
 *   1   visit returned nonzero (*used: up to and including that line);
 *  -1   a line is malformed (ilheap__maps_line): nothing from it on is
 *       visited (*used: up to that line).
 * text may be NULL when len is 0.
 */
int ilheap__maps_parse(const char *text, size_t len, int at_end, ilheap_range_visitor visit,
                       void *arg, size_t *used);

#endif
