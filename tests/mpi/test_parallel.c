/* test_parallel.c -- MPI facade, error propagation and safe outputs on N ranks. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "parallel.h"
#include "safe_output.h"
#include "test_util.h"

static void test_partition_covers_everything(void **state)
{
  (void)state;
  for (int size = 1; size <= 7; size++)
    for (int64_t n = 0; n <= 20; n++) {
      int64_t next = 0;
      for (int rank = 0; rank < size; rank++) {
        int64_t start, count;
        UfpPartition(n, rank, size, &start, &count);
        assert_int_equal(start, next);
        assert_true(count == n / size || count == n / size + 1);
        next = start + count;
      }
      assert_int_equal(next, n);
    }
}

static UfpErrorCode inner(int fail)
{
  UfpCheck(!fail, UFP_ERR_INPUT, "value %d is not allowed", 42);
  return UFP_SUCCESS;
}

static UfpErrorCode outer(int fail)
{
  UfpCall(inner(fail));
  return UFP_SUCCESS;
}

static void test_error_traceback(void **state)
{
  (void)state;
  UfpErrorCode code = outer(1);
  assert_int_equal(code, UFP_ERR_INPUT);
  assert_string_equal(UfpErrorMessage(), "value 42 is not allowed");
  const char *trace = UfpErrorTraceback();
  assert_non_null(strstr(trace, "(inner)"));
  assert_non_null(strstr(trace, "(outer)"));
  assert_true(strstr(trace, "(inner)") < strstr(trace, "(outer)"));
  UfpErrorClear();
  assert_int_equal(outer(0), UFP_SUCCESS);
  assert_string_equal(UfpErrorName(UFP_ERR_INTERRUPTED), "interrupted (checkpoint written)");
}

static void test_error_sync_reaches_every_rank(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  int size = UfpCommSize(comm), rank = UfpCommRank(comm);
  int failing = size - 1; /* the last rank fails */
  UfpErrorCode local = rank == failing ? UfpError(UFP_ERR_IO, "disk full on rank %d", rank) : UFP_SUCCESS;
  UfpErrorCode code = UfpErrorSync(comm, local);
  int ok = code == UFP_ERR_IO;
  if (rank != failing) {
    char expected[64];
    snprintf(expected, sizeof expected, "rank %d failed", failing);
    ok = ok && strstr(UfpErrorMessage(), expected) != NULL;
  } else {
    ok = ok && strstr(UfpErrorMessage(), "disk full") != NULL;
  }
  assert_true(ufp_test_all_true(comm, ok));
  UfpErrorClear();
  assert_int_equal(UfpErrorSync(comm, UFP_SUCCESS), UFP_SUCCESS);
}

static void test_reductions(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  int size = UfpCommSize(comm), rank = UfpCommRank(comm);
  double v[2] = {1.0, (double)rank};
  assert_ufp_ok(UfpAllreduceSumDouble(comm, v, 2));
  assert_close(v[0], size, 0);
  assert_close(v[1], size * (size - 1) / 2.0, 0);
  int m = rank;
  assert_ufp_ok(UfpAllreduceMaxInt(comm, &m));
  assert_int_equal(m, size - 1);
  m = rank;
  assert_ufp_ok(UfpAllreduceMinInt(comm, &m));
  assert_int_equal(m, 0);
  char text[16] = "";
  if (rank == 0) strcpy(text, "from root");
  assert_ufp_ok(UfpBcastBytes(comm, text, sizeof text, 0));
  assert_string_equal(text, "from root");
}

static void test_safe_output_lifecycle(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  const char *path = ufp_test_tmp("safe_output.txt");
  char final_path[UFP_PATH_MAX], partial[UFP_PATH_MAX];
  snprintf(final_path, sizeof final_path, "%s", path);
  assert_ufp_ok(UfpOutputBegin(comm, final_path, 0, partial));
  assert_string_equal(partial + strlen(final_path), ".partial");
  if (UfpCommRank(comm) == 0) {
    FILE *f = fopen(partial, "w");
    fputs("complete\n", f);
    fclose(f);
  }
  /* Not there until committed. */
  assert_false(UfpFileExists(comm, final_path));
  assert_ufp_ok(UfpOutputCommit(comm, final_path));
  assert_true(UfpFileExists(comm, final_path));
  assert_false(UfpFileExists(comm, partial));
  /* A complete output is not overwritten unless asked. */
  assert_ufp_fails(UfpOutputBegin(comm, final_path, 0, partial), UFP_ERR_IO, "already exists");
  assert_ufp_ok(UfpOutputBegin(comm, final_path, 1, partial));
  /* Committing with nothing written fails cleanly on every rank. */
  assert_ufp_fails(UfpOutputCommit(comm, final_path), UFP_ERR_IO, "cannot rename");
  if (UfpCommRank(comm) == 0) {
    FILE *f = fopen(partial, "w");
    fclose(f);
  }
  assert_ufp_ok(UfpOutputAbandon(comm, final_path));
  assert_false(UfpFileExists(comm, partial));
  assert_true(UfpFileExists(comm, final_path));
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_partition_covers_everything),
      cmocka_unit_test(test_error_traceback),
      cmocka_unit_test(test_error_sync_reaches_every_rank),
      cmocka_unit_test(test_reductions),
      cmocka_unit_test(test_safe_output_lifecycle),
  };
  return UFP_TEST_MAIN("parallel", tests);
}
