/*
 * safe_output.h -- crash-safe outputs: write NAME.partial, rename when done.
 *
 * A reader that finds NAME knows it is complete: a killed run leaves only
 * NAME.partial behind (which a restart may reopen and continue).  A complete
 * output is never overwritten unless the caller asks for it (the executables'
 * -overwrite option).
 *
 *   UfpOutputBegin(comm, "traj.h5", overwrite, partial)  -> partial = "traj.h5.partial"
 *   ... write partial ...
 *   UfpOutputCommit(comm, "traj.h5")                      -> rename
 *
 * All functions are collective; rank 0 touches the file system and the
 * outcome is broadcast, so every rank returns the same code.
 */
#ifndef UFP_SAFE_OUTPUT_H
#define UFP_SAFE_OUTPUT_H

#include <mpi.h>
#include <stddef.h>

#include "ufp_error.h"

#define UFP_PATH_MAX 4096

/* Fill partial (capacity UFP_PATH_MAX) with path + ".partial".  Fails with
 * UFP_ERR_IO if path exists and overwrite is 0.  An old NAME.partial is left
 * alone (the caller decides whether to resume or truncate it). */
UfpErrorCode UfpOutputBegin(MPI_Comm comm, const char *path, int overwrite, char *partial);
/* Rename path.partial to path (atomic on POSIX file systems). */
UfpErrorCode UfpOutputCommit(MPI_Comm comm, const char *path);
/* Remove path.partial if present (after a failure that cannot be resumed). */
UfpErrorCode UfpOutputAbandon(MPI_Comm comm, const char *path);
/* The whole pattern for a file that one rank writes: begin (refusing to
 * overwrite a complete output unless asked), let rank 0 call
 * write(partial, ctx), make its outcome collective, then commit, or remove
 * the partial file and return the first error.  Other ranks never call
 * write. */
UfpErrorCode UfpOutputWriteOnRoot(MPI_Comm comm, const char *path, int overwrite,
                                  UfpErrorCode (*write)(const char *partial, void *ctx), void *ctx);
/* 1 if a regular file exists at path (checked on rank 0, broadcast). */
int UfpFileExists(MPI_Comm comm, const char *path);

#endif
