/*
 * test_uf3_fit.c -- the UF3 fit: design rows against the force loop, the
 * column layout, recovery of a known potential, a Lennard-Jones fit, dataset
 * energy offsets, duplicates and the split.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extxyz.h"
#include "fit_data.h"
#include "image_list.h"
#include "pair_prior.h"
#include "test_fit.h"
#include "test_util.h"
#include "uf3_features.h"
#include "uf3_fit.h"
#include "uf3_force.h"
#include "units.h"

static const char *const lps[3] = {"Li", "P", "S"};

/* A smooth random solution: repulsive pairs, small 3-body terms. */
static void random_solution(const Uf3FitBasis *basis, unsigned seed, double *u)
{
  unsigned state = seed;
  for (int e = 0; e < basis->nelements; e++)
    u[e] = -1.0 - e;
  for (int b = 0; b < basis->nblocks; b++) {
    const Uf3FitBlock *blk = &basis->blocks[b];
    for (int k = 0; k < blk->ncols; k++) {
      double noise = rand_r(&state) / (double)RAND_MAX - 0.5;
      if (blk->body == 2) {
        double r = blk->knots[0][blk->unmap[k] + 2];
        u[blk->offset + k] = 2.0 * exp(-2.0 * (r - 1.5)) + 0.05 * noise;
      } else {
        u[blk->offset + k] = 0.05 * noise;
      }
    }
  }
}

static void kernel(const Uf3Potential *pot, const UfpStructure *s, double *energy, double (*f)[3], double w[3][3])
{
  Uf3Force force = NULL;
  assert_ufp_ok(Uf3ForceCreate(pot, &force));
  int *species = calloc(s->natoms, sizeof *species);
  for (int i = 0; i < s->natoms; i++) species[i] = Uf3PotentialElementIndex(pot, s->species[i]);
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, s->lattice, s->pbc));
  Uf3ImageList *list = NULL;
  assert_ufp_ok(Uf3ImageListBuild(&cell, s->natoms, (const double(*)[3])s->x, Uf3ForceCutoff(force), &list));
  Uf3Result result = {.f = f};
  assert_ufp_ok(Uf3ForceCompute(force, s->natoms, (const double(*)[3])s->x, species, &list->view, &result));
  *energy = result.energy;
  memcpy(w, result.virial, sizeof result.virial);
  Uf3ImageListDestroy(&list);
  Uf3ForceDestroy(&force);
  free(species);
}

/* Rows . u reproduce Uf3ForceCompute: energy, forces, virial. */
static void test_rows_match_force_loop(void **state)
{
  (void)state;
  Uf3FitBasisSpec *spec = ufp_test_fit_spec(3, 1.5, 5.0, 8, 3.6, 4, 8);
  Uf3FitBasis *basis = NULL;
  assert_ufp_ok(Uf3FitBasisCreate(spec, &basis));
  double *u = calloc(basis->ncols, sizeof *u);
  random_solution(basis, 3, u);
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3FitBasisToPotential(basis, u, NULL, &pot));
  for (int trial = 0; trial < 3; trial++) {
    /* 12 atoms in a cell narrower than the cutoff: several images. */
    UfpStructure *s = ufp_test_random_structure(12, 3, lps, 0.045, 1.6, 11 + trial);
    int n = s->natoms, species[12];
    for (int i = 0; i < n; i++) species[i] = Uf3FitBasisElement(basis, s->species[i]);
    double *energy = calloc(basis->ncols, sizeof *energy), *virial = calloc(6 * basis->ncols, sizeof *virial);
    double *grad[12];
    int stride[12];
    for (int i = 0; i < n; i++) {
      stride[i] = basis->group_ncols[species[i]];
      grad[i] = calloc(3 * stride[i], sizeof(double));
    }
    Uf3FeatureRows rows = {.energy = energy, .virial = virial, .grad = grad, .grad_stride = stride};
    assert_ufp_ok(Uf3FeaturesCompute(basis, s, species, "test", &rows));
    double e_ref, f_ref[12][3], w_ref[3][3];
    kernel(pot, s, &e_ref, f_ref, w_ref);
    double e = 0;
    for (int c = 0; c < basis->ncols; c++) e += energy[c] * u[c];
    assert_true(fabs(e_ref) > 0.1);
    assert_close(e, e_ref, 1e-10 * fabs(e_ref));
    double fbig = 0;
    for (int i = 0; i < n; i++)
      for (int k = 0; k < 3; k++) {
        double g = 0;
        for (int c = 0; c < stride[i]; c++) g += grad[i][k * stride[i] + c] * u[basis->group_cols[species[i]][c]];
        assert_close(-g, f_ref[i][k], 1e-10);
        fbig = fmax(fbig, fabs(f_ref[i][k]));
      }
    assert_true(fbig > 0.05);
    const int va[6] = {0, 1, 2, 1, 0, 0}, vb[6] = {0, 1, 2, 2, 2, 1};
    for (int v = 0; v < 6; v++) {
      double wv = 0;
      for (int c = 0; c < basis->ncols; c++) wv += virial[v * basis->ncols + c] * u[c];
      assert_close(wv, w_ref[va[v]][vb[v]], 1e-9);
    }
    for (int i = 0; i < n; i++) free(grad[i]);
    free(energy);
    free(virial);
    UfpStructureDestroy(&s);
  }
  Uf3PotentialDestroy(&pot);
  free(u);
  Uf3FitBasisDestroy(&basis);
  ufp_test_fit_spec_free(spec);
}

