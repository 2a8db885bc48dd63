/*
 * arrhenius.h -- Arrhenius fits of rates over temperature:
 *     ln k(T) = ln A - E_a / (k_B T),
 * weighted least squares in (1/(k_B T), ln k).  Each rate comes with an
 * interval [lo, hi] at a two-sided level (0.95: the bootstrap intervals of
 * acf-fit); its standard error in ln k is taken as
 * (ln hi - ln lo) / (2 z), z the normal quantile of the level, and the
 * weights are 1/sigma^2.  Points without a finite positive rate (no hop
 * seen, no decay) are left out.  With two points the line goes through
 * them and its errors follow from theirs; with more, the parameter errors
 * are scaled by the reduced chi^2 when that exceeds 1 (scatter beyond the
 * intervals).  The extrapolated rate at T0 carries the error of the line
 * at 1/(k_B T0), correlations of ln A and E_a included.
 */
#ifndef ANALYSIS_ARRHENIUS_H
#define ANALYSIS_ARRHENIUS_H

#include "ufp_error.h"

typedef struct {
  int used;                /* points in the fit */
  double ea_ev, ea_err_ev; /* activation energy and its standard error, eV */
  double ln_a, ln_a_err;   /* ln(prefactor / s^-1) */
  double chi2_red;         /* reduced chi^2 (NaN with 2 points) */
  double t0, rate_t0, rate_t0_lo,
      rate_t0_hi; /* extrapolation to T0 (K): rate and its interval at the level */
} ArrheniusFit;

/* n points: temperature t[] (K), rate k[] (s^-1) with interval [lo, hi] at
 * level (NaN bounds: the point gets the mean relative weight of the
 * others, or 1).  Fails (UFP_ERR_INPUT) with fewer than two usable points
 * or a single temperature. */
UfpErrorCode ArrheniusFitRates(int n, const double *t, const double *k, const double *lo, const double *hi,
                               double level, double t0, ArrheniusFit *fit);

#endif
