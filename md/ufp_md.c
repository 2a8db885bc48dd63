/*
 * ufp_md.c -- ufp-md: UF3 molecular dynamics of Li-ion conductors.
 *
 * Two modes.
 *   Single point (-md_steps 0): every frame of the input extxyz is evaluated
 *     and written to -md_single_output with energy (eV), per-atom forces
 *     (eV/Å), per-atom energies (eV), virial (eV) and stress (eV/Å^3, ASE
 *     sign: stress = -virial / volume).  Other codes are compared on these.
 *   MD (-md_steps N): velocity Verlet / BAOAB with a thermostat, a
 *     temperature schedule, an H5MD trajectory (positions and image flags,
 *     optionally velocities and forces) and thermodynamic observables,
 *     periodic checkpoints, and restart.
 *
 * Crash safety.  The trajectory is written as NAME.partial and renamed when
 * the run completes.  Checkpoints alternate between two files.  SIGTERM and
 * SIGUSR1 (SLURM's warning before the time limit, scancel) make every rank
 * run on to the next periodic checkpoint, write it and exit with status 75;
 * `-restart` then continues from the newest valid checkpoint, first
 * truncating trajectory frames written after it.  Periodic checkpoints
 * coincide with neighbour-list rebuilds, so a run stopped by a signal, or
 * killed with SIGKILL (which falls back to the checkpoint before), and
 * restarted repeats the uninterrupted run bit for bit on the same number of
 * ranks.  Keep -md_checkpoint_every short in wall time compared with the
 * warning time of the scheduler.
 *
 * Segments.  With -md_segment_steps N an invocation stops after N steps,
 * writes a checkpoint, keeps the trajectory as NAME.partial and exits with
 * status 0; the next invocation with -restart continues (chained batch
 * jobs of a limited wall time, jobs/).  Segment ends are rebuild points like
 * periodic checkpoints, so the segmented run equals the uninterrupted one bit
 * for bit when N is a multiple of -md_checkpoint_every.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "elements.h"
#include "extxyz.h"
#include "h5md.h"
#include "md_system.h"
#include "options.h"
#include "parallel.h"
#include "poscar.h"
#include "progress.h"
#include "safe_output.h"
#include "uf3_file.h"
#include "units.h"
#include "ufp_version.h"

static const char help[] =
    "ufp-md: UF3 molecular dynamics (energies in eV, lengths in Å, time in ps).\n\n"
    "Single point:  ufp-md -md_structure in.extxyz -md_potential pot.uf3 -md_steps 0 \\\n"
    "                      -md_single_output out.extxyz\n"
    "MD:            ufp-md -md_structure in.extxyz -md_potential pot.uf3 -md_replicate 3,2,2 \\\n"
    "                      -md_steps 100000 -md_timestep 0.002 -md_thermostat bussi \\\n"
    "                      -md_temperature 300 -md_output traj.h5md [-restart]\n\n"
    "The potential's element order follows -md_elements (as pair_coeff * * file El1 El2 ...).\n"
    "Exit codes: 0 done, 64 usage, 65 bad input, 70 internal, 74 I/O,\n"
    "75 stopped by SIGTERM/SIGUSR1 after writing a checkpoint (rerun with -restart).\n";

typedef struct {
  char structure[UFP_PATH_MAX], potential[UFP_PATH_MAX], elements[512];
  char output[UFP_PATH_MAX], single_output[UFP_PATH_MAX], checkpoint[UFP_PATH_MAX], schedule[1024];
  char final_output[UFP_PATH_MAX];
  long frame, steps, traj_every, thermo_every, checkpoint_every, drift_every, seed, crash_at_step, segment_steps;
  double replicate[3], dt, temperature, velocity_temperature, tau, skin, density;
  int thermostat, restart, overwrite, traj_velocities, traj_forces;
} Settings;

static const char *const thermostat_names[] = {"none", "langevin", "bussi"};
static volatile sig_atomic_t stop_signal;

static void on_signal(int signum) { stop_signal = signum; }

static UfpErrorCode read_settings(MPI_Comm comm, Settings *s)
{
  UfpOptions o = NULL;
  int nrep = 3;
  memset(s, 0, sizeof *s);
  s->replicate[0] = s->replicate[1] = s->replicate[2] = 1;
  s->dt = 0.002;
  s->temperature = 300.0;
  s->velocity_temperature = -1.0;
  s->tau = 0.1;
  s->skin = 1.0;
  s->steps = 0;
  s->traj_every = 1000;
  s->thermo_every = 100;
  s->checkpoint_every = 100000;
  s->drift_every = 1000;
  s->seed = 12345;
  s->thermostat = 2;
  snprintf(s->output, sizeof s->output, "traj.h5md");
  snprintf(s->single_output, sizeof s->single_output, "single_point.extxyz");
  UfpCall(UfpOptionsBegin(comm, NULL, "ufp-md: UF3 molecular dynamics", &o));
  UfpCall(UfpOptionsString(o, "-md_structure", "input structure (extxyz, or POSCAR/CONTCAR)", "MDSetStructure",
                           s->structure, sizeof s->structure, NULL));
  UfpCall(UfpOptionsInt(o, "-md_frame", "frame of the extxyz input used for MD (0-based)", "", "MDSetFrame",
                        &s->frame));
  UfpCall(UfpOptionsRealArray(o, "-md_replicate", "supercell repetitions along a,b,c", "", "MDSetReplicate",
                              s->replicate, &nrep, NULL));
  UfpCall(UfpOptionsReal(o, "-md_density", "scale the (replicated) input cell isotropically to this mass density "
                                           "(0: keep it)",
                         "g/cm^3", "MDSetDensity", &s->density));
  UfpCall(UfpOptionsString(o, "-md_potential", "UF3 potential (LAMMPS uf3 file, uf3 JSON, or old-format files "
                                               "separated by commas)",
                           "MDSetPotential", s->potential, sizeof s->potential, NULL));
  UfpCall(UfpOptionsString(o, "-md_elements", "element order of the potential, comma-separated (default: the "
                                              "file's)",
                           "MDSetElements", s->elements, sizeof s->elements, NULL));
  UfpCall(UfpOptionsInt(o, "-md_steps", "number of MD steps (0: single-point mode)", "", "MDSetSteps", &s->steps));
  UfpCall(UfpOptionsReal(o, "-md_timestep", "time step", "ps", "MDSetTimestep", &s->dt));
  UfpCall(UfpOptionsChoice(o, "-md_thermostat", "thermostat", "MDSetThermostat", thermostat_names, 3,
                           &s->thermostat));
  UfpCall(UfpOptionsReal(o, "-md_temperature", "target temperature (without -md_schedule)", "K",
                         "MDSetTemperature", &s->temperature));
  UfpCall(UfpOptionsString(o, "-md_schedule", "temperature schedule T0:T1:steps,... (linear ramps; heat, hold, "
                                              "quench)",
                           "MDSetSchedule", s->schedule, sizeof s->schedule, NULL));
  UfpCall(UfpOptionsReal(o, "-md_tau", "thermostat time constant (Langevin 1/gamma, Bussi tau)", "ps",
                         "MDSetThermostatTau", &s->tau));
  UfpCall(UfpOptionsReal(o, "-md_velocity_temperature", "initial Maxwell-Boltzmann temperature (default: the "
                                                        "first target)",
                         "K", "MDSetVelocityTemperature", &s->velocity_temperature));
  UfpCall(UfpOptionsInt(o, "-md_seed", "random seed (velocities, thermostat)", "", "MDSetSeed", &s->seed));
  UfpCall(UfpOptionsReal(o, "-md_skin", "neighbour-list skin", "Å", "MDSetSkin", &s->skin));
  UfpCall(UfpOptionsString(o, "-md_output", "H5MD trajectory", "MDSetOutput", s->output, sizeof s->output, NULL));
  UfpCall(UfpOptionsInt(o, "-md_traj_every", "steps between trajectory frames", "steps", "MDSetTrajectoryStride",
                        &s->traj_every));
  UfpCall(UfpOptionsBool(o, "-md_traj_velocities", "store velocities in the trajectory", "MDSetTrajectoryVelocities",
                         &s->traj_velocities));
  UfpCall(UfpOptionsBool(o, "-md_traj_forces", "store forces in the trajectory", "MDSetTrajectoryForces",
                         &s->traj_forces));
  UfpCall(UfpOptionsInt(o, "-md_thermo_every", "steps between thermodynamic output lines and observables", "steps",
                        "MDSetThermoStride", &s->thermo_every));
  UfpCall(UfpOptionsInt(o, "-md_checkpoint_every", "steps between checkpoints", "steps", "MDSetCheckpointStride",
                        &s->checkpoint_every));
  UfpCall(UfpOptionsString(o, "-md_checkpoint", "checkpoint prefix (default: the output name)", "MDSetCheckpoint",
                           s->checkpoint, sizeof s->checkpoint, NULL));
  UfpCall(UfpOptionsInt(o, "-md_drift_every", "steps between centre-of-mass drift removals (0: never)", "steps",
                        "MDSetDriftStride", &s->drift_every));
  UfpCall(UfpOptionsString(o, "-md_single_output", "single-point results (extxyz)", "MDSetSingleOutput",
                           s->single_output, sizeof s->single_output, NULL));
  UfpCall(UfpOptionsString(o, "-md_final_output", "final structure after MD (extxyz; empty: none)",
                           "MDSetFinalOutput", s->final_output, sizeof s->final_output, NULL));
  UfpCall(UfpOptionsBool(o, "-restart", "continue from the newest valid checkpoint", "MDSetRestart", &s->restart));
  UfpCall(UfpOptionsInt(o, "-md_segment_steps", "stop after this many steps with a checkpoint and the trajectory "
                                                "still partial, exit status 0; continue with -restart (0: run to "
                                                "the end)",
                        "steps", "MDSetSegmentSteps", &s->segment_steps));
  s->crash_at_step = -1;
  UfpCall(UfpOptionsInt(o, "-md_crash_at_step", "fault injection for tests: rank 0 kills itself with SIGKILL "
                                                "after this step (-1: never)",
                        "steps", "MDSetCrashAtStep", &s->crash_at_step));
  UfpCall(UfpOptionsBool(o, "-overwrite", "replace complete outputs", "MDSetOverwrite", &s->overwrite));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested() || UfpVersionRequested()) return UFP_SUCCESS;
  UfpCheck(s->structure[0], UFP_ERR_USAGE, "no structure: give -md_structure FILE (see -help)");
  UfpCheck(s->potential[0], UFP_ERR_USAGE, "no potential: give -md_potential FILE (see -help)");
  UfpCheck(nrep == 3, UFP_ERR_USAGE, "-md_replicate needs 3 integers, got %d", nrep);
  for (int a = 0; a < 3; a++)
    UfpCheck(s->replicate[a] >= 1 && s->replicate[a] == floor(s->replicate[a]), UFP_ERR_USAGE,
             "-md_replicate values must be positive integers");
  UfpCheck(s->density >= 0 && isfinite(s->density), UFP_ERR_USAGE, "-md_density must be >= 0 g/cm^3");
  UfpCheck(s->steps >= 0, UFP_ERR_USAGE, "-md_steps must not be negative");
  UfpCheck(s->segment_steps >= 0, UFP_ERR_USAGE, "-md_segment_steps must not be negative");
  UfpCheck(s->dt > 0, UFP_ERR_USAGE, "-md_timestep must be positive (got %g ps)", s->dt);
  UfpCheck(s->tau > 0, UFP_ERR_USAGE, "-md_tau must be positive (got %g ps)", s->tau);
  UfpCheck(s->skin >= 0, UFP_ERR_USAGE, "-md_skin must not be negative");
  UfpCheck(s->traj_every > 0 && s->thermo_every > 0 && s->checkpoint_every > 0, UFP_ERR_USAGE,
           "output strides must be positive");
  if (!s->checkpoint[0]) {
    size_t n = strlen(s->output);
    UfpCheck(n + sizeof ".checkpoint" <= sizeof s->checkpoint, UFP_ERR_USAGE, "-md_output path too long");
    memcpy(s->checkpoint, s->output, n);
    memcpy(s->checkpoint + n, ".checkpoint", sizeof ".checkpoint");
  }
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------ schedule */
typedef struct {
  int n;
  double t0[64], t1[64];
  long steps[64];
} Schedule;

