/*
 * sagpr.h -- sparse symmetry-adapted Gaussian process regression (SA-GPR)
 * of a rank-2 tensor property from lambda-SOAP features (lambda_soap.h).
 *
 * A traceless symmetric tensor V (the EFG) is its five lambda = 2
 * components t_mu (spherical_harmonics.h); its lambda = 0 part is zero, so
 * only t is learned.  Kernel between environments i and j, a 5 x 5 block:
 *     K_{mu mu'}(i, j) = [p2_mu(i) . p2_mu'(j)] [p0(i) . p0(j)]^(zeta - 1),
 * with p2, p0 the normalised lambda = 2 and lambda = 0 features: under a
 * rotation R of environment i, K(i, j) -> D(R) K(i, j), so predictions
 * t(i) = sum_M K(i, M) w_M rotate as tensors, V -> R V R^T.
 *
 * Sparse (projected-process) model on M representative environments chosen
 * by farthest-point sampling: minimise
 *     |K_NM w - y|^2 + sigma^2 w^T K_MM w
 * over the 5M weights, i.e. solve
 *     (K_NM^T K_NM + sigma^2 K_MM + jitter) w = K_NM^T y,
 * where y are the training targets divided by their root-mean-square
 * component (so sigma^2 is dimensionless: the noise variance relative to
 * the data's).  Ranks split the N training environments, each adds its rows
 * to K_NM^T K_NM and K_NM^T y, the sums are reduced and the 5M x 5M system
 * is solved by ScaLAPACK (spd_solve.h).
 * Prediction in projected form: since K_{mu mu'}(i, M) is a dot product of
 * features, t_mu(i) = sum_M s(i, M) p2_mu(i) . u_M with s = (p0(i) . p0(M))^(zeta-1)
 * and u_M = sum_mu' p2_mu'(M) w_{M mu'}, one F2-vector per sparse
 * environment: five times less to store and to multiply than the sparse
 * lambda = 2 features.  A frame's environments are predicted with two
 * matrix products (BLAS 3), G = P2 U^T and S = P0 P0_M^T.
 * Reference: A. Grisafi et al., Phys. Rev. Lett. 120, 036002 (2018);
 * J. Quiñonero-Candela, C. E. Rasmussen, JMLR 6, 1939 (2005) (projected
 * process).
 */
#ifndef EFG_SAGPR_H
#define EFG_SAGPR_H

#include <mpi.h>

#include "ufp_error.h"

typedef struct {
  int zeta;             /* kernel exponent, >= 1 */
  double sigma2;        /* regulariser sigma^2 (relative noise variance) */
  double jitter;        /* added to the diagonal, relative to its mean */
} SagprSettings;

typedef struct Sagpr_ *Sagpr;

/* Farthest-point sampling of m of n points x[n][f] (Euclidean), starting
 * from point first; selected[0] = first. */
UfpErrorCode SagprFarthestPoints(int n, int f, const double *x, int m, int first, int *selected);

/* Fit on this rank's n environments (features p0[n][f0], p2[n][5][f2],
 * targets t[n][5]) with the m sparse environments given by their features
 * (the same on every rank).  Collective over comm. */
UfpErrorCode SagprFit(MPI_Comm comm, const SagprSettings *settings, int f0, int f2, int m, const double *p0_sparse,
                      const double *p2_sparse, int n, const double *p0, const double *p2, const double *t,
                      Sagpr *model);
/* Model from stored parts (file readers): the sparse lambda = 0 features
 * p0_sparse[m][f0] and the projections u[m][f2] (target units). */
UfpErrorCode SagprCreateFromProjection(const SagprSettings *settings, int f0, int f2, int m, const double *p0_sparse,
                                       const double *u, Sagpr *model);
/* Predict t[n][5] for n environments. */
UfpErrorCode SagprPredict(const Sagpr model, int n, const double *p0, const double *p2, double *t);
/* Everything a file needs to rebuild the model. */
void SagprGetParts(const Sagpr model, SagprSettings *settings, int *f0, int *f2, int *m, const double **p0_sparse,
                   const double **u);
UfpErrorCode SagprDestroy(Sagpr *model);

#endif
