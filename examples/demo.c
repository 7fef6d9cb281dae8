/* SPDX-License-Identifier: MIT */
/*
 * ilheap-demo: plays a profiler's part in a real process.
 *
 * Default mode: dlopen a handful of real shared libraries, take the base of
 * every loaded module (dl_iterate_phdr), create one ilheap per module on the
 * operating system's provider, and allocate thousands of IL method bodies per
 * module from several threads at once (threads share each module's heap). Each
 * body gets a valid tiny or fat header, its code and, for many fat ones, an
 * exception section. Then every block is checked against the contract of
 * include/ilheap.h (window, alignment, disjointness across all heaps, zero fill
 * before writing, the bodies read back) and against /proc/self/maps (no block
 * overlaps a mapping that existed before; after destroy, the heaps' ranges are
 * gone and every earlier mapping is still there).
 *
 * --crowded: the same on the simulated provider (include/ilheap_sim.h), in a
 * crowded, fragmented window with a budget, to show exhaustion returning NULL
 * while the heap stays usable. Three kinds of heap take turns: one limited by
 * its budget, one by a small window, one whose provider starts refusing and
 * then recovers.
 *
 * Exit status: 0 when every check passed, 1 when any failed, 2 on a usage error.
 */
#include "contract.h"
#include "ilheap.h"
#include "ilheap_il.h"
#include "ilheap_sim.h"
#include "mix.h"
#include "space.h"

#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#include <unistd.h>
#endif

enum { MAX_MODULES = 64, MAX_THREADS = 64, MAX_REPORTED = 20 };

typedef struct block {
  uint8_t *p; /* NULL: the request got NULL (or was never made) */
  uint32_t cb;
  uint32_t module;
  uint64_t key;
} block;

typedef enum flavour { FLAVOUR_REAL, FLAVOUR_BUDGET, FLAVOUR_WINDOW, FLAVOUR_PROVIDER } flavour;

typedef struct module {
  char name[48];
  uintptr_t base;
  uintptr_t image_hi; /* end of the module's highest segment */
  flavour kind;
  ilheap *heap;
  uint32_t max_offset, alignment;
  size_t budget;

  block *blocks;
  size_t cap;                         /* entries in blocks */
  atomic_size_t issued;               /* next index into blocks */
  atomic_uint_fast64_t requested;     /* bytes of the blocks handed out */
  atomic_uint_fast64_t bodies;        /* blocks handed out */
  atomic_uint_fast64_t nulls;         /* NULLs received */
  atomic_uint_fast64_t failures;      /* failed checks */
  atomic_uint_fast64_t first_null_at; /* bytes handed out when the first NULL came */
  atomic_int stop;

  ilheap_stats stats;         /* taken before destroy */
  sup_ranges reserved;        /* normalized, taken before destroy */
  uintptr_t window_free;      /* crowded: free bytes in the window at the start */
  uint64_t window_gaps;       /* crowded: free ranges in the window at the start */
  uint64_t foreign_in_window; /* crowded: foreign ranges in the window */
  char note[160];             /* crowded: how exhaustion came, for the report */
} module;

typedef struct options {
  int modules, threads;
  long bodies;
  uint64_t seed;
  int crowded;
} options;

static module mods[MAX_MODULES];
static int nmods;
static atomic_int reported;
static atomic_uint_fast64_t global_failures;

