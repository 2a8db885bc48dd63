/*
 * pair_prior.h -- a repulsive prior for the pair terms of a UF3 fit: the
 * Ziegler-Biersack-Littmark (ZBL) universal screened nuclear repulsion.
 *
 * Why: below the closest approach of a pair in the training data, nothing
 * but the penalties determines a least-squares fit.  With the penalties on
 * the coefficients c themselves the pair potential there is a linear
 * continuation of its value at the data edge, which can be soft or even
 * attractive; a hot MD run that pushes two atoms into that gap then finds
 * no wall (bonded S-S pairs of Li3PS4 at 1500 K do exactly that).
 *
 * What: the fit penalises c - c0 instead of c, where c0 is the B-spline
 * image of a prior pair potential V0 (uf3_fit.h).  In the data the
 * penalties are weak and V0 changes nothing; in the gap the potential
 * becomes V0 plus a linear continuation of the correction the data need at
 * their edge.  With a convex V0 the slope there is at least as repulsive as
 * the plain linear continuation.
 *
 * ZBL (J. F. Ziegler, J. P. Biersack, U. Littmark, The Stopping and Range
 * of Ions in Solids, Pergamon 1985; as in LAMMPS pair_style zbl):
 *     V0(r) = Z1 Z2 e^2 / (4 pi eps0 r) phi(r / a),
 *     a = 0.46850 Å / (Z1^0.23 + Z2^0.23),
 *     phi(x) = 0.18175 e^{-3.19980 x} + 0.50986 e^{-0.94229 x}
 *            + 0.28022 e^{-0.40290 x} + 0.02817 e^{-0.20162 x}.
 *
 * B-spline image: Schoenberg's variation-diminishing approximation,
 * c_n = V0(xi_n) at the Greville abscissae xi_n = (t_{n+1} + t_{n+2} +
 * t_{n+3}) / 3.  It is exact for straight lines and keeps the sign,
 * monotonicity and convexity of V0; coefficients fixed by the trims stay 0.
 */
#ifndef UFP_PAIR_PRIOR_H
#define UFP_PAIR_PRIOR_H

#include "uf3_fit_basis.h"

typedef enum { UF3_PRIOR_NONE = 0, UF3_PRIOR_ZBL = 1 } Uf3PairPrior;

/* ZBL energy (eV) of nuclei Z1, Z2 at r (Å) and, when dvdr is not NULL,
 * its derivative (eV/Å). */
double PairPriorZbl(int z1, int z2, double r, double *dvdr);

/* The prior as a solution vector (basis->ncols values: zero except in the
 * pair columns).  Fails (bad input) for an element without an atomic number. */
UfpErrorCode PairPriorCoefficients(const Uf3FitBasis *basis, Uf3PairPrior kind, double *c0);


#endif
