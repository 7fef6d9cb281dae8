/* SPDX-License-Identifier: MIT */
/*
 * Contract 8 (include/ilheap.h): any number of threads may call ilheap_alloc on
 * one heap at once. 8 threads hammer one heap (OS and simulated providers),
 * each keeping every block it got; then the main thread checks the union:
 * no two blocks overlap (contract 3), all aligned and inside the window
 * (contracts 1-2), each still holds what its owner wrote (contract 4), and the
 * statistics add up to exactly what the threads were given.
 *
 * Worker threads make no Criterion assertion (those belong to the test's
 * thread): they count what they see and the main thread asserts on it.
 */
#include "check.h"

#include <pthread.h>

#define NTHREADS 8
#define MiB ((size_t)1 << 20)
#define KiB ((size_t)1 << 10)

typedef enum sizes { IL_SIZES, TINY_SIZES, REFILL_SIZES } sizes;

typedef struct worker {
  pthread_t tid;
  ilheap *heap;
  pthread_barrier_t *start;
  unsigned idx;
  size_t tries; /* requests to make */
  sizes kind;
  int stop_at_null; /* stop at the first NULL (exhaustion tests) */
  int tight;        /* allocate in a tight loop first, check and fill after */
  /* out */
  sup_block *blocks; /* preallocated, `tries` of them */
  size_t n;
  uint64_t requested, nulls, dirty; /* dirty: bytes not zero in a fresh block */
} worker;

static uint32_t next_size(worker *w, uint64_t *seed) {
  switch (w->kind) {
  case TINY_SIZES: /* 1..8 bytes: thousands of blocks per chunk, heavy CAS traffic */
    return 1 + (uint32_t)(sup_rand(seed) % 8);
  case REFILL_SIZES: /* a page or more: a refill every few blocks */
    return 2048 + (uint32_t)(sup_rand(seed) % 8192);
  default: return sup_il_size(seed);
  }
}

/* Contention mode: nothing but allocation between the barriers, so the
 * threads are inside ilheap_alloc together as much as possible (a lost update
 * in the fast path shows as two equal or overlapping blocks). Each block is
 * used at once (its two ends checked for zero and tagged with the thread), and
 * checked whole (tags, zero between, contract 4) and filled after a second
 * barrier: a wrong tag or a nonzero byte can only come from an overlap with
 * another thread's block. */
#define ROUND 500

static void *work_tight(worker *w) {
  uint64_t seed = 0x1234567ULL * (w->idx + 1);
  pthread_barrier_wait(w->start);
  for (size_t i = 0; i < w->tries; i++) {
    /* Every thread restarts together every ROUND requests: on a loaded
     * machine the threads would otherwise mostly run one after the other. */
    if (i % ROUND == 0 && i != 0)
      pthread_barrier_wait(w->start);
    uint32_t cb = next_size(w, &seed);
    void *p = ilheap_alloc(w->heap, cb);
    if (p == NULL) {
      w->nulls++;
      continue;
    }
    /* Used at once: its ends must read zero and take the owner's tag now (a
     * block published before its memory is committed faults here, a chunk
     * published before it is initialized is a race TSan reports). */
    unsigned char *b = p, tag = (unsigned char)(0x80u | w->idx);
    w->dirty += (b[0] != 0) + (cb > 1 && b[cb - 1] != 0);
    b[0] = b[cb - 1] = tag;
    w->blocks[w->n].p = (uintptr_t)p;
    w->blocks[w->n].cb = cb;
    w->blocks[w->n].heap = w->idx;
    w->n++;
    w->requested += cb;
  }
  pthread_barrier_wait(w->start);
  for (size_t i = 0; i < w->n; i++) {
    unsigned char *p = (unsigned char *)w->blocks[i].p, tag = (unsigned char)(0x80u | w->idx);
    uint32_t cb = w->blocks[i].cb;
    /* The tags are still this thread's and everything between is zero:
     * anything else is an overlap with another thread's block. */
    w->dirty += (p[0] != tag) + (cb > 1 && p[cb - 1] != tag);
    for (uint32_t k = 1; k + 1 < cb; k++)
      w->dirty += p[k] != 0;
    check_block_fill(p, cb);
  }
  return NULL;
}

