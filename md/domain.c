/*
 * domain.c -- domain decomposition, migration and halo exchange (domain.h).
 *
 * Halo construction (MdDomainBorders), after LAMMPS's Comm::borders, in
 * fractional coordinates.  Along axis a the ghost band is
 * c = cutghost / width_a wide (width_a = plane spacing of the cell: a point
 * within Cartesian distance r of a face is within r / width_a of it in s_a),
 * and a box is w = 1 / dims[a] wide.  need = ceil(c / w) passes are made in
 * each direction; pass k sends
 *     to the left  the candidates with lo <= s_a < lo + c,
 *     to the right the candidates with hi - c <= s_a < hi,
 * where the candidates of pass 0 are all atoms held when the axis starts
 * (owned atoms plus the ghosts of earlier axes, which fills edges and
 * corners) and those of pass k > 0 are the ghosts that the swap in the same
 * direction received in pass k - 1: what came from the right moves on to the
 * left and never back, whatever round-off does to a copy on a box face.
 * Crossing the periodic boundary shifts the copy by one lattice vector.
 * With dims[a] = 1 the neighbour is the rank itself and the passes generate
 * periodic images, as many as the cutoff needs (cells narrower than the
 * cutoff work).
 *
 * Forward and reverse communication replay the swaps: forward sends the
 * current positions of each send list (plus its shift) and overwrites the
 * ghosts; reverse walks the swaps backwards and adds ghost forces to the
 * atoms they were copied from, which may themselves be ghosts of an earlier
 * swap, so multi-hop chains fold back correctly.
 *
 * Migration (MdDomainExchange): along each axis in turn, atoms with s_a
 * outside [lo, hi) go to the left or right neighbour (wrapping, with image
 * update, across the periodic boundary).  An atom may move at most one box
 * between rebuilds; anything else is reported as an error.
 */
#include "domain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

struct MdSwap_ {
  int axis, dir;         /* dir 0: send left, receive from right; 1: send right */
  int sendrank, recvrank;
  double shift[3];       /* Cartesian shift added to sent positions */
  int nsend, capsend;
  int *sendlist;
  int firstrecv, nrecv;
};

typedef struct {
  int64_t id;
  int type;
  int image[3];
  double x[3], v[3];
} AtomRecord;

static UfpErrorCode reserve(MdDomain *d, int n)
{
  if (n <= d->capacity) return UFP_SUCCESS;
  int cap = n > 2 * d->capacity ? n : 2 * d->capacity;
  UfpCall(UfpRealloc(cap, &d->id));
  UfpCall(UfpRealloc(cap, &d->type));
  UfpCall(UfpRealloc(cap, &d->x));
  UfpCall(UfpRealloc(cap, &d->v));
  UfpCall(UfpRealloc(cap, &d->f));
  UfpCall(UfpRealloc(cap, &d->image));
  d->capacity = cap;
  return UFP_SUCCESS;
}

static UfpErrorCode reserve_bytes(char **buffer, size_t *capacity, size_t n)
{
  if (n <= *capacity) return UFP_SUCCESS;
  size_t cap = n > 2 * *capacity ? n : 2 * *capacity;
  UfpCall(UfpRealloc(cap, buffer));
  *capacity = cap;
  return UFP_SUCCESS;
}