/* Column layout: trims, the b == c symmetry, triangles, round trip. */
static void test_basis_layout(void **state)
{
  (void)state;
  Uf3FitBasisSpec *spec = ufp_test_fit_spec(3, 1.5, 5.0, 8, 3.6, 4, 8);
  Uf3FitBasis *basis = NULL;
  assert_ufp_ok(Uf3FitBasisCreate(spec, &basis));
  assert_int_equal(basis->nblocks, 6 + 18);
  /* Pairs: 8 intervals -> 11 coefficients, 3 trimmed. */
  assert_int_equal(basis->blocks[0].ncols, 8);
  int sym = -1, asym = -1;
  for (int b = 6; b < basis->nblocks; b++) {
    if (basis->blocks[b].symmetric && sym < 0) sym = b;
    if (!basis->blocks[b].symmetric && asym < 0) asym = b;
  }
  const Uf3FitBlock *bs = &basis->blocks[sym], *ba = &basis->blocks[asym];
  /* 4 free per r_ij, r_ik and 8 per r_jk: at most 4*4*8 = 128 asymmetric,
   * 10*8 = 80 symmetric, fewer where no triangle fits. */
  assert_true(ba->ncols <= 128 && ba->ncols > 64);
  assert_true(bs->ncols <= 80 && bs->ncols > 40);
  /* r_ij, r_ik in [1.5, 2.025): r_jk above 4.05 is impossible; the last
   * free r_jk function (n = 7) starts at 1.5 + 7 * 0.9 = 7.8 Å. */
  int n1 = ba->dims[1], n2 = ba->dims[2];
  assert_int_equal(ba->map[(0 * n1 + 0) * n2 + 7], -1);
  assert_true(ba->map[(0 * n1 + 0) * n2 + 0] >= 0);
  /* Symmetric block: (l, m) and (m, l) share a column. */
  n1 = bs->dims[1];
  n2 = bs->dims[2];
  assert_int_equal(bs->map[(1 * n1 + 2) * n2 + 3], bs->map[(2 * n1 + 1) * n2 + 3]);
  /* Round trip through a potential. */
  double *u = calloc(basis->ncols, sizeof *u), *v = calloc(basis->ncols, sizeof *v);
  random_solution(basis, 5, u);
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3FitBasisToPotential(basis, u, NULL, &pot));
  assert_ufp_ok(Uf3PotentialValidate(pot, "fitted"));
  assert_ufp_ok(Uf3FitBasisFromPotential(basis, pot, v));
  for (int c = 0; c < basis->ncols; c++) assert_true(u[c] == v[c]);
  /* A 3-body reach beyond the pair cutoff is refused (LAMMPS would cut it). */
  spec->triplet[0].r_max = 5.5;
  Uf3FitBasis *bad = NULL;
  assert_ufp_fails(Uf3FitBasisCreate(spec, &bad), UFP_ERR_INPUT, "exceeds the 2-body cutoff");
  Uf3FitBasisDestroy(&bad);
  Uf3PotentialDestroy(&pot);
  free(u);
  free(v);
  Uf3FitBasisDestroy(&basis);
  ufp_test_fit_spec_free(spec);
}

typedef struct {
  FitData *data;
  Uf3Fit fit;
  double *u;
  UfpSpdInfo info;
} FitRun;

