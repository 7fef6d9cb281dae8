/* SPDX-License-Identifier: MIT */
/*
 * fuzz_faults's shared part: its state, the fault switches and the checks every
 * job uses. The target is one program (one corpus, corpus/fuzz_faults) whose
 * jobs live in a file each:
 *   fuzz_faults.c          the driver, and failure injection into heaps, the
 *                          registry and the COM adapter (create, allocate, walk,
 *                          destroy, another thread's requests)
 *   faults_provider.c      the Linux provider called directly (its answers, its
 *                          view of remembered runs, the stack's growth zone)
 *   faults_zone.c          the landing zone over the provider in use
 *   faults_maps.c          the /proc/self/maps text parser, served texts no
 *                          kernel writes
 * (The first uses that race, once a fifth job here, are deterministic tests
 * now: tests/test_seam_races.c.)
 */
#ifndef ILHEAP_FUZZ_FAULTS_H
#define ILHEAP_FUZZ_FAULTS_H

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "ilheap.h"
#include "ilheap_com.h"
#include "ilheap_registry.h"
#include "ilheap_sim.h"
#include "ilheap_zone.h"
#include "faults_format.h"
#include "os/os.h"
#include "provider.h"
#include "seams.h"

#define MAX_HEAPS 4
#define MAX_OPS 64
#define MAX_BLOCKS 512
#define SIM_SIZE ((size_t)64 << 20)
#define MAX_TOTAL ((uint64_t)16 << 20)

typedef struct block {
  void *p;
  uint32_t cb, tag;
  unsigned heap;
} block;

typedef struct heap_slot {
  ilheap *h;
  uintptr_t base;
  uint32_t max_offset, alignment;
  uint64_t blocks, requested, nulls;
} heap_slot;

typedef struct state {
  ilheap_sim *sim; /* NULL: the OS provider */
  heap_slot heaps[MAX_HEAPS];
  block blocks[MAX_BLOCKS];
  size_t nblocks;
  uint32_t next_tag;
  uint64_t total;
  ilheap_registry *reg;
  uintptr_t reg_ids[8];
  size_t nreg;
} state;

/* The fault switches (src/seams.h): arm reads from the input which allocation
 * and which system call fail next, and how; disarm switches both off. */
void faults_arm(fuzz_input *in);
void faults_disarm(void);
/* 1 when err is a code the library documents. */
int faults_documented(int err);
/* The provider in use: the simulated one, or the OS's. */
const ilheap_provider *faults_provider(state *st);
/* A module base: inside the simulated space, or this program's own code. */
uintptr_t faults_pick_base(state *st, fuzz_input *in);
/* A range visitor adding hi - lo to the uint64_t at arg. */
int faults_count_range(void *arg, uintptr_t lo, uintptr_t hi);
/* The simulated space holds exactly what the live heaps reserved. */
void faults_check_no_leak(state *st, const char *when);

/* The gaps a walk reported, in order (faults_record_gap, a range visitor). */
#define FAULTS_MAX_GAPS 32
typedef struct faults_gaps {
  uintptr_t v[FAULTS_MAX_GAPS][2];
  unsigned n;
  int overflow;
} faults_gaps;
int faults_record_gap(void *arg, uintptr_t lo, uintptr_t hi);

/* The jobs of the other files, one operation each. */
void faults_op_provider(state *st, fuzz_input *in);
void faults_op_zone(state *st, fuzz_input *in);
void faults_op_maps_text(state *st, fuzz_input *in);

#endif
