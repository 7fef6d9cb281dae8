/* SPDX-License-Identifier: MIT */
/*
 * Writes the hand-written seeds of corpus/<target>/ (named seed-*), each built
 * to reach one case: a window edge, a near-top base, exhaustion, an injected
 * failure, misuse... The fuzzers grow the corpus from them, and
 * scripts/fuzz-campaign.sh merges what they find (-merge=1).
 *
 *   usage: fuzz_make_seeds CORPUS_DIR      (e.g. corpus)
 *
 * Each seed is the byte sequence the target's decoder reads (fuzz/provider.h):
 * put_range(lo, hi, v) writes v - lo in exactly the bytes fuzz_range(lo, hi)
 * reads. The encoders below follow the decoders of each target step by step;
 * when a decoder changes, change its encoder here and regenerate.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
#include <direct.h>
#define mkdir(path, mode) _mkdir(path)
#endif

#include "ilheap_sim.h"
#include "model_format.h"
#include "threads_format.h"
#include "os_format.h"
#include "com_format.h"
#include "il_format.h"
#include "faults_format.h"
#include "seed.h"

static const char *out_dir;

static void save(const char *target, const char *name, const seed *s) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", out_dir, target);
  if (mkdir(path, 0777) != 0 && errno != EEXIST) {
    perror(path);
    exit(1);
  }
  snprintf(path, sizeof path, "%s/%s/seed-%s", out_dir, target, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(s->b, 1, s->n, f) != s->n || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

/* ---- fuzz_model: the grammar is fuzz/model_format.h ---- */

