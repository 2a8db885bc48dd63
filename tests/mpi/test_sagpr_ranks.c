/* test_sagpr_ranks.c -- SA-GPR fits do not depend on the number of ranks.
 *
 * Every rank builds the same synthetic features and targets; the ranks fit
 * together, each holding every size-th environment, and each rank also fits
 * all environments alone (MPI_COMM_SELF).  The weights and predictions must
 * agree to round-off. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "sagpr.h"
#include "test_util.h"

enum { N = 90, M = 25, F0 = 40, F2 = 30 };

static void normalise(double *x, int n)
{
  double s = 0;
  for (int k = 0; k < n; k++) s += x[k] * x[k];
  for (int k = 0; k < n; k++) x[k] /= sqrt(s);
}

static void test_ranks(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  const int rank = UfpCommRank(comm), size = UfpCommSize(comm);
  uint64_t seed = 12345;
  double *p0 = malloc(sizeof(double) * N * F0), *p2 = malloc(sizeof(double) * N * 5 * F2), *t = malloc(sizeof(double) * N * 5);
  for (int i = 0; i < N; i++) {
    for (int k = 0; k < F0; k++) p0[i * F0 + k] = ufp_test_uniform(&seed); /* non-negative, like SOAP power spectra */
    normalise(p0 + i * F0, F0);
    for (int k = 0; k < 5 * F2; k++) p2[i * 5 * F2 + k] = ufp_test_uniform(&seed) - 0.5;
    normalise(p2 + i * 5 * F2, 5 * F2);
    for (int mu = 0; mu < 5; mu++) t[i * 5 + mu] = 0.02 * (ufp_test_uniform(&seed) - 0.5);
  }
  int sel[M];
  assert_ufp_ok(SagprFarthestPoints(N, F0, p0, M, 0, sel));
  double *s0 = malloc(sizeof(double) * M * F0), *s2 = malloc(sizeof(double) * M * 5 * F2);
  for (int k = 0; k < M; k++) {
    memcpy(s0 + k * F0, p0 + sel[k] * F0, sizeof(double) * F0);
    memcpy(s2 + k * 5 * F2, p2 + sel[k] * 5 * F2, sizeof(double) * 5 * F2);
  }
  /* This rank's share: environments rank, rank + size, ... */
  int n = 0;
  double *q0 = malloc(sizeof(double) * N * F0), *q2 = malloc(sizeof(double) * N * 5 * F2), *u = malloc(sizeof(double) * N * 5);
  for (int i = rank; i < N; i += size, n++) {
    memcpy(q0 + n * F0, p0 + i * F0, sizeof(double) * F0);
    memcpy(q2 + n * 5 * F2, p2 + i * 5 * F2, sizeof(double) * 5 * F2);
    memcpy(u + n * 5, t + i * 5, sizeof(double) * 5);
  }
  SagprSettings settings = {.zeta = 2, .sigma2 = 1e-3, .jitter = 1e-10};
  Sagpr shared = NULL, alone = NULL;
  assert_ufp_ok(SagprFit(comm, &settings, F0, F2, M, s0, s2, n, q0, q2, u, &shared));
  assert_ufp_ok(SagprFit(MPI_COMM_SELF, &settings, F0, F2, M, s0, s2, N, p0, p2, t, &alone));
  int m, f0, f2;
  SagprSettings s1;
  const double *p01, *p02, *w1, *w2;
  SagprGetParts(shared, &s1, &f0, &f2, &m, &p01, &w1);
  SagprGetParts(alone, &s1, &f0, &f2, &m, &p02, &w2);
  assert_int_equal(m, M);
  double big = 0, diff = 0;
  for (int k = 0; k < M * F2; k++) {
    big = fmax(big, fabs(w2[k]));
    diff = fmax(diff, fabs(w1[k] - w2[k]));
  }
  double *a = malloc(sizeof(double) * N * 5), *b = malloc(sizeof(double) * N * 5);
  assert_ufp_ok(SagprPredict(shared, N, p0, p2, a));
  assert_ufp_ok(SagprPredict(alone, N, p0, p2, b));
  double pdiff = 0, pbig = 0;
  for (int k = 0; k < 5 * N; k++) {
    pdiff = fmax(pdiff, fabs(a[k] - b[k]));
    pbig = fmax(pbig, fabs(b[k]));
  }
  if (rank == 0)
    print_message("%d ranks: max projection difference %.2e of %.2e, prediction %.2e of %.2e\n", size, diff, big, pdiff,
                  pbig);
  assert_true(ufp_test_all_true(comm, diff <= 1e-9 * big && pdiff <= 1e-9 * pbig && big > 0));
  SagprDestroy(&shared);
  SagprDestroy(&alone);
  free(p0), free(p2), free(t), free(s0), free(s2), free(q0), free(q2), free(u), free(a), free(b);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_ranks)};
  return UFP_TEST_MAIN("sagpr_ranks", tests);
}