static void run_fit(const char *const *paths, int nfiles, const char *const *datasets, const int *roles,
                    int nmodes, const char *const *mode_names, const int *modes, const Uf3FitBasis *basis,
                    const Uf3FitSettings *settings, FitRun *run)
{
  FitDataSpec ds = {.nfiles = nfiles, .paths = paths, .datasets = datasets, .roles = roles,
                    .ndataset_modes = nmodes, .mode_names = mode_names, .modes = modes,
                    .nelements = basis->nelements, .elements = (const char *const *)NULL, .seed = 1};
  const char *el[8];
  for (int a = 0; a < basis->nelements; a++) el[a] = basis->elements[a];
  ds.elements = el;
  assert_ufp_ok(FitDataLoad(&ds, &run->data));
  assert_ufp_ok(Uf3FitCreate(MPI_COMM_SELF, basis, run->data, settings, &run->fit));
  assert_ufp_ok(Uf3FitAccumulate(run->fit, 0));
  run->u = calloc(Uf3FitColumns(run->fit), sizeof(double));
  assert_ufp_ok(Uf3FitSolve(run->fit, -1, run->u, &run->info));
}

static void free_run(FitRun *run)
{
  Uf3FitDestroy(&run->fit);
  FitDataDestroy(&run->data);
  free(run->u);
}

static const char *write_frames(const char *name, int n, UfpStructure **frames)
{
  const char *path = ufp_test_tmp(name);
  assert_ufp_ok(UfpExtxyzWriteAll(MPI_COMM_SELF, path, 1, n, frames));
  static char keep[4][1024];
  static int next = 0;
  char *out = keep[next++ % 4];
  snprintf(out, 1024, "%s", path);
  return out;
}

/* Data made with a potential of the basis is fitted back to it. */
static void test_recovery(void **state)
{
  (void)state;
  Uf3FitBasisSpec *spec = ufp_test_fit_spec(3, 1.5, 5.0, 8, 3.6, 4, 8);
  Uf3FitBasis *basis = NULL;
  assert_ufp_ok(Uf3FitBasisCreate(spec, &basis));
  double *truth = calloc(basis->ncols, sizeof *truth);
  random_solution(basis, 9, truth);
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3FitBasisToPotential(basis, truth, NULL, &pot));
  enum { NTRAIN = 160, NTEST = 6 };
  UfpStructure *frames[NTRAIN + NTEST];
  for (int k = 0; k < NTRAIN + NTEST; k++) {
    frames[k] = ufp_test_random_structure(10 + k % 7, 3, lps, 0.03 + 0.002 * (k % 9), 1.55, 100 + k);
    ufp_test_label(pot, frames[k]);
  }
  const char *paths[2] = {write_frames("recovery_train.xyz", NTRAIN, frames),
                          write_frames("recovery_test.xyz", NTEST, frames + NTRAIN)};
  const char *dsname[2] = {"synthetic", "synthetic"};
  int roles[2] = {FIT_TRAIN, FIT_TEST};
  Uf3FitSettings settings = {.energy_weight = 1.0, .force_weight = 1.0, .ridge = {1e-14, 1e-14, 1e-14},
                             .rcond_min = 1e-15};
  FitRun run = {0};
  run_fit(paths, 2, dsname, roles, 0, NULL, NULL, basis, &settings, &run);
  Uf3Potential *fitted = NULL;
  assert_ufp_ok(Uf3FitPotential(run.fit, run.u, &fitted));
  /* Held-out forces and energies. */
  double fworst = 0, emax = 0;
  for (int k = NTRAIN; k < NTRAIN + NTEST; k++) {
    double e0, e1, f0[20][3], f1[20][3], w0[3][3], w1[3][3];
    kernel(pot, frames[k], &e0, f0, w0);
    kernel(fitted, frames[k], &e1, f1, w1);
    emax = fmax(emax, fabs(e1 - e0) / frames[k]->natoms);
    for (int i = 0; i < frames[k]->natoms; i++)
      for (int a = 0; a < 3; a++) fworst = fmax(fworst, fabs(f1[i][a] - f0[i][a]));
  }
  print_message("recovery: max |dF| %.3g eV/Å, max |dE|/N %.3g eV, method %d, rcond %.3g\n", fworst, emax,
                (int)run.info.method, run.info.rcond);
  assert_true(fworst < 1e-6);
  assert_true(emax < 1e-6);
  /* Coefficients: pairs everywhere the data reach (r >= 1.55 Å). */
  double cmax = 0;
  for (int b = 0; b < 6; b++) {
    const Uf3FitBlock *blk = &basis->blocks[b];
    for (int k = 0; k < blk->ncols; k++)
      cmax = fmax(cmax, fabs(run.u[blk->offset + k] - truth[blk->offset + k]));
  }
  for (int e = 0; e < 3; e++) {
    double e1 = pot->one_body[e], e2 = fitted->one_body[e];
    assert_close(e2, e1, 1e-6);
  }
  print_message("recovery: max |dc| (2-body) %.3g eV\n", cmax);
  assert_true(cmax < 1e-5);
  Uf3PotentialDestroy(&fitted);
  free_run(&run);
  for (int k = 0; k < NTRAIN + NTEST; k++) UfpStructureDestroy(&frames[k]);
  Uf3PotentialDestroy(&pot);
  free(truth);
  Uf3FitBasisDestroy(&basis);
  ufp_test_fit_spec_free(spec);
}

