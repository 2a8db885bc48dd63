/*
 * spd_solve.h -- distributed solver (ScaLAPACK) for symmetric positive
 * (semi-)definite systems A x = b: the regularised normal equations of a
 * linear least-squares fit, and the projected-process system of a Gaussian
 * process.
 *
 *   UfpSpdSolver solver;
 *   UfpCall(UfpSpdSolverCreate(comm, n, &solver));        (plan: grid, layout)
 *   UfpSpdInfo info;
 *   UfpCall(UfpSpdSolverSolve(solver, a, nrhs, b, x, 1e-12, &info));  (many times)
 *   UfpCall(UfpSpdSolverDestroy(&solver));
 *
 * Every call is collective over comm, and a, b are replicated: every rank
 * passes the same values and receives the same x.  The method (Cholesky, or
 * the eigen-decomposition fallback for singular, indefinite or ill-conditioned
 * A) is described in spd_solve.c.
 *
 * Memory per rank: the local block-cyclic part of A (about n^2 / size
 * doubles) and O(n) work for the Cholesky path; plus n*nrhs doubles for the
 * gathered solution.  The first eigen fallback adds the local part of the
 * eigenvectors (another n^2 / size) and the pdsyevd work space (of the same
 * order), kept until Destroy so that later fallbacks do not allocate again.
 */
#ifndef UFP_SPD_SOLVE_H
#define UFP_SPD_SOLVE_H

#include <mpi.h>

#include "ufp_error.h"

typedef struct UfpSpdSolver_ *UfpSpdSolver;

typedef enum { UFP_SPD_CHOLESKY = 0, UFP_SPD_EIGEN = 1 } UfpSpdMethod;

typedef struct {
  UfpSpdMethod method;           /* what solved the system */
  double rcond;                  /* Cholesky: 1 / (||A||_1 ||A^-1||_1), ||A^-1||_1 estimated
                                    from below as LAPACK's dpocon does (so rcond is an upper
                                    estimate, almost always within a factor 3);
                                    eigen: lambda_min / lambda_max (0 when lambda_max <= 0;
                                    negative when A is indefinite) */
  int ndropped;                  /* eigen: eigenvalues <= rcond_min * lambda_max left out */
  double lambda_min, lambda_max; /* eigen: extreme eigenvalues of A (Cholesky: 0) */
} UfpSpdInfo;

/* Plan for n x n systems on comm (n >= 1; collective): a BLACS process grid
 * nprow x npcol = size, as square as possible (nprow <= npcol), built on comm
 * itself; square blocks of nb = min(64, ceil(n / max(nprow, npcol))) so that
 * small systems still spread over the ranks; descriptors and work space.
 * comm must stay valid until Destroy. */
UfpErrorCode UfpSpdSolverCreate(MPI_Comm comm, int n, UfpSpdSolver *solver);

/* Solve A x = b for nrhs >= 1 right-hand sides (collective).
 *   a: the n x n matrix, row-major, identical on every rank.  Only the upper
 *      triangle a[i*n + j], j >= i, is read; the lower one is never touched.
 *   b: nrhs right-hand sides, b[r*n + i], identical on every rank.
 *   x: nrhs solutions in the same layout, identical on every rank on return;
 *      x may be the same array as b.
 *   rcond_min in [0, 1): when the Cholesky factorisation fails (A not
 *      positive definite) or its rcond < rcond_min, A is eigen-decomposed and
 *      x = sum over lambda_k > rcond_min * lambda_max of v_k (v_k . b) / lambda_k,
 *      the minimum-norm least-squares solution with the near-null space (and
 *      any negative eigenvalue) left out.  Choose rcond_min well above
 *      n * DBL_EPSILON (1e-12 is typical), or rounding noise in a singular
 *      A is inverted.
 *   info: what was done (may be NULL).
 * Non-finite entries of a or b are a UFP_ERR_INPUT error on every rank. */
UfpErrorCode UfpSpdSolverSolve(UfpSpdSolver solver, const double *a, int nrhs, const double *b, double *x,
                               double rcond_min, UfpSpdInfo *info);

/* The process grid and block size chosen by Create (any pointer may be NULL). */
void UfpSpdSolverGetLayout(UfpSpdSolver solver, int *nprow, int *npcol, int *nb);

/* Release the grid and the buffers (collective); accepts NULL or an already
 * destroyed handle and sets *solver = NULL. */
UfpErrorCode UfpSpdSolverDestroy(UfpSpdSolver *solver);

#endif
