/* lipari_szabo.c -- see lipari_szabo.h for the model, bounds and start. */
#include "lipari_szabo.h"

#include <math.h>
#include <petsctao.h>

#include "petsc_call.h"

typedef struct {
  int n;
  const double *t, *c, *w;
  int fix_gamma;
  double gamma;
} Problem;

double LsModel(double t, double b2, double tau, double gamma)
{
  return b2 + (1.0 - b2) * exp(-pow(t / tau, gamma));
}

void LsFitSettingsDefault(LsFitSettings *s)
{
  *s = (LsFitSettings){.t_min = 0.0, .t_max = INFINITY, .fix_gamma = 0, .gamma = 1.0, .gamma_min = 0.1,
                       .gamma_max = 2.0, .min_drop = 0.05};
}

/* Objective and gradient in u = (b2, ln tau, gamma). */
static double objective(const Problem *p, const double u[3], double g[3])
{
  const double b2 = u[0], tau = exp(u[1]), gamma = p->fix_gamma ? p->gamma : u[2];
  double f = 0.0;
  if (g) g[0] = g[1] = g[2] = 0.0;
  for (int k = 0; k < p->n; k++) {
    double t = p->t[k], w = p->w ? p->w[k] : 1.0;
    double x = t > 0.0 ? pow(t / tau, gamma) : 0.0, e = exp(-x);
    double r = b2 + (1.0 - b2) * e - p->c[k];
    f += w * r * r;
    if (g) {
      g[0] += 2.0 * w * r * (1.0 - e);
      /* d/d ln tau of exp(-(t/tau)^gamma) = gamma x e */
      g[1] += 2.0 * w * r * (1.0 - b2) * gamma * x * e;
      /* d/d gamma = -x ln(t/tau) e */
      if (!p->fix_gamma && t > 0.0) g[2] += 2.0 * w * r * (1.0 - b2) * (-x * log(t / tau) * e);
    }
  }
  return f;
}

static PetscErrorCode tao_objective(Tao tao, Vec u, PetscReal *f, Vec g, void *ctx)
{
  (void)tao;
  const PetscScalar *uu;
  PetscScalar *gg;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(u, &uu));
  PetscCall(VecGetArray(g, &gg));
  double ud[3] = {uu[0], uu[1], uu[2]}, gd[3];
  *f = objective(ctx, ud, gd);
  for (int k = 0; k < 3; k++) gg[k] = gd[k];
  PetscCall(VecRestoreArray(g, &gg));
  PetscCall(VecRestoreArrayRead(u, &uu));
  PetscFunctionReturn(0);
}

