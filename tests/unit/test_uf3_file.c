/* test_uf3_file.c -- UF3 potential model and files: the LAMMPS unified
 * format (Nb, synthetic Li-P-S), the old per-interaction format (W_W,
 * W_W_W), the uf3 JSON model, bit-exact write/read round trips (LAMMPS and
 * JSON, the latter with one-body energies and an asymmetric triplet), the
 * JSON reader, and bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "image_list.h"
#include "json.h"
#include "parallel.h"
#include "test_potential.h"
#include "test_util.h"
#include "uf3_file.h"
#include "uf3_force.h"
#include "uf3_potential.h"

/* Canonical triplet coefficient C[l][m][n] of block [a][b][c]. */
static double c3(const Uf3Potential *pot, int a, int b, int c, int l, int m, int n)
{
  int nel = pot->nelements;
  const Uf3Spline3D *t = &pot->triplet[(a * nel + b) * nel + c];
  int n1 = t->nknots[1] - 4, n2 = t->nknots[2] - 4;
  return t->coeff[(l * n1 + m) * n2 + n];
}

static int idx(const Uf3Potential *pot, const char *el)
{
  int i = Uf3PotentialElementIndex(pot, el);
  if (i < 0) fail_msg("element %s missing", el);
  return i;
}

/* Every number and flag equal, bit for bit (one-body energies excepted:
 * the LAMMPS format drops them). */
static void assert_same_potential(const Uf3Potential *x, const Uf3Potential *y)
{
  int nel = x->nelements;
  assert_int_equal(nel, y->nelements);
  for (int a = 0; a < nel; a++)
    assert_string_equal(x->elements[a], y->elements[a]);
  for (int i = 0; i < nel * nel; i++) {
    const Uf3Spline1D *s = &x->pair[i], *t = &y->pair[i];
    assert_int_equal(x->has_pair[i], y->has_pair[i]);
    assert_int_equal(s->nknots, t->nknots);
    assert_int_equal(s->leading_trim, t->leading_trim);
    assert_int_equal(s->trailing_trim, t->trailing_trim);
    assert_memory_equal(s->knots, t->knots, (size_t)s->nknots * sizeof(double));
    assert_memory_equal(s->coeff, t->coeff, (size_t)(s->nknots - 4) * sizeof(double));
  }
  assert_int_equal(x->has_3body, y->has_3body);
  for (int i = 0; i < nel * nel * nel; i++) {
    const Uf3Spline3D *s = &x->triplet[i], *t = &y->triplet[i];
    assert_int_equal(x->has_triplet[i], y->has_triplet[i]);
    if (!x->has_triplet[i]) continue;
    size_t n = 1;
    for (int d = 0; d < 3; d++) {
      assert_int_equal(s->nknots[d], t->nknots[d]);
      assert_memory_equal(s->knots[d], t->knots[d], (size_t)s->nknots[d] * sizeof(double));
      n *= (size_t)(s->nknots[d] - 4);
    }
    assert_int_equal(s->leading_trim, t->leading_trim);
    assert_int_equal(s->trailing_trim, t->trailing_trim);
    assert_memory_equal(s->coeff, t->coeff, n * sizeof(double));
  }
}

/* Write pot, read it back (same element map), compare. */
static void round_trip(const Uf3Potential *pot, const char *name)
{
  const char *tmp = ufp_test_tmp(name);
  char path[4096];
  snprintf(path, sizeof path, "%s", tmp);
  assert_ufp_ok(Uf3PotentialWrite(MPI_COMM_WORLD, path, 0, pot));
  Uf3Potential *back = NULL;
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &back));
  assert_same_potential(pot, back);
  assert_int_equal(back->has_one_body, 0);
  /* A complete output is not overwritten without the flag. */
  assert_ufp_fails(Uf3PotentialWrite(MPI_COMM_WORLD, path, 0, pot), UFP_ERR_IO, "already exists");
  assert_ufp_ok(Uf3PotentialWrite(MPI_COMM_WORLD, path, 1, pot));
  assert_ufp_ok(Uf3PotentialDestroy(&back));
}

/* ------------------------------------------------------------ shared data */

static void test_nb(void **state)
{
  (void)state;
  const char *path = ufp_test_shared("uf3/Nb.uf3");
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &pot));
  assert_int_equal(pot->nelements, 1);
  assert_string_equal(pot->elements[0], "Nb");
  assert_int_equal(pot->has_one_body, 0);
  const Uf3Spline1D *p = &pot->pair[0];
  assert_int_equal(p->nknots, 31);
  assert_int_equal(p->leading_trim, 0);
  assert_int_equal(p->trailing_trim, 3);
  assert_true(p->knots[4] == 0.33429166666666665);
  assert_true(p->coeff[0] == 79.140244588519465);
  assert_true(p->coeff[2] == 55.85833391113556);
  assert_close(Uf3PotentialPairCutoff(pot), 8.0, 0);
  assert_close(Uf3PotentialInnerCutoff(pot, 0, 0), 0.001, 0);
  assert_int_equal(pot->has_3body, 1);
  const Uf3Spline3D *t = &pot->triplet[0];
  /* File line "8.0 4.0 4.0 23 15 15" is (jk, ik, ij): canonical (ij, ik, jk). */
  assert_int_equal(t->nknots[0], 15);
  assert_int_equal(t->nknots[1], 15);
  assert_int_equal(t->nknots[2], 23);
  assert_close(t->knots[0][14], 4.0, 0);
  assert_close(t->knots[2][22], 8.0, 0);
  assert_close(Uf3PotentialTripletCutoff(pot), 4.0, 0);
  assert_close(c3(pot, 0, 0, 0, 0, 0, 0), -1.1790416072105636e-06, 0);
  assert_close(c3(pot, 0, 0, 0, 0, 1, 0), 3.2366723157260956e-05, 0);
  assert_close(c3(pot, 0, 0, 0, 1, 0, 0), 3.2366723157260956e-05, 0); /* symmetric */
  round_trip(pot, "uf3_nb_round.uf3");
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  assert_null(pot);

  /* An explicit element map gives the same potential. */
  const char *map[] = {"Nb"};
  assert_ufp_ok(Uf3PotentialRead(path, 1, map, &pot));
  assert_int_equal(pot->nelements, 1);
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

