/* SPDX-License-Identifier: MIT */
/*
 * The COM adapter: an IMethodMalloc that lives inside its heap.
 *
 * The object sits in the heap's adapter area (internal.h: ilheap__ext), so it
 * costs no allocation and dies with the heap. It translates and decides
 * nothing: Alloc is ilheap_alloc. The reference count is a report only (the
 * lifetime model is documented in include/ilheap_com.h).
 *
 * First use from several threads: the area starts zero-filled. The thread that
 * moves `state` from UNINIT to BUSY fills the object in and publishes it with a
 * release store of READY; any other thread waits for READY with acquire loads,
 * so every caller sees a complete object and no field is ever written twice.
 * The C++ object of ilheap_com.h (its vtable comes from the C++ compiler, so C
 * cannot build it) gets its storage here too, and is constructed by the
 * header's callback under the same protocol (`cxx_state`).
 *
 * Recognizing a C++ object (ilheap_method_malloc_heap): only an object's first
 * word may be read before it is known to be ours, and the C++ object's first
 * word is a vtable pointer this file cannot predict. So every vtable pointer a
 * construction produced is recorded in a list (one per module that compiled the
 * header: a handful); a first word found there proves the object is ours, and
 * its heap is then checked to hold exactly that object.
 */
#include "ilheap_com.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "os/os.h"
#include "seams.h"

/* QueryInterface compares against private copies, so that its answer never
 * depends on which definition of the exported IIDs the linker picked
 * (internal.h; the exported ones are in src/com_iid_*.c). */
static const IID iid_unknown = ILHEAP__IID_IUNKNOWN_INIT;
static const IID iid_method_malloc = ILHEAP__IID_IMETHODMALLOC_INIT;

/* The header checks the vtable and GUID layout; this, what the code relies on. */
_Static_assert(sizeof(ULONG) == 4 && sizeof(HRESULT) == 4, "ULONG and HRESULT must be 32-bit");

enum { COM_UNINIT = 0, COM_BUSY = 1, COM_READY = 2 };

/* The heap's own reference: the count never falls below it. */
#define COM_BASE_REFS 1u
#define COM_MAX_REFS 0xFFFFFFFFu

typedef struct com_object {
  IMethodMalloc iface; /* first: &iface is the pointer handed out */
  _Atomic(uint32_t) refs;
  _Atomic(int) state;
  _Atomic(int) cxx_state;
  /* ilheap_com.h's C++ object: a vtable pointer and the heap (the header
   * checks that it fits). */
  union {
    void *align;
    unsigned char bytes[ILHEAP_METHOD_MALLOC_CXX_SIZE];
  } cxx;
} com_object;

_Static_assert(sizeof(com_object) <= ILHEAP_EXT_SIZE, "the COM objects must fit the adapter area");
_Static_assert(offsetof(com_object, iface) == 0, "the interface comes first");

/* The vtable pointers of C++ objects built so far: a list that only grows. */
typedef struct cxx_vtable {
  const void *vptr;
  struct cxx_vtable *next;
} cxx_vtable;
static _Atomic(cxx_vtable *) cxx_vtables;

static const IMethodMallocVtbl method_malloc_vtbl;

static com_object *impl_from_IMethodMalloc(IMethodMalloc *iface) {
  return (com_object *)(void *)iface;
}

int ilheap_guid_equal(const GUID *a, const GUID *b) {
  if (a == NULL || b == NULL)
    return 0;
  /* Field by field: no padding bytes are compared, whatever the ABI. */
  return a->Data1 == b->Data1 && a->Data2 == b->Data2 && a->Data3 == b->Data3 &&
         memcmp(a->Data4, b->Data4, sizeof a->Data4) == 0;
}

