// SPDX-License-Identifier: MIT
/* A client with its own minimal C++ declaration of the interfaces (no
 * ilheap, PAL or corprof header): what a profiler that declares the profiling
 * API itself compiles against. */
#include "client.h"

typedef int HRESULT;
/* COM's calling convention: __stdcall on Windows (it matters on x86), the
 * default elsewhere. */
#if defined(_WIN32)
#define CLIENT_CALL __stdcall
#else
#define CLIENT_CALL
#endif
struct IID {
  uint32_t Data1;
  uint16_t Data2, Data3;
  uint8_t Data4[8];
};

struct IUnknown {
  virtual HRESULT CLIENT_CALL QueryInterface(const IID &riid, void **ppvObject) = 0;
  virtual unsigned CLIENT_CALL AddRef() = 0;
  virtual unsigned CLIENT_CALL Release() = 0;
};
struct IMethodMalloc : public IUnknown {
  virtual void *CLIENT_CALL Alloc(unsigned cb) = 0;
};

static const IID client_iid_unknown = {
    0x00000000u, 0x0000u, 0x0000u, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
static const IID client_iid_method_malloc = {
    0xA0EFB28Bu, 0x6EE2u, 0x4D7Bu, {0xB9, 0x83, 0xA7, 0x5E, 0xF7, 0xBE, 0xED, 0xB8}};
static const IID client_iid_other = {
    0x12345678u, 0x9ABCu, 0xDEF0u, {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}};

#define CLIENT_RUN client_own_run
#include "client_common.h"
