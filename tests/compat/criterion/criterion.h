/* SPDX-License-Identifier: MIT */
/*
 * A small stand-in for the part of Criterion (2.4) that ilheap's tests use, so
 * that the SAME tests/test_*.c sources build and run where Criterion does not
 * exist (mingw-w64 / Windows), or cannot run (ThreadSanitizer: Criterion's
 * BoxFort arena is mapped at a fixed address TSan refuses, Criterion issue #274).
 *
 * It is selected by the include path: tests/CMakeLists.txt puts tests/compat
 * first when ILHEAP_TEST_COMPAT is ON (the default on Windows), so
 * <criterion/criterion.h> resolves here; tests/compat/runner.c is linked in.
 *
 * What it provides, with Criterion's meaning:
 *  - Test(suite, name, .init, .fini, .exit_code, .signal, .timeout,
 *    .description, .disabled);
 *  - cr_assert* (fatal: the test stops) and cr_expect* (the test goes on and
 *    fails at the end); cr_skip_test; cr_log_info/warn/error;
 *  - a runner (runner.c) that runs each test in a process of its own (fork on
 *    POSIX, the program itself with --single on Windows), so a crash is a
 *    "Crashing" test and expected exit codes and signals can be checked; on
 *    Windows a signal expectation is the matching exception code (SIGSEGV: an
 *    access violation, SIGILL: an illegal instruction, e.g. a UBSan trap, SIGFPE:
 *    an integer division by zero, SIGABRT: abort()'s exit status 3). It prints
 *    "[====] Synthesis: Tested: N | Passing: N | Failing: N | Crashing: N" like
 *    Criterion (skipped tests are not counted as tested, as in Criterion) and
 *    exits nonzero if any test failed or crashed.
 * Options: --filter PATTERN (suite/name, '*' matches anything), --list,
 * --no-fork (every test in this process; the first crash ends the run),
 * --verbose, --jobs N (accepted, tests run one at a time).
 */
#ifndef ILHEAP_TESTS_COMPAT_CRITERION_H
#define ILHEAP_TESTS_COMPAT_CRITERION_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ILHEAP_CRITERION_COMPAT 1

typedef struct crc_test_opts {
  int reserved_; /* never designated: keeps the C initializer below free of overrides */
  void (*init)(void);
  void (*fini)(void);
  int exit_code;
  int signal;
  double timeout; /* seconds; 0: none */
  const char *description;
  int disabled;
} crc_test_opts;

typedef struct crc_test {
  const char *suite, *name;
  void (*fn)(void);
  crc_test_opts opts;
  struct crc_test *next;
} crc_test;

void crc_register(crc_test *t);
/* mingw-w64: "printf" means msvcrt's formats; the tests use C99's (%zu), which
 * mingw's own printf (__USE_MINGW_ANSI_STDIO) implements. */
#if defined(__MINGW32__) && !defined(__clang__) /* clang: printf checks C99 formats */
#define CRC_PRINTF(f, a) format(gnu_printf, f, a)
#else
#define CRC_PRINTF(f, a) format(printf, f, a)
#endif

/* A failed check: reports it. crc_fail_fatal ends the test (its process, or
 * the in-process test with --no-fork); crc_fail_soft marks it failed and lets
 * it go on. */
__attribute__((noreturn, CRC_PRINTF(4, 5))) void
crc_fail_fatal(const char *file, int line, const char *expr, const char *fmt, ...);
__attribute__((CRC_PRINTF(4, 5))) void crc_fail_soft(const char *file, int line,
                                                        const char *expr, const char *fmt, ...);
__attribute__((noreturn, CRC_PRINTF(1, 2))) void crc_skip(const char *fmt, ...);
__attribute__((CRC_PRINTF(2, 3))) void crc_log(const char *level, const char *fmt, ...);

#ifdef __cplusplus
#define CRC_OPTS(...) crc_test_opts{__VA_ARGS__}
#else
#define CRC_OPTS(...) {0, __VA_ARGS__}
#endif

