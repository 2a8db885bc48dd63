/*
 * lambda_soap.h -- lambda-SOAP descriptors of atomic environments, the
 * symmetry-adapted features of SA-GPR for tensors of order lambda
 * (A. Grisafi, D. M. Wilkins, G. Csányi, M. Ceriotti, Phys. Rev. Lett. 120,
 * 036002 (2018)).
 *
 * Neighbour density of species a around centre i (the centre itself left
 * out), Gaussians of width sigma switched off smoothly at rcut:
 *     rho_i^a(r) = sum_{j in a, r_ij < rcut} f_c(r_ij) exp(-|r - r_ij|^2 / (2 sigma^2)),
 *     f_c(r) = 1 below rcut - w, (1 + cos(pi (r - rcut + w) / w)) / 2 up to rcut
 * (value and slope continuous at rcut).  Expansion in an orthonormal radial
 * basis R_n and the real harmonics Y_lm (spherical_harmonics.h):
 *     c^a_nlm(i) = int d^3r R_n(r) Y_lm(r^) rho_i^a(r)
 *                = sum_j f_c(r_ij) I_nl(r_ij) Y_lm(r_ij^),
 *     I_nl(d) = 4 pi int_0^inf r^2 R_n(r) exp(-(r - d)^2 / (2 sigma^2)) [i_l(r d / sigma^2) e^{-r d / sigma^2}] dr,
 * i_l the modified spherical Bessel function of the first kind.  Radial
 * basis: Gaussian-type orbitals r^n exp(-r^2 / (2 sigma_n^2)), sigma_n =
 * rcut max(sqrt(n), 1) / n_max (n = 0 .. n_max - 1), orthonormalised on
 * [0, inf) with weight r^2 by Löwdin's symmetric S^{-1/2}.
 * Plan once: I_nl(d) is tabulated on a 0.005 Å grid in d by Gauss-Legendre
 * quadrature and interpolated by cubic Hermite polynomials.
 *
 * Features of order lambda (component mu = -lambda .. lambda), for every
 * pair of channels k = (a, n, l) <= k' = (a', n', l') with |l - l'| <= lambda
 * <= l + l' and l + l' + lambda even (proper tensors: features that change
 * sign under inversion are left out, as an EFG does not):
 *     p^{lambda mu}_{k k'}(i) = w_{kk'} sum_{m m'} C^{lambda mu}_{l m, l' m'} c^a_nlm c^a'_n'l'm',
 * w = 1 on the diagonal, sqrt2 off it (so that dot products count both
 * orders), C the real coupling coefficients.  Each environment's features
 * are divided by their norm over (mu, k, k'), which is rotation invariant:
 * under a rotation R, p^{lambda} -> D^lambda(R) p^lambda, and the lambda = 0
 * features do not change.  Environments with no neighbour have zero
 * features.
 */
#ifndef EFG_LAMBDA_SOAP_H
#define EFG_LAMBDA_SOAP_H

#include "cell.h"
#include "ufp_error.h"

#define LSOAP_MAX_SPECIES 8

typedef struct {
  int nspecies;                                   /* neighbour channels */
  char species[LSOAP_MAX_SPECIES][16];            /* their labels */
  double rcut;                                    /* Å */
  double cutoff_width;                            /* w, Å */
  double sigma;                                   /* Gaussian width, Å */
  int nmax, lmax;
} LambdaSoapSettings;

typedef struct LambdaSoap_ *LambdaSoap;

/* Plan: radial basis, radial-integral tables and coupling lists for
 * lambda = 0 and 2. */
UfpErrorCode LambdaSoapCreate(const LambdaSoapSettings *settings, LambdaSoap *soap);
UfpErrorCode LambdaSoapDestroy(LambdaSoap *soap);
/* Features per component mu for this lambda (0 or 2). */
int LambdaSoapSize(const LambdaSoap soap, int lambda);
/* Channel of a species label, -1 if the descriptor does not know it. */
int LambdaSoapChannel(const LambdaSoap soap, const char *label);

/* Features of ncentres centres of one structure: natoms positions x (Å),
 * channel[j] per atom (-1: ignored as a neighbour), cell (pbc as set).
 * out[(c * (2 lambda + 1) + mu + lambda) * size + f]. */
UfpErrorCode LambdaSoapCompute(LambdaSoap soap, const UfpCell *cell, int natoms, const double (*x)[3],
                               const int *channel, int ncentres, const int *centres, int lambda, double *out);
/* Both orders from one neighbour list and one density expansion per centre
 * (out0 as lambda = 0, out2 as lambda = 2; either may be NULL). */
UfpErrorCode LambdaSoapComputeBoth(LambdaSoap soap, const UfpCell *cell, int natoms, const double (*x)[3],
                                   const int *channel, int ncentres, const int *centres, double *out0, double *out2);

/* Radial basis R_n(r) (for tests): values for n = 0 .. nmax - 1. */
void LambdaSoapRadialBasis(const LambdaSoap soap, double r, double *rn);
/* Density coefficients of one neighbour at displacement d (no cutoff
 * function), c[(n * (lmax+1)^2) + l^2 + l + m] (for tests). */
void LambdaSoapNeighbourCoefficients(const LambdaSoap soap, const double d[3], double *c);
/* e^{-x} i_l(x) for l = 0 .. lmax, x >= 0. */
void LambdaSoapScaledBesselI(int lmax, double x, double *out);

#endif
