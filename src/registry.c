/* SPDX-License-Identifier: MIT */
/*
 * The module registry: module id -> heap, one heap per module.
 *
 * An open-addressing hash table with linear probing, a power-of-two capacity
 * kept at most 3/4 full (it doubles beyond), and backward-shift deletion (no
 * tombstones, so lookups never slow down after many loads and unloads). A slot
 * is in use iff its heap is non-NULL, so every id, 0 included, is a valid key.
 *
 * Locking: one reader-writer lock. get looks up under the read lock (the
 * common case: the module is known); on a miss it takes the write lock, looks
 * again (another thread may have created the heap meanwhile) and only then
 * creates it, so concurrent first use yields exactly one heap. ilheap_create
 * reserves nothing (address space comes at the first allocation), so creating
 * under the lock is cheap. drop unlinks under the write lock and destroys the
 * heap after releasing it: the system calls of a release never block lookups.
 */
#include "ilheap_registry.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "invariant.h"
#include "internal.h"
#include "os/os.h"
#include "seams.h"

#define REGISTRY_MIN_CAPACITY 16u

typedef struct registry_slot {
  uintptr_t module_id;
  uintptr_t module_base;
  ilheap *heap; /* NULL: the slot is free */
} registry_slot;

struct ilheap_registry {
  ilheap__rwlock lock;
  registry_slot *slots;
  size_t capacity; /* a power of two */
  _Atomic(size_t) count;
  ilheap_options opts; /* template for every heap */
};

/* A full-avalanche mix (the splitmix64 finalizer): module ids are pointers,
 * whose low bits are all zero and high bits all alike. */
static size_t registry_hash(uintptr_t id) {
  uint64_t x = (uint64_t)id;
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9u;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBu;
  x ^= x >> 31;
  return (size_t)x;
}

/* The slot holding module_id, or the free slot where it would go. The table is
 * never full (load <= 3/4), so the probe ends. */
static size_t registry_probe(const registry_slot *slots, size_t capacity, uintptr_t id) {
  size_t mask = capacity - 1u, steps = 0;
  size_t i = registry_hash(id) & mask;
  ILHEAP_ASSERT(capacity >= REGISTRY_MIN_CAPACITY && (capacity & mask) == 0);
  while (slots[i].heap != NULL && slots[i].module_id != id) {
    i = (i + 1u) & mask;
    ILHEAP_ASSERT(++steps < capacity); /* never full, so a free slot ends the run */
  }
  (void)steps;
  return i;
}

#if ILHEAP_ASSERTS_ON
/* The table's invariants (ILHEAP_ASSERTS builds, after every change): count members,
 * load at most 3/4, every member found by a probe from its home slot (no
 * free slot between its home and itself). */
static void registry_check(const ilheap_registry *reg) {
  size_t members = 0;
  for (size_t i = 0; i < reg->capacity; i++) {
    if (reg->slots[i].heap == NULL)
      continue;
    members++;
    ILHEAP_ASSERT(registry_probe(reg->slots, reg->capacity, reg->slots[i].module_id) == i);
  }
  ILHEAP_ASSERT(members == atomic_load_explicit(&reg->count, memory_order_relaxed));
  ILHEAP_ASSERT(members * 4u <= reg->capacity * 3u);
}
#define REGISTRY_CHECK(reg) registry_check(reg)
#else
#define REGISTRY_CHECK(reg) ((void)0)
#endif

static int registry_grow(ilheap_registry *reg) {
  if (reg->capacity > SIZE_MAX / 2u / sizeof(registry_slot))
    return ILHEAP_ENOMEM;
  size_t capacity = reg->capacity * 2u;
  registry_slot *slots = ILHEAP_CALLOC(capacity, sizeof *slots);
  if (slots == NULL)
    return ILHEAP_ENOMEM;
  for (size_t i = 0; i < reg->capacity; i++) {
    if (reg->slots[i].heap != NULL)
      slots[registry_probe(slots, capacity, reg->slots[i].module_id)] = reg->slots[i];
  }
  free(reg->slots);
  reg->slots = slots;
  reg->capacity = capacity;
  REGISTRY_CHECK(reg);
  return ILHEAP_OK;
}

int ilheap_registry_create(const ilheap_options *opts, ilheap_registry **out) {
  if (out == NULL)
    return ILHEAP_EINVAL;
  *out = NULL;

  /* The caller's struct itself, its size included (a copy would hide a size
   * too small to hold even the size field); tmpl is the full-size template. */
  ilheap_options tmpl;
  int err = ilheap__options_check(opts, &tmpl);
  if (err != ILHEAP_OK)
    return err;

  ilheap_registry *reg = ILHEAP_CALLOC(1, sizeof *reg);
  if (reg == NULL)
    return ILHEAP_ENOMEM;
  reg->slots = ILHEAP_CALLOC(REGISTRY_MIN_CAPACITY, sizeof *reg->slots);
  if (reg->slots == NULL || ilheap__rwlock_init(&reg->lock) != ILHEAP_OK) {
    free(reg->slots);
    free(reg);
    return ILHEAP_ENOMEM;
  }
  reg->capacity = REGISTRY_MIN_CAPACITY;
  atomic_init(&reg->count, 0);
  reg->opts = tmpl;
  *out = reg;
  return ILHEAP_OK;
}

