/*
 * spherical_harmonics.h -- real spherical harmonics, the spherical form of a
 * symmetric rank-2 tensor, and Clebsch-Gordan coupling in the real basis.
 *
 * Real harmonics (orthonormal on the unit sphere, no Condon-Shortley phase
 * left over, so that r Y_1,-1 : r Y_1,0 : r Y_1,1 = y : z : x up to
 * sqrt(3/(4 pi))):
 *     Y_l0  = N_l0 P_l^0(cos theta)
 *     Y_lm  = sqrt2 N_lm P_l^m(cos theta) cos(m phi)       m > 0
 *     Y_l-m = sqrt2 N_lm P_l^m(cos theta) sin(m phi)       m > 0
 *     N_lm  = sqrt((2l+1)/(4 pi) (l-m)!/(l+m)!),
 * with P_l^m without the (-1)^m phase.  In terms of the complex harmonics
 * Y_l^m (with the phase), Y_lm = sum_m' U_{m m'} Y_l^m', U unitary:
 *     m > 0:  Y_lm  = ((-1)^m Y_l^m + Y_l^-m) / sqrt2
 *             Y_l-m = i (Y_l^-m - (-1)^m Y_l^m) / sqrt2
 * Evaluation: the normalised associated Legendre functions by the stable
 * recurrences in l at fixed m (no factorials), cos(m phi) and sin(m phi)
 * by Chebyshev recurrences from x, y; index of (l, m) is l^2 + l + m.
 *
 * Symmetric tensors: their l = 2 components t_mu (UfpEfgToSpherical in
 * common/efg_tensor.h) are ordered and scaled as r^2 Y_2mu here:
 * t_mu(r r^T) = sqrt(8 pi / 15) r^2 Y_2mu(r^), so a rotation acts on t by
 * the real Wigner matrix of l = 2 (UfpRealWignerD2).
 *
 * Coupling: the complex Clebsch-Gordan coefficients <l1 m1 l2 m2 | L M>
 * from Racah's formula (factorials as doubles, exact to round-off for
 * l <= 20), and the real-basis coefficients
 *     C^{L M}_{l1 m1, l2 m2} = sum U_{M M'} <l1 m1' l2 m2' | L M'> conj(U_{m1 m1'}) conj(U_{m2 m2'}),
 * with which products of real harmonics couple as the complex ones do:
 *     sum_{m1 m2} C^{LM}_{l1 m1, l2 m2} Y_l1m1(r) Y_l2m2(r) ∝ Y_LM(r).
 * For l1 + l2 + L even the real coefficients are real; for odd sums they
 * are purely imaginary, and the value returned is their imaginary part
 * (the coupled object then changes sign under inversion).
 * Reference: D. A. Varshalovich, A. N. Moskalev, V. K. Khersonskii,
 * Quantum Theory of Angular Momentum (World Scientific, 1988), ch. 5, 8.
 */
#ifndef EFG_SPHERICAL_HARMONICS_H
#define EFG_SPHERICAL_HARMONICS_H

#include "ufp_error.h"

/* Number of (l, m) pairs up to lmax: (lmax + 1)^2. */
int SphCount(int lmax);

/* Real harmonics Y_lm(r / |r|) for l <= lmax into y[l^2 + l + m]; r must be
 * non-zero.  lmax <= 30. */
void SphRealHarmonics(int lmax, const double r[3], double *y);

/* Complex Clebsch-Gordan <l1 m1 l2 m2 | L M> (0 when forbidden). */
double SphClebschGordan(int l1, int m1, int l2, int m2, int L, int M);

/* Real-basis coupling coefficients for one (l1, l2, L): c[((M + L) * (2 l1 + 1)
 * + m1 + l1) * (2 l2 + 1) + m2 + l2], real part for l1 + l2 + L even,
 * imaginary part for odd.  c holds (2L+1)(2l1+1)(2l2+1) values. */
UfpErrorCode SphRealCoupling(int l1, int l2, int L, double *c);

#endif
