/*
 * correlation.h -- time autocorrelation functions by FFT.
 *
 * For a series x_0 .. x_{N-1} sampled every dt, the estimator
 *     C(k) = 1/(N - k) sum_{t=0}^{N-1-k} x_t x_{t+k},   k = 0 .. N-1,
 * (each lag averaged over all time origins it has) is computed in
 * O(N log N): zero-pad x to L >= 2N - 1 (so the circular correlation has no
 * wrap-around), X = FFT(x), C~ = IFFT(|X|^2) / L, C(k) = C~(k) / (N - k).
 * The same as the direct O(N^2) sum to round-off (tests).  Plan once per
 * length with FFTW (real-to-complex and back), execute for every atom;
 * AcfExecutePair does two series with one complex transform each way.
 *
 * Normalisations (AcfNorm), applied to the average over atoms:
 *   ACF_RAW       C(k) in the units of x squared
 *   ACF_ZERO_TIME C(k) / C(0): starts at 1 and levels off at <x>^2 / <x^2>
 *                 (for omega_Q of a powder, or C_Q, this plateau is the b^2
 *                 of the Lipari-Szabo form, lipari_szabo.h)
 *   ACF_CENTRED   (C(k) - <x>^2) / (C(0) - <x>^2) with <x> the mean over all
 *                 samples and atoms: 1 at k = 0, decays to 0, i.e. the
 *                 normalised covariance
 * The paper's <omega_Q(0) omega_Q(t)> and <C_Q(0) C_Q(t)> (eqs. 4 and 6) are
 * ACF_ZERO_TIME averages over the chosen Li atoms.
 */
#ifndef ANALYSIS_CORRELATION_H
#define ANALYSIS_CORRELATION_H

#include "ufp_error.h"

typedef enum { ACF_RAW = 0, ACF_ZERO_TIME = 1, ACF_CENTRED = 2 } AcfNorm;

typedef struct AcfPlan_ *AcfPlan;

/* Plan for series of n samples (n >= 1). */
UfpErrorCode AcfPlanCreate(int n, AcfPlan *plan);
UfpErrorCode AcfPlanDestroy(AcfPlan *plan);
/* c[k] = 1/(n-k) sum_t x_t x_{t+k} for k = 0 .. n-1; also adds sum_t x_t to *sum
 * and sum_t x_t^2 to *sum2 when they are not NULL (for ACF_CENTRED). */
UfpErrorCode AcfExecute(AcfPlan plan, const double *x, double *c, double *sum, double *sum2);
/* The correlations of two series at once, cx of x and cy of y, from one
 * complex transform of x + i y each way (about 20 % less work than two
 * AcfExecute calls). */
UfpErrorCode AcfExecutePair(AcfPlan plan, const double *x, const double *y, double *cx, double *cy);
/* Normalise an atom-averaged C in place; mean = <x> over all samples. */
void AcfNormalise(int n, double *c, AcfNorm norm, double mean);
/* The O(n^2) reference, for tests. */
void AcfDirect(int n, const double *x, double *c);

#endif