UfpErrorCode LsFit(const LsFitSettings *s, int n, const double *t, const double *c, const double *w,
                   LsFitResult *res)
{
  *res = (LsFitResult){.decays = 0, .b2 = NAN, .tau = NAN, .gamma = NAN, .rms = NAN};
  /* The window. */
  int first = -1, count = 0;
  for (int k = 0; k < n; k++)
    if (t[k] >= s->t_min && t[k] <= s->t_max) {
      if (first < 0) first = k;
      count = k - first + 1;
    }
  UfpCheck(count >= 4, UFP_ERR_INPUT, "Lipari-Szabo fit: %d points in the window [%g, %g] (4 needed)", count,
           s->t_min, s->t_max);
  const double *tw = t + first, *cw = c + first, *ww = w ? w + first : NULL;
  res->npoints = count;
  double lowest = INFINITY, tail = 0.0;
  int ntail = count / 10 > 1 ? count / 10 : 1;
  for (int k = 0; k < count; k++) lowest = fmin(lowest, cw[k]);
  for (int k = count - ntail; k < count; k++) tail += cw[k] / ntail;
  if (lowest > 1.0 - s->min_drop) return UFP_SUCCESS; /* no decay to fit */
  /* Start: plateau from the tail, tau at the half-way crossing. */
  double b2 = fmin(fmax(tail, 0.0), 0.99), half = 0.5 * (1.0 + b2), tau0 = tw[count - 1];
  for (int k = 0; k < count; k++)
    if (cw[k] <= half) {
      tau0 = fmax(tw[k], 1e-300);
      break;
    }
  const double dt = count > 1 ? tw[1] - tw[0] : tw[0];
  const double lo_tau = log(fmax(dt, 1e-300) / 10.0), hi_tau = log(1e3 * tw[count - 1]);
  Problem prob = {count, tw, cw, ww, s->fix_gamma, s->gamma};
  double u[3] = {b2, log(tau0), s->gamma}, best = objective(&prob, u, NULL);
  for (int q = -6; q <= 6; q++) { /* coarse scan of ln tau around the start */
    double v[3] = {b2, fmin(fmax(log(tau0) + 0.5 * q, lo_tau), hi_tau), s->gamma}, f = objective(&prob, v, NULL);
    if (f < best) {
      best = f;
      u[1] = v[1];
    }
  }
  Tao tao;
  Vec x, lb, ub;
  UfpCallPetsc(TaoCreate(PETSC_COMM_SELF, &tao));
  UfpCallPetsc(TaoSetType(tao, TAOBLMVM));
  UfpCallPetsc(VecCreateSeq(PETSC_COMM_SELF, 3, &x));
  UfpCallPetsc(VecDuplicate(x, &lb));
  UfpCallPetsc(VecDuplicate(x, &ub));
  const double gmin = s->fix_gamma ? s->gamma : s->gamma_min, gmax = s->fix_gamma ? s->gamma : s->gamma_max;
  const PetscInt idx[3] = {0, 1, 2};
  const PetscScalar lo[3] = {0.0, lo_tau, gmin}, hi[3] = {1.0, hi_tau, gmax}, start[3] = {u[0], u[1], s->fix_gamma ? s->gamma : u[2]};
  UfpCallPetsc(VecSetValues(lb, 3, idx, lo, INSERT_VALUES));
  UfpCallPetsc(VecSetValues(ub, 3, idx, hi, INSERT_VALUES));
  UfpCallPetsc(VecSetValues(x, 3, idx, start, INSERT_VALUES));
  UfpCallPetsc(VecAssemblyBegin(lb));
  UfpCallPetsc(VecAssemblyEnd(lb));
  UfpCallPetsc(VecAssemblyBegin(ub));
  UfpCallPetsc(VecAssemblyEnd(ub));
  UfpCallPetsc(VecAssemblyBegin(x));
  UfpCallPetsc(VecAssemblyEnd(x));
  UfpCallPetsc(TaoSetSolution(tao, x));
  UfpCallPetsc(TaoSetVariableBounds(tao, lb, ub));
  UfpCallPetsc(TaoSetObjectiveAndGradient(tao, NULL, tao_objective, &prob));
  UfpCallPetsc(TaoSetTolerances(tao, 1e-14, 1e-14, 1e-12));
  UfpCallPetsc(TaoSetMaximumIterations(tao, 2000));
  UfpCallPetsc(TaoSolve(tao));
  PetscInt its;
  UfpCallPetsc(TaoGetIterationNumber(tao, &its));
  const PetscScalar *xx;
  UfpCallPetsc(VecGetArrayRead(x, &xx));
  double sol[3] = {xx[0], xx[1], xx[2]};
  UfpCallPetsc(VecRestoreArrayRead(x, &xx));
  UfpCallPetsc(TaoDestroy(&tao));
  UfpCallPetsc(VecDestroy(&x));
  UfpCallPetsc(VecDestroy(&lb));
  UfpCallPetsc(VecDestroy(&ub));
  double wsum = 0.0;
  for (int k = 0; k < count; k++) wsum += ww ? ww[k] : 1.0;
  res->iterations = (int)its;
  res->b2 = sol[0];
  res->tau = exp(sol[1]);
  res->gamma = s->fix_gamma ? s->gamma : sol[2];
  res->rms = sqrt(objective(&prob, sol, NULL) / wsum);
  res->decays = res->tau <= 10.0 * tw[count - 1];
  if (!res->decays) res->tau = NAN;
  return UFP_SUCCESS;
}
