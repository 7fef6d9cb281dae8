/* SPDX-License-Identifier: MIT */
/*
 * ilheap's test support library (not installed, not part of ilheap's API): the
 * one home of what the tests, fuzz harnesses, the demo and the benchmarks need
 * besides the library itself. See support/README.md.
 *
 * This header: sets of address ranges, snapshots of the process's address
 * space and the modules loaded in it. The snapshot and the module list come
 * from the operating system, each OS in one file (support/os_linux.c); the
 * rest is plain arithmetic (support/ranges.c).
 */
#ifndef ILHEAP_SUPPORT_SPACE_H
#define ILHEAP_SUPPORT_SPACE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Range sets ---------------------------------------------------------- */

typedef struct sup_range {
  uintptr_t lo, hi; /* [lo, hi) */
} sup_range;

/* A growable array of ranges. "Normalized": sorted, and touching or
 * overlapping ranges merged, so that it describes a set of addresses. */
typedef struct sup_ranges {
  sup_range *v;
  size_t n, cap;
} sup_ranges;

/* What sup_ranges_hit answers when no range intersects. */
#define SUP_NONE ((size_t)-1)

/* Makes room for cap ranges. The support code is for test programs: running
 * out of memory there is not a finding, so this and push print and abort. */
void sup_ranges_reserve(sup_ranges *rs, size_t cap);
void sup_ranges_push(sup_ranges *rs, uintptr_t lo, uintptr_t hi);
void sup_ranges_free(sup_ranges *rs);
void sup_ranges_normalize(sup_ranges *rs);

/* In a normalized set: the index of the first range that intersects [lo, hi),
 * or SUP_NONE. */
size_t sup_ranges_hit(const sup_ranges *rs, uintptr_t lo, uintptr_t hi);
/* In a normalized set: the bytes of [lo, hi) it covers. */
uintptr_t sup_ranges_overlap(const sup_ranges *rs, uintptr_t lo, uintptr_t hi);
/* In a normalized set: nonzero when it covers all of [lo, hi). */
int sup_ranges_covers(const sup_ranges *rs, uintptr_t lo, uintptr_t hi);
/* Bytes covered by the ranges (of a normalized set: of the set). */
uint64_t sup_ranges_bytes(const sup_ranges *rs);
/* Bytes of [lo, hi) the normalized set a covers and b does not. */
uint64_t sup_ranges_missing(const sup_ranges *a, const sup_ranges *b, uintptr_t lo, uintptr_t hi);
/* Bytes of [lo, hi) covered by exactly one of the normalized sets a and b:
 * 0 when they are the same inside [lo, hi). */
uint64_t sup_ranges_diff(const sup_ranges *a, const sup_ranges *b, uintptr_t lo, uintptr_t hi);

/* Collects what ilheap_walk_reserved or a provider's walk reports into the
 * sup_ranges at arg (an ilheap visitor: returns 0, go on). */
int sup_ranges_visit(void *arg, uintptr_t lo, uintptr_t hi);

/* ---- Address-space snapshots (one implementation per OS) ----------------- */

/* Which mappings a snapshot records. */
typedef enum sup_space_filter {
  SUP_SPACE_ALL = 0, /* every mapping (Linux) / every region not MEM_FREE (Windows) */
  SUP_SPACE_RW = 1   /* only the readable and writable ones */
} sup_space_filter;

/* How many ranges sup_space_read's callers reserve when they do not know:
 * far more than a test process maps. */
#define SUP_SPACE_CAP 16384

/*
 * Reads the process's address space into out (normalized) and returns how
 * many mappings the OS listed (before merging), or -1 when the map cannot be
 * read, or -2 when it holds more ranges than out has room for.
 *
 * It allocates nothing while reading (no malloc, no stdio: the read itself
 * never changes the map it reads), so out must have room already: when
 * out->cap is 0 it first reserves SUP_SPACE_CAP ranges, before reading.
 */
int sup_space_read(sup_ranges *out, sup_space_filter filter);

/* ---- Modules of the process --------------------------------------------- */

typedef struct sup_module {
  uintptr_t base; /* where its image starts (page-aligned): a runtime's module base */
  uintptr_t end;  /* end of its highest segment */
  char name[256]; /* its path as the loader knows it (the main program's own path) */
} sup_module;

/* Lists the modules loaded in the process into v (at most cap), the main
 * program first; what the kernel maps on its own (the vDSO) is not a module.
 * Returns how many were found (those beyond cap are left out). */
size_t sup_modules(sup_module *v, size_t cap);

/* The first of the n modules whose name contains part, or NULL. */
const sup_module *sup_module_find(const sup_module *v, size_t n, const char *part);

#ifdef __cplusplus
}
#endif

#endif
