/*
 * test_h5io.c -- stage-file helpers on 1, 2 and 3 ranks: collective slab
 * write/read (including a rank with an empty slab and a read with a different
 * partition than the write), extendible datasets, attributes of every kind,
 * provenance attributes read back, and clear errors for missing objects.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "h5io.h"
#include "parallel.h"
#include "test_util.h"
#include "ufp_version.h"

#define NCOLS 4

static int world_rank(void) { return UfpCommRank(MPI_COMM_WORLD); }
static int world_size(void) { return UfpCommSize(MPI_COMM_WORLD); }

/* A fresh scratch path (ufp_test_tmp makes it private to the rank count). */
static void tmp_path(const char *stem, char *path, size_t size)
{
  char name[256];
  snprintf(name, sizeof name, "%s.h5", stem);
  snprintf(path, size, "%s", ufp_test_tmp(name));
}

static double cell_value(hsize_t row, int col) { return (double)row * 10.0 + col + 0.25; }

/* Rows per rank: with more than one rank the last rank owns nothing. */
static void uneven_slab(hsize_t nrows, int rank, int size, hsize_t *start, hsize_t *count)
{
  int64_t s, c;
  int owners = size > 1 ? size - 1 : 1;
  if (rank >= owners) {
    *start = nrows;
    *count = 0;
    return;
  }
  UfpPartition((int64_t)nrows, rank, owners, &s, &c);
  *start = (hsize_t)s;
  *count = (hsize_t)c;
}

static void test_slab_roundtrip(void **state)
{
  (void)state;
  char path[4096];
  int rank = world_rank(), size = world_size();
  hsize_t nrows = 11, start, count, dims[2] = {nrows, NCOLS};
  double buf[11][NCOLS], back[11][NCOLS];
  UfpH5File *file = NULL;
  hid_t dset;
  tmp_path("h5io_slab", path, sizeof path);

  uneven_slab(nrows, rank, size, &start, &count);
  for (hsize_t r = 0; r < count; r++)
    for (int c = 0; c < NCOLS; c++) buf[r][c] = cell_value(start + r, c);
  assert_ufp_ok(UfpH5FileCreate(MPI_COMM_WORLD, path, &file));
  assert_ufp_ok(
      UfpH5CreateDataset(UfpH5FileId(file), "table", H5T_NATIVE_DOUBLE, 2, dims, 0, &dset));
  assert_ufp_ok(UfpH5WriteSlab(dset, H5T_NATIVE_DOUBLE, start, count, count ? buf : NULL));
  assert_ufp_ok(UfpH5Close(&dset));
  assert_ufp_ok(UfpH5FileDestroy(&file));
  assert_null(file);

  /* Read back with the reversed partition: rank r reads the block of rank
   * size-1-r, so rows land on other ranks than the ones that wrote them. */
  int64_t s, c;
  UfpPartition((int64_t)nrows, size - 1 - rank, size, &s, &c);
  assert_ufp_ok(UfpH5FileOpen(MPI_COMM_WORLD, path, 0, &file));
  assert_ufp_ok(UfpH5OpenDataset(UfpH5FileId(file), "table", &dset));
  int ndims;
  hsize_t shape[3];
  assert_ufp_ok(UfpH5DatasetShape(dset, &ndims, shape));
  assert_int_equal(ndims, 2);
  assert_int_equal(shape[0], nrows);
  assert_int_equal(shape[1], NCOLS);
  assert_ufp_ok(UfpH5ReadSlab(dset, H5T_NATIVE_DOUBLE, (hsize_t)s, (hsize_t)c, back));
  int ok = 1;
  for (int64_t r = 0; r < c; r++)
    for (int col = 0; col < NCOLS; col++) ok &= back[r][col] == cell_value((hsize_t)(s + r), col);
  /* An empty read on every rank is still a valid collective call. */
  assert_ufp_ok(UfpH5ReadSlab(dset, H5T_NATIVE_DOUBLE, 0, 0, NULL));
  assert_ufp_ok(UfpH5Close(&dset));
  assert_ufp_ok(UfpH5FileDestroy(&file));
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));
}