/* The area, initialized (first use from any thread: see the top). */
static com_object *com_get(ilheap *heap) {
  com_object *obj = (com_object *)ilheap__ext(heap);
  if (atomic_load_explicit(&obj->state, memory_order_acquire) != COM_READY) {
    int expected = COM_UNINIT;
    if (atomic_compare_exchange_strong_explicit(&obj->state, &expected, COM_BUSY,
                                                memory_order_acquire, memory_order_acquire)) {
      ILHEAP_RACE_POINT(ILHEAP__RACE_COM); /* a test may make another thread wait here */
      obj->iface.lpVtbl = &method_malloc_vtbl;
      atomic_store_explicit(&obj->refs, COM_BASE_REFS, memory_order_relaxed);
      atomic_store_explicit(&obj->state, COM_READY, memory_order_release);
    } else {
      /* Another thread is filling it in: a handful of stores away. */
      while (atomic_load_explicit(&obj->state, memory_order_acquire) != COM_READY)
        ilheap__yield();
    }
  }
  return obj;
}

ULONG ilheap_method_malloc_addref(ilheap *heap) {
  if (heap == NULL)
    return 0;
  com_object *obj = com_get(heap);
  uint32_t cur = atomic_load_explicit(&obj->refs, memory_order_relaxed);
  while (cur != COM_MAX_REFS) {
    if (atomic_compare_exchange_weak_explicit(&obj->refs, &cur, cur + 1u, memory_order_relaxed,
                                              memory_order_relaxed))
      return (ULONG)(cur + 1u);
  }
  return (ULONG)COM_MAX_REFS;
}

ULONG ilheap_method_malloc_release(ilheap *heap) {
  if (heap == NULL)
    return 0;
  com_object *obj = com_get(heap);
  uint32_t cur = atomic_load_explicit(&obj->refs, memory_order_relaxed);
  while (cur > COM_BASE_REFS) {
    if (atomic_compare_exchange_weak_explicit(&obj->refs, &cur, cur - 1u, memory_order_relaxed,
                                              memory_order_relaxed))
      return (ULONG)(cur - 1u);
  }
  /* Release without a matching AddRef: nothing to do, nothing is ever freed. */
  return (ULONG)COM_BASE_REFS;
}

HRESULT ilheap_method_malloc_query(ilheap *heap, const IID *riid) {
  if (heap == NULL)
    return E_POINTER;
  if (!ilheap_guid_equal(riid, &iid_unknown) && !ilheap_guid_equal(riid, &iid_method_malloc))
    return E_NOINTERFACE;
  ilheap_method_malloc_addref(heap);
  return S_OK;
}

static ULONG STDMETHODCALLTYPE method_malloc_AddRef(IMethodMalloc *This) {
  return This != NULL ? ilheap_method_malloc_addref(ilheap__from_ext(impl_from_IMethodMalloc(This)))
                      : 0;
}

static ULONG STDMETHODCALLTYPE method_malloc_Release(IMethodMalloc *This) {
  return This != NULL
             ? ilheap_method_malloc_release(ilheap__from_ext(impl_from_IMethodMalloc(This)))
             : 0;
}

static HRESULT STDMETHODCALLTYPE method_malloc_QueryInterface(IMethodMalloc *This, REFIID riid,
                                                              void **ppvObject) {
  if (ppvObject == NULL)
    return E_POINTER;
  *ppvObject = NULL;
  if (This == NULL)
    return E_POINTER;
  HRESULT hr = ilheap_method_malloc_query(ilheap__from_ext(impl_from_IMethodMalloc(This)), riid);
  /* One object, one interface: the IUnknown pointer is the same pointer, as
   * COM identity requires. */
  if (hr == S_OK)
    *ppvObject = This;
  return hr;
}

static PVOID STDMETHODCALLTYPE method_malloc_Alloc(IMethodMalloc *This, ULONG cb) {
  if (This == NULL)
    return NULL;
  /* ULONG is 32-bit on every platform (static assert above): no truncation. */
  return ilheap_alloc(ilheap__from_ext(impl_from_IMethodMalloc(This)), (uint32_t)cb);
}

static const IMethodMallocVtbl method_malloc_vtbl = {
    method_malloc_QueryInterface,
    method_malloc_AddRef,
    method_malloc_Release,
    method_malloc_Alloc,
};

