/* test_extxyz.c -- extended XYZ reader and writer: bit-exact round trips,
 * the shared data files written by ASE and others, defaults and aliases, and
 * one test per kind of malformed input. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elements.h"
#include "extxyz.h"
#include "test_util.h"

/* ------------------------------------------------------------------ helpers */


/* Bitwise equality of doubles (distinguishes -0.0 and keeps NaN payloads). */
static void assert_same_double(double a, double b)
{
  if (memcmp(&a, &b, sizeof a) != 0) fail_msg("%.17g != %.17g (bitwise)", a, b);
}

/* Every field of a and b identical, bit for bit. */
static void assert_same_structure(const UfpStructure *a, const UfpStructure *b)
{
  assert_int_equal(a->natoms, b->natoms);
  assert_int_equal(a->has_lattice, b->has_lattice);
  for (int k = 0; k < 3; k++)
    assert_int_equal(a->pbc[k], b->pbc[k]);
  for (int m = 0; m < 3; m++)
    for (int k = 0; k < 3; k++)
      assert_same_double(a->lattice[m][k], b->lattice[m][k]);
  for (int i = 0; i < a->natoms; i++) {
    assert_string_equal(a->species[i], b->species[i]);
    assert_int_equal(a->z[i], b->z[i]);
    for (int k = 0; k < 3; k++)
      assert_same_double(a->x[i][k], b->x[i][k]);
  }
  assert_int_equal(a->ncolumns, b->ncolumns);
  for (int c = 0; c < a->ncolumns; c++) {
    const UfpAtomColumn *ca = &a->columns[c], *cb = &b->columns[c];
    const int count = a->natoms * ca->ncols;
    assert_string_equal(ca->name, cb->name);
    assert_int_equal(ca->type, cb->type);
    assert_int_equal(ca->ncols, cb->ncols);
    for (int m = 0; m < count; m++) {
      if (ca->type == 'R')
        assert_same_double(ca->real[m], cb->real[m]);
      else if (ca->type == 'S')
        assert_string_equal(ca->string[m], cb->string[m]);
      else
        assert_int_equal(ca->integer[m], cb->integer[m]);
    }
  }
  assert_int_equal(a->ninfo, b->ninfo);
  for (int k = 0; k < a->ninfo; k++) {
    const UfpInfoValue *va = &a->info[k], *vb = &b->info[k];
    assert_string_equal(va->name, vb->name);
    assert_int_equal(va->type, vb->type);
    assert_int_equal(va->n, vb->n);
    for (int m = 0; m < va->n; m++) {
      if (va->type == 'R')
        assert_same_double(va->real[m], vb->real[m]);
      else if (va->type != 'S')
        assert_int_equal(va->integer[m], vb->integer[m]);
    }
    if (va->type == 'S') assert_string_equal(va->string, vb->string);
  }
}

/* Write frames with UfpExtxyzWriteAll, read them back, compare bit for bit. */
static void assert_round_trip(const char *name, int nframes, UfpStructure *const *frames)
{
  const char *tmp = ufp_test_tmp(name);
  char path[4096];
  int nback = 0;
  UfpStructure **back = NULL;
  snprintf(path, sizeof path, "%s", tmp);
  assert_ufp_ok(UfpExtxyzWriteAll(MPI_COMM_WORLD, path, 0, nframes, frames));
  assert_ufp_ok(UfpExtxyzReadAll(path, &nback, &back));
  assert_int_equal(nback, nframes);
  for (int f = 0; f < nframes; f++)
    assert_same_structure(frames[f], back[f]);
  assert_ufp_ok(UfpStructureArrayDestroy(nback, &back));
  assert_null(back);
}

/* Deterministic doubles with full 53-bit mantissas over many magnitudes. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static double random_double(double scale)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  double unit = (double)(rng_state >> 11) / 9007199254740992.0; /* [0, 1) */
  return scale * (2.0 * unit - 1.0);
}

static int count_z(const UfpStructure *s, int z)
{
  int n = 0;
  for (int i = 0; i < s->natoms; i++)
    n += s->z[i] == z;
  return n;
}

/* -------------------------------------------------- synthetic round trip */