static void test_extendible(void **state)
{
  (void)state;
  char path[4096];
  int rank = world_rank(), size = world_size();
  const hsize_t natoms = 5, nframes = 4;
  hsize_t dims[3] = {0, natoms, 3};
  UfpH5File *file = NULL;
  hid_t dset, steps;
  int64_t start, count;
  tmp_path("h5io_extend", path, sizeof path);
  UfpPartition((int64_t)natoms, rank, size, &start, &count);

  assert_ufp_ok(UfpH5FileCreate(MPI_COMM_WORLD, path, &file));
  hid_t root = UfpH5FileId(file);
  assert_ufp_ok(UfpH5CreateDataset(root, "x", H5T_NATIVE_DOUBLE, 3, dims, 1, &dset));
  assert_ufp_ok(UfpH5CreateDataset(root, "step", H5T_NATIVE_INT64, 1, dims, 16, &steps));
  for (hsize_t f = 0; f < nframes; f++) {
    double x[5][3];
    for (int64_t i = 0; i < count; i++)
      for (int k = 0; k < 3; k++) x[i][k] = (double)(f * 100 + (hsize_t)(start + i) * 3 + k);
    hsize_t offset[3] = {f, (hsize_t)start, 0}, block[3] = {1, (hsize_t)count, 3};
    int64_t step = (int64_t)f * 7;
    assert_ufp_ok(UfpH5SetRows(dset, f + 1));
    assert_ufp_ok(UfpH5WriteBlock(dset, H5T_NATIVE_DOUBLE, offset, block, x));
    assert_ufp_ok(UfpH5SetRows(steps, f + 1));
    assert_ufp_ok(UfpH5WriteSlab(steps, H5T_NATIVE_INT64, f, rank == 0 ? 1 : 0, &step));
  }
  assert_ufp_ok(UfpH5Close(&dset));
  assert_ufp_ok(UfpH5Close(&steps));
  assert_ufp_ok(UfpH5FileDestroy(&file));

  assert_ufp_ok(UfpH5FileOpen(MPI_COMM_WORLD, path, 0, &file));
  root = UfpH5FileId(file);
  assert_ufp_ok(UfpH5OpenDataset(root, "x", &dset));
  assert_ufp_ok(UfpH5OpenDataset(root, "step", &steps));
  double all[4][5][3];
  int64_t step_back[4];
  /* Every rank reads everything. */
  assert_ufp_ok(UfpH5ReadSlab(dset, H5T_NATIVE_DOUBLE, 0, nframes, all));
  assert_ufp_ok(UfpH5ReadSlab(steps, H5T_NATIVE_INT64, 0, nframes, step_back));
  int ok = 1;
  for (hsize_t f = 0; f < nframes; f++) {
    ok &= step_back[f] == (int64_t)f * 7;
    for (hsize_t i = 0; i < natoms; i++)
      for (int k = 0; k < 3; k++) ok &= all[f][i][k] == (double)(f * 100 + i * 3 + k);
  }
  assert_ufp_ok(UfpH5Close(&dset));
  assert_ufp_ok(UfpH5Close(&steps));
  assert_ufp_ok(UfpH5FileDestroy(&file));
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));
}

