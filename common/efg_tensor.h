/*
 * efg_tensor.h -- electric field gradient (EFG) tensor mathematics.
 *
 * Units: EFG tensors V in atomic units, Eh/(e a0^2) = UFP_EFG_AU_V_M2 V/m^2
 * (the unit of the EFG labels); frequencies (C_Q, omega_Q) in Hz; angles in
 * radians; Q in millibarn (isotopes.h).
 *
 * Conventions (the derivations are in efg_tensor.c):
 *
 * Principal axes (NQR / "Haeberlen for EFG" order):
 *   |Vxx| <= |Vyy| <= |Vzz|,   eta = (Vxx - Vyy) / Vzz  in [0, 1]
 *   (eta = 0 for the zero tensor).  The columns of the proper rotation R
 *   (det R = +1) are the principal axes x, y, z expressed in the lab frame:
 *       V = R diag(Vxx, Vyy, Vzz) R^T,   v_lab = R v_principal.
 *   Ties |Vyy| = |Vzz| (eta = 1 when V is traceless) and |Vxx| = |Vyy|, within
 *   64 DBL_EPSILON max|V_ii|, are broken by giving the larger slot to the
 *   positive eigenvalue (so Vzz >= 0 at eta = 1).  Axis signs: the x and z
 *   columns have their largest-magnitude component positive (the first such
 *   component on a tie); y is then chosen so that det R = +1.
 *
 * Quadrupole coupling, for a nucleus with quadrupole moment Q:
 *   C_Q = e Q Vzz / h                                              (Hz)
 *   omega_Q(n) = (e Q / h) n^T V n     (n: unit field direction, lab frame)
 *   This is the tensor's component along the field: no angle convention is
 *   needed, and it is what a trajectory code should evaluate.  In terms of
 *   the polar angles (theta, phi) of n in the principal frame, for a
 *   traceless V:
 *   x convention (phi from the principal x axis towards y):
 *     omega_Q = C_Q/2 (3 cos^2 theta - 1 + eta sin^2 theta cos 2phi)
 *   y convention (phi' = phi - 90 deg, measured from the principal y axis;
 *   the form with -eta used in the paper):
 *     omega_Q = C_Q/2 (3 cos^2 theta - 1 - eta sin^2 theta cos 2phi')
 *   All functions here use V as given; physical EFGs are traceless, and the
 *   angle identities hold only for traceless V (UfpEfgTraceless).
 *
 * Rotations: all active.  The quaternion q = (w, x, y, z), |q| = 1, w >= 0
 *   (at w = 0 the first nonzero of x, y, z is positive) represents the same
 *   rotation as R: v_lab = R v_principal = q v_principal q*, i.e. R turns the
 *   lab axes onto the principal axes (R e_k = k-th principal axis).
 *   ZYZ Euler angles: R = Rz(alpha) Ry(beta) Rz(gamma), with Rz, Ry active
 *   right-handed rotations about the fixed lab axes; alpha, gamma in
 *   (-pi, pi], beta in [0, pi]; where sin beta = 0 exactly, alpha = 0.
 *
 * Spherical components (an orthonormal change of basis of symmetric 3x3
 *   matrices under the Frobenius product <A, B> = sum_ij A_ij B_ij):
 *   T00 = (Vxx + Vyy + Vzz) / sqrt(3)
 *   T2[0] (m = -2, xy)      = sqrt(2) Vxy
 *   T2[1] (m = -1, yz)      = sqrt(2) Vyz
 *   T2[2] (m =  0, z^2)     = (2 Vzz - Vxx - Vyy) / sqrt(6)
 *   T2[3] (m = +1, xz)      = sqrt(2) Vxz
 *   T2[4] (m = +2, x^2-y^2) = (Vxx - Vyy) / sqrt(2)
 *   (lab-frame Cartesian components; off-diagonals are symmetrised,
 *   Vxy -> (Vxy + Vyx)/2).  For V = r r^T with |r| = 1,
 *   T2m = sqrt(8 pi / 15) Y2m(r) with the real spherical harmonics without
 *   the Condon-Shortley phase (Y21 proportional to +xz).
 *   Under a rotation: T2(R V R^T) = D(R) T2(V), with D from
 *   UfpRealWignerD2; T00 is invariant.
 */
#ifndef UFP_EFG_TENSOR_H
#define UFP_EFG_TENSOR_H

#include "isotopes.h"
#include "ufp_error.h"