static void test_lips(void **state)
{
  (void)state;
  const char *path = ufp_test_shared("uf3/LiPS_synthetic_2b3b.uf3");
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &pot));
  assert_int_equal(pot->nelements, 3);
  assert_string_equal(pot->elements[0], "Li");
  assert_string_equal(pot->elements[1], "P");
  assert_string_equal(pot->elements[2], "S");
  int li = 0, p = 1, s = 2, nel = 3;
  const Uf3Spline1D *lip = &pot->pair[li * nel + p], *pli = &pot->pair[p * nel + li];
  assert_int_equal(lip->nknots, 24);
  assert_true(lip->coeff[0] == 7.999922063797677 && lip->coeff[2] == 5.168700622699693);
  assert_memory_equal(lip->coeff, pli->coeff, 20 * sizeof(double));
  assert_close(lip->knots[4], 1.2647058823529411, 0);
  for (int i = 0; i < 27; i++)
    assert_int_equal(pot->has_triplet[i], 1);
  const Uf3Spline3D *t = &pot->triplet[(li * nel + p) * nel + s];
  assert_int_equal(t->nknots[0], 12);
  assert_int_equal(t->nknots[1], 12);
  assert_int_equal(t->nknots[2], 20);
  assert_close(t->knots[2][19], 8.0, 0);
  assert_close(t->knots[0][11], 4.0, 0);
  /* The asymmetric block "3B Li P S": its row 2 is C[0][1][:], row 9 C[1][0][:]. */
  assert_close(c3(pot, li, p, s, 0, 1, 0), 0.015496026521944458, 0);
  assert_close(c3(pot, li, p, s, 1, 0, 0), 0.013255046059034723, 0);
  /* [Li][S][P] is the same function with r_ij and r_ik exchanged. */
  assert_close(c3(pot, li, s, p, 1, 0, 0), 0.015496026521944458, 0);
  assert_close(c3(pot, li, s, p, 0, 1, 0), 0.013255046059034723, 0);
  /* Centre P, neighbours Li and S. */
  assert_close(c3(pot, p, li, s, 0, 0, 0), 0.02552039958759952, 0);
  assert_close(c3(pot, p, li, s, 1, 2, 3), 0.003245333994644524, 0);
  assert_close(c3(pot, p, li, s, 2, 1, 3), 0.005069485769576519, 0);
  assert_close(c3(pot, p, s, li, 2, 1, 3), 0.003245333994644524, 0);
  assert_close(c3(pot, p, s, li, 1, 2, 3), 0.005069485769576519, 0);
  assert_close(Uf3PotentialPairCutoff(pot), 5.5, 0);
  assert_close(Uf3PotentialTripletCutoff(pot), 4.0, 0);
  round_trip(pot, "uf3_lips_round.uf3");

  /* Another element order: the potential follows the map. */
  const char *map[] = {"S", "P", "Li"};
  Uf3Potential *rev = NULL;
  assert_ufp_ok(Uf3PotentialRead(path, 3, map, &rev));
  assert_string_equal(rev->elements[0], "S");
  assert_close(c3(rev, idx(rev, "Li"), idx(rev, "P"), idx(rev, "S"), 0, 1, 0), 0.015496026521944458, 0);
  assert_close(c3(rev, idx(rev, "Li"), idx(rev, "S"), idx(rev, "P"), 0, 1, 0), 0.013255046059034723, 0);
  round_trip(rev, "uf3_lips_rev.uf3");
  assert_ufp_ok(Uf3PotentialDestroy(&rev));

  /* A subset: Li only (blocks of other elements are ignored). */
  const char *li_only[] = {"Li"};
  assert_ufp_ok(Uf3PotentialRead(path, 1, li_only, &rev));
  assert_int_equal(rev->nelements, 1);
  assert_close(c3(rev, 0, 0, 0, 0, 0, 0), c3(pot, li, li, li, 0, 0, 0), 0);
  assert_ufp_ok(Uf3PotentialDestroy(&rev));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

static void test_old_format(void **state)
{
  (void)state;
  char ww[4096], www[4096];
  snprintf(ww, sizeof ww, "%s", ufp_test_shared("uf3/W_W"));
  snprintf(www, sizeof www, "%s", ufp_test_shared("uf3/W_W_W"));
  const char *paths[] = {ww, www};
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3PotentialReadOldFormat(2, paths, 0, NULL, &pot));
  assert_int_equal(pot->nelements, 1);
  assert_string_equal(pot->elements[0], "W");
  assert_int_equal(pot->pair[0].nknots, 22);
  assert_true(pot->pair[0].coeff[0] == 85.256465889606673);
  assert_true(pot->pair[0].knots[4] == 0.36759999999999998);
  const Uf3Spline3D *t = &pot->triplet[0];
  assert_int_equal(t->nknots[0], 13);
  assert_int_equal(t->nknots[1], 13);
  assert_int_equal(t->nknots[2], 19);
  assert_close(t->knots[2][18], 7.0, 0);
  assert_close(c3(pot, 0, 0, 0, 0, 0, 0), -1.0025267383014886e-06, 0);
  assert_close(c3(pot, 0, 0, 0, 0, 1, 0), 4.922778833696604e-05, 0);
  round_trip(pot, "uf3_w_old_round.uf3");
  assert_ufp_ok(Uf3PotentialDestroy(&pot));

  /* One old file through the auto-detecting reader: 2-body only. */
  assert_ufp_ok(Uf3PotentialRead(ww, 0, NULL, &pot));
  assert_int_equal(pot->has_3body, 0);
  assert_true(pot->pair[0].coeff[0] == 85.256465889606673);
  round_trip(pot, "uf3_w_pair_round.uf3");
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

static void test_json_model(void **state)
{
  (void)state;
  const char *path = ufp_test_shared("uf3/W_model_2and3.json");
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &pot));
  assert_int_equal(pot->nelements, 1);
  assert_string_equal(pot->elements[0], "W");
  assert_int_equal(pot->has_one_body, 1);
  assert_true(pot->one_body[0] == -6.6648165028500017);
  assert_int_equal(pot->pair[0].nknots, 22);
  assert_true(pot->pair[0].coeff[0] == 75.542752383620638);
  assert_int_equal(pot->pair[0].leading_trim, 0);
  assert_int_equal(pot->pair[0].trailing_trim, 3);
  const Uf3Spline3D *t = &pot->triplet[0];
  assert_int_equal(t->nknots[0], 13);
  assert_int_equal(t->nknots[2], 19);
  assert_int_equal(t->leading_trim, 3);
  assert_int_equal(t->trailing_trim, 3);
  assert_close(c3(pot, 0, 0, 0, 3, 3, 3), 0.83493827699182999, 0);
  assert_close(c3(pot, 0, 0, 0, 3, 3, 4), -0.26446471823061235, 0);
  assert_close(c3(pot, 0, 0, 0, 3, 4, 3), 0.20286635914008436, 0);
  assert_close(c3(pot, 0, 0, 0, 4, 3, 3), 0.20286635914008436, 0);
  assert_close(c3(pot, 0, 0, 0, 0, 0, 0), 0.0, 0);
  round_trip(pot, "uf3_w_json_round.uf3");
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