/* A triclinic frame with every column and info type. */
static void make_synthetic(int natoms, int variant, UfpStructure **out)
{
  static const char *const labels[] = {"Li", "P", "S", "Xx", "W"};
  UfpStructure *s;
  UfpAtomColumn *forces, *efg, *tag, *fixed, *label;

  assert_ufp_ok(UfpStructureCreate(natoms, &s));
  const double lattice[3][3] = {{7.123456789012345, 0.0, 0.0},
                                {-1.25 + random_double(0.1), 6.5 + random_double(1.0), 0.0},
                                {0.3, random_double(1.0), 8.0 + random_double(1e-3)}};
  memcpy(s->lattice, lattice, sizeof lattice);
  s->has_lattice = 1;
  s->pbc[0] = 1;
  s->pbc[1] = variant % 2;
  s->pbc[2] = 1;
  assert_ufp_ok(UfpStructureAddColumn(s, "forces", 'R', 3, &forces));
  assert_ufp_ok(UfpStructureAddColumn(s, "efg", 'R', 9, &efg));
  assert_ufp_ok(UfpStructureAddColumn(s, "tag", 'I', 1, &tag));
  assert_ufp_ok(UfpStructureAddColumn(s, "fixed", 'L', 1, &fixed));
  assert_ufp_ok(UfpStructureAddColumn(s, "label", 'S', 1, &label));
  /* Re-fetch: adding columns may move the array. */
  forces = UfpStructureFindColumn(s, "forces");
  efg = UfpStructureFindColumn(s, "efg");
  tag = UfpStructureFindColumn(s, "tag");
  fixed = UfpStructureFindColumn(s, "fixed");
  label = UfpStructureFindColumn(s, "label");
  for (int i = 0; i < natoms; i++) {
    assert_ufp_ok(UfpStructureSetSpecies(s, i, labels[(i + variant) % 5]));
    for (int k = 0; k < 3; k++) {
      s->x[i][k] = random_double(20.0);
      forces->real[3 * i + k] = random_double(pow(10.0, (i + k) % 7 - 3));
    }
    for (int m = 0; m < 9; m++)
      efg->real[9 * i + m] = random_double(1e-2);
    tag->integer[i] = (long)i * 1000003L - 7;
    fixed->integer[i] = (i + variant) % 3 == 0;
    snprintf(label->string[i], UFP_LABEL_MAX, "site_%d-%c", i, 'a' + variant);
  }
  /* Awkward reals: zero, negative zero, integral, tiny, subnormal, huge. */
  if (natoms >= 2) {
    s->x[0][0] = 0.0;
    s->x[0][1] = -0.0;
    s->x[0][2] = 3.0;
    forces->real[3] = 1e-300;
    forces->real[4] = 4.9e-324;
    forces->real[5] = 1.7976931348623157e308;
  }
  const double energy = -1234.5678901234567 + random_double(1.0);
  double virial[9], stress[9], three[3] = {1.0, 2.0, -0.0};
  for (int m = 0; m < 9; m++) {
    virial[m] = random_double(50.0);
    stress[m] = random_double(1e-3);
  }
  const long count = 42 + variant, flags[3] = {1, 0, 1}, ints[4] = {-3, 0, 7, 123456789012L};
  assert_ufp_ok(UfpStructureSetInfoReal(s, "energy", 1, &energy));
  assert_ufp_ok(UfpStructureSetInfoReal(s, "virial", 9, virial));
  assert_ufp_ok(UfpStructureSetInfoReal(s, "stress", 9, stress));
  assert_ufp_ok(UfpStructureSetInfoReal(s, "integral_reals", 3, three));
  assert_ufp_ok(UfpStructureSetInfoInt(s, "step", 'I', 1, &count));
  assert_ufp_ok(UfpStructureSetInfoInt(s, "ints", 'I', 4, ints));
  assert_ufp_ok(UfpStructureSetInfoInt(s, "converged", 'L', 1, &flags[variant % 2]));
  assert_ufp_ok(UfpStructureSetInfoInt(s, "mask", 'L', 3, flags));
  assert_ufp_ok(UfpStructureSetInfoString(s, "config_type", "md_bulk"));
  assert_ufp_ok(UfpStructureSetInfoString(s, "note", "a \"quoted\" word, a back\\slash and x=1"));
  assert_ufp_ok(UfpStructureSetInfoString(s, "empty", ""));
  *out = s;
}

