/*
 * test_sae_sites.c -- site classes from S coordination on beta-Li3PS4 (8
 * LiS4 and 4 LiS6 per cell); powder averages over the Fibonacci directions
 * against the exact <(n.V.n)^2> = 2 tr(V^2) / 15; the finite-pulse echo:
 * flat for a frozen omega_Q, and (9/20)(2 pi t_p)^2 <omega(0) omega(t)> for
 * short pulses.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extxyz.h"
#include "sae.h"
#include "sites.h"
#include "test_util.h"
#include "units.h"

static void test_sites_beta(void **state)
{
  (void)state;
  int n;
  UfpStructure **frames;
  assert_ufp_ok(UfpExtxyzReadAll(ufp_test_source("md/data/beta_Li3PS4_Pnma_ordered.extxyz"), &n, &frames));
  UfpStructure *s = frames[0];
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, s->lattice, s->pbc));
  int centres[32], nli = 0, coord[32], count[SITE_NCLASSES] = {0};
  for (int i = 0; i < s->natoms; i++)
    if (!strcmp(s->species[i], "Li")) centres[nli++] = i;
  assert_ufp_ok(SiteCoordination(&cell, s->natoms, (const double(*)[3])s->x, (const char(*)[UFP_LABEL_MAX])s->species,
                                 "S", 3.4, nli, centres, coord));
  for (int c = 0; c < nli; c++) count[SiteClassOf(coord[c])]++;
  print_message("beta-Li3PS4: %d LiS4, %d LiS5, %d LiS6\n", count[0], count[1], count[2]);
  assert_int_equal(nli, 12);
  assert_int_equal(count[SITE_LIS4], 8);
  assert_int_equal(count[SITE_LIS6], 4);
  UfpStructureArrayDestroy(n, &frames);
}

static void test_powder(void **state)
{
  (void)state;
  uint64_t seed = 4;
  const int sizes[3] = {100, 400, 1600};
  double prev = INFINITY;
  for (int q = 0; q < 3; q++) {
    int nd = sizes[q];
    double (*dirs)[3] = malloc(sizeof(double[3]) * nd);
    SaeFieldDirections(nd, dirs);
    double worst = 0;
    for (int trial = 0; trial < 20; trial++) {
      double v[3][3], tr = 0, tr2 = 0;
      for (int a = 0; a < 3; a++)
        for (int b = 0; b <= a; b++) v[a][b] = v[b][a] = 2 * ufp_test_uniform(&seed) - 1;
      tr = (v[0][0] + v[1][1] + v[2][2]) / 3;
      for (int a = 0; a < 3; a++) v[a][a] -= tr;
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) tr2 += v[a][b] * v[a][b];
      double avg = 0;
      for (int k = 0; k < nd; k++) {
        double w = 0;
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++) w += dirs[k][a] * v[a][b] * dirs[k][b];
        avg += w * w / nd;
      }
      worst = fmax(worst, fabs(avg / (2 * tr2 / 15) - 1));
    }
    for (int k = 0; k < nd; k++) assert_close(dirs[k][0] * dirs[k][0] + dirs[k][1] * dirs[k][1] + dirs[k][2] * dirs[k][2], 1.0, 1e-14);
    print_message("powder average over %4d directions: max relative error %.1e\n", nd, worst);
    assert_true(worst < prev);
    prev = worst;
    free(dirs);
  }
  assert_true(prev < 1e-3);
}

static void test_echo(void **state)
{
  (void)state;
  enum { N = 4000 };
  AcfPlan plan;
  assert_ufp_ok(AcfPlanCreate(N, &plan));
  double *omega = malloc(sizeof(double) * N), *work = malloc(sizeof(double) * 2 * N), *echo = calloc(N, sizeof(double)),
         *c = malloc(sizeof(double) * N);
  /* frozen omega: flat echo 9/20 sin^2(2 pi omega t_p) */
  for (int k = 0; k < N; k++) omega[k] = 80e3;
  assert_ufp_ok(SaeEchoAccumulate(plan, N, omega, 2e-6, work, echo));
  double expect = 0.45 * pow(sin(2 * UFP_PI * 80e3 * 2e-6), 2);
  for (int k = 0; k < N; k += 97) assert_close(echo[k], expect, 1e-12);
  /* short pulses: a jump series, echo -> (9/20) (2 pi t_p)^2 <omega(0) omega(t)> */
  uint64_t seed = 6;
  double w = 90e3;
  for (int k = 0; k < N; k++) {
    omega[k] = w;
    if (ufp_test_uniform(&seed) < 0.01) w = ufp_test_uniform(&seed) < 0.5 ? 90e3 : -40e3;
  }
  for (int k = 0; k < N; k++) echo[k] = 0;
  const double tp = 1e-9;
  assert_ufp_ok(SaeEchoAccumulate(plan, N, omega, tp, work, echo));
  assert_ufp_ok(AcfExecute(plan, omega, c, NULL, NULL));
  double worst = 0;
  for (int k = 0; k < N / 2; k++) worst = fmax(worst, fabs(echo[k] / (0.45 * pow(2 * UFP_PI * tp, 2)) - c[k]) / c[0]);
  print_message("short-pulse limit: max relative deviation from <omega(0) omega(t)> %.1e\n", worst);
  assert_true(worst < 1e-6);
  AcfPlanDestroy(&plan);
  free(omega), free(work), free(echo), free(c);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_sites_beta), cmocka_unit_test(test_powder),
                                     cmocka_unit_test(test_echo)};
  return UFP_TEST_MAIN("sae_sites", tests);
}
