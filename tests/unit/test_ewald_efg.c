/* test_ewald_efg.c -- point-charge EFGs by Ewald summation: agreement with
 * direct lattice sums, independence from alpha, the accuracy rule,
 * tracelessness, symmetry, rotation and translation invariance, the
 * Sternheimer factor, and the cost per Li site in a 384-atom Li3PS4 cell. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cell.h"
#include "efg_tensor.h"
#include "ewald_efg.h"
#include "extxyz.h"
#include "structure.h"
#include "test_util.h"
#include "units.h"

/* e/Å^3 -> a.u. of EFG (the library's factor, from the same constants). */
#define AU_PER_E_A3 (UFP_COULOMB_EV_A * UFP_EFG_V_A2_V_M2 / UFP_EFG_AU_V_M2)

/* A periodic configuration given by charges. */
typedef struct {
  double lattice[3][3];
  int natoms;
  double x[64][3];
  double q[64];
} Crystal;

static double frob(const double v[3][3])
{
  double sum = 0.0;
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      sum += v[a][b] * v[a][b];
  return sqrt(sum);
}

static double frob_diff(const double v[3][3], const double w[3][3])
{
  double d[3][3];
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      d[a][b] = v[a][b] - w[a][b];
  return frob((const double(*)[3])d);
}

static void add_frac(Crystal *c, double s0, double s1, double s2, double q)
{
  const double s[3] = {s0, s1, s2};
  for (int k = 0; k < 3; k++)
    c->x[c->natoms][k] = s[0] * c->lattice[0][k] + s[1] * c->lattice[1][k] + s[2] * c->lattice[2][k];
  c->q[c->natoms++] = q;
}

static void set_lattice(Crystal *c, const double h[3][3])
{
  memset(c, 0, sizeof *c);
  memcpy(c->lattice, h, sizeof c->lattice);
}

/* Skewed triclinic cell with six atoms of charges summing to qtotal, at
 * random positions at least 1.6 Å apart. */
static void triclinic_crystal(Crystal *c, double qtotal, unsigned seed)
{
  static const double skewed[3][3] = {{6.0, 0.0, 0.0}, {2.5, 5.5, 0.0}, {-1.2, 1.7, 6.3}};
  static const double q[6] = {1.0, 2.0, -1.5, -0.5, 0.7, -1.7};
  UfpCell cell;
  set_lattice(c, skewed);
  assert_ufp_ok(UfpCellSetup(&cell, skewed, NULL));
  srand(seed);
  while (c->natoms < 6) {
    double s[3], x[3], d[3];
    for (int a = 0; a < 3; a++)
      s[a] = rand() / (double)RAND_MAX;
    UfpCellCartFromFrac(&cell, s, x);
    int ok = 1;
    for (int j = 0; j < c->natoms && ok; j++) {
      UfpCellMinimumImage(&cell, x, c->x[j], d);
      ok = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) > 1.6;
    }
    if (!ok) continue;
    memcpy(c->x[c->natoms], x, sizeof x);
    c->q[c->natoms] = q[c->natoms] + qtotal / 6.0;
    c->natoms++;
  }
}

/* beta-Li3PS4 (32 atoms) from the bundled extxyz file, formal charges. */
static void lps_crystal(Crystal *c, UfpStructure **structure)
{
  int nframes = 0;
  UfpStructure **frames = NULL;
  assert_ufp_ok(
      UfpExtxyzReadAll(ufp_test_source("md/data/beta_Li3PS4_Pnma_ordered.extxyz"), &nframes, &frames));
  assert_int_equal(nframes, 1);
  assert_int_equal(frames[0]->natoms, 32);
  set_lattice(c, (const double(*)[3])frames[0]->lattice);
  c->natoms = frames[0]->natoms;
  for (int i = 0; i < c->natoms; i++) {
    memcpy(c->x[i], frames[0]->x[i], sizeof c->x[i]);
    assert_ufp_ok(EwaldEfgFormalCharge(frames[0]->species[i], &c->q[i]));
  }
  if (structure) assert_ufp_ok(UfpStructureDuplicate(frames[0], structure));
  assert_ufp_ok(UfpStructureArrayDestroy(nframes, &frames));
}

