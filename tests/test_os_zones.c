/* SPDX-License-Identifier: MIT */
/*
 * The Linux provider's promises about the growth zones (src/os/provider_linux.c, README):
 * walk_free never reports, and reserve refuses, the room the main stack grows
 * into (RLIMIT_STACK, capped at 1 GiB when unlimited, plus the kernel's 1 MiB
 * stack guard gap below it) and the room above the program break (64 MiB).
 * reserve is public and the authority, so it is called directly on ranges that
 * lie just below a zone, reach into it from below, lie inside it (at its
 * bottom, in its middle, at its top), cover it, leave it upward, and lie just
 * above it. The zones are computed here from their documented definition, not
 * from the provider's code.
 *
 * CTest runs this program twice: as is (PROCMAP_QUERY where the kernel has it)
 * and with ILHEAP_PROCMAP=text (the /proc/self/maps text walk): the walk_free
 * checks then cover both walk methods. reserve does not walk.
 */
#include "check.h"

#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define KiB ((uintptr_t)1 << 10)
#define MiB ((uintptr_t)1 << 20)
#define STACK_GUARD_GAP_DOC MiB          /* the kernel's default stack_guard_gap */
#define STACK_ROOM_MAX_DOC (1024 * MiB) /* RLIMIT_STACK unlimited */
#define BRK_ROOM_DOC (64 * MiB)

typedef struct zone {
  uintptr_t lo, hi;
} zone;

static const ilheap_provider *os(void) {
  const ilheap_provider *p = ilheap_os_provider();
  cr_assert_not_null(p);
  return p;
}

/* proc(5): field 28 of /proc/self/stat, startstack. */
static uintptr_t stack_start(void) {
  char buf[1024];
  FILE *f = fopen("/proc/self/stat", "r");
  cr_assert_not_null(f);
  size_t got = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[got] = 0;
  char *p = strrchr(buf, ')');
  cr_assert_not_null(p);
  for (int field = 2; field < 28; field++) {
    p = strchr(p + 1, ' ');
    cr_assert_not_null(p, "/proc/self/stat has fewer than 28 fields");
  }
  uintptr_t s = (uintptr_t)strtoull(p + 1, NULL, 10);
  cr_assert_neq(s, 0u, "no startstack in /proc/self/stat");
  return s;
}

static zone stack_zone(void) {
  struct rlimit rl;
  cr_assert_eq(getrlimit(RLIMIT_STACK, &rl), 0);
  uintptr_t room = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > STACK_ROOM_MAX_DOC
                       ? STACK_ROOM_MAX_DOC
                       : (uintptr_t)rl.rlim_cur;
  uintptr_t start = stack_start();
  return (zone){start - room - STACK_GUARD_GAP_DOC, start};
}

static zone brk_zone(void) {
  uintptr_t b = (uintptr_t)sbrk(0);
  return (zone){b, b + BRK_ROOM_DOC};
}

/* setrlimit(RLIMIT_STACK), read back: qemu-user answers 0 and keeps the old
 * limit (the stack is its own), and the tests that need a new one skip there. */
static void set_stack_limit(const struct rlimit *rl) {
  struct rlimit now;
  cr_assert_eq(setrlimit(RLIMIT_STACK, rl), 0);
  cr_assert_eq(getrlimit(RLIMIT_STACK, &now), 0);
  if (now.rlim_cur != rl->rlim_cur)
    cr_skip_test("setrlimit(RLIMIT_STACK) answered 0 but did not change the limit (qemu-user)");
}

static int meets(zone z, uintptr_t lo, uintptr_t hi) { return lo < z.hi && z.lo < hi; }

static uintptr_t down(uintptr_t x, uintptr_t page) { return x & ~(page - 1); }
static uintptr_t up(uintptr_t x, uintptr_t page) { return (x + page - 1) & ~(page - 1); }

static int gap_visit(void *arg, uintptr_t lo, uintptr_t hi) {
  sup_ranges_push(arg, lo, hi);
  return 0;
}

/* walk_free around z reports nothing inside it. */
static void check_walk_avoids(zone z, const char *what) {
  const ilheap_provider *p = os();
  sup_ranges gaps = {0};
  cr_assert_eq(p->walk_free(p->ctx, z.lo - 16 * MiB, z.hi + 16 * MiB, gap_visit, &gaps), ILHEAP_OK);
  for (size_t i = 0; i < gaps.n; i++)
    cr_assert(gaps.v[i].hi <= z.lo || gaps.v[i].lo >= z.hi,
              "walk_free (%s) reported [%#" PRIxPTR ", %#" PRIxPTR
              ") inside the %s zone [%#" PRIxPTR ", %#" PRIxPTR ")",
              getenv("ILHEAP_PROCMAP") ? "text" : "ioctl", gaps.v[i].lo, gaps.v[i].hi, what, z.lo,
              z.hi);
  sup_ranges_free(&gaps);
}

