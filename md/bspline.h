/*
 * bspline.h -- clamped cubic B-spline bases, tabulated per knot interval.
 *
 * Plan once: for a knot vector t_0 <= ... <= t_{m-1} with t_0 = ... = t_3 and
 * t_{m-4} = ... = t_{m-1} (clamped), every non-empty interval [t_p, t_{p+1})
 * (3 <= p <= m-5) carries exactly four non-zero cubic basis functions,
 * B_{p-3} .. B_p.  Uf3BasisSetup expands each of them, on each interval, into
 * a cubic in the local variable u = r - t_p:
 *     B_{p-3+a}(t_p + u) = sum_d poly[q][a][d] u^d,   a, d = 0..3,
 * where q numbers the non-empty intervals.  Execute many times: evaluating
 * the basis at r is then an interval lookup (one multiply for uniform knots,
 * a binary search otherwise) and four Horner steps, with no recursion.
 *
 * The expansion follows the Cox-de Boor recursion
 *     B_{i,0}(r) = 1 on [t_i, t_{i+1}),
 *     B_{i,k}(r) = (r - t_i)/(t_{i+k} - t_i) B_{i,k-1}(r)
 *                + (t_{i+k+1} - r)/(t_{i+k+1} - t_{i+1}) B_{i+1,k-1}(r),
 * carried out on polynomials in u (terms with a zero denominator vanish).
 * Reference: C. de Boor, A Practical Guide to Splines (Springer, 2001), ch. IX.
 *
 * Domain: [t_0, t_{m-1}).  r at or beyond the last knot is outside (the
 * spline and its derivative are zero there, as UF3 requires at the cutoff).
 */
#ifndef UFP_BSPLINE_H
#define UFP_BSPLINE_H

#include "ufp_error.h"

typedef struct {
  int nknots;            /* m */
  int ncoeff;            /* m - 4 basis functions */
  int nintervals;        /* non-empty intervals */
  double rmin, rmax;     /* first and last knot, Å */
  int uniform;           /* interior knots equally spaced */
  double inv_h;          /* 1 / spacing when uniform */
  double *knots;         /* copy of the knot vector */
  double *start;         /* [q] left end t_p of interval q */
  int *first;            /* [q] index p - 3 of the first non-zero basis function */
  double (*poly)[4][4];  /* [q][a][d] */
} Uf3Basis;

/* Tabulate; fails (bad input) unless the knots are clamped cubic and
 * non-decreasing with at least one non-empty interval. */
UfpErrorCode Uf3BasisSetup(Uf3Basis *basis, int nknots, const double *knots);
void Uf3BasisFree(Uf3Basis *basis);

/* Interval q containing r, or -1 when r < rmin or r >= rmax.  Inline (C99
 * inline definitions here, external definitions in bspline.c): this is the
 * innermost call of the force loop. */
inline int Uf3BasisInterval(const Uf3Basis *basis, double r)
{
  if (!(r >= basis->rmin) || r >= basis->rmax) return -1;
  int q;
  if (basis->uniform) {
    q = (int)((r - basis->rmin) * basis->inv_h);
    if (q >= basis->nintervals) q = basis->nintervals - 1;
    /* Round-off at interval edges: step to the interval that holds r. */
    while (q > 0 && r < basis->start[q]) q--;
    while (q + 1 < basis->nintervals && r >= basis->start[q + 1]) q++;
    return q;
  }
  int lo = 0, hi = basis->nintervals - 1;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (basis->start[mid] <= r)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

/* The four non-zero basis values and derivatives at r; returns the index of
 * the first (the others follow), or -1 outside the domain (values zero). */
inline int Uf3BasisEvaluate(const Uf3Basis *basis, double r, double value[4], double deriv[4])
{
  int q = Uf3BasisInterval(basis, r);
  if (q < 0) {
    for (int a = 0; a < 4; a++) value[a] = deriv[a] = 0.0;
    return -1;
  }
  double u = r - basis->start[q];
  const double(*poly)[4] = basis->poly[q];
  for (int a = 0; a < 4; a++) {
    value[a] = poly[a][0] + u * (poly[a][1] + u * (poly[a][2] + u * poly[a][3]));
    deriv[a] = poly[a][1] + u * (2.0 * poly[a][2] + u * 3.0 * poly[a][3]);
  }
  return basis->first[q];
}
/* Reference evaluation of B_n(r) by the Cox-de Boor recursion (slow; tests). */
double Uf3BasisReference(const Uf3Basis *basis, int n, double r);

#endif
