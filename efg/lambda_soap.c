/* lambda_soap.c -- see lambda_soap.h for the definitions. */
#include "lambda_soap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neighbor.h"
#include "quadrature.h"
#include "spherical_harmonics.h"
#include "units.h"

void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
            const int *lwork, int *info);

enum { QUAD_POINTS = 80 };
static const double TABLE_STEP = 0.005; /* Å */

typedef struct {
  int mu, m1, m2; /* mu + lambda, m1 + l1, m2 + l2 */
  double value;
} CouplingTerm;

typedef struct {
  int nterms;
  CouplingTerm *terms;
} CouplingList;

typedef struct {
  int k1, k2; /* channel (a, n) index * (lmax + 1)^2 offsets are built from these */
  int l1, l2;
  double weight;
} FeaturePair;

struct LambdaSoap_ {
  LambdaSoapSettings set;
  int nl;                 /* (lmax + 1)^2 */
  double *gto_width;      /* [nmax] sigma_n */
  double *lowdin;         /* [nmax][nmax] R_n = sum_k T_nk r^k exp(-r^2/(2 sigma_k^2)) */
  int ntable;
  double *table;          /* [ntable][nmax][lmax + 1] I_nl(d_k) */
  CouplingList coupling[2][32][32]; /* [lambda / 2][l1][l2] */
  int npairs[2];
  FeaturePair *pairs[2];
  double quad_x[QUAD_POINTS], quad_w[QUAD_POINTS];
};

void LambdaSoapScaledBesselI(int lmax, double x, double *out)
{
  if (x < 0.5) { /* series: i_l(x) = x^l sum_k (x^2/2)^k / (k! (2l + 2k + 1)!!) */
    double xl = 1.0, dfact = 1.0, ex = exp(-x);
    for (int l = 0; l <= lmax; l++) {
      if (l > 0) {
        xl *= x;
        dfact *= 2.0 * l + 1.0;
      }
      double term = xl / dfact, sum = term;
      for (int k = 1; k < 30 && fabs(term) > 1e-18 * fabs(sum); k++) {
        term *= 0.5 * x * x / (k * (2.0 * l + 2.0 * k + 1.0));
        sum += term;
      }
      out[l] = sum * ex;
    }
    return;
  }
  /* Miller: recur downwards i_{l-1} = i_{l+1} + (2l + 1)/x i_l from far above
   * lmax (i_l is the minimal solution upwards, so this is stable), then scale
   * to e^{-x} i_0(x) = (1 - e^{-2x}) / (2x). */
  enum { TOP_MAX = 4096 };
  double v[TOP_MAX + 2];
  int top = lmax + 20 + (int)(2.0 * sqrt(x) + 0.25 * x);
  if (top > TOP_MAX) top = TOP_MAX;
  v[top + 1] = 0.0;
  v[top] = 1e-280;
  for (int l = top; l >= 1; l--) {
    v[l - 1] = v[l + 1] + (2.0 * l + 1.0) / x * v[l];
    if (fabs(v[l - 1]) > 1e250)
      for (int q = l - 1; q <= top + 1; q++) v[q] *= 1e-250;
  }
  const double scale = -expm1(-2.0 * x) / (2.0 * x) / v[0];
  for (int l = 0; l <= lmax; l++) out[l] = v[l] * scale;
}

void LambdaSoapRadialBasis(const LambdaSoap soap, double r, double *rn)
{
  const int nmax = soap->set.nmax;
  double gto[64];
  for (int k = 0; k < nmax; k++)
    gto[k] = pow(r, k) * exp(-r * r / (2.0 * soap->gto_width[k] * soap->gto_width[k]));
  for (int n = 0; n < nmax; n++) {
    double s = 0.0;
    for (int k = 0; k < nmax; k++) s += soap->lowdin[n * nmax + k] * gto[k];
    rn[n] = s;
  }
}

