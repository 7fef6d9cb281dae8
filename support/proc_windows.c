/* SPDX-License-Identifier: MIT */
/* The Windows side of support/proc.h: QueryPerformanceCounter, VirtualAlloc,
 * VirtualQuery, K32GetProcessMemoryInfo, CreateProcess with a pipe. */
#ifndef PSAPI_VERSION
#define PSAPI_VERSION 2 /* GetProcessMemoryInfo is kernel32's K32GetProcessMemoryInfo */
#endif
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
/* after windows.h */
#include <psapi.h>

uint64_t sup_now_ns(void) {
  static LARGE_INTEGER freq;
  LARGE_INTEGER t;
  if (freq.QuadPart == 0) {
    QueryPerformanceFrequency(&freq);
  }
  QueryPerformanceCounter(&t);
  /* Whole seconds and the rest apart: no overflow for centuries of uptime. */
  uint64_t f = (uint64_t)freq.QuadPart, c = (uint64_t)t.QuadPart;
  return c / f * 1000000000u + c % f * 1000000000u / f;
}

uint64_t sup_thread_cpu_ns(void) {
  FILETIME created, exited, kernel, user;
  if (!GetThreadTimes(GetCurrentThread(), &created, &exited, &kernel, &user)) {
    return 0;
  }
  /* 100 ns units. */
  uint64_t k = ((uint64_t)kernel.dwHighDateTime << 32) | kernel.dwLowDateTime;
  uint64_t u = ((uint64_t)user.dwHighDateTime << 32) | user.dwLowDateTime;
  return (k + u) * 100u;
}

int sup_cpu_count(void) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  return si.dwNumberOfProcessors > 0 ? (int)si.dwNumberOfProcessors : 1;
}

size_t sup_map_unit(void) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  return si.dwAllocationGranularity;
}

void *sup_map_anon(size_t len, int writable) {
  void *p = VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT,
                         writable ? PAGE_READWRITE : PAGE_READONLY);
  if (p == NULL) {
    fprintf(stderr, "VirtualAlloc(%zu bytes): error %lu\n", len, (unsigned long)GetLastError());
  }
  return p;
}

int sup_map_crowd(uintptr_t *out, size_t n) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  size_t page = si.dwPageSize;
  char *base = n > 0 ? VirtualAlloc(NULL, n * page, MEM_RESERVE, PAGE_NOACCESS) : NULL;
  if (n > 0 && base == NULL) {
    fprintf(stderr, "VirtualAlloc(%zu bytes): error %lu\n", n * page, (unsigned long)GetLastError());
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    char *p = base + i * page;
    if (VirtualAlloc(p, page, MEM_COMMIT, (i & 1) ? PAGE_READONLY : PAGE_READWRITE) != p) {
      fprintf(stderr, "crowd page %zu of %zu: error %lu\n", i, n, (unsigned long)GetLastError());
      return -1;
    }
    out[i] = (uintptr_t)p;
  }
  return 0;
}

int sup_map_crowd_holed(uintptr_t *out, size_t n) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  size_t page = si.dwPageSize, stride = 2 * (size_t)si.dwAllocationGranularity;
  /* By blocks of 256 regions (32 MiB): a 32-bit process has no free stretch
   * for thousands at once. Each block's room is found, given back, and taken
   * one page in every other granule. */
  for (size_t done = 0; done < n;) {
    size_t k = n - done < 256 ? n - done : 256;
    char *base = VirtualAlloc(NULL, k * stride, MEM_RESERVE, PAGE_NOACCESS);
    if (base == NULL || !VirtualFree(base, 0, MEM_RELEASE)) {
      fprintf(stderr, "holed crowd: no room for regions %zu-%zu of %zu: error %lu\n", done,
              done + k, n, (unsigned long)GetLastError());
      return -1;
    }
    for (size_t i = 0; i < k; i++, done++) {
      char *want = base + i * stride;
      void *p = VirtualAlloc(want, page, MEM_RESERVE | MEM_COMMIT,
                             (done & 1) ? PAGE_READONLY : PAGE_READWRITE);
      if (p != want) {
        fprintf(stderr, "holed crowd region %zu of %zu: error %lu\n", done, n,
                (unsigned long)GetLastError());
        return -1;
      }
      out[done] = (uintptr_t)p;
    }
  }
  return 0;
}