/* The JSON model and W_W/W_W_W share their knots but are different fits. */
static void test_json_vs_old(void **state)
{
  (void)state;
  char json[4096], ww[4096], www[4096];
  snprintf(json, sizeof json, "%s", ufp_test_shared("uf3/W_model_2and3.json"));
  snprintf(ww, sizeof ww, "%s", ufp_test_shared("uf3/W_W"));
  snprintf(www, sizeof www, "%s", ufp_test_shared("uf3/W_W_W"));
  const char *paths[] = {ww, www};
  Uf3Potential *a = NULL, *b = NULL;
  assert_ufp_ok(Uf3PotentialRead(json, 0, NULL, &a));
  assert_ufp_ok(Uf3PotentialReadOldFormat(2, paths, 0, NULL, &b));
  assert_int_equal(a->pair[0].nknots, b->pair[0].nknots);
  for (int i = 0; i < a->pair[0].nknots; i++)
    assert_close(a->pair[0].knots[i], b->pair[0].knots[i], 1e-12);
  for (int d = 0; d < 3; d++) {
    assert_int_equal(a->triplet[0].nknots[d], b->triplet[0].nknots[d]);
    for (int i = 0; i < a->triplet[0].nknots[d]; i++)
      assert_close(a->triplet[0].knots[d][i], b->triplet[0].knots[d][i], 1e-9);
  }
  assert_true(fabs(a->pair[0].coeff[0] - b->pair[0].coeff[0]) > 1.0);
  assert_true(c3(a, 0, 0, 0, 0, 0, 0) == 0.0 && c3(b, 0, 0, 0, 0, 0, 0) != 0.0);
  assert_ufp_ok(Uf3PotentialDestroy(&a));
  assert_ufp_ok(Uf3PotentialDestroy(&b));
}

/* ---------------------------------------------------- model (no files) */

static void test_model(void **state)
{
  (void)state;
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  assert_ufp_ok(Uf3PotentialDestroy(NULL));
  const char dup[2][UFP_LABEL_MAX] = {"Li", "Li"};
  assert_ufp_fails(Uf3PotentialCreate(2, dup, &pot), UFP_ERR_INPUT, "twice");
  const char el[2][UFP_LABEL_MAX] = {"A", "B"};
  assert_ufp_ok(Uf3PotentialCreate(2, el, &pot));
  assert_int_equal(Uf3PotentialElementIndex(pot, "B"), 1);
  assert_int_equal(Uf3PotentialElementIndex(pot, "C"), -1);
  double k[9] = {1, 1, 1, 1, 2, 3, 3, 3, 3}, c[5] = {1, 2, 3, 0, 0};
  Uf3Spline1D s = {.nknots = 9, .knots = k, .coeff = c, .leading_trim = 0, .trailing_trim = 2};
  assert_ufp_ok(Uf3PotentialSetPair(pot, 0, 0, &s));
  assert_ufp_fails(Uf3PotentialValidate(pot, "model"), UFP_ERR_INPUT, "missing 2-body interaction A-B");
  assert_ufp_ok(Uf3PotentialSetPair(pot, 0, 1, &s));
  k[4] = 2.5;
  c[0] = 7;
  assert_ufp_ok(Uf3PotentialSetPair(pot, 1, 1, &s)); /* deep copies: earlier pairs unchanged */
  assert_true(pot->pair[1].coeff[0] == 1.0 && pot->pair[2].knots[4] == 2.0 && pot->pair[3].coeff[0] == 7.0);
  assert_ufp_ok(Uf3PotentialValidate(pot, "model"));
  assert_close(Uf3PotentialPairCutoff(pot), 3.0, 0);
  assert_close(Uf3PotentialInnerCutoff(pot, 0, 1), 1.0, 0);
  assert_close(Uf3PotentialInnerCutoff(pot, -1, -1), 1.0, 0);
  assert_close(Uf3PotentialTripletCutoff(pot), 0.0, 0);

  /* A triplet with distinct neighbours fills both orders. */
  double k0[9] = {0, 0, 0, 0, 1, 2, 2, 2, 2}, k1[10] = {0, 0, 0, 0, 1, 1.5, 2.5, 2.5, 2.5, 2.5};
  double k2[9] = {0, 0, 0, 0, 2, 4, 4, 4, 4}, c3v[5 * 6 * 5];
  for (int i = 0; i < 150; i++)
    c3v[i] = i;
  Uf3Spline3D t = {.nknots = {9, 10, 9}, .knots = {k0, k1, k2}, .coeff = c3v};
  assert_ufp_ok(Uf3PotentialSetTriplet(pot, 0, 0, 1, &t));
  const Uf3Spline3D *sw = &pot->triplet[(0 * 2 + 1) * 2 + 0];
  assert_int_equal(sw->nknots[0], 10);
  assert_int_equal(sw->nknots[1], 9);
  assert_close(sw->knots[0][5], 1.5, 0);
  /* swapped C'[m][l][n] = C[l][m][n]: C[2][3][4] = (2*6+3)*5+4 = 79 */
  assert_close(c3(pot, 0, 1, 0, 3, 2, 4), 79.0, 0);
  assert_close(c3(pot, 0, 0, 1, 2, 3, 4), 79.0, 0);
  assert_close(Uf3PotentialTripletCutoff(pot), 2.5, 0);
  assert_ufp_fails(Uf3PotentialValidate(pot, "model"), UFP_ERR_INPUT, "missing 3-body interaction A-A-A");
  /* b == c blocks must be symmetric in r_ij, r_ik. */
  Uf3Spline3D u = {.nknots = {9, 9, 9}, .knots = {k0, k0, k2}};
  double cs[125] = {0};
  u.coeff = cs;
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++) {
      assert_ufp_ok(Uf3PotentialSetTriplet(pot, a, b, b, &u));
      if (b == 0) assert_ufp_ok(Uf3PotentialSetTriplet(pot, a, 0, 1, &u));
    }
  assert_ufp_ok(Uf3PotentialValidate(pot, "model"));
  cs[(1 * 5 + 0) * 5 + 2] = 0.5;
  assert_ufp_ok(Uf3PotentialSetTriplet(pot, 1, 0, 0, &u));
  assert_ufp_fails(Uf3PotentialValidate(pot, "model"), UFP_ERR_INPUT, "symmetric");
  cs[(0 * 5 + 1) * 5 + 2] = 0.5;
  assert_ufp_ok(Uf3PotentialSetTriplet(pot, 1, 0, 0, &u));
  assert_ufp_ok(Uf3PotentialValidate(pot, "model"));
  /* Non-clamped knots, named by the source. */
  pot->pair[0].knots[1] = 1.1;
  assert_ufp_fails(Uf3PotentialValidate(pot, "my.uf3"), UFP_ERR_INPUT, "my.uf3: pair A-A: knots decrease");
  pot->pair[0].knots[1] = 0.9;
  pot->pair[0].knots[0] = 0.9;
  assert_ufp_fails(Uf3PotentialValidate(pot, "my.uf3"), UFP_ERR_INPUT, "not clamped");
  pot->pair[0].knots[0] = 1.0;
  pot->pair[0].knots[1] = 1.0;
  pot->pair[0].coeff[1] = NAN;
  assert_ufp_fails(Uf3PotentialValidate(pot, "my.uf3"), UFP_ERR_INPUT, "not a finite number");
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  assert_null(pot);
}

/* ------------------------------------------------------------- bad input */

#define HDR "#UF3 POT UNITS: metal DATE: x AUTHOR: t CITATION:\n"
#define KN9 "0.5 0.5 0.5 0.5 1.0 2.0 2.0 2.0 2.0\n"
#define PAIR(a, b) HDR "2B " a " " b " 0 3 nk\n2.0 9\n" KN9 "5\n1 0.5 0 0 0\n#\n"
#define TRIP(a, b, c)                                                                                        \
  HDR "3B " a " " b " " c " 0 3 nk\n2.0 1.0 1.0 8 8 8\n0 0 0 0 2 2 2 2\n0 0 0 0 1 1 1 1\n0 0 0 0 1 1 1 1\n"  \
      "4 4 4\n" ROWS16 "#\n"
