/*
 * spd_solve.c -- symmetric positive (semi-)definite systems A x = b with
 * ScaLAPACK, Cholesky first and a truncated eigen-decomposition as fallback.
 *
 * Why.  The linear fits of ufp-nmr (UF3 spline coefficients, the weights of a
 * projected-process Gaussian process) end in regularised normal equations
 *     A = G^T W G + Lambda,   b = G^T W y,
 * with n up to a few 10^4 unknowns.  A is symmetric and, in exact arithmetic,
 * positive semi-definite; its condition number is the square of that of G,
 * so spline coefficients that no data point touches, or nearly collinear GP
 * inducing points, make it singular to working precision.  Cholesky is the
 * right tool when A is well conditioned (n^3/3 flops, backward stable); when
 * it is not, the meaningful answer is the minimum-norm least-squares solution
 * on the well-determined subspace, which the eigen-decomposition gives.
 *
 * Layout.  The ranks of comm form a BLACS grid nprow x npcol (as square as
 * possible, which minimises the panel broadcasts of pdpotrf: each moves
 * O(n^2 / sqrt(P)) data).  A is distributed 2-D block-cyclically with square
 * nb x nb blocks: global row i (0-based) lives in block i / nb, on process row
 * (i / nb) mod nprow, at local row (i / (nb nprow)) nb + i mod nb; columns
 * likewise over process columns.  The cyclic wrap keeps every rank busy as
 * the factorisation front moves through the matrix.  nb = 64 suits level-3
 * BLAS; small systems use ceil(n / max(nprow, npcol)) so that every rank
 * still holds a share.  Since a and b are replicated, each rank copies its
 * own blocks straight from them: the input needs no communication.
 *
 * Cholesky path.
 *   1. anorm = ||A||_1 (pdlansy), before A is overwritten.
 *   2. A = U^T U (pdpotrf, upper triangle).  info > 0: a leading minor is not
 *      positive definite -> fallback.
 *   3. rcond = 1 / (||A||_1 est(||A^-1||_1)), with Hager's estimator as
 *      refined by Higham (the algorithm of LAPACK's dlacn2): a few vectors
 *      x (ones / n, sign vectors, unit vectors e_j, an alternating ramp) are
 *      pushed through A^-1 with the factor, and max ||A^-1 x||_1 / ||x||_1
 *      is a lower bound that is almost always within a factor 3 of the true
 *      norm.  A is symmetric, so A^-T = A^-1 and every step is one pdpotrs
 *      on a replicated vector: at most 11 solves of O(n^2 / P) flops each,
 *      latency bound but small next to the factorisation's n^3 / (3 P).
 *      (ScaLAPACK 2.2's pdpocon is not used: its pdlacon resets the
 *      estimate on every reverse-communication call and so returns only the
 *      last, alternating-ramp probe, an estimate up to orders of magnitude
 *      too small; diag(1..10) gives rcond 0.40 instead of 0.10.)
 *      rcond < rcond_min -> fallback: the Cholesky solution would carry
 *      relative errors of order eps / rcond, and the near-null directions
 *      are noise.
 *   4. U^T U X = B (pdpotrs) for all right-hand sides at once, B distributed
 *      like A's columns (n x nrhs, nb x nb blocks).
 * The decision (info, rcond) is reduced over comm so that every rank takes
 * the same branch whatever ScaLAPACK returned on each.
 *
 * Eigen fallback.  A = V diag(lambda) V^T (pdsyevd, divide and conquer,
 * about 9 n^3 flops: three times Cholesky or more, hence only a fallback).
 * With lambda_max the largest eigenvalue and tau = rcond_min lambda_max,
 *     x = sum_{lambda_k > tau} v_k (v_k^T b) / lambda_k,
 * the pseudo-inverse A^+ b truncated at relative level rcond_min: the
 * minimum-norm x minimising ||A x - b|| on the kept subspace.  Negative
 * eigenvalues (A indefinite through rounding or a caller's error) are always
 * left out.  The eigenvalues are replicated by pdsyevd and broadcast from
 * rank 0 so that every rank drops the same ones.  The two products with V
 * use the local blocks: c = V^T b and x = V c are summed over the ranks with
 * one MPI_Allreduce each (n nrhs doubles, like the final gather).
 *
 * Reproducibility.  For a given rank count the result is bitwise the same
 * from call to call and on every rank: the BLACS combines are set to be
 * repeatable and coherent (by default pdsyevd's sums may be reduced in a
 * different order on different ranks and calls), and every decision (info,
 * rcond, the eigenvalues) is reduced or broadcast over comm first.
 *
 * Output.  Each global entry of the distributed solution lives on exactly one
 * rank: each rank writes its entries into a zeroed x and an MPI_Allreduce sum
 * (exact, since the other terms are zeros) replicates it.
 *
 * Memory per rank: A's local blocks (~n^2/P doubles) and O(n nrhs) vectors;
 * the fallback adds V's local blocks and pdsyevd's work space, allocated at
 * the first fallback and kept (see spd_solve.h).
 *
 * Reference: L. S. Blackford et al., ScaLAPACK Users' Guide (SIAM, 1997),
 * ch. 4 (block-cyclic layout) and 5 (pdpotrf, pdsyevd); N. J. Higham,
 * ACM Trans. Math. Softw. 14, 381 (1988) (the 1-norm estimator) and
 * Accuracy and Stability of Numerical Algorithms (SIAM, 2002), ch. 10
 * (Cholesky), 15 (condition estimation) and 20 (truncated least squares).
 *
 * Debian's libscalapack-openmpi installs no header: the prototypes are
 * declared here.  The Fortran routines with CHARACTER arguments receive the
 * hidden string lengths (size_t, gfortran) at the end.
 */
