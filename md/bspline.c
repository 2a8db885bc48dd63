/*
 * bspline.c -- tabulated clamped cubic B-spline bases (see bspline.h for the
 * layout and the recursion).
 *
 * Polynomials are arrays of 4 coefficients in u = r - t_p.  The recursion is
 * run once per interval at set-up, so its cost (a few hundred flops per
 * interval) never appears in the force loop.
 */
#include "bspline.h"

#include <math.h>
#include <string.h>

typedef double Poly[4];

/* out = (alpha + beta u) * in, dropping the u^4 term (it is zero for the
 * degrees reached here). */
static void poly_times_linear(const Poly in, double alpha, double beta, Poly out)
{
  out[0] = alpha * in[0];
  for (int d = 1; d < 4; d++) out[d] = alpha * in[d] + beta * in[d - 1];
}

/* Expand B_{i,3} for i = p-3..p on interval [t_p, t_{p+1}). */
static void expand_interval(const double *t, int p, double poly[4][4])
{
  /* level[k][i - (p - k)] = B_{i,k} for i = p-k..p as polynomials in u. */
  Poly level[4][4];
  memset(level, 0, sizeof level);
  level[0][0][0] = 1.0;
  for (int k = 1; k <= 3; k++) {
    for (int s = 0; s <= k; s++) {
      int i = p - k + s;
      Poly acc = {0, 0, 0, 0}, term;
      /* (r - t_i)/(t_{i+k} - t_i) B_{i,k-1}: B_{i,k-1} is level[k-1][s-1] (i = p-(k-1)+(s-1)). */
      double left = t[i + k] - t[i];
      if (s >= 1 && left > 0) {
        poly_times_linear(level[k - 1][s - 1], (t[p] - t[i]) / left, 1.0 / left, term);
        for (int d = 0; d < 4; d++) acc[d] += term[d];
      }
      /* (t_{i+k+1} - r)/(t_{i+k+1} - t_{i+1}) B_{i+1,k-1}: level[k-1][s]. */
      double right = t[i + k + 1] - t[i + 1];
      if (s <= k - 1 && right > 0) {
        poly_times_linear(level[k - 1][s], (t[i + k + 1] - t[p]) / right, -1.0 / right, term);
        for (int d = 0; d < 4; d++) acc[d] += term[d];
      }
      memcpy(level[k][s], acc, sizeof acc);
    }
  }
  memcpy(poly, level[3], sizeof level[3]);
}

UfpErrorCode Uf3BasisSetup(Uf3Basis *basis, int nknots, const double *t)
{
  memset(basis, 0, sizeof *basis);
  UfpCheck(nknots >= 8, UFP_ERR_INPUT, "a clamped cubic B-spline needs at least 8 knots (got %d)", nknots);
  for (int i = 0; i < nknots; i++)
    UfpCheck(isfinite(t[i]), UFP_ERR_INPUT, "knot %d is not a finite number", i);
  for (int i = 1; i < nknots; i++)
    UfpCheck(t[i] >= t[i - 1], UFP_ERR_INPUT, "knots must not decrease (knot %d: %.17g < %.17g)", i, t[i],
             t[i - 1]);
  UfpCheck(t[0] == t[3] && t[nknots - 4] == t[nknots - 1], UFP_ERR_INPUT,
           "knots are not clamped: the first four and the last four must be equal (%.17g..%.17g, %.17g..%.17g)",
           t[0], t[3], t[nknots - 4], t[nknots - 1]);
  UfpCheck(t[nknots - 1] > t[0], UFP_ERR_INPUT, "knot vector has zero length");
  basis->nknots = nknots;
  basis->ncoeff = nknots - 4;
  basis->rmin = t[0];
  basis->rmax = t[nknots - 1];
  UfpCall(UfpCalloc(nknots, &basis->knots));
  memcpy(basis->knots, t, sizeof *t * (size_t)nknots);
  int n = 0;
  for (int p = 3; p <= nknots - 5; p++)
    if (t[p + 1] > t[p]) n++;
  basis->nintervals = n;
  UfpCall(UfpCalloc(n, &basis->start));
  UfpCall(UfpCalloc(n, &basis->first));
  UfpCall(UfpCalloc(n, &basis->poly));
  int q = 0;
  for (int p = 3; p <= nknots - 5; p++) {
    if (!(t[p + 1] > t[p])) continue;
    basis->start[q] = t[p];
    basis->first[q] = p - 3;
    expand_interval(t, p, basis->poly[q]);
    q++;
  }
  /* Uniform interior: every non-empty interval has the same width and the
   * intervals are consecutive (no repeated interior knots). */
  double h = (basis->rmax - basis->rmin) / n;
  basis->uniform = n == nknots - 7;
  for (int k = 0; k < n && basis->uniform; k++)
    if (fabs(basis->start[k] - (basis->rmin + k * h)) > 1e-9 * (basis->rmax - basis->rmin)) basis->uniform = 0;
  basis->inv_h = basis->uniform ? 1.0 / h : 0.0;
  return UFP_SUCCESS;
}

void Uf3BasisFree(Uf3Basis *basis)
{
  UfpFree(&basis->knots);
  UfpFree(&basis->start);
  UfpFree(&basis->first);
  UfpFree(&basis->poly);
}

/* External definitions of the inline functions in bspline.h. */
extern inline int Uf3BasisInterval(const Uf3Basis *basis, double r);
extern inline int Uf3BasisEvaluate(const Uf3Basis *basis, double r, double value[4], double deriv[4]);

static double cox_de_boor(const double *t, int i, int k, double r)
{
  if (k == 0) return (t[i] <= r && r < t[i + 1]) ? 1.0 : 0.0;
  double value = 0.0;
  if (t[i + k] > t[i]) value += (r - t[i]) / (t[i + k] - t[i]) * cox_de_boor(t, i, k - 1, r);
  if (t[i + k + 1] > t[i + 1]) value += (t[i + k + 1] - r) / (t[i + k + 1] - t[i + 1]) * cox_de_boor(t, i + 1, k - 1, r);
  return value;
}

double Uf3BasisReference(const Uf3Basis *basis, int n, double r)
{
  if (n < 0 || n >= basis->ncoeff) return 0.0;
  return cox_de_boor(basis->knots, n, 3, r);
}
