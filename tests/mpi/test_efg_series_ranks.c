/* test_efg_series_ranks.c -- an efg-predict file (written through
 * efg_output.h on all ranks) read back by atom ranges split unevenly over
 * the ranks: C_Q, omega_Q for the stored fields and for powder directions
 * computed from the tensors match the tensors put in, and the orientation
 * map of the second field (binned by the reading ranks) equals the map of
 * the angles computed here; the file is read in rounds of 1, 5 and all frames per rank (many
 * rounds, a short last round, ranks without frames); window means
 * (EfgSeriesBlockAverage) equal the means of the series read. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "distributions.h"
#include "efg_output.h"
#include "efg_series.h"
#include "efg_tensor.h"
#include "isotopes.h"
#include "parallel.h"
#include "safe_output.h"
#include "sae.h"
#include "test_util.h"

enum { F = 12, N = 7, BLOCK = 5 };

static void tensor(int f, int a, double v[3][3])
{
  double s[6] = {sin(0.3 * f + a), cos(0.7 * a - f), 0.2 * sin(f * a + 1.0),
                 0.1 * a,          0.05 * f,         cos(f + 2.0 * a)};
  v[0][0] = s[0], v[1][1] = s[1], v[2][2] = -s[0] - s[1];
  v[0][1] = v[1][0] = s[2], v[0][2] = v[2][0] = s[3], v[1][2] = v[2][1] = s[4] * s[5];
  for (int p = 0; p < 3; p++)
    for (int q = 0; q < 3; q++)
      v[p][q] *= 0.01;
}

static void test_series(void **state)
{
  (void)state;
  MPI_Comm comm = MPI_COMM_WORLD;
  const int rank = UfpCommRank(comm), size = UfpCommSize(comm);
  const UfpIsotope *iso;
  assert_ufp_ok(UfpIsotopeDefault("Li", &iso));
  const double field[2][3] = {{0, 0, 1}, {0.6, 0.8, 0}};
  int64_t ids[N];
  for (int a = 0; a < N; a++)
    ids[a] = 3 * a + 1;
  EfgOutputLayout layout = {.nframes = F,
                            .natoms = N,
                            .nfields = 2,
                            .field = field,
                            .block = BLOCK,
                            .atom_id = ids,
                            .isotope = iso,
                            .centre = "Li",
                            .model_kind = "test"};
  char path[1024];
  snprintf(path, sizeof path, "%s", ufp_test_tmp("series.h5"));
  EfgOutput out;
  int *done, nblocks;
  assert_ufp_ok(EfgOutputOpen(comm, path, &layout, 0, &out, &done, &nblocks));
  for (int round = 0; round * size < nblocks; round++) {
    int b = round * size + rank < nblocks ? round * size + rank : -1, count = 0;
    int64_t step[BLOCK], frame[BLOCK];
    double time[BLOCK], v[BLOCK * N][3][3];
    if (b >= 0) {
      count = F - b * BLOCK < BLOCK ? F - b * BLOCK : BLOCK;
      for (int k = 0; k < count; k++) {
        int f = b * BLOCK + k;
        step[k] = 10 * f, frame[k] = 2 * f, time[k] = 0.01 * f;
        for (int a = 0; a < N; a++)
          tensor(f, a, v[k * N + a]);
      }
    }
    assert_ufp_ok(EfgOutputWriteBlock(out, b, count, step, time, frame, (const double(*)[3][3])v));
  }
  assert_ufp_ok(EfgOutputClose(&out));
  free(done);
  /* uneven split: rank r takes (r + 1) parts */
  int64_t parts = (int64_t)size * (size + 1) / 2, first = N * ((int64_t)rank * (rank + 1) / 2) / parts,
          last = N * ((int64_t)(rank + 1) * (rank + 2) / 2) / parts;
  const double hz = UfpEfgCouplingHzPerAu(iso);
  const int64_t read_frames[3] = {0, 1, 5};
  for (int r = 0; r < 3; r++)
    for (int powder = 0; powder <= 20; powder += 20) {
      EfgSeriesSetReadFrames(read_frames[r]);
      EfgSeries *s;
      enum { NB = 3 };
      assert_ufp_ok(EfgSeriesRead(comm, path, first, last - first, powder, NB, 1, &s));
      double map[NB * NB] = {0};
      for (int a = 0; a < N; a++)
        for (int f = 0; f < F; f++) {
          double v[3][3], theta, phi;
          tensor(f, a, v);
          UfpEfgPrincipal pas;
          UfpEfgPrincipalAxes(v, &pas);
          assert_ufp_ok(UfpEfgFieldAngles(&pas, field[1], &theta, &phi));
          OrientationAdd(NB, theta, phi, map);
        }
      assert_int_equal(s->norient, NB);
      for (int b = 0; b < NB * NB; b++)
        assert_close(s->orientation[b], map[b], 0.0);
      assert_int_equal(s->nframes, F);
      assert_int_equal(s->atom_id[N - 1], 3 * (N - 1) + 1);
      double dirs[20][3];
      SaeFieldDirections(20, dirs);
      int ok = 1;
      for (int64_t a = 0; a < s->count; a++)
        for (int f = 0; f < F; f++) {
          double v[3][3];
          tensor(f, (int)(first + a), v);
          UfpEfgPrincipal pas;
          UfpEfgPrincipalAxes(v, &pas);
          ok &= fabs(s->cq[a * F + f] - hz * pas.vzz) < 1e-6 * fabs(hz * pas.vzz) + 1e-9;
          ok &= fabs(s->time[f] - 0.01 * f) < 1e-15 && s->frame[f] == 2 * f;
          for (int k = 0; k < s->nomega; k++) {
            const double *n = powder ? dirs[k] : field[k];
            double w = 0;
            for (int p = 0; p < 3; p++)
              for (int q = 0; q < 3; q++)
                w += n[p] * v[p][q] * n[q];
            ok &=
                fabs(s->omega[((size_t)a * s->nomega + k) * F + f] - hz * w) < 1e-6 * fabs(hz) * 0.01 + 1e-9;
          }
        }
      /* Window means of 5 frames: 2 windows (the last 2 frames dropped). */
      const int64_t R = s->count * (1 + s->nomega);
      double *before = malloc(sizeof(double) * (R > 0 ? R : 1) * F);
      for (int64_t a = 0; a < s->count; a++)
        for (int f = 0; f < F; f++) {
          before[a * F + f] = s->cq[a * F + f];
          for (int k = 0; k < s->nomega; k++)
            before[(s->count + a * s->nomega + k) * F + f] = s->omega[((size_t)a * s->nomega + k) * F + f];
        }
      assert_ufp_ok(EfgSeriesBlockAverage(s, 5));
      ok &= s->nframes == 2 && fabs(s->time[0] - 0.02) < 1e-15 && fabs(s->time[1] - 0.07) < 1e-15 &&
            s->frame[1] == 10;
      for (int64_t a = 0; a < s->count; a++)
        for (int j = 0; j < 2; j++) {
          double m = 0;
          for (int q = 0; q < 5; q++)
            m += before[a * F + 5 * j + q] / 5;
          ok &= fabs(s->cq[a * 2 + j] - m) <= 1e-12 * fabs(m);
          for (int k = 0; k < s->nomega; k++) {
            m = 0;
            for (int q = 0; q < 5; q++)
              m += before[(s->count + a * s->nomega + k) * F + 5 * j + q] / 5;
            ok &= fabs(s->omega[((size_t)a * s->nomega + k) * 2 + j] - m) <= 1e-12 * (fabs(m) + 1);
          }
        }
      free(before);
      assert_ufp_fails(EfgSeriesBlockAverage(s, 3), UFP_ERR_USAGE, "longer than the 2 frames");
      assert_true(ufp_test_all_true(comm, ok));
      EfgSeriesDestroy(&s);
    }
  EfgSeriesSetReadFrames(0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_series)};
  return UFP_TEST_MAIN("efg_series_ranks", tests);
}
