/* msd.c -- see msd.h. */
#include "msd.h"

UfpErrorCode MsdCompute(AcfPlan plan, int n, const double (*r)[3], double *msd)
{
  double *coord = NULL, *acf = NULL;
  UfpCall(UfpCalloc(3 * (size_t)n, &coord));
  UfpErrorCode ierr = UfpCalloc(3 * (size_t)n, &acf);
  for (int m = 0; m < n; m++) msd[m] = 0.0;
  for (int k = 0; k < n && !ierr; k++)
    for (int a = 0; a < 3; a++) coord[(size_t)a * n + k] = r[k][a];
  /* x and y through one complex FFT, z alone. */
  if (!ierr) ierr = AcfExecutePair(plan, coord, coord + n, acf, acf + n);
  if (!ierr) ierr = AcfExecute(plan, coord + 2 * (size_t)n, acf + 2 * (size_t)n, NULL, NULL);
  for (int a = 0; a < 3 && !ierr; a++)
    for (int m = 0; m < n; m++) msd[m] -= 2.0 * acf[(size_t)a * n + m];
  if (!ierr) {
    double q = 0.0;
    for (int k = 0; k < n; k++) q += 2.0 * (r[k][0] * r[k][0] + r[k][1] * r[k][1] + r[k][2] * r[k][2]);
    for (int m = 0; m < n; m++) {
      if (m > 0) {
        const double *a = r[m - 1], *b = r[n - m];
        q -= a[0] * a[0] + a[1] * a[1] + a[2] * a[2] + b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
      }
      msd[m] += q / (n - m);
    }
    msd[0] = 0.0;
  }
  UfpFree(&coord);
  UfpFree(&acf);
  return ierr;
}

void MsdDirect(int n, const double (*r)[3], double *msd)
{
  for (int m = 0; m < n; m++) {
    double s = 0.0;
    for (int k = 0; k + m < n; k++)
      for (int a = 0; a < 3; a++) s += (r[k + m][a] - r[k][a]) * (r[k + m][a] - r[k][a]);
    msd[m] = s / (n - m);
  }
}

UfpErrorCode MsdDiffusion(int n, const double *t, const double *msd, double t_min, double t_max, double *d)
{
  double st = 0, sm = 0, stt = 0, stm = 0;
  int count = 0;
  for (int k = 0; k < n; k++)
    if (t[k] >= t_min && t[k] <= t_max) {
      st += t[k];
      sm += msd[k];
      stt += t[k] * t[k];
      stm += t[k] * msd[k];
      count++;
    }
  UfpCheck(count >= 2, UFP_ERR_INPUT, "MSD fit: %d points in [%g, %g]", count, t_min, t_max);
  double slope = (count * stm - st * sm) / (count * stt - st * st);
  *d = slope / 6.0;
  return UFP_SUCCESS;
}
