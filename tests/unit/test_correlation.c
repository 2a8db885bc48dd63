/*
 * test_correlation.c -- FFT autocorrelations (analysis/correlation.h) and the
 * Lipari-Szabo fit (analysis/lipari_szabo.h): the FFT estimator, for one
 * series and for two through one complex transform, equals the direct O(N^2)
 * sum; normalisations; a stretched exponential with known
 * b^2, tau, gamma plus noise is recovered; an exact exponential exactly; a
 * two-site Markov jump process gives the analytic correlation time; a flat
 * function is reported as not decaying.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "correlation.h"
#include "lipari_szabo.h"
#include "test_util.h"

/* The FFT estimator, one series and two at once, against the O(N^2) sum. */
static void test_fft_equals_direct(void **state)
{
  (void)state;
  const int lengths[] = {1, 2, 7, 100, 1013, 4096};
  uint64_t seed = 1;
  for (size_t q = 0; q < sizeof lengths / sizeof lengths[0]; q++) {
    int n = lengths[q];
    double *x = malloc(sizeof(double) * n), *a = malloc(sizeof(double) * n), *b = malloc(sizeof(double) * n);
    for (int k = 0; k < n; k++) x[k] = 3.0 + ufp_test_gaussian(&seed);
    AcfPlan plan = NULL;
    assert_ufp_ok(AcfPlanCreate(n, &plan));
    double sum = 0, sum2 = 0;
    assert_ufp_ok(AcfExecute(plan, x, a, &sum, &sum2));
    AcfDirect(n, x, b);
    double worst = 0;
    for (int k = 0; k < n; k++) worst = fmax(worst, fabs(a[k] - b[k]) / fabs(b[0]));
    print_message("n = %4d: max |C_fft - C_direct| / C(0) = %.1e\n", n, worst);
    assert_true(worst < 1e-12);
    /* Two series through one complex transform: x and an unrelated y of another scale. */
    double *y = malloc(sizeof(double) * n), *cx = malloc(sizeof(double) * n), *cy = malloc(sizeof(double) * n),
           *dy = malloc(sizeof(double) * n);
    for (int k = 0; k < n; k++) y[k] = -40.0 + 7.0 * ufp_test_gaussian(&seed) + 20.0 * sin(0.01 * k);
    assert_ufp_ok(AcfExecutePair(plan, x, y, cx, cy));
    AcfDirect(n, y, dy);
    double wx = 0, wy = 0;
    for (int k = 0; k < n; k++) {
      wx = fmax(wx, fabs(cx[k] - b[k]) / fabs(b[0]));
      wy = fmax(wy, fabs(cy[k] - dy[k]) / fabs(dy[0]));
    }
    print_message("         pair: %.1e (x), %.1e (y)\n", wx, wy);
    /* Separating the two spectra costs some digits (1e-12 at n = 4096). */
    assert_true(wx < 1e-11 && wy < 1e-11);
    free(y), free(cx), free(cy), free(dy);
    assert_close(sum2 / n, b[0], 1e-12 * b[0]);
    AcfNormalise(n, a, ACF_ZERO_TIME, sum / n);
    assert_close(a[0], 1.0, 1e-15);
    assert_ufp_ok(AcfPlanDestroy(&plan));
    assert_null(plan);
    free(x), free(a), free(b);
  }
}

/* A stationary series of mean m: the centred ACF starts at 1 and ends near 0. */
static void test_normalisation(void **state)
{
  (void)state;
  enum { N = 20000 };
  uint64_t seed = 5;
  double *x = malloc(sizeof(double) * N), *c = malloc(sizeof(double) * N), y = 0.0;
  for (int k = 0; k < N; k++) { /* AR(1): correlation time 1/(1-0.9) ~ 10 samples */
    y = 0.9 * y + ufp_test_gaussian(&seed);
    x[k] = 5.0 + y;
  }
  AcfPlan plan;
  assert_ufp_ok(AcfPlanCreate(N, &plan));
  double sum = 0, sum2 = 0;
  assert_ufp_ok(AcfExecute(plan, x, c, &sum, &sum2));
  double mean = sum / N;
  double raw0 = c[0];
  AcfNormalise(N, c, ACF_CENTRED, mean);
  assert_close(c[0], 1.0, 1e-15);
  assert_close(c[1], 0.9, 0.02);  /* AR(1): rho(k) = 0.9^k */
  assert_close(c[10], pow(0.9, 10), 0.05);
  assert_close(c[200], 0.0, 0.05);
  assert_close(raw0, mean * mean + 1.0 / (1.0 - 0.81), 0.3);
  AcfPlanDestroy(&plan);
  free(x), free(c);
}

