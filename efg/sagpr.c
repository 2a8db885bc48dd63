/* sagpr.c -- see sagpr.h for the model and the linear system. */
#include "sagpr.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "parallel.h"
#include "spd_solve.h"

struct Sagpr_ {
  SagprSettings set;
  int f0, f2, m;
  double *p0;        /* sparse lambda = 0 features [m][f0] */
  double *u;         /* projections [m][f2], target units */
};

UfpErrorCode SagprFarthestPoints(int n, int f, const double *x, int m, int first, int *selected)
{
  UfpCheck(m >= 1 && m <= n && first >= 0 && first < n, UFP_ERR_INPUT,
           "farthest-point sampling of %d of %d points from point %d", m, n, first);
  double *dmin;
  UfpCall(UfpCalloc(n, &dmin));
  for (int i = 0; i < n; i++) dmin[i] = INFINITY;
  selected[0] = first;
  for (int k = 1; k < m; k++) {
    const double *xs = x + (size_t)selected[k - 1] * f;
    int best = -1;
    double far = -1.0;
    for (int i = 0; i < n; i++) {
      double d = 0.0;
      for (int q = 0; q < f; q++) d += (x[(size_t)i * f + q] - xs[q]) * (x[(size_t)i * f + q] - xs[q]);
      if (d < dmin[i]) dmin[i] = d;
      if (dmin[i] > far) {
        far = dmin[i];
        best = i;
      }
    }
    selected[k] = best;
    dmin[best] = 0.0;
  }
  UfpFree(&dmin);
  return UFP_SUCCESS;
}

/* Kernel rows K[(i mu)][(M mu')] for n environments against the m sparse
 * ones (features p0m, p2m); used by the fit. */
static UfpErrorCode kernel_rows(int zeta, int m, int f0, int f2, const double *p0m, const double *p2m, int n,
                                const double *p0, const double *p2, double *k)
{
  double *g0;
  UfpCall(UfpCalloc((size_t)n * m, &g0));
  /* G2 = P2 P2_M^T: (5n x f2)(f2 x 5m), straight into k. */
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 5 * n, 5 * m, f2, 1.0, p2, f2, p2m, f2, 0.0, k, 5 * m);
  if (zeta > 1) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, f0, 1.0, p0, f0, p0m, f0, 0.0, g0, m);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < m; j++) {
        double s = pow(g0[(size_t)i * m + j], zeta - 1);
        for (int mu = 0; mu < 5; mu++)
          for (int nu = 0; nu < 5; nu++) k[((size_t)i * 5 + mu) * 5 * m + (size_t)j * 5 + nu] *= s;
      }
  }
  UfpFree(&g0);
  return UFP_SUCCESS;
}

static UfpErrorCode create(const SagprSettings *set, int f0, int f2, int m, const double *p0_sparse,
                           Sagpr *model_out)
{
  UfpCheck(set->zeta >= 1 && set->sigma2 > 0.0 && set->jitter >= 0.0, UFP_ERR_INPUT,
           "SA-GPR: need zeta >= 1, sigma^2 > 0 and jitter >= 0 (got %d, %g, %g)", set->zeta, set->sigma2,
           set->jitter);
  UfpCheck(m >= 1 && f0 >= 1 && f2 >= 1, UFP_ERR_INPUT, "SA-GPR: empty sparse set or feature vector");
  struct Sagpr_ *model;
  UfpCall(UfpCalloc(1, &model));
  *model_out = model;
  model->set = *set;
  model->f0 = f0;
  model->f2 = f2;
  model->m = m;
  UfpCall(UfpCalloc((size_t)m * f0, &model->p0));
  UfpCall(UfpCalloc((size_t)m * f2, &model->u));
  memcpy(model->p0, p0_sparse, sizeof(double) * m * f0);
  return UFP_SUCCESS;
}

UfpErrorCode SagprCreateFromProjection(const SagprSettings *set, int f0, int f2, int m, const double *p0_sparse,
                                       const double *u, Sagpr *model)
{
  UfpCall(create(set, f0, f2, m, p0_sparse, model));
  memcpy((*model)->u, u, sizeof(double) * m * f2);
  return UFP_SUCCESS;
}

