/* test_cell.c -- triclinic cell geometry. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "test_util.h"

static const double skewed[3][3] = {{6.0, 0.0, 0.0}, {2.5, 5.5, 0.0}, {-1.2, 1.7, 6.3}};

static double rand_uniform(double lo, double hi) { return lo + (hi - lo) * (rand() / (double)RAND_MAX); }

static void test_inverse_and_volume(void **state)
{
  (void)state;
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, skewed, NULL));
  assert_close(cell.volume, 6.0 * 5.5 * 6.3, 1e-12);
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 3; k++) {
      double sum = 0;
      for (int m = 0; m < 3; m++) sum += skewed[i][m] * cell.hinv[m][k];
      assert_close(sum, i == k ? 1.0 : 0.0, 1e-14);
    }
  /* Plane spacing along c is the height of the cell along z here. */
  assert_close(cell.width[2], 6.3, 1e-12);
  double x[3] = {1.0, -2.0, 3.5}, s[3], back[3];
  UfpCellFracFromCart(&cell, x, s);
  UfpCellCartFromFrac(&cell, s, back);
  for (int k = 0; k < 3; k++) assert_close(back[k], x[k], 1e-13);
}

static void test_singular_lattice(void **state)
{
  (void)state;
  UfpCell cell;
  double flat[3][3] = {{1, 0, 0}, {0, 1, 0}, {1, 1, 0}};
  assert_ufp_fails(UfpCellSetup(&cell, flat, NULL), UFP_ERR_INPUT, "singular");
}

static void test_wrap_returns_image(void **state)
{
  (void)state;
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, skewed, NULL));
  srand(7);
  for (int t = 0; t < 1000; t++) {
    double x[3], w[3], s[3], shift[3];
    int n[3];
    for (int k = 0; k < 3; k++) x[k] = rand_uniform(-30, 30);
    memcpy(w, x, sizeof w);
    UfpCellWrap(&cell, w, n);
    UfpCellFracFromCart(&cell, w, s);
    for (int a = 0; a < 3; a++) assert_true(s[a] >= 0.0 && s[a] < 1.0);
    UfpCellShift(&cell, n, shift);
    for (int k = 0; k < 3; k++) assert_close(w[k] + shift[k], x[k], 1e-12);
  }
}

static void test_minimum_image_is_shortest(void **state)
{
  (void)state;
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, skewed, NULL));
  srand(11);
  for (int t = 0; t < 500; t++) {
    double xi[3], xj[3], d[3];
    for (int k = 0; k < 3; k++) {
      xi[k] = rand_uniform(-10, 10);
      xj[k] = rand_uniform(-10, 10);
    }
    UfpCellMinimumImage(&cell, xi, xj, d);
    double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    /* Brute force over a wide shell of images. */
    double best = INFINITY;
    for (int a = -6; a <= 6; a++)
      for (int b = -6; b <= 6; b++)
        for (int c = -6; c <= 6; c++) {
          int n[3] = {a, b, c};
          double shift[3], e[3];
          UfpCellShift(&cell, n, shift);
          for (int k = 0; k < 3; k++) e[k] = xj[k] - xi[k] + shift[k];
          best = fmin(best, sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]));
        }
    assert_close(r, best, 1e-10);
  }
}

static void test_image_range(void **state)
{
  (void)state;
  /* gamma-Li3PS4: 7.708 x 6.535 x 6.137 Å; an 8 Å cutoff needs 2 images along b and c. */
  double lattice[3][3] = {{7.70829, 0, 0}, {0, 6.53521, 0}, {0, 0, 6.1365}};
  int pbc[3] = {1, 1, 0};
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, lattice, pbc));
  int n[3];
  UfpCellImageRange(&cell, 8.0, n);
  assert_int_equal(n[0], 2);
  assert_int_equal(n[1], 2);
  assert_int_equal(n[2], 0);
  UfpCellImageRange(&cell, 5.5, n);
  assert_int_equal(n[0], 1);
  assert_int_equal(n[1], 1);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_inverse_and_volume),
      cmocka_unit_test(test_singular_lattice),
      cmocka_unit_test(test_wrap_returns_image),
      cmocka_unit_test(test_minimum_image_is_shortest),
      cmocka_unit_test(test_image_range),
  };
  return UFP_TEST_MAIN("cell", tests);
}