void ilheap_registry_destroy(ilheap_registry *reg) {
  if (reg == NULL)
    return;
  for (size_t i = 0; i < reg->capacity; i++)
    ilheap_destroy(reg->slots[i].heap);
  ilheap__rwlock_destroy(&reg->lock);
  free(reg->slots);
  free(reg);
}

/* Looks module_id up; the caller holds the lock (either mode). */
static const registry_slot *registry_lookup(const ilheap_registry *reg, uintptr_t module_id) {
  const registry_slot *slot = &reg->slots[registry_probe(reg->slots, reg->capacity, module_id)];
  return slot->heap != NULL ? slot : NULL;
}

static int registry_answer(const registry_slot *slot, const void *module_base, ilheap **out) {
  if (slot->module_base != (uintptr_t)module_base)
    return ILHEAP_EEXIST;
  *out = slot->heap;
  return ILHEAP_OK;
}

int ilheap_registry_get(ilheap_registry *reg, uintptr_t module_id, const void *module_base,
                        ilheap **out) {
  if (out == NULL)
    return ILHEAP_EINVAL;
  *out = NULL;
  if (reg == NULL)
    return ILHEAP_EINVAL;

  ilheap__rwlock_rdlock(&reg->lock);
  const registry_slot *known = registry_lookup(reg, module_id);
  int err = known != NULL ? registry_answer(known, module_base, out) : ILHEAP_OK;
  ilheap__rwlock_rdunlock(&reg->lock);
  if (known != NULL)
    return err;

  ILHEAP_RACE_POINT(ILHEAP__RACE_REGISTRY); /* a test may let another thread create it here */
  ilheap__rwlock_wrlock(&reg->lock);
  known = registry_lookup(reg, module_id);
  if (known != NULL) {
    /* Another thread created it between our two locks. */
    err = registry_answer(known, module_base, out);
    ilheap__rwlock_wrunlock(&reg->lock);
    return err;
  }
  size_t count = atomic_load_explicit(&reg->count, memory_order_relaxed);
  if ((count + 1u) * 4u > reg->capacity * 3u) {
    err = registry_grow(reg);
    if (err != ILHEAP_OK) {
      ilheap__rwlock_wrunlock(&reg->lock);
      return err;
    }
  }
  ilheap *heap = NULL;
  err = ilheap_create(module_base, &reg->opts, &heap);
  if (err == ILHEAP_OK) {
    registry_slot *slot = &reg->slots[registry_probe(reg->slots, reg->capacity, module_id)];
    slot->module_id = module_id;
    slot->module_base = (uintptr_t)module_base;
    slot->heap = heap;
    atomic_store_explicit(&reg->count, count + 1u, memory_order_relaxed);
    *out = heap;
    REGISTRY_CHECK(reg);
  }
  ilheap__rwlock_wrunlock(&reg->lock);
  return err;
}

ilheap *ilheap_registry_find(ilheap_registry *reg, uintptr_t module_id) {
  if (reg == NULL)
    return NULL;
  ilheap__rwlock_rdlock(&reg->lock);
  const registry_slot *slot = registry_lookup(reg, module_id);
  ilheap *heap = slot != NULL ? slot->heap : NULL;
  ilheap__rwlock_rdunlock(&reg->lock);
  return heap;
}

int ilheap_registry_drop(ilheap_registry *reg, uintptr_t module_id) {
  if (reg == NULL)
    return ILHEAP_EINVAL;
  ilheap__rwlock_wrlock(&reg->lock);
  size_t mask = reg->capacity - 1u;
  size_t hole = registry_probe(reg->slots, reg->capacity, module_id);
  ilheap *heap = reg->slots[hole].heap;
  if (heap == NULL) {
    ilheap__rwlock_wrunlock(&reg->lock);
    return ILHEAP_ENOTFOUND;
  }
  /* Backward-shift deletion: pull every later member of the probe run whose
   * home slot does not lie cyclically in (hole, j] back into the hole. */
  for (size_t j = (hole + 1u) & mask; reg->slots[j].heap != NULL; j = (j + 1u) & mask) {
    size_t home = registry_hash(reg->slots[j].module_id) & mask;
    int stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!stays) {
      reg->slots[hole] = reg->slots[j];
      hole = j;
    }
  }
  memset(&reg->slots[hole], 0, sizeof reg->slots[hole]);
  atomic_fetch_sub_explicit(&reg->count, 1u, memory_order_relaxed);
  REGISTRY_CHECK(reg);
  ilheap__rwlock_wrunlock(&reg->lock);
  ilheap_destroy(heap);
  return ILHEAP_OK;
}

size_t ilheap_registry_count(const ilheap_registry *reg) {
  if (reg == NULL)
    return 0;
  return atomic_load_explicit(&reg->count, memory_order_relaxed);
}
