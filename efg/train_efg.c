/*
 * train_efg.c -- train-efg: an SA-GPR model of the EFG tensor of one species
 * (7Li by default) from DFT labels.
 *
 *   mpiexec -n 2 train-efg -efg_data a.out,b.out,labels.extxyz -efg_output lps_efg
 *
 * writes lps_efg.h5 (the model: efg_model.h; efg-predict reads it),
 * lps_efg_report.h5 and lps_efg_report.txt, each as NAME.partial renamed
 * when complete, and prints the tables.
 *
 * Pipeline: labels from CP2K outputs, CASTEP .magres or extxyz files
 * (label_files.h), duplicates dropped, frames split into training and a
 * test set that is withheld throughout (efg_dataset.h).  k-fold
 * cross-validation over the training frames chooses the lambda-SOAP cutoff,
 * the kernel exponent zeta and the regulariser sigma^2 from the given lists
 * by the RMSE of the l = 2 components on the held-out folds.  The model is
 * then fitted on every training frame (M sparse environments by
 * farthest-point sampling on the lambda = 0 features, sagpr.h) and judged on
 * the test set in NMR terms (efg_metrics.h): omega_Q for a field along z,
 * C_Q, eta, tensor components and principal-frame orientation.  A learning
 * curve refits on 1/8, 1/4, 1/2 and all of the training frames.  Ranks share
 * the descriptor work (by frame) and the fit (by environment); every rank
 * ends with the same model.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efg_dataset.h"
#include "efg_metrics.h"
#include "efg_model.h"
#include "efg_tensor.h"
#include "h5io.h"
#include "label_files.h"
#include "options.h"
#include "parallel.h"
#include "safe_output.h"
#include "ufp_version.h"

static const char help[] =
    "train-efg: SA-GPR model of EFG tensors on lambda-SOAP features.\n\n"
    "Usage: train-efg -efg_data FILE[,FILE...] [-efg_output PREFIX] [options]\n\n"
    "Label files: CP2K outputs with ELECTRIC FIELD GRADIENTS, CASTEP .magres, or extxyz with\n"
    "an efg:R:9 column.  Options that take lists (-soap_rcut, -sagpr_zeta, -sagpr_sigma2) are\n"
    "cross-validated; the test set (-efg_test_fraction of the frames) is never used for that.\n"
    "Writes PREFIX.h5 (model) and PREFIX_report.h5.\n"
    "Exit codes: 0 ok, 64 usage, 65 bad input, 70 internal, 74 I/O.\n";

enum { MAX_GRID = 16 };

typedef struct {
  char data[8192], test_data[8192], evaluate[UFP_PATH_MAX], centre[16], isotope[32], species[256],
      output[UFP_PATH_MAX];
  int format, overwrite, split_by_size;
  double test_fraction;
  long seed, kfold, nmax, lmax, sparse;
  double rcut[MAX_GRID], sigma2[MAX_GRID], zeta[MAX_GRID];
  int nrcut, nsigma2, nzeta;
  double cutoff_width, gauss_sigma, jitter;
} Settings;

static UfpErrorCode read_settings(MPI_Comm comm, Settings *s)
{
  memset(s, 0, sizeof *s);
  snprintf(s->centre, sizeof s->centre, "Li");
  snprintf(s->output, sizeof s->output, "efg_model");
  s->test_fraction = 0.2;
  s->seed = 1;
  s->kfold = 4;
  s->nmax = 8;
  s->lmax = 6;
  s->sparse = 1000;
  s->cutoff_width = 0.5;
  s->gauss_sigma = 0.3;
  s->jitter = 1e-10;
  s->rcut[0] = 4.0, s->rcut[1] = 5.0, s->rcut[2] = 6.0, s->nrcut = 3;
  s->zeta[0] = 1, s->zeta[1] = 2, s->zeta[2] = 3, s->nzeta = 3;
  s->sigma2[0] = 1e-4, s->sigma2[1] = 1e-3, s->sigma2[2] = 1e-2, s->sigma2[3] = 1e-1, s->nsigma2 = 4;
  UfpOptions o = NULL;
  UfpCall(UfpOptionsBegin(comm, NULL, "train-efg: SA-GPR EFG model", &o));
  UfpCall(UfpOptionsString(o, "-efg_data", "EFG label files, comma-separated", "EfgSetData", s->data,
                           sizeof s->data, NULL));
  UfpCall(UfpOptionsChoice(o, "-efg_format", "label file format", "EfgSetFormat", EfgLabelFormatNames, 4,
                           &s->format));
  UfpCall(UfpOptionsString(o, "-efg_centre", "species whose tensors are learned", "EfgSetCentre", s->centre,
                           sizeof s->centre, NULL));
  UfpCall(UfpOptionsString(o, "-efg_isotope",
                           "isotope for C_Q and omega_Q in the report (default: the centre's "
                           "quadrupolar isotope, 7Li)",
                           "EfgSetIsotope", s->isotope, sizeof s->isotope, NULL));
  UfpCall(UfpOptionsReal(o, "-efg_test_fraction", "fraction of frames withheld as the test set", "",
                         "EfgSetTestFraction", &s->test_fraction));
  UfpCall(UfpOptionsString(o, "-efg_test_data",
                           "label files that are the test set (never trained on; replaces "
                           "the random test split), comma-separated",
                           "EfgSetTestData", s->test_data, sizeof s->test_data, NULL));
  UfpCall(UfpOptionsBool(o, "-efg_test_largest",
                         "test on the frames with the most atoms instead of a random "
                         "fraction (size extensivity)",
                         "EfgSetTestLargest", &s->split_by_size));
  UfpCall(UfpOptionsInt(o, "-efg_seed", "seed of the test split and the folds", "", "EfgSetSeed", &s->seed));
  UfpCall(UfpOptionsInt(o, "-efg_kfold", "cross-validation folds over the training frames", "", "EfgSetKfold",
                        &s->kfold));
  UfpCall(UfpOptionsString(o, "-soap_species",
                           "neighbour species channels, comma-separated (default: all in the "
                           "data)",
                           "SoapSetSpecies", s->species, sizeof s->species, NULL));
  int n = MAX_GRID;
  UfpCall(UfpOptionsRealArray(o, "-soap_rcut", "descriptor cutoffs to cross-validate", "Å", "SoapSetCutoff",
                              s->rcut, &n, NULL));
  if (n > 0 && n != MAX_GRID) s->nrcut = n;
  UfpCall(UfpOptionsReal(o, "-soap_cutoff_width", "width of the smooth cutoff", "Å", "SoapSetCutoffWidth",
                         &s->cutoff_width));
  UfpCall(UfpOptionsReal(o, "-soap_sigma", "Gaussian width of the neighbour density", "Å", "SoapSetSigma",
                         &s->gauss_sigma));
  UfpCall(UfpOptionsInt(o, "-soap_nmax", "radial functions", "", "SoapSetNmax", &s->nmax));
  UfpCall(UfpOptionsInt(o, "-soap_lmax", "largest angular momentum", "", "SoapSetLmax", &s->lmax));
  n = MAX_GRID;
  UfpCall(UfpOptionsRealArray(o, "-sagpr_zeta", "kernel exponents to cross-validate (integers >= 1)", "",
                              "SagprSetZeta", s->zeta, &n, NULL));
  if (n > 0 && n != MAX_GRID) s->nzeta = n;
  n = MAX_GRID;
  UfpCall(UfpOptionsRealArray(o, "-sagpr_sigma2",
                              "regularisers sigma^2 to cross-validate (noise variance "
                              "relative to the targets')",
                              "", "SagprSetSigma2", s->sigma2, &n, NULL));
  if (n > 0 && n != MAX_GRID) s->nsigma2 = n;
  UfpCall(UfpOptionsInt(o, "-sagpr_sparse", "sparse environments M (at most the training environments)", "",
                        "SagprSetSparse", &s->sparse));
  UfpCall(UfpOptionsReal(o, "-sagpr_jitter", "diagonal jitter relative to the mean K_MM diagonal", "",
                         "SagprSetJitter", &s->jitter));
  UfpCall(
      UfpOptionsString(o, "-efg_output", "output prefix", "EfgSetOutput", s->output, sizeof s->output, NULL));
  UfpCall(UfpOptionsBool(o, "-efg_overwrite", "replace existing outputs", "EfgSetOverwrite", &s->overwrite));
  UfpCall(UfpOptionsString(o, "-efg_evaluate",
                           "only report the errors of this model (train-efg file) on the test "
                           "set, e.g. before retraining",
                           "EfgSetEvaluate", s->evaluate, sizeof s->evaluate, NULL));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(s->data[0], UFP_ERR_USAGE, "-efg_data is required (EFG label files)");
  for (int k = 0; k < s->nzeta; k++)
    UfpCheck(s->zeta[k] >= 1 && s->zeta[k] == floor(s->zeta[k]), UFP_ERR_USAGE,
             "-sagpr_zeta: %g is not an integer >= 1", s->zeta[k]);
  UfpCheck(s->sparse >= 1, UFP_ERR_USAGE, "-sagpr_sparse must be >= 1");
  return UFP_SUCCESS;
}

/* Environments selected by a predicate on their frame. */
typedef struct {
  int n;
  int *env;
} Selection;

