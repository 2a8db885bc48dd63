/* efg_series.c -- see efg_series.h. */
#include "efg_series.h"

#include <string.h>

#include "distributions.h"
#include "efg_tensor.h"
#include "h5io.h"
#include "isotopes.h"
#include "parallel.h"
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

static int64_t read_frames = 0;

void EfgSeriesSetReadFrames(int64_t frames) { read_frames = frames > 0 ? frames : 0; }

/* Blocks of frames as a rank receives them: [nf][count][width] for its
 * columns, starting at frame f0. */
typedef struct {
  int64_t F;
  int width;
  double *out; /* transpose: [count][width][F] */
  int powder;  /* powder: omega_Q for directions from tensors */
  const double (*dirs)[3];
  double hz_per_au;
} Sink;

static void sink_block(const Sink *k, int64_t f0, int64_t nf, int64_t count, const double *blk)
{
  const int w = k->width;
  if (k->powder > 0) {
    for (int64_t i = 0; i < nf; i++)
      for (int64_t a = 0; a < count; a++) {
        const double *v = blk + ((size_t)i * count + a) * 9;
        for (int d = 0; d < k->powder; d++) {
          double s = 0.0;
          for (int p = 0; p < 3; p++)
            for (int q = 0; q < 3; q++)
              s += k->dirs[d][p] * v[3 * p + q] * k->dirs[d][q];
          k->out[((size_t)a * k->powder + d) * k->F + f0 + i] = k->hz_per_au * s;
        }
      }
    return;
  }
  /* Contiguous writes along time; the block is small enough to stay in cache. */
  for (int64_t a = 0; a < count; a++)
    for (int c = 0; c < w; c++) {
      double *dst = k->out + ((size_t)a * w + c) * k->F + f0;
      const double *src = blk + (size_t)a * w + c;
      for (int64_t i = 0; i < nf; i++)
        dst[i] = src[(size_t)i * count * w];
    }
}

/* The columns of every rank (first_all/count_all) of a [F][N][width]
 * dataset.  Rounds of size x B frames: each rank reads B whole frames, a
 * contiguous range of the file, with an independent transfer, and an
 * all-to-all hands every rank its columns.  The file is read once in large
 * sequential pieces whatever the number of ranks; a rank holds a few MB of
 * blocks, never a second copy of its series. */
static UfpErrorCode read_by_frames(MPI_Comm comm, hid_t group, const char *name, int64_t F, int64_t N,
                                   const int64_t *first_all, const int64_t *count_all, const Sink *sink)
{
  const int rank = UfpCommRank(comm), size = UfpCommSize(comm), w = sink->width;
  const int64_t row = N * w, B = read_frames > 0          ? read_frames
                                 : (int64_t)1 << 19 > row ? ((int64_t)1 << 19) / row
                                                          : 1;
  const int64_t count = count_all[rank];
  hid_t d;
  UfpCall(UfpH5OpenDataset(group, name, &d));
  double *rows = NULL, *send = NULL, *recv = NULL;
  int *scount = NULL, *sdispl = NULL, *rcount = NULL, *rdispl = NULL;
  UfpErrorCode ierr = UfpCalloc((size_t)(B * row), &rows);
  if (!ierr && size > 1) ierr = UfpCalloc((size_t)(B * row), &send);
  if (!ierr && size > 1) ierr = UfpCalloc((size_t)(B * size * (count > 0 ? count : 1) * w), &recv);
  if (!ierr) ierr = UfpCalloc(size, &scount);
  if (!ierr) ierr = UfpCalloc(size, &sdispl);
  if (!ierr) ierr = UfpCalloc(size, &rcount);
  if (!ierr) ierr = UfpCalloc(size, &rdispl);
  for (int64_t base = 0; base < F && !ierr; base += B * size) {
    /* Frames [f0, f0 + nf) of this rank in this round. */
    const int64_t f0 = base + rank * B, nf = f0 >= F ? 0 : (F - f0 < B ? F - f0 : B);
    if (nf > 0) ierr = UfpH5ReadSlabIndependent(d, H5T_NATIVE_DOUBLE, (hsize_t)f0, (hsize_t)nf, rows);
    if (size == 1) {
      if (!ierr) sink_block(sink, f0, nf, N, rows);
      continue;
    }
    int off = 0;
    for (int q = 0; q < size; q++) {
      sdispl[q] = off;
      scount[q] = (int)(nf * count_all[q] * w);
      for (int64_t i = 0; i < nf; i++)
        memcpy(send + off + i * count_all[q] * w, rows + i * row + first_all[q] * w,
               sizeof(double) * count_all[q] * w);
      off += scount[q];
    }
    off = 0;
    for (int p = 0; p < size; p++) {
      const int64_t g0 = base + p * B, ng = g0 >= F ? 0 : (F - g0 < B ? F - g0 : B);
      rdispl[p] = off;
      rcount[p] = (int)(ng * count * w);
      off += rcount[p];
    }
    /* Every rank reaches this call in every round, even after a failed read,
     * so that the error is reported instead of a hang. */
    ierr = UfpErrorSync(comm, ierr);
    if (!ierr && MPI_Alltoallv(send, scount, sdispl, MPI_DOUBLE, recv, rcount, rdispl, MPI_DOUBLE, comm) !=
                     MPI_SUCCESS)
      ierr = UfpError(UFP_ERR_INTERNAL, "MPI_Alltoallv of %s failed", name);
    for (int p = 0; p < size && !ierr; p++)
      if (rcount[p] > 0) sink_block(sink, base + p * B, rcount[p] / (count * w), count, recv + rdispl[p]);
  }
  UfpFree(&rows);
  UfpFree(&send);
  UfpFree(&recv);
  UfpFree(&scount);
  UfpFree(&sdispl);
  UfpFree(&rcount);
  UfpFree(&rdispl);
  UfpH5Close(&d);
  return ierr;
}