static UfpErrorCode setup_radial_basis(LambdaSoap soap)
{
  const int nmax = soap->set.nmax;
  UfpCall(UfpCalloc(nmax, &soap->gto_width));
  UfpCall(UfpCalloc(nmax * nmax, &soap->lowdin));
  for (int n = 0; n < nmax; n++) soap->gto_width[n] = soap->set.rcut * fmax(sqrt((double)n), 1.0) / nmax;
  double *s, *w, *work, *v;
  UfpCall(UfpCalloc(nmax * nmax, &s));
  UfpCall(UfpCalloc(nmax, &w));
  UfpCall(UfpCalloc(nmax * nmax, &v));
  /* S_nk = int_0^inf r^{2+n+k} exp(-a r^2) dr = Gamma((n+k+3)/2) / (2 a^{(n+k+3)/2}) */
  for (int n = 0; n < nmax; n++)
    for (int k = 0; k < nmax; k++) {
      double a = 0.5 / (soap->gto_width[n] * soap->gto_width[n]) + 0.5 / (soap->gto_width[k] * soap->gto_width[k]);
      double p = 0.5 * (n + k + 3);
      s[n * nmax + k] = 0.5 * exp(lgamma(p) - p * log(a));
    }
  memcpy(v, s, sizeof(double) * nmax * nmax);
  int lwork = -1, info = 0;
  double query;
  dsyev_("V", "U", &nmax, v, &nmax, w, &query, &lwork, &info);
  lwork = (int)query;
  UfpCall(UfpCalloc(lwork, &work));
  dsyev_("V", "U", &nmax, v, &nmax, w, work, &lwork, &info);
  UfpCheck(info == 0 && w[0] > 1e-14 * w[nmax - 1], UFP_ERR_INPUT,
           "lambda-SOAP: the GTO radial basis with n_max = %d is numerically dependent (eigenvalue ratio %.2e); "
           "use a smaller n_max",
           nmax, w[0] / w[nmax - 1]);
  /* T = S^{-1/2} = V diag(w^-1/2) V^T (dsyev's V is column-major: v[q * nmax + n] = V_nq) */
  for (int n = 0; n < nmax; n++)
    for (int k = 0; k < nmax; k++) {
      double t = 0.0;
      for (int q = 0; q < nmax; q++) t += v[q * nmax + n] * v[q * nmax + k] / sqrt(w[q]);
      soap->lowdin[n * nmax + k] = t;
    }
  UfpFree(&s);
  UfpFree(&w);
  UfpFree(&v);
  UfpFree(&work);
  return UFP_SUCCESS;
}

/* I_nl(d) for all n, l by Gauss-Legendre over r in [max(0, d - 8 sigma), d + 8 sigma]. */
static void radial_integrals(const LambdaSoap soap, double d, double *out)
{
  const int nmax = soap->set.nmax, lmax = soap->set.lmax;
  const double sigma = soap->set.sigma, lo = fmax(0.0, d - 8.0 * sigma), hi = d + 8.0 * sigma;
  double rn[64], kl[64];
  memset(out, 0, sizeof(double) * nmax * (lmax + 1));
  for (int q = 0; q < QUAD_POINTS; q++) {
    double r = 0.5 * (hi - lo) * soap->quad_x[q] + 0.5 * (hi + lo), w = 0.5 * (hi - lo) * soap->quad_w[q];
    LambdaSoapRadialBasis(soap, r, rn);
    LambdaSoapScaledBesselI(lmax, r * d / (sigma * sigma), kl);
    double g = 4.0 * UFP_PI * w * r * r * exp(-(r - d) * (r - d) / (2.0 * sigma * sigma));
    for (int n = 0; n < nmax; n++)
      for (int l = 0; l <= lmax; l++) out[n * (lmax + 1) + l] += g * rn[n] * kl[l];
  }
}

static UfpErrorCode setup_tables(LambdaSoap soap)
{
  const int width = soap->set.nmax * (soap->set.lmax + 1);
  soap->ntable = (int)ceil(soap->set.rcut / TABLE_STEP) + 3;
  UfpCall(UfpCalloc((size_t)soap->ntable * width, &soap->table));
  for (int k = 0; k < soap->ntable; k++) radial_integrals(soap, k * TABLE_STEP, soap->table + (size_t)k * width);
  return UFP_SUCCESS;
}

/* Cubic Hermite interpolation of the table at d, slopes from central differences. */
static void interpolate(const LambdaSoap soap, double d, double *out)
{
  const int width = soap->set.nmax * (soap->set.lmax + 1);
  int k = (int)(d / TABLE_STEP);
  if (k < 1) k = 1;
  if (k > soap->ntable - 3) k = soap->ntable - 3;
  const double t = d / TABLE_STEP - k, t2 = t * t, t3 = t2 * t;
  const double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
  const double *ym = soap->table + (size_t)(k - 1) * width, *y0 = ym + width, *y1 = y0 + width, *y2 = y1 + width;
  for (int q = 0; q < width; q++) {
    double m0 = 0.5 * (y1[q] - ym[q]), m1 = 0.5 * (y2[q] - y0[q]);
    out[q] = h00 * y0[q] + h10 * m0 + h01 * y1[q] + h11 * m1;
  }
}

