/*
 * uf3_fit_basis.h -- the unknowns of a UF3 fit: which spline coefficients
 * are free, and where each sits in the solution vector.
 *
 * The model of uf3_potential.h is linear in its coefficients,
 *     E = sum_e n_e E1_e + sum_{pairs} sum_n c^{ab}_n B_n(r)
 *         + sum_{triplets} sum_{lmn} c^{abc}_{lmn} B_l(r_ij) B_m(r_ik) B_n(r_jk),
 * so a fit is linear least squares for the vector of free coefficients.
 * Column layout of that vector:
 *     [ one-body E1 per element | pair blocks a <= b | triplet blocks a, b <= c ]
 * A pair block holds c_n for lead <= n < ncoeff - trail: the last `trail`
 * coefficients are fixed at zero, which makes V2, V2' and V2'' vanish at the
 * cutoff (trailing trim 3, what LAMMPS requires), the first `lead` too.
 * Triplet blocks have their own leading trim in every dimension: with 3 the
 * 3-body term and its first two derivatives vanish at r_min, so it fades in
 * smoothly instead of stepping from zero to B_0's full weight where a pair
 * crosses its first knot.
 * A triplet block (centre a, neighbours b <= c in element order) holds
 * c_{lmn} with every index inside the trims in its dimension and
 *   - when b == c, only l <= m: V3 must then be symmetric under exchange of
 *     j and k, c_{lmn} = c_{mln}, and the unknown u_{lmn} (l <= m) stands for
 *     both grid entries;
 *   - only coefficients whose support can hold a triangle: B_l, B_m, B_n are
 *     non-zero on [t_l, t_{l+4}) etc., and a triplet needs
 *     |r_ij - r_ik| <= r_jk <= r_ij + r_ik.  A coefficient whose support box
 *     contains no such point is never reached by any structure; it is fixed
 *     at zero instead of being left to the regulariser.
 * The triplet (a, c, b) is the same function with r_ij and r_ik exchanged
 * (uf3_potential.h); it has no columns of its own.
 *
 * Knots are uniform and clamped: R intervals between r_min and r_max give
 * R + 7 knots and R + 3 coefficients (uf3's "resolution").  The 3-body r_ij
 * and r_ik knots are equal and r_jk runs to 2 r_max, as LAMMPS's pair_style
 * uf3 requires.
 *
 * Column groups: the force on an atom of element s depends only on blocks
 * that involve s (a pair with s on either side, a triplet with s in any of
 * its three places).  Group s lists those blocks' columns, in global order;
 * force rows are stored in group coordinates, which shrinks the normal
 * equations' work (normal_equations.h) by about (2/3)^2 for three elements.
 *
 * Regularisation (added to the normal matrix, on the full coefficient
 * grids with the fixed zeros included, so the cutoff is approached smoothly):
 *     ridge     lambda_r sum c^2
 *     curvature lambda_c sum (c_{n-1} - 2 c_n + c_{n+1})^2, along every axis
 * with separate strengths for one-, two- and three-body terms, optionally
 * measured from a prior instead of from zero (pair_prior.h).
 */
#ifndef UFP_UF3_FIT_BASIS_H
#define UFP_UF3_FIT_BASIS_H

#include "bspline.h"
#include "structure.h"
#include "uf3_potential.h"

typedef struct {
  double r_min, r_max;   /* Å */
  int resolution;        /* knot intervals */
} Uf3FitPairSpec;

typedef struct {
  double r_min, r_max;   /* r_ij and r_ik, Å */
  int resolution;        /* intervals for r_ij and r_ik */
  double r_min_jk;       /* r_jk runs from r_min_jk to 2 r_max, Å */
  int resolution_jk;
} Uf3FitTripletSpec;

typedef struct {
  int nelements;
  char (*elements)[UFP_LABEL_MAX];
  int degree;                  /* 2 or 3 */
  Uf3FitPairSpec *pair;        /* [a * nel + b], symmetric */
  Uf3FitTripletSpec *triplet;  /* [(a * nel + b) * nel + c], used for b <= c */
  int leading_trim, trailing_trim;
  int leading_trim_3b;         /* 3-body leading trim, every dimension */
} Uf3FitBasisSpec;

typedef struct {
  int body;              /* 2 or 3 */
  int el[3];             /* pair: a <= b; triplet: centre a, b <= c */
  int offset, ncols;     /* columns [offset, offset + ncols) */
  int dims[3];           /* full coefficient grid (pair: dims[0]) */
  int symmetric;         /* triplet with b == c */
  int *map;              /* full-grid index -> column within the block, -1 fixed at 0 */
  int *unmap;            /* column within the block -> full-grid index (l <= m when symmetric) */
  int nknots[3];
  double *knots[3];
  Uf3Basis basis[3];     /* tabulated, one per dimension */
} Uf3FitBlock;

typedef struct Uf3FitBasis {
  int nelements;
  char (*elements)[UFP_LABEL_MAX];
  int degree;
  int leading_trim, trailing_trim, leading_trim_3b;
  int nblocks;
  Uf3FitBlock *blocks;   /* pair blocks first, then triplet blocks */
  int *pair_block;       /* [a * nel + b] -> block (either order) */
  int *triplet_block;    /* [(a * nel + b) * nel + c] -> block (either neighbour order) */
  int ncols;             /* nel + all block columns */
  double pair_cutoff;    /* largest 2-body r_max, Å */
  double triplet_cutoff; /* largest 3-body r_ij, Å (0 without) */
  /* Column groups, one per element s. */
  int *group_ncols;      /* [s] */
  int *group_offset;     /* [s * nblocks + b]: first column of block b in group s, -1 if absent */
  int **group_cols;      /* [s][k]: global column of group column k */
} Uf3FitBasis;

UfpErrorCode Uf3FitBasisCreate(const Uf3FitBasisSpec *spec, Uf3FitBasis **basis);
UfpErrorCode Uf3FitBasisDestroy(Uf3FitBasis **basis);
/* Element index of a label, -1 if absent. */
int Uf3FitBasisElement(const Uf3FitBasis *basis, const char *label);

/* The potential for a solution vector (ncols values; one-body energies from
 * the first nel, plus e0[nel] when e0 is not NULL). */
UfpErrorCode Uf3FitBasisToPotential(const Uf3FitBasis *basis, const double *solution, const double *e0,
                                    Uf3Potential **pot);
/* The solution vector of a potential with exactly this basis's knots (tests
 * and warm starts); fails when a coefficient fixed here is non-zero in pot,
 * or a b == c triplet is not symmetric. */
UfpErrorCode Uf3FitBasisFromPotential(const Uf3FitBasis *basis, const Uf3Potential *pot, double *solution);

/* Ridge (index 0, 1, 2 = one-, two-, three-body) and curvature (1, 2)
 * penalties P, centred on a prior c0: lambda |D (c - c0)|^2.  Adds P to the
 * upper triangle of the n x n row-major matrix a (n >= ncols; the model's
 * columns are the first ncols) when a is not NULL, and P c0 to the first
 * ncols entries of rhs when prior (c0, ncols values) is not NULL. */
void Uf3FitBasisAddRegularisation(const Uf3FitBasis *basis, const double ridge[3], const double curvature[3],
                                  int n, double *a, const double *prior, double *rhs);

#endif
