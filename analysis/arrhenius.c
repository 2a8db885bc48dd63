/* arrhenius.c -- see arrhenius.h. */
#include "arrhenius.h"

#include <math.h>
#include <string.h>

#include "units.h"

/* The normal quantile z with P(|Z| < z) = level (bisection on erf). */
static double two_sided_z(double level)
{
  double a = 0.0, b = 10.0;
  for (int it = 0; it < 100; it++) {
    const double m = 0.5 * (a + b);
    if (erf(m / sqrt(2.0)) < level)
      a = m;
    else
      b = m;
  }
  return 0.5 * (a + b);
}

UfpErrorCode ArrheniusFitRates(int n, const double *t, const double *k, const double *lo, const double *hi,
                               double level, double t0, ArrheniusFit *fit)
{
  memset(fit, 0, sizeof *fit);
  fit->t0 = t0;
  const double z = two_sided_z(level);
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, mean_sigma = 0;
  int nsig = 0;
  for (int i = 0; i < n; i++)
    if (isfinite(k[i]) && k[i] > 0 && isfinite(lo[i]) && isfinite(hi[i]) && lo[i] > 0 && hi[i] > lo[i])
      mean_sigma += (log(hi[i]) - log(lo[i])) / (2 * z), nsig++;
  mean_sigma = nsig ? mean_sigma / nsig : 1.0;
  double tmin = HUGE_VAL, tmax = -HUGE_VAL;
  for (int i = 0; i < n; i++) {
    if (!(isfinite(k[i]) && k[i] > 0 && t[i] > 0)) continue;
    double sigma = mean_sigma;
    if (isfinite(lo[i]) && isfinite(hi[i]) && lo[i] > 0 && hi[i] > lo[i])
      sigma = (log(hi[i]) - log(lo[i])) / (2 * z);
    const double w = 1.0 / (sigma * sigma), x = 1.0 / (UFP_BOLTZMANN_EV_K * t[i]), y = log(k[i]);
    sw += w, sx += w * x, sy += w * y, sxx += w * x * x, sxy += w * x * y;
    tmin = fmin(tmin, t[i]), tmax = fmax(tmax, t[i]);
    fit->used++;
  }
  UfpCheck(fit->used >= 2 && tmax > tmin, UFP_ERR_INPUT,
           "Arrhenius fit: %d usable rate(s) at %s temperature(s); at least two temperatures are needed",
           fit->used, tmax > tmin ? "different" : "one");
  const double det = sw * sxx - sx * sx, slope = (sw * sxy - sx * sy) / det,
               icpt = (sxx * sy - sx * sxy) / det;
  /* Covariance of (intercept, slope) from the weights, scaled by chi^2. */
  double var_i = sxx / det, var_s = sw / det, cov = -sx / det, chi2 = 0.0;
  for (int i = 0; i < n; i++) {
    if (!(isfinite(k[i]) && k[i] > 0 && t[i] > 0)) continue;
    double sigma = mean_sigma;
    if (isfinite(lo[i]) && isfinite(hi[i]) && lo[i] > 0 && hi[i] > lo[i])
      sigma = (log(hi[i]) - log(lo[i])) / (2 * z);
    const double r = (log(k[i]) - (icpt + slope / (UFP_BOLTZMANN_EV_K * t[i]))) / sigma;
    chi2 += r * r;
  }
  fit->chi2_red = fit->used > 2 ? chi2 / (fit->used - 2) : NAN;
  if (fit->used > 2 && fit->chi2_red > 1)
    var_i *= fit->chi2_red, var_s *= fit->chi2_red, cov *= fit->chi2_red;
  fit->ea_ev = -slope;
  fit->ea_err_ev = sqrt(var_s);
  fit->ln_a = icpt;
  fit->ln_a_err = sqrt(var_i);
  const double x0 = 1.0 / (UFP_BOLTZMANN_EV_K * t0), y0 = icpt + slope * x0;
  const double s0 = sqrt(fmax(0.0, var_i + x0 * x0 * var_s + 2 * x0 * cov));
  fit->rate_t0 = exp(y0);
  fit->rate_t0_lo = exp(y0 - z * s0);
  fit->rate_t0_hi = exp(y0 + z * s0);
  return UFP_SUCCESS;
}