static void seeds_model(void) {
  seed s;
  m_heap_spec h;
  const char *T = "fuzz_model";

  /* The window edge: a window of exactly 8 pages starting at the first page;
   * a request of the whole window (minus the guard page) fits, one byte more
   * does not. */
  m_header(&s, 64);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_START;
  h.mo_mode = MMO_PAGES;
  h.mo1 = 8;
  h.mo2 = 2; /* 8 pages exactly */
  h.align_idx = 2;
  h.guard = 1;
  m_create(&s, 64, 0, &h);
  m_alloc(&s, 0, MS_WINDOW, 9, 0, 8); /* a byte more than fits */
  m_alloc(&s, 0, MS_WINDOW, 8, 0, 8); /* exactly what fits */
  m_alloc(&s, 0, MS_TINY, 1, 0, 8);   /* the window is full */
  save(T, "window-edge", &s);

  /* The window's end one byte short of a page: the last page is not usable. */
  m_header(&s, 64);
  h.mo2 = 1;
  h.guard = 0;
  m_create(&s, 64, 0, &h);
  m_alloc(&s, 0, MS_WINDOW, 8, 0, 8);
  m_alloc(&s, 0, MS_WINDOW, 9, 0, 8);
  m_burst(&s, 0, 64, 500);
  save(T, "window-end-unaligned", &s);

  /* Near the top: the module sits 4 pages below the end of the space, so the
   * window runs past it and only 3 pages exist: less than a step, so the
   * chunk is the minimal one (a page and its guard page), then the window is
   * full. */
  m_header(&s, 32);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_NEAR_END;
  h.b1 = 4;
  h.b2 = 0;
  h.align_idx = 2;
  h.guard = 1;
  m_create(&s, 32, 1, &h);
  m_alloc(&s, 1, MS_TINY, 16, 0, 8);
  m_alloc(&s, 1, MS_SMALL, 4000, 0, 8);
  m_alloc(&s, 1, MS_PAGES, 1, 1, 8);
  save(T, "near-top", &s);

  /* Near the top of the real address space and near 0: windows outside the
   * space, every request fails, nothing crashes (contract 9). */
  m_header(&s, 16);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_NEAR_TOP;
  h.b1 = 5;
  h.mo_mode = MMO_MAX;
  h.align_idx = 3;
  m_create(&s, 16, 0, &h);
  h.base_mode = MB_NEAR_ZERO;
  h.b1 = 0;
  m_create(&s, 16, 1, &h);
  m_alloc(&s, 0, MS_TINY, 64, 0, 16);
  m_alloc(&s, 1, MS_TINY, 64, 0, 16);
  m_alloc(&s, 0, MS_HUGE, 0, 0, 16);
  m_alloc(&s, 1, MS_HUGE, 1, 0, 16);
  save(T, "address-space-ends", &s);

  /* Exhaustion by budget: 3 pages of budget with a guard page, a burst until
   * requests fail, then one that still fits in the chunk (contract 6). */
  m_header(&s, 256);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_INSIDE;
  h.b1 = 10;
  h.b2 = 1;
  h.align_idx = 1;
  h.guard = 1;
  h.budget_mode = 1;
  h.budget1 = 6;
  m_create(&s, 256, 2, &h);
  m_burst(&s, 2, 64, 400);
  m_burst(&s, 2, 64, 400);
  m_alloc(&s, 2, MS_ROOM, 4, 0, 4);
  m_alloc(&s, 2, MS_ROOM, 5, 0, 4);
  m_alloc(&s, 2, MS_TINY, 1, 0, 4);
  save(T, "exhaustion-budget", &s);

  /* Exhaustion by a crowded window: foreign ranges leave holes of one and two
   * pages; the heap fills them lowest first, each chunk at the top of its gap. */
  m_header(&s, 48);
  m_layout(&s, 48, 1, 0, 48);
  m_layout(&s, 48, 0, 4, 1);
  m_layout(&s, 48, 0, 10, 2);
  m_layout(&s, 48, 0, 20, 3);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_FOREIGN;
  h.b1 = 0;
  h.b2 = 7;
  h.align_idx = 2;
  h.guard = 0;
  m_create(&s, 48, 0, &h);
  m_alloc(&s, 0, MS_SMALL, 4096, 0, 8);
  m_alloc(&s, 0, MS_PAGES, 2, 1, 8);
  m_alloc(&s, 0, MS_PAGES, 3, 1, 8);
  m_alloc(&s, 0, MS_SMALL, 100, 0, 8);
  m_layout(&s, 48, 0, 30, 10);
  m_alloc(&s, 0, MS_SMALL, 100, 0, 8);
  save(T, "crowded-window", &s);

  /* The same crowded window under ILHEAP_WINDOW_PREFERRED: once the holes are
   * full, chunks go above the window, then below the module; a hole opening in
   * the window is used again by the next refill. */
  m_header(&s, 48);
  m_layout(&s, 48, 1, 0, 48);
  m_layout(&s, 48, 0, 4, 1);
  m_layout(&s, 48, 0, 10, 2);
  m_layout(&s, 48, 0, 40, 6);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_FOREIGN;
  h.b1 = 8;
  h.b2 = 7;
  h.mo_mode = MMO_PAGES;
  h.mo1 = 12;
  h.mo2 = 2;
  h.align_idx = 2;
  h.guard = 1;
  h.policy = 1;
  m_create(&s, 48, 0, &h);
  m_alloc(&s, 0, MS_SMALL, 4096, 0, 8);
  m_alloc(&s, 0, MS_PAGES, 2, 1, 8);
  m_alloc(&s, 0, MS_PAGES, 3, 1, 8);
  m_burst(&s, 0, 64, 300);
  m_layout(&s, 48, 0, 12, 4);
  m_burst(&s, 0, 64, 300);
  m_alloc(&s, 0, MS_PAGES, 6, 1, 8);
  m_alloc(&s, 0, MS_PAGES, 30, 1, 8);
  save(T, "preferred-crowded-window", &s);

  /* PREFERRED with no window at all (past the end of the space, an empty
   * window) and a window smaller than the request; large requests outside. */
  m_header(&s, 256);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_NEAR_END;
  h.b1 = 0;
  h.b2 = 3;
  h.align_idx = 3;
  h.guard = 1;
  h.policy = 1;
  m_create(&s, 256, 0, &h);
  h.base_mode = MB_INSIDE;
  h.b1 = 100;
  h.b2 = 1;
  h.mo_mode = MMO_TINY;
  h.mo1 = 1;
  m_create(&s, 256, 1, &h);
  h.mo_mode = MMO_PAGES;
  h.mo1 = 2;
  h.mo2 = 2;
  m_create(&s, 256, 2, &h);
  m_alloc(&s, 0, MS_TINY, 20, 0, 16);
  m_alloc(&s, 1, MS_TINY, 20, 0, 16);
  m_alloc(&s, 2, MS_PAGES, 3, 1, 16);
  m_alloc(&s, 2, MS_TINY, 20, 0, 16);
  m_alloc(&s, 1, MS_STEP, 1049000, 0, 16);
  m_burst(&s, 1, 64, 200);
  m_burst(&s, 2, 64, 200);
  m_alloc(&s, 0, MS_HUGE, 0, 0, 16);
  save(T, "preferred-no-window", &s);

  /* PREFERRED, a 15-page window with room: a 100000-byte request (25 pages,
   * not a page multiple) is served alone from an outside chunk; the small
   * requests after it land in the window, not in that chunk's room. Then the
   * window fills: outside room serves every request from then on. */
  m_header(&s, 256);
  h = (m_heap_spec){.base_mode = MB_INSIDE, .b1 = 100, .mo_mode = MMO_PAGES, .mo1 = 16, .mo2 = 2,
                    .align_idx = 3, .guard = 1, .policy = 1};
  m_create(&s, 256, 0, &h);
  m_alloc(&s, 0, MS_256K, 100000, 0, 16);
  m_alloc(&s, 0, MS_TINY, 20, 0, 16);
  m_burst(&s, 0, 8, 100);
  m_alloc(&s, 0, MS_256K, 100000, 0, 16);
  m_alloc(&s, 0, MS_SMALL, 3000, 0, 16);
  m_alloc(&s, 0, MS_PAGES, 2, 2, 16);
  for (int i = 0; i < 4; i++)
    m_burst(&s, 0, 64, 512);
  m_alloc(&s, 0, MS_256K, 100000, 0, 16);
  m_alloc(&s, 0, MS_TINY, 20, 0, 16);
  m_burst(&s, 0, 64, 300);
  save(T, "preferred-mid-request", &s);

  /* Injected failures, one of each kind, then requests that must work again. */
  for (unsigned op = 0; op < 8; op++) {
    static const char *names[] = {"inject-walk",
                                  "inject-reserve",
                                  "inject-commit",
                                  "inject-race",
                                  "preferred-inject-walk",
                                  "preferred-inject-reserve",
                                  "preferred-inject-commit",
                                  "preferred-inject-race"};
    m_header(&s, 128);
    memset(&h, 0, sizeof h);
    h.base_mode = MB_INSIDE;
    h.b1 = op < 4 ? 0 : 64;
    h.align_idx = 2;
    h.guard = 1;
    if (op >= 4) { /* a 16-page window: full soon, then outside */
      h.policy = 1;
      h.mo_mode = MMO_PAGES;
      h.mo1 = 16;
      h.mo2 = 2;
    }
    m_create(&s, 128, 0, &h);
    m_inject(&s, op % 4, 0, 2);
    m_alloc(&s, 0, MS_TINY, 10, 0, 8);
    m_alloc(&s, 0, MS_TINY, 10, 0, 8);
    m_alloc(&s, 0, MS_PAGES, 6, 1, 8);
    m_burst(&s, 0, 64, 512);
    m_inject(&s, op % 4, 1, 6);
    m_alloc(&s, 0, MS_STEP, 70000, 0, 8);
    m_alloc(&s, 0, MS_STEP, 1049000, 0, 8);
    save(T, names[op], &s);
  }

  /* Races until the retries run out: every reserve loses. */
  m_header(&s, 512);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_START;
  h.align_idx = 1;
  h.guard = 1;
  m_create(&s, 512, 0, &h);
  m_inject(&s, 3, 0, 6);
  m_alloc(&s, 0, MS_TINY, 1, 0, 4);
  m_alloc(&s, 0, MS_TINY, 1, 0, 4);
  save(T, "race-retries", &s);

  /* Large requests (a chunk of their own) next to small ones, growth in place
   * up to the chunk capacity. */
  m_header(&s, 4096);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_START;
  h.align_idx = 4;
  h.guard = 1;
  m_create(&s, 4096, 3, &h);
  m_alloc(&s, 3, MS_TINY, 30, 0, 32);
  m_alloc(&s, 3, MS_STEP, (1 << 20) - 16, 0, 32);
  m_alloc(&s, 3, MS_STEP, (1 << 20) + 1, 0, 32);
  m_alloc(&s, 3, MS_TINY, 30, 0, 32);
  for (int i = 0; i < 8; i++)
    m_alloc(&s, 3, MS_256K, 250000, 0, 32);
  m_alloc(&s, 3, MS_ROOM, 32, 0, 32);
  save(T, "large-and-growth", &s);

  /* Several heaps in one space, destroyed and created again (contract 7). */
  m_header(&s, 200);
  for (unsigned slot = 0; slot < 4; slot++) {
    memset(&h, 0, sizeof h);
    h.base_mode = MB_INSIDE;
    h.b1 = (uint64_t)slot * 40;
    h.b2 = slot % 4;
    h.align_idx = slot + 1;
    h.guard = slot & 1;
    h.mo_mode = MMO_PAGES;
    h.mo1 = 30;
    h.mo2 = slot;
    m_create(&s, 200, slot, &h);
    m_burst(&s, slot, 20, 100 + slot);
  }
  m_op(&s, 1, MOP_DESTROY);
  m_burst(&s, 0, 64, 200);
  m_burst(&s, 2, 64, 200);
  m_op(&s, 3, MOP_CHECK);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_BELOW;
  h.b1 = 2;
  h.b2 = 9;
  h.align_idx = 10;
  h.guard = 1;
  m_create(&s, 200, 1, &h);
  m_alloc(&s, 1, MS_TINY, 1, 0, 2048);
  m_alloc(&s, 1, MS_TINY, 1, 0, 2048);
  save(T, "heaps-destroy-recreate", &s);

  /* Bad options: each answered with the documented code. */
  m_header(&s, 8);
  memset(&h, 0, sizeof h);
  h.align_idx = 11;
  h.align_raw = 3;
  m_create(&s, 8, 0, &h);
  h.align_raw = 8192;
  m_create(&s, 8, 0, &h);
  h.align_idx = 2;
  h.mo_mode = MMO_TINY;
  h.mo1 = 0; /* max_offset 0 */
  m_create(&s, 8, 0, &h);
  h.mo_mode = MMO_DEFAULT;
  for (unsigned f = 1; f <= 4; f++) {
    h.fault = f;
    h.f1 = f == 2 ? 5 : 3;
    h.f2 = 100;
    m_create(&s, 8, 1, &h);
  }
  for (unsigned k = 0; k < 8; k++) {
    h.fault = 2;
    h.f1 = k;
    h.f2 = 7;
    m_create(&s, 8, 2, &h);
  }
  h.fault = 0;
  h.policy = 2; /* an unknown window policy */
  m_create(&s, 8, 3, &h);
  h.policy = 1;
  h.fault = 5; /* a version-1 struct: the policy is not read */
  m_create(&s, 8, 3, &h);
  save(T, "bad-options", &s);

  /* Misuse of every entry point with NULL and out-of-range arguments. */
  m_header(&s, 8);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_INSIDE;
  m_create(&s, 8, 0, &h);
  for (unsigned k = 0; k < 10; k++)
    m_misuse(&s, k);
  m_alloc(&s, 0, MS_ZERO, 0, 0, 8);
  m_alloc(&s, 0, MS_HUGE, 0, 0, 8);
  m_alloc(&s, 0, MS_ANY, 0x80000000u, 0, 8);
  save(T, "misuse", &s);

  /* Occupy over a heap's chunk (EBUSY), vacate around it, and unaligned bases. */
  m_header(&s, 64);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_BYTE;
  h.b1 = 3 * M_PAGE + 123;
  h.align_idx = 5;
  h.guard = 2;
  m_create(&s, 64, 0, &h);
  m_alloc(&s, 0, MS_SMALL, 3000, 0, 64);
  m_layout(&s, 64, 1, 60, 4);
  m_layout(&s, 64, 1, 0, 64);
  m_layout(&s, 64, 0, 0, 64);
  m_alloc(&s, 0, MS_PAGES, 5, 2, 64);
  save(T, "layout-busy", &s);

  /* The provider used directly beside a heap: reserve, commit (zero-filled),
   * release, re-commit; bad ranges (outside, unaligned, not reserved); walks
   * that stop early; the heap places its chunks around the direct ranges. */
  m_header(&s, 32);
  m_direct(&s, 1, 32, 2, 4, 0, 0, 0);    /* reserve pages 0-3 */
  m_direct(&s, 2, 32, 3, 2, 0, 0, 0);    /* commit pages 1-2 */
  m_direct(&s, 2, 32, 3, 2, 0, 0, 0);    /* commit again */
  m_direct(&s, 3, 32, 2, 1, 0, 0, 0);    /* release page 0 */
  m_direct(&s, 1, 32, 0, 4, 0, 0, 0);    /* reserve below the space: ERANGE */
  m_direct(&s, 1, 32, 33, 4, 0, 0, 0);   /* past its end: ERANGE */
  m_direct(&s, 1, 32, 10, 2, 100, 0, 0); /* unaligned: ERANGE */
  m_direct(&s, 1, 32, 4, 1, 0, 0, 0);    /* over a reserved page: EBUSY */
  m_direct(&s, 2, 32, 20, 2, 0, 0, 0);   /* commit of free pages: EINVAL */
  m_direct(&s, 3, 32, 20, 2, 0, 0, 0);   /* release of free pages: EINVAL */
  m_direct(&s, 1, 32, 0, 0, 0, 0, 0);    /* length 0: ERANGE */
  m_direct(&s, 0, 32, 0, 3, 0, 10, 0);   /* walks */
  m_direct(&s, 0, 32, 2, 8, 77, 30, 1);
  m_direct(&s, 0, 32, 1, 0, 0, 32, 2);
  memset(&h, 0, sizeof h);
  h.base_mode = MB_START;
  h.align_idx = 2;
  m_create(&s, 32, 0, &h);
  m_alloc(&s, 0, MS_PAGES, 20, 1, 8);
  m_alloc(&s, 0, MS_TINY, 8, 0, 8);
  m_direct(&s, 3, 32, 3, 3, 0, 0, 0); /* release pages 1-3 */
  m_direct(&s, 1, 32, 3, 1, 0, 0, 0); /* reserve again, */
  m_direct(&s, 2, 32, 3, 1, 0, 0, 0); /* commit: zero again */
  m_inject(&s, 1, 0, 1);
  m_direct(&s, 1, 32, 7, 1, 0, 0, 0); /* injected ENOMEM */
  m_inject(&s, 3, 0, 1);
  m_direct(&s, 1, 32, 7, 1, 0, 0, 0); /* a lost race: the page turns foreign */
  m_inject(&s, 0, 0, 1);
  m_direct(&s, 0, 32, 0, 8, 0, 0, 0); /* injected walk failure */
  m_direct(&s, 1, 32, 8, 1, 0, 0, 0);
  save(T, "provider-direct", &s);
}

