/*
 * neighbor.h -- every neighbour within a cutoff, over all periodic images.
 *
 * A full list: for each atom i, every (j, n) with |x_j + n h - x_i| < rcut,
 * where n is an integer lattice shift, excluding only (i, n = 0).  Both (i,j)
 * and (j,i) appear, and an atom may see several images of the same j, or
 * images of itself, when the cell is narrower than 2 rcut (16-atom
 * gamma-Li3PS4 is 6.1 Å wide; UF3 cutoffs are 5.5-8 Å).
 *
 * Plan once, use many times: build the list for a configuration, then walk
 * it as CSR arrays: the neighbours of i are k in [offset[i], offset[i+1]).
 */
#ifndef UFP_NEIGHBOR_H
#define UFP_NEIGHBOR_H

#include <stdint.h>

#include "cell.h"
#include "ufp_error.h"

typedef struct {
  int natoms;
  double rcut;        /* Å */
  int64_t *offset;    /* natoms + 1 entries */
  int *j;             /* neighbour atom index */
  int (*shift)[3];    /* lattice shift n relative to the positions given */
  double (*d)[3];     /* x_j + n h - x_i, Å */
  double *r;          /* |d|, Å */
} UfpNeighborList;

/* Build by binning in fractional space: bins at least rcut wide where the
 * cell allows, and a stencil reaching ceil(rcut / bin width) bins (several
 * periodic images when the cell is small).  O(N) for large cells. */
UfpErrorCode UfpNeighborListBuild(const UfpCell *cell, int natoms, const double (*x)[3], double rcut,
                                  UfpNeighborList **list);
/* The same, with lists only for the first ncentres atoms (the others are
 * candidates only: ghost atoms of a domain decomposition, say, with the
 * cell's pbc switched off).  list->natoms is ncentres. */
UfpErrorCode UfpNeighborListBuildCentres(const UfpCell *cell, int natoms, const double (*x)[3], int ncentres,
                                         double rcut, UfpNeighborList **list);
UfpErrorCode UfpNeighborListDestroy(UfpNeighborList **list);

#endif
