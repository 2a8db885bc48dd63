/*
 * checkpoint.c -- alternating, atomically renamed MD checkpoints
 * (see checkpoint.h).
 *
 * Writing: every rank redistributes its owned atoms into the block layout
 * by global id (MdDomainToBlocks) and writes its rows collectively; the
 * attribute complete = 1 is written last, the file is closed, then renamed.
 * Reading gives every rank the whole state (a restart re-decomposes it, so
 * the rank count may even change, though bit-for-bit equality with an
 * uninterrupted run needs the same ranks).
 */
#include "checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5io.h"
#include "parallel.h"
#include "safe_output.h"

/* A fixed dataset of natoms rows of width 1 or 3; this rank writes rows
 * [start, start + count). */
static UfpErrorCode write_rows(hid_t root, const char *name, hid_t type, int width, int64_t natoms, int64_t start,
                               int64_t count, const void *rows)
{
  hid_t dset;
  hsize_t dims[2] = {(hsize_t)natoms, (hsize_t)width};
  UfpCall(UfpH5CreateDataset(root, name, type, width == 1 ? 1 : 2, dims, 0, &dset));
  UfpCall(UfpH5WriteSlab(dset, type, (hsize_t)start, (hsize_t)count, rows));
  UfpCall(UfpH5Close(&dset));
  return UFP_SUCCESS;
}

static void checkpoint_path(const char *prefix, int which, char *path)
{
  snprintf(path, UFP_PATH_MAX, "%s.%c.h5", prefix, which ? 'b' : 'a');
}

UfpErrorCode MdCheckpointWrite(MdSystem *sys, const char *prefix, int which, const MdCheckpointHeader *header)
{
  MdDomain *d = sys->domain;
  char path[UFP_PATH_MAX], partial[UFP_PATH_MAX];
  checkpoint_path(prefix, which, path);
  UfpCall(UfpOutputBegin(sys->comm, path, 1, partial));
  int64_t start, count;
  UfpPartition(d->natoms, d->rank, d->size, &start, &count);
  double *local = NULL, *xb = NULL, *vb = NULL, *ib = NULL;
  int *itype = NULL, *iimage = NULL;
  UfpCall(UfpCalloc((size_t)(d->nlocal + 1) * 3, &local));
  UfpCall(UfpCalloc((size_t)(count + 1) * 3, &xb));
  UfpCall(UfpCalloc((size_t)(count + 1) * 3, &vb));
  UfpCall(UfpCalloc((size_t)(count + 1) * 3, &ib));
  UfpCall(UfpCalloc(count + 1, &itype));
  UfpCall(UfpCalloc((count + 1) * 3, &iimage));
  UfpCall(MdDomainToBlocks(d, 3, &d->x[0][0], xb));
  UfpCall(MdDomainToBlocks(d, 3, &d->v[0][0], vb));
  for (int i = 0; i < d->nlocal; i++)
    for (int k = 0; k < 3; k++) local[3 * i + k] = d->image[i][k];
  UfpCall(MdDomainToBlocks(d, 3, local, ib));
  for (int i = 0; i < d->nlocal; i++) local[i] = d->type[i];
  double *tb = NULL;
  UfpCall(UfpCalloc(count + 1, &tb));
  UfpCall(MdDomainToBlocks(d, 1, local, tb));
  for (int64_t k = 0; k < count; k++) {
    itype[k] = (int)tb[k];
    for (int c = 0; c < 3; c++) iimage[3 * k + c] = (int)ib[3 * k + c];
  }
  UfpH5File *file = NULL;
  UfpCall(UfpH5FileCreate(sys->comm, partial, &file));
  hid_t root = UfpH5FileId(file);
  /* Steps are stored as doubles: exact up to 2^53 steps. */
  UfpCall(UfpH5WriteDoubleAttr(root, "step", (double)header->step));
  UfpCall(UfpH5WriteDoubleAttr(root, "time", header->time));
  UfpCall(UfpH5WriteDoubleAttr(root, "dt", header->dt));
  UfpCall(UfpH5WriteDoubleAttr(root, "tau", header->tau));
  UfpCall(UfpH5WriteDoubleAttr(root, "thermostat_work", header->thermostat_work));
  UfpCall(UfpH5WriteDoubleArrayAttr(root, "lattice", 9, &header->lattice[0][0]));
  char seed[32];
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)header->seed);
  UfpCall(UfpH5WriteStringAttr(root, "seed", seed));
  UfpCall(UfpH5WriteStringAttr(root, "thermostat", header->thermostat));
  UfpCall(UfpH5WriteDoubleAttr(root, "natoms", (double)d->natoms));
  UfpCall(write_rows(root, "type", H5T_NATIVE_INT, 1, d->natoms, start, count, itype));
  UfpCall(write_rows(root, "x", H5T_NATIVE_DOUBLE, 3, d->natoms, start, count, xb));
  UfpCall(write_rows(root, "v", H5T_NATIVE_DOUBLE, 3, d->natoms, start, count, vb));
  UfpCall(write_rows(root, "image", H5T_NATIVE_INT, 3, d->natoms, start, count, iimage));
  UfpCall(UfpH5WriteIntAttr(root, "complete", 1));
  UfpCall(UfpH5FileDestroy(&file));
  UfpCall(UfpOutputCommit(sys->comm, path));
  UfpFree(&local);
  UfpFree(&xb);
  UfpFree(&vb);
  UfpFree(&ib);
  UfpFree(&tb);
  UfpFree(&itype);
  UfpFree(&iimage);
  return UFP_SUCCESS;
}