#define ROW "1 2 3 4\n"
#define ROWS16 ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW

static void expect_read_fails(const char *name, const char *text, int nmap, const char *const *map,
                              UfpErrorCode code, const char *fragment)
{
  Uf3Potential *pot = NULL;
  const char *path = ufp_test_write_tmp(name, text);
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", path);
  assert_ufp_fails(Uf3PotentialRead(copy, nmap, map, &pot), code, fragment);
  assert_null(pot);
}

static void test_small_files(void **state)
{
  (void)state;
  Uf3Potential *pot = NULL;
  /* A valid two-element file, blocks in any order, wrapped number lists. */
  const char *ok = ufp_test_write_tmp("uf3_small.uf3", PAIR("B", "B") "\n# a comment\n" PAIR("A", "B") HDR
                                      "2B A A 0 3 nk\n2.0 9\n0.5 0.5 0.5 0.5\n1.0 2.0 2.0 "
                                      "2.0 2.0\n5\n1 0.5 0 0 0\n#\n");
  char path[4096];
  snprintf(path, sizeof path, "%s", ok);
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &pot));
  assert_string_equal(pot->elements[0], "B");
  assert_string_equal(pot->elements[1], "A");
  assert_int_equal(pot->has_3body, 0);
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  const char *map[] = {"A", "B"};
  assert_ufp_ok(Uf3PotentialRead(path, 2, map, &pot));
  assert_string_equal(pot->elements[0], "A");
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  /* Symmetric 3-body blocks: a file with every triplet is complete. */
  const char *full = PAIR("A", "A") TRIP("A", "A", "A");
  const char *p3 = ufp_test_write_tmp("uf3_small3.uf3", full);
  snprintf(path, sizeof path, "%s", p3);
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &pot));
  assert_int_equal(pot->triplet[0].nknots[2], 8);
  assert_close(pot->triplet[0].knots[2][7], 2.0, 0);
  round_trip(pot, "uf3_small3_round.uf3");
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

static void test_bad_input(void **state)
{
  (void)state;
  Uf3Potential *pot = NULL;
  assert_ufp_fails(Uf3PotentialRead("/nonexistent/dir/x.uf3", 0, NULL, &pot), UFP_ERR_IO, "cannot open");
  /* Truncated block. */
  expect_read_fails("uf3_trunc.uf3", HDR "2B W W 0 3 nk\n2.0 9\n" KN9 "5\n1 0.5 0", 0, NULL, UFP_ERR_INPUT,
                    "end of file");
  expect_read_fails("uf3_noend.uf3", HDR "2B W W 0 3 nk\n2.0 9\n" KN9 "5\n1 0.5 0 0 0\n", 0, NULL,
                    UFP_ERR_INPUT, "expected '#' ending the 2B W-W block");
  /* Coefficient count. */
  expect_read_fails("uf3_count.uf3", HDR "2B W W 0 3 nk\n2.0 9\n" KN9 "4\n1 0.5 0 0\n#\n", 0, NULL,
                    UFP_ERR_INPUT, ":5: 2B W-W: 4 coefficients do not match 9 knots");
  expect_read_fails("uf3_extra.uf3", HDR "2B W W 0 3 nk\n2.0 9\n" KN9 "5\n1 0.5 0 0 0 7\n#\n", 0, NULL,
                    UFP_ERR_INPUT, ":6: expected 5 numbers for 2B W-W coefficients, found more");
  expect_read_fails("uf3_shape.uf3",
                    HDR "3B W W W 0 3 nk\n2.0 1.0 1.0 8 8 8\n0 0 0 0 2 2 2 2\n0 0 0 0 1 1 1 1\n0 0 0 0 1 1 1 "
                        "1\n4 4 5\n",
                    0, NULL, UFP_ERR_INPUT, "coefficient shape 4 4 5 does not match");
  /* Knots. */
  expect_read_fails("uf3_clamp.uf3",
                    HDR "2B W W 0 3 nk\n2.0 9\n0.5 0.5 0.5 0.6 1.0 2.0 2.0 2.0 2.0\n5\n1 0.5 0 0 0\n#\n", 0,
                    NULL, UFP_ERR_INPUT, "pair W-W: knots not clamped");
  expect_read_fails("uf3_cut.uf3", HDR "2B W W 0 3 nk\n2.5 9\n" KN9 "5\n1 0.5 0 0 0\n#\n", 0, NULL,
                    UFP_ERR_INPUT, "cutoff 2.5 differs from its last knot 2");
  expect_read_fails("uf3_uk.uf3",
                    HDR
                    "2B W W 0 3 uk\n2.0 10\n0.5 0.5 0.5 0.5 1.0 1.2 2.0 2.0 2.0 2.0\n6\n1 0.5 0 0 0 0\n#\n",
                    0, NULL, UFP_ERR_INPUT, "marked 'uk'");
  /* Tokens. */
  expect_read_fails("uf3_token.uf3", HDR "2B W W 0 3 nk\n2.0 9\n0.5 0.5 0.5 0.5 abc 2.0 2.0 2.0 2.0\n5\n", 0,
                    NULL, UFP_ERR_INPUT, ":4: expected a number (2B W-W knots, value 5 of 9), found 'abc'");
  expect_read_fails("uf3_kind.uf3", HDR "4B W W 0 3 nk\n", 0, NULL, UFP_ERR_INPUT, "expected '2B' or '3B'");
  expect_read_fails("uf3_words.uf3", HDR "2B W W 0 3\n", 0, NULL, UFP_ERR_INPUT, "found 5 words");
  expect_read_fails("uf3_knottype.uf3", HDR "2B W W 0 3 xk\n", 0, NULL, UFP_ERR_INPUT, "found 'xk'");
  expect_read_fails("uf3_units.uf3", "#UF3 POT UNITS: real\n2B W W 0 3 nk\n", 0, NULL, UFP_ERR_INPUT,
                    "UNITS: 'real' is not supported");
  expect_read_fails("uf3_garbage.uf3", "hello\n", 0, NULL, UFP_ERR_INPUT, ":1: expected a '#UF3 POT' block");
  expect_read_fails("uf3_empty.uf3", "\n\n# nothing\n", 0, NULL, UFP_ERR_INPUT, "no '#UF3 POT' block");
  /* Element map and completeness. */
  const char *w_xx[] = {"W", "Xx"};
  expect_read_fails("uf3_map.uf3", PAIR("W", "W"), 2, w_xx, UFP_ERR_INPUT,
                    "element Xx (in the element map) does not appear");
  const char *w_w[] = {"W", "W"};
  expect_read_fails("uf3_map2.uf3", PAIR("W", "W"), 2, w_w, UFP_ERR_INPUT, "listed twice in the element map");
  expect_read_fails("uf3_pairs.uf3", PAIR("A", "A") PAIR("B", "B"), 0, NULL, UFP_ERR_INPUT,
                    "no 2-body interaction A-B");
  expect_read_fails("uf3_trips.uf3", PAIR("A", "A") PAIR("A", "B") PAIR("B", "B") TRIP("A", "A", "A"), 0,
                    NULL, UFP_ERR_INPUT, "has 3-body blocks but none for A-A-B");
  expect_read_fails("uf3_conflict.uf3",
                    PAIR("A", "B") HDR "2B B A 0 3 nk\n2.0 9\n" KN9 "5\n2 0.5 0 0 0\n#\n" PAIR("A", "A")
                        PAIR("B", "B"),
                    0, NULL, UFP_ERR_INPUT, "2B B-A conflicts with the block for the same pair at line 1");
  /* The same pair twice, identically, is fine. */
  const char *twice =
      ufp_test_write_tmp("uf3_twice.uf3", PAIR("A", "B") PAIR("B", "A") PAIR("A", "A") PAIR("B", "B"));
  char path[4096];
  snprintf(path, sizeof path, "%s", twice);
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &pot));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  /* A b == c block that is not symmetric. */
  expect_read_fails("uf3_asym.uf3",
                    PAIR("A", "A") HDR "3B A A A 0 3 nk\n2.0 1.0 1.0 8 8 8\n0 0 0 0 2 2 2 2\n0 0 0 0 1 1 1 "
                                       "1\n0 0 0 0 1 1 1 1\n4 4 4\n" ROW
                                       "9 9 9 9\n" ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW ROW
                                       "#\n",
                    0, NULL, UFP_ERR_INPUT, "must be symmetric in r_ij and r_ik");
  /* Old format: names from the file name. */
  expect_read_fails("uf3oldbad_a_b", "#UF3 POT\n2B 0 3 uk\n2.0 9\n" KN9 "5\n1 0.5 0 0 0\n#\n", 0, NULL,
                    UFP_ERR_INPUT, "must then be El1_El2");
  expect_read_fails("uf3_mixed.uf3", PAIR("A", "A") "#UF3 POT\n2B 0 3 nk\n2.0 9\n" KN9 "5\n1 0.5 0 0 0\n#\n",
                    0, NULL, UFP_ERR_INPUT, "mixes blocks");
}

