/*
 * acf_figures.h -- the CSV files and gnuplot figures of acf-fit.
 *
 * CSV (rank 0, each NAME.partial renamed when complete; curves of more than
 * 200 lags keep the first 200 and then about 2000 log-spaced rows, the
 * HDF5 file has every lag):
 *   PREFIX_acf.csv          time_ps, acf_omega_q, acf_cq, fit_omega_q, fit_cq,
 *                           centred_omega_q, centred_cq (C(t)/C(0), its fit, and
 *                           the centred normalisation of correlation.h)
 *   PREFIX_acf_sites.csv    time_ps, LiS4, LiS5, LiS6 (|C_Q| ACF per starting site)
 *   PREFIX_msd.csv          time_ps, msd_A2, cumulative_hops
 *   PREFIX_hist.csv         bin, omega_q_hz, LiS4, LiS5, LiS6, all, cq_hz, LiS4, LiS5, LiS6, all
 *   PREFIX_orientation.csv  theta_deg, phi_deg, count (bin centres)
 * Figures (PNG, gnuplot pngcairo, from those CSV files): PREFIX_acf.png
 * (ACFs with their fits, log time), PREFIX_acf_sites.png, PREFIX_msd.png
 * (MSD with the cumulative number of hops), PREFIX_hist.png and
 * PREFIX_orientation.png.  The site and MSD files need the trajectory.
 * Without gnuplot the CSV files are still written and a line says so.
 */
#ifndef ANALYSIS_ACF_FIGURES_H
#define ANALYSIS_ACF_FIGURES_H

#include <mpi.h>
#include <stdint.h>

#include "ufp_error.h"

typedef struct {
  const char *prefix;
  int overwrite;
  int64_t nframes;
  const double *time, *acf_omega, *acf_cq;          /* [F], C(t)/C(0) */
  const double *acf_omega_centred, *acf_cq_centred; /* [F], (C(t) - <x>^2)/(C(0) - <x>^2) */
  int fit_decays[2];                                /* omega_Q, C_Q */
  double fit_b2[2], fit_tau[2], fit_gamma[2];
  int have_dynamics;
  const double *acf_site;         /* [3][F] */
  const double *msd, *hop_frames; /* [msd_nframes], every trajectory frame */
  int64_t msd_nframes;
  double msd_dt;     /* ps */
  int nclass, nbins; /* 4 (LiS4, LiS5, LiS6, all) */
  double omega_range, cq_range;
  int signed_cq;
  const double *hist_omega, *hist_cq; /* [nclass][nbins] */
  int nmap;
  const double *map; /* [nmap][nmap] */
} AcfFigureData;

/* Collective; rank 0 writes. */
UfpErrorCode AcfFiguresWrite(MPI_Comm comm, const AcfFigureData *d);

#endif
