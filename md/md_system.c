/*
 * md_system.c -- the MD engine (see md_system.h).
 *
 * Per step (dt), with forces F(t) known:
 *     v += dt/2 F/m;  x += dt/2 v;  O;  x += dt/2 v;
 *     [rebuild or forward ghosts];  F = F(x);  v += dt/2 F/m;  end.
 * Unit conversion: F/m in eV/(Å amu) becomes Å/ps^2 by dividing by
 * UFP_AMU_A2_PS2_EV (1 amu Å^2/ps^2 = 1.0364e-4 eV).
 *
 * Rebuild test: the largest displacement of any owned atom since the last
 * build, against half the skin, reduced over ranks (one integer MPI_MAX per
 * check).  Between rebuilds only ghost positions travel (MdDomainForward);
 * a rebuild migrates atoms, rebuilds the halo and the list.
 *
 * Pressure: P = (2 E_kin + Tr W) / (3 V), reported in GPa
 * (1 eV/Å^3 = 160.21766208 GPa).
 */
#include "md_system.h"

#include <math.h>
#include <string.h>

#include "md_random.h"
#include "neighbor.h"
#include "parallel.h"
#include "units.h"

#define EV_PER_A3_GPA 160.21766208

static UfpErrorCode refresh_masses(MdSystem *sys)
{
  MdDomain *d = sys->domain;
  UfpCall(UfpRealloc(d->nlocal > 0 ? d->nlocal : 1, &sys->mass));
  for (int i = 0; i < d->nlocal; i++) sys->mass[i] = sys->type_mass[d->type[i]];
  return UFP_SUCCESS;
}

static UfpErrorCode build_list(MdSystem *sys)
{
  MdDomain *d = sys->domain;
  UfpCall(MdDomainExchange(d));
  UfpCall(MdDomainBorders(d));
  UfpCall(refresh_masses(sys));
  UfpCell open = d->cell;
  open.pbc[0] = open.pbc[1] = open.pbc[2] = 0;
  UfpCall(UfpNeighborListDestroy(&sys->list));
  UfpCall(UfpNeighborListBuildCentres(&open, d->nall, (const double(*)[3])d->x, d->nlocal, sys->cutoff + sys->skin,
                                      &sys->list));
  UfpCall(UfpRealloc(d->nlocal > 0 ? d->nlocal : 1, &sys->x_built));
  memcpy(sys->x_built, d->x, sizeof *sys->x_built * (size_t)d->nlocal);
  sys->rebuild_requested = 0;
  sys->nbuilds++;
  return UFP_SUCCESS;
}

UfpErrorCode MdSystemCreate(MPI_Comm comm, const double lattice[3][3], int64_t natoms, const int *type,
                            const double (*x)[3], const double (*v)[3], const int (*image)[3],
                            const Uf3Potential *pot, const double *type_mass, double skin, MdSystem **sys_out)
{
  MdSystem *sys = NULL;
  UfpCall(UfpCalloc(1, sys_out));
  sys = *sys_out;
  sys->comm = comm;
  sys->type_mass = type_mass;
  sys->skin = skin;
  sys->check_every = 1;
  sys->thermostat.ops = &MdThermostatNone;
  sys->thermostat.tau = 0.1;
  UfpCall(Uf3ForceCreate(pot, &sys->force));
  sys->cutoff = Uf3ForceCutoff(sys->force);
  UfpCall(MdDomainCreate(comm, lattice, sys->cutoff + skin, &sys->domain));
  UfpCall(MdDomainSetAtoms(sys->domain, natoms, type, x, v, image));
  sys->rebuild_requested = 1;
  return UFP_SUCCESS;
}

UfpErrorCode MdSystemDestroy(MdSystem **sys)
{
  if (!sys || !*sys) return UFP_SUCCESS;
  UfpCall(MdDomainDestroy(&(*sys)->domain));
  UfpCall(Uf3ForceDestroy(&(*sys)->force));
  UfpFree(&(*sys)->mass);
  UfpCall(UfpNeighborListDestroy(&(*sys)->list));
  UfpFree(&(*sys)->x_built);
  UfpFree(&(*sys)->eatom);
  UfpFree(sys);
  return UFP_SUCCESS;
}

