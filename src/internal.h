/* Internal interfaces between the core and its adapters. Not installed. */
#ifndef ILHEAP_INTERNAL_H
#define ILHEAP_INTERNAL_H

#include "ilheap.h"

/*
 * Adapter area: ILHEAP_EXT_SIZE bytes inside every heap, aligned for any
 * pointer or 64-bit atomic, zero-filled at ilheap_create and alive exactly as
 * long as the heap. The core never reads or writes it; an adapter (the COM
 * object of src/com.c) lives there, so that it needs no allocation of its own
 * and dies with the heap.
 */
#define ILHEAP_EXT_SIZE 64
void *ilheap__ext(ilheap *heap);
ilheap *ilheap__from_ext(void *ext);

/*
 * Checks *opts as ilheap_create does (NULL: the defaults) and, when resolved is
 * not NULL, stores the full-size options it stands for (an older caller's
 * smaller struct completed with defaults). Returns 0, ILHEAP_EINVAL or
 * ILHEAP_EVERSION, with ilheap_create's meaning. Reserves and allocates nothing.
 */
int ilheap__options_check(const ilheap_options *opts, ilheap_options *resolved);

#endif
