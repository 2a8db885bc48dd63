/* test_efg_tensor.c -- EFG tensor mathematics: eigen-decomposition, NQR
 * principal axes, C_Q, eta, omega_Q and its two angle forms, quaternions,
 * ZYZ Euler angles, spherical components and the real Wigner matrix D2. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "efg_tensor.h"
#include "test_util.h"

#define PI 3.14159265358979323846

/* ------------------------------------------------------------ helpers */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static void rng_seed(uint64_t seed) { rng_state = seed; }

/* splitmix64 -> uniform in [lo, hi) */
static double uniform(double lo, double hi)
{
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return lo + (hi - lo) * ((double)(z >> 11) * 0x1p-53);
}

static void random_unit_vector(double u[3])
{
  double norm;
  do {
    for (int k = 0; k < 3; k++)
      u[k] = uniform(-1, 1);
    norm = sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
  } while (norm > 1.0 || norm < 0.1);
  for (int k = 0; k < 3; k++)
    u[k] /= norm;
}

/* Rodrigues: rotation by angle about a unit axis (independent of the code
 * under test). */
static void axis_angle(const double axis[3], double angle, double r[3][3])
{
  double c = cos(angle), s = sin(angle);
  double k[3][3] = {{0, -axis[2], axis[1]}, {axis[2], 0, -axis[0]}, {-axis[1], axis[0], 0}};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      double kk = 0;
      for (int m = 0; m < 3; m++)
        kk += k[i][m] * k[m][j];
      r[i][j] = (i == j ? 1.0 : 0.0) + s * k[i][j] + (1 - c) * kk;
    }
}

static void random_rotation(double r[3][3])
{
  double axis[3];
  random_unit_vector(axis);
  axis_angle(axis, uniform(0, PI), r);
}

static void matmul(const double a[3][3], const double b[3][3], double c[3][3])
{
  double t[3][3];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      t[i][j] = 0;
      for (int m = 0; m < 3; m++)
        t[i][j] += a[i][m] * b[m][j];
    }
  memcpy(c, t, sizeof t);
}

/* out = R V R^T */
static void rotate_tensor(const double r[3][3], const double v[3][3], double out[3][3])
{
  double t[3][3];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      t[i][j] = 0;
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
          t[i][j] += r[i][a] * v[a][b] * r[j][b];
    }
  memcpy(out, t, sizeof t);
}

static void diag_tensor(double a, double b, double c, double v[3][3])
{
  memset(v, 0, 9 * sizeof(double));
  v[0][0] = a;
  v[1][1] = b;
  v[2][2] = c;
}

static double max_abs_diff(const double a[3][3], const double b[3][3])
{
  double m = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      m = fmax(m, fabs(a[i][j] - b[i][j]));
  return m;
}

static double max_abs(const double a[3][3])
{
  double m = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      m = fmax(m, fabs(a[i][j]));
  return m;
}

static double det3(const double r[3][3])
{
  return r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
         r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
         r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
}

/* Random traceless EFG: eigenvalues of magnitude ~ scale, random frame. */
static void random_traceless(double scale, double v[3][3])
{
  double a = uniform(-1, 1) * scale, b = uniform(-1, 1) * scale, r[3][3], d[3][3];
  diag_tensor(a, b, -a - b, d);
  random_rotation(r);
  rotate_tensor((const double(*)[3])r, (const double(*)[3])d, v);
}

static const UfpIsotope *lithium7(void)
{
  const UfpIsotope *li7 = NULL;
  assert_ufp_ok(UfpIsotopeFind("7Li", &li7));
  return li7;
}

