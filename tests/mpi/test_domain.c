/*
 * test_domain.c -- domain decomposition on 1, 2 and 3 ranks: ghosts cover
 * every image within the cutoff, forces scattered onto ghosts fold back to
 * their owners, migration keeps every atom exactly once and preserves the
 * unwrapped positions.  Reference: the serial all-image neighbour list.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "neighbor.h"
#include "parallel.h"
#include "test_util.h"

static double rand_uniform(double lo, double hi) { return lo + (hi - lo) * (rand() / (double)RAND_MAX); }

/* A pair "force" with a 3-body-like scatter: f_j += w d, f_i -= w d. */
static double weight(double r, double rc) { return (rc - r) * (rc - r) * (1.0 + 0.1 * r); }

static void reference_forces(const UfpCell *cell, int n, const double (*x)[3], double rc, double (*f)[3], int *count)
{
  UfpNeighborList *list = NULL;
  assert_ufp_ok(UfpNeighborListBuild(cell, n, x, rc, &list));
  memset(f, 0, sizeof *f * (size_t)n);
  for (int i = 0; i < n; i++) {
    count[i] = (int)(list->offset[i + 1] - list->offset[i]);
    for (int64_t e = list->offset[i]; e < list->offset[i + 1]; e++) {
      double w = weight(list->r[e], rc);
      for (int k = 0; k < 3; k++) {
        f[list->j[e]][k] += w * list->d[e][k];
        f[i][k] -= w * list->d[e][k];
      }
    }
  }
  assert_ufp_ok(UfpNeighborListDestroy(&list));
}

static void domain_forces(MdDomain *d, double rc, double *fblock, double *cblock)
{
  UfpCell open = d->cell;
  open.pbc[0] = open.pbc[1] = open.pbc[2] = 0;
  UfpNeighborList *list = NULL;
  assert_ufp_ok(UfpNeighborListBuildCentres(&open, d->nall, (const double(*)[3])d->x, d->nlocal, rc, &list));
  memset(d->f, 0, sizeof *d->f * (size_t)d->nall);
  double *counts = calloc((size_t)d->nlocal + 1, sizeof *counts);
  for (int i = 0; i < d->nlocal; i++) {
    counts[i] = (double)(list->offset[i + 1] - list->offset[i]);
    for (int64_t e = list->offset[i]; e < list->offset[i + 1]; e++) {
      double w = weight(list->r[e], rc);
      for (int k = 0; k < 3; k++) {
        d->f[list->j[e]][k] += w * list->d[e][k];
        d->f[i][k] -= w * list->d[e][k];
      }
    }
  }
  assert_ufp_ok(MdDomainReverse(d));
  assert_ufp_ok(MdDomainToBlocks(d, 3, &d->f[0][0], fblock));
  assert_ufp_ok(MdDomainToBlocks(d, 1, counts, cblock));
  free(counts);
  assert_ufp_ok(UfpNeighborListDestroy(&list));
}

static void check_system(const double lattice[3][3], int n, double rc, unsigned seed)
{
  MPI_Comm comm = MPI_COMM_WORLD;
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, lattice, NULL));
  double(*x)[3] = calloc((size_t)n, sizeof *x), (*fref)[3] = calloc((size_t)n, sizeof *fref);
  int *type = calloc((size_t)n, sizeof *type), *cref = calloc((size_t)n, sizeof *cref);
  srand(seed);
  for (int i = 0; i < n; i++) {
    double s[3] = {rand_uniform(-0.5, 1.5), rand_uniform(0, 1), rand_uniform(0, 1)}; /* some unwrapped */
    UfpCellCartFromFrac(&cell, s, x[i]);
    type[i] = i % 3;
  }
  MdDomain *d = NULL;
  assert_ufp_ok(MdDomainCreate(comm, lattice, rc, &d));
  assert_ufp_ok(MdDomainSetAtoms(d, n, type, (const double(*)[3])x, NULL, NULL));
  assert_ufp_ok(MdDomainExchange(d));
  assert_ufp_ok(MdDomainBorders(d));
  int64_t start, count;
  UfpPartition(n, UfpCommRank(comm), UfpCommSize(comm), &start, &count);
  double *fblock = calloc((size_t)count * 3 + 3, sizeof *fblock), *cblock = calloc((size_t)count + 1, sizeof *cblock);

  for (int round = 0; round < 3; round++) {
    reference_forces(&cell, n, (const double(*)[3])x, rc, fref, cref);
    domain_forces(d, rc, fblock, cblock);
    int ok = 1;
    for (int64_t k = 0; k < count; k++) {
      ok &= (int)cblock[k] == cref[start + k];
      for (int c = 0; c < 3; c++) ok &= fabs(fblock[3 * k + c] - fref[start + k][c]) < 1e-11;
    }
    assert_true(ufp_test_all_true(comm, ok));
    /* Move every atom a little (some across boxes and the periodic boundary). */
    double (*xl)[3] = calloc((size_t)n, sizeof *xl), *moved = calloc((size_t)count * 3 + 3, sizeof *moved);
    for (int i = 0; i < n; i++)
      for (int c = 0; c < 3; c++) x[i][c] += 0.15 * sin(1.0 + i * 0.7 + c * 1.3 + round);
    for (int i = 0; i < d->nlocal; i++)
      for (int c = 0; c < 3; c++) d->x[i][c] += 0.15 * sin(1.0 + (double)d->id[i] * 0.7 + c * 1.3 + round);
    if (round == 0) {
      /* Without migration: ghosts follow their owners. */
      assert_ufp_ok(MdDomainForward(d));
    } else {
      assert_ufp_ok(MdDomainExchange(d));
      assert_ufp_ok(MdDomainBorders(d));
    }
    /* Unwrapped positions are preserved exactly up to the wrap arithmetic. */
    double *unwrapped = calloc((size_t)d->nlocal * 3 + 3, sizeof *unwrapped);
    for (int i = 0; i < d->nlocal; i++)
      for (int c = 0; c < 3; c++)
        unwrapped[3 * i + c] = d->x[i][c] + d->image[i][0] * lattice[0][c] + d->image[i][1] * lattice[1][c] +
                               d->image[i][2] * lattice[2][c];
    assert_ufp_ok(MdDomainToBlocks(d, 3, unwrapped, moved));
    ok = 1;
    for (int64_t k = 0; k < count; k++)
      for (int c = 0; c < 3; c++) ok &= fabs(moved[3 * k + c] - x[start + k][c]) < 1e-10;
    assert_true(ufp_test_all_true(comm, ok));
    free(unwrapped);
    free(xl);
    free(moved);
  }
  assert_ufp_ok(MdDomainDestroy(&d));
  assert_null(d);
  free(x);
  free(fref);
  free(type);
  free(cref);
  free(fblock);
  free(cblock);
}

static void test_cell_narrower_than_cutoff(void **state)
{
  (void)state;
  /* 16-atom gamma-Li3PS4-sized triclinic cell, 8 Å cutoff: two images per axis. */
  const double lattice[3][3] = {{7.7, 0.0, 0.0}, {0.9, 6.5, 0.0}, {-0.6, 0.4, 6.1}};
  check_system(lattice, 16, 8.0, 3);
}

static void test_larger_triclinic_cell(void **state)
{
  (void)state;
  const double lattice[3][3] = {{19.0, 0.0, 0.0}, {3.0, 16.5, 0.0}, {-2.0, 1.5, 12.2}};
  check_system(lattice, 300, 5.5, 5);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cell_narrower_than_cutoff),
      cmocka_unit_test(test_larger_triclinic_cell),
  };
  return UFP_TEST_MAIN("domain", tests);
}
