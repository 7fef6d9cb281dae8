/* SPDX-License-Identifier: MIT */
/*
 * The one place that knows about memory checkers. The core says what happens to
 * memory ("committed but not handed out", "handed out", "about to be given
 * back"); this file maps that onto AddressSanitizer poisoning, Valgrind mempool
 * client requests, or nothing.
 *
 * Under a checker every block is followed by ILHEAP_TRACK_REDZONE bytes that
 * stay inaccessible, so an IL writer that runs past its body is reported, and
 * blocks start on their own 8-byte shadow granule (ILHEAP_TRACK_MIN_ALIGN):
 * ASan's shadow update is not atomic within a granule, and concurrently handed
 * out blocks must never share one.
 */
#ifndef ILHEAP_TRACK_H
#define ILHEAP_TRACK_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define ILHEAP_TRACK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ILHEAP_TRACK_ASAN 1
#endif
#endif

#if defined(ILHEAP_TRACK_ASAN)
#include <sanitizer/asan_interface.h>
#define ILHEAP_TRACK_REDZONE 16u
#define ILHEAP_TRACK_MIN_ALIGN 8u
#define ILHEAP_TRACK_NAME "asan"
static inline void ilheap_track_create(const void *pool) { (void)pool; }
static inline void ilheap_track_destroy(const void *pool) { (void)pool; }
/* Committed, not yet handed out: inaccessible. */
static inline void ilheap_track_commit(const void *pool, void *p, size_t n) {
  (void)pool;
  ASAN_POISON_MEMORY_REGION(p, n);
}
/* Handed out: accessible. */
static inline void ilheap_track_alloc(const void *pool, void *p, size_t n) {
  (void)pool;
  ASAN_UNPOISON_MEMORY_REGION(p, n);
}
/* About to be released: forget the poison, so a later mapping there starts clean. */
static inline void ilheap_track_release(const void *pool, void *p, size_t n) {
  (void)pool;
  ASAN_UNPOISON_MEMORY_REGION(p, n);
}

#elif defined(ILHEAP_TRACK_VALGRIND)
#include <valgrind/memcheck.h>
#define ILHEAP_TRACK_REDZONE 16u
#define ILHEAP_TRACK_MIN_ALIGN 8u
#define ILHEAP_TRACK_NAME "valgrind"
static inline void ilheap_track_create(const void *pool) {
  VALGRIND_CREATE_MEMPOOL(pool, 0, 1); /* blocks are zero-filled: defined */
}
static inline void ilheap_track_destroy(const void *pool) { VALGRIND_DESTROY_MEMPOOL(pool); }
static inline void ilheap_track_commit(const void *pool, void *p, size_t n) {
  (void)pool;
  VALGRIND_MAKE_MEM_NOACCESS(p, n);
}
static inline void ilheap_track_alloc(const void *pool, void *p, size_t n) {
  VALGRIND_MEMPOOL_ALLOC(pool, p, n);
}
static inline void ilheap_track_release(const void *pool, void *p, size_t n) {
  (void)pool;
  (void)p;
  (void)n;
}

#else
#define ILHEAP_TRACK_REDZONE 0u
#define ILHEAP_TRACK_MIN_ALIGN 1u
#define ILHEAP_TRACK_NAME "none"
static inline void ilheap_track_create(const void *pool) { (void)pool; }
static inline void ilheap_track_destroy(const void *pool) { (void)pool; }
static inline void ilheap_track_commit(const void *pool, void *p, size_t n) {
  (void)pool;
  (void)p;
  (void)n;
}
static inline void ilheap_track_alloc(const void *pool, void *p, size_t n) {
  (void)pool;
  (void)p;
  (void)n;
}
static inline void ilheap_track_release(const void *pool, void *p, size_t n) {
  (void)pool;
  (void)p;
  (void)n;
}
#endif

#endif /* ILHEAP_TRACK_H */
