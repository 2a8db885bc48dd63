/* distributions.c -- see distributions.h. */
#include "distributions.h"

#include <math.h>

#include "units.h"

UfpErrorCode HistogramCreate(int nbins, double lo, double hi, Histogram *h)
{
  UfpCheck(nbins >= 1 && hi > lo, UFP_ERR_INPUT, "histogram of %d bins on [%g, %g]", nbins, lo, hi);
  *h = (Histogram){.nbins = nbins, .lo = lo, .hi = hi};
  UfpCall(UfpCalloc(nbins, &h->counts));
  return UFP_SUCCESS;
}

void HistogramAdd(Histogram *h, double x)
{
  if (!(x >= h->lo && x <= h->hi)) {
    h->outside += 1.0;
    return;
  }
  int b = (int)((x - h->lo) / (h->hi - h->lo) * h->nbins);
  if (b >= h->nbins) b = h->nbins - 1;
  h->counts[b] += 1.0;
}

void HistogramFree(Histogram *h) { UfpFree(&h->counts); }

void OrientationAdd(int nbins, double theta, double phi, double *counts)
{
  const double half = 0.5 * UFP_PI;
  double t = fmod(fabs(theta), UFP_PI), p = fmod(fabs(phi), UFP_PI);
  if (t > half) t = UFP_PI - t;
  if (p > half) p = UFP_PI - p;
  int i = (int)(t / half * nbins), j = (int)(p / half * nbins);
  if (i >= nbins) i = nbins - 1;
  if (j >= nbins) j = nbins - 1;
  counts[i * nbins + j] += 1.0;
}
