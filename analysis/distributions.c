/* distributions.c -- see distributions.h. */
#include "distributions.h"

#include <math.h>

#include "units.h"

UfpErrorCode HistogramCreate(int nbins, double lo, double hi, Histogram *h)
{
  UfpCheck(nbins >= 1 && hi > lo, UFP_ERR_INPUT, "histogram of %d bins on [%g, %g]", nbins, lo, hi);
  *h = (Histogram){.nbins = nbins, .lo = lo, .hi = hi, .scale = nbins / (hi - lo)};
  UfpCall(UfpCalloc(nbins, &h->counts));
  return UFP_SUCCESS;
}

void HistogramAdd(Histogram *h, double x)
{
  if (!(x >= h->lo && x <= h->hi)) {
    h->outside += 1.0;
    return;
  }
  int b = (int)((x - h->lo) * h->scale);
  if (b >= h->nbins) b = h->nbins - 1;
  h->counts[b] += 1.0;
}

void HistogramAddArray(Histogram *h, int64_t n, const double *x)
{
  for (int64_t k = 0; k < n; k++) HistogramAdd(h, x[k]);
}

void HistogramMerge(Histogram *a, const Histogram *b)
{
  for (int k = 0; k < a->nbins; k++) a->counts[k] += b->counts[k];
  a->outside += b->outside;
}

double AbsMax(int64_t n, const double *x)
{
  double m = 0.0;
  for (int64_t k = 0; k < n; k++) m = fmax(m, fabs(x[k]));
  return m;
}

void HistogramFree(Histogram *h) { UfpFree(&h->counts); }

void OrientationAdd(int nbins, double theta, double phi, double *counts)
{
  const double half = 0.5 * UFP_PI, scale = nbins / half;
  /* efg-predict writes theta in [0, pi] and phi in [-pi, pi]: fmod only for
   * angles outside those. */
  double t = fabs(theta), p = fabs(phi);
  if (t > UFP_PI) t = fmod(t, UFP_PI);
  if (p > UFP_PI) p = fmod(p, UFP_PI);
  if (t > half) t = UFP_PI - t;
  if (p > half) p = UFP_PI - p;
  int i = (int)(t * scale), j = (int)(p * scale);
  if (i >= nbins) i = nbins - 1;
  if (j >= nbins) j = nbins - 1;
  counts[i * nbins + j] += 1.0;
}