UfpErrorCode MdDomainCreate(MPI_Comm comm, const double lattice[3][3], double cutghost, MdDomain **domain)
{
  MdDomain *d = NULL;
  UfpCall(UfpCalloc(1, domain));
  d = *domain;
  UfpCall(UfpCellSetup(&d->cell, lattice, NULL));
  UfpCheck(cutghost > 0, UFP_ERR_INTERNAL, "ghost cutoff must be positive");
  d->cutghost = cutghost;
  int size = UfpCommSize(comm), factors[3] = {0, 0, 0};
  UfpCallMPI(MPI_Dims_create(size, 3, factors)); /* non-increasing */
  /* The largest factor goes to the widest axis. */
  int order[3] = {0, 1, 2};
  for (int a = 0; a < 3; a++)
    for (int b = a + 1; b < 3; b++)
      if (d->cell.width[order[b]] > d->cell.width[order[a]]) {
        int t = order[a];
        order[a] = order[b];
        order[b] = t;
      }
  for (int a = 0; a < 3; a++) d->dims[order[a]] = factors[a];
  int periods[3] = {1, 1, 1};
  UfpCallMPI(MPI_Cart_create(comm, 3, d->dims, periods, 0, &d->comm));
  MPI_Comm_rank(d->comm, &d->rank);
  MPI_Comm_size(d->comm, &d->size);
  UfpCallMPI(MPI_Cart_coords(d->comm, d->rank, 3, d->coords));
  for (int a = 0; a < 3; a++) {
    UfpCallMPI(MPI_Cart_shift(d->comm, a, 1, &d->left[a], &d->right[a]));
    d->lo[a] = (double)d->coords[a] / d->dims[a];
    d->hi[a] = (double)(d->coords[a] + 1) / d->dims[a];
    d->cutfrac[a] = cutghost / d->cell.width[a];
    d->need[a] = (int)ceil(d->cutfrac[a] * d->dims[a]);
    if (d->need[a] < 1) d->need[a] = 1;
  }
  return UFP_SUCCESS;
}

UfpErrorCode MdDomainDestroy(MdDomain **domain)
{
  if (!domain || !*domain) return UFP_SUCCESS;
  MdDomain *d = *domain;
  for (int k = 0; k < d->nswap; k++) UfpFree(&d->swap[k].sendlist);
  UfpFree(&d->swap);
  UfpFree(&d->id);
  UfpFree(&d->type);
  UfpFree(&d->x);
  UfpFree(&d->v);
  UfpFree(&d->f);
  UfpFree(&d->image);
  UfpFree(&d->sendbuf);
  UfpFree(&d->recvbuf);
  if (d->comm != MPI_COMM_NULL) MPI_Comm_free(&d->comm);
  UfpFree(domain);
  return UFP_SUCCESS;
}

/* Wrap along axis a (periodic), updating the image flag. */
static void wrap_axis(MdDomain *d, int i, int a)
{
  double s[3];
  UfpCellFracFromCart(&d->cell, d->x[i], s);
  int n = (int)floor(s[a]);
  if (s[a] - n >= 1.0) n++;
  if (n == 0) return;
  for (int k = 0; k < 3; k++) d->x[i][k] -= n * d->cell.h[a][k];
  d->image[i][a] += n;
}

static double frac(const MdDomain *d, const double x[3], int a)
{
  return x[0] * d->cell.hinv[0][a] + x[1] * d->cell.hinv[1][a] + x[2] * d->cell.hinv[2][a];
}

static int owns(const MdDomain *d, const double x[3])
{
  for (int a = 0; a < 3; a++) {
    double s = frac(d, x, a);
    if (s < d->lo[a] || s >= d->hi[a]) return 0;
  }
  return 1;
}

UfpErrorCode MdDomainSetAtoms(MdDomain *d, int64_t natoms, const int *type, const double (*x)[3],
                              const double (*v)[3], const int (*image)[3])
{
  d->natoms = natoms;
  d->nlocal = d->nall = 0;
  for (int64_t i = 0; i < natoms; i++) {
    double xi[3] = {x[i][0], x[i][1], x[i][2]};
    int img[3] = {image ? image[i][0] : 0, image ? image[i][1] : 0, image ? image[i][2] : 0};
    /* Wrap a copy to decide the owner. */
    double s[3];
    UfpCellFracFromCart(&d->cell, xi, s);
    for (int a = 0; a < 3; a++) {
      int n = (int)floor(s[a]);
      if (s[a] - n >= 1.0) n++;
      for (int k = 0; k < 3; k++) xi[k] -= n * d->cell.h[a][k];
      img[a] += n;
    }
    if (!owns(d, xi)) continue;
    UfpCall(reserve(d, d->nlocal + 1));
    int m = d->nlocal++;
    d->id[m] = i;
    d->type[m] = type[i];
    memcpy(d->x[m], xi, sizeof xi);
    for (int k = 0; k < 3; k++) d->v[m][k] = v ? v[i][k] : 0.0;
    memcpy(d->image[m], img, sizeof img);
  }
  d->nall = d->nlocal;
  long long total = d->nlocal;
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_LONG_LONG, MPI_SUM, d->comm));
  UfpCheck(total == natoms, UFP_ERR_INTERNAL, "domain decomposition lost atoms (%lld of %lld)", total,
           (long long)natoms);
  return UFP_SUCCESS;
}

