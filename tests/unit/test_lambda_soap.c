/*
 * test_lambda_soap.c -- lambda-SOAP descriptors (efg/lambda_soap.h): the
 * Bessel functions, the orthonormal radial basis, the density coefficients
 * against a direct quadrature, rotation covariance (lambda = 2) and
 * invariance (lambda = 0), permutation and translation invariance, and
 * continuity at the cutoff.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extxyz.h"
#include "lambda_soap.h"
#include "efg_tensor.h"
#include "spherical_harmonics.h"
#include "test_util.h"
#include "units.h"

static LambdaSoapSettings settings(void)
{
  LambdaSoapSettings s = {.nspecies = 3, .rcut = 4.5, .cutoff_width = 0.5, .sigma = 0.3, .nmax = 6, .lmax = 5};
  strcpy(s.species[0], "Li");
  strcpy(s.species[1], "P");
  strcpy(s.species[2], "S");
  return s;
}

static void test_bessel(void **state)
{
  (void)state;
  const double xs[] = {1e-6, 0.1, 0.49, 0.51, 2.0, 10.0, 50.0, 300.0};
  for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
    double x = xs[k], out[9];
    LambdaSoapScaledBesselI(8, x, out);
    double sh = -expm1(-2 * x) / 2, ch = (1 + exp(-2 * x)) / 2; /* e^-x sinh, e^-x cosh */
    assert_close(out[0], sh / x, 1e-13 * out[0]);
    if (x > 1e-3) {
      assert_close(out[1], (x * ch - sh) / (x * x), 1e-11 * out[1]);
      assert_close(out[2], ((x * x + 3) * sh - 3 * x * ch) / (x * x * x), 1e-9 * out[2] + 1e-300);
    }
    /* upward recurrence holds (checked where it is well conditioned) */
    for (int l = 1; l < 8 && x > 1.0; l++) assert_close(out[l - 1] - out[l + 1], (2 * l + 1) / x * out[l], 1e-10 * out[l - 1]);
  }
}

static void test_radial_basis(void **state)
{
  (void)state;
  LambdaSoapSettings set = settings();
  LambdaSoap soap = NULL;
  assert_ufp_ok(LambdaSoapCreate(&set, &soap));
  enum { NQ = 4000 };
  double gram[6][6] = {{0}}, rn[6];
  const double top = 3.0 * set.rcut, h = top / NQ;
  for (int q = 0; q < NQ; q++) { /* midpoint rule: the integrand is smooth and decays */
    double r = (q + 0.5) * h;
    LambdaSoapRadialBasis(soap, r, rn);
    for (int a = 0; a < 6; a++)
      for (int b = 0; b < 6; b++) gram[a][b] += h * r * r * rn[a] * rn[b];
  }
  for (int a = 0; a < 6; a++)
    for (int b = 0; b < 6; b++) assert_close(gram[a][b], a == b, 1e-8);
  LambdaSoapDestroy(&soap);
  assert_null(soap);
}

/* c_nl0 of one neighbour at height d on the z axis by the midpoint rule
 * in (r, theta) with N x N points. */
static void quadrature(LambdaSoap soap, const LambdaSoapSettings *set, double d, int npts, double ref[6][6])
{
  double rn[6], y[36];
  const double lo = fmax(0, d - 8 * set->sigma), hi = d + 8 * set->sigma, hr = (hi - lo) / npts, ht = UFP_PI / npts;
  memset(ref, 0, sizeof(double) * 36);
  for (int a = 0; a < npts; a++) {
    double r = lo + (a + 0.5) * hr;
    LambdaSoapRadialBasis(soap, r, rn);
    for (int b = 0; b < npts; b++) {
      double theta = (b + 0.5) * ht, ct = cos(theta), st = sin(theta), u[3] = {st, 0, ct};
      SphRealHarmonics(5, u, y);
      double g = 2 * UFP_PI * r * r * st * hr * ht * exp(-(r * r + d * d - 2 * r * d * ct) / (2 * set->sigma * set->sigma));
      for (int n = 0; n < 6; n++)
        for (int l = 0; l <= 5; l++) ref[n][l] += g * rn[n] * y[l * l + l];
    }
  }
}

/* The tabulated expansion of one neighbour against the direct quadrature
 * (Richardson-extrapolated from 1200 and 2400 points per axis: O(h^4)). */
