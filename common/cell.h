/*
 * cell.h -- periodic (triclinic) simulation cells.
 *
 * The lattice matrix h has the lattice vectors as ROWS (a = h[0], b = h[1],
 * c = h[2]), in Å, as in extxyz and ASE.  Fractional coordinates s relate to
 * Cartesian positions x by
 *     x = s h      (x_k = sum_a s_a h[a][k])
 *     s = x h^-1
 * Periodicity is per axis (pbc[a]); along a non-periodic axis nothing is
 * wrapped and no images are generated.
 *
 * Image counts for a cutoff: the planes spanned by (b, c) are spaced
 * d_a = V / |b x c| apart, so every image within rcut of an atom has a
 * lattice shift |n_a| <= ceil(rcut / d_a).  This is what lets a 6.1 Å-wide
 * cell with a 8 Å cutoff see all of its neighbours: minimum image alone would
 * keep only one copy of each atom.
 */
#ifndef UFP_CELL_H
#define UFP_CELL_H

#include "ufp_error.h"

typedef struct {
  double h[3][3];     /* rows = lattice vectors, Å */
  double hinv[3][3];  /* inverse of h */
  double volume;      /* |det h|, Å^3 */
  double width[3];    /* plane spacings d_a = V / |b x c| etc., Å */
  int pbc[3];
} UfpCell;

/* Set up from a lattice; fails (bad input) if the lattice is singular or
 * left-handed cells would give a negative volume is fine: volume is |det|. */
UfpErrorCode UfpCellSetup(UfpCell *cell, const double lattice[3][3], const int pbc[3]);

void UfpCellFracFromCart(const UfpCell *cell, const double x[3], double s[3]);
void UfpCellCartFromFrac(const UfpCell *cell, const double s[3], double x[3]);
/* Wrap a Cartesian position into the cell (fractional [0,1) along periodic
 * axes); image[a] (may be NULL) receives the lattice shift that was removed,
 * so x_unwrapped = x_wrapped + image h. */
void UfpCellWrap(const UfpCell *cell, double x[3], int image[3]);
/* Minimum-image displacement: the shortest d = x_j - x_i + n h over all
 * lattice shifts n (exact for any triclinic cell, by search over the
 * neighbouring images of the reduced fractional displacement). */
void UfpCellMinimumImage(const UfpCell *cell, const double xi[3], const double xj[3], double d[3]);
/* Lattice shifts needed along each axis to see every image within rcut
 * (0 along non-periodic axes). */
void UfpCellImageRange(const UfpCell *cell, double rcut, int n[3]);
/* Cartesian vector of the lattice shift n: n h. */
void UfpCellShift(const UfpCell *cell, const int n[3], double shift[3]);

#endif
