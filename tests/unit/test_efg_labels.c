/* test_efg_labels.c -- EFG label readers: CP2K outputs against the parsed
 * reference extxyz of ../shared, the CP2K stress against a finite
 * difference of the energy, CASTEP magres files (current, old and
 * fused-label layouts), CP2K inputs, format detection and unit conversion,
 * and one check per kind of malformed input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp2k_input.h"
#include "cp2k_reader.h"
#include "extxyz.h"
#include "label_files.h"
#include "magres_reader.h"
#include "test_util.h"
#include "units.h"

/* ------------------------------------------------------------------ helpers */

/* 1e21 V/m^2 (CP2K's unit) in atomic units. */
#define CP2K_TO_AU (1e21 / UFP_EFG_AU_V_M2)

static const UfpAtomColumn *column(const UfpStructure *s, const char *name, char type, int ncols)
{
  const UfpAtomColumn *c = UfpStructureFindColumn(s, name);
  if (!c) fail_msg("no column %s", name);
  assert_int_equal(c->type, type);
  assert_int_equal(c->ncols, ncols);
  return c;
}

static int count_species(const UfpStructure *s, const char *species)
{
  int n = 0;
  for (int i = 0; i < s->natoms; i++)
    n += !strcmp(s->species[i], species);
  return n;
}

/* Worst |V_ij - V_ji| and |Tr V| over all tensors, in a.u. */
static void tensor_defects(const UfpStructure *s, double *asymmetry, double *trace, double *largest)
{
  const UfpAtomColumn *efg = column(s, "efg", 'R', 9);
  *asymmetry = *trace = *largest = 0;
  for (int i = 0; i < s->natoms; i++) {
    const double *v = &efg->real[9 * i];
    *asymmetry = fmax(*asymmetry, fmax(fabs(v[1] - v[3]), fmax(fabs(v[2] - v[6]), fabs(v[5] - v[7]))));
    *trace = fmax(*trace, fabs(v[0] + v[4] + v[8]));
    for (int k = 0; k < 9; k++)
      *largest = fmax(*largest, fabs(v[k]));
  }
}

/* text with its first occurrence of old replaced by replacement. */
static const char *replaced(const char *text, const char *old, const char *replacement)
{
  static char buffer[16384];
  const char *at = strstr(text, old);
  if (!at) fail_msg("\"%s\" not in the template", old);
  size_t head = (size_t)(at - text), rest = strlen(at + strlen(old));
  assert_true(head + strlen(replacement) + rest < sizeof buffer);
  memcpy(buffer, text, head);
  memcpy(buffer + head, replacement, strlen(replacement));
  memcpy(buffer + head + strlen(replacement), at + strlen(old), rest + 1);
  return buffer;
}

