/* SPDX-License-Identifier: MIT */
/*
 * A CoreCLR profiler in plain C that rewrites IL method bodies with ilheap.
 *
 * How the runtime finds it:
 *   CORECLR_ENABLE_PROFILING=1
 *   CORECLR_PROFILER={1BA6DB91-C0B5-4A2E-BF65-004C550AAC0E}
 *   CORECLR_PROFILER_PATH=/abs/path/libilheap_sample_profiler.so (Linux)
 *                         C:\path\ilheap_sample_profiler.dll (Windows)
 * The same sources build for both; what differs between the OSes is in
 * os_linux.c and os_windows.c (os.h). The runtime loads the library, calls DllGetClassObject for
 * that CLSID, asks the class factory for an ICorProfilerCallback2, QIs it for newer callback
 * interfaces (this sample has none: ICorProfilerCallback2 is enough) and calls Initialize.
 *
 * What it does:
 *   Initialize            QI for ICorProfilerInfo, set the event mask (JIT
 *                         compilation, module loads/unloads), reserve the
 *                         landing zone (ilheap_zone.h: why a strict heap needs
 *                         one) and create the ilheap registry on it (one heap
 *                         per module).
 *   ModuleLoadFinished    GetModuleInfo gives the base address: register the
 *                         module in the registry. Once, check the runtime's own
 *                         IMethodMalloc against our COM declarations (ABI check).
 *   JITCompilationStarted If the method is one of the rules' targets (g_rules),
 *                         build a new body, allocate it through the module's
 *                         IMethodMalloc (lpVtbl->Alloc), write it and call
 *                         SetILFunctionBody. The runtime keeps the POINTER, so
 *                         the block must live as long as the module: an
 *                         ilheap block does.
 *   JITInlining           Refuse to inline a target: an inlined copy would be
 *                         the original IL, compiled before the target's own
 *                         JITCompilationStarted had a chance to rewrite it.
 *   ModuleUnloadFinished  The module is gone, and with it every use of its
 *                         bodies: drop its heap, which gives the address space
 *                         back. (The runtime's own allocator leaks here.)
 * Every other ICorProfilerCallback2 slot is present and returns S_OK.
 *
 * Environment:
 *   ILHEAP_PROFILER_REPORT    path of the report (default: stderr)
 *   ILHEAP_PROFILER_ZONE=0    no landing zone (module heaps on the OS provider)
 *   ILHEAP_PROFILER_POLICY    strict (default: ILHEAP_WINDOW_REQUIRED) or coreclr
 *                             (ILHEAP_WINDOW_PREFERRED)
 *   ILHEAP_PROFILER_MISALIGN  1..3: test-only negative control, every body is
 *                             placed that many bytes past its aligned block
 *   ILHEAP_PROFILER_SOAK_EVERY   N: a "soak" line every N module unloads
 *                             (scripts/soak.sh)
 *   ILHEAP_PROFILER_PAVE_ABOVE   M: test-only, the soak's: pave the M MiB above
 *                             each module as it loads, so its heap comes from
 *                             the zone and goes back to it at the unload
 *
 * The report: one event per line, a keyword then key=value fields separated by
 * single spaces (no value contains a space; HRESULTs as 0x%08x):
 *   init          version callback info set_event_mask(HRESULT) mask window
 *                 alignment zone policy misalign runtime (the runtime library's base)
 *   module-load   id base name registered(0|1) front_piece window_free largest_free
 *                 (bytes free in [base + 1, base + window) when it loads; on
 *                 Windows front_piece is the piece taken in this module's window)
 *   abi           allocator(runtime|ilheap) qi_imethodmalloc qi_iunknown
 *                 same_object(0|1) alloc16(ok|null) alloc0(null|nonnull)
 *                 offset (signed decimal, of the 16-byte block from the base)
 *   body          method(Type::Method) module token header(tiny|fat) size addr
 *                 offset align4(0|1) check(ilheap_il_check_in_module's answer,
 *                 0: well formed and inside [1, ILHEAP_DEFAULT_MAX_OFFSET]) thread
 *   fail          method module token reason [window_free largest_free]
 *   module-unload id name dropped(0|1) blocks bytes_released ranges still_held
 *                 heaps_live
 *   shutdown      bodies body_bytes failures recompiled heaps_dropped
 *                 bytes_released heaps_live
 *   soak          when(cycles|shutdown) cycles(module unloads) heaps_live
 *                 heap_bytes(reserved by the live heaps) zone_pieces zone_bytes
 *                 zone_held zone_lost zone_reserves zone_passed maps rss vm
 *                 malloc ms proc(ok|unreadable) failures
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corprof_c.h"
#include "ilheap_il.h"
#include "ilheap_il_com.h"
#include "profiler.h"
#include "ilheap_zone.h"
#include "ilheap.h"
#include "ilheap_com.h"
#include "ilheap_registry.h"
#include "os.h"
#include "soak_os.h"

/* ---- GUIDs -------------------------------------------------------------- */
/* This profiler's CLSID: {1BA6DB91-C0B5-4A2E-BF65-004C550AAC0E}. */
const GUID CLSID_IlheapSampleProfiler = {
    0x1ba6db91, 0xc0b5, 0x4a2e, {0xbf, 0x65, 0x00, 0x4c, 0x55, 0x0a, 0xac, 0x0e}};