static void test_bad_json(void **state)
{
  (void)state;
  expect_read_fails("uf3_bad.json", "{\"element_list\": [\"W\",],\n \"coefficients\": {}}", 0, NULL,
                    UFP_ERR_INPUT, ":1:23: expected a JSON value");
  expect_read_fails("uf3_keys.json", "{\"element_list\": [\"W\"]}", 0, NULL, UFP_ERR_INPUT,
                    "\"element_list\", \"coefficients\" and \"knots\" are required");
  expect_read_fails(
      "uf3_noknots.json",
      "{\"element_list\": [\"W\"], \"knots\": {},\n \"coefficients\": {\"W-W\": [1, 2, 3, 4, 5]}}", 0, NULL,
      UFP_ERR_INPUT, ":2:26: coefficients \"W-W\" has no knots");
  expect_read_fails("uf3_count.json",
                    "{\"element_list\": [\"W\"], \"knots\": {\"W-W\": [0.5, 0.5, 0.5, 0.5, 1, 2, 2, 2, 2]},\n"
                    " \"coefficients\": {\"W-W\": [1, 2, 3, 4]}}",
                    0, NULL, UFP_ERR_INPUT, "4 coefficients do not match 9 knots");
  expect_read_fails("uf3_elem.json",
                    "{\"element_list\": [\"W\"], \"knots\": {}, \"coefficients\": {\"Mo\": 1.0}}", 0, NULL,
                    UFP_ERR_INPUT, "element Mo is not in element_list");
  expect_read_fails("uf3_flat3.json",
                    "{\"element_list\": [\"W\"], \"knots\": {\"W-W\": [0.5, 0.5, 0.5, 0.5, 1, 2, 2, 2, 2], "
                    "\"W-W-W\": [[0, 0, 0, "
                    "0, 1, 1, 1, 1], [0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 2, 2, 2, 2]]},\n "
                    "\"coefficients\": {\"W-W\": [1, 2, 3, "
                    "4, 5], \"W-W-W\": [1, 2, 3]}}",
                    0, NULL, UFP_ERR_INPUT, "symmetry-compressed");
  /* A small valid model: two knot sequences for a trio ([ij = ik, jk]), trims as objects. */
  const char *good =
      "{\"element_list\": [\"W\"], \"leading_trim\": {\"2\": 0, \"3\": 1}, \"trailing_trim\": 2,\n"
      " \"knots\": {\"W-W\": [0.5, 0.5, 0.5, 0.5, 1, 2, 2, 2, 2], \"W-W-W\": [[0, 0, 0, 0, 1, 1, 1, 1], [0, "
      "0, 0, "
      "0, 2, 2, 2, 2]]},\n \"coefficients\": {\"W\": -1.5, \"W-W\": [1, 2, 3, 4, 5], \"W-W-W\": "
      "[[[1,2,3,4],[5,6,7,8],[9,1,2,3],[4,5,6,7]],[[5,6,7,8],[1,1,1,1],[2,2,2,2],[3,3,3,3]],"
      "[[9,1,2,3],[2,2,2,2],[0,0,0,0],[1,1,1,1]],[[4,5,6,7],[3,3,3,3],[1,1,1,1],[8,8,8,8]]]}}";
  const char *path = ufp_test_write_tmp("uf3_good.json", good);
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", path);
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3PotentialRead(copy, 0, NULL, &pot));
  assert_true(pot->one_body[0] == -1.5);
  assert_int_equal(pot->triplet[0].leading_trim, 1);
  assert_int_equal(pot->triplet[0].trailing_trim, 2);
  assert_int_equal(pot->pair[0].leading_trim, 0);
  assert_close(pot->triplet[0].knots[1][4], 1.0, 0);
  assert_close(pot->triplet[0].knots[2][4], 2.0, 0);
  assert_close(c3(pot, 0, 0, 0, 1, 0, 3), 8.0, 0);
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

