// SPDX-License-Identifier: MIT
// The IIDs of corprof.idl, defined as MIDL's generated corprof_i.cpp defines
// them: on Windows `extern "C" __declspec(selectany) const IID`, with IID from
// the SDK's guiddef.h; under the CoreCLR PAL, plain `const IID` definitions.
// (A stand-in: the real file defines every interface of corprof.idl.)
#if defined(_WIN32)
#include <windows.h>
#define MIDL_DEFINE_GUID(type, name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)                  \
  extern "C" __declspec(selectany) const type name = {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#else
struct iid_like { // the PAL's GUID
  unsigned int Data1;
  unsigned short Data2, Data3;
  unsigned char Data4[8];
};
typedef iid_like IID;
#define MIDL_DEFINE_GUID(type, name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)                  \
  extern "C" const type name = {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#endif

MIDL_DEFINE_GUID(IID, IID_ICorProfilerCallback, 0x176FBED1, 0xA55C, 0x4796, 0x98, 0xCA, 0xA9, 0xDA,
                 0x0E, 0xF8, 0x83, 0xE7);
MIDL_DEFINE_GUID(IID, IID_IMethodMalloc, 0xA0EFB28B, 0x6EE2, 0x4D7B, 0xB9, 0x83, 0xA7, 0x5E, 0xF7,
                 0xBE, 0xED, 0xB8);