static void test_round_trip_synthetic(void **state)
{
  (void)state;
  UfpStructure *frames[4];
  make_synthetic(7, 0, &frames[0]);
  make_synthetic(3, 1, &frames[1]);
  make_synthetic(11, 2, &frames[2]);
  /* A molecule: no lattice, no columns, no info. */
  assert_ufp_ok(UfpStructureCreate(2, &frames[3]));
  assert_ufp_ok(UfpStructureSetSpecies(frames[3], 0, "H"));
  assert_ufp_ok(UfpStructureSetSpecies(frames[3], 1, "H"));
  frames[3]->x[1][2] = 0.7414;
  assert_round_trip("extxyz_synthetic.extxyz", 4, frames);

  /* The reals stayed reals and the strings kept their quotes and escapes. */
  int n;
  UfpStructure **back;
  char path[4096];
  snprintf(path, sizeof path, "%s", ufp_test_tmp("extxyz_synthetic2.extxyz"));
  assert_ufp_ok(UfpExtxyzWriteAll(MPI_COMM_WORLD, path, 0, 4, frames));
  assert_ufp_ok(UfpExtxyzReadAll(path, &n, &back));
  assert_int_equal(UfpStructureFindInfo(back[0], "integral_reals")->type, 'R');
  assert_string_equal(ufp_test_info_string(back[1], "note"), "a \"quoted\" word, a back\\slash and x=1");
  assert_string_equal(ufp_test_info_string(back[1], "empty"), "");
  assert_int_equal(back[3]->has_lattice, 0);
  assert_int_equal(back[3]->pbc[0] + back[3]->pbc[1] + back[3]->pbc[2], 0);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &back));

  /* A complete output is not replaced unless asked. */
  assert_ufp_fails(UfpExtxyzWriteAll(MPI_COMM_WORLD, path, 0, 1, frames), UFP_ERR_IO, "already exists");
  assert_ufp_ok(UfpExtxyzWriteAll(MPI_COMM_WORLD, path, 1, 1, frames));
  assert_ufp_ok(UfpExtxyzReadAll(path, &n, &back));
  assert_int_equal(n, 1);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &back));
  for (int f = 0; f < 4; f++)
    assert_ufp_ok(UfpStructureDestroy(&frames[f]));
}

/* The header line follows ASE's order: Lattice, Properties, info, pbc. */
static void test_write_layout(void **state)
{
  (void)state;
  UfpStructure *s;
  char text[1024];
  assert_ufp_ok(UfpStructureCreate(1, &s));
  s->lattice[0][0] = 12.819;
  s->lattice[1][1] = 8.22;
  s->lattice[2][2] = 6.1235;
  s->has_lattice = 1;
  s->pbc[0] = s->pbc[1] = s->pbc[2] = 1;
  assert_ufp_ok(UfpStructureSetSpecies(s, 0, "Li"));
  s->x[0][0] = 4.561;
  const double energy = -2.5;
  assert_ufp_ok(UfpStructureSetInfoReal(s, "energy", 1, &energy));
  assert_ufp_ok(UfpStructureAddColumn(s, "forces", 'R', 3, NULL));
  FILE *fp = tmpfile(); /* private to this rank */
  assert_non_null(fp);
  assert_ufp_ok(UfpExtxyzWriteFrame(fp, s));
  rewind(fp);
  assert_non_null(fgets(text, sizeof text, fp));
  assert_string_equal(text, "1\n");
  assert_non_null(fgets(text, sizeof text, fp));
  assert_string_equal(text, "Lattice=\"12.819 0.0 0.0 0.0 8.22 0.0 0.0 0.0 6.1235\" "
                            "Properties=species:S:1:pos:R:3:forces:R:3 energy=-2.5 pbc=\"T T T\"\n");
  fclose(fp);
  assert_ufp_ok(UfpStructureDestroy(&s));
  assert_ufp_ok(UfpStructureDestroy(&s)); /* NULL is fine */
}

/* --------------------------------------------------------- shared data */

static void read_shared(const char *relative, int *n, UfpStructure ***frames)
{
  const char *path = ufp_test_shared(relative);
  assert_ufp_ok(UfpExtxyzReadAll(path, n, frames));
}

static void test_shared_beta(void **state)
{
  (void)state;
  int n;
  UfpStructure **f;
  read_shared("structures/beta_Li3PS4_Pnma_ordered.extxyz", &n, &f);
  assert_int_equal(n, 1);
  UfpStructure *s = f[0];
  assert_int_equal(s->natoms, 32);
  assert_int_equal(count_z(s, 3), 12);
  assert_int_equal(count_z(s, 15), 4);
  assert_int_equal(count_z(s, 16), 16);
  assert_int_equal(s->has_lattice, 1);
  assert_true(s->lattice[0][0] == 12.819 && s->lattice[1][1] == 8.22 && s->lattice[2][2] == 6.1235);
  assert_true(s->lattice[0][1] == 0.0 && s->lattice[2][0] == 0.0);
  assert_true(s->pbc[0] && s->pbc[1] && s->pbc[2]);
  assert_string_equal(s->species[0], "Li");
  assert_true(s->x[0][0] == 4.561 && s->x[0][1] == 0.109326 && s->x[0][2] == 2.690054);
  assert_string_equal(s->species[31], "S");
  assert_true(s->x[31][0] == 11.448649 && s->x[31][1] == 6.165 && s->x[31][2] == 0.999355);
  assert_int_equal(s->ncolumns, 0);
  assert_non_null(strstr(ufp_test_info_string(s, "comment"), "beta-Li3PS4 Pnma ordered model"));
  assert_round_trip("extxyz_beta.extxyz", n, f);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &f));
}

