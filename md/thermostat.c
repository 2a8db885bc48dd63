/*
 * thermostat.c -- NVE, Langevin (BAOAB's O step) and Bussi stochastic
 * velocity rescaling (see thermostat.h for the splitting).
 *
 * Langevin O step, exact for the Ornstein-Uhlenbeck process with friction
 * gamma = 1/tau:
 *     v <- c1 v + sqrt((1 - c1^2) k_B T / m) xi,   c1 = exp(-gamma dt)
 *
 * Bussi rescaling over a step dt with c = exp(-dt/tau), kinetic energy K,
 * target K_t = N_f k_B T / 2 and N_f degrees of freedom:
 *     alpha^2 = c + (1 - c) (R_1^2 + S) K_t / (N_f K)
 *               + 2 R_1 sqrt(c (1 - c) K_t / (N_f K)),
 * R_1 standard normal and S = sum of N_f - 1 squared normals, drawn as
 * 2 Gamma((N_f - 1)/2).  v <- alpha v.  All ranks draw the same R_1 and S
 * from the counter-based generator, so alpha needs no broadcast.
 */
#include "thermostat.h"

#include <math.h>
#include <string.h>

#include "md_random.h"
#include "units.h"

UfpErrorCode MdKineticEnergy(MdThermostatAtoms *atoms, double *ke)
{
  double sum = 0.0;
  for (int i = 0; i < atoms->n; i++)
    sum += atoms->mass[i] *
           (atoms->v[i][0] * atoms->v[i][0] + atoms->v[i][1] * atoms->v[i][1] + atoms->v[i][2] * atoms->v[i][2]);
  sum *= 0.5 * UFP_AMU_A2_PS2_EV;
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_DOUBLE, MPI_SUM, atoms->comm));
  *ke = sum;
  return UFP_SUCCESS;
}

static UfpErrorCode langevin_o(MdThermostat *t, MdThermostatAtoms *atoms, double dt, int64_t step,
                               double temperature, double *delta_ke)
{
  double c1 = exp(-dt / t->tau), kt = UFP_BOLTZMANN_EV_K * temperature, change = 0.0;
  for (int i = 0; i < atoms->n; i++) {
    double m = atoms->mass[i] * UFP_AMU_A2_PS2_EV; /* eV ps^2 / Å^2 */
    double sigma = sqrt((1.0 - c1 * c1) * kt / m), before = 0.0, after = 0.0;
    for (int k = 0; k < 3; k++) {
      double v = atoms->v[i][k];
      before += v * v;
      v = c1 * v + sigma * MdRandomNormal(t->seed, step, atoms->id[i], MD_STREAM_LANGEVIN, k);
      atoms->v[i][k] = v;
      after += v * v;
    }
    change += 0.5 * m * (after - before);
  }
  *delta_ke = change;
  return UFP_SUCCESS;
}

static UfpErrorCode bussi_end(MdThermostat *t, MdThermostatAtoms *atoms, double dt, int64_t step,
                              double temperature, double *delta_ke)
{
  double ke;
  UfpCall(MdKineticEnergy(atoms, &ke));
  *delta_ke = 0.0;
  if (ke <= 0.0 || atoms->ndof < 1) return UFP_SUCCESS;
  double nf = atoms->ndof, target = 0.5 * nf * UFP_BOLTZMANN_EV_K * temperature;
  double c = exp(-dt / t->tau);
  double r1 = MdRandomNormal(t->seed, step, -1, MD_STREAM_BUSSI, 0);
  double s = nf > 1 ? 2.0 * MdRandomGamma(t->seed, step, -1, MD_STREAM_BUSSI, 0.5 * (nf - 1), 2) : 0.0;
  double ratio = target / (nf * ke);
  double alpha2 = c + (1.0 - c) * (r1 * r1 + s) * ratio + 2.0 * r1 * sqrt(c * (1.0 - c) * ratio);
  double alpha = sqrt(alpha2);
  if (r1 + sqrt(c / ((1.0 - c) * ratio)) < 0) alpha = -alpha; /* sign of the rescaling (Bussi's code) */
  for (int i = 0; i < atoms->n; i++)
    for (int k = 0; k < 3; k++) atoms->v[i][k] *= alpha;
  /* Every rank reports its share of the change. */
  double local = 0.0;
  for (int i = 0; i < atoms->n; i++)
    local += atoms->mass[i] *
             (atoms->v[i][0] * atoms->v[i][0] + atoms->v[i][1] * atoms->v[i][1] + atoms->v[i][2] * atoms->v[i][2]);
  local *= 0.5 * UFP_AMU_A2_PS2_EV;
  *delta_ke = local * (1.0 - 1.0 / alpha2);
  return UFP_SUCCESS;
}

const MdThermostatOps MdThermostatNone = {"none", NULL, NULL};
const MdThermostatOps MdThermostatLangevin = {"langevin", langevin_o, NULL};
const MdThermostatOps MdThermostatBussi = {"bussi", NULL, bussi_end};

UfpErrorCode MdThermostatFind(const char *name, const MdThermostatOps **ops)
{
  if (!strcmp(name, "none") || !strcmp(name, "nve"))
    *ops = &MdThermostatNone;
  else if (!strcmp(name, "langevin"))
    *ops = &MdThermostatLangevin;
  else if (!strcmp(name, "bussi") || !strcmp(name, "csvr"))
    *ops = &MdThermostatBussi;
  else
    return UfpError(UFP_ERR_USAGE, "unknown thermostat \"%s\": expected none, langevin or bussi", name);
  return UFP_SUCCESS;
}
