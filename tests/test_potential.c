/* test_potential.c -- see test_potential.h. */
#include "test_potential.h"

#include <math.h>

#include "test_util.h"

static double switch_off(double r, double rc)
{
  if (r >= rc) return 0.0;
  double x = r / rc;
  return (1 - x * x) * (1 - x * x) * (1 - x * x);
}

static void uniform_knots(double lo, double hi, int ncoeff, double *knots)
{
  int nint = ncoeff - 3;
  for (int k = 0; k < ncoeff + 4; k++) {
    int q = k - 3;
    if (q < 0) q = 0;
    if (q > nint) q = nint;
    knots[k] = lo + (hi - lo) * q / nint;
  }
}

static double greville(const double *knots, int n) { return (knots[n + 1] + knots[n + 2] + knots[n + 3]) / 3.0; }

Uf3Potential *ufp_test_lps_potential(int with_3body)
{
  const char elements[3][UFP_LABEL_MAX] = {"Li", "P", "S"};
  const double A[3][3] = {{600.0, 800.0, 1000.0}, {800.0, 1600.0, 3000.0}, {1000.0, 3000.0, 2400.0}};
  const double C[3][3] = {{1.0, 2.0, 1.0}, {2.0, 4.0, 2.0}, {1.0, 2.0, 2.0}};
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3PotentialCreate(3, elements, &pot));
  double pk[24], pc[20];
  uniform_knots(1.0, 5.5, 20, pk);
  for (int a = 0; a < 3; a++)
    for (int b = a; b < 3; b++) {
      for (int n = 0; n < 20; n++) {
        double r = greville(pk, n);
        pc[n] = n < 17 ? (A[a][b] * exp(-r / 0.3) - C[a][b] / pow(r, 6)) * switch_off(r, 5.5) : 0.0;
      }
      Uf3Spline1D s = {.nknots = 24, .knots = pk, .coeff = pc, .trailing_trim = 3};
      assert_ufp_ok(Uf3PotentialSetPair(pot, a, b, &s));
    }
  if (!with_3body) return pot;
  static double k01[12], k2[20], c3[8 * 8 * 16];
  uniform_knots(1.5, 4.0, 8, k01);
  uniform_knots(1.5, 8.0, 16, k2);
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      for (int c = b; c < 3; c++) {
        double eps = 0.02 * (1 + a) * (b == c ? 1.0 : 0.5);
        for (int l = 0; l < 8; l++)
          for (int m = 0; m < 8; m++)
            for (int n = 0; n < 16; n++) {
              double rij = greville(k01, l), rik = greville(k01, m), rjk = greville(k2, n);
              int zero = l >= 5 || m >= 5 || n >= 13;
              c3[(l * 8 + m) * 16 + n] = zero ? 0.0
                                              : eps * exp(-(rij + rik) + 3.0) * (rjk - 3.5) * (rjk - 3.5) *
                                                    switch_off(rij, 4.0) * switch_off(rik, 4.0);
            }
        Uf3Spline3D s = {.nknots = {12, 12, 20}, .knots = {k01, k01, k2}, .coeff = c3, .trailing_trim = 3};
        assert_ufp_ok(Uf3PotentialSetTriplet(pot, a, b, c, &s));
      }
  return pot;
}
