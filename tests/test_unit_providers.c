/* SPDX-License-Identifier: MIT */
/*
 * The providers' internal units, driven directly (src/ is on the include path;
 * a static build, see tests/CMakeLists.txt):
 *  - the /proc/<pid>/maps parser (src/os/maps.h): a pure function from text to
 *    ranges, on texts no kernel writes as well as on this process's own;
 *  - the view of remembered runs (src/runs.h): jump, add, forget, clear, the
 *    count of jumps after which a run is crossed again.
 */
#include "check.h"

#include "os/maps.h"
#include "runs.h"

/* ---- the maps parser ------------------------------------------------------ */

typedef struct seen {
  uintptr_t lo[64], hi[64];
  size_t n, stop_after;
} seen;

static int see(void *arg, uintptr_t lo, uintptr_t hi) {
  seen *s = arg;
  cr_assert_lt(s->n, 64u);
  s->lo[s->n] = lo;
  s->hi[s->n] = hi;
  s->n++;
  return s->stop_after != 0 && s->n == s->stop_after;
}

static int parse(const char *text, int at_end, seen *s, size_t *used) {
  memset(s, 0, sizeof *s);
  return ilheap__maps_parse(text, strlen(text), at_end, see, s, used);
}

Test(maps_parser, lines_as_the_kernel_writes_them) {
  seen s;
  size_t used;
#if UINTPTR_MAX > 0xFFFFFFFFu
  const char *t = "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon\n"
                  "7f2c4e400000-7f2c4e401000 rw-p 00000000 00:00 0 \n"
                  "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0   [vsyscall]\n";
#else /* a 32-bit process's map: the same, 8 digits each */
  const char *t = "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon\n"
                  "f7d00000-f7d01000 rw-p 00000000 00:00 0 \n"
                  "fffdd000-ffffe000 rw-p 00000000 00:00 0                          [stack]\n";
#endif
  cr_assert_eq(parse(t, 1, &s, &used), 0);
  cr_assert_eq(used, strlen(t));
  cr_assert_eq(s.n, 3u);
  cr_assert_eq(s.lo[0], (uintptr_t)0x400000);
  cr_assert_eq(s.hi[0], (uintptr_t)0x452000);
#if UINTPTR_MAX > 0xFFFFFFFFu
  cr_assert_eq(s.lo[1], (uintptr_t)0x7f2c4e400000);
  cr_assert_eq(s.hi[2], (uintptr_t)0xffffffffff601000);
#else
  cr_assert_eq(s.lo[1], (uintptr_t)0xf7d00000u);
  cr_assert_eq(s.hi[2], (uintptr_t)0xffffe000u);
  cr_assert_eq(parse("100000000-100001000 x\n", 1, &s, &used), -1, "past 32 bits");
#endif
}

Test(maps_parser, a_partial_last_line_waits_unless_at_end) {
  seen s;
  size_t used;
  const char *t = "1000-2000 r\n3000-4000";
  cr_assert_eq(parse(t, 0, &s, &used), 0);
  cr_assert_eq(s.n, 1u, "the partial line is left for the next read");
  cr_assert_eq(used, 12u);
  cr_assert_eq(parse(t, 1, &s, &used), 0);
  cr_assert_eq(s.n, 2u, "at the end, the last line needs no newline");
  cr_assert_eq(s.hi[1], (uintptr_t)0x4000);
  cr_assert_eq(used, strlen(t));
  cr_assert_eq(parse("", 1, &s, &used), 0);
  cr_assert_eq(s.n, 0u);
  cr_assert_eq(ilheap__maps_parse(NULL, 0, 1, see, &s, &used), 0);
}

Test(maps_parser, malformed_lines_stop_the_walk) {
  static const char *bad[] = {
      "1000-2000 x\n\n3000-4000 x\n",        /* an empty line */
      "1000-2000 x\n3000 4000 x\n",          /* no dash */
      "1000-2000 x\n3000-3000 x\n",          /* empty range */
      "1000-2000 x\n4000-3000 x\n",          /* swapped */
      "1000-2000 x\n3A00-4000 x\n",          /* uppercase: the kernel writes lowercase */
      "1000-2000 x\n0x3000-4000 x\n",        /* a prefix */
      "1000-2000 x\n 3000-4000 x\n",         /* a leading space */
      "1000-2000 x\n3000-\n",                /* no hi */
      "1000-2000 x\n10000000000000000-10000000000000001 x\n", /* too wide for any uintptr_t */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    seen s;
    size_t used;
    cr_assert_eq(parse(bad[i], 1, &s, &used), -1, "text %zu", i);
    cr_assert_eq(s.n, 1u, "text %zu: the good line before it was visited, nothing after", i);
    cr_assert_eq(used, 12u, "text %zu: used ends before the bad line", i);
  }
}

