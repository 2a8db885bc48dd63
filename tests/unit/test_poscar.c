/* test_poscar.c -- VASP 5 POSCAR reader: coordinate modes, scale factors,
 * selective dynamics, agreement with the extxyz of beta-Li3PS4, bad input. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "extxyz.h"
#include "poscar.h"
#include "test_util.h"


static void assert_vec_near(const double *a, const double *b, double tol)
{
  for (int k = 0; k < 3; k++)
    if (fabs(a[k] - b[k]) > tol) fail_msg("component %d: %.17g vs %.17g (tolerance %g)", k, a[k], b[k], tol);
}

/* A monoclinic cell: a along x, b in the xy plane, c along z. */
#define CELL_LINES "  4.0 0.0 0.0\n  1.0 5.0 0.0\n  0.0 0.0 6.0\n"

static void test_direct(void **state)
{
  (void)state;
  UfpStructure *s;
  const char *path = ufp_test_write_tmp("poscar_direct.vasp", "Li2 S test\n"
                                                     "1.0\n" CELL_LINES "Li S\n"
                                                     "2 1\n"
                                                     "Direct\n"
                                                     "0.0 0.0 0.0\n"
                                                     "0.5 0.5 0.5\n"
                                                     "0.25 0.0 0.5 ! comment\n");
  assert_ufp_ok(UfpPoscarRead(path, &s));
  assert_int_equal(s->natoms, 3);
  assert_int_equal(s->has_lattice, 1);
  assert_true(s->pbc[0] && s->pbc[1] && s->pbc[2]);
  assert_string_equal(s->species[0], "Li");
  assert_string_equal(s->species[1], "Li");
  assert_string_equal(s->species[2], "S");
  assert_int_equal(s->z[2], 16);
  assert_true(s->lattice[1][0] == 1.0 && s->lattice[1][1] == 5.0 && s->lattice[2][2] == 6.0);
  const double x1[3] = {2.5, 2.5, 3.0}, x2[3] = {1.0, 0.0, 3.0};
  assert_vec_near(s->x[1], x1, 1e-14);
  assert_vec_near(s->x[2], x2, 1e-14);
  const UfpInfoValue *comment = UfpStructureFindInfo(s, "comment");
  assert_non_null(comment);
  assert_string_equal(comment->string, "Li2 S test");
  assert_ufp_ok(UfpStructureDestroy(&s));
  assert_null(s);
}

static void test_cartesian_and_scale(void **state)
{
  (void)state;
  UfpStructure *s;
  /* Scale 2: lattice and Cartesian positions are both doubled. */
  const char *path = ufp_test_write_tmp("poscar_cart.vasp", "scaled\n 2.0\n" CELL_LINES
                                                   "Li_sv P/abc\n1 1\ncartesian\n0.5 0.25 1.0\n1 2 3\n");
  assert_ufp_ok(UfpPoscarRead(path, &s));
  assert_true(s->lattice[0][0] == 8.0 && s->lattice[1][0] == 2.0 && s->lattice[2][2] == 12.0);
  assert_string_equal(s->species[0], "Li");
  assert_string_equal(s->species[1], "P");
  assert_int_equal(s->z[1], 15);
  const double x0[3] = {1.0, 0.5, 2.0}, x1[3] = {2.0, 4.0, 6.0};
  assert_vec_near(s->x[0], x0, 0);
  assert_vec_near(s->x[1], x1, 0);
  assert_ufp_ok(UfpStructureDestroy(&s));

  /* Three scale factors act on the Cartesian components; 'K' means Cartesian. */
  path = ufp_test_write_tmp("poscar_cart3.vasp", "scaled\n1 2 3\n1 0 0\n0 1 0\n0 0 1\nH\n1\nK\n1 1 1\n");
  assert_ufp_ok(UfpPoscarRead(path, &s));
  assert_true(s->lattice[0][0] == 1.0 && s->lattice[1][1] == 2.0 && s->lattice[2][2] == 3.0);
  const double x3[3] = {1.0, 2.0, 3.0};
  assert_vec_near(s->x[0], x3, 0);
  assert_ufp_ok(UfpStructureDestroy(&s));
}

