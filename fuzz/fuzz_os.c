/* SPDX-License-Identifier: MIT */
/*
 * fuzz_os: the real Linux provider, checked against the process's real map.
 *
 * The input decodes into a bounded sequence of create / alloc / destroy on up
 * to MAX_HEAPS heaps, with bases taken from the process itself (module bases
 * of the process (support/space.h), the ends and starts of existing mappings, the program
 * break, the stack) or made up (near 0, near the top of user space, past the
 * top of the address space, anything). A quarter of the inputs first crowd
 * the process: up to MAX_CROWD one-page mappings with one-page holes between
 * them (a fragmented real address space, and a /proc/self/maps longer than
 * the provider's 64 KiB read buffer), and some bases fall inside the crowd.
 *
 * Checked, besides contract 1, 2 and 4 for every block:
 *  - contract 3: no block and no reserved range of a heap overlaps a mapping
 *    that existed when the input started (/proc/self/maps, read before the
 *    first heap); every reserved range is really mapped, and every block lies
 *    in one;
 *  - contract 6: a NULL leaves the heap's reserved ranges exactly as they were;
 *  - contract 7: right after ilheap_destroy no mapping intersects any range the
 *    heap had reserved (the map is read with no allocation in between, so
 *    nothing else can have been mapped there meanwhile);
 *  - every block keeps its tag pattern until its heap is destroyed.
 *
 * Bounded so that it never exhausts the machine: at most MAX_HEAPS heaps and
 * MAX_OPS operations per input, every heap has a budget of at most MAX_BUDGET
 * unless the request is one that cannot succeed anyway, and the bytes
 * requested per input are capped at MAX_TOTAL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "check.h"
#include "ilheap.h"
#include "os_format.h"
#include "provider.h"
#include "space.h"

#define MAX_HEAPS 4
#define MAX_OPS 48
#define MAX_BLOCKS 1024
#define MAX_BUDGET ((size_t)8 << 20)
#define MAX_TOTAL ((uint64_t)24 << 20)
#define MAX_MODULES 64
#define MAX_CROWD 1200

/* ---- the process map and its modules (support/space.h) ---------------------------- */

/* Snapshots of the map; their room is reserved once, before the first input,
 * so that reading them never maps anything (a fresh mapping could land where
 * a heap was just destroyed). */
static sup_ranges before, now, now_rw;

static void read_map(sup_ranges *m, sup_space_filter filter) {
  int n = sup_space_read(m, filter);
  FUZZ_CHECK(n >= 0, "cannot read the process map (%d)", n);
}

static sup_module modules[MAX_MODULES];
static size_t nmodules;

/* ---- state ----------------------------------------------------------------------- */

typedef struct oheap {
  ilheap *h;
  uintptr_t base;
  uint32_t max_offset, alignment;
  size_t budget;
  uintptr_t lo[256], hi[256]; /* its reserved ranges, as last seen */
  size_t n;
} oheap;

typedef struct oblock {
  uintptr_t p;
  uint32_t cb, tag;
  int heap;
} oblock;

static uintptr_t crowd;    /* first page of the crowd, 0: none */
static size_t crowd_pages; /* its extent in 4 KiB pages, holes included */

#ifdef _WIN32
#include "os_win.h" /* program_break, make_crowd, free_crowd: fuzz_win */
#else
static uintptr_t program_break(void) { return (uintptr_t)sbrk(0); }
#endif
static oheap heaps[MAX_HEAPS];
static oblock blocks[MAX_BLOCKS];
static size_t nblocks;
static uint64_t total_requested;

static int ranges_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  oheap *o = arg;
  FUZZ_CHECK(o->n < 256, "more than 256 chunks");
  o->lo[o->n] = lo;
  o->hi[o->n] = hi;
  o->n++;
  return 0;
}

static void snapshot(oheap *o) {
  o->n = 0;
  FUZZ_CHECK(ilheap_walk_reserved(o->h, ranges_visit, o) == ILHEAP_OK, "walk_reserved");
}

