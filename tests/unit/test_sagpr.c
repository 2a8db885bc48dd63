/*
 * test_sagpr.c -- sparse SA-GPR of rank-2 tensors (efg/sagpr.h) on a
 * synthetic equivariant target: the field gradient of screened point
 * charges around each Li of randomly displaced beta-Li3PS4 cells.  Checks
 * farthest-point sampling, interpolation of the training data, rotation of
 * predictions as tensors, and a learning curve that falls.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "efg_model.h"
#include "extxyz.h"
#include "h5io.h"
#include "lambda_soap.h"
#include "sagpr.h"
#include "efg_tensor.h"
#include "spherical_harmonics.h"
#include "test_util.h"
#include "units.h"

static void test_farthest_points(void **state)
{
  (void)state;
  enum { N = 200, F = 3, M = 12 };
  double x[N * F];
  unsigned seed = 4;
  for (int k = 0; k < N * F; k++) x[k] = (double)rand_r(&seed) / RAND_MAX;
  int sel[M];
  assert_ufp_ok(SagprFarthestPoints(N, F, x, M, 7, sel));
  assert_int_equal(sel[0], 7);
  for (int k = 1; k < M; k++) { /* brute force: the point farthest from those chosen so far */
    int best = -1;
    double far = -1;
    for (int i = 0; i < N; i++) {
      double dmin = INFINITY;
      for (int q = 0; q < k; q++) {
        double d = 0;
        for (int a = 0; a < F; a++) d += pow(x[i * F + a] - x[sel[q] * F + a], 2);
        dmin = fmin(dmin, d);
      }
      if (dmin > far) {
        far = dmin;
        best = i;
      }
    }
    assert_int_equal(sel[k], best);
  }
}

typedef struct {
  int n;           /* environments */
  double *p0, *p2; /* features */
  double *t;       /* targets, l = 2 components */
  int f0, f2;
} Set;

static const double CHARGE[3] = {1.0, 5.0, -2.0}; /* Li, P, S */

/* V(i) = sum_j q_j fc(r) (3 d d^T - r^2 I) / r^5 over neighbours within 4.5 Å. */
static void target(const UfpCell *cell, int natoms, const double (*x)[3], const int *ch, int i, double t[5])
{
  double v[3][3] = {{0}};
  int range[3] = {1, 1, 1};
  for (int j = 0; j < natoms; j++)
    for (int a = -range[0]; a <= range[0]; a++)
      for (int b = -range[1]; b <= range[1]; b++)
        for (int c = -range[2]; c <= range[2]; c++) {
          double d[3], r2 = 0;
          for (int k = 0; k < 3; k++) {
            d[k] = x[j][k] - x[i][k] + a * cell->h[0][k] + b * cell->h[1][k] + c * cell->h[2][k];
            r2 += d[k] * d[k];
          }
          double r = sqrt(r2);
          if (r < 1e-8 || r >= 4.5) continue;
          double fc = r < 4.0 ? 1.0 : 0.5 * (1 + cos(UFP_PI * (r - 4.0) / 0.5));
          for (int p = 0; p < 3; p++)
            for (int q = 0; q < 3; q++) v[p][q] += CHARGE[ch[j]] * fc * (3 * d[p] * d[q] - (p == q) * r2) / (r2 * r2 * r);
        }
  double v0;
  UfpEfgToSpherical(v, &v0, t);
}

static void rotate(const double rot[3][3], const double in[3], double out[3])
{
  for (int a = 0; a < 3; a++) out[a] = rot[a][0] * in[0] + rot[a][1] * in[1] + rot[a][2] * in[2];
}

