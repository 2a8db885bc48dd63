/*
 * efg_predict.c -- efg-predict: the EFG tensor of every atom of one species
 * (Li) in every n-th frame of an H5MD trajectory, with C_Q, eta, omega_Q and
 * the field orientation, into one HDF5 file (efg_output.h).
 *
 *   mpiexec -n 4 efg-predict -efg_trajectory md.h5md -efg_model lps_efg.h5 -efg_output md_efg.h5
 *   mpiexec -n 4 efg-predict -efg_trajectory md.h5md -efg_model point_charge -efg_output md_pc.h5
 *
 * Parallel layout: frames are grouped in blocks (-efg_block); the ranks take
 * blocks in turn, each reading its frames from the trajectory on its own,
 * predicting all centres of a frame at once (the SA-GPR kernel rows of a
 * frame are two matrix products), and all ranks then write their blocks
 * with one collective call per dataset.  Restart: the output is
 * NAME.partial until every block is written; with -efg_restart a rerun
 * keeps the blocks marked done and computes only the others, which gives
 * the same file as an uninterrupted run.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efg_model.h"
#include "efg_output.h"
#include "ewald_efg.h"
#include "h5md.h"
#include "options.h"
#include "parallel.h"
#include "safe_output.h"

static const char help[] =
    "efg-predict: EFG tensors, C_Q, eta and omega_Q of one species in every frame of an H5MD trajectory.\n\n"
    "Usage: efg-predict -efg_trajectory TRAJ.h5md -efg_model MODEL.h5|point_charge -efg_output OUT.h5 [options]\n\n"
    "Models: an SA-GPR model file from train-efg, or point_charge (Ewald sum of formal charges, optionally\n"
    "with -pc_charges and a Sternheimer factor -pc_sternheimer).  Fields: -efg_field \"0,0,1;1,0,0\".\n"
    "Exit codes: 0 ok, 64 usage, 65 bad input, 70 internal, 74 I/O.\n";

typedef struct {
  char trajectory[UFP_PATH_MAX], model[UFP_PATH_MAX], output[UFP_PATH_MAX];
  char species[16], isotope[32], fields[1024], charges[512], sternheimer[512];
  long every, first, last, block, crash_after;
  double accuracy;
  int overwrite, restart;
} Settings;

static UfpErrorCode read_settings(MPI_Comm comm, Settings *s)
{
  memset(s, 0, sizeof *s);
  snprintf(s->fields, sizeof s->fields, "0,0,1");
  snprintf(s->output, sizeof s->output, "efg.h5");
  s->every = 1;
  s->last = -1;
  s->block = 16;
  s->crash_after = -1;
  s->accuracy = 1e-8;
  UfpOptions o = NULL;
  UfpCall(UfpOptionsBegin(comm, NULL, "efg-predict: EFG tensors along a trajectory", &o));
  UfpCall(UfpOptionsString(o, "-efg_trajectory", "H5MD trajectory (ufp-md)", "EfgSetTrajectory", s->trajectory,
                           sizeof s->trajectory, NULL));
  UfpCall(UfpOptionsString(o, "-efg_model", "model: a train-efg file, or point_charge", "EfgSetModel", s->model,
                           sizeof s->model, NULL));
  UfpCall(UfpOptionsString(o, "-efg_species", "species whose tensors are predicted (default: the model's)",
                           "EfgSetSpecies", s->species, sizeof s->species, NULL));
  UfpCall(UfpOptionsString(o, "-efg_isotope", "isotope for C_Q and omega_Q (default: the species' quadrupolar "
                                              "isotope)",
                           "EfgSetIsotope", s->isotope, sizeof s->isotope, NULL));
  UfpCall(UfpOptionsString(o, "-efg_field", "field directions (lab frame), x,y,z;x,y,z;...", "EfgSetField",
                           s->fields, sizeof s->fields, NULL));
  UfpCall(UfpOptionsInt(o, "-efg_every", "predict every n-th frame", "", "EfgSetEvery", &s->every));
  UfpCall(UfpOptionsInt(o, "-efg_first", "first frame (0-based)", "", "EfgSetFirst", &s->first));
  UfpCall(UfpOptionsInt(o, "-efg_last", "last frame (-1: the trajectory's last)", "", "EfgSetLast", &s->last));
  UfpCall(UfpOptionsInt(o, "-efg_block", "frames per output block (the unit of restart)", "", "EfgSetBlock",
                        &s->block));
  UfpCall(UfpOptionsString(o, "-pc_charges", "point charges per species, Li=1,S=-2 (default: formal)",
                           "PcSetCharges", s->charges, sizeof s->charges, NULL));
  UfpCall(UfpOptionsString(o, "-pc_sternheimer", "Sternheimer gamma_inf per species, Li=-0.26 (default 0)",
                           "PcSetSternheimer", s->sternheimer, sizeof s->sternheimer, NULL));
  UfpCall(UfpOptionsReal(o, "-pc_accuracy", "Ewald accuracy (relative)", "", "PcSetAccuracy", &s->accuracy));
  UfpCall(UfpOptionsString(o, "-efg_output", "output file", "EfgSetOutput", s->output, sizeof s->output, NULL));
  UfpCall(UfpOptionsBool(o, "-efg_overwrite", "replace an existing output", "EfgSetOverwrite", &s->overwrite));
  UfpCall(UfpOptionsBool(o, "-efg_restart", "resume an interrupted run from its partial output",
                         "EfgSetRestart", &s->restart));
  UfpCall(UfpOptionsInt(o, "-efg_crash_after_blocks", "fault injection for tests: rank 0 kills itself after "
                                                      "writing this many blocks (-1: never)",
                        "", "EfgSetCrashAfterBlocks", &s->crash_after));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(s->trajectory[0] && s->model[0], UFP_ERR_USAGE,
           "-efg_trajectory and -efg_model are required (see -help)");
  UfpCheck(s->every >= 1 && s->block >= 1 && s->first >= 0, UFP_ERR_USAGE,
           "-efg_every and -efg_block must be >= 1 and -efg_first >= 0");
  return UFP_SUCCESS;
}

/* "Li=1,S=-2" applied with set(label, value). */
static UfpErrorCode apply_map(const char *option, const char *text, EwaldEfgSettings *s,
                              UfpErrorCode (*set)(EwaldEfgSettings *, const char *, double))
{
  char buf[512];
  snprintf(buf, sizeof buf, "%s", text);
  for (char *save = NULL, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '='), *end;
    UfpCheck(eq, UFP_ERR_USAGE, "%s: \"%s\" is not SPECIES=VALUE", option, item);
    *eq = '\0';
    double v = strtod(eq + 1, &end);
    UfpCheck(end != eq + 1 && *end == '\0' && isfinite(v), UFP_ERR_USAGE, "%s: \"%s\" is not a number", option,
             eq + 1);
    UfpCall(set(s, item, v));
  }
  return UFP_SUCCESS;
}

