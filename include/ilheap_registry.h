/* SPDX-License-Identifier: MIT */
/*
 * ilheap registry: one heap per module, for whoever plays the runtime's part
 * (a mock ICorProfilerInfo::GetILFunctionBodyAllocator, a test harness, a
 * runtime embedding ilheap).
 *
 * A registry maps a module id (CoreCLR's ModuleID, or any integer the caller
 * chooses) to the heap of that module. ilheap_registry_get creates the heap on
 * first use; every later call for the same id returns the same heap, and when
 * several threads ask for an unknown id at the same moment exactly one heap is
 * created and all of them get it. ilheap_registry_drop is the module unload:
 * it destroys the heap, and its address space goes back to the provider then,
 * and only then (contract 7).
 *
 * Thread safety: every function may be called from any number of threads at
 * once, except ilheap_registry_destroy. Lookups share a read lock; creating and
 * dropping take it exclusively. Cost is O(1) on average in the number of
 * modules (an open-addressing hash table that doubles when 3/4 full).
 *
 * Lifetime rule (the caller's side, as in a runtime): a heap returned by get or
 * find is valid until its module is dropped. Dropping a module while another
 * thread still allocates from its heap is a use after free, exactly as
 * unloading a module while its code runs would be.
 */
#ifndef ILHEAP_REGISTRY_H
#define ILHEAP_REGISTRY_H

#include "ilheap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ilheap_registry ilheap_registry;

/*
 * Creates an empty registry. opts is the template for every heap it will
 * create (copied; NULL = defaults); its provider, if any, must outlive the
 * registry. The options are checked now, exactly as ilheap_create checks them
 * (nothing is reserved or created to do so), so a bad template fails here and
 * never at the first get.
 * Returns 0 and sets *out, or ILHEAP_EINVAL (out NULL or an option out of range,
 * as ilheap_create), ILHEAP_EVERSION (opts->size too small) or ILHEAP_ENOMEM.
 * On error *out is NULL (when out is not NULL).
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_registry_create(const ilheap_options *opts,
                                                       ilheap_registry **out);

/* Destroys every heap the registry still holds, then the registry. Every block
 * and every IMethodMalloc those heaps handed out becomes invalid. Must not race
 * with any other call on the registry. NULL: does nothing. */
ILHEAP_API void ilheap_registry_destroy(ilheap_registry *reg);

/*
 * Get-or-create the heap of module module_id whose base is module_base.
 * Returns 0 and sets *out to the module's heap, or:
 *   ILHEAP_EINVAL  reg or out is NULL;
 *   ILHEAP_EEXIST  module_id is known with a different base (a stale id: drop
 *                  the old module first); the registry is unchanged;
 *   ILHEAP_ENOMEM  no memory for the heap or the table.
 * On error *out is NULL (when out is not NULL). Any id is valid, 0 included.
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_registry_get(ilheap_registry *reg, uintptr_t module_id,
                                                    const void *module_base, ilheap **out);

/* The heap of module_id, or NULL if the id is unknown or reg is NULL. Never
 * creates. */
ILHEAP_API ilheap *ilheap_registry_find(ilheap_registry *reg, uintptr_t module_id);

/* The module unloaded: removes module_id and destroys its heap (its address
 * space is released now). Returns 0, ILHEAP_EINVAL (reg NULL) or
 * ILHEAP_ENOTFOUND (no module with that id); on error nothing changes. */
ILHEAP_API int ilheap_registry_drop(ilheap_registry *reg, uintptr_t module_id);

/* Number of modules the registry holds (NULL: 0). A snapshot when other
 * threads are adding or dropping modules. */
ILHEAP_API size_t ilheap_registry_count(const ilheap_registry *reg);

#ifdef __cplusplus
}
#endif

#endif /* ILHEAP_REGISTRY_H */
