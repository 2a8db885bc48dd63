/*
 * lipari_szabo.h -- fit of a decaying correlation function to the
 * Lipari-Szabo form with a stretched exponential,
 *     f(t) = b^2 + (1 - b^2) exp(-(t / tau)^gamma),
 * b^2 the plateau (order parameter), tau the correlation time (its inverse
 * a hopping rate), gamma the stretching exponent (1: a single rate).
 *
 * Bounded nonlinear least squares with PETSc TAO (BLMVM, analytic
 * gradient) over u = (b^2, ln tau, gamma) within
 *     0 <= b^2 <= 1,  ln(dt / 10) <= ln tau <= ln(1e3 t_max),  gamma_min <= gamma <= gamma_max,
 * or gamma fixed; the objective is sum_k w_k (f(t_k) - c_k)^2 over the fit
 * window t_min <= t_k <= t_max.  Fitting ln tau keeps the problem well
 * scaled across decades.  Starting point: b^2 from the last tenth of the
 * window, tau where the data cross halfway between 1 and b^2, gamma 1;
 * then the best of that and a small grid over ln tau.
 *
 * "No decay": when the data never fall below 1 - min_drop within the window
 * (min_drop, e.g. 0.05), or the fitted tau exceeds the window ten times,
 * there is no time scale to report: `decays` is 0 and tau is NaN.
 * Reference: G. Lipari, A. Szabo, J. Am. Chem. Soc. 104, 4546 (1982);
 * Harper et al., Faraday Discuss. (2024), eq. 7.
 */
#ifndef ANALYSIS_LIPARI_SZABO_H
#define ANALYSIS_LIPARI_SZABO_H

#include "ufp_error.h"

typedef struct {
  double t_min, t_max;     /* fit window (time units of t) */
  int fix_gamma;           /* 1: gamma fixed at gamma */
  double gamma;            /* fixed value, or start */
  double gamma_min, gamma_max;
  double min_drop;         /* decay needed to fit, in units of f(0) = 1 (acf-fit scales it by the
                              decaying part, 1 - <x>^2/<x^2>) */
} LsFitSettings;

typedef struct {
  int decays;              /* 0: no decay in the window (tau = NaN) */
  double b2, tau, gamma;
  double rms;              /* root-mean-square residual over the window */
  int npoints, iterations;
} LsFitResult;

void LsFitSettingsDefault(LsFitSettings *s);
/* Fit c[k] at times t[k] (k < n; normalised so that c(0) is about 1), with
 * weights w (NULL: all 1). */
UfpErrorCode LsFit(const LsFitSettings *settings, int n, const double *t, const double *c, const double *w,
                   LsFitResult *result);
double LsModel(double t, double b2, double tau, double gamma);

#endif