/* ---- fuzz_threads: the grammar is fuzz/threads_format.h ---- */

static void seeds_threads(void) {
  seed s, streams[4];
  const char *T = "fuzz_threads";
  t_heap h[3];
  memset(h, 0, sizeof h);

  /* Two threads, one heap, bursts of tiny requests: the fast path's CAS under
   * contention, and refills racing with it. */
  for (int variant = 0; variant < 4; variant++) {
    unsigned nthreads = 2 + (unsigned)variant % 3;
    unsigned nheaps = variant == 3 ? 3 : 1;
    for (unsigned i = 0; i < nheaps; i++) {
      h[i].base_pages = 1 + i * 100;
      h[i].base_half = i % 3;
      h[i].mo_mode = variant == 2 ? 1 : 0;
      h[i].mo_pages = 40;
      h[i].align_shift = (unsigned)variant;
      h[i].guard = (unsigned)variant & 1;
      h[i].budget_pages = variant == 2 ? 30 : 0;
    }
    t_header(&s, 1024, variant == 3 ? 4 : 0, nheaps, h, 0, 0, 0, 0);
    put_range(&s, 2, 4, nthreads);
    size_t len = 0;
    for (unsigned t = 0; t < nthreads; t++) {
      streams[t].n = 0;
      t_stream(&streams[t], nheaps, t % nheaps, 6, 200 + t, 1 + (unsigned)variant * 15);
      len = streams[t].n > len ? streams[t].n : len;
    }
    /* Equal shares: pad every stream to the same length (zero bytes decode as
     * 1-byte requests on the first heap). */
    for (unsigned t = 0; t < nthreads; t++) {
      while (streams[t].n < len)
        streams[t].b[streams[t].n++] = 0;
      memcpy(s.b + s.n, streams[t].b, streams[t].n);
      s.n += streams[t].n;
    }
    static const char *names[] = {"two-threads-one-heap", "three-threads-align",
                                  "four-threads-budget", "three-heaps-crowded"};
    save(T, names[variant], &s);
  }

  /* Injected failures while threads refill: a commit that fails and a lost
   * race, in the middle of concurrent refills. */
  for (unsigned op = 1; op <= 3; op++) {
    h[0].base_pages = 0;
    h[0].mo_mode = 0;
    h[0].align_shift = 1;
    h[0].guard = 1;
    h[0].budget_pages = 0;
    t_header(&s, 512, 1, 1, h, 1, op, 2, 3);
    put_range(&s, 2, 4, 2);
    for (unsigned t = 0; t < 2; t++) {
      streams[t].n = 0;
      t_stream(&streams[t], 1, 0, 8, 256, 60);
      memcpy(s.b + s.n, streams[t].b, streams[t].n);
      s.n += streams[t].n;
    }
    static const char *names[] = {"", "inject-reserve", "inject-commit", "inject-race"};
    save(T, names[op], &s);
  }
}