/* Counts a failed check; prints the first MAX_REPORTED of them. */
static void fail(module *m, const char *fmt, ...) {
  char text[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  if (m) {
    atomic_fetch_add(&m->failures, 1);
  }
  atomic_fetch_add(&global_failures, 1);
  if (n >= 0 && atomic_fetch_add(&reported, 1) < MAX_REPORTED) {
    fprintf(stderr, "FAIL [%s] %s\n", m ? m->name : "-", text);
  }
}

static const char *size_str(char *buf, size_t len, uint64_t bytes) {
  if (bytes < 10240) {
    snprintf(buf, len, "%" PRIu64 " B", bytes);
  } else if (bytes < 10ull << 20) {
    snprintf(buf, len, "%.1f KiB", (double)bytes / 1024.0);
  } else {
    snprintf(buf, len, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
  }
  return buf;
}

/* ---- One body ------------------------------------------------------------ */

static uint64_t body_key(uint64_t seed, size_t module_index, size_t i) {
  return sup_mix64(seed ^ sup_mix64((uint64_t)module_index << 40 ^ (uint64_t)i));
}

/* A number in [0, n) (0 when n is 0). */
static uint32_t pick(uint64_t key, uint64_t salt, uint32_t n) {
  return n ? (uint32_t)(sup_mix64(key ^ (salt * 0xD1B54A32D192ED03ull)) % n) : 0;
}

#define DEMO_MAX_CODE 4064u
#define DEMO_MAX_CLAUSES 6u

/* A body described for ilheap_il.h, with room for its code and clauses. */
typedef struct demo_body {
  ilheap_il_body il;
  ilheap_il_clause clauses[DEMO_MAX_CLAUSES];
  uint8_t code[DEMO_MAX_CODE];
} demo_body;

/*
 * The body for `key`, derived from the key alone so that the reader can
 * recompute what the writer wrote without storing it. Mostly tiny (getters,
 * setters, forwarding stubs: the smaller of two uniform draws leans towards
 * short bodies), some fat ones of 64 bytes to about 4 KiB of code (quadratic,
 * so most are a few hundred), many of those with exception clauses and locals.
 * The library chooses the header and section formats.
 */
static void demo_body_for(uint64_t key, demo_body *b) {
  memset(&b->il, 0, sizeof b->il);
  b->il.code = b->code;
  b->il.max_stack = 8;
  if (pick(key, 1, 100) < 85) {
    uint32_t x = 1 + pick(key, 2, 63), y = 1 + pick(key, 3, 63);
    b->il.code_size = x < y ? x : y;
  } else {
    uint32_t x = pick(key, 4, 1000);
    b->il.code_size = 64 + (uint32_t)((uint64_t)x * x * 4000u / 1000000u);
    b->il.max_stack = 8 + pick(key, 9, 24);
    if (pick(key, 7, 2)) {
      b->il.local_sig_token = 0x11000000u | (1 + pick(key, 8, 500));
      b->il.flags = ILHEAP_IL_INIT_LOCALS;
    }
    if (pick(key, 5, 100) < 60) {
      b->il.clause_count = 1 + pick(key, 6, DEMO_MAX_CLAUSES);
      b->il.clauses = b->clauses;
    }
  }
  assert(b->il.code_size <= DEMO_MAX_CODE);
  /* Arbitrary opcodes ending in ret. */
  for (uint32_t i = 0; i + 1 < b->il.code_size; i++)
    b->code[i] = (uint8_t)(sup_mix64(key * 31u + i) >> 56);
  b->code[b->il.code_size - 1] = 0x2A;
  /* Typed catches and finallys, inside the code (code_size >= 64 here). */
  uint32_t quarter = b->il.code_size / 4, cap = quarter < 255 ? quarter : 255;
  for (uint32_t k = 0; k < b->il.clause_count; k++) {
    ilheap_il_clause *c = &b->clauses[k];
    memset(c, 0, sizeof *c);
    c->kind = pick(key, 100 + k, 2) ? ILHEAP_IL_FINALLY : ILHEAP_IL_CATCH;
    c->try_offset = pick(key, 200 + k, b->il.code_size / 2);
    c->try_length = 1 + pick(key, 300 + k, cap);
    c->handler_offset = c->try_offset + c->try_length;
    c->handler_length = 1 + pick(key, 400 + k, cap);
    if (c->kind == ILHEAP_IL_CATCH)
      c->class_token = 0x01000000u | (1 + pick(key, 500 + k, 0xFFFF));
  }
}

/* The bytes a body needs: the same at every 4-aligned address (contract 2
 * gives the demo's heaps at least 4). 0 if the library refuses the body. */
static uint32_t demo_body_size(const demo_body *b) {
  uint32_t cb = 0;
  return ilheap_il_size(&b->il, 0, &cb) == ILHEAP_IL_OK ? cb : 0;
}

/* Decodes the body at p (cb bytes readable) where it lives and compares it
 * with what `key` describes. Returns NULL or the reason it differs. */
static const char *demo_body_check(const uint8_t *p, uint32_t cb, uint64_t key) {
  demo_body want;
  demo_body_for(key, &want);
  ilheap_il_view v;
  int r = ilheap_il_parse(p, cb, &v);
  if (r != ILHEAP_IL_OK)
    return ilheap_il_strerror(r);
  if (v.size != cb)
    return "body size";
  if (v.body.code_size != want.il.code_size ||
      memcmp(v.body.code, want.code, v.body.code_size) != 0)
    return "code bytes";
  if (v.body.local_sig_token != want.il.local_sig_token ||
      (v.body.flags & ILHEAP_IL_INIT_LOCALS) != want.il.flags ||
      v.body.max_stack != want.il.max_stack)
    return "header fields";
  if (v.body.clause_count != want.il.clause_count)
    return "clause count";
  for (uint32_t k = 0; k < v.body.clause_count; k++) {
    ilheap_il_clause c;
    if (ilheap_il_clause_at(&v, k, &c) != ILHEAP_IL_OK ||
        memcmp(&c, &want.clauses[k], sizeof c) != 0)
      return "clause";
  }
  return NULL;
}

/* Requests one body, checks the block (contract 1, 2, 4) and writes the body.
 * Returns 1 when a block came, 0 on NULL, -1 when no slot was left. */
static int one_body(module *m, size_t mi, uint64_t seed) {
  size_t i = atomic_fetch_add(&m->issued, 1);
  if (i >= m->cap) {
    return -1;
  }
  uint64_t key = body_key(seed, mi, i);
  demo_body body;
  demo_body_for(key, &body);
  uint32_t cb = demo_body_size(&body);
  if (cb == 0) {
    fail(m, "ilheap_il_size refuses the body of key %#" PRIx64, key);
  }
  uint8_t *p = cb ? ilheap_alloc(m->heap, cb) : NULL;
  block *b = &m->blocks[i];
  b->cb = cb;
  b->module = (uint32_t)mi;
  b->key = key;
  if (!p) {
    uint64_t before = atomic_load(&m->requested);
    if (atomic_fetch_add(&m->nulls, 1) == 0) {
      atomic_store(&m->first_null_at, before);
    }
    return 0;
  }
  sup_why why;
  if (sup_check_window(m->base, m->max_offset, m->alignment, p, cb, why) != 0 ||
      sup_check_zero(p, cb, why) != 0) {
    fail(m, "%s", why);
  } else {
    /* Written where it lives: the library places the EH section by the
     * block's absolute address and refuses a misaligned fat header. */
    int r = ilheap_il_write(&body.il, p, cb, NULL);
    if (r != ILHEAP_IL_OK) {
      fail(m, "body at %p not written: %s", (void *)p, ilheap_il_strerror(r));
    }
  }
  b->p = p;
  atomic_fetch_add(&m->requested, cb);
  atomic_fetch_add(&m->bodies, 1);
  return 1;
}

/* ---- Threads ------------------------------------------------------------- */

typedef struct work {
  int first, count; /* modules [first, first + count) */
  uint64_t seed;
  int until_null;      /* stop a module at its first NULL (else a NULL is a failure) */
  uint64_t byte_limit; /* until_null: give up once this many bytes were handed out */
  size_t index_limit;  /* stop once this many indexes were issued (0: the capacity) */
  pthread_barrier_t *start;
} work;

static void *worker(void *arg) {
  const work *w = arg;
  if (w->start) {
    pthread_barrier_wait(w->start);
  }
  int busy = 1;
  while (busy) {
    busy = 0;
    /* Round robin over the modules, so that all heaps grow at once. */
    for (int mi = w->first; mi < w->first + w->count; mi++) {
      module *m = &mods[mi];
      if (atomic_load(&m->stop)) {
        continue;
      }
      if (w->index_limit && atomic_load(&m->issued) >= w->index_limit) {
        continue;
      }
      int r = one_body(m, (size_t)mi, w->seed);
      if (r < 0) {
        continue;
      }
      busy = 1;
      if (r == 0 && !w->until_null) {
        fail(m, "NULL while the heap had room (contract 6 promises success here)");
      }
      if (w->until_null && (r == 0 || atomic_load(&m->requested) > w->byte_limit)) {
        atomic_store(&m->stop, 1);
      }
    }
  }
  return NULL;
}

static int run_threads(int nthreads, work *w) {
  pthread_t tids[MAX_THREADS];
  for (int t = 0; t < nthreads; t++) {
    if (pthread_create(&tids[t], NULL, worker, w) != 0) {
      fail(NULL, "pthread_create failed");
      for (int k = 0; k < t; k++) {
        pthread_join(tids[k], NULL);
      }
      return -1;
    }
  }
  if (w->start) {
    pthread_barrier_wait(w->start);
  }
  for (int t = 0; t < nthreads; t++) {
    pthread_join(tids[t], NULL);
  }
  return 0;
}

/* ---- Checks after the fact ---------------------------------------------- */

/* Contract 3 across every heap: sort all blocks by address, neighbours must
 * not overlap. Also reads every body back. */
static void check_all_blocks(void) {
  size_t total = 0;
  for (int mi = 0; mi < nmods; mi++) {
    size_t n = atomic_load(&mods[mi].issued);
    total += n < mods[mi].cap ? n : mods[mi].cap;
  }
  sup_block *all = malloc((total ? total : 1) * sizeof(sup_block));
  if (!all) {
    fail(NULL, "out of memory for the disjointness check");
    return;
  }
  size_t n = 0;
  for (int mi = 0; mi < nmods; mi++) {
    module *m = &mods[mi];
    size_t issued = atomic_load(&m->issued);
    for (size_t i = 0; i < issued && i < m->cap; i++) {
      block *b = &m->blocks[i];
      if (!b->p) {
        continue;
      }
      const char *why = demo_body_check(b->p, b->cb, b->key);
      if (why) {
        fail(m, "body at %p does not read back: %s", (void *)b->p, why);
      }
      all[n++] = (sup_block){(uintptr_t)b->p, b->cb, b->module, 0};
    }
  }
  sup_why why;
  if (sup_check_disjoint(all, n, why) != 0) {
    fail(NULL, "%s", why);
  }
  free(all);
}

/* Takes the heap's statistics and reserved ranges, and checks that every
 * block lies inside a range the heap reserved. */
static void take_heap_state(module *m) {
  m->stats.size = sizeof m->stats;
  if (ilheap_get_stats(m->heap, &m->stats) != 0) {
    fail(m, "ilheap_get_stats failed");
  }
  m->reserved.n = 0;
  if (ilheap_walk_reserved(m->heap, sup_ranges_visit, &m->reserved) != 0) {
    fail(m, "ilheap_walk_reserved failed");
  }
  sup_ranges_normalize(&m->reserved);
  uint64_t bodies = 0, requested = 0;
  size_t issued = atomic_load(&m->issued);
  for (size_t i = 0; i < issued && i < m->cap; i++) {
    const block *b = &m->blocks[i];
    if (!b->p) {
      continue;
    }
    bodies++;
    requested += b->cb;
    if (!sup_ranges_covers(&m->reserved, (uintptr_t)b->p, (uintptr_t)b->p + b->cb)) {
      fail(m, "block %p is not inside a range the heap reports as reserved", (void *)b->p);
    }
  }
  sup_why why;
  if (sup_check_stats(m->heap, bodies, requested, atomic_load(&m->nulls), why) != 0) {
    fail(m, "%s", why);
  }
  if (m->budget != ILHEAP_UNLIMITED && m->stats.bytes_reserved > m->budget) {
    fail(m, "reserved %" PRIu64 " bytes, over its budget of %zu", m->stats.bytes_reserved,
         m->budget);
  }
}

/* ---- The table ----------------------------------------------------------- */

static void print_table(int crowded) {
  printf("\n%-28s %-14s %7s %10s %10s %10s %10s %10s %6s %5s\n", "module", "base", "bodies",
         "requested", "reserved", "committed", "lowest", "highest", "NULLs", "fails");
  for (int mi = 0; mi < nmods; mi++) {
    module *m = &mods[mi];
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    size_t issued = atomic_load(&m->issued);
    for (size_t i = 0; i < issued && i < m->cap; i++) {
      const block *b = &m->blocks[i];
      if (b->p) {
        uintptr_t off = (uintptr_t)b->p - m->base;
        lo = off < lo ? off : lo;
        hi = off + b->cb > hi ? off + b->cb : hi;
      }
    }
    char s1[32], s2[32], s3[32], los[24], his[24], name[64];
    if (hi) {
      snprintf(los, sizeof los, "+0x%" PRIxPTR, lo);
      snprintf(his, sizeof his, "+0x%" PRIxPTR, hi);
    } else {
      snprintf(los, sizeof los, "-");
      snprintf(his, sizeof his, "-");
    }
    static const char *const kinds[] = {"", " [budget]", " [window]", " [provider]"};
    snprintf(name, sizeof name, "%s%s", m->name, crowded ? kinds[m->kind] : "");
    printf("%-28.28s 0x%012" PRIxPTR " %7" PRIu64 " %10s %10s %10s %12s %12s %6" PRIu64 " %5" PRIu64
           "\n",
           name, m->base, (uint64_t)atomic_load(&m->bodies),
           size_str(s1, sizeof s1, atomic_load(&m->requested)),
           size_str(s2, sizeof s2, m->stats.bytes_reserved),
           size_str(s3, sizeof s3, m->stats.bytes_committed), los, his,
           (uint64_t)atomic_load(&m->nulls), (uint64_t)atomic_load(&m->failures));
  }
}

static int alloc_blocks(module *m, size_t cap) {
  m->blocks = calloc(cap, sizeof *m->blocks);
  m->cap = m->blocks ? cap : 0;
  return m->blocks ? 0 : -1;
}

static void free_modules(void) {
  for (int mi = 0; mi < nmods; mi++) {
    free(mods[mi].blocks);
    sup_ranges_free(&mods[mi].reserved);
  }
}

/* ---- Real mode ----------------------------------------------------------- */

#ifdef _WIN32
/* System DLLs every Windows (and Wine prefix) has; whichever fail to load are
 * skipped. */
static const char *const libraries[] = {
    "ws2_32.dll",  "oleaut32.dll", "crypt32.dll", "shell32.dll", "dbghelp.dll", "version.dll",
    "setupapi.dll", "winhttp.dll", "wininet.dll", "iphlpapi.dll", "secur32.dll", "comctl32.dll",
};
static int load_library(const char *name) { return LoadLibraryA(name) != NULL; }
static long process_id(void) { return (long)GetCurrentProcessId(); }
/* 32-bit Windows packs the system DLLs right under 2 GiB (Wine: with nothing
 * free above them), where a heap rightly gets nothing (contract 6); the demo
 * wants every body placed, so it takes the modules a profiler's managed
 * modules could be: those with room in their window. */
#define DEMO_NEEDS_ROOM 1
static uintptr_t user_top(void) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  return (uintptr_t)si.lpMaximumApplicationAddress;
}
static const char dir_sep = '\\';
#else
/* Libraries every Debian bookworm machine has (glibc, zlib, xz, bzip2, zstd,
 * gcc's runtime, libstdc++, libcrypt...); whichever fail to load are skipped. */
static const char *const libraries[] = {
    "libz.so.1",       "liblzma.so.5",    "libbz2.so.1.0", "libzstd.so.1",
    "libm.so.6",       "libresolv.so.2",  "libcrypt.so.1", "libgcc_s.so.1",
    "libstdc++.so.6",  "libselinux.so.1", "libacl.so.1",   "libattr.so.1",
    "libpcre2-8.so.0", "libtinfo.so.6",   "libuuid.so.1",  "libblkid.so.1",
};
static int load_library(const char *name) { return dlopen(name, RTLD_NOW | RTLD_LOCAL) != NULL; }
static long process_id(void) { return (long)getpid(); }
#define DEMO_NEEDS_ROOM 0
static uintptr_t user_top(void) { return UINTPTR_MAX; }
static const char dir_sep = '/';
#endif

/* Every module of the process becomes one of the demo's modules. */
static void add_modules(void) {
  static sup_module found[MAX_MODULES];
  size_t n = sup_modules(found, MAX_MODULES);
  sup_ranges now = {0};
  if (DEMO_NEEDS_ROOM && sup_space_read(&now, SUP_SPACE_ALL) < 0) {
    return;
  }
  int roomless = 0;
  for (size_t k = 0; k < n; k++) {
    if (DEMO_NEEDS_ROOM) { /* 64 MiB free in [base, base + the default window) */
      uintptr_t lo = found[k].base, hi = lo + ILHEAP_DEFAULT_MAX_OFFSET;
      if (hi < lo || hi > user_top()) { /* the snapshot ends at the top of user space */
        hi = user_top();
      }
      if (hi <= lo) {
        roomless++;
        continue;
      }
      if ((hi - lo) - sup_ranges_overlap(&now, lo, hi) < ((uintptr_t)64 << 20)) {
        roomless++;
        continue;
      }
    }
    module *m = &mods[nmods++];
    const char *slash = strrchr(found[k].name, dir_sep);
    snprintf(m->name, sizeof m->name, "%.47s", slash ? slash + 1 : found[k].name);
    m->base = found[k].base;
    m->image_hi = found[k].end;
    m->kind = FLAVOUR_REAL;
  }
  sup_ranges_free(&now);
  if (roomless > 0) {
    printf("ilheap-demo: %d modules left out: less than 64 MiB free in their window\n", roomless);
  }
}

/* A snapshot of the process map (support/space.h: the read allocates nothing). */
static int map_read(sup_ranges *map) { return sup_space_read(map, SUP_SPACE_ALL) < 0 ? -1 : 0; }

static int run_real(const options *o) {
  int loaded = 0;
  for (size_t k = 0; k < sizeof libraries / sizeof *libraries; k++) {
    if (load_library(libraries[k])) {
      loaded++;
    }
  }
  add_modules();
  printf("ilheap-demo: pid %ld, %d libraries loaded, %d modules in the process\n", process_id(),
         loaded, nmods);
  if (nmods > o->modules) {
    nmods = o->modules;
  }
  if (nmods == 0) {
    fail(NULL, "no module found");
    return 1;
  }

  sup_ranges before = {0}, during = {0}, after = {0};
  sup_ranges_reserve(&during, SUP_SPACE_CAP); /* room for every snapshot, before the first */
  sup_ranges_reserve(&after, SUP_SPACE_CAP);
  for (int mi = 0; mi < nmods; mi++) {
    if (alloc_blocks(&mods[mi], (size_t)o->bodies) != 0) {
      fail(NULL, "out of memory for %ld bodies", o->bodies);
      return 1;
    }
  }
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, (unsigned)o->threads + 1);
  work w = {0, nmods, o->seed, 0, 0, 0, &start};

  /* The map before any heap exists. Everything the demo itself needs is
   * allocated by now, so what appears later is the heaps, the threads'
   * stacks and whatever malloc does for them. */
  if (map_read(&before) != 0) {
    fail(NULL, "cannot read /proc/self/maps");
    return 1;
  }
  for (int mi = 0; mi < nmods; mi++) {
    module *m = &mods[mi];
    int err = ilheap_create((const void *)m->base, NULL, &m->heap);
    if (err != 0) {
      fail(m, "ilheap_create: %s", ilheap_strerror(err));
      return 1;
    }
    m->max_offset = ilheap_max_offset(m->heap);
    m->alignment = ilheap_alignment(m->heap);
    m->budget = ILHEAP_UNLIMITED;
  }
  printf("%d modules x %ld bodies, %d threads per heap, seed %" PRIu64 ", window [1, 0x%" PRIx32
         "), alignment %" PRIu32 "\n",
         nmods, o->bodies, o->threads, o->seed, mods[0].max_offset, mods[0].alignment);
  run_threads(o->threads, &w);
  pthread_barrier_destroy(&start);

  if (map_read(&during) != 0) {
    fail(NULL, "cannot read /proc/self/maps");
  }
  check_all_blocks();
  for (int mi = 0; mi < nmods; mi++) {
    module *m = &mods[mi];
    take_heap_state(m);
    if (atomic_load(&m->bodies) != (uint64_t)o->bodies) {
      fail(m, "%" PRIu64 " of %ld bodies allocated", (uint64_t)atomic_load(&m->bodies), o->bodies);
    }
    /* Contract 3: nothing the heap reserved was mapped before, and it is all
     * really mapped now. Blocks lie inside these ranges (take_heap_state), so
     * no block overlaps an earlier mapping or the module either. */
    sup_why why;
    if (sup_check_reserved_fresh(&m->reserved, &before, &during, why) != 0) {
      fail(m, "%s", why);
    }
    size_t issued = atomic_load(&m->issued);
    for (size_t i = 0; i < issued && i < m->cap; i++) {
      const block *b = &m->blocks[i];
      if (b->p && sup_ranges_overlap(&before, (uintptr_t)b->p, (uintptr_t)b->p + b->cb) != 0) {
        fail(m, "block %p overlaps a mapping that existed before", (void *)b->p);
      }
    }
  }
  print_table(0);

  /* Contract 7: destroy gives every reserved byte back. Read the map right
   * after, before anything else can map there. */
  for (int mi = 0; mi < nmods; mi++) {
    ilheap_destroy(mods[mi].heap);
    mods[mi].heap = NULL;
  }
  if (map_read(&after) != 0) {
    fail(NULL, "cannot read /proc/self/maps");
  }
  uint64_t reserved_total = 0;
  const sup_ranges nowhere = {0};
  for (int mi = 0; mi < nmods; mi++) {
    module *m = &mods[mi];
    sup_why why;
    reserved_total += sup_ranges_bytes(&m->reserved);
    if (sup_check_restored(&before, &after, &m->reserved, &nowhere, why) != 0) {
      fail(m, "%s", why);
    }
  }
  uint64_t gone = sup_ranges_missing(&before, &after, 0, UINTPTR_MAX);
  uint64_t extra = sup_ranges_missing(&after, &before, 0, UINTPTR_MAX);
  if (gone) {
    fail(NULL, "%" PRIu64 " bytes that were mapped before the heaps are no longer mapped", gone);
  }
  char s1[32], s2[32];
  printf("\nprocess map: %zu ranges before, %zu with the heaps, %zu after destroy; "
         "%s reserved by the heaps, all of it released; every earlier mapping intact; "
         "%s mapped since by threads and malloc, none of it in the heaps' ranges\n",
         before.n, during.n, after.n, size_str(s1, sizeof s1, reserved_total),
         size_str(s2, sizeof s2, extra));
  sup_ranges_free(&before);
  sup_ranges_free(&during);
  sup_ranges_free(&after);
  return 0;
}

