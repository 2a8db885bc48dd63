/* efg_output.c -- see efg_output.h for the schema and the restart rule. */
#include "efg_output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "efg_tensor.h"
#include "h5io.h"
#include "parallel.h"
#include "safe_output.h"

enum { D_STEP, D_TIME, D_FRAME, D_TENSOR, D_VZZ, D_ETA, D_CQ, D_OMEGA, D_THETA, D_PHI, D_QUAT, D_DONE, ND };
static const char *const names[ND] = {"step", "time", "frame", "tensor", "vzz", "eta", "cq",
                                      "omega_q", "theta", "phi", "quaternion", "block_done"};

struct EfgOutput_ {
  MPI_Comm comm;
  EfgOutputLayout layout;
  double (*field)[3];
  UfpH5File *file;
  hid_t group, dset[ND];
  double sums[3]; /* sum |C_Q|, sum eta, count (this rank, this run) */
};

static UfpErrorCode create_layout(struct EfgOutput_ *o)
{
  const EfgOutputLayout *l = &o->layout;
  hid_t root = UfpH5FileId(o->file);
  if (l->provenance) UfpCall(UfpProvenanceWrite(l->provenance, root));
  UfpCall(UfpH5CreateGroup(root, "efg", &o->group));
  UfpCall(UfpH5WriteStringAttr(o->group, "isotope", l->isotope->symbol));
  UfpCall(UfpH5WriteStringAttr(o->group, "centre_species", l->centre));
  UfpCall(UfpH5WriteStringAttr(o->group, "model_kind", l->model_kind));
  UfpCall(UfpH5WriteIntAttr(o->group, "nfields", l->nfields));
  UfpCall(UfpH5WriteIntAttr(o->group, "block_frames", l->block));
  UfpCall(UfpH5WriteStringAttr(o->group, "units",
                               "time ps; tensor, vzz atomic units (9.7173624292e21 V/m^2); cq, omega_q Hz; theta, "
                               "phi rad"));
  const hsize_t F = (hsize_t)l->nframes, N = (hsize_t)l->natoms, K = (hsize_t)l->nfields;
  const hsize_t B = (hsize_t)((l->nframes + l->block - 1) / l->block);
  struct {
    int rank;
    hsize_t dims[3];
    hid_t type;
  } shape[ND] = {{1, {F}, H5T_NATIVE_INT64}, {1, {F}, H5T_NATIVE_DOUBLE},      {1, {F}, H5T_NATIVE_INT64},
                 {3, {F, N, 9}, H5T_NATIVE_DOUBLE}, {2, {F, N}, H5T_NATIVE_DOUBLE}, {2, {F, N}, H5T_NATIVE_DOUBLE},
                 {2, {F, N}, H5T_NATIVE_DOUBLE}, {3, {F, N, K}, H5T_NATIVE_DOUBLE}, {3, {F, N, K}, H5T_NATIVE_DOUBLE},
                 {3, {F, N, K}, H5T_NATIVE_DOUBLE}, {3, {F, N, 4}, H5T_NATIVE_DOUBLE}, {1, {B}, H5T_NATIVE_INT}};
  for (int k = 0; k < ND; k++)
    UfpCall(UfpH5CreateDataset(o->group, names[k], shape[k].type, shape[k].rank, shape[k].dims, 0, &o->dset[k]));
  int *zero;
  UfpCall(UfpCalloc(B + 1, &zero));
  UfpErrorCode ierr = UfpH5WriteSlab(o->dset[D_DONE], H5T_NATIVE_INT, 0, UfpCommRank(o->comm) == 0 ? B : 0, zero);
  UfpFree(&zero);
  UfpCall(ierr);
  hid_t d;
  hsize_t da[1] = {N}, df[2] = {K, 3};
  UfpCall(UfpH5CreateDataset(o->group, "atom_id", H5T_NATIVE_INT64, 1, da, 0, &d));
  UfpCall(UfpH5WriteSlab(d, H5T_NATIVE_INT64, 0, UfpCommRank(o->comm) == 0 ? N : 0, l->atom_id));
  UfpCall(UfpH5Close(&d));
  UfpCall(UfpH5CreateDataset(o->group, "field", H5T_NATIVE_DOUBLE, 2, df, 0, &d));
  UfpCall(UfpH5WriteSlab(d, H5T_NATIVE_DOUBLE, 0, UfpCommRank(o->comm) == 0 ? K : 0, o->field));
  UfpCall(UfpH5Close(&d));
  return UfpH5FileFlush(o->file);
}