static UfpErrorCode setup_features(LambdaSoap soap)
{
  const int lmax = soap->set.lmax, nmax = soap->set.nmax, nch = soap->set.nspecies * nmax;
  for (int li = 0; li < 2; li++) {
    const int lambda = 2 * li;
    for (int l1 = 0; l1 <= lmax; l1++)
      for (int l2 = 0; l2 <= lmax; l2++) {
        CouplingList *cl = &soap->coupling[li][l1][l2];
        if (abs(l1 - l2) > lambda || l1 + l2 < lambda || (l1 + l2 + lambda) % 2) continue;
        int n1 = 2 * l1 + 1, n2 = 2 * l2 + 1, total = (2 * lambda + 1) * n1 * n2;
        double *c;
        UfpCall(UfpCalloc(total, &c));
        UfpCall(SphRealCoupling(l1, l2, lambda, c));
        UfpCall(UfpCalloc(total, &cl->terms));
        for (int mu = 0; mu <= 2 * lambda; mu++)
          for (int m1 = 0; m1 < n1; m1++)
            for (int m2 = 0; m2 < n2; m2++) {
              double v = c[(mu * n1 + m1) * n2 + m2];
              if (fabs(v) > 1e-14) cl->terms[cl->nterms++] = (CouplingTerm){mu, m1, m2, v};
            }
        UfpFree(&c);
      }
    /* Channel pairs (a n, l) <= (a' n', l'), lexicographic in (channel, l). */
    int count = 0;
    for (int pass = 0; pass < 2; pass++) {
      if (pass) UfpCall(UfpCalloc(count > 0 ? count : 1, &soap->pairs[li]));
      count = 0;
      for (int k1 = 0; k1 < nch; k1++)
        for (int l1 = 0; l1 <= lmax; l1++)
          for (int k2 = k1; k2 < nch; k2++)
            for (int l2 = (k2 == k1 ? l1 : 0); l2 <= lmax; l2++) {
              if (!soap->coupling[li][l1][l2].nterms) continue;
              if (pass)
                soap->pairs[li][count] =
                    (FeaturePair){k1, k2, l1, l2, (k1 == k2 && l1 == l2) ? 1.0 : sqrt(2.0)};
              count++;
            }
    }
    soap->npairs[li] = count;
  }
  return UFP_SUCCESS;
}

UfpErrorCode LambdaSoapCreate(const LambdaSoapSettings *set, LambdaSoap *soap_out)
{
  UfpCheck(set->nspecies >= 1 && set->nspecies <= LSOAP_MAX_SPECIES, UFP_ERR_INPUT,
           "lambda-SOAP: 1 to %d neighbour species expected, got %d", LSOAP_MAX_SPECIES, set->nspecies);
  UfpCheck(set->nmax >= 1 && set->nmax <= 24, UFP_ERR_INPUT, "lambda-SOAP: n_max %d outside 1..24", set->nmax);
  UfpCheck(set->lmax >= 2 && set->lmax <= 20, UFP_ERR_INPUT, "lambda-SOAP: l_max %d outside 2..20", set->lmax);
  UfpCheck(set->rcut > 0 && set->sigma > 0 && set->cutoff_width > 0 && set->cutoff_width <= set->rcut,
           UFP_ERR_INPUT, "lambda-SOAP: need rcut > 0, sigma > 0 and 0 < cutoff width <= rcut (got %g, %g, %g Å)",
           set->rcut, set->sigma, set->cutoff_width);
  struct LambdaSoap_ *soap;
  UfpCall(UfpCalloc(1, &soap));
  *soap_out = soap;
  soap->set = *set;
  soap->nl = SphCount(set->lmax);
  GaussLegendre(QUAD_POINTS, soap->quad_x, soap->quad_w);
  UfpCall(setup_radial_basis(soap));
  UfpCall(setup_tables(soap));
  UfpCall(setup_features(soap));
  return UFP_SUCCESS;
}

UfpErrorCode LambdaSoapDestroy(LambdaSoap *soap_ptr)
{
  if (!soap_ptr || !*soap_ptr) return UFP_SUCCESS;
  struct LambdaSoap_ *soap = *soap_ptr;
  for (int li = 0; li < 2; li++) {
    for (int a = 0; a < 32; a++)
      for (int b = 0; b < 32; b++) UfpFree(&soap->coupling[li][a][b].terms);
    UfpFree(&soap->pairs[li]);
  }
  UfpFree(&soap->gto_width);
  UfpFree(&soap->lowdin);
  UfpFree(&soap->table);
  UfpFree(soap_ptr);
  return UFP_SUCCESS;
}

int LambdaSoapSize(const LambdaSoap soap, int lambda) { return lambda == 0 || lambda == 2 ? soap->npairs[lambda / 2] : 0; }

int LambdaSoapChannel(const LambdaSoap soap, const char *label)
{
  for (int a = 0; a < soap->set.nspecies; a++)
    if (!strcmp(soap->set.species[a], label)) return a;
  return -1;
}

