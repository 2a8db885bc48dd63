/* test_bootstrap_ranks.c -- a Markov jump process between two sites
 * (omega = +1 and -1, hopping rate k each way) for 96 atoms: the ACF is
 * exp(-2 k t), so tau = 1 / (2 k).  The fitted tau lies inside its bootstrap
 * confidence interval around the analytic value, and the fit and the
 * interval do not depend on how the atoms are spread over the ranks. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "bootstrap.h"
#include "correlation.h"
#include "parallel.h"
#include "test_util.h"

enum { ATOMS = 96, STEPS = 8000, STRIDE = 4, NLAG = 150 };

/* ACF of atom a at lags 0, STRIDE, ... (its own random stream). */
static void atom_acf(AcfPlan plan, int a, double *x, double *full, double *out)
{
  const double rate = 0.02;
  uint64_t seed = 1000 + (uint64_t)a;
  double omega = ufp_test_uniform(&seed) < 0.5 ? 1.0 : -1.0;
  for (int k = 0; k < STEPS; k++) {
    x[k] = omega;
    if (ufp_test_uniform(&seed) < 1.0 - exp(-rate)) omega = -omega;
  }
  AcfExecute(plan, x, full, NULL, NULL);
  for (int q = 0; q < NLAG; q++) out[q] = full[q * STRIDE];
}

static void test_markov_ci(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  const int rank = UfpCommRank(comm), size = UfpCommSize(comm);
  AcfPlan plan;
  assert_ufp_ok(AcfPlanCreate(STEPS, &plan));
  double *x = malloc(sizeof(double) * STEPS), *full = malloc(sizeof(double) * STEPS);
  double *all = malloc(sizeof(double) * ATOMS * NLAG), *mine = malloc(sizeof(double) * ATOMS * NLAG), t[NLAG];
  int64_t ids_all[ATOMS], ids[ATOMS];
  int n = 0;
  for (int a = 0; a < ATOMS; a++) {
    atom_acf(plan, a, x, full, all + a * NLAG);
    ids_all[a] = a;
    if (a % size == rank) {
      for (int q = 0; q < NLAG; q++) mine[n * NLAG + q] = all[a * NLAG + q];
      ids[n++] = a;
    }
  }
  for (int q = 0; q < NLAG; q++) t[q] = q * STRIDE;
  LsFitSettings fs;
  LsFitSettingsDefault(&fs);
  BootstrapSettings bs = {.resamples = 100, .seed = 7, .level = 0.95};
  BootstrapResult shared, alone;
  assert_ufp_ok(BootstrapFit(comm, &bs, &fs, NLAG, t, n, ids, mine, ATOMS, &shared));
  assert_ufp_ok(BootstrapFit(MPI_COMM_SELF, &bs, &fs, NLAG, t, ATOMS, ids_all, all, ATOMS, &alone));
  const double exact = 1.0 / (2 * 0.02);
  if (rank == 0)
    print_message("%d ranks: tau %.2f [%.2f, %.2f] (analytic %.2f), b2 %.3f [%.3f, %.3f], gamma %.3f [%.3f, %.3f], "
                  "%d resamples\n",
                  size, shared.fit.tau, shared.tau_lo, shared.tau_hi, exact, shared.fit.b2, shared.b2_lo,
                  shared.b2_hi, shared.fit.gamma, shared.gamma_lo, shared.gamma_hi, shared.used);
  int ok = shared.fit.decays && shared.used == bs.resamples && shared.tau_lo <= exact && exact <= shared.tau_hi &&
           shared.tau_hi - shared.tau_lo < 0.5 * exact;
  ok &= fabs(shared.fit.tau - alone.fit.tau) < 1e-8 * alone.fit.tau &&
        fabs(shared.tau_lo - alone.tau_lo) < 1e-8 * alone.tau_lo &&
        fabs(shared.tau_hi - alone.tau_hi) < 1e-8 * alone.tau_hi;
  assert_true(ufp_test_all_true(comm, ok));
  AcfPlanDestroy(&plan);
  free(x), free(full), free(all), free(mine);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_markov_ci)};
  return UFP_TEST_MAIN_PETSC("bootstrap_ranks", tests);
}
