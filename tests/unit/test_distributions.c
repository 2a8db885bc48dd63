/*
 * test_distributions.c -- histograms (bin edges, the closed upper end,
 * values outside) and the (theta, phi) orientation map: the symmetries of
 * omega_Q fold onto one bin, and isotropic field directions give the
 * folded marginals of a uniform sphere, P(theta < a) = 1 - cos a and a
 * uniform phi.
 */
#include <math.h>
#include <stdlib.h>

#include "distributions.h"
#include "test_util.h"
#include "units.h"

static void test_histogram(void **state)
{
  (void)state;
  Histogram h;
  assert_ufp_ok(HistogramCreate(4, -2.0, 2.0, &h));
  const double x[] = {-2.0, -1.5, -1.0, -0.01, 0.0, 0.99, 1.0, 2.0, 2.0001, -3.0, NAN};
  for (size_t k = 0; k < sizeof x / sizeof x[0]; k++) HistogramAdd(&h, x[k]);
  /* bins [-2,-1) [-1,0) [0,1) [1,2]; 2 is in the last bin */
  assert_close(h.counts[0], 2.0, 0.0);
  assert_close(h.counts[1], 2.0, 0.0);
  assert_close(h.counts[2], 2.0, 0.0);
  assert_close(h.counts[3], 2.0, 0.0);
  assert_close(h.outside, 3.0, 0.0);
  HistogramFree(&h);
  assert_ufp_fails(HistogramCreate(4, 1.0, 1.0, &h), UFP_ERR_INPUT, "histogram");
}

static void test_orientation(void **state)
{
  (void)state;
  enum { NB = 9 };
  double map[NB * NB];
  /* theta -> pi - theta, phi -> -phi, phi -> pi - phi and phi -> phi - pi leave omega_Q alone. */
  uint64_t seed = 5;
  for (int trial = 0; trial < 200; trial++) {
    double t = UFP_PI * ufp_test_uniform(&seed), p = UFP_PI * (2.0 * ufp_test_uniform(&seed) - 1.0);
    const double images[][2] = {{t, p}, {UFP_PI - t, -p}, {t, UFP_PI - p}, {t, p - UFP_PI}, {t, p + 2 * UFP_PI}};
    int bin = -1;
    for (size_t k = 0; k < sizeof images / sizeof images[0]; k++) {
      for (int b = 0; b < NB * NB; b++) map[b] = 0.0;
      OrientationAdd(NB, images[k][0], images[k][1], map);
      int here = -1;
      for (int b = 0; b < NB * NB; b++)
        if (map[b] == 1.0) here = b;
      assert_true(here >= 0);
      if (bin < 0) bin = here;
      assert_int_equal(here, bin);
    }
  }
  /* Isotropic directions. */
  enum { M = 400000 };
  for (int b = 0; b < NB * NB; b++) map[b] = 0.0;
  for (int k = 0; k < M; k++) {
    double z = 2.0 * ufp_test_uniform(&seed) - 1.0, p = UFP_PI * (2.0 * ufp_test_uniform(&seed) - 1.0);
    OrientationAdd(NB, acos(z), p, map);
  }
  double total = 0.0;
  for (int i = 0; i < NB; i++) {
    double row = 0.0, lo = 0.5 * UFP_PI * i / NB, hi = 0.5 * UFP_PI * (i + 1) / NB;
    for (int j = 0; j < NB; j++) row += map[i * NB + j];
    total += row;
    assert_close(row / M, cos(lo) - cos(hi), 4.0 * sqrt((cos(lo) - cos(hi)) / M));
  }
  assert_close(total, M, 0.0);
  for (int j = 0; j < NB; j++) {
    double col = 0.0;
    for (int i = 0; i < NB; i++) col += map[i * NB + j];
    assert_close(col / M, 1.0 / NB, 4.0 * sqrt(1.0 / NB / M));
  }
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_histogram), cmocka_unit_test(test_orientation)};
  return UFP_TEST_MAIN("distributions", tests);
}
