/* SPDX-License-Identifier: MIT */
/*
 * Real modules: the bases of the libraries actually loaded in this process
 * (after dlopen of a few system libraries), one heap each on the OS provider,
 * thousands of IL-sized blocks per module, checked against /proc/self/maps:
 *   contract 1  every block inside its module's window;
 *   contract 2  aligned;
 *   contract 3  no block overlaps another (any heap), its module, or any
 *               mapping that existed before the heaps were created;
 *   contract 4  zero at first, then holds what was written;
 *   contract 7  after destroying every heap, the map is as before (see
 *               check_maps_restored in check.h for how the comparison copes
 *               with Criterion's own thread and the C library's brk heap).
 */
#include "check.h"

#ifdef _WIN32
#include <windows.h>
/* System DLLs every Windows (and Wine prefix) has, loaded by this test; the
 * program, ntdll, kernel32, kernelbase and msvcrt are there already. Names as
 * support/os_windows.c lists them (lower case). */
static const char *const wanted[] = {"ws2_32.dll", "oleaut32.dll", "crypt32.dll",
                                     "shell32.dll", "dbghelp.dll",  "version.dll"};
#define CYCLE_LIB "dbghelp.dll"
static void *dlopen_(const char *name) { return (void *)LoadLibraryA(name); }
static void dlclose_(void *h) { FreeLibrary((HMODULE)h); }
static const char *dlerror_(void) {
  static char msg[32];
  snprintf(msg, sizeof msg, "error %lu", (unsigned long)GetLastError());
  return msg;
}
#else
#include <dlfcn.h>

/* Libraries every Debian system has (libc6, zlib1g, libcrypt1, libgcc-s1...);
 * a missing one is logged and skipped, but at least two must load. */
static const char *const wanted[] = {"libz.so.1",     "libm.so.6",      "libcrypt.so.1",
                                     "libgcc_s.so.1", "libresolv.so.2", "libutil.so.1"};
#define CYCLE_LIB "libz.so.1"
static void *dlopen_(const char *name) { return dlopen(name, RTLD_NOW | RTLD_LOCAL); }
static void dlclose_(void *h) { dlclose(h); }
static const char *dlerror_(void) { return dlerror(); }
#endif
#define NWANTED (sizeof wanted / sizeof wanted[0])

/* Free bytes of a heap's window [base + 1, base + M) in the snapshot `maps`,
 * up to the top of user space: a module with too little gets NULL legitimately
 * (32-bit Wine: the system DLLs sit right under the top, FACTS 12). */
static uint64_t window_free(const sup_ranges *maps, uintptr_t base) {
  uintptr_t lo = base + 1, hi = base + ILHEAP_DEFAULT_MAX_OFFSET;
  if (hi < base)
    hi = UINTPTR_MAX;
#ifdef _WIN32
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  if (hi > (uintptr_t)si.lpMaximumApplicationAddress)
    hi = (uintptr_t)si.lpMaximumApplicationAddress;
#endif
  return hi > lo ? (hi - lo) - sup_ranges_overlap(maps, lo, hi) : 0;
}

static size_t load_libraries(void *handles[NWANTED]) {
  size_t loaded = 0;
  for (size_t i = 0; i < NWANTED; i++) {
    handles[i] = dlopen_(wanted[i]);
    if (handles[i] == NULL)
      cr_log_info("dlopen %s: %s (skipped)", wanted[i], dlerror_());
    else
      loaded++;
  }
  cr_assert_geq(loaded, 2u, "fewer than two system libraries could be loaded");
  return loaded;
}

static void unload_libraries(void *handles[NWANTED]) {
  for (size_t i = 0; i < NWANTED; i++)
    if (handles[i] != NULL)
      dlclose_(handles[i]);
}

/* The mapped range of the module at `base`: the mappings that contain it and
 * follow it contiguously (a module's segments are adjacent in the map). */
static sup_range module_extent(const sup_ranges *maps, uintptr_t base) {
  size_t j = sup_ranges_hit(maps, base, base + 1);
  cr_assert_neq(j, (size_t)-1, "module base %#" PRIxPTR " is not mapped", base);
  return maps->v[j];
}