static void test_shared_gamma(void **state)
{
  (void)state;
  int n;
  UfpStructure **f;
  read_shared("structures/gamma_Li3PS4_Pmn21.extxyz", &n, &f);
  assert_int_equal(n, 1);
  UfpStructure *s = f[0];
  assert_int_equal(s->natoms, 16);
  assert_int_equal(count_z(s, 3), 6);
  assert_int_equal(count_z(s, 15), 2);
  assert_int_equal(count_z(s, 16), 8);
  assert_true(s->lattice[0][0] == 7.70829 && s->lattice[1][1] == 6.53521 && s->lattice[2][2] == 6.1365);
  assert_string_equal(s->species[5], "Li");
  assert_true(s->x[5][0] == 0.0 && s->x[5][1] == 0.947605 && s->x[5][2] == 2.982339);
  assert_non_null(strstr(ufp_test_info_string(s, "comment"), "ICSD 180318"));
  assert_round_trip("extxyz_gamma.extxyz", n, f);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &f));
}

static void test_shared_efg(void **state)
{
  (void)state;
  int n;
  UfpStructure **f;
  read_shared("efg/lps_cp2k_efg_train.extxyz", &n, &f);
  assert_int_equal(n, 32);
  UfpStructure *s = f[0];
  assert_int_equal(s->natoms, 16);
  assert_true(ufp_test_info_real(s, "energy") == -3814.1552391499);
  assert_string_equal(ufp_test_info_string(s, "source"), "train_000");
  assert_string_equal(ufp_test_info_string(s, "efg_units"), "atomic");
  UfpAtomColumn *efg = UfpStructureFindColumn(s, "efg"), *forces = UfpStructureFindColumn(s, "forces");
  assert_non_null(efg);
  assert_non_null(forces);
  assert_int_equal(efg->type, 'R');
  assert_int_equal(efg->ncols, 9);
  assert_int_equal(forces->ncols, 3);
  assert_true(efg->real[0] == 7.2658708075e-03 && efg->real[4] == -1.1280890344e-02);
  assert_true(forces->real[0] == -0.2257073950 && forces->real[2] == 0.5142103903);
  /* Frame 1 is monoclinic-like: b has an x component. */
  assert_int_equal(f[1]->natoms, 32);
  assert_true(f[1]->lattice[1][0] == -0.5293263239 && f[1]->lattice[2][0] == -0.0000290803);
  assert_true(ufp_test_info_real(f[1], "energy") == -7626.3127089894);
  /* Last frame, last atom. */
  s = f[31];
  assert_string_equal(ufp_test_info_string(s, "source"), "train_078");
  efg = UfpStructureFindColumn(s, "efg");
  assert_string_equal(s->species[s->natoms - 1], "S");
  assert_true(s->x[s->natoms - 1][0] == 2.20225111);
  assert_true(efg->real[9 * (s->natoms - 1) + 8] == 7.8961138436e-02);
  /* The EFG is symmetric and traceless to the printed precision. */
  for (int i = 0; i < s->natoms; i++) {
    const double *v = &efg->real[9 * i];
    assert_true(v[1] == v[3] && v[2] == v[6] && v[5] == v[7]);
    assert_true(fabs(v[0] + v[4] + v[8]) < 1e-6);
  }
  assert_round_trip("extxyz_efg.extxyz", n, f);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &f));
}

static void test_shared_gigli(void **state)
{
  (void)state;
  int n;
  UfpStructure **f;
  read_shared("dft/lps_gigli2024_sample/train.xyz", &n, &f);
  assert_int_equal(n, 80);
  UfpStructure *s = f[0];
  assert_int_equal(s->natoms, 16);
  assert_true(ufp_test_info_real(s, "energy") == -71.04302788871883);
  assert_true(ufp_test_info_real(s, "mtt::r2scan_energy") == -112.58644215);
  assert_true(s->lattice[0][0] == 6.0292863588177 && s->lattice[2][2] == 7.6143254496873);
  UfpAtomColumn *forces = UfpStructureFindColumn(s, "forces");
  assert_non_null(forces);
  assert_true(forces->real[0] == -0.14694656 && forces->real[2] == 0.46389373);
  assert_true(s->x[0][0] == 3.1236153);
  /* ASE wrote the masses column from its table: ours must agree exactly. */
  for (int k = 0; k < n; k++) {
    UfpAtomColumn *masses = UfpStructureFindColumn(f[k], "masses");
    assert_non_null(masses);
    assert_int_equal(masses->ncols, 1);
    assert_non_null(UfpStructureFindColumn(f[k], "forces"));
    for (int i = 0; i < f[k]->natoms; i++) {
      assert_true(f[k]->z[i] > 0);
      if (masses->real[i] != UfpElementMass(f[k]->z[i]))
        fail_msg("frame %d atom %d (%s): file mass %.17g, table %.17g", k, i, f[k]->species[i],
                 masses->real[i], UfpElementMass(f[k]->z[i]));
    }
  }
  s = f[79];
  assert_true(ufp_test_info_real(s, "energy") == -135.2928005134363);
  assert_true(s->lattice[2][2] == 14.191774929346);
  assert_round_trip("extxyz_gigli.extxyz", n, f);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &f));
}

