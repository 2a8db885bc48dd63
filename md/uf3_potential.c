/*
 * uf3_potential.c -- lifecycle, setters and checks of the in-memory UF3 model
 * (see uf3_potential.h for the energy expression and storage layout).
 *
 * Storage: every spline owns its arrays.  A pair spline is stored twice, at
 * [a][b] and [b][a] (two independent deep copies, so either may be freed or
 * replaced without aliasing).  A triplet spline for centre a and neighbours
 * b != c is stored at [a][b][c] as given and at [a][c][b] with dimensions 0
 * and 1 exchanged: coeff'[(m * n0 + l) * n2 + n] = coeff[(l * n1 + m) * n2 + n],
 * knots'[0] = knots[1], knots'[1] = knots[0], knots'[2] = knots[2].  This is
 * exactly what LAMMPS's pair_style uf3 does when it reads a "3B a b c" block
 * (it fills map_3b[a][b][c] and, transposed, map_3b[a][c][b]).  For b == c
 * the two slots coincide and the block must be symmetric under that exchange:
 * equal knot vectors in dimensions 0 and 1 and c_lmn = c_mln (LAMMPS reads
 * such a block "in place" and would otherwise silently keep only one
 * triangle, and the energy would depend on the neighbour-list order).
 *
 * Uf3PotentialValidate checks, and names `source`, the interaction and the
 * problem in its UFP_ERR_INPUT message:
 *   - element names non-empty and distinct;
 *   - every pair a-b present; every triplet present when any is (LAMMPS
 *     refuses incomplete potentials too);
 *   - per dimension: at least 8 knots (a clamped cubic with one interval),
 *     finite, non-negative, non-decreasing, clamped (t0 = t1 = t2 = t3 and the
 *     last four equal), t3 < t_{m-4} (an interval of positive length), and
 *     ncoeff = nknots - 4 (implied by the layout, so checked as nknots >= 8);
 *   - finite coefficients; 0 <= trims and leading + trailing trim <= ncoeff
 *     in every dimension;
 *   - the mirrored copies ([b][a], [a][c][b]) equal the exchanged originals;
 *   - the b == c symmetry above (coefficients to 1e-12 of the block's largest
 *     magnitude).
 * Trims are metadata (uf3's count of coefficients held at zero at each end);
 * Validate does not require the trimmed coefficients to be zero.
 */
#include "uf3_potential.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------- helpers */

static void spline1d_free(Uf3Spline1D *s)
{
  UfpFree(&s->knots);
  UfpFree(&s->coeff);
  memset(s, 0, sizeof *s);
}

static void spline3d_free(Uf3Spline3D *s)
{
  for (int d = 0; d < 3; d++)
    UfpFree(&s->knots[d]);
  UfpFree(&s->coeff);
  memset(s, 0, sizeof *s);
}

static size_t spline3d_ncoeff(const Uf3Spline3D *s)
{
  size_t n = 1;
  for (int d = 0; d < 3; d++)
    n *= (size_t)(s->nknots[d] > 4 ? s->nknots[d] - 4 : 0);
  return n;
}

/* Replace *dst by a deep copy of *src. */
static UfpErrorCode spline1d_copy(const Uf3Spline1D *src, Uf3Spline1D *dst)
{
  Uf3Spline1D copy = *src;
  UfpCheck(src->nknots >= 5 && src->knots && src->coeff, UFP_ERR_INPUT,
           "pair spline with %d knots: at least 5 knots and one coefficient are needed", src->nknots);
  copy.knots = NULL;
  copy.coeff = NULL;
  UfpCall(UfpCalloc(src->nknots, &copy.knots));
  UfpErrorCode ierr = UfpCalloc(src->nknots - 4, &copy.coeff);
  if (ierr) {
    UfpFree(&copy.knots);
    UfpCall(ierr);
  }
  memcpy(copy.knots, src->knots, (size_t)src->nknots * sizeof *copy.knots);
  memcpy(copy.coeff, src->coeff, (size_t)(src->nknots - 4) * sizeof *copy.coeff);
  spline1d_free(dst);
  *dst = copy;
  return UFP_SUCCESS;
}

/* Replace *dst by a deep copy of *src, with dimensions 0 and 1 exchanged
 * when swap01 is set. */
