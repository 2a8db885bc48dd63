/*
 * efg_tensor.c -- EFG tensor mathematics: eigen-decomposition, principal
 * axes, C_Q, eta, omega_Q, field angles, rotations and spherical components.
 *
 * 1. Eigen-decomposition: cyclic Jacobi.  Each step zeroes a_pq with the
 *    plane rotation P (P_pp = P_qq = c, P_pq = s, P_qp = -s), A' = P^T A P:
 *        theta = (a_qq - a_pp) / (2 a_pq),
 *        t = tan(angle) = sign(theta) / (|theta| + sqrt(theta^2 + 1)),
 *        c = 1/sqrt(t^2 + 1), s = t c, tau = s / (1 + c),
 *        a_pp' = a_pp - t a_pq,  a_qq' = a_qq + t a_pq,  a_pq' = 0,
 *        a_rp' = a_rp - s (a_rq + tau a_rp),  a_rq' = a_rq + s (a_rp - tau a_rq),
 *    and the eigenvector matrix accumulates V' = V P.  t is the smaller root,
 *    so the rotation angle is <= 45 deg and the updates, written as small
 *    corrections, lose no digits.  Sweeps over (0,1), (0,2), (1,2) converge
 *    quadratically; an off-diagonal element below 2^-60 (|a_pp| + |a_qq|)
 *    is set to zero (it moves an eigenvalue by less than 1e-18 relative).
 *    Jacobi was chosen over the closed-form cubic because it stays accurate
 *    (~1e-16 relative to the largest eigenvalue) for degenerate and nearly
 *    degenerate tensors, where the trigonometric formula loses half the
 *    digits, and it returns orthonormal eigenvectors in every case: the
 *    zero tensor gives the identity, an axial tensor a valid in-plane pair.
 *
 * 2. Principal axes: eigenvalues ordered |Vxx| <= |Vyy| <= |Vzz| (NQR order),
 *    ties within 64 eps max|lambda| broken by putting the positive
 *    eigenvalue in the larger slot (Vzz >= 0 at eta = 1).  The eigenvectors
 *    become the columns of R; the x and z columns get their largest component
 *    positive and y is flipped if needed so that det R = +1 (a proper
 *    rotation, representable by a quaternion).  V = R diag(Vxx,Vyy,Vzz) R^T.
 *
 * 3. Coupling (SI, then converted): C_Q = e Q Vzz / h with Q = q_mb 1e-31 m^2
 *    and Vzz in a.u. times 9.7173624292e21 V/m^2.  For 7Li (Q = -40.1 mb):
 *    e Q (1 a.u.) / h = -9.42209e6 Hz, i.e. -94.22 kHz per 0.01 a.u.
 *    omega_Q(n) = (e Q / h) n^T V n.  In the principal frame n = (sin theta
 *    cos phi, sin theta sin phi, cos theta), and with the traceless relations
 *    Vxx = -Vzz (1 - eta)/2, Vyy = -Vzz (1 + eta)/2:
 *        n^T V n = Vxx sin^2 cos^2 phi + Vyy sin^2 sin^2 phi + Vzz cos^2
 *                = Vzz/2 (3 cos^2 theta - 1 + eta sin^2 theta cos 2phi).
 *    With phi' = phi - 90 deg (measured from the principal y axis),
 *    cos 2phi = -cos 2phi', which is the form with -eta.
 *
 * 4. Rotations.  q = (w, x, y, z) and the active rotation matrix
 *        R = [1-2(y^2+z^2)  2(xy-wz)      2(xz+wy)    ]
 *            [2(xy+wz)      1-2(x^2+z^2)  2(yz-wx)    ]
 *            [2(xz-wy)      2(yz+wx)      1-2(x^2+y^2)]
 *    Matrix -> quaternion by Shepperd's method (J. Guid. Control 1, 223
 *    (1978)): take the largest of w^2, x^2, y^2, z^2 from the trace and
 *    diagonal, then the others from sums/differences of off-diagonals, so
 *    no division by a small number.  ZYZ Euler angles of R = Rz(a) Ry(b) Rz(g):
 *        R_22 = cos b,  (R_02, R_12) = sin b (cos a, sin a),
 *    so b = atan2(|(R_02, R_12)|, R_22), a = atan2(R_12, R_02); g is then
 *    read from M = Ry(b)^T Rz(a)^T R = Rz(g) as atan2(M_10, M_00), which
 *    keeps the round trip exact even when sin b is tiny and a is noisy.
 *
 * 5. Spherical components: the six tensors
 *        E00 = 1/sqrt3,  E(-2) = (xy+yx)/sqrt2,  E(-1) = (yz+zy)/sqrt2,
 *        E(0) = (2zz - xx - yy)/sqrt6,  E(1) = (xz+zx)/sqrt2,
 *        E(2) = (xx - yy)/sqrt2
 *    are orthonormal under <A,B> = sum A_ij B_ij and span the symmetric
 *    matrices, so T = <E, V> and V = sum T E is an isometry.  R V R^T acts
 *    on each E separately and keeps the rank-0 and rank-2 subspaces, so
 *    D[m'][m] = <E(m'), R E(m) R^T> -- built here by transforming the five
 *    basis tensors -- satisfies T2(R V R^T) = D T2(V) exactly and is
 *    orthogonal.  For V = r r^T, T2m = sqrt(8 pi/15) Y2m(r) with the real
 *    harmonics xy, yz, 3z^2 - r^2, xz, x^2 - y^2 (no Condon-Shortley sign).
 */