#include "spd_solve.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "parallel.h"

/* ---------------------------------------------------------------- BLACS, ScaLAPACK */

int Csys2blacs_handle(MPI_Comm comm);
void Cblacs_gridinit(int *context, const char *order, int nprow, int npcol);
void Cblacs_gridinfo(int context, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit(int context);
void Cblacs_set(int context, int what, int *value);
/* BLACS_SET "what" values (BLACS Bdef.h: SGET_TOPSREPEAT, SGET_TOPSCOHRNT). */
enum { UFP_BLACS_TOPS_REPEAT = 15, UFP_BLACS_TOPS_COHERENT = 16 };

int numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc, const int *nprocs);
void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb, const int *irsrc,
               const int *icsrc, const int *context, const int *lld, int *info);
double pdlansy_(const char *norm, const char *uplo, const int *n, const double *a, const int *ia,
                const int *ja, const int *desca, double *work, size_t norm_len, size_t uplo_len);
void pdpotrf_(const char *uplo, const int *n, double *a, const int *ia, const int *ja, const int *desca,
              int *info, size_t uplo_len);
void pdpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *ia, const int *ja,
              const int *desca, double *b, const int *ib, const int *jb, const int *descb, int *info,
              size_t uplo_len);
void pdsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *ia, const int *ja,
              const int *desca, double *w, double *z, const int *iz, const int *jz, const int *descz,
              double *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t jobz_len,
              size_t uplo_len);

enum { UFP_SPD_NB_MAX = 64, UFP_SPD_DLEN = 9 };

struct UfpSpdSolver_ {
  MPI_Comm comm;
  int n, nb;
  int context, have_context; /* BLACS grid on comm */
  int nprow, npcol, myrow, mycol;
  int mloc, nloc, lld;          /* local rows, columns and leading dimension of A */
  int desc[UFP_SPD_DLEN];       /* A (and V) */
  int *row_global, *col_global; /* global index of each local row / column */
  double *a_local;              /* lld x nloc, column-major */
  double *lansy_work;           /* pdlansy */
  double *probe, *probe_sign;   /* n each: the condition estimator's vectors */
  double *rhs_local;            /* B blocks (Cholesky) or b rows (eigen) */
  size_t rhs_capacity;
  /* eigen fallback, allocated on first use */
  double *lambda;  /* n eigenvalues, ascending */
  double *v_local; /* eigenvectors, like a_local */
  double *syevd_work;
  int *syevd_iwork;
  int syevd_lwork, syevd_liwork;
  double *coeff; /* V^T b, n x nrhs replicated */
  size_t coeff_capacity;
};