static void ewald(const Crystal *c, const EwaldEfgSettings *settings, int nsites, const int *sites,
                  double (*v)[3][3], EwaldEfgInfo *info)
{
  EwaldEfg efg = NULL;
  EwaldEfgSettings defaults;
  if (!settings) {
    EwaldEfgSettingsDefault(&defaults);
    settings = &defaults;
  }
  assert_ufp_ok(EwaldEfgCreate(settings, &efg));
  assert_ufp_ok(EwaldEfgSetUpCharges(efg, (const double(*)[3])c->lattice, c->natoms, c->q, NULL));
  assert_ufp_ok(EwaldEfgCompute(efg, (const double(*)[3])c->x, nsites, sites, v));
  if (info) assert_ufp_ok(EwaldEfgGetInfo(efg, info));
  assert_ufp_ok(EwaldEfgDestroy(&efg));
  assert_null(efg);
}

/* C-infinity step: 1 for t <= t0, 0 for t >= 1. */
static double window(double t, double t0)
{
  if (t <= t0) return 1.0;
  if (t >= 1.0) return 0.0;
  double u = (1.0 - t) / (1.0 - t0), a = exp(-1.0 / u), b = exp(-1.0 / (1.0 - u));
  return a / (a + b);
}

/* Direct lattice sum at atom i over whole cells (neutral when the crystal
 * is) whose translation L has |L| < R, each weighted by window(|L|/R) when
 * smooth, else 1 (a sharp sphere).  The atoms of the cell are taken at their
 * minimum image relative to atom i, so the summed "molecule" is compact.
 * Result in a.u. */
static long direct_sum(const Crystal *c, int i, double radius, int smooth, double v[3][3])
{
  UfpCell cell;
  double u[64][3];
  int n[3];
  long terms = 0;
  assert_ufp_ok(UfpCellSetup(&cell, (const double(*)[3])c->lattice, NULL));
  for (int j = 0; j < c->natoms; j++) {
    double d[3];
    UfpCellMinimumImage(&cell, c->x[j], c->x[i], d); /* d = x_i - x_j (nearest image) */
    memcpy(u[j], d, sizeof d);
  }
  UfpCellImageRange(&cell, radius, n);
  double acc[3][3] = {{0}};
  for (int n0 = -n[0]; n0 <= n[0]; n0++)
    for (int n1 = -n[1]; n1 <= n[1]; n1++)
      for (int n2 = -n[2]; n2 <= n[2]; n2++) {
        const int nn[3] = {n0, n1, n2};
        double shift[3];
        UfpCellShift(&cell, nn, shift);
        double len = sqrt(shift[0] * shift[0] + shift[1] * shift[1] + shift[2] * shift[2]);
        double w = smooth ? window(len / radius, 0.3) : (len < radius ? 1.0 : 0.0);
        if (w == 0.0) continue;
        double cellsum[3][3] = {{0}};
        for (int j = 0; j < c->natoms; j++) {
          if (j == i && n0 == 0 && n1 == 0 && n2 == 0) continue;
          double d[3] = {u[j][0] - shift[0], u[j][1] - shift[1], u[j][2] - shift[2]};
          double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2], r = sqrt(r2), r5 = r2 * r2 * r;
          for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
              cellsum[a][b] += c->q[j] * (3.0 * d[a] * d[b] - (a == b ? r2 : 0.0)) / r5;
          terms++;
        }
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++)
            acc[a][b] += w * cellsum[a][b];
      }
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      v[a][b] = AU_PER_E_A3 * acc[a][b];
  return terms;
}

