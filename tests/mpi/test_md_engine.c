/*
 * test_md_engine.c -- the MD engine on 1, 2 and 3 ranks:
 *   - NVE with an LPS-like 2+3-body potential conserves energy;
 *   - forces and energies equal those of the serial image-list evaluation;
 *   - the same trajectory on all ranks and on one rank agrees to round-off;
 *   - a restart from a checkpoint repeats the uninterrupted run bit for bit;
 *   - Langevin and Bussi hold the target temperature.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "extxyz.h"
#include "image_list.h"
#include "md_system.h"
#include "parallel.h"
#include "test_potential.h"
#include "test_util.h"

typedef struct {
  UfpStructure *s;
  int *type;
  double mass[3];
} System;

static void load_beta(System *sys, int na, int nb, int nc)
{
  int nframes = 0;
  UfpStructure **frames = NULL;
  assert_ufp_ok(UfpExtxyzReadAll(ufp_test_source("md/data/beta_Li3PS4_Pnma_ordered.extxyz"), &nframes, &frames));
  const int rep[3] = {na, nb, nc};
  assert_ufp_ok(UfpStructureReplicate(frames[0], rep, &sys->s));
  assert_ufp_ok(UfpStructureArrayDestroy(nframes, &frames));
  sys->type = calloc((size_t)sys->s->natoms, sizeof *sys->type);
  for (int i = 0; i < sys->s->natoms; i++)
    sys->type[i] = !strcmp(sys->s->species[i], "Li") ? 0 : !strcmp(sys->s->species[i], "P") ? 1 : 2;
  sys->mass[0] = 6.94;
  sys->mass[1] = 30.973762;
  sys->mass[2] = 32.06;
}

static void free_system(System *sys)
{
  UfpStructureDestroy(&sys->s);
  free(sys->type);
}

static MdSystem *make_md(MPI_Comm comm, System *in, const Uf3Potential *pot, const char *thermostat)
{
  MdSystem *md = NULL;
  assert_ufp_ok(MdSystemCreate(comm, in->s->lattice, in->s->natoms, in->type, (const double(*)[3])in->s->x, NULL,
                               NULL, pot, in->mass, 0.8, &md));
  md->dt = 0.001;
  md->thermostat.tau = 0.05;
  md->thermostat.seed = 99;
  assert_ufp_ok(MdThermostatFind(thermostat, &md->thermostat.ops));
  assert_ufp_ok(MdSystemInitVelocities(md, 600.0, 7));
  assert_ufp_ok(MdSystemComputeForces(md));
  return md;
}

/* Positions by global id, gathered on every rank. */
static void positions(MdSystem *md, double *all)
{
  MdDomain *d = md->domain;
  int64_t start, count;
  UfpPartition(d->natoms, d->rank, d->size, &start, &count);
  double *block = calloc((size_t)(count + 1) * 3, sizeof *block);
  double *unwrapped = calloc((size_t)(d->nlocal + 1) * 3, sizeof *unwrapped);
  for (int i = 0; i < d->nlocal; i++)
    for (int k = 0; k < 3; k++)
      unwrapped[3 * i + k] = d->x[i][k] + d->image[i][0] * d->cell.h[0][k] + d->image[i][1] * d->cell.h[1][k] +
                             d->image[i][2] * d->cell.h[2][k];
  assert_ufp_ok(MdDomainToBlocks(d, 3, unwrapped, block));
  int *counts = calloc((size_t)d->size, sizeof *counts), *displs = calloc((size_t)d->size, sizeof *displs);
  for (int r = 0; r < d->size; r++) {
    int64_t s0, c0;
    UfpPartition(d->natoms, r, d->size, &s0, &c0);
    counts[r] = (int)(3 * c0);
    displs[r] = (int)(3 * s0);
  }
  MPI_Allgatherv(block, (int)(3 * count), MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, d->comm);
  free(block);
  free(unwrapped);
  free(counts);
  free(displs);
}