UfpErrorCode SagprFit(MPI_Comm comm, const SagprSettings *set, int f0, int f2, int m, const double *p0_sparse,
                      const double *p2_sparse, int n, const double *p0, const double *p2, const double *t,
                      Sagpr *model_out)
{
  UfpCall(create(set, f0, f2, m, p0_sparse, model_out));
  struct Sagpr_ *model = *model_out;
  const int dim = 5 * m;
  double *w = NULL;
  UfpCall(UfpCalloc(dim, &w));
  /* Target scale: root-mean-square component over all ranks. */
  double sums[2] = {0.0, 5.0 * n};
  for (int k = 0; k < 5 * n; k++) sums[0] += t[k] * t[k];
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm));
  UfpCheck(sums[1] > 0 && sums[0] > 0, UFP_ERR_INPUT, "SA-GPR: no training targets, or all zero");
  const double scale = sqrt(sums[0] / sums[1]);
  double *a = NULL, *b = NULL, *knm = NULL, *kmm = NULL, *y = NULL;
  UfpErrorCode ierr = UfpCalloc((size_t)dim * dim, &a);
  if (!ierr) ierr = UfpCalloc(dim, &b);
  if (!ierr) ierr = UfpCalloc((size_t)dim * dim, &kmm);
  /* Rows in batches of 64 environments: A += K^T K, b += K^T y. */
  const int batch = 64;
  if (!ierr) ierr = UfpCalloc((size_t)5 * batch * dim, &knm);
  if (!ierr) ierr = UfpCalloc((size_t)5 * batch, &y);
  for (int start = 0; start < n && !ierr; start += batch) {
    int count = n - start < batch ? n - start : batch;
    ierr = kernel_rows(set->zeta, m, f0, f2, p0_sparse, p2_sparse, count, p0 + (size_t)start * f0,
                       p2 + (size_t)start * 5 * f2, knm);
    if (ierr) break;
    for (int k = 0; k < 5 * count; k++) y[k] = t[(size_t)start * 5 + k] / scale;
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, dim, 5 * count, 1.0, knm, dim, 1.0, a, dim);
    cblas_dgemv(CblasRowMajor, CblasTrans, 5 * count, dim, 1.0, knm, dim, y, 1, 1.0, b, 1);
  }
  ierr = UfpErrorSync(comm, ierr);
  if (!ierr) ierr = MPI_Allreduce(MPI_IN_PLACE, a, dim * dim, MPI_DOUBLE, MPI_SUM, comm) == MPI_SUCCESS
                        ? UFP_SUCCESS
                        : UFP_ERR_INTERNAL;
  if (!ierr) ierr = MPI_Allreduce(MPI_IN_PLACE, b, dim, MPI_DOUBLE, MPI_SUM, comm) == MPI_SUCCESS
                        ? UFP_SUCCESS
                        : UFP_ERR_INTERNAL;
  if (!ierr) ierr = kernel_rows(set->zeta, m, f0, f2, p0_sparse, p2_sparse, m, p0_sparse, p2_sparse, kmm);
  if (!ierr) {
    double mean = 0.0;
    for (int q = 0; q < dim; q++) mean += kmm[(size_t)q * dim + q];
    mean /= dim;
    for (int i = 0; i < dim; i++)
      for (int j = i; j < dim; j++)
        a[(size_t)i * dim + j] += set->sigma2 * 0.5 * (kmm[(size_t)i * dim + j] + kmm[(size_t)j * dim + i]);
    for (int q = 0; q < dim; q++) a[(size_t)q * dim + q] += set->jitter * mean;
    UfpSpdSolver solver = NULL;
    ierr = UfpSpdSolverCreate(comm, dim, &solver);
    if (!ierr) ierr = UfpSpdSolverSolve(solver, a, 1, b, w, 1e-12, NULL);
    UfpSpdSolverDestroy(&solver);
    /* u_M = scale sum_mu p2_mu(M) w_{M mu} */
    for (int j = 0; j < m && !ierr; j++)
      for (int mu = 0; mu < 5; mu++)
        cblas_daxpy(f2, scale * w[5 * j + mu], p2_sparse + ((size_t)j * 5 + mu) * f2, 1, model->u + (size_t)j * f2, 1);
  }
  UfpFree(&w);
  UfpFree(&a);
  UfpFree(&b);
  UfpFree(&kmm);
  UfpFree(&knm);
  UfpFree(&y);
  return ierr;
}

UfpErrorCode SagprPredict(const Sagpr model, int n, const double *p0, const double *p2, double *t)
{
  const int m = model->m, f0 = model->f0, f2 = model->f2, batch = 256, nb = n < batch ? n : batch;
  double *g = NULL, *s = NULL;
  UfpErrorCode ierr = UfpCalloc((size_t)5 * nb * m + 1, &g);
  if (!ierr) ierr = UfpCalloc((size_t)nb * m + 1, &s);
  for (int start = 0; start < n && !ierr; start += batch) {
    const int count = n - start < batch ? n - start : batch;
    /* G = P2 U^T: (5 count x f2)(f2 x m) */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 5 * count, m, f2, 1.0, p2 + (size_t)start * 5 * f2, f2,
                model->u, f2, 0.0, g, m);
    if (model->set.zeta > 1) {
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, count, m, f0, 1.0, p0 + (size_t)start * f0, f0, model->p0,
                  f0, 0.0, s, m);
      for (size_t q = 0; q < (size_t)count * m; q++) s[q] = pow(s[q], model->set.zeta - 1);
    }
    for (int i = 0; i < count; i++)
      for (int mu = 0; mu < 5; mu++) {
        const double *row = g + ((size_t)i * 5 + mu) * m;
        double sum = 0.0;
        if (model->set.zeta > 1)
          for (int j = 0; j < m; j++) sum += row[j] * s[(size_t)i * m + j];
        else
          for (int j = 0; j < m; j++) sum += row[j];
        t[((size_t)start + i) * 5 + mu] = sum;
      }
  }
  UfpFree(&g);
  UfpFree(&s);
  return ierr;
}

void SagprGetParts(const Sagpr model, SagprSettings *settings, int *f0, int *f2, int *m, const double **p0_sparse,
                   const double **u)
{
  *settings = model->set;
  *f0 = model->f0;
  *f2 = model->f2;
  *m = model->m;
  *p0_sparse = model->p0;
  *u = model->u;
}

UfpErrorCode SagprDestroy(Sagpr *model_ptr)
{
  if (!model_ptr || !*model_ptr) return UFP_SUCCESS;
  UfpFree(&(*model_ptr)->p0);
  UfpFree(&(*model_ptr)->u);
  UfpFree(model_ptr);
  return UFP_SUCCESS;
}