static void test_formal_charges(void **state)
{
  (void)state;
  double q = 0.0;
  assert_ufp_ok(EwaldEfgFormalCharge("Li", &q));
  assert_true(q == 1.0);
  assert_ufp_ok(EwaldEfgFormalCharge("P", &q));
  assert_true(q == 5.0);
  assert_ufp_ok(EwaldEfgFormalCharge("S", &q));
  assert_true(q == -2.0);
  assert_ufp_ok(EwaldEfgFormalCharge("O", &q));
  assert_true(q == -2.0);
  assert_ufp_fails(EwaldEfgFormalCharge("Xx", &q), UFP_ERR_INPUT, "no formal charge for species 'Xx'");
  assert_ufp_fails(EwaldEfgFormalCharge("li", &q), UFP_ERR_INPUT, "li");
  assert_ufp_fails(EwaldEfgFormalCharge("H", &q), UFP_ERR_INPUT, "'H'"); /* H+ or H-: give it */

  /* Species labels: Li3PS4 is neutral with formal charges; an override
   * replaces one species' charge; an unknown label fails at SetUp. */
  UfpStructure *s = NULL;
  Crystal c;
  lps_crystal(&c, &s);
  EwaldEfgSettings settings;
  EwaldEfgSettingsDefault(&settings);
  EwaldEfg efg = NULL;
  EwaldEfgInfo info;
  assert_ufp_ok(EwaldEfgCreate(&settings, &efg));
  assert_ufp_ok(EwaldEfgSetUp(efg, (const double(*)[3])s->lattice, s->natoms,
                              (const char(*)[UFP_LABEL_MAX])s->species));
  assert_ufp_ok(EwaldEfgGetInfo(efg, &info));
  assert_close(info.total_charge, 0.0, 1e-14);
  assert_close(info.background, 0.0, 1e-14);
  assert_ufp_ok(EwaldEfgDestroy(&efg));
  assert_ufp_ok(EwaldEfgSettingsSetCharge(&settings, "S", -1.5));
  assert_ufp_ok(EwaldEfgCreate(&settings, &efg));
  assert_ufp_ok(EwaldEfgSetUp(efg, (const double(*)[3])s->lattice, s->natoms,
                              (const char(*)[UFP_LABEL_MAX])s->species));
  assert_ufp_ok(EwaldEfgGetInfo(efg, &info));
  assert_close(info.total_charge, 16 * 0.5, 1e-13);
  /* Non-neutral: the removed isotropic background 4 pi Q / (3 V). */
  assert_close(info.background, AU_PER_E_A3 * 4.0 * UFP_PI * 8.0 / (3.0 * info.volume), 1e-15);
  assert_ufp_ok(EwaldEfgDestroy(&efg));
  assert_ufp_ok(EwaldEfgDestroy(&efg)); /* NULL is fine */
  assert_ufp_ok(UfpStructureSetSpecies(s, 5, "Xx"));
  EwaldEfgSettingsDefault(&settings);
  assert_ufp_ok(EwaldEfgCreate(&settings, &efg));
  assert_ufp_fails(
      EwaldEfgSetUp(efg, (const double(*)[3])s->lattice, s->natoms, (const char(*)[UFP_LABEL_MAX])s->species),
      UFP_ERR_INPUT, "Xx");
  double v[1][3][3];
  assert_ufp_fails(EwaldEfgCompute(efg, (const double(*)[3])s->x, 1, NULL, v), UFP_ERR_USAGE, "before");
  assert_ufp_ok(EwaldEfgDestroy(&efg));
  settings.accuracy = 0.5;
  assert_ufp_fails(EwaldEfgCreate(&settings, &efg), UFP_ERR_USAGE, "accuracy");
  assert_null(efg);
  assert_ufp_ok(UfpStructureDestroy(&s));
}

/* Sign convention and units: a +1 charge 2 Å up the z axis of a nucleus (in
 * a large cell whose other atom makes it neutral) gives V_zz = +2 q / d^3. */
static void test_point_charge_sign(void **state)
{
  (void)state;
  const double box[3][3] = {{40, 0, 0}, {0, 40, 0}, {0, 0, 40}};
  Crystal c;
  set_lattice(&c, box);
  c.natoms = 2;
  c.x[0][0] = c.x[0][1] = c.x[0][2] = 20.0;
  c.x[1][0] = c.x[1][1] = 20.0;
  c.x[1][2] = 22.0;
  c.q[0] = -1.0;
  c.q[1] = 1.0;
  double v[1][3][3];
  ewald(&c, NULL, 1, NULL, v, NULL);
  /* e/Å^3 -> a.u. is (a0/Å)^3. */
  assert_close(AU_PER_E_A3, pow(UFP_BOHR_ANGSTROM, 3), 1e-9);
  const double vzz = AU_PER_E_A3 * 2.0 / 8.0;
  print_message("+1 e at 2 Å on +z: V_zz = %.8f a.u. (isolated pair %.8f), V_xx = %.8f\n", v[0][2][2], vzz,
                v[0][0][0]);
  assert_true(v[0][2][2] > 0.0);
  /* The periodic dipoles (p = 2 e Å, 40 Å apart) change it by ~1e-4. */
  assert_close(v[0][2][2], vzz, 2e-4 * vzz);
  assert_close(v[0][0][0], -0.5 * vzz, 2e-4 * vzz);
  assert_close(v[0][0][1], 0.0, 1e-12);
}

