/* SPDX-License-Identifier: MIT */
/* The C side of the IID link tests: the program's IIDs (whichever definition
 * the linker took) are the right bytes, and ilheap's QueryInterface answers them. */
#include <ilheap.h>
#include <ilheap_com.h>

#include <stdio.h>
#include <string.h>

static const unsigned char unknown_bytes[16] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
static const unsigned char method_malloc_bytes[16] = {0x8B, 0xB2, 0xEF, 0xA0, 0xE2, 0x6E, 0x7B, 0x4D,
                                                      0xB9, 0x83, 0xA7, 0x5E, 0xF7, 0xBE, 0xED, 0xB8};

int main(void) {
  int failures = 0;
  ilheap *heap = NULL;
  if (ilheap_create(NULL, NULL, &heap) != ILHEAP_OK)
    return 2;
  IMethodMalloc *m = ilheap_method_malloc(heap);
  const IID *iids[2] = {&IID_IUnknown, &IID_IMethodMalloc};
  const unsigned char *want[2] = {unknown_bytes, method_malloc_bytes};
  for (int i = 0; i < 2; i++) {
    void *p = NULL;
    if (memcmp(iids[i], want[i], 16) != 0) {
      fprintf(stderr, "IID %d: wrong bytes\n", i);
      failures++;
    }
    if (m->lpVtbl->QueryInterface(m, iids[i], &p) != S_OK || p != (void *)m) {
      fprintf(stderr, "QueryInterface(IID %d) failed\n", i);
      failures++;
    }
  }
  ilheap_destroy(heap);
  printf("IID links: %s\n", failures ? "FAILED" : "ok");
  return failures != 0;
}
