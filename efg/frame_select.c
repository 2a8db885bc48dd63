/* frame_select.c -- see frame_select.h. */
#include "frame_select.h"

#include <math.h>
#include <string.h>

#include "ewald_efg.h"

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

UfpErrorCode FrameSelectLargest(int n, int f, const double *cand, const double *score, int m, double min_distance,
                                int *selected, int *nselected)
{
  *nselected = 0;
  int *order = NULL;
  UfpCall(UfpCalloc(n > 0 ? n : 1, &order));
  for (int j = 0; j < n; j++) order[j] = j;
  /* Insertion sort by descending score, ties by index (stable). */
  for (int j = 1; j < n; j++) {
    int v = order[j], i = j - 1;
    while (i >= 0 && score[order[i]] < score[v]) order[i + 1] = order[i], i--;
    order[i + 1] = v;
  }
  for (int q = 0; q < n && *nselected < m; q++) {
    const int j = order[q];
    int close = 0;
    for (int p = 0; p < *nselected && !close; p++)
      close = sqrt(distance2(f, cand + (size_t)j * f, cand + (size_t)selected[p] * f)) < min_distance;
    if (!close) selected[(*nselected)++] = j;
  }
  UfpFree(&order);
  return UFP_SUCCESS;
}

static int is_ion(const char *symbol)
{
  static const char *const ions[] = {"Li", "Na", "K", "Rb", "Cs"};
  for (size_t k = 0; k < sizeof ions / sizeof ions[0]; k++)
    if (!strcmp(symbol, ions[k])) return 1;
  return 0;
}

static double norm3(const double d[3]) { return sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]); }

UfpErrorCode FrameCarveCluster(const UfpStructure *s, int centre, double radius, double bond_cutoff, double vacuum,
                               UfpStructure **cluster)
{
  *cluster = NULL;
  UfpCell cell;
  int pbc[3] = {1, 1, 1};
  UfpCall(UfpCellSetup(&cell, s->lattice, pbc));
  const double narrowest = fmin(cell.width[0], fmin(cell.width[1], cell.width[2]));
  UfpCheck(centre >= 0 && centre < s->natoms, UFP_ERR_INPUT, "cluster centre %d outside the structure", centre);
  UfpCheck(radius > 0 && radius + bond_cutoff <= 0.5 * narrowest, UFP_ERR_INPUT,
           "a cluster of radius %.2f Å (+ %.2f Å bonds) needs cells at least %.2f Å wide; this one is %.2f Å: "
           "label whole cells or use a smaller radius",
           radius, bond_cutoff, 2 * (radius + bond_cutoff), narrowest);
  const int n = s->natoms;
  double(*rel)[3] = NULL, *charge = NULL;
  int *in = NULL;
  UfpCall(UfpCalloc(n, &rel));
  UfpErrorCode ierr = UfpCalloc(n, &in);
  if (!ierr) ierr = UfpCalloc(n, &charge);
  for (int i = 0; i < n && !ierr; i++) {
    UfpCellMinimumImage(&cell, s->x[centre], s->x[i], rel[i]);
    in[i] = norm3(rel[i]) <= radius;
    ierr = EwaldEfgFormalCharge(s->species[i], &charge[i]);
  }
  /* Close covalent units: positions of added atoms follow their bond. */
  for (int grown = 1; grown && !ierr;) {
    grown = 0;
    for (int i = 0; i < n; i++) {
      if (!in[i] || is_ion(s->species[i])) continue;
      for (int j = 0; j < n; j++) {
        if (in[j] || is_ion(s->species[j])) continue;
        double d[3];
        UfpCellMinimumImage(&cell, s->x[i], s->x[j], d);
        if (norm3(d) < bond_cutoff) {
          for (int q = 0; q < 3; q++) rel[j][q] = rel[i][q] + d[q];
          in[j] = 1;
          grown = 1;
        }
      }
    }
  }
  /* Neutral: drop the farthest or add the nearest alkali ions. */
  double q = 0.0;
  for (int i = 0; i < n; i++) q += in[i] ? charge[i] : 0.0;
  while (!ierr && fabs(q) > 1e-9) {
    int pick = -1;
    for (int i = 0; i < n; i++) {
      if (!is_ion(s->species[i]) || i == centre || (q > 0) != (in[i] != 0) || charge[i] <= 0) continue;
      if (pick < 0 || (q > 0 ? norm3(rel[i]) > norm3(rel[pick]) : norm3(rel[i]) < norm3(rel[pick]))) pick = i;
    }
    if (pick < 0 || charge[pick] > fabs(q) + 1e-9) {
      ierr = UfpError(UFP_ERR_INPUT, "cannot make the cluster around atom %d neutral with alkali ions (charge %+g)",
                      centre, q);
      break;
    }
    in[pick] = !in[pick];
    q += in[pick] ? charge[pick] : -charge[pick];
  }
  int m = 0;
  double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
  for (int i = 0; i < n; i++)
    if (in[i]) {
      m++;
      for (int k = 0; k < 3; k++) lo[k] = fmin(lo[k], rel[i][k]), hi[k] = fmax(hi[k], rel[i][k]);
    }
  UfpStructure *c = NULL;
  if (!ierr) ierr = UfpStructureCreate(m, &c);
  if (!ierr) {
    double side = 0.0;
    for (int k = 0; k < 3; k++) side = fmax(side, hi[k] - lo[k]);
    side += 2.0 * vacuum;
    memset(c->lattice, 0, sizeof c->lattice);
    for (int k = 0; k < 3; k++) c->lattice[k][k] = side, c->pbc[k] = 1;
    c->has_lattice = 1;
    int a = 0;
    for (int i = 0; i < n && !ierr; i++) {
      if (!in[i]) continue;
      for (int k = 0; k < 3; k++) c->x[a][k] = rel[i][k] - 0.5 * (lo[k] + hi[k]) + 0.5 * side;
      ierr = UfpStructureSetSpecies(c, a++, s->species[i]);
    }
    long index = centre;
    if (!ierr) ierr = UfpStructureSetInfoInt(c, "cluster_centre", 'I', 1, &index);
    if (!ierr) ierr = UfpStructureSetInfoReal(c, "cluster_radius", 1, &radius);
  }
  UfpFree(&rel);
  UfpFree(&in);
  UfpFree(&charge);
  if (ierr) {
    UfpStructureDestroy(&c);
    return ierr;
  }
  *cluster = c;
  return UFP_SUCCESS;
}
