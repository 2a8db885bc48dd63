/*
 * frames_h5.h -- a set of structures of different sizes (the frames
 * train-select picks) as one HDF5 file, the alternative to extxyz
 * (common/FORMATS.md section 9):
 *   /frames  +count
 *   ├── natoms      int64   [F]        atoms of each frame
 *   ├── first_atom  int64   [F]        its first row in the atom datasets
 *   ├── lattice     float64 [F][3][3]  rows = lattice vectors, Å
 *   ├── position    float64 [N][3]     Å
 *   └── z           int32   [N]        atomic numbers
 * Frames of any size go into one file (H5MD needs a fixed atom count).
 */
#ifndef EFG_FRAMES_H5_H
#define EFG_FRAMES_H5_H

#include <mpi.h>

#include "structure.h"

/* Collective: rank 0 writes path.partial from frames (read on rank 0 only)
 * with the provenance attributes of program/options, then renames it. */
UfpErrorCode FramesH5Write(MPI_Comm comm, const char *path, int overwrite, const char *program, int nframes,
                           UfpStructure *const *frames);
/* 1 if path ends in .h5 or .hdf5 (the frames go to HDF5, not extxyz). */
int FramesH5Wanted(const char *path);

#endif
