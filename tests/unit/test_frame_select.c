/*
 * test_frame_select.c -- structure fingerprints and farthest-point picks
 * (efg/frame_select.h): the fingerprint does not change under rotation,
 * translation and permutation of the atoms, a supercell has the
 * fingerprint of its cell, and it is the same whatever was computed before;
 * the picks match a brute-force farthest-point search, never take a copy
 * of a training structure while anything new is left, and come with
 * non-increasing distances; a cluster carved from a beta-Li3PS4 supercell
 * is neutral, holds whole PS4 units and every atom within the radius, and
 * sits in its box with the vacuum asked for.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extxyz.h"
#include "frame_select.h"
#include "test_util.h"

static const char species_list[3][16] = {"Li", "P", "S"};

static LambdaSoap make_soap(void)
{
  LambdaSoapSettings ls = {.nspecies = 3, .rcut = 4.5, .cutoff_width = 0.5, .sigma = 0.5, .nmax = 4, .lmax = 3};
  for (int s = 0; s < 3; s++) memcpy(ls.species[s], species_list[s], 16);
  LambdaSoap soap = NULL;
  assert_ufp_ok(LambdaSoapCreate(&ls, &soap));
  return soap;
}

static void fingerprint(LambdaSoap soap, const UfpStructure *s, double *out)
{
  UfpCell cell;
  int pbc[3] = {1, 1, 1};
  assert_ufp_ok(UfpCellSetup(&cell, s->lattice, pbc));
  assert_ufp_ok(FrameFingerprint(soap, 3, species_list, &cell, s->natoms, (const double(*)[3])s->x,
                                 (const char(*)[UFP_LABEL_MAX])s->species, out));
}

static void test_fingerprint_invariances(void **state)
{
  (void)state;
  int n;
  UfpStructure **frames;
  assert_ufp_ok(UfpExtxyzReadAll(ufp_test_source("efg/data/lps_cp2k_efg_train.extxyz"), &n, &frames));
  LambdaSoap soap = make_soap();
  const int f = 3 * LambdaSoapSize(soap, 0);
  double *a = malloc(sizeof(double) * f), *b = malloc(sizeof(double) * f), *c = malloc(sizeof(double) * f);
  UfpStructure *s = frames[0];
  fingerprint(soap, s, a);
  double norm = 0;
  for (int k = 0; k < f; k++) norm += a[k] * a[k];
  assert_true(norm > 0.5);
  /* The same bits after other structures went through the same plan. */
  fingerprint(soap, frames[1], b);
  fingerprint(soap, frames[3], b);
  fingerprint(soap, s, c);
  assert_memory_equal(a, c, sizeof(double) * f);
  /* Rotation (90 degrees about z, cell and positions), translation, and the
   * atoms in reverse order. */
  UfpStructure *r;
  assert_ufp_ok(UfpStructureCreate(s->natoms, &r));
  for (int v = 0; v < 3; v++) {
    r->lattice[v][0] = -s->lattice[v][1];
    r->lattice[v][1] = s->lattice[v][0];
    r->lattice[v][2] = s->lattice[v][2];
  }
  for (int i = 0; i < s->natoms; i++) {
    const int j = s->natoms - 1 - i;
    r->x[j][0] = -s->x[i][1] + 0.37;
    r->x[j][1] = s->x[i][0] - 1.21;
    r->x[j][2] = s->x[i][2] + 2.5;
    assert_ufp_ok(UfpStructureSetSpecies(r, j, s->species[i]));
  }
  fingerprint(soap, r, b);
  double worst = 0;
  for (int k = 0; k < f; k++) worst = fmax(worst, fabs(a[k] - b[k]));
  print_message("rotated, translated, permuted: max |difference| %.1e\n", worst);
  assert_true(worst < 1e-12);
  /* A 2x1x1 supercell. */
  UfpStructure *big;
  assert_ufp_ok(UfpStructureCreate(2 * s->natoms, &big));
  memcpy(big->lattice, s->lattice, sizeof big->lattice);
  for (int q = 0; q < 3; q++) big->lattice[0][q] *= 2;
  for (int copy = 0; copy < 2; copy++)
    for (int i = 0; i < s->natoms; i++) {
      for (int q = 0; q < 3; q++) big->x[copy * s->natoms + i][q] = s->x[i][q] + copy * s->lattice[0][q];
      assert_ufp_ok(UfpStructureSetSpecies(big, copy * s->natoms + i, s->species[i]));
    }
  fingerprint(soap, big, b);
  worst = 0;
  for (int k = 0; k < f; k++) worst = fmax(worst, fabs(a[k] - b[k]));
  print_message("2x1x1 supercell: max |difference| %.1e\n", worst);
  assert_true(worst < 1e-12);
  /* A different structure is far away. */
  fingerprint(soap, frames[1], b);
  double d = 0;
  for (int k = 0; k < f; k++) d += (a[k] - b[k]) * (a[k] - b[k]);
  assert_true(sqrt(d) > 1e-3);
  UfpStructureDestroy(&r);
  UfpStructureDestroy(&big);
  free(a), free(b), free(c);
  LambdaSoapDestroy(&soap);
  UfpStructureArrayDestroy(n, &frames);
}

