/* test_bspline.c -- tabulated clamped cubic B-spline bases. */
#include <math.h>
#include <stdlib.h>

#include "bspline.h"
#include "test_util.h"

static const double uniform[] = {1.0, 1.0, 1.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.0, 4.0, 4.0};
/* Non-uniform with a repeated interior knot (a C1 point). */
static const double nonuniform[] = {0.5, 0.5, 0.5, 0.5, 0.9, 1.7, 1.7, 2.2, 3.9, 5.0, 5.0, 5.0, 5.0};

static double rand_uniform(double lo, double hi) { return lo + (hi - lo) * (rand() / (double)RAND_MAX); }

static void check_basis(const double *knots, int nknots, int expect_uniform)
{
  Uf3Basis basis;
  assert_ufp_ok(Uf3BasisSetup(&basis, nknots, knots));
  assert_int_equal(basis.ncoeff, nknots - 4);
  assert_int_equal(basis.uniform, expect_uniform);
  srand(3);
  for (int t = 0; t < 2000; t++) {
    double r = rand_uniform(basis.rmin, basis.rmax - 1e-12), value[4], deriv[4];
    int first = Uf3BasisEvaluate(&basis, r, value, deriv);
    assert_true(first >= 0 && first + 3 < basis.ncoeff);
    double sum = 0.0, dsum = 0.0;
    for (int a = 0; a < 4; a++) {
      sum += value[a];
      dsum += deriv[a];
      /* Against the Cox-de Boor recursion. */
      assert_close(value[a], Uf3BasisReference(&basis, first + a, r), 1e-13);
      /* Derivative against a central difference of the reference. */
      double h = 1e-6;
      if (r - h > basis.rmin && r + h < basis.rmax) {
        double fd = (Uf3BasisReference(&basis, first + a, r + h) - Uf3BasisReference(&basis, first + a, r - h)) / (2 * h);
        /* Skip points within h of a knot, where the derivative may jump. */
        int near_knot = 0;
        for (int k = 0; k < nknots; k++) near_knot |= fabs(r - knots[k]) < 2 * h;
        if (!near_knot) assert_close(deriv[a], fd, 1e-6);
      }
    }
    /* Partition of unity on the whole domain. */
    assert_close(sum, 1.0, 1e-13);
    assert_close(dsum, 0.0, 1e-11);
    /* The other basis functions vanish here. */
    for (int n = 0; n < basis.ncoeff; n++)
      if (n < first || n > first + 3) assert_close(Uf3BasisReference(&basis, n, r), 0.0, 0.0);
  }
  double value[4], deriv[4];
  assert_int_equal(Uf3BasisEvaluate(&basis, basis.rmax, value, deriv), -1);
  assert_int_equal(Uf3BasisEvaluate(&basis, basis.rmin - 1e-9, value, deriv), -1);
  assert_int_equal(Uf3BasisEvaluate(&basis, NAN, value, deriv), -1);
  assert_int_equal(Uf3BasisEvaluate(&basis, basis.rmin, value, deriv), 0);
  assert_close(value[0], 1.0, 1e-15); /* clamped: B_0(t_0) = 1 */
  Uf3BasisFree(&basis);
}

static void test_uniform_knots(void **state)
{
  (void)state;
  check_basis(uniform, 13, 1);
}

static void test_nonuniform_knots(void **state)
{
  (void)state;
  check_basis(nonuniform, 13, 0);
}

static void test_interval_lookup_at_knots(void **state)
{
  (void)state;
  Uf3Basis basis;
  assert_ufp_ok(Uf3BasisSetup(&basis, 13, uniform));
  /* Exactly at an interior knot the interval to its right is used. */
  for (int q = 0; q < basis.nintervals; q++) assert_int_equal(Uf3BasisInterval(&basis, basis.start[q]), q);
  assert_int_equal(Uf3BasisInterval(&basis, nextafter(basis.start[2], 0.0)), 1);
  Uf3BasisFree(&basis);
}

static void test_bad_knots(void **state)
{
  (void)state;
  Uf3Basis basis;
  const double unclamped[] = {1.0, 1.0, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 3.0, 3.0, 3.0};
  const double decreasing[] = {1.0, 1.0, 1.0, 1.0, 2.0, 1.5, 3.0, 3.0, 3.0, 3.0};
  const double too_few[] = {1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0};
  assert_ufp_fails(Uf3BasisSetup(&basis, 11, unclamped), UFP_ERR_INPUT, "not clamped");
  Uf3BasisFree(&basis);
  assert_ufp_fails(Uf3BasisSetup(&basis, 10, decreasing), UFP_ERR_INPUT, "must not decrease");
  Uf3BasisFree(&basis);
  assert_ufp_fails(Uf3BasisSetup(&basis, 7, too_few), UFP_ERR_INPUT, "at least 8 knots");
  Uf3BasisFree(&basis);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_uniform_knots),
      cmocka_unit_test(test_nonuniform_knots),
      cmocka_unit_test(test_interval_lookup_at_knots),
      cmocka_unit_test(test_bad_knots),
  };
  return UFP_TEST_MAIN("bspline", tests);
}