/* Reopen a partial file: same layout, or an error that says what differs. */
static UfpErrorCode reopen_layout(struct EfgOutput_ *o, const char *path)
{
  const EfgOutputLayout *l = &o->layout;
  hid_t root = UfpH5FileId(o->file);
  UfpCall(UfpH5OpenGroup(root, "efg", &o->group));
  for (int k = 0; k < ND; k++) UfpCall(UfpH5OpenDataset(o->group, names[k], &o->dset[k]));
  int nfields, block, rank;
  hsize_t dims[3];
  UfpCall(UfpH5ReadIntAttr(o->group, "nfields", &nfields));
  UfpCall(UfpH5ReadIntAttr(o->group, "block_frames", &block));
  UfpCall(UfpH5DatasetShape(o->dset[D_TENSOR], &rank, dims));
  UfpCheck(nfields == l->nfields && block == l->block && dims[0] == (hsize_t)l->nframes &&
               dims[1] == (hsize_t)l->natoms,
           UFP_ERR_INPUT,
           "%s: a partial output of another run (%llu frames x %llu atoms, %d fields, blocks of %d; this run: "
           "%lld x %lld, %d, %d); remove it or use the overwrite option",
           path, (unsigned long long)dims[0], (unsigned long long)dims[1], nfields, block, (long long)l->nframes,
           (long long)l->natoms, l->nfields, l->block);
  int64_t *ids;
  UfpCall(UfpCalloc(l->natoms + 1, &ids));
  hid_t d;
  UfpErrorCode ierr = UfpH5OpenDataset(o->group, "atom_id", &d);
  if (!ierr) ierr = UfpH5ReadSlab(d, H5T_NATIVE_INT64, 0, (hsize_t)l->natoms, ids);
  if (!ierr) UfpH5Close(&d);
  if (!ierr && memcmp(ids, l->atom_id, sizeof(int64_t) * l->natoms)) {
    ierr = UFP_ERR_INPUT;
    UfpError(ierr, "%s: a partial output for other atoms; remove it or use the overwrite option", path);
  }
  UfpFree(&ids);
  return ierr;
}

UfpErrorCode EfgOutputOpen(MPI_Comm comm, const char *path, const EfgOutputLayout *layout, int resume,
                           EfgOutput *out_ptr, int **done, int *nblocks)
{
  UfpCheck(layout->nframes >= 1 && layout->natoms >= 1 && layout->nfields >= 1 && layout->block >= 1,
           UFP_ERR_INPUT, "EFG output: nothing to write (%lld frames, %lld atoms, %d fields)",
           (long long)layout->nframes, (long long)layout->natoms, layout->nfields);
  struct EfgOutput_ *o;
  UfpCall(UfpCalloc(1, &o));
  *out_ptr = o;
  o->comm = comm;
  o->layout = *layout;
  UfpCall(UfpCalloc(layout->nfields, &o->field));
  memcpy(o->field, layout->field, sizeof(double) * 3 * layout->nfields);
  o->layout.field = (const double(*)[3])o->field;
  o->group = -1;
  for (int k = 0; k < ND; k++) o->dset[k] = -1;
  const int B = (int)((layout->nframes + layout->block - 1) / layout->block);
  *nblocks = B;
  UfpCall(UfpCalloc(B, done));
  if (resume && UfpFileExists(comm, path)) {
    UfpCall(UfpH5FileOpen(comm, path, 1, &o->file));
    UfpCall(reopen_layout(o, path));
    UfpCall(UfpH5ReadSlab(o->dset[D_DONE], H5T_NATIVE_INT, 0, (hsize_t)B, *done));
    return UFP_SUCCESS;
  }
  UfpCall(UfpH5FileCreate(comm, path, &o->file));
  return create_layout(o);
}

