/*
 * li_dynamics.h -- Li hopping from the trajectory: MSD and D, hops and hop
 * rates, and the hop rate implied by D, each with a bootstrap interval
 * over Li atoms.
 *
 * For every Li (unwrapped positions, li_trajectory.h):
 *   - MSD(t) by FFT (msd.h) and its own D_a = slope/6 in the MSD window;
 *     D is the mean of the D_a (the slope of the Li-averaged MSD);
 *   - its hops (hops.h): count n_a and the summed squared hop length L_a;
 *   - its site class in the first frame (sites.h).
 * Then
 *   hop rate          Gamma_hop = sum n_a / (N_Li * span),
 *   mean square hop   <l^2> = sum L_a / sum n_a,
 *   rate from MSD     Gamma_MSD = 6 D / <l^2>   (a random walk of hops of
 *                     length l at rate Gamma has MSD = Gamma <l^2> t),
 * the two estimates of the single-ion hop rate that the paper compares with
 * 1/tau of the SAE correlation functions.  Gamma_MSD counts all long-range
 * motion, Gamma_hop only what settles on a new site; they agree for
 * uncorrelated hops and differ by the correlation factor otherwise (back-
 * and-forth hops raise Gamma_hop, not D).  Intervals: the Li are resampled
 * with the same deterministic multiplicities as the ACF fits
 * (bootstrap.h), so results do not depend on the number of ranks.
 */
#ifndef ANALYSIS_LI_DYNAMICS_H
#define ANALYSIS_LI_DYNAMICS_H

#include <mpi.h>
#include <stdint.h>

#include "bootstrap.h"
#include "correlation.h"
#include "hops.h"
#include "li_trajectory.h"

typedef struct {
  HopSettings hops;
  double msd_t_min, msd_t_max; /* ps: the window of the MSD slope */
  BootstrapSettings bootstrap; /* resamples, seed, level */
} LiDynamicsSettings;

typedef struct {
  int64_t nframes, nli;
  double span_ps;
  double *msd;        /* [nframes] Li-averaged MSD, Å^2 (all ranks) */
  double *hop_frames; /* [nframes] hops dated at each frame (all ranks) */
  int *hopcount;      /* [local Li] hops of each of this rank's Li */
  double li_class[SITE_NCLASSES], hops_class[SITE_NCLASSES], hopping, hops;
  double diffusion, diffusion_lo, diffusion_hi; /* m^2/s */
  double hop_rate, hop_rate_lo, hop_rate_hi;    /* s^-1 per Li */
  double hop_length2;                           /* <l^2>, Å^2 (NaN without hops) */
  double msd_rate, msd_rate_lo, msd_rate_hi;    /* 6 D / <l^2>, s^-1 (NaN without hops) */
} LiDynamics;

/* This rank's count Li of traj, with global indices id[] (0 .. nli-1), at
 * frame interval dt_ps; plan from AcfPlanCreate(nframes).  Collective. */
UfpErrorCode LiDynamicsCompute(MPI_Comm comm, const LiDynamicsSettings *settings, AcfPlan plan,
                               const LiTrajectory *traj, const int64_t *id, int64_t nli, double dt_ps,
                               LiDynamics **out);
UfpErrorCode LiDynamicsDestroy(LiDynamics **d);

#endif
