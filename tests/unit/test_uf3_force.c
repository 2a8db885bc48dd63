/*
 * test_uf3_force.c -- UF3 energies, forces and virial against finite
 * differences, for 2- and 3-body terms, three elements, non-uniform knots and
 * a triclinic cell narrower than the cutoff.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bspline.h"
#include "image_list.h"
#include "neighbor.h"
#include "test_util.h"
#include "uf3_force.h"

#define NATOMS 14

static double rand_uniform(double lo, double hi) { return lo + (hi - lo) * (rand() / (double)RAND_MAX); }

static const double pair_knots[] = {1.0, 1.0, 1.0, 1.0, 1.6, 2.1, 2.9, 3.3, 4.0, 4.6, 5.5, 5.5, 5.5, 5.5};
static const double pair_knots_uniform[] = {1.2, 1.2, 1.2, 1.2, 2.0, 2.8, 3.6, 4.4, 5.2, 5.2, 5.2, 5.2};
static const double trip_knots_ij[] = {1.5, 1.5, 1.5, 1.5, 2.2, 2.9, 3.4, 4.0, 4.0, 4.0, 4.0};
static const double trip_knots_jk[] = {1.5, 1.5, 1.5, 1.5, 3.0, 4.5, 6.0, 8.0, 8.0, 8.0, 8.0};

/* A random three-element potential with smooth cutoffs (trailing zeros). */
static Uf3Potential *make_potential(int with_3body)
{
  const char elements[3][UFP_LABEL_MAX] = {"Li", "P", "S"};
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3PotentialCreate(3, elements, &pot));
  srand(42);
  for (int a = 0; a < 3; a++)
    for (int b = a; b < 3; b++) {
      Uf3Spline1D s = {0};
      int uniform = (a + b) % 2;
      s.nknots = uniform ? 12 : 14;
      s.knots = (double *)(uniform ? pair_knots_uniform : pair_knots);
      double coeff[16] = {0};
      for (int n = 0; n < s.nknots - 4; n++)
        coeff[n] = n < s.nknots - 7 ? 3.0 * exp(-0.7 * n) * rand_uniform(0.5, 1.5) - 0.2 : 0.0;
      s.coeff = coeff;
      assert_ufp_ok(Uf3PotentialSetPair(pot, a, b, &s));
    }
  if (with_3body)
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++)
        for (int c = b; c < 3; c++) {
          Uf3Spline3D s = {0};
          s.nknots[0] = s.nknots[1] = 11;
          s.nknots[2] = 11;
          s.knots[0] = s.knots[1] = (double *)trip_knots_ij;
          s.knots[2] = (double *)trip_knots_jk;
          int n0 = 7, n1 = 7, n2 = 7;
          double coeff[7 * 7 * 7];
          for (int l = 0; l < n0; l++)
            for (int m = 0; m < n1; m++)
              for (int n = 0; n < n2; n++) {
                double v = (l < n0 - 3 && m < n1 - 3 && n < n2 - 3) ? rand_uniform(-0.3, 0.3) : 0.0;
                coeff[(l * n1 + m) * n2 + n] = v;
              }
          if (b == c) /* same neighbour species: V3 symmetric in r_ij <-> r_ik */
            for (int l = 0; l < n0; l++)
              for (int m = 0; m < l; m++)
                for (int n = 0; n < n2; n++) coeff[(m * n1 + l) * n2 + n] = coeff[(l * n1 + m) * n2 + n];
          s.coeff = coeff;
          assert_ufp_ok(Uf3PotentialSetTriplet(pot, a, b, c, &s));
        }
  return pot;
}

static const double lattice0[3][3] = {{6.2, 0.0, 0.0}, {1.1, 5.9, 0.0}, {-0.7, 0.8, 6.4}};

