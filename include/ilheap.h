/* SPDX-License-Identifier: MIT */
/*
 * ilheap: a module-specific allocator for IL method bodies, the engine behind
 * the .NET profiling API's IMethodMalloc.
 *
 * One heap belongs to one module. It hands out blocks that are never freed one
 * by one and that lie at a positive offset from the module's base, inside the
 * window a method RVA can express, as its window policy says (below). Address
 * space is reached only through an ilheap_provider: the operating system's (the
 * default), a simulated one (include/ilheap_sim.h) or a landing zone composed
 * over either (include/ilheap_zone.h).
 *
 * WHICH WINDOW POLICY FOR WHICH RUNTIME (ilheap_options.window_policy)
 *  ILHEAP_WINDOW_REQUIRED (the default): every block lies inside the window, or
 *    the answer is NULL. For .NET Framework (2.0 and later), whose
 *    SetILFunctionBody refuses a body at or below the module base and stores
 *    (ULONG)(body - base) as the method's RVA, and for mock runtimes that check
 *    that rule. It is what the runtimes' own allocators promised.
 *  ILHEAP_WINDOW_PREFERRED: blocks lie inside the window while it has room;
 *    when it is full, elsewhere (the nearest free range above the window,
 *    else below the module, anywhere the provider can reserve) instead of
 *    NULL. For CoreCLR (.NET Core 1.0 to .NET 10 measured): its
 *    SetILFunctionBody keeps the POINTER and never derives an RVA from it;
 *    measured on .NET 10.0.12 Linux x64, bodies (also of methods added with
 *    IMetaDataEmit::DefineMethod, whatever their RVA) run from any address,
 *    while the window of an assembly mapped late was full in about two runs
 *    in five. Use ilheap_rva to find out whether a block has an RVA.
 *
 * THE CONTRACT (tests and fuzzers cite these numbers)
 *
 *  1. Positive offset. For base B and window max_offset M, a block p of cb bytes
 *     is "inside the window" when every byte lies at an offset in [1, M) from
 *     B: p - B >= 1 and p + cb - B <= M (the whole body, not only its first
 *     byte).
 *     ILHEAP_WINDOW_REQUIRED: every non-NULL block is inside the window.
 *     ILHEAP_WINDOW_PREFERRED: a block is placed outside the window only when
 *     the window cannot hold a chunk for it (every refill tries the window
 *     first). A request the window cannot hold while it still has room for
 *     smaller ones (at least a page) is served alone from an outside chunk of
 *     its own: the requests after it still land in the window. Only once the
 *     window is full (no room for a one-page chunk) does outside room serve
 *     the requests that follow, so a full window does not cost a reservation
 *     per request; once a refill made such room, the fast path uses it up even
 *     if the window meanwhile regains room (the next refill tries the window
 *     first). Every block lies either wholly inside the window or wholly
 *     outside it (no byte in [B + 1, B + M)), and the outside ones are counted
 *     in ilheap_stats.blocks_outside_window. Every other clause holds for both
 *     policies.
 *  2. Alignment. p is a multiple of the heap's alignment.
 *  3. Disjoint. Blocks never overlap each other (from any heap), the module, or
 *     any mapping that existed before. The library reserves only ranges that are
 *     free and never maps over a range it did not reserve itself.
 *  4. Usable and zero-filled. All cb bytes are readable and writable and read as
 *     zero the first time.
 *  5. cb == 0 returns NULL (as CoreCLR and .NET Framework do).
 *  6. Exhaustion returns NULL: window full (ILHEAP_WINDOW_REQUIRED only; with
 *     ILHEAP_WINDOW_PREFERRED, the window and what lies outside it are full),
 *     budget reached, or the provider refuses. No abort, no crash; the heap stays usable, blocks already handed
 *     out are untouched, and a later request that fits still succeeds. Address
 *     space is reserved in whole provider pages, plus a guard page when guard
 *     pages are on, so a window with room for fewer pages than that is full.
 *  7. Never freed one by one. ilheap_destroy gives every byte of address space
 *     the heap reserved back to the provider (the process map is as before
 *     ilheap_create).
 *  8. Thread-safe. Any number of threads may call ilheap_alloc on one heap at
 *     once. Each thread carves its blocks from a slab of its own (at most
 *     256 KiB, or the request): the fast path is loads and stores of memory
 *     only that thread writes, with no lock, no atomic read-modify-write and
 *     no system call, so threads do not slow each other down. Taking a new slab
 *     (a thread's first request from a heap, or a slab used up) takes the
 *     heap's lock; only refilling (growing a chunk or starting a new one) also
 *     calls the provider. ilheap_destroy must not race with other calls on the
 *     same heap.
 *  9. No undefined behaviour for any argument: module_base near 0 or near the
 *     top of the address space, base + max_offset past the top, cb near
 *     UINT32_MAX, any alignment. Bad arguments get the documented answer below.
 *
 * Bad input, once: every function that takes a pointer checks it for NULL and
 * answers ILHEAP_EINVAL (or NULL, or does nothing, as documented). Nothing that
 * was handed out is ever touched by a failed call.
 */