static void *work(void *arg) {
  worker *w = arg;
  uint64_t seed = 0x1234567ULL * (w->idx + 1);
  if (w->tight)
    return work_tight(w);
  pthread_barrier_wait(w->start);
  for (size_t i = 0; i < w->tries; i++) {
    uint32_t cb = next_size(w, &seed);
    unsigned char *p = ilheap_alloc(w->heap, cb);
    if (p == NULL) {
      w->nulls++;
      if (w->stop_at_null)
        break;
      continue;
    }
    for (uint32_t k = 0; k < cb; k++)
      w->dirty += p[k] != 0;
    check_block_fill(p, cb);
    w->blocks[w->n].p = (uintptr_t)p;
    w->blocks[w->n].cb = cb;
    w->blocks[w->n].heap = w->idx;
    w->n++;
    w->requested += cb;
  }
  return NULL;
}

/* Runs NTHREADS workers on one heap (or one heap each when heaps[i] differ),
 * gathers every block into *all and returns the totals. */
static int tight_mode;

static void hammer(ilheap *const heaps[NTHREADS], size_t tries, sizes kind, int stop_at_null,
                   check_blocks *all, check_tally *t) {
  worker w[NTHREADS];
  pthread_barrier_t start;
  cr_assert_eq(pthread_barrier_init(&start, NULL, NTHREADS), 0);
  for (unsigned i = 0; i < NTHREADS; i++) {
    w[i] = (worker){.heap = heaps[i],
                    .start = &start,
                    .idx = i,
                    .tries = tries,
                    .kind = kind,
                    .stop_at_null = stop_at_null,
                    .tight = tight_mode};
    w[i].blocks = calloc(tries, sizeof *w[i].blocks);
    cr_assert_not_null(w[i].blocks);
  }
  for (unsigned i = 0; i < NTHREADS; i++)
    cr_assert_eq(pthread_create(&w[i].tid, NULL, work, &w[i]), 0);
  for (unsigned i = 0; i < NTHREADS; i++)
    cr_assert_eq(pthread_join(w[i].tid, NULL), 0);
  pthread_barrier_destroy(&start);
  tight_mode = 0; /* one hammer only (tests share a process when built standalone) */
  *t = (check_tally){0};
  for (unsigned i = 0; i < NTHREADS; i++) {
    cr_assert_eq(w[i].dirty, 0u,
                 "contract 4: thread %u saw %" PRIu64 " nonzero bytes in fresh blocks", i,
                 w[i].dirty);
    if (w[i].n > 0) {
      check_blocks_reserve(all, all->n + w[i].n);
      memcpy(all->v + all->n, w[i].blocks, w[i].n * sizeof *w[i].blocks);
      all->n += w[i].n;
    }
    t->blocks += w[i].n;
    t->requested += w[i].requested;
    t->failed += w[i].nulls;
    free(w[i].blocks);
  }
}

/* Contracts 1-4 and the statistics for the gathered blocks of one heap. */
static void check_one_heap(const ilheap *h, check_blocks *bs, const check_tally *t) {
  for (size_t i = 0; i < bs->n; i++)
    check_block_window(h, (void *)bs->v[i].p, bs->v[i].cb);
  check_blocks_verify(bs); /* before sorting: a block overwritten by another shows here */
  check_blocks_disjoint(bs);
  check_stats_consistent(h, t->blocks, t->requested, t->failed);
  sup_ranges r = {0};
  check_heap_reserved(h, &r);
  check_blocks_inside(bs, &r);
  sup_ranges_free(&r);
}

static void same_heap(ilheap *heaps[NTHREADS], ilheap *h) {
  for (unsigned i = 0; i < NTHREADS; i++)
    heaps[i] = h;
}

static void os_round(sizes kind, size_t tries);

static ilheap_sim *crowded_sim(uintptr_t *module) {
  ilheap_sim *sim = check_sim_create(256 * MiB, 0);
  *module = ilheap_sim_base(sim) + 32 * MiB;
  cr_assert_eq(ilheap_sim_occupy(sim, *module, MiB), ILHEAP_OK);
  /* Foreign ranges every 2 MiB above: chunks cannot grow far in place. */
  for (uintptr_t a = *module + 2 * MiB; a < *module + 128 * MiB; a += 2 * MiB)
    cr_assert_eq(ilheap_sim_occupy(sim, a, 64 * KiB), ILHEAP_OK);
  return sim;
}