static UfpErrorCode select_envs(const EfgDataset *d, int want_test, int skip_fold, double max_u,
                                const double *u, Selection *sel)
{
  UfpCall(UfpCalloc(d->nenv + 1, &sel->env));
  sel->n = 0;
  for (int e = 0; e < d->nenv; e++) {
    int q = d->env_frame[e];
    if (d->test[q] != want_test) continue;
    if (skip_fold >= 0 && d->fold[q] == skip_fold) continue;
    if (u && u[q] >= max_u) continue;
    sel->env[sel->n++] = e;
  }
  return UFP_SUCCESS;
}

static UfpErrorCode select_fold(const EfgDataset *d, int fold, Selection *sel)
{
  UfpCall(UfpCalloc(d->nenv + 1, &sel->env));
  sel->n = 0;
  for (int e = 0; e < d->nenv; e++)
    if (!d->test[d->env_frame[e]] && d->fold[d->env_frame[e]] == fold) sel->env[sel->n++] = e;
  return UFP_SUCCESS;
}

/* Gather rows of p0, p2, t for a selection (all of it, or this rank's share). */
static UfpErrorCode gather(const Selection *sel, int f0, int f2, const double *p0, const double *p2,
                           const double (*t)[5], int rank, int size, int *n, double **q0, double **q2,
                           double **y)
{
  int count = 0;
  for (int k = rank; k < sel->n; k += size)
    count++;
  UfpCall(UfpCalloc((size_t)count * f0 + 1, q0));
  UfpCall(UfpCalloc((size_t)count * 5 * f2 + 1, q2));
  UfpCall(UfpCalloc((size_t)count * 5 + 1, y));
  int r = 0;
  for (int k = rank; k < sel->n; k += size, r++) {
    int e = sel->env[k];
    memcpy(*q0 + (size_t)r * f0, p0 + (size_t)e * f0, sizeof(double) * f0);
    memcpy(*q2 + (size_t)r * 5 * f2, p2 + (size_t)e * 5 * f2, sizeof(double) * 5 * f2);
    if (t) memcpy(*y + (size_t)r * 5, t[e], sizeof(double) * 5);
  }
  *n = count;
  return UFP_SUCCESS;
}