#include "efg_tensor.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "units.h"

#define SQRT2 1.41421356237309504880
#define SQRT3 1.73205080756887729353
#define SQRT6 2.44948974278317809820

static int all_finite(const double a[3][3])
{
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 3; k++)
      if (!isfinite(a[i][k])) return 0;
  return 1;
}

/* One Jacobi rotation zeroing a[p][q] (p < q); r is the third index. */
static void jacobi_rotate(double a[3][3], double vec[3][3], int p, int q)
{
  double apq = a[p][q];
  double theta = (a[q][q] - a[p][p]) / (2.0 * apq);
  double t;
  if (fabs(theta) > 1.0e150) /* theta^2 would overflow; t = 1/(2 theta) */
    t = 0.5 / theta;
  else {
    t = 1.0 / (fabs(theta) + sqrt(theta * theta + 1.0));
    if (theta < 0.0) t = -t;
  }
  double c = 1.0 / sqrt(t * t + 1.0), s = t * c, tau = s / (1.0 + c);
  int r = 3 - p - q;
  a[p][p] -= t * apq;
  a[q][q] += t * apq;
  a[p][q] = a[q][p] = 0.0;
  double arp = a[r][p], arq = a[r][q];
  a[r][p] = a[p][r] = arp - s * (arq + tau * arp);
  a[r][q] = a[q][r] = arq + s * (arp - tau * arq);
  for (int k = 0; k < 3; k++) {
    double vkp = vec[k][p], vkq = vec[k][q];
    vec[k][p] = vkp - s * (vkq + tau * vkp);
    vec[k][q] = vkq + s * (vkp - tau * vkq);
  }
}

UfpErrorCode UfpSymmetricEigen3(const double a_in[3][3], double lambda[3], double vec[3][3])
{
  static const int pairs[3][2] = {{0, 1}, {0, 2}, {1, 2}};
  double a[3][3];
  UfpCheck(all_finite(a_in), UFP_ERR_INPUT, "non-finite element in a symmetric 3x3 tensor");
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 3; k++) {
      a[i][k] = 0.5 * (a_in[i][k] + a_in[k][i]);
      vec[i][k] = (i == k) ? 1.0 : 0.0;
    }
  int converged = 0;
  for (int sweep = 0; sweep < 64 && !converged; sweep++) {
    converged = 1;
    for (int m = 0; m < 3; m++) {
      int p = pairs[m][0], q = pairs[m][1];
      if (a[p][q] == 0.0) continue;
      if (fabs(a[p][q]) <= 0x1p-60 * (fabs(a[p][p]) + fabs(a[q][q]))) {
        a[p][q] = a[q][p] = 0.0;
        continue;
      }
      jacobi_rotate(a, vec, p, q);
      converged = 0;
    }
  }
  UfpCheck(converged, UFP_ERR_INTERNAL, "Jacobi eigen-decomposition did not converge in 64 sweeps");
  /* Sort ascending (insertion sort on three), carrying the columns. */
  for (int i = 0; i < 3; i++)
    lambda[i] = a[i][i];
  for (int i = 1; i < 3; i++)
    for (int j = i; j > 0 && lambda[j] < lambda[j - 1]; j--) {
      double tmp = lambda[j];
      lambda[j] = lambda[j - 1];
      lambda[j - 1] = tmp;
      for (int k = 0; k < 3; k++) {
        tmp = vec[k][j];
        vec[k][j] = vec[k][j - 1];
        vec[k][j - 1] = tmp;
      }
    }
  return UFP_SUCCESS;
}

/* NQR order: 1 if eigenvalue a belongs before b (smaller |.|; on a tie
 * within tol, the negative one first so the positive takes the larger slot). */