/* ---- fuzz_os: the grammar is fuzz/os_format.h ---- */

static void seeds_os(void) {
  seed s;
  const char *T = "fuzz_os";

  /* A crowd of 1000 one-page mappings with one-page holes: heaps based inside
   * it with small windows must fit chunks into single-page holes (no guard),
   * and /proc/self/maps outgrows the provider's 64 KiB read buffer. */
  o_start(&s, 1000);
  o_create(&s, 0, OB_CROWD, 4096 * 7 + 5, 0, 1, 40, 1, 0, 1 << 20, 0);
  o_burst(&s, 0, 20, 1000);
  o_create(&s, 1, OB_CROWD, (uint64_t)4096 * 1500, 0, 0, 0, 2, 0, 2 << 20, 0);
  o_alloc(&s, 1, 1, 5000);
  o_alloc(&s, 1, 2, 100000);
  o_create(&s, 2, OB_CROWD, (uint64_t)4096 * 100, 0, 1, 3, 0, 1, 1 << 20, 0);
  o_alloc(&s, 2, 0, 8);
  save(T, "crowd", &s);

  /* The main executable and the first libraries as module bases, default
   * window, small budget; bursts grow the chunk in place. */
  o_start(&s, 0);
  for (unsigned k = 0; k < 3; k++) {
    o_create(&s, k, OB_MODULE, k, 0, 0, 0, 1, 1, (uint64_t)1 << 20, 0);
    o_burst(&s, k, 40, 1000);
    o_alloc(&s, k, 1, 12000);
  }
  o_op(&s, 1, O_DESTROY);
  o_alloc(&s, 0, 2, 300000);
  save(T, "modules", &s);

  /* Defaults (opts NULL): the OS provider with no budget, one request of each
   * size class. */
  o_start(&s, 0);
  o_create(&s, 0, OB_MODULE, 0, 1, 0, 0, 0, 0, 0, 1);
  o_alloc(&s, 0, 0, 1);
  o_alloc(&s, 0, 1, 4096);
  o_alloc(&s, 0, 2, 1 << 20);
  o_alloc(&s, 0, 3, 0);
  o_alloc(&s, 0, 0, 0);
  save(T, "defaults", &s);

  /* Crowded windows: a base at the end of an existing mapping and at the start
   * of one, small windows of a few pages. */
  o_start(&s, 0);
  o_create(&s, 0, OB_MAPPING_END, 5, 0, 1, 4, 2, 1, 64 << 10, 0);
  o_alloc(&s, 0, 0, 64);
  o_alloc(&s, 0, 1, 9000);
  o_create(&s, 1, OB_MAPPING_START, 9, 3, 1, 16, 3, 0, 1 << 20, 0);
  o_burst(&s, 1, 64, 2000);
  o_create(&s, 2, OB_BRK, 4096, 0, 0, 0, 0, 1, 2 << 20, 0);
  o_alloc(&s, 2, 1, 5000);
  save(T, "crowded", &s);

  /* The ends of the address space: near 0, near the top of user space, past
   * the top, the stack: requests fail or succeed, nothing is mapped over. */
  o_start(&s, 0);
  o_create(&s, 0, OB_NEAR_ZERO, 0, 0, 2, 0, 0, 0, 1 << 20, 0);
  o_alloc(&s, 0, 0, 10);
  o_create(&s, 1, OB_NEAR_TOP, 4096, 0, 2, 0, 0, 1, 1 << 20, 0);
  o_alloc(&s, 1, 0, 10);
  o_create(&s, 2, OB_PAST_TOP, 17, 0, 2, 0, 0, 1, 1 << 20, 0);
  o_alloc(&s, 2, 0, 10);
  o_create(&s, 3, OB_STACK, 1 << 20, 0, 0, 0, 0, 1, 1 << 20, 0);
  o_alloc(&s, 3, 1, 10000);
  o_alloc(&s, 3, 3, 5);
  save(T, "address-space-ends", &s);

  /* Exhaustion by budget: a budget of 3 pages with a guard page. */
  o_start(&s, 0);
  o_create(&s, 0, OB_MODULE, 0, 0, 0, 0, 1, 1, (uint64_t)3 * 4096, 0);
  o_burst(&s, 0, 64, 400);
  o_alloc(&s, 0, 1, 100);
  o_alloc(&s, 0, 4, 0xFFFFFFF0u);
  save(T, "exhaustion", &s);
}

/* ---- fuzz_com: the grammar is fuzz/com_format.h ---- */