static UfpErrorCode spline3d_copy(const Uf3Spline3D *src, int swap01, Uf3Spline3D *dst)
{
  Uf3Spline3D copy;
  UfpErrorCode ierr = UFP_SUCCESS;

  for (int d = 0; d < 3; d++)
    UfpCheck(src->nknots[d] >= 5 && src->knots[d], UFP_ERR_INPUT,
             "triplet spline with %d knots in dimension %d: at least 5 are needed", src->nknots[d], d);
  UfpCheck(src->coeff, UFP_ERR_INPUT, "triplet spline without coefficients");
  memset(&copy, 0, sizeof copy);
  copy.leading_trim = src->leading_trim;
  copy.trailing_trim = src->trailing_trim;
  for (int d = 0; d < 3 && !ierr; d++) {
    int from = swap01 && d < 2 ? 1 - d : d;
    copy.nknots[d] = src->nknots[from];
    ierr = UfpCalloc(copy.nknots[d], &copy.knots[d]);
    if (!ierr) memcpy(copy.knots[d], src->knots[from], (size_t)copy.nknots[d] * sizeof(double));
  }
  size_t ncoeff = spline3d_ncoeff(src);
  if (!ierr) ierr = UfpCalloc(ncoeff, &copy.coeff);
  if (ierr) {
    spline3d_free(&copy);
    UfpCall(ierr);
  }
  if (!swap01) {
    memcpy(copy.coeff, src->coeff, ncoeff * sizeof *copy.coeff);
  } else {
    int n0 = src->nknots[0] - 4, n1 = src->nknots[1] - 4, n2 = src->nknots[2] - 4;
    for (int l = 0; l < n0; l++)
      for (int m = 0; m < n1; m++)
        for (int n = 0; n < n2; n++)
          copy.coeff[((size_t)m * n0 + l) * n2 + n] = src->coeff[((size_t)l * n1 + m) * n2 + n];
  }
  spline3d_free(dst);
  *dst = copy;
  return UFP_SUCCESS;
}

/* ---------------------------------------------------------------- lifecycle */

UfpErrorCode Uf3PotentialCreate(int nelements, const char (*elements)[UFP_LABEL_MAX], Uf3Potential **pot)
{
  Uf3Potential *p;
  UfpErrorCode ierr = UFP_SUCCESS;

  *pot = NULL;
  UfpCheck(nelements >= 1, UFP_ERR_INPUT, "a UF3 potential needs at least one element (got %d)", nelements);
  UfpCheck(elements, UFP_ERR_INTERNAL, "Uf3PotentialCreate: no element names");
  for (int a = 0; a < nelements; a++) {
    UfpCheck(elements[a][0] != '\0' && memchr(elements[a], '\0', UFP_LABEL_MAX), UFP_ERR_INPUT,
             "UF3 potential: element %d has an empty or unterminated name", a);
    for (int b = 0; b < a; b++)
      UfpCheck(strcmp(elements[a], elements[b]) != 0, UFP_ERR_INPUT,
               "UF3 potential: element %s is listed twice", elements[a]);
  }
  size_t n2 = (size_t)nelements * nelements, n3 = n2 * nelements;
  UfpCall(UfpCalloc(1, &p));
  p->nelements = nelements;
  if (!ierr) ierr = UfpCalloc(nelements, &p->elements);
  if (!ierr) ierr = UfpCalloc(nelements, &p->one_body);
  if (!ierr) ierr = UfpCalloc(n2, &p->pair);
  if (!ierr) ierr = UfpCalloc(n2, &p->has_pair);
  if (!ierr) ierr = UfpCalloc(n3, &p->triplet);
  if (!ierr) ierr = UfpCalloc(n3, &p->has_triplet);
  if (ierr) {
    Uf3PotentialDestroy(&p);
    UfpCall(ierr);
  }
  memcpy(p->elements, elements, (size_t)nelements * sizeof *p->elements);
  *pot = p;
  return UFP_SUCCESS;
}

UfpErrorCode Uf3PotentialDestroy(Uf3Potential **pot)
{
  if (!pot || !*pot) return UFP_SUCCESS;
  Uf3Potential *p = *pot;
  size_t n2 = (size_t)p->nelements * p->nelements, n3 = n2 * p->nelements;
  if (p->pair)
    for (size_t i = 0; i < n2; i++)
      spline1d_free(&p->pair[i]);
  if (p->triplet)
    for (size_t i = 0; i < n3; i++)
      spline3d_free(&p->triplet[i]);
  UfpFree(&p->elements);
  UfpFree(&p->one_body);
  UfpFree(&p->pair);
  UfpFree(&p->has_pair);
  UfpFree(&p->triplet);
  UfpFree(&p->has_triplet);
  UfpFree(pot);
  return UFP_SUCCESS;
}