#ifndef ILHEAP_H
#define ILHEAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Export and attribute macros --------------------------------------- */
#if defined(ILHEAP_STATIC_DEFINE)
#define ILHEAP_API
#elif defined(_WIN32)
#if defined(ILHEAP_BUILDING)
#define ILHEAP_API __declspec(dllexport)
#else
#define ILHEAP_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define ILHEAP_API __attribute__((visibility("default")))
#else
#define ILHEAP_API
#endif

#if defined(__GNUC__)
#define ILHEAP_NODISCARD __attribute__((warn_unused_result))
#else
#define ILHEAP_NODISCARD
#endif

/* ---- Version ------------------------------------------------------------- */
#define ILHEAP_VERSION_MAJOR 0
#define ILHEAP_VERSION_MINOR 2
#define ILHEAP_VERSION_PATCH 0
/* One number that compares in order: 0x00MMmmpp (major, minor, patch). */
#define ILHEAP_VERSION                                                                             \
  ((ILHEAP_VERSION_MAJOR << 16) | (ILHEAP_VERSION_MINOR << 8) | ILHEAP_VERSION_PATCH)

/* The version of the library actually linked, encoded as ILHEAP_VERSION (the
 * header's): a program can compare the two at run time. */
ILHEAP_API uint32_t ilheap_version(void);

/* ---- Error codes --------------------------------------------------------- */
/* The one list of error codes: X(NAME, value, text) gives ILHEAP_NAME = value,
 * and ilheap_strerror(value) returns text. 0 is success; every error is a
 * distinct negative number. */
#define ILHEAP_ERROR_LIST(X)                                                                       \
  X(OK, 0, "success")                                                                              \
  /* a bad argument: NULL pointer, bad option, bad size */                                         \
  X(EINVAL, -1, "invalid argument")                                                                \
  /* out of (ordinary) memory, or the provider has none */                                         \
  X(ENOMEM, -2, "out of memory")                                                                   \
  /* provider: the range is not free (occupied, or a race lost) */                                 \
  X(EBUSY, -3, "address range not free")                                                           \
  /* provider: the range is outside what it can map */                                             \
  X(ERANGE, -4, "address range out of reach")                                                      \
  /* provider: the OS refused for another reason */                                                \
  X(EPROVIDER, -5, "address-space provider failed")                                                \
  /* a versioned struct's size is one this library does not know */                                \
  X(EVERSION, -6, "unknown structure version")                                                     \
  /* registry: no module with that id */                                                           \
  X(ENOTFOUND, -7, "module not found")                                                             \
  /* registry: the module id is registered with another base (a stale id) */                       \
  X(EEXIST, -8, "module id registered with another base")

enum {
#define ILHEAP__ERROR_ENUM(name, value, text) ILHEAP_##name = (value),
  ILHEAP_ERROR_LIST(ILHEAP__ERROR_ENUM)
#undef ILHEAP__ERROR_ENUM
};

/* A short English name for an error code (the text in ILHEAP_ERROR_LIST). Never
 * NULL; an unknown code gives "unknown error". */
ILHEAP_API const char *ilheap_strerror(int err);