static const char *base_name(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* ------------------------------------------------- CP2K: the real outputs */

/* Every train_*.out of ../shared/data/efg against lps_cp2k_efg_train.extxyz,
 * which holds the same 32 frames already parsed (energy eV, forces eV/Å,
 * efg a.u.; positions, lattice and numbers rounded to 8-11 digits). */
static void test_cp2k_matches_reference(void **state)
{
  (void)state;
  char reference[4096];
  int nref = 0, ncompared = 0, nunconverged = 0;
  UfpStructure **ref = NULL;
  double worst_x = 0, worst_h = 0, worst_e = 0, worst_f = 0, worst_v = 0, worst_v_rel = 0, worst_trace = 0;

  snprintf(reference, sizeof reference, "%s", ufp_test_shared("efg/lps_cp2k_efg_train.extxyz"));
  assert_ufp_ok(UfpExtxyzReadAll(reference, &nref, &ref));
  assert_int_equal(nref, 32);
  for (int f = 0; f < nref; f++) {
    char relative[256], path[4096];
    UfpStructure *s = (UfpStructure *)&s;
    const UfpStructure *r = ref[f];
    snprintf(relative, sizeof relative, "efg/%s.out", ufp_test_info_string(r, "source"));
    snprintf(path, sizeof path, "%s", ufp_test_shared(relative));
    if (!strcmp(ufp_test_info_string(r, "source"), "train_010")) {
      /* The reference holds this frame, but its SCF did not converge. */
      assert_ufp_fails(EfgCp2kRead(path, NULL, &s), UFP_ERR_INPUT,
                       "train_010.out:1001: the SCF did not converge");
      assert_null(s);
      nunconverged++;
      continue;
    }
    assert_ufp_ok(EfgCp2kRead(path, NULL, &s));
    assert_int_equal(s->natoms, r->natoms);
    assert_true(s->has_lattice);
    assert_true(s->pbc[0] && s->pbc[1] && s->pbc[2]);
    assert_string_equal(ufp_test_info_string(s, "source"), ufp_test_info_string(r, "source"));
    assert_string_equal(ufp_test_info_string(s, "efg_units"), "atomic");
    for (int m = 0; m < 3; m++)
      for (int k = 0; k < 3; k++)
        worst_h = fmax(worst_h, fabs(s->lattice[m][k] - r->lattice[m][k]));
    worst_e = fmax(worst_e, fabs(ufp_test_info_real(s, "energy") - ufp_test_info_real(r, "energy")));
    const UfpAtomColumn *force = column(s, "forces", 'R', 3), *rforce = column(r, "forces", 'R', 3);
    const UfpAtomColumn *efg = column(s, "efg", 'R', 9), *refg = column(r, "efg", 'R', 9);
    for (int i = 0; i < s->natoms; i++) {
      assert_string_equal(s->species[i], r->species[i]);
      assert_int_equal(s->z[i], r->z[i]);
      for (int k = 0; k < 3; k++) {
        worst_x = fmax(worst_x, fabs(s->x[i][k] - r->x[i][k]));
        worst_f = fmax(worst_f, fabs(force->real[3 * i + k] - rforce->real[3 * i + k]));
      }
      for (int k = 0; k < 9; k++) {
        double d = fabs(efg->real[9 * i + k] - refg->real[9 * i + k]);
        worst_v = fmax(worst_v, d);
        if (fabs(refg->real[9 * i + k]) > 1e-4)
          worst_v_rel = fmax(worst_v_rel, d / fabs(refg->real[9 * i + k]));
      }
    }
    double asymmetry, trace, largest;
    tensor_defects(s, &asymmetry, &trace, &largest);
    assert_true(asymmetry == 0.0); /* CP2K prints the symmetrised tensor */
    worst_trace = fmax(worst_trace, trace);
    ncompared++;
    assert_ufp_ok(UfpStructureDestroy(&s));
  }
  print_message(
      "CP2K vs reference: %d frames compared, %d refused (SCF not converged); worst |dx| %.2g A, "
      "|dL| %.2g A, |dE| %.2g eV, |dF| %.2g eV/A, |dV| %.2g a.u. (relative %.2g); worst |Tr V| %.2g a.u.\n",
      ncompared, nunconverged, worst_x, worst_h, worst_e, worst_f, worst_v, worst_v_rel, worst_trace);
  assert_int_equal(ncompared, 31);
  assert_int_equal(nunconverged, 1);
  /* The reference rounds the lattice to 10 decimals, energy and forces to
   * 10, EFGs to 11 significant digits; positions are the input's 8. */
  assert_true(worst_x <= 1e-12);
  assert_true(worst_h <= 6e-11);
  assert_true(worst_e <= 1e-9);
  assert_true(worst_f <= 6e-11);
  assert_true(worst_v_rel <= 1e-9);
  assert_true(worst_v <= 1e-11);
  /* Traceless to the printed digits: 3 diagonal components rounded to 5e-8. */
  assert_true(worst_trace <= 1.5e-7 * CP2K_TO_AU);
  assert_ufp_ok(UfpStructureArrayDestroy(nref, &ref));
}

/* Unit conversions on numbers read off train_000.out by eye, and the
 * physics of the printed tensors: symmetric exactly, traceless to the
 * printed precision (0.5e-7 * 1e21 V/m^2 per component). */
static void test_cp2k_units_and_physics(void **state)
{
  (void)state;
  UfpStructure *s = NULL;
  double asymmetry, trace, largest;
  assert_ufp_ok(EfgCp2kRead(ufp_test_shared("efg/train_000.out"), NULL, &s));
  assert_int_equal(s->natoms, 16);
  assert_int_equal(count_species(s, "Li"), 6);
  assert_int_equal(count_species(s, "P"), 2);
  assert_int_equal(count_species(s, "S"), 8);
  const UfpAtomColumn *efg = column(s, "efg", 'R', 9), *force = column(s, "forces", 'R', 3);
  /* "1 Li  EFG Tensor  0.0706051  0.0647226  0.0633541" (line 280) and the
   * last row of atom 16, "0.0098761  0.0138376  0.7672940" (line 387). */
  assert_close(efg->real[0], 0.0706051 / 9.7173624292, 1e-16);
  assert_close(efg->real[0], 7.2658708075e-03, 1e-13);
  assert_close(efg->real[1], 0.0647226 * CP2K_TO_AU, 1e-16);
  assert_close(efg->real[9 * 15 + 8], 0.7672940 * CP2K_TO_AU, 1e-16);
  /* ENERGY| ... -140.167619711481478 Hartree; force on atom 1 in Eh/a0. */
  assert_close(ufp_test_info_real(s, "energy"), -140.167619711481478 * 27.211386245988, 1e-9);
  assert_close(ufp_test_info_real(s, "energy"), -3814.1552391499, 1e-9);
  assert_close(force->real[0], -0.00438931 * 27.211386245988 / 0.529177210903, 1e-12);
  assert_close(force->real[3 * 15 + 2], 0.00382849 * UFP_HARTREE_PER_BOHR_EV_PER_A, 1e-14);
  /* Cell and positions from train_000.inp. */
  assert_close(s->lattice[0][0], 6.0292863588177, 1e-13);
  assert_close(s->lattice[2][2], 7.6143254496873, 1e-13);
  assert_close(s->x[15][0], 2.20225111, 1e-14);
  tensor_defects(s, &asymmetry, &trace, &largest);
  print_message("train_000: largest |V| %.4f a.u., worst |V_ij - V_ji| %.2g a.u., worst |Tr V| %.2g a.u.\n",
                largest, asymmetry, trace);
  assert_true(asymmetry == 0.0);
  assert_true(trace <= 1.5e-7 * CP2K_TO_AU);
  assert_ufp_ok(UfpStructureDestroy(&s));
}

/* ------------------------------------------------ CP2K: synthetic outputs */

/* A CP2K output in the layout of CP2K 2023.1, with the DEBUG lines (PW and
 * AT parts) that must not be taken for the total tensor.  %s: the input's
 * file name.  Lines are numbered for the error tests. */
static const char cp2k_output[] =
    " DBCSR| Multiplication driver                                           BLAS\n" /* 1 */
    " CP2K| Input file name                                             %s\n"        /* 2 */
    " GLOBAL| Run type                                                   ENERGY_FORCE\n"
    "\n"
    " Total number of            - Atomic kinds:                                   2\n"
    "                            - Atoms:                                          2\n" /* 6 */
    "\n"
    "  *** SCF run converged in    11 steps ***\n"
    "\n"
    " ELECTRIC FIELD GRADIENTS [10**21 V/m^2]\n" /* 10 */
    "\n"
    "            Smooth potential contribution calculated by plane wave interpolation\n"
    "\n"
    "     1 Li  PW     0.50000    0.10000    0.20000    0.30000    0.40000    0.60000\n"
    "           AT     0.47174    0.00000    0.20000    0.30000    0.40000    0.60000\n" /* 15 */
    "     2 S   PW     9.00000    0.20000    0.20000    0.30000    0.40000    0.60000\n"
    "           AT     9.00000    0.10000    0.20000    0.30000    0.40000    0.60000\n"
    "\n"
    "     1 Li  EFG Tensor                      0.9717362     0.1000000     0.0000000\n"
    "                                           0.1000000    -0.4858681     0.0000000\n" /* 20 */
    "                                           0.0000000     0.0000000    -0.4858681\n"
    "\n"
    "           EFG Tensor eigenvalues         -0.4981039    -0.4858681     0.9839720\n"
    "           EFG Tensor anisotropy                                       0.0124349\n"
    "\n" /* 25 */
    "     2 S   EFG Tensor                     -1.0000000     0.2500000    -0.3000000\n"
    "                                           0.2500000     0.4000000     0.1500000\n"
    "                                          -0.3000000     0.1500000     0.6000000\n"
    "\n"
    "           EFG Tensor eigenvalues          0.3000000     0.7000000    -1.0000000\n" /* 30 */
    "           EFG Tensor anisotropy                                       0.4000000\n"
    "\n"
    "\n"
    " ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]:             -10.500000000000000\n"
    "\n" /* 35 */
    " ATOMIC FORCES in [a.u.]\n"
    "\n"
    " # Atom   Kind   Element          X              Y              Z\n"
    "      1      1      Li          0.01000000     0.00000000    -0.02000000\n"
    "      2      2      S          -0.01000000     0.00000000     0.02000000\n" /* 40 */
    " SUM OF ATOMIC FORCES           0.00000000     0.00000000     0.00000000     0.00000000\n";

/* Its input: a cell from lengths and angles in bohr, fractional positions,
 * comments, lower case, a Fortran exponent and a nested &CELL_REF. */
static const char cp2k_input[] = "&GLOBAL\n"
                                 "  RUN_TYPE ENERGY_FORCE   ! single point\n"
                                 "&END GLOBAL\n"
                                 "&FORCE_EVAL\n"
                                 "  &SUBSYS\n"
                                 "    &cell\n"
                                 "      ABC [bohr] 10.0 10.0 12.0\n"
                                 "      ALPHA_BETA_GAMMA 90 90 60  # hexagonal\n"
                                 "      PERIODIC XY\n"
                                 "      &CELL_REF\n"
                                 "        ABC 1 1 1\n"
                                 "      &END CELL_REF\n"
                                 "    &END cell\n"
                                 "    &COORD\n"
                                 "      SCALED\n"
                                 "      Li 0.0 0.0 0.0\n"
                                 "      S  0.5D0 0.5 0.25 MOL1\n"
                                 "    &END COORD\n"
                                 "    &KIND Li\n"
                                 "    &END KIND\n"
                                 "  &END SUBSYS\n"
                                 "&END FORCE_EVAL\n";

/* Write the synthetic output naming input_name, as tmp file name. */
static const char *write_output(const char *name, const char *input_name, const char *text)
{
  static char buffer[16384];
  snprintf(buffer, sizeof buffer, text, input_name);
  return ufp_test_write_tmp(name, buffer);
}

static void test_cp2k_synthetic(void **state)
{
  (void)state;
  char input[4096], output[4096];
  UfpStructure *s = NULL;
  const double a0 = UFP_BOHR_ANGSTROM, sin60 = sqrt(3.0) / 2.0;

  snprintf(input, sizeof input, "%s", ufp_test_write_tmp("cp2k_synth_run.inp", cp2k_input));
  snprintf(output, sizeof output, "%s", write_output("cp2k_synth.out", base_name(input), cp2k_output));
  /* The input is found through the output's "Input file name" line. */
  assert_ufp_ok(EfgCp2kRead(output, NULL, &s));
  assert_int_equal(s->natoms, 2);
  assert_string_equal(s->species[0], "Li");
  assert_string_equal(s->species[1], "S");
  assert_int_equal(s->z[1], 16);
  const UfpAtomColumn *efg = column(s, "efg", 'R', 9), *force = column(s, "forces", 'R', 3);
  /* The total tensors, not the PW/AT parts nor the eigenvalues. */
  const double li[9] = {0.9717362, 0.1, 0, 0.1, -0.4858681, 0, 0, 0, -0.4858681};
  const double sulfur[9] = {-1.0, 0.25, -0.3, 0.25, 0.4, 0.15, -0.3, 0.15, 0.6};
  for (int k = 0; k < 9; k++) {
    assert_close(efg->real[k], li[k] * CP2K_TO_AU, 1e-16);
    assert_close(efg->real[9 + k], sulfur[k] / 9.7173624292, 1e-16);
  }
  assert_close(efg->real[0], 0.1, 6e-9); /* 0.9717362 e21 V/m^2 is 0.1 a.u. to the printed digits */
  assert_close(ufp_test_info_real(s, "energy"), -10.5 * UFP_HARTREE_EV, 1e-12);
  assert_close(force->real[0], 0.01 * UFP_HARTREE_PER_BOHR_EV_PER_A, 1e-15);
  assert_close(force->real[5], 0.02 * UFP_HARTREE_PER_BOHR_EV_PER_A, 1e-15);
  /* Cell: a along x, b at 60 degrees in the xy plane, c along z. */
  const double h[3][3] = {{10 * a0, 0, 0}, {5 * a0, 10 * sin60 * a0, 0}, {0, 0, 12 * a0}};
  for (int m = 0; m < 3; m++)
    for (int k = 0; k < 3; k++)
      assert_close(s->lattice[m][k], h[m][k], 1e-12);
  assert_true(s->pbc[0] && s->pbc[1] && !s->pbc[2]);
  /* S at 0.5 a + 0.5 b + 0.25 c. */
  assert_close(s->x[1][0], 7.5 * a0, 1e-12);
  assert_close(s->x[1][1], 5 * sin60 * a0, 1e-12);
  assert_close(s->x[1][2], 3 * a0, 1e-12);
  assert_close(s->x[0][0], 0.0, 0.0);
  assert_string_equal(ufp_test_info_string(s, "source"), "np1_cp2k_synth");
  assert_ufp_ok(UfpStructureDestroy(&s));

  /* Without an "Input file name" line that opens, NAME.inp beside the output. */
  ufp_test_write_tmp("cp2k_beside.inp", cp2k_input);
  snprintf(output, sizeof output, "%s", write_output("cp2k_beside.out", "np1_nonexistent.inp", cp2k_output));
  assert_ufp_ok(EfgCp2kRead(output, NULL, &s));
  assert_int_equal(s->natoms, 2);
  assert_ufp_ok(UfpStructureDestroy(&s));

  /* Without any input: an I/O error that says why the input is needed. */
  ufp_test_tmp("cp2k_lonely.inp");
  snprintf(output, sizeof output, "%s", write_output("cp2k_lonely.out", "np1_nonexistent.inp", cp2k_output));
  s = (UfpStructure *)&s;
  assert_ufp_fails(EfgCp2kRead(output, NULL, &s), UFP_ERR_IO,
                   "np1_cp2k_lonely.inp): CP2K does not print the cell");
  assert_null(s);

  /* An energy-only run without forces: the forces column is left out. */
  char text[16384];
  snprintf(text, sizeof text, "%s", cp2k_output);
  *strstr(text, " ATOMIC FORCES") = '\0';
  snprintf(output, sizeof output, "%s", write_output("cp2k_noforces.out", base_name(input), text));
  assert_ufp_ok(EfgCp2kRead(output, input, &s));
  assert_null(UfpStructureFindColumn(s, "forces"));
  assert_non_null(UfpStructureFindInfo(s, "energy"));
  assert_ufp_ok(UfpStructureDestroy(&s));
}

/* A variant of the synthetic output must fail with code and fragment. */
static void expect_bad_output(const char *text, const char *input, UfpErrorCode code, const char *fragment)
{
  UfpStructure *s = (UfpStructure *)&s; /* must come back NULL */
  const char *path = write_output("cp2k_bad.out", "unused.inp", text);
  assert_ufp_fails(EfgCp2kRead(path, input, &s), code, fragment);
  assert_null(s);
}

static void test_cp2k_bad_output(void **state)
{
  (void)state;
  char input[4096], text[16384];
  const char *t = cp2k_output;
  snprintf(input, sizeof input, "%s", ufp_test_write_tmp("cp2k_bad_run.inp", cp2k_input));

  /* SCF failures, as CP2K words them (outer loop, and plain SCF). */
  snprintf(text, sizeof text, "%s",
           replaced(t, "  *** SCF run converged in    11 steps ***\n",
                    "  outer SCF loop FAILED to converge after   11 iterations or  440 steps\n"));
  expect_bad_output(text, input, UFP_ERR_INPUT, "cp2k_bad.out:8: the SCF did not converge");
  snprintf(text, sizeof text, "%s",
           replaced(t, "  *** SCF run converged in    11 steps ***\n",
                    " *** WARNING in qs_scf.F:601 :: SCF run NOT converged ***\n"));
  expect_bad_output(text, input, UFP_ERR_INPUT, "cp2k_bad.out:8: the SCF did not converge (\"*** WARNING");
  /* Units, run type, counts. */
  expect_bad_output(replaced(t, "[10**21 V/m^2]", "[V/m^2]"), input, UFP_ERR_INPUT,
                    "cp2k_bad.out:10: expected the unit [10**21 V/m^2] in the EFG header");
  expect_bad_output(replaced(t, "ENERGY_FORCE", "MD"), input, UFP_ERR_INPUT,
                    "cp2k_bad.out:3: run type \"MD\": only single-point runs");
  expect_bad_output(replaced(t, "Atoms:                                          2",
                             "Atoms:                                          3"),
                    input, UFP_ERR_INPUT,
                    "cp2k_bad.out:10: the EFG section has 2 tensors, but the run has 3 atoms");
  /* Tensor lines: a missing row, an overflowed field, a wrong number. */
  expect_bad_output(
      replaced(t, "                                          -0.3000000     0.1500000     0.6000000\n", ""),
      input, UFP_ERR_INPUT, "cp2k_bad.out:28: expected row 3 of the EFG tensor of atom 2 (3 numbers)");
  expect_bad_output(replaced(t, "    -0.4858681     0.0000000\n", "**************     0.0000000\n"), input,
                    UFP_ERR_INPUT, "cp2k_bad.out:20: expected row 2 of the EFG tensor of atom 1");
  expect_bad_output(replaced(t, "     2 S   EFG Tensor", "     3 S   EFG Tensor"), input, UFP_ERR_INPUT,
                    "cp2k_bad.out:26: expected the EFG tensor of atom 2, found atom 3");
  /* No EFG section at all. */
  snprintf(text, sizeof text, "%s", t);
  *strstr(text, " ELECTRIC FIELD") = '\0';
  expect_bad_output(text, input, UFP_ERR_INPUT, "no ELECTRIC FIELD GRADIENTS section");
  /* Forces: element and count against the EFG section, unit, end. */
  expect_bad_output(replaced(t, "      2      2      S ", "      2      2      P "), input, UFP_ERR_INPUT,
                    "atom 2 is S in the EFG section (line 10) but P in the ATOMIC FORCES block");
  expect_bad_output(replaced(t, "ATOMIC FORCES in [a.u.]", "ATOMIC FORCES in [eV/A]"), input, UFP_ERR_INPUT,
                    "cp2k_bad.out:36: expected the forces in [a.u.]");
  snprintf(text, sizeof text, "%s", t);
  *strstr(text, " SUM OF ATOMIC") = '\0';
  expect_bad_output(text, input, UFP_ERR_INPUT,
                    "cp2k_bad.out:41: the file ends inside the ATOMIC FORCES block");
  /* The input must be the input of this run. */
  char other[4096];
  snprintf(other, sizeof other, "%s",
           ufp_test_write_tmp("cp2k_bad_other.inp", replaced(cp2k_input, "      Li 0.0", "      Na 0.0")));
  expect_bad_output(t, other, UFP_ERR_INPUT, "atom 1 is Na in");
  snprintf(other, sizeof other, "%s",
           ufp_test_write_tmp("cp2k_bad_other.inp", replaced(cp2k_input, "      Li 0.0 0.0 0.0\n", "")));
  expect_bad_output(t, other, UFP_ERR_INPUT, "has 1 atoms in &COORD but");
  expect_bad_output(t, "/nonexistent/run.inp", UFP_ERR_IO, "/nonexistent/run.inp");
}

/* CP2K inputs: vectors with units, Cartesian coordinates in bohr, and the
 * constructs the parser refuses. */
static void expect_bad_input(const char *text, const char *fragment)
{
  UfpStructure *s = (UfpStructure *)&s;
  const char *path = ufp_test_write_tmp("cp2k_input_bad.inp", text);
  assert_ufp_fails(EfgCp2kInputRead(path, &s), UFP_ERR_INPUT, fragment);
  assert_null(s);
}

static void test_cp2k_input(void **state)
{
  (void)state;
  UfpStructure *s = NULL;
  const char *text = "&FORCE_EVAL\n"
                     " &SUBSYS\n"
                     "  &CELL\n"
                     "   A [angstrom] 5.0 0.0 0.0\n"
                     "   B [nm] 0.0 0.6 0.0\n"
                     "   C 0.0 0.0 7.0 ! default unit\n"
                     "  &END CELL\n"
                     "  &COORD\n"
                     "   UNIT bohr\n"
                     "   Li 1.0 2.0 3.0\n"
                     "   P  1.0d-1 0 0\n"
                     "  &END COORD\n"
                     " &END SUBSYS\n"
                     "&END FORCE_EVAL\n";
  assert_ufp_ok(EfgCp2kInputRead(ufp_test_write_tmp("cp2k_input_ok.inp", text), &s));
  assert_int_equal(s->natoms, 2);
  assert_close(s->lattice[0][0], 5.0, 0);
  assert_close(s->lattice[1][1], 6.0, 1e-15);
  assert_close(s->lattice[2][2], 7.0, 0);
  assert_true(s->pbc[0] && s->pbc[1] && s->pbc[2]);
  assert_close(s->x[0][2], 3.0 * UFP_BOHR_ANGSTROM, 1e-15);
  assert_close(s->x[1][0], 0.1 * UFP_BOHR_ANGSTROM, 1e-15);
  assert_string_equal(s->species[1], "P");
  assert_ufp_ok(UfpStructureDestroy(&s));

  const char *head = "&FORCE_EVAL\n &SUBSYS\n  &CELL\n   ABC 5 5 5\n  &END CELL\n  &COORD\n";
  char bad[2048];
  snprintf(bad, sizeof bad, "@SET L 5\n%sLi 0 0 0\n  &END COORD\n &END SUBSYS\n&END FORCE_EVAL\n", head);
  expect_bad_input(bad, "cp2k_input_bad.inp:1: preprocessor directive @SET");
  snprintf(bad, sizeof bad, "%sLi ${X} 0 0\n  &END COORD\n &END SUBSYS\n&END FORCE_EVAL\n", head);
  expect_bad_input(bad, "cp2k_input_bad.inp:7: input variable ${X}");
  snprintf(bad, sizeof bad, "%sLi 0 0 0\n", head);
  expect_bad_input(bad, "cp2k_input_bad.inp:8: the file ends inside section &COORD (opened at line 6)");
  snprintf(bad, sizeof bad, "%sLi 0 zero 0\n  &END COORD\n &END SUBSYS\n&END FORCE_EVAL\n", head);
  expect_bad_input(bad, "cp2k_input_bad.inp:7: expected an atom line \"LABEL x y z\"");
  snprintf(bad, sizeof bad, "%sLi 0 0 0\n  &END CELL\n &END SUBSYS\n&END FORCE_EVAL\n", head);
  expect_bad_input(bad, "cp2k_input_bad.inp:8: \"&END CELL\" closes section &COORD");
  expect_bad_input(
      "&FORCE_EVAL\n &SUBSYS\n  &CELL\n   ABC 5 5 5\n   A 5 0 0\n  &END CELL\n  &COORD\n   Li 0 0 0\n"
      "  &END COORD\n &END SUBSYS\n&END FORCE_EVAL\n",
      "given both as vectors (A, B, C) and as ABC");
  expect_bad_input(
      "&FORCE_EVAL\n &SUBSYS\n  &CELL\n   A 5 0 0\n   B 0 5 0\n  &END CELL\n  &COORD\n   Li 0 0 0\n"
      "  &END COORD\n &END SUBSYS\n&END FORCE_EVAL\n",
      "&CELL gives 2 of the vectors A, B, C");
  expect_bad_input(
      "&FORCE_EVAL\n &SUBSYS\n  &CELL\n   ABC [furlong] 5 5 5\n  &END CELL\n &END SUBSYS\n&END FORCE_EVAL\n",
      "cp2k_input_bad.inp:4: ABC: unknown length unit [furlong]");
  expect_bad_input(
      "&FORCE_EVAL\n &SUBSYS\n  &CELL\n   ABC 5 5 5\n  &END CELL\n  &TOPOLOGY\n   COORD_FILE_NAME x.xyz\n"
      "  &END TOPOLOGY\n &END SUBSYS\n&END FORCE_EVAL\n",
      "the coordinates are in another file (COORD_FILE_NAME x.xyz)");
}

/* -------------------------------------------------------- magres: real */

static void test_magres_files(void **state)
{
  (void)state;
  UfpStructure *s = NULL;
  double asymmetry, trace, largest;

  /* nacl: rock salt, current layout; every EFG vanishes by symmetry. */
  assert_ufp_ok(EfgMagresRead(ufp_test_shared("magres/nacl.magres"), &s));
  assert_int_equal(s->natoms, 8);
  assert_int_equal(count_species(s, "Na"), 4);
  assert_int_equal(count_species(s, "Cl"), 4);
  assert_true(s->has_lattice && s->pbc[0] && s->pbc[1] && s->pbc[2]);
  assert_close(s->lattice[0][0], 5.6399999999999935, 0);
  assert_close(s->lattice[0][1], 0.0, 0);
  tensor_defects(s, &asymmetry, &trace, &largest);
  print_message("nacl.magres: largest |V| %.2g a.u. (zero by symmetry)\n", largest);
  assert_true(largest < 1e-13);
  assert_string_equal(ufp_test_info_string(s, "efg_units"), "atomic");
  assert_string_equal(ufp_test_info_string(s, "source"), "nacl");
  assert_ufp_ok(UfpStructureDestroy(&s));

  /* NaClO3: old <atoms>/<magres> layout with efg_local and efg_nonlocal
   * lines besides the total efg. */
  assert_ufp_ok(EfgMagresRead(ufp_test_shared("magres/NaClO3.magres"), &s));
  assert_int_equal(s->natoms, 20);
  assert_int_equal(count_species(s, "O"), 12);
  assert_int_equal(count_species(s, "Na"), 4);
  assert_int_equal(count_species(s, "Cl"), 4);
  assert_close(s->lattice[1][1], 6.5758000000000001, 0);
  assert_close(s->x[0][0], 2.6790000000000003, 0);
  const UfpAtomColumn *efg = column(s, "efg", 'R', 9);
  assert_close(efg->real[0], 6.9975784728595802E-01, 0); /* efg O 1, not efg_local 0.6570 */
  assert_close(efg->real[8], -1.5759888245368850E-01, 0);
  assert_close(efg->real[9 * 16 + 1], 1.5090174305377928, 0); /* efg Cl 1 */
  assert_string_equal(s->species[16], "Cl");
  tensor_defects(s, &asymmetry, &trace, &largest);
  print_message("NaClO3.magres: largest |V| %.3f a.u., worst |V_ij - V_ji| %.2g, worst |Tr V| %.2g a.u.\n",
                largest, asymmetry, trace);
  assert_true(asymmetry <= 1e-12 * largest);
  assert_true(trace <= 1e-4 * largest);
  assert_ufp_ok(UfpStructureDestroy(&s));

  /* EDIZUM: organic crystal, 148 atoms with site labels H1..H19, C1..C15. */
  assert_ufp_ok(EfgMagresRead(ufp_test_shared("magres/EDIZUM.magres"), &s));
  assert_int_equal(s->natoms, 148);
  assert_int_equal(count_species(s, "H"), 76);
  assert_int_equal(count_species(s, "C"), 60);
  assert_int_equal(count_species(s, "N"), 4);
  assert_int_equal(count_species(s, "O"), 8);
  const UfpAtomColumn *label = column(s, "magres_label", 'S', 1), *index = column(s, "magres_index", 'I', 1);
  assert_string_equal(label->string[4], "H2");
  assert_int_equal(index->integer[4], 1);
  efg = column(s, "efg", 'R', 9);
  assert_close(efg->real[9 * 4 + 0], 2.4143481969521688E-01, 0); /* efg H2 1 */
  assert_close(efg->real[9 * 4 + 1], 2.9877428934833539E-01, 0);
  tensor_defects(s, &asymmetry, &trace, &largest);
  print_message("EDIZUM.magres: largest |V| %.3f a.u., worst |V_ij - V_ji| %.2g, worst |Tr V| %.2g a.u.\n",
                largest, asymmetry, trace);
  assert_true(asymmetry <= 1e-12 * largest);
  assert_true(trace <= 1e-4 * largest);
  assert_ufp_ok(UfpStructureDestroy(&s));
}

/* ---------------------------------------------------- magres: synthetic */

/* Traceless symmetric test tensors, written as 9 numbers. */
#define T_O "0.5 0.1 0.2 0.1 -0.2 0.3 0.2 0.3 -0.3"
#define T_H1 "0.01 0 0 0 0.02 0 0 0 -0.03"
#define T_H2 "0.04 0 0 0 -0.01 0 0 0 -0.03"
#define T_HL "0.07 0.001 0 0.001 -0.02 0 0 0 -0.05"

/* Old layout: <...> tags, a calculation block, the free-text magres_old
 * report (with words that look like records), efg records in another order
 * than the atoms, and labels that differ only in the index or the name. */
static const char magres_old_layout[] = "#$magres-abinitio-v1.0\n"
                                        "# old layout\n"
                                        "<calculation>\n"
                                        "calc_code CASTEP\n"
                                        "</calculation>\n"
                                        "<atoms>\n"
                                        "units lattice Angstrom\n"
                                        "lattice 5.0 0 0 0 6.0 0 0 0 7.0\n"
                                        "units atom Angstrom\n"
                                        "symmetry P1\n"
                                        "atom O O 1 0.1 0.2 0.3\n"
                                        "atom H H 1 1.0 0.0 0.0\n"
                                        "atom H H 2 0.0 1.0 0.0\n"
                                        "atom H H1 1 0.0 0.0 1.0\n"
                                        "</atoms>\n"
                                        "<magres>\n"
                                        "units efg au\n"
                                        "units efg_local au\n"
                                        "efg_local H 2 9 9 9 9 9 9 9 9 9\n"
                                        "efg H1 1 " T_HL "\n"
                                        "efg H 2 " T_H2 "\n"
                                        "efg O 1 " T_O "\n"
                                        "efg H 1 " T_H1 "\n"
                                        "efg_nonlocal H 2 8 8 8 8 8 8 8 8 8\n"
                                        "</magres>\n"
                                        "<magres_old>\n"
                                        "  ============\n"
                                        "  Atom: H 1\n"
                                        "efg H 1 1 2 3\n"
                                        "atom junk\n"
                                        "</magres_old>\n";

static void assert_tensor(const UfpStructure *s, int atom, const char *values)
{
  const UfpAtomColumn *efg = column(s, "efg", 'R', 9);
  char copy[256], *save = NULL;
  snprintf(copy, sizeof copy, "%s", values);
  char *token = strtok_r(copy, " ", &save);
  for (int k = 0; k < 9; k++, token = strtok_r(NULL, " ", &save))
    assert_close(efg->real[9 * atom + k], strtod(token, NULL), 0);
}

static void test_magres_old_layout(void **state)
{
  (void)state;
  UfpStructure *s = NULL;
  assert_ufp_ok(EfgMagresRead(ufp_test_write_tmp("old_layout.magres", magres_old_layout), &s));
  assert_int_equal(s->natoms, 4);
  assert_string_equal(s->species[3], "H");
  assert_int_equal(s->z[0], 8);
  assert_close(s->lattice[2][2], 7.0, 0);
  assert_close(s->x[0][2], 0.3, 0);
  /* Each atom got its own tensor: (H, 1), (H, 2) and (H1, 1) kept apart. */
  assert_tensor(s, 0, T_O);
  assert_tensor(s, 1, T_H1);
  assert_tensor(s, 2, T_H2);
  assert_tensor(s, 3, T_HL);
  const UfpAtomColumn *label = column(s, "magres_label", 'S', 1), *index = column(s, "magres_index", 'I', 1);
  assert_string_equal(label->string[3], "H1");
  assert_int_equal(index->integer[3], 1);
  assert_int_equal(index->integer[2], 2);
  assert_ufp_ok(UfpStructureDestroy(&s));
}

/* Label and index run together for three-digit indices, in efg records
 * (11 fields) and in an atom record (6 fields). */
static const char magres_fused[] = "#$magres-abinitio-v1.0\n"
                                   "[atoms]\n"
                                   "units lattice Angstrom\n"
                                   "lattice 20 0 0 0 20 0 0 0 20\n"
                                   "units atom Angstrom\n"
                                   "atom H H   99 0 0 0\n"
                                   "atom H H100 1 1 1\n"
                                   "atom H H  101 2 2 2\n"
                                   "atom C C1   1 3 3 3\n"
                                   "[/atoms]\n"
                                   "[magres]\n"
                                   "units efg au\n"
                                   "efg C1   1 " T_O "\n"
                                   "efg H101 " T_H2 "\n"
                                   "efg H100 " T_HL "\n"
                                   "efg H   99 " T_H1 "\n"
                                   "[/magres]\n";

static void test_magres_fused_labels(void **state)
{
  (void)state;
  UfpStructure *s = NULL;
  assert_ufp_ok(EfgMagresRead(ufp_test_write_tmp("fused.magres", magres_fused), &s));
  assert_int_equal(s->natoms, 4);
  const UfpAtomColumn *label = column(s, "magres_label", 'S', 1), *index = column(s, "magres_index", 'I', 1);
  assert_string_equal(label->string[1], "H");
  assert_int_equal(index->integer[1], 100);
  assert_int_equal(index->integer[2], 101);
  assert_close(s->x[1][0], 1.0, 0);
  assert_tensor(s, 0, T_H1);
  assert_tensor(s, 1, T_HL);
  assert_tensor(s, 2, T_H2);
  assert_tensor(s, 3, T_O);
  assert_string_equal(s->species[3], "C");
  assert_ufp_ok(UfpStructureDestroy(&s));

  /* H1 + 100 and H + 1100 both read "H1100" when run together. */
  s = (UfpStructure *)&s;
  const char *ambiguous = ufp_test_write_tmp("ambiguous.magres", "#$magres-abinitio-v1.0\n[atoms]\n"
                                                                 "atom H H1 100 0 0 0\n"
                                                                 "atom H H 1100 1 1 1\n[/atoms]\n[magres]\n"
                                                                 "efg H1100 " T_H1 "\n[/magres]\n");
  assert_ufp_fails(
      EfgMagresRead(ambiguous, &s), UFP_ERR_INPUT,
      "ambiguous.magres:7: efg record \"H1100\" (label and index run together) matches more than one "
      "atom (lines 3 and 4)");
  assert_null(s);
}

static void expect_bad_magres(const char *text, const char *fragment)
{
  UfpStructure *s = (UfpStructure *)&s; /* must come back NULL */
  const char *path = ufp_test_write_tmp("bad.magres", text);
  assert_ufp_fails(EfgMagresRead(path, &s), UFP_ERR_INPUT, fragment);
  assert_null(s);
}

#define HEAD "#$magres-abinitio-v1.0\n[atoms]\natom H H 1 0 0 0\natom O O 1 1 0 0\n[/atoms]\n[magres]\n"

static void test_magres_bad_input(void **state)
{
  (void)state;
  UfpStructure *s;
  expect_bad_magres("[atoms]\n[/atoms]\n",
                    "bad.magres:1: expected the magres header \"#$magres-abinitio-v1.0\"");
  expect_bad_magres(
      HEAD "efg H 1 1 2 3 4 5 6 7\n[/magres]\n",
      "bad.magres:7: expected \"efg LABEL INDEX\" and 9 tensor components (12 fields, or 11 when LABEL "
      "and INDEX run together), found 10 fields");
  expect_bad_magres(HEAD "efg H 1 1 2 3 4 five 6 7 8 9\n[/magres]\n",
                    "bad.magres:7: efg record H 1: expected 9 numbers");
  expect_bad_magres(HEAD "efg H x " T_H1 "\n[/magres]\n",
                    "bad.magres:7: efg record: expected the integer INDEX after LABEL H, found \"x\"");
  expect_bad_magres(HEAD "efg H 1 " T_H1 "\nefg O 2 " T_O "\n[/magres]\n",
                    "bad.magres:8: efg record for O 2 matches no atom record");
  expect_bad_magres(HEAD "efg H 1 " T_H1 "\n[/magres]\n", "bad.magres:4: atom O 1 has no efg record");
  expect_bad_magres(HEAD "efg H 1 " T_H1 "\nefg O 1 " T_O "\nefg H 1 " T_H2 "\n[/magres]\n",
                    "bad.magres:9: second efg record for atom H 1 (the first is on line 7)");
  expect_bad_magres(HEAD "units efg MHz\nefg H 1 " T_H1 "\n[/magres]\n",
                    "bad.magres:7: efg tensors in \"MHz\": only au");
  expect_bad_magres("#$magres-abinitio-v1.0\n[atoms]\nunits atom Bohr\n[/atoms]\n",
                    "bad.magres:3: atom positions in \"Bohr\": only Angstrom");
  expect_bad_magres("#$magres-abinitio-v1.0\n[atoms]\natom H H 1 0 0 0\natom H H 1 1 0 0\n[/atoms]\n",
                    "bad.magres:4: atom H 1 is defined twice (lines 3 and 4)");
  expect_bad_magres(
      "#$magres-abinitio-v1.0\n[atoms]\natom H H 1 0 0\n[/atoms]\n",
      "bad.magres:3: atom record with one field too few: expected LABEL and INDEX run together");
  expect_bad_magres("#$magres-abinitio-v1.0\n[atoms]\natom H H 1 0 0 0\n",
                    "bad.magres:4: the file ends inside block atoms (opened at line 2): expected [/atoms]");
  expect_bad_magres(
      "#$magres-abinitio-v1.0\n<atoms>\n<magres>\n",
      "bad.magres:3: block \"magres\" opens inside block atoms (opened at line 2): expected </atoms>");
  expect_bad_magres("#$magres-abinitio-v1.0\n[atoms]\n[/magres]\n",
                    "bad.magres:3: closing tag \"[/magres]\" inside block atoms");
  expect_bad_magres("#$magres-abinitio-v1.0\natom H H 1 0 0 0\n",
                    "bad.magres:2: expected a block tag such as [atoms]");
  expect_bad_magres("#$magres-abinitio-v1.0\n[atoms]\nlattice 1 0 0 0 1 0 0 0\n[/atoms]\n",
                    "bad.magres:3: expected \"lattice\" and 9 numbers");
  expect_bad_magres("#$magres-abinitio-v1.0\n[atoms]\nlattice 1 0 0 1 0 0 0 0 1\natom H H 1 0 0 0\n[/atoms]\n"
                    "[magres]\nefg H 1 " T_H1 "\n[/magres]\n",
                    "bad.magres:3: the lattice is singular");
  expect_bad_magres(HEAD "[/magres]\n", "bad.magres: no efg records");
  expect_bad_magres("#$magres-abinitio-v1.0\n[magres]\nefg H 1 " T_H1 "\n[/magres]\n",
                    "bad.magres: no atom records");
  assert_ufp_fails(EfgMagresRead("/nonexistent/x.magres", &s), UFP_ERR_IO, "/nonexistent/x.magres");
}

/* --------------------------------------------- one entry point, units */

static void test_label_files(void **state)
{
  (void)state;
  char path[4096];
  EfgLabelFormat format;
  int n = 0;
  UfpStructure **frames = NULL;

  /* Detection by extension and by content. */
  assert_ufp_ok(EfgLabelsDetectFormat(ufp_test_write_tmp("detect.magres", "not even magres\n"), &format));
  assert_int_equal(format, EFG_LABELS_MAGRES);
  assert_ufp_ok(EfgLabelsDetectFormat(ufp_test_write_tmp("detect_magres.txt", magres_fused), &format));
  assert_int_equal(format, EFG_LABELS_MAGRES);
  assert_ufp_ok(EfgLabelsDetectFormat(write_output("detect_cp2k.log", "x.inp", cp2k_output), &format));
  assert_int_equal(format, EFG_LABELS_CP2K);
  const char *xyz =
      "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:efg:R:9 efg_units=\"1e21V/m2\"\n"
      "Li 0 0 0 9.7173624292 0 0 0 -4.8586812146 0 0 0 -4.8586812146\n";
  snprintf(path, sizeof path, "%s", ufp_test_write_tmp("cp2k_units.extxyz", xyz));
  assert_ufp_ok(EfgLabelsDetectFormat(path, &format));
  assert_int_equal(format, EFG_LABELS_EXTXYZ);
  assert_ufp_fails(EfgLabelsDetectFormat("/nonexistent/labels", &format), UFP_ERR_IO, "/nonexistent/labels");

  /* extxyz in CP2K's unit: divided by 9.7173624292, then marked atomic. */
  assert_ufp_ok(EfgLabelsRead(path, EFG_LABELS_AUTO, &n, &frames));
  assert_int_equal(n, 1);
  const UfpAtomColumn *efg = column(frames[0], "efg", 'R', 9);
  assert_close(efg->real[0], 1.0, 1e-15);
  assert_close(efg->real[4], -0.5, 1e-15);
  assert_string_equal(ufp_test_info_string(frames[0], "efg_units"), "atomic");
  assert_ufp_ok(UfpStructureArrayDestroy(n, &frames));
  /* A forced unit wins over the key: au leaves the numbers alone, V/m2
   * divides by 9.7173624292e21. */
  assert_ufp_ok(EfgLabelsReadUnits(path, EFG_LABELS_EXTXYZ, EFG_UNITS_AU, &n, &frames));
  assert_close(column(frames[0], "efg", 'R', 9)->real[0], 9.7173624292, 0);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &frames));
  assert_ufp_ok(EfgLabelsReadUnits(path, EFG_LABELS_EXTXYZ, EFG_UNITS_SI, &n, &frames));
  assert_close(column(frames[0], "efg", 'R', 9)->real[0], 9.7173624292 / UFP_EFG_AU_V_M2, 1e-36);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &frames));
  /* Key absent: atomic units. */
  assert_ufp_ok(EfgLabelsRead(ufp_test_write_tmp("au.extxyz", replaced(xyz, " efg_units=\"1e21V/m2\"", "")),
                              EFG_LABELS_EXTXYZ, &n, &frames));
  assert_close(column(frames[0], "efg", 'R', 9)->real[0], 9.7173624292, 0);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &frames));
  /* Errors: unknown unit, no efg column, a forced unit on magres. */
  assert_ufp_fails(EfgLabelsRead(ufp_test_write_tmp("mhz.extxyz", replaced(xyz, "1e21V/m2", "MHz")),
                                 EFG_LABELS_AUTO, &n, &frames),
                   UFP_ERR_INPUT, "(frame 0): unknown efg_units \"MHz\"");
  assert_null(frames);
  assert_ufp_fails(
      EfgLabelsRead(ufp_test_write_tmp("noefg.extxyz", "1\nProperties=species:S:1:pos:R:3\nLi 0 0 0\n"),
                    EFG_LABELS_AUTO, &n, &frames),
      UFP_ERR_INPUT, "noefg.extxyz (frame 0): no per-atom efg:R:9 column");
  assert_null(frames);
  assert_ufp_fails(EfgLabelsReadUnits(ufp_test_write_tmp("forced.magres", magres_fused), EFG_LABELS_AUTO,
                                      EFG_UNITS_CP2K, &n, &frames),
                   UFP_ERR_USAGE, "whose EFG unit is fixed");
  assert_null(frames);
  /* magres through the entry point. */
  assert_ufp_ok(
      EfgLabelsRead(ufp_test_write_tmp("entry.magres", magres_fused), EFG_LABELS_AUTO, &n, &frames));
  assert_int_equal(n, 1);
  assert_int_equal(frames[0]->natoms, 4);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &frames));
}