static void pack_atom(const MdDomain *d, int i, AtomRecord *r)
{
  r->id = d->id[i];
  r->type = d->type[i];
  memcpy(r->image, d->image[i], sizeof r->image);
  memcpy(r->x, d->x[i], sizeof r->x);
  memcpy(r->v, d->v[i], sizeof r->v);
}

static void unpack_atom(MdDomain *d, int i, const AtomRecord *r)
{
  d->id[i] = r->id;
  d->type[i] = r->type;
  memcpy(d->image[i], r->image, sizeof r->image);
  memcpy(d->x[i], r->x, sizeof r->x);
  memcpy(d->v[i], r->v, sizeof r->v);
}

/* Send records to `to`, receive from `from`; returns the received count. */
static UfpErrorCode sendrecv_records(MdDomain *d, int to, int from, int nsend, const AtomRecord *send,
                                     AtomRecord **recv, int *nrecv)
{
  UfpCallMPI(MPI_Sendrecv(&nsend, 1, MPI_INT, to, 11, nrecv, 1, MPI_INT, from, 11, d->comm, MPI_STATUS_IGNORE));
  UfpCall(UfpCalloc(*nrecv > 0 ? *nrecv : 1, recv));
  UfpCallMPI(MPI_Sendrecv(send, nsend * (int)sizeof *send, MPI_BYTE, to, 12, *recv,
                          *nrecv * (int)sizeof **recv, MPI_BYTE, from, 12, d->comm, MPI_STATUS_IGNORE));
  return UFP_SUCCESS;
}

static int compare_id(const void *a, const void *b)
{
  int64_t x = ((const AtomRecord *)a)->id, y = ((const AtomRecord *)b)->id;
  return (x > y) - (x < y);
}

