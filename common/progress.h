/*
 * progress.h -- rate and ETA lines for long loops, printed by rank 0.
 *
 *   UfpProgress p;
 *   UfpCall(UfpProgressCreate(comm, "ufp-md", "steps", nsteps, &p));
 *   for (...) { ...; UfpProgressUpdate(p, done); }
 *   UfpProgressFinish(p);
 *   UfpProgressDestroy(&p);
 *
 * A line is printed when at least `interval` seconds have passed since the
 * last one (default 30 s when stdout is not a terminal, as in SLURM logs,
 * and 2 s on a terminal; UFP_PROGRESS_INTERVAL in the environment overrides
 * both).  Each line is complete and newline-terminated, so logs stay
 * readable:
 *
 *   ufp-md: 120000/1000000 steps (12.0%), 3530 steps/s, elapsed 34 s, ETA 4 min 9 s
 *
 * The rate is the mean over the run so far.  Updates are cheap (one clock
 * read) and collective-free: only rank 0 looks at the clock.
 */
#ifndef UFP_PROGRESS_H
#define UFP_PROGRESS_H

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>

#include "ufp_error.h"

typedef struct UfpProgress_ *UfpProgress;

UfpErrorCode UfpProgressCreate(MPI_Comm comm, const char *label, const char *unit, int64_t total,
                               UfpProgress *p);
/* Seconds between lines (> 0). */
UfpErrorCode UfpProgressSetInterval(UfpProgress p, double seconds);
/* Output stream (default stdout). */
UfpErrorCode UfpProgressSetStream(UfpProgress p, FILE *stream);
/* Clock in seconds (default CLOCK_MONOTONIC); for tests. */
UfpErrorCode UfpProgressSetClock(UfpProgress p, double (*now)(void *ctx), void *ctx);
/* Count done so far (absolute, not an increment). */
void UfpProgressUpdate(UfpProgress p, int64_t done);
/* Final line with the total time and mean rate. */
void UfpProgressFinish(UfpProgress p);
UfpErrorCode UfpProgressDestroy(UfpProgress *p);

/* "1 h 02 min", "4 min 9 s", "12 s" into buffer. */
void UfpFormatDuration(double seconds, char *buffer, size_t capacity);

#endif
