/*
 * test_util.h -- helpers shared by the CMocka tests.
 *
 * Unit tests run as one MPI rank; MPI tests run on 1, 2 and 3 ranks.  In MPI
 * tests only rank 0 prints CMocka's report; every assertion that depends on
 * data held by one rank is first reduced over the communicator
 * (ufp_test_all_true) so that all ranks fail together and none hangs in a
 * later collective.
 */
#ifndef UFP_TEST_UTIL_H
#define UFP_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the three headers above. */
#include <cmocka.h>
#include <mpi.h>

#include "structure.h"
#include "ufp_error.h"

/* Fail with the recorded ufp error message when expr is not UFP_SUCCESS. */
#define assert_ufp_ok(expr)                                                            \
  do {                                                                                 \
    UfpErrorCode ufp_test_code_ = (expr);                                              \
    if (ufp_test_code_ != UFP_SUCCESS)                                                 \
      fail_msg("%s returned %d (%s): %s\n%s", #expr, (int)ufp_test_code_,             \
               UfpErrorName(ufp_test_code_), UfpErrorMessage(), UfpErrorTraceback()); \
  } while (0)

/* |a - b| <= tol in double precision (CMocka 1.1's assert_float_equal
 * compares floats, which is too coarse for these tests: do not use it). */
#define assert_close(a, b, tol) ufp_test_close((double)(a), (double)(b), (double)(tol), #a, #b, __FILE__, __LINE__)
void ufp_test_close(double a, double b, double tol, const char *ta, const char *tb, const char *file,
                    int line);

/* Assert that expr fails with the given code and that its message contains
 * the given fragment (NULL: any message). */
#define assert_ufp_fails(expr, code, fragment) \
  ufp_test_expect_failure((expr), (code), (fragment), #expr, __FILE__, __LINE__)
void ufp_test_expect_failure(UfpErrorCode got, UfpErrorCode code, const char *fragment,
                             const char *text, const char *file, int line);

/* Path of a file under ../shared/data; skips the current test (with a
 * message) when the shared folder is absent.  Returns a static buffer. */
const char *ufp_test_shared(const char *relative);
/* A fresh path under the test scratch directory (removes any old file);
 * unique per test name and rank count. */
const char *ufp_test_tmp(const char *name);
/* Write text to a fresh scratch file (rank 0 writes, every rank waits) and
 * return its path (the ufp_test_tmp buffer). */
const char *ufp_test_write_tmp(const char *name, const char *text);
/* Directory of the source tree (for bundled data). */
const char *ufp_test_source(const char *relative);

/* A frame's info value (fails the test when it is missing or of another type). */
const char *ufp_test_info_string(const UfpStructure *s, const char *name);
double ufp_test_info_real(const UfpStructure *s, const char *name);

/* Deterministic random numbers for test data (splitmix64 stream): uniform
 * in [0, 1), and standard normal (Box-Muller). */
double ufp_test_uniform(uint64_t *state);
double ufp_test_gaussian(uint64_t *state);

/* 1 if flag is true on every rank of comm. */
int ufp_test_all_true(MPI_Comm comm, int flag);

/* Initialise MPI, run a CMocka group (output from rank 0 only), finalise.
 * Returns the number of failed tests, identical on all ranks. */
int ufp_test_run_group(int *argc, char ***argv, const char *name, const struct CMUnitTest *tests,
                       size_t ntests);
#define UFP_TEST_MAIN(name, tests) \
  ufp_test_run_group(&argc, &argv, (name), (tests), sizeof(tests) / sizeof((tests)[0]))
/* The same with PETSc initialised around the group (TAO, Vec). */
int ufp_test_run_group_petsc(int *argc, char ***argv, const char *name, const struct CMUnitTest *tests,
                             size_t ntests);
#define UFP_TEST_MAIN_PETSC(name, tests) \
  ufp_test_run_group_petsc(&argc, &argv, (name), (tests), sizeof(tests) / sizeof((tests)[0]))

#endif