/* The checks every principal-axis result must pass. */
static void check_principal(const double v[3][3], const UfpEfgPrincipal *pas)
{
  double scale = fmax(max_abs(v), 1e-300), back[3][3], rq[3][3], rtr[3][3], rt[3][3];
  /* NQR order, up to the documented tie tolerance 64 eps max|V_ii|. */
  double tie = 64 * DBL_EPSILON * fabs(pas->vzz);
  assert_true(fabs(pas->vxx) <= fabs(pas->vyy) + tie && fabs(pas->vyy) <= fabs(pas->vzz) + tie);
  assert_true(pas->eta >= 0.0 && pas->eta <= 1.0);
  assert_close(det3(pas->r), 1.0, 1e-14);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      rt[i][j] = pas->r[j][i];
  matmul((const double(*)[3])rt, (const double(*)[3])pas->r, rtr);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      assert_close(rtr[i][j], i == j ? 1.0 : 0.0, 1e-14);
  UfpEfgFromPrincipal(pas, back);
  if (max_abs_diff(v, (const double(*)[3])back) > 1e-12 * scale)
    fail_msg("R diag R^T differs from V by %g (scale %g)", max_abs_diff(v, (const double(*)[3])back), scale);
  /* The quaternion is the same rotation, w >= 0, unit. */
  assert_true(pas->q[0] >= 0.0);
  assert_close(pas->q[0] * pas->q[0] + pas->q[1] * pas->q[1] + pas->q[2] * pas->q[2] + pas->q[3] * pas->q[3],
               1.0, 1e-14);
  assert_ufp_ok(UfpRotationFromQuaternion(pas->q, rq));
  assert_true(max_abs_diff((const double(*)[3])pas->r, (const double(*)[3])rq) <= 1e-12);
  /* Each column is an eigenvector: V r_c = lambda_c r_c. */
  const double lambda[3] = {pas->vxx, pas->vyy, pas->vzz};
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 3; i++) {
      double vr = v[i][0] * pas->r[0][c] + v[i][1] * pas->r[1][c] + v[i][2] * pas->r[2][c];
      assert_close(vr, lambda[c] * pas->r[i][c], 1e-13 * scale);
    }
  /* Canonical signs: the largest component of x and z is positive. */
  for (int c = 0; c < 3; c += 2) {
    int kmax = 0;
    for (int k = 1; k < 3; k++)
      if (fabs(pas->r[k][c]) > fabs(pas->r[kmax][c])) kmax = k;
    assert_true(pas->r[kmax][c] > 0.0);
  }
}

/* ------------------------------------------------------------ C_Q and eta */

static void test_cq_and_eta_known_tensor(void **state)
{
  (void)state;
  const UfpIsotope *li7 = lithium7();
  double v[3][3];
  UfpEfgPrincipal pas;
  diag_tensor(0.005, 0.015, -0.02, v);
  assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
  check_principal((const double(*)[3])v, &pas);
  assert_close(pas.vzz, -0.02, 1e-17);
  assert_close(pas.vyy, 0.015, 1e-17);
  assert_close(pas.vxx, 0.005, 1e-17);
  assert_close(pas.eta, 0.5, 1e-15);
  /* Principal z is the lab z axis (canonical sign: +z). */
  assert_close(pas.r[2][2], 1.0, 1e-15);
  /* C_Q = e Q Vzz / h from the SI constants, written out here. */
  double e = 1.602176634e-19, h = 6.62607015e-34, au = 9.7173624292e21, q = -40.1e-31;
  double cq_expected = q * e * (-0.02 * au) / h;
  double cq = UfpEfgCq(li7, pas.vzz);
  assert_close(cq / cq_expected, 1.0, 1e-13);
  assert_close(cq, 188441.752, 0.001);
  /* The 7Li check: -94.22 kHz per 0.01 a.u. of Vzz. */
  assert_close(UfpEfgCq(li7, 0.01) / 1e3, -94.22, 0.001);
  assert_close(UfpEfgCouplingHzPerAu(li7), -9.4220876e6, 1.0);
  /* omega_Q along a principal axis is (eQ/h) V_kk; along z it is C_Q. */
  double z[3] = {0, 0, 2.5}, x[3] = {-1, 0, 0}, omega_q;
  assert_ufp_ok(UfpEfgOmegaQ(li7, (const double(*)[3])v, z, &omega_q));
  assert_close(omega_q / cq, 1.0, 1e-14);
  assert_ufp_ok(UfpEfgOmegaQ(li7, (const double(*)[3])v, x, &omega_q));
  assert_close(omega_q / UfpEfgCq(li7, 0.005), 1.0, 1e-14);
  /* Axial: diag(-0.01, -0.01, 0.02) has eta = 0 and Vzz = 0.02. */
  diag_tensor(-0.01, -0.01, 0.02, v);
  assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
  check_principal((const double(*)[3])v, &pas);
  assert_close(pas.vzz, 0.02, 1e-17);
  assert_close(pas.eta, 0.0, 1e-15);
  assert_close(UfpEfgCq(li7, pas.vzz) / 1e3, -188.441752, 1e-6);
  /* eta helper */
  assert_close(UfpEfgEta(0.0, 0.0, 0.0), 0.0, 0);
  assert_close(UfpEfgEta(0.005, 0.015, -0.02), 0.5, 1e-15);
  assert_close(UfpEfgEta(0.0, -1.0, 1.0), 1.0, 0);
}

/* ------------------------------------------------------------ eigen */