/* (1) Ewald against direct sums over growing spheres of whole neutral cells.
 * A sharp sphere converges slowly (its surface cuts the lattice unevenly); a
 * smooth C-infinity weight on the outer cells converges faster than any
 * power of R, because the weighted tail of a neutral cell's multipole series
 * integrates to zero on spherical shells. */
static void check_direct(const char *name, const Crystal *c, int site, const double *radii, int nradii,
                         double tol)
{
  double v[1][3][3];
  const int sites[1] = {site};
  ewald(c, NULL, 1, sites, v, NULL);
  double norm = frob((const double(*)[3])v[0]);
  double err_smooth = 0.0;
  print_message("%s, site %d: |V| = %.6e a.u.\n", name, site, norm);
  for (int k = 0; k < nradii; k++) {
    double vs[3][3], vw[3][3];
    direct_sum(c, site, radii[k], 0, vs);
    long terms = direct_sum(c, site, radii[k], 1, vw);
    double err_sharp = frob_diff(vs, (const double(*)[3])v[0]) / norm;
    err_smooth = frob_diff(vw, (const double(*)[3])v[0]) / norm;
    print_message("  R = %6.1f Å: sharp sphere %.2e, smooth sphere %.2e (relative; %ld terms)\n", radii[k],
                  err_sharp, err_smooth, terms);
  }
  assert_true(err_smooth < tol);
}

static void test_direct_sum_convergence(void **state)
{
  (void)state;
  const double radii[] = {25.0, 50.0, 100.0, 150.0, 200.0};
  Crystal c;
  triclinic_crystal(&c, 0.0, 3);
  check_direct("triclinic cell, 6 charges", &c, 0, radii, 5, 1e-7);
  check_direct("triclinic cell, 6 charges", &c, 3, radii, 5, 1e-7);
  lps_crystal(&c, NULL);
  check_direct("beta-Li3PS4 (Pnma)", &c, 0, radii, 5, 1e-7);  /* Li 8d */
  check_direct("beta-Li3PS4 (Pnma)", &c, 12, radii, 5, 1e-7); /* P */
  /* A non-neutral cell: spherical sums converge to the traceless tensor
   * with the isotropic background term removed. */
  triclinic_crystal(&c, 1.3, 3);
  check_direct("triclinic cell, Q = +1.3 e", &c, 0, radii, 5, 1e-6);
}

/* (2) The result does not depend on the split parameter. */
static void test_alpha_independence(void **state)
{
  (void)state;
  Crystal c;
  const double scale[] = {0.5, 0.75, 1.0, 1.5, 2.2};
  for (int structure = 0; structure < 2; structure++) {
    if (structure == 0)
      triclinic_crystal(&c, 0.0, 5);
    else
      lps_crystal(&c, NULL);
    EwaldEfgSettings settings;
    EwaldEfgInfo info;
    double ref[64][3][3], v[64][3][3];
    EwaldEfgSettingsDefault(&settings);
    settings.accuracy = 1e-12;
    ewald(&c, &settings, c.natoms, NULL, ref, &info);
    const double alpha0 = info.alpha, escale = info.escale;
    double worst = 0.0;
    for (int k = 0; k < 5; k++) {
      settings.alpha = scale[k] * alpha0;
      ewald(&c, &settings, c.natoms, NULL, v, &info);
      double dev = 0.0;
      for (int i = 0; i < c.natoms; i++)
        dev = fmax(dev, frob_diff((const double(*)[3])v[i], (const double(*)[3])ref[i]) /
                            fmax(frob((const double(*)[3])ref[i]), escale));
      print_message("%s: alpha = %.4f 1/Å (r_c %.2f Å, %d k): max deviation %.2e\n",
                    structure ? "Li3PS4" : "triclinic", info.alpha, info.rcut, info.nkvec, dev);
      worst = fmax(worst, dev);
    }
    assert_true(worst < 1e-10);
  }
}

/* The accuracy rule: the error against a tight reference stays below the
 * requested accuracy (relative to E0) for every eps. */
