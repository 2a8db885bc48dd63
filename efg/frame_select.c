/* frame_select.c -- see frame_select.h. */
#include "frame_select.h"

#include <math.h>
#include <string.h>

UfpErrorCode FrameFingerprint(LambdaSoap soap, int nspecies, const char (*species_list)[16], const UfpCell *cell,
                              int natoms, const double (*x)[3], const char (*species)[UFP_LABEL_MAX], double *out)
{
  const int f0 = LambdaSoapSize(soap, 0);
  int *channel = NULL, *centres = NULL, *block = NULL;
  double *p0 = NULL;
  UfpCall(UfpCalloc(natoms, &channel));
  UfpErrorCode ierr = UfpCalloc(natoms, &centres);
  if (!ierr) ierr = UfpCalloc(natoms, &block);
  if (!ierr) ierr = UfpCalloc((size_t)natoms * f0, &p0);
  int ncentres = 0;
  for (int i = 0; i < natoms && !ierr; i++) {
    channel[i] = LambdaSoapChannel(soap, species[i]);
    block[i] = -1;
    for (int s = 0; s < nspecies; s++)
      if (!strcmp(species_list[s], species[i])) block[i] = s;
    if (block[i] >= 0) centres[ncentres++] = i;
  }
  if (!ierr) ierr = LambdaSoapCompute(soap, cell, natoms, x, channel, ncentres, centres, 0, p0);
  memset(out, 0, sizeof(double) * (size_t)nspecies * f0);
  int count[64] = {0};
  for (int c = 0; c < ncentres && !ierr; c++) {
    const int s = block[centres[c]];
    if (s < 64) count[s]++;
    for (int k = 0; k < f0; k++) out[(size_t)s * f0 + k] += p0[(size_t)c * f0 + k];
  }
  for (int s = 0; s < nspecies && s < 64 && !ierr; s++)
    if (count[s] > 0)
      for (int k = 0; k < f0; k++) out[(size_t)s * f0 + k] /= count[s];
  UfpFree(&channel);
  UfpFree(&centres);
  UfpFree(&block);
  UfpFree(&p0);
  return ierr;
}

static double distance2(int f, const double *a, const double *b)
{
  double d = 0.0;
  for (int k = 0; k < f; k++) d += (a[k] - b[k]) * (a[k] - b[k]);
  return d;
}

UfpErrorCode FrameSelectFarthest(int n, int f, const double *cand, int nref, const double *ref, int m,
                                 double min_distance, int *selected, double *distance, int *nselected)
{
  *nselected = 0;
  if (n <= 0 || m <= 0) return UFP_SUCCESS;
  double *d2 = NULL, *mean = NULL;
  UfpCall(UfpCalloc(n, &d2));
  UfpErrorCode ierr = UfpCalloc(f, &mean);
  for (int j = 0; j < n && !ierr; j++) {
    d2[j] = INFINITY;
    for (int r = 0; r < nref; r++) d2[j] = fmin(d2[j], distance2(f, cand + (size_t)j * f, ref + (size_t)r * f));
  }
  if (!ierr && nref == 0) {
    /* First pick: the candidate farthest from the candidates' mean; it has
     * no distance to a set (NaN). */
    for (int j = 0; j < n; j++)
      for (int k = 0; k < f; k++) mean[k] += cand[(size_t)j * f + k] / n;
    int first = 0;
    double far = -1.0;
    for (int j = 0; j < n; j++) {
      double d = distance2(f, cand + (size_t)j * f, mean);
      if (d > far) far = d, first = j;
    }
    selected[0] = first;
    distance[0] = NAN;
    *nselected = 1;
    for (int j = 0; j < n; j++) d2[j] = distance2(f, cand + (size_t)j * f, cand + (size_t)first * f);
    d2[first] = -1.0;
  }
  while (!ierr && *nselected < m) {
    int best = -1;
    for (int j = 0; j < n; j++)
      if (d2[j] >= 0 && (best < 0 || d2[j] > d2[best])) best = j;
    if (best < 0 || sqrt(d2[best]) < min_distance) break;
    selected[*nselected] = best;
    distance[*nselected] = sqrt(d2[best]);
    (*nselected)++;
    for (int j = 0; j < n; j++)
      if (d2[j] >= 0) d2[j] = fmin(d2[j], distance2(f, cand + (size_t)j * f, cand + (size_t)best * f));
    d2[best] = -1.0; /* taken */
  }
  UfpFree(&d2);
  UfpFree(&mean);
  return ierr;
}