/* Contract 3 for a heap's reservations against the map at the input's start and now. */
static void check_reservations(oheap *o) {
  read_map(&now, SUP_SPACE_ALL);
  for (size_t i = 0; i < o->n; i++) {
    size_t k = sup_ranges_hit(&before, o->lo[i], o->hi[i]);
    FUZZ_CHECK(k == SUP_NONE,
               "contract 3: reserved %#lx-%#lx overlaps the pre-existing mapping %#lx-%#lx",
               (unsigned long)o->lo[i], (unsigned long)o->hi[i], (unsigned long)before.v[k].lo,
               (unsigned long)before.v[k].hi);
    FUZZ_CHECK(sup_ranges_covers(&now, o->lo[i], o->hi[i]), "reserved %#lx-%#lx is not mapped",
               (unsigned long)o->lo[i], (unsigned long)o->hi[i]);
    FUZZ_CHECK(o->lo[i] > o->base && o->hi[i] - o->base <= (uintptr_t)o->max_offset,
               "contract 1: reserved %#lx-%#lx outside the window of base %#lx (max_offset %#x)",
               (unsigned long)o->lo[i], (unsigned long)o->hi[i], (unsigned long)o->base,
               (unsigned)o->max_offset);
  }
}

static void do_alloc(int hi, uint32_t cb) {
  oheap *o = &heaps[hi];
  size_t n_before = o->n;
  uintptr_t lo0[256], hi0[256];
  memcpy(lo0, o->lo, n_before * sizeof *lo0);
  memcpy(hi0, o->hi, n_before * sizeof *hi0);

  void *p = ilheap_alloc(o->h, cb);
  if (cb == 0) {
    FUZZ_CHECK(p == NULL, "contract 5: cb == 0 returned %p", p);
    return;
  }
  snapshot(o);
  if (p == NULL) {
    /* Contract 6: nothing changed. */
    FUZZ_CHECK(o->n == n_before, "contract 6: a failed request changed the reservations");
    for (size_t i = 0; i < o->n; i++)
      FUZZ_CHECK(o->lo[i] == lo0[i] && o->hi[i] == hi0[i],
                 "contract 6: a failed request changed the reservations");
    return;
  }
  total_requested += cb;
  FUZZ_OK(sup_check_window(o->base, o->max_offset, o->alignment, p, cb, why));
  uintptr_t a = (uintptr_t)p;
  size_t k = sup_ranges_hit(&before, a, a + cb);
  FUZZ_CHECK(k == SUP_NONE, "contract 3: block %#lx+%u overlaps the pre-existing mapping %#lx-%#lx",
             (unsigned long)a, (unsigned)cb, (unsigned long)before.v[k].lo,
             (unsigned long)before.v[k].hi);
  int in_chunk = 0;
  for (size_t i = 0; i < o->n; i++)
    in_chunk |= a >= o->lo[i] && a + cb <= o->hi[i];
  FUZZ_CHECK(in_chunk, "contract 3: block %#lx+%u outside the heap's reservations",
             (unsigned long)a, (unsigned)cb);
  for (size_t i = 0; i < nblocks; i++)
    FUZZ_CHECK(a + cb <= blocks[i].p || blocks[i].p + blocks[i].cb <= a,
               "contract 3: block %#lx+%u overlaps block %#lx+%u", (unsigned long)a, (unsigned)cb,
               (unsigned long)blocks[i].p, (unsigned)blocks[i].cb);
  int changed = o->n != n_before;
  for (size_t i = 0; i < o->n && !changed; i++)
    changed = o->lo[i] != lo0[i] || o->hi[i] != hi0[i];
  if (changed) {
    check_reservations(o);
    read_map(&now_rw, SUP_SPACE_RW);
    FUZZ_CHECK(sup_ranges_covers(&now_rw, a, a + cb),
               "contract 4: block %#lx+%u is not read-write mapped", (unsigned long)a,
               (unsigned)cb);
  }
  FUZZ_OK(sup_check_zero(p, cb, why));
  uint32_t tag = (uint32_t)(nblocks + 1) | ((uint32_t)hi << 28);
  sup_fill(p, cb, tag);
  if (nblocks < MAX_BLOCKS) {
    blocks[nblocks].p = a;
    blocks[nblocks].cb = cb;
    blocks[nblocks].tag = tag;
    blocks[nblocks].heap = hi;
    nblocks++;
  }
}