static void seeds_com(void) {
  seed s;
  const char *T = "fuzz_com";

  /* Modules whose ids collide in the hash table (pointer-like ids one page
   * apart), then drops in the middle of probe runs and lookups after them. */
  c_header(&s, 1, 1, 1, 3);
  unsigned n = 0;
  for (unsigned i = 0; i < 40; i++, n++)
    c_get_new(&s, n, 1, i, 0, (uint64_t)i * 8);
  for (unsigned i = 0; i < 20; i++) {
    c_pick(&s, n, (i * 7) % n);
    put_pick(&s, C_OPS, C_DROP);
    put_pick(&s, 4, 1); /* drop that module */
    n--;
    c_pick(&s, n, i % n);
    put_pick(&s, C_OPS, C_COUNT);
  }
  for (unsigned i = 0; i < 10; i++) {
    c_pick(&s, n, i % n);
    put_pick(&s, C_OPS, C_FIND);
    put_bool(&s, 0); /* find an id */
    put_pick(&s, 5, 1);
    put_range(&s, 0, 63, (uint64_t)i * 3);
  }
  save(T, "registry-collisions", &s);

  /* QueryInterface: the two real IIDs, one byte off, NULLs; AddRef/Release
   * runs with more Releases than AddRefs; Alloc of 0, small, huge. */
  c_header(&s, 2, 1, 0, 3);
  c_get_new(&s, 0, 0, 0, 3, 0); /* id 0, base just below the space */
  for (unsigned k = 0; k < 6; k++) {
    c_pick(&s, 1, 0);
    put_pick(&s, C_OPS, C_QUERY);
    put_bool(&s, k & 1);            /* IMethodMalloc or IUnknown */
    put_pick(&s, 3, k < 2 ? 0 : 1); /* exact, or one byte off */
    if (k >= 2) {
      put_pick(&s, 16, k * 3);
      put_range(&s, 1, 255, 1);
    }
    put_pick(&s, 6, k < 3 ? 3 + k : k - 3); /* real calls, and the three NULL cases */
  }
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, C_REFS);
  put_range(&s, 1, 16, 5);
  put_bool(&s, 1); /* AddRef x5 */
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, C_REFS);
  put_range(&s, 1, 16, 16);
  put_bool(&s, 0); /* Release x16: more than AddRef */
  static const unsigned sizes[][2] = {{0, 0}, {0, 13}, {1, 5000}, {2, 0}, {3, 300000}};
  for (unsigned k = 0; k < 5; k++) {
    c_pick(&s, 1, 0);
    put_pick(&s, C_OPS, C_ALLOC);
    put_pick(&s, 4, sizes[k][0]);
    if (sizes[k][0] == 0)
      put_range(&s, 0, 64, sizes[k][1]);
    else if (sizes[k][0] == 1)
      put_range(&s, 0, 8192, sizes[k][1]);
    else if (sizes[k][0] == 2)
      put_range(&s, 0, 64, sizes[k][1]);
    else
      put_range(&s, 0, 1 << 20, sizes[k][1]);
  }
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, C_HELPERS);
  put_bool(&s, 1);
  put_pick(&s, 3, 0);
  put_bool(&s, 0);
  put_pick(&s, 3, 0);
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, C_NULLS);
  save(T, "iunknown-misuse", &s);

  /* The mock GetILFunctionBodyAllocator: a stale base for a known id, then
   * the right one. */
  c_header(&s, 3, 0, 1, 4);
  c_get_new(&s, 0, 2, 40, 0, 1);
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, C_REGISTRY_MM);
  put_bool(&s, 1); /* that module's id */
  put_bool(&s, 0); /* another base: stale */
  put_pick(&s, 4, 0);
  put_range(&s, 0, 1024, 77);
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, C_REGISTRY_MM);
  put_bool(&s, 1);
  put_bool(&s, 1); /* its own base */
  save(T, "stale-base", &s);

  /* Concurrent first use: threads ask for one new module at once, then for
   * the known one again. */
  c_header(&s, 1, 1, 1, 3);
  for (unsigned k = 0; k < 2; k++) {
    if (k == 0) {
      put_pick(&s, C_OPS, C_CONCURRENT);
      put_pick(&s, 5, 1); /* a pointer-like id */
      put_range(&s, 0, 63, 5);
      put_pick(&s, 4, 0);
      put_range(&s, 0, 1024, 3);
    } else {
      c_pick(&s, 1, 0);
      put_pick(&s, C_OPS, C_CONCURRENT);
      put_bool(&s, 1); /* that module */
      put_bool(&s, 1); /* its base */
    }
    put_range(&s, 2, 4, 4);
    for (unsigned t = 0; t < 4; t++)
      put_range(&s, 0, 8, (uint64_t)2 * t);
  }
  c_pick(&s, 1, 0);
  put_pick(&s, C_OPS, C_COUNT);
  save(T, "concurrent-first-use", &s);

  /* Bad registry templates, one per documented error. */
  for (unsigned k = 0; k < 3; k++) {
    c_header(&s, 0, 1, 0, k);
    c_get_new(&s, 0, 0, 1, 3, 0);
    static const char *names[] = {"template-bad-alignment", "template-size-0", "template-out-null"};
    save(T, names[k], &s);
  }
}

/* ---- fuzz_il_verify (fuzz/fuzz_il_verify.c) ---------------------------------------- */

typedef struct v_clause {
  unsigned kind_pick; /* 0 catch, 1 filter, 2 finally, 3 fault */
  uint8_t to, tl, ho, hl, extra;
} v_clause;

/* Program 2: code with clauses. */
static void v_code(const char *name, unsigned sig, unsigned max_stack, const v_clause *c,
                   unsigned nc, const uint8_t *code, unsigned n) {
  seed s = {{0}, 0};
  put_pick(&s, 3, 2);
  put_bytes(&s, sig, 1);
  put_range(&s, 0, 20, max_stack);
  put_pick(&s, 11, nc);
  put_range(&s, 1, 255, n);
  for (unsigned i = 0; i < nc; i++) {
    put_pick(&s, 5, c[i].kind_pick);
    put_bytes(&s, c[i].to, 1);
    put_bytes(&s, c[i].tl, 1);
    put_bytes(&s, c[i].ho, 1);
    put_bytes(&s, c[i].hl, 1);
    if (c[i].kind_pick != 0)
      put_bytes(&s, c[i].extra, 1);
  }
  for (unsigned i = 0; i < n; i++)
    put_bytes(&s, code[i], 1);
  save("fuzz_il_verify", name, &s);
}

/* Program 1: a whole body at remainder rem. */
static void v_whole(const char *name, unsigned sig, unsigned rem, unsigned how, const uint8_t *b,
                    unsigned n) {
  seed s = {{0}, 0};
  put_pick(&s, 3, 1);
  put_bytes(&s, sig, 1);
  put_pick(&s, 4, rem);
  put_bytes(&s, how, 1); /* set_body: bit 0 no signatures, 1 SET_FULL, 2 heap, 3-4 window, 5 base */
  for (unsigned i = 0; i < n; i++)
    put_bytes(&s, b[i], 1);
  save("fuzz_il_verify", name, &s);
}

/* Program 0: instructions by code (no operand but the value pick, branches to
 * instruction numbers, method tokens by row), then clauses by instruction. */
typedef struct v_insn {
  uint32_t code, arg; /* arg: target number, token row, or value pick */
} v_insn;

static void v_asm(const char *name, unsigned sig, unsigned max_stack, const v_insn *x, unsigned n,
                  const unsigned (*cl)[5], unsigned nc) {
  seed s = {{0}, 0};
  put_pick(&s, 3, 0);
  put_bytes(&s, sig, 1);
  put_range(&s, 0, 12, max_stack);
  put_range(&s, 1, 400, n);
  for (unsigned i = 0; i < n; i++) {
    uint32_t k = x[i].code < 0x100 ? x[i].code : 0x100 + (x[i].code & 0xFF);
    put_bytes(&s, k, 2);
    switch (x[i].code) {
    case 0x2B: case 0x2C: case 0x2D: case 0x38: case 0xDD: case 0xDE: /* branches, leaves */
      put_pick(&s, n + 1, x[i].arg);
      break;
    case 0x28: case 0x6F: case 0x73: /* call, callvirt, newobj: a MemberRef row */
      put_bytes(&s, x[i].arg, 1);
      break;
    default: /* an operand-less instruction: its value pick */
      put_pick(&s, 4, x[i].arg);
      break;
    }
  }
  put_pick(&s, 11, nc);
  for (unsigned i = 0; i < nc; i++) {
    put_pick(&s, 4, cl[i][0]);               /* kind: catch, filter, finally, fault */
    put_pick(&s, n, cl[i][1]);               /* try start */
    put_pick(&s, n - cl[i][1], cl[i][2]);    /* try end - start - 1 */
    put_pick(&s, n, cl[i][3]);               /* handler start */
    put_pick(&s, n - cl[i][3], cl[i][4]);    /* handler end - start - 1 */
  }
  save("fuzz_il_verify", name, &s);
}

