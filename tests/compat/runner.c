/* SPDX-License-Identifier: MIT */
/*
 * The runner of the Criterion stand-in (tests/compat/criterion/criterion.h says
 * what it provides). Each test runs in a process of its own, like Criterion's:
 * on POSIX a fork; on Windows, which has no fork, this program again with
 * "--single suite/name". The child's exit status is the verdict:
 * 0 passed, CRC_EXIT_FAILED a failed check, CRC_EXIT_SKIPPED a skip; anything
 * else is the test's own exit code (checked against .exit_code) or a crash
 * (a signal on POSIX, an exception code on Windows, checked against .signal).
 */
#include "criterion/criterion.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/wait.h>
#include <unistd.h>
#endif

#define CRC_EXIT_FAILED 97
#define CRC_EXIT_SKIPPED 98

static crc_test *crc_tests;
static size_t crc_count;
static int crc_verbose;
static int crc_in_process; /* --no-fork: fatal checks and skips longjmp back */
static jmp_buf crc_jump;
static int crc_soft_failed;
static const crc_test *crc_current;

void crc_register(crc_test *t) {
  t->next = crc_tests;
  crc_tests = t;
  crc_count++;
}

static void crc_vreport(const char *file, int line, const char *expr, const char *fmt,
                        va_list ap) {
  fprintf(stderr, "[----] %s:%d: Assertion Failed\n[----]   %s\n", file, line, expr);
  fmt++; /* the macros' leading space */
  if (fmt[0] != '\0') {
    fprintf(stderr, "[----]   ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
  }
  fflush(stderr);
}

/* Ends the current test with a verdict: the child's exit status, or a jump
 * back to the in-process runner. */
__attribute__((noreturn)) static void crc_end_test(int verdict) {
  if (crc_current && crc_current->opts.fini && verdict != CRC_EXIT_SKIPPED)
    crc_current->opts.fini();
  fflush(stdout);
  fflush(stderr);
  if (crc_in_process)
    longjmp(crc_jump, verdict);
  exit(verdict);
}

void crc_fail_fatal(const char *file, int line, const char *expr, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  crc_vreport(file, line, expr, fmt, ap);
  va_end(ap);
  crc_end_test(CRC_EXIT_FAILED);
}

void crc_fail_soft(const char *file, int line, const char *expr, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  crc_vreport(file, line, expr, fmt, ap);
  va_end(ap);
  crc_soft_failed = 1;
}

void crc_skip(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "[SKIP] %s::%s:", crc_current ? crc_current->suite : "?",
          crc_current ? crc_current->name : "?");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  crc_end_test(CRC_EXIT_SKIPPED);
}

void crc_log(const char *level, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "[%s]", level);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
}

/* Runs one test here and now; returns its verdict (fatal checks do not return). */
static int crc_run_here(const crc_test *t) {
  crc_current = t;
  crc_soft_failed = 0;
  if (t->opts.init)
    t->opts.init();
  t->fn();
  if (t->opts.fini)
    t->opts.fini();
  return crc_soft_failed ? CRC_EXIT_FAILED : 0;
}

/* The in-process runner: setjmp alone in here, so no caller variable can be
 * clobbered by the longjmp. */
static int crc_run_in_process(const crc_test *t) {
  int verdict = setjmp(crc_jump);
  if (verdict != 0)
    return verdict;
  return crc_run_here(t);
}

/* ---- One test in a process of its own ------------------------------------ */
typedef struct crc_outcome {
  int exited;          /* 1: exited with status; 0: killed by signal / exception */
  unsigned long code;  /* exit status, signal number, or exception code */
  int timed_out;
} crc_outcome;

#ifdef _WIN32
/* An unhandled exception ends the child at once with its code (no debugger,
 * no dialog: Wine would otherwise start winedbg). */
static LONG WINAPI crc_on_exception(EXCEPTION_POINTERS *ep) {
  fflush(stdout);
  fflush(stderr);
  TerminateProcess(GetCurrentProcess(), ep->ExceptionRecord->ExceptionCode);
  return EXCEPTION_EXECUTE_HANDLER;
}

static void crc_child_setup(void) {
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
  SetUnhandledExceptionFilter(crc_on_exception);
}

/* What a POSIX signal expectation means on Windows. */
static unsigned long crc_signal_status(int sig) {
  switch (sig) {
  case SIGSEGV:
    return 0xC0000005UL; /* STATUS_ACCESS_VIOLATION */
  case SIGILL:
    return 0xC000001DUL; /* STATUS_ILLEGAL_INSTRUCTION (ud2: a UBSan trap) */
  case SIGFPE:
    return 0xC0000094UL; /* STATUS_INTEGER_DIVIDE_BY_ZERO */
  case SIGABRT:
    return 3; /* the C runtime's abort() */
  default:
    return 0xFFFFFFFFUL;
  }
}

