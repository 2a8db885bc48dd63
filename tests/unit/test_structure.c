/* test_structure.c -- UfpStructure lifecycle, columns, info, deep copies,
 * supercells, and the element table. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "elements.h"
#include "extxyz.h"
#include "structure.h"
#include "test_util.h"

static void test_elements(void **state)
{
  (void)state;
  assert_int_equal(UfpElementNumber("H"), 1);
  assert_int_equal(UfpElementNumber("Li"), 3);
  assert_int_equal(UfpElementNumber("P"), 15);
  assert_int_equal(UfpElementNumber("S"), 16);
  assert_int_equal(UfpElementNumber("W"), 74);
  assert_int_equal(UfpElementNumber("Bi"), 83);
  assert_int_equal(UfpElementNumber("li"), 0);
  assert_int_equal(UfpElementNumber("LI"), 0);
  assert_int_equal(UfpElementNumber("Xx"), 0);
  assert_int_equal(UfpElementNumber(""), 0);
  assert_string_equal(UfpElementSymbol(3), "Li");
  assert_string_equal(UfpElementSymbol(83), "Bi");
  assert_null(UfpElementSymbol(0));
  assert_null(UfpElementSymbol(84));
  /* ASE's values, exactly. */
  assert_true(UfpElementMass(1) == 1.008);
  assert_true(UfpElementMass(3) == 6.94);
  assert_true(UfpElementMass(15) == 30.973762);
  assert_true(UfpElementMass(16) == 32.06);
  assert_true(UfpElementMass(74) == 183.84);
  assert_true(UfpElementMass(84) == 0.0);
  assert_true(UfpElementMass(-1) == 0.0);
  for (int z = 1; z <= 83; z++) {
    assert_int_equal(UfpElementNumber(UfpElementSymbol(z)), z);
    /* Masses grow with Z except for the known inversions (Ar/K, Co/Ni, Te/I). */
    assert_true(UfpElementMass(z) > 0.9 * z && UfpElementMass(z) < 2.6 * z + 1);
  }
}

static void test_lifecycle(void **state)
{
  (void)state;
  UfpStructure *s = NULL;
  assert_ufp_ok(UfpStructureDestroy(&s)); /* NULL handle */
  assert_ufp_ok(UfpStructureDestroy(NULL));
  assert_ufp_ok(UfpStructureCreate(3, &s));
  assert_int_equal(s->natoms, 3);
  assert_int_equal(s->has_lattice, 0);
  assert_int_equal(s->ncolumns, 0);
  assert_int_equal(s->ninfo, 0);
  for (int i = 0; i < 3; i++)
    assert_true(s->x[i][0] == 0 && s->z[i] == 0 && !s->species[i][0]);
  assert_ufp_ok(UfpStructureSetSpecies(s, 0, "Li"));
  assert_ufp_ok(UfpStructureSetSpecies(s, 1, "Li1")); /* a site label, not an element */
  assert_int_equal(s->z[0], 3);
  assert_int_equal(s->z[1], 0);
  assert_string_equal(s->species[1], "Li1");
  assert_ufp_fails(UfpStructureSetSpecies(s, 3, "H"), UFP_ERR_INTERNAL, "out of range");
  assert_ufp_fails(UfpStructureSetSpecies(s, 2, "a_label_that_is_far_too_long_to_fit"), UFP_ERR_INPUT,
                   "longer than 31");
  assert_ufp_ok(UfpStructureDestroy(&s));
  assert_null(s);
  assert_ufp_ok(UfpStructureCreate(0, &s)); /* empty frames exist in extxyz */
  assert_ufp_ok(UfpStructureAddColumn(s, "forces", 'R', 3, NULL));
  assert_ufp_ok(UfpStructureDestroy(&s));
  assert_ufp_fails(UfpStructureCreate(-1, &s), UFP_ERR_INTERNAL, "-1 atoms");
  assert_null(s);
}