/* Step of a valid checkpoint, or -1. */
static int64_t checkpoint_step(MPI_Comm comm, const char *path)
{
  if (!UfpFileExists(comm, path)) return -1;
  UfpH5File *file = NULL;
  if (UfpH5FileOpen(comm, path, 0, &file) != UFP_SUCCESS) {
    UfpErrorClear();
    return -1;
  }
  int complete = 0;
  double step = -1;
  hid_t root = UfpH5FileId(file);
  int ok = UfpH5ReadIntAttr(root, "complete", &complete) == UFP_SUCCESS &&
           UfpH5ReadDoubleAttr(root, "step", &step) == UFP_SUCCESS && complete == 1;
  UfpErrorClear();
  UfpH5FileDestroy(&file);
  return ok ? (int64_t)step : -1;
}

UfpErrorCode MdCheckpointFind(MPI_Comm comm, const char *prefix, int *found, char *path, int *which)
{
  char a[UFP_PATH_MAX], b[UFP_PATH_MAX];
  checkpoint_path(prefix, 0, a);
  checkpoint_path(prefix, 1, b);
  int64_t sa = checkpoint_step(comm, a), sb = checkpoint_step(comm, b);
  *found = sa >= 0 || sb >= 0;
  if (!*found) return UFP_SUCCESS;
  *which = sb > sa;
  snprintf(path, UFP_PATH_MAX, "%s", *which ? b : a);
  return UFP_SUCCESS;
}

UfpErrorCode MdCheckpointRead(MPI_Comm comm, const char *path, MdCheckpointHeader *header, int **type,
                              double (**x)[3], double (**v)[3], int (**image)[3])
{
  UfpH5File *file = NULL;
  UfpCall(UfpH5FileOpen(comm, path, 0, &file));
  hid_t root = UfpH5FileId(file), dset;
  double step, natoms;
  char seed[32];
  memset(header, 0, sizeof *header);
  UfpCall(UfpH5ReadDoubleAttr(root, "step", &step));
  header->step = (int64_t)step;
  UfpCall(UfpH5ReadDoubleAttr(root, "time", &header->time));
  UfpCall(UfpH5ReadDoubleAttr(root, "dt", &header->dt));
  UfpCall(UfpH5ReadDoubleAttr(root, "tau", &header->tau));
  UfpCall(UfpH5ReadDoubleAttr(root, "thermostat_work", &header->thermostat_work));
  UfpCall(UfpH5ReadDoubleArrayAttr(root, "lattice", 9, &header->lattice[0][0]));
  UfpCall(UfpH5ReadStringAttr(root, "seed", seed, sizeof seed));
  header->seed = strtoull(seed, NULL, 10);
  UfpCall(UfpH5ReadStringAttr(root, "thermostat", header->thermostat, sizeof header->thermostat));
  UfpCall(UfpH5ReadDoubleAttr(root, "natoms", &natoms));
  header->natoms = (int64_t)natoms;
  int64_t n = header->natoms;
  UfpCall(UfpCalloc(n, type));
  UfpCall(UfpCalloc(n, x));
  UfpCall(UfpCalloc(n, v));
  UfpCall(UfpCalloc(n, image));
  UfpCall(UfpH5OpenDataset(root, "type", &dset));
  UfpCall(UfpH5ReadSlab(dset, H5T_NATIVE_INT, 0, (hsize_t)n, *type));
  UfpCall(UfpH5Close(&dset));
  UfpCall(UfpH5OpenDataset(root, "x", &dset));
  UfpCall(UfpH5ReadSlab(dset, H5T_NATIVE_DOUBLE, 0, (hsize_t)n, *x));
  UfpCall(UfpH5Close(&dset));
  UfpCall(UfpH5OpenDataset(root, "v", &dset));
  UfpCall(UfpH5ReadSlab(dset, H5T_NATIVE_DOUBLE, 0, (hsize_t)n, *v));
  UfpCall(UfpH5Close(&dset));
  UfpCall(UfpH5OpenDataset(root, "image", &dset));
  UfpCall(UfpH5ReadSlab(dset, H5T_NATIVE_INT, 0, (hsize_t)n, *image));
  UfpCall(UfpH5Close(&dset));
  UfpCall(UfpH5FileDestroy(&file));
  return UFP_SUCCESS;
}
