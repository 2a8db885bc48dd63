/*
 * bench_lambda_soap.c -- time per Li environment of the lambda-SOAP
 * descriptor (efg/lambda_soap.h), lambda = 0 and 2, one core.
 *
 *   bench_lambda_soap STRUCTURE.extxyz NX,NY,NZ [NMAX LMAX RCUT]
 *
 * Replicates the structure, plans the descriptor once (timed separately),
 * then computes the features of every Li three times and reports the best
 * time per environment.  Species channels: Li, P, S.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extxyz.h"
#include "lambda_soap.h"
#include "parallel.h"

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static UfpErrorCode run(int argc, char **argv)
{
  UfpCheck(argc >= 3, UFP_ERR_USAGE, "usage: bench_lambda_soap STRUCTURE.extxyz NX,NY,NZ [NMAX LMAX RCUT]");
  int rep[3], nframes;
  UfpCheck(sscanf(argv[2], "%d,%d,%d", &rep[0], &rep[1], &rep[2]) == 3, UFP_ERR_USAGE, "NX,NY,NZ expected");
  LambdaSoapSettings set = {.nspecies = 3, .rcut = 5.0, .cutoff_width = 0.5, .sigma = 0.3, .nmax = 8, .lmax = 6};
  if (argc >= 6) {
    set.nmax = atoi(argv[3]);
    set.lmax = atoi(argv[4]);
    set.rcut = atof(argv[5]);
  }
  strcpy(set.species[0], "Li");
  strcpy(set.species[1], "P");
  strcpy(set.species[2], "S");
  UfpStructure **frames, *s;
  UfpCall(UfpExtxyzReadAll(argv[1], &nframes, &frames));
  UfpCall(UfpStructureReplicate(frames[0], rep, &s));
  double t0 = now();
  LambdaSoap soap;
  UfpCall(LambdaSoapCreate(&set, &soap));
  double t1 = now();
  int *channel = calloc(s->natoms, sizeof(int)), *centres = calloc(s->natoms, sizeof(int)), nli = 0;
  for (int i = 0; i < s->natoms; i++) {
    channel[i] = LambdaSoapChannel(soap, s->species[i]);
    if (!strcmp(s->species[i], "Li")) centres[nli++] = i;
  }
  UfpCell cell;
  UfpCall(UfpCellSetup(&cell, s->lattice, s->pbc));
  printf("# %d atoms, %d Li; n_max %d, l_max %d, rcut %.2f Å, sigma %.2f Å; plan %.3f s\n", s->natoms, nli, set.nmax,
         set.lmax, set.rcut, set.sigma, t1 - t0);
  for (int lambda = 0; lambda <= 2; lambda += 2) {
    int size = LambdaSoapSize(soap, lambda);
    double *out = calloc((size_t)nli * (2 * lambda + 1) * size, sizeof(double)), best = INFINITY;
    for (int rep_run = 0; rep_run < 3; rep_run++) {
      double a = now();
      UfpCall(LambdaSoapCompute(soap, &cell, s->natoms, (const double(*)[3])s->x, channel, nli, centres, lambda, out));
      best = fmin(best, now() - a);
    }
    printf("lambda %d: %d features x %d components, %.3f ms per Li environment\n", lambda, size, 2 * lambda + 1,
           1e3 * best / nli);
    free(out);
  }
  free(channel);
  free(centres);
  LambdaSoapDestroy(&soap);
  UfpStructureDestroy(&s);
  UfpStructureArrayDestroy(nframes, &frames);
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  UfpErrorCode ierr = run(argc, argv);
  if (ierr) fprintf(stderr, "bench_lambda_soap: %s\n%s", UfpErrorMessage(), UfpErrorTraceback());
  MPI_Finalize();
  return ierr ? 1 : 0;
}