static void do_destroy(int hi) {
  oheap *o = &heaps[hi];
  for (size_t i = 0; i < nblocks; i++)
    fuzz_check_fill((const void *)blocks[i].p, blocks[i].cb, blocks[i].tag, "before destroy");
  snapshot(o);
  ilheap_destroy(o->h);
  o->h = NULL;
  read_map(&now, SUP_SPACE_ALL);
  for (size_t i = 0; i < o->n; i++) {
    size_t k = sup_ranges_hit(&now, o->lo[i], o->hi[i]);
    FUZZ_CHECK(k == SUP_NONE, "contract 7: %#lx-%#lx still mapped (%#lx-%#lx) after destroy",
               (unsigned long)o->lo[i], (unsigned long)o->hi[i], (unsigned long)now.v[k].lo,
               (unsigned long)now.v[k].hi);
  }
  size_t k = 0;
  for (size_t i = 0; i < nblocks; i++)
    if (blocks[i].heap != hi)
      blocks[k++] = blocks[i];
  nblocks = k;
}

/* Indexes into the module list and the map are read with a fixed width and
 * reduced modulo the count, which differs from process to process: the same
 * input then reads the same bytes everywhere. */
static uintptr_t decode_base(fuzz_input *in) {
  uintptr_t page = 4096;
  switch ((os_base)fuzz_pick(in, OB_COUNT)) {
  case OB_CROWD: /* inside the crowd */
    if (crowd != 0)
      return crowd + (uintptr_t)fuzz_range(in, 0, crowd_pages * page);
    return modules[0].base;
  case OB_MODULE:
  case OB_MODULE_2: /* a real module */
    return modules[fuzz_u8(in) % nmodules].base + (uintptr_t)fuzz_range(in, 0, 2) * 2047;
  case OB_MAPPING_END: { /* the end of an existing mapping, give or take */
    size_t i = fuzz_u16(in) % before.n;
    return before.v[i].hi - (uintptr_t)fuzz_range(in, 0, 2 * page);
  }
  case OB_MAPPING_START: { /* the start of an existing mapping */
    size_t i = fuzz_u16(in) % before.n;
    return before.v[i].lo + (uintptr_t)fuzz_range(in, 0, 16);
  }
  case OB_BRK: /* the program break: the window starts where brk grows */
    return program_break() - (uintptr_t)fuzz_range(in, 0, 8 * page);
  case OB_STACK: { /* the stack */
    int local;
    return (uintptr_t)&local - (uintptr_t)fuzz_range(in, 0, 1 << 24);
  }
  case OB_NEAR_ZERO: /* near 0 */ return (uintptr_t)fuzz_range(in, 0, 0x20000);
  case OB_NEAR_TOP: /* near the top of user space (x86-64: 47 bits; 32-bit: a 3 GiB split) */
#if UINTPTR_MAX > 0xFFFFFFFFu
    return ((uintptr_t)1 << 47) - (uintptr_t)fuzz_range(in, 0, 1 << 24);
#else
    return (uintptr_t)0xC0000000u - (uintptr_t)fuzz_range(in, 0, 1 << 24);
#endif
  case OB_PAST_TOP: /* past the top of the address space */
    return UINTPTR_MAX - (uintptr_t)fuzz_range(in, 0, 1 << 20);
  case OB_ANY:
  default: return (uintptr_t)fuzz_u64(in);
  }
}

static void do_create(int hi, fuzz_input *in) {
  oheap *o = &heaps[hi];
  ilheap_options opts;
  ilheap_options_init(&opts);
  o->base = decode_base(in);
  switch (fuzz_pick(in, 4)) {
  case 0: opts.max_offset = ILHEAP_DEFAULT_MAX_OFFSET; break;
  case 1:
    opts.max_offset = (uint32_t)fuzz_range(in, 1, 64) * 4096 + (uint32_t)fuzz_range(in, 0, 2) - 1;
    break;
  case 2: opts.max_offset = UINT32_MAX; break;
  default: opts.max_offset = fuzz_u32(in) | 1u; break;
  }
  opts.alignment = 4u << fuzz_range(in, 0, 10);
  opts.use_guard_pages = (uint32_t)fuzz_range(in, 0, 1);
  opts.budget = (size_t)fuzz_range(in, 0, MAX_BUDGET);
  int use_defaults = fuzz_pick(in, 8) == 0; /* opts NULL: the OS provider, no budget */
  int err = ilheap_create((const void *)o->base, use_defaults ? NULL : &opts, &o->h);
  FUZZ_CHECK(err == ILHEAP_OK && o->h != NULL, "create: %d", err);
  if (use_defaults)
    ilheap_options_init(&opts);
  o->max_offset = opts.max_offset;
  o->alignment = opts.alignment;
  o->budget = opts.budget;
  o->n = 0;
}