void MdSystemRequestRebuild(MdSystem *sys) { sys->rebuild_requested = 1; }

static UfpErrorCode needs_rebuild(MdSystem *sys, int *rebuild)
{
  int flag = sys->rebuild_requested;
  if (!flag && sys->check_every > 0 && sys->step % sys->check_every == 0) {
    MdDomain *d = sys->domain;
    double limit = 0.25 * sys->skin * sys->skin;
    for (int i = 0; i < d->nlocal && !flag; i++) {
      double dx = d->x[i][0] - sys->x_built[i][0], dy = d->x[i][1] - sys->x_built[i][1],
             dz = d->x[i][2] - sys->x_built[i][2];
      flag = dx * dx + dy * dy + dz * dz > limit;
    }
  }
  UfpCall(UfpAllreduceMaxInt(sys->comm, &flag));
  *rebuild = flag;
  return UFP_SUCCESS;
}

UfpErrorCode MdSystemComputeForces(MdSystem *sys)
{
  MdDomain *d = sys->domain;
  int rebuild;
  UfpCall(needs_rebuild(sys, &rebuild));
  if (rebuild)
    UfpCall(build_list(sys));
  else
    UfpCall(MdDomainForward(d));
  Uf3Neighbors view = {.nlocal = d->nlocal, .offset = sys->list->offset, .j = sys->list->j};
  if (sys->want_eatom) UfpCall(UfpRealloc(d->nall > 0 ? d->nall : 1, &sys->eatom));
  Uf3Result result = {.f = d->f, .eatom = sys->want_eatom ? sys->eatom : NULL};
  UfpErrorCode local = Uf3ForceCompute(sys->force, d->nall, (const double(*)[3])d->x, d->type, &view, &result);
  if (local != UFP_SUCCESS) {
    /* Name the atoms by their global ids (0-based, the order of the input). */
    int i, j;
    double r, rmin;
    Uf3ForceLastContact(sys->force, &i, &j, &r, &rmin);
    UfpErrorClear();
    local = UfpError(UFP_ERR_INPUT,
                     "atoms %lld and %lld (0-based) are %.4g Å apart, closer than the first knot (%.4g Å) of "
                     "their pair potential",
                     (long long)d->id[i], (long long)d->id[j], r, rmin);
  }
  UfpCall(UfpErrorSync(sys->comm, local));
  UfpCall(MdDomainReverse(d));
  if (sys->want_eatom) UfpCall(MdDomainReverseArray(d, 1, sys->eatom));
  double sums[10] = {result.energy};
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) sums[1 + 3 * a + b] = result.virial[a][b];
  UfpCall(UfpAllreduceSumDouble(sys->comm, sums, 10));
  sys->energy = sums[0];
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) sys->virial[a][b] = sums[1 + 3 * a + b];
  return UFP_SUCCESS;
}

static void thermostat_atoms(MdSystem *sys, MdThermostatAtoms *atoms)
{
  MdDomain *d = sys->domain;
  atoms->n = d->nlocal;
  atoms->id = d->id;
  atoms->v = d->v;
  atoms->mass = sys->mass;
  atoms->natoms = d->natoms;
  atoms->ndof = (int)(3 * d->natoms - 3);
  atoms->comm = sys->comm;
}

static void kick(MdSystem *sys, double dt)
{
  MdDomain *d = sys->domain;
  for (int i = 0; i < d->nlocal; i++) {
    double scale = dt / (sys->mass[i] * UFP_AMU_A2_PS2_EV);
    for (int k = 0; k < 3; k++) d->v[i][k] += scale * d->f[i][k];
  }
}

static void drift(MdSystem *sys, double dt)
{
  MdDomain *d = sys->domain;
  for (int i = 0; i < d->nlocal; i++)
    for (int k = 0; k < 3; k++) d->x[i][k] += dt * d->v[i][k];
}