/* ---- Crowded mode (simulated provider) ----------------------------------- */

enum {
  SIM_SLOT = 16 << 20,      /* address space per simulated module */
  SIM_IMAGE = 256 << 10,    /* the module's own image */
  CROWDED_WINDOW = 8 << 20, /* window of the budget and provider heaps */
  SMALL_WINDOW = 2 << 20,   /* window of the window-limited heap */
  CROWDED_BUDGET = 1 << 20  /* budget of the budget-limited heap */
};

typedef struct sim_count {
  uintptr_t lo, hi;
  uint64_t free_bytes, foreign_bytes, foreign_ranges, free_ranges;
} sim_count;

static int count_kinds(void *arg, uintptr_t lo, uintptr_t hi, ilheap_sim_kind kind) {
  sim_count *c = arg;
  uintptr_t a = lo > c->lo ? lo : c->lo, b = hi < c->hi ? hi : c->hi;
  if (a >= b) {
    return 0;
  }
  if (kind == ILHEAP_SIM_FREE) {
    c->free_bytes += b - a;
    c->free_ranges++;
  } else if (kind == ILHEAP_SIM_FOREIGN) {
    c->foreign_bytes += b - a;
    c->foreign_ranges++;
  }
  return 0;
}

static int collect_committed(void *arg, uintptr_t lo, uintptr_t hi, ilheap_sim_kind kind) {
  return kind == ILHEAP_SIM_COMMITTED ? sup_ranges_visit(arg, lo, hi) : 0;
}