static UfpErrorCode parse_fields(const char *text, int *n, double (*field)[3], int max)
{
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", text);
  *n = 0;
  for (char *save = NULL, *item = strtok_r(buf, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
    UfpCheck(*n < max, UFP_ERR_USAGE, "-efg_field: at most %d directions", max);
    double *f = field[*n];
    UfpCheck(sscanf(item, "%lf,%lf,%lf", &f[0], &f[1], &f[2]) == 3, UFP_ERR_USAGE,
             "-efg_field: \"%s\" is not x,y,z", item);
    double norm = sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
    UfpCheck(norm > 0 && isfinite(norm), UFP_ERR_USAGE, "-efg_field: \"%s\" is not a direction", item);
    for (int a = 0; a < 3; a++) f[a] /= norm;
    (*n)++;
  }
  UfpCheck(*n > 0, UFP_ERR_USAGE, "-efg_field: no direction given");
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm)
{
  const double t0 = MPI_Wtime();
  Settings set;
  UfpCall(read_settings(comm, &set));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  const int rank = UfpCommRank(comm), size = UfpCommSize(comm);
  EfgModel model = NULL;
  if (!strcmp(set.model, "point_charge")) {
    EwaldEfgSettings pc;
    EwaldEfgSettingsDefault(&pc);
    pc.accuracy = set.accuracy;
    if (set.charges[0]) UfpCall(apply_map("-pc_charges", set.charges, &pc, EwaldEfgSettingsSetCharge));
    if (set.sternheimer[0])
      UfpCall(apply_map("-pc_sternheimer", set.sternheimer, &pc, EwaldEfgSettingsSetSternheimer));
    UfpCall(EfgModelCreatePointCharge(&pc, set.species[0] ? set.species : "Li", &model));
  } else
    UfpCall(EfgModelRead(comm, set.model, &model));
  const char *centre = EfgModelCentreSpecies(model);
  UfpCheck(!set.species[0] || !strcmp(set.species, centre), UFP_ERR_USAGE,
           "-efg_species %s, but the model %s is for %s", set.species, set.model, centre);
  const UfpIsotope *iso;
  UfpCall(set.isotope[0] ? UfpIsotopeResolve(set.isotope, &iso) : UfpIsotopeDefault(centre, &iso));
  double field[16][3];
  int nfields;
  UfpCall(parse_fields(set.fields, &nfields, field, 16));

  /* Every rank reads the trajectory on its own. */
  UfpH5md *traj = NULL;
  UfpCall(UfpH5mdOpen(MPI_COMM_SELF, set.trajectory, 0, &traj));
  const int64_t natoms = UfpH5mdNumAtoms(traj), ntraj = UfpH5mdNumFrames(traj);
  const int64_t last = set.last < 0 || set.last >= ntraj ? ntraj - 1 : set.last;
  UfpCheck(set.first <= last, UFP_ERR_INPUT, "%s: %lld frames, none in %ld..%lld", set.trajectory,
           (long long)ntraj, set.first, (long long)last);
  const int64_t nframes = (last - set.first) / set.every + 1;
  char(*species)[UFP_H5MD_LABEL_MAX];
  char(*labels)[UFP_LABEL_MAX];
  UfpCall(UfpCalloc(natoms, &species));
  UfpCall(UfpCalloc(natoms, &labels));
  UfpCall(UfpH5mdReadSpecies(traj, species));
  int64_t *atom_id;
  int *centres, ncentres = 0;
  UfpCall(UfpCalloc(natoms, &atom_id));
  UfpCall(UfpCalloc(natoms, &centres));
  for (int64_t i = 0; i < natoms; i++) {
    snprintf(labels[i], UFP_LABEL_MAX, "%s", species[i]);
    if (!strcmp(species[i], centre)) {
      atom_id[ncentres] = i;
      centres[ncentres++] = (int)i;
    }
  }
  UfpCheck(ncentres > 0, UFP_ERR_INPUT, "%s: no %s atoms", set.trajectory, centre);
  UfpInfo(comm, "efg-predict: %s model for %s (%s); %lld of %lld frames (every %ld), %d %s atoms, %d field(s), %d "
                "rank(s)\n",
          EfgModelKind(model), centre, iso->symbol, (long long)nframes, (long long)ntraj, set.every, ncentres,
          centre, nfields, size);

  char partial[UFP_PATH_MAX + 32];
  UfpCall(UfpOutputBegin(comm, set.output, set.overwrite, partial));
  char *options = NULL;
  UfpCall(UfpOptionsGetAll(&options));
  UfpProvenance *prov = NULL;
  UfpCall(UfpProvenanceCreate(comm, "efg-predict", options, &prov));
  free(options);
  UfpCall(UfpProvenanceAddInput(prov, set.trajectory));
  if (strcmp(set.model, "point_charge")) UfpCall(UfpProvenanceAddInput(prov, set.model));
  EfgOutputLayout layout = {.nframes = nframes, .natoms = ncentres, .nfields = nfields,
                            .field = (const double(*)[3])field, .block = (int)set.block, .atom_id = atom_id,
                            .isotope = iso, .centre = centre, .model_kind = EfgModelKind(model), .provenance = prov};
  EfgOutput out = NULL;
  int *done = NULL, nblocks;
  UfpCall(EfgOutputOpen(comm, partial, &layout, set.restart && !set.overwrite, &out, &done, &nblocks));
  UfpProvenanceDestroy(&prov);
  int *todo, ntodo = 0;
  UfpCall(UfpCalloc(nblocks, &todo));
  for (int b = 0; b < nblocks; b++)
    if (!done[b]) todo[ntodo++] = b;
  if (ntodo < nblocks) UfpInfo(comm, "efg-predict: resuming: %d of %d blocks already written\n", nblocks - ntodo, nblocks);

  double(*x)[3], (*v)[3][3];
  int64_t *step, *frame;
  double *time;
  UfpCall(UfpCalloc(natoms, &x));
  UfpCall(UfpCalloc((size_t)set.block * ncentres, &v));
  UfpCall(UfpCalloc(set.block, &step));
  UfpCall(UfpCalloc(set.block, &frame));
  UfpCall(UfpCalloc(set.block, &time));
  const int rounds = (ntodo + size - 1) / size;
  for (int r = 0; r < rounds; r++) {
    int job = r * size + rank, b = job < ntodo ? todo[job] : -1, count = 0;
    UfpErrorCode ierr = UFP_SUCCESS;
    if (b >= 0) {
      int64_t f0 = (int64_t)b * set.block;
      count = (int)(nframes - f0 < set.block ? nframes - f0 : set.block);
      for (int k = 0; k < count && !ierr; k++) {
        double lattice[3][3];
        frame[k] = set.first + (f0 + k) * set.every;
        ierr = UfpH5mdReadFrame(traj, frame[k], &step[k], &time[k], lattice, x, NULL, NULL, NULL);
        UfpCell cell;
        int pbc[3] = {1, 1, 1};
        if (!ierr) ierr = UfpCellSetup(&cell, lattice, pbc);
        if (!ierr)
          ierr = EfgModelPredict(model, &cell, (int)natoms, (const double(*)[3])x, (const char(*)[UFP_LABEL_MAX])labels,
                                 ncentres, centres, v + (size_t)k * ncentres);
      }
    }
    UfpCall(UfpErrorSync(comm, ierr));
    UfpCall(EfgOutputWriteBlock(out, b, count, step, time, frame, (const double(*)[3][3])v));
    double elapsed = MPI_Wtime() - t0, fraction = (double)(r + 1) / rounds;
    UfpInfo(comm, "efg-predict: %d/%d blocks, %.1f s, ETA %.0f s\n",
            (r + 1) * size < ntodo ? (r + 1) * size : ntodo, ntodo, elapsed, elapsed / fraction - elapsed);
    if (set.crash_after >= 0 && r + 1 >= set.crash_after && rank == 0) raise(SIGKILL);
  }
  double mean_cq, mean_eta, count;
  UfpCall(EfgOutputSummary(out, &mean_cq, &mean_eta, &count));
  UfpCall(EfgOutputClose(&out));
  UfpCall(UfpOutputCommit(comm, set.output));
  if (count > 0)
    UfpInfo(comm, "efg-predict: %s over %.0f tensors computed in this run: mean |C_Q| %.2f kHz, mean eta %.3f\n",
            iso->symbol, count, 1e-3 * mean_cq, mean_eta);
  UfpInfo(comm, "efg-predict: wrote %s: %lld frames x %d %s in %.1f s (%.3f ms per %s environment per rank)\n",
          set.output, (long long)nframes, ncentres, centre, MPI_Wtime() - t0,
          1e3 * (MPI_Wtime() - t0) * size / ((double)nframes * ncentres), centre);
  UfpH5mdDestroy(&traj);
  EfgModelDestroy(&model);
  UfpFree(&species);
  UfpFree(&labels);
  UfpFree(&atom_id);
  UfpFree(&centres);
  UfpFree(&done);
  UfpFree(&todo);
  UfpFree(&x);
  UfpFree(&v);
  UfpFree(&step);
  UfpFree(&frame);
  UfpFree(&time);
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "efg-predict", code);
  UfpFinalize();
  return status;
}