/* ---- The address-space provider ---------------------------------------- */
/*
 * Everything ilheap does to address space goes through these functions. All
 * addresses and lengths passed to them are multiples of page_size. Each
 * function returns 0 or an ILHEAP_E* code (resident: see below).
 *
 *  walk_free  Calls visit(arg, a, b) for each maximal free range [a, b) that
 *             intersects [lo, hi), clipped to [lo, hi), in ascending order.
 *             "Free" means the provider may reserve it: it excludes every
 *             mapping and any zone the provider keeps clear (e.g. the room a brk
 *             heap or a stack grows into). It stops early, returning 0, when
 *             visit returns nonzero. The view may be stale by the time reserve is
 *             called: reserve is the only authority.
 *  reserve    Reserves exactly [addr, addr + len) with no access, or fails with
 *             ILHEAP_EBUSY if any part of it is not free. It never replaces an
 *             existing mapping.
 *  commit     Makes [addr, addr + len), inside a range reserve returned,
 *             readable and writable; the bytes read as zero.
 *  release    Gives back [addr, addr + len), a union of ranges reserve returned
 *             (or map with ILHEAP_MAP_RESERVE).
 *
 * Two more functions are optional (NULL, or absent from a provider whose size
 * predates them: the core then uses reserve and commit). They let a refill be
 * one system call and provision pages in bulk:
 *  map        Commits [addr, addr + len) like commit. With ILHEAP_MAP_RESERVE
 *             in how, the range is not reserved yet: it is reserved first, with
 *             reserve's answers (ILHEAP_EBUSY if any part is not free), in one
 *             step where the OS allows; without it, the range is one reserve
 *             returned and that was never committed, or (with
 *             ILHEAP_MAP_POPULATE alone) a range map has committed already,
 *             which the core populates after a refill, outside its lock. With
 *             ILHEAP_MAP_POPULATE, the pages are also made resident now, in
 *             bulk, so that writing them takes no page faults (a hint: a
 *             provider may ignore it). The core asks it only for refills of
 *             32 KiB or more: below that the call costs what it saves.
 *             Any other bit of how: ILHEAP_EINVAL.
 *  resident   1 when the page at addr (inside a committed range) is
 *             resident, 0 when it is not, or an ILHEAP_E* code. The core asks
 *             it about the block it handed out last, to learn whether its
 *             caller writes what it gets (a profiler does), before asking map
 *             to populate.
 *
 * One more, optional too (added in 0.3: NULL, or absent from a smaller size):
 *  decommit   Returns [addr, addr + len), inside ranges reserve (or map with
 *             ILHEAP_MAP_RESERVE) returned, to the state reserve left it in:
 *             no access, no memory behind it, its bytes read as zero when it
 *             is committed again; and it stays reserved throughout, so no other
 *             mapping of the process can take it meanwhile (release followed
 *             by reserve could lose it). Committed or not, any part of it.
 *             The range must be the caller's own: one that is not wholly
 *             reserved gets ILHEAP_EINVAL, nothing done, from every provider of
 *             the library (the Linux one can tell only that every page is
 *             mapped: what is mapped there is the caller's word).
 *             The core never calls it; the landing zone (ilheap_zone.h) does,
 *             to take back the pages a heap released inside a piece.
 *
 * The provider's ctx must outlive every heap that uses it. Its functions may be
 * called from several threads at once (for different heaps).
 *
 * FILLING ONE (every provider of the library does it this way, and so should
 * yours): ilheap_provider_init, then page_size, ctx and the functions you
 * have, by name. The size is then the one this header knows, and every
 * function you did not set is NULL: absent, which is always allowed for the
 * optional ones. A provider composed over another (a wrapper, like the landing
 * zone) reads the one it wraps as a whole: whatever that one's size, the
 * functions past it are NULL, and the wrapper forwards every function the
 * wrapped one has, or leaves its own NULL when it cannot do without it. It
 * never copies only the part it knew when it was written.
 */
/* Called for each address range [lo, hi) a walk visits (free ranges for walk_free,
 * reserved ones for ilheap_walk_reserved); nonzero stops the walk. */
typedef int (*ilheap_range_visitor)(void *arg, uintptr_t lo, uintptr_t hi);

