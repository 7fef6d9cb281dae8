/* SPDX-License-Identifier: MIT */
/*
 * ilheap_il_set_function_body (include/ilheap_il_com.h): the checker, then
 * SetILFunctionBody through slot 24 of the caller's ICorProfilerInfo.
 */
#include "ilheap_il_com.h"

#include <string.h>

/* ICorProfilerInfo as far as this file needs it: 24 slots it never calls
 * (IUnknown's 3 and GetClassFromObject ... GetILFunctionBodyAllocator), then
 * SetILFunctionBody (corprof.idl; examples/profiler/corprof_c.h asserts 24).
 * ModuleID is a UINT_PTR, mdMethodDef a 32-bit token, LPCBYTE a byte pointer. */
typedef HRESULT(STDMETHODCALLTYPE *set_body_fn)(void *self, uintptr_t module_id,
                                                uint32_t method, const uint8_t *body);
typedef struct info_vtbl {
  void (*before[24])(void);
  set_body_fn SetILFunctionBody;
} info_vtbl;
typedef struct info_object {
  const info_vtbl *lpVtbl;
} info_object;
_Static_assert(offsetof(info_vtbl, SetILFunctionBody) == 24 * sizeof(void (*)(void)), "slot 24");

static HRESULT refuse(ilheap_il_verdict *v, int result, int answer, HRESULT hr) {
  memset(v, 0, sizeof *v);
  v->clause = ILHEAP_IL_NO_CLAUSE;
  v->result = result;
  v->answer = answer;
  return hr;
}

HRESULT ilheap_il_set_function_body(void *profiler_info, uintptr_t module_id,
                                    uint32_t method_token, const void *body, size_t readable,
                                    const ilheap *heap, uint32_t flags,
                                    const ilheap_il_verify_options *o, ilheap_il_verdict *v) {
  ilheap_il_verdict local;
  if (!v)
    v = &local;
  if (!profiler_info || !body)
    return refuse(v, ILHEAP_IL_VERDICT_NOT_CHECKED, ILHEAP_IL_EBADARG, E_POINTER);
  if (flags & ~(uint32_t)ILHEAP_IL_SET_FULL)
    return refuse(v, ILHEAP_IL_VERDICT_NOT_CHECKED, ILHEAP_IL_EBADARG, E_INVALIDARG);
  if (heap && ilheap_window_policy(heap) == ILHEAP_WINDOW_REQUIRED) {
    int r = ilheap_il_check_in_module(body, readable, ilheap_module_base(heap),
                                      ilheap_max_offset(heap), NULL);
    if (r != ILHEAP_IL_OK)
      return refuse(v, ILHEAP_IL_VERDICT_ERROR, r, ILHEAP_E_IL_REFUSED);
  }
  int r = ilheap_il_verify(body, readable, o, v);
  if (r == ILHEAP_IL_ENOMEM)
    return E_OUTOFMEMORY;
  if (r != ILHEAP_IL_OK ||
      (v->result == ILHEAP_IL_VERDICT_PARTIAL && (flags & ILHEAP_IL_SET_FULL)))
    return ILHEAP_E_IL_REFUSED;
  const info_object *info = profiler_info;
  return info->lpVtbl->SetILFunctionBody(profiler_info, module_id, method_token, body);
}
