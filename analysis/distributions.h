/*
 * distributions.h -- histograms of omega_Q and C_Q (per site class) and of
 * the field orientation in the principal frame.
 *
 * Histograms: nbins equal bins on [lo, hi]; values outside are counted in
 * `outside`.  Orientation: omega_Q = C_Q/2 (3 cos^2 theta - 1 + eta sin^2
 * theta cos 2 phi) does not change under theta -> pi - theta, phi -> -phi
 * and phi -> pi - phi, so (theta, phi) is folded into [0, pi/2] x [0, pi/2]
 * before binning (theta from the principal z axis, phi from x).
 */
#ifndef ANALYSIS_DISTRIBUTIONS_H
#define ANALYSIS_DISTRIBUTIONS_H

#include <stdint.h>

#include "ufp_error.h"

typedef struct {
  int nbins;
  double lo, hi;
  double scale;     /* nbins / (hi - lo) */
  double *counts;   /* [nbins] */
  double outside;
} Histogram;

UfpErrorCode HistogramCreate(int nbins, double lo, double hi, Histogram *h);
void HistogramAdd(Histogram *h, double x);
/* Add n values. */
void HistogramAddArray(Histogram *h, int64_t n, const double *x);
/* Add the bins of b (same bins) to a. */
void HistogramMerge(Histogram *a, const Histogram *b);
void HistogramFree(Histogram *h);
/* Fold (theta, phi) into [0, pi/2]^2 and add to counts[nbins][nbins]
 * (theta index first). */
void OrientationAdd(int nbins, double theta, double phi, double *counts);
/* Largest |x[k]| (0 for n = 0). */
double AbsMax(int64_t n, const double *x);

#endif