static void test_json_parser(void **state)
{
  (void)state;
  UfpJson *root = NULL;
  const char *text =
      " {\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\u00e9\\ud83d\\ude00\\n\", \"o\": {}}";
  assert_ufp_ok(UfpJsonParse(text, strlen(text), "t", &root));
  const UfpJson *a = UfpJsonGet(root, "a");
  assert_non_null(a);
  assert_int_equal(a->n, 5);
  assert_close(a->items[1].number, -2500.0, 0);
  assert_int_equal(a->items[2].type, UFP_JSON_TRUE);
  assert_int_equal(a->items[4].type, UFP_JSON_NULL);
  assert_string_equal(UfpJsonGet(root, "s")->string, "x\xc3\xa9\xf0\x9f\x98\x80\n");
  assert_int_equal(UfpJsonGet(root, "o")->type, UFP_JSON_OBJECT);
  assert_null(UfpJsonGet(root, "missing"));
  assert_int_equal(a->line, 1);
  assert_int_equal(a->column, 8);
  assert_ufp_ok(UfpJsonDestroy(&root));
  assert_null(root);
  const char *nan = "[NaN, -Infinity]";
  assert_ufp_ok(UfpJsonParse(nan, strlen(nan), "t", &root));
  assert_true(isnan(root->items[0].number) && isinf(root->items[1].number) && root->items[1].number < 0);
  assert_ufp_ok(UfpJsonDestroy(&root));
  struct {
    const char *text, *fragment;
  } bad[] = {
      {"[1, 2", "t:1:6: expected ',' or ']' in an array, found end of input"},
      {"{\"a\" 1}", "t:1:6: expected ':' after member name \"a\""},
      {"{a: 1}", "expected a member name in double quotes"},
      {"[01]", "t:1:3: expected ',' or ']'"},
      {"[1.]", "expected a digit after the decimal point"},
      {"[1e]", "expected a digit in the exponent"},
      {"\"abc", "unterminated string"},
      {"\"a\\q\"", "invalid escape"},
      {"\"\\ud800x\"", "low surrogate"},
      {"[1] 2", "expected end of input"},
      {"\n\n   tru", "t:3:4: expected a JSON value"},
      {"[1e999]", "out of the range"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_ufp_fails(UfpJsonParse(bad[i].text, strlen(bad[i].text), "t", &root), UFP_ERR_INPUT,
                     bad[i].fragment);
    assert_null(root);
  }
  char deep[600];
  memset(deep, '[', sizeof deep - 1);
  deep[sizeof deep - 1] = '\0';
  assert_ufp_fails(UfpJsonParse(deep, strlen(deep), "t", &root), UFP_ERR_INPUT, "nesting deeper");
  assert_ufp_fails(UfpJsonParseFile("/nonexistent/x.json", &root), UFP_ERR_IO, "cannot open");
}

/* ------------------------------------------------------ JSON model writer */

/* The bundled synthetic Li-P-S potential with one-body energies and an
 * asymmetric Li-P-S block (r_ij and r_ik not interchangeable), read with
 * the given element map (nmap = 0: file order). */
static Uf3Potential *lps_for_json(int nmap, const char *const *map)
{
  char path[4096];
  snprintf(path, sizeof path, "%s", ufp_test_source("md/data/uf3/lps_test.uf3"));
  Uf3Potential *pot = NULL;
  assert_ufp_ok(Uf3PotentialRead(path, nmap, map, &pot));
  const double e1[3] = {-1.5, -5.25, -3.125}; /* Li, P, S */
  const char *const el[3] = {"Li", "P", "S"};
  for (int i = 0; i < 3; i++)
    pot->one_body[idx(pot, el[i])] = e1[i];
  pot->has_one_body = 1;

  int li = idx(pot, "Li"), p = idx(pot, "P"), s = idx(pot, "S"), nel = pot->nelements;
  const Uf3Spline3D *t = &pot->triplet[(li * nel + p) * nel + s];
  int n0 = t->nknots[0] - 4, n1 = t->nknots[1] - 4, n2 = t->nknots[2] - 4;
  double *knots[3], *coeff = NULL;
  for (int d = 0; d < 3; d++) {
    knots[d] = malloc((size_t)t->nknots[d] * sizeof(double));
    assert_non_null(knots[d]);
    memcpy(knots[d], t->knots[d], (size_t)t->nknots[d] * sizeof(double));
  }
  coeff = malloc((size_t)n0 * n1 * n2 * sizeof(double));
  assert_non_null(coeff);
  memcpy(coeff, t->coeff, (size_t)n0 * n1 * n2 * sizeof(double));
  /* Break the (l, m) symmetry away from the trimmed (zero) trailing rows. */
  for (int l = 0; l < n0 - 3; l++)
    for (int m = l + 1; m < n1 - 3; m++)
      for (int n = 0; n < n2 - 3; n++)
        coeff[((size_t)l * n1 + m) * n2 + n] += 1e-3 * (1 + l + 2 * m + 0.1 * n);
  Uf3Spline3D u = {.nknots = {t->nknots[0], t->nknots[1], t->nknots[2]},
                   .knots = {knots[0], knots[1], knots[2]},
                   .coeff = coeff,
                   .leading_trim = t->leading_trim,
                   .trailing_trim = t->trailing_trim};
  assert_ufp_ok(Uf3PotentialSetTriplet(pot, li, p, s, &u));
  for (int d = 0; d < 3; d++)
    free(knots[d]);
  free(coeff);
  assert_ufp_ok(Uf3PotentialValidate(pot, "asymmetric Li-P-S"));
  assert_true(c3(pot, li, p, s, 0, 1, 0) != c3(pot, li, p, s, 1, 0, 0));
  assert_true(c3(pot, li, s, p, 1, 0, 0) == c3(pot, li, p, s, 0, 1, 0));
  return pot;
}

/* Energy, forces and virial of 27 atoms (Li, P, S in turn) on a jittered
 * 3 x 3 x 3 grid, spacing 2.5 Å: every distance > 1.9 Å, inside the knots. */
#define JSON_NATOMS 27
static double json_energy(const Uf3Potential *pot, double f[JSON_NATOMS][3], double w[3][3])
{
  const double lattice[3][3] = {{7.5, 0.0, 0.0}, {0.4, 7.4, 0.0}, {-0.3, 0.2, 7.6}};
  double x[JSON_NATOMS][3];
  int species[JSON_NATOMS];
  unsigned state = 12345u;
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, lattice, NULL));
  for (int i = 0; i < JSON_NATOMS; i++) {
    double s[3] = {(i % 3) / 3.0, (i / 3 % 3) / 3.0, (i / 9) / 3.0};
    for (int d = 0; d < 3; d++) {
      state = state * 1103515245u + 12345u;
      s[d] += 0.04 * ((state >> 16 & 0x7fff) / 32767.0 - 0.5);
    }
    UfpCellCartFromFrac(&cell, s, x[i]);
    species[i] = idx(pot, (const char *const[]){"Li", "P", "S"}[i % 3]);
  }
  Uf3Force force = NULL;
  Uf3ImageList *list = NULL;
  assert_ufp_ok(Uf3ForceCreate(pot, &force));
  assert_ufp_ok(Uf3ImageListBuild(&cell, JSON_NATOMS, (const double(*)[3])x, Uf3ForceCutoff(force), &list));
  Uf3Result result = {.f = f};
  assert_ufp_ok(Uf3ForceCompute(force, JSON_NATOMS, (const double(*)[3])x, species, &list->view, &result));
  memcpy(w, result.virial, sizeof result.virial);
  assert_ufp_ok(Uf3ImageListDestroy(&list));
  assert_ufp_ok(Uf3ForceDestroy(&force));
  return result.energy;
}

/* The same energy, forces and virial, bit for bit. */
static void assert_same_forces(const Uf3Potential *x, const Uf3Potential *y)
{
  double fx[JSON_NATOMS][3], fy[JSON_NATOMS][3], wx[3][3], wy[3][3];
  double ex = json_energy(x, fx, wx), ey = json_energy(y, fy, wy);
  assert_true(ex == ey);
  assert_memory_equal(fx, fy, sizeof fx);
  assert_memory_equal(wx, wy, sizeof wx);
  double fmax = 0;
  for (int i = 0; i < JSON_NATOMS; i++)
    for (int d = 0; d < 3; d++)
      fmax = fmax > fabs(fx[i][d]) ? fmax : fabs(fx[i][d]);
  assert_true(fmax > 1e-3); /* not vacuous */
}

