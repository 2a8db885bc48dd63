/* li_dynamics.c -- see li_dynamics.h. */
#include "li_dynamics.h"

#include <math.h>
#include <string.h>

#include "msd.h"
#include "parallel.h"

enum { Q_HOPS, Q_D, Q_L2, NQ };

/* Gamma_hop, D and Gamma_MSD (SI units) from sums over Li of the per-Li
 * quantities. */
static void rates(const double *sum, int64_t nli, double span_ps, double *hop_rate, double *d,
                  double *msd_rate)
{
  *hop_rate = 1e12 * sum[Q_HOPS] / ((double)nli * span_ps);
  *d = 1e-8 * sum[Q_D] / (double)nli; /* Å^2/ps -> m^2/s */
  *msd_rate = sum[Q_HOPS] > 0 ? 1e12 * 6.0 * (sum[Q_D] / (double)nli) / (sum[Q_L2] / sum[Q_HOPS]) : NAN;
}

UfpErrorCode LiDynamicsCompute(MPI_Comm comm, const LiDynamicsSettings *set, AcfPlan plan,
                               const LiTrajectory *traj, const int64_t *id, int64_t nli, double dt_ps,
                               LiDynamics **out)
{
  const int64_t F = traj->nframes, count = traj->count;
  UfpCheck(F >= 2 && nli > 0, UFP_ERR_INPUT, "Li dynamics: %lld frames of %lld Li", (long long)F,
           (long long)nli);
  LiDynamics *d;
  UfpCall(UfpCalloc(1, &d));
  *out = d;
  d->nframes = F;
  d->nli = nli;
  d->span_ps = (F - 1) * dt_ps;
  UfpCall(UfpCalloc(F, &d->msd));
  UfpCall(UfpCalloc(F, &d->hop_frames));
  UfpCall(UfpCalloc(count > 0 ? count : 1, &d->hopcount));
  double *msd_one, *t, *q;
  UfpCall(UfpCalloc(F, &msd_one));
  UfpCall(UfpCalloc(F, &t));
  UfpCall(UfpCalloc((size_t)(count > 0 ? count : 1) * NQ, &q));
  int window = 0;
  for (int64_t k = 0; k < F; k++)
    t[k] = k * dt_ps, window += t[k] >= set->msd_t_min && t[k] <= set->msd_t_max;
  for (int64_t a = 0; a < count; a++) {
    const double(*x)[3] = (const double(*)[3])traj->x + a * F;
    UfpCall(MsdCompute(plan, (int)F, x, msd_one));
    for (int64_t k = 0; k < F; k++)
      d->msd[k] += msd_one[k];
    if (window >= 2)
      UfpCall(MsdDiffusion((int)F, t, msd_one, set->msd_t_min, set->msd_t_max, &q[a * NQ + Q_D]));
    else
      q[a * NQ + Q_D] = NAN; /* no slope: D is not reported */
    Hop *hops = NULL;
    int n = 0;
    UfpCall(HopDetect(&set->hops, (int)F, x, &n, &hops));
    for (int h = 0; h < n; h++) {
      d->hop_frames[hops[h].frame] += 1.0;
      double l2 = 0.0;
      for (int c = 0; c < 3; c++)
        l2 += (hops[h].to[c] - hops[h].from[c]) * (hops[h].to[c] - hops[h].from[c]);
      q[a * NQ + Q_L2] += l2;
    }
    UfpFree(&hops);
    d->hopcount[a] = n;
    q[a * NQ + Q_HOPS] = n;
    d->li_class[traj->site0[a]] += 1;
    d->hops_class[traj->site0[a]] += n;
    d->hopping += n > 0;
  }
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, d->msd, (int)F, MPI_DOUBLE, MPI_SUM, comm));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, d->hop_frames, (int)F, MPI_DOUBLE, MPI_SUM, comm));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, d->li_class, SITE_NCLASSES, MPI_DOUBLE, MPI_SUM, comm));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, d->hops_class, SITE_NCLASSES, MPI_DOUBLE, MPI_SUM, comm));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, &d->hopping, 1, MPI_DOUBLE, MPI_SUM, comm));
  for (int64_t k = 0; k < F; k++)
    d->msd[k] /= (double)nli;

  /* Estimates and their bootstrap intervals. */
  const int B = set->bootstrap.resamples;
  double full[NQ], *sums, *r_hop, *r_d, *r_msd;
  UfpCall(UfpCalloc((size_t)(B > 0 ? B : 1) * NQ, &sums));
  UfpCall(UfpCalloc(B + 1, &r_hop));
  UfpCall(UfpCalloc(B + 1, &r_d));
  UfpCall(UfpCalloc(B + 1, &r_msd));
  UfpCall(BootstrapSums(comm, &set->bootstrap, (int)count, id, NQ, q, nli, full, sums));
  d->hops = full[Q_HOPS];
  d->hop_length2 = full[Q_HOPS] > 0 ? full[Q_L2] / full[Q_HOPS] : NAN;
  rates(full, nli, d->span_ps, &d->hop_rate, &d->diffusion, &d->msd_rate);
  int nmsd = 0;
  for (int b = 0; b < B; b++) {
    double m;
    rates(sums + (size_t)b * NQ, nli, d->span_ps, &r_hop[b], &r_d[b], &m);
    if (isfinite(m)) r_msd[nmsd++] = m;
  }
  const double level = set->bootstrap.level;
  BootstrapPercentiles(r_hop, B, level, &d->hop_rate_lo, &d->hop_rate_hi);
  if (isfinite(d->diffusion))
    BootstrapPercentiles(r_d, B, level, &d->diffusion_lo, &d->diffusion_hi);
  else
    d->diffusion_lo = d->diffusion_hi = NAN;
  /* Resamples without hops have no length scale; an interval needs most. */
  if (nmsd >= B / 2)
    BootstrapPercentiles(r_msd, nmsd, level, &d->msd_rate_lo, &d->msd_rate_hi);
  else
    d->msd_rate_lo = d->msd_rate_hi = NAN;
  UfpFree(&sums);
  UfpFree(&r_hop);
  UfpFree(&r_d);
  UfpFree(&r_msd);
  UfpFree(&msd_one);
  UfpFree(&t);
  UfpFree(&q);
  return UFP_SUCCESS;
}

UfpErrorCode LiDynamicsDestroy(LiDynamics **d)
{
  if (!d || !*d) return UFP_SUCCESS;
  UfpFree(&(*d)->msd);
  UfpFree(&(*d)->hop_frames);
  UfpFree(&(*d)->hopcount);
  UfpFree(d);
  return UFP_SUCCESS;
}
