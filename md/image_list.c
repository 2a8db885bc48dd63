/*
 * image_list.c -- convert the all-image neighbour list of common/neighbor.c
 * into the (j, shift) form of uf3_force.h.
 *
 * Distinct lattice shifts are collected in a small table (at most
 * (2 n_a + 1)(2 n_b + 1)(2 n_c + 1) entries for image ranges n), so a list
 * entry is two ints and positions can change without rebuilding the table.
 */
#include "image_list.h"

#include <string.h>

#include "neighbor.h"

UfpErrorCode Uf3ImageListBuild(const UfpCell *cell, int natoms, const double (*x)[3], double rcut,
                               Uf3ImageList **list_out)
{
  UfpNeighborList *nl = NULL;
  Uf3ImageList *list = NULL;
  int range[3];
  UfpCall(UfpNeighborListBuild(cell, natoms, x, rcut, &nl));
  UfpCall(UfpCalloc(1, &list));
  /* Shifts relative to the given (possibly unwrapped) positions can exceed
   * the image range; size the table from the list itself. */
  int lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
  int64_t n = nl->offset[natoms];
  for (int64_t e = 0; e < n; e++)
    for (int a = 0; a < 3; a++) {
      if (nl->shift[e][a] < lo[a]) lo[a] = nl->shift[e][a];
      if (nl->shift[e][a] > hi[a]) hi[a] = nl->shift[e][a];
    }
  for (int a = 0; a < 3; a++) range[a] = hi[a] - lo[a] + 1;
  list->nshifts = range[0] * range[1] * range[2];
  UfpCall(UfpCalloc(list->nshifts, &list->shifts));
  for (int s = 0; s < list->nshifts; s++) {
    int nvec[3] = {lo[0] + s / (range[1] * range[2]), lo[1] + (s / range[2]) % range[1], lo[2] + s % range[2]};
    UfpCellShift(cell, nvec, list->shifts[s]);
  }
  UfpCall(UfpCalloc(natoms + 1, &list->offset));
  UfpCall(UfpCalloc(n, &list->j));
  UfpCall(UfpCalloc(n, &list->shift));
  memcpy(list->offset, nl->offset, sizeof *list->offset * (size_t)(natoms + 1));
  for (int64_t e = 0; e < n; e++) {
    list->j[e] = nl->j[e];
    list->shift[e] = ((nl->shift[e][0] - lo[0]) * range[1] + (nl->shift[e][1] - lo[1])) * range[2] +
                     (nl->shift[e][2] - lo[2]);
  }
  UfpCall(UfpNeighborListDestroy(&nl));
  list->view.nlocal = natoms;
  list->view.offset = list->offset;
  list->view.j = list->j;
  list->view.shift = list->shift;
  list->view.shifts = (const double(*)[3])list->shifts;
  *list_out = list;
  return UFP_SUCCESS;
}

UfpErrorCode Uf3ImageListDestroy(Uf3ImageList **list)
{
  if (!list || !*list) return UFP_SUCCESS;
  UfpFree(&(*list)->offset);
  UfpFree(&(*list)->j);
  UfpFree(&(*list)->shift);
  UfpFree(&(*list)->shifts);
  UfpFree(list);
  return UFP_SUCCESS;
}
