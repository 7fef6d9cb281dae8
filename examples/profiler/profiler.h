/* SPDX-License-Identifier: MIT */
/* The sample profiler's entry points (profiler.c). */
#ifndef ILHEAP_SAMPLE_PROFILER_H
#define ILHEAP_SAMPLE_PROFILER_H

#include "corprof_c.h"

/* The CLSID to put in CORECLR_PROFILER. */
#define ILHEAP_SAMPLE_PROFILER_CLSID_STRING "{1BA6DB91-C0B5-4A2E-BF65-004C550AAC0E}"
extern const GUID CLSID_IlheapSampleProfiler;

/* What the runtime calls first: the class factory for rclsid, as riid
 * (IID_IClassFactory or IID_IUnknown). */
#if defined(__GNUC__) && !defined(_WIN32) /* Windows: profiler.def exports it */
__attribute__((visibility("default")))
#endif
HRESULT STDMETHODCALLTYPE
DllGetClassObject(REFIID rclsid, REFIID riid, void **ppv);

/* The callback vtable, for the self-test. */
const ICorProfilerCallback2Vtbl *ilheap_sample_callback_vtbl(void);

#endif