/* The sources agree: train_000.out read by auto-detection gives the
 * reference extxyz's frame 0 (read through the same entry point). */
static void test_label_files_agree(void **state)
{
  (void)state;
  char path[4096], reference[4096];
  int n = 0;
  UfpStructure **frames = NULL;
  snprintf(reference, sizeof reference, "%s", ufp_test_shared("efg/lps_cp2k_efg_train.extxyz"));
  snprintf(path, sizeof path, "%s", ufp_test_shared("efg/train_000.out"));
  UfpStructure **ref = NULL;
  int nref = 0;
  assert_ufp_ok(EfgLabelsRead(reference, EFG_LABELS_AUTO, &nref, &ref));
  assert_int_equal(nref, 32);
  assert_ufp_ok(EfgLabelsRead(path, EFG_LABELS_AUTO, &n, &frames));
  assert_int_equal(n, 1);
  const UfpAtomColumn *a = column(frames[0], "efg", 'R', 9), *b = column(ref[0], "efg", 'R', 9);
  for (int k = 0; k < 9 * frames[0]->natoms; k++)
    assert_close(a->real[k], b->real[k], 1e-9 * fabs(b->real[k]) + 1e-13);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &frames));
  assert_ufp_ok(UfpStructureArrayDestroy(nref, &ref));
  assert_ufp_ok(EfgLabelsRead(ufp_test_shared("magres/NaClO3.magres"), EFG_LABELS_AUTO, &n, &frames));
  assert_int_equal(frames[0]->natoms, 20);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &frames));
}

