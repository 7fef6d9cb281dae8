/* SPDX-License-Identifier: MIT */
/*
 * The C++ client test's contract between the host (main.cpp, which includes
 * ilheap_com.h) and the clients (client_own.cpp, client_corprof.cpp), which
 * include no ilheap header: each sees IMethodMalloc only through its own C++
 * declaration, as a third-party IL rewriter does, and receives the object as
 * an untyped pointer.
 */
#ifndef CPP_CLIENT_H
#define CPP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

struct client_report {
  int failures;        /* checks that failed inside the client */
  void *blocks[3];     /* Alloc(100), Alloc(1), Alloc(4000) */
  unsigned addref;     /* what AddRef returned */
  unsigned release;    /* what the matching Release returned */
  char type_name[128]; /* typeid(*m).name(): the object's dynamic type */
};

/* Each runs the calls an IL rewriter makes (QueryInterface, AddRef, Release,
 * Alloc, and the unbalanced Release of dd-trace's destructor) as virtual calls
 * on obj through its own declaration, and reports. */
void client_own_run(void *obj, client_report *out);
void client_corprof_run(void *obj, client_report *out);

#endif
