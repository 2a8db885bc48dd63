/*
 * msd.h -- mean-squared displacement of unwrapped trajectories in
 * O(N log N) (the FFT algorithm of nMoldyn: V. Calandrini et al., Collection
 * SFN 12, 201 (2011)):
 *     MSD(m) = 1/(N - m) sum_{k=0}^{N-1-m} |r(k+m) - r(k)|^2 = S1(m) - 2 S2(m),
 *     S2(m) = sum over x, y, z of the autocorrelation of that coordinate
 *             (correlation.h),
 *     S1(m) = Q(m) / (N - m),  Q(0) = 2 sum_k |r(k)|^2,
 *             Q(m) = Q(m-1) - |r(m-1)|^2 - |r(N-m)|^2.
 * Every time origin is used.  Positions must be unwrapped (continuous across
 * the periodic boundaries).  The diffusion coefficient follows from the
 * slope of the atom-averaged MSD in a window: D = slope / 6 (3-D).
 */
#ifndef ANALYSIS_MSD_H
#define ANALYSIS_MSD_H

#include "correlation.h"

/* msd[m] for one atom's positions r[n][3] (Å^2); plan from AcfPlanCreate(n). */
UfpErrorCode MsdCompute(AcfPlan plan, int n, const double (*r)[3], double *msd);
/* The O(n^2) reference (tests). */
void MsdDirect(int n, const double (*r)[3], double *msd);
/* Least-squares slope of msd against t over [t_min, t_max] and D = slope/6. */
UfpErrorCode MsdDiffusion(int n, const double *t, const double *msd, double t_min, double t_max, double *d);

#endif