int sup_footprint_read(sup_footprint *out) {
  PROCESS_MEMORY_COUNTERS pmc;
  if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc)) {
    return -1;
  }
  /* Address space: every region that is not free (reserved or committed). */
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  uint64_t used = 0;
  for (uintptr_t a = (uintptr_t)si.lpMinimumApplicationAddress;
       a < (uintptr_t)si.lpMaximumApplicationAddress;) {
    MEMORY_BASIC_INFORMATION mbi;
    if (VirtualQuery((LPCVOID)a, &mbi, sizeof mbi) != sizeof mbi) {
      return -1;
    }
    uintptr_t end = (uintptr_t)mbi.BaseAddress + mbi.RegionSize;
    if (end <= a) {
      return -1;
    }
    if (mbi.State != MEM_FREE) {
      used += end - a;
    }
    a = end;
  }
  out->address_space = used;
  out->resident = pmc.WorkingSetSize;
  out->faults = pmc.PageFaultCount;
  return 0;
}

int sup_self_dir(char *out, size_t cap) {
  if (cap < 2 || cap > 0x7fffffff) {
    return -1;
  }
  DWORD n = GetModuleFileNameA(NULL, out, (DWORD)cap);
  if (n == 0 || n >= cap) {
    return -1;
  }
  char *slash = strrchr(out, '\\'), *fwd = strrchr(out, '/');
  if (fwd != NULL && (slash == NULL || fwd > slash)) {
    slash = fwd;
  }
  if (slash != NULL) {
    *slash = '\0';
  }
  return 0;
}

int sup_can_run(const char *path) {
  DWORD a = GetFileAttributesA(path);
  return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY) == 0;
}

/* The command line of argv: each argument quoted (the benchmarks pass no
 * quotes or backslashes before quotes, so no escaping is needed). */
static char *command_line(const char *const argv[]) {
  size_t len = 1;
  for (size_t i = 0; argv[i] != NULL; i++) {
    if (strchr(argv[i], '"') != NULL) {
      return NULL;
    }
    len += strlen(argv[i]) + 3;
  }
  char *cmd = malloc(len), *at = cmd;
  if (cmd == NULL) {
    return NULL;
  }
  for (size_t i = 0; argv[i] != NULL; i++) {
    at += sprintf(at, "%s\"%s\"", i > 0 ? " " : "", argv[i]);
  }
  *at = '\0';
  return cmd;
}

static size_t read_pipe(void *src, char *buf, size_t cap) {
  DWORD got = 0;
  if (cap > 0x7fffffff) {
    cap = 0x7fffffff;
  }
  return ReadFile((HANDLE)src, buf, (DWORD)cap, &got, NULL) ? got : 0;
}

int sup_run_capture(const char *path, const char *const argv[], const char *extra_env,
                    char **out) {
  *out = NULL;
  char *cmd = command_line(argv);
  if (cmd == NULL) {
    return -1;
  }
  SECURITY_ATTRIBUTES sa = {.nLength = sizeof sa, .bInheritHandle = TRUE};
  HANDLE rd, wr;
  if (!CreatePipe(&rd, &wr, &sa, 0)) {
    free(cmd);
    return -1;
  }
  (void)SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0); /* the child gets the write end only */
  /* The extra variable: set in this process, inherited, then removed again. */
  char name[64] = "";
  const char *eq = extra_env != NULL ? strchr(extra_env, '=') : NULL;
  if (eq != NULL && (size_t)(eq - extra_env) < sizeof name) {
    memcpy(name, extra_env, (size_t)(eq - extra_env));
    name[eq - extra_env] = '\0';
    (void)SetEnvironmentVariableA(name, eq + 1);
  }
  STARTUPINFOA si = {.cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES};
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = wr;
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  PROCESS_INFORMATION pi;
  BOOL started = CreateProcessA(path, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
  DWORD why = started ? 0 : GetLastError();
  if (name[0] != '\0') {
    (void)SetEnvironmentVariableA(name, NULL);
  }
  free(cmd);
  CloseHandle(wr);
  if (!started) {
    CloseHandle(rd);
    fprintf(stderr, "cannot start %s: error %lu\n", path, (unsigned long)why);
    return -1;
  }
  char *buf = sup__read_all(read_pipe, rd);
  CloseHandle(rd);
  DWORD code = 0;
  WaitForSingleObject(pi.hProcess, INFINITE);
  BOOL ok = GetExitCodeProcess(pi.hProcess, &code);
  CloseHandle(pi.hProcess);
  CloseHandle(pi.hThread);
  if (buf == NULL) {
    return -1;
  }
  *out = buf;
  return ok && code < 256 ? (int)code : -1;
}