static void test_coefficients(void **state)
{
  (void)state;
  LambdaSoapSettings set = settings();
  LambdaSoap soap = NULL;
  assert_ufp_ok(LambdaSoapCreate(&set, &soap));
  const int nl = 36;
  for (double d = 0.7023; d < 4.5; d += 1.13) { /* between the table's 0.005 Å nodes */
    double pos[3] = {0, 0, d}, c[6 * 36], coarse[6][6], fine[6][6];
    LambdaSoapNeighbourCoefficients(soap, pos, c);
    quadrature(soap, &set, d, 1200, coarse);
    quadrature(soap, &set, d, 2400, fine);
    double worst = 0, big = 0;
    for (int n = 0; n < 6; n++)
      for (int l = 0; l <= 5; l++) {
        double ref = (4 * fine[n][l] - coarse[n][l]) / 3;
        worst = fmax(worst, fabs(c[n * nl + l * l + l] - ref));
        big = fmax(big, fabs(ref));
        for (int m = -l; m <= l; m++)
          if (m) assert_close(c[n * nl + l * l + l + m], 0.0, 1e-14);
      }
    print_message("d = %.2f Å: max |c - quadrature| = %.2e (largest %.3f)\n", d, worst, big);
    assert_true(worst < 1e-7 * big);
  }
  LambdaSoapDestroy(&soap);
}

static void rotation(unsigned seed, double r[3][3])
{
  double q[4], n = 0;
  for (int k = 0; k < 4; k++) {
    q[k] = 2.0 * rand_r(&seed) / RAND_MAX - 1;
    n += q[k] * q[k];
  }
  for (int k = 0; k < 4; k++) q[k] /= sqrt(n);
  double w = q[0], x = q[1], y = q[2], z = q[3];
  double m[3][3] = {{1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)},
                    {2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)},
                    {2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)}};
  memcpy(r, m, sizeof m);
}

typedef struct {
  UfpStructure *s;
  int *channel, ncentres, *centres;
} Env;

static void load_env(LambdaSoap soap, Env *env)
{
  int n;
  UfpStructure **frames;
  assert_ufp_ok(UfpExtxyzReadAll(ufp_test_source("md/data/gamma_Li3PS4_Pmn21.extxyz"), &n, &frames));
  env->s = frames[0];
  for (int k = 1; k < n; k++) UfpStructureDestroy(&frames[k]);
  free(frames);
  env->channel = calloc(env->s->natoms, sizeof(int));
  env->centres = calloc(env->s->natoms, sizeof(int));
  env->ncentres = 0;
  for (int i = 0; i < env->s->natoms; i++) {
    env->channel[i] = LambdaSoapChannel(soap, env->s->species[i]);
    if (!strcmp(env->s->species[i], "Li")) env->centres[env->ncentres++] = i;
  }
}

static double *features(LambdaSoap soap, const Env *env, const double lattice[3][3], const double (*x)[3],
                        int lambda)
{
  UfpCell cell;
  int pbc[3] = {1, 1, 1};
  assert_ufp_ok(UfpCellSetup(&cell, lattice, pbc));
  int size = LambdaSoapSize(soap, lambda);
  double *p = calloc((size_t)env->ncentres * (2 * lambda + 1) * size, sizeof(double));
  assert_ufp_ok(LambdaSoapCompute(soap, &cell, env->s->natoms, x, env->channel, env->ncentres, env->centres,
                                  lambda, p));
  return p;
}

