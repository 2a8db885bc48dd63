/*
 * parallel.h -- the small MPI facade of ufp-nmr.
 *
 * The library never names MPI_COMM_WORLD: every function takes the
 * communicator it works on.  Executables start MPI themselves (UfpInitialize
 * in options.h starts MPI first, then PETSc) and end through UfpMainFinish,
 * which turns an error code into a collective abort with that exit status.
 *
 * Logging is rank-aware: UfpInfo prints once (rank 0 of comm), UfpWarn prints
 * on every rank that calls it with a "[rank r/n]" prefix, to stderr.
 */
#ifndef UFP_PARALLEL_H
#define UFP_PARALLEL_H

#include <mpi.h>
#include <stdint.h>

#include "ufp_error.h"

int UfpCommRank(MPI_Comm comm);
int UfpCommSize(MPI_Comm comm);

/* Split n items into size contiguous blocks; the first n % size get one more.
 * Returns this rank's [*start, *start + *count). */
void UfpPartition(int64_t n, int rank, int size, int64_t *start, int64_t *count);

UfpErrorCode UfpAllreduceSumDouble(MPI_Comm comm, double *values, int n);
UfpErrorCode UfpAllreduceMaxInt(MPI_Comm comm, int *value);
UfpErrorCode UfpAllreduceMinInt(MPI_Comm comm, int *value);
UfpErrorCode UfpBcastBytes(MPI_Comm comm, void *buffer, size_t nbytes, int root);

/* Make a locally detected error collective: every rank learns the worst
 * (largest) code of any rank.  A rank that did not fail gets a message naming
 * the rank that did.  Use after work that may fail on some ranks only and
 * before the next collective call. */
UfpErrorCode UfpErrorSync(MPI_Comm comm, UfpErrorCode local);

void UfpInfo(MPI_Comm comm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void UfpWarn(MPI_Comm comm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print the error (message and traceback, with rank) if code != 0 and abort
 * all of comm with exit status code.  Returns 0 on success, for main().
 * UFP_ERR_INTERRUPTED is the exception: it is always reached collectively
 * (after a checkpoint all ranks agreed on), so rank 0 prints one line and
 * the code is returned for a normal exit on every rank. */
int UfpMainFinish(MPI_Comm comm, const char *program, UfpErrorCode code);

#endif