Test(maps_parser, a_visitor_that_stops) {
  seen s;
  size_t used;
  memset(&s, 0, sizeof s);
  s.stop_after = 2;
  const char *t = "1000-2000 a\n3000-4000 b\n5000-6000 c\n";
  cr_assert_eq(ilheap__maps_parse(t, strlen(t), 1, see, &s, &used), 1);
  cr_assert_eq(s.n, 2u);
  cr_assert_eq(used, 24u);
}

#if defined(__linux__)
#include <fcntl.h>
#include <unistd.h>
/* This process's own map, read whole: every line parses, ascending, disjoint. */
Test(maps_parser, this_process) {
  static char buf[1 << 20];
  int fd = open("/proc/self/maps", O_RDONLY);
  cr_assert_geq(fd, 0);
  size_t have = 0;
  ssize_t got;
  while ((got = read(fd, buf + have, sizeof buf - have)) > 0)
    have += (size_t)got;
  close(fd);
  size_t lines = 0, used;
  for (size_t i = 0; i < have; i++)
    lines += buf[i] == '\n';
  seen s;
  memset(&s, 0, sizeof s);
  if (lines > 64)
    s.stop_after = 64;
  int r = ilheap__maps_parse(buf, have, 1, see, &s, &used);
  cr_assert_eq(r, lines > 64 ? 1 : 0);
  cr_assert_eq(s.n, lines < 64 ? lines : 64u);
  for (size_t i = 1; i < s.n; i++)
    cr_assert_leq(s.hi[i - 1], s.lo[i], "line %zu", i);
}
#endif

/* ---- the view of remembered runs ------------------------------------------------ */

static ilheap__runs *new_view(void) {
  ilheap__runs *v = calloc(1, sizeof *v);
  cr_assert_not_null(v);
  return v;
}

#define runs_of(v, out) ilheap__runs_copy((v), (out), sizeof(out) / sizeof((out)[0]))

Test(runs, jump_inside_a_run_only) {
  ilheap__runs *v = new_view();
  ilheap__runs_add(v, 0x10000, 0x20000, 4);
  cr_assert_eq(ilheap__runs_jump(v, 0x10000, NULL), (uintptr_t)0x20000);
  cr_assert_eq(ilheap__runs_jump(v, 0x1ffff, NULL), (uintptr_t)0x20000);
  cr_assert_eq(ilheap__runs_jump(v, 0x20000, NULL), 0u, "its end is not inside");
  cr_assert_eq(ilheap__runs_jump(v, 0xffff, NULL), 0u);
  free(v);
}

Test(runs, add_merges_what_overlaps_or_touches) {
  ilheap__runs *v = new_view();
  ilheap__run r[8];
  ilheap__runs_add(v, 0x10000, 0x20000, 4);
  ilheap__runs_add(v, 0x30000, 0x40000, 4);
  ilheap__runs_add(v, 0x50000, 0x60000, 4);
  cr_assert_eq(runs_of(v, r), 3u);
  ilheap__runs_add(v, 0x20000, 0x30000, 4); /* touches both neighbours */
  cr_assert_eq(runs_of(v, r), 2u);
  cr_assert_eq(r[0].lo, (uintptr_t)0x10000);
  cr_assert_eq(r[0].hi, (uintptr_t)0x40000);
  ilheap__runs_add(v, 0x38000, 0x58000, 4); /* overlaps both */
  cr_assert_eq(runs_of(v, r), 1u);
  cr_assert_eq(r[0].hi, (uintptr_t)0x60000);
  free(v);
}