/* Lennard-Jones (argon, with a smooth switch to zero at 7 Å) fitted by a
 * 2-body spline: force errors well below 1 meV/Å. */
static double lj(double r, double *dvdr)
{
  const double eps = 0.0104, sig = 3.40, rc = 7.0, rs = 6.0;
  double sr6 = pow(sig / r, 6), v = 4 * eps * (sr6 * sr6 - sr6), dv = 4 * eps * (-12 * sr6 * sr6 + 6 * sr6) / r;
  double sw = 1, dsw = 0;
  if (r >= rc) {
    sw = 0;
  } else if (r > rs) {
    double x = (r - rs) / (rc - rs);
    sw = 1 - x * x * x * (10 - 15 * x + 6 * x * x);
    dsw = -30 * x * x * (1 - x) * (1 - x) / (rc - rs);
  }
  *dvdr = dv * sw + v * dsw;
  return v * sw;
}

static void label_lj(UfpStructure *s)
{
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, s->lattice, s->pbc));
  UfpAtomColumn *col = NULL;
  assert_ufp_ok(UfpStructureAddColumn(s, "forces", 'R', 3, &col));
  int nimg[3];
  UfpCellImageRange(&cell, 7.0, nimg);
  double e = 0;
  for (int i = 0; i < s->natoms; i++)
    for (int j = 0; j < s->natoms; j++)
      for (int n0 = -nimg[0]; n0 <= nimg[0]; n0++)
        for (int n1 = -nimg[1]; n1 <= nimg[1]; n1++)
          for (int n2 = -nimg[2]; n2 <= nimg[2]; n2++) {
            if (i == j && !n0 && !n1 && !n2) continue;
            int n[3] = {n0, n1, n2};
            double sh[3], d[3], r = 0, dv;
            UfpCellShift(&cell, n, sh);
            for (int k = 0; k < 3; k++) {
              d[k] = s->x[j][k] + sh[k] - s->x[i][k];
              r += d[k] * d[k];
            }
            r = sqrt(r);
            if (r >= 7.0) continue;
            e += 0.5 * lj(r, &dv);
            for (int k = 0; k < 3; k++) col->real[3 * i + k] += dv * d[k] / r;
          }
  assert_ufp_ok(UfpStructureSetInfoReal(s, "energy", 1, &e));
}

/* Lennard-Jones argon: 40 training and 8 held-out frames of 24 atoms, no
 * pair closer than 3 Å, fitted on one pair spline from r_min to 7 Å. */
enum { LJ_TRAIN = 40, LJ_TEST = 8, LJ_ATOMS = 24 };
typedef struct {
  UfpStructure *frames[LJ_TRAIN + LJ_TEST];
  const char *paths[2];
  Uf3FitBasis *basis;
} LjCase;

static void lj_setup(LjCase *c, const char *train, const char *test, double r_min, int resolution)
{
  const char *ar[1] = {"Ar"};
  for (int k = 0; k < LJ_TRAIN + LJ_TEST; k++) {
    c->frames[k] = ufp_test_random_structure(LJ_ATOMS, 1, ar, 0.016 + 0.002 * (k % 5), 3.0, 300 + k);
    label_lj(c->frames[k]);
  }
  c->paths[0] = write_frames(train, LJ_TRAIN, c->frames);
  c->paths[1] = write_frames(test, LJ_TEST, c->frames + LJ_TRAIN);
  Uf3FitBasisSpec spec = {.nelements = 1, .degree = 2, .trailing_trim = 3};
  char elements[1][UFP_LABEL_MAX] = {"Ar"};
  spec.elements = elements;
  Uf3FitPairSpec pair = {r_min, 7.0, resolution};
  spec.pair = &pair;
  assert_ufp_ok(Uf3FitBasisCreate(&spec, &c->basis));
}