static void test_fit_stretched(void **state)
{
  (void)state;
  enum { N = 1000 };
  double t[N], c[N];
  uint64_t seed = 9;
  for (int k = 0; k < N; k++) {
    t[k] = 0.5 * k;
    c[k] = LsModel(t[k], 0.3, 50.0, 0.7) + 0.005 * ufp_test_gaussian(&seed);
  }
  LsFitSettings s;
  LsFitSettingsDefault(&s);
  LsFitResult r;
  assert_ufp_ok(LsFit(&s, N, t, c, NULL, &r));
  print_message("stretched: b2 %.4f (0.3), tau %.2f (50), gamma %.4f (0.7), rms %.4f, %d iterations\n", r.b2, r.tau,
                r.gamma, r.rms, r.iterations);
  assert_true(r.decays);
  assert_close(r.b2, 0.3, 0.01);
  assert_close(r.tau, 50.0, 2.0);
  assert_close(r.gamma, 0.7, 0.02);
  assert_close(r.rms, 0.005, 0.001);
  /* exact data, gamma fixed at 1 */
  for (int k = 0; k < N; k++) c[k] = LsModel(t[k], 0.1, 20.0, 1.0);
  s.fix_gamma = 1;
  s.gamma = 1.0;
  assert_ufp_ok(LsFit(&s, N, t, c, NULL, &r));
  assert_close(r.b2, 0.1, 1e-6);
  assert_close(r.tau, 20.0, 1e-4);
  assert_close(r.gamma, 1.0, 0);
  /* a window */
  s.fix_gamma = 0;
  s.t_min = 1.0;
  s.t_max = 100.0;
  assert_ufp_ok(LsFit(&s, N, t, c, NULL, &r));
  assert_int_equal(r.npoints, 199);
  assert_close(r.tau, 20.0, 1e-3);
  assert_close(r.gamma, 1.0, 1e-4);
}

/* Two sites with omega = +-1 and hopping rate k each way: the ACF is
 * exp(-2 k t), tau = 1 / (2 k), b^2 = 0. */
static void test_markov_jumps(void **state)
{
  (void)state;
  enum { WALKERS = 64, STEPS = 20000 };
  const double rate = 0.01, dt = 1.0; /* per unit time */
  uint64_t seed = 77;
  AcfPlan plan;
  assert_ufp_ok(AcfPlanCreate(STEPS, &plan));
  double *x = malloc(sizeof(double) * STEPS), *c = malloc(sizeof(double) * STEPS), *avg = calloc(STEPS, sizeof(double));
  for (int w = 0; w < WALKERS; w++) {
    double omega = ufp_test_uniform(&seed) < 0.5 ? 1.0 : -1.0;
    for (int k = 0; k < STEPS; k++) {
      x[k] = omega;
      if (ufp_test_uniform(&seed) < 1.0 - exp(-rate * dt)) omega = -omega;
    }
    assert_ufp_ok(AcfExecute(plan, x, c, NULL, NULL));
    for (int k = 0; k < STEPS; k++) avg[k] += c[k] / WALKERS;
  }
  AcfNormalise(STEPS, avg, ACF_ZERO_TIME, 0.0);
  double t[STEPS];
  for (int k = 0; k < STEPS; k++) t[k] = k * dt;
  LsFitSettings s;
  LsFitSettingsDefault(&s);
  s.t_max = 500.0; /* 10 correlation times; the estimator gets noisy beyond */
  LsFitResult r;
  assert_ufp_ok(LsFit(&s, STEPS, t, avg, NULL, &r));
  print_message("Markov: tau %.2f (analytic %.2f), b2 %.4f, gamma %.3f\n", r.tau, 1.0 / (2 * rate), r.b2, r.gamma);
  assert_close(r.tau, 1.0 / (2 * rate), 0.05 / (2 * rate));
  assert_close(r.b2, 0.0, 0.02);
  assert_close(r.gamma, 1.0, 0.05);
  AcfPlanDestroy(&plan);
  free(x), free(c), free(avg);
}

static void test_no_decay(void **state)
{
  (void)state;
  enum { N = 500 };
  double t[N], c[N];
  uint64_t seed = 3;
  for (int k = 0; k < N; k++) {
    t[k] = k;
    c[k] = 1.0 - 1e-4 * k / N + 0.002 * ufp_test_gaussian(&seed); /* a 1e-4 drift: single-crystal beta at 300 K */
  }
  LsFitSettings s;
  LsFitSettingsDefault(&s);
  LsFitResult r;
  assert_ufp_ok(LsFit(&s, N, t, c, NULL, &r));
  assert_false(r.decays);
  assert_true(isnan(r.tau));
  assert_ufp_fails(LsFit(&s, 3, t, c, NULL, &r), UFP_ERR_INPUT, "4 needed");
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fft_equals_direct), cmocka_unit_test(test_normalisation),
      cmocka_unit_test(test_fit_stretched),     cmocka_unit_test(test_markov_jumps),
      cmocka_unit_test(test_no_decay),
  };
  return UFP_TEST_MAIN_PETSC("correlation", tests);
}