static void test_farthest_points(void **state)
{
  (void)state;
  enum { N = 60, F = 5, NREF = 7, M = 12 };
  double cand[N * F], ref[NREF * F];
  uint64_t seed = 11;
  for (int k = 0; k < N * F; k++) cand[k] = ufp_test_gaussian(&seed);
  for (int k = 0; k < NREF * F; k++) ref[k] = ufp_test_gaussian(&seed);
  /* Candidate 17 is a copy of training structure 3. */
  memcpy(cand + 17 * F, ref + 3 * F, sizeof(double) * F);
  int picked[M], n;
  double dist[M];
  assert_ufp_ok(FrameSelectFarthest(N, F, cand, NREF, ref, M, 0.0, picked, dist, &n));
  assert_int_equal(n, M);
  /* Brute force. */
  int taken[N] = {0};
  for (int k = 0; k < M; k++) {
    int best = -1;
    double bestd = -1;
    for (int j = 0; j < N; j++) {
      if (taken[j]) continue;
      double dmin = INFINITY;
      for (int r = 0; r < NREF; r++) {
        double d = 0;
        for (int q = 0; q < F; q++) d += pow(cand[j * F + q] - ref[r * F + q], 2);
        dmin = fmin(dmin, d);
      }
      for (int p = 0; p < k; p++) {
        double d = 0;
        for (int q = 0; q < F; q++) d += pow(cand[j * F + q] - cand[picked[p] * F + q], 2);
        dmin = fmin(dmin, d);
      }
      if (dmin > bestd) bestd = dmin, best = j;
    }
    assert_int_equal(picked[k], best);
    assert_close(dist[k], sqrt(bestd), 1e-12);
    if (k > 0) assert_true(dist[k] <= dist[k - 1]);
    assert_true(picked[k] != 17);
    taken[best] = 1;
  }
  /* A minimum distance stops the picks early; the copy is never taken. */
  assert_ufp_ok(FrameSelectFarthest(N, F, cand, NREF, ref, N, 1e-9, picked, dist, &n));
  assert_int_equal(n, N - 1);
  for (int k = 0; k < n; k++) assert_true(picked[k] != 17);
  /* Without a training set the first pick is the candidate farthest from the mean. */
  assert_ufp_ok(FrameSelectFarthest(N, F, cand, 0, NULL, 3, 0.0, picked, dist, &n));
  assert_int_equal(n, 3);
  assert_true(isnan(dist[0]));
  double mean[F] = {0}, far = -1;
  int first = -1;
  for (int j = 0; j < N; j++)
    for (int q = 0; q < F; q++) mean[q] += cand[j * F + q] / N;
  for (int j = 0; j < N; j++) {
    double d = 0;
    for (int q = 0; q < F; q++) d += pow(cand[j * F + q] - mean[q], 2);
    if (d > far) far = d, first = j;
  }
  assert_int_equal(picked[0], first);
}

/* Largest scores first, skipping those too close to a pick. */
static void test_largest_scores(void **state)
{
  (void)state;
  enum { N = 6, F = 2 };
  const double cand[N * F] = {0, 0, 10, 0, 0.05, 0, 20, 0, 30, 0, 10.01, 0};
  const double score[N] = {5.0, 1.0, 4.0, 3.0, 2.0, 9.0};
  int picked[N], n;
  assert_ufp_ok(FrameSelectLargest(N, F, cand, score, N, 0.0, picked, &n));
  const int order[N] = {5, 0, 2, 3, 4, 1};
  assert_int_equal(n, N);
  for (int k = 0; k < N; k++) assert_int_equal(picked[k], order[k]);
  /* 1 apart at least: 2 (0.05, 0) is next to 0 (0, 0), 1 (10, 0) next to 5 (10.01, 0). */
  assert_ufp_ok(FrameSelectLargest(N, F, cand, score, N, 1.0, picked, &n));
  const int spaced[4] = {5, 0, 3, 4};
  assert_int_equal(n, 4);
  for (int k = 0; k < 4; k++) assert_int_equal(picked[k], spaced[k]);
}