static void test_columns_and_info(void **state)
{
  (void)state;
  UfpStructure *s;
  UfpAtomColumn *col;
  double value;
  assert_ufp_ok(UfpStructureCreate(2, &s));
  assert_null(UfpStructureFindColumn(s, "forces"));
  assert_ufp_ok(UfpStructureAddColumn(s, "forces", 'R', 3, &col));
  col->real[5] = 1.5;
  assert_ufp_ok(UfpStructureAddColumn(s, "tag", 'I', 1, NULL));
  assert_ufp_ok(UfpStructureAddColumn(s, "name", 'S', 2, &col));
  assert_int_equal(s->ncolumns, 3);
  assert_true(UfpStructureFindColumn(s, "forces")->real[5] == 1.5);
  /* Replacing keeps the position and zeroes the storage. */
  assert_ufp_ok(UfpStructureAddColumn(s, "forces", 'I', 2, &col));
  assert_int_equal(s->ncolumns, 3);
  assert_ptr_equal(col, &s->columns[0]);
  assert_int_equal(col->type, 'I');
  assert_null(col->real);
  assert_int_equal(col->integer[3], 0);
  assert_ufp_fails(UfpStructureAddColumn(s, "pos", 'R', 3, NULL), UFP_ERR_INPUT, "reserved");
  assert_ufp_fails(UfpStructureAddColumn(s, "symbols", 'S', 1, NULL), UFP_ERR_INPUT, "reserved");
  assert_ufp_fails(UfpStructureAddColumn(s, "q", 'X', 1, NULL), UFP_ERR_INPUT, "unknown type");
  assert_ufp_fails(UfpStructureAddColumn(s, "q", 'R', 0, NULL), UFP_ERR_INPUT, "0 columns");

  const double energy = -12.5, virial[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const long step = 7;
  assert_null(UfpStructureFindInfo(s, "energy"));
  assert_ufp_fails(UfpStructureGetInfoReal(s, "energy", &value), UFP_ERR_INPUT, "no \"energy\"");
  assert_ufp_ok(UfpStructureSetInfoReal(s, "energy", 1, &energy));
  assert_ufp_ok(UfpStructureSetInfoReal(s, "virial", 9, virial));
  assert_ufp_ok(UfpStructureSetInfoInt(s, "step", 'I', 1, &step));
  assert_ufp_ok(UfpStructureSetInfoString(s, "source", "unit test"));
  assert_ufp_ok(UfpStructureGetInfoReal(s, "energy", &value));
  assert_true(value == -12.5);
  assert_ufp_ok(UfpStructureGetInfoReal(s, "step", &value));
  assert_true(value == 7.0);
  assert_ufp_fails(UfpStructureGetInfoReal(s, "source", &value), UFP_ERR_INPUT, "string");
  /* Replace in place, also from the slot's own storage. */
  UfpInfoValue *v = UfpStructureFindInfo(s, "virial");
  assert_ufp_ok(UfpStructureSetInfoReal(s, "virial", 3, v->real + 6));
  v = UfpStructureFindInfo(s, "virial");
  assert_int_equal(v->n, 3);
  assert_true(v->real[0] == 7 && v->real[2] == 9);
  assert_ufp_ok(UfpStructureSetInfoString(s, "source", UfpStructureFindInfo(s, "source")->string));
  assert_string_equal(UfpStructureFindInfo(s, "source")->string, "unit test");
  assert_int_equal(s->ninfo, 4);
  assert_string_equal(s->info[1].name, "virial");
  assert_ufp_fails(UfpStructureSetInfoInt(s, "x", 'R', 1, &step), UFP_ERR_INTERNAL, "'I' or 'L'");
  assert_ufp_ok(UfpStructureDestroy(&s));
}

/* A triclinic three-atom cell with a column and extensive/intensive info. */
static void make_triclinic(UfpStructure **out)
{
  UfpStructure *s;
  UfpAtomColumn *forces;
  const double h[3][3] = {{5.0, 0.0, 0.0}, {1.2, 4.5, 0.0}, {-0.7, 0.9, 6.1}};
  assert_ufp_ok(UfpStructureCreate(3, &s));
  memcpy(s->lattice, h, sizeof h);
  s->has_lattice = 1;
  s->pbc[0] = s->pbc[1] = s->pbc[2] = 1;
  const char *labels[3] = {"Li", "P", "S"};
  for (int i = 0; i < 3; i++) {
    assert_ufp_ok(UfpStructureSetSpecies(s, i, labels[i]));
    for (int k = 0; k < 3; k++)
      s->x[i][k] = 0.3 * i + 0.1 * k;
  }
  assert_ufp_ok(UfpStructureAddColumn(s, "forces", 'R', 3, &forces));
  for (int m = 0; m < 9; m++)
    forces->real[m] = m - 4.0;
  const double energy = -10.0, stress[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  double virial[9];
  for (int m = 0; m < 9; m++)
    virial[m] = 0.5 * m;
  assert_ufp_ok(UfpStructureSetInfoReal(s, "energy", 1, &energy));
  assert_ufp_ok(UfpStructureSetInfoReal(s, "free_energy", 1, &energy));
  assert_ufp_ok(UfpStructureSetInfoReal(s, "virial", 9, virial));
  assert_ufp_ok(UfpStructureSetInfoReal(s, "stress", 9, stress));
  assert_ufp_ok(UfpStructureSetInfoString(s, "source", "triclinic"));
  *out = s;
}

static void test_duplicate_is_deep(void **state)
{
  (void)state;
  UfpStructure *s, *copy;
  make_triclinic(&s);
  assert_ufp_ok(UfpStructureDuplicate(s, &copy));
  assert_ptr_not_equal(copy->x, s->x);
  assert_ptr_not_equal(copy->columns, s->columns);
  assert_ptr_not_equal(copy->columns[0].real, s->columns[0].real);
  assert_ptr_not_equal(copy->info, s->info);
  assert_ptr_not_equal(copy->info[0].real, s->info[0].real);
  assert_true(memcmp(copy->lattice, s->lattice, sizeof s->lattice) == 0);
  assert_true(memcmp(copy->x, s->x, 3 * sizeof *s->x) == 0);
  assert_string_equal(copy->species[2], "S");
  assert_string_equal(UfpStructureFindInfo(copy, "source")->string, "triclinic");
  /* Changing the copy leaves the original alone. */
  copy->x[0][0] = 99.0;
  copy->columns[0].real[0] = 99.0;
  copy->info[0].real[0] = 99.0;
  UfpStructureFindInfo(copy, "source")->string[0] = 'X';
  assert_ufp_ok(UfpStructureSetSpecies(copy, 1, "Na"));
  assert_true(s->x[0][0] == 0.0);
  assert_true(s->columns[0].real[0] == -4.0);
  assert_true(s->info[0].real[0] == -10.0);
  assert_string_equal(UfpStructureFindInfo(s, "source")->string, "triclinic");
  assert_string_equal(s->species[1], "P");
  assert_ufp_ok(UfpStructureDestroy(&copy));
  assert_ufp_ok(UfpStructureDestroy(&s));
}

/* Solve frac . h = d for frac (h rows are lattice vectors), by Cramer's rule. */
static void fractional(const double h[3][3], const double d[3], double frac[3])
{
  double det = h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
               h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
               h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]);
  for (int a = 0; a < 3; a++) {
    double m[3][3];
    memcpy(m, h, sizeof m);
    for (int k = 0; k < 3; k++)
      m[a][k] = d[k];
    frac[a] = (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
               m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
               m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])) /
              det;
  }
}

