/*
 * test_dynamics.c -- Li dynamics from trajectories: the FFT mean-squared
 * displacement equals the direct sum and gives the diffusion coefficient of
 * a random walk; planted hops (with vibrations, a rattle and an excursion
 * shorter than the dwell time, both returning) are found exactly, and only
 * they.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "hops.h"
#include "msd.h"
#include "test_util.h"

static void test_msd(void **state)
{
  (void)state;
  enum { N = 1500, WALKERS = 200 };
  const double s = 0.1, dt = 0.5; /* per-coordinate step (Å) and time step (ps) */
  uint64_t seed = 21;
  double (*r)[3] = calloc(N, sizeof *r), *a = malloc(sizeof(double) * N), *b = malloc(sizeof(double) * N),
         *avg = calloc(N, sizeof(double)), *t = malloc(sizeof(double) * N);
  AcfPlan plan;
  assert_ufp_ok(AcfPlanCreate(N, &plan));
  double worst = 0;
  for (int w = 0; w < WALKERS; w++) {
    for (int k = 1; k < N; k++)
      for (int c = 0; c < 3; c++) r[k][c] = r[k - 1][c] + s * ufp_test_gaussian(&seed);
    for (int c = 0; c < 3; c++) r[0][c] += 10.0 * w; /* an offset must not matter */
    for (int k = 1; k < N; k++)
      for (int c = 0; c < 3; c++) r[k][c] += 10.0 * w;
    assert_ufp_ok(MsdCompute(plan, N, (const double(*)[3])r, a));
    if (w < 3) {
      MsdDirect(N, (const double(*)[3])r, b);
      for (int m = 0; m < N; m++) worst = fmax(worst, fabs(a[m] - b[m]) / fmax(b[N / 2], 1e-12));
    }
    for (int m = 0; m < N; m++) avg[m] += a[m] / WALKERS;
    for (int k = 0; k < N; k++)
      for (int c = 0; c < 3; c++) r[k][c] = 0.0;
  }
  print_message("MSD: max |FFT - direct| relative %.1e\n", worst);
  assert_true(worst < 1e-9);
  for (int k = 0; k < N; k++) t[k] = k * dt;
  double d;
  assert_ufp_ok(MsdDiffusion(N, t, avg, 5.0, 100.0, &d));
  print_message("random walk: D = %.5f Å^2/ps (exact %.5f)\n", d, s * s / (2 * dt));
  assert_close(d, s * s / (2 * dt), 0.05 * s * s / (2 * dt));
  AcfPlanDestroy(&plan);
  free(r), free(a), free(b), free(avg), free(t);
}

static void test_planted_hops(void **state)
{
  (void)state;
  enum { N = 1000 };
  const double sites[4][3] = {{0, 0, 0}, {3, 0, 0}, {3, 3, 0}, {3, 0, 0}};
  const int arrive[3] = {204, 454, 704}; /* transits of 4 frames start at 200, 450, 700 */
  double (*x)[3] = calloc(N, sizeof *x);
  uint64_t seed = 8;
  int site = 0;
  for (int k = 0; k < N; k++) {
    int next = site < 3 && k >= arrive[site] - 4 ? site + 1 : site;
    double base[3];
    if (next != site && k < arrive[site]) { /* in transit */
      double f = (k - (arrive[site] - 4) + 1) / 5.0;
      for (int c = 0; c < 3; c++) base[c] = (1 - f) * sites[site][c] + f * sites[next][c];
    } else {
      site = next;
      for (int c = 0; c < 3; c++) base[c] = sites[site][c];
    }
    for (int c = 0; c < 3; c++) x[k][c] = base[c] + 0.08 * ufp_test_gaussian(&seed);
    if (k >= 100 && k < 103) x[k][1] += 1.3; /* a rattle: out past r_out and back */
    if (k >= 600 && k < 608) x[k][2] += 1.6; /* an excursion shorter than the dwell: not a hop */
  }
  HopSettings s = {.r_in = 0.6, .r_out = 1.2, .dwell = 10};
  int n;
  Hop *hops;
  assert_ufp_ok(HopDetect(&s, N, (const double(*)[3])x, &n, &hops));
  for (int h = 0; h < n; h++) print_message("hop at frame %d to (%.2f, %.2f, %.2f)\n", hops[h].frame, hops[h].to[0], hops[h].to[1], hops[h].to[2]);
  assert_int_equal(n, 3);
  for (int h = 0; h < 3; h++) {
    assert_true(hops[h].frame >= arrive[h] - 1 && hops[h].frame <= arrive[h] + 2);
    for (int c = 0; c < 3; c++) assert_close(hops[h].to[c], sites[h + 1][c], 0.15);
  }
  UfpFree(&hops);
  HopSettings bad = {.r_in = 1.0, .r_out = 0.5, .dwell = 10};
  assert_ufp_fails(HopDetect(&bad, N, (const double(*)[3])x, &n, &hops), UFP_ERR_INPUT, "r_in < r_out");
  free(x);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_msd), cmocka_unit_test(test_planted_hops)};
  return UFP_TEST_MAIN("dynamics", tests);
}
