/*
 * uf3_potential.h -- a UF3 ("ultra-fast potential") model in memory.
 *
 *   E = sum_i E1(s_i) + sum_i sum_{j != i} V2_{s_i s_j}(r_ij)
 *       + sum_i sum_{j < k} V3_{s_i s_j s_k}(r_ij, r_ik, r_jk)
 *
 * with the LAMMPS pair_style uf3 counting conventions: a full neighbour list,
 * every ordered pair (i, j) contributes V2(r_ij) (so each unordered pair is
 * counted twice, and the file's V2 is fitted with that convention), and the
 * 3-body sum runs over j < k around each centre i.  E1 (one-body energy per
 * element) is optional; LAMMPS ignores it.
 *
 * V2(r) = sum_n c_n B_n(r), cubic B-splines B_n on a clamped knot vector
 * t_0 = t_1 = t_2 = t_3 <= ... <= t_{m-4} = ... = t_{m-1} (end knots repeated
 * four times); ncoeff = nknots - 4; V2 = 0 beyond the last knot (the cutoff).
 *
 * V3(r_ij, r_ik, r_jk) = sum_{l,m,n} c_{lmn} B_l(r_ij) B_m(r_ik) B_n(r_jk),
 * tensor product of three clamped cubic bases.  Canonical storage here:
 * dimension 0 = r_ij, 1 = r_ik, 2 = r_jk; coeff[(l * n1 + m) * n2 + n].
 * The triplet block for centre species a with neighbours b, c is stored for
 * every ordered (a, b, c); the block of (a, c, b) is the same function with
 * dimensions 0 and 1 (and their coefficients) swapped, so both are filled
 * when a file gives one of them.  V3 = 0 unless r_ij, r_ik and r_jk are all
 * below their cutoffs (last knots).
 *
 * Units: Å and eV (LAMMPS "metal").
 */
#ifndef UFP_UF3_POTENTIAL_H
#define UFP_UF3_POTENTIAL_H

#include "structure.h"
#include "ufp_error.h"

typedef struct {
  int nknots;            /* m; ncoeff = m - 4 */
  double *knots;         /* m knots, non-decreasing, clamped */
  double *coeff;         /* ncoeff coefficients, eV */
  int leading_trim, trailing_trim; /* as read from/written to LAMMPS files */
} Uf3Spline1D;

typedef struct {
  int nknots[3];         /* dimension 0 = r_ij, 1 = r_ik, 2 = r_jk */
  double *knots[3];
  double *coeff;         /* (nknots[0]-4) x (nknots[1]-4) x (nknots[2]-4), eV */
  int leading_trim, trailing_trim;
} Uf3Spline3D;

typedef struct Uf3Potential {
  int nelements;
  char (*elements)[UFP_LABEL_MAX]; /* element symbols, in file order */
  double *one_body;      /* eV per atom of each element (0 when absent) */
  int has_one_body;
  Uf3Spline1D *pair;     /* nelements^2, [a * nel + b]; pair[a][b] and pair[b][a] are equal */
  int *has_pair;         /* nelements^2 flags */
  Uf3Spline3D *triplet;  /* nelements^3, [(a * nel + b) * nel + c], centre a */
  int *has_triplet;      /* nelements^3 flags */
  int has_3body;         /* any triplet present */
} Uf3Potential;

UfpErrorCode Uf3PotentialCreate(int nelements, const char (*elements)[UFP_LABEL_MAX], Uf3Potential **pot);
UfpErrorCode Uf3PotentialDestroy(Uf3Potential **pot);
/* Index of an element symbol, -1 if absent. */
int Uf3PotentialElementIndex(const Uf3Potential *pot, const char *symbol);
/* Copy a pair spline into [a][b] and [b][a]. */
UfpErrorCode Uf3PotentialSetPair(Uf3Potential *pot, int a, int b, const Uf3Spline1D *spline);
/* Copy a triplet spline (canonical dimension order) into [a][b][c] and, with
 * dimensions 0 and 1 swapped, into [a][c][b]. */
UfpErrorCode Uf3PotentialSetTriplet(Uf3Potential *pot, int a, int b, int c, const Uf3Spline3D *spline);
/* Largest 2-body cutoff and largest 3-body r_ij/r_ik cutoff (Å). */
double Uf3PotentialPairCutoff(const Uf3Potential *pot);
double Uf3PotentialTripletCutoff(const Uf3Potential *pot);
/* Smallest first knot of all pair splines: closer atoms are outside the fit. */
double Uf3PotentialInnerCutoff(const Uf3Potential *pot, int a, int b);
/* Checks: clamped, non-decreasing knots, coefficient counts, finite values. */
UfpErrorCode Uf3PotentialValidate(const Uf3Potential *pot, const char *source);

#endif
