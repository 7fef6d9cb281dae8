// SPDX-License-Identifier: MIT
/* A client compiled against a corprof.h-shaped declaration (the PAL's types,
 * MIDL's abstract classes: tests/com_fake_corprof.h), as dd-trace's
 * il_rewriter.cpp is. No ilheap header. */
#include "client.h"

#include "com_fake_corprof.h"

static const IID client_iid_unknown = {
    0x00000000u, 0x0000u, 0x0000u, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
static const IID client_iid_method_malloc = {
    0xA0EFB28Bu, 0x6EE2u, 0x4D7Bu, {0xB9, 0x83, 0xA7, 0x5E, 0xF7, 0xBE, 0xED, 0xB8}};
static const IID client_iid_other = {
    0x12345678u, 0x9ABCu, 0xDEF0u, {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}};

#define CLIENT_RUN client_corprof_run
#include "client_common.h"