/* The lowest free stretch of `len` bytes in [lo, hi) (page aligned), or 0. */
static uintptr_t free_in(const sup_ranges *maps, uintptr_t lo, uintptr_t hi, uintptr_t len,
                         uintptr_t page) {
  for (uintptr_t a = up(lo, page); a + len <= hi && a + len > a; a += 16 * page)
    if (sup_ranges_hit(maps, a, a + len) == (size_t)-1)
      return a;
  return 0;
}

typedef enum expect { FREE_OK, BUSY } expect;

/* Where a probe lies relative to the zone. */
typedef enum where {
  JUST_BELOW,
  BELOW_INTO,
  INSIDE_BOTTOM,
  INSIDE_MIDDLE,
  INSIDE_TOP,
  INSIDE_OUT,
  OVER,
  JUST_ABOVE,
  ABSOLUTE
} where;

static const char *const where_name[] = {
    "just below",         "from below into it", "inside, at its bottom", "inside, in a free stretch",
    "inside, at its top", "from inside out of it", "over all of it",     "just above"};

/* The process map with the program break settled: the first read may grow
 * the malloc heap (and so move the brk zone); a second read reuses its memory. */
static void read_maps_settled(sup_ranges *out) {
  sup_ranges warm = {0};
  check_read_maps(&warm);
  sup_ranges_free(&warm);
  check_read_maps(out);
}

/* reserve(lo, hi - lo), where [lo, hi) is `w` relative to the zone as it is
 * right after the map was read (the brk zone moves with the malloc heap), or
 * [lo, hi) itself for ABSOLUTE. BUSY ranges must be refused (EBUSY) and leave
 * the map as it was; FREE_OK ranges (outside the zone) are reserved when the
 * map says they are free, then released. Returns 1 when the answer proved
 * something about the zone: a refused range that the map says is free. */
static int probe(const char *zname, zone (*zone_now)(void), where w, uintptr_t lo, uintptr_t hi,
                 expect e) {
  const ilheap_provider *p = os();
  uintptr_t page = p->page_size, len = 4 * page;
  sup_ranges before = {0}, after = {0};
  read_maps_settled(&before);
  if (w != ABSOLUTE) {
    zone z = zone_now();
    uintptr_t dl = down(z.lo, page), ul = up(z.lo, page), dh = down(z.hi, page), uh = up(z.hi, page);
    switch (w) {
    case JUST_BELOW: lo = dl - len, hi = dl; break;
    case BELOW_INTO: lo = dl - len, hi = dl + len; break;
    case INSIDE_BOTTOM: lo = ul, hi = ul + len; break;
    case INSIDE_MIDDLE: lo = ul + lo, hi = lo + len; break; /* lo: the offset from the bottom */
    case INSIDE_TOP: lo = dh - len, hi = dh; break;
    case INSIDE_OUT: lo = dh - len, hi = uh + len; break;
    case OVER: lo = dl - len, hi = uh + len; break;
    default: lo = uh, hi = uh + len; break;
    }
  }
  const char *what = w == ABSOLUTE ? "the range given" : where_name[w];
  int is_free = sup_ranges_hit(&before, lo, hi) == (size_t)-1;
  /* Outside this zone but inside the other one: refused all the same. Under
   * qemu-user the stack lies a few MiB above the program break, inside the brk
   * zone; no kernel puts them that close. */
  int zoned = meets(stack_zone(), lo, hi) || meets(brk_zone(), lo, hi);
  int err = p->reserve(p->ctx, lo, (size_t)(hi - lo));
  if (e == FREE_OK && is_free && !zoned) {
    cr_assert_eq(err, ILHEAP_OK,
                 "%s zone, %s: [%#" PRIxPTR ", %#" PRIxPTR ") is free and outside the zone, got %s",
                 zname, what, lo, hi, ilheap_strerror(err));
    cr_assert_eq(p->release(p->ctx, lo, (size_t)(hi - lo)), ILHEAP_OK);
  } else {
    cr_assert_eq(err, ILHEAP_EBUSY,
                 "%s zone, %s: reserve [%#" PRIxPTR ", %#" PRIxPTR ") (%s in the map) gave %s",
                 zname, what, lo, hi, is_free ? "free" : "busy", ilheap_strerror(err));
  }
  check_read_maps(&after);
  cr_assert_eq(sup_ranges_hit(&after, lo, hi) == (size_t)-1, is_free,
               "%s zone, %s: the map changed under [%#" PRIxPTR ", %#" PRIxPTR ")", zname, what, lo,
               hi);
  sup_ranges_free(&before);
  sup_ranges_free(&after);
  return e == BUSY && is_free;
}