static void test_forces_match_serial(void **state)
{
  (void)state;
  System in;
  load_beta(&in, 1, 1, 2); /* 64 atoms, c = 12.2 Å */
  Uf3Potential *pot = ufp_test_lps_potential(1);
  MdSystem *md = make_md(MPI_COMM_WORLD, &in, pot, "none");
  /* Serial reference on every rank. */
  Uf3Force force = NULL;
  assert_ufp_ok(Uf3ForceCreate(pot, &force));
  UfpCell cell;
  Uf3ImageList *list = NULL;
  assert_ufp_ok(UfpCellSetup(&cell, in.s->lattice, NULL));
  assert_ufp_ok(Uf3ImageListBuild(&cell, in.s->natoms, (const double(*)[3])in.s->x, Uf3ForceCutoff(force), &list));
  double(*f)[3] = calloc((size_t)in.s->natoms, sizeof *f);
  Uf3Result ref = {.f = f};
  assert_ufp_ok(Uf3ForceCompute(force, in.s->natoms, (const double(*)[3])in.s->x, in.type, &list->view, &ref));
  assert_close(md->energy, ref.energy, 1e-10 * fabs(ref.energy));
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) assert_close(md->virial[a][b], ref.virial[a][b], 1e-9 * (1 + fabs(ref.virial[a][b])));
  MdDomain *d = md->domain;
  int ok = 1;
  for (int i = 0; i < d->nlocal; i++)
    for (int k = 0; k < 3; k++) ok &= fabs(d->f[i][k] - f[d->id[i]][k]) < 1e-10;
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));
  /* Per-atom energies, with ghost shares folded back, equal the serial ones. */
  double *eatom = calloc((size_t)in.s->natoms, sizeof *eatom);
  ref.eatom = eatom;
  assert_ufp_ok(Uf3ForceCompute(force, in.s->natoms, (const double(*)[3])in.s->x, in.type, &list->view, &ref));
  md->want_eatom = 1;
  MdSystemRequestRebuild(md);
  assert_ufp_ok(MdSystemComputeForces(md));
  d = md->domain;
  ok = 1;
  for (int i = 0; i < d->nlocal; i++) ok &= fabs(md->eatom[i] - eatom[d->id[i]]) < 1e-10;
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));
  free(eatom);
  free(f);
  assert_ufp_ok(Uf3ImageListDestroy(&list));
  assert_ufp_ok(Uf3ForceDestroy(&force));
  assert_ufp_ok(MdSystemDestroy(&md));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  free_system(&in);
}

static void test_nve_conserves_energy(void **state)
{
  (void)state;
  System in;
  load_beta(&in, 1, 1, 2);
  Uf3Potential *pot = ufp_test_lps_potential(1);
  /* Relax the synthetic structure with a strong Langevin coupling first, then switch it off. */
  MdSystem *md = make_md(MPI_COMM_WORLD, &in, pot, "langevin");
  md->thermostat.tau = 0.02;
  for (int s = 0; s < 3000; s++) assert_ufp_ok(MdSystemStep(md, 300.0));
  assert_ufp_ok(MdThermostatFind("none", &md->thermostat.ops));
  MdThermo th;
  assert_ufp_ok(MdSystemThermo(md, &th));
  double e0 = th.conserved, worst = 0.0, tmax = 0.0;
  const int nsteps = 2000;
  for (int s = 0; s < nsteps; s++) {
    assert_ufp_ok(MdSystemStep(md, 0.0));
    if (s % 50 == 49) {
      assert_ufp_ok(MdSystemThermo(md, &th));
      worst = fmax(worst, fabs(th.conserved - e0));
      tmax = fmax(tmax, th.temperature);
    }
  }
  /* 2 ps at dt = 1 fs, T about 300-600 K: total energy within 2e-5 eV/atom. */
  print_message("NVE: max |E - E0| = %.3g eV/atom over %d steps, %lld rebuilds, T max %.0f K\n",
                worst / in.s->natoms, nsteps, (long long)md->nbuilds, tmax);
  assert_true(worst / in.s->natoms < 2e-5);
  assert_true(tmax > 100.0);  /* the atoms really moved */
  assert_true(md->nbuilds > 1);
  assert_ufp_ok(MdSystemDestroy(&md));
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  free_system(&in);
}