static void test_shared_tungsten(void **state)
{
  (void)state;
  int n;
  UfpStructure **f;
  /* Fortran E format, Lattice after other keys, no pbc key, no final newline. */
  read_shared("uf3/W_dft_5frames.xyz", &n, &f);
  assert_int_equal(n, 5);
  for (int k = 0; k < n; k++) {
    UfpStructure *s = f[k];
    assert_int_equal(s->natoms, 128);
    assert_int_equal(count_z(s, 74), 128);
    assert_true(s->pbc[0] && s->pbc[1] && s->pbc[2]);
    assert_true(s->lattice[0][0] == 12.72199597962937 && s->lattice[2][2] == 12.72199597962937);
    assert_string_equal(ufp_test_info_string(s, "config_type"), "md_bulk");
    UfpAtomColumn *z = UfpStructureFindColumn(s, "Z"), *force = UfpStructureFindColumn(s, "force");
    assert_non_null(z);
    assert_non_null(force);
    assert_int_equal(z->type, 'I');
    for (int i = 0; i < s->natoms; i++)
      assert_int_equal(z->integer[i], 74);
  }
  assert_true(ufp_test_info_real(f[0], "energy") == -1431.629494590219);
  assert_true(ufp_test_info_real(f[4], "energy") == -1431.622737145110);
  assert_true(f[0]->x[0][0] == 2.630432203233296E-02 && f[0]->x[0][1] == -1.504028116204702E-02);
  assert_true(UfpStructureFindColumn(f[0], "force")->real[0] == -4.742581516823975E-01);
  assert_true(f[4]->x[127][0] == 1.114400142101141E+01);
  assert_round_trip("extxyz_tungsten.extxyz", n, f);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &f));
}

static void test_shared_dpgen_glass(void **state)
{
  (void)state;
  int n;
  UfpStructure **f;
  read_shared("dft/lps_aau_dpgen/glass_Li91P35S129_b_255at.extxyz", &n, &f);
  assert_int_equal(n, 23);
  UfpStructure *s = f[0];
  assert_int_equal(s->natoms, 255);
  assert_int_equal(count_z(s, 3), 91);
  assert_int_equal(count_z(s, 15), 35);
  assert_int_equal(count_z(s, 16), 129);
  assert_true(s->lattice[1][0] == -0.37400001 && s->lattice[2][1] == -0.057);
  assert_true(ufp_test_info_real(s, "energy") == -60854.71875);
  UfpInfoValue *virial = UfpStructureFindInfo(s, "virial");
  assert_non_null(virial);
  assert_int_equal(virial->type, 'R');
  assert_int_equal(virial->n, 9);
  assert_true(virial->real[0] == -22.96435165 && virial->real[1] == 8.65213776 &&
              virial->real[8] == -9.39571667);
  assert_true(virial->real[1] == virial->real[3]);
  assert_string_equal(ufp_test_info_string(s, "source"), "glass_Li91P35S129_iter.000002_data.002 frame 0");
  assert_true(ufp_test_info_real(f[22], "energy") == -60847.55859375);
  assert_true(f[22]->x[254][1] == 14.32737732);
  assert_round_trip("extxyz_glass.extxyz", n, f);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &f));
}

/* ---------------------------------------------------- conventions and defaults */

