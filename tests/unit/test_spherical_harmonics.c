/*
 * test_spherical_harmonics.c -- real harmonics, the spherical form of
 * symmetric tensors, and Clebsch-Gordan coupling (efg/spherical_harmonics.h).
 */
#include <math.h>
#include <stdlib.h>

#include "efg_tensor.h"
#include "quadrature.h"
#include "spherical_harmonics.h"
#include "test_util.h"
#include "units.h"

static void random_unit(unsigned *seed, double r[3])
{
  double n = 0;
  for (int a = 0; a < 3; a++) {
    r[a] = 2.0 * rand_r(seed) / RAND_MAX - 1.0;
    n += r[a] * r[a];
  }
  for (int a = 0; a < 3; a++) r[a] /= sqrt(n);
}

/* Orthonormality on the sphere (exact quadrature for degree <= 2 lmax). */
static void test_orthonormal(void **state)
{
  (void)state;
  enum { LMAX = 8, NT = 20, NP = 40, NY = (LMAX + 1) * (LMAX + 1) };
  double xt[NT], wt[NT], gram[NY][NY] = {{0}}, y[NY];
  GaussLegendre(NT, xt, wt);
  for (int i = 0; i < NT; i++)
    for (int k = 0; k < NP; k++) {
      double phi = 2.0 * UFP_PI * k / NP, s = sqrt(1.0 - xt[i] * xt[i]);
      double r[3] = {s * cos(phi), s * sin(phi), xt[i]};
      SphRealHarmonics(LMAX, r, y);
      for (int a = 0; a < NY; a++)
        for (int b = 0; b < NY; b++) gram[a][b] += wt[i] * (2.0 * UFP_PI / NP) * y[a] * y[b];
    }
  double worst = 0;
  for (int a = 0; a < NY; a++)
    for (int b = 0; b < NY; b++) worst = fmax(worst, fabs(gram[a][b] - (a == b)));
  print_message("orthonormality to l = %d: max |G - I| = %.2e\n", LMAX, worst);
  assert_true(worst < 1e-12);
}

/* Closed forms for l <= 2, and the addition theorem to l = 12. */
static void test_values(void **state)
{
  (void)state;
  unsigned seed = 5;
  double y[13 * 13], yb[13 * 13];
  for (int t = 0; t < 20; t++) {
    double r[3], b[3];
    random_unit(&seed, r);
    random_unit(&seed, b);
    double r2[3] = {3 * r[0], 3 * r[1], 3 * r[2]};
    SphRealHarmonics(12, r2, y); /* the length must not matter */
    const double c1 = sqrt(3.0 / (4.0 * UFP_PI));
    assert_close(y[0], sqrt(1.0 / (4.0 * UFP_PI)), 1e-15);
    assert_close(y[1], c1 * r[1], 1e-14);
    assert_close(y[2], c1 * r[2], 1e-14);
    assert_close(y[3], c1 * r[0], 1e-14);
    assert_close(y[4], 0.5 * sqrt(15.0 / UFP_PI) * r[0] * r[1], 1e-14);
    assert_close(y[6], 0.25 * sqrt(5.0 / UFP_PI) * (3 * r[2] * r[2] - 1), 1e-14);
    assert_close(y[8], 0.25 * sqrt(15.0 / UFP_PI) * (r[0] * r[0] - r[1] * r[1]), 1e-14);
    SphRealHarmonics(12, b, yb);
    double cosg = r[0] * b[0] + r[1] * b[1] + r[2] * b[2];
    for (int l = 0; l <= 12; l++) {
      double sum = 0;
      for (int m = -l; m <= l; m++) sum += y[l * l + l + m] * yb[l * l + l + m];
      assert_close(sum, (2 * l + 1) / (4.0 * UFP_PI) * LegendreP(l, cosg, NULL), 1e-12);
    }
  }
  /* The poles: only m = 0 survives. */
  double z[3] = {0, 0, -2};
  SphRealHarmonics(6, z, y);
  for (int l = 0; l <= 6; l++)
    for (int m = -l; m <= l; m++)
      assert_close(y[l * l + l + m], m ? 0.0 : sqrt((2 * l + 1) / (4.0 * UFP_PI)) * (l % 2 ? -1 : 1), 1e-14);
}

/* efg_tensor.h's l = 2 components against the harmonics: round trip, norm,
 * and t_mu = sqrt(8 pi / 15) |r|^2 Y_2mu for V = r r^T - |r|^2 I / 3. */