static UfpErrorCode parse_schedule(const Settings *s, Schedule *sc)
{
  memset(sc, 0, sizeof *sc);
  if (!s->schedule[0]) return UFP_SUCCESS;
  char copy[1024];
  snprintf(copy, sizeof copy, "%s", s->schedule);
  for (char *save = NULL, *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    UfpCheck(sc->n < 64, UFP_ERR_USAGE, "-md_schedule: at most 64 segments");
    char tail;
    UfpCheck(sscanf(item, "%lf:%lf:%ld%c", &sc->t0[sc->n], &sc->t1[sc->n], &sc->steps[sc->n], &tail) == 3 &&
                 sc->t0[sc->n] >= 0 && sc->t1[sc->n] >= 0 && sc->steps[sc->n] > 0,
             UFP_ERR_USAGE, "-md_schedule segment \"%s\" is not T0:T1:STEPS (K, K, steps > 0)", item);
    sc->n++;
  }
  return UFP_SUCCESS;
}

/* Target temperature at a step; after the last segment its end temperature. */
static double schedule_temperature(const Schedule *sc, double fixed, int64_t step)
{
  if (sc->n == 0) return fixed;
  int64_t begin = 0;
  for (int k = 0; k < sc->n; k++) {
    if (step < begin + sc->steps[k])
      return sc->t0[k] + (sc->t1[k] - sc->t0[k]) * (double)(step - begin) / (double)sc->steps[k];
    begin += sc->steps[k];
  }
  return sc->t1[sc->n - 1];
}