/* The orientation map of stored field k: rank p bins frames [p B, (p + 1) B),
 * [(P + p) B, ...) of theta and phi, and the maps are summed. */
static UfpErrorCode orientation_map(MPI_Comm comm, hid_t group, int64_t F, int64_t N, int nfields, int k,
                                    int nbins, double *map)
{
  const int rank = UfpCommRank(comm), size = UfpCommSize(comm);
  const int64_t row = N * nfields, B = read_frames > 0          ? read_frames
                                       : (int64_t)1 << 19 > row ? ((int64_t)1 << 19) / row
                                                                : 1;
  hid_t dt = -1, dp = -1;
  double *theta = NULL, *phi = NULL;
  UfpErrorCode ierr = UfpH5OpenDataset(group, "theta", &dt);
  if (!ierr) ierr = UfpH5OpenDataset(group, "phi", &dp);
  if (!ierr) ierr = UfpCalloc((size_t)(B * row), &theta);
  if (!ierr) ierr = UfpCalloc((size_t)(B * row), &phi);
  for (int64_t f0 = (int64_t)rank * B; f0 < F && !ierr; f0 += B * size) {
    const int64_t nf = F - f0 < B ? F - f0 : B;
    ierr = UfpH5ReadSlabIndependent(dt, H5T_NATIVE_DOUBLE, (hsize_t)f0, (hsize_t)nf, theta);
    if (!ierr) ierr = UfpH5ReadSlabIndependent(dp, H5T_NATIVE_DOUBLE, (hsize_t)f0, (hsize_t)nf, phi);
    for (int64_t c = 0; c < nf * N && !ierr; c++)
      OrientationAdd(nbins, theta[c * nfields + k], phi[c * nfields + k], map);
  }
  UfpFree(&theta);
  UfpFree(&phi);
  if (dt >= 0) UfpH5Close(&dt);
  if (dp >= 0) UfpH5Close(&dp);
  UfpCall(UfpErrorSync(comm, ierr));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, map, nbins * nbins, MPI_DOUBLE, MPI_SUM, comm));
  return UFP_SUCCESS;
}