static void test_defaults_and_aliases(void **state)
{
  (void)state;
  int n;
  UfpStructure **f;
  const char *path = ufp_test_write_tmp("extxyz_defaults.xyz",
                               /* frame 0: plain XYZ with a free-text comment */
                               "2\n"
                               "water-ish molecule\n"
                               "O 0 0 0\n"
                               "H 0.0 0.0 0.96\n"
                               /* frame 1: Lattice without pbc, aliases, Voigt stress, typed info, CRLF */
                               "1\r\n"
                               "Lattice = \"2 0 0 0 3 0 0 0 4\" Properties=symbols:S:1:positions:R:3:q:R:1 "
                               "stress=\"1 2 3 4 5 6\" nsteps=10 temp=300.5 done ok=F mask={T F T} "
                               "ints=[1, 2, 3] label='x' quoted=\"he said \\\"hi\\\"\"\r\n"
                               "Na 1.0D+00 2.0d0 3.0E0 -0.5\r\n"
                               /* frame 2: explicit pbc without Lattice, trailing blank lines */
                               "1\n"
                               "pbc=\"F T F\" energy=7\n"
                               "Cl 0 0 0\n"
                               "\n\n   \n");
  assert_ufp_ok(UfpExtxyzReadAll(path, &n, &f));
  assert_int_equal(n, 3);

  UfpStructure *s = f[0];
  assert_int_equal(s->has_lattice, 0);
  assert_int_equal(s->pbc[0] + s->pbc[1] + s->pbc[2], 0);
  assert_int_equal(s->z[0], 8);
  assert_true(s->x[1][2] == 0.96);
  assert_int_equal(UfpStructureFindInfo(s, "molecule")->type, 'L');

  s = f[1];
  assert_int_equal(s->has_lattice, 1);
  assert_true(s->pbc[0] && s->pbc[1] && s->pbc[2]);
  assert_true(s->lattice[1][1] == 3.0 && s->lattice[2][2] == 4.0);
  assert_string_equal(s->species[0], "Na");
  assert_int_equal(s->z[0], 11);
  assert_true(s->x[0][0] == 1.0 && s->x[0][1] == 2.0 && s->x[0][2] == 3.0);
  assert_int_equal(s->ncolumns, 1);
  assert_true(UfpStructureFindColumn(s, "q")->real[0] == -0.5);
  const UfpInfoValue *stress = UfpStructureFindInfo(s, "stress");
  const double voigt_full[9] = {1, 6, 5, 6, 2, 4, 5, 4, 3};
  assert_int_equal(stress->n, 9);
  for (int m = 0; m < 9; m++)
    assert_true(stress->real[m] == voigt_full[m]);
  assert_int_equal(UfpStructureFindInfo(s, "nsteps")->type, 'I');
  assert_int_equal(UfpStructureFindInfo(s, "nsteps")->integer[0], 10);
  assert_int_equal(UfpStructureFindInfo(s, "temp")->type, 'R');
  assert_int_equal(UfpStructureFindInfo(s, "done")->type, 'L');
  assert_int_equal(UfpStructureFindInfo(s, "done")->integer[0], 1);
  assert_int_equal(UfpStructureFindInfo(s, "ok")->integer[0], 0);
  const UfpInfoValue *mask = UfpStructureFindInfo(s, "mask");
  assert_int_equal(mask->type, 'L');
  assert_int_equal(mask->n, 3);
  assert_int_equal(mask->integer[1], 0);
  const UfpInfoValue *ints = UfpStructureFindInfo(s, "ints");
  assert_int_equal(ints->type, 'I');
  assert_int_equal(ints->n, 3);
  assert_int_equal(ints->integer[2], 3);
  assert_string_equal(ufp_test_info_string(s, "label"), "'x'");
  assert_string_equal(ufp_test_info_string(s, "quoted"), "he said \"hi\"");

  s = f[2];
  assert_int_equal(s->has_lattice, 0);
  assert_true(!s->pbc[0] && s->pbc[1] && !s->pbc[2]);
  assert_int_equal(UfpStructureFindInfo(s, "energy")->type, 'R');
  assert_true(ufp_test_info_real(s, "energy") == 7.0);
  assert_ufp_ok(UfpStructureArrayDestroy(n, &f));
}

/* Frame-by-frame reading keeps the line counter and reports the end. */
static void test_read_frame_stream(void **state)
{
  (void)state;
  const char *path = ufp_test_write_tmp("extxyz_stream.xyz", "1\n\nH 0 0 0\n2\nenergy=1.5\nH 0 0 0\nH 0 0 1\n");
  FILE *fp = fopen(path, "r");
  long line = 0;
  int at_eof;
  UfpStructure *s;
  assert_ufp_ok(UfpExtxyzReadFrame(fp, path, 0, &line, &s, &at_eof));
  assert_int_equal(at_eof, 0);
  assert_int_equal(line, 3);
  assert_int_equal(s->natoms, 1);
  assert_ufp_ok(UfpStructureDestroy(&s));
  assert_ufp_ok(UfpExtxyzReadFrame(fp, path, 1, &line, &s, &at_eof));
  assert_int_equal(line, 7);
  assert_int_equal(s->natoms, 2);
  assert_true(ufp_test_info_real(s, "energy") == 1.5);
  assert_ufp_ok(UfpStructureDestroy(&s));
  assert_ufp_ok(UfpExtxyzReadFrame(fp, path, 2, &line, &s, &at_eof));
  assert_int_equal(at_eof, 1);
  assert_null(s);
  fclose(fp);
}