static void sim_round(sizes kind, size_t tries, uint32_t alignment) {
  uintptr_t module;
  ilheap_sim *sim = crowded_sim(&module);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, alignment);
  ilheap *h = check_create((void *)module, &o);
  ilheap *heaps[NTHREADS];
  same_heap(heaps, h);
  check_blocks bs = {0};
  check_tally t;
  hammer(heaps, tries, kind, 0, &bs, &t);
  cr_assert_eq(t.failed, 0u, "%" PRIu64 " requests failed with plenty of room", t.failed);
  cr_assert_eq(t.blocks, (uint64_t)NTHREADS * tries);
  check_one_heap(h, &bs, &t);
  check_blocks_in_sim(sim, &bs);
  ilheap_stats st = check_stats(h);
  /* A refill's first step is a page at least: with 64 KiB pages (arm64) the same
   * requests take fewer, larger refills. */
  if (kind == REFILL_SIZES)
    cr_assert_gt(st.chunks + st.extensions, check_host_page() > 16384 ? 50u : 100u,
                 "the refill test refilled only %" PRIu64 " times", st.chunks + st.extensions);
  ilheap_destroy(h);
  ilheap_sim_stats ss = check_sim_stats(sim);
  cr_assert_eq(ss.reserved_bytes, 0u, "contract 7");
  check_blocks_free(&bs);
  ilheap_sim_destroy(sim);
}

Test(threads, c8_sim_il_sizes) { sim_round(IL_SIZES, 4000, 8); }
Test(threads, c8_sim_tiny_sizes_cas_storm) {
  tight_mode = 1;
  sim_round(TINY_SIZES, 60000, 4);
}
Test(threads, c8_os_tiny_sizes_cas_storm) {
  tight_mode = 1;
  os_round(TINY_SIZES, 40000);
}
/* Every request needs a refill soon: the threads race for the lock and each
 * must find the room another made (or make more) without losing blocks. */
Test(threads, c8_sim_refill_race) { sim_round(REFILL_SIZES, 300, 8); }
Test(threads, c8_sim_refill_race_align_4096) { sim_round(REFILL_SIZES, 200, 4096); }

static void os_round(sizes kind, size_t tries) {
  check_modules ms;
  check_loaded_modules(&ms);
  const sup_module *libc = sup_module_find(ms.v, ms.n, CHECK_ROOMY_MODULE);
  cr_assert_not_null(libc);
  sup_ranges before = {0}, now = {0};
  check_read_maps(&before);
  ilheap *h = check_create((void *)libc->base, NULL);
  ilheap *heaps[NTHREADS];
  same_heap(heaps, h);
  check_blocks bs = {0};
  check_tally t;
  hammer(heaps, tries, kind, 0, &bs, &t);
  cr_assert_eq(t.failed, 0u);
  check_one_heap(h, &bs, &t);
  check_read_maps(&now);
  check_blocks_avoid(&bs, &before, "a mapping that existed before create");
  check_reserved_vs_maps(h, &bs, &before, &now, NULL);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  sup_ranges_free(&before);
  sup_ranges_free(&now);
}

Test(threads, c8_os_il_sizes) { os_round(IL_SIZES, 4000); }
Test(threads, c8_os_refill_race) { os_round(REFILL_SIZES, 300); }

/* Contracts 6 and 8: threads race to the end of a budget. Every NULL is
 * counted, nothing is reserved past the budget, and the blocks handed out
 * before exhaustion are all intact and disjoint. */
Test(threads, c6_c8_race_to_exhaustion) {
  uintptr_t module;
  ilheap_sim *sim = crowded_sim(&module);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  o.budget = 2 * MiB;
  ilheap *h = check_create((void *)module, &o);
  ilheap *heaps[NTHREADS];
  same_heap(heaps, h);
  check_blocks bs = {0};
  check_tally t;
  hammer(heaps, 20000, IL_SIZES, 1, &bs, &t);
  cr_assert_eq(t.failed, (uint64_t)NTHREADS, "every thread stops at its first NULL: %" PRIu64,
               t.failed);
  cr_assert_gt(t.blocks, 1000u);
  ilheap_stats st = check_stats(h);
  cr_assert_leq(st.bytes_reserved, (uint64_t)o.budget, "contract 6: over budget");
  check_one_heap(h, &bs, &t);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  ilheap_sim_destroy(sim);
}

/* Contracts 6 and 8 with the provider failing and losing races while the
 * threads refill: some requests may fail, none may corrupt anything. */
Test(threads, c6_c8_refill_under_injected_failures) {
  uintptr_t module;
  ilheap_sim *sim = crowded_sim(&module);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((void *)module, &o);
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_RACE, 3, 40), ILHEAP_OK);
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_COMMIT, 10, 5), ILHEAP_OK);
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_RESERVE, 20, 5), ILHEAP_OK);
  ilheap *heaps[NTHREADS];
  same_heap(heaps, h);
  check_blocks bs = {0};
  check_tally t;
  hammer(heaps, 400, REFILL_SIZES, 0, &bs, &t);
  ilheap_sim_stats ss = check_sim_stats(sim);
  cr_assert_gt(ss.failures, 0u, "no injected failure was delivered");
  cr_assert_gt(t.blocks, (uint64_t)NTHREADS * 400 / 2);
  check_one_heap(h, &bs, &t);
  check_blocks_in_sim(sim, &bs);
  ilheap_destroy(h);
  cr_assert_eq(check_sim_stats(sim).reserved_bytes, 0u, "contract 7");
  check_blocks_free(&bs);
  ilheap_sim_destroy(sim);
}

