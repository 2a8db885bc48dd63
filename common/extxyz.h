/*
 * extxyz.h -- extended XYZ files (the format of ASE, QUIP and most MLIP codes).
 *
 * A file holds any number of frames; each frame is
 *   line 1   the number of atoms N
 *   line 2   key=value pairs: Lattice="ax ay az bx by bz cx cy cz",
 *            Properties=species:S:1:pos:R:3:forces:R:3:..., energy=...,
 *            virial="9 numbers", stress="9 or 6 numbers", pbc="T T T", and
 *            any other key (stored as info)
 *   N lines  one atom each, the columns described by Properties
 * See extxyz.c for the exact conventions (quoting, types, defaults).
 *
 * Errors in a file are UFP_ERR_INPUT with a message that names the file, the
 * line (1-based), the frame (0-based) and what was expected, e.g.
 *   "beta.xyz:14 (frame 0): expected 7 columns (species:S:1 pos:R:3
 *    forces:R:3), found 4";
 * a file that cannot be opened, read or written is UFP_ERR_IO.
 */
#ifndef UFP_EXTXYZ_H
#define UFP_EXTXYZ_H

#include <mpi.h>
#include <stdio.h>

#include "structure.h"

/* Read every frame of path.  *frames is an array of *nframes structures,
 * released with UfpStructureArrayDestroy.  A file without any frame is an
 * input error.  Serial: call it on the ranks that need the data. */
UfpErrorCode UfpExtxyzReadAll(const char *path, int *nframes, UfpStructure ***frames);

/* Read the next frame from fp.  path and frame (0-based) are used in
 * messages only.  *line counts the lines consumed so far: start it at 0 and
 * pass the same counter to every call on one file; after an error it is the
 * number of the offending line.  At a clean end of file (only blank lines
 * left) *at_eof = 1 and *s = NULL; otherwise *at_eof = 0 and *s is the new
 * frame, owned by the caller. */
UfpErrorCode UfpExtxyzReadFrame(FILE *fp, const char *path, int frame, long *line, UfpStructure **s,
                                int *at_eof);

/* Write one frame.  Reals are written in the shortest form that reads back
 * to the same double (bit-exact round trip). */
UfpErrorCode UfpExtxyzWriteFrame(FILE *fp, const UfpStructure *s);

/* Write nframes frames to path, collectively: rank 0 writes path.partial
 * and renames it to path when complete (safe_output.h).  frames is read on
 * rank 0 only (other ranks may pass NULL).  An existing path is an I/O error
 * unless overwrite is nonzero. */
UfpErrorCode UfpExtxyzWriteAll(MPI_Comm comm, const char *path, int overwrite, int nframes,
                               UfpStructure *const *frames);

/* Destroy every structure of *frames and the array itself; sets *frames to
 * NULL.  Accepts NULL and NULL entries. */
UfpErrorCode UfpStructureArrayDestroy(int nframes, UfpStructure ***frames);

#endif