int Uf3PotentialElementIndex(const Uf3Potential *pot, const char *symbol)
{
  if (!pot || !symbol) return -1;
  for (int a = 0; a < pot->nelements; a++)
    if (strcmp(pot->elements[a], symbol) == 0) return a;
  return -1;
}

UfpErrorCode Uf3PotentialSetPair(Uf3Potential *pot, int a, int b, const Uf3Spline1D *spline)
{
  int nel = pot->nelements;
  UfpCheck(a >= 0 && a < nel && b >= 0 && b < nel, UFP_ERR_INTERNAL,
           "Uf3PotentialSetPair: element index (%d, %d) outside 0..%d", a, b, nel - 1);
  UfpCheck(spline, UFP_ERR_INTERNAL, "Uf3PotentialSetPair: no spline");
  UfpCall(spline1d_copy(spline, &pot->pair[a * nel + b]));
  pot->has_pair[a * nel + b] = 1;
  if (a != b) {
    UfpCall(spline1d_copy(spline, &pot->pair[b * nel + a]));
    pot->has_pair[b * nel + a] = 1;
  }
  return UFP_SUCCESS;
}

UfpErrorCode Uf3PotentialSetTriplet(Uf3Potential *pot, int a, int b, int c, const Uf3Spline3D *spline)
{
  int nel = pot->nelements;
  UfpCheck(a >= 0 && a < nel && b >= 0 && b < nel && c >= 0 && c < nel, UFP_ERR_INTERNAL,
           "Uf3PotentialSetTriplet: element index (%d, %d, %d) outside 0..%d", a, b, c, nel - 1);
  UfpCheck(spline, UFP_ERR_INTERNAL, "Uf3PotentialSetTriplet: no spline");
  size_t abc = ((size_t)a * nel + b) * nel + c, acb = ((size_t)a * nel + c) * nel + b;
  UfpCall(spline3d_copy(spline, 0, &pot->triplet[abc]));
  pot->has_triplet[abc] = 1;
  if (b != c) {
    UfpCall(spline3d_copy(spline, 1, &pot->triplet[acb]));
    pot->has_triplet[acb] = 1;
  }
  pot->has_3body = 1;
  return UFP_SUCCESS;
}

/* ----------------------------------------------------------------- cutoffs */

double Uf3PotentialPairCutoff(const Uf3Potential *pot)
{
  double rc = 0.0;
  int nel = pot->nelements;
  for (int i = 0; i < nel * nel; i++)
    if (pot->has_pair[i] && pot->pair[i].nknots > 0)
      rc = fmax(rc, pot->pair[i].knots[pot->pair[i].nknots - 1]);
  return rc;
}

double Uf3PotentialTripletCutoff(const Uf3Potential *pot)
{
  double rc = 0.0;
  size_t n3 = (size_t)pot->nelements * pot->nelements * pot->nelements;
  for (size_t i = 0; i < n3; i++) {
    const Uf3Spline3D *t = &pot->triplet[i];
    if (!pot->has_triplet[i]) continue;
    for (int d = 0; d < 2; d++)
      if (t->nknots[d] > 0) rc = fmax(rc, t->knots[d][t->nknots[d] - 1]);
  }
  return rc;
}

/* First knot of pair (a, b); with a or b negative, the smallest first knot
 * of all pairs.  0 when no such pair is present. */
double Uf3PotentialInnerCutoff(const Uf3Potential *pot, int a, int b)
{
  int nel = pot->nelements;
  if (a >= 0 && b >= 0) {
    if (a >= nel || b >= nel || !pot->has_pair[a * nel + b]) return 0.0;
    return pot->pair[a * nel + b].knots[0];
  }
  double r = HUGE_VAL;
  for (int i = 0; i < nel * nel; i++)
    if (pot->has_pair[i]) r = fmin(r, pot->pair[i].knots[0]);
  return r == HUGE_VAL ? 0.0 : r;
}

/* -------------------------------------------------------------- validation */