/* nframes displaced (and, with rot, rotated) copies of beta-Li3PS4. */
static void make_set(LambdaSoap soap, int nframes, unsigned seed, const double rot[3][3], Set *set)
{
  int nf;
  UfpStructure **frames;
  assert_ufp_ok(UfpExtxyzReadAll(ufp_test_source("md/data/beta_Li3PS4_Pnma_ordered.extxyz"), &nf, &frames));
  UfpStructure *s = frames[0];
  const int natoms = s->natoms;
  int ch[64], centres[64], nli = 0;
  for (int i = 0; i < natoms; i++) {
    ch[i] = LambdaSoapChannel(soap, s->species[i]);
    if (ch[i] == 0) centres[nli++] = i;
  }
  set->f0 = LambdaSoapSize(soap, 0);
  set->f2 = LambdaSoapSize(soap, 2);
  set->n = nframes * nli;
  set->p0 = calloc((size_t)set->n * set->f0, sizeof(double));
  set->p2 = calloc((size_t)set->n * 5 * set->f2, sizeof(double));
  set->t = calloc((size_t)set->n * 5, sizeof(double));
  double (*x)[3] = calloc(natoms, sizeof *x), lattice[3][3];
  for (int k = 0; k < 3; k++) rotate(rot, s->lattice[k], lattice[k]);
  UfpCell cell;
  int pbc[3] = {1, 1, 1};
  assert_ufp_ok(UfpCellSetup(&cell, lattice, pbc));
  for (int fr = 0; fr < nframes; fr++) {
    for (int i = 0; i < natoms; i++) {
      double disp[3];
      for (int a = 0; a < 3; a++) disp[a] = s->x[i][a] + 0.3 * ((double)rand_r(&seed) / RAND_MAX - 0.5);
      rotate(rot, disp, x[i]);
    }
    size_t off = (size_t)fr * nli;
    assert_ufp_ok(LambdaSoapCompute(soap, &cell, natoms, (const double(*)[3])x, ch, nli, centres, 0,
                                    set->p0 + off * set->f0));
    assert_ufp_ok(LambdaSoapCompute(soap, &cell, natoms, (const double(*)[3])x, ch, nli, centres, 2,
                                    set->p2 + off * 5 * set->f2));
    for (int c = 0; c < nli; c++) target(&cell, natoms, (const double(*)[3])x, ch, centres[c], set->t + (off + c) * 5);
  }
  free(x);
  UfpStructureArrayDestroy(nf, &frames);
}

static void free_set(Set *set)
{
  free(set->p0);
  free(set->p2);
  free(set->t);
}

static LambdaSoap make_soap(void)
{
  LambdaSoapSettings s = {.nspecies = 3, .rcut = 4.5, .cutoff_width = 0.5, .sigma = 0.3, .nmax = 6, .lmax = 4};
  strcpy(s.species[0], "Li");
  strcpy(s.species[1], "P");
  strcpy(s.species[2], "S");
  LambdaSoap soap = NULL;
  assert_ufp_ok(LambdaSoapCreate(&s, &soap));
  return soap;
}

/* Sparse features: rows sel of the set. */
static void sparse_rows(const Set *set, int m, const int *sel, double *p0, double *p2)
{
  for (int k = 0; k < m; k++) {
    memcpy(p0 + (size_t)k * set->f0, set->p0 + (size_t)sel[k] * set->f0, sizeof(double) * set->f0);
    memcpy(p2 + (size_t)k * 5 * set->f2, set->p2 + (size_t)sel[k] * 5 * set->f2, sizeof(double) * 5 * set->f2);
  }
}

static double rmse(const double *a, const double *b, int n)
{
  double s = 0;
  for (int k = 0; k < n; k++) s += (a[k] - b[k]) * (a[k] - b[k]);
  return sqrt(s / n);
}

static Sagpr fit(const Set *train, int ntrain, int m, int zeta, double sigma2)
{
  int *sel = calloc(m, sizeof(int));
  assert_ufp_ok(SagprFarthestPoints(ntrain, train->f0, train->p0, m, 0, sel));
  double *p0 = calloc((size_t)m * train->f0, sizeof(double)), *p2 = calloc((size_t)m * 5 * train->f2, sizeof(double));
  sparse_rows(train, m, sel, p0, p2);
  SagprSettings settings = {.zeta = zeta, .sigma2 = sigma2, .jitter = 1e-10};
  Sagpr model = NULL;
  assert_ufp_ok(SagprFit(MPI_COMM_SELF, &settings, train->f0, train->f2, m, p0, p2, ntrain, train->p0, train->p2,
                         train->t, &model));
  free(sel);
  free(p0);
  free(p2);
  return model;
}