typedef struct ilheap_provider {
  uint32_t size;    /* sizeof(ilheap_provider): versioning */
  uint32_t flags;   /* reserved, must be 0 */
  size_t page_size; /* reserve/commit granularity: a power of two in [4096, 1 MiB] */
  void *ctx;
  int (*walk_free)(void *ctx, uintptr_t lo, uintptr_t hi, ilheap_range_visitor visit, void *arg);
  int (*reserve)(void *ctx, uintptr_t addr, size_t len);
  int (*commit)(void *ctx, uintptr_t addr, size_t len);
  int (*release)(void *ctx, uintptr_t addr, size_t len);
  /* Optional, see above (added in 0.2; a smaller size means NULL). */
  int (*map)(void *ctx, uintptr_t addr, size_t len, unsigned how);
  int (*resident)(void *ctx, uintptr_t addr);
  /* Optional, see above (added in 0.3; a smaller size means NULL). */
  int (*decommit)(void *ctx, uintptr_t addr, size_t len);
} ilheap_provider;

/* Fills *p for a provider of this header's version: size = sizeof *p, every
 * other field 0 or NULL (see FILLING ONE above). NULL: does nothing. */
ILHEAP_API void ilheap_provider_init(ilheap_provider *p);

#define ILHEAP_MAP_RESERVE 1u  /* map: reserve the range first */
#define ILHEAP_MAP_POPULATE 2u /* map: make its pages resident now (a hint) */

/*
 * The operating system's provider: a static object, valid for the life of the
 * process. NULL where the platform has none yet (not Linux, not Windows); then
 * ilheap_create needs a provider of the caller's (ILHEAP_EINVAL otherwise).
 *
 * Linux: free ranges from the PROCMAP_QUERY ioctl (or, once it has failed with
 *   any errno, from the text of /proc/self/maps for good), minus the
 *   room the main stack and the brk heap grow into; reserve is mmap(PROT_NONE,
 *   MAP_FIXED_NOREPLACE), commit mprotect, release munmap; map is one mmap
 *   (reserving and committing; MAP_POPULATE or MADV_POPULATE_WRITE to
 *   populate), resident mincore, decommit one mmap(PROT_NONE, MAP_FIXED |
 *   MAP_NORESERVE) over the range (which is its own: the pages are replaced by
 *   fresh inaccessible ones in one step, never unmapped); page_size is the
 *   system page. In a 32-bit process the end of user space (0xFFFFE000 under a
 *   64-bit kernel, lower under a 32-bit one) is found once, at first use, and
 *   nothing above it counts as free.
 * Windows: free ranges from a VirtualQuery walk, whole 64 KiB granules only (the
 *   rest of a granule whose start is reserved can never be reserved), crossing
 *   runs of regions it has crossed before in one question (src/runs.h); reserve is
 *   VirtualAlloc(MEM_RESERVE, PAGE_NOACCESS) at exactly the address asked, commit
 *   VirtualAlloc(MEM_COMMIT, PAGE_READWRITE) one reservation at a time, release
 *   VirtualFree(MEM_RELEASE) of each reservation in the range; map is one
 *   VirtualAlloc (MEM_RESERVE | MEM_COMMIT, or MEM_COMMIT of one reservation),
 *   populating ranges of more than one page with VirtualLock + VirtualUnlock
 *   where locking is allowed;
 *   resident is QueryWorkingSetEx (a 64 KiB page is resident when its first or
 *   last 4 KiB page is); decommit is VirtualFree(MEM_DECOMMIT) (the range stays
 *   reserved), one reservation at a time; page_size is the
 *   allocation granularity (64 KiB), so a chunk with its guard page reserves at
 *   least 128 KiB. Nothing is ever made executable. Its answers:
 *   - Outside the process's usable range (GetSystemInfo's lpMinimumApplicationAddress
 *     to lpMaximumApplicationAddress: the first 64 KiB; above 2 GiB in a 32-bit
 *     process, 3 or 4 GiB with /LARGEADDRESSAWARE; the system's areas at the top
 *     of a 64-bit one) nothing is free: walk_free reports nothing there and
 *     reserve answers ILHEAP_ERANGE. A heap whose window lies there, or is full
 *     (kernel32 and ntdll at the top of a 32-bit process under Wine have no room
 *     above them), gets NULL from ilheap_alloc (contract 6).
 *   - reserve, commit or release with an address or length that is not a
 *     multiple of page_size, or a length 0: ILHEAP_EINVAL, nothing done (Windows
 *     itself would round the address down silently).
 *   - reserve over anything that exists: ILHEAP_EBUSY (Windows' error 487).
 *   - commit of a range that is not wholly reserved, or map without
 *     ILHEAP_MAP_RESERVE of a range that is not inside one reservation:
 *     ILHEAP_EINVAL, nothing committed. resident of a page that is not
 *     committed: ILHEAP_EINVAL.
 *   - release of a range that is not exactly a run of whole reservations:
 *     ILHEAP_EINVAL, nothing released (Windows frees a reservation only whole).
 */