Test(runs, forget_trims_splits_and_drops) {
  ilheap__runs *v = new_view();
  ilheap__run r[8];
  ilheap__runs_add(v, 0x10000, 0x90000, 4);
  ilheap__runs_forget(v, 0x40000, 0x50000); /* split */
  cr_assert_eq(runs_of(v, r), 2u);
  cr_assert_eq(r[0].hi, (uintptr_t)0x40000);
  cr_assert_eq(r[1].lo, (uintptr_t)0x50000);
  cr_assert_eq(ilheap__runs_jump(v, 0x48000, NULL), 0u, "the forgotten range is no run's");
  ilheap__runs_forget(v, 0x38000, 0x58000); /* trims both */
  cr_assert_eq(runs_of(v, r), 2u);
  cr_assert_eq(r[0].hi, (uintptr_t)0x38000);
  cr_assert_eq(r[1].lo, (uintptr_t)0x58000);
  ilheap__runs_forget(v, 0x0, 0x38000); /* drops the first */
  cr_assert_eq(runs_of(v, r), 1u);
  ilheap__runs_clear(v);
  cr_assert_eq(runs_of(v, r), 0u);
  free(v);
}

/* A run jumped ILHEAP__RUNS_JUMPS times (or as many times as it held
 * mappings, when more) is forgotten, so that the next walk crosses it mapping
 * by mapping and sees a hole grown inside it. */
Test(runs, a_run_is_crossed_again_after_its_jumps) {
  ilheap__runs *v = new_view();
  ilheap__run r[2];
  uint32_t m = 0;
  ilheap__runs_add(v, 0x10000, 0x20000, 4);
  for (unsigned i = 1; i < ILHEAP__RUNS_JUMPS; i++)
    cr_assert_eq(ilheap__runs_jump(v, 0x18000, &m), (uintptr_t)0x20000, "jump %u", i);
  cr_assert_eq(m, 4u);
  cr_assert_eq(ilheap__runs_jump(v, 0x18000, NULL), 0u, "jump %u: crossed again",
               ILHEAP__RUNS_JUMPS);
  cr_assert_eq(runs_of(v, r), 0u);
  ilheap__runs_add(v, 0x10000, 0x20000, 4); /* crossed again: remembered afresh */
  cr_assert_eq(ilheap__runs_jump(v, 0x18000, NULL), (uintptr_t)0x20000);
  ilheap__runs_clear(v);
  /* A crowd of 1,000 mappings: crossed again after 1,000 jumps. */
  ilheap__runs_add(v, 0x100000, 0x200000, 600);
  ilheap__runs_add(v, 0x1f0000, 0x300000, 400); /* merged: 1,000 mappings */
  for (unsigned i = 1; i < 1000; i++)
    cr_assert_eq(ilheap__runs_jump(v, 0x100000, &m), (uintptr_t)0x300000, "jump %u", i);
  cr_assert_eq(m, 1000u);
  cr_assert_eq(ilheap__runs_jump(v, 0x100000, NULL), 0u, "jump 1000: crossed again");
  free(v);
}

/* Merging does not make what was remembered fresher: the merged run has been
 * jumped as often as the most jumped of its parts. */
Test(runs, a_merge_keeps_the_oldest_count) {
  ilheap__runs *v = new_view();
  ilheap__runs_add(v, 0x10000, 0x20000, 4);
  for (unsigned i = 1; i < ILHEAP__RUNS_JUMPS; i++)
    (void)ilheap__runs_jump(v, 0x10000, NULL);
  ilheap__runs_add(v, 0x20000, 0x30000, 4); /* touches it: one run */
  cr_assert_eq(ilheap__runs_jump(v, 0x28000, NULL), 0u, "the merged run is as old as its oldest part");
  free(v);
}

Test(runs, a_full_view_starts_over) {
  ilheap__runs *v = new_view();
  ilheap__run r[1];
  for (uintptr_t i = 0; i < ILHEAP__RUNS_MAX; i++)
    ilheap__runs_add(v, 0x100000 + i * 0x2000, 0x100000 + i * 0x2000 + 0x1000, 4);
  cr_assert_eq(runs_of(v, r), (size_t)ILHEAP__RUNS_MAX);
  ilheap__runs_add(v, 0x10000, 0x11000, 4);
  cr_assert_eq(runs_of(v, r), 1u);
  cr_assert_eq(r[0].lo, (uintptr_t)0x10000);
  free(v);
}