static void test_eigen_accuracy(void **state)
{
  (void)state;
  rng_seed(11);
  for (int t = 0; t < 1000; t++) {
    /* Eigenvalues spread over up to 8 decades, sometimes nearly degenerate. */
    double lam[3], d[3][3], r[3][3], v[3][3], w[3], vec[3][3];
    double scale = pow(10.0, uniform(-6, 2));
    for (int k = 0; k < 3; k++)
      lam[k] = scale * uniform(-1, 1) * pow(10.0, uniform(-4, 0));
    if (t % 5 == 0) lam[1] = lam[0] * (1 + 1e-9);
    diag_tensor(lam[0], lam[1], lam[2], d);
    random_rotation(r);
    rotate_tensor((const double(*)[3])r, (const double(*)[3])d, v);
    assert_ufp_ok(UfpSymmetricEigen3((const double(*)[3])v, w, vec));
    /* Sorted expected eigenvalues */
    for (int i = 1; i < 3; i++)
      for (int j = i; j > 0 && lam[j] < lam[j - 1]; j--) {
        double tmp = lam[j];
        lam[j] = lam[j - 1];
        lam[j - 1] = tmp;
      }
    double vmax = fmax(fabs(lam[0]), fmax(fabs(lam[1]), fabs(lam[2])));
    assert_true(w[0] <= w[1] && w[1] <= w[2]);
    for (int k = 0; k < 3; k++)
      assert_close(w[k], lam[k], 4e-15 * vmax);
    /* Orthonormal eigenvectors and small residual V u = w u. */
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) {
        double dot = vec[0][a] * vec[0][b] + vec[1][a] * vec[1][b] + vec[2][a] * vec[2][b];
        assert_close(dot, a == b ? 1.0 : 0.0, 4e-15);
      }
    for (int c = 0; c < 3; c++)
      for (int i = 0; i < 3; i++) {
        double vu = v[i][0] * vec[0][c] + v[i][1] * vec[1][c] + v[i][2] * vec[2][c];
        assert_close(vu, w[c] * vec[i][c], 4e-15 * vmax);
      }
  }
  /* A non-finite element is bad input. */
  double bad[3][3] = {{1, 0, 0}, {0, NAN, 0}, {0, 0, 1}}, w[3], vec[3][3];
  UfpEfgPrincipal pas;
  assert_ufp_fails(UfpSymmetricEigen3((const double(*)[3])bad, w, vec), UFP_ERR_INPUT, "non-finite");
  bad[1][1] = INFINITY;
  assert_ufp_fails(UfpEfgPrincipalAxes((const double(*)[3])bad, &pas), UFP_ERR_INPUT, "non-finite");
}

static void test_degenerate_tensors(void **state)
{
  (void)state;
  const UfpIsotope *li7 = lithium7();
  UfpEfgPrincipal pas;
  double v[3][3], d[3][3], r[3][3];
  /* Zero tensor: zero components, eta 0, identity frame, zero coupling. */
  memset(v, 0, sizeof v);
  assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
  assert_true(pas.vxx == 0.0 && pas.vyy == 0.0 && pas.vzz == 0.0 && pas.eta == 0.0);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      assert_true(pas.r[i][j] == (i == j ? 1.0 : 0.0));
  assert_true(pas.q[0] == 1.0 && pas.q[1] == 0.0 && pas.q[2] == 0.0 && pas.q[3] == 0.0);
  assert_true(UfpEfgCq(li7, pas.vzz) == 0.0);
  /* Isotropic (not an EFG, but a valid symmetric tensor): fully degenerate. */
  rng_seed(5);
  diag_tensor(0.3, 0.3, 0.3, d);
  random_rotation(r);
  rotate_tensor((const double(*)[3])r, (const double(*)[3])d, v);
  assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
  check_principal((const double(*)[3])v, &pas);
  assert_close(pas.vxx, 0.3, 1e-15);
  assert_close(pas.vzz, 0.3, 1e-15);
  /* Axial tensors in random frames: eta = 0, z along the symmetry axis. */
  for (int t = 0; t < 100; t++) {
    double sign = (t % 2) ? 1.0 : -1.0;
    diag_tensor(-0.01 * sign, -0.01 * sign, 0.02 * sign, d);
    random_rotation(r);
    rotate_tensor((const double(*)[3])r, (const double(*)[3])d, v);
    assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
    check_principal((const double(*)[3])v, &pas);
    assert_close(pas.vzz, 0.02 * sign, 1e-16);
    assert_close(pas.vxx, -0.01 * sign, 1e-16);
    assert_close(pas.vyy, -0.01 * sign, 1e-16);
    assert_close(pas.eta, 0.0, 1e-13);
    double cosine = pas.r[0][2] * r[0][2] + pas.r[1][2] * r[1][2] + pas.r[2][2] * r[2][2];
    assert_close(fabs(cosine), 1.0, 1e-14);
  }
}