/* Lays out a crowded, fragmented window: foreign ranges of 1-8 pages (small
 * libraries, stacks, other allocators' blocks) with gaps of 1-16 pages between
 * them, from the end of the module image to past the end of the window. */
static int crowd(ilheap_sim *sim, uintptr_t from, uintptr_t to, uint64_t seed, size_t page) {
  uintptr_t a = from;
  uint64_t r = seed;
  while (a < to) {
    r = sup_mix64(r);
    a += (1 + r % 16) * page; /* a gap */
    r = sup_mix64(r);
    size_t len = (1 + r % 8) * page;
    if (ilheap_sim_occupy(sim, a, len) != 0) {
      return -1;
    }
    a += len;
  }
  return 0;
}

static void run_phase(const options *o, int mi, int until_null, uint64_t byte_limit,
                      size_t index_limit) {
  work w = {mi, 1, o->seed, until_null, byte_limit, index_limit, NULL};
  atomic_store(&mods[mi].stop, 0);
  run_threads(o->threads, &w);
}

static int run_crowded(const options *o) {
  nmods = o->modules;
  ilheap_sim *sim;
  int err = ilheap_sim_create((size_t)nmods * SIM_SLOT, 0, &sim);
  if (err != 0) {
    fail(NULL, "ilheap_sim_create: %s", ilheap_strerror(err));
    return 1;
  }
  size_t page = ilheap_sim_page_size(sim);
  uintptr_t sbase = ilheap_sim_base(sim);
  for (int mi = 0; mi < nmods; mi++) {
    module *m = &mods[mi];
    static const flavour order[] = {FLAVOUR_BUDGET, FLAVOUR_WINDOW, FLAVOUR_PROVIDER};
    m->kind = order[mi % 3];
    snprintf(m->name, sizeof m->name, "sim-module-%d", mi);
    m->base = sbase + (uintptr_t)mi * SIM_SLOT + page * 16;
    m->image_hi = m->base + SIM_IMAGE;
    m->max_offset = m->kind == FLAVOUR_WINDOW ? SMALL_WINDOW : CROWDED_WINDOW;
    m->budget = m->kind == FLAVOUR_BUDGET ? CROWDED_BUDGET : ILHEAP_UNLIMITED;
    if (ilheap_sim_occupy(sim, m->base, SIM_IMAGE) != 0 ||
        crowd(sim, m->image_hi, m->base + m->max_offset + 64 * page, o->seed ^ (uint64_t)mi,
              page) != 0) {
      fail(m, "cannot lay out the simulated space");
      return 1;
    }
    sim_count c = {m->base + 1, m->base + m->max_offset, 0, 0, 0, 0};
    ilheap_sim_walk(sim, count_kinds, &c);
    m->window_free = c.free_bytes;
    m->window_gaps = c.free_ranges;
    m->foreign_in_window = c.foreign_ranges;
  }
  sim_count all_before = {sbase, sbase + ilheap_sim_size(sim), 0, 0, 0, 0};
  ilheap_sim_walk(sim, count_kinds, &all_before);
  printf("ilheap-demo --crowded: simulated space of %zu MiB, %" PRIu64 " foreign ranges, %d heaps,"
         " %d threads per heap, seed %" PRIu64 "\n",
         ilheap_sim_size(sim) >> 20, all_before.foreign_ranges, nmods, o->threads, o->seed);

  for (int mi = 0; mi < nmods; mi++) {
    module *m = &mods[mi];
    ilheap_options opts;
    ilheap_options_init(&opts);
    opts.max_offset = m->max_offset;
    opts.budget = m->budget;
    opts.provider = ilheap_sim_provider(sim);
    err = ilheap_create((const void *)m->base, &opts, &m->heap);
    if (err != 0) {
      fail(m, "ilheap_create: %s", ilheap_strerror(err));
      return 1;
    }
    m->alignment = ilheap_alignment(m->heap);
    /* At most one block per alignment unit of the window, plus the bodies. */
    if (alloc_blocks(m, m->max_offset / m->alignment + (size_t)o->bodies) != 0) {
      fail(m, "out of memory");
      return 1;
    }
    char s1[32], s2[32];
    switch (m->kind) {
    case FLAVOUR_BUDGET:
      /* Allocate until NULL. A quarter of the budget must be reachable even
       * in this fragmented window; more than the budget must never be. */
      run_phase(o, mi, 1, m->budget, 0);
      if (atomic_load(&m->nulls) == 0) {
        fail(m, "the budget was never reached: no NULL");
      } else if (atomic_load(&m->first_null_at) < m->budget / 4) {
        fail(m, "NULL after only %s of a %s budget",
             size_str(s1, sizeof s1, atomic_load(&m->first_null_at)),
             size_str(s2, sizeof s2, m->budget));
      }
      if (atomic_load(&m->requested) > m->budget) {
        fail(m, "handed out more than the budget");
      }
      snprintf(m->note, sizeof m->note, "budget %s: first NULL after %s handed out",
               size_str(s1, sizeof s1, m->budget),
               size_str(s2, sizeof s2, atomic_load(&m->first_null_at)));
      break;
    case FLAVOUR_WINDOW:
      /* Allocate until NULL: the window is small and crowded. */
      run_phase(o, mi, 1, m->max_offset, 0);
      if (atomic_load(&m->nulls) == 0) {
        fail(m, "the window never filled: no NULL");
      } else if (atomic_load(&m->first_null_at) < m->window_free / 8) {
        fail(m, "NULL after only %s of %s free in the window",
             size_str(s1, sizeof s1, atomic_load(&m->first_null_at)),
             size_str(s2, sizeof s2, m->window_free));
      }
      snprintf(m->note, sizeof m->note,
               "window 0x%" PRIx32 " with %s free in %" PRIu64 " gaps between %" PRIu64
               " foreign ranges: first NULL after %s",
               m->max_offset, size_str(s1, sizeof s1, m->window_free), m->window_gaps,
               m->foreign_in_window, size_str(s2, sizeof s2, atomic_load(&m->first_null_at)));
      break;
    case FLAVOUR_PROVIDER: {
      /* 1: a healthy provider, no NULL allowed. 2: it refuses every reserve
       * and commit; a NULL must come. 3: it recovers; no NULL allowed. */
      run_phase(o, mi, 0, 0, (size_t)o->bodies / 2);
      ilheap_sim_inject(sim, ILHEAP_SIM_RESERVE, 0, UINT32_MAX);
      ilheap_sim_inject(sim, ILHEAP_SIM_COMMIT, 0, UINT32_MAX);
      run_phase(o, mi, 1, m->max_offset / 2, 0);
      if (atomic_load(&m->nulls) == 0) {
        fail(m, "the provider refused but no NULL came");
      }
      ilheap_sim_inject(sim, ILHEAP_SIM_RESERVE, 0, 0);
      ilheap_sim_inject(sim, ILHEAP_SIM_COMMIT, 0, 0);
      uint64_t nulls = atomic_load(&m->nulls), before = atomic_load(&m->bodies);
      run_phase(o, mi, 0, 0, atomic_load(&m->issued) + (size_t)o->bodies / 2);
      if (atomic_load(&m->nulls) != nulls) {
        fail(m, "NULL after the provider recovered");
      }
      snprintf(m->note, sizeof m->note,
               "provider refused every reserve and commit: NULL after %s; recovered: %" PRIu64
               " more bodies, no NULL",
               size_str(s1, sizeof s1, atomic_load(&m->first_null_at)),
               (uint64_t)atomic_load(&m->bodies) - before);
      break;
    }
    case FLAVOUR_REAL: break;
    }
  }

  /* Every block lies in committed simulated memory: never in a foreign range
   * nor in one that is free. */
  sup_ranges committed = {0};
  ilheap_sim_walk(sim, collect_committed, &committed);
  sup_ranges_normalize(&committed);
  check_all_blocks();
  for (int mi = 0; mi < nmods; mi++) {
    module *m = &mods[mi];
    take_heap_state(m);
    size_t issued = atomic_load(&m->issued);
    for (size_t i = 0; i < issued && i < m->cap; i++) {
      const block *b = &m->blocks[i];
      if (b->p && !sup_ranges_covers(&committed, (uintptr_t)b->p, (uintptr_t)b->p + b->cb)) {
        fail(m, "block %p is not in committed simulated memory", (void *)b->p);
      }
    }
  }
  sup_ranges_free(&committed);
  print_table(1);
  printf("\n");
  for (int mi = 0; mi < nmods; mi++) {
    printf("%-14s %s\n", mods[mi].name, mods[mi].note);
  }

  for (int mi = 0; mi < nmods; mi++) {
    ilheap_destroy(mods[mi].heap);
    mods[mi].heap = NULL;
  }
  ilheap_sim_stats st;
  sim_count all_after = {sbase, sbase + ilheap_sim_size(sim), 0, 0, 0, 0};
  ilheap_sim_walk(sim, count_kinds, &all_after);
  if (ilheap_sim_get_stats(sim, &st) != 0 || st.reserved_bytes != 0 || st.committed_bytes != 0) {
    fail(NULL, "the simulated space still holds reserved memory after every heap was destroyed");
  }
  if (all_after.free_bytes != all_before.free_bytes ||
      all_after.foreign_bytes != all_before.foreign_bytes) {
    fail(NULL, "the simulated map differs from what it was before the heaps");
  }
  printf("\nsimulated map after destroy: as before (%" PRIu64 " foreign ranges, %" PRIu64
         " MiB free); %" PRIu64 " injected provider failures delivered\n",
         all_after.foreign_ranges, all_after.free_bytes >> 20, st.failures);
  ilheap_sim_destroy(sim);
  return 0;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *f) {
  fprintf(f, "usage: ilheap-demo [--modules N] [--bodies N] [--threads N] [--seed S] [--crowded]\n"
             "  --modules N  heaps to create, one per module (default 8; --crowded: 3)\n"
             "  --bodies N   IL method bodies per module (default 4000; --crowded: 2000)\n"
             "  --threads N  threads sharing each module's heap (default 2, at most 64)\n"
             "  --seed S     seed of the body sizes and contents (default 1)\n"
             "  --crowded    a crowded, fragmented simulated address space with a budget:\n"
             "               exhaustion returns NULL and the heap stays usable\n");
}