/* ------------------------------------------------------------ input */
typedef struct {
  UfpStructure *s;         /* the (replicated) structure */
  int *type;               /* potential element index per atom */
  double type_mass[64];    /* amu per potential element */
} Input;

static UfpErrorCode read_frames(const char *path, int *nframes, UfpStructure ***frames)
{
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (strstr(base, "POSCAR") || strstr(base, "CONTCAR") || strstr(base, ".vasp")) {
    UfpCall(UfpCalloc(1, frames));
    *nframes = 1;
    UfpCall(UfpPoscarRead(path, &(*frames)[0]));
    return UFP_SUCCESS;
  }
  UfpCall(UfpExtxyzReadAll(path, nframes, frames));
  return UFP_SUCCESS;
}

/* Map species to potential elements; check coordinates. */
static UfpErrorCode map_species(const Settings *set, const Uf3Potential *pot, const UfpStructure *s, int frame,
                                int *type)
{
  for (int i = 0; i < s->natoms; i++) {
    type[i] = Uf3PotentialElementIndex(pot, s->species[i]);
    UfpCheck(type[i] >= 0, UFP_ERR_INPUT, "%s (frame %d): atom %d is %s, which the potential %s does not describe",
             set->structure, frame, i, s->species[i], set->potential);
    for (int k = 0; k < 3; k++)
      UfpCheck(isfinite(s->x[i][k]), UFP_ERR_INPUT, "%s (frame %d): atom %d (%s) has a non-finite coordinate",
               set->structure, frame, i, s->species[i]);
  }
  UfpCheck(s->has_lattice && s->pbc[0] && s->pbc[1] && s->pbc[2], UFP_ERR_INPUT,
           "%s (frame %d): ufp-md needs a periodic cell (Lattice and pbc=\"T T T\")", set->structure, frame);
  return UFP_SUCCESS;
}