ILHEAP_API const ilheap_provider *ilheap_os_provider(void);

/* ---- Options ---------------------------------------------------------------*/
#define ILHEAP_DEFAULT_ALIGNMENT 8u
#define ILHEAP_MIN_ALIGNMENT 4u
#define ILHEAP_MAX_ALIGNMENT 4096u
#define ILHEAP_DEFAULT_MAX_OFFSET 0x7FFFFFFFu /* .NET Framework 2.0+ METHOD_MAX_RVA */
#define ILHEAP_UNLIMITED SIZE_MAX

/* Window policies (ilheap_options.window_policy; see the top of this file). */
#define ILHEAP_WINDOW_REQUIRED 0u  /* inside the window or NULL: .NET Framework */
#define ILHEAP_WINDOW_PREFERRED 1u /* inside while it has room, then outside: CoreCLR */

typedef struct ilheap_options {
  uint32_t size;            /* sizeof(ilheap_options): set by ilheap_options_init */
  uint32_t alignment;       /* power of two in [4, 4096]; default 8 */
  uint32_t max_offset;      /* window: blocks end at offset <= max_offset; in [1, 0xFFFFFFFF],
                               default 0x7FFFFFFF */
  uint32_t use_guard_pages; /* a flag: nonzero puts an inaccessible page above every chunk
                               (default 1) */
  size_t budget;            /* most address space the heap may reserve, in bytes, guard pages
                               included; default ILHEAP_UNLIMITED */
  const ilheap_provider *provider; /* NULL: ilheap_os_provider() */
  /* Version 2 (a version-1 caller's smaller struct gets the default). */
  uint32_t window_policy; /* ILHEAP_WINDOW_REQUIRED (default) or ILHEAP_WINDOW_PREFERRED */
} ilheap_options;

/* Fills *opts with the defaults. Does nothing if opts is NULL. */
ILHEAP_API void ilheap_options_init(ilheap_options *opts);

/* ---- The heap --------------------------------------------------------------*/
typedef struct ilheap ilheap;

/*
 * Creates a heap for the module whose base address is module_base. opts may be
 * NULL (defaults). Creating reserves nothing: address space is reserved on the
 * first ilheap_alloc.
 * Returns 0 and sets *out, or:
 *   ILHEAP_EINVAL   out is NULL, or an option is out of range (alignment not a
 *                   power of two in [4, 4096], max_offset 0, an unknown
 *                   window_policy, provider NULL
 *                   where the platform has none, a provider missing a
 *                   function or with a bad page_size);
 *   ILHEAP_EVERSION opts->size (or the provider's size) is smaller than the
 *                   first published version of that struct;
 *   ILHEAP_ENOMEM   no memory for the heap's bookkeeping.
 * On error *out is set to NULL (when out is not NULL).
 * module_base may be any value, NULL included (the window is then [1, M)).
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_create(const void *module_base, const ilheap_options *opts,
                                              ilheap **out);

/*
 * Returns a block of cb bytes (contract 1-4), or NULL when heap is NULL, cb is 0,
 * or the heap is exhausted (contract 5-6). Never aborts.
 */
ILHEAP_API void *ilheap_alloc(ilheap *heap, uint32_t cb);

