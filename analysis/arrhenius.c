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

/* A usable rate, and a usable interval around it. */
static int has_rate(double t, double k) { return isfinite(k) && k > 0 && t > 0; }
static int has_interval(double lo, double hi) { return isfinite(lo) && isfinite(hi) && lo > 0 && hi > lo; }

/* The standard error in ln k of each usable point: from its interval, or
 * the mean of the others' (1 when none has one). */
static void log_sigmas(int n, const double *t, const double *k, const double *lo, const double *hi, double z,
                       double *sigma)
{
  double mean = 0.0;
  int nsig = 0;
  for (int i = 0; i < n; i++)
    if (has_rate(t[i], k[i]) && has_interval(lo[i], hi[i]))
      sigma[i] = (log(hi[i]) - log(lo[i])) / (2 * z), mean += sigma[i], nsig++;
  mean = nsig ? mean / nsig : 1.0;
  for (int i = 0; i < n; i++)
    if (!(has_rate(t[i], k[i]) && has_interval(lo[i], hi[i]))) sigma[i] = mean;
}

UfpErrorCode ArrheniusFitRates(int n, const double *t, const double *k, const double *lo, const double *hi,
                               double level, double t0, ArrheniusFit *fit)
{
  memset(fit, 0, sizeof *fit);
  fit->t0 = t0;
  const double z = two_sided_z(level);
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  double *sigma;
  UfpCall(UfpCalloc(n > 0 ? n : 1, &sigma));
  log_sigmas(n, t, k, lo, hi, z, sigma);
  double tmin = HUGE_VAL, tmax = -HUGE_VAL;
  for (int i = 0; i < n; i++) {
    if (!has_rate(t[i], k[i])) continue;
    const double w = 1.0 / (sigma[i] * sigma[i]), x = 1.0 / (UFP_BOLTZMANN_EV_K * t[i]), y = log(k[i]);
    sw += w, sx += w * x, sy += w * y, sxx += w * x * x, sxy += w * x * y;
    tmin = fmin(tmin, t[i]), tmax = fmax(tmax, t[i]);
    fit->used++;
  }
  if (fit->used < 2 || !(tmax > tmin)) UfpFree(&sigma);
  UfpCheck(fit->used >= 2 && tmax > tmin, UFP_ERR_INPUT,
           "Arrhenius fit: %d usable rate(s) at %s temperature(s); at least two temperatures are needed",
           fit->used, tmax > tmin ? "different" : "one");
  const double det = sw * sxx - sx * sx, slope = (sw * sxy - sx * sy) / det,
               icpt = (sxx * sy - sx * sxy) / det;
  /* Covariance of (intercept, slope) from the weights, scaled by chi^2. */
  double var_i = sxx / det, var_s = sw / det, cov = -sx / det, chi2 = 0.0;
  for (int i = 0; i < n; i++) {
    if (!has_rate(t[i], k[i])) continue;
    const double r = (log(k[i]) - (icpt + slope / (UFP_BOLTZMANN_EV_K * t[i]))) / sigma[i];
    chi2 += r * r;
  }
  UfpFree(&sigma);
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
