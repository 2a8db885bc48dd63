/*
 * h5md.h -- H5MD 1.1 trajectory files written and read in parallel.
 *
 * One particle group (default "trajectory", the name MDAnalysis looks for) with a time-dependent triclinic box,
 * positions and optionally periodic images, velocities and forces, plus
 * time-dependent scalar observables.  The layout is documented in
 * common/FORMATS.md; MDAnalysis (H5MDReader) and h5py read the files.
 *
 * Parallel model: every call is COLLECTIVE over the communicator.  Each rank
 * owns a contiguous slab of atoms [start, start + count) -- by default
 * UfpPartition(natoms, rank, size) -- and passes only that slab's arrays to
 * AppendFrame/ReadFrame.  A rank that owns no atoms still calls (its arrays
 * may be NULL).  Per-frame scalars (step, time, lattice, observable values)
 * are taken from rank 0.
 *
 * Units: the arguments are in internal units (units.h): Å, ps, Å/ps, eV/Å,
 * amu.  Forces are stored on disk in kJ mol-1 Angstrom-1 (MDAnalysis does not
 * know eV/Å) and converted back on reading, so a round trip changes them only
 * by round-off.
 *
 *   UfpH5mdConfig cfg = {.natoms = n, .species = labels, .store_velocity = 1};
 *   UfpH5md *traj;
 *   UfpCall(UfpH5mdCreate(comm, "traj.h5.partial", &cfg, &traj));
 *   for (...) UfpCall(UfpH5mdAppendFrame(traj, step, time, lattice, x, NULL, v, NULL));
 *   UfpCall(UfpH5mdDestroy(&traj));
 */
#ifndef UFP_H5MD_H
#define UFP_H5MD_H

#include <mpi.h>
#include <stdint.h>

#include "h5io.h"
#include "ufp_error.h"

#define UFP_H5MD_LABEL_MAX 32 /* bytes of a species label, with the NUL */
#define UFP_H5MD_NAME_MAX 64  /* bytes of a particle-group or observable name */

typedef struct {
  const char *particle_group;   /* name under /particles; NULL: "trajectory" */
  int64_t natoms;               /* global number of atoms */
  const char (*species)[UFP_H5MD_LABEL_MAX]; /* natoms labels (all atoms, every rank) */
  const double *masses;         /* natoms masses in amu (all atoms); NULL: not stored */
  int store_image;              /* store image (int32, 3 per atom) */
  int store_velocity;           /* store velocity (Å/ps) */
  int store_force;              /* store force (eV/Å in memory) */
  const char *creator;          /* /h5md/creator name; NULL: "ufp-nmr" */
  const char *creator_version;  /* NULL: UFP_VERSION */
  const char *author;           /* /h5md/author name; NULL: "ufp-nmr" */
  const UfpProvenance *provenance; /* root provenance attributes; NULL: none */
} UfpH5mdConfig;

typedef struct UfpH5md UfpH5md;

/* Create (truncate) path and write the time-independent parts (h5md,
 * species, masses, box attributes, empty time-dependent elements). */
UfpErrorCode UfpH5mdCreate(MPI_Comm comm, const char *path, const UfpH5mdConfig *cfg,
                           UfpH5md **h);
/* Open an existing file; with writable != 0 new frames are appended after
 * the last one.  The particle group is the first group under /particles (as
 * MDAnalysis does).  A missing required group or dataset is a bad-input error
 * naming it.  If an interrupted append left some elements one frame longer
 * than others, the number of frames is the shortest length, and a writable
 * open cuts the longer elements back to it. */
UfpErrorCode UfpH5mdOpen(MPI_Comm comm, const char *path, int writable, UfpH5md **h);
/* Replace the default slab of this rank.  The slabs of all ranks must tile
 * [0, natoms) exactly (checked). */
UfpErrorCode UfpH5mdSetLocalAtoms(UfpH5md *h, int64_t start, int64_t count);
void UfpH5mdGetLocalAtoms(const UfpH5md *h, int64_t *start, int64_t *count);

int64_t UfpH5mdNumAtoms(const UfpH5md *h);
int64_t UfpH5mdNumFrames(const UfpH5md *h);
int UfpH5mdHasImage(const UfpH5md *h);
int UfpH5mdHasVelocity(const UfpH5md *h);
int UfpH5mdHasForce(const UfpH5md *h);
int UfpH5mdHasMasses(const UfpH5md *h);
/* The underlying stage file, e.g. to add attributes or /parameters data. */
UfpH5File *UfpH5mdFile(const UfpH5md *h);

/* Species labels and masses (amu) of ALL atoms, on every rank. */
UfpErrorCode UfpH5mdReadSpecies(UfpH5md *h, char (*species)[UFP_H5MD_LABEL_MAX]);
UfpErrorCode UfpH5mdReadMasses(UfpH5md *h, double *masses);

/* Append one frame: lattice (rows = lattice vectors, Å; rank 0's), step and
 * time (ps; rank 0's), and this rank's slab of positions x (Å), images, v
 * (Å/ps) and f (eV/Å).  An element the file stores must be given (non-NULL
 * where count > 0); one it does not store must be NULL. */
UfpErrorCode UfpH5mdAppendFrame(UfpH5md *h, int64_t step, double time, const double lattice[3][3],
                                const double (*x)[3], const int (*image)[3], const double (*v)[3],
                                const double (*f)[3]);
/* Read frame index (0-based) into this rank's slab.  Any output may be NULL
 * (then it is not read); asking for an element the file lacks is an error. */
UfpErrorCode UfpH5mdReadFrame(UfpH5md *h, int64_t frame, int64_t *step, double *time,
                              double lattice[3][3], double (*x)[3], int (*image)[3],
                              double (*v)[3], double (*f)[3]);

/* Append one sample to /observables/<name> (created on first use with the
 * given unit; later calls must give the same unit).  Values from rank 0.
 * MDAnalysis reads observable sample k as belonging to frame k, so append
 * every observable once per frame. */
UfpErrorCode UfpH5mdAppendObservable(UfpH5md *h, const char *name, const char *unit, int64_t step,
                                     double time, double value);
/* Number of samples of an observable (0 if it does not exist). */
UfpErrorCode UfpH5mdNumObservableSamples(UfpH5md *h, const char *name, int64_t *n);
UfpErrorCode UfpH5mdReadObservable(UfpH5md *h, const char *name, int64_t index, int64_t *step,
                                   double *time, double *value);

/* Keep only samples with step <= step in every time-dependent element and
 * every observable, then flush the file (see h5md.c for why the flush is
 * needed).  Used when a run restarts from a checkpoint older than the last
 * written frame. */
UfpErrorCode UfpH5mdTruncate(UfpH5md *h, int64_t step);
/* Regression-test hook only: 0 skips the flush after truncation (default 1). */
void UfpH5mdSetFlushAfterTruncate(UfpH5md *h, int flush);
UfpErrorCode UfpH5mdFlush(UfpH5md *h);
/* Close everything; accepts NULL and *h == NULL. */
UfpErrorCode UfpH5mdDestroy(UfpH5md **h);

#endif