/* Ties in |V|: |Vyy| = |Vzz| (eta = 1) gives Vzz > 0; |Vxx| = |Vyy| puts
 * the positive one in the Vyy slot. */
static void test_ordering_ties(void **state)
{
  (void)state;
  UfpEfgPrincipal pas;
  double v[3][3], d[3][3], r[3][3];
  static const double diags[][3] = {{1, -1, 0}, {-1, 1, 0}, {0, -1, 1}, {0, 1, -1}, {-1, 0, 1}};
  for (size_t c = 0; c < sizeof diags / sizeof diags[0]; c++) {
    diag_tensor(diags[c][0], diags[c][1], diags[c][2], v);
    assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
    check_principal((const double(*)[3])v, &pas);
    assert_true(pas.vzz == 1.0 && pas.vyy == -1.0 && pas.vxx == 0.0);
    assert_true(pas.eta == 1.0);
  }
  /* Same in random frames, where round-off breaks the exact tie. */
  rng_seed(17);
  for (int t = 0; t < 200; t++) {
    diag_tensor(0.03, -0.03, 0.0, d);
    random_rotation(r);
    rotate_tensor((const double(*)[3])r, (const double(*)[3])d, v);
    assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
    check_principal((const double(*)[3])v, &pas);
    assert_close(pas.vzz, 0.03, 1e-16);
    assert_close(pas.vyy, -0.03, 1e-16);
    assert_close(pas.eta, 1.0, 1e-13);
  }
  /* |Vxx| = |Vyy| with opposite signs (only possible off the traceless
   * subspace): the positive eigenvalue becomes Vyy. */
  diag_tensor(0.2, -0.2, 1.0, v);
  assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
  check_principal((const double(*)[3])v, &pas);
  assert_true(pas.vxx == -0.2 && pas.vyy == 0.2 && pas.vzz == 1.0);
  /* Purely off-diagonal: eigenvalues +1, -1, 0. */
  double off[3][3] = {{0, 1, 0}, {1, 0, 0}, {0, 0, 0}};
  assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])off, &pas));
  check_principal((const double(*)[3])off, &pas);
  assert_close(pas.vzz, 1.0, 1e-15);
  assert_close(pas.vyy, -1.0, 1e-15);
  assert_close(pas.vxx, 0.0, 1e-15);
}

/* ------------------------------------------------------------ frames */

static void test_principal_frames(void **state)
{
  (void)state;
  rng_seed(23);
  for (int t = 0; t < 1000; t++) {
    double v[3][3];
    UfpEfgPrincipal pas;
    random_traceless(pow(10.0, uniform(-4, 1)), v);
    assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
    check_principal((const double(*)[3])v, &pas);
    /* The quaternion round trip: R -> q equals the stored q. */
    double q[4];
    UfpQuaternionFromRotation((const double(*)[3])pas.r, q);
    for (int k = 0; k < 4; k++)
      assert_close(q[k], pas.q[k], 1e-15);
    /* Euler angles of the principal frame reproduce R. */
    double alpha, beta, gamma, re[3][3];
    UfpEulerZYZFromRotation((const double(*)[3])pas.r, &alpha, &beta, &gamma);
    UfpRotationFromEulerZYZ(alpha, beta, gamma, re);
    assert_true(max_abs_diff((const double(*)[3])pas.r, (const double(*)[3])re) <= 1e-14);
  }
}

