/*
 * acf_fit.c -- acf-fit: the SAE correlation functions of the Li atoms of an
 * efg-predict file and their Lipari-Szabo fits.
 *
 *   mpiexec -n 4 acf-fit -acf_efg md_efg.h5 -acf_output md_acf [-acf_powder 100] [-sae_tp 1,5,10]
 *
 * For every Li: the autocorrelations of omega_Q (the chosen stored field,
 * or averaged over powder directions) and of |C_Q| (or the signed C_Q,
 * whose sign jumps when two principal components swap in the NQR order;
 * correlation.h, FFT), and
 * optionally the finite-pulse echo for each t_p (sae.h).  The Li-averaged
 * functions, normalised to 1 at t = 0 (ACF_ZERO_TIME: the paper's eqs. 4
 * and 6), are fitted to b^2 + (1 - b^2) exp(-(t/tau)^gamma)
 * (lipari_szabo.h) on log-spaced lags of the fit window, with confidence
 * intervals from a bootstrap over Li atoms (bootstrap.h).  Ranks split the
 * Li atoms; results do not depend on their number.
 *
 * Outputs (each NAME.partial until complete): PREFIX.h5 (common/FORMATS.md
 * section 8), CSV files of every curve and the figures (acf_figures.h); a
 * table on standard output.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootstrap.h"
#include "correlation.h"
#include "acf_figures.h"
#include "distributions.h"
#include "efg_series.h"
#include "h5io.h"
#include "hops.h"
#include "li_dynamics.h"
#include "li_trajectory.h"
#include "lipari_szabo.h"
#include "msd.h"
#include "options.h"
#include "parallel.h"
#include "sae.h"
#include "safe_output.h"

static const char help[] =
    "acf-fit: SAE correlation functions of omega_Q and C_Q and their Lipari-Szabo fits.\n\n"
    "Usage: acf-fit -acf_efg EFG.h5 [-acf_output PREFIX] [options]\n\n"
    "EFG.h5 comes from efg-predict.  Fits b^2 + (1 - b^2) exp(-(t/tau)^gamma) to the Li-averaged,\n"
    "normalised ACFs, with bootstrap confidence intervals over Li atoms; 1/tau is a hopping rate.\n"
    "Exit codes: 0 ok, 64 usage, 65 bad input, 70 internal, 74 I/O.\n";

enum { MAX_TP = 16 };

static const char *const subset_names[] = {"all", "hopping", "LiS4", "LiS5", "LiS6"};
enum { SUBSET_ALL, SUBSET_HOPPING, SUBSET_LIS4 }; /* then LiS5, LiS6 in SiteClass order */

typedef struct {
  char efg[UFP_PATH_MAX], output[UFP_PATH_MAX], trajectory[UFP_PATH_MAX], ligand[16];
  int subset;
  double rc, r_in, r_out, dwell_ps, msd_t_min, msd_t_max;
  long field, powder, lags, resamples, seed, bins;
  int signed_cq;
  double t_min, t_max, gamma, level, tp[MAX_TP], average_ps;
  int ntp, overwrite;
} Settings;