/* Every position of a range relative to the zone; at least `min_proof` of the
 * refusals must concern a range the map says is free. */
static void probe_zone(zone (*zone_now)(void), const char *zname, size_t min_proof) {
  const ilheap_provider *p = os();
  uintptr_t page = p->page_size, len = 4 * page;
  sup_ranges maps = {0};
  read_maps_settled(&maps);
  zone z = zone_now();
  uintptr_t zlo = up(z.lo, page), zhi = down(z.hi, page);
  uintptr_t mid = free_in(&maps, zlo + len, zhi - 2 * len, len, page);
  sup_ranges_free(&maps);

  size_t proof = 0;
  for (where w = JUST_BELOW; w <= JUST_ABOVE; w++) {
    if (w == INSIDE_MIDDLE && mid == 0)
      continue;
    expect e = w == JUST_BELOW || w == JUST_ABOVE ? FREE_OK : BUSY;
    proof += (size_t)probe(zname, zone_now, w, w == INSIDE_MIDDLE ? mid - zlo : 0, 0, e);
  }
  cr_assert_geq(proof, min_proof,
                "%s zone [%#" PRIxPTR ", %#" PRIxPTR "): only %zu refusals of free ranges", zname,
                z.lo, z.hi, proof);
  check_walk_avoids(zone_now(), zname);
}

Test(os_zones, stack_zone_reserve_and_walk) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind runs the program on a stack of its own");
  /* The bottom of the zone is the guard gap, unmapped: at its bottom and in
   * its middle are refusals of free ranges. */
  probe_zone(stack_zone, "stack", 2);
}

Test(os_zones, brk_zone_reserve_and_walk) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind emulates the program break");
  probe_zone(brk_zone, "brk", 3);
}

/* The stack zone follows RLIMIT_STACK as it is at the time of the call: a
 * range between the zone of the lowered limit and the zone of the default
 * limit is accepted once the limit is lowered, and the guard gap below the
 * lowered zone stays refused. */
static void lowered_limit(rlim_t limit) {
  const ilheap_provider *p = os();
  uintptr_t page = p->page_size, len = 4 * page;
  struct rlimit rl;
  cr_assert_eq(getrlimit(RLIMIT_STACK, &rl), 0);
  rl.rlim_cur = limit;
  set_stack_limit(&rl);
  zone z = stack_zone();
  cr_assert_eq(z.hi - z.lo, (uintptr_t)limit + STACK_GUARD_GAP_DOC);
  /* In the guard gap of the lowered zone: refused even though nothing is there. */
  cr_assert_eq(probe("stack (lowered limit), inside its guard gap", stack_zone, ABSOLUTE,
                     up(z.lo, page), up(z.lo, page) + len, BUSY),
               1, "the guard gap below the stack is mapped: nothing proved");
  /* Just above the guard gap: still refused (the stack's own room). */
  uintptr_t room = up(z.lo + STACK_GUARD_GAP_DOC, page);
  probe("stack (lowered limit), just above the guard gap", stack_zone, ABSOLUTE, room, room + len,
        BUSY);
  /* Below the lowered zone: accepted when free. */
  probe("stack (lowered limit), below the lowered zone", stack_zone, ABSOLUTE,
        down(z.lo, page) - 2 * len, down(z.lo, page) - len, FREE_OK);
}

Test(os_zones, stack_zone_follows_rlimit_stack) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind runs the program on a stack of its own");
  lowered_limit(4 * MiB);
  lowered_limit(2 * MiB);
}

/* Unlimited RLIMIT_STACK: the zone is 1 GiB plus the guard gap. */
Test(os_zones, stack_zone_unlimited_is_capped) {
  CHECK_SKIP_UNDER_VALGRIND("Valgrind runs the program on a stack of its own");
  struct rlimit rl;
  cr_assert_eq(getrlimit(RLIMIT_STACK, &rl), 0);
  if (rl.rlim_max != RLIM_INFINITY)
    cr_skip_test("the hard RLIMIT_STACK is finite here");
  rl.rlim_cur = RLIM_INFINITY;
  set_stack_limit(&rl);
  zone z = stack_zone();
  cr_assert_eq(z.hi - z.lo, STACK_ROOM_MAX_DOC + STACK_GUARD_GAP_DOC);
  probe_zone(stack_zone, "stack (unlimited)", 2);
}