/* One knot vector; `what` names it ("pair Li-P", "triplet Li-P-S r_ij"). */
static UfpErrorCode check_knots(const char *source, const char *what, int m, const double *t)
{
  UfpCheck(t && m >= 8, UFP_ERR_INPUT,
           "%s: %s: %d knots; a clamped cubic spline needs at least 8 (4 + 4 repeated end knots)", source,
           what, m);
  for (int i = 0; i < m; i++) {
    UfpCheck(isfinite(t[i]), UFP_ERR_INPUT, "%s: %s: knot %d is not a finite number", source, what, i);
    UfpCheck(i == 0 || t[i] >= t[i - 1], UFP_ERR_INPUT,
             "%s: %s: knots decrease at knot %d (%.17g after %.17g)", source, what, i, t[i], t[i - 1]);
  }
  UfpCheck(t[0] >= 0.0, UFP_ERR_INPUT, "%s: %s: first knot %.17g is negative (a distance)", source, what,
           t[0]);
  UfpCheck(t[0] == t[3], UFP_ERR_INPUT,
           "%s: %s: knots not clamped: the first four must be equal (%.17g %.17g %.17g %.17g)", source, what,
           t[0], t[1], t[2], t[3]);
  UfpCheck(t[m - 4] == t[m - 1], UFP_ERR_INPUT,
           "%s: %s: knots not clamped: the last four must be equal (%.17g %.17g %.17g %.17g)", source, what,
           t[m - 4], t[m - 3], t[m - 2], t[m - 1]);
  UfpCheck(t[3] < t[m - 4], UFP_ERR_INPUT, "%s: %s: knots span no interval (%.17g to %.17g)", source, what,
           t[3], t[m - 4]);
  return UFP_SUCCESS;
}

static UfpErrorCode check_trims(const char *source, const char *what, int lead, int trail, int ncoeff)
{
  UfpCheck(lead >= 0 && trail >= 0 && lead + trail <= ncoeff, UFP_ERR_INPUT,
           "%s: %s: trims (leading %d, trailing %d) do not fit %d coefficients", source, what, lead, trail,
           ncoeff);
  return UFP_SUCCESS;
}

static UfpErrorCode check_pair(const Uf3Potential *pot, const char *source, int a, int b)
{
  int nel = pot->nelements;
  char what[3 * UFP_LABEL_MAX];
  snprintf(what, sizeof what, "pair %s-%s", pot->elements[a], pot->elements[b]);
  UfpCheck(pot->has_pair[a * nel + b] && pot->has_pair[b * nel + a], UFP_ERR_INPUT,
           "%s: missing 2-body interaction %s-%s", source, pot->elements[a], pot->elements[b]);
  const Uf3Spline1D *s = &pot->pair[a * nel + b], *mirror = &pot->pair[b * nel + a];
  UfpCall(check_knots(source, what, s->nknots, s->knots));
  int ncoeff = s->nknots - 4;
  UfpCheck(s->coeff, UFP_ERR_INPUT, "%s: %s: no coefficients", source, what);
  for (int i = 0; i < ncoeff; i++)
    UfpCheck(isfinite(s->coeff[i]), UFP_ERR_INPUT, "%s: %s: coefficient %d is not a finite number", source,
             what, i);
  UfpCall(check_trims(source, what, s->leading_trim, s->trailing_trim, ncoeff));
  if (a != b) {
    int same = mirror->nknots == s->nknots && mirror->knots && mirror->coeff &&
               mirror->leading_trim == s->leading_trim && mirror->trailing_trim == s->trailing_trim &&
               memcmp(mirror->knots, s->knots, (size_t)s->nknots * sizeof(double)) == 0 &&
               memcmp(mirror->coeff, s->coeff, (size_t)ncoeff * sizeof(double)) == 0;
    UfpCheck(same, UFP_ERR_INPUT, "%s: pair %s-%s differs from pair %s-%s (they must be the same spline)",
             source, pot->elements[a], pot->elements[b], pot->elements[b], pot->elements[a]);
  }
  return UFP_SUCCESS;
}