static int file_exists(const char *path)
{
  FILE *fp = fopen(path, "rb");
  if (fp) fclose(fp);
  return fp != NULL;
}

/* Check the file as Python's json module and uf3's key decoding see it:
 * required keys, one-body entries, every pair and trio with coefficients
 * matching its knots, "knots" == "knots_map".  Skipped without a Python. */
static void python_check(const char *json_path, int degree, int one_body)
{
  const char *python = getenv("UFP_PYTHON");
  if (!python || !python[0] || !file_exists(python)) return;
  static const char *const script =
      "import json, sys\n"
      "m = json.load(open(sys.argv[1]))\n"
      "deg, one = int(sys.argv[2]), int(sys.argv[3])\n"
      "for k in ('element_list', 'degree', 'coefficients', 'knots', 'knots_map', 'leading_trim',\n"
      "          'trailing_trim', 'offset_1b', 'knot_strategy'):\n"
      "    assert k in m, k\n"
      "assert m['degree'] == deg and m['offset_1b'] == bool(one)\n"
      "assert m['knot_strategy'] in ('linear', 'lammps', 'geometric', 'inverse')\n"
      "assert m['knots'] == m['knots_map']\n"
      "els = m['element_list']\n"
      "c, kn = m['coefficients'], m['knots']\n"
      "for e in els:\n"
      "    assert (e in c) == bool(one), e\n"
      "    if one: assert isinstance(c[e], float)\n"
      "npair = ntrio = 0\n"
      "for key, v in c.items():\n"
      "    t = tuple(key.split('-'))\n"
      "    assert all(e in els for e in t), key\n"
      "    if len(t) == 2:\n"
      "        npair += 1\n"
      "        assert len(v) == len(kn[key]) - 4, key\n"
      "    elif len(t) == 3:\n"
      "        ntrio += 1\n"
      "        k = kn[key]\n"
      "        assert len(k) == 3 and len(v) == len(k[0]) - 4, key\n"
      "        assert all(len(r) == len(k[1]) - 4 for r in v), key\n"
      "        assert all(len(x) == len(k[2]) - 4 for r in v for x in r), key\n"
      "n = len(els)\n"
      "assert npair == n * (n + 1) // 2 and ntrio == (n * n * (n + 1) // 2 if deg == 3 else 0)\n"
      "for t in ('leading_trim', 'trailing_trim'):\n"
      "    assert isinstance(m[t], int) or set(m[t]) <= {'2', '3'}, t\n";
  char script_path[4096], command[3 * 4096];
  snprintf(script_path, sizeof script_path, "%s", ufp_test_write_tmp("uf3_json_check.py", script));
  snprintf(command, sizeof command, "'%s' '%s' '%s' %d %d", python, script_path, json_path, degree, one_body);
  assert_int_equal(system(command), 0);
}

static void test_json_write(void **state)
{
  (void)state;
  Uf3Potential *pot = lps_for_json(0, NULL), *back = NULL;
  int li = idx(pot, "Li"), p = idx(pot, "P"), s = idx(pot, "S");
  char path[4096];
  snprintf(path, sizeof path, "%s", ufp_test_tmp("uf3_lps.json"));
  assert_ufp_ok(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 0, pot));
  python_check(path, 3, 1);
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &back));
  assert_same_potential(pot, back);
  assert_int_equal(back->has_one_body, 1);
  for (int a = 0; a < 3; a++)
    assert_true(back->one_body[a] == pot->one_body[a]);
  assert_true(back->one_body[li] == -1.5 && back->one_body[p] == -5.25 && back->one_body[s] == -3.125);
  /* The asymmetric grid comes back as written, in both neighbour orders. */
  assert_true(c3(back, li, p, s, 0, 1, 0) == c3(pot, li, p, s, 0, 1, 0));
  assert_true(c3(back, li, p, s, 1, 0, 0) == c3(pot, li, p, s, 1, 0, 0));
  assert_true(c3(back, li, p, s, 0, 1, 0) != c3(back, li, p, s, 1, 0, 0));
  assert_true(c3(back, li, s, p, 1, 0, 0) == c3(pot, li, p, s, 0, 1, 0));
  assert_same_forces(pot, back);

  /* The one-body energies are the only difference to a LAMMPS round trip. */
  char lammps[4096];
  snprintf(lammps, sizeof lammps, "%s", ufp_test_tmp("uf3_lps_json.uf3"));
  assert_ufp_ok(Uf3PotentialWrite(MPI_COMM_WORLD, lammps, 0, pot));
  Uf3Potential *no1b = NULL;
  assert_ufp_ok(Uf3PotentialRead(lammps, 0, NULL, &no1b));
  assert_int_equal(no1b->has_one_body, 0);
  double f[JSON_NATOMS][3], w[3][3];
  assert_close(json_energy(back, f, w) - json_energy(no1b, f, w), 9 * (-1.5 - 5.25 - 3.125), 1e-9);
  assert_ufp_ok(Uf3PotentialDestroy(&no1b));

  /* What the file says. */
  UfpJson *root = NULL;
  assert_ufp_ok(UfpJsonParseFile(path, &root));
  assert_close(UfpJsonGet(root, "degree")->number, 3, 0);
  assert_int_equal(UfpJsonGet(root, "offset_1b")->type, UFP_JSON_TRUE);
  assert_string_equal(UfpJsonGet(root, "knot_strategy")->string, "linear");
  assert_int_equal(UfpJsonGet(root, "leading_trim")->type, UFP_JSON_NUMBER);
  const UfpJson *coeffs = UfpJsonGet(root, "coefficients");
  assert_int_equal(coeffs->n, 3 + 6 + 18);
  assert_non_null(UfpJsonGet(coeffs, "Li-P-S"));
  assert_null(UfpJsonGet(coeffs, "Li-S-P"));
  assert_non_null(UfpJsonGet(UfpJsonGet(root, "knots_map"), "Li-P-S"));
  assert_ufp_ok(UfpJsonDestroy(&root));

  /* A complete output is not overwritten without the flag. */
  assert_ufp_fails(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 0, pot), UFP_ERR_IO, "already exists");
  assert_ufp_ok(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 1, pot));
  assert_ufp_ok(Uf3PotentialDestroy(&back));

  /* Different trims for 2- and 3-body (uf3's defaults) become objects. */
  int nel = pot->nelements;
  for (int i = 0; i < nel * nel * nel; i++)
    pot->triplet[i].leading_trim = 3;
  snprintf(path, sizeof path, "%s", ufp_test_tmp("uf3_lps_trims.json"));
  assert_ufp_ok(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 0, pot));
  python_check(path, 3, 1);
  assert_ufp_ok(UfpJsonParseFile(path, &root));
  const UfpJson *lead = UfpJsonGet(root, "leading_trim");
  assert_int_equal(lead->type, UFP_JSON_OBJECT);
  assert_close(UfpJsonGet(lead, "2")->number, 0, 0);
  assert_close(UfpJsonGet(lead, "3")->number, 3, 0);
  assert_int_equal(UfpJsonGet(root, "trailing_trim")->type, UFP_JSON_NUMBER);
  assert_ufp_ok(UfpJsonDestroy(&root));
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &back));
  assert_same_potential(pot, back);
  assert_ufp_ok(Uf3PotentialDestroy(&back));

  /* Trims that differ within one body order cannot be written. */
  char partial[4096 + 16];
  snprintf(path, sizeof path, "%s", ufp_test_tmp("uf3_lps_bad_trims.json"));
  snprintf(partial, sizeof partial, "%s.partial", path);
  pot->triplet[(li * nel + p) * nel + s].trailing_trim = 2;
  pot->triplet[(li * nel + s) * nel + p].trailing_trim = 2;
  assert_ufp_fails(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 0, pot), UFP_ERR_INPUT,
                   "3-body trims differ between Li-Li-Li (leading 3, trailing 3) and Li-P-S (leading 3, "
                   "trailing 2)");
  assert_false(file_exists(path) || file_exists(partial));
  pot->pair[p * nel + s].leading_trim = pot->pair[s * nel + p].leading_trim = 1;
  assert_ufp_fails(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 0, pot), UFP_ERR_INPUT,
                   "2-body trims differ between Li-Li (leading 0, trailing 3) and P-S (leading 1");
  assert_false(file_exists(path) || file_exists(partial));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