static int crc_spawn(const crc_test *t, crc_outcome *out) {
  char exe[MAX_PATH], cmd[MAX_PATH + 600];
  DWORD n = GetModuleFileNameA(NULL, exe, sizeof exe);
  if (n == 0 || n >= sizeof exe)
    return -1;
  snprintf(cmd, sizeof cmd, "\"%s\" --single %s/%s", exe, t->suite, t->name);
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  fflush(stdout);
  fflush(stderr);
  if (!CreateProcessA(exe, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
    fprintf(stderr, "[ERR ] CreateProcess(%s): error %lu\n", exe, (unsigned long)GetLastError());
    return -1;
  }
  DWORD ms = t->opts.timeout > 0 ? (DWORD)(t->opts.timeout * 1000.0) : INFINITE;
  out->timed_out = 0;
  if (WaitForSingleObject(pi.hProcess, ms) == WAIT_TIMEOUT) {
    TerminateProcess(pi.hProcess, 0xDEAD);
    WaitForSingleObject(pi.hProcess, INFINITE);
    out->timed_out = 1;
  }
  DWORD code = 0;
  GetExitCodeProcess(pi.hProcess, &code);
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  out->code = code;
  /* NTSTATUS error codes (0xC...) are exceptions; small codes are exits. */
  out->exited = (code & 0xC0000000UL) != 0xC0000000UL;
  return 0;
}
#else
static void crc_child_setup(void) {}

static unsigned long crc_signal_status(int sig) { return (unsigned long)sig; }

static int crc_spawn(const crc_test *t, crc_outcome *out) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    perror("[ERR ] fork");
    return -1;
  }
  if (pid == 0) {
    if (t->opts.timeout > 0)
      alarm((unsigned)(t->opts.timeout + 0.999));
    exit(crc_run_here(t));
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    ;
  out->timed_out = WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM && t->opts.timeout > 0;
  out->exited = WIFEXITED(status);
  out->code = out->exited ? (unsigned long)WEXITSTATUS(status) : (unsigned long)WTERMSIG(status);
  return 0;
}
#endif

enum { CRC_PASS, CRC_FAIL, CRC_CRASH, CRC_SKIP };

/* The verdict on an outcome, against the test's expectations. */
static int crc_judge(const crc_test *t, const crc_outcome *o, char *why, size_t n) {
  why[0] = '\0';
  if (o->timed_out) {
    snprintf(why, n, "timed out after %.1f s", t->opts.timeout);
    return CRC_FAIL;
  }
  if (o->exited && o->code == CRC_EXIT_SKIPPED)
    return CRC_SKIP;
  if (o->exited && o->code == CRC_EXIT_FAILED)
    return CRC_FAIL;
  if (t->opts.signal != 0) {
    /* On Windows abort() is an exit status (3), the others exception codes. */
#ifdef _WIN32
    int died = 1;
#else
    int died = !o->exited;
#endif
    if (died && crc_signal_status(t->opts.signal) == o->code)
      return CRC_PASS;
    snprintf(why, n, "expected signal %d (status %#lx); it %s %#lx", t->opts.signal,
             crc_signal_status(t->opts.signal), o->exited ? "exited with" : "died of", o->code);
    return CRC_FAIL;
  }
  if (t->opts.exit_code != 0) {
    if (o->exited && o->code == (unsigned long)t->opts.exit_code)
      return CRC_PASS;
    snprintf(why, n, "expected exit code %d; it %s %#lx", t->opts.exit_code,
             o->exited ? "exited with" : "died of", o->code);
    return CRC_FAIL;
  }
  if (o->exited && o->code == 0)
    return CRC_PASS;
  if (o->exited) {
    snprintf(why, n, "exited with %lu", o->code);
    return CRC_FAIL;
  }
  snprintf(why, n, "crashed (%s %#lx)",
#ifdef _WIN32
           "exception",
#else
           "signal",
#endif
           o->code);
  return CRC_CRASH;
}

/* '*' matches any run, '?' one character. */
static int crc_match(const char *pat, const char *s) {
  if (*pat == '\0')
    return *s == '\0';
  if (*pat == '*')
    return crc_match(pat + 1, s) || (*s != '\0' && crc_match(pat, s + 1));
  return *s != '\0' && (*pat == '?' || *pat == *s) && crc_match(pat + 1, s + 1);
}