static const int ONE = 1, ZERO = 0;

/* Global index of local index l on process iproc of nprocs, blocks of nb,
 * first block on process 0. */
static int local_to_global(int l, int nb, int iproc, int nprocs)
{
  return ((l / nb) * nprocs + iproc) * nb + l % nb;
}

/* Make a ScaLAPACK info identical on every rank: the largest positive value
 * wins; a negative value anywhere (an illegal argument) is an internal
 * error on every rank. */
static UfpErrorCode agree_info(MPI_Comm comm, const char *routine, int *info)
{
  int extremes[2] = {*info, -*info};
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, extremes, 2, MPI_INT, MPI_MAX, comm));
  UfpCheck(extremes[1] <= 0, UFP_ERR_INTERNAL, "%s: argument %d had an illegal value", routine, extremes[1]);
  *info = extremes[0];
  return UFP_SUCCESS;
}

/* Grow *buffer to hold at least count doubles (contents not kept). */
static UfpErrorCode reserve(size_t count, double **buffer, size_t *capacity)
{
  if (count <= *capacity) return UFP_SUCCESS;
  UfpFree(buffer);
  *capacity = 0;
  UfpCall(UfpCalloc(count, buffer));
  *capacity = count;
  return UFP_SUCCESS;
}

/* Copy this rank's blocks of the symmetric A from the replicated row-major
 * upper triangle (A(i,j) = a[min(i,j) n + max(i,j)]) into dest; returns the
 * number of non-finite entries met. */
static int fill_local(const struct UfpSpdSolver_ *s, const double *a, double *dest)
{
  int nonfinite = 0;
  for (int jl = 0; jl < s->nloc; jl++) {
    int64_t j = s->col_global[jl];
    for (int il = 0; il < s->mloc; il++) {
      int64_t i = s->row_global[il];
      double value = i <= j ? a[i * s->n + j] : a[j * s->n + i];
      if (!isfinite(value)) nonfinite++;
      dest[il + (size_t)jl * s->lld] = value;
    }
  }
  return nonfinite;
}

/* --------------------------------------------------------------- lifecycle */

/* Everything after the grid: layout, descriptors, work space queries. */
static UfpErrorCode plan_layout(UfpSpdSolver s)
{
  int info = 0;
  s->mloc = numroc_(&s->n, &s->nb, &s->myrow, &ZERO, &s->nprow);
  s->nloc = numroc_(&s->n, &s->nb, &s->mycol, &ZERO, &s->npcol);
  s->lld = s->mloc > 1 ? s->mloc : 1;
  descinit_(s->desc, &s->n, &s->n, &s->nb, &s->nb, &ZERO, &ZERO, &s->context, &s->lld, &info);
  UfpCheck(info == 0, UFP_ERR_INTERNAL, "descinit: argument %d had an illegal value", -info);

  UfpCall(UfpCalloc(s->mloc > 0 ? s->mloc : 1, &s->row_global));
  UfpCall(UfpCalloc(s->nloc > 0 ? s->nloc : 1, &s->col_global));
  for (int il = 0; il < s->mloc; il++)
    s->row_global[il] = local_to_global(il, s->nb, s->myrow, s->nprow);
  for (int jl = 0; jl < s->nloc; jl++)
    s->col_global[jl] = local_to_global(jl, s->nb, s->mycol, s->npcol);
  UfpCall(UfpCalloc((size_t)s->lld * (size_t)(s->nloc > 0 ? s->nloc : 1), &s->a_local));
  UfpCall(UfpCalloc(s->n, &s->lambda));
  UfpCall(UfpCalloc(s->n, &s->probe));
  UfpCall(UfpCalloc(s->n, &s->probe_sign));

  /* pdlansy('1'): 2 Nq0 + Np0 + LDW with LDW <= Np0 + nb; bounded by the
   * largest local sizes (process row and column 0). */
  int np0 = numroc_(&s->n, &s->nb, &ZERO, &ZERO, &s->nprow);
  int nq0 = numroc_(&s->n, &s->nb, &ZERO, &ZERO, &s->npcol);
  UfpCall(UfpCalloc((size_t)2 * nq0 + (size_t)2 * np0 + (size_t)s->nb, &s->lansy_work));
  return UFP_SUCCESS;
}

/* Work space queries (collective: ScaLAPACK checks arguments over the grid). */
static UfpErrorCode query_work(UfpSpdSolver s)
{
  int info = 0, query = -1, iquery = 0;
  double wquery = 0.0;
  pdsyevd_("V", "U", &s->n, s->a_local, &ONE, &ONE, s->desc, s->lambda, s->a_local, &ONE, &ONE, s->desc,
           &wquery, &query, &iquery, &query, &info, 1, 1);
  UfpCall(agree_info(s->comm, "pdsyevd (work space query)", &info));
  /* pdsyevd's own query leaves out what its back-transformation (pdormtr,
   * after 3 n scalars of its own) needs when nb is close to the local sizes:
   * max(nb (nb - 1) / 2, (MpC0 + NqC0) nb) + nb^2, here bounded with the
   * largest local sizes plus one block for the row offset. */
  int64_t nb = s->nb, np0 = numroc_(&s->n, &s->nb, &ZERO, &ZERO, &s->nprow) + s->nb;
  int64_t nq0 = numroc_(&s->n, &s->nb, &ZERO, &ZERO, &s->npcol) + s->nb;
  int64_t ormtr = (np0 + nq0) * nb > nb * (nb - 1) / 2 ? (np0 + nq0) * nb : nb * (nb - 1) / 2;
  double lwork = fmax(wquery, (double)(3 * (int64_t)s->n + ormtr + nb * nb)) + 1.0;
  UfpCheck(lwork < (double)INT_MAX, UFP_ERR_USAGE,
           "SPD solver: the eigen fallback for n = %d needs %.3g doubles of work space per rank, "
           "beyond a 32-bit ScaLAPACK; use more ranks",
           s->n, lwork);
  s->syevd_lwork = (int)lwork;
  s->syevd_liwork = iquery > 1 ? iquery : 1;
  return UFP_SUCCESS;
}

UfpErrorCode UfpSpdSolverCreate(MPI_Comm comm, int n, UfpSpdSolver *solver)
{
  UfpCheck(solver != NULL, UFP_ERR_INTERNAL, "UfpSpdSolverCreate: NULL handle");
  *solver = NULL;
  UfpCheck(n >= 1, UFP_ERR_USAGE, "SPD solver: the system size must be at least 1 (got n = %d)", n);
  UfpCheck(comm != MPI_COMM_NULL, UFP_ERR_INTERNAL, "SPD solver: MPI_COMM_NULL communicator");
  int size = UfpCommSize(comm);

  UfpSpdSolver s = NULL;
  UfpCall(UfpCalloc(1, &s));
  s->comm = comm;
  s->n = n;
  /* As square as possible: nprow the largest divisor of size <= sqrt(size). */
  s->nprow = 1;
  for (int p = 1; p * p <= size; p++)
    if (size % p == 0) s->nprow = p;
  s->npcol = size / s->nprow;
  int spread = s->npcol;
  s->nb = (n + spread - 1) / spread;
  if (s->nb > UFP_SPD_NB_MAX) s->nb = UFP_SPD_NB_MAX;

  /* The grid is built on comm's BLACS system handle.  The handle is not
   * freed: BLACS returns the same one to every caller that passes the same
   * communicator, so freeing it here could pull it from under other code. */
  s->context = Csys2blacs_handle(comm);
  Cblacs_gridinit(&s->context, "Row-major", s->nprow, s->npcol);
  s->have_context = s->context >= 0;
  if (s->have_context) {
    /* Repeatable and coherent BLACS combines: without them the sums inside
     * pdsyevd may differ between ranks and between calls (seen on a 1 x 3
     * grid: eigen solutions changed by 1e-14 from one call to the next). */
    int yes = 1;
    Cblacs_set(s->context, UFP_BLACS_TOPS_REPEAT, &yes);
    Cblacs_set(s->context, UFP_BLACS_TOPS_COHERENT, &yes);
  }
  int nprow = -1, npcol = -1;
  if (s->have_context) Cblacs_gridinfo(s->context, &nprow, &npcol, &s->myrow, &s->mycol);
  UfpErrorCode code = UFP_SUCCESS;
  if (!s->have_context || nprow != s->nprow || npcol != s->npcol)
    code = UfpError(UFP_ERR_INTERNAL, "SPD solver: BLACS could not build a %d x %d grid on %d ranks",
                    s->nprow, s->npcol, size);
  if (code == UFP_SUCCESS) code = plan_layout(s);
  code = UfpErrorSync(comm, code);
  if (code == UFP_SUCCESS) code = query_work(s);
  if (code != UFP_SUCCESS) {
    UfpSpdSolverDestroy(&s);
    return UfpErrorTrace(code, __FILE__, __LINE__, __func__);
  }
  *solver = s;
  return UFP_SUCCESS;
}

void UfpSpdSolverGetLayout(UfpSpdSolver solver, int *nprow, int *npcol, int *nb)
{
  if (nprow) *nprow = solver->nprow;
  if (npcol) *npcol = solver->npcol;
  if (nb) *nb = solver->nb;
}

UfpErrorCode UfpSpdSolverDestroy(UfpSpdSolver *solver)
{
  if (solver == NULL || *solver == NULL) return UFP_SUCCESS;
  UfpSpdSolver s = *solver;
  if (s->have_context) Cblacs_gridexit(s->context);
  UfpFree(&s->row_global);
  UfpFree(&s->col_global);
  UfpFree(&s->a_local);
  UfpFree(&s->lansy_work);
  UfpFree(&s->probe);
  UfpFree(&s->probe_sign);
  UfpFree(&s->rhs_local);
  UfpFree(&s->lambda);
  UfpFree(&s->v_local);
  UfpFree(&s->syevd_work);
  UfpFree(&s->syevd_iwork);
  UfpFree(&s->coeff);
  UfpFree(solver);
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------------ solve */

/* Replicate a distributed n x nrhs matrix (blocks nb x nb) into x[r n + i]. */
static UfpErrorCode gather_solution(UfpSpdSolver s, int nrhs, const double *b_local, double *x)
{
  size_t total = (size_t)s->n * (size_t)nrhs;
  memset(x, 0, total * sizeof *x);
  int nloc_rhs = numroc_(&nrhs, &s->nb, &s->mycol, &ZERO, &s->npcol);
  for (int jl = 0; jl < nloc_rhs; jl++) {
    size_t r = (size_t)local_to_global(jl, s->nb, s->mycol, s->npcol);
    for (int il = 0; il < s->mloc; il++)
      x[r * s->n + s->row_global[il]] = b_local[il + (size_t)jl * s->lld];
  }
  UfpCall(UfpAllreduceSumDouble(s->comm, x, (int)total));
  return UFP_SUCCESS;
}

/* x = A^-1 b for nrhs replicated vectors with the factor in a_local (b may
 * be x). */
static UfpErrorCode solve_with_factor(UfpSpdSolver s, int nrhs, const double *b, double *x)
{
  int info = 0, descb[UFP_SPD_DLEN];
  descinit_(descb, &s->n, &nrhs, &s->nb, &s->nb, &ZERO, &ZERO, &s->context, &s->lld, &info);
  UfpCheck(info == 0, UFP_ERR_INTERNAL, "descinit (right-hand sides): argument %d had an illegal value",
           -info);
  int nloc_rhs = numroc_(&nrhs, &s->nb, &s->mycol, &ZERO, &s->npcol);
  for (int jl = 0; jl < nloc_rhs; jl++) {
    size_t r = (size_t)local_to_global(jl, s->nb, s->mycol, s->npcol);
    for (int il = 0; il < s->mloc; il++)
      s->rhs_local[il + (size_t)jl * s->lld] = b[r * s->n + s->row_global[il]];
  }
  pdpotrs_("U", &s->n, &nrhs, s->a_local, &ONE, &ONE, s->desc, s->rhs_local, &ONE, &ONE, descb, &info, 1);
  UfpCall(agree_info(s->comm, "pdpotrs", &info));
  UfpCall(gather_solution(s, nrhs, s->rhs_local, x));
  return UFP_SUCCESS;
}

static double norm1(int n, const double *x)
{
  double sum = 0.0;
  for (int i = 0; i < n; i++)
    sum += fabs(x[i]);
  return sum;
}

static int argmax_abs(int n, const double *x)
{
  int j = 0;
  for (int i = 1; i < n; i++)
    if (fabs(x[i]) > fabs(x[j])) j = i;
  return j;
}

/* Lower bound of ||A^-1||_1 (Hager 1984, Higham 1988; the steps of LAPACK's
 * dlacn2), A^-1 = A^-T applied with the factor.  Every vector is replicated
 * and identical on every rank, so every rank takes the same steps. */
static UfpErrorCode estimate_inverse_norm(UfpSpdSolver s, double *estimate)
{
  enum { ITERATIONS_MAX = 5 };
  int n = s->n;
  double *x = s->probe, *sign = s->probe_sign;
  for (int i = 0; i < n; i++)
    x[i] = 1.0 / n;
  UfpCall(solve_with_factor(s, 1, x, x));
  double est = norm1(n, x);
  if (n == 1) {
    *estimate = est;
    return UFP_SUCCESS;
  }
  /* Gradient step: the column of A^-1 that the sign vector points at. */
  for (int i = 0; i < n; i++)
    x[i] = sign[i] = x[i] >= 0 ? 1.0 : -1.0;
  UfpCall(solve_with_factor(s, 1, x, x));
  int j = argmax_abs(n, x);
  for (int iteration = 2;; iteration++) {
    memset(x, 0, (size_t)n * sizeof *x);
    x[j] = 1.0;
    UfpCall(solve_with_factor(s, 1, x, x));
    double column = norm1(n, x);
    int repeated = 1;
    for (int i = 0; i < n && repeated; i++)
      repeated = (x[i] >= 0 ? 1.0 : -1.0) == sign[i];
    double previous_est = est;
    if (column > est) est = column;
    if (repeated || column <= previous_est) break; /* converged, or cycling */
    for (int i = 0; i < n; i++)
      x[i] = sign[i] = x[i] >= 0 ? 1.0 : -1.0;
    UfpCall(solve_with_factor(s, 1, x, x));
    int previous = j;
    j = argmax_abs(n, x);
    if (x[previous] == fabs(x[j]) || iteration >= ITERATIONS_MAX) break;
  }
  /* Safeguard against the estimator's known failures: an alternating ramp. */
  for (int i = 0; i < n; i++)
    x[i] = (i % 2 ? -1.0 : 1.0) * (1.0 + (double)i / (n - 1));
  UfpCall(solve_with_factor(s, 1, x, x));
  double ramp = 2.0 * norm1(n, x) / (3.0 * n);
  *estimate = ramp > est ? ramp : est;
  return UFP_SUCCESS;
}

/* Cholesky factorisation of the filled a_local; *accepted tells whether it
 * is positive definite with rcond >= rcond_min (identical on every rank). */
static UfpErrorCode try_cholesky(UfpSpdSolver s, double rcond_min, int *accepted, double *rcond)
{
  int info = 0;
  *accepted = 0;
  *rcond = 0.0;
  double anorm = pdlansy_("1", "U", &s->n, s->a_local, &ONE, &ONE, s->desc, s->lansy_work, 1, 1);
  pdpotrf_("U", &s->n, s->a_local, &ONE, &ONE, s->desc, &info, 1);
  UfpCall(agree_info(s->comm, "pdpotrf", &info));
  if (info > 0) return UFP_SUCCESS; /* not positive definite */

  double inverse_norm = 0.0;
  UfpCall(estimate_inverse_norm(s, &inverse_norm));
  *rcond = anorm > 0 && inverse_norm > 0 ? 1.0 / (anorm * inverse_norm) : 0.0;
  /* anorm is replicated by pdlansy; make sure every rank decides alike. */
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, rcond, 1, MPI_DOUBLE, MPI_MIN, s->comm));
  *accepted = *rcond >= rcond_min;
  return UFP_SUCCESS;
}

static UfpErrorCode allocate_eigen_work(UfpSpdSolver s)
{
  if (s->syevd_iwork) return UFP_SUCCESS; /* allocated last */
  UfpFree(&s->v_local);
  UfpFree(&s->syevd_work);
  UfpCall(UfpCalloc((size_t)s->lld * (size_t)(s->nloc > 0 ? s->nloc : 1), &s->v_local));
  UfpCall(UfpCalloc(s->syevd_lwork, &s->syevd_work));
  UfpCall(UfpCalloc(s->syevd_liwork, &s->syevd_iwork));
  return UFP_SUCCESS;
}

/* x = sum_{lambda_k > rcond_min lambda_max} v_k (v_k . b) / lambda_k. */
static UfpErrorCode solve_eigen(UfpSpdSolver s, const double *a, int nrhs, const double *b, double *x,
                                double rcond_min, UfpSpdInfo *result)
{
  int n = s->n, info = 0;
  size_t total = (size_t)n * (size_t)nrhs;
  UfpCall(UfpErrorSync(s->comm, allocate_eigen_work(s)));
  UfpCall(UfpErrorSync(s->comm, reserve(total, &s->coeff, &s->coeff_capacity)));

  fill_local(s, a, s->a_local); /* pdpotrf overwrote it; finiteness was checked */
  pdsyevd_("V", "U", &n, s->a_local, &ONE, &ONE, s->desc, s->lambda, s->v_local, &ONE, &ONE, s->desc,
           s->syevd_work, &s->syevd_lwork, s->syevd_iwork, &s->syevd_liwork, &info, 1, 1);
  UfpCall(agree_info(s->comm, "pdsyevd", &info));
  UfpCheck(info == 0, UFP_ERR_INTERNAL,
           "SPD solver: the eigen-decomposition (pdsyevd) of the %d x %d matrix failed to converge "
           "(info %d)",
           n, n, info);
  UfpCall(UfpBcastBytes(s->comm, s->lambda, (size_t)n * sizeof *s->lambda, 0));

  double lambda_max = s->lambda[n - 1], threshold = rcond_min * lambda_max;
  result->method = UFP_SPD_EIGEN;
  result->lambda_min = s->lambda[0];
  result->lambda_max = lambda_max;
  result->rcond = lambda_max > 0 ? s->lambda[0] / lambda_max : 0.0;
  result->ndropped = 0;
  for (int k = 0; k < n; k++)
    if (!(s->lambda[k] > threshold && s->lambda[k] > 0)) result->ndropped++;

  /* c = V^T b: each rank sums over its local rows for its local columns. */
  double *b_rows = s->rhs_local, *coeff = s->coeff;
  for (int r = 0; r < nrhs; r++)
    for (int il = 0; il < s->mloc; il++)
      b_rows[il + (size_t)r * s->lld] = b[(size_t)r * n + s->row_global[il]];
  memset(coeff, 0, total * sizeof *coeff);
  for (int kl = 0; kl < s->nloc; kl++) {
    const double *v = s->v_local + (size_t)kl * s->lld;
    for (int r = 0; r < nrhs; r++) {
      const double *rows = b_rows + (size_t)r * s->lld;
      double dot = 0.0;
      for (int il = 0; il < s->mloc; il++)
        dot += v[il] * rows[il];
      coeff[(size_t)r * n + s->col_global[kl]] = dot;
    }
  }
  UfpCall(UfpAllreduceSumDouble(s->comm, coeff, (int)total));
  for (int r = 0; r < nrhs; r++)
    for (int k = 0; k < n; k++) {
      double lambda = s->lambda[k];
      coeff[(size_t)r * n + k] = lambda > threshold && lambda > 0 ? coeff[(size_t)r * n + k] / lambda : 0.0;
    }

  /* x = V c, summed over the ranks the same way (b was read above, so x may
   * alias it). */
  memset(x, 0, total * sizeof *x);
  for (int kl = 0; kl < s->nloc; kl++) {
    const double *v = s->v_local + (size_t)kl * s->lld;
    for (int r = 0; r < nrhs; r++) {
      double ck = coeff[(size_t)r * n + s->col_global[kl]];
      if (ck == 0.0) continue;
      double *xr = x + (size_t)r * n;
      for (int il = 0; il < s->mloc; il++)
        xr[s->row_global[il]] += v[il] * ck;
    }
  }
  UfpCall(UfpAllreduceSumDouble(s->comm, x, (int)total));
  return UFP_SUCCESS;
}

UfpErrorCode UfpSpdSolverSolve(UfpSpdSolver solver, const double *a, int nrhs, const double *b, double *x,
                               double rcond_min, UfpSpdInfo *info)
{
  UfpSpdSolver s = solver;
  UfpCheck(s != NULL, UFP_ERR_INTERNAL, "UfpSpdSolverSolve: NULL solver");
  UfpCheck(a != NULL && b != NULL && x != NULL, UFP_ERR_INTERNAL, "UfpSpdSolverSolve: NULL array");
  UfpCheck(nrhs >= 1, UFP_ERR_USAGE, "SPD solver: need at least one right-hand side (got %d)", nrhs);
  UfpCheck((int64_t)s->n * nrhs <= INT_MAX, UFP_ERR_USAGE,
           "SPD solver: %d right-hand sides of size %d exceed %d values", nrhs, s->n, INT_MAX);
  UfpCheck(rcond_min >= 0.0 && rcond_min < 1.0, UFP_ERR_USAGE,
           "SPD solver: rcond_min must lie in [0, 1) (got %g)", rcond_min);
  size_t total = (size_t)s->n * (size_t)nrhs;
  for (size_t i = 0; i < total; i++)
    UfpCheck(isfinite(b[i]), UFP_ERR_INPUT, "SPD solver: right-hand side %zu, entry %zu is not finite (%g)",
             i / (size_t)s->n, i % (size_t)s->n, b[i]);

  UfpSpdInfo result = {UFP_SPD_CHOLESKY, 0.0, 0, 0.0, 0.0};
  UfpCall(UfpErrorSync(s->comm, reserve((size_t)s->lld * (size_t)nrhs, &s->rhs_local, &s->rhs_capacity)));
  int nonfinite = fill_local(s, a, s->a_local);
  UfpCall(UfpAllreduceMaxInt(s->comm, &nonfinite));
  UfpCheck(nonfinite == 0, UFP_ERR_INPUT,
           "SPD solver: the %d x %d matrix has non-finite entries in its upper triangle", s->n, s->n);

  int accepted = 0;
  UfpCall(try_cholesky(s, rcond_min, &accepted, &result.rcond));
  if (accepted)
    UfpCall(solve_with_factor(s, nrhs, b, x));
  else
    UfpCall(solve_eigen(s, a, nrhs, b, x, rcond_min, &result));
  if (info) *info = result;
  return UFP_SUCCESS;
}
