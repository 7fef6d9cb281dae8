/* SPDX-License-Identifier: MIT */
/*
 * Standalone driver for the fuzz targets: runs files (or every file of a
 * directory) through LLVMFuzzerTestOneInput, without libFuzzer. It builds with
 * any C compiler, so CTest replays the corpus under whatever compiler and
 * sanitizers the build uses.
 *
 * Each input is copied into a malloc of exactly its size, so a target that
 * reads past the end of its input trips AddressSanitizer here as it would
 * under libFuzzer. Files of a directory run in name order, so a failure
 * reproduces in the same order everywhere.
 *
 * An input that runs longer than ILHEAP_REPLAY_TIMEOUT seconds (environment;
 * default 20, 0: no limit) is a hang: the driver names it and exits 3 instead
 * of waiting for CTest's timeout.
 *
 *   usage: <target>_replay FILE|DIR...
 * Exit status: 0 when every input ran (a finding aborts the process), 1 when an
 * argument could not be read, 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup, dirent */
#endif
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#if defined(_WIN32)
#include <windows.h>
#endif
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned timeout_s = 20;
static char current[512]; /* the input running now, for the hang report */

static void on_alarm(int sig) {
  static const char head[] = "replay: HANG: this input ran past ILHEAP_REPLAY_TIMEOUT: ";
  (void)sig;
  /* Only async-signal-safe calls here. */
  (void)!write(2, head, sizeof head - 1);
  (void)!write(2, current, strlen(current));
  (void)!write(2, "\n", 1);
  _exit(3);
}

/* One watchdog per input: alarm() on POSIX; on Windows, which has no SIGALRM, a
 * one-shot timer-queue timer that reports the same way. */
#if defined(_WIN32)
static HANDLE watchdog;
static VOID CALLBACK on_timer(PVOID arg, BOOLEAN fired) {
  (void)arg;
  (void)fired;
  on_alarm(0);
}
static void watchdog_arm(unsigned seconds) {
  if (watchdog != NULL) {
    (void)DeleteTimerQueueTimer(NULL, watchdog, NULL);
    watchdog = NULL;
  }
  if (seconds != 0 && !CreateTimerQueueTimer(&watchdog, NULL, on_timer, NULL, seconds * 1000u, 0,
                                             WT_EXECUTEONLYONCE))
    watchdog = NULL; /* no watchdog: CTest's own timeout still ends a hang */
}
static void watchdog_install(void) {}
#else
static void watchdog_arm(unsigned seconds) { (void)alarm(seconds); }
static void watchdog_install(void) { (void)signal(SIGALRM, on_alarm); }
#endif

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (fseek(f, 0, SEEK_END) != 0) {
    fprintf(stderr, "replay: cannot seek %s\n", path);
    fclose(f);
    return -1;
  }
  long len = ftell(f);
  if (len < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fprintf(stderr, "replay: cannot size %s\n", path);
    fclose(f);
    return -1;
  }
  size_t size = (size_t)len;
  /* malloc(0) may return NULL; an empty input is still an input. */
  uint8_t *buf = malloc(size ? size : 1);
  if (!buf) {
    fprintf(stderr, "replay: out of memory for %s (%zu bytes)\n", path, size);
    fclose(f);
    return -1;
  }
  if (size && fread(buf, 1, size, f) != size) {
    fprintf(stderr, "replay: short read on %s\n", path);
    free(buf);
    fclose(f);
    return -1;
  }
  fclose(f);
  /* Printed before the run so that a crash names its input. */
  fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
  snprintf(current, sizeof current, "%s", path);
  watchdog_arm(timeout_s);
  LLVMFuzzerTestOneInput(buf, size);
  watchdog_arm(0);
  free(buf);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned *count) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: cannot open directory %s: %s\n", dir, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') {
      continue; /* ".", ".." and hidden files (editor state) are not inputs */
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown) {
        rc = -1;
        break;
      }
      names = grown;
    }
    names[n] = strdup(e->d_name);
    if (!names[n]) {
      rc = -1;
      break;
    }
    n++;
  }
  closedir(d);
  if (rc == 0 && n > 1) {
    qsort(names, n, sizeof *names, by_name);
  }
  for (size_t i = 0; i < n && rc == 0; i++) {
    size_t plen = strlen(dir) + strlen(names[i]) + 2;
    char *path = malloc(plen);
    if (!path) {
      rc = -1;
      break;
    }
    snprintf(path, plen, "%s/%s", dir, names[i]);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
      if (run_file(path) != 0) {
        rc = -1;
      } else {
        (*count)++;
      }
    }
    free(path);
  }
  for (size_t i = 0; i < n; i++) {
    free(names[i]);
  }
  free(names);
  if (rc != 0) {
    fprintf(stderr, "replay: failed while reading %s\n", dir);
  }
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
    return 2;
  }
  unsigned count = 0;
  int failed = 0;
  const char *t = getenv("ILHEAP_REPLAY_TIMEOUT");
  if (t != NULL && *t != 0)
    timeout_s = (unsigned)strtoul(t, NULL, 10);
  watchdog_install();
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      failed = 1;
    } else if (S_ISDIR(st.st_mode)) {
      failed |= run_dir(argv[i], &count) != 0;
    } else {
      if (run_file(argv[i]) == 0) {
        count++;
      } else {
        failed = 1;
      }
    }
  }
  fprintf(stderr, "replay: %u input(s) ran%s\n", count, failed ? ", some could not be read" : "");
  /* An empty corpus directory means the seeds went missing: that is a failure,
   * not a pass with nothing tested. */
  if (count == 0) {
    fprintf(stderr, "replay: no input found\n");
    return 1;
  }
  return failed ? 1 : 0;
}