/* Program 3: a signature blob, then the API's edges. */
static void v_api(const char *name, const uint8_t *sig, unsigned n, unsigned max_stack, int locals,
                  int local_blob, unsigned scratch, uint32_t code, unsigned at, unsigned k) {
  seed s = {{0}, 0};
  put_pick(&s, 4, 3);
  put_range(&s, 0, 24, n);
  for (unsigned i = 0; i < n; i++)
    put_bytes(&s, sig[i], 1);
  put_range(&s, 0, 4, max_stack);
  put_bool(&s, locals);
  put_bool(&s, local_blob);
  put_bytes(&s, scratch, 1); /* fuzz_range(0, need + 8): one byte for a 14-byte body */
  put_u32(&s, code);
  put_pick(&s, 15, at);
  put_pick(&s, 4, k);
  put_bytes(&s, 5, 1); /* a check number */
  save("fuzz_il_verify", name, &s);
}

static void seeds_il_verify(void) {
  /* try { nop; leave.s 4 } finally { endfinally } ret */
  static const uint8_t tf[] = {0x00, 0xDE, 0x01, 0xDC, 0x2A};
  v_clause f1 = {2, 0, 3, 3, 1, 0};
  v_code("try-finally", 0, 8, &f1, 1, tf, sizeof tf);
  /* try { leave } filter { pop; ldc.i4.1; endfilter } handler { pop; leave } ret */
  static const uint8_t flt[] = {0xDE, 0x08, 0x26, 0x17, 0xFE, 0x11, 0x26, 0xDE, 0x01, 0x00, 0x2A};
  v_clause fl = {1, 0, 2, 6, 3, 2};
  v_code("filter", 0, 2, &fl, 1, flt, sizeof flt);
  /* nested try/finally, inner first and outer first */
  static const uint8_t nest[] = {0x00, 0x00, 0xDE, 0x01, 0xDC, 0xDE, 0x01, 0xDC, 0x2A};
  v_clause nn[2] = {{2, 1, 3, 4, 1, 0}, {2, 0, 7, 7, 1, 0}};
  v_code("nested", 0, 8, nn, 2, nest, sizeof nest);
  v_clause nr[2] = {nn[1], nn[0]};
  v_code("nested-outer-first", 0, 8, nr, 2, nest, sizeof nest);
  /* one try, two catches */
  static const uint8_t two[] = {0xDE, 0x06, 0x26, 0xDE, 0x03, 0x26, 0xDE, 0x00, 0x2A};
  v_clause tc[2] = {{0, 0, 2, 2, 3, 0}, {0, 0, 2, 5, 3, 0}};
  v_code("two-catches", 0, 8, tc, 2, two, sizeof two);
  /* a try inside a catch, at its entry (the exception on the stack) */
  static const uint8_t ce[] = {0x00, 0xDE, 0x09, 0x00, 0xDE, 0x03, 0x26, 0xDE, 0x00, 0x26, 0xDE, 0x00, 0x2A};
  v_clause cc[2] = {{0, 3, 3, 6, 3, 0}, {0, 0, 3, 3, 9, 0}};
  v_code("catch-entry-try", 0, 8, cc, 2, ce, sizeof ce);
  /* prefixes, switch, calls, locals, args (sig: instance, 1 param, returns; 1 local) */
  static const uint8_t mix[] = {
      0x02, 0xFE, 0x12, 0x01, 0xFE, 0x13, 0x4A, 0x26,      /* unaligned. volatile. ldind.i4 */
      0x16, 0x45, 0x02, 0, 0, 0, 0x00, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, /* switch (2 targets) */
      0x0F, 0x00, 0xFE, 0x16, 0x01, 0, 0, 0x01, 0x6F, 0x30, 0x01, 0, 0x0A, /* constrained. callvirt */
      0x26, 0x06, 0x26, 0x03, 0x2A};
  v_code("mix", 0x55, 4, NULL, 0, mix, sizeof mix);
  /* a written fat body with a small EH section (the filter above), and a tiny one */
  uint8_t fat[12 + 11 + 1 + 16];
  memset(fat, 0, sizeof fat);
  fat[0] = 0x0B, fat[1] = 0x30, fat[2] = 2; /* fat, MoreSects, size 3; MaxStack 2 */
  fat[4] = sizeof flt;
  memcpy(fat + 12, flt, sizeof flt);
  uint8_t *sec = fat + 24; /* 12 + 11 = 23: the next 4-byte boundary */
  sec[0] = 0x01, sec[1] = 16;
  sec[4] = 1, sec[6] = 0, sec[8] = 2, sec[9] = 6, sec[11] = 3, sec[12] = 2; /* filter clause */
  v_whole("fat-filter", 0, 0, 0x04 | 0x08, fat, sizeof fat);
  v_whole("fat-filter-window-short", 0, 0, 0x04, fat, sizeof fat);
  static const uint8_t tiny[] = {0x03 << 2 | 2, 0x16, 0x26, 0x2A};
  v_whole("tiny", 0, 3, 0x01 | 0x02, tiny, sizeof tiny);
  v_whole("tiny-below-base", 0, 1, 0x04 | 0x20, tiny, sizeof tiny);
  /* assembled: ldarg.0 brtrue.s 4; ldc.i4.0; br.s 5; ldc.i4.1; call row 0x21 (1 param,
   * returns); pop; try { nop; leave.s 10 } finally { endfinally }; ret */
  static const v_insn a[] = {{0x02, 0}, {0x2D, 4}, {0x16, 0}, {0x2B, 5}, {0x17, 0},
                             {0x28, 0x21}, {0x26, 0}, {0x00, 0}, {0xDE, 10}, {0xDC, 0},
                             {0x2A, 0}};
  static const unsigned ac[1][5] = {{2, 7, 1, 9, 0}};
  v_asm("asm-branches-call-finally", 0x14, 2, a, sizeof a / sizeof a[0], ac, 1);
  /* signatures: instance int32 (int32); generic vararg with custom modifiers; a
   * LocalVarSig with a 2-byte count; a 4-byte count; garbage */
  static const uint8_t s1[] = {0x20, 0x01, 0x08, 0x08};
  static const uint8_t s2[] = {0x35, 0x02, 0x02, 0x20, 0x42, 0x1F, 0xC0, 0x00, 0x00, 0x01, 0x08,
                               0x08, 0x41, 0x0E};
  static const uint8_t s3[] = {0x07, 0x81, 0x02, 0x08};
  static const uint8_t s4[] = {0x00, 0xC0, 0x00, 0x00, 0x02, 0x01, 0x08, 0x08};
  static const uint8_t s5[] = {0xFF, 0xE0};
  v_api("api-instance-sig", s1, sizeof s1, 3, 1, 0, 200, 0xFE06, 0, 1);
  v_api("api-generic-vararg-cmods", s2, sizeof s2, 4, 0, 0, 200, 0x2A, 0, 0);
  v_api("api-local-sig", s3, sizeof s3, 2, 1, 1, 0, 0xFE08, 3, 3);
  v_api("api-long-count", s4, sizeof s4, 1, 0, 1, 100, 0x1FE00, 14, 2);
  v_api("api-garbage", s5, sizeof s5, 0, 1, 1, 136, 0xFE, 1, 0);
}

/* ---- fuzz_il: the grammar is fuzz/il_format.h ---- */