UfpErrorCode MdDomainExchange(MdDomain *d)
{
  d->nall = d->nlocal;
  for (int a = 0; a < 3; a++) {
    if (d->dims[a] == 1) {
      for (int i = 0; i < d->nlocal; i++) wrap_axis(d, i, a);
      continue;
    }
    AtomRecord *out[2] = {NULL, NULL}, *in[2] = {NULL, NULL};
    int nout[2] = {0, 0}, nin[2] = {0, 0}, keep = 0;
    UfpCall(UfpCalloc(d->nlocal > 0 ? d->nlocal : 1, &out[0]));
    UfpCall(UfpCalloc(d->nlocal > 0 ? d->nlocal : 1, &out[1]));
    for (int i = 0; i < d->nlocal; i++) {
      /* The direction comes from the unwrapped coordinate: an atom leaving
       * rank 0 through s = 0 goes left, to the far end of the grid. */
      double s = frac(d, d->x[i], a);
      int dir = s < d->lo[a] ? 0 : s >= d->hi[a] ? 1 : -1;
      wrap_axis(d, i, a);
      if (dir < 0) {
        if (keep != i) {
          AtomRecord r;
          pack_atom(d, i, &r);
          unpack_atom(d, keep, &r);
        }
        keep++;
      } else {
        pack_atom(d, i, &out[dir][nout[dir]++]);
      }
    }
    d->nlocal = keep;
    UfpCall(sendrecv_records(d, d->left[a], d->right[a], nout[0], out[0], &in[0], &nin[0]));
    UfpCall(sendrecv_records(d, d->right[a], d->left[a], nout[1], out[1], &in[1], &nin[1]));
    UfpCall(reserve(d, d->nlocal + nin[0] + nin[1]));
    for (int dir = 0; dir < 2; dir++)
      for (int k = 0; k < nin[dir]; k++) unpack_atom(d, d->nlocal++, &in[dir][k]);
    for (int dir = 0; dir < 2; dir++) {
      UfpFree(&out[dir]);
      UfpFree(&in[dir]);
    }
  }
  int stray = 0;
  for (int i = 0; i < d->nlocal; i++) stray += !owns(d, d->x[i]);
  UfpCall(UfpAllreduceMaxInt(d->comm, &stray));
  UfpCheck(stray == 0, UFP_ERR_INTERNAL,
           "an atom moved more than one sub-domain between neighbour-list rebuilds; rebuild more often");
  /* Sort owned atoms by id: the state after a rebuild does not depend on history. */
  AtomRecord *all = NULL;
  UfpCall(UfpCalloc(d->nlocal > 0 ? d->nlocal : 1, &all));
  for (int i = 0; i < d->nlocal; i++) pack_atom(d, i, &all[i]);
  qsort(all, (size_t)d->nlocal, sizeof *all, compare_id);
  for (int i = 0; i < d->nlocal; i++) unpack_atom(d, i, &all[i]);
  UfpFree(&all);
  d->nall = d->nlocal;
  long long total = d->nlocal;
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_LONG_LONG, MPI_SUM, d->comm));
  UfpCheck(total == d->natoms, UFP_ERR_INTERNAL, "atoms lost in migration (%lld of %lld)", total,
           (long long)d->natoms);
  return UFP_SUCCESS;
}

typedef struct {
  int64_t id;
  int type;
  double x[3];
} GhostRecord;

static UfpErrorCode add_swap(MdDomain *d, MdSwap **swap)
{
  UfpCall(UfpRealloc(d->nswap + 1, &d->swap));
  *swap = &d->swap[d->nswap++];
  memset(*swap, 0, sizeof **swap);
  return UFP_SUCCESS;
}

UfpErrorCode MdDomainBorders(MdDomain *d)
{
  for (int k = 0; k < d->nswap; k++) UfpFree(&d->swap[k].sendlist);
  d->nswap = 0;
  d->nall = d->nlocal;
  for (int a = 0; a < 3; a++) {
    /* Candidates per direction: pass 0 takes every atom held when the axis
     * starts; pass k > 0 only the ghosts that the swap in the SAME direction
     * brought in pass k - 1 (so nothing returns where it came from, even when
     * round-off puts a shifted copy exactly on a box face). */
    int first[2] = {0, 0}, last[2] = {d->nall, d->nall};
    for (int pass = 0; pass < d->need[a]; pass++) {
      for (int dir = 0; dir < 2; dir++) {
        MdSwap *sw = NULL;
        UfpCall(add_swap(d, &sw));
        sw->axis = a;
        sw->dir = dir;
        sw->sendrank = dir == 0 ? d->left[a] : d->right[a];
        sw->recvrank = dir == 0 ? d->right[a] : d->left[a];
        /* Crossing the periodic boundary: left of rank 0 is the far end. */
        int shift = 0;
        if (dir == 0 && d->coords[a] == 0) shift = 1;
        if (dir == 1 && d->coords[a] == d->dims[a] - 1) shift = -1;
        for (int k = 0; k < 3; k++) sw->shift[k] = shift * d->cell.h[a][k];
        double slab_lo = dir == 0 ? d->lo[a] : d->hi[a] - d->cutfrac[a];
        double slab_hi = dir == 0 ? d->lo[a] + d->cutfrac[a] : d->hi[a];
        for (int i = first[dir]; i < last[dir]; i++) {
          double s = frac(d, d->x[i], a);
          if (s < slab_lo || s >= slab_hi) continue;
          if (sw->nsend == sw->capsend) {
            sw->capsend = sw->capsend ? 2 * sw->capsend : 64;
            UfpCall(UfpRealloc(sw->capsend, &sw->sendlist));
          }
          sw->sendlist[sw->nsend++] = i;
        }
        GhostRecord *out = NULL, *in = NULL;
        UfpCall(UfpCalloc(sw->nsend > 0 ? sw->nsend : 1, &out));
        for (int k = 0; k < sw->nsend; k++) {
          int i = sw->sendlist[k];
          out[k].id = d->id[i];
          out[k].type = d->type[i];
          for (int c = 0; c < 3; c++) out[k].x[c] = d->x[i][c] + sw->shift[c];
        }
        int nin = 0;
        UfpCallMPI(MPI_Sendrecv(&sw->nsend, 1, MPI_INT, sw->sendrank, 21, &nin, 1, MPI_INT, sw->recvrank, 21,
                                d->comm, MPI_STATUS_IGNORE));
        UfpCall(UfpCalloc(nin > 0 ? nin : 1, &in));
        UfpCallMPI(MPI_Sendrecv(out, sw->nsend * (int)sizeof *out, MPI_BYTE, sw->sendrank, 22, in,
                                nin * (int)sizeof *in, MPI_BYTE, sw->recvrank, 22, d->comm, MPI_STATUS_IGNORE));
        UfpCall(reserve(d, d->nall + nin));
        sw->firstrecv = d->nall;
        sw->nrecv = nin;
        for (int k = 0; k < nin; k++) {
          int g = d->nall++;
          d->id[g] = in[k].id;
          d->type[g] = in[k].type;
          memcpy(d->x[g], in[k].x, sizeof in[k].x);
        }
        UfpFree(&out);
        UfpFree(&in);
        /* The next pass in this direction forwards what just arrived. */
        first[dir] = sw->firstrecv;
        last[dir] = sw->firstrecv + sw->nrecv;
      }
    }
  }
  return UFP_SUCCESS;
}

