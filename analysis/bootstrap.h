/*
 * bootstrap.h -- confidence intervals of Lipari-Szabo parameters by
 * bootstrapping over atoms.
 *
 * Each rank holds the correlation functions of its atoms, sampled at the
 * same lags.  The estimate is the fit to the plain average over all atoms.
 * For each of B resamples, every atom gets a multiplicity drawn from the
 * multinomial of n draws with replacement (generated from (seed, resample,
 * atom id), so independent of how the atoms are spread over ranks); the
 * weighted average is fitted again.  The interval is the percentile range
 * (default 2.5 % .. 97.5 %) of the resampled parameters; resamples without
 * a decay are counted and left out.  Atoms are the independent units:
 * frames of one atom are correlated, atoms much less so.
 */
#ifndef ANALYSIS_BOOTSTRAP_H
#define ANALYSIS_BOOTSTRAP_H

#include <mpi.h>
#include <stdint.h>

#include "lipari_szabo.h"

typedef struct {
  int resamples; /* B */
  uint64_t seed;
  double level;  /* 0.95 */
  int normalise; /* divide each average (full and resampled) by its value at lag index 0 */
} BootstrapSettings;

typedef struct {
  LsFitResult fit; /* to the full average */
  double b2_lo, b2_hi, tau_lo, tau_hi, gamma_lo, gamma_hi, rate_lo, rate_hi;
  int used; /* resamples with a decay */
} BootstrapResult;

/* nlag lags t[] (same on all ranks); this rank's nlocal atoms with global ids
 * id[] (0 .. natoms-1) and functions c[a][nlag] (each already normalised,
 * e.g. by its atom-averaged C(0)); natoms on all ranks.  Collective. */
UfpErrorCode BootstrapFit(MPI_Comm comm, const BootstrapSettings *bs, const LsFitSettings *fs, int nlag,
                          const double *t, int nlocal, const int64_t *id, const double *c, int64_t natoms,
                          BootstrapResult *result);
/* Resampled sums of per-atom quantities, for statistics that are ratios of
 * sums (rates, means): this rank's nlocal atoms with global ids id[] and
 * nq values each, x[a][nq]; sums[b][nq] (b < resamples, on every rank) is
 * sum_a w_b(id_a) x[a][q] with the multiplicities of BootstrapWeights, and
 * full[nq] the plain sums.  Collective. */
UfpErrorCode BootstrapSums(MPI_Comm comm, const BootstrapSettings *bs, int nlocal, const int64_t *id, int nq,
                           const double *x, int64_t natoms, double *full, double *sums);
/* The percentile interval at the given level of v[n] (sorted in place);
 * NaN for n = 0. */
void BootstrapPercentiles(double *v, int n, double level, double *lo, double *hi);
/* Multiplicity of atom id in resample b (multinomial(natoms) built from a
 * deterministic stream; sums to natoms over all ids). */
UfpErrorCode BootstrapWeights(uint64_t seed, int b, int64_t natoms, int *weights);

#endif
