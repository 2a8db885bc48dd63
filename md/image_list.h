/*
 * image_list.h -- a UF3 neighbour list for a whole periodic cell without
 * ghost atoms, from common/neighbor.h.
 *
 * Every entry keeps the lattice shift of the image it came from, so the
 * force loop rebuilds d = x_j + n h - x_i from the current positions.  Used
 * by the single-point mode and the tests (any cell size, including cells
 * narrower than the cutoff); the MD engine uses Verlet lists over ghosts.
 */
#ifndef UFP_IMAGE_LIST_H
#define UFP_IMAGE_LIST_H

#include "cell.h"
#include "uf3_force.h"

typedef struct {
  Uf3Neighbors view;   /* what Uf3ForceCompute takes */
  int64_t *offset;
  int *j, *shift;
  double (*shifts)[3];
  int nshifts;
} Uf3ImageList;

/* Build for natoms positions x (Å) in cell with cutoff rcut (Å). */
UfpErrorCode Uf3ImageListBuild(const UfpCell *cell, int natoms, const double (*x)[3], double rcut,
                               Uf3ImageList **list);
UfpErrorCode Uf3ImageListDestroy(Uf3ImageList **list);

#endif