static void test_attributes(void **state)
{
  (void)state;
  char path[4096], text[64];
  UfpH5File *file = NULL;
  hid_t group;
  const char *const names[3] = {"Li", "La", "Å-site"};
  const int ints[3] = {1, -2, 3};
  const double reals[2] = {0.5, -1.0e-300};
  tmp_path("h5io_attr", path, sizeof path);

  assert_ufp_ok(UfpH5FileCreate(MPI_COMM_WORLD, path, &file));
  assert_ufp_ok(UfpH5CreateGroup(UfpH5FileId(file), "a/b/c", &group));
  assert_ufp_ok(UfpH5WriteStringAttr(group, "label", "first"));
  assert_ufp_ok(UfpH5WriteStringAttr(group, "label", "replaced ünïcode"));
  assert_ufp_ok(UfpH5WriteStringArrayAttr(group, "names", 3, names));
  assert_ufp_ok(UfpH5WriteStringArrayAttr(group, "none", 0, NULL));
  assert_ufp_ok(UfpH5WriteIntAttr(group, "n", 42));
  assert_ufp_ok(UfpH5WriteIntArrayAttr(group, "ints", 3, ints));
  assert_ufp_ok(UfpH5WriteDoubleAttr(group, "x", 2.5));
  assert_ufp_ok(UfpH5WriteDoubleArrayAttr(group, "reals", 2, reals));
  assert_ufp_ok(UfpH5Close(&group));
  assert_ufp_ok(UfpH5FileDestroy(&file));

  assert_ufp_ok(UfpH5FileOpen(MPI_COMM_WORLD, path, 0, &file));
  hid_t root = UfpH5FileId(file);
  int exists = -1;
  assert_ufp_ok(UfpH5Exists(root, "a/b/c", &exists));
  assert_int_equal(exists, 1);
  assert_ufp_ok(UfpH5Exists(root, "/a/missing/c", &exists));
  assert_int_equal(exists, 0);
  assert_ufp_fails(UfpH5OpenGroup(root, "a/missing", &group), UFP_ERR_INPUT,
                   "no group 'a/missing'");
  assert_ufp_fails(UfpH5OpenDataset(root, "a/b", &group), UFP_ERR_INPUT, "is not a dataset");
  assert_ufp_ok(UfpH5OpenGroup(root, "/a/b/c", &group));

  assert_ufp_ok(UfpH5ReadStringAttr(group, "label", text, sizeof text));
  assert_string_equal(text, "replaced ünïcode");
  assert_ufp_fails(UfpH5ReadStringAttr(group, "label", text, 4), UFP_ERR_INPUT, "too long");
  size_t n;
  char **strings;
  assert_ufp_ok(UfpH5ReadStringArrayAttr(group, "names", &n, &strings));
  assert_int_equal(n, 3);
  for (size_t k = 0; k < n; k++) assert_string_equal(strings[k], names[k]);
  UfpH5FreeStrings(n, &strings);
  assert_null(strings);
  assert_ufp_ok(UfpH5ReadStringArrayAttr(group, "none", &n, &strings));
  assert_int_equal(n, 0);
  UfpH5FreeStrings(n, &strings);

  int ivalue, iarray[3];
  double dvalue, darray[2];
  assert_ufp_ok(UfpH5ReadIntAttr(group, "n", &ivalue));
  assert_int_equal(ivalue, 42);
  assert_ufp_ok(UfpH5ReadIntArrayAttr(group, "ints", 3, iarray));
  assert_memory_equal(iarray, ints, sizeof ints);
  assert_ufp_ok(UfpH5ReadDoubleAttr(group, "x", &dvalue));
  assert_true(dvalue == 2.5);
  assert_ufp_ok(UfpH5ReadDoubleAttr(group, "n", &dvalue)); /* int attribute read as double */
  assert_true(dvalue == 42.0);
  assert_ufp_ok(UfpH5ReadDoubleArrayAttr(group, "reals", 2, darray));
  assert_memory_equal(darray, reals, sizeof reals);
  assert_ufp_fails(UfpH5ReadIntArrayAttr(group, "ints", 2, iarray), UFP_ERR_INPUT, "3 values");
  assert_ufp_fails(UfpH5ReadIntAttr(group, "x", &ivalue), UFP_ERR_INPUT, "not an integer");
  assert_ufp_fails(UfpH5ReadIntAttr(group, "absent", &ivalue), UFP_ERR_INPUT,
                   "no attribute 'absent'");
  assert_ufp_fails(UfpH5ReadStringAttr(group, "n", text, sizeof text), UFP_ERR_INPUT,
                   "not a single string");
  assert_ufp_ok(UfpH5Close(&group));
  assert_ufp_ok(UfpH5FileDestroy(&file));
}

