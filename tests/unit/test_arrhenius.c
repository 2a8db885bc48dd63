/*
 * test_arrhenius.c -- Arrhenius fits (analysis/arrhenius.h): exact rates
 * k = A exp(-E_a / k_B T) give back E_a, A and the rate at 300 K to
 * round-off; noisy rates with 95 % intervals give E_a within two standard
 * errors of the truth and an extrapolated interval that holds the true
 * rate; points without a rate are left out; one temperature is refused.
 */
#include <math.h>

#include "arrhenius.h"
#include "test_util.h"
#include "units.h"

static double arrhenius(double a, double ea, double t) { return a * exp(-ea / (UFP_BOLTZMANN_EV_K * t)); }

static void test_exact_and_noisy(void **state)
{
  (void)state;
  const double a = 2e13, ea = 0.31, ts[5] = {400, 500, 600, 700, 800};
  double k[6], lo[6], hi[6], t[6];
  for (int i = 0; i < 5; i++) {
    t[i] = ts[i], k[i] = arrhenius(a, ea, ts[i]);
    lo[i] = 0.9 * k[i], hi[i] = 1.1 * k[i];
  }
  t[5] = 900, k[5] = 0, lo[5] = hi[5] = NAN; /* no hop seen: left out */
  ArrheniusFit f;
  assert_ufp_ok(ArrheniusFitRates(6, t, k, lo, hi, 0.95, 300, &f));
  assert_int_equal(f.used, 5);
  assert_true(fabs(f.ea_ev - ea) < 1e-12 && fabs(f.ln_a - log(a)) < 1e-10);
  assert_true(fabs(f.rate_t0 / arrhenius(a, ea, 300) - 1) < 1e-10);
  assert_true(f.chi2_red < 1e-20);
  /* Noise of 20 % (log-normal) with intervals of matching width. */
  uint64_t seed = 5;
  int covered = 0, trials = 200;
  double pull2 = 0.0;
  for (int trial = 0; trial < trials; trial++) {
    for (int i = 0; i < 5; i++) {
      const double s = 0.2;
      k[i] = arrhenius(a, ea, ts[i]) * exp(s * ufp_test_gaussian(&seed));
      lo[i] = k[i] * exp(-1.959964 * s), hi[i] = k[i] * exp(1.959964 * s);
    }
    assert_ufp_ok(ArrheniusFitRates(5, t, k, lo, hi, 0.95, 300, &f));
    const double truth = arrhenius(a, ea, 300);
    covered += f.rate_t0_lo <= truth && truth <= f.rate_t0_hi;
    pull2 += pow((f.ea_ev - ea) / f.ea_err_ev, 2);
  }
  print_message("extrapolated 95 %% interval holds the true rate in %d of %d trials; rms pull of E_a %.2f\n",
                covered, trials, sqrt(pull2 / trials));
  assert_true(covered >= 0.85 * trials);
  assert_true(sqrt(pull2 / trials) < 1.5);
  /* Two points: the line through them. */
  assert_ufp_ok(ArrheniusFitRates(2, t, k, lo, hi, 0.95, 300, &f));
  assert_int_equal(f.used, 2);
  assert_true(fabs(log(k[0]) - (f.ln_a - f.ea_ev / (UFP_BOLTZMANN_EV_K * t[0]))) < 1e-10);
  /* One temperature is not enough. */
  double same[2] = {500, 500};
  assert_ufp_fails(ArrheniusFitRates(2, same, k, lo, hi, 0.95, 300, &f), UFP_ERR_INPUT, "two temperatures");
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_exact_and_noisy)};
  return UFP_TEST_MAIN("arrhenius", tests);
}