static void real_modules(size_t per_module, uint32_t alignment) {
  void *handles[NWANTED];
  load_libraries(handles);
  check_modules ms;
  check_loaded_modules(&ms);
  cr_assert_gt(ms.n, 4u, "only %zu modules loaded", ms.n);
  for (size_t i = 0; i < NWANTED; i++)
    if (handles[i] != NULL)
      cr_assert_not_null(sup_module_find(ms.v, ms.n, wanted[i]), "%s loaded but not listed",
                         wanted[i]);

  /* Everything the test itself needs, before the snapshot. */
  ilheap *heaps[sizeof ms.v / sizeof ms.v[0]];
  check_tally tally[sizeof ms.v / sizeof ms.v[0]];
  check_blocks bs = {0};
  check_blocks_reserve(&bs, ms.n * per_module);
  check_os_maps m = {0};
  check_read_maps(&m.before);

  ilheap_options o;
  ilheap_options_init(&o);
  o.alignment = alignment;
  size_t used = 0;
  for (size_t i = 0; i < ms.n; i++) {
    heaps[i] = check_create((void *)ms.v[i].base, &o);
    tally[i] = (check_tally){0};
    size_t ok = check_alloc_il(heaps[i], per_module, 1000 + i, (uint32_t)i, &bs, &tally[i]);
    /* The vdso sits just below the stack: its window may hold nothing free
     * once the stack's growth zone is excluded. Every real library has room. */
    if (strstr(ms.v[i].name, "vdso") != NULL || strstr(ms.v[i].name, "linux-gate") != NULL) {
      cr_log_info("%s at %#" PRIxPTR ": %zu of %zu blocks", ms.v[i].name, ms.v[i].base, ok,
                  per_module);
    } else if (ok < per_module && window_free(&m.before, ms.v[i].base) < 16 * ((uint64_t)1 << 20)) {
      /* Contract 6: a window with (almost) nothing free is exhausted, not an error. */
      cr_log_info("%s at %#" PRIxPTR ": %zu of %zu blocks, %" PRIu64 " bytes free in its window",
                  ms.v[i].name, ms.v[i].base, ok, per_module, window_free(&m.before, ms.v[i].base));
    } else {
      cr_assert_eq(ok, per_module, "%s at %#" PRIxPTR ": %zu of %zu requests failed", ms.v[i].name,
                   ms.v[i].base, per_module - ok, per_module);
      used++;
    }
  }
#if defined(_WIN32) && UINTPTR_MAX == 0xFFFFFFFFu
  /* 32-bit Wine packs the system DLLs under the 2 GiB top: only the program
   * (and what loads low) has room; the others were checked to be exhausted. */
  cr_assert_geq(used, 1u, "not even the program had room for every block");
#else
  cr_assert_gt(used, 4u, "only %zu modules had room for every block", used);
#endif
  check_read_maps(&m.now);

  /* Contract 3: no block overlaps any pre-existing mapping (modules included),
   * nor another block; what the heaps reserved was free and is mapped. */
  check_blocks_avoid(&bs, &m.before, "a mapping that existed before create");
  for (size_t i = 0; i < ms.n; i++) {
    sup_range ext = module_extent(&m.before, ms.v[i].base);
    sup_ranges one = {0};
    sup_ranges_push(&one, ext.lo, ext.hi);
    check_blocks_avoid(&bs, &one, ms.v[i].name);
    sup_ranges_free(&one);
    check_reserved_vs_maps(heaps[i], NULL, &m.before, &m.now, &m.reserved);
    check_stats_consistent(heaps[i], tally[i].blocks, tally[i].requested, tally[i].failed);
    sup_zone_push(&m.zones, heaps[i]);
  }
  sup_ranges_normalize(&m.reserved);
  check_blocks_inside(&bs, &m.reserved);
  check_blocks_verify(&bs); /* contract 4: each still holds its own pattern */
  /* Contract 1 per block against its own heap. */
  for (size_t k = 0; k < bs.n; k++)
    check_block_window(heaps[bs.v[k].heap], (void *)bs.v[k].p, bs.v[k].cb);
  check_blocks_disjoint(&bs);

  for (size_t i = 0; i < ms.n; i++)
    ilheap_destroy(heaps[i]);
  check_read_maps(&m.after);
  sup_ranges_normalize(&m.zones);
  check_maps_restored(&m.before, &m.after, &m.reserved, &m.zones);

  cr_log_info("%zu modules, %zu blocks, %zu reserved ranges", ms.n, bs.n, m.reserved.n);
  check_os_maps_free(&m);
  check_blocks_free(&bs);
  unload_libraries(handles);
}

Test(real_modules, c1_to_c4_c7_every_loaded_module) { real_modules(3000, 8); }
/* Fat IL headers must start on a 4-byte boundary (FACTS 5): the smallest
 * alignment a profiler may ask for. */
Test(real_modules, c1_to_c4_c7_every_loaded_module_align_4) { real_modules(2000, 4); }
/* Page-aligned blocks: many more refills and chunks near every module. */
Test(real_modules, c1_to_c4_c7_every_loaded_module_align_4096) { real_modules(300, 4096); }

/* The lifetime a profiler sees: a module is loaded, gets a heap, is used, the
 * heap is destroyed, the module is unloaded; repeated, the process map comes
 * back each time (contract 7). */
Test(real_modules, c7_load_use_unload_cycles) {
  for (int round = 0; round < 5; round++) {
    void *lib = dlopen_(CYCLE_LIB);
    if (lib == NULL)
      cr_skip_test("%s not installed: %s", CYCLE_LIB, dlerror_());
    check_modules ms;
    check_loaded_modules(&ms);
    const sup_module *z = sup_module_find(ms.v, ms.n, CYCLE_LIB);
    cr_assert_not_null(z);
    check_os_maps m = {0};
    check_blocks bs = {0};
    check_blocks_reserve(&bs, 4000);
    check_read_maps(&m.before);
    ilheap *h = check_create((void *)z->base, NULL);
    check_tally t = {0};
    size_t got = check_alloc_il(h, 4000, (uint64_t)round, 0, &bs, &t);
    if (window_free(&m.before, z->base) < 16 * ((uint64_t)1 << 20))
      cr_log_info("%s: %zu of 4000 blocks, its window is (almost) full", CYCLE_LIB, got);
    else
      cr_assert_eq(got, 4000u);
    check_blocks_avoid(&bs, &m.before, "a mapping that existed before create");
    check_blocks_verify(&bs);
    check_heap_reserved(h, &m.reserved);
    sup_zone_push(&m.zones, h);
    ilheap_destroy(h);
    check_read_maps(&m.after);
    check_maps_restored(&m.before, &m.after, &m.reserved, &m.zones);
    dlclose_(lib);
    check_os_maps_free(&m);
    check_blocks_free(&bs);
  }
}
