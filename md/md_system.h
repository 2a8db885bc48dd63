/*
 * md_system.h -- the MD engine: atoms in a domain decomposition, the UF3
 * force, a Verlet neighbour list, and the B A O A B integrator.
 *
 * Lifecycle: MdSystemCreate -> set dt and thermostat (public fields) ->
 * MdSystemInitVelocities (fresh runs) -> MdSystemComputeForces (first
 * neighbour list and forces) -> MdSystemStep ... -> MdSystemDestroy.
 *
 * Neighbour list: full, over owned + ghost atoms, built with cutoff
 * r_c + skin; rebuilt (migration, halo, list) when any atom has moved more
 * than skin/2 since the last build (checked every `check_every` steps, one
 * reduction), and always when MdSystemRequestRebuild was called, which the
 * driver does at every checkpoint step.  Owned atoms are sorted by id at
 * each rebuild, so a run restarted from a checkpoint repeats the
 * uninterrupted run bit for bit on the same ranks.
 */
#ifndef UFP_MD_SYSTEM_H
#define UFP_MD_SYSTEM_H

#include <mpi.h>
#include <stdint.h>

#include "domain.h"
#include "neighbor.h"
#include "thermostat.h"
#include "uf3_force.h"

typedef struct {
  double potential, kinetic;  /* eV */
  double temperature;         /* K */
  double conserved;           /* eV: E_pot + E_kin - thermostat work */
  double pressure;            /* GPa */
  double virial[3][3];        /* eV */
} MdThermo;

typedef struct MdSystem_ {
  MPI_Comm comm;
  MdDomain *domain;
  Uf3Force force;
  const double *type_mass;    /* amu per potential element */
  double *mass;               /* per owned atom */
  double skin, cutoff;        /* Å */
  int check_every;
  int remove_drift;
  double dt;                  /* ps */
  int64_t step;
  double thermostat_work;     /* eV, all ranks: sum of kinetic energy injected */
  MdThermostat thermostat;
  UfpNeighborList *list;      /* over owned + ghost atoms, cutoff + skin */
  double (*x_built)[3];       /* owned positions at the last build */
  int rebuild_requested;
  int64_t nbuilds;
  double *eatom;              /* per-atom energies (eV) when want_eatom: the
                                 first nlocal entries, ghosts already folded */
  int want_eatom;
  double energy;              /* potential energy, eV (all ranks) */
  double virial[3][3];        /* eV (all ranks) */
} MdSystem;

UfpErrorCode MdSystemCreate(MPI_Comm comm, const double lattice[3][3], int64_t natoms, const int *type,
                            const double (*x)[3], const double (*v)[3], const int (*image)[3],
                            const Uf3Potential *pot, const double *type_mass, double skin, MdSystem **sys);
UfpErrorCode MdSystemDestroy(MdSystem **sys);

/* Maxwell-Boltzmann velocities at temperature T (K) from seed, keyed by atom
 * id (rank-independent); centre-of-mass momentum removed and rescaled so the
 * instantaneous temperature is exactly T. */
UfpErrorCode MdSystemInitVelocities(MdSystem *sys, double temperature, uint64_t seed);
UfpErrorCode MdSystemRemoveDrift(MdSystem *sys);

/* Force the next force evaluation to rebuild the neighbour list. */
void MdSystemRequestRebuild(MdSystem *sys);
/* Forces (and energy, virial) for the current positions. */
UfpErrorCode MdSystemComputeForces(MdSystem *sys);
/* One step of length dt at target temperature T (thermostat permitting). */
UfpErrorCode MdSystemStep(MdSystem *sys, double temperature);
/* Energies, temperature, pressure (collective). */
UfpErrorCode MdSystemThermo(MdSystem *sys, MdThermo *thermo);

#endif