static void seeds_il(void) {
  const char *T = "fuzz_il";
  seed s;
  i_clause c[I_CLAUSES_MAX];
  char name[64];
  /* Tiny bodies at every address remainder; the largest tiny. */
  for (unsigned r = 0; r < 4; r++) {
    i_body(&s, r, 0, 0, 1 + r, 8, 0, 0, 0, NULL);
    snprintf(name, sizeof name, "rt-tiny-rem%u", r);
    save(T, name, &s);
  }
  i_body(&s, 1, 0, 0, 63, 0, 0, 0, 0, NULL);
  save(T, "rt-tiny-63", &s);
  /* Each L1 condition: 64 bytes, max stack 9, locals, InitLocals, forced. */
  i_body(&s, 0, 0, 0, 64, 8, 0, 0, 0, NULL);
  save(T, "rt-fat-64", &s);
  i_body(&s, 4, 0, 0, 10, 9, 0, 0, 0, NULL);
  save(T, "rt-fat-maxstack9", &s);
  i_body(&s, 8, 0x10, 0, 10, 2, 1, 5, 0, NULL);
  save(T, "rt-fat-locals-initlocals", &s);
  i_body(&s, 0, 0x1, 0, 10, 2, 1, 5, 0, NULL);
  save(T, "rt-tiny-forbidden", &s);
  /* Fat headers at every remainder (1..3 refused) and every code-size remainder
   * with a small EH section. */
  for (unsigned r = 0; r < 4; r++) {
    c[0] = i_in(2, 0, 1, 1, 1, 0);
    i_body(&s, r, 0x2, 0, 4 + r, 8, 0, 0, 1, c);
    snprintf(name, sizeof name, "rt-fat-eh-rem%u", r);
    save(T, name, &s);
    i_body(&s, 4 * r, 0x2, 0, 4 + r, 8, 0, 0, 1, c);
    snprintf(name, sizeof name, "rt-fat-eh-code%u", 4 + r);
    save(T, name, &s);
  }
  /* One clause of each kind, then mutated. */
  c[0] = i_in(0, 0, 10, 10, 10, 0x00000001); /* catch TypeRef row 1 */
  c[1] = i_in(1, 0, 10, 25, 5, 20);          /* filter at 20 */
  c[2] = i_in(2, 0, 20, 20, 10, 0);
  c[3] = i_in(3, 5, 5, 10, 10, 0);
  i_body(&s, 0, 0x10, 0, 30, 4, 1, 1, 4, c);
  save(T, "rt-four-kinds", &s);
  i_mutate(&s, 0, 0x04);
  i_mutate(&s, 48, 0x80);
  i_mutate(&s, 49, 0x01);
  i_mutate(&s, 52, 0x07);
  save(T, "rt-four-kinds-mutated", &s);
  /* Small limits and past them: 20 and 21 clauses, offsets past 16 bits. */
  for (unsigned i = 0; i < 21; i++)
    c[i] = i_in(2, 0, 1, 1, 1, 0);
  i_body(&s, 0, 0, 0, 2, 8, 0, 0, 20, c);
  save(T, "rt-small-20", &s);
  i_body(&s, 0, 0, 0, 2, 8, 0, 0, 21, c);
  save(T, "rt-fat-section-21", &s);
  c[0] = i_in(2, 0x10000, 1, 0x10001, 0x100, 0);
  i_body(&s, 0, 0, 1, 0x10200, 8, 0, 0, 1, c);
  save(T, "rt-fat-section-offsets", &s);
  /* One field past its small maximum at a time (L4). */
  static const char *const past[] = {"try-offset", "try-length", "handler-offset",
                                     "handler-length"};
  for (unsigned f = 0; f < 4; f++) {
    c[0] = i_in(2, f == 0 ? 0x10000 : 0, f == 1 ? 0x100 : 1, f == 2 ? 0x10000 : 0x101,
                f == 3 ? 0x100 : 1, 0);
    i_body(&s, 0, 0, 1, 0x10200, 8, 0, 0, 1, c);
    snprintf(name, sizeof name, "rt-fat-section-%s", past[f]);
    save(T, name, &s);
  }
  c[0] = i_in(2, 0, 1, 1, 1, 0);
  i_body(&s, 0, 0x4, 0, 2, 8, 0, 0, 1, c);
  save(T, "rt-fat-section-forced", &s);
  /* Refusals: empty, NULL code, bad locals, raw clause fields, too large. */
  i_body(&s, 0, 0, 0, 0, 8, 0, 0, 0, NULL);
  save(T, "rt-empty", &s);
  i_body(&s, 0, 0, 2, 5, 8, 0, 0, 0, NULL);
  save(T, "rt-code-null", &s);
  i_body(&s, 0, 0, 0, 5, 8, 2, 0x02000001, 0, NULL);
  save(T, "rt-bad-locals", &s);
  c[0] = i_in(4, 0, 1, 1, 1, 0);
  c[0].raw_kind = 3;
  i_body(&s, 0, 0, 0, 5, 8, 0, 0, 1, c);
  save(T, "rt-bad-kind", &s);
  c[0] = i_in(2, 0xFFFFFFFFu, 2, 0, 1, 0);
  c[0].in_code = 0;
  c[0].ho = 0;
  c[0].hl = 1;
  i_body(&s, 0, 0, 0, 5, 8, 0, 0, 1, c);
  save(T, "rt-clause-wraps", &s);
  c[0] = i_in(0, 0, 1, 1, 1, 0);
  c[0].tok_mode = 1;
  c[0].tok = 0x06000001;
  i_body(&s, 0, 0, 0, 5, 8, 0, 0, 1, c);
  save(T, "rt-bad-class-token", &s);
  i_body(&s, 0, 0, 3, 0xFFFFFFFFu, 8, 0, 0, 0, NULL);
  save(T, "rt-too-large", &s);

  /* Program 1: bodies by hand. */
  static const uint8_t tiny[] = {0x0A, 0x16, 0x2A};
  static const uint8_t fat[] = {0x13, 0x30, 0x02, 0x00, 0x02, 0x00, 0x00,
                                0x00, 0x01, 0x00, 0x00, 0x11, 0x16, 0x2A};
  static const uint8_t fat_eh[] = {0x0B, 0x30, 0x02, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xDC, 0x2A,
                                   0x00, 0x00, 0x01, 0x10, 0x00, 0x00, 0x02, 0x00, 0x00,
                                   0x00, 0x02, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00};
  static const uint8_t fat_fat_eh[] = {0x0B, 0x30, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
                                       0x00, 0x00, 0x00, 0x00, 0x00, 0x2A, 0x41, 0x1C, 0x00, 0x00,
                                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
                                       0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                       0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00};
  i_raw(&s, 0, 1, 0x7FFFFFFF, tiny, sizeof tiny);
  save(T, "raw-tiny", &s);
  i_raw(&s, 3, 0x1000, 0x7FFFFFFF, tiny, sizeof tiny);
  save(T, "raw-tiny-rem3", &s);
  i_raw(&s, 0, 0x1000, 0x7FFFFFFF, tiny, sizeof tiny - 1);
  save(T, "raw-tiny-short", &s);
  i_raw(&s, 0, 0x1000, 0x7FFFFFFF, fat, sizeof fat);
  save(T, "raw-fat", &s);
  i_raw(&s, 2, 0x1000, 0x7FFFFFFF, fat, sizeof fat);
  save(T, "raw-fat-misaligned", &s);
  i_raw(&s, 0, 0x1000, 0x7FFFFFFF, fat_eh, sizeof fat_eh);
  save(T, "raw-fat-small-eh", &s);
  i_raw(&s, 0, 0x1000, 0x7FFFFFFF, fat_eh, sizeof fat_eh - 1);
  save(T, "raw-fat-small-eh-short", &s);
  i_raw(&s, 0, 0x1000, 0x7FFFFFFF, fat_fat_eh, sizeof fat_fat_eh);
  save(T, "raw-fat-fat-eh", &s);
  i_raw(&s, 0, 0, 0x7FFFFFFF, fat_fat_eh, sizeof fat_fat_eh);
  save(T, "raw-at-base", &s);
  i_raw(&s, 0, 0x7FFFFFF0, 0x7FFFFFFF, fat_fat_eh, sizeof fat_fat_eh);
  save(T, "raw-outside-window", &s);
  i_raw_window(&s, 0, 0x1000, 1, 2, fat_fat_eh, sizeof fat_fat_eh);
  save(T, "raw-window-exact", &s);
  i_raw_window(&s, 0, 0x1000, 1, 1, fat_fat_eh, sizeof fat_fat_eh);
  save(T, "raw-window-one-short", &s);
}