static void test_quaternions(void **state)
{
  (void)state;
  double r[3][3], axis[3], q[4], back[3][3];
  /* Rotation about z by a: q = (cos a/2, 0, 0, sin a/2) and the active matrix. */
  double a = 0.7, qz[4] = {cos(a / 2), 0, 0, sin(a / 2)};
  assert_ufp_ok(UfpRotationFromQuaternion(qz, r));
  assert_close(r[0][0], cos(a), 4e-16);
  assert_close(r[0][1], -sin(a), 4e-16);
  assert_close(r[1][0], sin(a), 4e-16);
  assert_close(r[2][2], 1.0, 4e-16);
  /* An unnormalised quaternion is normalised first. */
  double qz3[4] = {3 * qz[0], 0, 0, 3 * qz[3]};
  assert_ufp_ok(UfpRotationFromQuaternion(qz3, back));
  assert_true(max_abs_diff((const double(*)[3])r, (const double(*)[3])back) <= 1e-15);
  /* Against Rodrigues for random axis-angle, including angles near pi
   * (every branch of Shepperd's method). */
  rng_seed(31);
  for (int t = 0; t < 2000; t++) {
    random_unit_vector(axis);
    double angle = (t % 4 == 0) ? PI - uniform(0, 1e-6) : (t % 4 == 1 ? PI : uniform(0, PI));
    axis_angle(axis, angle, r);
    UfpQuaternionFromRotation((const double(*)[3])r, q);
    double expect[4] = {cos(angle / 2), axis[0] * sin(angle / 2), axis[1] * sin(angle / 2),
                        axis[2] * sin(angle / 2)};
    double sign = (q[0] * expect[0] + q[1] * expect[1] + q[2] * expect[2] + q[3] * expect[3]) < 0 ? -1 : 1;
    assert_true(q[0] >= 0.0);
    for (int k = 0; k < 4; k++)
      assert_close(q[k], sign * expect[k], 1e-12);
    assert_ufp_ok(UfpRotationFromQuaternion(q, back));
    assert_true(max_abs_diff((const double(*)[3])r, (const double(*)[3])back) <= 1e-14);
  }
  /* Half turns about the axes: w = 0, first nonzero component positive. */
  double half[3][3][3] = {{{1, 0, 0}, {0, -1, 0}, {0, 0, -1}},
                          {{-1, 0, 0}, {0, 1, 0}, {0, 0, -1}},
                          {{-1, 0, 0}, {0, -1, 0}, {0, 0, 1}}};
  for (int k = 0; k < 3; k++) {
    UfpQuaternionFromRotation((const double(*)[3])half[k], q);
    for (int m = 0; m < 4; m++)
      assert_true(q[m] == (m == k + 1 ? 1.0 : 0.0));
  }
  double identity[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  UfpQuaternionFromRotation((const double(*)[3])identity, q);
  assert_true(q[0] == 1.0 && q[1] == 0.0 && q[2] == 0.0 && q[3] == 0.0);
  double zero[4] = {0, 0, 0, 0};
  assert_ufp_fails(UfpRotationFromQuaternion(zero, r), UFP_ERR_INPUT, "zero");
}

static void test_euler_zyz(void **state)
{
  (void)state;
  rng_seed(37);
  double z[3] = {0, 0, 1}, y[3] = {0, 1, 0};
  for (int t = 0; t < 1000; t++) {
    double alpha = uniform(-PI, PI), beta = uniform(0.01, PI - 0.01), gamma = uniform(-PI, PI);
    double r[3][3], rza[3][3], ryb[3][3], rzg[3][3], expect[3][3];
    UfpRotationFromEulerZYZ(alpha, beta, gamma, r);
    /* R = Rz(alpha) Ry(beta) Rz(gamma) with active axis rotations. */
    axis_angle(z, alpha, rza);
    axis_angle(y, beta, ryb);
    axis_angle(z, gamma, rzg);
    matmul((const double(*)[3])rza, (const double(*)[3])ryb, expect);
    matmul((const double(*)[3])expect, (const double(*)[3])rzg, expect);
    assert_true(max_abs_diff((const double(*)[3])r, (const double(*)[3])expect) <= 1e-15);
    double a2, b2, g2;
    UfpEulerZYZFromRotation((const double(*)[3])r, &a2, &b2, &g2);
    assert_close(a2, alpha, 1e-12);
    assert_close(b2, beta, 1e-12);
    assert_close(g2, gamma, 1e-12);
    /* Round trip from an arbitrary rotation. */
    double rr[3][3], back[3][3];
    random_rotation(rr);
    UfpEulerZYZFromRotation((const double(*)[3])rr, &a2, &b2, &g2);
    assert_true(b2 >= 0.0 && b2 <= PI && a2 > -PI - 1e-15 && a2 <= PI && g2 > -PI - 1e-15 && g2 <= PI);
    UfpRotationFromEulerZYZ(a2, b2, g2, back);
    assert_true(max_abs_diff((const double(*)[3])rr, (const double(*)[3])back) <= 1e-14);
  }
  /* Gimbal lock: beta = 0 (alpha set to 0), beta = pi and nearly. */
  static const double betas[] = {0.0, PI, 1e-12, PI - 1e-12};
  for (size_t b = 0; b < sizeof betas / sizeof betas[0]; b++) {
    double r[3][3], back[3][3], a2, b2, g2;
    UfpRotationFromEulerZYZ(0.4, betas[b], -1.1, r);
    UfpEulerZYZFromRotation((const double(*)[3])r, &a2, &b2, &g2);
    UfpRotationFromEulerZYZ(a2, b2, g2, back);
    assert_true(max_abs_diff((const double(*)[3])r, (const double(*)[3])back) <= 1e-14);
    assert_close(b2, betas[b], 1e-15);
    if (b == 0) assert_true(a2 == 0.0);
  }
}

/* ------------------------------------------------------------ omega_Q */

static void test_omega_q_rotation_invariant(void **state)
{
  (void)state;
  const UfpIsotope *li7 = lithium7();
  rng_seed(41);
  for (int t = 0; t < 1000; t++) {
    double v[3][3], r[3][3], vr[3][3], n[3], nr[3], w0, w1;
    random_traceless(0.05, v);
    random_unit_vector(n);
    for (int k = 0; k < 3; k++)
      n[k] *= uniform(0.1, 10); /* any length */
    random_rotation(r);
    rotate_tensor((const double(*)[3])r, (const double(*)[3])v, vr);
    for (int i = 0; i < 3; i++)
      nr[i] = r[i][0] * n[0] + r[i][1] * n[1] + r[i][2] * n[2];
    assert_ufp_ok(UfpEfgOmegaQ(li7, (const double(*)[3])v, n, &w0));
    assert_ufp_ok(UfpEfgOmegaQ(li7, (const double(*)[3])vr, nr, &w1));
    double scale = fabs(UfpEfgCouplingHzPerAu(li7)) * max_abs((const double(*)[3])v);
    assert_close(w1, w0, 1e-12 * scale);
  }
  double v[3][3] = {{0}}, zero[3] = {0, 0, 0}, w;
  assert_ufp_fails(UfpEfgOmegaQ(li7, (const double(*)[3])v, zero, &w), UFP_ERR_INPUT, "field direction");
}

static void test_angle_identities(void **state)
{
  (void)state;
  const UfpIsotope *li7 = lithium7();
  rng_seed(43);
  for (int t = 0; t < 1000; t++) {
    double v[3][3], n[3], omega_q, theta, phi, theta_y, phi_y;
    UfpEfgPrincipal pas;
    random_traceless(0.05, v);
    random_unit_vector(n);
    assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
    assert_ufp_ok(UfpEfgOmegaQ(li7, (const double(*)[3])v, n, &omega_q));
    assert_ufp_ok(UfpEfgFieldAngles(&pas, n, &theta, &phi));
    assert_ufp_ok(UfpEfgFieldAnglesY(&pas, n, &theta_y, &phi_y));
    double cq = UfpEfgCq(li7, pas.vzz);
    assert_true(theta >= 0.0 && theta <= PI);
    assert_true(phi > -PI && phi <= PI && phi_y > -PI && phi_y <= PI);
    assert_true(theta_y == theta);
    double shift = remainder(phi - phi_y - 0.5 * PI, 2.0 * PI);
    assert_close(shift, 0.0, 1e-14);
    /* x convention with +eta, y convention with -eta. */
    assert_close(UfpEfgOmegaQFromAngles(cq, pas.eta, theta, phi), omega_q, 1e-12 * fabs(cq));
    assert_close(UfpEfgOmegaQFromAnglesY(cq, pas.eta, theta_y, phi_y), omega_q, 1e-12 * fabs(cq));
    /* The angles are those of n in the principal frame: rebuild n. */
    for (int i = 0; i < 3; i++) {
      double ni = pas.r[i][0] * sin(theta) * cos(phi) + pas.r[i][1] * sin(theta) * sin(phi) +
                  pas.r[i][2] * cos(theta);
      assert_close(ni, n[i], 1e-14);
    }
  }
  /* Known points: field along principal x, y, z. */
  double v[3][3];
  UfpEfgPrincipal pas;
  diag_tensor(0.005, 0.015, -0.02, v);
  assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v, &pas));
  double ex[3] = {1, 0, 0}, ey[3] = {0, 1, 0}, theta, phi;
  assert_ufp_ok(UfpEfgFieldAngles(&pas, ex, &theta, &phi));
  assert_close(theta, 0.5 * PI, 1e-15);
  assert_close(phi, 0.0, 1e-15);
  assert_ufp_ok(UfpEfgFieldAnglesY(&pas, ey, &theta, &phi));
  assert_close(phi, 0.0, 1e-15);
  double zero[3] = {0, 0, 0};
  assert_ufp_fails(UfpEfgFieldAngles(&pas, zero, &theta, &phi), UFP_ERR_INPUT, "zero");
}

