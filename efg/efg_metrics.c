/* efg_metrics.c -- see efg_metrics.h. */
#include "efg_metrics.h"

#include <math.h>
#include <stdlib.h>

#include "efg_tensor.h"
#include "h5io.h"

static int ascending(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Largest |q1 . q| over the four proper sign choices of the axes of frame 2. */
static double best_overlap(const UfpEfgPrincipal *p1, const UfpEfgPrincipal *p2)
{
  static const double flips[4][3] = {{1, 1, 1}, {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}};
  double best = 0.0;
  for (int f = 0; f < 4; f++) {
    double r[3][3], q[4];
    for (int a = 0; a < 3; a++)
      for (int k = 0; k < 3; k++) r[a][k] = p2->r[a][k] * flips[f][k];
    UfpQuaternionFromRotation((const double(*)[3])r, q);
    double dot = fabs(p1->q[0] * q[0] + p1->q[1] * q[1] + p1->q[2] * q[2] + p1->q[3] * q[3]);
    if (dot > best) best = dot;
  }
  return best;
}

UfpErrorCode EfgMetricsCompute(const UfpIsotope *iso, int n, const double (*ref)[3][3], const double (*pred)[3][3],
                               EfgMetrics *m)
{
  *m = (EfgMetrics){.n = n};
  if (n <= 0) return UFP_SUCCESS;
  UfpCall(UfpCalloc(n, &m->qdot));
  const double field[3] = {0, 0, 1};
  int good = 0;
  for (int i = 0; i < n; i++) {
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) {
        double d = pred[i][a][b] - ref[i][a][b];
        m->comp_rmse += d * d;
        m->comp_mae += fabs(d);
      }
    UfpEfgPrincipal pr, pp;
    UfpCall(UfpEfgPrincipalAxes(ref[i], &pr));
    UfpCall(UfpEfgPrincipalAxes(pred[i], &pp));
    double dcq = 1e-3 * (UfpEfgCq(iso, pp.vzz) - UfpEfgCq(iso, pr.vzz)), deta = pp.eta - pr.eta;
    double wr, wp;
    UfpCall(UfpEfgOmegaQ(iso, ref[i], field, &wr));
    UfpCall(UfpEfgOmegaQ(iso, pred[i], field, &wp));
    double dw = 1e-3 * (wp - wr);
    m->cq_rmse += dcq * dcq;
    m->cq_mae += fabs(dcq);
    m->eta_rmse += deta * deta;
    m->eta_mae += fabs(deta);
    m->omega_rmse += dw * dw;
    m->omega_mae += fabs(dw);
    m->ref_omega_rms += 1e-6 * wr * wr;
    m->qdot[i] = best_overlap(&pr, &pp);
    good += m->qdot[i] >= 0.9;
  }
  m->comp_rmse = sqrt(m->comp_rmse / (9.0 * n));
  m->comp_mae /= 9.0 * n;
  m->cq_rmse = sqrt(m->cq_rmse / n);
  m->cq_mae /= n;
  m->eta_rmse = sqrt(m->eta_rmse / n);
  m->eta_mae /= n;
  m->omega_rmse = sqrt(m->omega_rmse / n);
  m->omega_mae /= n;
  m->ref_omega_rms = sqrt(m->ref_omega_rms / n);
  m->q_fraction = (double)good / n;
  qsort(m->qdot, n, sizeof(double), ascending);
  return UFP_SUCCESS;
}

void EfgMetricsFree(EfgMetrics *m) { UfpFree(&m->qdot); }

void EfgMetricsPrint(FILE *out, const char *label, const EfgMetrics *m)
{
  if (m->n <= 0) {
    fprintf(out, "%-12s     0  (no environments)\n", label);
    return;
  }
  fprintf(out,
          "%-12s %5d  omega_Q MAE %7.2f kHz (RMSE %7.2f; signal RMS %7.2f)  C_Q MAE %7.2f kHz  eta MAE %.3f  "
          "components MAE %.2e a.u.  |q.q| >= 0.9: %5.1f %%\n",
          label, m->n, m->omega_mae, m->omega_rmse, m->ref_omega_rms, m->cq_mae, m->eta_mae, m->comp_mae,
          100.0 * m->q_fraction);
}

UfpErrorCode EfgMetricsWrite(hid_t loc, const char *name, int rank, const EfgMetrics *m)
{
  hid_t g;
  UfpCall(UfpH5CreateGroup(loc, name, &g));
  UfpErrorCode ierr = UfpH5WriteIntAttr(g, "n", m->n);
  const char *keys[] = {"components_rmse_au", "components_mae_au", "cq_rmse_khz", "cq_mae_khz", "eta_rmse",
                        "eta_mae", "omega_q_rmse_khz", "omega_q_mae_khz", "omega_q_reference_rms_khz",
                        "quaternion_fraction_0.9"};
  const double values[] = {m->comp_rmse, m->comp_mae, m->cq_rmse, m->cq_mae, m->eta_rmse, m->eta_mae,
                           m->omega_rmse, m->omega_mae, m->ref_omega_rms, m->q_fraction};
  for (int k = 0; k < 10 && !ierr; k++) ierr = UfpH5WriteDoubleAttr(g, keys[k], values[k]);
  if (!ierr) ierr = UfpH5WriteStringAttr(g, "field", "lab z");
  hid_t dset;
  hsize_t dims[1] = {(hsize_t)m->n};
  if (!ierr && m->n > 0) ierr = UfpH5CreateDataset(g, "quaternion_overlap_sorted", H5T_NATIVE_DOUBLE, 1, dims, 0, &dset);
  if (!ierr && m->n > 0) {
    ierr = UfpH5WriteSlab(dset, H5T_NATIVE_DOUBLE, 0, rank == 0 ? (hsize_t)m->n : 0, m->qdot);
    UfpH5Close(&dset);
  }
  UfpH5Close(&g);
  return ierr;
}
