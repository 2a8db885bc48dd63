/*
 * bench_common.c -- speed of the shared pieces that later stages call in
 * their loops: the all-image neighbour list and H5MD frame appends.
 *
 *   mpiexec -n P bench_common [-bench_frames F] [-bench_output DIR]
 *
 * Systems: beta-Li3PS4 replicated 3x2x2 (384 atoms, the literature's
 * crystalline cell) and 4x3x3 (1152 atoms); the 16-atom gamma-Li3PS4 cell
 * with an 8 Å cutoff (several images per axis).  Neighbour lists are built
 * on rank 0 only (serial code); H5MD appends are collective on all ranks.
 * Timings are wall-clock medians of repeated runs; compare ratios within one
 * run, not absolute numbers across machines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extxyz.h"
#include "h5md.h"
#include "neighbor.h"
#include "options.h"
#include "parallel.h"
#include "safe_output.h"

static const char help[] = "bench_common: neighbour-list and H5MD append timings.\n";

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static UfpErrorCode bench_neighbors(MPI_Comm comm, const char *path, const int rep[3], double rcut)
{
  if (UfpCommRank(comm) != 0) return UFP_SUCCESS;
  int nframes = 0;
  UfpStructure **frames = NULL, *super = NULL;
  UfpCall(UfpExtxyzReadAll(path, &nframes, &frames));
  UfpCall(UfpStructureReplicate(frames[0], rep, &super));
  UfpCell cell;
  UfpCall(UfpCellSetup(&cell, super->lattice, super->pbc));
  double times[9];
  int64_t pairs = 0;
  for (int t = 0; t < 9; t++) {
    UfpNeighborList *list = NULL;
    double start = now();
    UfpCall(UfpNeighborListBuild(&cell, super->natoms, (const double(*)[3])super->x, rcut, &list));
    times[t] = now() - start;
    pairs = list->offset[super->natoms];
    UfpCall(UfpNeighborListDestroy(&list));
  }
  qsort(times, 9, sizeof times[0], compare_double);
  printf("neighbour list  %-34s %5d atoms  rc %4.1f Å  %8lld pairs  %8.3f ms  %6.1f ns/pair\n",
         strrchr(path, '/') ? strrchr(path, '/') + 1 : path, super->natoms, rcut, (long long)pairs,
         1e3 * times[4], 1e9 * times[4] / (double)(pairs ? pairs : 1));
  UfpCall(UfpStructureDestroy(&super));
  UfpCall(UfpStructureArrayDestroy(nframes, &frames));
  return UFP_SUCCESS;
}

static UfpErrorCode bench_h5md(MPI_Comm comm, const char *dir, int64_t natoms, int nframes, int full)
{
  char path[UFP_PATH_MAX];
  snprintf(path, sizeof path, "%s/bench_np%d_%lld_%d.h5md", dir, UfpCommSize(comm), (long long)natoms, full);
  char(*species)[UFP_H5MD_LABEL_MAX] = NULL;
  UfpCall(UfpCalloc(natoms, &species));
  for (int64_t i = 0; i < natoms; i++) snprintf(species[i], UFP_H5MD_LABEL_MAX, "%s", i % 8 < 3 ? "Li" : i % 8 == 3 ? "P" : "S");
  UfpH5mdConfig cfg = {.natoms = natoms, .species = (const char(*)[UFP_H5MD_LABEL_MAX])species,
                       .store_image = full, .store_velocity = full, .store_force = full};
  UfpH5md *traj = NULL;
  UfpCall(UfpH5mdCreate(comm, path, &cfg, &traj));
  int64_t start, count;
  UfpH5mdGetLocalAtoms(traj, &start, &count);
  double(*x)[3] = NULL;
  int(*image)[3] = NULL;
  UfpCall(UfpCalloc(count > 0 ? count : 1, &x));
  UfpCall(UfpCalloc(count > 0 ? count : 1, &image));
  double lattice[3][3] = {{38.457, 0, 0}, {0, 16.44, 0}, {0, 0, 12.247}};
  UfpCallMPI(MPI_Barrier(comm));
  double t0 = now();
  for (int f = 0; f < nframes; f++) {
    for (int64_t i = 0; i < count; i++)
      for (int k = 0; k < 3; k++) x[i][k] = 0.001 * (double)(start + i) + 0.1 * k + 1e-4 * f;
    UfpCall(UfpH5mdAppendFrame(traj, 100 * f, 0.1 * f, lattice, (const double(*)[3])x,
                               full ? (const int(*)[3])image : NULL, full ? (const double(*)[3])x : NULL,
                               full ? (const double(*)[3])x : NULL));
    UfpCall(UfpH5mdAppendObservable(traj, "temperature", "K", 100 * f, 0.1 * f, 300.0));
  }
  UfpCall(UfpH5mdDestroy(&traj));
  UfpCallMPI(MPI_Barrier(comm));
  double elapsed = now() - t0;
  double bytes = (double)nframes * (double)natoms * (full ? 3 * 8 * 3 + 3 * 4 : 3 * 8);
  UfpInfo(comm, "H5MD append     %d rank(s)  %6lld atoms  %-28s %6d frames  %8.3f ms/frame  %7.1f MB/s\n",
          UfpCommSize(comm), (long long)natoms, full ? "x, image, v, F, observable" : "x, observable",
          nframes, 1e3 * elapsed / nframes, bytes / elapsed / 1e6);
  if (UfpCommRank(comm) == 0) remove(path);
  UfpFree(&x);
  UfpFree(&image);
  UfpFree(&species);
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm)
{
  long nframes = 200;
  char dir[UFP_PATH_MAX] = "/tmp", data[UFP_PATH_MAX] = "md/data";
  UfpOptions o = NULL;
  UfpCall(UfpOptionsBegin(comm, NULL, "bench_common", &o));
  UfpCall(UfpOptionsInt(o, "-bench_frames", "frames per H5MD benchmark", "", "BenchSetFrames", &nframes));
  UfpCall(UfpOptionsString(o, "-bench_output", "scratch directory", "BenchSetOutput", dir, sizeof dir, NULL));
  UfpCall(UfpOptionsString(o, "-bench_data", "directory with the bundled structures", "BenchSetData", data,
                           sizeof data, NULL));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  char beta[UFP_PATH_MAX], gamma[UFP_PATH_MAX];
  snprintf(beta, sizeof beta, "%s/beta_Li3PS4_Pnma_ordered.extxyz", data);
  snprintf(gamma, sizeof gamma, "%s/gamma_Li3PS4_Pmn21.extxyz", data);
  const int one[3] = {1, 1, 1}, small[3] = {3, 2, 2}, large[3] = {4, 3, 3};
  if (UfpCommSize(comm) == 1) {
    UfpCall(UfpErrorSync(comm, bench_neighbors(comm, gamma, one, 8.0)));
    UfpCall(UfpErrorSync(comm, bench_neighbors(comm, beta, small, 5.5)));
    UfpCall(UfpErrorSync(comm, bench_neighbors(comm, beta, small, 8.0)));
    UfpCall(UfpErrorSync(comm, bench_neighbors(comm, beta, large, 5.5)));
  }
  UfpCall(bench_h5md(comm, dir, 576, (int)nframes, 0));
  UfpCall(bench_h5md(comm, dir, 576, (int)nframes, 1));
  UfpCall(bench_h5md(comm, dir, 20736, (int)(nframes / 10 > 0 ? nframes / 10 : 1), 0));
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "bench_common", code);
  UfpFinalize();
  return status;
}