static int nqr_before(double a, double b, double tol)
{
  if (fabs(fabs(a) - fabs(b)) > tol) return fabs(a) < fabs(b);
  return a < b;
}

/* Make the largest-magnitude component of column c positive. */
static void canonical_column_sign(double r[3][3], int c)
{
  int kmax = 0;
  for (int k = 1; k < 3; k++)
    if (fabs(r[k][c]) > fabs(r[kmax][c])) kmax = k;
  if (r[kmax][c] < 0.0)
    for (int k = 0; k < 3; k++)
      r[k][c] = -r[k][c];
}

double UfpEfgEta(double vxx, double vyy, double vzz)
{
  if (vzz == 0.0) return 0.0;
  double eta = (vxx - vyy) / vzz;
  if (eta < 0.0) return 0.0;
  if (eta > 1.0) return 1.0;
  return eta;
}

UfpErrorCode UfpEfgPrincipalAxes(const double v[3][3], UfpEfgPrincipal *pas)
{
  double lambda[3] = {0}, vec[3][3] = {{0}};
  int order[3] = {0, 1, 2};
  UfpCall(UfpSymmetricEigen3(v, lambda, vec));
  double vmax = fmax(fabs(lambda[0]), fmax(fabs(lambda[1]), fabs(lambda[2])));
  double tol = 64.0 * DBL_EPSILON * vmax;
  for (int i = 1; i < 3; i++)
    for (int j = i; j > 0 && nqr_before(lambda[order[j]], lambda[order[j - 1]], tol); j--) {
      int tmp = order[j];
      order[j] = order[j - 1];
      order[j - 1] = tmp;
    }
  double r[3][3];
  for (int c = 0; c < 3; c++)
    for (int k = 0; k < 3; k++)
      r[k][c] = vec[k][order[c]];
  pas->vxx = lambda[order[0]];
  pas->vyy = lambda[order[1]];
  pas->vzz = lambda[order[2]];
  canonical_column_sign(r, 0);
  canonical_column_sign(r, 2);
  /* det R = y . (z x x) must be +1. */
  const double zx[3] = {r[1][2] * r[2][0] - r[2][2] * r[1][0], r[2][2] * r[0][0] - r[0][2] * r[2][0],
                        r[0][2] * r[1][0] - r[1][2] * r[0][0]};
  if (zx[0] * r[0][1] + zx[1] * r[1][1] + zx[2] * r[2][1] < 0.0)
    for (int k = 0; k < 3; k++)
      r[k][1] = -r[k][1];
  pas->eta = UfpEfgEta(pas->vxx, pas->vyy, pas->vzz);
  UfpQuaternionFromRotation((const double(*)[3])r, pas->q);
  memcpy(pas->r, r, sizeof r);
  return UFP_SUCCESS;
}

void UfpEfgFromPrincipal(const UfpEfgPrincipal *pas, double v[3][3])
{
  const double d[3] = {pas->vxx, pas->vyy, pas->vzz};
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 3; k++)
      v[i][k] = pas->r[i][0] * d[0] * pas->r[k][0] + pas->r[i][1] * d[1] * pas->r[k][1] +
                pas->r[i][2] * d[2] * pas->r[k][2];
}

void UfpEfgTraceless(const double v[3][3], double traceless[3][3])
{
  double third = (v[0][0] + v[1][1] + v[2][2]) / 3.0;
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 3; k++)
      traceless[i][k] = v[i][k] - (i == k ? third : 0.0);
}

double UfpEfgCouplingHzPerAu(const UfpIsotope *isotope)
{
  return UFP_ELEMENTARY_CHARGE_C * (isotope->q_mb * UFP_MILLIBARN_M2) * UFP_EFG_AU_V_M2 / UFP_PLANCK_J_S;
}

double UfpEfgCq(const UfpIsotope *isotope, double vzz) { return UfpEfgCouplingHzPerAu(isotope) * vzz; }

/* n / |n| into u; 0 when n is zero or not finite. */
static int unit_vector(const double n[3], double u[3])
{
  double norm = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  if (!(norm > 0.0) || !isfinite(norm)) return 0;
  for (int k = 0; k < 3; k++)
    u[k] = n[k] / norm;
  return 1;
}

UfpErrorCode UfpEfgOmegaQ(const UfpIsotope *isotope, const double v[3][3], const double n[3], double *omega_q)
{
  double u[3];
  UfpCheck(unit_vector(n, u), UFP_ERR_INPUT, "field direction (%g, %g, %g) is zero or not finite", n[0], n[1],
           n[2]);
  double vnn = 0.0;
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 3; k++)
      vnn += u[i] * v[i][k] * u[k];
  *omega_q = UfpEfgCouplingHzPerAu(isotope) * vnn;
  return UFP_SUCCESS;
}