#define Test(suite, name, ...)                                                                     \
  static void suite##__##name(void);                                                               \
  static crc_test suite##__##name##__test = {#suite, #name, suite##__##name,                       \
                                             CRC_OPTS(__VA_ARGS__), NULL};                         \
  __attribute__((constructor)) static void suite##__##name##__register(void) {                     \
    crc_register(&suite##__##name##__test);                                                        \
  }                                                                                                \
  static void suite##__##name(void)

/* " " fmt: the message is optional, as in Criterion, and must be a literal; the
 * leading space (which the runner drops) keeps an absent one from being an
 * empty format string (-Wformat-zero-length). */
#define CRC_CHECK(kind, cond, expr, ...)                                                           \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      crc_fail_##kind(__FILE__, __LINE__, expr, " " __VA_ARGS__);                                   \
  } while (0)

#define cr_assert(cond, ...) CRC_CHECK(fatal, cond, #cond, __VA_ARGS__)
#define cr_assert_not(cond, ...) CRC_CHECK(fatal, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_assert_fail(...) crc_fail_fatal(__FILE__, __LINE__, "cr_assert_fail", " " __VA_ARGS__)
#define cr_assert_eq(a, b, ...) CRC_CHECK(fatal, (a) == (b), #a " == " #b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...) CRC_CHECK(fatal, (a) != (b), #a " != " #b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...) CRC_CHECK(fatal, (a) < (b), #a " < " #b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...) CRC_CHECK(fatal, (a) <= (b), #a " <= " #b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...) CRC_CHECK(fatal, (a) > (b), #a " > " #b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...) CRC_CHECK(fatal, (a) >= (b), #a " >= " #b, __VA_ARGS__)
#define cr_assert_null(p, ...) CRC_CHECK(fatal, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...) CRC_CHECK(fatal, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...) CRC_CHECK(fatal, strcmp((a), (b)) == 0, #a " == " #b, __VA_ARGS__)
#define cr_assert_str_neq(a, b, ...) CRC_CHECK(fatal, strcmp((a), (b)) != 0, #a " != " #b, __VA_ARGS__)

#define cr_expect(cond, ...) CRC_CHECK(soft, cond, #cond, __VA_ARGS__)
#define cr_expect_not(cond, ...) CRC_CHECK(soft, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_expect_fail(...) crc_fail_soft(__FILE__, __LINE__, "cr_expect_fail", " " __VA_ARGS__)
#define cr_expect_eq(a, b, ...) CRC_CHECK(soft, (a) == (b), #a " == " #b, __VA_ARGS__)
#define cr_expect_neq(a, b, ...) CRC_CHECK(soft, (a) != (b), #a " != " #b, __VA_ARGS__)
#define cr_expect_lt(a, b, ...) CRC_CHECK(soft, (a) < (b), #a " < " #b, __VA_ARGS__)
#define cr_expect_leq(a, b, ...) CRC_CHECK(soft, (a) <= (b), #a " <= " #b, __VA_ARGS__)
#define cr_expect_gt(a, b, ...) CRC_CHECK(soft, (a) > (b), #a " > " #b, __VA_ARGS__)
#define cr_expect_geq(a, b, ...) CRC_CHECK(soft, (a) >= (b), #a " >= " #b, __VA_ARGS__)
#define cr_expect_null(p, ...) CRC_CHECK(soft, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_expect_not_null(p, ...) CRC_CHECK(soft, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_expect_str_eq(a, b, ...) CRC_CHECK(soft, strcmp((a), (b)) == 0, #a " == " #b, __VA_ARGS__)
#define cr_expect_str_neq(a, b, ...) CRC_CHECK(soft, strcmp((a), (b)) != 0, #a " != " #b, __VA_ARGS__)

#define cr_skip_test(...) crc_skip(" " __VA_ARGS__)
#define cr_log_info(...) crc_log("INFO", " " __VA_ARGS__)
#define cr_log_warn(...) crc_log("WARN", " " __VA_ARGS__)
#define cr_log_error(...) crc_log("ERR ", " " __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif
