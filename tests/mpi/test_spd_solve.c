/* test_spd_solve.c -- ScaLAPACK SPD solver against serial LAPACK on N ranks.
 *
 * Every rank builds the same deterministic matrices; the references are
 * serial LAPACKE (dposv, dpocon, dsyevd) on the full matrix. */
#include <lapacke.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "spd_solve.h"
#include "test_util.h"

/* ------------------------------------------------------------- test data */

/* Uniform in [-1, 1) from a splitmix64 stream. */
static double uniform(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return 2.0 * (double)(z >> 11) / 9007199254740992.0 - 1.0;
}

static double *random_array(size_t count, uint64_t seed)
{
  double *values = malloc(count * sizeof *values);
  assert_non_null(values);
  for (size_t i = 0; i < count; i++)
    values[i] = uniform(&seed);
  return values;
}

/* a = G^T G / rows + shift I with G rows x n random (full, symmetric). */
static double *gram_matrix(int n, int rows, double shift, uint64_t seed)
{
  double *g = random_array((size_t)rows * n, seed);
  double *a = calloc((size_t)n * n, sizeof *a);
  assert_non_null(a);
  for (int i = 0; i < n; i++)
    for (int j = i; j < n; j++) {
      double sum = 0.0;
      for (int k = 0; k < rows; k++)
        sum += g[(size_t)k * n + i] * g[(size_t)k * n + j];
      a[(size_t)i * n + j] = a[(size_t)j * n + i] = sum / rows + (i == j ? shift : 0.0);
    }
  free(g);
  return a;
}

/* Random orthogonal n x n Q (column-major: column k is q + k n). */
static double *orthogonal_matrix(int n, uint64_t seed)
{
  double *q = random_array((size_t)n * n, seed);
  double *tau = malloc((size_t)n * sizeof *tau);
  assert_int_equal(LAPACKE_dgeqrf(LAPACK_COL_MAJOR, n, n, q, n, tau), 0);
  assert_int_equal(LAPACKE_dorgqr(LAPACK_COL_MAJOR, n, n, n, q, n, tau), 0);
  free(tau);
  return q;
}

/* a = Q diag(lambda) Q^T. */
static double *spectral_matrix(int n, const double *q, const double *lambda)
{
  double *a = calloc((size_t)n * n, sizeof *a);
  assert_non_null(a);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double sum = 0.0;
      for (int k = 0; k < n; k++)
        sum += q[(size_t)k * n + i] * lambda[k] * q[(size_t)k * n + j];
      a[(size_t)i * n + j] = sum;
    }
  /* exactly symmetric */
  for (int i = 0; i < n; i++)
    for (int j = 0; j < i; j++)
      a[(size_t)i * n + j] = a[(size_t)j * n + i];
  return a;
}

/* y = A x for nrhs vectors (layout x[r n + i]). */
static double *multiply(int n, int nrhs, const double *a, const double *x)
{
  double *y = calloc((size_t)n * nrhs, sizeof *y);
  assert_non_null(y);
  for (int r = 0; r < nrhs; r++)
    for (int i = 0; i < n; i++) {
      double sum = 0.0;
      for (int j = 0; j < n; j++)
        sum += a[(size_t)i * n + j] * x[(size_t)r * n + j];
      y[(size_t)r * n + i] = sum;
    }
  return y;
}

static double max_abs(size_t count, const double *v)
{
  double m = 0.0;
  for (size_t i = 0; i < count; i++)
    m = fmax(m, fabs(v[i]));
  return m;
}

/* max |x - y| / max |y|. */
static double relative_difference(size_t count, const double *x, const double *y)
{
  double d = 0.0;
  for (size_t i = 0; i < count; i++)
    d = fmax(d, fabs(x[i] - y[i]));
  return d / max_abs(count, y);
}

/* ||A x - b||_inf / (||A||_inf ||x||_inf + ||b||_inf), worst right-hand side. */
static double scaled_residual(int n, int nrhs, const double *a, const double *x, const double *b)
{
  double *ax = multiply(n, nrhs, a, x), worst = 0.0, anorm = 0.0;
  for (int i = 0; i < n; i++) {
    double row = 0.0;
    for (int j = 0; j < n; j++)
      row += fabs(a[(size_t)i * n + j]);
    anorm = fmax(anorm, row);
  }
  for (int r = 0; r < nrhs; r++) {
    size_t o = (size_t)r * n;
    double d = 0.0;
    for (int i = 0; i < n; i++)
      d = fmax(d, fabs(ax[o + i] - b[o + i]));
    worst = fmax(worst, d / (anorm * max_abs(n, x + o) + max_abs(n, b + o)));
  }
  free(ax);
  return worst;
}

/* ----------------------------------------------------- serial references */

static double *reference_cholesky(int n, int nrhs, const double *a, const double *b, double *rcond)
{
  double *factor = malloc((size_t)n * n * sizeof *factor), *x = malloc((size_t)n * nrhs * sizeof *x);
  memcpy(factor, a, (size_t)n * n * sizeof *factor);
  memcpy(x, b, (size_t)n * nrhs * sizeof *x);
  double anorm = LAPACKE_dlansy(LAPACK_COL_MAJOR, '1', 'U', n, factor, n);
  assert_int_equal(LAPACKE_dposv(LAPACK_COL_MAJOR, 'U', n, nrhs, factor, n, x, n), 0);
  if (rcond) assert_int_equal(LAPACKE_dpocon(LAPACK_COL_MAJOR, 'U', n, factor, n, anorm, rcond), 0);
  free(factor);
  return x;
}

/* 1 / (||A||_1 ||A^-1||_1) from the explicit inverse. */
static double reciprocal_condition(int n, const double *a)
{
  double *inverse = malloc((size_t)n * n * sizeof *inverse);
  memcpy(inverse, a, (size_t)n * n * sizeof *inverse);
  double anorm = LAPACKE_dlansy(LAPACK_COL_MAJOR, '1', 'U', n, inverse, n);
  assert_int_equal(LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', n, inverse, n), 0);
  assert_int_equal(LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', n, inverse, n), 0);
  double inverse_norm = LAPACKE_dlansy(LAPACK_COL_MAJOR, '1', 'U', n, inverse, n);
  free(inverse);
  return 1.0 / (anorm * inverse_norm);
}

/* Truncated pseudo-inverse: x = sum_{lambda_k > rcond_min lambda_max} v_k v_k^T b / lambda_k. */
static double *reference_eigen(int n, int nrhs, const double *a, const double *b, double rcond_min,
                               int *ndropped, double *lambda_min, double *lambda_max)
{
  double *v = malloc((size_t)n * n * sizeof *v), *lambda = malloc((size_t)n * sizeof *lambda);
  double *x = calloc((size_t)n * nrhs, sizeof *x);
  memcpy(v, a, (size_t)n * n * sizeof *v);
  assert_int_equal(LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', n, v, n, lambda), 0);
  double threshold = rcond_min * lambda[n - 1];
  *ndropped = 0;
  for (int k = 0; k < n; k++) {
    if (!(lambda[k] > threshold && lambda[k] > 0)) {
      (*ndropped)++;
      continue;
    }
    const double *vk = v + (size_t)k * n;
    for (int r = 0; r < nrhs; r++) {
      double dot = 0.0;
      for (int i = 0; i < n; i++)
        dot += vk[i] * b[(size_t)r * n + i];
      for (int i = 0; i < n; i++)
        x[(size_t)r * n + i] += vk[i] * dot / lambda[k];
    }
  }
  *lambda_min = lambda[0];
  *lambda_max = lambda[n - 1];
  free(v);
  free(lambda);
  return x;
}

/* 1 if values are bitwise identical to rank 0's. */
static int same_as_rank0(MPI_Comm comm, size_t count, const double *values)
{
  double *root = malloc(count * sizeof *root);
  memcpy(root, values, count * sizeof *root);
  MPI_Bcast(root, (int)count, MPI_DOUBLE, 0, comm);
  int same = memcmp(root, values, count * sizeof *root) == 0;
  free(root);
  return ufp_test_all_true(comm, same);
}

/* ------------------------------------------------------------------ tests */

static void check_cholesky_case(int n, int nrhs, uint64_t seed)
{
  MPI_Comm comm = MPI_COMM_WORLD;
  double *a = gram_matrix(n, n + 20, 0.05, seed);
  double *b = random_array((size_t)n * nrhs, seed + 1);
  double *x = calloc((size_t)n * nrhs, sizeof *x);
  double rcond_ref = 0.0;
  double *x_ref = reference_cholesky(n, nrhs, a, b, &rcond_ref);

  UfpSpdSolver solver = NULL;
  assert_ufp_ok(UfpSpdSolverCreate(comm, n, &solver));
  UfpSpdInfo info;
  assert_ufp_ok(UfpSpdSolverSolve(solver, a, nrhs, b, x, 1e-12, &info));
  assert_int_equal(info.method, UFP_SPD_CHOLESKY);
  assert_int_equal(info.ndropped, 0);
  assert_close(info.lambda_min, 0.0, 0.0);
  assert_close(info.lambda_max, 0.0, 0.0);
  /* The same estimator as LAPACK's dpocon, on the same probes; an upper
   * bound of the true reciprocal condition number, close to it. */
  assert_close(info.rcond, rcond_ref, 1e-8 * rcond_ref);
  double rcond_true = reciprocal_condition(n, a);
  assert_true(info.rcond >= rcond_true * (1 - 1e-10) && info.rcond <= 3 * rcond_true);
  assert_true(relative_difference((size_t)n * nrhs, x, x_ref) < 1e-10);
  assert_true(scaled_residual(n, nrhs, a, x, b) < 1e-14);
  assert_true(same_as_rank0(comm, (size_t)n * nrhs, x));
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  assert_null(solver);
  free(a);
  free(b);
  free(x);
  free(x_ref);
}

static void test_cholesky_matches_lapack(void **state)
{
  (void)state;
  check_cholesky_case(200, 1, 11);
  check_cholesky_case(131, 1, 12); /* not a multiple of any block size */
  check_cholesky_case(3, 1, 13);   /* fewer blocks than ranks */
}

/* diag(1, ..., 10): ||A||_1 = 10, ||A^-1||_1 = 1, and the estimator finds
 * the exact rcond 0.1 (ScaLAPACK 2.2's pdpocon returns 0.40 here). */
static void test_rcond_of_a_diagonal_matrix(void **state)
{
  (void)state;
  int n = 10;
  double a[100] = {0}, b[10], x[10];
  for (int i = 0; i < n; i++) {
    a[i * n + i] = i + 1;
    b[i] = 1.0;
  }
  UfpSpdSolver solver = NULL;
  UfpSpdInfo info;
  assert_ufp_ok(UfpSpdSolverCreate(MPI_COMM_WORLD, n, &solver));
  assert_ufp_ok(UfpSpdSolverSolve(solver, a, 1, b, x, 0.05, &info));
  assert_int_equal(info.method, UFP_SPD_CHOLESKY);
  assert_close(info.rcond, 0.1, 1e-14);
  for (int i = 0; i < n; i++)
    assert_close(x[i], 1.0 / (i + 1), 1e-15);
  /* Just above it: the eigen fallback, whose threshold 1.00000001 drops
   * lambda = 1 (eigenvector e_0) and nothing else. */
  assert_ufp_ok(UfpSpdSolverSolve(solver, a, 1, b, x, 0.1 + 1e-9, &info));
  assert_int_equal(info.method, UFP_SPD_EIGEN);
  assert_int_equal(info.ndropped, 1);
  assert_close(info.lambda_min, 1.0, 1e-14);
  assert_close(info.lambda_max, 10.0, 1e-13);
  assert_close(info.rcond, 0.1, 1e-14);
  assert_close(x[0], 0.0, 1e-14);
  for (int i = 1; i < n; i++)
    assert_close(x[i], 1.0 / (i + 1), 1e-14);
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
}

static void test_layout(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  int size = UfpCommSize(comm);
  const int sizes[3] = {3, 131, 1000};
  for (int c = 0; c < 3; c++) {
    UfpSpdSolver solver = NULL;
    int nprow, npcol, nb;
    assert_ufp_ok(UfpSpdSolverCreate(comm, sizes[c], &solver));
    UfpSpdSolverGetLayout(solver, &nprow, &npcol, &nb);
    assert_int_equal(nprow * npcol, size);
    assert_true(nprow <= npcol);
    for (int p = nprow + 1; p * p <= size; p++)
      assert_true(size % p != 0); /* most square */
    assert_true(nb >= 1 && nb <= 64);
    assert_true(nb == 64 || nb * npcol >= sizes[c]);
    assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  }
}

static void test_several_right_hand_sides(void **state)
{
  (void)state;
  check_cholesky_case(131, 4, 21);
  check_cholesky_case(131, 100, 22); /* more columns than one block: B spread over process columns */

  /* Each column equals its single-vector solve; x may be b itself. */
  MPI_Comm comm = MPI_COMM_WORLD;
  int n = 77, nrhs = 3;
  double *a = gram_matrix(n, n + 5, 0.1, 23), *b = random_array((size_t)n * nrhs, 24);
  double *x = malloc((size_t)n * nrhs * sizeof *x), *single = malloc((size_t)n * sizeof *single);
  memcpy(x, b, (size_t)n * nrhs * sizeof *x);
  UfpSpdSolver solver = NULL;
  assert_ufp_ok(UfpSpdSolverCreate(comm, n, &solver));
  assert_ufp_ok(UfpSpdSolverSolve(solver, a, nrhs, x, x, 1e-12, NULL));
  for (int r = 0; r < nrhs; r++) {
    assert_ufp_ok(UfpSpdSolverSolve(solver, a, 1, b + (size_t)r * n, single, 1e-12, NULL));
    assert_true(relative_difference(n, single, x + (size_t)r * n) < 1e-13);
  }
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  free(a);
  free(b);
  free(x);
  free(single);
}

/* A = G^T G with G rows x n, rows < n: PSD of nullity n - rows. */
static void check_rank_deficient(int n, int rows, int nrhs, uint64_t seed)
{
  MPI_Comm comm = MPI_COMM_WORLD;
  double rcond_min = 1e-10;
  double *a = gram_matrix(n, rows, 0.0, seed);
  double *y = random_array((size_t)n * nrhs, seed + 1);
  double *b = multiply(n, nrhs, a, y); /* in the range of A */
  double *x = calloc((size_t)n * nrhs, sizeof *x);
  int ndropped_ref;
  double lambda_min_ref, lambda_max_ref;
  double *x_ref = reference_eigen(n, nrhs, a, b, rcond_min, &ndropped_ref, &lambda_min_ref, &lambda_max_ref);
  assert_int_equal(ndropped_ref, n - rows);

  UfpSpdSolver solver = NULL;
  assert_ufp_ok(UfpSpdSolverCreate(comm, n, &solver));
  UfpSpdInfo info;
  assert_ufp_ok(UfpSpdSolverSolve(solver, a, nrhs, b, x, rcond_min, &info));
  assert_int_equal(info.method, UFP_SPD_EIGEN);
  assert_int_equal(info.ndropped, n - rows);
  assert_close(info.lambda_max, lambda_max_ref, 1e-12 * lambda_max_ref);
  assert_close(info.lambda_min, lambda_min_ref, 1e-12 * lambda_max_ref);
  assert_close(info.rcond, info.lambda_min / info.lambda_max, 0.0);
  assert_true(fabs(info.rcond) < 1e-12);
  assert_true(relative_difference((size_t)n * nrhs, x, x_ref) < 1e-8);
  assert_true(scaled_residual(n, nrhs, a, x, b) < 1e-12);
  /* Minimum norm: no longer than the y that generated b. */
  for (int r = 0; r < nrhs; r++)
    assert_true(max_abs(n, x + (size_t)r * n) <= max_abs(n, y + (size_t)r * n) * 1.5);
  double xx = 0.0, yy = 0.0;
  for (int i = 0; i < n * nrhs; i++) {
    xx += x[i] * x[i];
    yy += y[i] * y[i];
  }
  assert_true(xx < yy);
  assert_true(same_as_rank0(comm, (size_t)n * nrhs, x));
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  free(a);
  free(y);
  free(b);
  free(x);
  free(x_ref);
}

static void test_rank_deficient_minimum_norm(void **state)
{
  (void)state;
  check_rank_deficient(120, 90, 2, 31);
  check_rank_deficient(5, 3, 1, 32); /* tiny blocks */
}

/* Positive definite but rcond ~ 1e-12: Cholesky is refused at
 * rcond_min = 1e-10 and accepted at rcond_min = 0. */
static void test_ill_conditioned_falls_back(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  int n = 60, nsmall = 5;
  double *q = orthogonal_matrix(n, 41), *lambda = malloc((size_t)n * sizeof *lambda);
  for (int k = 0; k < n; k++)
    lambda[k] = k < nsmall ? 1e-12 : 1.0;
  double *a = spectral_matrix(n, q, lambda), *b = random_array((size_t)n, 42);
  double *x = calloc((size_t)n, sizeof *x), *x_ref = calloc((size_t)n, sizeof *x_ref);
  for (int k = nsmall; k < n; k++) { /* x = Q1 Q1^T b */
    double dot = 0.0;
    for (int i = 0; i < n; i++)
      dot += q[(size_t)k * n + i] * b[i];
    for (int i = 0; i < n; i++)
      x_ref[i] += q[(size_t)k * n + i] * dot;
  }
  UfpSpdSolver solver = NULL;
  UfpSpdInfo info;
  assert_ufp_ok(UfpSpdSolverCreate(comm, n, &solver));
  assert_ufp_ok(UfpSpdSolverSolve(solver, a, 1, b, x, 1e-10, &info));
  assert_int_equal(info.method, UFP_SPD_EIGEN);
  assert_int_equal(info.ndropped, nsmall);
  assert_close(info.lambda_max, 1.0, 1e-12);
  assert_close(info.lambda_min, 1e-12, 1e-13);
  assert_true(relative_difference(n, x, x_ref) < 1e-8);

  assert_ufp_ok(UfpSpdSolverSolve(solver, a, 1, b, x, 0.0, &info));
  assert_int_equal(info.method, UFP_SPD_CHOLESKY);
  assert_true(info.rcond > 0 && info.rcond < 1e-10);
  assert_true(same_as_rank0(comm, n, x));
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  free(q);
  free(lambda);
  free(a);
  free(b);
  free(x);
  free(x_ref);
}

/* Three negative eigenvalues: Cholesky fails (somewhere past the first
 * block) and the fallback leaves them out. */
static void test_indefinite_does_not_crash(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  int n = 131, nneg = 3;
  double rcond_min = 1e-10;
  double *a = gram_matrix(n, n + 20, 0.05, 51);
  double *v = malloc((size_t)n * n * sizeof *v), *lambda = malloc((size_t)n * sizeof *lambda);
  memcpy(v, a, (size_t)n * n * sizeof *v);
  assert_int_equal(LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'U', n, v, n, lambda), 0);
  double shift = 0.5 * (lambda[nneg - 1] + lambda[nneg]);
  for (int i = 0; i < n; i++)
    a[(size_t)i * n + i] -= shift;
  double *b = random_array((size_t)n, 52), *x = calloc((size_t)n, sizeof *x);
  int ndropped_ref;
  double lambda_min_ref, lambda_max_ref;
  double *x_ref = reference_eigen(n, 1, a, b, rcond_min, &ndropped_ref, &lambda_min_ref, &lambda_max_ref);
  assert_int_equal(ndropped_ref, nneg);

  UfpSpdSolver solver = NULL;
  UfpSpdInfo info;
  assert_ufp_ok(UfpSpdSolverCreate(comm, n, &solver));
  assert_ufp_ok(UfpSpdSolverSolve(solver, a, 1, b, x, rcond_min, &info));
  assert_int_equal(info.method, UFP_SPD_EIGEN);
  assert_int_equal(info.ndropped, nneg);
  assert_true(info.lambda_min < 0 && info.rcond < 0);
  assert_close(info.lambda_min, lambda_min_ref, 1e-12 * lambda_max_ref);
  assert_true(relative_difference(n, x, x_ref) < 1e-8);
  assert_true(same_as_rank0(comm, n, x));
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  free(a);
  free(v);
  free(lambda);
  free(b);
  free(x);
  free(x_ref);
}

static void test_reuse_gives_identical_results(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  int n = 131, nrhs = 2;
  size_t count = (size_t)n * nrhs;
  double *spd = gram_matrix(n, n + 20, 0.05, 61), *psd = gram_matrix(n, 100, 0.0, 62);
  double *b = random_array(count, 63);
  double *first = calloc(count, sizeof *first), *again = calloc(count, sizeof *again);
  double *psd_first = calloc(count, sizeof *psd_first);
  UfpSpdSolver solver = NULL;
  UfpSpdInfo info;
  assert_ufp_ok(UfpSpdSolverCreate(comm, n, &solver));
  assert_ufp_ok(UfpSpdSolverSolve(solver, spd, nrhs, b, first, 1e-12, &info));
  assert_int_equal(info.method, UFP_SPD_CHOLESKY);
  assert_ufp_ok(UfpSpdSolverSolve(solver, psd, nrhs, b, psd_first, 1e-10, &info));
  assert_int_equal(info.method, UFP_SPD_EIGEN);
  assert_int_equal(info.ndropped, n - 100);
  for (int repeat = 0; repeat < 2; repeat++) {
    assert_ufp_ok(UfpSpdSolverSolve(solver, spd, nrhs, b, again, 1e-12, &info));
    assert_int_equal(info.method, UFP_SPD_CHOLESKY);
    assert_memory_equal(again, first, count * sizeof *first);
    assert_ufp_ok(UfpSpdSolverSolve(solver, psd, nrhs, b, again, 1e-10, &info));
    assert_int_equal(info.method, UFP_SPD_EIGEN);
    assert_memory_equal(again, psd_first, count * sizeof *first);
  }
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  free(spd);
  free(psd);
  free(b);
  free(first);
  free(again);
  free(psd_first);
}

/* Well-conditioned system (cond ~ 5): whatever the rank count, the solution
 * and a weighted checksum agree with the serial reference to 1e-12. */
static void test_independent_of_rank_count(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  int n = 200, nrhs = 3;
  size_t count = (size_t)n * nrhs;
  double *a = gram_matrix(n, 2 * n, 1.0, 71), *b = random_array(count, 72);
  double *x = calloc(count, sizeof *x), *x_ref = reference_cholesky(n, nrhs, a, b, NULL);
  UfpSpdSolver solver = NULL;
  assert_ufp_ok(UfpSpdSolverCreate(comm, n, &solver));
  assert_ufp_ok(UfpSpdSolverSolve(solver, a, nrhs, b, x, 1e-12, NULL));
  assert_true(relative_difference(count, x, x_ref) < 1e-12);
  double checksum = 0.0, checksum_ref = 0.0;
  for (size_t i = 0; i < count; i++) {
    checksum += (double)(i % 7 + 1) * x[i];
    checksum_ref += (double)(i % 7 + 1) * x_ref[i];
  }
  assert_close(checksum, checksum_ref, 1e-12 * fabs(checksum_ref));
  assert_true(same_as_rank0(comm, count, x));
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  free(a);
  free(b);
  free(x);
  free(x_ref);
}

/* Two solvers on disjoint halves of the world, each on its own system: the
 * grid is built on the communicator given, not on MPI_COMM_WORLD. */
static void test_sub_communicator(void **state)
{
  (void)state;
  int rank = UfpCommRank(MPI_COMM_WORLD), color = rank % 2;
  MPI_Comm half;
  MPI_Comm_split(MPI_COMM_WORLD, color, rank, &half);
  int n = 90 + 7 * color;
  double *a = gram_matrix(n, n + 10, 0.1, 81 + (uint64_t)color), *b = random_array((size_t)n, 83);
  double *x = calloc((size_t)n, sizeof *x), *x_ref = reference_cholesky(n, 1, a, b, NULL);
  UfpSpdSolver solver = NULL;
  UfpSpdInfo info;
  assert_ufp_ok(UfpSpdSolverCreate(half, n, &solver));
  int nprow, npcol;
  UfpSpdSolverGetLayout(solver, &nprow, &npcol, NULL);
  assert_int_equal(nprow * npcol, UfpCommSize(half));
  assert_ufp_ok(UfpSpdSolverSolve(solver, a, 1, b, x, 1e-12, &info));
  int ok = info.method == UFP_SPD_CHOLESKY && relative_difference(n, x, x_ref) < 1e-10;
  /* A second solver on the same communicator and one on the world coexist
   * with the first, and each outlives the other's destruction. */
  UfpSpdSolver second = NULL, world = NULL;
  assert_ufp_ok(UfpSpdSolverCreate(half, n, &second));
  assert_ufp_ok(UfpSpdSolverCreate(MPI_COMM_WORLD, 5, &world));
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  double *y = calloc((size_t)n, sizeof *y);
  assert_ufp_ok(UfpSpdSolverSolve(second, a, 1, b, y, 1e-12, NULL));
  ok = ok && memcmp(x, y, (size_t)n * sizeof *x) == 0;
  double diag[25] = {0}, ones[5] = {1, 1, 1, 1, 1}, z[5];
  for (int i = 0; i < 5; i++)
    diag[i * 5 + i] = 2.0;
  assert_ufp_ok(UfpSpdSolverSolve(world, diag, 1, ones, z, 1e-12, NULL));
  for (int i = 0; i < 5; i++)
    assert_close(z[i], 0.5, 1e-15);
  assert_ufp_ok(UfpSpdSolverDestroy(&second));
  assert_ufp_ok(UfpSpdSolverDestroy(&world));
  free(y);
  MPI_Comm_free(&half);
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));
  free(a);
  free(b);
  free(x);
  free(x_ref);
}

static void test_errors(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  UfpSpdSolver solver = NULL;
  assert_ufp_fails(UfpSpdSolverCreate(comm, 0, &solver), UFP_ERR_USAGE, "at least 1");
  assert_null(solver);
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  assert_ufp_ok(UfpSpdSolverDestroy(NULL));

  int n = 40;
  double *a = gram_matrix(n, n + 10, 0.1, 91), *b = random_array((size_t)n, 92);
  double *x = calloc((size_t)n, sizeof *x);
  assert_ufp_ok(UfpSpdSolverCreate(comm, n, &solver));
  assert_ufp_fails(UfpSpdSolverSolve(solver, a, 0, b, x, 1e-12, NULL), UFP_ERR_USAGE, "right-hand side");
  assert_ufp_fails(UfpSpdSolverSolve(solver, a, 1, b, x, -1.0, NULL), UFP_ERR_USAGE, "rcond_min");
  assert_ufp_fails(UfpSpdSolverSolve(solver, a, 1, b, x, 1.0, NULL), UFP_ERR_USAGE, "rcond_min");
  assert_ufp_fails(UfpSpdSolverSolve(solver, a, 1, b, x, NAN, NULL), UFP_ERR_USAGE, "rcond_min");

  /* A NaN in the upper triangle (last entry: owned by the last process
   * column) fails on every rank; the lower triangle is never read. */
  double saved = a[(size_t)n * n - 1];
  a[(size_t)n * n - 1] = NAN;
  assert_ufp_fails(UfpSpdSolverSolve(solver, a, 1, b, x, 1e-12, NULL), UFP_ERR_INPUT, "non-finite");
  a[(size_t)n * n - 1] = saved;
  double *x_ref = reference_cholesky(n, 1, a, b, NULL);
  a[(size_t)(n - 1) * n] = NAN;
  assert_ufp_ok(UfpSpdSolverSolve(solver, a, 1, b, x, 1e-12, NULL));
  assert_true(relative_difference(n, x, x_ref) < 1e-10);
  b[3] = INFINITY;
  assert_ufp_fails(UfpSpdSolverSolve(solver, a, 1, b, x, 1e-12, NULL), UFP_ERR_INPUT, "not finite");
  UfpErrorClear();

  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  assert_null(solver);
  assert_ufp_ok(UfpSpdSolverDestroy(&solver));
  free(a);
  free(b);
  free(x);
  free(x_ref);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cholesky_matches_lapack),
      cmocka_unit_test(test_rcond_of_a_diagonal_matrix),
      cmocka_unit_test(test_layout),
      cmocka_unit_test(test_several_right_hand_sides),
      cmocka_unit_test(test_rank_deficient_minimum_norm),
      cmocka_unit_test(test_ill_conditioned_falls_back),
      cmocka_unit_test(test_indefinite_does_not_crash),
      cmocka_unit_test(test_reuse_gives_identical_results),
      cmocka_unit_test(test_independent_of_rank_count),
      cmocka_unit_test(test_sub_communicator),
      cmocka_unit_test(test_errors),
  };
  return UFP_TEST_MAIN("spd_solve", tests);
}
