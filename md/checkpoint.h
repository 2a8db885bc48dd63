/*
 * checkpoint.h -- the full MD state in an HDF5 file, for exact restarts.
 *
 * Two files, PREFIX.a.h5 and PREFIX.b.h5, are written in turn (each as
 * NAME.partial, then renamed), so a crash while writing one always leaves
 * the other intact.  A checkpoint is valid when it opens and carries the
 * attribute complete = 1; restart takes the valid one with the larger step.
 *
 * Content (schema in common/FORMATS.md, section "MD checkpoint"):
 *   attributes  step (float64, exact below 2^53), time (ps), dt (ps), natoms, seed, thermostat,
 *               tau (ps), thermostat_work (eV), lattice (3x3, Å), complete
 *   datasets    type [N] int32, x [N][3] Å (wrapped), v [N][3] Å/ps,
 *               image [N][3] int32, all by global atom id
 * The random-number "streams" are counter-based (md_random.h): seed and step
 * reproduce them exactly, so no generator state is needed.
 */
#ifndef UFP_MD_CHECKPOINT_H
#define UFP_MD_CHECKPOINT_H

#include <stdint.h>

#include "md_system.h"

typedef struct {
  int64_t step, natoms;
  double time, dt, tau, thermostat_work;
  double lattice[3][3];
  uint64_t seed;
  char thermostat[32];
} MdCheckpointHeader;

/* Write the state of sys (collective); alternates between the two files by
 * the parity of the checkpoint count kept by the caller (which = 0 or 1). */
UfpErrorCode MdCheckpointWrite(MdSystem *sys, const char *prefix, int which, const MdCheckpointHeader *header);
/* Find the newest valid checkpoint: *found = 0 when there is none. */
UfpErrorCode MdCheckpointFind(MPI_Comm comm, const char *prefix, int *found, char *path, int *which);
/* Read a checkpoint: header on every rank, and the global arrays (every rank
 * gets all natoms entries; arrays allocated here, freed by the caller). */
UfpErrorCode MdCheckpointRead(MPI_Comm comm, const char *path, MdCheckpointHeader *header, int **type,
                              double (**x)[3], double (**v)[3], int (**image)[3]);

#endif
