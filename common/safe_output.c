/*
 * safe_output.c -- NAME.partial then rename(2); see safe_output.h.
 */
#include "safe_output.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parallel.h"

int UfpFileExists(MPI_Comm comm, const char *path)
{
  int exists = 0;
  if (UfpCommRank(comm) == 0) {
    struct stat st;
    exists = stat(path, &st) == 0 && S_ISREG(st.st_mode);
  }
  MPI_Bcast(&exists, 1, MPI_INT, 0, comm);
  return exists;
}

UfpErrorCode UfpOutputBegin(MPI_Comm comm, const char *path, int overwrite, char *partial)
{
  UfpCheck(strlen(path) + 9 < UFP_PATH_MAX, UFP_ERR_USAGE, "output path too long: %s", path);
  snprintf(partial, UFP_PATH_MAX, "%s.partial", path);
  int exists = UfpFileExists(comm, path);
  UfpCheck(!exists || overwrite, UFP_ERR_IO,
           "%s already exists and is complete; remove it or pass -overwrite to replace it", path);
  return UFP_SUCCESS;
}

UfpErrorCode UfpOutputCommit(MPI_Comm comm, const char *path)
{
  char partial[UFP_PATH_MAX];
  int err = 0;
  UfpCheck(strlen(path) + 9 < UFP_PATH_MAX, UFP_ERR_USAGE, "output path too long: %s", path);
  snprintf(partial, sizeof partial, "%s.partial", path);
  UfpCallMPI(MPI_Barrier(comm));
  if (UfpCommRank(comm) == 0 && rename(partial, path) != 0) err = errno;
  UfpCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  UfpCheck(err == 0, UFP_ERR_IO, "cannot rename %s to %s: %s", partial, path, strerror(err));
  return UFP_SUCCESS;
}

UfpErrorCode UfpOutputAbandon(MPI_Comm comm, const char *path)
{
  char partial[UFP_PATH_MAX];
  int err = 0;
  snprintf(partial, sizeof partial, "%s.partial", path);
  UfpCallMPI(MPI_Barrier(comm));
  if (UfpCommRank(comm) == 0 && unlink(partial) != 0 && errno != ENOENT) err = errno;
  UfpCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  UfpCheck(err == 0, UFP_ERR_IO, "cannot remove %s: %s", partial, strerror(err));
  return UFP_SUCCESS;
}

UfpErrorCode UfpOutputWriteOnRoot(MPI_Comm comm, const char *path, int overwrite,
                                  UfpErrorCode (*write)(const char *partial, void *ctx), void *ctx)
{
  char partial[UFP_PATH_MAX];
  UfpCall(UfpOutputBegin(comm, path, overwrite, partial));
  UfpErrorCode local = UfpCommRank(comm) == 0 ? write(partial, ctx) : UFP_SUCCESS;
  UfpErrorCode code = UfpErrorSync(comm, local);
  if (code != UFP_SUCCESS) {
    /* The partial file is useless; keep the first error's message. */
    char message[2048];
    snprintf(message, sizeof message, "%s", UfpErrorMessage());
    if (UfpOutputAbandon(comm, path) != UFP_SUCCESS)
      UfpError(code, "%s (and %s.partial could not be removed)", message, path);
    return UfpErrorTrace(code, __FILE__, __LINE__, __func__);
  }
  UfpCall(UfpOutputCommit(comm, path));
  return UFP_SUCCESS;
}