/* Random positions with every pair (all images) at least rmin apart. */
static void make_positions(const double lattice[3][3], double (*x)[3], int *species)
{
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, lattice, NULL));
  srand(7);
  for (int i = 0; i < NATOMS; i++) {
    species[i] = i % 3;
    for (int attempt = 0;; attempt++) {
      assert_true(attempt < 100000);
      double s[3] = {rand_uniform(0, 1), rand_uniform(0, 1), rand_uniform(0, 1)};
      UfpCellCartFromFrac(&cell, s, x[i]);
      int ok = 1;
      for (int j = 0; j < i && ok; j++) {
        double d[3];
        UfpCellMinimumImage(&cell, x[i], x[j], d);
        ok = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) > 1.9;
      }
      if (ok) break;
    }
  }
}

static double compute(Uf3Force force, const double lattice[3][3], const double (*x)[3], const int *species,
                      double (*f)[3], double w[3][3], double *eatom)
{
  UfpCell cell;
  Uf3ImageList *list = NULL;
  assert_ufp_ok(UfpCellSetup(&cell, lattice, NULL));
  assert_ufp_ok(Uf3ImageListBuild(&cell, NATOMS, x, Uf3ForceCutoff(force), &list));
  double scratch[NATOMS][3];
  Uf3Result result = {.f = f ? f : scratch, .eatom = eatom};
  assert_ufp_ok(Uf3ForceCompute(force, NATOMS, x, species, &list->view, &result));
  if (w) memcpy(w, result.virial, sizeof result.virial);
  assert_ufp_ok(Uf3ImageListDestroy(&list));
  return result.energy;
}

static void check_finite_differences(int with_3body)
{
  Uf3Potential *pot = make_potential(with_3body);
  Uf3Force force = NULL;
  assert_ufp_ok(Uf3ForceCreate(pot, &force));
  double x[NATOMS][3], f[NATOMS][3], w[3][3], eatom[NATOMS];
  int species[NATOMS];
  make_positions(lattice0, x, species);
  double energy = compute(force, lattice0, (const double(*)[3])x, species, f, w, eatom);
  assert_true(fabs(energy) > 1e-3); /* the test is not vacuous */
  double sum = 0, fnet[3] = {0, 0, 0}, fbig = 0;
  for (int i = 0; i < NATOMS; i++) {
    sum += eatom[i];
    for (int k = 0; k < 3; k++) {
      fnet[k] += f[i][k];
      fbig = fmax(fbig, fabs(f[i][k]));
    }
  }
  assert_true(fbig > 1e-3);
  assert_close(sum, energy, 1e-12 * fabs(energy) + 1e-12);
  for (int k = 0; k < 3; k++) assert_close(fnet[k], 0.0, 1e-11);
  const double h = 1e-5;
  for (int i = 0; i < NATOMS; i++)
    for (int k = 0; k < 3; k++) {
      double saved = x[i][k];
      x[i][k] = saved + h;
      double ep = compute(force, lattice0, (const double(*)[3])x, species, NULL, NULL, NULL);
      x[i][k] = saved - h;
      double em = compute(force, lattice0, (const double(*)[3])x, species, NULL, NULL, NULL);
      x[i][k] = saved;
      assert_close(f[i][k], -(ep - em) / (2 * h), 2e-7 * fbig + 1e-8);
    }
  /* Virial: W_ab = -dE/d eps_ab for x -> (1 + eps) x applied to atoms and cell. */
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) {
      double e[2];
      for (int sign = 0; sign < 2; sign++) {
        double eps = sign ? -h : h, lat[3][3], xs[NATOMS][3];
        memcpy(lat, lattice0, sizeof lat);
        memcpy(xs, x, sizeof xs);
        for (int v = 0; v < 3; v++) lat[v][a] += eps * lattice0[v][b];
        for (int i = 0; i < NATOMS; i++) xs[i][a] += eps * x[i][b];
        e[sign] = compute(force, (const double(*)[3])lat, (const double(*)[3])xs, species, NULL, NULL, NULL);
      }
      assert_close(w[a][b], -(e[0] - e[1]) / (2 * h), 1e-6 * (1 + fabs(energy)));
    }
  assert_ufp_ok(Uf3ForceDestroy(&force));
  assert_null(force);
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

static void test_two_body_finite_differences(void **state)
{
  (void)state;
  check_finite_differences(0);
}