/* Fit on a selection of environments; every rank gets the model. */
static UfpErrorCode fit(MPI_Comm comm, const EfgDataset *d, const Selection *train, int f0, int f2,
                        const double *p0, const double *p2, int zeta, double sigma2, double jitter,
                        int sparse, Sagpr *model)
{
  int n, m = train->n < sparse ? train->n : sparse;
  double *all0, *all2, *y, *s0, *s2;
  UfpCall(gather(train, f0, f2, p0, p2, NULL, 0, 1, &n, &all0, &all2, &y));
  int *pick;
  UfpCall(UfpCalloc(m, &pick));
  UfpCall(SagprFarthestPoints(n, f0, all0, m, 0, pick));
  UfpCall(UfpCalloc((size_t)m * f0, &s0));
  UfpCall(UfpCalloc((size_t)m * 5 * f2, &s2));
  for (int k = 0; k < m; k++) {
    memcpy(s0 + (size_t)k * f0, all0 + (size_t)pick[k] * f0, sizeof(double) * f0);
    memcpy(s2 + (size_t)k * 5 * f2, all2 + (size_t)pick[k] * 5 * f2, sizeof(double) * 5 * f2);
  }
  UfpFree(&all0);
  UfpFree(&all2);
  UfpFree(&y);
  UfpFree(&pick);
  double *q0, *q2, *t;
  UfpCall(gather(train, f0, f2, p0, p2, (const double(*)[5])d->t, UfpCommRank(comm), UfpCommSize(comm), &n,
                 &q0, &q2, &t));
  SagprSettings settings = {.zeta = zeta, .sigma2 = sigma2, .jitter = jitter};
  UfpErrorCode ierr = SagprFit(comm, &settings, f0, f2, m, s0, s2, n, q0, q2, t, model);
  UfpFree(&q0);
  UfpFree(&q2);
  UfpFree(&t);
  UfpFree(&s0);
  UfpFree(&s2);
  return ierr;
}