UfpErrorCode MdSystemStep(MdSystem *sys, double temperature)
{
  MdThermostatAtoms atoms;
  double delta = 0.0, work = 0.0;
  const double dt = sys->dt;
  const MdThermostatOps *ops = sys->thermostat.ops;
  kick(sys, 0.5 * dt);
  drift(sys, 0.5 * dt);
  if (ops->o_step) {
    thermostat_atoms(sys, &atoms);
    UfpCall(ops->o_step(&sys->thermostat, &atoms, dt, sys->step, temperature, &delta));
    work += delta;
  }
  drift(sys, 0.5 * dt);
  sys->step++;
  UfpCall(MdSystemComputeForces(sys));
  kick(sys, 0.5 * dt);
  if (ops->end_step) {
    thermostat_atoms(sys, &atoms);
    UfpCall(ops->end_step(&sys->thermostat, &atoms, dt, sys->step, temperature, &delta));
    work += delta;
  }
  /* Thermostat work stays rank-local until MdSystemThermo reduces it. */
  sys->thermostat_work += work;
  return UFP_SUCCESS;
}

UfpErrorCode MdSystemThermo(MdSystem *sys, MdThermo *thermo)
{
  MdThermostatAtoms atoms;
  thermostat_atoms(sys, &atoms);
  UfpCall(MdKineticEnergy(&atoms, &thermo->kinetic));
  double work = sys->thermostat_work;
  UfpCall(UfpAllreduceSumDouble(sys->comm, &work, 1));
  thermo->potential = sys->energy;
  thermo->temperature = atoms.ndof > 0 ? 2.0 * thermo->kinetic / (atoms.ndof * UFP_BOLTZMANN_EV_K) : 0.0;
  thermo->conserved = thermo->potential + thermo->kinetic - work;
  double trace = sys->virial[0][0] + sys->virial[1][1] + sys->virial[2][2];
  thermo->pressure = (2.0 * thermo->kinetic + trace) / (3.0 * sys->domain->cell.volume) * EV_PER_A3_GPA;
  memcpy(thermo->virial, sys->virial, sizeof thermo->virial);
  return UFP_SUCCESS;
}

UfpErrorCode MdSystemRemoveDrift(MdSystem *sys)
{
  MdDomain *d = sys->domain;
  double p[4] = {0, 0, 0, 0};
  for (int i = 0; i < d->nlocal; i++) {
    for (int k = 0; k < 3; k++) p[k] += sys->mass[i] * d->v[i][k];
    p[3] += sys->mass[i];
  }
  UfpCall(UfpAllreduceSumDouble(sys->comm, p, 4));
  for (int i = 0; i < d->nlocal; i++)
    for (int k = 0; k < 3; k++) d->v[i][k] -= p[k] / p[3];
  return UFP_SUCCESS;
}

UfpErrorCode MdSystemInitVelocities(MdSystem *sys, double temperature, uint64_t seed)
{
  MdDomain *d = sys->domain;
  UfpCall(refresh_masses(sys));
  for (int i = 0; i < d->nlocal; i++) {
    double sigma = sqrt(UFP_BOLTZMANN_EV_K * temperature / (sys->mass[i] * UFP_AMU_A2_PS2_EV));
    for (int k = 0; k < 3; k++) d->v[i][k] = sigma * MdRandomNormal(seed, 0, d->id[i], MD_STREAM_VELOCITY, k);
  }
  UfpCall(MdSystemRemoveDrift(sys));
  MdThermostatAtoms atoms;
  thermostat_atoms(sys, &atoms);
  double ke;
  UfpCall(MdKineticEnergy(&atoms, &ke));
  double current = atoms.ndof > 0 ? 2.0 * ke / (atoms.ndof * UFP_BOLTZMANN_EV_K) : 0.0;
  double scale = current > 0 ? sqrt(temperature / current) : 0.0;
  for (int i = 0; i < d->nlocal; i++)
    for (int k = 0; k < 3; k++) d->v[i][k] *= scale;
  return UFP_SUCCESS;
}