static void test_symmetries(void **state)
{
  (void)state;
  LambdaSoapSettings set = settings();
  LambdaSoap soap = NULL;
  assert_ufp_ok(LambdaSoapCreate(&set, &soap));
  Env env;
  load_env(soap, &env);
  const int n = env.s->natoms, s0 = LambdaSoapSize(soap, 0), s2 = LambdaSoapSize(soap, 2);
  print_message("features per component: lambda=0 %d, lambda=2 %d; %d Li centres\n", s0, s2, env.ncentres);
  double *p0 = features(soap, &env, env.s->lattice, (const double(*)[3])env.s->x, 0);
  double *p2 = features(soap, &env, env.s->lattice, (const double(*)[3])env.s->x, 2);
  /* Rotation of cell and atoms. */
  double rot[3][3], lat[3][3], (*x)[3] = calloc(n, sizeof *x), d[5][5];
  rotation(17, rot);
  for (int v = 0; v < 3; v++)
    for (int a = 0; a < 3; a++) {
      lat[v][a] = 0;
      for (int b = 0; b < 3; b++) lat[v][a] += rot[a][b] * env.s->lattice[v][b];
    }
  for (int i = 0; i < n; i++)
    for (int a = 0; a < 3; a++) {
      x[i][a] = 0;
      for (int b = 0; b < 3; b++) x[i][a] += rot[a][b] * env.s->x[i][b];
    }
  double *r0 = features(soap, &env, lat, (const double(*)[3])x, 0);
  double *r2 = features(soap, &env, lat, (const double(*)[3])x, 2);
  UfpRealWignerD2((const double(*)[3])rot, d);
  double worst0 = 0, worst2 = 0, norm2 = 0;
  for (int c = 0; c < env.ncentres; c++) {
    for (int f = 0; f < s0; f++) worst0 = fmax(worst0, fabs(r0[c * s0 + f] - p0[c * s0 + f]));
    for (int mu = 0; mu < 5; mu++)
      for (int f = 0; f < s2; f++) {
        double expect = 0;
        for (int nu = 0; nu < 5; nu++) expect += d[mu][nu] * p2[((size_t)c * 5 + nu) * s2 + f];
        worst2 = fmax(worst2, fabs(r2[((size_t)c * 5 + mu) * s2 + f] - expect));
        norm2 = fmax(norm2, fabs(expect));
      }
  }
  print_message("rotation: lambda=0 max change %.2e, lambda=2 max |p(Rx) - D p(x)| %.2e (largest %.3f)\n", worst0,
                worst2, norm2);
  assert_true(worst0 < 1e-10);
  assert_true(worst2 < 1e-10);
  assert_true(norm2 > 1e-3);
  /* Translation, and a permutation of the atoms (centres follow). */
  for (int i = 0; i < n; i++)
    for (int a = 0; a < 3; a++) x[i][a] = env.s->x[i][a] + 0.37 * (a + 1);
  double *t2 = features(soap, &env, env.s->lattice, (const double(*)[3])x, 2);
  for (size_t k = 0; k < (size_t)env.ncentres * 5 * s2; k++) assert_close(t2[k], p2[k], 1e-10);
  Env perm = env;
  perm.channel = calloc(n, sizeof(int));
  perm.centres = calloc(n, sizeof(int));
  for (int i = 0; i < n; i++) { /* atom i goes to n - 1 - i */
    for (int a = 0; a < 3; a++) x[n - 1 - i][a] = env.s->x[i][a];
    perm.channel[n - 1 - i] = env.channel[i];
  }
  for (int c = 0; c < env.ncentres; c++) perm.centres[c] = n - 1 - env.centres[c];
  double *q2 = features(soap, &perm, env.s->lattice, (const double(*)[3])x, 2);
  for (size_t k = 0; k < (size_t)env.ncentres * 5 * s2; k++) assert_close(q2[k], p2[k], 1e-10);
  free(p0), free(p2), free(r0), free(r2), free(t2), free(q2), free(x);
  free(perm.channel), free(perm.centres), free(env.channel), free(env.centres);
  UfpStructureDestroy(&env.s);
  LambdaSoapDestroy(&soap);
}

/* A neighbour crossing rcut changes the features by O(eps^2). */
static void test_cutoff_continuity(void **state)
{
  (void)state;
  LambdaSoapSettings set = settings();
  LambdaSoap soap = NULL;
  assert_ufp_ok(LambdaSoapCreate(&set, &soap));
  double lattice[3][3] = {{30, 0, 0}, {0, 30, 0}, {0, 0, 30}};
  UfpCell cell;
  int pbc[3] = {0, 0, 0}, channel[3] = {0, 2, 1}, centre = 0;
  assert_ufp_ok(UfpCellSetup(&cell, lattice, pbc));
  const int s2 = LambdaSoapSize(soap, 2);
  double *inside = calloc(5 * s2, sizeof(double)), *outside = calloc(5 * s2, sizeof(double));
  double prev = INFINITY;
  for (double eps = 1e-2; eps > 1e-4; eps /= 10) {
    double x_in[3][3] = {{10, 10, 10}, {12.1, 10.3, 9.5}, {10, 10, 10 + set.rcut - eps}};
    double x_out[3][3] = {{10, 10, 10}, {12.1, 10.3, 9.5}, {10, 10, 10 + set.rcut + eps}};
    assert_ufp_ok(LambdaSoapCompute(soap, &cell, 3, (const double(*)[3])x_in, channel, 1, &centre, 2, inside));
    assert_ufp_ok(LambdaSoapCompute(soap, &cell, 3, (const double(*)[3])x_out, channel, 1, &centre, 2, outside));
    double diff = 0;
    for (int k = 0; k < 5 * s2; k++) diff = fmax(diff, fabs(inside[k] - outside[k]));
    print_message("neighbour at rcut -+ %.0e Å: max feature change %.2e\n", eps, diff);
    assert_true(diff < 10.0 * eps * eps);
    assert_true(diff < prev / 50); /* quadratic: 100x per decade */
    prev = diff;
  }
  free(inside);
  free(outside);
  LambdaSoapDestroy(&soap);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bessel),       cmocka_unit_test(test_radial_basis),
      cmocka_unit_test(test_coefficients), cmocka_unit_test(test_symmetries),
      cmocka_unit_test(test_cutoff_continuity),
  };
  return UFP_TEST_MAIN("lambda_soap", tests);
}