static void lj_fit(const LjCase *c, const Uf3FitSettings *settings, FitRun *run)
{
  const char *dsname[2] = {"lj", "lj"};
  int roles[2] = {FIT_TRAIN, FIT_TEST};
  run_fit(c->paths, 2, dsname, roles, 0, NULL, NULL, c->basis, settings, run);
}

/* Held-out force RMSE (eV/Å) of a fit, and the largest reference force. */
static double lj_heldout_rmse(const LjCase *c, const FitRun *run, double *largest)
{
  Uf3Potential *fitted = NULL;
  assert_ufp_ok(Uf3FitPotential(run->fit, run->u, &fitted));
  double sq = 0, big = 0;
  int count = 0;
  for (int k = LJ_TRAIN; k < LJ_TRAIN + LJ_TEST; k++) {
    double e, f[LJ_ATOMS][3], w[3][3];
    kernel(fitted, c->frames[k], &e, f, w);
    const double *ref = UfpStructureFindColumn(c->frames[k], "forces")->real;
    for (int i = 0; i < LJ_ATOMS; i++)
      for (int a = 0; a < 3; a++) {
        double d = f[i][a] - ref[3 * i + a];
        sq += d * d;
        big = fmax(big, fabs(ref[3 * i + a]));
        count++;
      }
  }
  Uf3PotentialDestroy(&fitted);
  if (largest) *largest = big;
  return sqrt(sq / count);
}

static void lj_free(LjCase *c)
{
  for (int k = 0; k < LJ_TRAIN + LJ_TEST; k++) UfpStructureDestroy(&c->frames[k]);
  Uf3FitBasisDestroy(&c->basis);
}

static void test_lennard_jones(void **state)
{
  (void)state;
  LjCase c;
  lj_setup(&c, "lj_train.xyz", "lj_test.xyz", 2.9, 40);
  Uf3FitSettings settings = {.energy_weight = 1.0, .force_weight = 1.0, .ridge = {1e-12, 1e-12, 0},
                             .curvature = {0, 1e-10, 0}, .rcond_min = 1e-15};
  FitRun run = {0};
  lj_fit(&c, &settings, &run);
  double big, rmse = lj_heldout_rmse(&c, &run, &big);
  print_message("LJ: held-out force RMSE %.3g meV/Å (largest force %.3g eV/Å)\n", 1e3 * rmse, big);
  assert_true(big > 0.05);
  assert_true(rmse < 1e-3);
  free_run(&run);
  lj_free(&c);
}

/* Two datasets with different energy zeros: with an offset the model is the
 * same as from either alone; treated as one dataset the energies clash. */
