/*
 * efg_metrics.h -- how well predicted EFG tensors match reference ones, in
 * the quantities an NMR experiment sees.
 *
 * For n pairs of tensors (a.u.) and one quadrupolar isotope:
 *   components  RMSE and MAE over the nine Cartesian components, a.u.
 *   C_Q         e Q V_zz / h (signed), kHz
 *   eta         asymmetry
 *   omega_Q     (e Q / h) n^T V n with the field n along lab z, kHz
 *   orientation |q_ref . q_pred| of the principal-frame quaternions
 *               (efg_tensor.h).  The principal axes are defined up to a
 *               180-degree turn about any of them (the sign of each axis
 *               pair), so the largest |q . q| over those four equivalent
 *               frames is taken: 1 for the same frame, 0.707 for axes 90
 *               degrees apart.  Reported: the sorted values (their CDF) and
 *               the fraction >= 0.9 (the published ML-EFG: about 75 %).
 */
#ifndef EFG_EFG_METRICS_H
#define EFG_EFG_METRICS_H

#include <stdio.h>

#include <hdf5.h>

#include "isotopes.h"
#include "ufp_error.h"

typedef struct {
  int n;
  double comp_rmse, comp_mae;    /* a.u. */
  double cq_rmse, cq_mae;        /* kHz */
  double eta_rmse, eta_mae;
  double omega_rmse, omega_mae;  /* kHz */
  double ref_omega_rms;          /* kHz, the size of the signal */
  double q_fraction;             /* fraction with |q . q| >= 0.9 */
  double *qdot;                  /* [n] ascending */
} EfgMetrics;

UfpErrorCode EfgMetricsCompute(const UfpIsotope *isotope, int n, const double (*ref)[3][3],
                               const double (*pred)[3][3], EfgMetrics *m);
void EfgMetricsFree(EfgMetrics *m);
/* One table line (label, then the numbers with their units). */
void EfgMetricsPrint(FILE *out, const char *label, const EfgMetrics *m);
/* Attributes and the qdot dataset (when n > 0) in a new group name under
 * loc (collective; rank 0 writes the data). */
UfpErrorCode EfgMetricsWrite(hid_t loc, const char *name, int rank, const EfgMetrics *m);

#endif