IMethodMalloc *ilheap_method_malloc(ilheap *heap) {
  if (heap == NULL)
    return NULL;
  return &com_get(heap)->iface;
}

IMethodMalloc *ilheap_registry_method_malloc(ilheap_registry *reg, uintptr_t module_id,
                                             const void *module_base) {
  ilheap *heap = NULL;
  if (ilheap_registry_get(reg, module_id, module_base, &heap) != ILHEAP_OK)
    return NULL;
  return ilheap_method_malloc(heap);
}

static const void *first_word(const void *p) {
  const void *w;
  memcpy(&w, p, sizeof w);
  return w;
}

static int cxx_vtable_known(const void *vptr) {
  for (cxx_vtable *v = atomic_load_explicit(&cxx_vtables, memory_order_acquire); v != NULL;
       v = v->next)
    if (v->vptr == vptr)
      return 1;
  return 0;
}

/* Lock-free push; a vtable already listed is not listed twice (a race may list
 * it twice, which is harmless). No memory: that vtable stays unlisted until a
 * later ilheap_method_malloc_cxx lists it; meanwhile only
 * ilheap_method_malloc_heap/refcount fail to recognize its objects. */
static void cxx_vtable_note(const void *vptr) {
  if (cxx_vtable_known(vptr))
    return;
  cxx_vtable *v = ILHEAP_MALLOC(sizeof *v);
  if (v == NULL)
    return;
  v->vptr = vptr;
  v->next = atomic_load_explicit(&cxx_vtables, memory_order_relaxed);
  while (!atomic_compare_exchange_weak_explicit(&cxx_vtables, &v->next, v, memory_order_release,
                                                memory_order_relaxed)) {
  }
}

void *ilheap_method_malloc_cxx(ilheap *heap, void (*construct)(void *storage, ilheap *heap)) {
  if (heap == NULL || construct == NULL)
    return NULL;
  com_object *obj = com_get(heap);
  if (atomic_load_explicit(&obj->cxx_state, memory_order_acquire) != COM_READY) {
    int expected = COM_UNINIT;
    if (atomic_compare_exchange_strong_explicit(&obj->cxx_state, &expected, COM_BUSY,
                                                memory_order_acquire, memory_order_acquire)) {
      construct(obj->cxx.bytes, heap);
      cxx_vtable_note(first_word(obj->cxx.bytes));
      atomic_store_explicit(&obj->cxx_state, COM_READY, memory_order_release);
    } else {
      while (atomic_load_explicit(&obj->cxx_state, memory_order_acquire) != COM_READY)
        ilheap__yield();
    }
  }
  /* A note that failed for want of memory is made again: a failure does not
   * outlast the shortage (found by fuzz_faults' 30-minute campaign). */
  cxx_vtable_note(first_word(obj->cxx.bytes));
  return obj->cxx.bytes;
}

ilheap *ilheap_method_malloc_heap(IMethodMalloc *m) {
  if (m == NULL)
    return NULL;
  const void *vptr = first_word(m);
  if (vptr == (const void *)&method_malloc_vtbl)
    return ilheap__from_ext(impl_from_IMethodMalloc(m));
  if (!cxx_vtable_known(vptr))
    return NULL;
  /* Ours: the C++ object's second word is its heap (ilheap_com.h), and that
   * heap holds exactly this object. */
  ilheap *heap = (ilheap *)(uintptr_t)first_word((const char *)m + sizeof(void *));
  if (heap == NULL || (void *)((com_object *)ilheap__ext(heap))->cxx.bytes != (void *)m)
    return NULL;
  return heap;
}

ULONG ilheap_method_malloc_refcount(IMethodMalloc *m) {
  ilheap *heap = ilheap_method_malloc_heap(m);
  if (heap == NULL)
    return 0;
  return (ULONG)atomic_load_explicit(&com_get(heap)->refs, memory_order_relaxed);
}