static void test_dataset_offsets(void **state)
{
  (void)state;
  Uf3FitBasisSpec *spec = ufp_test_fit_spec(2, 1.5, 5.0, 8, 0, 0, 0);
  Uf3FitBasis *basis = NULL;
  assert_ufp_ok(Uf3FitBasisCreate(spec, &basis));
  double *truth = calloc(basis->ncols, sizeof *truth);
  random_solution(basis, 13, truth);
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3FitBasisToPotential(basis, truth, NULL, &pot));
  enum { N = 20 };
  UfpStructure *a[N], *b[N];
  const double shift[3] = {-190.25, -5.5, 33.0}; /* eV per atom of Li, P, S */
  for (int k = 0; k < N; k++) {
    a[k] = ufp_test_random_structure(10 + k % 4, 3, lps, 0.035, 1.6, 500 + k);
    b[k] = ufp_test_random_structure(10 + k % 4, 3, lps, 0.035, 1.6, 700 + k);
    ufp_test_label(pot, a[k]);
    ufp_test_label(pot, b[k]);
    double e;
    assert_ufp_ok(UfpStructureGetInfoReal(b[k], "energy", &e));
    for (int i = 0; i < b[k]->natoms; i++) e += shift[Uf3PotentialElementIndex(pot, b[k]->species[i])];
    assert_ufp_ok(UfpStructureSetInfoReal(b[k], "energy", 1, &e));
  }
  const char *paths[2] = {write_frames("offset_a.xyz", N, a), write_frames("offset_b.xyz", N, b)};
  const char *names[2] = {"dft_a", "dft_b"};
  int roles[2] = {FIT_TRAIN, FIT_TRAIN};
  Uf3FitSettings settings = {.energy_weight = 1.0, .force_weight = 1.0, .ridge = {1e-14, 1e-14, 0},
                             .offset_ridge = 1e-14, .rcond_min = 1e-15};
  FitRun run = {0};
  run_fit(paths, 2, names, roles, 0, NULL, NULL, basis, &settings, &run);
  assert_int_equal(Uf3FitColumns(run.fit), basis->ncols + 3);
  for (int c = 3; c < basis->ncols; c++) assert_close(run.u[c], truth[c], 1e-6);
  double e1[3];
  Uf3FitDatasetOneBody(run.fit, 1, run.u, e1);
  for (int e = 0; e < 3; e++) assert_close(e1[e], truth[e] + shift[e], 1e-5);
  double loss;
  assert_ufp_ok(Uf3FitObjective(run.fit, -1, run.u, &loss));
  assert_true(loss < 1e-12);
  free_run(&run);
  /* Declared as one dataset: the energies cannot both be met. */
  const char *same[2] = {"dft", "dft"};
  run_fit(paths, 2, same, roles, 0, NULL, NULL, basis, &settings, &run);
  assert_ufp_ok(Uf3FitObjective(run.fit, -1, run.u, &loss));
  assert_true(loss > 1e-4);
  free_run(&run);
  /* Forces only for the second: the model again. */
  const char *mode_names[1] = {"dft_b"};
  int modes[1] = {FIT_ENERGY_NONE};
  run_fit(paths, 2, names, roles, 1, mode_names, modes, basis, &settings, &run);
  assert_int_equal(Uf3FitColumns(run.fit), basis->ncols);
  for (int c = 3; c < basis->ncols; c++) assert_close(run.u[c], truth[c], 1e-6);
  free_run(&run);
  for (int k = 0; k < N; k++) {
    UfpStructureDestroy(&a[k]);
    UfpStructureDestroy(&b[k]);
  }
  Uf3PotentialDestroy(&pot);
  free(truth);
  Uf3FitBasisDestroy(&basis);
  ufp_test_fit_spec_free(spec);
}

/* Duplicates are dropped, preferring training; the split is reproducible. */
static void test_duplicates_and_split(void **state)
{
  (void)state;
  Uf3FitBasisSpec *spec = ufp_test_fit_spec(2, 1.5, 5.0, 8, 0, 0, 0);
  Uf3FitBasis *basis = NULL;
  assert_ufp_ok(Uf3FitBasisCreate(spec, &basis));
  double *truth = calloc(basis->ncols, sizeof *truth);
  random_solution(basis, 13, truth);
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3FitBasisToPotential(basis, truth, NULL, &pot));
  enum { N = 40 };
  UfpStructure *frames[N + 3];
  for (int k = 0; k < N; k++) {
    frames[k] = ufp_test_random_structure(8, 3, lps, 0.035, 1.6, 900 + k);
    ufp_test_label(pot, frames[k]);
  }
  /* Three repeats: frame 0 twice more, frame 5 once. */
  UfpStructureDuplicate(frames[0], &frames[N]);
  UfpStructureDuplicate(frames[0], &frames[N + 1]);
  UfpStructureDuplicate(frames[5], &frames[N + 2]);
  const char *paths[2] = {write_frames("dup_split.xyz", N, frames), write_frames("dup_test.xyz", 3, frames + N)};
  int roles[2] = {FIT_SPLIT, FIT_TEST};
  const char *names[2] = {"d", "d"};
  FitDataSpec ds = {.nfiles = 2, .paths = paths, .roles = roles, .datasets = names, .validation_fraction = 0.25,
                    .test_fraction = 0.0, .seed = 7, .kfold = 4};
  FitData *data = NULL;
  assert_ufp_ok(FitDataLoad(&ds, &data));
  int count[3] = {0}, folds[4] = {0};
  for (int k = 0; k < data->nframes; k++) {
    count[data->frames[k].role]++;
    if (data->frames[k].role == FIT_TRAIN) folds[data->frames[k].fold]++;
  }
  /* Frames 0 and 5 exist in the split file; their copies in the test file go
   * (both copies of frame 0 there are duplicates). */
  assert_int_equal(data->nduplicates, 3);
  assert_int_equal(count[FIT_TEST], 0);
  assert_int_equal(count[FIT_TRAIN] + count[FIT_VALIDATION], N);
  assert_true(count[FIT_VALIDATION] >= 4 && count[FIT_VALIDATION] <= 18);
  for (int f = 0; f < 4; f++) assert_true(folds[f] > 0);
  int first_roles[N];
  for (int k = 0; k < N; k++) first_roles[k] = data->frames[k].role;
  FitDataDestroy(&data);
  assert_ufp_ok(FitDataLoad(&ds, &data));
  for (int k = 0; k < N; k++) assert_int_equal(data->frames[k].role, first_roles[k]);
  /* Elements found automatically, by atomic number. */
  assert_int_equal(data->nelements, 3);
  assert_string_equal(data->elements[0], "Li");
  assert_string_equal(data->elements[2], "S");
  FitDataDestroy(&data);
  for (int k = 0; k < N + 3; k++) UfpStructureDestroy(&frames[k]);
  Uf3PotentialDestroy(&pot);
  free(truth);
  Uf3FitBasisDestroy(&basis);
  ufp_test_fit_spec_free(spec);
}