static void test_learning(void **state)
{
  (void)state;
  LambdaSoap soap = make_soap();
  const double id[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  Set train, test;
  make_set(soap, 30, 11, id, &train); /* 360 environments */
  make_set(soap, 8, 99, id, &test);   /* 96 */
  double rms = 0;
  for (int k = 0; k < 5 * test.n; k++) rms += test.t[k] * test.t[k];
  rms = sqrt(rms / (5 * test.n));
  /* Interpolation: every training environment sparse, tiny regulariser. */
  Sagpr model = fit(&train, 60, 60, 2, 1e-9);
  double *pred = calloc((size_t)5 * train.n, sizeof(double));
  assert_ufp_ok(SagprPredict(model, 60, train.p0, train.p2, pred));
  double err_train = rmse(pred, train.t, 5 * 60);
  print_message("interpolation: training RMSE %.2e of target RMS %.3f\n", err_train, rms);
  assert_true(err_train < 1e-3 * rms);
  SagprDestroy(&model);
  /* Learning curve on held-out environments. */
  double prev = INFINITY;
  const int sizes[3] = {30, 120, 360};
  for (int k = 0; k < 3; k++) {
    model = fit(&train, sizes[k], sizes[k] < 200 ? sizes[k] : 200, 2, 1e-6);
    double *tp = calloc((size_t)5 * test.n, sizeof(double));
    assert_ufp_ok(SagprPredict(model, test.n, test.p0, test.p2, tp));
    double e = rmse(tp, test.t, 5 * test.n);
    print_message("learning curve: %3d training environments -> test RMSE %.4f (%.1f %% of RMS)\n", sizes[k], e,
                  100 * e / rms);
    assert_true(e < prev);
    prev = e;
    free(tp);
    SagprDestroy(&model);
  }
  assert_true(prev < 0.05 * rms);
  free(pred);
  free_set(&train);
  free_set(&test);
  LambdaSoapDestroy(&soap);
}

/* Predictions for a rotated copy of a frame are R V R^T of the original's. */
static void test_equivariance(void **state)
{
  (void)state;
  LambdaSoap soap = make_soap();
  const double id[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  const double c = cos(0.7), s = sin(0.7), c2 = cos(-1.9), s2 = sin(-1.9);
  /* R = Rz(0.7) Rx(-1.9) */
  const double rz[3][3] = {{c, -s, 0}, {s, c, 0}, {0, 0, 1}}, rx[3][3] = {{1, 0, 0}, {0, c2, -s2}, {0, s2, c2}};
  double rot[3][3];
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) rot[a][b] = rz[a][0] * rx[0][b] + rz[a][1] * rx[1][b] + rz[a][2] * rx[2][b];
  Set train, plain, turned;
  make_set(soap, 10, 5, id, &train);
  make_set(soap, 2, 77, id, &plain);
  make_set(soap, 2, 77, rot, &turned); /* same displacements, rotated */
  Sagpr model = fit(&train, train.n, 60, 3, 1e-4);
  double *a = calloc((size_t)5 * plain.n, sizeof(double)), *b = calloc((size_t)5 * plain.n, sizeof(double));
  assert_ufp_ok(SagprPredict(model, plain.n, plain.p0, plain.p2, a));
  assert_ufp_ok(SagprPredict(model, turned.n, turned.p0, turned.p2, b));
  double worst = 0, big = 0;
  for (int i = 0; i < plain.n; i++) {
    double v[3][3], rv[3][3], v0, expect[5];
    UfpEfgFromSpherical(0, a + 5 * i, v);
    for (int p = 0; p < 3; p++)
      for (int q = 0; q < 3; q++) {
        rv[p][q] = 0;
        for (int k = 0; k < 3; k++)
          for (int l = 0; l < 3; l++) rv[p][q] += rot[p][k] * v[k][l] * rot[q][l];
      }
    UfpEfgToSpherical(rv, &v0, expect);
    for (int mu = 0; mu < 5; mu++) {
      worst = fmax(worst, fabs(b[5 * i + mu] - expect[mu]));
      big = fmax(big, fabs(expect[mu]));
    }
  }
  print_message("equivariance: max |t(Rx) - D t(x)| = %.2e (largest component %.3f)\n", worst, big);
  assert_true(worst < 1e-10 * big);
  free(a);
  free(b);
  SagprDestroy(&model);
  free_set(&train);
  free_set(&plain);
  free_set(&turned);
  LambdaSoapDestroy(&soap);
}

/* The SA-GPR EFG model end to end: from a structure to tensors, through a
 * model file and back, with the same numbers. */
static void test_model_file(void **state)
{
  (void)state;
  LambdaSoapSettings ds = {.nspecies = 3, .rcut = 4.5, .cutoff_width = 0.5, .sigma = 0.3, .nmax = 6, .lmax = 4};
  strcpy(ds.species[0], "Li");
  strcpy(ds.species[1], "P");
  strcpy(ds.species[2], "S");
  LambdaSoap soap = make_soap();
  const double id[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  Set train;
  make_set(soap, 6, 21, id, &train);
  Sagpr gpr = fit(&train, train.n, 40, 2, 1e-5);
  EfgModel model = NULL;
  assert_ufp_ok(EfgModelCreateSagpr(&ds, "Li", gpr, &model));
  assert_string_equal(EfgModelKind(model), "sagpr");
  int nf;
  UfpStructure **frames;
  assert_ufp_ok(UfpExtxyzReadAll(ufp_test_source("md/data/beta_Li3PS4_Pnma_ordered.extxyz"), &nf, &frames));
  UfpStructure *s = frames[0];
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, s->lattice, s->pbc));
  int centres[32], nli = 0;
  for (int i = 0; i < s->natoms; i++)
    if (!strcmp(s->species[i], "Li")) centres[nli++] = i;
  double (*v)[3][3] = calloc(nli, sizeof *v), (*w)[3][3] = calloc(nli, sizeof *w);
  assert_ufp_ok(EfgModelPredict(model, &cell, s->natoms, (const double(*)[3])s->x,
                                (const char(*)[UFP_LABEL_MAX])s->species, nli, centres, v));
  /* a P centre is refused */
  int p_atom = -1;
  for (int i = 0; i < s->natoms && p_atom < 0; i++)
    if (!strcmp(s->species[i], "P")) p_atom = i;
  assert_ufp_fails(EfgModelPredict(model, &cell, s->natoms, (const double(*)[3])s->x,
                                   (const char(*)[UFP_LABEL_MAX])s->species, 1, &p_atom, w),
                   UFP_ERR_INPUT, "made for Li");
  const char *path = ufp_test_tmp("sagpr_model.h5");
  UfpH5File *file = NULL;
  assert_ufp_ok(UfpH5FileCreate(MPI_COMM_SELF, path, &file));
  assert_ufp_ok(EfgModelWrite(model, MPI_COMM_SELF, UfpH5FileId(file)));
  assert_ufp_ok(UfpH5FileDestroy(&file));
  EfgModel back = NULL;
  assert_ufp_ok(EfgModelRead(MPI_COMM_SELF, path, &back));
  assert_string_equal(EfgModelCentreSpecies(back), "Li");
  assert_ufp_ok(EfgModelPredict(back, &cell, s->natoms, (const double(*)[3])s->x,
                                (const char(*)[UFP_LABEL_MAX])s->species, nli, centres, w));
  double big = 0;
  for (int c = 0; c < nli; c++)
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        assert_close(w[c][a][b], v[c][a][b], 1e-15 + 1e-13 * fabs(v[c][a][b]));
        assert_close(v[c][a][b], v[c][b][a], 1e-16);
        big = fmax(big, fabs(v[c][a][b]));
      }
    }
  for (int c = 0; c < nli; c++) assert_close(v[c][0][0] + v[c][1][1] + v[c][2][2], 0.0, 1e-15);
  assert_true(big > 1e-3);
  free(v);
  free(w);
  EfgModelDestroy(&model);
  EfgModelDestroy(&back);
  assert_null(back);
  UfpStructureArrayDestroy(nf, &frames);
  free_set(&train);
  LambdaSoapDestroy(&soap);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_farthest_points),
      cmocka_unit_test(test_learning),
      cmocka_unit_test(test_equivariance),
      cmocka_unit_test(test_model_file),
  };
  return UFP_TEST_MAIN("sagpr", tests);
}
