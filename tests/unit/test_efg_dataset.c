/*
 * test_efg_dataset.c -- the EFG training set (efg/efg_dataset.h) with a
 * fixed external test set: every frame of the test files is a test frame,
 * none of the training files is, a test frame that repeats a training
 * structure is dropped (it would leak), and folds are given to training
 * frames only.
 */
#include <string.h>

#include "efg_dataset.h"
#include "extxyz.h"
#include "label_files.h"
#include "test_util.h"

static void test_external_test_set(void **state)
{
  (void)state;
  int n;
  UfpStructure **frames;
  assert_ufp_ok(UfpExtxyzReadAll(ufp_test_source("efg/data/lps_cp2k_efg_train.extxyz"), &n, &frames));
  /* Training file: the 16-atom frames; test file: the 32-atom frames and a
   * copy of the first 16-atom frame. */
  UfpStructure *train[64], *test[64];
  int ntrain = 0, ntest = 0, first16 = -1;
  for (int k = 0; k < n; k++) {
    if (frames[k]->natoms == 16) {
      train[ntrain++] = frames[k];
      if (first16 < 0) first16 = k;
    } else
      test[ntest++] = frames[k];
  }
  test[ntest++] = frames[first16];
  char train_path[1024], test_path[1024];
  snprintf(train_path, sizeof train_path, "%s", ufp_test_tmp("dataset_train.extxyz"));
  snprintf(test_path, sizeof test_path, "%s", ufp_test_tmp("dataset_test.extxyz"));
  remove(train_path);
  remove(test_path);
  assert_ufp_ok(UfpExtxyzWriteAll(MPI_COMM_WORLD, train_path, 1, ntrain, train));
  assert_ufp_ok(UfpExtxyzWriteAll(MPI_COMM_WORLD, test_path, 1, ntest, test));
  const char *paths[2] = {train_path, test_path};
  EfgDatasetSpec spec = {.nfiles = 2, .paths = paths, .format = EFG_LABELS_EXTXYZ, .centre = "Li",
                         .test_fraction = 0.5, .seed = 3, .kfold = 2, .ntest_files = 1};
  EfgDataset *d = NULL;
  assert_ufp_ok(EfgDatasetLoad(MPI_COMM_WORLD, &spec, &d));
  int in_train = 0, in_test = 0;
  for (int q = 0; q < d->nframes; q++) {
    assert_int_equal(d->test[q], d->file[q] == 1);
    if (d->test[q]) {
      assert_int_equal(d->fold[q], -1);
      assert_int_equal(d->frames[q]->natoms, 32); /* the copy of a training frame is gone */
      in_test++;
    } else {
      assert_true(d->fold[q] >= 0 && d->fold[q] < 2);
      in_train++;
    }
  }
  print_message("%d training frames, %d test frames, %d duplicates dropped\n", in_train, in_test, d->nduplicates);
  assert_true(in_train >= 2 && in_test >= 2);
  assert_true(d->nduplicates >= 1);
  EfgDatasetDestroy(&d);
  /* Evaluation only: no folds. */
  spec.kfold = 0;
  assert_ufp_ok(EfgDatasetLoad(MPI_COMM_WORLD, &spec, &d));
  for (int q = 0; q < d->nframes; q++) assert_int_equal(d->fold[q], -1);
  EfgDatasetDestroy(&d);
  UfpStructureArrayDestroy(n, &frames);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_external_test_set)};
  return UFP_TEST_MAIN("efg_dataset", tests);
}