/* The analytical GAPW stress of a 16-atom LPS cell (tests/data/cp2k_stress,
 * CP2K 2023.1, computed for this project) against the finite difference of
 * the energy: c strained by +-0.3 % (positions scaled with it),
 * (1/V) dE/d(eps_zz) = (E+ - E-) / (2 eps V).  The info value "stress" has
 * the extxyz sign, +(1/V) dE/d(strain), minus CP2K's printed tensor. */
static void test_cp2k_stress(void **state)
{
  (void)state;
  UfpStructure *s = NULL, *p = NULL, *m = NULL;
  assert_ufp_ok(EfgCp2kRead(ufp_test_source("tests/data/cp2k_stress/train_000.out"), NULL, &s));
  assert_ufp_ok(EfgCp2kRead(ufp_test_source("tests/data/cp2k_stress/strain_p.out"), NULL, &p));
  assert_ufp_ok(EfgCp2kRead(ufp_test_source("tests/data/cp2k_stress/strain_m.out"), NULL, &m));
  UfpInfoValue *st = UfpStructureFindInfo(s, "stress");
  assert_non_null(st);
  assert_int_equal(st->n, 9);
  assert_null(UfpStructureFindInfo(p, "stress")); /* those runs did not ask for it */
  /* As printed: sigma_zz = 7.44184292243 GPa, sigma_xy = 0.591020945567 GPa. */
  assert_close(st->real[8], -7.44184292243 / UFP_EV_PER_A3_GPA, 1e-15);
  assert_close(st->real[1], -0.591020945567 / UFP_EV_PER_A3_GPA, 1e-15);
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) assert_close(st->real[3 * a + b], st->real[3 * b + a], 1e-15);
  const double volume = s->lattice[0][0] * s->lattice[1][1] * s->lattice[2][2];
  assert_close(p->lattice[2][2] / s->lattice[2][2], 1.003, 1e-9);
  const double ep = UfpStructureFindInfo(p, "energy")->real[0], em = UfpStructureFindInfo(m, "energy")->real[0];
  const double fd = (ep - em) / (2 * 0.003 * volume);
  print_message("stress zz: analytical %.6f GPa, finite difference %.6f GPa\n", st->real[8] * UFP_EV_PER_A3_GPA,
                fd * UFP_EV_PER_A3_GPA);
  assert_true(fd < 0);
  assert_close(st->real[8], fd, 0.005 / UFP_EV_PER_A3_GPA); /* 5 MPa: O(eps^2) and SCF noise */
  UfpStructureDestroy(&s);
  UfpStructureDestroy(&p);
  UfpStructureDestroy(&m);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cp2k_synthetic),
      cmocka_unit_test(test_cp2k_bad_output),
      cmocka_unit_test(test_cp2k_input),
      cmocka_unit_test(test_cp2k_stress),
      cmocka_unit_test(test_magres_old_layout),
      cmocka_unit_test(test_magres_fused_labels),
      cmocka_unit_test(test_magres_bad_input),
      cmocka_unit_test(test_label_files),
      cmocka_unit_test(test_label_files_agree),
      cmocka_unit_test(test_cp2k_matches_reference),
      cmocka_unit_test(test_cp2k_units_and_physics),
      cmocka_unit_test(test_magres_files),
  };
  return UFP_TEST_MAIN("efg_labels", tests);
}
