/*
 * parallel.c -- MPI facade: rank queries, block partitions, reductions,
 * rank-aware logging and the collective abort used by main().
 */
#include "parallel.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int UfpCommRank(MPI_Comm comm)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

int UfpCommSize(MPI_Comm comm)
{
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}

void UfpPartition(int64_t n, int rank, int size, int64_t *start, int64_t *count)
{
  int64_t base = n / size, extra = n % size;
  *count = base + (rank < extra ? 1 : 0);
  *start = rank * base + (rank < extra ? rank : extra);
}

UfpErrorCode UfpAllreduceSumDouble(MPI_Comm comm, double *values, int n)
{
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, values, n, MPI_DOUBLE, MPI_SUM, comm));
  return UFP_SUCCESS;
}

UfpErrorCode UfpAllreduceMaxInt(MPI_Comm comm, int *value)
{
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, value, 1, MPI_INT, MPI_MAX, comm));
  return UFP_SUCCESS;
}

UfpErrorCode UfpAllreduceMinInt(MPI_Comm comm, int *value)
{
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, value, 1, MPI_INT, MPI_MIN, comm));
  return UFP_SUCCESS;
}

UfpErrorCode UfpBcastBytes(MPI_Comm comm, void *buffer, size_t nbytes, int root)
{
  char *bytes = buffer;
  while (nbytes > 0) {
    int chunk = nbytes > (size_t)1 << 30 ? 1 << 30 : (int)nbytes;
    UfpCallMPI(MPI_Bcast(bytes, chunk, MPI_BYTE, root, comm));
    bytes += chunk;
    nbytes -= (size_t)chunk;
  }
  return UFP_SUCCESS;
}

UfpErrorCode UfpErrorSync(MPI_Comm comm, UfpErrorCode local)
{
  int worst[2] = {(int)local, local != UFP_SUCCESS ? UfpCommRank(comm) : -1}, global[2];
  UfpCallMPI(MPI_Allreduce(worst, global, 1, MPI_2INT, MPI_MAXLOC, comm));
  if (global[0] == UFP_SUCCESS || local != UFP_SUCCESS) return local;
  return UfpError((UfpErrorCode)global[0], "rank %d failed (%s); see its message",
                  global[1], UfpErrorName((UfpErrorCode)global[0]));
}

void UfpInfo(MPI_Comm comm, const char *fmt, ...)
{
  if (UfpCommRank(comm) != 0) return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
  fflush(stdout);
}

void UfpWarn(MPI_Comm comm, const char *fmt, ...)
{
  char line[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (UfpCommSize(comm) > 1)
    fprintf(stderr, "[rank %d/%d] warning: %s", UfpCommRank(comm), UfpCommSize(comm), line);
  else
    fprintf(stderr, "warning: %s", line);
  fflush(stderr);
}

int UfpMainFinish(MPI_Comm comm, const char *program, UfpErrorCode code)
{
  if (code == UFP_SUCCESS) return 0;
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  int live = initialized && !finalized;
  int rank = live ? UfpCommRank(comm) : 0, size = live ? UfpCommSize(comm) : 1;
  const char *message = UfpErrorMessage();
  if (code == UFP_ERR_INTERRUPTED) {
    /* A stop after a checkpoint is decided collectively (every rank returns
     * it), so the ranks exit normally with status 75 instead of aborting. */
    if (rank == 0) {
      fprintf(stderr, "%s: %s: %s\n", program, UfpErrorName(code), message[0] ? message : "(no message)");
      fflush(stderr);
    }
    return (int)code;
  }
  if (size > 1)
    fprintf(stderr, "[rank %d/%d] %s: %s: %s\n%s", rank, size, program, UfpErrorName(code),
            message[0] ? message : "(no message)", UfpErrorTraceback());
  else
    fprintf(stderr, "%s: %s: %s\n%s", program, UfpErrorName(code),
            message[0] ? message : "(no message)", UfpErrorTraceback());
  fflush(stderr);
  if (live && size > 1) MPI_Abort(comm, (int)code);
  return (int)code;
}