/* Pair energy of block blk of a solution at r (Å). */
static double pair_value(const Uf3FitBlock *blk, const double *u, double r)
{
  double v[4], d[4];
  int first = Uf3BasisEvaluate(&blk->basis[0], r, v, d);
  double e = 0.0;
  for (int a = 0; a < 4 && first >= 0; a++) {
    int c = blk->map[first + a];
    if (c >= 0) e += v[a] * u[blk->offset + c];
  }
  return e;
}

/* ZBL: the bare Coulomb repulsion of the nuclei at r -> 0 (phi(0) = 1),
 * the analytic derivative, and symmetry in Z1, Z2. */
static void test_zbl(void **state)
{
  (void)state;
  const double k = 16.0 * 16.0 * UFP_COULOMB_EV_A;
  assert_close(PairPriorZbl(16, 16, 1e-5, NULL) * 1e-5 / k, 1.0, 1e-3);
  for (double r = 0.3; r < 5.0; r += 0.37) {
    double d, h = 1e-5;
    double v = PairPriorZbl(3, 16, r, &d);
    double fd = (PairPriorZbl(3, 16, r + h, NULL) - PairPriorZbl(3, 16, r - h, NULL)) / (2 * h);
    assert_close(d, fd, 1e-6 * fabs(fd) + 1e-12);
    assert_close(v, PairPriorZbl(16, 3, r, NULL), 1e-14 * v);
    assert_true(v > 0 && d < 0);
  }
  /* S-S at 1.65 Å: a = 0.4685/(2 16^0.23) = 0.123803 Å, x = 13.3276;
   * phi = 0.18175 e^{-42.646} + 0.50986 e^{-12.5585} + 0.28022 e^{-5.36969}
   *     + 0.02817 e^{-2.68711} = 3.22412e-3, V = k phi / r = 7.2031 eV. */
  assert_close(PairPriorZbl(16, 16, 1.65, NULL), 7.2031, 1e-4);
}

/* Penalties centred on the prior: with overwhelming ridge and curvature the
 * solution is the prior's B-spline image; the image follows ZBL. */