static UfpErrorCode read_settings(MPI_Comm comm, Settings *s)
{
  memset(s, 0, sizeof *s);
  snprintf(s->output, sizeof s->output, "acf");
  s->lags = 200;
  s->bins = 80;
  s->resamples = 200;
  s->seed = 1;
  s->level = 0.95;
  s->t_max = -1;
  snprintf(s->ligand, sizeof s->ligand, "S");
  s->rc = 3.4;
  s->r_in = 0.6;
  s->r_out = 1.2;
  s->dwell_ps = 1.0;
  s->msd_t_max = -1;
  UfpOptions o = NULL;
  UfpCall(UfpOptionsBegin(comm, NULL, "acf-fit: SAE correlation functions and fits", &o));
  UfpCall(UfpOptionsString(o, "-acf_efg", "efg-predict output", "AcfSetEfg", s->efg, sizeof s->efg, NULL));
  UfpCall(UfpOptionsInt(o, "-acf_field", "index of the stored field direction for omega_Q", "", "AcfSetField",
                        &s->field));
  UfpCall(UfpOptionsInt(o, "-acf_powder",
                        "average omega_Q over this many field directions computed from the "
                        "tensors (0: the stored field)",
                        "", "AcfSetPowder", &s->powder));
  UfpCall(UfpOptionsString(o, "-acf_trajectory",
                           "H5MD trajectory of the EFG file (MSD, hops, site classes, "
                           "subsets)",
                           "AcfSetTrajectory", s->trajectory, sizeof s->trajectory, NULL));
  UfpCall(UfpOptionsChoice(o, "-acf_subset",
                           "Li atoms averaged: all, those that hop, or by site class in the "
                           "first frame (needs -acf_trajectory except for all)",
                           "AcfSetSubset", subset_names, 5, &s->subset));
  UfpCall(UfpOptionsString(o, "-sites_ligand", "species counted for the site class", "SitesSetLigand",
                           s->ligand, sizeof s->ligand, NULL));
  UfpCall(UfpOptionsReal(o, "-sites_rc", "coordination cutoff for the site class", "Å", "SitesSetCutoff",
                         &s->rc));
  UfpCall(UfpOptionsReal(o, "-hop_r_in", "residence radius", "Å", "HopSetRIn", &s->r_in));
  UfpCall(
      UfpOptionsReal(o, "-hop_r_out", "radius to leave a site (hysteresis)", "Å", "HopSetROut", &s->r_out));
  UfpCall(UfpOptionsReal(o, "-hop_dwell", "time an ion must stay to occupy a site", "ps", "HopSetDwell",
                         &s->dwell_ps));
  UfpCall(UfpOptionsReal(o, "-msd_t_min", "start of the MSD slope window (negative: 10 % of the run)", "ps",
                         "MsdSetTMin", &s->msd_t_min));
  UfpCall(UfpOptionsReal(o, "-msd_t_max", "end of the MSD slope window (negative: half the run)", "ps",
                         "MsdSetTMax", &s->msd_t_max));
  UfpCall(UfpOptionsBool(o, "-acf_signed_cq",
                         "correlate C_Q with its sign (default: |C_Q|; the sign of C_Q flips "
                         "whenever two principal components of V swap in the NQR order)",
                         "AcfSetSignedCq", &s->signed_cq));
  UfpCall(UfpOptionsReal(o, "-acf_average_ps",
                         "motional averaging: correlate means of omega_Q and C_Q over windows "
                         "of this length (0: every frame as it is)",
                         "ps", "AcfSetAveragePs", &s->average_ps));
  UfpCall(UfpOptionsReal(o, "-fit_t_min", "start of the fit window", "ps", "FitSetTMin", &s->t_min));
  UfpCall(UfpOptionsReal(o, "-fit_t_max", "end of the fit window (negative: half the run)", "ps",
                         "FitSetTMax", &s->t_max));
  UfpCall(
      UfpOptionsReal(o, "-fit_gamma", "fixed stretching exponent (0: fitted)", "", "FitSetGamma", &s->gamma));
  UfpCall(UfpOptionsInt(o, "-fit_lags", "log-spaced lags fitted in the window", "", "FitSetLags", &s->lags));
  UfpCall(UfpOptionsInt(o, "-fit_bootstrap", "bootstrap resamples over Li atoms", "", "FitSetBootstrap",
                        &s->resamples));
  UfpCall(UfpOptionsInt(o, "-fit_seed", "seed of the bootstrap", "", "FitSetSeed", &s->seed));
  UfpCall(UfpOptionsReal(o, "-fit_level", "confidence level of the intervals", "", "FitSetLevel", &s->level));
  int ntp = MAX_TP;
  UfpCall(UfpOptionsRealArray(o, "-sae_tp", "evolution times t_p of finite-pulse echoes", "µs", "SaeSetTp",
                              s->tp, &ntp, NULL));
  s->ntp = ntp == MAX_TP ? 0 : ntp;
  UfpCall(UfpOptionsInt(o, "-hist_bins",
                        "bins of the omega_Q and C_Q histograms (the orientation map has half as "
                        "many per axis)",
                        "", "HistSetBins", &s->bins));
  UfpCall(
      UfpOptionsString(o, "-acf_output", "output prefix", "AcfSetOutput", s->output, sizeof s->output, NULL));
  UfpCall(UfpOptionsBool(o, "-acf_overwrite", "replace existing outputs", "AcfSetOverwrite", &s->overwrite));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(s->efg[0], UFP_ERR_USAGE, "-acf_efg is required (an efg-predict file; see -help)");
  UfpCheck(s->subset == SUBSET_ALL || s->trajectory[0], UFP_ERR_USAGE,
           "-acf_subset %s needs -acf_trajectory (hops and site classes come from the positions)",
           subset_names[s->subset]);
  UfpCheck(s->lags >= 8 && s->resamples >= 0 && s->level > 0 && s->level < 1 && s->powder >= 0 &&
               s->gamma >= 0,
           UFP_ERR_USAGE,
           "need -fit_lags >= 8, -fit_bootstrap >= 0, 0 < -fit_level < 1, -acf_powder >= 0, "
           "-fit_gamma >= 0");
  for (int k = 0; k < s->ntp; k++)
    UfpCheck(s->tp[k] > 0, UFP_ERR_USAGE, "-sae_tp: %g µs is not positive", s->tp[k]);
  return UFP_SUCCESS;
}

/* Log-spaced lag indices in [i_min, i_max], index 0 first (for normalising). */
static int log_lags(int i_min, int i_max, int want, int *lag)
{
  int n = 0;
  lag[n++] = 0;
  double lo = log(i_min > 1 ? i_min : 1), hi = log(i_max > 1 ? i_max : 1);
  for (int k = 0; k < want; k++) {
    int i = (int)lround(exp(lo + (hi - lo) * k / (want - 1)));
    if (i < i_min || i > i_max || i <= lag[n - 1]) continue;
    lag[n++] = i;
  }
  return n;
}

typedef struct {
  const char *name;
  BootstrapResult r;
  double t_min, t_max;
} FitOut;

static UfpErrorCode write_fit(hid_t loc, const FitOut *f)
{
  hid_t g;
  UfpCall(UfpH5CreateGroup(loc, f->name, &g));
  const BootstrapResult *r = &f->r;
  const char *keys[] = {"b2",
                        "tau_ps",
                        "gamma",
                        "rms",
                        "b2_lo",
                        "b2_hi",
                        "tau_lo_ps",
                        "tau_hi_ps",
                        "gamma_lo",
                        "gamma_hi",
                        "rate_per_s",
                        "rate_lo_per_s",
                        "rate_hi_per_s",
                        "window_t_min_ps",
                        "window_t_max_ps"};
  const double values[] = {r->fit.b2,         r->fit.tau,        r->fit.gamma,      r->fit.rms,  r->b2_lo,
                           r->b2_hi,          r->tau_lo,         r->tau_hi,         r->gamma_lo, r->gamma_hi,
                           1e12 / r->fit.tau, 1e12 * r->rate_lo, 1e12 * r->rate_hi, f->t_min,    f->t_max};
  UfpErrorCode ierr = UfpH5WriteIntAttr(g, "decays", r->fit.decays);
  if (!ierr) ierr = UfpH5WriteIntAttr(g, "bootstrap_used", r->used);
  for (int k = 0; k < 15 && !ierr; k++)
    ierr = UfpH5WriteDoubleAttr(g, keys[k], values[k]);
  UfpH5Close(&g);
  return ierr;
}