static void test_three_body_finite_differences(void **state)
{
  (void)state;
  check_finite_differences(1);
}

static void test_invariances(void **state)
{
  (void)state;
  Uf3Potential *pot = make_potential(1);
  Uf3Force force = NULL;
  assert_ufp_ok(Uf3ForceCreate(pot, &force));
  double x[NATOMS][3], f[NATOMS][3], g[NATOMS][3];
  int species[NATOMS];
  make_positions(lattice0, x, species);
  double energy = compute(force, lattice0, (const double(*)[3])x, species, f, NULL, NULL);
  /* Translation (and wrapping by a lattice vector). */
  double y[NATOMS][3];
  for (int i = 0; i < NATOMS; i++)
    for (int k = 0; k < 3; k++) y[i][k] = x[i][k] + 0.37 * (k + 1) + (i % 2 ? lattice0[1][k] : 0.0);
  assert_close(compute(force, lattice0, (const double(*)[3])y, species, g, NULL, NULL), energy, 1e-10);
  for (int i = 0; i < NATOMS; i++)
    for (int k = 0; k < 3; k++) assert_close(g[i][k], f[i][k], 1e-10);
  /* Rotation of atoms and cell together: same energy, rotated forces. */
  double c = cos(0.7), s = sin(0.7), rot[3][3] = {{c, -s, 0}, {s * 0.6, c * 0.6, 0.8}, {-s * 0.8, -c * 0.8, 0.6}};
  double lat[3][3], xr[NATOMS][3];
  for (int v = 0; v < 3; v++)
    for (int a = 0; a < 3; a++) lat[v][a] = rot[a][0] * lattice0[v][0] + rot[a][1] * lattice0[v][1] + rot[a][2] * lattice0[v][2];
  for (int i = 0; i < NATOMS; i++)
    for (int a = 0; a < 3; a++) xr[i][a] = rot[a][0] * x[i][0] + rot[a][1] * x[i][1] + rot[a][2] * x[i][2];
  assert_close(compute(force, (const double(*)[3])lat, (const double(*)[3])xr, species, g, NULL, NULL), energy, 1e-10);
  for (int i = 0; i < NATOMS; i++)
    for (int a = 0; a < 3; a++)
      assert_close(g[i][a], rot[a][0] * f[i][0] + rot[a][1] * f[i][1] + rot[a][2] * f[i][2], 1e-10);
  /* Permutation of the atoms. */
  double xp[NATOMS][3];
  int sp[NATOMS];
  for (int i = 0; i < NATOMS; i++) {
    memcpy(xp[i], x[NATOMS - 1 - i], sizeof xp[i]);
    sp[i] = species[NATOMS - 1 - i];
  }
  assert_close(compute(force, lattice0, (const double(*)[3])xp, sp, g, NULL, NULL), energy, 1e-10);
  for (int i = 0; i < NATOMS; i++)
    for (int k = 0; k < 3; k++) assert_close(g[i][k], f[NATOMS - 1 - i][k], 1e-10);
  assert_ufp_ok(Uf3ForceDestroy(&force));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

static void test_two_atoms_by_hand(void **state)
{
  (void)state;
  /* One pair in a big box: E = 2 V2(r) (both ordered pairs), F = -dE/dr. */
  Uf3Potential *pot = make_potential(0);
  Uf3Force force = NULL;
  assert_ufp_ok(Uf3ForceCreate(pot, &force));
  double lattice[3][3] = {{30, 0, 0}, {0, 30, 0}, {0, 0, 30}}, x[2][3] = {{1, 1, 1}, {1, 1, 3.7}};
  int species[2] = {0, 2};
  UfpCell cell;
  Uf3ImageList *list = NULL;
  double f[2][3];
  assert_ufp_ok(UfpCellSetup(&cell, lattice, NULL));
  assert_ufp_ok(Uf3ImageListBuild(&cell, 2, (const double(*)[3])x, Uf3ForceCutoff(force), &list));
  Uf3Result result = {.f = f};
  assert_ufp_ok(Uf3ForceCompute(force, 2, (const double(*)[3])x, species, &list->view, &result));
  Uf3Basis basis;
  const Uf3Spline1D *s = &pot->pair[0 * 3 + 2];
  assert_ufp_ok(Uf3BasisSetup(&basis, s->nknots, s->knots));
  double v2 = 0, dv2 = 0, h = 1e-6;
  for (int n = 0; n < basis.ncoeff; n++) {
    v2 += s->coeff[n] * Uf3BasisReference(&basis, n, 2.7);
    dv2 += s->coeff[n] * (Uf3BasisReference(&basis, n, 2.7 + h) - Uf3BasisReference(&basis, n, 2.7 - h)) / (2 * h);
  }
  assert_close(result.energy, 2 * v2, 1e-12);
  assert_close(f[1][2], -2 * dv2, 1e-7);
  assert_close(f[0][2], 2 * dv2, 1e-7);
  Uf3BasisFree(&basis);
  /* Closer than the first knot: a clear error naming both atoms. */
  x[1][2] = 1.5;
  assert_ufp_fails(Uf3ForceCompute(force, 2, (const double(*)[3])x, species, &list->view, &result), UFP_ERR_INPUT,
                   "atoms 0 and 1 are 0.5 Å apart, closer than the first knot (1 Å)");
  assert_ufp_ok(Uf3ImageListDestroy(&list));
  assert_ufp_ok(Uf3ForceDestroy(&force));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

static void test_per_atom_energy_split(void **state)
{
  (void)state;
  /* Three atoms, each within the 3-body cutoff of the others: every atom is
   * the centre of one triplet.  As in LAMMPS (ev_tally3), each triplet gives
   * a third of its energy to each of its atoms, so the 3-body parts of the
   * per-atom energies are all equal to a third of the 3-body total. */
  Uf3Potential *pot2 = make_potential(0), *pot3 = make_potential(1);
  Uf3Force f2 = NULL, f3 = NULL;
  assert_ufp_ok(Uf3ForceCreate(pot2, &f2));
  assert_ufp_ok(Uf3ForceCreate(pot3, &f3));
  double lattice[3][3] = {{30, 0, 0}, {0, 30, 0}, {0, 0, 30}};
  double x[3][3] = {{5, 5, 5}, {7.4, 5, 5}, {5.6, 7.2, 5.3}};
  int species[3] = {0, 1, 2};
  double e2[3], e3[3], f[3][3];
  UfpCell cell;
  Uf3ImageList *list = NULL;
  assert_ufp_ok(UfpCellSetup(&cell, lattice, NULL));
  assert_ufp_ok(Uf3ImageListBuild(&cell, 3, (const double(*)[3])x, Uf3ForceCutoff(f3), &list));
  Uf3Result r2 = {.f = f, .eatom = e2}, r3 = {.f = f, .eatom = e3};
  assert_ufp_ok(Uf3ForceCompute(f2, 3, (const double(*)[3])x, species, &list->view, &r2));
  assert_ufp_ok(Uf3ForceCompute(f3, 3, (const double(*)[3])x, species, &list->view, &r3));
  double total3 = r3.energy - r2.energy;
  assert_true(fabs(total3) > 1e-6);
  for (int i = 0; i < 3; i++) assert_close(e3[i] - e2[i], total3 / 3.0, 1e-12);
  assert_ufp_ok(Uf3ImageListDestroy(&list));
  assert_ufp_ok(Uf3ForceDestroy(&f2));
  assert_ufp_ok(Uf3ForceDestroy(&f3));
  assert_ufp_ok(Uf3PotentialDestroy(&pot2));
  assert_ufp_ok(Uf3PotentialDestroy(&pot3));
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_body_finite_differences),
      cmocka_unit_test(test_three_body_finite_differences),
      cmocka_unit_test(test_invariances),
      cmocka_unit_test(test_two_atoms_by_hand),
      cmocka_unit_test(test_per_atom_energy_split),
  };
  return UFP_TEST_MAIN("uf3_force", tests);
}
