/* efg_series.c -- see efg_series.h. */
#include "efg_series.h"

#include <string.h>

#include "efg_tensor.h"
#include "h5io.h"
#include "isotopes.h"
#include "sae.h"

UfpErrorCode EfgSeriesShape(MPI_Comm comm, const char *path, int64_t *nframes, int64_t *natoms)
{
  UfpH5File *file = NULL;
  UfpCall(UfpH5FileOpen(comm, path, 0, &file));
  hid_t d = -1;
  int rank;
  hsize_t dims[3];
  UfpErrorCode ierr = UfpH5OpenDataset(UfpH5FileId(file), "efg/cq", &d);
  if (!ierr) ierr = UfpH5DatasetShape(d, &rank, dims);
  if (d >= 0) UfpH5Close(&d);
  UfpH5FileDestroy(&file);
  UfpCall(ierr);
  *nframes = (int64_t)dims[0];
  *natoms = (int64_t)dims[1];
  return UFP_SUCCESS;
}

/* Read [F][first..first+count)[width] of a dataset into buf (frame-major). */
static UfpErrorCode read_columns(hid_t group, const char *name, int64_t F, int64_t first, int64_t count, int width,
                                 double *buf)
{
  hid_t d;
  UfpCall(UfpH5OpenDataset(group, name, &d));
  hsize_t offset[3] = {0, (hsize_t)first, 0}, n[3] = {(hsize_t)F, (hsize_t)count, (hsize_t)width};
  if (count == 0) n[0] = 0;
  UfpErrorCode ierr = UfpH5ReadBlock(d, H5T_NATIVE_DOUBLE, offset, n, buf);
  UfpH5Close(&d);
  return ierr;
}