void LambdaSoapNeighbourCoefficients(const LambdaSoap soap, const double d[3], double *c)
{
  const int nmax = soap->set.nmax, lmax = soap->set.lmax, nl = soap->nl;
  double y[441], rad[24 * 21];
  double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  SphRealHarmonics(lmax, d, y);
  interpolate(soap, r, rad);
  for (int n = 0; n < nmax; n++)
    for (int l = 0; l <= lmax; l++)
      for (int m = -l; m <= l; m++) c[n * nl + l * l + l + m] = rad[n * (lmax + 1) + l] * y[l * l + l + m];
}

static double cutoff_function(const LambdaSoapSettings *set, double r)
{
  double start = set->rcut - set->cutoff_width;
  if (r <= start) return 1.0;
  if (r >= set->rcut) return 0.0;
  return 0.5 * (1.0 + cos(UFP_PI * (r - start) / set->cutoff_width));
}

/* Coupled, normalised features of order 2 li from the density coefficients c. */
static void couple(const LambdaSoap soap, int li, const double *c, double *p)
{
  const int nmu = 4 * li + 1, size = soap->npairs[li], nl = soap->nl;
  memset(p, 0, sizeof(double) * nmu * size);
  for (int f = 0; f < size; f++) {
    const FeaturePair *pr = &soap->pairs[li][f];
    const CouplingList *cl = &soap->coupling[li][pr->l1][pr->l2];
    const double *c1 = c + (size_t)pr->k1 * nl + pr->l1 * pr->l1, *c2 = c + (size_t)pr->k2 * nl + pr->l2 * pr->l2;
    for (int t = 0; t < cl->nterms; t++) {
      const CouplingTerm *term = &cl->terms[t];
      p[(size_t)term->mu * size + f] += pr->weight * term->value * c1[term->m1] * c2[term->m2];
    }
  }
  double norm = 0.0;
  for (int k = 0; k < nmu * size; k++) norm += p[k] * p[k];
  if (norm > 0.0) {
    norm = 1.0 / sqrt(norm);
    for (int k = 0; k < nmu * size; k++) p[k] *= norm;
  }
}

UfpErrorCode LambdaSoapComputeBoth(LambdaSoap soap, const UfpCell *cell, int natoms, const double (*x)[3],
                                   const int *channel, int ncentres, const int *centres, double *out0, double *out2)
{
  const int nmax = soap->set.nmax, nl = soap->nl, nch = soap->set.nspecies * nmax;
  UfpNeighborList *list = NULL;
  UfpCall(UfpNeighborListBuild(cell, natoms, x, soap->set.rcut, &list));
  double *c = NULL, *cj = NULL;
  UfpErrorCode ierr = UfpCalloc((size_t)nch * nl, &c);
  if (!ierr) ierr = UfpCalloc((size_t)nmax * nl, &cj);
  for (int q = 0; q < ncentres && !ierr; q++) {
    int i = centres[q];
    if (i < 0 || i >= natoms) {
      ierr = UFP_ERR_INPUT;
      UfpError(ierr, "lambda-SOAP: centre %d outside 0..%d", i, natoms - 1);
      break;
    }
    memset(c, 0, sizeof(double) * nch * nl);
    for (int64_t e = list->offset[i]; e < list->offset[i + 1]; e++) {
      int a = channel[list->j[e]];
      if (a < 0 || list->r[e] >= soap->set.rcut) continue;
      double fc = cutoff_function(&soap->set, list->r[e]);
      LambdaSoapNeighbourCoefficients(soap, list->d[e], cj);
      double *ca = c + (size_t)a * nmax * nl;
      for (int k = 0; k < nmax * nl; k++) ca[k] += fc * cj[k];
    }
    if (out0) couple(soap, 0, c, out0 + (size_t)q * soap->npairs[0]);
    if (out2) couple(soap, 1, c, out2 + (size_t)q * 5 * soap->npairs[1]);
  }
  UfpFree(&c);
  UfpFree(&cj);
  UfpNeighborListDestroy(&list);
  return ierr;
}

UfpErrorCode LambdaSoapCompute(LambdaSoap soap, const UfpCell *cell, int natoms, const double (*x)[3],
                               const int *channel, int ncentres, const int *centres, int lambda, double *out)
{
  UfpCheck(lambda == 0 || lambda == 2, UFP_ERR_INPUT, "lambda-SOAP: lambda %d (0 or 2 expected)", lambda);
  return LambdaSoapComputeBoth(soap, cell, natoms, x, channel, ncentres, centres, lambda == 0 ? out : NULL,
                               lambda == 2 ? out : NULL);
}