/* ------------------------------------------------------------- bad input */

/* Reading text must fail with UFP_ERR_INPUT and a message holding fragment. */
static void expect_bad(const char *text, const char *fragment)
{
  int n = -1;
  UfpStructure **f = (UfpStructure **)&n; /* must come back NULL */
  const char *path = ufp_test_write_tmp("extxyz_bad.xyz", text);
  assert_ufp_fails(UfpExtxyzReadAll(path, &n, &f), UFP_ERR_INPUT, fragment);
  assert_null(f);
  assert_int_equal(n, 0);
}

static void test_bad_atom_count(void **state)
{
  (void)state;
  expect_bad("abc\n\nH 0 0 0\n", "extxyz_bad.xyz:1 (frame 0): expected the number of atoms");
  expect_bad("3.5\n\nH 0 0 0\n", "found \"3.5\"");
  expect_bad("2 atoms\n\nH 0 0 0\nH 0 0 1\n", "expected the number of atoms");
  expect_bad("-2\n\nH 0 0 0\n", "negative number of atoms (-2)");
  expect_bad("1\n\nH 0 0 0\nx\n\nH 0 0 0\n", "extxyz_bad.xyz:4 (frame 1): expected the number of atoms");
  expect_bad("", "no frames");
}

static void test_bad_truncated(void **state)
{
  (void)state;
  expect_bad("3\nProperties=species:S:1:pos:R:3\nH 0 0 0\nH 0 0 1\n",
             "extxyz_bad.xyz:5 (frame 0): the file is truncated: expected 3 atom lines, found 2");
  expect_bad("1\n\nH 0 0 0\n2\n", "extxyz_bad.xyz:5 (frame 1): the file is truncated: expected the comment");
  /* Fewer atom lines than declared, then the next frame. */
  expect_bad("3\n\nH 0 0 0\nH 0 0 1\n1\n\nH 0 0 0\n",
             "extxyz_bad.xyz:5 (frame 0): expected 4 columns (species:S:1 "
             "pos:R:3), found 1 (this looks like the atom count");
}

static void test_bad_columns(void **state)
{
  (void)state;
  expect_bad("2\nLattice=\"1 0 0 0 1 0 0 0 1\" Properties=species:S:1:pos:R:3:forces:R:3\nLi 0 0 0 1 2 3\nLi "
             "0 0 0 1\n",
             "extxyz_bad.xyz:4 (frame 0): expected 7 columns (species:S:1 pos:R:3 forces:R:3), found 5");
  expect_bad("1\n\nH 0 abc 0\n",
             "extxyz_bad.xyz:3 (frame 0): column 3 (pos): expected a real number, found \"abc\"");
  expect_bad("1\nProperties=species:S:1:pos:R:3:n:I:1\nH 0 0 0 1.5\n",
             "column 5 (n): expected an integer, found \"1.5\"");
  expect_bad("1\nProperties=species:S:1:pos:R:3:fix:L:1\nH 0 0 0 yes\n",
             "column 5 (fix): expected a logical (T or F), found \"yes\"");
  expect_bad("1\n\nAbcdefghijklmnopqrstuvwxyz0123456789 0 0 0\n", "longer than 31 characters");
}

static void test_bad_lattice(void **state)
{
  (void)state;
  expect_bad(
      "1\nLattice=\"1 0 0 0 1 0 0 0\"\nH 0 0 0\n",
      "extxyz_bad.xyz:2 (frame 0): expected Lattice=\"ax ay az bx by bz cx cy cz\" (9 numbers), found 8");
  expect_bad("1\nLattice=\"1 0 0 0 1 0 0 0 1 1\"\nH 0 0 0\n", "found 10");
  expect_bad("1\nLattice=\"1 0 0 0 1 0 1 1 0\"\nH 0 0 0\n", "Lattice is singular");
  expect_bad("1\nLattice=\"1 0 0 0 x 0 0 0 1\"\nH 0 0 0\n", "Lattice: expected a number, found \"x\"");
  expect_bad("1\nLattice\nH 0 0 0\n", "Lattice needs a value");
}