UfpErrorCode EfgSeriesRead(MPI_Comm comm, const char *path, int64_t first, int64_t count, int powder,
                           int orient_bins, int orient_field, EfgSeries **out)
{
  EfgSeries *s;
  UfpCall(UfpCalloc(1, &s));
  *out = s;
  UfpCall(EfgSeriesShape(comm, path, &s->nframes, &s->natoms));
  UfpCheck(first >= 0 && count >= 0 && first + count <= s->natoms, UFP_ERR_INPUT,
           "%s: atoms %lld..%lld requested, the file has %lld", path, (long long)first,
           (long long)(first + count), (long long)s->natoms);
  s->first = first;
  s->count = count;
  const int64_t F = s->nframes, N = s->natoms, c1 = count > 0 ? count : 1;
  const int size = UfpCommSize(comm);
  int64_t *first_all = NULL, *count_all = NULL;
  UfpCall(UfpCalloc(size, &first_all));
  UfpCall(UfpCalloc(size, &count_all));
  UfpCallMPI(MPI_Allgather(&first, 1, MPI_INT64_T, first_all, 1, MPI_INT64_T, comm));
  UfpCallMPI(MPI_Allgather(&count, 1, MPI_INT64_T, count_all, 1, MPI_INT64_T, comm));
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
  if (!ierr) ierr = UfpCalloc(N, &s->atom_id);
  if (!ierr && !(ierr = UfpH5OpenDataset(g, "time", &d))) {
    ierr = UfpH5ReadSlab(d, H5T_NATIVE_DOUBLE, 0, (hsize_t)F, s->time);
    UfpH5Close(&d);
  }
  if (!ierr && !(ierr = UfpH5OpenDataset(g, "frame", &d))) {
    ierr = UfpH5ReadSlab(d, H5T_NATIVE_INT64, 0, (hsize_t)F, s->frame);
    UfpH5Close(&d);
  }
  if (!ierr && !(ierr = UfpH5OpenDataset(g, "atom_id", &d))) {
    ierr = UfpH5ReadSlab(d, H5T_NATIVE_INT64, 0, (hsize_t)N, s->atom_id);
    UfpH5Close(&d);
  }
  s->nomega = powder > 0 ? powder : s->nfields;
  if (!ierr) ierr = UfpCalloc((size_t)c1 * F, &s->cq);
  if (!ierr) ierr = UfpCalloc((size_t)c1 * s->nomega * F, &s->omega);
  double(*dirs)[3] = NULL;
  if (!ierr && powder > 0 && !(ierr = UfpCalloc(powder, &dirs))) SaeFieldDirections(powder, dirs);
  const Sink sinks[2] = {{.F = F, .width = 1, .out = s->cq},
                         {.F = F,
                          .width = powder > 0 ? 9 : s->nfields,
                          .out = s->omega,
                          .powder = powder,
                          .dirs = (const double(*)[3])dirs,
                          .hz_per_au = s->hz_per_au}};
  const char *names[2] = {"cq", powder > 0 ? "tensor" : "omega_q"};
  for (int k = 0; k < 2 && !ierr; k++)
    ierr = read_by_frames(comm, g, names[k], F, N, first_all, count_all, &sinks[k]);
  if (!ierr && orient_bins > 0 && (orient_field < 0 || orient_field >= s->nfields))
    ierr = UfpError(UFP_ERR_USAGE, "%s: field %d requested, the file has %d", path, orient_field, s->nfields);
  if (!ierr && orient_bins > 0) {
    s->norient = orient_bins;
    ierr = UfpCalloc((size_t)orient_bins * orient_bins, &s->orientation);
    if (!ierr) ierr = orientation_map(comm, g, F, N, s->nfields, orient_field, orient_bins, s->orientation);
  }
  UfpFree(&dirs);
  UfpFree(&first_all);
  UfpFree(&count_all);
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
  UfpFree(&s->orientation);
  UfpFree(sp);
  return UFP_SUCCESS;
}

/* Means of x[n] over windows of m into y[n / m]; y may be x. */
static void window_means(int64_t n, int m, const double *x, double *y)
{
  for (int64_t j = 0; j < n / m; j++) {
    double sum = 0.0;
    for (int q = 0; q < m; q++)
      sum += x[j * m + q];
    y[j] = sum / m;
  }
}

UfpErrorCode EfgSeriesBlockAverage(EfgSeries *s, int m)
{
  UfpCheck(m >= 1, UFP_ERR_USAGE, "averaging window of %d frames", m);
  const int64_t F = s->nframes, G = F / m;
  UfpCheck(G >= 1, UFP_ERR_USAGE, "averaging window of %d frames is longer than the %lld frames", m,
           (long long)F);
  if (m == 1) return UFP_SUCCESS;
  /* Row r of length F moves to row r of length G; rows go in order, and
   * row r's output ends before its input starts for r >= 1. */
  for (int64_t a = 0; a < s->count; a++)
    window_means(F, m, s->cq + a * F, s->cq + a * G);
  for (int64_t r = 0; r < s->count * s->nomega; r++)
    window_means(F, m, s->omega + r * F, s->omega + r * G);
  window_means(F, m, s->time, s->time);
  for (int64_t j = 0; j < G; j++)
    s->frame[j] = s->frame[j * m];
  s->nframes = G;
  return UFP_SUCCESS;
}
