/* SPDX-License-Identifier: MIT */
/* IID_IUnknown, alone in its file so that a static link takes it only when
 * nothing else defined it (see internal.h). Not on Windows, where it is the
 * SDK's (the uuid library, CMakeLists.txt). */
#include "ilheap_com.h"
#include "internal.h"

ILHEAP_API ILHEAP__IID_MERGEABLE const IID IID_IUnknown = ILHEAP__IID_IUNKNOWN_INIT;
