/*
 * thermostat.h -- thermostats as an ops table, plugged into one integrator.
 *
 * The integrator (md_system.c) advances a step of length dt as the
 * symmetric splitting  B A O A B  (+ end):
 *     B  v += dt/2 F/m          A  x += dt/2 v
 *     O  the thermostat's mid-step velocity update (ops->o_step)
 *     end  a whole-system update after the step (ops->end_step)
 * With no O and no end this is velocity Verlet (NVE); with the
 * Ornstein-Uhlenbeck O it is Langevin BAOAB (Leimkuhler and Matthews, Appl.
 * Math. Res. Express 2013, 34); with a stochastic rescaling at the end it is
 * the Bussi-Donadio-Parrinello thermostat (J. Chem. Phys. 126, 014101
 * (2007)).
 *
 * Thermostats report the kinetic energy they inject (delta_ke, eV, this
 * rank's share) so that  E_pot + E_kin - sum(delta_ke)  is conserved: the
 * "conserved quantity" printed by ufp-md.
 *
 * Random numbers are counter-based (md_random.h), keyed by the global step
 * and atom id: results do not depend on the rank count, and a restart draws
 * exactly what the uninterrupted run drew.
 */
#ifndef UFP_MD_THERMOSTAT_H
#define UFP_MD_THERMOSTAT_H

#include <mpi.h>
#include <stdint.h>

#include "ufp_error.h"

typedef struct {
  int n;                    /* owned atoms */
  const int64_t *id;
  double (*v)[3];           /* Å/ps */
  const double *mass;       /* amu, per owned atom */
  int64_t natoms;           /* global */
  int ndof;                 /* degrees of freedom (3N - 3 with drift removal) */
  MPI_Comm comm;
} MdThermostatAtoms;

typedef struct MdThermostat_ MdThermostat;

typedef struct {
  const char *name;
  /* Mid-step velocity update (may be NULL). */
  UfpErrorCode (*o_step)(MdThermostat *t, MdThermostatAtoms *atoms, double dt, int64_t step, double temperature,
                         double *delta_ke);
  /* Whole-system update at the end of the step (may be NULL). */
  UfpErrorCode (*end_step)(MdThermostat *t, MdThermostatAtoms *atoms, double dt, int64_t step,
                           double temperature, double *delta_ke);
} MdThermostatOps;

struct MdThermostat_ {
  const MdThermostatOps *ops;
  double tau;               /* ps: Langevin 1/gamma, Bussi relaxation time */
  uint64_t seed;
};

extern const MdThermostatOps MdThermostatNone, MdThermostatLangevin, MdThermostatBussi;

/* Look up by name ("none"/"nve", "langevin", "bussi"). */
UfpErrorCode MdThermostatFind(const char *name, const MdThermostatOps **ops);

/* Total kinetic energy (eV) of all ranks. */
UfpErrorCode MdKineticEnergy(MdThermostatAtoms *atoms, double *ke);

#endif