static void test_carve_cluster(void **state)
{
  (void)state;
  int n;
  UfpStructure **frames, *big = NULL, *c = NULL;
  assert_ufp_ok(UfpExtxyzReadAll(ufp_test_source("md/data/beta_Li3PS4_Pnma_ordered.extxyz"), &n, &frames));
  const int rep[3] = {2, 3, 4};
  assert_ufp_ok(UfpStructureReplicate(frames[0], rep, &big));
  int centre = -1;
  for (int i = 0; i < big->natoms && centre < 0; i++)
    if (!strcmp(big->species[i], "Li")) centre = i + 50 < big->natoms ? i + 50 : i;
  while (strcmp(big->species[centre], "Li")) centre++;
  const double radius = 5.0, bond = 2.4, vacuum = 4.0;
  assert_ufp_ok(FrameCarveCluster(big, centre, radius, bond, vacuum, &c));
  int count[3] = {0};
  for (int i = 0; i < c->natoms; i++) count[!strcmp(c->species[i], "P") ? 1 : !strcmp(c->species[i], "S") ? 2 : 0]++;
  print_message("cluster of radius %.1f Å: %d Li, %d P, %d S in a %.2f Å box\n", radius, count[0], count[1], count[2],
                c->lattice[0][0]);
  /* Neutral with formal charges, Li3PS4 units. */
  assert_int_equal(count[0] + 5 * count[1] - 2 * count[2], 0);
  assert_int_equal(count[2], 4 * count[1]);
  assert_true(count[1] >= 2);
  /* Every P has its four S (P-S about 2.05 Å), every S its P. */
  for (int i = 0; i < c->natoms; i++) {
    int partners = 0;
    for (int j = 0; j < c->natoms; j++) {
      double d = 0;
      for (int q = 0; q < 3; q++) d += pow(c->x[i][q] - c->x[j][q], 2);
      if (i != j && sqrt(d) < bond && strcmp(c->species[i], "Li") && strcmp(c->species[j], "Li")) partners++;
    }
    if (!strcmp(c->species[i], "P")) assert_int_equal(partners, 4);
    if (!strcmp(c->species[i], "S")) assert_true(partners >= 1);
  }
  /* Vacuum: no atom closer than vacuum to a face. */
  for (int i = 0; i < c->natoms; i++)
    for (int q = 0; q < 3; q++) {
      assert_true(c->x[i][q] >= vacuum - 1e-9);
      assert_true(c->x[i][q] <= c->lattice[q][q] - vacuum + 1e-9);
    }
  /* Every non-Li atom within the radius of the centre is in the cluster:
   * count them in the supercell and compare with the cluster around its
   * centre atom (the first Li kept: the centre is never removed). */
  UfpCell cell;
  int pbc[3] = {1, 1, 1};
  assert_ufp_ok(UfpCellSetup(&cell, big->lattice, pbc));
  int within = 0;
  for (int i = 0; i < big->natoms; i++) {
    double d[3];
    UfpCellMinimumImage(&cell, big->x[centre], big->x[i], d);
    within += strcmp(big->species[i], "Li") && sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) <= radius;
  }
  assert_true(count[1] + count[2] >= within);
  /* Too large a radius for the cell is refused. */
  UfpStructureDestroy(&c);
  assert_ufp_fails(FrameCarveCluster(frames[0], 0, 5.0, bond, vacuum, &c), UFP_ERR_INPUT, "label whole cells");
  UfpStructureDestroy(&big);
  UfpStructureArrayDestroy(n, &frames);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_fingerprint_invariances),
                                     cmocka_unit_test(test_farthest_points), cmocka_unit_test(test_largest_scores),
                                     cmocka_unit_test(test_carve_cluster)};
  return UFP_TEST_MAIN("frame_select", tests);
}