static void test_negative_scale_is_volume(void **state)
{
  (void)state;
  UfpStructure *s;
  /* Unscaled volume 4*5*6 = 120; target 120*8 = 960 gives a factor of 2. */
  const char *path =
      ufp_test_write_tmp("poscar_volume.vasp", "volume\n-960\n" CELL_LINES "Li\n2\nCartesian\n0 0 0\n1 1 1\n");
  assert_ufp_ok(UfpPoscarRead(path, &s));
  const double h[3][3] = {{8, 0, 0}, {2, 10, 0}, {0, 0, 12}};
  for (int a = 0; a < 3; a++)
    assert_vec_near(s->lattice[a], h[a], 1e-12);
  const double x1[3] = {2, 2, 2};
  assert_vec_near(s->x[1], x1, 1e-12);
  double volume = s->lattice[0][0] * s->lattice[1][1] * s->lattice[2][2];
  assert_true(fabs(volume - 960.0) < 1e-9);
  assert_ufp_ok(UfpStructureDestroy(&s));
}

static void test_selective_dynamics(void **state)
{
  (void)state;
  UfpStructure *s;
  const char *path = ufp_test_write_tmp("poscar_sd.vasp", "relax\n"
                                                 "1.0\n" CELL_LINES "Li P S\n"
                                                 "1 1 2\n"
                                                 "Selective dynamics\n"
                                                 "Direct\n"
                                                 "0.1 0.2 0.3 T T F\n"
                                                 "0.5 0.5 0.5 F F F Li\n"
                                                 "0 0 0 T T T\n"
                                                 "0.9 0.9 0.9 T F T\n"
                                                 "\n" /* lattice velocities and velocities follow: ignored */
                                                 "0 0 0\n0 0 0\n0 0 0\n0 0 0\n");
  assert_ufp_ok(UfpPoscarRead(path, &s));
  assert_int_equal(s->natoms, 4);
  assert_string_equal(s->species[3], "S");
  const double x0[3] = {0.1 * 4 + 0.2 * 1, 0.2 * 5, 0.3 * 6};
  assert_vec_near(s->x[0], x0, 1e-14);
  assert_ufp_ok(UfpStructureDestroy(&s));
}

/* A POSCAR written from the beta-Li3PS4 extxyz (fractional coordinates)
 * reads back to the same Cartesian positions. */
static void test_beta_matches_extxyz(void **state)
{
  (void)state;
  const char *shared = ufp_test_shared("structures/beta_Li3PS4_Pnma_ordered.extxyz");
  int n;
  UfpStructure **frames, *from_poscar, *from_cartesian;
  assert_ufp_ok(UfpExtxyzReadAll(shared, &n, &frames));
  const UfpStructure *ref = frames[0];
  /* The file lists Li, then P, then S, as a POSCAR must. */
  const char *order[3] = {"Li", "P", "S"};
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < ref->natoms; i++)
    for (int k = 0; k < 3; k++)
      counts[k] += strcmp(ref->species[i], order[k]) == 0;
  assert_int_equal(counts[0] + counts[1] + counts[2], ref->natoms);

  char direct[4096], cartesian[4096];
  snprintf(direct, sizeof direct, "%s", ufp_test_tmp("poscar_beta_direct.vasp"));
  snprintf(cartesian, sizeof cartesian, "%s", ufp_test_tmp("poscar_beta_cart.vasp"));
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    FILE *fd = fopen(direct, "w"), *fc = fopen(cartesian, "w");
    fprintf(fd, "beta-Li3PS4 Pnma\n1.0\n");
    fprintf(fc, "beta-Li3PS4 Pnma, Cartesian, scale 0.5\n0.5\n");
    for (int a = 0; a < 3; a++) {
      fprintf(fd, "%.17g %.17g %.17g\n", ref->lattice[a][0], ref->lattice[a][1], ref->lattice[a][2]);
      fprintf(fc, "%.17g %.17g %.17g\n", 2 * ref->lattice[a][0], 2 * ref->lattice[a][1],
              2 * ref->lattice[a][2]);
    }
    fprintf(fd, "Li P S\n%d %d %d\nDirect\n", counts[0], counts[1], counts[2]);
    fprintf(fc, "Li P S\n%d %d %d\nCartesian\n", counts[0], counts[1], counts[2]);
    for (int i = 0; i < ref->natoms; i++) {
      /* Orthorhombic cell: fractional = Cartesian / diagonal. */
      fprintf(fd, "%.17g %.17g %.17g\n", ref->x[i][0] / ref->lattice[0][0], ref->x[i][1] / ref->lattice[1][1],
              ref->x[i][2] / ref->lattice[2][2]);
      fprintf(fc, "%.17g %.17g %.17g\n", 2 * ref->x[i][0], 2 * ref->x[i][1], 2 * ref->x[i][2]);
    }
    fclose(fd);
    fclose(fc);
  }
  MPI_Barrier(MPI_COMM_WORLD);

  assert_ufp_ok(UfpPoscarRead(direct, &from_poscar));
  assert_ufp_ok(UfpPoscarRead(cartesian, &from_cartesian));
  for (const UfpStructure *s = from_poscar;; s = from_cartesian) {
    assert_int_equal(s->natoms, ref->natoms);
    for (int a = 0; a < 3; a++)
      assert_vec_near(s->lattice[a], ref->lattice[a], 1e-13);
    for (int i = 0; i < ref->natoms; i++) {
      assert_string_equal(s->species[i], ref->species[i]);
      assert_int_equal(s->z[i], ref->z[i]);
      assert_vec_near(s->x[i], ref->x[i], 1e-12);
    }
    if (s == from_cartesian) break;
  }
  assert_ufp_ok(UfpStructureDestroy(&from_poscar));
  assert_ufp_ok(UfpStructureDestroy(&from_cartesian));
  assert_ufp_ok(UfpStructureArrayDestroy(n, &frames));
}