/* A request size that stays within the input's bounds: a request bigger than
 * MAX_BUDGET only goes to a heap whose budget or window makes it fail. */
static uint32_t decode_size(const oheap *o, fuzz_input *in) {
  uint32_t cb;
  switch (fuzz_pick(in, 5)) {
  case 0: cb = (uint32_t)fuzz_range(in, 0, 64); break;
  case 1: cb = (uint32_t)fuzz_range(in, 0, 16384); break;
  case 2: cb = (uint32_t)fuzz_range(in, 0, 2 << 20); break;
  case 3: cb = UINT32_MAX - (uint32_t)fuzz_range(in, 0, 4096); break;
  default: cb = fuzz_u32(in); break;
  }
  int bounded = o->budget <= MAX_BUDGET || cb > o->max_offset;
  if (!bounded && cb > (1u << 20))
    cb = 1u << 20;
  if (total_requested + cb > MAX_TOTAL && cb <= o->max_offset && o->budget > MAX_BUDGET)
    cb = 0;
  return cb;
}

#ifndef _WIN32
/* n one-page mappings with a one-page hole after each. */
static void make_crowd(size_t n) {
  size_t page = 4096;
  void *p = mmap(NULL, 2 * n * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  FUZZ_CHECK(p != MAP_FAILED, "cannot map the crowd");
  crowd = (uintptr_t)p;
  crowd_pages = 2 * n;
  for (size_t i = 0; i < n; i++)
    FUZZ_CHECK(munmap((char *)p + (2 * i + 1) * page, page) == 0, "cannot punch the crowd");
}

static void free_crowd(void) {
  FUZZ_CHECK(munmap((void *)crowd, crowd_pages * 4096) == 0, "cannot unmap the crowd");
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (nmodules == 0) {
    nmodules = sup_modules(modules, MAX_MODULES);
    FUZZ_CHECK(nmodules > 0, "no module found");
    sup_ranges_reserve(&before, SUP_SPACE_CAP);
    sup_ranges_reserve(&now, SUP_SPACE_CAP);
    sup_ranges_reserve(&now_rw, SUP_SPACE_CAP);
  }
  fuzz_input in = fuzz_input_make(data, size);
  memset(heaps, 0, sizeof heaps);
  nblocks = 0;
  total_requested = 0;
  crowd = 0;
  if (fuzz_pick(&in, 4) == 0)
    make_crowd((size_t)fuzz_range(&in, 16, MAX_CROWD));
  read_map(&before, SUP_SPACE_ALL);

  for (int op = 0; op < MAX_OPS && fuzz_remaining(&in) > 0; op++) {
    int hi = (int)fuzz_pick(&in, MAX_HEAPS);
    oheap *o = &heaps[hi];
    switch ((os_op)fuzz_pick(&in, O_OPS)) {
    case O_CREATE:
      if (o->h != NULL)
        do_destroy(hi);
      do_create(hi, &in);
      break;
    case O_DESTROY:
      if (o->h != NULL)
        do_destroy(hi);
      break;
    case O_BURST: { /* a burst of small requests: chunk growth in place */
      unsigned n = (unsigned)fuzz_range(&in, 1, 64);
      uint32_t cb = (uint32_t)fuzz_range(&in, 1, 4096);
      for (unsigned i = 0; i < n && o->h != NULL; i++)
        do_alloc(hi, cb);
      break;
    }
    default:
      if (o->h != NULL)
        do_alloc(hi, decode_size(o, &in));
      break;
    }
  }
  for (int i = 0; i < MAX_HEAPS; i++)
    if (heaps[i].h != NULL)
      do_destroy(i);
  if (crowd != 0)
    free_crowd();
  return 0;
}