/* Releases every byte of address space the heap reserved, and the heap. Every
 * block it handed out becomes invalid. NULL: does nothing. */
ILHEAP_API void ilheap_destroy(ilheap *heap);

/* The module base and window the heap was created with (NULL heap: 0). */
ILHEAP_API uintptr_t ilheap_module_base(const ilheap *heap);
ILHEAP_API uint32_t ilheap_max_offset(const ilheap *heap);
ILHEAP_API uint32_t ilheap_alignment(const ilheap *heap);
/* The heap's ILHEAP_WINDOW_* policy (NULL heap: ILHEAP_WINDOW_REQUIRED). */
ILHEAP_API uint32_t ilheap_window_policy(const ilheap *heap);

/* ---- Statistics -------------------------------------------------------------*/
typedef struct ilheap_stats {
  uint32_t size;            /* in: sizeof(ilheap_stats) as the caller knows it */
  uint32_t version;         /* out: ILHEAP_STATS_VERSION of the library */
  uint64_t blocks;          /* blocks handed out */
  uint64_t bytes_requested; /* sum of cb over blocks handed out */
  uint64_t padding_bytes;   /* bytes consumed beyond cb: alignment and redzones */
  uint64_t bytes_reserved;  /* address space reserved now, guard pages included */
  uint64_t bytes_committed; /* of which readable and writable */
  uint64_t chunks;          /* contiguous reserved regions */
  uint64_t failed_requests; /* ilheap_alloc calls with cb > 0 that returned NULL */
  uint64_t extensions;      /* times a chunk grew in place */
  uintptr_t lowest;         /* lowest reserved address (0 if none) */
  uintptr_t highest;        /* end of the highest reserved range (0 if none) */
  /* Version 2. */
  uint64_t blocks_outside_window; /* blocks placed outside the window (contract 1;
                                     ILHEAP_WINDOW_PREFERRED only, else 0) */
} ilheap_stats;

#define ILHEAP_STATS_VERSION 2u

/*
 * Fills *out. The caller sets out->size = sizeof(ilheap_stats); fields past that
 * size are not written, so an older caller works with a newer library.
 * Returns 0, or ILHEAP_EINVAL (heap or out NULL), or ILHEAP_EVERSION (out->size
 * smaller than the first published ilheap_stats). The figures are a consistent
 * snapshot of the chunks; blocks and bytes_requested may lag allocations that
 * are in flight on other threads.
 */
ILHEAP_API int ilheap_get_stats(const ilheap *heap, ilheap_stats *out);

/*
 * The RVA of a block: block - module base, what .NET Framework stores in the
 * method's metadata and what a mock runtime checks. Checked: [block, block + cb)
 * must lie inside memory this heap handed out (the part of one of its chunks
 * already carved into blocks: a block, part of one, or its padding; the heap
 * keeps no per-block sizes; with several threads, also the unused end of a
 * slab that a thread gave up while another thread's slab lay below it), and
 * inside the window.
 * Returns 0 and sets *rva, or (with *rva set to 0 when rva is not NULL):
 *   ILHEAP_EINVAL  heap, block or rva NULL, cb 0, or [block, block + cb) not
 *                  within what this heap handed out (another heap's block, a
 *                  stale or made-up pointer);
 *   ILHEAP_ERANGE  the block is this heap's but lies outside the window (only
 *                  with ILHEAP_WINDOW_PREFERRED): it has no RVA.
 * Thread-safe; it takes the heap's lock (refill's), never the fast path's.
 */
ILHEAP_API int ilheap_rva(const ilheap *heap, const void *block, uint32_t cb, uint32_t *rva);

/* Calls visit(arg, lo, hi) for each range of address space the heap has
 * reserved, in no particular order (for checks against a process map); it stops
 * when visit returns nonzero. The ranges are a snapshot: visit may call back
 * into the heap. Returns 0, ILHEAP_EINVAL for a NULL heap or visit, or
 * ILHEAP_ENOMEM when no memory is left for the snapshot. */
ILHEAP_API int ilheap_walk_reserved(const ilheap *heap, ilheap_range_visitor visit, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* ILHEAP_H */
