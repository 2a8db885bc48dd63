/* uf3_fit.c -- see uf3_fit.h for the objective and the parallel layout. */
#include "uf3_fit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pair_prior.h"
#include "parallel.h"
#include "uf3_features.h"

struct Uf3Fit_ {
  MPI_Comm comm;
  const Uf3FitBasis *basis;
  FitData *data;
  Uf3FitSettings settings;
  int ncols;              /* basis columns + dataset offsets */
  int nsets;
  int *owner;             /* [frame] rank */
  /* Normalisers of the means: total training weight per kind and fold. */
  double *sum_energy, *sum_force, *sum_virial; /* [fold] */
  double *prior;          /* [basis->ncols] c0 of the penalties (pair_prior.h) */
  int npinned;            /* columns pinned to the prior by the last solve */
  UfpNormalEq ne;
  UfpSpdSolver solver;
};

int Uf3FitColumns(const Uf3Fit fit) { return fit->ncols; }
int Uf3FitOwner(const Uf3Fit fit, int k) { return fit->owner[k]; }
int Uf3FitPinned(const Uf3Fit fit) { return fit->npinned; }

/* Pin the columns the data barely reach to the prior: a column whose data
 * curvature a_ii is below coverage times the largest of its block gets
 * a penalty of that largest a_ii on (c_i - c0_i), which outweighs its data
 * and its neighbours' smoothness.  Returns the number pinned. */
static int pin_uncovered(const Uf3Fit fit, int n, double *a, double *b)
{
  const Uf3FitBasis *basis = fit->basis;
  int pinned = 0;
  if (!(fit->settings.coverage > 0.0)) return 0;
  for (int k = 0; k < basis->nblocks; k++) {
    const Uf3FitBlock *blk = &basis->blocks[k];
    double top = 0.0;
    for (int c = blk->offset; c < blk->offset + blk->ncols; c++)
      top = fmax(top, a[(size_t)c * n + c]);
    if (!(top > 0.0)) continue; /* no data at all: the penalties decide */
    for (int c = blk->offset; c < blk->offset + blk->ncols; c++)
      if (a[(size_t)c * n + c] < fit->settings.coverage * top) {
        a[(size_t)c * n + c] += top;
        b[c] += top * fit->prior[c];
        pinned++;
      }
  }
  return pinned;
}

static int uses_energy(const Uf3Fit fit, const FitFrame *f)
{
  return f->has_energy && fit->data->datasets[f->dataset].energy_mode != FIT_ENERGY_NONE &&
         fit->settings.energy_weight > 0.0;
}

static int uses_virial(const Uf3Fit fit, const FitFrame *f)
{
  return f->has_virial && fit->settings.virial_weight > 0.0;
}

UfpErrorCode Uf3FitCreate(MPI_Comm comm, const Uf3FitBasis *basis, FitData *data, const Uf3FitSettings *settings,
                          Uf3Fit *fit_out)
{
  struct Uf3Fit_ *fit;
  UfpCall(UfpCalloc(1, &fit));
  *fit_out = fit;
  fit->comm = comm;
  fit->basis = basis;
  fit->data = data;
  fit->settings = *settings;
  UfpCheck(data->nelements == basis->nelements, UFP_ERR_INTERNAL, "data and basis disagree on the elements");
  int nel = basis->nelements;
  fit->ncols = basis->ncols;
  for (int d = 0; d < data->ndatasets; d++) {
    FitDataset *ds = &data->datasets[d];
    ds->offset_col = -1;
    if (ds->energy_mode == FIT_ENERGY_OFFSET) {
      ds->offset_col = fit->ncols;
      fit->ncols += nel;
    }
  }
  fit->nsets = settings->kfold > 1 ? settings->kfold : 1;
  UfpCall(UfpCalloc(basis->ncols, &fit->prior));
  UfpCall(PairPriorCoefficients(basis, settings->prior_2b, fit->prior));

  /* Deal the training frames: largest first to the least loaded rank. */
  int size = UfpCommSize(comm);
  UfpCall(UfpCalloc(data->nframes > 0 ? data->nframes : 1, &fit->owner));
  int *order;
  double *load;
  UfpCall(UfpCalloc(data->nframes > 0 ? data->nframes : 1, &order));
  UfpCall(UfpCalloc(size, &load));
  for (int k = 0; k < data->nframes; k++)
    order[k] = k;
  for (int a = 1; a < data->nframes; a++) /* insertion sort, stable */
    for (int b = a; b > 0 && data->frames[order[b]].s->natoms > data->frames[order[b - 1]].s->natoms; b--) {
      int t = order[b];
      order[b] = order[b - 1];
      order[b - 1] = t;
    }
  for (int q = 0; q < data->nframes; q++) {
    int k = order[q], best = 0;
    for (int r = 1; r < size; r++)
      if (load[r] < load[best]) best = r;
    fit->owner[k] = best;
    load[best] += data->frames[k].s->natoms;
  }
  UfpFree(&order);
  UfpFree(&load);

  UfpCall(UfpCalloc(fit->nsets, &fit->sum_energy));
  UfpCall(UfpCalloc(fit->nsets, &fit->sum_force));
  UfpCall(UfpCalloc(fit->nsets, &fit->sum_virial));
  for (int k = 0; k < data->nframes; k++) {
    const FitFrame *f = &data->frames[k];
    if (f->role != FIT_TRAIN) continue;
    if (uses_energy(fit, f)) fit->sum_energy[f->fold] += f->weight;
    if (f->forces) fit->sum_force[f->fold] += f->weight * 3.0 * f->s->natoms;
    if (uses_virial(fit, f)) fit->sum_virial[f->fold] += f->weight * 6.0;
  }
  UfpCall(UfpNormalEqCreate(fit->ncols, nel, basis->group_ncols, (const int *const *)basis->group_cols, fit->nsets,
                            0, &fit->ne));
  UfpCall(UfpSpdSolverCreate(comm, fit->ncols, &fit->solver));
  return UFP_SUCCESS;
}