static void expect_bad(const char *text, const char *fragment)
{
  UfpStructure *s = (UfpStructure *)&s; /* must come back NULL */
  const char *path = ufp_test_write_tmp("poscar_bad.vasp", text);
  assert_ufp_fails(UfpPoscarRead(path, &s), UFP_ERR_INPUT, fragment);
  assert_null(s);
}

static void test_bad_input(void **state)
{
  (void)state;
  UfpStructure *s;
  /* VASP 4: the counts where the species should be. */
  expect_bad("old\n1.0\n" CELL_LINES "2 1\nDirect\n0 0 0\n0.5 0.5 0.5\n0 0 0.5\n",
             "poscar_bad.vasp:6: expected the species line");
  expect_bad("old\n1.0\n" CELL_LINES "2 1\nDirect\n0 0 0\n", "VASP 4 file");
  expect_bad("x\nscale\n" CELL_LINES "Li\n1\nDirect\n0 0 0\n",
             "poscar_bad.vasp:2: expected the scale factor");
  expect_bad("x\n0.0\n" CELL_LINES "Li\n1\nDirect\n0 0 0\n", "poscar_bad.vasp:2: the scale factor is zero");
  expect_bad("x\n1.0\n4 0 0\n0 5\n0 0 6\nLi\n1\nDirect\n0 0 0\n",
             "poscar_bad.vasp:4: expected lattice vector b (3 numbers)");
  expect_bad("x\n1.0\n4 0 0\n0 5 0\n4 5 0\nLi\n1\nDirect\n0 0 0\n", "lattice is singular");
  expect_bad("x\n1.0\n" CELL_LINES "Li S\n2\nDirect\n0 0 0\n0 0 0\n",
             "poscar_bad.vasp:7: expected 2 atom counts");
  expect_bad("x\n1.0\n" CELL_LINES "Li\n2 1\nDirect\n0 0 0\n0 0 0\n0 0 0\n",
             "poscar_bad.vasp:7: expected 1 atom counts");
  expect_bad("x\n1.0\n" CELL_LINES "Li\n-1\nDirect\n0 0 0\n", "poscar_bad.vasp:7: expected 1 atom counts");
  expect_bad("x\n1.0\n" CELL_LINES "Li\n1\nFractional\n0 0 0\n",
             "poscar_bad.vasp:8: expected \"Direct\" or \"Cartesian\"");
  expect_bad("x\n1.0\n" CELL_LINES "Li\n1\nSelective dynamics\nWhatever\n0 0 0\n",
             "poscar_bad.vasp:9: expected \"Direct\" or \"Cartesian\"");
  expect_bad("x\n1.0\n" CELL_LINES "Li\n2\nDirect\n0 0 0\n",
             "poscar_bad.vasp:10: the file ends here: expected the position of atom 2 of 2");
  expect_bad("x\n1.0\n" CELL_LINES "Li\n2\nDirect\n0 0 0\n0 zero 0\n",
             "poscar_bad.vasp:10: expected the position of atom 2 of 2 (3 numbers)");
  expect_bad("x\n1.0\n" CELL_LINES, "poscar_bad.vasp:6: the file ends here: expected the species line");
  expect_bad("", "poscar_bad.vasp:1: the file ends here: expected the comment line");
  assert_ufp_fails(UfpPoscarRead("/nonexistent/POSCAR", &s), UFP_ERR_IO, "/nonexistent/POSCAR");
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_direct),
      cmocka_unit_test(test_cartesian_and_scale),
      cmocka_unit_test(test_negative_scale_is_volume),
      cmocka_unit_test(test_selective_dynamics),
      cmocka_unit_test(test_beta_matches_extxyz),
      cmocka_unit_test(test_bad_input),
  };
  return UFP_TEST_MAIN("poscar", tests);
}