static int crc_cmp(const void *a, const void *b) {
  const crc_test *x = *(const crc_test *const *)a, *y = *(const crc_test *const *)b;
  int c = strcmp(x->suite, y->suite);
  return c != 0 ? c : strcmp(x->name, y->name);
}

int main(int argc, char **argv) {
  const char *filter = NULL, *single = NULL;
  int list = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
      filter = argv[++i];
    else if (strncmp(argv[i], "--filter=", 9) == 0)
      filter = argv[i] + 9;
    else if (strcmp(argv[i], "--single") == 0 && i + 1 < argc)
      single = argv[++i];
    else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
      i++; /* accepted for Criterion's command line; one test at a time */
    else if (strncmp(argv[i], "--jobs=", 7) == 0 || strncmp(argv[i], "-j", 2) == 0)
      ;
    else if (strcmp(argv[i], "--no-fork") == 0)
      crc_in_process = 1;
    else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0)
      crc_verbose = 1;
    else if (strcmp(argv[i], "--list") == 0 || strcmp(argv[i], "-l") == 0)
      list = 1;
    else {
      fprintf(stderr, "usage: %s [--filter suite/name] [--list] [--no-fork] [--verbose]\n",
              argv[0]);
      return 2;
    }
  }

  crc_test **v = malloc((crc_count ? crc_count : 1) * sizeof *v);
  if (v == NULL)
    return 2;
  size_t n = 0;
  for (crc_test *t = crc_tests; t; t = t->next)
    v[n++] = t;
  qsort(v, n, sizeof *v, crc_cmp);

  if (single != NULL) { /* the Windows child: one test, its verdict as exit status */
    for (size_t i = 0; i < n; i++) {
      char full[512];
      snprintf(full, sizeof full, "%s/%s", v[i]->suite, v[i]->name);
      if (strcmp(full, single) == 0) {
        crc_child_setup();
        int verdict = crc_run_here(v[i]);
        fflush(stdout);
        fflush(stderr);
        return verdict;
      }
    }
    fprintf(stderr, "[ERR ] no test %s\n", single);
    return 2;
  }

  int tested = 0, passing = 0, failing = 0, crashing = 0, skipped = 0;
  for (size_t i = 0; i < n; i++) {
    const crc_test *t = v[i];
    char full[512], why[256];
    snprintf(full, sizeof full, "%s/%s", t->suite, t->name);
    if (filter && !crc_match(filter, full))
      continue;
    if (list) {
      printf("%s::%s\n", t->suite, t->name);
      continue;
    }
    if (t->opts.disabled) {
      skipped++;
      if (crc_verbose)
        fprintf(stderr, "[SKIP] %s::%s: disabled\n", t->suite, t->name);
      continue;
    }
    if (crc_verbose) {
      fprintf(stderr, "[RUN ] %s::%s\n", t->suite, t->name);
      if (t->opts.description)
        fprintf(stderr, "[----]   %s\n", t->opts.description);
    }
    int verdict;
    if (crc_in_process) {
      if (t->opts.exit_code != 0 || t->opts.signal != 0) {
        fprintf(stderr, "[SKIP] %s::%s: expects an exit code or a signal (not with --no-fork)\n",
                t->suite, t->name);
        skipped++;
        continue;
      }
      int r = crc_run_in_process(t);
      crc_current = NULL;
      verdict = r == 0 ? CRC_PASS : r == CRC_EXIT_SKIPPED ? CRC_SKIP : CRC_FAIL;
      why[0] = '\0';
    } else {
      crc_outcome o;
      if (crc_spawn(t, &o) != 0) {
        verdict = CRC_CRASH;
        snprintf(why, sizeof why, "could not start the test's process");
      } else {
        verdict = crc_judge(t, &o, why, sizeof why);
      }
    }
    switch (verdict) {
    case CRC_SKIP:
      skipped++;
      continue;
    case CRC_PASS:
      passing++;
      if (crc_verbose)
        fprintf(stderr, "[PASS] %s::%s\n", t->suite, t->name);
      break;
    case CRC_FAIL:
      failing++;
      fprintf(stderr, "[FAIL] %s::%s%s%s\n", t->suite, t->name, why[0] ? ": " : "", why);
      break;
    default:
      crashing++;
      fprintf(stderr, "[FAIL] %s::%s: %s\n", t->suite, t->name, why);
      break;
    }
    tested++;
  }
  free(v);
  if (list)
    return 0;
  fprintf(stderr,
          "[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d "
          "(compat runner; skipped: %d)\n",
          tested, passing, failing, crashing, skipped);
  return failing + crashing != 0;
}