UfpErrorCode Uf3FitDestroy(Uf3Fit *fit_ptr)
{
  if (!fit_ptr || !*fit_ptr) return UFP_SUCCESS;
  struct Uf3Fit_ *fit = *fit_ptr;
  UfpNormalEqDestroy(&fit->ne);
  UfpSpdSolverDestroy(&fit->solver);
  UfpFree(&fit->owner);
  UfpFree(&fit->prior);
  UfpFree(&fit->sum_energy);
  UfpFree(&fit->sum_force);
  UfpFree(&fit->sum_virial);
  UfpFree(fit_ptr);
  return UFP_SUCCESS;
}

static double total(const double *x, int n)
{
  double s = 0.0;
  for (int k = 0; k < n; k++)
    s += x[k];
  return s;
}

/* Rows of one frame. */
static UfpErrorCode frame_rows(struct Uf3Fit_ *fit, int k, double *scratch, double **grad, int *stride)
{
  const Uf3FitBasis *basis = fit->basis;
  const FitFrame *f = &fit->data->frames[k];
  const FitDataset *ds = &fit->data->datasets[f->dataset];
  const UfpStructure *s = f->s;
  int n = s->natoms, nel = basis->nelements, set = f->fold;
  double sumE = total(fit->sum_energy, fit->nsets), sumF = total(fit->sum_force, fit->nsets),
         sumW = total(fit->sum_virial, fit->nsets);
  Uf3FeatureRows rows = {0};
  double *xe = scratch, *ye = NULL, *we = NULL, *xv = NULL, *yv = NULL, *wv = NULL;
  int energy = uses_energy(fit, f), virial = uses_virial(fit, f);
  /* Energy and virial rows in one reservation: a second one could fold the
   * first in before it is filled. */
  if (energy || virial) {
    double *x, *y, *w;
    UfpCall(UfpNormalEqReserve(fit->ne, set, -1, energy + 6 * virial, &x, &y, &w));
    if (energy) {
      xe = x;
      ye = y;
      we = w;
    }
    if (virial) {
      xv = x + (energy ? fit->ncols : 0);
      yv = y + energy;
      wv = w + energy;
    }
  }
  if (!energy) memset(scratch, 0, sizeof(double) * fit->ncols);
  rows.energy = xe;
  if (virial) {
    rows.virial = xv;
    rows.virial_stride = fit->ncols;
  }
  /* Force rows, grouped by element. */
  double *xf[64];
  UfpCheck(nel <= 64, UFP_ERR_INPUT, "at most 64 elements");
  int count[64] = {0};
  for (int i = 0; i < n; i++)
    count[f->species[i]]++;
  if (f->forces) {
    for (int e = 0; e < nel; e++) {
      double *yf, *wf;
      xf[e] = NULL;
      if (count[e] == 0) continue;
      UfpCall(UfpNormalEqReserve(fit->ne, set, e, 3 * count[e], &xf[e], &yf, &wf));
      int idx = 0;
      for (int i = 0; i < n; i++) {
        if (f->species[i] != e) continue;
        for (int a = 0; a < 3; a++) {
          yf[3 * idx + a] = -f->forces[3 * i + a];
          wf[3 * idx + a] = fit->settings.force_weight * f->weight / sumF;
        }
        idx++;
      }
    }
    int seen[64] = {0};
    for (int i = 0; i < n; i++) {
      int e = f->species[i];
      stride[i] = basis->group_ncols[e];
      grad[i] = xf[e] + (size_t)3 * seen[e]++ * stride[i];
    }
    rows.grad = grad;
    rows.grad_stride = stride;
  }
  char where[1200];
  FitDataWhere(fit->data, f, where, sizeof where);
  UfpCall(Uf3FeaturesCompute(basis, s, f->species, where, &rows));
  if (energy) {
    /* Per atom, relative to the dataset baseline; one-body columns of an
     * offset dataset are its own. */
    double base = 0.0;
    for (int e = 0; e < nel; e++)
      base += count[e] * ds->e0[e];
    if (ds->energy_mode == FIT_ENERGY_OFFSET)
      for (int e = 0; e < nel; e++) {
        xe[ds->offset_col + e] = xe[e];
        xe[e] = 0.0;
      }
    for (int c = 0; c < fit->ncols; c++)
      xe[c] /= n;
    *ye = (f->energy - base) / n;
    *we = fit->settings.energy_weight * f->weight / sumE;
  }
  if (virial) {
    static const int va[6] = {0, 1, 2, 1, 0, 0}, vb[6] = {0, 1, 2, 2, 2, 1};
    for (int v = 0; v < 6; v++) {
      double *row = xv + (size_t)v * fit->ncols;
      for (int c = 0; c < fit->ncols; c++)
        row[c] /= n;
      yv[v] = f->virial[va[v]][vb[v]] / n;
      wv[v] = fit->settings.virial_weight * f->weight / sumW;
    }
  }
  return UFP_SUCCESS;
}