UfpErrorCode MdDomainForward(MdDomain *d)
{
  for (int k = 0; k < d->nswap; k++) {
    MdSwap *sw = &d->swap[k];
    UfpCall(reserve_bytes(&d->sendbuf, &d->capsend, sizeof(double) * 3 * (size_t)(sw->nsend + 1)));
    double(*out)[3] = (double(*)[3])d->sendbuf;
    for (int m = 0; m < sw->nsend; m++)
      for (int c = 0; c < 3; c++) out[m][c] = d->x[sw->sendlist[m]][c] + sw->shift[c];
    UfpCallMPI(MPI_Sendrecv(out, 3 * sw->nsend, MPI_DOUBLE, sw->sendrank, 31, d->x[sw->firstrecv], 3 * sw->nrecv,
                            MPI_DOUBLE, sw->recvrank, 31, d->comm, MPI_STATUS_IGNORE));
  }
  return UFP_SUCCESS;
}

UfpErrorCode MdDomainReverse(MdDomain *d)
{
  UfpCall(MdDomainReverseArray(d, 3, &d->f[0][0]));
  return UFP_SUCCESS;
}

UfpErrorCode MdDomainReverseArray(MdDomain *d, int width, double *values)
{
  for (int k = d->nswap - 1; k >= 0; k--) {
    MdSwap *sw = &d->swap[k];
    UfpCall(reserve_bytes(&d->recvbuf, &d->caprecv, sizeof(double) * (size_t)width * (size_t)(sw->nsend + 1)));
    double *in = (double *)d->recvbuf;
    UfpCallMPI(MPI_Sendrecv(values + (size_t)width * (size_t)sw->firstrecv, width * sw->nrecv, MPI_DOUBLE,
                            sw->recvrank, 41, in, width * sw->nsend, MPI_DOUBLE, sw->sendrank, 41, d->comm,
                            MPI_STATUS_IGNORE));
    for (int m = 0; m < sw->nsend; m++)
      for (int c = 0; c < width; c++) values[(size_t)width * (size_t)sw->sendlist[m] + (size_t)c] += in[width * m + c];
  }
  return UFP_SUCCESS;
}