static void test_accuracy_rule(void **state)
{
  (void)state;
  const double eps[] = {1e-4, 1e-6, 1e-8, 1e-10, 1e-12};
  for (int structure = 0; structure < 2; structure++) {
    Crystal c;
    if (structure == 0)
      triclinic_crystal(&c, 0.0, 9);
    else
      lps_crystal(&c, NULL);
    EwaldEfgSettings settings;
    EwaldEfgInfo info;
    double ref[64][3][3], v[64][3][3];
    EwaldEfgSettingsDefault(&settings);
    settings.accuracy = 1e-15;
    ewald(&c, &settings, c.natoms, NULL, ref, &info);
    for (int k = 0; k < 5; k++) {
      settings.accuracy = eps[k];
      ewald(&c, &settings, c.natoms, NULL, v, &info);
      double dev = 0.0;
      for (int i = 0; i < c.natoms; i++)
        dev = fmax(dev, frob_diff((const double(*)[3])v[i], (const double(*)[3])ref[i]) / info.escale);
      print_message("%s: eps %.0e: s = %.3f, r_c = %.2f Å, k_c = %.2f 1/Å: max error / E0 = %.2e, "
                    "trace residual %.1e\n",
                    structure ? "Li3PS4" : "triclinic", eps[k], info.s, info.rcut, info.kcut, dev,
                    info.trace_residual);
      assert_true(dev < eps[k]);
    }
  }
}

/* (3) Traceless results, and a loud failure when the sums are truncated
 * too early for the requested trace tolerance. */
static void test_traceless(void **state)
{
  (void)state;
  Crystal c;
  lps_crystal(&c, NULL);
  double v[64][3][3];
  EwaldEfgInfo info;
  ewald(&c, NULL, c.natoms, NULL, v, &info);
  double worst = 0.0;
  for (int i = 0; i < c.natoms; i++) {
    double tr = v[i][0][0] + v[i][1][1] + v[i][2][2];
    worst = fmax(worst, fabs(tr) / frob((const double(*)[3])v[i]));
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++)
        assert_true(v[i][a][b] == v[i][b][a]);
  }
  print_message("Li3PS4, all 32 sites: max |tr V| / |V| = %.2e (trace residual %.2e)\n", worst,
                info.trace_residual);
  assert_true(worst < 1e-9);
  assert_true(info.trace_residual < 1e-10);

  EwaldEfgSettings settings;
  EwaldEfg efg = NULL;
  EwaldEfgSettingsDefault(&settings);
  settings.accuracy = 1e-2;
  settings.trace_tolerance = 1e-14;
  assert_ufp_ok(EwaldEfgCreate(&settings, &efg));
  assert_ufp_ok(EwaldEfgSetUpCharges(efg, (const double(*)[3])c.lattice, c.natoms, c.q, NULL));
  assert_ufp_fails(EwaldEfgCompute(efg, (const double(*)[3])c.x, c.natoms, NULL, v), UFP_ERR_INTERNAL,
                   "not traceless");
  /* Two atoms on top of each other are bad input. */
  memcpy(c.x[1], c.x[0], sizeof c.x[0]);
  assert_ufp_fails(EwaldEfgCompute(efg, (const double(*)[3])c.x, 1, NULL, v), UFP_ERR_INPUT, "coincide");
  assert_ufp_ok(EwaldEfgDestroy(&efg));
}

/* |V| and |traceless part of V|, largest over the first n sites. */
static void cubic_check(const char *name, double (*v)[3][3], int n, double escale)
{
  double full = 0.0, aniso = 0.0;
  for (int i = 0; i < n; i++) {
    double t[3][3];
    UfpEfgTraceless((const double(*)[3])v[i], t);
    full = fmax(full, frob((const double(*)[3])v[i]));
    aniso = fmax(aniso, frob((const double(*)[3])t));
  }
  print_message("%s: max |V| = %.2e a.u., max |traceless part| = %.2e a.u. (E0 = %.4f a.u.)\n", name, full,
                aniso, escale);
  /* The truncated sums keep the cubic symmetry, so only the trace (at the
   * accuracy eps = 1e-10 of E0) can be nonzero. */
  assert_true(full < 1e-10 * escale);
  assert_true(aniso < 1e-13 * escale);
}

/* (4) Cubic sites have V = 0; sites on a 3- or 4-fold axis have eta = 0
 * with the principal z axis along it. */