UfpErrorCode EfgOutputWriteBlock(EfgOutput o, int b, int count, const int64_t *step, const double *time,
                                 const int64_t *frame, const double (*v)[3][3])
{
  const int64_t N = o->layout.natoms;
  const int K = o->layout.nfields;
  if (b < 0) count = 0;
  const size_t cells = (size_t)count * N;
  double *vzz = NULL, *eta = NULL, *cq = NULL, *omega = NULL, *theta = NULL, *phi = NULL, *quat = NULL;
  UfpErrorCode ierr = UfpCalloc(cells + 1, &vzz);
  if (!ierr) ierr = UfpCalloc(cells + 1, &eta);
  if (!ierr) ierr = UfpCalloc(cells + 1, &cq);
  if (!ierr) ierr = UfpCalloc(cells * K + 1, &omega);
  if (!ierr) ierr = UfpCalloc(cells * K + 1, &theta);
  if (!ierr) ierr = UfpCalloc(cells * K + 1, &phi);
  if (!ierr) ierr = UfpCalloc(cells * 4 + 1, &quat);
  for (size_t c = 0; c < cells && !ierr; c++) {
    UfpEfgPrincipal pas;
    ierr = UfpEfgPrincipalAxes(v[c], &pas);
    if (ierr) break;
    vzz[c] = pas.vzz;
    eta[c] = pas.eta;
    cq[c] = UfpEfgCq(o->layout.isotope, pas.vzz);
    o->sums[0] += fabs(cq[c]);
    o->sums[1] += eta[c];
    o->sums[2] += 1.0;
    memcpy(quat + 4 * c, pas.q, sizeof pas.q);
    for (int k = 0; k < K && !ierr; k++) {
      ierr = UfpEfgOmegaQ(o->layout.isotope, v[c], o->field[k], &omega[c * K + k]);
      if (!ierr) ierr = UfpEfgFieldAngles(&pas, o->field[k], &theta[c * K + k], &phi[c * K + k]);
    }
  }
  ierr = UfpErrorSync(o->comm, ierr);
  const hsize_t start = b < 0 ? 0 : (hsize_t)b * o->layout.block, n = (hsize_t)count;
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_STEP], H5T_NATIVE_INT64, start, n, step);
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_TIME], H5T_NATIVE_DOUBLE, start, n, time);
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_FRAME], H5T_NATIVE_INT64, start, n, frame);
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_TENSOR], H5T_NATIVE_DOUBLE, start, n, v);
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_VZZ], H5T_NATIVE_DOUBLE, start, n, vzz);
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_ETA], H5T_NATIVE_DOUBLE, start, n, eta);
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_CQ], H5T_NATIVE_DOUBLE, start, n, cq);
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_OMEGA], H5T_NATIVE_DOUBLE, start, n, omega);
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_THETA], H5T_NATIVE_DOUBLE, start, n, theta);
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_PHI], H5T_NATIVE_DOUBLE, start, n, phi);
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_QUAT], H5T_NATIVE_DOUBLE, start, n, quat);
  /* Only after every dataset of the block: its flag, then a flush. */
  if (!ierr) ierr = UfpH5FileFlush(o->file);
  const int one = 1;
  if (!ierr) ierr = UfpH5WriteSlab(o->dset[D_DONE], H5T_NATIVE_INT, b < 0 ? 0 : (hsize_t)b, b < 0 ? 0 : 1, &one);
  if (!ierr) ierr = UfpH5FileFlush(o->file);
  UfpFree(&vzz);
  UfpFree(&eta);
  UfpFree(&cq);
  UfpFree(&omega);
  UfpFree(&theta);
  UfpFree(&phi);
  UfpFree(&quat);
  return ierr;
}

UfpErrorCode EfgOutputSummary(EfgOutput o, double *mean_abs_cq, double *mean_eta, double *count)
{
  double total[3];
  UfpCallMPI(MPI_Allreduce(o->sums, total, 3, MPI_DOUBLE, MPI_SUM, o->comm));
  *count = total[2];
  *mean_abs_cq = total[2] > 0 ? total[0] / total[2] : 0.0;
  *mean_eta = total[2] > 0 ? total[1] / total[2] : 0.0;
  return UFP_SUCCESS;
}

UfpErrorCode EfgOutputClose(EfgOutput *out)
{
  if (!out || !*out) return UFP_SUCCESS;
  struct EfgOutput_ *o = *out;
  UfpErrorCode ierr = UFP_SUCCESS;
  for (int k = 0; k < ND; k++)
    if (o->dset[k] >= 0) UfpH5Close(&o->dset[k]);
  if (o->group >= 0) UfpH5Close(&o->group);
  if (o->file) ierr = UfpH5FileDestroy(&o->file);
  UfpFree(&o->field);
  UfpFree(out);
  return ierr;
}