static void test_prior_penalties(void **state)
{
  (void)state;
  const char *ar[1] = {"Ar"};
  enum { N = 6 };
  UfpStructure *frames[N];
  for (int k = 0; k < N; k++) {
    frames[k] = ufp_test_random_structure(24, 1, ar, 0.018, 3.0, 500 + k);
    label_lj(frames[k]);
  }
  const char *paths[1] = {write_frames("prior_train.xyz", N, frames)};
  const char *dsname[1] = {"lj"};
  int roles[1] = {FIT_TRAIN};
  Uf3FitBasisSpec spec = {.nelements = 1, .degree = 2, .trailing_trim = 3};
  char elements[1][UFP_LABEL_MAX] = {"Ar"};
  spec.elements = elements;
  Uf3FitPairSpec pair = {1.0, 7.0, 48};
  spec.pair = &pair;
  Uf3FitBasis *basis = NULL;
  assert_ufp_ok(Uf3FitBasisCreate(&spec, &basis));
  double *c0 = calloc(basis->ncols, sizeof *c0);
  assert_ufp_ok(PairPriorCoefficients(basis, UF3_PRIOR_ZBL, c0));
  const Uf3FitBlock *blk = &basis->blocks[0];
  /* Schoenberg's image of a convex decreasing function lies above it and
   * close to it where the knots resolve its decay (Ar: ~0.3 Å). */
  for (double r = 1.2; r < 2.5; r += 0.1) {
    double v0 = PairPriorZbl(18, 18, r, NULL), v = pair_value(blk, c0, r);
    assert_true(v >= v0);
    assert_true(v < 1.1 * v0);
  }
  Uf3FitSettings settings = {.energy_weight = 1.0, .force_weight = 1.0, .ridge = {1e-12, 1e8, 0},
                             .curvature = {0, 1e8, 0}, .rcond_min = 1e-15, .prior_2b = UF3_PRIOR_ZBL};
  FitRun run = {0};
  run_fit(paths, 1, dsname, roles, 0, NULL, NULL, basis, &settings, &run);
  for (int c = 0; c < blk->ncols; c++)
    assert_close(run.u[blk->offset + c], c0[blk->offset + c], 1e-6 * fabs(c0[blk->offset]));
  free_run(&run);
  settings.prior_2b = UF3_PRIOR_NONE;
  run_fit(paths, 1, dsname, roles, 0, NULL, NULL, basis, &settings, &run);
  for (int c = 0; c < blk->ncols; c++) assert_true(fabs(run.u[blk->offset + c]) < 1e-6);
  free_run(&run);
  free(c0);
  for (int k = 0; k < N; k++) UfpStructureDestroy(&frames[k]);
  Uf3FitBasisDestroy(&basis);
}

/* Coverage: Lennard-Jones data never closer than 3 Å on knots from 1.5 Å.
 * The coefficients below the data are pinned to ZBL, the potential there
 * is a repulsive wall, and the fit in the data is as good as without. */
static void test_coverage(void **state)
{
  (void)state;
  LjCase c;
  lj_setup(&c, "cov_train.xyz", "cov_test.xyz", 1.5, 44);
  const Uf3FitBlock *blk = &c.basis->blocks[0];
  double *c0 = calloc(c.basis->ncols, sizeof *c0);
  assert_ufp_ok(PairPriorCoefficients(c.basis, UF3_PRIOR_ZBL, c0));
  Uf3FitSettings settings = {.energy_weight = 1.0, .force_weight = 1.0, .ridge = {1e-12, 1e-12, 0},
                             .curvature = {0, 1e-10, 0}, .rcond_min = 1e-15, .prior_2b = UF3_PRIOR_ZBL,
                             .coverage = 1e-8};
  FitRun run = {0};
  lj_fit(&c, &settings, &run);
  /* B_n vanishes below t_n: the first columns whose support ends below the
   * closest pair in the data (>= 3 Å) have no data at all. */
  double dmin = 3.0;
  int expect = 0;
  for (int k = 0; k < blk->ncols; k++)
    if (blk->knots[0][blk->unmap[k] + 4] <= dmin) {
      expect++;
      assert_close(run.u[blk->offset + k], c0[blk->offset + k], 1e-6 * c0[blk->offset + k]);
    }
  print_message("coverage: %d columns pinned, %d without any data\n", Uf3FitPinned(run.fit), expect);
  assert_true(expect >= 8);
  assert_true(Uf3FitPinned(run.fit) >= expect);
  for (double r = 1.6; r < 2.8; r += 0.1) assert_true(pair_value(blk, run.u, r) > pair_value(blk, run.u, r + 0.1));
  double rmse = lj_heldout_rmse(&c, &run, NULL);
  print_message("coverage: held-out LJ force RMSE %.3g meV/Å\n", 1e3 * rmse);
  assert_true(rmse < 1e-3);
  free_run(&run);
  free(c0);
  lj_free(&c);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basis_layout),    cmocka_unit_test(test_rows_match_force_loop),
      cmocka_unit_test(test_recovery),        cmocka_unit_test(test_lennard_jones),
      cmocka_unit_test(test_dataset_offsets), cmocka_unit_test(test_duplicates_and_split),
      cmocka_unit_test(test_zbl),             cmocka_unit_test(test_prior_penalties),
      cmocka_unit_test(test_coverage),
  };
  return UFP_TEST_MAIN("uf3_fit", tests);
}