static void test_symmetry(void **state)
{
  (void)state;
  Crystal c;
  double v[8][3][3];
  EwaldEfgInfo info;
  /* Rock salt, conventional cubic cell. */
  const double a = 5.64;
  const double cubic[3][3] = {{a, 0, 0}, {0, a, 0}, {0, 0, a}};
  set_lattice(&c, cubic);
  const double fcc[4][3] = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
  for (int k = 0; k < 4; k++) {
    add_frac(&c, fcc[k][0], fcc[k][1], fcc[k][2], 1.0);
    add_frac(&c, fcc[k][0] + 0.5, fcc[k][1], fcc[k][2], -1.0);
  }
  ewald(&c, NULL, c.natoms, NULL, v, &info);
  cubic_check("NaCl (conventional cubic cell, 8 sites)", v, c.natoms, info.escale);
  /* Rock salt, primitive (rhombohedral, non-orthogonal) cell. */
  const double prim[3][3] = {{0, a / 2, a / 2}, {a / 2, 0, a / 2}, {a / 2, a / 2, 0}};
  set_lattice(&c, prim);
  add_frac(&c, 0, 0, 0, 1.0);
  add_frac(&c, 0.5, 0.5, 0.5, -1.0);
  ewald(&c, NULL, 2, NULL, v, &info);
  cubic_check("NaCl (primitive rhombohedral cell)", v, 2, info.escale);
  /* CsCl. */
  const double cscl[3][3] = {{4.12, 0, 0}, {0, 4.12, 0}, {0, 0, 4.12}};
  set_lattice(&c, cscl);
  add_frac(&c, 0, 0, 0, 1.0);
  add_frac(&c, 0.5, 0.5, 0.5, -1.0);
  ewald(&c, NULL, 2, NULL, v, &info);
  cubic_check("CsCl", v, 2, info.escale);

  /* Tetragonal CsCl-type (4/mmm) and hexagonal (-6m2, 3-fold axis along c). */
  const double tetragonal[3][3] = {{4.0, 0, 0}, {0, 4.0, 0}, {0, 0, 5.5}};
  const double hexagonal[3][3] = {{3.2, 0, 0}, {-1.6, 1.6 * sqrt(3.0), 0}, {0, 0, 5.1}};
  for (int structure = 0; structure < 2; structure++) {
    if (structure == 0) {
      set_lattice(&c, tetragonal);
      add_frac(&c, 0, 0, 0, 1.0);
      add_frac(&c, 0.5, 0.5, 0.5, -1.0);
    } else {
      set_lattice(&c, hexagonal);
      add_frac(&c, 0, 0, 0, 2.0);
      add_frac(&c, 1.0 / 3.0, 2.0 / 3.0, 0.5, -2.0);
    }
    ewald(&c, NULL, 2, NULL, v, &info);
    for (int i = 0; i < 2; i++) {
      UfpEfgPrincipal pas;
      assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])v[i], &pas));
      print_message("%s site %d: V_zz = %+.8f a.u., eta = %.1e, z axis (%.1e, %.1e, %.12f)\n",
                    structure ? "hexagonal" : "tetragonal", i, pas.vzz, pas.eta, pas.r[0][2], pas.r[1][2],
                    pas.r[2][2]);
      assert_true(fabs(pas.vzz) > 1e-3);
      assert_true(pas.eta < 1e-10);
      assert_close(fabs(pas.r[2][2]), 1.0, 1e-12);
      assert_close(v[i][0][0], v[i][1][1], 1e-12 * fabs(pas.vzz));
      assert_close(v[i][0][1], 0.0, 1e-12 * fabs(pas.vzz));
    }
  }
}

/* (5) Rotating the whole cell rotates the tensors; translating atoms, or
 * moving them by lattice vectors, changes nothing. */