static void test_bad_properties(void **state)
{
  (void)state;
  expect_bad("1\nProperties=species:S:1:pos:R:3:foo:X:1\nH 0 0 0 1\n",
             "extxyz_bad.xyz:2 (frame 0): Properties: unknown property type \"X\" for foo");
  expect_bad("1\nProperties=species:S:1:pos:R\nH 0 0 0\n", "name:type:ncols triples");
  expect_bad("1\nProperties=species:S:1:pos:R:3:\nH 0 0 0\n", "name:type:ncols triples");
  expect_bad("1\nProperties=species:S:1:forces:R:3\nH 0 0 0\n", "has no pos");
  expect_bad("1\nProperties=pos:R:3\n0 0 0\n", "has no species");
  expect_bad("1\nProperties=species:S:1:pos:R:2\nH 0 0\n", "expected pos:R:3, found pos:R:2");
  expect_bad("1\nProperties=species:S:1:pos:R:3:q:R:0\nH 0 0 0\n", "positive column count");
  expect_bad("1\nProperties=species:S:1:pos:R:3:q:R:1:q:R:1\nH 0 0 0 1 1\n", "q is given twice");
}

static void test_bad_comment_values(void **state)
{
  (void)state;
  expect_bad("1\nLattice=\"1 0 0 0 1 0 0 0 1 pbc=T\nH 0 0 0\n",
             "extxyz_bad.xyz:2 (frame 0): unterminated quote");
  expect_bad("1\ncomment=\"no end\nH 0 0 0\n", "unterminated quote: the value of comment");
  expect_bad("1\nmask={T F\nH 0 0 0\n", "unterminated quote");
  expect_bad("1\npbc=\"T T\"\nH 0 0 0\n", "expected pbc=\"T T T\" (3 logicals), found 2");
  expect_bad("1\npbc=\"T X T\"\nH 0 0 0\n", "pbc: expected T or F, found \"X\"");
  expect_bad("1\nstress=\"1 2 3 4 5\"\nH 0 0 0\n", "stress with 9 numbers (3x3) or 6");
  expect_bad("1\nvirial=\"1 2 3\"\nH 0 0 0\n", "virial with 9 numbers");
  expect_bad("1\nenergy=low\nH 0 0 0\n", "energy: expected a number, found \"low\"");
  expect_bad("1\n=5\nH 0 0 0\n", "without a key");
}

static void test_bad_io(void **state)
{
  (void)state;
  int n;
  UfpStructure **f;
  assert_ufp_fails(UfpExtxyzReadAll("/nonexistent/dir/x.xyz", &n, &f), UFP_ERR_IO,
                   "cannot open /nonexistent/dir/x.xyz");
  assert_ufp_ok(UfpStructureArrayDestroy(0, NULL));
  /* A structure that cannot be written is refused before anything is written. */
  UfpStructure *s;
  assert_ufp_ok(UfpStructureCreate(1, &s));
  assert_ufp_ok(UfpStructureSetSpecies(s, 0, "H"));
  assert_ufp_ok(UfpStructureSetInfoString(s, "bad key", "x"));
  const char *path = ufp_test_tmp("extxyz_unwritable.xyz");
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", path);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  /* Rank 0 writes and sees the reason; the others learn that rank 0 failed. */
  assert_ufp_fails(UfpExtxyzWriteAll(MPI_COMM_WORLD, copy, 0, 1, &s), UFP_ERR_INPUT,
                   rank == 0 ? "info key \"bad key\"" : "rank 0 failed");
  FILE *fp = fopen(copy, "r");
  assert_null(fp); /* neither the output ... */
  strcat(copy, ".partial");
  fp = fopen(copy, "r");
  assert_null(fp); /* ... nor a partial file is left behind */
  assert_ufp_ok(UfpStructureDestroy(&s));
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_synthetic),
      cmocka_unit_test(test_write_layout),
      cmocka_unit_test(test_shared_beta),
      cmocka_unit_test(test_shared_gamma),
      cmocka_unit_test(test_shared_efg),
      cmocka_unit_test(test_shared_gigli),
      cmocka_unit_test(test_shared_tungsten),
      cmocka_unit_test(test_shared_dpgen_glass),
      cmocka_unit_test(test_defaults_and_aliases),
      cmocka_unit_test(test_read_frame_stream),
      cmocka_unit_test(test_bad_atom_count),
      cmocka_unit_test(test_bad_truncated),
      cmocka_unit_test(test_bad_columns),
      cmocka_unit_test(test_bad_lattice),
      cmocka_unit_test(test_bad_properties),
      cmocka_unit_test(test_bad_comment_values),
      cmocka_unit_test(test_bad_io),
  };
  return UFP_TEST_MAIN("extxyz", tests);
}