UfpErrorCode UfpEfgFieldAngles(const UfpEfgPrincipal *pas, const double n[3], double *theta, double *phi)
{
  double u[3], p[3];
  UfpCheck(unit_vector(n, u), UFP_ERR_INPUT, "field direction (%g, %g, %g) is zero or not finite", n[0], n[1],
           n[2]);
  /* v_principal = R^T v_lab */
  for (int c = 0; c < 3; c++)
    p[c] = pas->r[0][c] * u[0] + pas->r[1][c] * u[1] + pas->r[2][c] * u[2];
  *theta = atan2(hypot(p[0], p[1]), p[2]);
  *phi = atan2(p[1], p[0]);
  return UFP_SUCCESS;
}

UfpErrorCode UfpEfgFieldAnglesY(const UfpEfgPrincipal *pas, const double n[3], double *theta, double *phi_y)
{
  double phi = 0.0;
  UfpCall(UfpEfgFieldAngles(pas, n, theta, &phi));
  *phi_y = phi - 0.5 * UFP_PI;
  if (*phi_y <= -UFP_PI) *phi_y += 2.0 * UFP_PI;
  return UFP_SUCCESS;
}

double UfpEfgOmegaQFromAngles(double cq, double eta, double theta, double phi)
{
  double ct = cos(theta), st = sin(theta);
  return 0.5 * cq * (3.0 * ct * ct - 1.0 + eta * st * st * cos(2.0 * phi));
}

double UfpEfgOmegaQFromAnglesY(double cq, double eta, double theta, double phi_y)
{
  double ct = cos(theta), st = sin(theta);
  return 0.5 * cq * (3.0 * ct * ct - 1.0 - eta * st * st * cos(2.0 * phi_y));
}

void UfpQuaternionFromRotation(const double r[3][3], double q[4])
{
  double trace = r[0][0] + r[1][1] + r[2][2];
  double w, x, y, z;
  if (trace >= r[0][0] && trace >= r[1][1] && trace >= r[2][2]) {
    w = 0.5 * sqrt(fmax(0.0, 1.0 + trace));
    x = (r[2][1] - r[1][2]) / (4.0 * w);
    y = (r[0][2] - r[2][0]) / (4.0 * w);
    z = (r[1][0] - r[0][1]) / (4.0 * w);
  } else if (r[0][0] >= r[1][1] && r[0][0] >= r[2][2]) {
    x = 0.5 * sqrt(fmax(0.0, 1.0 + r[0][0] - r[1][1] - r[2][2]));
    w = (r[2][1] - r[1][2]) / (4.0 * x);
    y = (r[0][1] + r[1][0]) / (4.0 * x);
    z = (r[0][2] + r[2][0]) / (4.0 * x);
  } else if (r[1][1] >= r[2][2]) {
    y = 0.5 * sqrt(fmax(0.0, 1.0 - r[0][0] + r[1][1] - r[2][2]));
    w = (r[0][2] - r[2][0]) / (4.0 * y);
    x = (r[0][1] + r[1][0]) / (4.0 * y);
    z = (r[1][2] + r[2][1]) / (4.0 * y);
  } else {
    z = 0.5 * sqrt(fmax(0.0, 1.0 - r[0][0] - r[1][1] + r[2][2]));
    w = (r[1][0] - r[0][1]) / (4.0 * z);
    x = (r[0][2] + r[2][0]) / (4.0 * z);
    y = (r[1][2] + r[2][1]) / (4.0 * z);
  }
  double norm = sqrt(w * w + x * x + y * y + z * z);
  q[0] = w / norm;
  q[1] = x / norm;
  q[2] = y / norm;
  q[3] = z / norm;
  /* q and -q are the same rotation: w >= 0, then the first nonzero of x, y, z > 0. */
  int flip = q[0] < 0.0;
  if (q[0] == 0.0) {
    for (int k = 1; k < 4; k++)
      if (q[k] != 0.0) {
        flip = q[k] < 0.0;
        break;
      }
  }
  if (flip)
    for (int k = 0; k < 4; k++)
      q[k] = -q[k];
  if (signbit(q[0])) q[0] = 0.0; /* w is now >= 0: only -0 has its sign bit set */
}