static int parse_num(const char *s, unsigned long long lo, unsigned long long hi,
                     unsigned long long *out) {
  char *end;
  if (!s || !*s || *s == '-') {
    return -1;
  }
  unsigned long long v = strtoull(s, &end, 0);
  if (*end || v < lo || v > hi) {
    return -1;
  }
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  options o = {0, 2, 0, 1, 0};
  for (int i = 1; i < argc; i++) {
    unsigned long long v = 0;
    const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--crowded")) {
      o.crowded = 1;
      continue;
    }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    }
    int bad = 1;
    if (!strcmp(a, "--modules")) {
      bad = parse_num(next, 1, MAX_MODULES, &v);
      o.modules = (int)v;
    } else if (!strcmp(a, "--bodies")) {
      bad = parse_num(next, 1, 10000000, &v);
      o.bodies = (long)v;
    } else if (!strcmp(a, "--threads")) {
      bad = parse_num(next, 1, MAX_THREADS, &v);
      o.threads = (int)v;
    } else if (!strcmp(a, "--seed")) {
      bad = parse_num(next, 0, ULLONG_MAX, &v);
      o.seed = v;
    }
    if (bad) {
      fprintf(stderr, "ilheap-demo: bad option or value: %s %s\n", a, next ? next : "");
      usage(stderr);
      return 2;
    }
    i++;
  }
  if (!o.modules) {
    o.modules = o.crowded ? 3 : 8;
  }
  if (!o.bodies) {
    o.bodies = o.crowded ? 2000 : 4000;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  int rc = o.crowded ? run_crowded(&o) : run_real(&o);
  uint64_t failures = atomic_load(&global_failures);
  uint64_t bodies = 0, nulls = 0;
  for (int mi = 0; mi < nmods; mi++) {
    bodies += atomic_load(&mods[mi].bodies);
    nulls += atomic_load(&mods[mi].nulls);
  }
  free_modules();
  if (rc != 0 || failures != 0) {
    printf("verdict: FAIL: %" PRIu64 " failed checks over %d heaps and %" PRIu64 " bodies\n",
           failures ? failures : 1, nmods, bodies);
    return 1;
  }
  if (o.crowded) {
    printf("verdict: PASS: %d heaps in a crowded simulated space, %" PRIu64 " bodies, %" PRIu64
           " NULLs, all at exhaustion (budget, window, refusing provider), none while room was "
           "sure, the heaps usable after it, every block inside its window, aligned, disjoint "
           "and zero-filled\n",
           nmods, bodies, nulls);
  } else {
    printf("verdict: PASS: %d heaps, %" PRIu64 " bodies, every block inside its window, aligned, "
           "disjoint across heaps, zero-filled, read back intact, no earlier mapping touched, "
           "all address space returned\n",
           nmods, bodies);
  }
  return 0;
}
