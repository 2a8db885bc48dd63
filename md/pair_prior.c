/*
 * pair_prior.c -- ZBL repulsion and its B-spline image for the fit's prior.
 * See pair_prior.h.
 */
#include "pair_prior.h"

#include <math.h>
#include <string.h>

#include "elements.h"
#include "units.h"

double PairPriorZbl(int z1, int z2, double r, double *dvdr)
{
  static const double c[4] = {0.18175, 0.50986, 0.28022, 0.02817};
  static const double d[4] = {3.19980, 0.94229, 0.40290, 0.20162};
  const double a = 0.46850 / (pow(z1, 0.23) + pow(z2, 0.23));
  const double k = z1 * z2 * UFP_COULOMB_EV_A;
  double phi = 0.0, dphi = 0.0;
  for (int q = 0; q < 4; q++) {
    double e = c[q] * exp(-d[q] * r / a);
    phi += e;
    dphi -= d[q] / a * e;
  }
  if (dvdr) *dvdr = k * (dphi / r - phi / (r * r));
  return k * phi / r;
}

UfpErrorCode PairPriorCoefficients(const Uf3FitBasis *basis, Uf3PairPrior kind, double *c0)
{
  memset(c0, 0, (size_t)basis->ncols * sizeof *c0);
  if (kind == UF3_PRIOR_NONE) return UFP_SUCCESS;
  for (int b = 0; b < basis->nblocks; b++) {
    const Uf3FitBlock *blk = &basis->blocks[b];
    if (blk->body != 2) continue;
    int z[2];
    for (int s = 0; s < 2; s++) {
      z[s] = UfpElementNumber(basis->elements[blk->el[s]]);
      UfpCheck(z[s] > 0, UFP_ERR_INPUT, "ZBL prior: '%s' is not a chemical element; use -fit_prior_2b none",
               basis->elements[blk->el[s]]);
    }
    const double *t = blk->knots[0];
    for (int n = 0; n < blk->dims[0]; n++) {
      int col = blk->map[n];
      if (col < 0) continue;
      double xi = (t[n + 1] + t[n + 2] + t[n + 3]) / 3.0;
      c0[blk->offset + col] = PairPriorZbl(z[0], z[1], xi, NULL);
    }
  }
  return UFP_SUCCESS;
}