/* Elements not in atomic-number order: trio keys still name the neighbours
 * as uf3 sorts them (it would move a grid to the sorted key without
 * exchanging its axes), and the read-back potential is the same. */
static void test_json_write_element_order(void **state)
{
  (void)state;
  const char *map[] = {"S", "P", "Li"};
  Uf3Potential *pot = lps_for_json(3, map), *back = NULL;
  char path[4096];
  snprintf(path, sizeof path, "%s", ufp_test_tmp("uf3_spli.json"));
  assert_ufp_ok(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 0, pot));
  python_check(path, 3, 1);
  UfpJson *root = NULL;
  assert_ufp_ok(UfpJsonParseFile(path, &root));
  const UfpJson *el = UfpJsonGet(root, "element_list");
  assert_string_equal(el->items[0].string, "S");
  assert_string_equal(el->items[2].string, "Li");
  const UfpJson *coeffs = UfpJsonGet(root, "coefficients");
  const char *present[] = {"S-Li-P", "P-Li-S", "Li-P-S", "S-P", "Li-Li-Li"};
  const char *absent[] = {"S-P-Li", "P-S-Li", "Li-S-P"};
  for (int i = 0; i < 5; i++)
    assert_non_null(UfpJsonGet(coeffs, present[i]));
  for (int i = 0; i < 3; i++)
    assert_null(UfpJsonGet(coeffs, absent[i]));
  assert_ufp_ok(UfpJsonDestroy(&root));
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &back));
  assert_string_equal(back->elements[0], "S");
  assert_same_potential(pot, back);
  assert_true(back->one_body[2] == -1.5);
  assert_same_forces(pot, back);
  assert_ufp_ok(Uf3PotentialDestroy(&back));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

static void test_json_write_two_body(void **state)
{
  (void)state;
  Uf3Potential *pot = ufp_test_lps_potential(0), *back = NULL;
  char path[4096];
  snprintf(path, sizeof path, "%s", ufp_test_tmp("uf3_2b.json"));
  assert_ufp_ok(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 0, pot));
  python_check(path, 2, 0);
  UfpJson *root = NULL;
  assert_ufp_ok(UfpJsonParseFile(path, &root));
  assert_close(UfpJsonGet(root, "degree")->number, 2, 0);
  assert_int_equal(UfpJsonGet(root, "offset_1b")->type, UFP_JSON_FALSE);
  assert_int_equal(UfpJsonGet(root, "coefficients")->n, 6);
  assert_ufp_ok(UfpJsonDestroy(&root));
  assert_ufp_ok(Uf3PotentialRead(path, 0, NULL, &back));
  assert_same_potential(pot, back);
  assert_int_equal(back->has_one_body, 0);
  assert_int_equal(back->has_3body, 0);
  assert_same_forces(pot, back);
  assert_ufp_ok(Uf3PotentialDestroy(&back));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

static void test_json_write_errors(void **state)
{
  (void)state;
  Uf3Potential *pot = ufp_test_lps_potential(0);
  char dir[4096], path[4096 + 32], partial[4096 + 48];
  snprintf(dir, sizeof dir, "%s", ufp_test_tmp("uf3_no_such_dir"));
  snprintf(path, sizeof path, "%s/model.json", dir);
  snprintf(partial, sizeof partial, "%s.partial", path);
  /* Only rank 0 writes (and has the message); the others learn its code. */
  const char *why = UfpCommRank(MPI_COMM_WORLD) == 0 ? "cannot open" : "rank 0 failed";
  assert_ufp_fails(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 0, pot), UFP_ERR_IO, why);
  assert_false(file_exists(path) || file_exists(partial));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));

  /* '-' joins the symbols of interaction keys. */
  const char names[2][UFP_LABEL_MAX] = {"Li-6", "Li-7"};
  assert_ufp_ok(Uf3PotentialCreate(2, names, &pot));
  double k[9] = {1, 1, 1, 1, 2, 3, 3, 3, 3}, c[5] = {1, 2, 3, 0, 0};
  Uf3Spline1D s = {.nknots = 9, .knots = k, .coeff = c, .trailing_trim = 3};
  for (int a = 0; a < 2; a++)
    for (int b = a; b < 2; b++)
      assert_ufp_ok(Uf3PotentialSetPair(pot, a, b, &s));
  snprintf(path, sizeof path, "%s", ufp_test_tmp("uf3_dash.json"));
  assert_ufp_fails(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 0, pot), UFP_ERR_INPUT,
                   "element name 'Li-6' contains '-'");
  assert_false(file_exists(path));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));

  /* An incomplete potential is refused before anything is written. */
  const char ab[2][UFP_LABEL_MAX] = {"A", "B"};
  assert_ufp_ok(Uf3PotentialCreate(2, ab, &pot));
  assert_ufp_ok(Uf3PotentialSetPair(pot, 0, 0, &s));
  assert_ufp_fails(Uf3PotentialWriteJson(MPI_COMM_WORLD, path, 0, pot), UFP_ERR_INPUT,
                   "missing 2-body interaction A-B");
  assert_false(file_exists(path));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model),
      cmocka_unit_test(test_json_parser),
      cmocka_unit_test(test_small_files),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_bad_json),
      cmocka_unit_test(test_nb),
      cmocka_unit_test(test_lips),
      cmocka_unit_test(test_old_format),
      cmocka_unit_test(test_json_model),
      cmocka_unit_test(test_json_vs_old),
      cmocka_unit_test(test_json_write),
      cmocka_unit_test(test_json_write_element_order),
      cmocka_unit_test(test_json_write_two_body),
      cmocka_unit_test(test_json_write_errors),
  };
  return UFP_TEST_MAIN("uf3_file", tests);
}
