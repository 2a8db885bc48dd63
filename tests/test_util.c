/* test_util.c -- see test_util.h. */
#include "test_util.h"

#include <petscsys.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ufp_test_expect_failure(UfpErrorCode got, UfpErrorCode code, const char *fragment,
                             const char *text, const char *file, int line)
{
  if (got != code)
    fail_msg("%s:%d: %s returned %d (%s), expected %d (%s); message: %s", file, line, text,
             (int)got, UfpErrorName(got), (int)code, UfpErrorName(code), UfpErrorMessage());
  if (fragment && !strstr(UfpErrorMessage(), fragment))
    fail_msg("%s:%d: %s failed as expected, but its message \"%s\" lacks \"%s\"", file, line, text,
             UfpErrorMessage(), fragment);
  UfpErrorClear();
}

void ufp_test_close(double a, double b, double tol, const char *ta, const char *tb, const char *file,
                    int line)
{
  if (!(fabs(a - b) <= tol))
    fail_msg("%s:%d: %s = %.17g and %s = %.17g differ by %.3g > %.3g", file, line, ta, a, tb, b,
             fabs(a - b), tol);
}

const char *ufp_test_shared(const char *relative)
{
  static char path[4096];
  const char *dir = getenv("UFP_SHARED_DIR");
  struct stat st;
  if (!dir || stat(dir, &st) != 0) {
    print_message("shared data folder %s is absent: skipping\n", dir ? dir : "(UFP_SHARED_DIR unset)");
    skip();
  }
  snprintf(path, sizeof path, "%s/data/%s", dir, relative);
  if (stat(path, &st) != 0) {
    print_message("shared file %s is absent: skipping\n", path);
    skip();
  }
  return path;
}

const char *ufp_test_tmp(const char *name)
{
  static char path[4096];
  const char *dir = getenv("UFP_TEST_TMP");
  int rank = 0, size = 1, init = 0;
  MPI_Initialized(&init);
  if (init) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  /* The rank count is part of the name: ctest runs np1, np2 and np3 at once. */
  snprintf(path, sizeof path, "%s/np%d_%s", dir ? dir : "/tmp", size, name);
  if (rank == 0) unlink(path);
  if (init) MPI_Barrier(MPI_COMM_WORLD);
  return path;
}

const char *ufp_test_write_tmp(const char *name, const char *text)
{
  const char *path = ufp_test_tmp(name);
  int rank = 0, ok = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    FILE *fp = fopen(path, "w");
    ok = fp && fputs(text, fp) >= 0;
    if (fp) ok = fclose(fp) == 0 && ok;
  }
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));
  return path;
}

const char *ufp_test_source(const char *relative)
{
  static char path[4096];
  const char *dir = getenv("UFP_SOURCE_DIR");
  snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", relative);
  return path;
}

int ufp_test_all_true(MPI_Comm comm, int flag)
{
  int all = flag ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_MIN, comm);
  return all;
}

static int run_group(int *argc, char ***argv, const char *name, const struct CMUnitTest *tests, size_t ntests,
                     int petsc)
{
  MPI_Init(argc, argv);
  if (petsc && PetscInitializeNoArguments()) return 1;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) {
    if (!freopen("/dev/null", "w", stdout)) return 1;
    if (!freopen("/dev/null", "w", stderr)) return 1;
  }
  int failed = _cmocka_run_group_tests(name, tests, ntests, NULL, NULL);
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (petsc) PetscFinalize();
  MPI_Finalize();
  return failed;
}

int ufp_test_run_group(int *argc, char ***argv, const char *name, const struct CMUnitTest *tests, size_t ntests)
{
  return run_group(argc, argv, name, tests, ntests, 0);
}

int ufp_test_run_group_petsc(int *argc, char ***argv, const char *name, const struct CMUnitTest *tests,
                             size_t ntests)
{
  return run_group(argc, argv, name, tests, ntests, 1);
}

double ufp_test_uniform(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0;
}

double ufp_test_gaussian(uint64_t *state)
{
  double u1 = ufp_test_uniform(state), u2 = ufp_test_uniform(state);
  return sqrt(-2.0 * log(u1 + 1e-300)) * cos(2.0 * 3.14159265358979323846 * u2);
}

const char *ufp_test_info_string(const UfpStructure *s, const char *name)
{
  const UfpInfoValue *v = UfpStructureFindInfo(s, name);
  if (!v) fail_msg("no info %s", name);
  assert_int_equal(v->type, 'S');
  return v->string;
}

double ufp_test_info_real(const UfpStructure *s, const char *name)
{
  double value;
  assert_ufp_ok(UfpStructureGetInfoReal(s, name, &value));
  return value;
}