/* ------------------------------------------------------------ spherical */

static void test_spherical_coefficients(void **state)
{
  (void)state;
  double v[3][3], t00, t2[5];
  /* Identity: T00 = sqrt 3, no rank 2. */
  diag_tensor(1, 1, 1, v);
  UfpEfgToSpherical((const double(*)[3])v, &t00, t2);
  assert_close(t00, sqrt(3.0), 1e-15);
  for (int m = 0; m < 5; m++)
    assert_close(t2[m], 0.0, 1e-15);
  /* z^2: diag(-1, -1, 2) -> T20 = 6/sqrt6 = sqrt6, traceless -> T00 = 0. */
  diag_tensor(-1, -1, 2, v);
  UfpEfgToSpherical((const double(*)[3])v, &t00, t2);
  assert_true(t00 == 0.0);
  assert_close(t2[2], sqrt(6.0), 1e-15);
  /* x^2 - y^2: diag(1, -1, 0) -> T22 = sqrt2. */
  diag_tensor(1, -1, 0, v);
  UfpEfgToSpherical((const double(*)[3])v, &t00, t2);
  assert_close(t2[4], sqrt(2.0), 1e-15);
  assert_close(t2[2], 0.0, 1e-15);
  /* Off-diagonals: xy -> m=-2, yz -> m=-1, xz -> m=+1, each sqrt2 V_ab. */
  static const int pairs[3][3] = {{0, 1, 0}, {1, 2, 1}, {0, 2, 3}};
  for (int p = 0; p < 3; p++) {
    memset(v, 0, sizeof v);
    v[pairs[p][0]][pairs[p][1]] = v[pairs[p][1]][pairs[p][0]] = 0.5;
    UfpEfgToSpherical((const double(*)[3])v, &t00, t2);
    for (int m = 0; m < 5; m++)
      assert_close(t2[m], m == pairs[p][2] ? 0.5 * sqrt(2.0) : 0.0, 4e-16);
  }
  /* V = r r^T: T2m = sqrt(8 pi / 15) Y2m(r), real harmonics. */
  rng_seed(47);
  for (int t = 0; t < 100; t++) {
    double u[3];
    random_unit_vector(u);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        v[i][j] = u[i] * u[j];
    UfpEfgToSpherical((const double(*)[3])v, &t00, t2);
    double c15 = 0.5 * sqrt(15.0 / PI), c5 = 0.25 * sqrt(5.0 / PI);
    double y2[5] = {c15 * u[0] * u[1], c15 * u[1] * u[2], c5 * (3 * u[2] * u[2] - 1), c15 * u[0] * u[2],
                    0.5 * c15 * (u[0] * u[0] - u[1] * u[1])};
    for (int m = 0; m < 5; m++)
      assert_close(t2[m], sqrt(8.0 * PI / 15.0) * y2[m], 1e-15);
    assert_close(t00, 1.0 / sqrt(3.0), 1e-15);
  }
}