static void test_rotation_translation(void **state)
{
  (void)state;
  Crystal c, moved;
  triclinic_crystal(&c, 0.0, 13);
  double v[6][3][3], w[6][3][3], rot[3][3];
  ewald(&c, NULL, c.natoms, NULL, v, NULL);
  UfpRotationFromEulerZYZ(0.3, 1.1, -0.7, rot);
  moved = c;
  for (int a = 0; a < 3; a++)
    for (int k = 0; k < 3; k++)
      moved.lattice[a][k] =
          rot[k][0] * c.lattice[a][0] + rot[k][1] * c.lattice[a][1] + rot[k][2] * c.lattice[a][2];
  for (int i = 0; i < c.natoms; i++)
    for (int k = 0; k < 3; k++)
      moved.x[i][k] = rot[k][0] * c.x[i][0] + rot[k][1] * c.x[i][1] + rot[k][2] * c.x[i][2];
  ewald(&moved, NULL, c.natoms, NULL, w, NULL);
  double worst = 0.0;
  for (int i = 0; i < c.natoms; i++) {
    double rv[3][3];
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) {
        rv[a][b] = 0.0;
        for (int k = 0; k < 3; k++)
          for (int l = 0; l < 3; l++)
            rv[a][b] += rot[a][k] * v[i][k][l] * rot[b][l];
      }
    worst = fmax(worst, frob_diff((const double(*)[3])rv, (const double(*)[3])w[i]) /
                            frob((const double(*)[3])v[i]));
  }
  print_message("rotation: max |R V R^T - V(R cell)| / |V| = %.2e\n", worst);
  assert_true(worst < 1e-12);

  moved = c;
  const double t[3] = {1.3, -0.4, 22.2};
  for (int i = 0; i < c.natoms; i++)
    for (int k = 0; k < 3; k++)
      moved.x[i][k] += t[k] + (i % 3 - 1) * c.lattice[i % 3][k] + (i == 4 ? 3.0 * c.lattice[2][k] : 0.0);
  ewald(&moved, NULL, c.natoms, NULL, w, NULL);
  worst = 0.0;
  for (int i = 0; i < c.natoms; i++)
    worst = fmax(worst, frob_diff((const double(*)[3])v[i], (const double(*)[3])w[i]) /
                            frob((const double(*)[3])v[i]));
  print_message("translation and lattice shifts: max change / |V| = %.2e\n", worst);
  assert_true(worst < 1e-12);
}

/* (6) The Sternheimer factor multiplies the tensor of its species only. */
static void test_sternheimer(void **state)
{
  (void)state;
  UfpStructure *s = NULL;
  Crystal c;
  lps_crystal(&c, &s);
  EwaldEfgSettings settings;
  EwaldEfg efg = NULL;
  double v[32][3][3], w[32][3][3];
  EwaldEfgSettingsDefault(&settings);
  assert_ufp_ok(EwaldEfgCreate(&settings, &efg));
  assert_ufp_ok(
      EwaldEfgSetUp(efg, (const double(*)[3])s->lattice, 32, (const char(*)[UFP_LABEL_MAX])s->species));
  assert_ufp_ok(EwaldEfgCompute(efg, (const double(*)[3])s->x, 32, NULL, v));
  assert_ufp_ok(EwaldEfgDestroy(&efg));
  assert_ufp_ok(EwaldEfgSettingsSetSternheimer(&settings, "Li", -0.26));
  assert_ufp_ok(EwaldEfgCreate(&settings, &efg));
  assert_ufp_ok(
      EwaldEfgSetUp(efg, (const double(*)[3])s->lattice, 32, (const char(*)[UFP_LABEL_MAX])s->species));
  assert_ufp_ok(EwaldEfgCompute(efg, (const double(*)[3])s->x, 32, NULL, w));
  assert_ufp_ok(EwaldEfgDestroy(&efg));
  int nli = 0;
  for (int i = 0; i < 32; i++) {
    double factor = strcmp(s->species[i], "Li") == 0 ? 1.26 : 1.0;
    nli += factor != 1.0;
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++)
        assert_close(w[i][a][b], factor * v[i][a][b], 1e-14 * frob((const double(*)[3])v[i]));
  }
  assert_int_equal(nli, 12);
  /* Same tensors from per-atom charges and factors. */
  double gamma[32];
  for (int i = 0; i < 32; i++)
    gamma[i] = strcmp(s->species[i], "Li") == 0 ? -0.26 : 0.0;
  assert_ufp_ok(EwaldEfgCreate(NULL, &efg));
  assert_ufp_ok(EwaldEfgSetUpCharges(efg, (const double(*)[3])c.lattice, 32, c.q, gamma));
  assert_ufp_ok(EwaldEfgCompute(efg, (const double(*)[3])c.x, 32, NULL, v));
  assert_ufp_ok(EwaldEfgDestroy(&efg));
  for (int i = 0; i < 32; i++)
    assert_true(frob_diff((const double(*)[3])v[i], (const double(*)[3])w[i]) < 1e-14);
  assert_ufp_ok(UfpStructureDestroy(&s));
}