static void test_tensor_map(void **state)
{
  (void)state;
  unsigned seed = 9;
  for (int t = 0; t < 20; t++) {
    double v[3][3], back[3][3], v0, sph[5];
    for (int a = 0; a < 3; a++)
      for (int b = 0; b <= a; b++) v[a][b] = v[b][a] = 2.0 * rand_r(&seed) / RAND_MAX - 1.0;
    UfpEfgToSpherical(v, &v0, sph);
    UfpEfgFromSpherical(v0, sph, back);
    double norm = 0, tn = 0;
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) {
        assert_close(back[a][b], v[a][b], 1e-14);
        double d = v[a][b] - (a == b) * v0 / sqrt(3.0); /* t00 = trace / sqrt3 */
        norm += d * d;
      }
    for (int m = 0; m < 5; m++) tn += sph[m] * sph[m];
    assert_close(tn, norm, 1e-13);
    double r[3], y[9];
    random_unit(&seed, r);
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) v[a][b] = 4.0 * r[a] * r[b] - (a == b) * 4.0 / 3.0;
    UfpEfgToSpherical(v, &v0, sph);
    SphRealHarmonics(2, r, y);
    assert_close(v0, 0.0, 1e-14);
    for (int m = 0; m < 5; m++) assert_close(sph[m], 4.0 * sqrt(8.0 * UFP_PI / 15.0) * y[4 + m], 1e-13);
  }
}

/* Clebsch-Gordan: tabulated values and orthogonality; real coupling:
 * unitarity, the Gaunt identity, and the cross product for (1, 1) -> 1. */
static void test_coupling(void **state)
{
  (void)state;
  assert_close(SphClebschGordan(1, 1, 1, -1, 0, 0), 1.0 / sqrt(3.0), 1e-15);
  assert_close(SphClebschGordan(1, 0, 1, 0, 2, 0), sqrt(2.0 / 3.0), 1e-15);
  assert_close(SphClebschGordan(1, 0, 1, 0, 0, 0), -1.0 / sqrt(3.0), 1e-15);
  assert_close(SphClebschGordan(2, 1, 1, -1, 1, 0), sqrt(3.0 / 10.0), 1e-15);
  assert_close(SphClebschGordan(1, 1, 1, 0, 1, 1), 1.0 / sqrt(2.0), 1e-15);
  unsigned seed = 3;
  for (int l1 = 0; l1 <= 4; l1++)
    for (int l2 = 0; l2 <= 4; l2++)
      for (int L = abs(l1 - l2); L <= l1 + l2; L++) {
        int n1 = 2 * l1 + 1, n2 = 2 * l2 + 1, nL = 2 * L + 1;
        double *c = malloc(sizeof(double) * nL * n1 * n2);
        assert_ufp_ok(SphRealCoupling(l1, l2, L, c));
        for (int M = 0; M < nL; M++)
          for (int Mp = 0; Mp < nL; Mp++) {
            double dot = 0;
            for (int k = 0; k < n1 * n2; k++) dot += c[M * n1 * n2 + k] * c[Mp * n1 * n2 + k];
            assert_close(dot, M == Mp, 1e-13);
          }
        double r[3], y[81], yL[81];
        random_unit(&seed, r);
        SphRealHarmonics(8, r, y);
        for (int a = 0; a < 81; a++) yL[a] = y[a];
        double gaunt = sqrt(n1 * n2 / (4.0 * UFP_PI * nL)) * SphClebschGordan(l1, 0, l2, 0, L, 0);
        for (int M = -L; M <= L; M++) {
          double f = 0;
          for (int m1 = -l1; m1 <= l1; m1++)
            for (int m2 = -l2; m2 <= l2; m2++)
              f += c[((M + L) * n1 + m1 + l1) * n2 + m2 + l2] * y[l1 * l1 + l1 + m1] * y[l2 * l2 + l2 + m2];
          assert_close(f, (l1 + l2 + L) % 2 ? 0.0 : gaunt * yL[L * L + L + M], 1e-13);
        }
        free(c);
      }
  double c[27], a[3], b[3], ya[4], yb[4];
  assert_ufp_ok(SphRealCoupling(1, 1, 1, c));
  random_unit(&seed, a);
  random_unit(&seed, b);
  SphRealHarmonics(1, a, ya);
  SphRealHarmonics(1, b, yb);
  double cross[3] = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  const int axis[3] = {1, 2, 0}; /* M = -1, 0, 1 <-> y, z, x */
  double f[3];
  for (int M = 0; M < 3; M++) {
    f[M] = 0;
    for (int m1 = 0; m1 < 3; m1++)
      for (int m2 = 0; m2 < 3; m2++) f[M] += c[(M * 3 + m1) * 3 + m2] * ya[1 + m1] * yb[1 + m2];
  }
  double k = f[0] / cross[axis[0]];
  assert_close(fabs(k), 3.0 / (4.0 * UFP_PI) / sqrt(2.0), 1e-13);
  for (int M = 0; M < 3; M++) assert_close(f[M], k * cross[axis[M]], 1e-13);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_orthonormal),
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_tensor_map),
      cmocka_unit_test(test_coupling),
  };
  return UFP_TEST_MAIN("spherical_harmonics", tests);
}