static void test_spherical_round_trip_orthonormal(void **state)
{
  (void)state;
  rng_seed(53);
  for (int t = 0; t < 1000; t++) {
    double a[3][3], b[3][3], back[3][3], ta0, tb0, ta[5], tb[5];
    for (int i = 0; i < 3; i++)
      for (int j = i; j < 3; j++) {
        a[i][j] = a[j][i] = uniform(-1, 1);
        b[i][j] = b[j][i] = uniform(-1, 1);
      }
    UfpEfgToSpherical((const double(*)[3])a, &ta0, ta);
    UfpEfgFromSpherical(ta0, ta, back);
    assert_true(max_abs_diff((const double(*)[3])a, (const double(*)[3])back) <= 1e-15);
    /* Isometry: Frobenius product = Euclidean product of the 6 numbers. */
    UfpEfgToSpherical((const double(*)[3])b, &tb0, tb);
    double frob = 0, euclid = ta0 * tb0;
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        frob += a[i][j] * b[i][j];
    for (int m = 0; m < 5; m++)
      euclid += ta[m] * tb[m];
    assert_close(euclid, frob, 1e-14);
    /* Traceless part has T00 = 0 and the same T2. */
    double traceless[3][3], tt0, tt[5];
    UfpEfgTraceless((const double(*)[3])a, traceless);
    UfpEfgToSpherical((const double(*)[3])traceless, &tt0, tt);
    assert_close(tt0, 0.0, 1e-15);
    for (int m = 0; m < 5; m++)
      assert_close(tt[m], ta[m], 1e-15);
  }
  /* The six basis tensors are orthonormal. */
  double basis[6][3][3];
  for (int k = 0; k < 6; k++) {
    double unit[5] = {0};
    if (k > 0) unit[k - 1] = 1.0;
    UfpEfgFromSpherical(k == 0 ? 1.0 : 0.0, unit, basis[k]);
  }
  for (int k = 0; k < 6; k++)
    for (int l = 0; l < 6; l++) {
      double dot = 0;
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
          dot += basis[k][i][j] * basis[l][i][j];
      assert_close(dot, k == l ? 1.0 : 0.0, 1e-15);
    }
}