/* Predicted tensors of a selection (every rank predicts all of it). */
static UfpErrorCode predict(const Sagpr model, const Selection *sel, int f0, int f2, const double *p0,
                            const double *p2, double (*v)[3][3])
{
  int n;
  double *q0, *q2, *y, *t;
  UfpCall(gather(sel, f0, f2, p0, p2, NULL, 0, 1, &n, &q0, &q2, &y));
  UfpCall(UfpCalloc((size_t)n * 5 + 1, &t));
  UfpErrorCode ierr = SagprPredict(model, n, q0, q2, t);
  for (int k = 0; k < n && !ierr; k++)
    UfpEfgFromSpherical(0.0, t + 5 * k, v[k]);
  UfpFree(&q0);
  UfpFree(&q2);
  UfpFree(&y);
  UfpFree(&t);
  return ierr;
}

typedef struct {
  double rcut, sigma2;
  int zeta;
  double rmse; /* a.u., l = 2 components, held-out folds */
} CvPoint;

static UfpErrorCode make_descriptor(const Settings *set, const EfgDataset *d, double rcut,
                                    LambdaSoapSettings *ds)
{
  memset(ds, 0, sizeof *ds);
  ds->rcut = rcut;
  ds->cutoff_width = set->cutoff_width;
  ds->sigma = set->gauss_sigma;
  ds->nmax = (int)set->nmax;
  ds->lmax = (int)set->lmax;
  if (set->species[0]) {
    char buf[256], *items[LSOAP_MAX_SPECIES + 1];
    snprintf(buf, sizeof buf, "%s", set->species);
    int n = UfpSplitList(buf, items, LSOAP_MAX_SPECIES + 1);
    UfpCheck(n <= LSOAP_MAX_SPECIES, UFP_ERR_USAGE, "-soap_species: at most %d species", LSOAP_MAX_SPECIES);
    for (int a = 0; a < n; a++)
      snprintf(ds->species[a], sizeof ds->species[a], "%s", items[a]);
    ds->nspecies = n;
  } else
    EfgDatasetSpecies(d, LSOAP_MAX_SPECIES, ds->species, &ds->nspecies);
  return UFP_SUCCESS;
}

static void labels_of(const EfgDataset *d, const Selection *sel, double (*v)[3][3])
{
  for (int k = 0; k < sel->n; k++)
    memcpy(v[k], d->v[sel->env[k]], sizeof(double) * 9);
}

/* The text report: the same tables the run prints. */
typedef struct {
  const char *isotope;
  const CvPoint *cv, *chosen;
  int ncv;
  const EfgMetrics *train, *test;
  const int *lc_n;
  const double *lc_omega, *lc_comp;
} TextReport;

static UfpErrorCode write_text(const char *partial, void *ctx)
{
  const TextReport *r = ctx;
  FILE *out = fopen(partial, "w");
  UfpCheck(out, UFP_ERR_IO, "cannot open %s for writing", partial);
  fprintf(out,
          "train-efg report (%s; field along lab z)\n\ncross-validation: rcut (Å), zeta, sigma^2, held-out "
          "RMSE of "
          "the l = 2 components (a.u.)\n",
          r->isotope);
  for (int k = 0; k < r->ncv; k++)
    fprintf(out, "  %5.2f %2d %8.1e %.5e%s\n", r->cv[k].rcut, r->cv[k].zeta, r->cv[k].sigma2, r->cv[k].rmse,
            &r->cv[k] == r->chosen ? "  <- chosen" : "");
  fprintf(out, "\nerrors:\n");
  EfgMetricsPrint(out, "train", r->train);
  EfgMetricsPrint(out, "test", r->test);
  fprintf(out,
          "\nlearning curve: training environments, test omega_Q MAE (kHz), test component RMSE (a.u.)\n");
  for (int c = 0; c < 4; c++)
    fprintf(out, "  %6d %8.2f %.4e\n", r->lc_n[c], r->lc_omega[c], r->lc_comp[c]);
  int failed = ferror(out);
  failed |= fclose(out) != 0;
  UfpCheck(!failed, UFP_ERR_IO, "error writing %s", partial);
  return UFP_SUCCESS;
}

