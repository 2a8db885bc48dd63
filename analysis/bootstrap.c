/* bootstrap.c -- see bootstrap.h. */
#include "bootstrap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

static uint64_t splitmix(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

UfpErrorCode BootstrapWeights(uint64_t seed, int b, int64_t natoms, int *weights)
{
  memset(weights, 0, sizeof(int) * natoms);
  uint64_t state = seed * 0x9e3779b97f4a7c15ULL + (uint64_t)b * 0xd1b54a32d192ed03ULL + 1;
  for (int64_t k = 0; k < natoms; k++)
    weights[splitmix(&state) % (uint64_t)natoms]++;
  return UFP_SUCCESS;
}

static int ascending(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

void BootstrapPercentiles(double *v, int n, double level, double *lo, double *hi)
{
  if (n <= 0) {
    *lo = *hi = NAN;
    return;
  }
  qsort(v, n, sizeof(double), ascending);
  double a = 0.5 * (1.0 - level) * (n - 1), b = (1.0 - 0.5 * (1.0 - level)) * (n - 1);
  *lo = v[(int)floor(a)] + (a - floor(a)) * (v[(int)ceil(a)] - v[(int)floor(a)]);
  *hi = v[(int)floor(b)] + (b - floor(b)) * (v[(int)ceil(b)] - v[(int)floor(b)]);
}

/* The weighted average over all ranks of the atoms' functions. */
static UfpErrorCode weighted_average(MPI_Comm comm, int nlag, int nlocal, const int64_t *id, const double *c,
                                     const int *weights, int normalise, double *avg)
{
  double total = 0.0;
  memset(avg, 0, sizeof(double) * nlag);
  for (int a = 0; a < nlocal; a++) {
    double w = weights ? weights[id[a]] : 1.0;
    if (w == 0.0) continue;
    total += w;
    for (int k = 0; k < nlag; k++)
      avg[k] += w * c[(size_t)a * nlag + k];
  }
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, avg, nlag, MPI_DOUBLE, MPI_SUM, comm));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_DOUBLE, MPI_SUM, comm));
  UfpCheck(total > 0, UFP_ERR_INPUT, "bootstrap: no atoms");
  double scale = normalise ? avg[0] : total;
  UfpCheck(scale != 0.0, UFP_ERR_INPUT, "bootstrap: the average is zero at lag 0");
  for (int k = 0; k < nlag; k++)
    avg[k] /= scale;
  return UFP_SUCCESS;
}

UfpErrorCode BootstrapFit(MPI_Comm comm, const BootstrapSettings *bs, const LsFitSettings *fs, int nlag,
                          const double *t, int nlocal, const int64_t *id, const double *c, int64_t natoms,
                          BootstrapResult *res)
{
  UfpCheck(bs->resamples >= 0 && bs->level > 0 && bs->level < 1, UFP_ERR_INPUT,
           "bootstrap: %d resamples at level %g", bs->resamples, bs->level);
  memset(res, 0, sizeof *res);
  double *avg = NULL, *b2 = NULL, *tau = NULL, *gamma = NULL, *rate = NULL;
  int *weights = NULL;
  UfpCall(UfpCalloc(nlag, &avg));
  UfpErrorCode ierr = weighted_average(comm, nlag, nlocal, id, c, NULL, bs->normalise, avg);
  if (!ierr) ierr = LsFit(fs, nlag, t, avg, NULL, &res->fit);
  const int B = bs->resamples;
  if (!ierr) ierr = UfpCalloc(B + 1, &b2);
  if (!ierr) ierr = UfpCalloc(B + 1, &tau);
  if (!ierr) ierr = UfpCalloc(B + 1, &gamma);
  if (!ierr) ierr = UfpCalloc(B + 1, &rate);
  if (!ierr) ierr = UfpCalloc(natoms, &weights);
  int used = 0;
  for (int b = 0; b < B && !ierr; b++) {
    LsFitResult r;
    ierr = BootstrapWeights(bs->seed, b, natoms, weights);
    if (!ierr) ierr = weighted_average(comm, nlag, nlocal, id, c, weights, bs->normalise, avg);
    if (!ierr) ierr = LsFit(fs, nlag, t, avg, NULL, &r);
    if (!ierr && r.decays) {
      b2[used] = r.b2;
      tau[used] = r.tau;
      gamma[used] = r.gamma;
      rate[used++] = 1.0 / r.tau;
    }
  }
  if (!ierr) {
    res->used = used;
    BootstrapPercentiles(b2, used, bs->level, &res->b2_lo, &res->b2_hi);
    BootstrapPercentiles(tau, used, bs->level, &res->tau_lo, &res->tau_hi);
    BootstrapPercentiles(gamma, used, bs->level, &res->gamma_lo, &res->gamma_hi);
    BootstrapPercentiles(rate, used, bs->level, &res->rate_lo, &res->rate_hi);
  }
  UfpFree(&avg);
  UfpFree(&b2);
  UfpFree(&tau);
  UfpFree(&gamma);
  UfpFree(&rate);
  UfpFree(&weights);
  return ierr;
}

UfpErrorCode BootstrapSums(MPI_Comm comm, const BootstrapSettings *bs, int nlocal, const int64_t *id, int nq,
                           const double *x, int64_t natoms, double *full, double *sums)
{
  UfpCheck(bs->resamples >= 0 && natoms > 0, UFP_ERR_INPUT, "bootstrap: %d resamples of %lld atoms",
           bs->resamples, (long long)natoms);
  const int B = bs->resamples;
  memset(full, 0, sizeof(double) * nq);
  memset(sums, 0, sizeof(double) * B * nq);
  for (int a = 0; a < nlocal; a++)
    for (int q = 0; q < nq; q++)
      full[q] += x[(size_t)a * nq + q];
  int *weights;
  UfpCall(UfpCalloc(natoms, &weights));
  for (int b = 0; b < B; b++) {
    BootstrapWeights(bs->seed, b, natoms, weights);
    for (int a = 0; a < nlocal; a++)
      for (int q = 0; q < nq; q++)
        sums[(size_t)b * nq + q] += weights[id[a]] * x[(size_t)a * nq + q];
  }
  UfpFree(&weights);
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, full, nq, MPI_DOUBLE, MPI_SUM, comm));
  if (B > 0) UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, B * nq, MPI_DOUBLE, MPI_SUM, comm));
  return UFP_SUCCESS;
}