static void test_wigner_d2(void **state)
{
  (void)state;
  rng_seed(59);
  double identity[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, d[5][5];
  UfpRealWignerD2((const double(*)[3])identity, d);
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < 5; j++)
      assert_close(d[i][j], i == j ? 1.0 : 0.0, 1e-15);
  for (int t = 0; t < 1000; t++) {
    double r1[3][3], r2[3][3], r12[3][3], v[3][3], vr[3][3], d1[5][5], d2[5][5], d12[5][5];
    double t0, t2[5], t0r, t2r[5];
    random_rotation(r1);
    random_rotation(r2);
    for (int i = 0; i < 3; i++)
      for (int j = i; j < 3; j++)
        v[i][j] = v[j][i] = uniform(-0.1, 0.1);
    UfpRealWignerD2((const double(*)[3])r1, d1);
    rotate_tensor((const double(*)[3])r1, (const double(*)[3])v, vr);
    UfpEfgToSpherical((const double(*)[3])v, &t0, t2);
    UfpEfgToSpherical((const double(*)[3])vr, &t0r, t2r);
    /* T0 invariant, T2 transforms with D. */
    assert_close(t0r, t0, 1e-15);
    for (int m = 0; m < 5; m++) {
      double dt = 0;
      for (int k = 0; k < 5; k++)
        dt += d1[m][k] * t2[k];
      assert_close(t2r[m], dt, 1e-15);
    }
    /* D orthogonal and a representation: D(R1 R2) = D(R1) D(R2). */
    matmul((const double(*)[3])r1, (const double(*)[3])r2, r12);
    UfpRealWignerD2((const double(*)[3])r2, d2);
    UfpRealWignerD2((const double(*)[3])r12, d12);
    for (int i = 0; i < 5; i++)
      for (int j = 0; j < 5; j++) {
        double dtd = 0, prod = 0;
        for (int k = 0; k < 5; k++) {
          dtd += d1[k][i] * d1[k][j];
          prod += d1[i][k] * d2[k][j];
        }
        assert_close(dtd, i == j ? 1.0 : 0.0, 1e-14);
        assert_close(d12[i][j], prod, 1e-14);
      }
  }
  /* Rotation about z by a: m = 0 fixed, (m=+2, m=-2) turn by 2a, (m=+1, m=-1) by a. */
  double z[3] = {0, 0, 1}, rz[3][3], a = 0.3;
  axis_angle(z, a, rz);
  UfpRealWignerD2((const double(*)[3])rz, d);
  assert_close(d[2][2], 1.0, 1e-15);
  assert_close(d[4][4], cos(2 * a), 1e-15);
  assert_close(d[0][0], cos(2 * a), 1e-15);
  assert_close(d[0][4], sin(2 * a), 1e-15);
  assert_close(d[4][0], -sin(2 * a), 1e-15);
  assert_close(d[3][3], cos(a), 1e-15);
  assert_close(d[1][3], sin(a), 1e-15);
  assert_close(d[3][1], -sin(a), 1e-15);
  /* A traceless tensor has T00 = 0. */
  double v[3][3], t0, t2[5];
  random_traceless(0.05, v);
  UfpEfgToSpherical((const double(*)[3])v, &t0, t2);
  assert_close(t0, 0.0, 1e-17);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cq_and_eta_known_tensor),
      cmocka_unit_test(test_eigen_accuracy),
      cmocka_unit_test(test_degenerate_tensors),
      cmocka_unit_test(test_ordering_ties),
      cmocka_unit_test(test_principal_frames),
      cmocka_unit_test(test_quaternions),
      cmocka_unit_test(test_euler_zyz),
      cmocka_unit_test(test_omega_q_rotation_invariant),
      cmocka_unit_test(test_angle_identities),
      cmocka_unit_test(test_spherical_coefficients),
      cmocka_unit_test(test_spherical_round_trip_orthonormal),
      cmocka_unit_test(test_wigner_d2),
  };
  return UFP_TEST_MAIN("efg_tensor", tests);
}
