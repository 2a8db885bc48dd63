/*
 * gnuplot.h -- figures through gnuplot (Debian gnuplot-nox, pngcairo): is
 * it installed, and run it on a script.  Executables draw figures only
 * where it is there and say so otherwise; the data behind a figure are
 * always written too.
 */
#ifndef UFP_GNUPLOT_H
#define UFP_GNUPLOT_H

#include <mpi.h>

#include "ufp_error.h"

/* 1 if gnuplot is on the PATH (rank 0 looks, every rank gets the answer). */
int UfpGnuplotAvailable(MPI_Comm comm);
/* Run gnuplot on a script file (the calling rank only); an I/O error with
 * the exit status when it fails. */
UfpErrorCode UfpGnuplotRun(const char *script);

#endif
