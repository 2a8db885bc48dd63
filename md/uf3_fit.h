/*
 * uf3_fit.h -- regularised least-squares fit of a UF3 potential.
 *
 * Objective (u = free coefficients, one-body corrections and dataset
 * offsets; every mean is weighted by the frame weights w_s over the
 * training frames that carry that quantity):
 *
 *   L(u) = w_E  mean_s [ (E_s(u) - E_s) / n_s ]^2              (eV/atom)^2
 *        + w_F  mean_{s,i,a} [ F_{s,ia}(u) - F_{s,ia} ]^2        (eV/Å)^2
 *        + w_W  mean_{s,ab} [ (W_{s,ab}(u) - W_{s,ab}) / n_s ]^2 (eV/atom)^2
 *        + ridge and curvature penalties on u - u0 (uf3_fit_basis.h), u0 the
 *          B-spline image of a repulsive pair prior or zero (pair_prior.h)
 *
 * Coverage: a column the data barely reach (its diagonal of the data's
 * normal matrix below `coverage` times the largest in its block, e.g. a
 * 3-body coefficient whose support lies below every distance in the data)
 * is pinned to its prior value (zero for triplets, ZBL for pairs) instead
 * of being extrapolated by the smoothness penalty, which can put deep,
 * unphysical wells where MD has never been checked against DFT.
 *
 * Each frame's energy is taken relative to its dataset's composition
 * baseline (fit_data.h); frames of an "offset" dataset add their own
 * one-body columns, frames of a "none" dataset give no energy row.  Because
 * the terms are means, the regularisation strengths do not change meaning
 * with the amount of data.
 *
 * Parallel layout: the frames are dealt to the ranks (largest first, to the
 * least loaded rank; the same deal on every rank), each rank streams its
 * frames' rows into its normal equations (normal_equations.h), the ranks'
 * sums are added, and ScaLAPACK solves the system (spd_solve.h: Cholesky,
 * or the eigen-decomposition when the system is near-singular).
 *
 * k-fold cross-validation keeps one system per fold; the model of fold f is
 * solved from the sum of the other folds' systems, scaled by the ratio of
 * the whole training force weight to that of the other folds so that the
 * regularisation acts as in the full fit.
 */
#ifndef UFP_UF3_FIT_H
#define UFP_UF3_FIT_H

#include <mpi.h>

#include "fit_data.h"
#include "normal_equations.h"
#include "spd_solve.h"
#include "uf3_fit_basis.h"

typedef struct {
  double energy_weight, force_weight, virial_weight; /* w_E, w_F, w_W */
  double ridge[3], curvature[3];  /* one-, two-, three-body */
  double offset_ridge;            /* on dataset offsets, (eV/atom)^-2 ... as ridge[0] */
  double rcond_min;               /* below this, the eigen fallback */
  int kfold;                      /* 0 or 1: none */
  int prior_2b;                   /* Uf3PairPrior: penalties centred on it (pair_prior.h) */
  double coverage;                /* pin columns with less relative data curvature (0: off) */
} Uf3FitSettings;

typedef struct Uf3Fit_ *Uf3Fit;

UfpErrorCode Uf3FitCreate(MPI_Comm comm, const Uf3FitBasis *basis, FitData *data, const Uf3FitSettings *settings,
                          Uf3Fit *fit);
UfpErrorCode Uf3FitDestroy(Uf3Fit *fit);
/* Stream every training frame of this rank into the normal equations and
 * sum over the ranks.  progress: print a line now and then (rank 0). */
UfpErrorCode Uf3FitAccumulate(Uf3Fit fit, int progress);
/* Solve for the model trained without fold `fold` (-1: all training
 * frames).  solution: Uf3FitColumns values, identical on every rank. */
UfpErrorCode Uf3FitSolve(Uf3Fit fit, int fold, double *solution, UfpSpdInfo *info);
int Uf3FitColumns(const Uf3Fit fit);
/* Columns the last Uf3FitSolve pinned to the prior for lack of data. */
int Uf3FitPinned(const Uf3Fit fit);
/* Training objective of a solution (the data terms, without penalties). */
UfpErrorCode Uf3FitObjective(Uf3Fit fit, int fold, const double *solution, double *loss);
/* The potential of a solution: one-body energies of the reference datasets. */
UfpErrorCode Uf3FitPotential(Uf3Fit fit, const double *solution, Uf3Potential **pot);
/* Per-atom one-body energies (eV) of dataset d under a solution: what a
 * frame of d adds to the interaction energy, per atom of each element. */
void Uf3FitDatasetOneBody(Uf3Fit fit, int d, const double *solution, double *e1);
/* Rank that owns frame k in the deal. */
int Uf3FitOwner(const Uf3Fit fit, int k);

#endif