static UfpErrorCode read_potential(const Settings *set, Uf3Potential **pot, double *type_mass)
{
  char list[512], *map[64];
  int nmap = 0;
  snprintf(list, sizeof list, "%s", set->elements);
  for (char *save = NULL, *item = strtok_r(list, ",", &save); item && nmap < 64; item = strtok_r(NULL, ",", &save))
    map[nmap++] = item;
  if (strchr(set->potential, ',')) {
    char files[UFP_PATH_MAX], *paths[64];
    int npaths = 0;
    snprintf(files, sizeof files, "%s", set->potential);
    for (char *save = NULL, *item = strtok_r(files, ",", &save); item && npaths < 64;
         item = strtok_r(NULL, ",", &save))
      paths[npaths++] = item;
    UfpCall(Uf3PotentialReadOldFormat(npaths, (const char *const *)paths, nmap, (const char *const *)map, pot));
  } else {
    UfpCall(Uf3PotentialRead(set->potential, nmap, (const char *const *)map, pot));
  }
  UfpCheck((*pot)->nelements <= 64, UFP_ERR_INPUT, "more than 64 elements in %s", set->potential);
  for (int e = 0; e < (*pot)->nelements; e++) {
    int z = UfpElementNumber((*pot)->elements[e]);
    UfpCheck(z > 0, UFP_ERR_INPUT, "%s: element %s has no standard atomic mass", set->potential,
             (*pot)->elements[e]);
    type_mass[e] = UfpElementMass(z);
  }
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------ single point */
static UfpErrorCode gather_to_root(MdSystem *sys, int width, const double *local, double *all)
{
  MdDomain *d = sys->domain;
  int64_t start, count;
  UfpPartition(d->natoms, d->rank, d->size, &start, &count);
  double *block = NULL;
  int *counts = NULL, *displs = NULL;
  UfpCall(UfpCalloc((size_t)(count + 1) * (size_t)width, &block));
  UfpCall(MdDomainToBlocks(d, width, local, block));
  UfpCall(UfpCalloc(d->size, &counts));
  UfpCall(UfpCalloc(d->size, &displs));
  for (int r = 0; r < d->size; r++) {
    int64_t s0, c0;
    UfpPartition(d->natoms, r, d->size, &s0, &c0);
    counts[r] = (int)(c0 * width);
    displs[r] = (int)(s0 * width);
  }
  UfpCallMPI(MPI_Gatherv(block, (int)(count * width), MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, 0, d->comm));
  UfpFree(&block);
  UfpFree(&counts);
  UfpFree(&displs);
  return UFP_SUCCESS;
}

static UfpErrorCode single_point(MPI_Comm comm, const Settings *set, const Uf3Potential *pot,
                                 const double *type_mass, int nframes, UfpStructure **frames)
{
  char partial[UFP_PATH_MAX];
  UfpCall(UfpOutputBegin(comm, set->single_output, set->overwrite, partial));
  /* Errors against labels the input carries (rank 0): force components,
   * per-atom energies, stress. */
  double f2 = 0.0, fabs_sum = 0.0, stress2 = 0.0;
  long nf = 0, ns = 0;
  double *de = NULL;
  int ne = 0;
  UfpCall(UfpCalloc(nframes + 1, &de));
  for (int f = 0; f < nframes; f++) {
    UfpStructure *s = frames[f];
    double *ref_f = NULL, ref_e = NAN, ref_s[9];
    int have_s = 0;
    if (UfpCommRank(comm) == 0) {
      UfpAtomColumn *rc = UfpStructureFindColumn(s, "forces");
      if (rc && rc->type == 'R' && rc->ncols == 3) {
        UfpCall(UfpCalloc((size_t)s->natoms * 3, &ref_f));
        memcpy(ref_f, rc->real, sizeof *ref_f * 3 * (size_t)s->natoms);
      }
      UfpInfoValue *ri = UfpStructureFindInfo(s, "energy");
      if (ri && ri->type == 'R' && ri->n == 1) ref_e = ri->real[0];
      ri = UfpStructureFindInfo(s, "stress");
      if (ri && ri->type == 'R' && ri->n == 9) memcpy(ref_s, ri->real, sizeof ref_s), have_s = 1;
    }
    int *type = NULL;
    MdSystem *sys = NULL;
    UfpCall(UfpCalloc(s->natoms, &type));
    UfpCall(map_species(set, pot, s, f, type));
    UfpCall(MdSystemCreate(comm, s->lattice, s->natoms, type, (const double(*)[3])s->x, NULL, NULL, pot, type_mass,
                           0.0, &sys));
    sys->want_eatom = 1;
    UfpCall(MdSystemComputeForces(sys));
    double *forces = NULL, *energies = NULL;
    if (UfpCommRank(comm) == 0) {
      UfpCall(UfpCalloc((size_t)s->natoms * 3, &forces));
      UfpCall(UfpCalloc(s->natoms, &energies));
    }
    UfpCall(gather_to_root(sys, 3, &sys->domain->f[0][0], forces));
    UfpCall(gather_to_root(sys, 1, sys->eatom, energies));
    if (UfpCommRank(comm) == 0) {
      UfpAtomColumn *col = NULL;
      UfpCall(UfpStructureAddColumn(s, "forces", 'R', 3, &col));
      memcpy(col->real, forces, sizeof *forces * 3 * (size_t)s->natoms);
      UfpCall(UfpStructureAddColumn(s, "energies", 'R', 1, &col));
      memcpy(col->real, energies, sizeof *energies * (size_t)s->natoms);
      double virial[9], stress[9], volume = sys->domain->cell.volume;
      for (int k = 0; k < 9; k++) {
        virial[k] = sys->virial[k / 3][k % 3];
        stress[k] = -virial[k] / volume;
      }
      UfpCall(UfpStructureSetInfoReal(s, "energy", 1, &sys->energy));
      UfpCall(UfpStructureSetInfoReal(s, "virial", 9, virial));
      UfpCall(UfpStructureSetInfoReal(s, "stress", 9, stress));
    }
    if (UfpCommRank(comm) == 0) {
      for (int k = 0; ref_f && k < 3 * s->natoms; k++) {
        f2 += (forces[k] - ref_f[k]) * (forces[k] - ref_f[k]);
        fabs_sum += fabs(forces[k] - ref_f[k]);
        nf++;
      }
      if (isfinite(ref_e)) de[ne++] = (sys->energy - ref_e) / s->natoms;
      for (int k = 0; have_s && k < 9; k++) {
        const double d = (-sys->virial[k / 3][k % 3] / sys->domain->cell.volume - ref_s[k]) * UFP_EV_PER_A3_GPA;
        stress2 += d * d;
        ns++;
      }
    }
    UfpFree(&ref_f);
    UfpFree(&forces);
    UfpFree(&energies);
    UfpInfo(comm, "frame %d: %d atoms, E = %.10g eV (%.6g eV/atom)\n", f, s->natoms, sys->energy,
            sys->energy / s->natoms);
    UfpCall(MdSystemDestroy(&sys));
    UfpFree(&type);
  }
  if (UfpCommRank(comm) == 0 && (nf > 0 || ne > 0 || ns > 0)) {
    double mean = 0.0, var = 0.0;
    for (int k = 0; k < ne; k++) mean += de[k] / ne;
    for (int k = 0; k < ne; k++) var += (de[k] - mean) * (de[k] - mean) / ne;
    printf("ufp-md: against the labels in %s:", set->structure);
    if (nf > 0) printf(" force RMSE %.1f meV/Å (MAE %.1f, %ld components);", 1e3 * sqrt(f2 / nf), 1e3 * fabs_sum / nf, nf);
    if (ne > 0)
      printf(" energy RMSE %.2f meV/atom after a constant shift of %.1f meV/atom (%d frames);", 1e3 * sqrt(var),
             1e3 * mean, ne);
    if (ns > 0) printf(" stress RMSE %.3f GPa", sqrt(stress2 / ns));
    printf("\n");
  }
  UfpFree(&de);
  /* Rank 0 writes the partial file; UfpExtxyzWriteAll does begin/commit itself. */
  UfpCall(UfpExtxyzWriteAll(comm, set->single_output, set->overwrite, nframes, frames));
  UfpInfo(comm, "ufp-md: wrote %s\n", set->single_output);
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------ MD */
static UfpErrorCode write_frame(MdSystem *sys, UfpH5md *traj, double time, const Settings *set)
{
  MdDomain *d = sys->domain;
  int64_t start, count;
  UfpPartition(d->natoms, d->rank, d->size, &start, &count);
  double *xb = NULL, *ib = NULL, *vb = NULL, *fb = NULL, *local = NULL;
  int(*image)[3] = NULL;
  UfpCall(UfpCalloc((size_t)(count + 1) * 3, &xb));
  UfpCall(UfpCalloc((size_t)(count + 1) * 3, &ib));
  UfpCall(UfpCalloc(count + 1, &image));
  UfpCall(UfpCalloc((size_t)(d->nlocal + 1) * 3, &local));
  UfpCall(MdDomainToBlocks(d, 3, &d->x[0][0], xb));
  for (int i = 0; i < d->nlocal; i++)
    for (int k = 0; k < 3; k++) local[3 * i + k] = d->image[i][k];
  UfpCall(MdDomainToBlocks(d, 3, local, ib));
  for (int64_t k = 0; k < count; k++)
    for (int c = 0; c < 3; c++) image[k][c] = (int)ib[3 * k + c];
  if (set->traj_velocities) {
    UfpCall(UfpCalloc((size_t)(count + 1) * 3, &vb));
    UfpCall(MdDomainToBlocks(d, 3, &d->v[0][0], vb));
  }
  if (set->traj_forces) {
    UfpCall(UfpCalloc((size_t)(count + 1) * 3, &fb));
    UfpCall(MdDomainToBlocks(d, 3, &d->f[0][0], fb));
  }
  UfpCall(UfpH5mdAppendFrame(traj, sys->step, time, (const double(*)[3])d->cell.h, (const double(*)[3])xb,
                             (const int(*)[3])image, (const double(*)[3])vb, (const double(*)[3])fb));
  UfpFree(&xb);
  UfpFree(&ib);
  UfpFree(&vb);
  UfpFree(&fb);
  UfpFree(&image);
  UfpFree(&local);
  return UFP_SUCCESS;
}

static UfpErrorCode write_thermo(MPI_Comm comm, MdSystem *sys, UfpH5md *traj, double time, double target,
                                 double wall, int64_t first_step, int64_t last_step, int header)
{
  MdThermo th;
  UfpCall(MdSystemThermo(sys, &th));
  double done = (double)(sys->step - first_step), rate = wall > 0 ? done / wall : 0.0;
  double ns_per_day = rate * sys->dt * 1e-3 * 86400.0;
  char eta[64];
  UfpFormatDuration(rate > 0 ? (double)(last_step - sys->step) / rate : -1.0, eta, sizeof eta);
  if (header)
    UfpInfo(comm, "%10s %10s %9s %9s %16s %14s %16s %10s %9s %s\n", "step", "time/ps", "T/K", "target/K",
            "E_pot/eV", "E_kin/eV", "E_conserved/eV", "P/GPa", "ns/day", "ETA");
  UfpInfo(comm, "%10lld %10.4f %9.2f %9.2f %16.8f %14.8f %16.8f %10.4f %9.3f %s\n", (long long)sys->step, time,
          th.temperature, target, th.potential, th.kinetic, th.conserved, th.pressure, ns_per_day,
          done > 0 ? eta : "-");
  if (traj) {
    UfpCall(UfpH5mdAppendObservable(traj, "temperature", "K", sys->step, time, th.temperature));
    UfpCall(UfpH5mdAppendObservable(traj, "potential_energy", "eV", sys->step, time, th.potential));
    UfpCall(UfpH5mdAppendObservable(traj, "kinetic_energy", "eV", sys->step, time, th.kinetic));
    UfpCall(UfpH5mdAppendObservable(traj, "conserved_energy", "eV", sys->step, time, th.conserved));
    UfpCall(UfpH5mdAppendObservable(traj, "pressure", "GPa", sys->step, time, th.pressure));
  }
  return UFP_SUCCESS;
}

static double wall_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static UfpErrorCode checkpoint(MdSystem *sys, const Settings *set, double time, int *which)
{
  MdCheckpointHeader h = {0};
  double work = sys->thermostat_work;
  UfpCall(UfpAllreduceSumDouble(sys->comm, &work, 1));
  /* Held on rank 0 from here on, as a restart from this checkpoint holds it,
   * so that the conserved energy of a restarted run stays bit for bit. */
  sys->thermostat_work = UfpCommRank(sys->comm) == 0 ? work : 0.0;
  h.step = sys->step;
  h.natoms = sys->domain->natoms;
  h.time = time;
  h.dt = sys->dt;
  h.tau = sys->thermostat.tau;
  h.thermostat_work = work;
  h.seed = sys->thermostat.seed;
  memcpy(h.lattice, sys->domain->cell.h, sizeof h.lattice);
  snprintf(h.thermostat, sizeof h.thermostat, "%s", sys->thermostat.ops->name);
  UfpCall(MdCheckpointWrite(sys, set->checkpoint, *which, &h));
  *which = !*which;
  return UFP_SUCCESS;
}

static UfpErrorCode run_md(MPI_Comm comm, const Settings *set, const Uf3Potential *pot, const double *type_mass,
                           UfpStructure *s, const char *options)
{
  Schedule sc;
  UfpCall(parse_schedule(set, &sc));
  int64_t last_step = set->steps;
  MdSystem *sys = NULL;
  UfpH5md *traj = NULL;
  char partial[UFP_PATH_MAX], ckpt_path[UFP_PATH_MAX];
  int found = 0, which = 0;
  double time = 0.0;
  int *type = NULL;
  UfpCall(UfpCalloc(s->natoms, &type));
  UfpCall(map_species(set, pot, s, (int)set->frame, type));
  if (set->restart) UfpCall(MdCheckpointFind(comm, set->checkpoint, &found, ckpt_path, &which));
  if (set->restart && UfpFileExists(comm, set->output)) {
    UfpInfo(comm, "ufp-md: %s is complete; nothing to do\n", set->output);
    UfpFree(&type);
    return UFP_SUCCESS;
  }
  if (found) {
    MdCheckpointHeader h;
    int *ctype = NULL, (*cimage)[3] = NULL;
    double(*cx)[3] = NULL, (*cv)[3] = NULL;
    UfpCall(MdCheckpointRead(comm, ckpt_path, &h, &ctype, &cx, &cv, &cimage));
    UfpCheck(h.natoms == s->natoms, UFP_ERR_INPUT, "checkpoint %s has %lld atoms, the input %d", ckpt_path,
             (long long)h.natoms, s->natoms);
    UfpCall(MdSystemCreate(comm, h.lattice, h.natoms, ctype, (const double(*)[3])cx, (const double(*)[3])cv,
                           (const int(*)[3])cimage, pot, type_mass, set->skin, &sys));
    sys->step = h.step;
    time = h.time;
    if (UfpCommRank(comm) == 0) sys->thermostat_work = h.thermostat_work; /* summed over ranks later */
    which = !which;
    UfpFree(&ctype);
    UfpFree(&cx);
    UfpFree(&cv);
    UfpFree(&cimage);
    UfpInfo(comm, "ufp-md: restarting from %s at step %lld (t = %g ps)\n", ckpt_path, (long long)h.step, h.time);
  } else {
    if (set->restart) UfpInfo(comm, "ufp-md: no valid checkpoint %s.[ab].h5: starting from the input\n", set->checkpoint);
    UfpCall(MdSystemCreate(comm, s->lattice, s->natoms, type, (const double(*)[3])s->x, NULL, NULL, pot, type_mass,
                           set->skin, &sys));
  }
  sys->dt = set->dt;
  sys->thermostat.tau = set->tau;
  sys->thermostat.seed = (uint64_t)set->seed;
  UfpCall(MdThermostatFind(thermostat_names[set->thermostat], &sys->thermostat.ops));
  if (!found) {
    double t0 = set->velocity_temperature >= 0 ? set->velocity_temperature : schedule_temperature(&sc, set->temperature, 0);
    UfpCall(MdSystemInitVelocities(sys, t0, (uint64_t)set->seed));
  }
  UfpCall(MdSystemComputeForces(sys));

  /* Trajectory: a fresh NAME.partial, or the old one cut back to the checkpoint. */
  UfpCall(UfpOutputBegin(comm, set->output, set->overwrite, partial));
  if (found && UfpFileExists(comm, partial)) {
    UfpCall(UfpH5mdOpen(comm, partial, 1, &traj));
    UfpCall(UfpH5mdTruncate(traj, sys->step));
  } else {
    char(*labels)[UFP_H5MD_LABEL_MAX] = NULL;
    double *masses = NULL;
    UfpCall(UfpCalloc(s->natoms, &labels));
    UfpCall(UfpCalloc(s->natoms, &masses));
    for (int i = 0; i < s->natoms; i++) {
      snprintf(labels[i], UFP_H5MD_LABEL_MAX, "%s", s->species[i]);
      masses[i] = type_mass[type[i]];
    }
    UfpProvenance *prov = NULL;
    UfpCall(UfpProvenanceCreate(comm, "ufp-md", options, &prov));
    UfpCall(UfpProvenanceAddInput(prov, set->structure));
    if (!strchr(set->potential, ',')) UfpCall(UfpProvenanceAddInput(prov, set->potential));
    UfpH5mdConfig cfg = {.natoms = s->natoms,
                         .species = (const char(*)[UFP_H5MD_LABEL_MAX])labels,
                         .masses = masses,
                         .store_image = 1,
                         .store_velocity = set->traj_velocities,
                         .store_force = set->traj_forces,
                         .creator = "ufp-md",
                         .provenance = prov};
    UfpCall(UfpH5mdCreate(comm, partial, &cfg, &traj));
    UfpCall(UfpProvenanceDestroy(&prov));
    UfpFree(&labels);
    UfpFree(&masses);
    if (sys->step % set->traj_every == 0) UfpCall(write_frame(sys, traj, time, set));
  }
  UfpInfo(comm, "ufp-md: %lld atoms, %d rank(s) (grid %dx%dx%d), cutoff %.3f Å + skin %.3f Å, dt %g ps, %s "
                "thermostat, steps %lld..%lld\n",
          (long long)sys->domain->natoms, sys->domain->size, sys->domain->dims[0], sys->domain->dims[1],
          sys->domain->dims[2], sys->cutoff, sys->skin, sys->dt, sys->thermostat.ops->name, (long long)sys->step,
          (long long)last_step);
  const int64_t first_step = sys->step;
  double start_wall = wall_now();
  UfpCall(write_thermo(comm, sys, found ? NULL : traj, time, schedule_temperature(&sc, set->temperature, sys->step),
                       0.0, first_step, last_step, 1));
  int stopped = 0, stopping = 0;
  const int64_t segment_end = set->segment_steps > 0 && first_step + set->segment_steps < last_step
                                  ? first_step + set->segment_steps
                                  : -1;
  while (sys->step < last_step) {
    double target = schedule_temperature(&sc, set->temperature, sys->step);
    if ((sys->step + 1) % set->checkpoint_every == 0 || sys->step + 1 == segment_end) MdSystemRequestRebuild(sys);
    UfpCall(MdSystemStep(sys, target));
    time += sys->dt;
    if (set->drift_every > 0 && sys->step % set->drift_every == 0) UfpCall(MdSystemRemoveDrift(sys));
    if (sys->step % set->traj_every == 0) UfpCall(write_frame(sys, traj, time, set));
    if (sys->step % set->thermo_every == 0)
      UfpCall(write_thermo(comm, sys, traj, time, schedule_temperature(&sc, set->temperature, sys->step),
                           wall_now() - start_wall, first_step, last_step, 0));
    if (sys->step % 10 == 0 || sys->step == last_step || sys->step % set->checkpoint_every == 0) {
      int flag = stop_signal != 0;
      UfpCall(UfpAllreduceMaxInt(comm, &flag));
      if (flag && !stopping && sys->step < last_step) {
        stopping = 1;
        UfpInfo(comm, "ufp-md: signal received at step %lld; stopping at the next checkpoint (step %lld)\n",
                (long long)sys->step,
                (long long)((sys->step / set->checkpoint_every + (sys->step % set->checkpoint_every != 0)) *
                            set->checkpoint_every));
      }
    }
    if (sys->step % set->checkpoint_every == 0) {
      UfpCall(UfpH5mdFlush(traj));
      UfpCall(checkpoint(sys, set, time, &which));
      if (stopping && sys->step < last_step) {
        stopped = 1;
        break;
      }
    }
    if (sys->step == set->crash_at_step && UfpCommRank(comm) == 0) raise(SIGKILL);
    if (sys->step == segment_end) {
      stopped = 2;
      break;
    }
  }
  if (stopped) {
    UfpCall(UfpH5mdFlush(traj));
    if (sys->step % set->checkpoint_every != 0) UfpCall(checkpoint(sys, set, time, &which));
    UfpCall(UfpH5mdDestroy(&traj));
    if (stopped == 2) {
      double wall = wall_now() - start_wall;
      UfpInfo(comm, "ufp-md: segment of %lld steps done in %.2f s, at step %lld of %lld; continue with -restart\n",
              (long long)(sys->step - first_step), wall, (long long)sys->step, (long long)last_step);
      UfpCall(MdSystemDestroy(&sys));
      UfpFree(&type);
      return UFP_SUCCESS;
    }
    UfpInfo(comm, "ufp-md: stopped by a signal at step %lld after writing a checkpoint; rerun with -restart\n",
            (long long)sys->step);
    UfpCall(MdSystemDestroy(&sys));
    UfpFree(&type);
    return UfpError(UFP_ERR_INTERRUPTED, "stopped by signal at a checkpoint");
  }
  UfpCall(UfpH5mdDestroy(&traj));
  UfpCall(UfpOutputCommit(comm, set->output));
  double wall = wall_now() - start_wall, steps_done = (double)(sys->step - first_step);
  UfpInfo(comm, "ufp-md: %lld steps in %.2f s: %.3f ns/day, %.4g µs/atom-step; wrote %s\n", (long long)steps_done,
          wall, wall > 0 ? steps_done * sys->dt * 1e-3 * 86400.0 / wall : 0.0,
          steps_done > 0 ? 1e6 * wall * UfpCommSize(comm) / (steps_done * (double)sys->domain->natoms) : 0.0,
          set->output);
  if (set->final_output[0]) {
    double *x = NULL;
    if (UfpCommRank(comm) == 0) UfpCall(UfpCalloc((size_t)s->natoms * 3, &x));
    UfpCall(gather_to_root(sys, 3, &sys->domain->x[0][0], x));
    if (UfpCommRank(comm) == 0) {
      memcpy(s->x, x, sizeof *x * 3 * (size_t)s->natoms);
      memcpy(s->lattice, sys->domain->cell.h, sizeof s->lattice);
    }
    UfpFree(&x);
    UfpCall(UfpExtxyzWriteAll(comm, set->final_output, set->overwrite, 1, &s));
  }
  UfpCall(MdSystemDestroy(&sys));
  UfpFree(&type);
  return UFP_SUCCESS;
}

/* Isotropic scaling of cell and positions to a mass density (fractional
 * coordinates kept): rho = sum m / V. */
static UfpErrorCode scale_to_density(MPI_Comm comm, const Settings *set, const Uf3Potential *pot,
                                     const double *type_mass, UfpStructure *s)
{
  int *type = NULL;
  UfpCall(UfpCalloc(s->natoms, &type));
  UfpErrorCode ierr = map_species(set, pot, s, (int)set->frame, type);
  double mass = 0.0;
  for (int i = 0; i < s->natoms && !ierr; i++)
    mass += type_mass[type[i]];
  UfpFree(&type);
  UfpCall(ierr);
  const double(*h)[3] = s->lattice;
  double volume = fabs(h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
                       h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
                       h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]));
  double rho = mass * UFP_AMU_KG * 1e3 / (volume * 1e-24); /* g/cm^3 */
  double f = cbrt(rho / set->density);
  for (int a = 0; a < 3; a++)
    for (int k = 0; k < 3; k++)
      s->lattice[a][k] *= f;
  for (int i = 0; i < s->natoms; i++)
    for (int k = 0; k < 3; k++)
      s->x[i][k] *= f;
  UfpInfo(comm, "ufp-md: cell scaled by %.6f from %.4f to %.4f g/cm^3\n", f, rho, set->density);
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm)
{
  Settings set;
  UfpCall(read_settings(comm, &set));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  if (UfpVersionRequested()) {
    UfpInfo(comm, "ufp-md %s (%s)\n", UFP_VERSION, UFP_GIT_HASH);
    return UFP_SUCCESS;
  }
  Uf3Potential *pot = NULL;
  double type_mass[64];
  UfpCall(read_potential(&set, &pot, type_mass));
  int nframes = 0;
  UfpStructure **frames = NULL;
  UfpCall(read_frames(set.structure, &nframes, &frames));
  if (set.steps == 0) {
    UfpCall(single_point(comm, &set, pot, type_mass, nframes, frames));
  } else {
    UfpCheck(set.frame >= 0 && set.frame < nframes, UFP_ERR_USAGE, "-md_frame %ld: %s has %d frame(s)", set.frame,
             set.structure, nframes);
    UfpStructure *s = frames[set.frame], *super = NULL;
    int rep[3] = {(int)set.replicate[0], (int)set.replicate[1], (int)set.replicate[2]};
    UfpCall(UfpStructureReplicate(s, rep, &super));
    if (set.density > 0) UfpCall(scale_to_density(comm, &set, pot, type_mass, super));
    char *options = NULL;
    UfpCall(UfpOptionsGetAll(&options));
    UfpErrorCode code = run_md(comm, &set, pot, type_mass, super, options);
    UfpFree(&options);
    UfpCall(UfpStructureDestroy(&super));
    UfpCall(code);
  }
  UfpCall(UfpStructureArrayDestroy(nframes, &frames));
  UfpCall(Uf3PotentialDestroy(&pot));
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  /* A stop request that arrives while MPI and PETSc start, or while the
   * system is set up, is kept and honoured at the first checkpoint (set
   * again after PETSc, which installs handlers of its own). */
  signal(SIGTERM, on_signal);
  signal(SIGUSR1, on_signal);
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  signal(SIGTERM, on_signal);
  signal(SIGUSR1, on_signal);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "ufp-md", code);
  UfpFinalize();
  return status;
}
