/* gnuplot.c -- see gnuplot.h. */
#include "gnuplot.h"

#include <stdio.h>
#include <stdlib.h>

#include "parallel.h"

int UfpGnuplotAvailable(MPI_Comm comm)
{
  int have = 0;
  if (UfpCommRank(comm) == 0) have = system("command -v gnuplot >/dev/null 2>&1") == 0;
  MPI_Bcast(&have, 1, MPI_INT, 0, comm);
  return have;
}

UfpErrorCode UfpGnuplotRun(const char *script)
{
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "gnuplot '%s' 2>&1", script);
  int status = system(cmd);
  UfpCheck(status == 0, UFP_ERR_IO, "gnuplot failed (status %d) on %s", status, script);
  return UFP_SUCCESS;
}