UfpErrorCode Uf3FitAccumulate(Uf3Fit fit, int progress)
{
  int rank = UfpCommRank(fit->comm);
  FitData *data = fit->data;
  int maxatoms = 1, mine = 0, done = 0;
  for (int k = 0; k < data->nframes; k++) {
    if (data->frames[k].s->natoms > maxatoms) maxatoms = data->frames[k].s->natoms;
    mine += fit->owner[k] == rank && data->frames[k].role == FIT_TRAIN;
  }
  double *scratch = NULL, **grad = NULL;
  int *stride = NULL;
  UfpErrorCode ierr = UfpCalloc(fit->ncols, &scratch);
  if (!ierr) ierr = UfpCalloc(maxatoms, &grad);
  if (!ierr) ierr = UfpCalloc(maxatoms, &stride);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  double last = 0.0;
  for (int k = 0; k < data->nframes && !ierr; k++) {
    if (fit->owner[k] != rank || data->frames[k].role != FIT_TRAIN) continue;
    ierr = frame_rows(fit, k, scratch, grad, stride);
    done++;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double el = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (progress && rank == 0 && el - last > 10.0) {
      last = el;
      printf("train-ufp: rank 0 streamed %d/%d frames, %.0f s, ETA %.0f s\n", done, mine, el,
             el / done * (mine - done));
      fflush(stdout);
    }
  }
  UfpFree(&scratch);
  UfpFree(&grad);
  UfpFree(&stride);
  UfpCall(UfpErrorSync(fit->comm, ierr));
  UfpCall(UfpNormalEqReduce(fit->ne, fit->comm));
  return UFP_SUCCESS;
}