/* Contract 3 across heaps: 8 threads, each with its own heap for a module of
 * its own, all on one simulated space with overlapping windows: the provider
 * is called from several threads at once, and no two heaps share a byte. */
Test(threads, c3_c8_heap_per_thread_shared_provider) {
  uintptr_t module;
  ilheap_sim *sim = crowded_sim(&module);
  ilheap *heaps[NTHREADS];
  for (unsigned i = 0; i < NTHREADS; i++) {
    uintptr_t b = module + (uintptr_t)i * 3 * MiB + 128 * KiB;
    cr_assert_eq(ilheap_sim_occupy(sim, b, 64 * KiB), ILHEAP_OK);
    ilheap_options o = check_opts(ilheap_sim_provider(sim), (uint32_t)(64 * MiB), 16);
    heaps[i] = check_create((void *)b, &o);
  }
  check_blocks bs = {0};
  check_tally t;
  hammer(heaps, 1500, IL_SIZES, 0, &bs, &t);
  cr_assert_eq(t.failed, 0u);
  for (size_t i = 0; i < bs.n; i++)
    check_block_window(heaps[bs.v[i].heap], (void *)bs.v[i].p, bs.v[i].cb);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  uint64_t blocks = 0;
  for (unsigned i = 0; i < NTHREADS; i++)
    blocks += check_stats(heaps[i]).blocks;
  cr_assert_eq(blocks, t.blocks);
  for (unsigned i = 0; i < NTHREADS; i++)
    ilheap_destroy(heaps[i]);
  cr_assert_eq(check_sim_stats(sim).reserved_bytes, 0u, "contract 7");
  check_blocks_free(&bs);
  ilheap_sim_destroy(sim);
}

/* Statistics while threads allocate: ilheap_get_stats from another thread is
 * a consistent snapshot (committed <= reserved, blocks never decrease). */
typedef struct watcher {
  const ilheap *h;
  _Atomic int *done;
  uint64_t snapshots, bad;
} watcher;

static void *watch(void *arg) {
  watcher *w = arg;
  uint64_t last_blocks = 0;
  while (!*w->done) {
    ilheap_stats st;
    st.size = sizeof st;
    if (ilheap_get_stats(w->h, &st) != ILHEAP_OK || st.bytes_committed > st.bytes_reserved ||
        st.blocks < last_blocks)
      w->bad++;
    last_blocks = st.blocks;
    w->snapshots++;
  }
  return NULL;
}

Test(threads, c8_stats_during_allocation) {
  uintptr_t module;
  ilheap_sim *sim = crowded_sim(&module);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((void *)module, &o);
  _Atomic int done = 0;
  watcher wa = {.h = h, .done = &done};
  pthread_t tid;
  cr_assert_eq(pthread_create(&tid, NULL, watch, &wa), 0);
  ilheap *heaps[NTHREADS];
  same_heap(heaps, h);
  check_blocks bs = {0};
  check_tally t;
  hammer(heaps, 3000, IL_SIZES, 0, &bs, &t);
  done = 1;
  cr_assert_eq(pthread_join(tid, NULL), 0);
  cr_assert_gt(wa.snapshots, 0u);
  cr_assert_eq(wa.bad, 0u, "%" PRIu64 " of %" PRIu64 " snapshots inconsistent", wa.bad,
               wa.snapshots);
  check_one_heap(h, &bs, &t);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  ilheap_sim_destroy(sim);
}

/* Contract 8: "the fast path is one compare-and-swap: no lock, no system
 * call". Checked literally: a thread puts itself under a seccomp filter that
 * traps every system call (SIGSYS; the handler counts it and makes it fail with
 * ENOSYS), then allocates blocks that fit in the current chunk. The count must
 * stay 0. The control: a request that needs a refill is seen making system
 * calls (and, refused, returns NULL without crashing: contract 6). */
/* Linux only: seccomp traps every system call of the fast path. */
#if defined(__x86_64__) && defined(__linux__)
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <ucontext.h>

static volatile sig_atomic_t trapped;