/* ---- fuzz_faults: the grammar is fuzz/faults_format.h ---- */

static void seeds_faults(void) {
  seed s;
  const char *T = "fuzz_faults";
  char name[64];

  /* Every allocation, then every system call, of a heap's life failing in
   * turn, on the simulated provider and on the OS's. */
  for (int sim = 0; sim <= 1; sim++)
    for (unsigned n = 1; n <= 12; n++) {
      f_heap_scenario(&s, sim, n, 0, 0);
      snprintf(name, sizeof name, "heap-%s-alloc-%u", sim ? "sim" : "os", n);
      save(T, name, &s);
      f_heap_scenario(&s, sim, 0, n, n % 2 ? F_EACCES : F_ENOMEM);
      snprintf(name, sizeof name, "heap-%s-syscall-%u", sim ? "sim" : "os", n);
      save(T, name, &s);
    }
  f_heap_scenario(&s, 0, 0, 1, F_ELSEWHERE);
  save(T, "heap-os-mmap-elsewhere", &s);
  f_heap_scenario(&s, 0, 0, 2, F_EEXIST);
  save(T, "heap-os-eexist", &s);

  /* The landing zone: each of its allocations (create, the walk's lists, a
   * piece's page states and the piece array, the heap on it), and each call
   * to the wrapped provider, failing in turn. */
  for (int sim = 0; sim <= 1; sim++)
    for (unsigned n = 1; n <= 10; n++) {
      f_start(&s, sim, n, 0, 0);
      f_zone(&s, 0, 1, n % 2);
      snprintf(name, sizeof name, "zone-%s-alloc-%u", sim ? "sim" : "os", n);
      save(T, name, &s);
      f_start(&s, sim, 0, n, n % 2 ? F_EACCES : F_ENOMEM);
      f_zone(&s, 0, 1, n % 2);
      snprintf(name, sizeof name, "zone-%s-syscall-%u", sim ? "sim" : "os", n);
      save(T, name, &s);
    }
  f_start(&s, 1, 0, 0, 0);
  f_zone(&s, 1, 1, 0); /* max_bytes 64 KiB: paving skips what would pass it */
  save(T, "zone-sim-max-bytes", &s);

  /* The registry: its creation, and the growth of its table at the 13th
   * module, failing. */
  for (unsigned n = 1; n <= 3; n++) {
    f_start(&s, 0, n, 0, 0);
    f_op(&s, F_REGISTRY);
    snprintf(name, sizeof name, "registry-create-alloc-%u", n);
    save(T, name, &s);
  }
  f_start(&s, 0, 0, 0, 0);
  f_op(&s, F_REGISTRY);
  for (unsigned k = 0; k < 12; k++) {
    f_op(&s, F_REGISTRY);
    put_pick(&s, 3, 0);
    put_range(&s, 0, 40, k);
  }
  f_op(&s, F_ARM);
  f_arm(&s, 1, 0, 0);
  f_op(&s, F_REGISTRY);
  put_pick(&s, 3, 0);
  put_range(&s, 0, 40, 12);
  save(T, "registry-grow-alloc", &s);

  /* The /proc/self/maps text: well formed in chunks of every kind, each way
   * of being broken, cut short, and the reads failing. */
  f_text base = {.span_pages = 24, .start_below = 2, .n = 4, .gap = {0, 2, 0, 3},
                 .len = {3, 1, 4, 2}, .far = 1, .which = 0, .chunk = 0};
  static const unsigned chunks[] = {0, 1, 7, 41, 200};
  for (unsigned i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
    f_text t = base;
    t.chunk = chunks[i];
    f_start(&s, 0, 0, 0, 0);
    f_maps_text(&s, &t);
    snprintf(name, sizeof name, "maps-text-chunk-%u", chunks[i]);
    save(T, name, &s);
  }
  static const char *bad_names[] = {"none", "lo-digit", "dash", "swapped", "overflow",
                                    "empty", "long", "tail"};
  for (unsigned bad = 1; bad < 8; bad++)
    for (unsigned line = 1; line <= 3; line += 2) {
      f_text t = base;
      t.bad = bad;
      t.bad_line = line;
      t.digit = line;
      t.chunk = 41;
      f_start(&s, 0, 0, 0, 0);
      f_maps_text(&s, &t);
      snprintf(name, sizeof name, "maps-text-%s-line-%u", bad_names[bad], line);
      save(T, name, &s);
    }
  {
    f_text t = base;
    t.far = 0; /* the file ends before the range does */
    f_start(&s, 0, 0, 0, 0);
    f_maps_text(&s, &t);
    save(T, "maps-text-eof-inside", &s);
    static const unsigned cuts[] = {0, 5, 9, 12, 17, 30};
    for (unsigned i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
      t = base;
      t.far = 0;
      t.span_pages = 40; /* the last line is inside the range */
      t.cut = 1;
      t.cut_at = cuts[i];
      t.chunk = 7;
      f_start(&s, 0, 0, 0, 0);
      f_maps_text(&s, &t);
      snprintf(name, sizeof name, "maps-text-cut-%u", cuts[i]);
      save(T, name, &s);
    }
    t = base;
    t.fail_alloc = 1;
    f_start(&s, 0, 0, 0, 0);
    f_maps_text(&s, &t);
    save(T, "maps-text-no-buffer", &s);
    for (unsigned fault = 0; fault < 4; fault++)
      for (unsigned which = 0; which < 4; which += 3) {
        t = base;
        t.fault = fault;
        t.which = which;
        t.chunk = 30;
        f_start(&s, 0, 0, 0, 0);
        f_maps_text(&s, &t);
        snprintf(name, sizeof name, "maps-text-fault-%u-read-%u", fault, which);
        save(T, name, &s);
      }
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  out_dir = argv[1];
  if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
    perror(out_dir);
    return 1;
  }
  seeds_model();
  seeds_threads();
  seeds_os();
  seeds_com();
  seeds_il();
  seeds_il_verify();
  seeds_faults();
  return 0;
}