static void print_fit(MPI_Comm comm, const FitOut *f, double dt)
{
  const BootstrapResult *r = &f->r;
  if (r->fit.decays && r->fit.tau <= 0.1001 * dt)
    UfpInfo(comm,
            "acf-fit: %-9s decays within one frame interval (%.4g ps): tau is not resolved by these frames; "
            "b^2 %.4f\n",
            f->name, dt, r->fit.b2);
  else if (!r->fit.decays)
    UfpInfo(comm,
            "acf-fit: %-9s no decay within the window %.4g..%.4g ps: no correlation time to report (it does "
            "not fall by 5 %% of its decaying part; run longer or at a higher temperature)\n",
            f->name, f->t_min, f->t_max);
  else
    UfpInfo(
        comm,
        "acf-fit: %-9s tau %.4g ps [%.4g, %.4g], rate 1/tau %.4g s^-1 [%.4g, %.4g], b^2 %.4f [%.4f, %.4f], "
        "gamma %.3f [%.3f, %.3f], rms %.2e\n",
        f->name, r->fit.tau, r->tau_lo, r->tau_hi, 1e12 / r->fit.tau, 1e12 * r->rate_lo, 1e12 * r->rate_hi,
        r->fit.b2, r->b2_lo, r->b2_hi, r->fit.gamma, r->gamma_lo, r->gamma_hi, r->fit.rms);
}