static UfpErrorCode check_triplet(const Uf3Potential *pot, const char *source, int a, int b, int c)
{
  static const char *const dim_name[3] = {"r_ij", "r_ik", "r_jk"};
  int nel = pot->nelements;
  size_t abc = ((size_t)a * nel + b) * nel + c, acb = ((size_t)a * nel + c) * nel + b;
  char name[3 * UFP_LABEL_MAX + 8], what[4 * UFP_LABEL_MAX + 16];
  snprintf(name, sizeof name, "%s-%s-%s", pot->elements[a], pot->elements[b], pot->elements[c]);
  UfpCheck(pot->has_triplet[abc], UFP_ERR_INPUT, "%s: missing 3-body interaction %s (centre %s)", source,
           name, pot->elements[a]);
  const Uf3Spline3D *t = &pot->triplet[abc];
  for (int d = 0; d < 3; d++) {
    snprintf(what, sizeof what, "triplet %s %s", name, dim_name[d]);
    UfpCall(check_knots(source, what, t->nknots[d], t->knots[d]));
    UfpCall(check_trims(source, what, t->leading_trim, t->trailing_trim, t->nknots[d] - 4));
  }
  UfpCheck(t->coeff, UFP_ERR_INPUT, "%s: triplet %s: no coefficients", source, name);
  int n0 = t->nknots[0] - 4, n1 = t->nknots[1] - 4, n2 = t->nknots[2] - 4;
  size_t ncoeff = (size_t)n0 * n1 * n2;
  double cmax = 0.0;
  for (size_t i = 0; i < ncoeff; i++) {
    UfpCheck(isfinite(t->coeff[i]), UFP_ERR_INPUT,
             "%s: triplet %s: coefficient [%zu][%zu][%zu] is not finite", source, name, i / ((size_t)n1 * n2),
             i / n2 % n1, i % n2);
    cmax = fmax(cmax, fabs(t->coeff[i]));
  }
  if (b == c) {
    UfpCheck(n0 == n1 && memcmp(t->knots[0], t->knots[1], (size_t)t->nknots[0] * sizeof(double)) == 0,
             UFP_ERR_INPUT,
             "%s: triplet %s: both neighbours are %s, so the r_ij and r_ik knots must be equal", source, name,
             pot->elements[b]);
    for (int l = 0; l < n0; l++)
      for (int m = 0; m < l; m++)
        for (int n = 0; n < n2; n++) {
          double x = t->coeff[((size_t)l * n1 + m) * n2 + n], y = t->coeff[((size_t)m * n1 + l) * n2 + n];
          UfpCheck(
              fabs(x - y) <= 1e-12 * cmax, UFP_ERR_INPUT,
              "%s: triplet %s: both neighbours are %s, so the coefficients must be symmetric in r_ij and "
              "r_ik, but c[%d][%d][%d] = %.17g and c[%d][%d][%d] = %.17g",
              source, name, pot->elements[b], l, m, n, x, m, l, n, y);
        }
  } else {
    const Uf3Spline3D *s = &pot->triplet[acb];
    int same = pot->has_triplet[acb] && s->coeff && s->leading_trim == t->leading_trim &&
               s->trailing_trim == t->trailing_trim;
    for (int d = 0; d < 3 && same; d++) {
      int from = d < 2 ? 1 - d : d;
      same = s->nknots[d] == t->nknots[from] && s->knots[d] &&
             memcmp(s->knots[d], t->knots[from], (size_t)t->nknots[from] * sizeof(double)) == 0;
    }
    for (int l = 0; l < n0 && same; l++)
      for (int m = 0; m < n1 && same; m++)
        same = memcmp(&s->coeff[((size_t)m * n0 + l) * n2], &t->coeff[((size_t)l * n1 + m) * n2],
                      (size_t)n2 * sizeof(double)) == 0;
    UfpCheck(same, UFP_ERR_INPUT,
             "%s: triplet %s-%s-%s is not %s with r_ij and r_ik exchanged (set triplets with "
             "Uf3PotentialSetTriplet)",
             source, pot->elements[a], pot->elements[c], pot->elements[b], name);
  }
  return UFP_SUCCESS;
}

UfpErrorCode Uf3PotentialValidate(const Uf3Potential *pot, const char *source)
{
  if (!source) source = "UF3 potential";
  UfpCheck(pot, UFP_ERR_INTERNAL, "%s: no potential", source);
  int nel = pot->nelements;
  UfpCheck(nel >= 1, UFP_ERR_INPUT, "%s: no elements", source);
  for (int a = 0; a < nel; a++) {
    UfpCheck(pot->elements[a][0] != '\0', UFP_ERR_INPUT, "%s: element %d has an empty name", source, a);
    for (int b = 0; b < a; b++)
      UfpCheck(strcmp(pot->elements[a], pot->elements[b]) != 0, UFP_ERR_INPUT, "%s: element %s listed twice",
               source, pot->elements[a]);
    if (pot->has_one_body)
      UfpCheck(isfinite(pot->one_body[a]), UFP_ERR_INPUT, "%s: one-body energy of %s is not finite", source,
               pot->elements[a]);
  }
  for (int a = 0; a < nel; a++)
    for (int b = a; b < nel; b++)
      UfpCall(check_pair(pot, source, a, b));
  int any = 0;
  for (size_t i = 0; i < (size_t)nel * nel * nel; i++)
    any |= pot->has_triplet[i];
  UfpCheck(any == pot->has_3body, UFP_ERR_INPUT, "%s: has_3body is %d but %s triplet is stored", source,
           pot->has_3body, any ? "a" : "no");
  if (pot->has_3body)
    for (int a = 0; a < nel; a++)
      for (int b = 0; b < nel; b++)
        for (int c = 0; c < nel; c++)
          UfpCall(check_triplet(pot, source, a, b, c));
  return UFP_SUCCESS;
}
