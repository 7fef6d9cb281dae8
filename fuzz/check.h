/*
 * Checks shared by the fuzz targets: each names the contract clause it enforces
 * (include/ilheap.h) and aborts with a message on a mismatch, so that libFuzzer
 * (or the replay driver) records the input as a finding and the log says why.
 */
#ifndef ILHEAP_FUZZ_CHECK_H
#define ILHEAP_FUZZ_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilheap.h"

#if defined(__GNUC__)
#if defined(__MINGW32__) /* C99 formats: mingw's printf (__USE_MINGW_ANSI_STDIO) */
__attribute__((format(gnu_printf, 1, 2), noreturn))
#else
__attribute__((format(printf, 1, 2), noreturn))
#endif
#endif
static void
fuzz_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("\nilheap fuzz check failed: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  fflush(stderr);
  abort();
}

#define FUZZ_CHECK(cond, ...)                                                                      \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "\n%s:%d: check `%s`", __FILE__, __LINE__, #cond);                           \
      fuzz_fail(__VA_ARGS__);                                                                      \
    }                                                                                              \
  } while (0)

/* Contract 1 and 2 for one block: every byte at an offset in [1, M) from the
 * base, the block ending at offset <= M, and p a multiple of the alignment.
 * Written without any addition that could wrap: base + M may be past the top
 * of the address space. */
static inline void fuzz_check_window(uintptr_t base, uint32_t max_offset, uint32_t alignment,
                                     const void *block, uint32_t cb) {
  uintptr_t p = (uintptr_t)block;
  FUZZ_CHECK(p > base, "contract 1: block %#lx (cb %u) not above base %#lx", (unsigned long)p,
             (unsigned)cb, (unsigned long)base);
  uintptr_t off = p - base;
  FUZZ_CHECK(off <= max_offset && cb <= max_offset - off,
             "contract 1: block %#lx..+%u ends at offset %#lx + %u past max_offset %#x (base %#lx)",
             (unsigned long)p, (unsigned)cb, (unsigned long)off, (unsigned)cb, (unsigned)max_offset,
             (unsigned long)base);
  FUZZ_CHECK(alignment != 0 && p % alignment == 0, "contract 2: block %#lx not aligned to %u",
             (unsigned long)p, (unsigned)alignment);
}

/* Contract 4: the block reads as zero the first time. Checked word-wise where
 * possible: large blocks are common and this runs on every allocation. */
static inline void fuzz_check_zero(const void *block, uint32_t cb) {
  const unsigned char *b = block;
  size_t i = 0;
  for (; i < cb && ((uintptr_t)(b + i) % sizeof(uint64_t)) != 0; i++) {
    FUZZ_CHECK(b[i] == 0, "contract 4: byte %zu of block %p (cb %u) is %#x, not zero", i, block,
               (unsigned)cb, b[i]);
  }
  for (; i + sizeof(uint64_t) <= cb; i += sizeof(uint64_t)) {
    uint64_t w;
    __builtin_memcpy(&w, b + i, sizeof w);
    FUZZ_CHECK(w == 0, "contract 4: word at byte %zu of block %p (cb %u) is not zero", i, block,
               (unsigned)cb);
  }
  for (; i < cb; i++) {
    FUZZ_CHECK(b[i] == 0, "contract 4: byte %zu of block %p (cb %u) is %#x, not zero", i, block,
               (unsigned)cb, b[i]);
  }
}

/* A tag pattern written into every handed-out block and verified later: any
 * overlap between blocks, or any write by the library into a block it handed
 * out, shows up as a wrong byte. The pattern depends on the position too, so a
 * block that moved or was handed out twice at a shifted address is caught. */
static inline unsigned char fuzz_tag_byte(uint32_t tag, size_t i) {
  return (unsigned char)(((tag * 0x9Du) ^ (uint32_t)(i * 0x3Bu)) | 1u);
}

/* The pattern repeats every 256 bytes (i * 0x3B mod 256 depends only on i mod
 * 256), so fill and check work on a 256-byte template with memcpy/memcmp:
 * blocks of megabytes are checked many times per input. */
static inline void fuzz_template(unsigned char t[256], uint32_t tag) {
  for (size_t i = 0; i < 256; i++) {
    t[i] = fuzz_tag_byte(tag, i);
  }
}

static inline void fuzz_fill(void *block, uint32_t cb, uint32_t tag) {
  unsigned char t[256];
  fuzz_template(t, tag);
  unsigned char *b = block;
  for (size_t i = 0; i < cb; i += 256) {
    size_t n = cb - i < 256 ? cb - i : 256;
    memcpy(b + i, t, n);
  }
}

static inline void fuzz_check_fill(const void *block, uint32_t cb, uint32_t tag, const char *when) {
  unsigned char t[256];
  fuzz_template(t, tag);
  const unsigned char *b = block;
  for (size_t i = 0; i < cb; i += 256) {
    size_t n = cb - i < 256 ? cb - i : 256;
    if (memcmp(b + i, t, n) != 0) {
      for (size_t j = 0; j < n; j++) {
        FUZZ_CHECK(b[i + j] == t[j],
                   "contract 3/6: byte %zu of block %p (cb %u, tag %u) changed to %#x (%s)", i + j,
                   block, (unsigned)cb, (unsigned)tag, b[i + j], when);
      }
    }
  }
}

#endif /* ILHEAP_FUZZ_CHECK_H */