UfpErrorCode MdDomainToBlocks(MdDomain *d, int width, const double *local, double *block)
{
  int *sendcounts = NULL, *recvcounts = NULL, *sdispls = NULL, *rdispls = NULL, *order = NULL;
  double *sendbuf = NULL, *recvbuf = NULL;
  int64_t *ids = NULL, *recvids = NULL;
  int size = d->size;
  UfpCall(UfpCalloc(size, &sendcounts));
  UfpCall(UfpCalloc(size, &recvcounts));
  UfpCall(UfpCalloc(size, &sdispls));
  UfpCall(UfpCalloc(size, &rdispls));
  /* Destination of id: the rank whose UfpPartition block holds it. */
  int64_t base = d->natoms / size, extra = d->natoms % size;
  UfpCall(UfpCalloc(d->nlocal > 0 ? d->nlocal : 1, &order));
  for (int i = 0; i < d->nlocal; i++) {
    int64_t id = d->id[i];
    int dest = id < extra * (base + 1) ? (int)(id / (base + 1)) : (int)(extra + (id - extra * (base + 1)) / base);
    order[i] = dest;
    sendcounts[dest]++;
  }
  UfpCallMPI(MPI_Alltoall(sendcounts, 1, MPI_INT, recvcounts, 1, MPI_INT, d->comm));
  int nrecv = 0;
  for (int r = 0; r < size; r++) {
    sdispls[r] = r ? sdispls[r - 1] + sendcounts[r - 1] : 0;
    rdispls[r] = r ? rdispls[r - 1] + recvcounts[r - 1] : 0;
    nrecv += recvcounts[r];
  }
  UfpCall(UfpCalloc(d->nlocal > 0 ? d->nlocal : 1, &ids));
  UfpCall(UfpCalloc((size_t)(d->nlocal > 0 ? d->nlocal : 1) * (size_t)width, &sendbuf));
  UfpCall(UfpCalloc(nrecv > 0 ? nrecv : 1, &recvids));
  UfpCall(UfpCalloc((size_t)(nrecv > 0 ? nrecv : 1) * (size_t)width, &recvbuf));
  int *fill = NULL;
  UfpCall(UfpCalloc(size, &fill));
  for (int i = 0; i < d->nlocal; i++) {
    int pos = sdispls[order[i]] + fill[order[i]]++;
    ids[pos] = d->id[i];
    memcpy(&sendbuf[(size_t)pos * width], &local[(size_t)i * width], sizeof(double) * (size_t)width);
  }
  UfpCallMPI(MPI_Alltoallv(ids, sendcounts, sdispls, MPI_INT64_T, recvids, recvcounts, rdispls, MPI_INT64_T, d->comm));
  for (int r = 0; r < size; r++) {
    sendcounts[r] *= width;
    recvcounts[r] *= width;
    sdispls[r] *= width;
    rdispls[r] *= width;
  }
  UfpCallMPI(MPI_Alltoallv(sendbuf, sendcounts, sdispls, MPI_DOUBLE, recvbuf, recvcounts, rdispls, MPI_DOUBLE,
                           d->comm));
  int64_t start, count;
  UfpPartition(d->natoms, d->rank, size, &start, &count);
  UfpCheck(nrecv == count, UFP_ERR_INTERNAL, "block redistribution received %d of %lld atoms", nrecv,
           (long long)count);
  for (int k = 0; k < nrecv; k++)
    memcpy(&block[(size_t)(recvids[k] - start) * width], &recvbuf[(size_t)k * width], sizeof(double) * (size_t)width);
  UfpFree(&fill);
  UfpFree(&sendcounts);
  UfpFree(&recvcounts);
  UfpFree(&sdispls);
  UfpFree(&rdispls);
  UfpFree(&order);
  UfpFree(&ids);
  UfpFree(&recvids);
  UfpFree(&sendbuf);
  UfpFree(&recvbuf);
  return UFP_SUCCESS;
}
