/* SPDX-License-Identifier: MIT */
/*
 * ilheap_il_com: a checked ICorProfilerInfo::SetILFunctionBody.
 *
 * The runtime checks nothing before the JIT (CoreCLR keeps the pointer; a bad
 * body is an InvalidProgramException at the first call, far from its cause).
 * This helper checks the body first, the way the runtime will read it, and
 * calls the runtime only when the body passes:
 *
 *   hr = ilheap_il_set_function_body(info, moduleId, methodDef, body, size,
 *                                    heap, 0, &opts, &verdict);
 *   if (hr == ILHEAP_E_IL_REFUSED)
 *     log("%s at IL_%04x (V%u, %s)", ilheap_il_strerror(verdict.answer),
 *         verdict.offset, verdict.check, ilheap_il_check_section(verdict.check));
 *
 * It lives in the library beside the checker (not in a sample) because every
 * profiler that writes bodies needs it, and the COM adapter already gives the
 * calling convention (STDMETHODCALLTYPE) and HRESULT of each platform. It knows
 * ICorProfilerInfo only as "slot 24 of the vtable is SetILFunctionBody", true of
 * every ICorProfilerInfo version (ICorProfilerInfo2-15 extend the first one),
 * so any version's pointer may be passed.
 */
#ifndef ILHEAP_IL_COM_H
#define ILHEAP_IL_COM_H

#include <stddef.h>
#include <stdint.h>

#include "ilheap.h"
#include "ilheap_com.h"
#include "ilheap_il_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The body failed a check (the verdict says which): the runtime was not
 * called. FACILITY_ITF, an interface-defined code. */
#define ILHEAP_E_IL_REFUSED ((HRESULT)0x8004A101L)

/* Flags: refuse a PARTIAL verdict too (some checks could not be done for want
 * of signatures). */
#define ILHEAP_IL_SET_FULL 0x1u

/*
 * Checks the body at `body` (of which `readable` bytes may be read) and, only
 * if it passes, calls SetILFunctionBody(module_id, method_token, body) through
 * slot 24 of profiler_info's vtable.
 *  - The window rule first, when heap is not NULL and its policy is
 *    ILHEAP_WINDOW_REQUIRED (.NET Framework derives an RVA from the body):
 *    ilheap_il_check_in_module with the heap's base and window.
 *  - Then ilheap_il_verify(body, readable, o, v): layout and V1-V19.
 * Returns:
 *   the runtime's HRESULT when the body passed (OK, or PARTIAL without
 *     ILHEAP_IL_SET_FULL);
 *   ILHEAP_E_IL_REFUSED when it did not: *v holds the answer (a window answer,
 *     ILHEAP_IL_ENOT_ABOVE_BASE or ILHEAP_IL_EOUTSIDE_WINDOW, or a layout
 *     answer, has check 0), or it was PARTIAL and ILHEAP_IL_SET_FULL is set;
 *   E_POINTER for profiler_info or body NULL, E_INVALIDARG for unknown flags
 *     (v: NOT_CHECKED, ILHEAP_IL_EBADARG);
 *   E_OUTOFMEMORY when the checker had no working memory (v: NOT_CHECKED,
 *     ILHEAP_IL_ENOMEM).
 * The runtime is never called unless the answer is the runtime's. v may be
 * NULL. Thread-safe as ilheap_il_verify is.
 */
ILHEAP_API HRESULT ilheap_il_set_function_body(void *profiler_info, uintptr_t module_id,
                                               uint32_t method_token, const void *body,
                                               size_t readable, const ilheap *heap, uint32_t flags,
                                               const ilheap_il_verify_options *o,
                                               ilheap_il_verdict *v);

#ifdef __cplusplus
}
#endif

#endif /* ILHEAP_IL_COM_H */
