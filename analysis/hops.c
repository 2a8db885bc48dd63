/* hops.c -- see hops.h for the residence rule. */
#include "hops.h"

#include <math.h>
#include <string.h>

static double dist(const double a[3], const double b[3])
{
  return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

/* Is x[j .. j+dwell) a residence? Its mean goes to m. */
static int residence(const double (*x)[3], int j, int dwell, double r_in, double m[3])
{
  m[0] = m[1] = m[2] = 0.0;
  for (int q = j; q < j + dwell; q++)
    for (int a = 0; a < 3; a++) m[a] += x[q][a] / dwell;
  for (int q = j; q < j + dwell; q++)
    if (dist(x[q], m) > r_in) return 0;
  return 1;
}

UfpErrorCode HopDetect(const HopSettings *s, int n, const double (*x)[3], int *nhops, Hop **hops)
{
  UfpCheck(s->r_in > 0 && s->r_out > s->r_in && s->dwell >= 1, UFP_ERR_INPUT,
           "hop detection needs 0 < r_in < r_out and dwell >= 1 (got %g, %g Å, %d frames)", s->r_in, s->r_out,
           s->dwell);
  *nhops = 0;
  *hops = NULL;
  int cap = 0, start = 0;
  double c[3];
  while (start + s->dwell <= n && !residence(x, start, s->dwell, s->r_in, c)) start++;
  if (start + s->dwell > n) return UFP_SUCCESS; /* never settles: no site, no hop */
  int k = start + s->dwell;
  while (k < n) {
    if (dist(x[k], c) <= s->r_out) {
      k++;
      continue;
    }
    int j = k, settled = 0;
    double m[3];
    for (; j + s->dwell <= n; j++)
      if (residence(x, j, s->dwell, s->r_in, m)) {
        settled = 1;
        break;
      }
    if (!settled) break;
    if (dist(m, c) > s->r_out) {
      if (*nhops == cap) {
        cap = cap ? 2 * cap : 16;
        UfpCall(UfpRealloc(cap, hops));
      }
      Hop *h = &(*hops)[(*nhops)++];
      h->frame = j;
      memcpy(h->from, c, sizeof c);
      memcpy(h->to, m, sizeof m);
      memcpy(c, m, sizeof c);
    }
    k = j + s->dwell;
  }
  return UFP_SUCCESS;
}
