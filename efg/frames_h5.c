/* frames_h5.c -- see frames_h5.h. */
#include "frames_h5.h"

#include <stdlib.h>
#include <string.h>

#include "h5io.h"
#include "options.h"
#include "safe_output.h"

typedef struct {
  const char *program;
  int nframes;
  UfpStructure *const *frames;
} Context;

static UfpErrorCode write_1d(hid_t g, const char *name, hid_t type, hsize_t n, const void *data)
{
  hid_t d;
  hsize_t dims[1] = {n};
  UfpCall(UfpH5CreateDataset(g, name, type, 1, dims, 0, &d));
  UfpErrorCode ierr = UfpH5WriteSlab(d, type, 0, n, data);
  UfpH5Close(&d);
  return ierr;
}

static UfpErrorCode write_file(const char *partial, void *ctx)
{
  const Context *c = ctx;
  const int F = c->nframes;
  int64_t *natoms, *first, total = 0;
  UfpCall(UfpCalloc(F > 0 ? F : 1, &natoms));
  UfpCall(UfpCalloc(F > 0 ? F : 1, &first));
  for (int f = 0; f < F; f++)
    first[f] = total, natoms[f] = c->frames[f]->natoms, total += natoms[f];
  double *lattice, *position;
  int *z;
  UfpCall(UfpCalloc(9 * (F > 0 ? F : 1), &lattice));
  UfpCall(UfpCalloc(3 * (total > 0 ? total : 1), &position));
  UfpCall(UfpCalloc(total > 0 ? total : 1, &z));
  for (int f = 0; f < F; f++) {
    const UfpStructure *s = c->frames[f];
    memcpy(lattice + 9 * f, s->lattice, sizeof s->lattice);
    memcpy(position + 3 * first[f], s->x, sizeof(double[3]) * s->natoms);
    memcpy(z + first[f], s->z, sizeof(int) * s->natoms);
  }
  UfpH5File *file = NULL;
  UfpCall(UfpH5FileCreate(MPI_COMM_SELF, partial, &file));
  char *options = NULL;
  UfpProvenance *prov = NULL;
  hid_t root = UfpH5FileId(file), g = -1, d = -1;
  UfpErrorCode ierr = UfpOptionsGetAll(&options);
  if (!ierr) ierr = UfpProvenanceCreate(MPI_COMM_SELF, c->program, options, &prov);
  if (!ierr) ierr = UfpProvenanceWrite(prov, root);
  if (!ierr) ierr = UfpH5CreateGroup(root, "frames", &g);
  if (!ierr) ierr = UfpH5WriteIntAttr(g, "count", F);
  if (!ierr) ierr = write_1d(g, "natoms", H5T_NATIVE_INT64, (hsize_t)F, natoms);
  if (!ierr) ierr = write_1d(g, "first_atom", H5T_NATIVE_INT64, (hsize_t)F, first);
  if (!ierr) ierr = write_1d(g, "z", H5T_NATIVE_INT, (hsize_t)total, z);
  if (!ierr) {
    hsize_t dl[3] = {(hsize_t)F, 3, 3}, dp[2] = {(hsize_t)total, 3};
    ierr = UfpH5CreateDataset(g, "lattice", H5T_NATIVE_DOUBLE, 3, dl, 0, &d);
    if (!ierr) ierr = UfpH5WriteSlab(d, H5T_NATIVE_DOUBLE, 0, (hsize_t)F, lattice);
    if (d >= 0) UfpH5Close(&d);
    if (!ierr) ierr = UfpH5CreateDataset(g, "position", H5T_NATIVE_DOUBLE, 2, dp, 0, &d);
    if (!ierr) ierr = UfpH5WriteSlab(d, H5T_NATIVE_DOUBLE, 0, (hsize_t)total, position);
    if (d >= 0) UfpH5Close(&d);
  }
  if (g >= 0) UfpH5Close(&g);
  UfpProvenanceDestroy(&prov);
  free(options);
  UfpH5FileDestroy(&file);
  UfpFree(&natoms), UfpFree(&first), UfpFree(&lattice), UfpFree(&position), UfpFree(&z);
  return ierr;
}

UfpErrorCode FramesH5Write(MPI_Comm comm, const char *path, int overwrite, const char *program, int nframes,
                           UfpStructure *const *frames)
{
  Context c = {.program = program, .nframes = nframes, .frames = frames};
  return UfpOutputWriteOnRoot(comm, path, overwrite, write_file, &c);
}

int FramesH5Wanted(const char *path)
{
  const char *dot = strrchr(path, '.');
  return dot && (!strcmp(dot, ".h5") || !strcmp(dot, ".hdf5"));
}