static void test_provenance(void **state)
{
  (void)state;
  char path[4096], input[4096], text[4096];
  UfpProvenance *prov = NULL;
  UfpH5File *file = NULL;
  tmp_path("h5io_prov", path, sizeof path);
  snprintf(input, sizeof input, "%s", ufp_test_tmp("h5io_prov_input.txt"));
  if (world_rank() == 0) {
    FILE *fp = fopen(input, "w");
    assert_non_null(fp);
    fputs("abc", fp);
    assert_int_equal(fclose(fp), 0);
  }
  MPI_Barrier(MPI_COMM_WORLD);

  assert_ufp_ok(UfpProvenanceCreate(MPI_COMM_WORLD, "test_h5io", "-a 1 -b two", &prov));
  assert_ufp_ok(UfpProvenanceAddInput(prov, input));
  assert_ufp_fails(UfpProvenanceAddInput(prov, "/nonexistent/input.xyz"), UFP_ERR_IO, NULL);
  assert_ufp_ok(UfpH5FileCreate(MPI_COMM_WORLD, path, &file));
  assert_ufp_ok(UfpProvenanceWrite(prov, UfpH5FileId(file)));
  assert_ufp_ok(UfpH5FileDestroy(&file));
  assert_ufp_ok(UfpProvenanceDestroy(&prov));
  assert_null(prov);
  assert_ufp_ok(UfpProvenanceDestroy(&prov));

  assert_ufp_ok(UfpH5FileOpen(MPI_COMM_WORLD, path, 0, &file));
  hid_t root = UfpH5FileId(file);
  struct {
    const char *name, *value;
  } expected[] = {{"program", "test_h5io"},     {"version", UFP_VERSION},
                  {"git_hash", UFP_GIT_HASH},   {"compiler", UFP_C_COMPILER},
                  {"compiler_flags", UFP_C_FLAGS}, {"options", "-a 1 -b two"}};
  for (size_t k = 0; k < sizeof expected / sizeof expected[0]; k++) {
    assert_ufp_ok(UfpH5ReadStringAttr(root, expected[k].name, text, sizeof text));
    assert_string_equal(text, expected[k].value);
  }
  int nranks;
  assert_ufp_ok(UfpH5ReadIntAttr(root, "mpi_ranks", &nranks));
  assert_int_equal(nranks, world_size());
  assert_ufp_ok(UfpH5ReadStringAttr(root, "created", text, sizeof text));
  assert_int_equal(strlen(text), 20); /* YYYY-MM-DDThh:mm:ssZ */
  assert_int_equal(text[10], 'T');
  assert_int_equal(text[19], 'Z');
  size_t n;
  char **strings;
  assert_ufp_ok(UfpH5ReadStringArrayAttr(root, "inputs", &n, &strings));
  assert_int_equal(n, 1);
  assert_string_equal(strings[0], input);
  UfpH5FreeStrings(n, &strings);
  assert_ufp_ok(UfpH5ReadStringArrayAttr(root, "input_sha256", &n, &strings));
  assert_int_equal(n, 1);
  assert_string_equal(strings[0],
                      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  UfpH5FreeStrings(n, &strings);
  assert_ufp_ok(UfpH5FileDestroy(&file));
}

static void test_open_errors(void **state)
{
  (void)state;
  char path[4096];
  UfpH5File *file = NULL;
  tmp_path("h5io_missing", path, sizeof path);
  assert_ufp_fails(UfpH5FileOpen(MPI_COMM_WORLD, path, 0, &file), UFP_ERR_IO, "no such file");
  assert_null(file);
  if (world_rank() == 0) {
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("not hdf5\n", fp);
    assert_int_equal(fclose(fp), 0);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  assert_ufp_fails(UfpH5FileOpen(MPI_COMM_WORLD, path, 0, &file), UFP_ERR_INPUT,
                   "not an HDF5 file");
  assert_ufp_ok(UfpH5FileDestroy(NULL));
  assert_ufp_ok(UfpH5FileDestroy(&file));
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_slab_roundtrip),
    cmocka_unit_test(test_extendible),
    cmocka_unit_test(test_attributes),
    cmocka_unit_test(test_provenance),
    cmocka_unit_test(test_open_errors),
  };
  return UFP_TEST_MAIN("h5io", tests);
}
