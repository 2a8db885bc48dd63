/* normal_equations.c -- see normal_equations.h. */
#include "normal_equations.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "parallel.h"

typedef struct {
  int width;             /* columns stored per row */
  const int *cols;       /* global column of each stored column, NULL = identity */
  int capacity, nrows, set;
  double *x, *y, *w;     /* capacity x width, capacity, capacity */
} RowBuffer;

typedef struct {
  double *a;             /* ncols x ncols */
  double *b;
  double yy;
  int64_t nrows;
} NormalSet;

struct UfpNormalEq_ {
  int ncols, ngroups, nsets, capacity;
  int **group_cols;      /* owned copies */
  RowBuffer *buffers;    /* ngroups + 1; the last is full width */
  NormalSet *sets;
  double *gram, *h;      /* group scratch: width^2 and width */
  double *packed;        /* capacity x width: a batch's non-zero columns */
  int *packcols;         /* width */
  unsigned char *hit;    /* width */
  int maxwidth;
  size_t packed_size;
  int reduced;
};

UfpErrorCode UfpNormalEqCreate(int ncols, int ngroups, const int *group_ncols, const int *const *group_cols,
                               int nsets, int capacity, UfpNormalEq *ne_out)
{
  UfpCheck(ncols > 0 && ngroups >= 0 && nsets > 0, UFP_ERR_INTERNAL, "bad normal-equation sizes");
  struct UfpNormalEq_ *ne;
  UfpCall(UfpCalloc(1, &ne));
  *ne_out = ne;
  ne->ncols = ncols;
  ne->ngroups = ngroups;
  ne->nsets = nsets;
  ne->capacity = capacity > 0 ? capacity : 2048;
  UfpCall(UfpCalloc(ngroups + 1, &ne->buffers));
  UfpCall(UfpCalloc(ngroups > 0 ? ngroups : 1, &ne->group_cols));
  int maxwidth = 0;
  for (int g = 0; g <= ngroups; g++) {
    RowBuffer *buf = &ne->buffers[g];
    if (g < ngroups) {
      buf->width = group_ncols[g];
      UfpCall(UfpCalloc(buf->width > 0 ? buf->width : 1, &ne->group_cols[g]));
      for (int k = 0; k < buf->width; k++) {
        UfpCheck(group_cols[g][k] >= 0 && group_cols[g][k] < ncols && (k == 0 || group_cols[g][k] > group_cols[g][k - 1]),
                 UFP_ERR_INTERNAL, "group %d: column list not increasing inside 0..%d", g, ncols - 1);
        ne->group_cols[g][k] = group_cols[g][k];
      }
      buf->cols = ne->group_cols[g];
      if (buf->width > maxwidth) maxwidth = buf->width;
    } else {
      buf->width = ncols;
    }
    buf->set = -1;
  }
  UfpCall(UfpCalloc(nsets, &ne->sets));
  for (int s = 0; s < nsets; s++) {
    UfpCall(UfpCalloc((size_t)ncols * ncols, &ne->sets[s].a));
    UfpCall(UfpCalloc(ncols, &ne->sets[s].b));
  }
  if (maxwidth > 0) {
    UfpCall(UfpCalloc((size_t)maxwidth * maxwidth, &ne->gram));
    UfpCall(UfpCalloc(maxwidth, &ne->h));
    UfpCall(UfpCalloc(maxwidth, &ne->packcols));
    UfpCall(UfpCalloc(maxwidth, &ne->hit));
  }
  ne->maxwidth = maxwidth;
  return UFP_SUCCESS;
}

UfpErrorCode UfpNormalEqDestroy(UfpNormalEq *ne_ptr)
{
  if (!ne_ptr || !*ne_ptr) return UFP_SUCCESS;
  struct UfpNormalEq_ *ne = *ne_ptr;
  for (int g = 0; g <= ne->ngroups && ne->buffers; g++) {
    UfpFree(&ne->buffers[g].x);
    UfpFree(&ne->buffers[g].y);
    UfpFree(&ne->buffers[g].w);
  }
  for (int g = 0; g < ne->ngroups && ne->group_cols; g++)
    UfpFree(&ne->group_cols[g]);
  for (int s = 0; s < ne->nsets && ne->sets; s++) {
    UfpFree(&ne->sets[s].a);
    UfpFree(&ne->sets[s].b);
  }
  UfpFree(&ne->group_cols);
  UfpFree(&ne->buffers);
  UfpFree(&ne->sets);
  UfpFree(&ne->gram);
  UfpFree(&ne->h);
  UfpFree(&ne->packed);
  UfpFree(&ne->packcols);
  UfpFree(&ne->hit);
  UfpFree(ne_ptr);
  return UFP_SUCCESS;
}

