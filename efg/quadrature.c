/* quadrature.c -- see quadrature.h. */
#include "quadrature.h"

#include <math.h>

#include "units.h"

double LegendreP(int l, double x, double *derivative)
{
  double p0 = 1.0, p1 = x;
  if (l == 0) p1 = 1.0;
  for (int k = 2; k <= l; k++) {
    double p = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
    p0 = p1;
    p1 = p;
  }
  if (derivative) *derivative = l == 0 ? 0.0 : l * (x * p1 - p0) / (x * x - 1.0);
  return p1;
}

void GaussLegendre(int n, double *x, double *w)
{
  for (int i = 0; i < n; i++) {
    double z = cos(UFP_PI * (i + 0.75) / (n + 0.5)), dp;
    for (int it = 0; it < 100; it++) {
      double dz = LegendreP(n, z, &dp) / dp;
      z -= dz;
      if (fabs(dz) < 1e-16) break;
    }
    LegendreP(n, z, &dp);
    x[i] = z;
    w[i] = 2.0 / ((1.0 - z * z) * dp * dp);
  }
}
