/* test_neighbor.c -- the neighbour list against brute force over images. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neighbor.h"
#include "test_util.h"

typedef struct {
  int j, n[3];
} Pair;

static int pair_cmp(const void *pa, const void *pb)
{
  const Pair *a = pa, *b = pb;
  if (a->j != b->j) return a->j - b->j;
  for (int k = 0; k < 3; k++)
    if (a->n[k] != b->n[k]) return a->n[k] - b->n[k];
  return 0;
}

static double rand_uniform(double lo, double hi) { return lo + (hi - lo) * (rand() / (double)RAND_MAX); }

/* Compare against an explicit sum over a generous range of images. */
static void check_against_brute_force(const double lattice[3][3], const int pbc[3], int natoms,
                                      double rcut, unsigned seed, double spread)
{
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, lattice, pbc));
  double(*x)[3] = malloc(sizeof(*x) * natoms);
  srand(seed);
  for (int i = 0; i < natoms; i++) {
    double s[3];
    for (int a = 0; a < 3; a++) s[a] = rand_uniform(-spread, 1 + spread); /* unwrapped input */
    UfpCellCartFromFrac(&cell, s, x[i]);
  }
  UfpNeighborList *list = NULL;
  assert_ufp_ok(UfpNeighborListBuild(&cell, natoms, (const double(*)[3])x, rcut, &list));
  int range[3];
  UfpCellImageRange(&cell, rcut, range);
  int64_t total = 0;
  for (int i = 0; i < natoms; i++) {
    /* Unwrapped inputs need a wider brute-force range. */
    int extra = (int)ceil(2 * spread) + 1;
    Pair *brute = NULL;
    int nbrute = 0, cap = 0;
    for (int j = 0; j < natoms; j++)
      for (int a = -range[0] - extra * pbc[0]; a <= range[0] + extra * pbc[0]; a++)
        for (int b = -range[1] - extra * pbc[1]; b <= range[1] + extra * pbc[1]; b++)
          for (int c = -range[2] - extra * pbc[2]; c <= range[2] + extra * pbc[2]; c++) {
            int n[3] = {a, b, c};
            if (j == i && !a && !b && !c) continue;
            double shift[3], d[3];
            UfpCellShift(&cell, n, shift);
            for (int k = 0; k < 3; k++) d[k] = x[j][k] + shift[k] - x[i][k];
            if (d[0] * d[0] + d[1] * d[1] + d[2] * d[2] >= rcut * rcut) continue;
            if (nbrute == cap) {
              cap = cap ? 2 * cap : 64;
              brute = realloc(brute, sizeof *brute * cap);
            }
            brute[nbrute].j = j;
            memcpy(brute[nbrute].n, n, sizeof n);
            nbrute++;
          }
    int64_t begin = list->offset[i], end = list->offset[i + 1];
    assert_int_equal(end - begin, nbrute);
    Pair *got = malloc(sizeof *got * (nbrute ? nbrute : 1));
    for (int64_t m = begin; m < end; m++) {
      got[m - begin].j = list->j[m];
      memcpy(got[m - begin].n, list->shift[m], sizeof got->n);
      /* The stored displacement matches the stored shift. */
      double shift[3];
      UfpCellShift(&cell, list->shift[m], shift);
      for (int k = 0; k < 3; k++)
        assert_close(list->d[m][k], x[list->j[m]][k] + shift[k] - x[i][k], 1e-10);
      assert_close(list->r[m], sqrt(list->d[m][0] * list->d[m][0] + list->d[m][1] * list->d[m][1] +
                                          list->d[m][2] * list->d[m][2]),
                         1e-12);
    }
    qsort(brute, nbrute, sizeof *brute, pair_cmp);
    qsort(got, nbrute, sizeof *got, pair_cmp);
    for (int m = 0; m < nbrute; m++) assert_int_equal(pair_cmp(&brute[m], &got[m]), 0);
    total += nbrute;
    free(brute);
    free(got);
  }
  /* Newton's third law: the full list is symmetric, so the count is even. */
  assert_int_equal(total % 2, 0);
  assert_ufp_ok(UfpNeighborListDestroy(&list));
  assert_null(list);
  assert_ufp_ok(UfpNeighborListDestroy(&list));
  free(x);
}

static void test_small_cell_many_images(void **state)
{
  (void)state;
  /* A 16-atom gamma-Li3PS4-sized cell with an 8 Å cutoff: 2 images per axis. */
  double lattice[3][3] = {{7.70829, 0, 0}, {0, 6.53521, 0}, {0, 0, 6.1365}};
  int pbc[3] = {1, 1, 1};
  check_against_brute_force(lattice, pbc, 16, 8.0, 1, 0.0);
}

static void test_tiny_cell_self_images(void **state)
{
  (void)state;
  /* One atom in a 2.5 Å bcc-like triclinic cell: all neighbours are images of itself. */
  double lattice[3][3] = {{-1.6, 1.6, 1.6}, {1.6, -1.6, 1.6}, {1.6, 1.6, -1.6}};
  int pbc[3] = {1, 1, 1};
  check_against_brute_force(lattice, pbc, 1, 5.5, 2, 0.0);
  check_against_brute_force(lattice, pbc, 2, 6.0, 3, 0.0);
}

static void test_skewed_large_cell(void **state)
{
  (void)state;
  double lattice[3][3] = {{16.0, 0.0, 0.0}, {5.0, 14.0, 0.0}, {-3.0, 4.0, 15.0}};
  int pbc[3] = {1, 1, 1};
  check_against_brute_force(lattice, pbc, 200, 5.5, 4, 0.0);
}

static void test_unwrapped_input(void **state)
{
  (void)state;
  double lattice[3][3] = {{9.0, 0.0, 0.0}, {1.0, 8.0, 0.0}, {0.5, -1.0, 7.0}};
  int pbc[3] = {1, 1, 1};
  check_against_brute_force(lattice, pbc, 40, 4.0, 5, 1.5);
}

static void test_slab_and_molecule(void **state)
{
  (void)state;
  double lattice[3][3] = {{8.0, 0.0, 0.0}, {0.0, 7.0, 0.0}, {0.0, 0.0, 20.0}};
  int slab[3] = {1, 1, 0}, molecule[3] = {0, 0, 0};
  check_against_brute_force(lattice, slab, 30, 5.0, 6, 0.0);
  check_against_brute_force(lattice, molecule, 30, 5.0, 7, 0.0);
}

static void test_bad_cutoff(void **state)
{
  (void)state;
  double lattice[3][3] = {{8.0, 0.0, 0.0}, {0.0, 7.0, 0.0}, {0.0, 0.0, 20.0}};
  UfpCell cell;
  double x[1][3] = {{0, 0, 0}};
  UfpNeighborList *list = NULL;
  assert_ufp_ok(UfpCellSetup(&cell, lattice, NULL));
  assert_ufp_fails(UfpNeighborListBuild(&cell, 1, (const double(*)[3])x, 0.0, &list), UFP_ERR_USAGE,
                   "cutoff");
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_small_cell_many_images), cmocka_unit_test(test_tiny_cell_self_images),
      cmocka_unit_test(test_skewed_large_cell),      cmocka_unit_test(test_unwrapped_input),
      cmocka_unit_test(test_slab_and_molecule),      cmocka_unit_test(test_bad_cutoff),
  };
  return UFP_TEST_MAIN("neighbor", tests);
}