/* Fold the pending rows of one buffer into its set. */
static void flush_buffer(struct UfpNormalEq_ *ne, RowBuffer *buf)
{
  if (buf->nrows == 0) return;
  NormalSet *set = &ne->sets[buf->set];
  int m = buf->nrows, wd = buf->width, n = ne->ncols;
  for (int r = 0; r < m; r++) {
    double sw = sqrt(buf->w[r]);
    double *row = buf->x + (size_t)r * wd;
    for (int k = 0; k < wd; k++)
      row[k] *= sw;
    set->yy += buf->w[r] * buf->y[r] * buf->y[r];
    buf->y[r] *= sw;
  }
  set->nrows += m;
  if (!buf->cols) {
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, m, 1.0, buf->x, wd, 1.0, set->a, n);
    cblas_dgemv(CblasRowMajor, CblasTrans, m, wd, 1.0, buf->x, wd, buf->y, 1, 1.0, set->b, 1);
  } else if (wd > 0) {
    /* Pack the columns that are non-zero in this batch: a batch of frames
     * rarely reaches every coefficient of its group (about half, for LPS),
     * and the work goes with the square of the width. */
    unsigned char *hit = ne->hit;
    memset(hit, 0, wd);
    for (int r = 0; r < m; r++) {
      const double *row = buf->x + (size_t)r * wd;
      for (int k = 0; k < wd; k++)
        hit[k] |= row[k] != 0.0;
    }
    int nz = 0;
    for (int k = 0; k < wd; k++)
      if (hit[k]) ne->packcols[nz++] = k;
    const double *x = buf->x;
    int ld = wd;
    if (nz < wd) {
      for (int r = 0; r < m; r++) {
        const double *row = buf->x + (size_t)r * wd;
        double *out = ne->packed + (size_t)r * nz;
        for (int q = 0; q < nz; q++)
          out[q] = row[ne->packcols[q]];
      }
      x = ne->packed;
      ld = nz;
    } else {
      for (int k = 0; k < wd; k++)
        ne->packcols[k] = k;
    }
    if (nz > 0) {
      cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, nz, m, 1.0, x, ld, 0.0, ne->gram, nz);
      cblas_dgemv(CblasRowMajor, CblasTrans, m, nz, 1.0, x, ld, buf->y, 1, 0.0, ne->h, 1);
    }
    /* Scatter: columns are increasing, so the upper triangle maps to the
     * upper triangle. */
    for (int p = 0; p < nz; p++) {
      int gp = buf->cols[ne->packcols[p]];
      double *arow = set->a + (size_t)gp * n;
      const double *grow = ne->gram + (size_t)p * nz;
      for (int q = p; q < nz; q++)
        arow[buf->cols[ne->packcols[q]]] += grow[q];
      set->b[gp] += ne->h[p];
    }
  }
  buf->nrows = 0;
}

UfpErrorCode UfpNormalEqReserve(UfpNormalEq ne, int set, int group, int nrows, double **x, double **y, double **w)
{
  UfpCheck(!ne->reduced, UFP_ERR_INTERNAL, "rows added after UfpNormalEqReduce");
  UfpCheck(set >= 0 && set < ne->nsets && group >= -1 && group < ne->ngroups && nrows >= 0, UFP_ERR_INTERNAL,
           "bad reservation (set %d, group %d, %d rows)", set, group, nrows);
  RowBuffer *buf = &ne->buffers[group < 0 ? ne->ngroups : group];
  if (buf->set != set || buf->nrows + nrows > buf->capacity) flush_buffer(ne, buf);
  buf->set = set;
  if (nrows > buf->capacity) {
    int cap = nrows > ne->capacity ? nrows : ne->capacity;
    UfpCall(UfpRealloc((size_t)cap * (buf->width > 0 ? buf->width : 1), &buf->x));
    UfpCall(UfpRealloc(cap, &buf->y));
    UfpCall(UfpRealloc(cap, &buf->w));
    buf->capacity = cap;
    if (buf->cols && (size_t)cap * buf->width > ne->packed_size) {
      ne->packed_size = (size_t)cap * buf->width;
      UfpCall(UfpRealloc(ne->packed_size, &ne->packed));
    }
  }
  double *rows = buf->x + (size_t)buf->nrows * buf->width;
  memset(rows, 0, sizeof(double) * (size_t)nrows * buf->width);
  *x = rows;
  *y = buf->y + buf->nrows;
  *w = buf->w + buf->nrows;
  memset(*y, 0, sizeof(double) * nrows);
  memset(*w, 0, sizeof(double) * nrows);
  buf->nrows += nrows;
  return UFP_SUCCESS;
}

UfpErrorCode UfpNormalEqFlush(UfpNormalEq ne)
{
  for (int g = 0; g <= ne->ngroups; g++)
    flush_buffer(ne, &ne->buffers[g]);
  return UFP_SUCCESS;
}

UfpErrorCode UfpNormalEqReduce(UfpNormalEq ne, MPI_Comm comm)
{
  UfpCall(UfpNormalEqFlush(ne));
  int n = ne->ncols;
  for (int s = 0; s < ne->nsets; s++) {
    NormalSet *set = &ne->sets[s];
    /* Reduce in row slabs to bound the MPI message size. */
    size_t total = (size_t)n * n, chunk = (size_t)1 << 24;
    for (size_t start = 0; start < total; start += chunk) {
      size_t count = total - start < chunk ? total - start : chunk;
      UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, set->a + start, (int)count, MPI_DOUBLE, MPI_SUM, comm));
    }
    UfpCall(UfpAllreduceSumDouble(comm, set->b, n));
    UfpCall(UfpAllreduceSumDouble(comm, &set->yy, 1));
    UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, &set->nrows, 1, MPI_INT64_T, MPI_SUM, comm));
    for (int i = 0; i < n; i++)
      for (int j = 0; j < i; j++)
        set->a[(size_t)i * n + j] = set->a[(size_t)j * n + i];
  }
  ne->reduced = 1;
  return UFP_SUCCESS;
}

UfpErrorCode UfpNormalEqGet(UfpNormalEq ne, int set, const double **a, const double **b, double *yy, int64_t *nrows)
{
  UfpCheck(ne->reduced && set >= 0 && set < ne->nsets, UFP_ERR_INTERNAL, "normal equations not reduced");
  if (a) *a = ne->sets[set].a;
  if (b) *b = ne->sets[set].b;
  if (yy) *yy = ne->sets[set].yy;
  if (nrows) *nrows = ne->sets[set].nrows;
  return UFP_SUCCESS;
}

int UfpNormalEqColumns(UfpNormalEq ne) { return ne->ncols; }