/* A = sum of the folds' systems (all but `fold`), scaled; returns scale. */
static UfpErrorCode assemble(struct Uf3Fit_ *fit, int fold, double *a, double *b, double *yy)
{
  int n = fit->ncols;
  memset(a, 0, sizeof(double) * (size_t)n * n);
  memset(b, 0, sizeof(double) * n);
  *yy = 0.0;
  double all = total(fit->sum_force, fit->nsets), part = all;
  if (all <= 0.0) { /* no forces: balance by energies */
    all = part = total(fit->sum_energy, fit->nsets);
  }
  if (fold >= 0 && fit->nsets > 1)
    part -= fit->sum_force[fold] > 0.0 ? fit->sum_force[fold] : fit->sum_energy[fold];
  UfpCheck(part > 0.0, UFP_ERR_INPUT, "no training data with forces or used energies%s",
           fold >= 0 ? " outside this fold" : "");
  double scale = all / part;
  for (int s = 0; s < fit->nsets; s++) {
    if (s == fold && fit->nsets > 1) continue;
    const double *as, *bs;
    double ys;
    UfpCall(UfpNormalEqGet(fit->ne, s, &as, &bs, &ys, NULL));
    for (size_t q = 0; q < (size_t)n * n; q++)
      a[q] += scale * as[q];
    for (int q = 0; q < n; q++)
      b[q] += scale * bs[q];
    *yy += scale * ys;
  }
  return UFP_SUCCESS;
}

UfpErrorCode Uf3FitSolve(Uf3Fit fit, int fold, double *solution, UfpSpdInfo *info)
{
  int n = fit->ncols;
  double *a = NULL, *b = NULL, yy;
  UfpCall(UfpCalloc((size_t)n * n, &a));
  UfpErrorCode ierr = UfpCalloc(n, &b);
  if (!ierr) ierr = assemble(fit, fold, a, b, &yy);
  if (!ierr) {
    fit->npinned = pin_uncovered(fit, n, a, b);
    Uf3FitBasisAddRegularisation(fit->basis, fit->settings.ridge, fit->settings.curvature, n, a,
                                 fit->settings.prior_2b != UF3_PRIOR_NONE ? fit->prior : NULL, b);
    for (int c = fit->basis->ncols; c < n; c++)
      a[(size_t)c * n + c] += fit->settings.offset_ridge;
    /* The penalty went into the upper triangle; mirror it. */
    for (int i = 0; i < n; i++)
      for (int j = 0; j < i; j++)
        a[(size_t)i * n + j] = a[(size_t)j * n + i];
    UfpSpdInfo local;
    ierr = UfpSpdSolverSolve(fit->solver, a, 1, b, solution, fit->settings.rcond_min, info ? info : &local);
  }
  UfpFree(&a);
  UfpFree(&b);
  return ierr;
}

UfpErrorCode Uf3FitObjective(Uf3Fit fit, int fold, const double *u, double *loss)
{
  /* L = u^T A u - 2 b^T u + y^T W y over the (scaled) data rows. */
  int n = fit->ncols;
  double *a = NULL, *b = NULL, yy;
  UfpCall(UfpCalloc((size_t)n * n, &a));
  UfpErrorCode ierr = UfpCalloc(n, &b);
  if (!ierr) ierr = assemble(fit, fold, a, b, &yy);
  if (!ierr) {
    double quad = 0.0, lin = 0.0;
    for (int i = 0; i < n; i++) {
      double row = 0.0;
      for (int j = 0; j < n; j++)
        row += a[(size_t)i * n + j] * u[j];
      quad += u[i] * row;
      lin += b[i] * u[i];
    }
    *loss = quad - 2.0 * lin + yy;
  }
  UfpFree(&a);
  UfpFree(&b);
  return ierr;
}

UfpErrorCode Uf3FitPotential(Uf3Fit fit, const double *solution, Uf3Potential **pot)
{
  /* Model one-body energies: the reference baseline plus the fitted
   * corrections (any reference dataset carries the shared baseline). */
  const FitData *data = fit->data;
  const double *e0 = NULL;
  for (int d = 0; d < data->ndatasets && !e0; d++)
    if (data->datasets[d].energy_mode == FIT_ENERGY_REFERENCE) e0 = data->datasets[d].e0;
  UfpCall(Uf3FitBasisToPotential(fit->basis, solution, e0, pot));
  return UFP_SUCCESS;
}

void Uf3FitDatasetOneBody(Uf3Fit fit, int d, const double *solution, double *e1)
{
  const FitDataset *ds = &fit->data->datasets[d];
  for (int e = 0; e < fit->basis->nelements; e++) {
    if (ds->energy_mode == FIT_ENERGY_OFFSET)
      e1[e] = ds->e0[e] + solution[ds->offset_col + e];
    else if (ds->energy_mode == FIT_ENERGY_REFERENCE)
      e1[e] = ds->e0[e] + solution[e];
    else
      e1[e] = 0.0;
  }
}
