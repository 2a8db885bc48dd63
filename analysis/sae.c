/* sae.c -- see sae.h. */
#include "sae.h"

#include <math.h>

#include "units.h"

UfpErrorCode SaeEchoAccumulate(AcfPlan plan, int n, const double *omega_hz, double t_p, double *work, double *echo)
{
  double *s = work, *c = work + n;
  for (int k = 0; k < n; k++) s[k] = sin(2.0 * UFP_PI * omega_hz[k] * t_p);
  UfpCall(AcfExecute(plan, s, c, NULL, NULL));
  for (int k = 0; k < n; k++) echo[k] += 0.45 * c[k];
  return UFP_SUCCESS;
}

void SaeFieldDirections(int n, double (*dirs)[3])
{
  const double golden = UFP_PI * (3.0 - sqrt(5.0));
  for (int k = 0; k < n; k++) {
    double z = 1.0 - (2.0 * k + 1.0) / n, r = sqrt(1.0 - z * z), phi = golden * k;
    dirs[k][0] = r * cos(phi);
    dirs[k][1] = r * sin(phi);
    dirs[k][2] = z;
  }
}
