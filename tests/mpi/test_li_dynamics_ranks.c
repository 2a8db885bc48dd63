/* test_li_dynamics_ranks.c -- Li on a simple cubic lattice of sites
 * (spacing a = 3 Å) that hop to a random neighbour after residence times of
 * at least 30 frames, vibrating by 0.12 Å about their site.  The hop
 * detector must find every planted hop; the hop rate is the planted one;
 * the mean squared hop length is a^2; for these uncorrelated hops the rate
 * from the MSD, 6 D / <l^2>, agrees with the hop rate within its interval;
 * and everything, intervals included, is the same when the Li are spread
 * over 1, 2 or 3 ranks. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "li_dynamics.h"
#include "parallel.h"
#include "test_util.h"

enum { LI = 48, FRAMES = 4000 };
static const double spacing = 3.0, dt_ps = 0.1;

/* The trajectory of Li a (its own random stream); returns the number of its
 * hops that a dwell of 10 frames can see. */
static int walk(int a, double (*x)[3])
{
  uint64_t seed = 77 + 1000 * (uint64_t)a;
  double site[3] = {0, 0, 0};
  int left = 30 + (int)(-log(1.0 - ufp_test_uniform(&seed)) * 100), hops = 0;
  for (int k = 0; k < FRAMES; k++) {
    if (--left == 0) {
      int axis = (int)(3 * ufp_test_uniform(&seed));
      site[axis] += ufp_test_uniform(&seed) < 0.5 ? -spacing : spacing;
      left = 30 + (int)(-log(1.0 - ufp_test_uniform(&seed)) * 100);
      hops += k <= FRAMES - 10; /* the new site is seen for a whole dwell */
    }
    for (int c = 0; c < 3; c++)
      x[k][c] = site[c] + 0.12 * ufp_test_gaussian(&seed);
  }
  return hops;
}

static void test_lattice_walk(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  const int rank = UfpCommRank(comm), size = UfpCommSize(comm);
  /* Contiguous blocks of Li per rank, as acf-fit reads them. */
  const int first = LI * rank / size, count = LI * (rank + 1) / size - first;
  LiTrajectory all = {.nframes = FRAMES, .count = LI}, mine = {.nframes = FRAMES, .count = count};
  all.x = malloc(sizeof(double[3]) * LI * FRAMES);
  all.site0 = calloc(LI, sizeof(int));
  all.coord0 = calloc(LI, sizeof(int));
  int64_t id_all[LI];
  int planted = 0;
  for (int a = 0; a < LI; a++)
    planted += walk(a, all.x + (size_t)a * FRAMES), id_all[a] = a;
  mine.x = all.x + (size_t)first * FRAMES;
  mine.site0 = all.site0 + first;
  mine.coord0 = all.coord0 + first;
  AcfPlan plan;
  assert_ufp_ok(AcfPlanCreate(FRAMES, &plan));
  LiDynamicsSettings ds = {.hops = {.r_in = 0.6, .r_out = 1.2, .dwell = 10},
                           .msd_t_min = 0.1 * (FRAMES - 1) * dt_ps,
                           .msd_t_max = 0.5 * (FRAMES - 1) * dt_ps,
                           .bootstrap = {.resamples = 200, .seed = 3, .level = 0.95}};
  LiDynamics *shared, *alone;
  assert_ufp_ok(LiDynamicsCompute(comm, &ds, plan, &mine, id_all + first, LI, dt_ps, &shared));
  assert_ufp_ok(LiDynamicsCompute(MPI_COMM_SELF, &ds, plan, &all, id_all, LI, dt_ps, &alone));
  const double rate = 1e12 * planted / (LI * (FRAMES - 1) * dt_ps);
  if (rank == 0)
    print_message(
        "%d ranks: %d planted, %.0f found; hop rate %.4g [%.4g, %.4g] (planted %.4g) s^-1; <l^2> %.3f A^2; "
        "6D/<l^2> %.4g [%.4g, %.4g] s^-1; D %.4g m^2/s\n",
        size, planted, shared->hops, shared->hop_rate, shared->hop_rate_lo, shared->hop_rate_hi, rate,
        shared->hop_length2, shared->msd_rate, shared->msd_rate_lo, shared->msd_rate_hi, shared->diffusion);
  int ok = shared->hops == planted && fabs(shared->hop_rate - rate) < 1e-12 * rate;
  ok &= shared->hop_rate_lo < rate && rate < shared->hop_rate_hi;
  ok &= fabs(shared->hop_length2 - spacing * spacing) < 0.02 * spacing * spacing;
  ok &= shared->msd_rate_lo < shared->hop_rate && shared->hop_rate < shared->msd_rate_hi;
  ok &= fabs(shared->msd_rate / rate - 1) < 0.25;
  const double *p = &shared->diffusion, *q = &alone->diffusion;
  for (int k = 0; k < 3; k++)
    ok &= fabs(p[k] - q[k]) <= 1e-12 * fabs(q[k]); /* D and its interval */
  p = &shared->hop_rate, q = &alone->hop_rate;
  for (int k = 0; k < 3; k++)
    ok &= p[k] == q[k];
  p = &shared->msd_rate, q = &alone->msd_rate;
  for (int k = 0; k < 3; k++)
    ok &= fabs(p[k] - q[k]) <= 1e-12 * fabs(q[k]);
  for (int k = 0; k < FRAMES; k++)
    ok &= fabs(shared->msd[k] - alone->msd[k]) <= 1e-12 * (1 + alone->msd[k]);
  assert_true(ufp_test_all_true(comm, ok));
  LiDynamicsDestroy(&shared);
  LiDynamicsDestroy(&alone);
  AcfPlanDestroy(&plan);
  free(all.x), free(all.site0), free(all.coord0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_lattice_walk)};
  return UFP_TEST_MAIN_PETSC("li_dynamics_ranks", tests);
}
