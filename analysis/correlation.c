/* correlation.c -- see correlation.h. */
#include "correlation.h"

#include <fftw3.h>
#include <math.h>
#include <string.h>

struct AcfPlan_ {
  int n, len;            /* samples, padded length */
  double *buf;           /* [len] real */
  fftw_complex *spec;    /* [len / 2 + 1] */
  fftw_plan forward, backward;
  fftw_complex *z;       /* [len], two real series packed as x + i y */
  fftw_plan zforward, zbackward;
};

/* Smallest 2^a 3^b 5^c >= m: lengths FFTW handles fastest. */
static int good_length(int m)
{
  for (int len = m;; len++) {
    int r = len;
    while (r % 2 == 0) r /= 2;
    while (r % 3 == 0) r /= 3;
    while (r % 5 == 0) r /= 5;
    if (r == 1) return len;
  }
}

UfpErrorCode AcfPlanCreate(int n, AcfPlan *plan_out)
{
  UfpCheck(n >= 1, UFP_ERR_INPUT, "autocorrelation of %d samples", n);
  struct AcfPlan_ *p;
  UfpCall(UfpCalloc(1, &p));
  *plan_out = p;
  p->n = n;
  p->len = good_length(2 * n - 1 > 1 ? 2 * n - 1 : 2);
  p->buf = fftw_alloc_real(p->len);
  p->spec = fftw_alloc_complex(p->len / 2 + 1);
  UfpCheck(p->buf && p->spec, UFP_ERR_INTERNAL, "no memory for an FFT of length %d", p->len);
  p->forward = fftw_plan_dft_r2c_1d(p->len, p->buf, p->spec, FFTW_ESTIMATE);
  p->backward = fftw_plan_dft_c2r_1d(p->len, p->spec, p->buf, FFTW_ESTIMATE);
  UfpCheck(p->forward && p->backward, UFP_ERR_INTERNAL, "FFTW could not plan length %d", p->len);
  p->z = fftw_alloc_complex(p->len);
  UfpCheck(p->z, UFP_ERR_INTERNAL, "no memory for an FFT of length %d", p->len);
  p->zforward = fftw_plan_dft_1d(p->len, p->z, p->z, FFTW_FORWARD, FFTW_ESTIMATE);
  p->zbackward = fftw_plan_dft_1d(p->len, p->z, p->z, FFTW_BACKWARD, FFTW_ESTIMATE);
  UfpCheck(p->zforward && p->zbackward, UFP_ERR_INTERNAL, "FFTW could not plan length %d", p->len);
  return UFP_SUCCESS;
}

UfpErrorCode AcfPlanDestroy(AcfPlan *plan)
{
  if (!plan || !*plan) return UFP_SUCCESS;
  struct AcfPlan_ *p = *plan;
  if (p->forward) fftw_destroy_plan(p->forward);
  if (p->backward) fftw_destroy_plan(p->backward);
  if (p->zforward) fftw_destroy_plan(p->zforward);
  if (p->zbackward) fftw_destroy_plan(p->zbackward);
  fftw_free(p->buf);
  fftw_free(p->spec);
  fftw_free(p->z);
  UfpFree(plan);
  return UFP_SUCCESS;
}

UfpErrorCode AcfExecute(AcfPlan p, const double *x, double *c, double *sum, double *sum2)
{
  double s = 0.0, s2 = 0.0;
  for (int t = 0; t < p->n; t++) {
    p->buf[t] = x[t];
    s += x[t];
    s2 += x[t] * x[t];
  }
  memset(p->buf + p->n, 0, sizeof(double) * (p->len - p->n));
  fftw_execute(p->forward);
  for (int k = 0; k <= p->len / 2; k++) {
    double re = p->spec[k][0], im = p->spec[k][1];
    p->spec[k][0] = re * re + im * im;
    p->spec[k][1] = 0.0;
  }
  fftw_execute(p->backward);
  for (int k = 0; k < p->n; k++) c[k] = p->buf[k] / ((double)p->len * (p->n - k));
  if (sum) *sum += s;
  if (sum2) *sum2 += s2;
  return UFP_SUCCESS;
}

UfpErrorCode AcfExecutePair(AcfPlan p, const double *x, const double *y, double *cx, double *cy)
{
  const int n = p->n, len = p->len;
  /* Each series scaled to unit mean square, so that neither loses digits to
   * the other in the separation below. */
  double qx = 0.0, qy = 0.0;
  for (int t = 0; t < n; t++) qx += x[t] * x[t], qy += y[t] * y[t];
  const double sx = qx > 0 ? sqrt(n / qx) : 1.0, sy = qy > 0 ? sqrt(n / qy) : 1.0;
  for (int t = 0; t < n; t++) p->z[t][0] = sx * x[t], p->z[t][1] = sy * y[t];
  memset(p->z + n, 0, sizeof(fftw_complex) * (len - n));
  fftw_execute(p->zforward);
  /* X_k = (Z_k + conj Z_{L-k}) / 2, Y_k = (Z_k - conj Z_{L-k}) / 2i; both
   * power spectra are real and even, so P_x + i P_y transforms back to the
   * two correlations in the real and imaginary parts. */
  for (int k = 0; 2 * k <= len; k++) {
    const int m = (len - k) % len;
    const double ar = p->z[k][0], ai = p->z[k][1], br = p->z[m][0], bi = p->z[m][1];
    const double sr = ar + br, si = ai - bi, dr = ar - br, di = ai + bi;
    const double px = 0.25 * (sr * sr + si * si), py = 0.25 * (dr * dr + di * di);
    p->z[k][0] = p->z[m][0] = px;
    p->z[k][1] = p->z[m][1] = py;
  }
  fftw_execute(p->zbackward);
  for (int k = 0; k < n; k++) {
    const double norm = 1.0 / ((double)len * (n - k));
    cx[k] = p->z[k][0] * norm / (sx * sx);
    cy[k] = p->z[k][1] * norm / (sy * sy);
  }
  return UFP_SUCCESS;
}

void AcfNormalise(int n, double *c, AcfNorm norm, double mean)
{
  if (norm == ACF_RAW || n < 1) return;
  double shift = norm == ACF_CENTRED ? mean * mean : 0.0, scale = c[0] - shift;
  if (scale == 0.0) return;
  for (int k = 0; k < n; k++) c[k] = (c[k] - shift) / scale;
}

void AcfDirect(int n, const double *x, double *c)
{
  for (int k = 0; k < n; k++) {
    double s = 0.0;
    for (int t = 0; t + k < n; t++) s += x[t] * x[t + k];
    c[k] = s / (n - k);
  }
}