static void on_sigsys(int sig, siginfo_t *si, void *ctx) {
  (void)sig, (void)si;
  trapped++;
  ((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
}

typedef struct fastpath {
  ilheap *h;
  int installed, grew;
  _Atomic int done;
  long fast_traps, refill_traps;
  size_t fast_blocks;
  void *refill_block;
  void *blocks[200];
} fastpath;

static void *fastpath_thread(void *arg) {
  fastpath *f = arg;
  struct sock_filter prog[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rt_sigreturn, 3, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog fprog = {.len = sizeof prog / sizeof prog[0], .filter = prog};
  /* Before the filter: this thread's first requests make its slab (the lock
   * and, the first time, memory for the slab's record). It goes on until a
   * request made the heap grow: the slab it then took is a whole one (the
   * growth step exceeds a slab; see fastpath_case), room for the 200. */
  ilheap_stats before = {.size = sizeof before}, after;
  ilheap_get_stats(f->h, &before); /* no assertion off the test's thread */
  after = before;
  for (int i = 0; i < 100000 && after.extensions + after.chunks == before.extensions + before.chunks;
       i++) {
    if (ilheap_alloc(f->h, 8) == NULL)
      break;
    ilheap_get_stats(f->h, &after);
  }
  f->grew = after.extensions + after.chunks != before.extensions + before.chunks;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) {
    atomic_store(&f->done, 1);
    return NULL;
  }
  f->installed = 1;
  trapped = 0;
  for (size_t i = 0; i < sizeof f->blocks / sizeof f->blocks[0]; i++)
    f->blocks[i] = ilheap_alloc(f->h, 8 + (uint32_t)(i % 5) * 8);
  f->fast_traps = trapped;
  trapped = 0;
  f->refill_block = ilheap_alloc(f->h, 900 << 10); /* more than the chunk has left */
  f->refill_traps = trapped;
  /* This thread cannot exit: the C library's and the sanitizers' thread
   * teardown need system calls (ASan dies when its munmap fails). It spins
   * until the test process ends. */
  atomic_store(&f->done, 1);
  for (;;)
    __asm__ __volatile__("pause" ::: "memory");
  return NULL;
}

static void fastpath_case(ilheap *h) {
  /* TSan wraps signal handlers and makes system calls of its own in them. */
  if (CHECK_TSAN)
    cr_skip_test("ThreadSanitizer cannot run a thread under a trap-everything seccomp filter");
  /* 2 MiB first: the heap's growth step (reserved / 32) is then 64 KiB, more
   * than a slab and the 200 small blocks below, so the thread's slab, taken
   * right after a growth, is a whole one. */
  for (int i = 0; i < 256; i++)
    cr_assert_not_null(ilheap_alloc(h, 8192));
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  cr_assert_eq(sigaction(SIGSYS, &sa, NULL), 0); /* the test process ends with the test */
  fastpath f;
  memset(&f, 0, sizeof f);
  f.h = h;
  atomic_init(&f.done, 0);
  pthread_t tid;
  cr_assert_eq(pthread_create(&tid, NULL, fastpath_thread, &f), 0);
  while (!atomic_load(&f.done))
    sched_yield();
  cr_assert_eq(pthread_detach(tid), 0);
  cr_assert(f.installed, "could not install the seccomp filter");
  cr_assert(f.grew, "the thread's requests before the filter never made the heap grow");
  for (size_t i = 0; i < sizeof f.blocks / sizeof f.blocks[0]; i++) {
    cr_assert_not_null(f.blocks[i]);
    check_block_window(h, f.blocks[i], 8 + (uint32_t)(i % 5) * 8);
  }
  cr_assert_eq(f.fast_traps, 0, "contract 8: %ld system calls on the fast path", f.fast_traps);
  cr_assert_gt(f.refill_traps, 0, "the control: a refill made no system call?");
  cr_assert_null(f.refill_block, "every system call failed, yet the refill gave a block");
}

Test(threads, c8_fast_path_makes_no_system_call_os) {
  CHECK_SKIP_UNDER_VALGRIND("seccomp traps system calls");
  check_modules ms;
  check_loaded_modules(&ms);
  ilheap *h = check_create((void *)sup_module_find(ms.v, ms.n, CHECK_ROOMY_MODULE)->base, NULL);
  fastpath_case(h);
  ilheap_destroy(h);
}

Test(threads, c8_fast_path_makes_no_system_call_sim) {
  CHECK_SKIP_UNDER_VALGRIND("seccomp traps system calls");
  uintptr_t module;
  ilheap_sim *sim = crowded_sim(&module);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((void *)module, &o);
  fastpath_case(h);
  ilheap_destroy(h);
  ilheap_sim_destroy(sim);
}
#endif
