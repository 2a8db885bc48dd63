/*
 * test_uf3_fit.c (MPI) -- a UF3 fit does not depend on the number of ranks:
 * the frames are dealt to the ranks, streamed into per-rank normal
 * equations, summed and solved by ScaLAPACK on the whole communicator; the
 * same fit on one rank (MPI_COMM_SELF) must agree to round-off, for the
 * coefficients, the predictions and the k-fold models.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extxyz.h"
#include "fit_data.h"
#include "fit_report.h"
#include "pair_prior.h"
#include "parallel.h"
#include "test_fit.h"
#include "test_util.h"
#include "uf3_fit.h"

static const char *const lps[3] = {"Li", "P", "S"};

typedef struct {
  FitData *data;
  Uf3Fit fit;
  double *u, *u_fold;
  Uf3Potential *pot;
  FitReport *rep;
} Run;

static void fit_on(MPI_Comm comm, const char *path, const Uf3FitBasis *basis, Run *run)
{
  const char *paths[1] = {path};
  FitDataSpec ds = {.nfiles = 1, .paths = paths, .validation_fraction = 0.2, .test_fraction = 0.1, .seed = 3,
                    .kfold = 3};
  assert_ufp_ok(FitDataLoad(&ds, &run->data));
  Uf3FitSettings settings = {.energy_weight = 10.0, .force_weight = 1.0, .virial_weight = 0.5,
                             .ridge = {1e-8, 1e-8, 1e-7}, .curvature = {0, 1e-6, 1e-6}, .rcond_min = 1e-13,
                             .kfold = 3, .prior_2b = UF3_PRIOR_ZBL, .coverage = 1e-8};
  assert_ufp_ok(Uf3FitCreate(comm, basis, run->data, &settings, &run->fit));
  assert_ufp_ok(Uf3FitAccumulate(run->fit, 0));
  int n = Uf3FitColumns(run->fit);
  run->u = calloc(n, sizeof(double));
  run->u_fold = calloc(n, sizeof(double));
  assert_ufp_ok(Uf3FitSolve(run->fit, -1, run->u, NULL));
  assert_ufp_ok(Uf3FitSolve(run->fit, 1, run->u_fold, NULL));
  assert_ufp_ok(Uf3FitPotential(run->fit, run->u, &run->pot));
  assert_ufp_ok(FitReportCreate(comm, run->fit, run->data, run->u, run->pot, &run->rep));
}

static void free_run(Run *run)
{
  FitReportDestroy(&run->rep);
  Uf3PotentialDestroy(&run->pot);
  Uf3FitDestroy(&run->fit);
  FitDataDestroy(&run->data);
  free(run->u);
  free(run->u_fold);
}

static void test_rank_independence(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  Uf3FitBasisSpec *spec = ufp_test_fit_spec(3, 1.5, 5.0, 8, 3.6, 4, 8);
  Uf3FitBasis *basis = NULL;
  assert_ufp_ok(Uf3FitBasisCreate(spec, &basis));
  /* Labels: a smooth model plus deterministic noise, so the fit has
   * residuals and the regularisation matters. */
  double *truth = calloc(basis->ncols, sizeof *truth);
  unsigned seed = 17;
  for (int b = 0; b < basis->nblocks; b++) {
    const Uf3FitBlock *blk = &basis->blocks[b];
    for (int k = 0; k < blk->ncols; k++) {
      double noise = rand_r(&seed) / (double)RAND_MAX - 0.5;
      truth[blk->offset + k] = blk->body == 2 ? 2.0 * exp(-2.0 * (blk->knots[0][blk->unmap[k] + 2] - 1.5)) : 0.04 * noise;
    }
  }
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3FitBasisToPotential(basis, truth, NULL, &pot));
  enum { N = 36 };
  UfpStructure *frames[N];
  for (int k = 0; k < N; k++) {
    frames[k] = ufp_test_random_structure(9 + k % 6, 3, lps, 0.035, 1.6, 40 + k);
    ufp_test_label(pot, frames[k]);
    UfpAtomColumn *f = UfpStructureFindColumn(frames[k], "forces");
    for (int i = 0; i < 3 * frames[k]->natoms; i++) f->real[i] += 0.05 * (rand_r(&seed) / (double)RAND_MAX - 0.5);
  }
  const char *path = ufp_test_tmp("fit_ranks.xyz");
  assert_ufp_ok(UfpExtxyzWriteAll(comm, path, 1, N, frames));
  Run par = {0}, ser = {0};
  fit_on(comm, path, basis, &par);
  fit_on(MPI_COMM_SELF, path, basis, &ser);
  int n = Uf3FitColumns(par.fit), ok = 1;
  double scale = 0;
  for (int c = 0; c < n; c++) scale = fmax(scale, fabs(ser.u[c]));
  for (int c = 0; c < n; c++) {
    ok &= fabs(par.u[c] - ser.u[c]) <= 1e-9 * scale;
    ok &= fabs(par.u_fold[c] - ser.u_fold[c]) <= 1e-9 * scale;
  }
  assert_true(ufp_test_all_true(comm, ok));
  /* Fold 1's model differs from the full one: the folds are real. */
  double diff = 0;
  for (int c = 0; c < n; c++) diff = fmax(diff, fabs(par.u_fold[c] - par.u[c]));
  assert_true(diff > 1e-6 * scale);
  /* Predictions and metrics. */
  double de = 0, dfm = 0;
  for (int k = 0; k < par.rep->nframes; k++) de = fmax(de, fabs(par.rep->energy_pred[k] - ser.rep->energy_pred[k]));
  for (int64_t q = 0; q < 3 * par.rep->atom_offset[par.rep->nframes]; q++)
    dfm = fmax(dfm, fabs(par.rep->forces_pred[q] - ser.rep->forces_pred[q]));
  print_message("ranks vs serial: max |dE| %.3g eV, max |dF| %.3g eV/Å\n", de, dfm);
  for (int k = 0; k < par.rep->nframes; k++) ok &= fabs(par.rep->energy_pred[k] - ser.rep->energy_pred[k]) < 1e-8;
  for (int64_t q = 0; q < 3 * par.rep->atom_offset[par.rep->nframes]; q++)
    ok &= fabs(par.rep->forces_pred[q] - ser.rep->forces_pred[q]) < 1e-8;
  for (int c = 0; c < (par.rep->ndatasets + 1) * 3; c++)
    ok &= isnan(par.rep->energy_rmse[c]) ? isnan(ser.rep->energy_rmse[c])
                                          : fabs(par.rep->energy_rmse[c] - ser.rep->energy_rmse[c]) < 1e-9;
  assert_true(ufp_test_all_true(comm, ok));
  /* The noise is what the fit cannot explain: the training force RMSE stays
   * below its RMS (0.05 / sqrt(12) eV/Å = 14.4 meV/Å; about as many
   * unknowns as force rows absorb part of it) but far from zero. */
  double rmse = par.rep->force_rmse[(1 * 3 + FIT_TRAIN) * 4 + 3];
  print_message("training force RMSE %.2f meV/Å\n", rmse);
  assert_true(rmse > 3.0 && rmse < 14.5);
  free_run(&par);
  free_run(&ser);
  for (int k = 0; k < N; k++) UfpStructureDestroy(&frames[k]);
  Uf3PotentialDestroy(&pot);
  free(truth);
  Uf3FitBasisDestroy(&basis);
  ufp_test_fit_spec_free(spec);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rank_independence),
  };
  return UFP_TEST_MAIN("uf3_fit (MPI)", tests);
}
