/* SPDX-License-Identifier: MIT */
/*
 * No address-space provider for this OS yet: ilheap_os_provider() answers NULL
 * (documented in include/ilheap.h), so ilheap_create without a provider of the
 * caller's answers ILHEAP_EINVAL. The simulated provider works everywhere.
 * A new OS gets its provider as src/os/provider_<os>.c, beside the others.
 */
#include "ilheap.h"

const ilheap_provider *ilheap_os_provider(void) { return NULL; }