UfpErrorCode UfpRotationFromQuaternion(const double q[4], double r[3][3])
{
  double norm = sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  UfpCheck(norm > 0.0 && isfinite(norm), UFP_ERR_INPUT, "quaternion (%g, %g, %g, %g) is zero or not finite",
           q[0], q[1], q[2], q[3]);
  double w = q[0] / norm, x = q[1] / norm, y = q[2] / norm, z = q[3] / norm;
  r[0][0] = 1.0 - 2.0 * (y * y + z * z);
  r[0][1] = 2.0 * (x * y - w * z);
  r[0][2] = 2.0 * (x * z + w * y);
  r[1][0] = 2.0 * (x * y + w * z);
  r[1][1] = 1.0 - 2.0 * (x * x + z * z);
  r[1][2] = 2.0 * (y * z - w * x);
  r[2][0] = 2.0 * (x * z - w * y);
  r[2][1] = 2.0 * (y * z + w * x);
  r[2][2] = 1.0 - 2.0 * (x * x + y * y);
  return UFP_SUCCESS;
}

void UfpRotationFromEulerZYZ(double alpha, double beta, double gamma, double r[3][3])
{
  double ca = cos(alpha), sa = sin(alpha), cb = cos(beta), sb = sin(beta);
  double cg = cos(gamma), sg = sin(gamma);
  /* Rz(alpha) Ry(beta) Rz(gamma), multiplied out. */
  r[0][0] = ca * cb * cg - sa * sg;
  r[0][1] = -ca * cb * sg - sa * cg;
  r[0][2] = ca * sb;
  r[1][0] = sa * cb * cg + ca * sg;
  r[1][1] = -sa * cb * sg + ca * cg;
  r[1][2] = sa * sb;
  r[2][0] = -sb * cg;
  r[2][1] = sb * sg;
  r[2][2] = cb;
}

void UfpEulerZYZFromRotation(const double r[3][3], double *alpha, double *beta, double *gamma)
{
  double sb = hypot(r[0][2], r[1][2]);
  *beta = atan2(sb, r[2][2]);
  *alpha = (sb == 0.0) ? 0.0 : atan2(r[1][2], r[0][2]);
  /* M = Ry(beta)^T Rz(alpha)^T R = Rz(gamma): only columns 0 of rows 0, 1 needed. */
  double ca = cos(*alpha), sa = sin(*alpha), cb = cos(*beta), sbeta = sin(*beta);
  double u0 = ca * r[0][0] + sa * r[1][0];  /* (Rz^T R)_00 */
  double u1 = -sa * r[0][0] + ca * r[1][0]; /* (Rz^T R)_10 */
  double u2 = r[2][0];                      /* (Rz^T R)_20 */
  double m00 = cb * u0 - sbeta * u2;
  double m10 = u1;
  *gamma = atan2(m10, m00);
}

void UfpEfgToSpherical(const double v[3][3], double *t00, double t2[5])
{
  *t00 = (v[0][0] + v[1][1] + v[2][2]) / SQRT3;
  t2[0] = (v[0][1] + v[1][0]) / SQRT2;
  t2[1] = (v[1][2] + v[2][1]) / SQRT2;
  t2[2] = (2.0 * v[2][2] - v[0][0] - v[1][1]) / SQRT6;
  t2[3] = (v[0][2] + v[2][0]) / SQRT2;
  t2[4] = (v[0][0] - v[1][1]) / SQRT2;
}

void UfpEfgFromSpherical(double t00, const double t2[5], double v[3][3])
{
  double iso = t00 / SQRT3, z2 = t2[2] / SQRT6, x2y2 = t2[4] / SQRT2;
  v[0][0] = iso - z2 + x2y2;
  v[1][1] = iso - z2 - x2y2;
  v[2][2] = iso + 2.0 * z2;
  v[0][1] = v[1][0] = t2[0] / SQRT2;
  v[1][2] = v[2][1] = t2[1] / SQRT2;
  v[0][2] = v[2][0] = t2[3] / SQRT2;
}

void UfpRealWignerD2(const double R[3][3], double D[5][5])
{
  for (int m = 0; m < 5; m++) {
    double unit[5] = {0}, basis[3][3], rotated[3][3], t00, column[5];
    unit[m] = 1.0;
    UfpEfgFromSpherical(0.0, unit, basis);
    for (int i = 0; i < 3; i++)
      for (int k = 0; k < 3; k++) {
        double sum = 0.0;
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++)
            sum += R[i][a] * basis[a][b] * R[k][b];
        rotated[i][k] = sum;
      }
    UfpEfgToSpherical((const double(*)[3])rotated, &t00, column);
    for (int mp = 0; mp < 5; mp++)
      D[mp][m] = column[mp];
  }
}
