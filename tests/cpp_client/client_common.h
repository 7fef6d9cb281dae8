/* SPDX-License-Identifier: MIT */
/*
 * The body of a client, included by each client after its own declaration of
 * IUnknown/IMethodMalloc/IID (so the same calls are compiled against each
 * declaration). Needs: CLIENT_IID (a struct with the GUID layout), IID values
 * client_iid_unknown, client_iid_method_malloc, client_iid_other, and the
 * function name CLIENT_RUN.
 */
#include <cstdio>
#include <cstring>
#include <typeinfo>

#define CLIENT_CHECK(cond)                                                                         \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      std::fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #cond);                       \
      out->failures++;                                                                             \
    }                                                                                              \
  } while (0)

void CLIENT_RUN(void *obj, client_report *out) {
  std::memset(out, 0, sizeof *out);
  IMethodMalloc *m = static_cast<IMethodMalloc *>(obj);
  /* A real dynamic type with RTTI: what UBSan's vptr check reads. */
  std::snprintf(out->type_name, sizeof out->type_name, "%s", typeid(*m).name());

  void *p = nullptr;
  CLIENT_CHECK(m->QueryInterface(client_iid_method_malloc, &p) == 0 && p == m);
  m->Release();
  p = nullptr;
  CLIENT_CHECK(m->QueryInterface(client_iid_unknown, &p) == 0 && p == static_cast<IUnknown *>(m));
  static_cast<IUnknown *>(p)->Release();
  p = m;
  CLIENT_CHECK(m->QueryInterface(client_iid_other, &p) == (HRESULT)0x80004002L && p == nullptr);
  CLIENT_CHECK(m->QueryInterface(client_iid_other, nullptr) == (HRESULT)0x80004003L);

  out->addref = m->AddRef();
  out->release = m->Release();

  CLIENT_CHECK(m->Alloc(0) == nullptr);
  static const unsigned sizes[3] = {100, 1, 4000};
  for (int i = 0; i < 3; i++) {
    unsigned char *b = static_cast<unsigned char *>(m->Alloc(sizes[i]));
    out->blocks[i] = b;
    CLIENT_CHECK(b != nullptr);
    if (b == nullptr)
      continue;
    for (unsigned k = 0; k < sizes[i]; k++)
      CLIENT_CHECK(b[k] == 0);
    std::memset(b, 0x2A, sizes[i]); /* write the whole body */
  }
  /* dd-trace's ILRewriter destructor: one Release on an allocator nobody
   * AddRef'd for it. */
  m->Release();
}