static double seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* 384-atom beta-Li3PS4 3x2x2 supercell, every Li site: the tensors equal
 * those of the unit cell (same crystal), and the cost per site. */
static void test_lps_supercell(void **state)
{
  (void)state;
  UfpStructure *unit = NULL, *super = NULL;
  Crystal c;
  lps_crystal(&c, &unit);
  const int n[3] = {3, 2, 2};
  assert_ufp_ok(UfpStructureReplicate(unit, n, &super));
  assert_int_equal(super->natoms, 384);
  int nli = 0, *li = NULL;
  assert_ufp_ok(UfpCalloc(super->natoms, &li));
  for (int i = 0; i < super->natoms; i++)
    if (strcmp(super->species[i], "Li") == 0) li[nli++] = i;
  assert_int_equal(nli, 144);
  double(*v)[3][3] = NULL, vunit[32][3][3];
  assert_ufp_ok(UfpCalloc(nli, &v));
  ewald(&c, NULL, 32, NULL, vunit, NULL);

  EwaldEfg efg = NULL;
  EwaldEfgInfo info;
  assert_ufp_ok(EwaldEfgCreate(NULL, &efg));
  const int reps = 5;
  double t0 = seconds();
  for (int r = 0; r < reps; r++)
    assert_ufp_ok(EwaldEfgSetUp(efg, (const double(*)[3])super->lattice, super->natoms,
                                (const char(*)[UFP_LABEL_MAX])super->species));
  double t1 = seconds();
  for (int r = 0; r < reps; r++)
    assert_ufp_ok(EwaldEfgCompute(efg, (const double(*)[3])super->x, nli, li, v));
  double t2 = seconds();
  assert_ufp_ok(EwaldEfgGetInfo(efg, &info));
  double setup_ms = 1e3 * (t1 - t0) / reps, frame_ms = 1e3 * (t2 - t1) / reps;
  print_message("beta-Li3PS4 3x2x2 (384 atoms, 144 Li), accuracy 1e-10: alpha %.4f 1/Å, r_c %.2f Å, "
                "k_c %.3f 1/Å, %d k-vectors, %.0f real-space terms per site\n",
                info.alpha, info.rcut, info.kcut, info.nkvec, info.real_pairs);
  print_message("  SetUp %.3f ms; Compute %.2f ms per frame = %.1f us per Li site\n", setup_ms, frame_ms,
                1e3 * frame_ms / nli);
  assert_ufp_ok(EwaldEfgDestroy(&efg));

  double worst = 0.0;
  for (int k = 0; k < nli; k++) {
    int iu = li[k] % 32; /* replicas are stored image by image */
    worst = fmax(worst, frob_diff((const double(*)[3])v[k], (const double(*)[3])vunit[iu]) /
                            frob((const double(*)[3])vunit[iu]));
  }
  print_message("  supercell vs unit cell: max relative difference %.2e\n", worst);
  assert_true(worst < 1e-9);
  for (int iu = 0; iu < 12; iu += 8) {
    UfpEfgPrincipal pas;
    assert_ufp_ok(UfpEfgPrincipalAxes((const double(*)[3])vunit[iu], &pas));
    print_message("  Li %d (%s): V_zz = %+.5f a.u., eta = %.3f (point charges, no antishielding)\n", iu,
                  iu < 8 ? "8d" : "4b", pas.vzz, pas.eta);
  }
  UfpFree(&v);
  UfpFree(&li);
  assert_ufp_ok(UfpStructureDestroy(&unit));
  assert_ufp_ok(UfpStructureDestroy(&super));
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_formal_charges),
      cmocka_unit_test(test_point_charge_sign),
      cmocka_unit_test(test_direct_sum_convergence),
      cmocka_unit_test(test_alpha_independence),
      cmocka_unit_test(test_accuracy_rule),
      cmocka_unit_test(test_traceless),
      cmocka_unit_test(test_symmetry),
      cmocka_unit_test(test_rotation_translation),
      cmocka_unit_test(test_sternheimer),
      cmocka_unit_test(test_lps_supercell),
  };
  return UFP_TEST_MAIN("ewald_efg", tests);
}
