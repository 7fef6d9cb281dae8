/* SPDX-License-Identifier: MIT */
/* The Linux side of support/proc.h: /proc/self, getrusage, posix_spawn. */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

uint64_t sup_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t sup_thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int sup_cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

size_t sup_map_unit(void) { return (size_t)sysconf(_SC_PAGESIZE); }

void *sup_map_anon(size_t len, int writable) {
  void *p = mmap(NULL, len, writable ? PROT_READ | PROT_WRITE : PROT_READ,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    perror("mmap");
    return NULL;
  }
  return p;
}

int sup_map_crowd(uintptr_t *out, size_t n) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  for (size_t i = 0; i < n; i++) {
    void *p = mmap(NULL, page, (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      fprintf(stderr, "crowd mapping %zu of %zu: %s (vm.max_map_count?)\n", i, n, strerror(errno));
      return -1;
    }
    out[i] = (uintptr_t)p;
  }
  return 0;
}

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000 /* Linux 4.17 */
#endif

int sup_map_crowd_holed(uintptr_t *out, size_t n) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE), stride = 3 * page;
  if (n == 0) {
    return 0;
  }
  /* Room for all of it, given back, then one page in every three. */
  char *base = mmap(NULL, n * stride, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED || munmap(base, n * stride) != 0) {
    fprintf(stderr, "holed crowd of %zu: %s\n", n, strerror(errno));
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    char *want = base + i * stride;
    void *p = mmap(want, page, (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != want) {
      fprintf(stderr, "holed crowd mapping %zu of %zu: %s\n", i, n,
              p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
      return -1;
    }
    out[i] = (uintptr_t)p;
  }
  return 0;
}

int sup_footprint_read(sup_footprint *out) {
  FILE *f = fopen("/proc/self/statm", "r");
  if (f == NULL) {
    return -1;
  }
  char line[128];
  int ok = fgets(line, sizeof line, f) != NULL;
  fclose(f);
  /* "size resident shared ..." in pages */
  char *end = line;
  unsigned long long size = ok ? strtoull(line, &end, 10) : 0;
  ok = ok && end != line;
  char *rest = end;
  unsigned long long resident = ok ? strtoull(rest, &end, 10) : 0;
  if (!ok || end == rest) {
    return -1;
  }
  uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  out->address_space = size * page;
  out->resident = resident * page;
  out->faults = (uint64_t)ru.ru_minflt;
  return 0;
}

int sup_self_dir(char *out, size_t cap) {
  if (cap < 2) {
    return -1;
  }
  ssize_t n = readlink("/proc/self/exe", out, cap - 1);
  if (n <= 0 || (size_t)n >= cap - 1) {
    return -1;
  }
  out[n] = '\0';
  char *slash = strrchr(out, '/');
  if (slash != NULL) {
    *slash = '\0';
  }
  return 0;
}

int sup_can_run(const char *path) { return access(path, X_OK) == 0; }

static size_t read_fd(void *src, char *buf, size_t cap) {
  for (;;) {
    ssize_t got = read(*(int *)src, buf, cap);
    if (got >= 0) {
      return (size_t)got;
    }
    if (errno != EINTR) {
      return 0;
    }
  }
}

int sup_run_capture(const char *path, const char *const argv[], const char *extra_env,
                    char **out) {
  int fds[2];
  *out = NULL;
  if (pipe(fds) != 0) {
    return -1;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  size_t ne = 0;
  while (environ[ne] != NULL) {
    ne++;
  }
  char **envp = calloc(ne + 2, sizeof *envp);
  if (envp == NULL) {
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  memcpy(envp, environ, ne * sizeof *envp);
  envp[ne] = (char *)extra_env; /* NULL ends the list anyway */
  pid_t pid;
  /* posix_spawn does not write to the strings; its prototype predates const. */
  int err = posix_spawn(&pid, path, &fa, NULL, (char *const *)argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  free(envp);
  close(fds[1]);
  if (err != 0) {
    close(fds[0]);
    fprintf(stderr, "cannot start %s: %s\n", path, strerror(err));
    return -1;
  }
  char *buf = sup__read_all(read_fd, &fds[0]);
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (buf == NULL) {
    return -1;
  }
  *out = buf;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
