/*
 * test_potential.h -- a smooth, LPS-like three-element UF3 potential built
 * from closed-form functions, for tests that need stable dynamics.
 *
 * Pair terms: Born-Mayer repulsion minus a dispersion-like attraction,
 *     V_ab(r) = A_ab exp(-r / 0.3) - C_ab / r^6,
 * multiplied by a smooth switch to zero at 5.5 Å; 3-body terms: a weak
 * bond-angle-like term exp(-(r_ij + r_ik)) (r_jk - 3.5)^2 switched off at
 * r_ij, r_ik = 4 Å.  B-spline coefficients are the functions sampled at the
 * Greville abscissae (a second-order accurate spline approximation), with
 * the last three coefficients zero so V, V' and V'' vanish at the cutoff.
 * The knot shapes match the LiPS timing fixture: 2-body 1.0-5.5 Å with 20
 * coefficients, 3-body 1.5-4.0 Å (8) x 1.5-4.0 Å (8) x 1.5-8.0 Å (16).
 */
#ifndef UFP_TEST_POTENTIAL_H
#define UFP_TEST_POTENTIAL_H

#include "uf3_potential.h"

/* Elements Li, P, S; with_3body adds every triplet block. */
Uf3Potential *ufp_test_lps_potential(int with_3body);

#endif
