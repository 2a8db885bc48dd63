/*
 * normal_equations.h -- weighted linear least squares by streaming rows into
 * the normal equations, so the design matrix is never held.
 *
 * For rows x_r (design), targets y_r and weights w_r the minimiser of
 *     sum_r w_r (x_r . u - y_r)^2 + u^T R u
 * solves (A + R) u = b with A = sum_r w_r x_r x_r^T, b = sum_r w_r y_r x_r.
 * Memory is O(ncols^2) whatever the number of rows; each rank accumulates
 * the rows of its own structures and UfpNormalEqReduce sums over ranks.
 *
 * Rows arrive in buffers and are folded in by BLAS level 3 (dsyrk) when a
 * buffer fills.  A row may be full width or belong to a column group: a
 * subset of the columns outside which it is zero (uf3_fit_basis.h: the force
 * on an atom of element s only involves blocks with s in them).  A group's
 * buffer stores only its own columns; a flush forms X^T X over them and adds
 * it into A through the group's column list, so the work per row is
 * (group width)^2 instead of ncols^2.
 *
 * Several independent systems ("sets", e.g. the folds of k-fold
 * cross-validation) share the buffers; rows of one reservation belong to one
 * set.  Each set holds A (upper triangle until reduced), b, sum w y^2 and
 * the row count.
 */
#ifndef UFP_NORMAL_EQUATIONS_H
#define UFP_NORMAL_EQUATIONS_H

#include <mpi.h>
#include <stdint.h>

#include "ufp_error.h"

typedef struct UfpNormalEq_ *UfpNormalEq;

/* ngroups column groups: group g has group_ncols[g] columns, group_cols[g][k]
 * increasing.  capacity: rows per buffer (0: 2048). */
UfpErrorCode UfpNormalEqCreate(int ncols, int ngroups, const int *group_ncols, const int *const *group_cols,
                               int nsets, int capacity, UfpNormalEq *ne);
UfpErrorCode UfpNormalEqDestroy(UfpNormalEq *ne);

/* Reserve nrows zeroed rows of group g (-1: full width) for set `set`.
 * Row k is x + k * width; the caller fills x, y[k] (target) and w[k] (weight
 * >= 0).  The pointers stay valid until the next reservation of the same
 * group, which may fold them in. */
UfpErrorCode UfpNormalEqReserve(UfpNormalEq ne, int set, int group, int nrows, double **x, double **y, double **w);
/* Fold every pending row in. */
UfpErrorCode UfpNormalEqFlush(UfpNormalEq ne);
/* Flush, sum every set over comm and fill the lower triangles. */
UfpErrorCode UfpNormalEqReduce(UfpNormalEq ne, MPI_Comm comm);

/* After Reduce: the set's n x n row-major A, b, sum of w y^2 and rows. */
UfpErrorCode UfpNormalEqGet(UfpNormalEq ne, int set, const double **a, const double **b, double *yy,
                            int64_t *nrows);
int UfpNormalEqColumns(UfpNormalEq ne);

#endif