static UfpErrorCode run(MPI_Comm comm)
{
  Settings set;
  UfpCall(read_settings(comm, &set));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  const int rank = UfpCommRank(comm), size = UfpCommSize(comm);
  {
    char out_h5[UFP_PATH_MAX + 16], a[PATH_MAX], b[PATH_MAX];
    snprintf(out_h5, sizeof out_h5, "%s.h5", set.output);
    int same = realpath(set.efg, a) && realpath(out_h5, b) && !strcmp(a, b);
    UfpCheck(!same, UFP_ERR_USAGE, "-acf_output %s would overwrite the input %s", out_h5, set.efg);
  }
  int64_t F, N;
  UfpCall(EfgSeriesShape(comm, set.efg, &F, &N));
  UfpCheck(F >= 8, UFP_ERR_INPUT, "%s: %lld frames; at least 8 are needed for a correlation function",
           set.efg, (long long)F);
  const int64_t first = N * rank / size, count = N * (rank + 1) / size - first;
  EfgSeries *s = NULL;
  double t_stage = MPI_Wtime(), t_read, t_acf = 0, t_dist = 0, t_fit = 0;
  const int nmap = set.bins / 2 > 4 ? (int)set.bins / 2 : 4;
  UfpCall(EfgSeriesRead(comm, set.efg, first, count, (int)set.powder, nmap, (int)set.field, &s));
  t_read = MPI_Wtime() - t_stage;
  UfpCheck(set.powder > 0 || (set.field >= 0 && set.field < s->nfields), UFP_ERR_USAGE,
           "-acf_field %ld: the file has %d field(s)", set.field, s->nfields);
  if (!set.signed_cq)
    for (int64_t k = 0; k < count * F; k++)
      s->cq[k] = fabs(s->cq[k]);
  double dt = s->time[1] - s->time[0];
  /* Li dynamics from the trajectory at the full frame rate: MSD, hops, site
   * classes (all Li). */
  LiTrajectory *traj = NULL;
  LiDynamics *dyn = NULL;
  int *selected;
  UfpCall(UfpCalloc(count > 0 ? count : 1, &selected));
  const double span_ps = s->time[F - 1] - s->time[0];
  const double msd_lo = set.msd_t_min >= 0 ? set.msd_t_min : 0.1 * span_ps,
               msd_hi = set.msd_t_max > 0 ? set.msd_t_max : 0.5 * span_ps;
  if (set.trajectory[0]) {
    UfpCall(
        LiTrajectoryRead(set.trajectory, F, s->frame, count, s->atom_id + first, set.ligand, set.rc, &traj));
    LiDynamicsSettings ds = {
        .hops = {.r_in = set.r_in, .r_out = set.r_out, .dwell = (int)fmax(1.0, round(set.dwell_ps / dt))},
        .msd_t_min = msd_lo,
        .msd_t_max = msd_hi,
        .bootstrap = {.resamples = (int)set.resamples, .seed = (uint64_t)set.seed, .level = set.level}};
    int64_t *li_id;
    UfpCall(UfpCalloc(count > 0 ? count : 1, &li_id));
    for (int64_t a = 0; a < count; a++)
      li_id[a] = first + a;
    AcfPlan plan_md;
    UfpCall(AcfPlanCreate((int)F, &plan_md));
    UfpCall(LiDynamicsCompute(comm, &ds, plan_md, traj, li_id, N, dt, &dyn));
    AcfPlanDestroy(&plan_md);
    UfpFree(&li_id);
  }
  /* Motional averaging over windows of -acf_average_ps (efg_series.h). */
  const int window = set.average_ps > 0 ? (int)lround(set.average_ps / dt) : 1;
  if (window > 1) {
    UfpCheck(F / window >= 8, UFP_ERR_USAGE, "-acf_average_ps %g leaves %lld frames; at least 8 are needed",
             set.average_ps, (long long)(F / window));
    UfpCall(EfgSeriesBlockAverage(s, window));
    F = s->nframes;
    dt = s->time[1] - s->time[0];
  }
  const double t_max = set.t_max > 0 ? set.t_max : 0.5 * (s->time[F - 1] - s->time[0]);
  UfpInfo(comm, "acf-fit: %lld frames (dt %.4g ps%s) x %lld %s, omega_Q %s; fit window %.4g..%.4g ps\n",
          (long long)F, dt, window > 1 ? ", window means" : "", (long long)N, s->isotope,
          set.powder > 0 ? "powder-averaged" : "for the stored field", set.t_min, t_max);

  /* Lags of the fit. */
  int *lag, nlag;
  UfpCall(UfpCalloc(set.lags + 1, &lag));
  int i_min = (int)ceil(set.t_min / dt), i_max = (int)floor(t_max / dt);
  if (i_max > F - 1) i_max = (int)F - 1;
  UfpCheck(i_max > i_min, UFP_ERR_USAGE, "the fit window %.4g..%.4g ps holds no lags", set.t_min, t_max);
  nlag = log_lags(i_min > 1 ? i_min : 1, i_max, (int)set.lags, lag);
  double *tl;
  UfpCall(UfpCalloc(nlag, &tl));
  for (int k = 0; k < nlag; k++)
    tl[k] = lag[k] * dt;

  /* Per Li: ACFs of omega_Q (averaged over its directions) and C_Q. */
  AcfPlan plan;
  UfpCall(AcfPlanCreate((int)F, &plan));
  double *c, *acc_w, *acc_q, *per_w, *per_q, *echo, *work;
  UfpCall(UfpCalloc(F, &c));
  UfpCall(UfpCalloc(F, &acc_w));
  UfpCall(UfpCalloc(F, &acc_q));
  UfpCall(UfpCalloc((size_t)(count > 0 ? count : 1) * nlag, &per_w));
  UfpCall(UfpCalloc((size_t)(count > 0 ? count : 1) * nlag, &per_q));
  UfpCall(UfpCalloc((size_t)(set.ntp > 0 ? set.ntp : 1) * F, &echo));
  UfpCall(UfpCalloc(2 * F, &work));
  int64_t *ids;
  UfpCall(UfpCalloc(count > 0 ? count : 1, &ids));
  const int ndir = set.powder > 0 ? s->nomega : 1;
  int64_t nsel = 0, nsel_total = 0, offset = 0;
  for (int64_t a = 0; a < count; a++) {
    selected[a] = set.subset == SUBSET_ALL       ? 1
                  : set.subset == SUBSET_HOPPING ? dyn->hopcount[a] > 0
                                                 : traj->site0[a] == set.subset - SUBSET_LIS4;
    nsel += selected[a];
  }
  UfpCallMPI(MPI_Allreduce(&nsel, &nsel_total, 1, MPI_INT64_T, MPI_SUM, comm));
  UfpCallMPI(MPI_Exscan(&nsel, &offset, 1, MPI_INT64_T, MPI_SUM, comm));
  if (rank == 0) offset = 0;
  UfpCheck(nsel_total > 0, UFP_ERR_INPUT, "no Li in the subset %s", subset_names[set.subset]);
  t_stage = MPI_Wtime();
  /* Per Li (all of them): the |C_Q| ACF, added per starting site (with the
   * trajectory) and, for the selected Li, to the averages with omega_Q. */
  double *acc_site;
  UfpCall(UfpCalloc((size_t)SITE_NCLASSES * F, &acc_site));
  int64_t row = 0;
  double *c2, sums[2] = {0.0, 0.0}; /* omega_Q (averaged over directions), C_Q of the selected Li */
  UfpCall(UfpCalloc(F, &c2));
  for (int64_t a = 0; a < count; a++) {
    /* Series of this Li by their ACF: C_Q, then omega_Q per direction; two
     * at a time through one complex FFT. */
    const int nser = selected[a] ? 1 + ndir : 1;
    for (int j = 0; j < nser; j += 2) {
      const double *x[2];
      double *cx[2] = {c, c2};
      for (int q = 0; q < 2 && j + q < nser; q++)
        x[q] = j + q == 0 ? s->cq + a * F
                          : s->omega + ((size_t)a * s->nomega + (set.powder > 0 ? j + q - 1 : set.field)) * F;
      if (j + 1 < nser)
        UfpCall(AcfExecutePair(plan, x[0], x[1], c, c2));
      else
        UfpCall(AcfExecute(plan, x[0], c, NULL, NULL));
      for (int q = 0; q < 2 && j + q < nser; q++) {
        const double *cc = cx[q];
        if (j + q == 0) { /* C_Q */
          if (traj)
            for (int64_t k = 0; k < F; k++)
              acc_site[(size_t)traj->site0[a] * F + k] += cc[k];
          if (!selected[a]) continue;
          ids[row] = offset + row;
          for (int64_t k = 0; k < F; k++)
            acc_q[k] += cc[k], sums[1] += x[q][k];
          for (int k = 0; k < nlag; k++)
            per_q[row * nlag + k] = cc[lag[k]];
        } else { /* omega_Q */
          for (int64_t k = 0; k < F; k++)
            acc_w[k] += cc[k] / ndir, sums[0] += x[q][k] / ndir;
          for (int k = 0; k < nlag; k++)
            per_w[row * nlag + k] += cc[lag[k]] / ndir;
          for (int p = 0; p < set.ntp; p++)
            UfpCall(SaeEchoAccumulate(plan, (int)F, x[q], 1e-6 * set.tp[p], work, echo + (size_t)p * F));
        }
      }
    }
    row += selected[a];
  }
  UfpFree(&c2);
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, acc_site, (int)(SITE_NCLASSES * F), MPI_DOUBLE, MPI_SUM, comm));
  for (int c2 = 0; c2 < SITE_NCLASSES; c2++)
    AcfNormalise((int)F, acc_site + (size_t)c2 * F, ACF_ZERO_TIME, 0.0);
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, acc_w, (int)F, MPI_DOUBLE, MPI_SUM, comm));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, acc_q, (int)F, MPI_DOUBLE, MPI_SUM, comm));
  if (set.ntp > 0)
    UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, echo, (int)(set.ntp * F), MPI_DOUBLE, MPI_SUM, comm));
  /* The three normalisations of correlation.h: raw (Hz^2), centred, and
   * C(t)/C(0), which is fitted. */
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm));
  const double mean_w = sums[0] / ((double)nsel_total * F), mean_q = sums[1] / ((double)nsel_total * F);
  double *raw_w, *raw_q, *cen_w, *cen_q;
  UfpCall(UfpCalloc(F, &raw_w));
  UfpCall(UfpCalloc(F, &raw_q));
  UfpCall(UfpCalloc(F, &cen_w));
  UfpCall(UfpCalloc(F, &cen_q));
  for (int64_t k = 0; k < F; k++) {
    raw_w[k] = cen_w[k] = acc_w[k] / (double)nsel_total;
    raw_q[k] = cen_q[k] = acc_q[k] / (double)nsel_total;
  }
  AcfNormalise((int)F, cen_w, ACF_CENTRED, mean_w);
  AcfNormalise((int)F, cen_q, ACF_CENTRED, mean_q);
  AcfNormalise((int)F, acc_w, ACF_ZERO_TIME, 0.0);
  AcfNormalise((int)F, acc_q, ACF_ZERO_TIME, 0.0);
  for (int64_t k = 0; k < set.ntp * F; k++)
    echo[k] /= (double)nsel_total * ndir;

  t_acf = MPI_Wtime() - t_stage;
  t_stage = MPI_Wtime();
  /* Fits with bootstrap intervals. */
  LsFitSettings fs;
  LsFitSettingsDefault(&fs);
  fs.t_min = set.t_min;
  fs.t_max = t_max;
  if (set.gamma > 0) fs.fix_gamma = 1, fs.gamma = set.gamma;
  BootstrapSettings bs = {
      .resamples = (int)set.resamples, .seed = (uint64_t)set.seed, .level = set.level, .normalise = 1};
  FitOut fits[2] = {{.name = "omega_q", .t_min = set.t_min, .t_max = t_max},
                    {.name = "cq", .t_min = set.t_min, .t_max = t_max}};
  /* A decay has to reach min_drop of the part of C(t)/C(0) that can decay,
   * 1 - m^2/C(0) (the variance over the mean square): |C_Q| keeps most of
   * its mean, so its ACF never falls by 5 % of C(0) even when every Li has
   * changed sites. */
  LsFitSettings fs_w = fs, fs_q = fs;
  fs_w.min_drop *= fmax(1e-6, 1.0 - mean_w * mean_w / raw_w[0]);
  fs_q.min_drop *= fmax(1e-6, 1.0 - mean_q * mean_q / raw_q[0]);
  UfpCall(BootstrapFit(comm, &bs, &fs_w, nlag, tl, (int)nsel, ids, per_w, nsel_total, &fits[0].r));
  UfpCall(BootstrapFit(comm, &bs, &fs_q, nlag, tl, (int)nsel, ids, per_q, nsel_total, &fits[1].r));
  UfpInfo(comm, "acf-fit: correlation functions over %lld of %lld Li (subset %s)\n", (long long)nsel_total,
          (long long)N, subset_names[set.subset]);
  if (dyn) {
    UfpInfo(comm,
            "acf-fit: dynamics over %.4g ps: %.0f hops, %.0f of %lld Li hop; hop rate %.4g s^-1 per Li "
            "[%.4g, %.4g]\n",
            span_ps, dyn->hops, dyn->hopping, (long long)N, dyn->hop_rate, dyn->hop_rate_lo,
            dyn->hop_rate_hi);
    UfpInfo(comm,
            "acf-fit:   D = %.4g m^2/s [%.4g, %.4g] (MSD slope %.4g..%.4g ps); <l^2> %.4g A^2 per hop; "
            "rate 6D/<l^2> %.4g s^-1 [%.4g, %.4g]\n",
            dyn->diffusion, dyn->diffusion_lo, dyn->diffusion_hi, msd_lo, msd_hi, dyn->hop_length2,
            dyn->msd_rate, dyn->msd_rate_lo, dyn->msd_rate_hi);
    for (int c = 0; c < SITE_NCLASSES; c++)
      if (dyn->li_class[c] > 0)
        UfpInfo(comm, "acf-fit:   %s at t = 0: %.0f Li, %.0f hops, %.4g s^-1 per Li\n", SiteClassNames[c],
                dyn->li_class[c], dyn->hops_class[c],
                1e12 * dyn->hops_class[c] / (dyn->li_class[c] * span_ps));
  }
  for (int k = 0; k < 2; k++)
    print_fit(comm, &fits[k], dt);

  t_fit = MPI_Wtime() - t_stage;
  t_stage = MPI_Wtime();
  /* Distributions over all Li, per site class at t = 0 (last row: all). */
  const int nclass = SITE_NCLASSES + 1, nb = (int)set.bins;
  const int wfield = set.powder > 0 ? 0 : (int)set.field, stored = (int)set.field;
  double wmax = 0.0, qmax = 0.0;
  for (int64_t a = 0; a < count; a++) {
    for (int d = 0; d < (set.powder > 0 ? ndir : 1); d++)
      wmax = fmax(wmax, AbsMax(F, s->omega + ((size_t)a * s->nomega + (set.powder > 0 ? d : wfield)) * F));
    qmax = fmax(qmax, AbsMax(F, s->cq + a * F));
  }
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, &wmax, 1, MPI_DOUBLE, MPI_MAX, comm));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, &qmax, 1, MPI_DOUBLE, MPI_MAX, comm));
  if (!(wmax > 0)) wmax = 1.0;
  if (!(qmax > 0)) qmax = 1.0;
  Histogram hw[SITE_NCLASSES + 1], hq[SITE_NCLASSES + 1];
  double cq_moments[SITE_NCLASSES + 1][3] = {{0}}; /* samples, sum, sum of squares of C_Q per class, all */
  const double *map = s->orientation;              /* binned while reading */
  for (int c2 = 0; c2 < nclass; c2++) {
    UfpCall(HistogramCreate(nb, -wmax, wmax, &hw[c2]));
    UfpCall(HistogramCreate(nb, set.signed_cq ? -qmax : 0.0, qmax, &hq[c2]));
  }
  /* Each Li into the histogram of its class (or straight into "all" without
   * a trajectory); the classes are added to "all" afterwards. */
  for (int64_t a = 0; a < count; a++) {
    const int cls = traj ? traj->site0[a] : SITE_NCLASSES;
    for (int d = 0; d < (set.powder > 0 ? ndir : 1); d++)
      HistogramAddArray(&hw[cls], F, s->omega + ((size_t)a * s->nomega + (set.powder > 0 ? d : wfield)) * F);
    HistogramAddArray(&hq[cls], F, s->cq + a * F);
    for (int64_t k = 0; k < F; k++) {
      const double q = s->cq[a * F + k];
      const int rows[2] = {cls, SITE_NCLASSES}; /* its class and "all" (the same row without a trajectory) */
      for (int r = 0; r < (cls < SITE_NCLASSES ? 2 : 1); r++)
        cq_moments[rows[r]][0] += 1, cq_moments[rows[r]][1] += q, cq_moments[rows[r]][2] += q * q;
    }
  }
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, cq_moments, 3 * nclass, MPI_DOUBLE, MPI_SUM, comm));
  double cq_mean[SITE_NCLASSES + 1], cq_std[SITE_NCLASSES + 1];
  for (int c2 = 0; c2 < nclass; c2++) {
    const double n = cq_moments[c2][0];
    cq_mean[c2] = n > 0 ? cq_moments[c2][1] / n : NAN;
    cq_std[c2] = n > 1 ? sqrt(fmax(0.0, (cq_moments[c2][2] - n * cq_mean[c2] * cq_mean[c2]) / (n - 1))) : NAN;
  }
  for (int c2 = 0; c2 < SITE_NCLASSES; c2++) {
    HistogramMerge(&hw[SITE_NCLASSES], &hw[c2]);
    HistogramMerge(&hq[SITE_NCLASSES], &hq[c2]);
  }
  double *hist_w, *hist_q;
  UfpCall(UfpCalloc(nclass * nb, &hist_w));
  UfpCall(UfpCalloc(nclass * nb, &hist_q));
  for (int c2 = 0; c2 < nclass; c2++)
    for (int b = 0; b < nb; b++)
      hist_w[c2 * nb + b] = hw[c2].counts[b], hist_q[c2 * nb + b] = hq[c2].counts[b];
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, hist_w, nclass * nb, MPI_DOUBLE, MPI_SUM, comm));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, hist_q, nclass * nb, MPI_DOUBLE, MPI_SUM, comm));
  for (int c2 = 0; c2 < nclass; c2++)
    HistogramFree(&hw[c2]), HistogramFree(&hq[c2]);

  for (int c2 = 0; c2 < nclass; c2++)
    if (cq_moments[c2][0] > 0)
      UfpInfo(comm, "acf-fit: C_Q%s of %s Li: mean %.2f kHz, standard deviation %.2f kHz\n",
              set.signed_cq ? "" : " (|C_Q|)", c2 < SITE_NCLASSES ? SiteClassNames[c2] : "all",
              1e-3 * cq_mean[c2], 1e-3 * cq_std[c2]);
  t_dist = MPI_Wtime() - t_stage;
  UfpInfo(
      comm,
      "acf-fit: rank 0 times: read %.2f s, correlation functions %.2f s, fits %.2f s, distributions %.2f s\n",
      t_read, t_acf, t_fit, t_dist);
  t_stage = MPI_Wtime();
  /* Outputs. */
  char path_h5[UFP_PATH_MAX + 16], partial[UFP_PATH_MAX + 32];
  snprintf(path_h5, sizeof path_h5, "%s.h5", set.output);
  UfpCall(UfpOutputBegin(comm, path_h5, set.overwrite, partial));
  UfpH5File *file;
  UfpCall(UfpH5FileCreate(comm, partial, &file));
  char *options = NULL;
  UfpCall(UfpOptionsGetAll(&options));
  UfpProvenance *prov = NULL;
  UfpCall(UfpProvenanceCreate(comm, "acf-fit", options, &prov));
  free(options);
  UfpCall(UfpProvenanceAddInput(prov, set.efg));
  hid_t root = UfpH5FileId(file), g, d;
  UfpCall(UfpProvenanceWrite(prov, root));
  UfpCall(UfpH5CreateGroup(root, "acf", &g));
  UfpCall(UfpH5WriteStringAttr(g, "normalisation",
                               "omega_q, cq: C(t)/C(0) (fitted); *_raw_hz2: C(t) in Hz^2; "
                               "*_centred: (C(t) - <x>^2)/(C(0) - <x>^2); averages over the "
                               "selected Li"));
  UfpCall(UfpH5WriteDoubleAttr(g, "mean_omega_q_hz", mean_w));
  UfpCall(UfpH5WriteDoubleAttr(g, "mean_cq_hz", mean_q));
  UfpCall(UfpH5WriteIntAttr(g, "powder_directions", (int)set.powder));
  UfpCall(UfpH5WriteStringAttr(g, "subset", subset_names[set.subset]));
  UfpCall(UfpH5WriteDoubleAttr(g, "li_in_subset", (double)nsel_total));
  UfpCall(UfpH5WriteDoubleAttr(g, "li", (double)N));
  UfpCall(UfpH5WriteDoubleAttr(g, "frame_interval_ps", dt));
  UfpCall(UfpH5WriteStringAttr(g, "cq", set.signed_cq ? "signed C_Q" : "|C_Q|"));
  double *t;
  UfpCall(UfpCalloc(F, &t));
  for (int64_t k = 0; k < F; k++)
    t[k] = k * dt;
  const char *names[7] = {"time_ps",    "omega_q",         "cq",        "omega_q_raw_hz2",
                          "cq_raw_hz2", "omega_q_centred", "cq_centred"};
  const double *data[7] = {t, acc_w, acc_q, raw_w, raw_q, cen_w, cen_q};
  hsize_t dims[2] = {(hsize_t)F, (hsize_t)(set.ntp > 0 ? set.ntp : 1)};
  for (int q = 0; q < 7; q++) {
    UfpCall(UfpH5CreateDataset(g, names[q], H5T_NATIVE_DOUBLE, 1, dims, 0, &d));
    UfpCall(UfpH5WriteSlab(d, H5T_NATIVE_DOUBLE, 0, rank == 0 ? (hsize_t)F : 0, data[q]));
    UfpCall(UfpH5Close(&d));
  }
  UfpCall(UfpH5Close(&g));
  UfpCall(UfpH5CreateGroup(root, "fit", &g));
  UfpCall(
      UfpH5WriteStringAttr(g, "model", "b2 + (1 - b2) exp(-(t/tau)^gamma); intervals: bootstrap over Li"));
  UfpCall(UfpH5WriteDoubleAttr(g, "level", set.level));
  for (int k = 0; k < 2; k++)
    UfpCall(write_fit(g, &fits[k]));
  UfpCall(UfpH5Close(&g));
  if (set.ntp > 0) {
    UfpCall(UfpH5CreateGroup(root, "sae", &g));
    hsize_t dt_[1] = {(hsize_t)set.ntp}, de[2] = {(hsize_t)set.ntp, (hsize_t)F};
    UfpCall(UfpH5CreateDataset(g, "tp_us", H5T_NATIVE_DOUBLE, 1, dt_, 0, &d));
    UfpCall(UfpH5WriteSlab(d, H5T_NATIVE_DOUBLE, 0, rank == 0 ? (hsize_t)set.ntp : 0, set.tp));
    UfpCall(UfpH5Close(&d));
    UfpCall(UfpH5CreateDataset(g, "echo", H5T_NATIVE_DOUBLE, 2, de, 0, &d));
    UfpCall(UfpH5WriteStringAttr(d, "definition",
                                 "9/20 <sin(omega_Q(0) t_p) sin(omega_Q(t) t_p)>, t = mixing time"));
    UfpCall(UfpH5WriteSlab(d, H5T_NATIVE_DOUBLE, 0, rank == 0 ? (hsize_t)set.ntp : 0, echo));
    UfpCall(UfpH5Close(&d));
    UfpCall(UfpH5Close(&g));
  }
  UfpCall(UfpH5CreateGroup(root, "distributions", &g));
  {
    const char *cls_names[SITE_NCLASSES + 1] = {SiteClassNames[0], SiteClassNames[1], SiteClassNames[2],
                                                "all"};
    UfpCall(UfpH5WriteStringArrayAttr(g, "classes", nclass, cls_names));
    UfpCall(UfpH5WriteStringAttr(g, "class_rule",
                                 traj ? "site class of each Li in the first frame"
                                      : "no trajectory: only the last row (all Li) is filled"));
    UfpCall(UfpH5WriteDoubleAttr(g, "omega_q_range_hz", wmax));
    UfpCall(UfpH5WriteDoubleAttr(g, "cq_range_hz", qmax));
    UfpCall(UfpH5WriteDoubleArrayAttr(g, "mean_cq_hz", nclass, cq_mean));
    UfpCall(UfpH5WriteDoubleArrayAttr(g, "std_cq_hz", nclass, cq_std));
    UfpCall(UfpH5WriteIntAttr(g, "orientation_field", stored));
    hsize_t dh[2] = {(hsize_t)nclass, (hsize_t)nb}, dmap[2] = {(hsize_t)nmap, (hsize_t)nmap};
    UfpCall(UfpH5CreateDataset(g, "omega_q_counts", H5T_NATIVE_DOUBLE, 2, dh, 0, &d));
    UfpCall(UfpH5WriteStringAttr(d, "bins", "equal bins on [-omega_q_range_hz, +omega_q_range_hz]"));
    UfpCall(UfpH5WriteSlab(d, H5T_NATIVE_DOUBLE, 0, rank == 0 ? (hsize_t)nclass : 0, hist_w));
    UfpCall(UfpH5Close(&d));
    UfpCall(UfpH5CreateDataset(g, "cq_counts", H5T_NATIVE_DOUBLE, 2, dh, 0, &d));
    UfpCall(UfpH5WriteStringAttr(d, "bins",
                                 set.signed_cq ? "equal bins on [-cq_range_hz, +cq_range_hz]"
                                               : "equal bins on [0, cq_range_hz] of |C_Q|"));
    UfpCall(UfpH5WriteSlab(d, H5T_NATIVE_DOUBLE, 0, rank == 0 ? (hsize_t)nclass : 0, hist_q));
    UfpCall(UfpH5Close(&d));
    UfpCall(UfpH5CreateDataset(g, "orientation_counts", H5T_NATIVE_DOUBLE, 2, dmap, 0, &d));
    UfpCall(UfpH5WriteStringAttr(d, "bins", "[theta][phi], each folded into [0, pi/2] in equal bins"));
    UfpCall(UfpH5WriteSlab(d, H5T_NATIVE_DOUBLE, 0, rank == 0 ? (hsize_t)nmap : 0, map));
    UfpCall(UfpH5Close(&d));
  }
  UfpCall(UfpH5Close(&g));
  if (dyn) {
    UfpCall(UfpH5CreateGroup(root, "dynamics", &g));
    const char *keys[] = {"diffusion_m2_per_s",
                          "diffusion_lo_m2_per_s",
                          "diffusion_hi_m2_per_s",
                          "msd_window_t_min_ps",
                          "msd_window_t_max_ps",
                          "span_ps",
                          "hops",
                          "hopping_li",
                          "hop_rate_lo_per_s",
                          "hop_rate_hi_per_s",
                          "hop_length2_A2",
                          "msd_rate_per_s",
                          "msd_rate_lo_per_s",
                          "msd_rate_hi_per_s",
                          "level"};
    const double values[] = {dyn->diffusion,   dyn->diffusion_lo, dyn->diffusion_hi, msd_lo,
                             msd_hi,           span_ps,           dyn->hops,         dyn->hopping,
                             dyn->hop_rate_lo, dyn->hop_rate_hi,  dyn->hop_length2,  dyn->msd_rate,
                             dyn->msd_rate_lo, dyn->msd_rate_hi,  set.level};
    for (int k = 0; k < 15; k++)
      UfpCall(UfpH5WriteDoubleAttr(g, keys[k], values[k]));
    UfpCall(UfpH5WriteDoubleArrayAttr(g, "li_per_class", SITE_NCLASSES, dyn->li_class));
    UfpCall(UfpH5WriteDoubleArrayAttr(g, "hops_per_class", SITE_NCLASSES, dyn->hops_class));
    UfpCall(UfpH5WriteStringArrayAttr(g, "classes", SITE_NCLASSES, SiteClassNames));
    double rates[SITE_NCLASSES + 1];
    for (int c = 0; c < SITE_NCLASSES; c++)
      rates[c] = dyn->li_class[c] > 0 ? 1e12 * dyn->hops_class[c] / (dyn->li_class[c] * span_ps) : NAN;
    rates[SITE_NCLASSES] = dyn->hop_rate;
    UfpCall(UfpH5WriteDoubleArrayAttr(g, "hop_rate_per_s", SITE_NCLASSES + 1, rates));
    UfpCall(UfpH5WriteStringAttr(g, "hop_rate_per_s_order", "LiS4, LiS5, LiS6 (class at t = 0), all"));
    hsize_t dm[1] = {(hsize_t)dyn->nframes};
    UfpCall(UfpH5WriteDoubleAttr(g, "frame_interval_ps", dyn->span_ps / (dyn->nframes - 1)));
    UfpCall(UfpH5CreateDataset(g, "msd_A2", H5T_NATIVE_DOUBLE, 1, dm, 0, &d));
    UfpCall(UfpH5WriteSlab(d, H5T_NATIVE_DOUBLE, 0, rank == 0 ? (hsize_t)dyn->nframes : 0, dyn->msd));
    UfpCall(UfpH5Close(&d));
    UfpCall(UfpH5Close(&g));
  }
  UfpCall(UfpH5FileDestroy(&file));
  UfpCall(UfpOutputCommit(comm, path_h5));
  AcfFigureData fig = {.prefix = set.output,
                       .overwrite = set.overwrite,
                       .nframes = F,
                       .time = t,
                       .acf_omega = acc_w,
                       .acf_cq = acc_q,
                       .acf_omega_centred = cen_w,
                       .acf_cq_centred = cen_q,
                       .have_dynamics = dyn != NULL,
                       .acf_site = acc_site,
                       .msd = dyn ? dyn->msd : NULL,
                       .msd_nframes = dyn ? dyn->nframes : 0,
                       .msd_dt = dyn ? dyn->span_ps / (dyn->nframes - 1) : 0,
                       .hop_frames = dyn ? dyn->hop_frames : NULL,
                       .nclass = nclass,
                       .nbins = nb,
                       .omega_range = wmax,
                       .cq_range = qmax,
                       .signed_cq = set.signed_cq,
                       .hist_omega = hist_w,
                       .hist_cq = hist_q,
                       .nmap = nmap,
                       .map = map};
  for (int k = 0; k < 2; k++) {
    fig.fit_decays[k] = fits[k].r.fit.decays;
    fig.fit_b2[k] = fits[k].r.fit.b2;
    fig.fit_tau[k] = fits[k].r.fit.tau;
    fig.fit_gamma[k] = fits[k].r.fit.gamma;
  }
  UfpCall(AcfFiguresWrite(comm, &fig));
  UfpInfo(comm, "acf-fit: wrote %s and the CSV files and figures %s_* (outputs %.2f s)\n", path_h5,
          set.output, MPI_Wtime() - t_stage);
  UfpProvenanceDestroy(&prov);
  AcfPlanDestroy(&plan);
  EfgSeriesDestroy(&s);
  UfpFree(&lag);
  UfpFree(&tl);
  UfpFree(&c);
  UfpFree(&acc_w);
  UfpFree(&acc_q);
  UfpFree(&raw_w);
  UfpFree(&raw_q);
  UfpFree(&cen_w);
  UfpFree(&cen_q);
  UfpFree(&per_w);
  UfpFree(&per_q);
  UfpFree(&echo);
  UfpFree(&work);
  UfpFree(&ids);
  UfpFree(&t);
  UfpFree(&selected);
  LiDynamicsDestroy(&dyn);
  LiTrajectoryDestroy(&traj);
  UfpFree(&hist_w);
  UfpFree(&hist_q);
  UfpFree(&acc_site);
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "acf-fit", code);
  UfpFinalize();
  return status;
}