static void test_rank_invariance(void **state)
{
  (void)state;
  System in;
  load_beta(&in, 1, 1, 2);
  Uf3Potential *pot = ufp_test_lps_potential(1);
  int n = in.s->natoms, rank = UfpCommRank(MPI_COMM_WORLD);
  double *xall = calloc((size_t)n * 3, sizeof *xall), *xone = calloc((size_t)n * 3, sizeof *xone);
  MdSystem *md = make_md(MPI_COMM_WORLD, &in, pot, "langevin");
  for (int s = 0; s < 200; s++) assert_ufp_ok(MdSystemStep(md, 600.0));
  positions(md, xall);
  assert_ufp_ok(MdSystemDestroy(&md));
  if (rank == 0) {
    MdSystem *serial = make_md(MPI_COMM_SELF, &in, pot, "langevin");
    for (int s = 0; s < 200; s++) assert_ufp_ok(MdSystemStep(serial, 600.0));
    positions(serial, xone);
    assert_ufp_ok(MdSystemDestroy(&serial));
  }
  MPI_Bcast(xone, 3 * n, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  double worst = 0;
  for (int k = 0; k < 3 * n; k++) worst = fmax(worst, fabs(xall[k] - xone[k]));
  print_message("rank invariance: largest position difference after 200 Langevin steps %.2g Å\n", worst);
  assert_true(worst < 1e-8);
  free(xall);
  free(xone);
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  free_system(&in);
}

static void run_steps(MdSystem *md, int n, int checkpoint_every)
{
  for (int s = 0; s < n; s++) {
    if ((md->step + 1) % checkpoint_every == 0) MdSystemRequestRebuild(md);
    assert_ufp_ok(MdSystemStep(md, 600.0));
  }
}

static void test_restart_is_bit_exact(void **state)
{
  (void)state;
  System in;
  load_beta(&in, 1, 1, 2);
  Uf3Potential *pot = ufp_test_lps_potential(1);
  int n = in.s->natoms;
  const char *prefix = ufp_test_tmp("md_engine_ckpt");
  double *straight = calloc((size_t)n * 3, sizeof *straight), *resumed = calloc((size_t)n * 3, sizeof *resumed);
  const char *thermostats[2] = {"bussi", "langevin"};
  for (int t = 0; t < 2; t++) {
    MdSystem *md = make_md(MPI_COMM_WORLD, &in, pot, thermostats[t]);
    run_steps(md, 150, 100);
    positions(md, straight);
    assert_ufp_ok(MdSystemDestroy(&md));
    /* Run to the checkpoint at step 100, write it, and start again from it. */
    md = make_md(MPI_COMM_WORLD, &in, pot, thermostats[t]);
    run_steps(md, 100, 100);
    MdCheckpointHeader h = {.step = md->step, .natoms = n, .dt = md->dt, .tau = md->thermostat.tau,
                            .seed = md->thermostat.seed};
    memcpy(h.lattice, md->domain->cell.h, sizeof h.lattice);
    snprintf(h.thermostat, sizeof h.thermostat, "%s", thermostats[t]);
    assert_ufp_ok(MdCheckpointWrite(md, prefix, 0, &h));
    assert_ufp_ok(MdSystemDestroy(&md));
    char path[4096];
    int found = 0, which = -1;
    assert_ufp_ok(MdCheckpointFind(MPI_COMM_WORLD, prefix, &found, path, &which));
    assert_true(found);
    assert_int_equal(which, 0);
    MdCheckpointHeader r;
    int *type = NULL, (*image)[3] = NULL;
    double(*x)[3] = NULL, (*v)[3] = NULL;
    assert_ufp_ok(MdCheckpointRead(MPI_COMM_WORLD, path, &r, &type, &x, &v, &image));
    assert_int_equal(r.step, 100);
    assert_true(r.seed == 99);
    assert_ufp_ok(MdSystemCreate(MPI_COMM_WORLD, r.lattice, r.natoms, type, (const double(*)[3])x,
                                 (const double(*)[3])v, (const int(*)[3])image, pot, in.mass, 0.8, &md));
    md->step = r.step;
    md->dt = r.dt;
    md->thermostat.tau = r.tau;
    md->thermostat.seed = r.seed;
    assert_ufp_ok(MdThermostatFind(r.thermostat, &md->thermostat.ops));
    assert_ufp_ok(MdSystemComputeForces(md));
    run_steps(md, 50, 100);
    positions(md, resumed);
    assert_ufp_ok(MdSystemDestroy(&md));
    free(type);
    free(x);
    free(v);
    free(image);
    assert_memory_equal(straight, resumed, sizeof *straight * 3 * (size_t)n);
  }
  free(straight);
  free(resumed);
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  free_system(&in);
}

static void test_thermostats_hold_temperature(void **state)
{
  (void)state;
  System in;
  load_beta(&in, 1, 1, 2);
  Uf3Potential *pot = ufp_test_lps_potential(1);
  const char *names[2] = {"langevin", "bussi"};
  for (int t = 0; t < 2; t++) {
    MdSystem *md = make_md(MPI_COMM_WORLD, &in, pot, names[t]);
    double sum = 0;
    int samples = 0;
    for (int s = 0; s < 3000; s++) {
      assert_ufp_ok(MdSystemStep(md, 300.0));
      if (s >= 1000 && s % 10 == 0) {
        MdThermo th;
        assert_ufp_ok(MdSystemThermo(md, &th));
        sum += th.temperature;
        samples++;
      }
    }
    print_message("%s: <T> = %.1f K over %d samples (target 300 K)\n", names[t], sum / samples, samples);
    /* 64 atoms: instantaneous T fluctuates by ~18%; the mean of 200 correlated samples within 10%. */
    assert_true(fabs(sum / samples - 300.0) < 30.0);
    assert_ufp_ok(MdSystemDestroy(&md));
  }
  assert_ufp_ok(Uf3PotentialDestroy(&pot));
  free_system(&in);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_forces_match_serial),
      cmocka_unit_test(test_nve_conserves_energy),
      cmocka_unit_test(test_rank_invariance),
      cmocka_unit_test(test_restart_is_bit_exact),
      cmocka_unit_test(test_thermostats_hold_temperature),
  };
  return UFP_TEST_MAIN("md_engine", tests);
}