typedef struct {
  double vxx, vyy, vzz; /* principal components, |vxx| <= |vyy| <= |vzz|, a.u. */
  double eta;           /* asymmetry (vxx - vyy) / vzz, in [0, 1] */
  double r[3][3];       /* columns: principal axes x, y, z in the lab frame */
  double q[4];          /* the same rotation as a unit quaternion (w, x, y, z) */
} UfpEfgPrincipal;

/* Symmetric 3x3 eigen-decomposition by cyclic Jacobi rotations: a = vec
 * diag(lambda) vec^T, lambda ascending, eigenvectors as the columns of the
 * orthogonal vec, of the symmetric part (a + a^T)/2.  Fails (bad input) on
 * a non-finite element. */
UfpErrorCode UfpSymmetricEigen3(const double a[3][3], double lambda[3], double vec[3][3]);

/* Principal components, eta, axes and quaternion of an EFG tensor (its
 * symmetric part; see the conventions above).  Fails (bad input) on a
 * non-finite element. */
UfpErrorCode UfpEfgPrincipalAxes(const double v[3][3], UfpEfgPrincipal *pas);
/* V = R diag(vxx, vyy, vzz) R^T from a principal-axis description. */
void UfpEfgFromPrincipal(const UfpEfgPrincipal *pas, double v[3][3]);
/* eta = (vxx - vyy) / vzz clamped to [0, 1]; 0 when vzz = 0. */
double UfpEfgEta(double vxx, double vyy, double vzz);
/* The traceless part V - (Tr V / 3) 1. */
void UfpEfgTraceless(const double v[3][3], double traceless[3][3]);

/* e Q (1 a.u. of EFG) / h in Hz per a.u.: the factor from V (a.u.) to
 * frequency; -9.4221e6 Hz/a.u. for 7Li. */
double UfpEfgCouplingHzPerAu(const UfpIsotope *isotope);
/* C_Q = e Q Vzz / h in Hz, vzz in a.u. */
double UfpEfgCq(const UfpIsotope *isotope, double vzz);
/* omega_Q = (e Q / h) n^T V n in Hz; n need not be normalised (fails, bad
 * input, when it is zero or not finite). */
UfpErrorCode UfpEfgOmegaQ(const UfpIsotope *isotope, const double v[3][3], const double n[3],
                          double *omega_q);

/* Polar angles of the field direction n (lab frame, any length > 0) in the
 * principal frame: theta from the principal z axis in [0, pi]; x convention
 * phi from the principal x axis, y convention phi' = phi - pi/2 from the
 * principal y axis; both wrapped to (-pi, pi]. */
UfpErrorCode UfpEfgFieldAngles(const UfpEfgPrincipal *pas, const double n[3], double *theta, double *phi);
UfpErrorCode UfpEfgFieldAnglesY(const UfpEfgPrincipal *pas, const double n[3], double *theta, double *phi_y);
/* C_Q/2 (3 cos^2 theta - 1 + eta sin^2 theta cos 2 phi)     (x convention) */
double UfpEfgOmegaQFromAngles(double cq, double eta, double theta, double phi);
/* C_Q/2 (3 cos^2 theta - 1 - eta sin^2 theta cos 2 phi_y)   (y convention) */
double UfpEfgOmegaQFromAnglesY(double cq, double eta, double theta, double phi_y);

/* Rotation matrix <-> unit quaternion (w, x, y, z), same rotation; the
 * quaternion has w >= 0.  UfpRotationFromQuaternion normalises q and fails
 * (bad input) on a zero or non-finite q. */
void UfpQuaternionFromRotation(const double r[3][3], double q[4]);
UfpErrorCode UfpRotationFromQuaternion(const double q[4], double r[3][3]);
/* R = Rz(alpha) Ry(beta) Rz(gamma), and back (r must be a proper rotation). */
void UfpRotationFromEulerZYZ(double alpha, double beta, double gamma, double r[3][3]);
void UfpEulerZYZFromRotation(const double r[3][3], double *alpha, double *beta, double *gamma);

/* Spherical components (T00, T2[m = -2..2]) of a symmetric tensor and back. */
void UfpEfgToSpherical(const double v[3][3], double *t00, double t2[5]);
void UfpEfgFromSpherical(double t00, const double t2[5], double v[3][3]);
/* The real Wigner matrix of rank 2: T2(R V R^T) = D T2(V) for every
 * symmetric V, D[m'+2][m+2] = <E_m', R E_m R^T> over the orthonormal basis
 * tensors E_m of T2.  D is orthogonal; D(R1 R2) = D(R1) D(R2). */
void UfpRealWignerD2(const double R[3][3], double D[5][5]);

#endif
