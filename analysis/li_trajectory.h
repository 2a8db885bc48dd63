/*
 * li_trajectory.h -- positions of a range of Li atoms along the frames of
 * an H5MD trajectory that an EFG file was made from, unwrapped, with the
 * site class (sites.h) of every Li in the first frame.
 *
 * Unwrapping: with stored image flags, x + n h; without, each step is taken
 * by the minimum image of the displacement since the previous frame, which
 * is right as long as no atom moves half a cell between two frames.
 * Every rank reads the frames it needs on its own (MPI_COMM_SELF), keeping
 * only its Li.
 */
#ifndef ANALYSIS_LI_TRAJECTORY_H
#define ANALYSIS_LI_TRAJECTORY_H

#include <stdint.h>

#include "sites.h"

typedef struct {
  int64_t nframes, count;
  double (*x)[3];    /* [count][nframes] unwrapped positions, Å */
  int *site0;        /* [count] SiteClass in the first frame */
  int *coord0;       /* [count] ligand coordination in the first frame */
} LiTrajectory;

UfpErrorCode LiTrajectoryRead(const char *path, int64_t nframes, const int64_t *frames, int64_t count,
                              const int64_t *atom_ids, const char *ligand, double rc, LiTrajectory **out);
UfpErrorCode LiTrajectoryDestroy(LiTrajectory **t);

#endif
