/*
 * uf3_features.h -- design rows of a UF3 fit for one structure.
 *
 * Because E is linear in the free coefficients u (uf3_fit_basis.h), every
 * observable is a row of numbers times u:
 *     E       = x_E . u,        x_E[k]   = dE/du_k
 *     dE/dx_i = G_i . u,        G_i[k]   = d^2 E / (dx_i du_k)   (F_i = -G_i . u)
 *     W_ab    = x_W,ab . u      virial W = sum_i x_i F_i, in the form
 *                               W = -sum_terms (dE/dr) d d^T / r
 * The rows are sums over the same terms as the force loop of uf3_force.c,
 * with the same counting (LAMMPS's): every ordered pair (i, j) of a full
 * neighbour list gives V2(r_ij); around each centre i every unordered pair
 * of neighbours {j, k} inside the 3-body cutoffs gives V3(r_ij, r_ik, r_jk),
 * skipped when a distance lies below the first knot of its dimension.  With
 * d = x_j - x_i and u_ij = d / r, a term f(r_ij) adds -f' u_ij to G_i and
 * +f' u_ij to G_j.  One B-spline implementation (bspline.h) serves both the
 * fit and the evaluation, so a fitted model reproduces its training rows to
 * round-off (tests/unit/test_uf3_fit.c checks it against Uf3ForceCompute).
 *
 * Periodic images come from common/neighbor.h (all images, any cell size).
 * A pair closer than the first knot of its 2-body spline is outside the
 * model (ufp-md refuses it too): that is an input error naming the atoms.
 */
#ifndef UFP_UF3_FEATURES_H
#define UFP_UF3_FEATURES_H

#include "structure.h"
#include "uf3_fit_basis.h"

typedef struct {
  double *energy;     /* basis->ncols values (one-body columns: atom counts) */
  double *virial;     /* 6 rows (xx, yy, zz, yz, xz, xy), eV, or NULL */
  int virial_stride;  /* distance between virial rows (0: basis->ncols) */
  double **grad;      /* [i]: 3 rows (x, y, z) in the coordinates of column group species[i], or NULL */
  int *grad_stride;   /* [i]: distance between those rows (doubles) */
} Uf3FeatureRows;

/* Add the rows of structure s (species[i]: element index in the basis) to
 * rows (the caller zeroes them).  where names the structure in messages
 * ("file.xyz frame 12"). */
UfpErrorCode Uf3FeaturesCompute(const Uf3FitBasis *basis, const UfpStructure *s, const int *species,
                                const char *where, Uf3FeatureRows *rows);

/* Cell of a structure for neighbour searches: its lattice and pbc, or, for a
 * molecule without a lattice, a non-periodic box around the atoms. */
UfpErrorCode Uf3FeaturesCell(const UfpStructure *s, double lattice[3][3], int pbc[3]);

#endif
