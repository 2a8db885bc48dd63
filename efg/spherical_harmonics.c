/* spherical_harmonics.c -- see spherical_harmonics.h for the conventions. */
#include "spherical_harmonics.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>

#include "units.h"

static const double SQRT2 = 1.41421356237309504880;

int SphCount(int lmax) { return (lmax + 1) * (lmax + 1); }

void SphRealHarmonics(int lmax, const double r[3], double *y)
{
  const double norm = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
  const double x = r[0] / norm, yy = r[1] / norm, z = r[2] / norm;
  /* q_mm = Pbar_m^m / sin^m(theta), then upward in l; c_m + i s_m = (x + i y)^m. */
  double qmm = sqrt(1.0 / (4.0 * UFP_PI)), cm = 1.0, sm = 0.0;
  for (int m = 0; m <= lmax; m++) {
    if (m > 0) {
      qmm *= sqrt((2.0 * m + 1.0) / (2.0 * m));
      double c = cm * x - sm * yy, s = cm * yy + sm * x;
      cm = c;
      sm = s;
    }
    double q2 = 0.0, q1 = qmm; /* q_{l-2}, q_{l-1} */
    for (int l = m; l <= lmax; l++) {
      double q;
      if (l == m) q = qmm;
      else if (l == m + 1) q = sqrt(2.0 * m + 3.0) * z * qmm;
      else {
        double a = sqrt((4.0 * l * l - 1.0) / ((double)l * l - (double)m * m));
        double b = sqrt(((l - 1.0) * (l - 1.0) - (double)m * m) / (4.0 * (l - 1.0) * (l - 1.0) - 1.0));
        q = a * (z * q1 - b * q2);
      }
      if (l > m) {
        q2 = q1;
        q1 = q;
      }
      if (m == 0) y[l * l + l] = q;
      else {
        y[l * l + l + m] = SQRT2 * q * cm;
        y[l * l + l - m] = SQRT2 * q * sm;
      }
    }
  }
}

static double factorial(int n)
{
  double f = 1.0;
  for (int k = 2; k <= n; k++) f *= k;
  return f;
}

double SphClebschGordan(int l1, int m1, int l2, int m2, int L, int M)
{
  if (M != m1 + m2 || abs(m1) > l1 || abs(m2) > l2 || abs(M) > L || L < abs(l1 - l2) || L > l1 + l2) return 0.0;
  double pre = sqrt((2.0 * L + 1.0) * factorial(L + l1 - l2) * factorial(L - l1 + l2) * factorial(l1 + l2 - L) /
                    factorial(l1 + l2 + L + 1)) *
               sqrt(factorial(L + M) * factorial(L - M) * factorial(l1 - m1) * factorial(l1 + m1) *
                    factorial(l2 - m2) * factorial(l2 + m2));
  double sum = 0.0;
  for (int k = 0; k <= l1 + l2 - L; k++) {
    int d[6] = {k, l1 + l2 - L - k, l1 - m1 - k, l2 + m2 - k, L - l2 + m1 + k, L - l1 - m2 + k};
    int ok = 1;
    for (int q = 0; q < 6; q++) ok &= d[q] >= 0;
    if (!ok) continue;
    double den = 1.0;
    for (int q = 0; q < 6; q++) den *= factorial(d[q]);
    sum += (k % 2 ? -1.0 : 1.0) / den;
  }
  return pre * sum;
}

/* U_{m m'}: real harmonic m from complex m' (spherical_harmonics.h). */
static double complex unitary(int m, int mp)
{
  const double h = 1.0 / SQRT2;
  const double sign = (abs(m) % 2) ? -1.0 : 1.0;
  if (m == 0) return mp == 0 ? 1.0 : 0.0;
  if (m > 0) {
    if (mp == m) return sign * h;
    if (mp == -m) return h;
    return 0.0;
  }
  if (mp == m) return I * h;
  if (mp == -m) return -I * sign * h;
  return 0.0;
}

UfpErrorCode SphRealCoupling(int l1, int l2, int L, double *c)
{
  UfpCheck(l1 >= 0 && l2 >= 0 && L >= abs(l1 - l2) && L <= l1 + l2 && l1 + l2 <= 40, UFP_ERR_INPUT,
           "coupling (%d, %d) -> %d violates the triangle rule or exceeds l = 20", l1, l2, L);
  const int n1 = 2 * l1 + 1, n2 = 2 * l2 + 1, odd = (l1 + l2 + L) % 2;
  for (int M = -L; M <= L; M++)
    for (int m1 = -l1; m1 <= l1; m1++)
      for (int m2 = -l2; m2 <= l2; m2++) {
        double complex sum = 0.0;
        /* U_{m m'} is non-zero only for m' = +-m: four terms at most. */
        for (int s1 = -1; s1 <= 1; s1 += 2)
          for (int s2 = -1; s2 <= 1; s2 += 2) {
            int p1 = s1 * m1, p2 = s2 * m2;
            if ((m1 == 0 && s1 < 0) || (m2 == 0 && s2 < 0)) continue;
            int Mp = p1 + p2;
            if (abs(Mp) > L) continue;
            double complex u = conj(unitary(m1, p1)) * conj(unitary(m2, p2));
            if (u == 0.0) continue;
            double cg = SphClebschGordan(l1, p1, l2, p2, L, Mp);
            sum += unitary(M, Mp) * cg * u;
          }
        c[((M + L) * n1 + m1 + l1) * n2 + m2 + l2] = odd ? cimag(sum) : creal(sum);
      }
  return UFP_SUCCESS;
}
