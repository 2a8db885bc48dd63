/*
 * efg_series.h -- time series of one range of Li atoms from an efg-predict
 * file (efg/efg_output.h, common/FORMATS.md section 7): MPI ranks read
 * disjoint ranges of atoms (columns of the [frame][atom] datasets) with
 * one collective read per dataset.
 *
 * For a powder (a polycrystalline sample), omega_Q is computed here from the
 * tensors for every direction of a Fibonacci lattice (sae.h) instead of
 * being read for the file's fields.
 */
#ifndef ANALYSIS_EFG_SERIES_H
#define ANALYSIS_EFG_SERIES_H

#include <mpi.h>
#include <stdint.h>

#include "ufp_error.h"

typedef struct {
  int64_t nframes, natoms; /* in the file */
  int nfields;             /* fields stored in the file */
  double hz_per_au;        /* e Q / h of the file's isotope, Hz per a.u. */
  char isotope[16];
  double *time;     /* [F] ps */
  int64_t *frame;   /* [F] trajectory frame index */
  int64_t *atom_id; /* [N] trajectory atom index of every column */
  /* The range [first, first + count) of columns this rank holds, atom-major: */
  int64_t first, count;
  double *cq;          /* [count][F] Hz */
  double *omega;       /* [count][nomega][F] Hz */
  int nomega;          /* stored fields, or powder directions */
  int norient;         /* bins per axis of the orientation map (0: none) */
  double *orientation; /* [norient][norient] counts over all Li and frames, on every rank */
} EfgSeries;

/* Collective read; powder > 0: omega_Q for that many directions from the
 * tensors, else the file's fields.  first/count: this rank's columns.
 * orient_bins > 0: also the map of the (theta, phi) of stored field
 * orient_field in the principal frame (distributions.h, OrientationAdd),
 * binned by whichever rank reads the frames, so the angles are never held
 * as series. */
UfpErrorCode EfgSeriesRead(MPI_Comm comm, const char *path, int64_t first, int64_t count, int powder,
                           int orient_bins, int orient_field, EfgSeries **series);
/* Number of frames and atoms of a file (collective). */
UfpErrorCode EfgSeriesShape(MPI_Comm comm, const char *path, int64_t *nframes, int64_t *natoms);
UfpErrorCode EfgSeriesDestroy(EfgSeries **series);
/* Motional averaging: every series (C_Q and omega_Q) becomes its means over
 * consecutive windows of m frames (a remainder at the end is dropped);
 * time becomes the window centres, frame the first frame of each window
 * and nframes floor(F / m).  The spin-alignment echo accumulates the phase
 * omega_Q integrated over the evolution time (microseconds), so motion much
 * faster than a window, the vibrations, is averaged away as in the
 * experiment, while hops slower than a window are kept.  Local (no
 * communication); the orientation map is not changed. */
UfpErrorCode EfgSeriesBlockAverage(EfgSeries *s, int m);
/* Frames per rank and read (0, the default: about 4 MB of a dataset).  Tests
 * set small values to exercise many rounds and a short last one. */
void EfgSeriesSetReadFrames(int64_t frames);

#endif
