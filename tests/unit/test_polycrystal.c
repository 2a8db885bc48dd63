/*
 * test_polycrystal.c -- the grain builder (md/polycrystal.h) on beta-Li3PS4:
 * the cut keeps the crystal's number of units per volume; the result is
 * neutral, every P has its four S and every S its one P (no PS4 unit cut);
 * no two atoms of different units are closer than the clash limit; inside
 * each grain the crystal is intact (rigidly rotated: the shortest P-P
 * distance between P of one grain is the crystal's); every grain is
 * populated; the same seed gives the same atoms and another seed others;
 * bad input is refused.
 */
#include <math.h>
#include <string.h>

#include "extxyz.h"
#include "polycrystal.h"
#include "test_util.h"

static double dist(const double box[3], const double *a, const double *b)
{
  double s = 0.0;
  for (int k = 0; k < 3; k++) {
    double d = a[k] - b[k];
    d -= box[k] * round(d / box[k]);
    s += d * d;
  }
  return sqrt(s);
}

static UfpStructure *crystal(void)
{
  int n = 0;
  UfpStructure **frames = NULL;
  assert_ufp_ok(UfpExtxyzReadAll(ufp_test_source("md/data/beta_Li3PS4_Pnma_ordered.extxyz"), &n, &frames));
  UfpStructure *c = frames[0];
  frames[0] = NULL;
  UfpStructureArrayDestroy(n, &frames);
  return c;
}

static void settings(PolySettings *s, uint64_t seed)
{
  PolySettingsDefault(s);
  s->box[0] = 36, s->box[1] = 40, s->box[2] = 32;
  s->ngrains = 4;
  s->seed = seed;
  const char *sp[3] = {"Li", "P", "S"};
  const double q[3] = {1, 5, -2};
  for (int k = 0; k < 3; k++)
    snprintf(s->charge_species[k], UFP_LABEL_MAX, "%s", sp[k]), s->charge[k] = q[k];
  s->ncharges = 3;
}

static void test_beta_polycrystal(void **state)
{
  (void)state;
  UfpStructure *c = crystal(), *p = NULL;
  PolySettings set;
  settings(&set, 3);
  PolyReport rep;
  assert_ufp_ok(PolycrystalBuild(&set, c, &p, &rep));
  const double vcell = 12.819 * 8.22 * 6.1235, vbox = set.box[0] * set.box[1] * set.box[2];
  print_message("%d atoms, %d units cut (crystal: %.1f), %d + %d removed, density %.3f\n", rep.natoms,
                rep.units_cut, 16 * vbox / vcell, rep.removed_clash, rep.removed_charge, rep.density_ratio);
  assert_true(fabs(rep.units_cut - 16 * vbox / vcell) < 0.02 * 16 * vbox / vcell);
  assert_int_equal(p->natoms, rep.natoms);
  assert_true(rep.density_ratio > 0.6 && rep.density_ratio < 1.0);
  const UfpAtomColumn *grain = UfpStructureFindColumn(p, "grain");
  assert_non_null(grain);
  int nli = 0, np = 0, per_grain[4] = {0};
  for (int i = 0; i < p->natoms; i++) {
    nli += !strcmp(p->species[i], "Li"), np += !strcmp(p->species[i], "P");
    assert_true(grain->integer[i] >= 0 && grain->integer[i] < 4);
    per_grain[grain->integer[i]]++;
    for (int k = 0; k < 3; k++)
      assert_true(p->x[i][k] >= 0 && p->x[i][k] < set.box[k]);
  }
  assert_int_equal(nli, 3 * np);
  for (int g = 0; g < 4; g++)
    assert_true(per_grain[g] > 0);
  /* Whole units, no clashes, intact grains. */
  const double limit_ll = 0.75 * 3.266, limit_ls = 0.75 * 2.179, limit_ss = 0.75 * 3.278,
               limit_pp = 0.75 * 5.0;
  double pp_same_grain = HUGE_VAL;
  for (int i = 0; i < p->natoms; i++) {
    int bonded = 0;
    for (int j = 0; j < p->natoms; j++) {
      if (j == i) continue;
      const double r = dist(set.box, p->x[i], p->x[j]);
      const char *a = p->species[i], *b = p->species[j];
      const int ps = (!strcmp(a, "P") && !strcmp(b, "S")) || (!strcmp(a, "S") && !strcmp(b, "P"));
      if (ps && r < 2.6) bonded++;
      if (!strcmp(a, "Li") && !strcmp(b, "Li")) assert_true(r >= limit_ll);
      if (!strcmp(a, "Li") && !strcmp(b, "S")) assert_true(r >= limit_ls);
      if (!strcmp(a, "S") && !strcmp(b, "S")) assert_true(r >= limit_ss);
      if (!strcmp(a, "P") && !strcmp(b, "P")) {
        assert_true(r >= limit_pp);
        if (grain->integer[i] == grain->integer[j]) pp_same_grain = fmin(pp_same_grain, r);
      }
    }
    if (!strcmp(p->species[i], "P")) assert_int_equal(bonded, 4);
    if (!strcmp(p->species[i], "S")) assert_int_equal(bonded, 1);
  }
  print_message("shortest P-P within a grain %.6f Å (crystal 5.133)\n", pp_same_grain);
  assert_true(fabs(pp_same_grain - 5.133) < 2e-3);
  /* Deterministic in the seed. */
  UfpStructure *again = NULL, *other = NULL;
  PolyReport r2, r3;
  assert_ufp_ok(PolycrystalBuild(&set, c, &again, &r2));
  assert_int_equal(again->natoms, p->natoms);
  assert_memory_equal(again->x, p->x, sizeof(double[3]) * p->natoms);
  settings(&set, 4);
  assert_ufp_ok(PolycrystalBuild(&set, c, &other, &r3));
  assert_true(other->natoms != p->natoms || memcmp(other->x, p->x, sizeof(double[3]) * p->natoms) != 0);
  UfpStructureDestroy(&again);
  UfpStructureDestroy(&other);
  UfpStructureDestroy(&p);
  /* Refusals. */
  set.ncharges = 2; /* no charge for S */
  assert_ufp_fails(PolycrystalBuild(&set, c, &p, &rep), UFP_ERR_USAGE, "no formal charge given for S");
  settings(&set, 3);
  c->pbc[2] = 0;
  assert_ufp_fails(PolycrystalBuild(&set, c, &p, &rep), UFP_ERR_INPUT, "periodic boundaries");
  UfpStructureDestroy(&c);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_beta_polycrystal)};
  return UFP_TEST_MAIN("polycrystal", tests);
}