/* Every atom of super is an atom of s shifted by an integer combination of
 * s's lattice vectors, in the documented order. */
static void check_supercell(const UfpStructure *s, const int n[3], const UfpStructure *super)
{
  const int natoms = s->natoms;
  assert_int_equal(super->natoms, natoms * n[0] * n[1] * n[2]);
  for (int a = 0; a < 3; a++)
    for (int k = 0; k < 3; k++)
      assert_true(super->lattice[a][k] == n[a] * s->lattice[a][k]);
  for (int j = 0; j < super->natoms; j++) {
    const int i = j % natoms, image = j / natoms;
    const int p = image / (n[1] * n[2]), q = (image / n[2]) % n[1], r = image % n[2];
    double d[3], frac[3];
    assert_string_equal(super->species[j], s->species[i]);
    assert_int_equal(super->z[j], s->z[i]);
    for (int k = 0; k < 3; k++)
      d[k] = super->x[j][k] - s->x[i][k];
    fractional(s->lattice, d, frac);
    const int expected[3] = {p, q, r};
    for (int a = 0; a < 3; a++) {
      if (fabs(frac[a] - expected[a]) > 1e-9)
        fail_msg("atom %d (image %d of atom %d): shift %g along vector %d, expected %d", j, image, i, frac[a],
                 a, expected[a]);
    }
  }
}