/* The errors of an existing model on the test frames (-efg_evaluate). */
static UfpErrorCode evaluate_model(MPI_Comm comm, const Settings *set, const EfgDataset *d,
                                   const UfpIsotope *iso)
{
  EfgModel model = NULL;
  UfpCall(EfgModelRead(comm, set->evaluate, &model));
  int n = 0;
  for (int e = 0; e < d->nenv; e++)
    n += d->test[d->env_frame[e]];
  UfpCheck(n > 0, UFP_ERR_INPUT, "no test environments to evaluate %s on (give -efg_test_data)",
           set->evaluate);
  double(*ref)[3][3], (*pred)[3][3];
  int *centres;
  UfpCall(UfpCalloc(n, &ref));
  UfpCall(UfpCalloc(n, &pred));
  UfpCall(UfpCalloc(d->nenv, &centres));
  int k = 0;
  for (int q = 0; q < d->nframes; q++) {
    if (!d->test[q]) continue;
    const UfpStructure *s = d->frames[q];
    int nc = 0, first = k;
    for (int e = 0; e < d->nenv; e++)
      if (d->env_frame[e] == q) {
        centres[nc++] = d->env_atom[e];
        memcpy(ref[k++], d->v[e], sizeof ref[0]);
      }
    UfpCell cell;
    UfpCall(UfpCellSetup(&cell, s->lattice, s->pbc));
    UfpCall(EfgModelPredict(model, &cell, s->natoms, (const double(*)[3])s->x,
                            (const char(*)[UFP_LABEL_MAX])s->species, nc, centres, pred + first));
  }
  EfgMetrics m;
  UfpCall(EfgMetricsCompute(iso, n, (const double(*)[3][3])ref, (const double(*)[3][3])pred, &m));
  if (UfpCommRank(comm) == 0) {
    printf("train-efg errors of %s (field along lab z; %s):\n", set->evaluate, iso->symbol);
    EfgMetricsPrint(stdout, "test", &m);
  }
  EfgMetricsFree(&m);
  EfgModelDestroy(&model);
  UfpFree(&ref);
  UfpFree(&pred);
  UfpFree(&centres);
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm)
{
  double t0 = MPI_Wtime();
  Settings set;
  UfpCall(read_settings(comm, &set));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  char datacopy[8192], testcopy[8192], *paths[512];
  snprintf(datacopy, sizeof datacopy, "%s", set.data);
  snprintf(testcopy, sizeof testcopy, "%s", set.test_data);
  int nfiles = UfpSplitList(datacopy, paths, 512);
  const int ntest_files = set.test_data[0] ? UfpSplitList(testcopy, paths + nfiles, 512 - nfiles) : 0;
  nfiles += ntest_files;
  const UfpIsotope *iso = NULL;
  UfpCall(set.isotope[0] ? UfpIsotopeResolve(set.isotope, &iso) : UfpIsotopeDefault(set.centre, &iso));
  char path_model[UFP_PATH_MAX + 16], path_report[UFP_PATH_MAX + 16];
  snprintf(path_model, sizeof path_model, "%s.h5", set.output);
  snprintf(path_report, sizeof path_report, "%s_report.h5", set.output);
  UfpCheck(set.evaluate[0] || set.overwrite || !UfpFileExists(comm, path_model), UFP_ERR_IO,
           "%s exists (use -efg_overwrite to replace it)", path_model);
  UfpCheck(set.evaluate[0] || set.overwrite || !UfpFileExists(comm, path_report), UFP_ERR_IO,
           "%s exists (use -efg_overwrite to replace it)", path_report);

  EfgDatasetSpec spec = {.nfiles = nfiles,
                         .paths = (const char *const *)paths,
                         .format = set.format,
                         .centre = set.centre,
                         .test_fraction = set.test_fraction,
                         .seed = (uint64_t)set.seed,
                         .kfold = set.evaluate[0] ? 0 : (int)set.kfold,
                         .split_by_size = set.split_by_size,
                         .ntest_files = ntest_files};
  EfgDataset *d = NULL;
  UfpCall(EfgDatasetLoad(comm, &spec, &d));
  int ntest = 0, nte = 0;
  for (int q = 0; q < d->nframes; q++)
    ntest += d->test[q];
  for (int e = 0; e < d->nenv; e++)
    nte += d->test[d->env_frame[e]];
  UfpInfo(comm,
          "train-efg: %d frames from %d files (%d duplicates dropped): %d training frames (%d %s), %d test "
          "frames (%d %s); isotope %s\n",
          d->nframes, nfiles, d->nduplicates, d->nframes - ntest, d->nenv - nte, set.centre, ntest, nte,
          set.centre, iso->symbol);

  if (set.evaluate[0]) {
    UfpCall(evaluate_model(comm, &set, d, iso));
    EfgDatasetDestroy(&d);
    return UFP_SUCCESS;
  }

  /* Cross-validation. */
  const int ncv = set.nrcut * set.nzeta * set.nsigma2;
  CvPoint *cv;
  UfpCall(UfpCalloc(ncv, &cv));
  int best = 0, k = 0;
  for (int ir = 0; ir < set.nrcut; ir++) {
    LambdaSoapSettings ds;
    UfpCall(make_descriptor(&set, d, set.rcut[ir], &ds));
    LambdaSoap soap;
    UfpCall(LambdaSoapCreate(&ds, &soap));
    const int f0 = LambdaSoapSize(soap, 0), f2 = LambdaSoapSize(soap, 2);
    double *p0, *p2;
    UfpCall(EfgDatasetFeatures(comm, d, soap, &p0, &p2));
    for (int iz = 0; iz < set.nzeta; iz++)
      for (int is = 0; is < set.nsigma2; is++, k++) {
        double sq = 0.0;
        int count = 0;
        for (int f = 0; f < set.kfold; f++) {
          Selection train, held;
          UfpCall(select_envs(d, 0, f, 0, NULL, &train));
          UfpCall(select_fold(d, f, &held));
          if (held.n > 0 && train.n > 0) {
            Sagpr model;
            UfpCall(fit(comm, d, &train, f0, f2, p0, p2, (int)set.zeta[iz], set.sigma2[is], set.jitter,
                        (int)set.sparse, &model));
            double(*v)[3][3];
            UfpCall(UfpCalloc(held.n, &v));
            UfpCall(predict(model, &held, f0, f2, p0, p2, v));
            for (int h = 0; h < held.n; h++) {
              double t00, t[5];
              UfpEfgToSpherical((const double(*)[3])v[h], &t00, t);
              for (int mu = 0; mu < 5; mu++)
                sq += pow(t[mu] - d->t[held.env[h]][mu], 2);
              count += 5;
            }
            UfpFree(&v);
            SagprDestroy(&model);
          }
          UfpFree(&train.env);
          UfpFree(&held.env);
        }
        cv[k] = (CvPoint){set.rcut[ir], set.sigma2[is], (int)set.zeta[iz], sqrt(sq / (count ? count : 1))};
        UfpInfo(comm, "train-efg: cv rcut %.2f Å, zeta %d, sigma^2 %.1e: held-out RMSE %.4e a.u. (%.1f s)\n",
                cv[k].rcut, cv[k].zeta, cv[k].sigma2, cv[k].rmse, MPI_Wtime() - t0);
        if (cv[k].rmse < cv[best].rmse) best = k;
      }
    UfpFree(&p0);
    UfpFree(&p2);
    LambdaSoapDestroy(&soap);
  }
  const CvPoint chosen = cv[best];
  UfpInfo(comm, "train-efg: chosen rcut %.2f Å, zeta %d, sigma^2 %.1e (held-out RMSE %.4e a.u.)\n",
          chosen.rcut, chosen.zeta, chosen.sigma2, chosen.rmse);

  /* Final model, test metrics, learning curve. */
  LambdaSoapSettings ds;
  UfpCall(make_descriptor(&set, d, chosen.rcut, &ds));
  LambdaSoap soap;
  UfpCall(LambdaSoapCreate(&ds, &soap));
  const int f0 = LambdaSoapSize(soap, 0), f2 = LambdaSoapSize(soap, 2);
  double *p0, *p2;
  UfpCall(EfgDatasetFeatures(comm, d, soap, &p0, &p2));
  LambdaSoapDestroy(&soap);
  Selection train, test;
  UfpCall(select_envs(d, 0, -1, 0, NULL, &train));
  UfpCall(select_envs(d, 1, -1, 0, NULL, &test));
  Sagpr gpr;
  UfpCall(
      fit(comm, d, &train, f0, f2, p0, p2, chosen.zeta, chosen.sigma2, set.jitter, (int)set.sparse, &gpr));
  double(*ref_train)[3][3], (*pred_train)[3][3], (*ref_test)[3][3], (*pred_test)[3][3];
  UfpCall(UfpCalloc(train.n + 1, &ref_train));
  UfpCall(UfpCalloc(train.n + 1, &pred_train));
  UfpCall(UfpCalloc(test.n + 1, &ref_test));
  UfpCall(UfpCalloc(test.n + 1, &pred_test));
  labels_of(d, &train, ref_train);
  labels_of(d, &test, ref_test);
  UfpCall(predict(gpr, &train, f0, f2, p0, p2, pred_train));
  UfpCall(predict(gpr, &test, f0, f2, p0, p2, pred_test));
  EfgMetrics m_train, m_test;
  UfpCall(EfgMetricsCompute(iso, train.n, (const double(*)[3][3])ref_train, (const double(*)[3][3])pred_train,
                            &m_train));
  UfpCall(EfgMetricsCompute(iso, test.n, (const double(*)[3][3])ref_test, (const double(*)[3][3])pred_test,
                            &m_test));
  if (UfpCommRank(comm) == 0) {
    printf("train-efg errors (field along lab z; %s):\n", iso->symbol);
    EfgMetricsPrint(stdout, "train", &m_train);
    EfgMetricsPrint(stdout, "test", &m_test);
  }
  /* Learning curve: training frames with u < fraction. */
  const double fractions[4] = {0.125, 0.25, 0.5, 1.0};
  double *u;
  UfpCall(UfpCalloc(d->nframes + 1, &u));
  for (int q = 0; q < d->nframes; q++)
    u[q] = (double)((q * 2654435761u + (unsigned)set.seed) % 1000003u) / 1000003.0;
  int lc_n[4];
  double lc_omega[4], lc_comp[4];
  for (int c = 0; c < 4; c++) {
    Selection part;
    UfpCall(select_envs(d, 0, -1, fractions[c], c < 3 ? u : NULL, &part));
    lc_n[c] = part.n;
    lc_omega[c] = lc_comp[c] = NAN;
    if (part.n >= 2 && test.n > 0) {
      Sagpr model;
      UfpCall(fit(comm, d, &part, f0, f2, p0, p2, chosen.zeta, chosen.sigma2, set.jitter, (int)set.sparse,
                  &model));
      double(*v)[3][3];
      UfpCall(UfpCalloc(test.n + 1, &v));
      UfpCall(predict(model, &test, f0, f2, p0, p2, v));
      EfgMetrics mc;
      UfpCall(EfgMetricsCompute(iso, test.n, (const double(*)[3][3])ref_test, (const double(*)[3][3])v, &mc));
      lc_omega[c] = mc.omega_mae;
      lc_comp[c] = mc.comp_rmse;
      EfgMetricsFree(&mc);
      UfpFree(&v);
      SagprDestroy(&model);
    }
    UfpInfo(comm,
            "train-efg: learning curve: %5d training environments -> test omega_Q MAE %.2f kHz, component "
            "RMSE %.3e a.u.\n",
            lc_n[c], lc_omega[c], lc_comp[c]);
    UfpFree(&part.env);
  }
  UfpFree(&u);

  /* Outputs. */
  char *options = NULL;
  UfpCall(UfpOptionsGetAll(&options));
  UfpProvenance *prov = NULL;
  UfpCall(UfpProvenanceCreate(comm, "train-efg", options, &prov));
  free(options);
  for (int f = 0; f < nfiles; f++)
    UfpCall(UfpProvenanceAddInput(prov, paths[f]));
  EfgModel model = NULL;
  UfpCall(EfgModelCreateSagpr(&ds, set.centre, gpr, &model));
  char partial[UFP_PATH_MAX + 32];
  UfpCall(UfpOutputBegin(comm, path_model, set.overwrite, partial));
  UfpH5File *file = NULL;
  UfpCall(UfpH5FileCreate(comm, partial, &file));
  UfpCall(UfpProvenanceWrite(prov, UfpH5FileId(file)));
  UfpCall(EfgModelWrite(model, comm, UfpH5FileId(file)));
  UfpCall(UfpH5FileDestroy(&file));
  UfpCall(UfpOutputCommit(comm, path_model));

  UfpCall(UfpOutputBegin(comm, path_report, set.overwrite, partial));
  UfpCall(UfpH5FileCreate(comm, partial, &file));
  hid_t root = UfpH5FileId(file);
  UfpCall(UfpProvenanceWrite(prov, root));
  UfpCall(UfpH5WriteStringAttr(root, "isotope", iso->symbol));
  UfpCall(EfgMetricsWrite(root, "train", UfpCommRank(comm), &m_train));
  UfpCall(EfgMetricsWrite(root, "test", UfpCommRank(comm), &m_test));
  hid_t g, dset;
  UfpCall(UfpH5CreateGroup(root, "cross_validation", &g));
  UfpCall(UfpH5WriteIntAttr(g, "kfold", (int)set.kfold));
  UfpCall(UfpH5WriteDoubleAttr(g, "chosen_rcut", chosen.rcut));
  UfpCall(UfpH5WriteIntAttr(g, "chosen_zeta", chosen.zeta));
  UfpCall(UfpH5WriteDoubleAttr(g, "chosen_sigma2", chosen.sigma2));
  double *table;
  UfpCall(UfpCalloc(4 * ncv, &table));
  for (int q = 0; q < ncv; q++) {
    table[4 * q] = cv[q].rcut;
    table[4 * q + 1] = cv[q].zeta;
    table[4 * q + 2] = cv[q].sigma2;
    table[4 * q + 3] = cv[q].rmse;
  }
  hsize_t dims2[2] = {(hsize_t)ncv, 4};
  UfpCall(UfpH5CreateDataset(g, "grid", H5T_NATIVE_DOUBLE, 2, dims2, 0, &dset));
  UfpCall(UfpH5WriteStringAttr(dset, "columns",
                               "rcut (Å), zeta, sigma^2, held-out RMSE of l=2 components (a.u.)"));
  UfpCall(UfpH5WriteSlab(dset, H5T_NATIVE_DOUBLE, 0, UfpCommRank(comm) == 0 ? (hsize_t)ncv : 0, table));
  UfpCall(UfpH5Close(&dset));
  UfpCall(UfpH5Close(&g));
  UfpFree(&table);
  UfpCall(UfpH5CreateGroup(root, "learning_curve", &g));
  double lc[12];
  for (int c = 0; c < 4; c++)
    lc[3 * c] = lc_n[c], lc[3 * c + 1] = lc_omega[c], lc[3 * c + 2] = lc_comp[c];
  hsize_t dlc[2] = {4, 3};
  UfpCall(UfpH5CreateDataset(g, "points", H5T_NATIVE_DOUBLE, 2, dlc, 0, &dset));
  UfpCall(UfpH5WriteStringAttr(dset, "columns",
                               "training environments, test omega_Q MAE (kHz), test component "
                               "RMSE (a.u.)"));
  UfpCall(UfpH5WriteSlab(dset, H5T_NATIVE_DOUBLE, 0, UfpCommRank(comm) == 0 ? 4 : 0, lc));
  UfpCall(UfpH5Close(&dset));
  UfpCall(UfpH5Close(&g));
  UfpCall(UfpH5CreateGroup(root, "parity", &g));
  hsize_t dp[3] = {(hsize_t)test.n, 3, 3};
  if (test.n > 0) {
    UfpCall(UfpH5CreateDataset(g, "test_reference", H5T_NATIVE_DOUBLE, 3, dp, 0, &dset));
    UfpCall(
        UfpH5WriteSlab(dset, H5T_NATIVE_DOUBLE, 0, UfpCommRank(comm) == 0 ? (hsize_t)test.n : 0, ref_test));
    UfpCall(UfpH5Close(&dset));
    UfpCall(UfpH5CreateDataset(g, "test_predicted", H5T_NATIVE_DOUBLE, 3, dp, 0, &dset));
    UfpCall(
        UfpH5WriteSlab(dset, H5T_NATIVE_DOUBLE, 0, UfpCommRank(comm) == 0 ? (hsize_t)test.n : 0, pred_test));
    UfpCall(UfpH5WriteStringAttr(dset, "units", "atomic units of EFG"));
    UfpCall(UfpH5Close(&dset));
  }
  UfpCall(UfpH5Close(&g));
  UfpCall(UfpH5FileDestroy(&file));
  UfpCall(UfpOutputCommit(comm, path_report));
  char path_text[UFP_PATH_MAX + 16];
  snprintf(path_text, sizeof path_text, "%s_report.txt", set.output);
  TextReport text = {iso->symbol, cv, &cv[best], ncv, &m_train, &m_test, lc_n, lc_omega, lc_comp};
  UfpCall(UfpOutputWriteOnRoot(comm, path_text, set.overwrite, write_text, &text));
  UfpInfo(comm, "train-efg: wrote %s, %s and %s; %.1f s in all\n", path_model, path_report, path_text,
          MPI_Wtime() - t0);

  UfpProvenanceDestroy(&prov);
  EfgModelDestroy(&model);
  EfgMetricsFree(&m_train);
  EfgMetricsFree(&m_test);
  UfpFree(&ref_train);
  UfpFree(&pred_train);
  UfpFree(&ref_test);
  UfpFree(&pred_test);
  UfpFree(&train.env);
  UfpFree(&test.env);
  UfpFree(&p0);
  UfpFree(&p2);
  UfpFree(&cv);
  EfgDatasetDestroy(&d);
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "train-efg", code);
  UfpFinalize();
  return status;
}