static const IID IID_IClassFactory_sample = {
    0x00000001, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
static const IID IID_ICorProfilerCallback = {
    0x176fbed1, 0xa55c, 0x4796, {0x98, 0xca, 0xa9, 0xda, 0x0e, 0xf8, 0x83, 0xe7}};
static const IID IID_ICorProfilerCallback2 = {
    0x8a8cc829, 0xccf2, 0x49fe, {0xbb, 0xae, 0x0f, 0x02, 0x22, 0x28, 0x07, 0x1a}};
static const IID IID_ICorProfilerInfo = {
    0x28b5557d, 0x3f3f, 0x48b4, {0x90, 0xb2, 0x5f, 0x9e, 0xea, 0x2f, 0x6c, 0x48}};
static const IID IID_IMetaDataImport = {
    0x7dac8207, 0xd3ae, 0x4c75, {0x9b, 0x67, 0x92, 0x80, 0x1a, 0x49, 0x7d, 0x44}};
static const IID IID_IMetaDataEmit = {
    0xba3fee4c, 0xecb9, 0x4e41, {0x83, 0xb7, 0x18, 0x3f, 0xa4, 0x1c, 0xd8, 0x59}};

static int guid_eq(const GUID *a, const GUID *b) { return ilheap_guid_equal(a, b); }

/* ---- The report ----------------------------------------------------------- */
/*
 * One event per line: a keyword, then key=value pairs separated by single
 * spaces (values never contain spaces). Every line is flushed at once, so the
 * report is complete up to the last event even if the process dies.
 */
static os_lock g_report_lock = OS_LOCK_INIT;
static FILE *g_report;

OS_PRINTF_LIKE(1, 2) static void report(const char *fmt, ...) {
  char line[1024]; /* a longer event is cut short, never split */
  va_list ap;
  va_start(ap, fmt);
  /* clang-analyzer 14 loses track of va_start here (llvm-project #40656). */
  (void)vsnprintf(line, sizeof line, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
  va_end(ap);
  os_lock_acquire(&g_report_lock);
  FILE *f = g_report ? g_report : stderr;
  if (!g_report)
    fputs("ilheap-profiler: ", f);
  fputs(line, f);
  fputc('\n', f);
  fflush(f);
  os_lock_release(&g_report_lock);
}

/* A small, stable number per thread for the report (C11, no gettid). */
static atomic_uint g_next_thread = 1;
static _Thread_local unsigned t_thread;
static unsigned thread_number(void) {
  if (!t_thread)
    t_thread = atomic_fetch_add(&g_next_thread, 1);
  return t_thread;
}

/* UTF-16 (PAL WCHAR) to UTF-8; unpaired surrogates become '?'. Always
 * terminates out (cap > 0). */
static void utf16_to_utf8(const WCHAR *w, size_t n, char *out, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < n && w[i]; i++) {
    uint32_t c = w[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && w[i + 1] >= 0xDC00 && w[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (w[i + 1] - 0xDC00u);
      i++;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = '?';
    }
    uint8_t b[4];
    size_t k;
    if (c < 0x80) {
      b[0] = (uint8_t)c;
      k = 1;
    } else if (c < 0x800) {
      b[0] = (uint8_t)(0xC0 | c >> 6);
      b[1] = (uint8_t)(0x80 | (c & 0x3F));
      k = 2;
    } else if (c < 0x10000) {
      b[0] = (uint8_t)(0xE0 | c >> 12);
      b[1] = (uint8_t)(0x80 | (c >> 6 & 0x3F));
      b[2] = (uint8_t)(0x80 | (c & 0x3F));
      k = 3;
    } else {
      b[0] = (uint8_t)(0xF0 | c >> 18);
      b[1] = (uint8_t)(0x80 | (c >> 12 & 0x3F));
      b[2] = (uint8_t)(0x80 | (c >> 6 & 0x3F));
      b[3] = (uint8_t)(0x80 | (c & 0x3F));
      k = 4;
    }
    if (o + k >= cap)
      break;
    /* The report separates fields with spaces: keep names one token. */
    for (size_t j = 0; j < k; j++)
      out[o++] = (k == 1 && (b[j] == ' ' || b[j] < 0x20)) ? '_' : (char)b[j];
  }
  out[o] = '\0';
}

/* Copies src into dst[cap], truncating; always terminates (cap > 0). */
static void copy_str(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n >= cap)
    n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

/* The landing zone for module heaps (include/ilheap_zone.h: why, and the
 * policy followed here): one per process, it must outlive the registry. */
static ilheap_zone *g_zone;
static int g_zone_ok;
static uintptr_t g_runtime_base; /* libcoreclr.so: new mappings go below it */
static int g_top_down;           /* the OS places new mappings top-down (os.h) */
#define ZONE_FRONT_SIZE ((size_t)256 << 10)
#define ZONE_SIZE ((size_t)4 << 20) /* the main piece: a few hundred heaps' first chunks */
#define ZONE_MAX ((size_t)16 << 30) /* address space only (no access, no memory) */
#define ZONE_REACH ((uintptr_t)4 << 30)
#define ZONE_FRONT_MIN_FREE ((size_t)1 << 30) /* where the OS puts what fits nowhere higher */
#define ZONE_FRONT_PAVE ((uintptr_t)2 << 30)
static uint32_t g_policy = ILHEAP_WINDOW_REQUIRED;

static const ilheap_provider *heap_provider(void) {
  return g_zone_ok ? ilheap_zone_provider(g_zone) : ilheap_os_provider();
}

/* Initialize: a main piece at the top of the highest free range within 4 GiB
 * below the runtime, and every free range between it and the runtime paved. */
static int zone_init(uintptr_t below) {
  uintptr_t piece = 0;
  g_runtime_base = below;
  g_top_down = os_new_mappings_top_down();
  if (ilheap_zone_create(NULL, ZONE_MAX, &g_zone) != ILHEAP_OK)
    return 0;
  if (g_top_down && below > ZONE_REACH &&
      ilheap_zone_take_below(g_zone, below - ZONE_REACH, below, ZONE_SIZE, 0, &piece) == ILHEAP_OK)
    (void)ilheap_zone_pave(g_zone, piece + ZONE_SIZE, below, NULL);
  return 1;
}

/* After a module load: a front piece where the next mapping that fits nowhere
 * higher will go, and the 2 GiB above it paved. Its base, or 0. */
static int note_roomy(void *arg, uintptr_t lo, uintptr_t hi) {
  uintptr_t *top = arg;
  if (hi - lo >= ZONE_FRONT_MIN_FREE)
    *top = hi; /* ascending: the last one is the highest */
  return 0;
}

/* The front is armed already when the highest free range of at least
 * ZONE_FRONT_MIN_FREE ends right below ZONE_FRONT_SIZE bytes of the zone that
 * no heap holds: the base of those bytes, or 0. Without this check every load
 * would add a piece, and a plugin loaded and unloaded again and again (landing
 * where its last instance was, under the piece that instance used) would leave
 * one unused piece per load (scripts/soak.sh counts them). */
static uintptr_t zone_front_armed(void) {
  uintptr_t top = 0;
  const ilheap_provider *os = ilheap_os_provider();
  if (!os || os->walk_free(os->ctx, (uintptr_t)1 << 20, g_runtime_base, note_roomy, &top) != 0 ||
      top == 0 || top + ZONE_FRONT_SIZE < top)
    return 0;
  return ilheap_zone_outside(g_zone, top, top + ZONE_FRONT_SIZE) == 0 &&
                 ilheap_zone_held(g_zone, top, top + ZONE_FRONT_SIZE) == 0
             ? top
             : 0;
}

static uintptr_t zone_arm_front(void) {
  uintptr_t piece = 0, top;
  if (g_zone_ok && g_top_down && g_runtime_base != 0 && (piece = zone_front_armed()) != 0)
    return piece;
  if (!g_zone_ok || !g_top_down || g_runtime_base == 0 ||
      ilheap_zone_take_below(g_zone, (uintptr_t)1 << 20, g_runtime_base, ZONE_FRONT_SIZE,
                             ZONE_FRONT_MIN_FREE, &piece) != ILHEAP_OK)
    return 0;
  top = piece + ZONE_FRONT_SIZE;
  (void)ilheap_zone_pave(g_zone, top,
                         top + ZONE_FRONT_PAVE < top ? UINTPTR_MAX : top + ZONE_FRONT_PAVE, NULL);
  return piece;
}

/* Bottom-up placement (Windows): new mappings fill the lowest free range that
 * fits, so the window above a module fills from its bottom, and the window's
 * top stays free longest. When a module loads (before its heap's first
 * reserve), a piece at the top of the highest free range of its window. Its
 * base, or 0. */
static uintptr_t zone_arm_window(uintptr_t base) {
  uintptr_t piece = 0;
  uintptr_t hi =
      base + ILHEAP_DEFAULT_MAX_OFFSET < base ? UINTPTR_MAX : base + ILHEAP_DEFAULT_MAX_OFFSET;
  if (!g_zone_ok || g_top_down || base == 0)
    return 0;
  /* Not when the window has a piece's worth of free zone pages already: a
   * plugin loaded and unloaded again and again lands where its last instance
   * was, and a piece per load would grow the zone by one unused piece each
   * time (scripts/soak.sh under Wine: 29 to 60 pieces in 40 cycles). */
  size_t in_zone = (size_t)(hi - base) - ilheap_zone_outside(g_zone, base + 1, hi) - 1;
  if (in_zone - ilheap_zone_held(g_zone, base + 1, hi) >= ZONE_FRONT_SIZE)
    return 0;
  if (ilheap_zone_take_below(g_zone, base + 1, hi, ZONE_FRONT_SIZE, 0, &piece) != ILHEAP_OK)
    return 0;
  return piece;
}

/* ---- Profiler state ------------------------------------------------------- */
/* Methods the profiler adds to a module (see add_methods). */
enum { ADDED_TINY, ADDED_FAT, ADDED_NO_BODY, ADDED_COUNT };

typedef struct module_rec {
  ModuleID id;
  uintptr_t base;
  char name[128];                 /* file name, UTF-8 */
  mdMethodDef added[ADDED_COUNT]; /* 0: not added */
} module_rec;

/* A method already rewritten: (module, token). */
typedef struct method_key {
  ModuleID module;
  mdMethodDef token;
} method_key;

typedef struct profiler {
  ICorProfilerCallback2 iface; /* first: the object is its interface pointer */
  atomic_uint refs;
  ICorProfilerInfo *info;
  ilheap_registry *registry;

  os_lock lock; /* guards modules and rewritten */
  module_rec *modules;
  size_t module_count, module_cap;
  method_key *rewritten; /* open-addressing set, token 0 = empty */
  size_t rewritten_count, rewritten_cap;
  int abi_checked;
  size_t skew; /* 0, except in the negative control */

  atomic_ulong bodies, body_bytes, failures, heaps_dropped, bytes_released;
  atomic_ulong recompiled;     /* JIT events for a method rewritten before (later tiers) */
  atomic_ulong outside_window; /* bodies with no RVA (ILHEAP_WINDOW_PREFERRED, window full) */
} profiler;

static profiler *impl_from(ICorProfilerCallback2 *iface) { return (profiler *)iface; }

/* Module table: tens of modules, a linear scan under the lock is enough. */
static void modules_add(profiler *p, ModuleID id, uintptr_t base, const char *name) {
  os_lock_acquire(&p->lock);
  if (p->module_count == p->module_cap) {
    size_t cap = p->module_cap ? p->module_cap * 2 : 64;
    module_rec *v = realloc(p->modules, cap * sizeof *v);
    if (!v) {
      os_lock_release(&p->lock);
      return;
    }
    p->modules = v;
    p->module_cap = cap;
  }
  module_rec *m = &p->modules[p->module_count++];
  memset(m, 0, sizeof *m);
  m->id = id;
  m->base = base;
  copy_str(m->name, sizeof m->name, name);
  os_lock_release(&p->lock);
}

/* Copies the record of id into *out and, if remove, deletes it. 1 if found. */
static int modules_get(profiler *p, ModuleID id, module_rec *out, int remove) {
  int found = 0;
  os_lock_acquire(&p->lock);
  for (size_t i = 0; i < p->module_count; i++) {
    if (p->modules[i].id == id) {
      *out = p->modules[i];
      if (remove)
        p->modules[i] = p->modules[--p->module_count];
      found = 1;
      break;
    }
  }
  os_lock_release(&p->lock);
  return found;
}

static size_t key_hash(ModuleID m, mdMethodDef t, size_t cap) {
  uint64_t h = (uint64_t)m * 0x9E3779B97F4A7C15u ^ (uint64_t)t * 0xC2B2AE3D27D4EB4Fu;
  return (size_t)(h ^ h >> 29) & (cap - 1);
}

/* Inserts without growing; the caller guarantees room. 1 if newly inserted. */
static int set_insert(method_key *v, size_t cap, ModuleID m, mdMethodDef t) {
  for (size_t i = key_hash(m, t, cap);; i = (i + 1) & (cap - 1)) {
    if (v[i].token == 0) {
      v[i].module = m;
      v[i].token = t;
      return 1;
    }
    if (v[i].module == m && v[i].token == t)
      return 0;
  }
}

/* Rebuilds the set into cap slots, leaving out the methods of module drop. */
static int set_rebuild(profiler *p, size_t cap, ModuleID drop) {
  method_key *v = calloc(cap, sizeof *v);
  if (!v)
    return -1;
  size_t n = 0;
  for (size_t i = 0; i < p->rewritten_cap; i++) {
    method_key k = p->rewritten[i];
    if (k.token != 0 && k.module != drop)
      n += (size_t)set_insert(v, cap, k.module, k.token);
  }
  free(p->rewritten);
  p->rewritten = v;
  p->rewritten_cap = cap;
  p->rewritten_count = n;
  return 0;
}

/*
 * Claims (module, token) for rewriting. 1: the caller rewrites it; 0: it was
 * rewritten already (a later tier of the same method: the runtime keeps the
 * body set the first time); -1: out of memory. The JIT compiles one method on
 * one thread at a time, so two claims for one method never race.
 */
static int claim_method(profiler *p, ModuleID m, mdMethodDef t) {
  int r;
  os_lock_acquire(&p->lock);
  if ((p->rewritten_count + 1) * 2 > p->rewritten_cap &&
      set_rebuild(p, p->rewritten_cap ? p->rewritten_cap * 2 : 1024, 0) != 0)
    r = -1;
  else
    r = set_insert(p->rewritten, p->rewritten_cap, m, t);
  p->rewritten_count += (size_t)(r == 1);
  os_lock_release(&p->lock);
  return r;
}

/* A module unloaded: its ModuleID may be reused by a later module. */
static void forget_module_methods(profiler *p, ModuleID m) {
  os_lock_acquire(&p->lock);
  if (p->rewritten_cap)
    (void)set_rebuild(p, p->rewritten_cap, m);
  os_lock_release(&p->lock);
}

/* ---- The rewrite rules ------------------------------------------------------ */
/*
 * The targets are found by name. Each rule names a type (namespace included)
 * and a method (or a method-name prefix), the exact signature blob the method
 * must have, and how to build the new body. A method that matches by name but
 * not by signature is reported as a failure and left alone.
 */
typedef enum rule_kind {
  RULE_CONST42,
  RULE_GUARDED,
  RULE_MANY,
  RULE_CALL_ADDED_TINY, /* call the added method (add_methods), ret */
  RULE_CALL_ADDED_FAT,
  RULE_CALL_ADDED_NO_BODY
} rule_kind;

typedef struct rule {
  const char *type;
  const char *method;
  int method_is_prefix;
  uint8_t sig[4]; /* ECMA-335 II.23.2.1 MethodDefSig */
  uint8_t sig_len;
  rule_kind kind;
} rule;

/* static int32 (): DEFAULT, 0 params, I4 */
#define SIG_I4_VOID {0x00, 0x00, 0x08, 0}, 3
/* static int32 (int32) */
#define SIG_I4_I4 {0x00, 0x01, 0x08, 0x08}, 4

static const rule g_rules[] = {
    {"IlHeapE2E.Targets", "Answer", 0, SIG_I4_VOID, RULE_CONST42},
    {"IlHeapE2E.Targets", "Guarded", 0, SIG_I4_I4, RULE_GUARDED},
    {"IlHeapE2E.Many", "M", 1, SIG_I4_VOID, RULE_MANY},
    {"IlHeapE2E.Plugin.Unloadable", "Answer", 0, SIG_I4_VOID, RULE_CONST42},
    {"IlHeapE2E.Targets", "CallAddedTiny", 0, SIG_I4_VOID, RULE_CALL_ADDED_TINY},
    {"IlHeapE2E.Targets", "CallAddedFat", 0, SIG_I4_VOID, RULE_CALL_ADDED_FAT},
    {"IlHeapE2E.Targets", "CallAddedNoBody", 0, SIG_I4_VOID, RULE_CALL_ADDED_NO_BODY},
    {"IlHeapE2E.Plugin.Unloadable", "CallAddedTiny", 0, SIG_I4_VOID, RULE_CALL_ADDED_TINY},
    {"IlHeapE2E.Plugin.Unloadable", "CallAddedFat", 0, SIG_I4_VOID, RULE_CALL_ADDED_FAT},
};

/* What a target is, once its metadata has been read. */
typedef struct target {
  const rule *rule;
  ModuleID module;
  mdMethodDef token;
  char name[260]; /* Type::Method */
  char method[96];
} target;

enum { MATCH_NONE = 0, MATCH_OK = 1, MATCH_BAD_SIG = -1 };

/* Reads the method's names and signature and finds its rule. */
static int match_target(profiler *p, FunctionID fn, target *t) {
  ClassID cls = 0;
  ModuleID module = 0;
  mdToken token = 0;
  if (FAILED(p->info->lpVtbl->GetFunctionInfo(p->info, fn, &cls, &module, &token)))
    return MATCH_NONE;
  IUnknown *unk = NULL;
  mdToken token2 = 0;
  if (FAILED(p->info->lpVtbl->GetTokenAndMetaDataFromFunction(p->info, fn, &IID_IMetaDataImport,
                                                              &unk, &token2)) ||
      !unk)
    return MATCH_NONE;
  IMetaDataImport *md = (IMetaDataImport *)unk;
  int result = MATCH_NONE;
  WCHAR wmethod[96], wtype[160];
  ULONG mlen = 0, tlen = 0, sig_len = 0, rva = 0;
  mdTypeDef type = 0;
  DWORD attr = 0, impl = 0, type_flags = 0;
  mdToken extends = 0;
  PCCOR_SIGNATURE sig = NULL;
  if (SUCCEEDED(md->lpVtbl->GetMethodProps(md, token, &type, wmethod, 96, &mlen, &attr, &sig,
                                           &sig_len, &rva, &impl)) &&
      SUCCEEDED(md->lpVtbl->GetTypeDefProps(md, type, wtype, 160, &tlen, &type_flags, &extends))) {
    char tname[160];
    utf16_to_utf8(wmethod, mlen, t->method, sizeof t->method);
    utf16_to_utf8(wtype, tlen, tname, sizeof tname);
    for (size_t i = 0; i < sizeof g_rules / sizeof g_rules[0]; i++) {
      const rule *r = &g_rules[i];
      if (strcmp(tname, r->type) != 0)
        continue;
      size_t ml = strlen(r->method);
      if (r->method_is_prefix ? strncmp(t->method, r->method, ml) != 0
                              : strcmp(t->method, r->method) != 0)
        continue;
      t->rule = r;
      t->module = module;
      t->token = token;
      snprintf(t->name, sizeof t->name, "%s::%s", tname, t->method);
      result =
          (sig_len == r->sig_len && memcmp(sig, r->sig, sig_len) == 0) ? MATCH_OK : MATCH_BAD_SIG;
      break;
    }
  }
  md->lpVtbl->Release(md);
  return result;
}

/* A new body, before it has a home: described for ilheap_il.h, which chooses
 * the header and section formats and lays it out where it will live. */
typedef struct body_plan {
  ilheap_il_body il;
  uint8_t code[64];
  ilheap_il_clause clauses[1];
} body_plan;

static void emit(body_plan *b, uint8_t byte) { b->code[b->il.code_size++] = byte; }

static void emit_ldc_i4(body_plan *b, int32_t v) {
  uint32_t u = (uint32_t)v;
  emit(b, 0x20); /* ldc.i4 <int32> */
  emit(b, (uint8_t)u);
  emit(b, (uint8_t)(u >> 8));
  emit(b, (uint8_t)(u >> 16));
  emit(b, (uint8_t)(u >> 24));
}

/* "M0042" -> 42; -1 if the rest of the name is not all digits. */
static long many_index(const char *method) {
  const char *d = method + 1;
  if (!*d || strlen(d) > 6)
    return -1;
  long v = 0;
  for (; *d; d++) {
    if (*d < '0' || *d > '9')
      return -1;
    v = v * 10 + (*d - '0');
  }
  return v;
}

/*
 * Guarded(int divisor) originally computes 10 / divisor inside a try and
 * catches a DivideByZeroException with -1. The new body computes
 * 1000 / divisor and catches with -42, so both paths tell which body ran.
 * It reuses two tokens of the original: its local variable signature (one
 * int32 local, checked) and the catch clause's exception type.
 */
static const char *plan_guarded(profiler *p, const target *t, body_plan *b) {
  LPCBYTE old = NULL;
  ULONG old_size = 0;
  if (FAILED(p->info->lpVtbl->GetILFunctionBody(p->info, t->module, t->token, &old, &old_size)) ||
      !old)
    return "GetILFunctionBody";
  ilheap_il_view m;
  ilheap_il_clause catch0;
  if (ilheap_il_parse(old, old_size, &m) != ILHEAP_IL_OK)
    return "original-body-unparsable";
  if (!(m.body.flags & ILHEAP_IL_FAT) || m.body.local_sig_token == 0)
    return "original-not-fat-with-locals";
  if (m.body.clause_count != 1 || ilheap_il_clause_at(&m, 0, &catch0) != ILHEAP_IL_OK ||
      catch0.kind != ILHEAP_IL_CATCH)
    return "original-not-one-catch";

  /* The local signature must start with an int32 local: LOCAL_SIG, count, I4. */
  IUnknown *unk = NULL;
  if (FAILED(p->info->lpVtbl->GetModuleMetaData(p->info, t->module, 0 /* ofRead */,
                                                &IID_IMetaDataImport, &unk)) ||
      !unk)
    return "GetModuleMetaData";
  IMetaDataImport *md = (IMetaDataImport *)unk;
  PCCOR_SIGNATURE sig = NULL;
  ULONG sig_len = 0;
  HRESULT hr = md->lpVtbl->GetSigFromToken(md, m.body.local_sig_token, &sig, &sig_len);
  int ok = SUCCEEDED(hr) && sig_len >= 3 && sig[0] == 0x07 && sig[1] >= 1 && sig[2] == 0x08;
  md->lpVtbl->Release(md);
  if (!ok)
    return "local-0-not-int32";

  b->il.flags = m.body.flags & ILHEAP_IL_INIT_LOCALS;
  b->il.max_stack = 2;
  b->il.local_sig_token = m.body.local_sig_token;
  static const uint8_t tail[] = {
      0x02,       /*  5: ldarg.0                 */
      0x5B,       /*  6: div                     */
      0x0A,       /*  7: stloc.0                 */
      0xDE, 0x06, /*  8: leave.s 16              */
      0x26,       /* 10: pop        (handler)    */
      0x1F, 0xD6, /* 11: ldc.i4.s -42            */
      0x0A,       /* 13: stloc.0                 */
      0xDE, 0x00, /* 14: leave.s 16              */
      0x06,       /* 16: ldloc.0                 */
      0x2A,       /* 17: ret                     */
  };
  emit_ldc_i4(b, 1000); /* 0: ldc.i4 1000 (try start) */
  memcpy(b->code + b->il.code_size, tail, sizeof tail);
  b->il.code_size += sizeof tail;
  b->clauses[0] = (ilheap_il_clause){.kind = ILHEAP_IL_CATCH,
                                     .try_offset = 0,
                                     .try_length = 10,
                                     .handler_offset = 10,
                                     .handler_length = 6,
                                     .class_token = catch0.class_token};
  b->il.clauses = b->clauses;
  b->il.clause_count = 1;
  return NULL;
}

static const char *plan_body(profiler *p, const target *t, body_plan *b) {
  memset(b, 0, sizeof *b);
  b->il.code = b->code;
  b->il.max_stack = 8;
  switch (t->rule->kind) {
  case RULE_CONST42:
    emit(b, 0x1F); /* ldc.i4.s 42 */
    emit(b, 42);
    emit(b, 0x2A); /* ret */
    return NULL;
  case RULE_MANY: {
    long i = many_index(t->method);
    if (i < 0)
      return "name-not-M-digits";
    emit_ldc_i4(b, (int32_t)(1000000 + i));
    emit(b, 0x2A); /* ret */
    return NULL;
  }
  case RULE_GUARDED: return plan_guarded(p, t, b);
  case RULE_CALL_ADDED_TINY:
  case RULE_CALL_ADDED_FAT:
  case RULE_CALL_ADDED_NO_BODY: {
    module_rec rec;
    int which = t->rule->kind == RULE_CALL_ADDED_TINY  ? ADDED_TINY
                : t->rule->kind == RULE_CALL_ADDED_FAT ? ADDED_FAT
                                                       : ADDED_NO_BODY;
    if (!modules_get(p, t->module, &rec, 0) || rec.added[which] == 0)
      return "added-method-missing";
    uint32_t tok = (uint32_t)rec.added[which];
    emit(b, 0x28); /* call <method token> */
    emit(b, (uint8_t)tok);
    emit(b, (uint8_t)(tok >> 8));
    emit(b, (uint8_t)(tok >> 16));
    emit(b, (uint8_t)(tok >> 24));
    emit(b, 0x2A); /* ret */
    return NULL;
  }
  }
  return "unknown-rule";
}

/* The module's IMethodMalloc: the COM face of the heap ModuleLoadFinished
 * registered (no lock of ours on this path: the registry's lookup shares a
 * read lock, and Alloc is one compare-and-swap). NULL for a module without a
 * heap (a dynamic one). */
static IMethodMalloc *module_allocator(profiler *p, ModuleID module, uintptr_t *base) {
  ilheap *heap = ilheap_registry_find(p->registry, (uintptr_t)module);
  *base = ilheap_module_base(heap);
  return ilheap_method_malloc(heap);
}

static void fail(profiler *p, const target *t, const char *why) {
  atomic_fetch_add(&p->failures, 1);
  report("fail method=%s module=0x%jx token=0x%08x reason=%s", t->name, (uintmax_t)t->module,
         (unsigned)t->token, why);
}

/* What a provider reports free in a window: total and largest range. */
typedef struct room {
  uintmax_t total, largest;
} room;

static int add_room(void *arg, uintptr_t lo, uintptr_t hi) {
  room *r = arg;
  r->total += hi - lo;
  if (hi - lo > r->largest)
    r->largest = hi - lo;
  return 0;
}

/*
 * Alloc answered NULL: report how much the window had free, as the heap's
 * provider sees it (the OS's gaps plus the landing zone's free pages). A
 * largest free range smaller than ilheap's smallest chunk (8 KiB plus a guard
 * page) means no room: NULL is the contract's answer (6), which the e2e test
 * reports as a full window.
 */
static room window_room(uintptr_t base) {
  room r = {0, 0};
  const ilheap_provider *prov = heap_provider();
  uintptr_t hi =
      base + ILHEAP_DEFAULT_MAX_OFFSET < base ? UINTPTR_MAX : base + ILHEAP_DEFAULT_MAX_OFFSET;
  if (prov)
    (void)prov->walk_free(prov->ctx, base + 1, hi, add_room, &r);
  return r;
}

static void fail_no_room(profiler *p, const target *t, uintptr_t base) {
  room r = window_room(base);
  atomic_fetch_add(&p->failures, 1);
  report("fail method=%s module=0x%jx token=0x%08x reason=Alloc-returned-NULL window_free=%ju "
         "largest_free=%ju",
         t->name, (uintmax_t)t->module, (unsigned)t->token, r.total, r.largest);
}

static void rewrite(profiler *p, const target *t) {
  body_plan b;
  const char *why = plan_body(p, t, &b);
  if (why) {
    fail(p, t, why);
    return;
  }
  /* The size at any 4-byte-aligned address: ilheap blocks are (contract 2). */
  uint32_t size = 0;
  if (ilheap_il_size(&b.il, 0, &size) != ILHEAP_IL_OK) {
    fail(p, t, "body-refused-by-ilheap_il_size");
    return;
  }
  uintptr_t base = 0;
  IMethodMalloc *alloc = module_allocator(p, t->module, &base);
  if (!alloc) {
    fail(p, t, "no-allocator-for-module");
    return;
  }
  /* The call a profiler makes: through the vtable, slot 3. */
  size_t skew = p->skew;
  uint8_t *blk = alloc->lpVtbl->Alloc(alloc, (ULONG)(size + skew));
  if (!blk) {
    fail_no_room(p, t, base);
    return;
  }
  int written;
  if (skew == 0) {
    /* Written where it lives: the EH section's place depends on the address. */
    written = ilheap_il_write(&b.il, blk, size, NULL);
  } else {
    /* The negative control (ILHEAP_PROFILER_MISALIGN): the body is laid out for
     * a 4-byte-aligned start, then placed skew bytes further, as it would be
     * by a profiler that pads relative to its buffer when the allocator does
     * not guarantee alignment. */
    uint32_t staging[64];
    written = ilheap_il_write(&b.il, staging, sizeof staging, NULL);
    if (written == ILHEAP_IL_OK)
      memcpy(blk + skew, staging, size);
    blk += skew;
  }
  if (written != ILHEAP_IL_OK) {
    fail(p, t, "ilheap_il_write-failed");
    return;
  }
  /* What a .NET Framework runtime (or a mock runtime) would accept: a
   * well-formed body at a positive offset, all of it inside the window, and
   * the RVA it would store. A body the CoreCLR policy placed outside a full
   * window has no RVA and is checked for form only (CoreCLR keeps the
   * pointer). The negative control reports the answer and goes on, to show
   * the runtime's. */
  uint32_t rva = 0;
  char rva_text[16] = "none";
  int check;
  if (ilheap_rva(ilheap_registry_find(p->registry, (uintptr_t)t->module), blk, size, &rva) ==
      ILHEAP_OK) {
    snprintf(rva_text, sizeof rva_text, "0x%x", (unsigned)rva);
    check = ilheap_il_check_in_module(blk, size, base, ILHEAP_DEFAULT_MAX_OFFSET, NULL);
  } else {
    atomic_fetch_add(&p->outside_window, 1);
    check = skew == 0 && g_policy == ILHEAP_WINDOW_PREFERRED
                ? ilheap_il_parse(blk, size, NULL)
                : ilheap_il_check_in_module(blk, size, base, ILHEAP_DEFAULT_MAX_OFFSET, NULL);
  }
  if (check != ILHEAP_IL_OK && skew == 0) {
    fail(p, t, "body-refused-by-ilheap_il_check_in_module");
    return;
  }
  uintptr_t addr = (uintptr_t)blk;
  /* The offset is what a method RVA would hold: it must be positive and the
   * whole body inside the window (contract 1). A fat header needs 4-byte
   * alignment (contract 2 with the default alignment of 8). */
  intmax_t offset = (intmax_t)(addr - base);
  /* Checked (layout, window rule, instructions) before the runtime sees it;
   * the negative control goes straight to the runtime, to show its answer. */
  ilheap_il_verdict verdict;
  HRESULT hr = skew == 0 ? ilheap_il_set_function_body(
                               p->info, t->module, t->token, blk, size,
                               ilheap_registry_find(p->registry, (uintptr_t)t->module), 0, NULL,
                               &verdict)
                         : p->info->lpVtbl->SetILFunctionBody(p->info, t->module, t->token, blk);
  if (FAILED(hr)) {
    if (hr == ILHEAP_E_IL_REFUSED)
      report("refused method=%s answer=%d check=V%u offset=0x%x", t->name, verdict.answer,
             verdict.check, (unsigned)verdict.offset);
    fail(p, t, hr == ILHEAP_E_IL_REFUSED ? "body-refused-by-ilheap_il_verify" : "SetILFunctionBody");
    return;
  }
  atomic_fetch_add(&p->bodies, 1);
  atomic_fetch_add(&p->body_bytes, size);
  const char *header = (blk[0] & 3u) == 3u ? "fat" : "tiny"; /* the format bits */
  report("body method=%s module=0x%jx token=0x%08x header=%s size=%u addr=0x%jx offset=0x%jx "
         "rva=%s align4=%d check=%d thread=%u",
         t->name, (uintmax_t)t->module, (unsigned)t->token, header, (unsigned)size, (uintmax_t)addr,
         (uintmax_t)offset, rva_text, (int)((addr & 3u) == 0), check, thread_number());
}

/* ---- The ABI check ------------------------------------------------------------ */
/*
 * The runtime's own IMethodMalloc, called through our C declarations: if
 * IID_IMethodMalloc, IID_IUnknown or slot 3 were wrong, this is where it would
 * show. The same calls on our own object prove the two agree.
 * GetILFunctionBodyAllocator's pointer is released once, as COM rules say for
 * an out-parameter (CoreCLR's object ignores AddRef/Release).
 */
static void abi_probe(const char *who, IMethodMalloc *m, uintptr_t base) {
  void *q1 = NULL, *q2 = NULL;
  HRESULT hr1 = m->lpVtbl->QueryInterface(m, &IID_IMethodMalloc, &q1);
  HRESULT hr2 = m->lpVtbl->QueryInterface(m, &IID_IUnknown, &q2);
  void *blk = m->lpVtbl->Alloc(m, 16);
  void *zero = m->lpVtbl->Alloc(m, 0);
  report("abi allocator=%s qi_imethodmalloc=0x%08x qi_iunknown=0x%08x same_object=%d "
         "alloc16=%s alloc0=%s offset=%jd",
         who, (unsigned)hr1, (unsigned)hr2, q1 == (void *)m && q2 != NULL, blk ? "ok" : "null",
         zero ? "nonnull" : "null", blk ? (intmax_t)(uintptr_t)blk - (intmax_t)base : (intmax_t)0);
  if (q1)
    ((IMethodMalloc *)q1)->lpVtbl->Release((IMethodMalloc *)q1);
  if (q2)
    ((IUnknown *)q2)->lpVtbl->Release((IUnknown *)q2);
}

static void abi_check(profiler *p, ModuleID module, uintptr_t base) {
  IMethodMalloc *rt = NULL;
  HRESULT hr = p->info->lpVtbl->GetILFunctionBodyAllocator(p->info, module, &rt);
  if (FAILED(hr) || !rt) {
    report("abi allocator=runtime get=0x%08x", (unsigned)hr);
  } else {
    abi_probe("runtime", rt, base);
    rt->lpVtbl->Release(rt);
  }
  IMethodMalloc *ours =
      ilheap_registry_method_malloc(p->registry, (uintptr_t)module, (const void *)base);
  if (ours)
    abi_probe("ilheap", ours, base);
  else
    report("abi allocator=ilheap get=null");
}

/* ---- The soak report (scripts/soak.sh) ---------------------------------------- */
/*
 * ILHEAP_PROFILER_SOAK_EVERY=N: a "soak" line every N module unloads (a soak
 * cycle is one collectible module loaded, used and unloaded), with what must
 * stay flat over thousands of cycles. It is written at an unload after which
 * no module of a name ever unloaded is still loaded (every collectible module
 * of the moment gone), so that the lines compare like with like; the first
 * such unload at or past each multiple of N. Shutdown writes a last one.
 */
static size_t g_soak_every;         /* 0: no soak lines */
static atomic_ulong g_soak_unloads; /* module unloads so far */
static unsigned long g_soak_next;   /* the next mark; under p->lock */
static char g_soak_names[8][128];   /* names of modules seen unloading; under p->lock */
static size_t g_soak_name_count;

/*
 * Test-only, for the soak: ILHEAP_PROFILER_PAVE_ABOVE=N paves the N MiB above
 * each module's base as it loads, so that its heap's chunks come from the
 * landing zone and go back to it when the module unloads (the zone's release
 * path, which bytes_lost watches). Without it a plugin mapped among the shared
 * libraries, where its window has room, never touches the zone.
 */
static size_t g_pave_above;

static void soak_pave_above(uintptr_t base) {
  if (g_pave_above == 0 || !g_zone_ok)
    return;
  uintptr_t hi = base + g_pave_above < base ? UINTPTR_MAX : base + g_pave_above;
  /* Only while the zone has less than 1 MiB free there (eight plugins' heaps
   * need about 100 KiB): paving every hole that opens up later would grow
   * the zone with the runtime's comings and goings, not with the plugins. */
  size_t in_zone = (hi - base) - ilheap_zone_outside(g_zone, base, hi);
  if (in_zone - ilheap_zone_held(g_zone, base, hi) >= ((size_t)1 << 20))
    return;
  (void)ilheap_zone_pave(g_zone, base + 1, hi, NULL);
}

static void soak_report(profiler *p, const char *when) {
  /* Under p->lock: a module still in the table has its heap (ModuleUnloadFinished
   * removes the record before it drops the heap). */
  uint64_t heap_bytes = 0;
  for (size_t i = 0; i < p->module_count; i++) {
    ilheap_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    ilheap *heap = ilheap_registry_find(p->registry, (uintptr_t)p->modules[i].id);
    if (heap && ilheap_get_stats(heap, &st) == ILHEAP_OK)
      heap_bytes += st.bytes_reserved;
  }
  ilheap_zone_stats zs;
  memset(&zs, 0, sizeof zs);
  zs.size = (uint32_t)sizeof zs;
  if (g_zone_ok)
    (void)ilheap_zone_get_stats(g_zone, &zs);
  soak_process proc;
  int proc_ok = soak_process_read(&proc) == 0;
  report("soak when=%s cycles=%lu heaps_live=%zu heap_bytes=%ju zone_pieces=%ju zone_bytes=%ju "
         "zone_held=%ju zone_lost=%ju zone_reserves=%ju zone_passed=%ju maps=%ju rss=%ju vm=%ju "
         "malloc=%ju ms=%ju proc=%s failures=%lu",
         when, atomic_load(&g_soak_unloads), ilheap_registry_count(p->registry),
         (uintmax_t)heap_bytes, (uintmax_t)zs.pieces, (uintmax_t)zs.bytes, (uintmax_t)zs.bytes_held,
         (uintmax_t)zs.bytes_lost, (uintmax_t)zs.reserves, (uintmax_t)zs.reserves_passed,
         (uintmax_t)proc.mappings, (uintmax_t)proc.rss, (uintmax_t)proc.vm, (uintmax_t)proc.heap,
         (uintmax_t)proc.ms, proc_ok ? "ok" : "unreadable", atomic_load(&p->failures));
}

/* After the heap of module `name` was dropped. */
static void soak_after_unload(profiler *p, const char *name) {
  if (g_soak_every == 0)
    return;
  unsigned long n = atomic_fetch_add(&g_soak_unloads, 1) + 1;
  os_lock_acquire(&p->lock);
  size_t k = 0;
  while (k < g_soak_name_count && strcmp(g_soak_names[k], name) != 0)
    k++;
  if (k == g_soak_name_count && k < sizeof g_soak_names / sizeof g_soak_names[0])
    copy_str(g_soak_names[g_soak_name_count++], sizeof g_soak_names[0], name);
  size_t live = 0;
  for (size_t i = 0; i < p->module_count; i++)
    for (size_t j = 0; j < g_soak_name_count; j++)
      live += strcmp(p->modules[i].name, g_soak_names[j]) == 0;
  if (g_soak_next == 0)
    g_soak_next = g_soak_every;
  if (live == 0 && n >= g_soak_next) {
    soak_report(p, "cycles");
    g_soak_next = (n / g_soak_every + 1) * g_soak_every;
  }
  os_lock_release(&p->lock);
}

/* ---- IUnknown ----------------------------------------------------------------- */
static HRESULT STDMETHODCALLTYPE cb_QueryInterface(ICorProfilerCallback2 *This, REFIID riid,
                                                   void **ppv) {
  if (!ppv)
    return E_POINTER;
  *ppv = NULL;
  if (!riid)
    return E_POINTER;
  if (guid_eq(riid, &IID_IUnknown) || guid_eq(riid, &IID_ICorProfilerCallback) ||
      guid_eq(riid, &IID_ICorProfilerCallback2)) {
    *ppv = This;
    This->lpVtbl->AddRef(This);
    return S_OK;
  }
  return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE cb_AddRef(ICorProfilerCallback2 *This) {
  return atomic_fetch_add(&impl_from(This)->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE cb_Release(ICorProfilerCallback2 *This) {
  profiler *p = impl_from(This);
  unsigned left = atomic_fetch_sub(&p->refs, 1) - 1;
  if (left == 0) {
    /* The registry is left alone: the runtime may still hold body pointers
     * until the process ends, and the process is ending. */
    if (p->info)
      p->info->lpVtbl->Release(p->info);
    os_lock_destroy(&p->lock);
    free(p->modules);
    free(p->rewritten);
    free(p);
  }
  return left;
}

/* ---- The callbacks the sample uses --------------------------------------------- */
/* Where the runtime library (libcoreclr.so, coreclr.dll) is mapped: the
 * ICorProfilerInfo object's vtable lives in it. 0 if unknown. */
static uintptr_t runtime_base(ICorProfilerInfo *info) {
  return info ? os_module_base((const void *)info->lpVtbl) : 0;
}

static HRESULT STDMETHODCALLTYPE cb_Initialize(ICorProfilerCallback2 *This, IUnknown *unk) {
  profiler *p = impl_from(This);
  char path[1024], env[16];
  if (os_env("ILHEAP_PROFILER_REPORT", path, sizeof path) && *path) {
    os_lock_acquire(&g_report_lock);
    g_report = os_report_open(path);
    os_lock_release(&g_report_lock);
  }
  void *info = NULL;
  if (!unk || FAILED(unk->lpVtbl->QueryInterface(unk, &IID_ICorProfilerInfo, &info)) || !info) {
    report("init error=no-ICorProfilerInfo");
    return E_FAIL;
  }
  p->info = info;

  ilheap_options opts;
  ilheap_options_init(&opts);
  /* Now, before any assembly is mapped: see ilheap_zone.h.
   * ILHEAP_PROFILER_ZONE=0 turns it off (to watch windows fill up). */
  if (!g_zone_ok && !(os_env("ILHEAP_PROFILER_ZONE", env, sizeof env) && !strcmp(env, "0")))
    g_zone_ok = zone_init(runtime_base(p->info));
  if (g_zone_ok)
    opts.provider = ilheap_zone_provider(g_zone);
  /* ILHEAP_PROFILER_POLICY=coreclr: CoreCLR keeps the pointer and derives no
   * RVA from it (ilheap.h, "Which window policy"), so a full window need not
   * mean NULL. Default: strict, the .NET Framework rule. */
  g_policy = os_env("ILHEAP_PROFILER_POLICY", env, sizeof env) && !strcmp(env, "coreclr")
                 ? ILHEAP_WINDOW_PREFERRED
                 : ILHEAP_WINDOW_REQUIRED;
  opts.window_policy = g_policy;
  int err = ilheap_registry_create(&opts, &p->registry);
  if (err != ILHEAP_OK) {
    report("init error=registry-create:%s", ilheap_strerror(err));
    return E_FAIL;
  }
  /* Test-only: the negative control of scripts/e2e.sh places every body 1-3
   * bytes past the aligned block it got, to show what the runtime does with
   * a misaligned fat header (and that the e2e test notices). */
  if (os_env("ILHEAP_PROFILER_MISALIGN", env, sizeof env) && env[0] >= '1' && env[0] <= '3' &&
      !env[1])
    p->skew = (size_t)(env[0] - '0');
  /* The soak report (scripts/soak.sh): a "soak" line every N module unloads. */
  if (os_env("ILHEAP_PROFILER_SOAK_EVERY", env, sizeof env))
    g_soak_every = (size_t)strtoul(env, NULL, 10);
  if (os_env("ILHEAP_PROFILER_PAVE_ABOVE", env, sizeof env))
    g_pave_above = (size_t)strtoul(env, NULL, 10) << 20;

  DWORD mask = COR_PRF_MONITOR_JIT_COMPILATION | COR_PRF_MONITOR_MODULE_LOADS;
  HRESULT hr = p->info->lpVtbl->SetEventMask(p->info, mask);
  DWORD got = 0;
  p->info->lpVtbl->GetEventMask(p->info, &got);
  report("init version=%d.%d.%d callback=ICorProfilerCallback2 info=ICorProfilerInfo "
         "set_event_mask=0x%08x mask=0x%08x window=0x%08x alignment=%u zone=%s policy=%s "
         "misalign=%zu runtime=0x%jx",
         ILHEAP_VERSION_MAJOR, ILHEAP_VERSION_MINOR, ILHEAP_VERSION_PATCH, (unsigned)hr,
         (unsigned)got, (unsigned)opts.max_offset, (unsigned)opts.alignment,
         g_zone_ok ? "on" : "off", g_policy == ILHEAP_WINDOW_PREFERRED ? "coreclr" : "strict",
         p->skew, (uintmax_t)runtime_base(p->info));
  return FAILED(hr) ? hr : S_OK;
}

static HRESULT STDMETHODCALLTYPE cb_Shutdown(ICorProfilerCallback2 *This) {
  profiler *p = impl_from(This);
  ilheap_zone_stats zs;
  memset(&zs, 0, sizeof zs);
  zs.size = (uint32_t)sizeof zs;
  if (g_zone_ok)
    (void)ilheap_zone_get_stats(g_zone, &zs);
  report("shutdown bodies=%lu body_bytes=%lu failures=%lu recompiled=%lu heaps_dropped=%lu "
         "bytes_released=%lu heaps_live=%zu outside_window=%lu zone_pieces=%ju zone_bytes=%ju "
         "zone_held=%ju",
         atomic_load(&p->bodies), atomic_load(&p->body_bytes), atomic_load(&p->failures),
         atomic_load(&p->recompiled), atomic_load(&p->heaps_dropped),
         atomic_load(&p->bytes_released), ilheap_registry_count(p->registry),
         atomic_load(&p->outside_window), (uintmax_t)zs.pieces, (uintmax_t)zs.bytes,
         (uintmax_t)zs.bytes_held);
  if (g_soak_every) {
    os_lock_acquire(&p->lock);
    soak_report(p, "shutdown");
    os_lock_release(&p->lock);
  }
  os_lock_acquire(&g_report_lock);
  if (g_report)
    fclose(g_report);
  g_report = NULL;
  os_lock_release(&g_report_lock);
  return S_OK;
}

/* ---- Added methods -------------------------------------------------------------- */
/*
 * In ModuleLoadFinished of the e2e assemblies, before any of their code runs, the
 * profiler adds methods to an existing type with IMetaDataEmit::DefineMethod
 * (public static int32 (), RVA 0) and gives each a body allocated from the
 * module's heap with SetILFunctionBody; the body's RVA (ilheap_rva: what .NET
 * Framework would store) goes into the metadata with SetRVA. The rewritten
 * CallAdded* methods call them. AddedNoBody, the negative control, gets no body:
 * calling it must fail, or the checks of the others prove nothing.
 */
typedef struct added_spec {
  const char *type; /* in the module */
  const char *name; /* of the new method */
  int which;        /* ADDED_* */
} added_spec;

static const added_spec g_added[] = {
    {"IlHeapE2E.Targets", "AddedTiny", ADDED_TINY},
    {"IlHeapE2E.Targets", "AddedFat", ADDED_FAT},
    {"IlHeapE2E.Targets", "AddedNoBody", ADDED_NO_BODY},
    {"IlHeapE2E.Plugin.Unloadable", "AddedTiny", ADDED_TINY},
    {"IlHeapE2E.Plugin.Unloadable", "AddedFat", ADDED_FAT},
};

static size_t to_utf16(const char *s, WCHAR *out, size_t cap) {
  size_t n = 0;
  for (; s[n] && n + 1 < cap; n++)
    out[n] = (WCHAR)(unsigned char)s[n]; /* ASCII names only */
  out[n] = 0;
  return n;
}

/* The body of an added method: AddedTiny returns 4201 (tiny header); AddedFat
 * returns 4202 after a try/finally (fat header, one EH clause). */
static void added_body(int which, ilheap_il_body *b) {
  static const uint8_t tiny[] = {0x20, 0x69, 0x10, 0x00, 0x00, 0x2A}; /* ldc.i4 4201; ret */
  static const uint8_t fat[] = {
      0x00,                         /* 0: nop            (try)     */
      0xDE, 0x01,                   /* 1: leave.s 4                */
      0xDC,                         /* 3: endfinally     (finally) */
      0x20, 0x6A, 0x10, 0x00, 0x00, /* 4: ldc.i4 4202              */
      0x2A,                         /* 9: ret                      */
  };
  static const ilheap_il_clause clause = {.kind = ILHEAP_IL_FINALLY,
                                          .try_offset = 0,
                                          .try_length = 3,
                                          .handler_offset = 3,
                                          .handler_length = 1,
                                          .class_token = 0};
  memset(b, 0, sizeof *b);
  b->max_stack = 1;
  if (which == ADDED_TINY) {
    b->code = tiny;
    b->code_size = sizeof tiny;
    b->flags = ILHEAP_IL_TINY;
  } else {
    b->code = fat;
    b->code_size = sizeof fat;
    b->flags = ILHEAP_IL_FAT;
    b->clauses = &clause;
    b->clause_count = 1;
  }
}

static void add_methods(profiler *p, ModuleID module, uintptr_t base) {
  static const uint8_t sig[] = {0x00, 0x00, 0x08}; /* static int32 () */
  IUnknown *unk = NULL;
  if (FAILED(p->info->lpVtbl->GetModuleMetaData(p->info, module, 0x1 /* ofRead | ofWrite */,
                                                &IID_IMetaDataEmit, &unk)) ||
      !unk)
    return;
  IMetaDataEmit *emit = (IMetaDataEmit *)unk;
  IMetaDataImport *import = NULL;
  if (FAILED(emit->lpVtbl->QueryInterface(emit, &IID_IMetaDataImport, (void **)&import)) ||
      !import) {
    emit->lpVtbl->Release(emit);
    return;
  }
  ilheap *heap = ilheap_registry_find(p->registry, (uintptr_t)module);
  IMethodMalloc *alloc = ilheap_method_malloc(heap);
  for (size_t i = 0; i < sizeof g_added / sizeof g_added[0]; i++) {
    const added_spec *a = &g_added[i];
    WCHAR wtype[128], wname[64];
    mdTypeDef td = 0;
    mdMethodDef md = 0;
    to_utf16(a->type, wtype, 128);
    to_utf16(a->name, wname, 64);
    if (FAILED(import->lpVtbl->FindTypeDefByName(import, wtype, 0, &td)))
      continue; /* another module */
    /* public static hidebysig (0x0096), IL managed (0), RVA 0 for now */
    HRESULT hr_def =
        emit->lpVtbl->DefineMethod(emit, td, wname, 0x0096, sig, sizeof sig, 0, 0, &md);
    HRESULT hr_rva = S_OK, hr_set = S_OK;
    const char *header = "none", *why = NULL;
    char rva_text[16] = "0";
    uint32_t size = 0;
    ilheap_il_body body;
    added_body(a->which, &body);
    if (FAILED(hr_def)) {
      why = "DefineMethod";
    } else if (a->which != ADDED_NO_BODY && ilheap_il_size(&body, 0, &size) != ILHEAP_IL_OK) {
      why = "ilheap_il_size";
    } else if (a->which != ADDED_NO_BODY) {
      uint8_t *blk = alloc ? alloc->lpVtbl->Alloc(alloc, (ULONG)size) : NULL;
      uint32_t rva = 0;
      header = a->which == ADDED_TINY ? "tiny" : "fat";
      if (!blk) {
        why = "Alloc-returned-NULL";
      } else if (ilheap_il_write(&body, blk, size, NULL) != ILHEAP_IL_OK) {
        why = "ilheap_il_write";
      } else {
        /* What .NET Framework derives from the body; CoreCLR ignores it (a body
         * set with SetILFunctionBody takes priority), but a profiler written
         * for both stores it. None when the CoreCLR policy put the body
         * outside a full window: the RVA stays 0. */
        if (ilheap_rva(heap, blk, (uint32_t)size, &rva) == ILHEAP_OK) {
          snprintf(rva_text, sizeof rva_text, "0x%x", (unsigned)rva);
          hr_rva = emit->lpVtbl->SetRVA(emit, md, rva);
        } else {
          snprintf(rva_text, sizeof rva_text, "none");
        }
        hr_set = ilheap_il_set_function_body(p->info, module, md, blk, size, heap, 0, NULL, NULL);
        if (FAILED(hr_rva))
          why = "SetRVA";
        else if (FAILED(hr_set))
          why = hr_set == ILHEAP_E_IL_REFUSED ? "ilheap_il_verify" : "SetILFunctionBody";
      }
    }
    if (why) {
      atomic_fetch_add(&p->failures, 1);
      report("fail method=%s::%s module=0x%jx token=0x%08x reason=%s", a->type, a->name,
             (uintmax_t)module, (unsigned)md, why);
      continue;
    }
    os_lock_acquire(&p->lock);
    for (size_t k = 0; k < p->module_count; k++)
      if (p->modules[k].id == module)
        p->modules[k].added[a->which] = md;
    os_lock_release(&p->lock);
    report("added method=%s::%s module=0x%jx token=0x%08x header=%s size=%u rva=%s "
           "define=0x%08x set_rva=0x%08x set_body=0x%08x base=0x%jx",
           a->type, a->name, (uintmax_t)module, (unsigned)md, header, (unsigned)size, rva_text,
           (unsigned)hr_def, (unsigned)hr_rva, (unsigned)hr_set, (uintmax_t)base);
  }
  import->lpVtbl->Release(import);
  emit->lpVtbl->Release(emit);
}

static HRESULT STDMETHODCALLTYPE cb_ModuleLoadFinished(ICorProfilerCallback2 *This,
                                                       ModuleID moduleId, HRESULT hrStatus) {
  profiler *p = impl_from(This);
  if (FAILED(hrStatus))
    return S_OK;
  LPCBYTE base = NULL;
  WCHAR wpath[512];
  ULONG len = 0;
  AssemblyID assembly = 0;
  if (FAILED(p->info->lpVtbl->GetModuleInfo(p->info, moduleId, &base, 512, &len, wpath, &assembly)))
    return S_OK;
  char path[512];
  utf16_to_utf8(wpath, len, path, sizeof path);
  const char *name = os_file_name(path);
  if (!*name)
    name = "(dynamic)";
  /* A dynamic module has no image and no base: there is no window to keep.
   * The room its window has when it loads (OS gaps and the zone's free pages),
   * for the record of where the runtime reserves. */
  int registered = 0;
  room r = {0, 0};
  uintptr_t piece = 0;
  if (base) {
    r = window_room((uintptr_t)base);
    piece = zone_arm_window((uintptr_t)base);
    ilheap *heap = NULL;
    soak_pave_above((uintptr_t)base);
    registered = ilheap_registry_get(p->registry, (uintptr_t)moduleId, base, &heap) == ILHEAP_OK;
    modules_add(p, moduleId, (uintptr_t)base, name);
    if (registered && (!strcmp(name, "IlHeapE2E.dll") || !strcmp(name, "IlHeapE2E.Plugin.dll")))
      add_methods(p, moduleId, (uintptr_t)base);
  }
  /* Top-down: for the next assembly mapped at the front (ilheap_zone.h). */
  uintptr_t front = g_top_down ? zone_arm_front() : piece;
  report("module-load id=0x%jx base=0x%jx name=%s registered=%d front_piece=0x%jx "
         "window_free=%ju largest_free=%ju",
         (uintmax_t)moduleId, (uintmax_t)(uintptr_t)base, name, registered, (uintmax_t)front,
         r.total, r.largest);

  int check = 0;
  os_lock_acquire(&p->lock);
  if (registered && !p->abi_checked)
    check = p->abi_checked = 1;
  os_lock_release(&p->lock);
  if (check)
    abi_check(p, moduleId, (uintptr_t)base);
  return S_OK;
}

/* ---- Checking a release against the process map ----------------------- */
typedef struct range_list {
  struct {
    uintptr_t lo, hi;
  } v[32];
  size_t n;
  int overflow;
} range_list;

static int collect_range(void *arg, uintptr_t lo, uintptr_t hi) {
  range_list *r = arg;
  if (r->n == sizeof r->v / sizeof r->v[0]) {
    r->overflow = 1;
    return 1;
  }
  r->v[r->n].lo = lo;
  r->v[r->n].hi = hi;
  r->n++;
  return 0;
}

/* Adds to *arg what [lo, hi) holds outside the zone's pieces (which stay
 * reserved by the zone: ilheap_zone_held counts those). */
static int add_held_outside(void *arg, uintptr_t lo, uintptr_t hi) {
  intmax_t *bytes = arg;
  *bytes += (intmax_t)(g_zone_ok ? ilheap_zone_outside(g_zone, lo, hi) : hi - lo);
  return 0;
}

/*
 * Bytes of the ranges a dropped heap had reserved that are still held: pages
 * of the landing zone still marked reserved, plus, outside the zone, what the
 * process map (os_walk_held: /proc/self/maps, VirtualQuery) still shows
 * mapped or reserved. -1 if the map cannot be read.
 */
static intmax_t bytes_still_held(const range_list *r) {
  intmax_t bytes = 0;
  for (size_t i = 0; i < r->n; i++) {
    if (os_walk_held(r->v[i].lo, r->v[i].hi, add_held_outside, &bytes) != 0)
      return -1;
    if (g_zone_ok)
      bytes += (intmax_t)ilheap_zone_held(g_zone, r->v[i].lo, r->v[i].hi);
  }
  return bytes;
}

static HRESULT STDMETHODCALLTYPE cb_ModuleUnloadFinished(ICorProfilerCallback2 *This,
                                                         ModuleID moduleId, HRESULT hrStatus) {
  profiler *p = impl_from(This);
  (void)hrStatus;
  module_rec rec;
  if (!modules_get(p, moduleId, &rec, 1))
    return S_OK;
  forget_module_methods(p, moduleId);
  ilheap_stats st;
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  range_list reserved;
  memset(&reserved, 0, sizeof reserved);
  ilheap *heap = ilheap_registry_find(p->registry, (uintptr_t)moduleId);
  if (heap) {
    (void)ilheap_get_stats(heap, &st);
    (void)ilheap_walk_reserved(heap, collect_range, &reserved);
  }
  /* The module is gone, and so is every use of the bodies set for it: its
   * heap, and the address space under it, can go. */
  int err = ilheap_registry_drop(p->registry, (uintptr_t)moduleId);
  intmax_t left = reserved.overflow ? -1 : bytes_still_held(&reserved);
  if (err == ILHEAP_OK) {
    atomic_fetch_add(&p->heaps_dropped, 1);
    atomic_fetch_add(&p->bytes_released, st.bytes_reserved);
  }
  report("module-unload id=0x%jx name=%s dropped=%d blocks=%ju bytes_released=%ju ranges=%zu "
         "still_held=%jd heaps_live=%zu",
         (uintmax_t)moduleId, rec.name, err == ILHEAP_OK, (uintmax_t)st.blocks,
         (uintmax_t)st.bytes_reserved, reserved.n, left, ilheap_registry_count(p->registry));
  soak_after_unload(p, rec.name);
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE cb_JITCompilationStarted(ICorProfilerCallback2 *This,
                                                          FunctionID functionId,
                                                          BOOL fIsSafeToBlock) {
  profiler *p = impl_from(This);
  (void)fIsSafeToBlock;
  target t;
  memset(&t, 0, sizeof t);
  int m = match_target(p, functionId, &t);
  if (m == MATCH_NONE)
    return S_OK;
  if (m == MATCH_BAD_SIG) {
    fail(p, &t, "signature-mismatch");
    return S_OK;
  }
  int c = claim_method(p, t.module, t.token);
  if (c < 0)
    fail(p, &t, "out-of-memory");
  else if (c > 0)
    rewrite(p, &t);
  else
    atomic_fetch_add(&p->recompiled, 1);
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE cb_JITInlining(ICorProfilerCallback2 *This, FunctionID callerId,
                                                FunctionID calleeId, BOOL *pfShouldInline) {
  profiler *p = impl_from(This);
  (void)callerId;
  target t;
  memset(&t, 0, sizeof t);
  if (pfShouldInline && match_target(p, calleeId, &t) != MATCH_NONE)
    *pfShouldInline = 0;
  return S_OK;
}

/* ---- Every other slot: not used by the sample, S_OK ----------------------------- */

/*
 * The slots the sample does not use and their parameters, in the order of
 * ICorProfilerCallback2 (corprof_c.h). Each becomes a function cb_<slot> that
 * ignores its arguments and returns S_OK, and its entry in g_callback_vtbl.
 */
#define CB_THIS ICorProfilerCallback2 *This
#define NOOP_CALLBACKS(X)                                                                          \
  X(AppDomainCreationStarted, (CB_THIS, AppDomainID appDomainId))                                  \
  X(AppDomainCreationFinished, (CB_THIS, AppDomainID appDomainId, HRESULT hrStatus))               \
  X(AppDomainShutdownStarted, (CB_THIS, AppDomainID appDomainId))                                  \
  X(AppDomainShutdownFinished, (CB_THIS, AppDomainID appDomainId, HRESULT hrStatus))               \
  X(AssemblyLoadStarted, (CB_THIS, AssemblyID assemblyId))                                         \
  X(AssemblyLoadFinished, (CB_THIS, AssemblyID assemblyId, HRESULT hrStatus))                      \
  X(AssemblyUnloadStarted, (CB_THIS, AssemblyID assemblyId))                                       \
  X(AssemblyUnloadFinished, (CB_THIS, AssemblyID assemblyId, HRESULT hrStatus))                    \
  X(ModuleLoadStarted, (CB_THIS, ModuleID moduleId))                                               \
  X(ModuleUnloadStarted, (CB_THIS, ModuleID moduleId))                                             \
  X(ModuleAttachedToAssembly, (CB_THIS, ModuleID moduleId, AssemblyID AssemblyId))                 \
  X(ClassLoadStarted, (CB_THIS, ClassID classId))                                                  \
  X(ClassLoadFinished, (CB_THIS, ClassID classId, HRESULT hrStatus))                               \
  X(ClassUnloadStarted, (CB_THIS, ClassID classId))                                                \
  X(ClassUnloadFinished, (CB_THIS, ClassID classId, HRESULT hrStatus))                             \
  X(FunctionUnloadStarted, (CB_THIS, FunctionID functionId))                                       \
  X(JITCompilationFinished,                                                                        \
    (CB_THIS, FunctionID functionId, HRESULT hrStatus, BOOL fIsSafeToBlock))                       \
  X(JITCachedFunctionSearchStarted, (CB_THIS, FunctionID functionId, BOOL * pbUseCachedFunction))  \
  X(JITCachedFunctionSearchFinished, (CB_THIS, FunctionID functionId, COR_PRF_JIT_CACHE result))   \
  X(JITFunctionPitched, (CB_THIS, FunctionID functionId))                                          \
  X(ThreadCreated, (CB_THIS, ThreadID threadId))                                                   \
  X(ThreadDestroyed, (CB_THIS, ThreadID threadId))                                                 \
  X(ThreadAssignedToOSThread, (CB_THIS, ThreadID managedThreadId, DWORD osThreadId))               \
  X(RemotingClientInvocationStarted, (CB_THIS))                                                    \
  X(RemotingClientSendingMessage, (CB_THIS, GUID * pCookie, BOOL fIsAsync))                        \
  X(RemotingClientReceivingReply, (CB_THIS, GUID * pCookie, BOOL fIsAsync))                        \
  X(RemotingClientInvocationFinished, (CB_THIS))                                                   \
  X(RemotingServerReceivingMessage, (CB_THIS, GUID * pCookie, BOOL fIsAsync))                      \
  X(RemotingServerInvocationStarted, (CB_THIS))                                                    \
  X(RemotingServerInvocationReturned, (CB_THIS))                                                   \
  X(RemotingServerSendingReply, (CB_THIS, GUID * pCookie, BOOL fIsAsync))                          \
  X(UnmanagedToManagedTransition,                                                                  \
    (CB_THIS, FunctionID functionId, COR_PRF_TRANSITION_REASON reason))                            \
  X(ManagedToUnmanagedTransition,                                                                  \
    (CB_THIS, FunctionID functionId, COR_PRF_TRANSITION_REASON reason))                            \
  X(RuntimeSuspendStarted, (CB_THIS, COR_PRF_SUSPEND_REASON suspendReason))                        \
  X(RuntimeSuspendFinished, (CB_THIS))                                                             \
  X(RuntimeSuspendAborted, (CB_THIS))                                                              \
  X(RuntimeResumeStarted, (CB_THIS))                                                               \
  X(RuntimeResumeFinished, (CB_THIS))                                                              \
  X(RuntimeThreadSuspended, (CB_THIS, ThreadID threadId))                                          \
  X(RuntimeThreadResumed, (CB_THIS, ThreadID threadId))                                            \
  X(MovedReferences, (CB_THIS, ULONG cMovedObjectIDRanges, ObjectID oldObjectIDRangeStart[],       \
                      ObjectID newObjectIDRangeStart[], ULONG cObjectIDRangeLength[]))             \
  X(ObjectAllocated, (CB_THIS, ObjectID objectId, ClassID classId))                                \
  X(ObjectsAllocatedByClass, (CB_THIS, ULONG cClassCount, ClassID classIds[], ULONG cObjects[]))   \
  X(ObjectReferences,                                                                              \
    (CB_THIS, ObjectID objectId, ClassID classId, ULONG cObjectRefs, ObjectID objectRefIds[]))     \
  X(RootReferences, (CB_THIS, ULONG cRootRefs, ObjectID rootRefIds[]))                             \
  X(ExceptionThrown, (CB_THIS, ObjectID thrownObjectId))                                           \
  X(ExceptionSearchFunctionEnter, (CB_THIS, FunctionID functionId))                                \
  X(ExceptionSearchFunctionLeave, (CB_THIS))                                                       \
  X(ExceptionSearchFilterEnter, (CB_THIS, FunctionID functionId))                                  \
  X(ExceptionSearchFilterLeave, (CB_THIS))                                                         \
  X(ExceptionSearchCatcherFound, (CB_THIS, FunctionID functionId))                                 \
  X(ExceptionOSHandlerEnter, (CB_THIS, UINT_PTR unused))                                           \
  X(ExceptionOSHandlerLeave, (CB_THIS, UINT_PTR unused))                                           \
  X(ExceptionUnwindFunctionEnter, (CB_THIS, FunctionID functionId))                                \
  X(ExceptionUnwindFunctionLeave, (CB_THIS))                                                       \
  X(ExceptionUnwindFinallyEnter, (CB_THIS, FunctionID functionId))                                 \
  X(ExceptionUnwindFinallyLeave, (CB_THIS))                                                        \
  X(ExceptionCatcherEnter, (CB_THIS, FunctionID functionId, ObjectID objectId))                    \
  X(ExceptionCatcherLeave, (CB_THIS))                                                              \
  X(COMClassicVTableCreated,                                                                       \
    (CB_THIS, ClassID wrappedClassId, REFIID implementedIID, void *pVTable, ULONG cSlots))         \
  X(COMClassicVTableDestroyed,                                                                     \
    (CB_THIS, ClassID wrappedClassId, REFIID implementedIID, void *pVTable))                       \
  X(ExceptionCLRCatcherFound, (CB_THIS))                                                           \
  X(ExceptionCLRCatcherExecute, (CB_THIS))                                                         \
  X(ThreadNameChanged, (CB_THIS, ThreadID threadId, ULONG cchName, WCHAR name[]))                  \
  X(GarbageCollectionStarted,                                                                      \
    (CB_THIS, int cGenerations, BOOL generationCollected[], COR_PRF_GC_REASON reason))             \
  X(SurvivingReferences, (CB_THIS, ULONG cSurvivingObjectIDRanges, ObjectID objectIDRangeStart[],  \
                          ULONG cObjectIDRangeLength[]))                                           \
  X(GarbageCollectionFinished, (CB_THIS))                                                          \
  X(FinalizeableObjectQueued, (CB_THIS, DWORD finalizerFlags, ObjectID objectID))                  \
  X(RootReferences2,                                                                               \
    (CB_THIS, ULONG cRootRefs, ObjectID rootRefIds[], COR_PRF_GC_ROOT_KIND rootKinds[],            \
     COR_PRF_GC_ROOT_FLAGS rootFlags[], UINT_PTR rootIds[]))                                       \
  X(HandleCreated, (CB_THIS, GCHandleID handleId, ObjectID initialObjectId))                       \
  X(HandleDestroyed, (CB_THIS, GCHandleID handleId))

#define NOOP_DEFINE(slot, params)                                                                  \
  static HRESULT STDMETHODCALLTYPE cb_##slot params { return S_OK; }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
NOOP_CALLBACKS(NOOP_DEFINE) // NOLINT(misc-unused-parameters): every argument is ignored
#pragma GCC diagnostic pop

/* Every slot: the ones the sample uses, then the no-ops. A slot left out would
 * be NULL, and the self-test (profiler_selftest.c) fails on that. corprof_c.h
 * pins the slot order. */
static const ICorProfilerCallback2Vtbl g_callback_vtbl = {
    .QueryInterface = cb_QueryInterface,
    .AddRef = cb_AddRef,
    .Release = cb_Release,
    .Initialize = cb_Initialize,
    .Shutdown = cb_Shutdown,
    .ModuleLoadFinished = cb_ModuleLoadFinished,
    .ModuleUnloadFinished = cb_ModuleUnloadFinished,
    .JITCompilationStarted = cb_JITCompilationStarted,
    .JITInlining = cb_JITInlining,
#define NOOP_SLOT(slot, params) .slot = cb_##slot,
    NOOP_CALLBACKS(NOOP_SLOT)
#undef NOOP_SLOT
};

const ICorProfilerCallback2Vtbl *ilheap_sample_callback_vtbl(void) { return &g_callback_vtbl; }

static HRESULT profiler_create(REFIID riid, void **ppv) {
  profiler *p = calloc(1, sizeof *p);
  if (!p)
    return E_OUTOFMEMORY;
  if (os_lock_init(&p->lock) != 0) {
    free(p);
    return E_OUTOFMEMORY;
  }
  p->iface.lpVtbl = &g_callback_vtbl;
  atomic_init(&p->refs, 1);
  /* QI takes its own reference; dropping ours frees p if QI refused. */
  HRESULT hr = cb_QueryInterface(&p->iface, riid, ppv);
  cb_Release(&p->iface);
  return hr;
}

/* ---- The class factory: one static object, no reference counting --------------- */
static HRESULT STDMETHODCALLTYPE cf_QueryInterface(IClassFactory *This, REFIID riid, void **ppv) {
  if (!ppv)
    return E_POINTER;
  *ppv = NULL;
  if (!riid)
    return E_POINTER;
  if (guid_eq(riid, &IID_IUnknown) || guid_eq(riid, &IID_IClassFactory_sample)) {
    *ppv = This;
    return S_OK;
  }
  return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE cf_AddRef(IClassFactory *This) {
  (void)This;
  return 2;
}

static ULONG STDMETHODCALLTYPE cf_Release(IClassFactory *This) {
  (void)This;
  return 1;
}

static HRESULT STDMETHODCALLTYPE cf_CreateInstance(IClassFactory *This, IUnknown *outer,
                                                   REFIID riid, void **ppv) {
  (void)This;
  if (!ppv)
    return E_POINTER;
  *ppv = NULL;
  if (outer)
    return CLASS_E_NOAGGREGATION;
  if (!riid)
    return E_POINTER;
  return profiler_create(riid, ppv);
}

static HRESULT STDMETHODCALLTYPE cf_LockServer(IClassFactory *This, BOOL lock) {
  (void)This;
  (void)lock;
  return S_OK;
}

static const IClassFactoryVtbl g_factory_vtbl = {
    .QueryInterface = cf_QueryInterface,
    .AddRef = cf_AddRef,
    .Release = cf_Release,
    .CreateInstance = cf_CreateInstance,
    .LockServer = cf_LockServer,
};
static IClassFactory g_factory = {&g_factory_vtbl};

/* The one export the runtime looks up (declared in profiler.h). */
HRESULT STDMETHODCALLTYPE DllGetClassObject(REFIID rclsid, REFIID riid, void **ppv) {
  if (!ppv)
    return E_POINTER;
  *ppv = NULL;
  if (!rclsid || !riid)
    return E_POINTER;
  if (!guid_eq(rclsid, &CLSID_IlheapSampleProfiler))
    return CLASS_E_CLASSNOTAVAILABLE;
  return cf_QueryInterface(&g_factory, riid, ppv);
}
