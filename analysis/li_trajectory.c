/* li_trajectory.c -- see li_trajectory.h. */
#include "li_trajectory.h"

#include <math.h>
#include <string.h>

#include "cell.h"
#include "h5md.h"

UfpErrorCode LiTrajectoryRead(const char *path, int64_t nframes, const int64_t *frames, int64_t count,
                              const int64_t *atom_ids, const char *ligand, double rc, LiTrajectory **out)
{
  LiTrajectory *t;
  UfpCall(UfpCalloc(1, &t));
  *out = t;
  t->nframes = nframes;
  t->count = count;
  UfpCall(UfpCalloc((size_t)(count > 0 ? count : 1) * nframes, &t->x));
  UfpCall(UfpCalloc(count > 0 ? count : 1, &t->site0));
  UfpCall(UfpCalloc(count > 0 ? count : 1, &t->coord0));
  if (count == 0) return UFP_SUCCESS;
  UfpH5md *h = NULL;
  UfpCall(UfpH5mdOpen(MPI_COMM_SELF, path, 0, &h));
  const int64_t natoms = UfpH5mdNumAtoms(h), ntraj = UfpH5mdNumFrames(h);
  const int images = UfpH5mdHasImage(h);
  double(*x)[3] = NULL, (*prev)[3] = NULL;
  int(*image)[3] = NULL;
  char(*species)[UFP_H5MD_LABEL_MAX] = NULL;
  char(*labels)[UFP_LABEL_MAX] = NULL;
  UfpErrorCode ierr = UfpCalloc(natoms, &x);
  if (!ierr) ierr = UfpCalloc(count, &prev);
  if (!ierr && images) ierr = UfpCalloc(natoms, &image);
  if (!ierr) ierr = UfpCalloc(natoms, &species);
  if (!ierr) ierr = UfpCalloc(natoms, &labels);
  if (!ierr) ierr = UfpH5mdReadSpecies(h, species);
  for (int64_t i = 0; i < natoms && !ierr; i++) snprintf(labels[i], UFP_LABEL_MAX, "%s", species[i]);
  for (int64_t a = 0; a < count && !ierr; a++)
    if (atom_ids[a] < 0 || atom_ids[a] >= natoms) {
      ierr = UFP_ERR_INPUT;
      UfpError(ierr, "%s: atom %lld of the EFG file is not in the trajectory (%lld atoms)", path,
               (long long)atom_ids[a], (long long)natoms);
    }
  int *centres = NULL;
  if (!ierr) ierr = UfpCalloc(count, &centres);
  for (int64_t a = 0; a < count && !ierr; a++) centres[a] = (int)atom_ids[a];
  for (int64_t f = 0; f < nframes && !ierr; f++) {
    if (frames[f] < 0 || frames[f] >= ntraj) {
      ierr = UFP_ERR_INPUT;
      UfpError(ierr, "%s: frame %lld of the EFG file is not in the trajectory (%lld frames)", path,
               (long long)frames[f], (long long)ntraj);
      break;
    }
    double lattice[3][3];
    int64_t step;
    double time;
    ierr = UfpH5mdReadFrame(h, frames[f], &step, &time, lattice, x, image, NULL, NULL);
    UfpCell cell;
    int pbc[3] = {1, 1, 1};
    if (!ierr) ierr = UfpCellSetup(&cell, lattice, pbc);
    if (!ierr && f == 0)
      ierr = SiteCoordination(&cell, (int)natoms, (const double(*)[3])x, (const char(*)[UFP_LABEL_MAX])labels, ligand,
                              rc, (int)count, centres, t->coord0);
    for (int64_t a = 0; a < count && !ierr; a++) {
      const int64_t i = atom_ids[a];
      double *dst = t->x[a * nframes + f];
      if (images)
        for (int k = 0; k < 3; k++)
          dst[k] = x[i][k] + image[i][0] * lattice[0][k] + image[i][1] * lattice[1][k] + image[i][2] * lattice[2][k];
      else if (f == 0)
        memcpy(dst, x[i], sizeof(double[3]));
      else {
        double d[3], s[3];
        for (int k = 0; k < 3; k++) d[k] = x[i][k] - prev[a][k];
        UfpCellFracFromCart(&cell, d, s);
        for (int k = 0; k < 3; k++) s[k] -= round(s[k]);
        for (int k = 0; k < 3; k++)
          dst[k] = t->x[a * nframes + f - 1][k] + s[0] * lattice[0][k] + s[1] * lattice[1][k] + s[2] * lattice[2][k];
      }
      memcpy(prev[a], x[i], sizeof(double[3]));
    }
  }
  for (int64_t a = 0; a < count && !ierr; a++) t->site0[a] = SiteClassOf(t->coord0[a]);
  UfpFree(&x);
  UfpFree(&prev);
  UfpFree(&image);
  UfpFree(&species);
  UfpFree(&labels);
  UfpFree(&centres);
  UfpH5mdDestroy(&h);
  return ierr;
}

UfpErrorCode LiTrajectoryDestroy(LiTrajectory **tp)
{
  if (!tp || !*tp) return UFP_SUCCESS;
  UfpFree(&(*tp)->x);
  UfpFree(&(*tp)->site0);
  UfpFree(&(*tp)->coord0);
  UfpFree(tp);
  return UFP_SUCCESS;
}