static void test_replicate_triclinic(void **state)
{
  (void)state;
  UfpStructure *s, *super;
  const int n[3] = {2, 3, 1};
  double value;
  make_triclinic(&s);
  assert_ufp_ok(UfpStructureReplicate(s, n, &super));
  check_supercell(s, n, super);
  assert_ufp_ok(UfpStructureGetInfoReal(super, "energy", &value));
  assert_true(value == -60.0);
  assert_ufp_ok(UfpStructureGetInfoReal(super, "free_energy", &value));
  assert_true(value == -60.0);
  const UfpInfoValue *virial = UfpStructureFindInfo(super, "virial");
  const UfpInfoValue *stress = UfpStructureFindInfo(super, "stress");
  for (int m = 0; m < 9; m++) {
    assert_true(virial->real[m] == 6 * 0.5 * m);
    assert_true(stress->real[m] == (m % 4 == 0 ? 1.0 : 0.0)); /* intensive: unchanged */
  }
  assert_string_equal(UfpStructureFindInfo(super, "source")->string, "triclinic");
  const UfpAtomColumn *forces = UfpStructureFindColumn(super, "forces");
  for (int j = 0; j < super->natoms; j++)
    for (int k = 0; k < 3; k++)
      assert_true(forces->real[3 * j + k] == 3 * (j % 3) + k - 4.0);
  assert_true(super->pbc[0] && super->pbc[1] && super->pbc[2] && super->has_lattice);
  assert_ufp_ok(UfpStructureDestroy(&super));

  const int bad[3] = {1, 0, 1};
  assert_ufp_fails(UfpStructureReplicate(s, bad, &super), UFP_ERR_INPUT, "at least 1");
  assert_null(super);
  s->has_lattice = 0;
  assert_ufp_fails(UfpStructureReplicate(s, n, &super), UFP_ERR_INPUT, "no lattice");
  assert_ufp_ok(UfpStructureDestroy(&s));
}

static void test_replicate_beta(void **state)
{
  (void)state;
  const char *path = ufp_test_shared("structures/beta_Li3PS4_Pnma_ordered.extxyz");
  int nframes, li = 0;
  UfpStructure **frames, *super;
  const int n[3] = {3, 2, 2};
  double energy = -1234.5, value;
  assert_ufp_ok(UfpExtxyzReadAll(path, &nframes, &frames));
  UfpStructure *s = frames[0];
  assert_ufp_ok(UfpStructureSetInfoReal(s, "energy", 1, &energy));
  assert_ufp_ok(UfpStructureReplicate(s, n, &super));
  assert_int_equal(super->natoms, 384);
  for (int j = 0; j < super->natoms; j++)
    li += super->z[j] == 3;
  assert_int_equal(li, 144);
  assert_true(super->lattice[0][0] == 3 * 12.819 && super->lattice[1][1] == 2 * 8.22 &&
              super->lattice[2][2] == 2 * 6.1235);
  assert_ufp_ok(UfpStructureGetInfoReal(super, "energy", &value));
  assert_true(value == 12 * energy);
  check_supercell(s, n, super);
  /* The first image is the original cell, unchanged. */
  assert_true(memcmp(super->x, s->x, (size_t)s->natoms * sizeof *s->x) == 0);
  /* The comment (intensive, a string) is copied. */
  assert_string_equal(UfpStructureFindInfo(super, "comment")->string,
                      UfpStructureFindInfo(s, "comment")->string);
  assert_ufp_ok(UfpStructureDestroy(&super));
  assert_ufp_ok(UfpStructureArrayDestroy(nframes, &frames));
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_elements),
      cmocka_unit_test(test_lifecycle),
      cmocka_unit_test(test_columns_and_info),
      cmocka_unit_test(test_duplicate_is_deep),
      cmocka_unit_test(test_replicate_triclinic),
      cmocka_unit_test(test_replicate_beta),
  };
  return UFP_TEST_MAIN("structure", tests);
}