UfpErrorCode EfgSeriesRead(MPI_Comm comm, const char *path, int64_t first, int64_t count, int powder,
                           EfgSeries **out)
{
  EfgSeries *s;
  UfpCall(UfpCalloc(1, &s));
  *out = s;
  UfpCall(EfgSeriesShape(comm, path, &s->nframes, &s->natoms));
  UfpCheck(first >= 0 && count >= 0 && first + count <= s->natoms, UFP_ERR_INPUT,
           "%s: atoms %lld..%lld requested, the file has %lld", path, (long long)first, (long long)(first + count),
           (long long)s->natoms);
  s->first = first;
  s->count = count;
  const int64_t F = s->nframes;
  UfpH5File *file = NULL;
  UfpCall(UfpH5FileOpen(comm, path, 0, &file));
  hid_t g = -1;
  UfpErrorCode ierr = UfpH5OpenGroup(UfpH5FileId(file), "efg", &g);
  if (!ierr) ierr = UfpH5ReadStringAttr(g, "isotope", s->isotope, sizeof s->isotope);
  if (!ierr) ierr = UfpH5ReadIntAttr(g, "nfields", &s->nfields);
  const UfpIsotope *iso = NULL;
  if (!ierr) ierr = UfpIsotopeFind(s->isotope, &iso);
  if (!ierr) s->hz_per_au = UfpEfgCouplingHzPerAu(iso);
  hid_t d;
  if (!ierr) ierr = UfpCalloc(F, &s->time);
  if (!ierr) ierr = UfpCalloc(F, &s->frame);
  if (!ierr) ierr = UfpCalloc(s->natoms, &s->atom_id);
  if (!ierr && !(ierr = UfpH5OpenDataset(g, "time", &d))) {
    ierr = UfpH5ReadSlab(d, H5T_NATIVE_DOUBLE, 0, (hsize_t)F, s->time);
    UfpH5Close(&d);
  }
  if (!ierr && !(ierr = UfpH5OpenDataset(g, "frame", &d))) {
    ierr = UfpH5ReadSlab(d, H5T_NATIVE_INT64, 0, (hsize_t)F, s->frame);
    UfpH5Close(&d);
  }
  if (!ierr && !(ierr = UfpH5OpenDataset(g, "atom_id", &d))) {
    ierr = UfpH5ReadSlab(d, H5T_NATIVE_INT64, 0, (hsize_t)s->natoms, s->atom_id);
    UfpH5Close(&d);
  }
  s->nomega = powder > 0 ? powder : s->nfields;
  double *buf = NULL;
  const int width = powder > 0 ? 9 : s->nfields;
  if (!ierr) ierr = UfpCalloc((size_t)F * (count > 0 ? count : 1) * width, &buf);
  if (!ierr) ierr = UfpCalloc((size_t)(count > 0 ? count : 1) * F, &s->cq);
  if (!ierr) ierr = UfpCalloc((size_t)(count > 0 ? count : 1) * s->nomega * F, &s->omega);
  /* C_Q: [F][count] -> [count][F] */
  if (!ierr) ierr = read_columns(g, "cq", F, first, count, 1, buf);
  for (int64_t f = 0; f < F && !ierr; f++)
    for (int64_t a = 0; a < count; a++) s->cq[a * F + f] = buf[f * count + a];
  if (!ierr) ierr = read_columns(g, powder > 0 ? "tensor" : "omega_q", F, first, count, width, buf);
  if (!ierr && powder > 0) {
    double(*dirs)[3] = NULL;
    ierr = UfpCalloc(powder, &dirs);
    if (!ierr) SaeFieldDirections(powder, dirs);
    for (int64_t f = 0; f < F && !ierr; f++)
      for (int64_t a = 0; a < count; a++) {
        const double *v = buf + ((size_t)f * count + a) * 9;
        for (int k = 0; k < powder; k++) {
          double w = 0.0;
          for (int p = 0; p < 3; p++)
            for (int q = 0; q < 3; q++) w += dirs[k][p] * v[3 * p + q] * dirs[k][q];
          s->omega[((size_t)a * powder + k) * F + f] = s->hz_per_au * w;
        }
      }
    UfpFree(&dirs);
  } else if (!ierr)
    for (int64_t f = 0; f < F; f++)
      for (int64_t a = 0; a < count; a++)
        for (int k = 0; k < s->nfields; k++)
          s->omega[((size_t)a * s->nfields + k) * F + f] = buf[((size_t)f * count + a) * s->nfields + k];
  /* The field angles of the stored fields. */
  const char *angle[2] = {"theta", "phi"};
  double **dst[2] = {&s->theta, &s->phi};
  for (int q = 0; q < 2 && !ierr; q++) {
    if (powder > 0) UfpFree(&buf), ierr = UfpCalloc((size_t)F * (count > 0 ? count : 1) * s->nfields, &buf);
    if (!ierr) ierr = UfpCalloc((size_t)(count > 0 ? count : 1) * s->nfields * F, dst[q]);
    if (!ierr) ierr = read_columns(g, angle[q], F, first, count, s->nfields, buf);
    for (int64_t f = 0; f < F && !ierr; f++)
      for (int64_t a = 0; a < count; a++)
        for (int k = 0; k < s->nfields; k++)
          (*dst[q])[((size_t)a * s->nfields + k) * F + f] = buf[((size_t)f * count + a) * s->nfields + k];
  }
  UfpFree(&buf);
  if (g >= 0) UfpH5Close(&g);
  UfpH5FileDestroy(&file);
  return ierr;
}

UfpErrorCode EfgSeriesDestroy(EfgSeries **sp)
{
  if (!sp || !*sp) return UFP_SUCCESS;
  EfgSeries *s = *sp;
  UfpFree(&s->time);
  UfpFree(&s->frame);
  UfpFree(&s->atom_id);
  UfpFree(&s->cq);
  UfpFree(&s->omega);
  UfpFree(&s->theta);
  UfpFree(&s->phi);
  UfpFree(sp);
  return UFP_SUCCESS;
}
