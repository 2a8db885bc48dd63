/*
 * train_select.c -- train-select: the MD frames to label next.
 *
 *   mpiexec -n 4 train-select -select_trajectory a.h5md,b.h5md -select_every 10 \
 *       -select_train efg/data/lps_cp2k_efg_train.extxyz -select_count 24 -select_output picked.extxyz
 *
 * Fingerprints every candidate frame (every -select_every-th frame of each
 * trajectory from -select_first_frame) and every structure of the current
 * training set by its mean lambda = 0 SOAP vector per species
 * (frame_select.h), and picks -select_count frames by farthest-point
 * sampling against the training set: each pick is the candidate least like
 * anything in the set or picked before.  Ranks split the fingerprinting;
 * the selection is the same on any number of ranks.  The picked whole cells
 * are written as extxyz (species, positions, lattice; info source, frame,
 * step, time_ps and select_distance, the fingerprint distance at the time of
 * the pick), ready for train-label.  With -select_cluster_radius R each
 * pick is replaced by a cluster carved around its centre-species atom
 * (Li) whose environment is least like any in the training set
 * (frame_select.h: whole covalent units, neutral, in a box with vacuum).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extxyz.h"
#include "committee.h"
#include "frame_select.h"
#include "frames_h5.h"
#include "h5md.h"
#include "options.h"
#include "parallel.h"
#include "safe_output.h"
#include "uf3_file.h"

static const char help[] =
    "train-select: pick MD frames to label by farthest-point sampling in SOAP fingerprint space.\n\n"
    "Usage: train-select -select_trajectory A.h5md[,B.h5md...] -select_output PICKED.extxyz\n"
    "                    [-select_train TRAIN.extxyz[,...]] [-select_count N] [-select_every N]\n\n"
    "Each frame and training structure is described by its mean lambda = 0 SOAP vector per species;\n"
    "the picks are the candidates farthest from the training set and from each other.\n"
    "Exit codes: 0 ok, 64 usage, 65 bad input, 70 internal, 74 I/O.\n";

enum { MAX_FILES = 64 };

typedef struct {
  char trajectories[8192], train[8192], output[UFP_PATH_MAX];
  long count, every, first_frame;
  double min_distance, rcut, sigma;
  long nmax, lmax;
  int overwrite;
  double cluster_radius, cluster_vacuum, bond_cutoff;
  char cluster_centre[16];
  char committee[8192];
  int method;
} Settings;

enum { METHOD_FPS, METHOD_COMMITTEE };
static const char *const method_names[] = {"fps", "committee"};

static UfpErrorCode read_settings(MPI_Comm comm, Settings *s)
{
  memset(s, 0, sizeof *s);
  s->count = 10;
  s->every = 1;
  s->rcut = 5.0;
  s->sigma = 0.5;
  s->nmax = 6;
  s->lmax = 4;
  UfpOptions o = NULL;
  UfpCall(UfpOptionsBegin(comm, NULL, "train-select: frames to label", &o));
  UfpCall(UfpOptionsString(o, "-select_trajectory", "candidate H5MD trajectories, comma-separated",
                           "SelectSetTrajectories", s->trajectories, sizeof s->trajectories, NULL));
  UfpCall(UfpOptionsInt(o, "-select_every", "take every n-th frame as a candidate", "", "SelectSetEvery",
                        &s->every));
  UfpCall(UfpOptionsInt(o, "-select_first_frame", "first candidate frame (skip equilibration)", "",
                        "SelectSetFirstFrame", &s->first_frame));
  UfpCall(UfpOptionsString(o, "-select_train",
                           "current training set(s), extxyz, comma-separated (may be empty)",
                           "SelectSetTrain", s->train, sizeof s->train, NULL));
  UfpCall(UfpOptionsInt(o, "-select_count", "frames to pick", "", "SelectSetCount", &s->count));
  UfpCall(UfpOptionsChoice(o, "-select_method",
                           "fps: farthest from the set in fingerprint space; committee: the "
                           "largest force spread of -select_committee (md/committee.h), at least "
                           "-select_min_distance apart",
                           "SelectSetMethod", method_names, 2, &s->method));
  UfpCall(UfpOptionsString(o, "-select_committee",
                           "UF3 potentials of the committee (.uf3 or .json), comma-separated",
                           "SelectSetCommittee", s->committee, sizeof s->committee, NULL));
  UfpCall(UfpOptionsReal(o, "-select_min_distance", "never pick frames closer than this to the set", "",
                         "SelectSetMinDistance", &s->min_distance));
  UfpCall(UfpOptionsReal(o, "-select_rcut", "SOAP cutoff", "Å", "SelectSetCutoff", &s->rcut));
  UfpCall(UfpOptionsReal(o, "-select_sigma", "SOAP Gaussian width", "Å", "SelectSetSigma", &s->sigma));
  UfpCall(UfpOptionsInt(o, "-select_nmax", "SOAP radial functions", "", "SelectSetNmax", &s->nmax));
  UfpCall(UfpOptionsInt(o, "-select_lmax", "SOAP angular momenta", "", "SelectSetLmax", &s->lmax));
  s->cluster_vacuum = 5.0;
  s->bond_cutoff = 2.4;
  snprintf(s->cluster_centre, sizeof s->cluster_centre, "Li");
  UfpCall(UfpOptionsReal(o, "-select_cluster_radius",
                         "carve a cluster of this radius around the most novel "
                         "centre atom of each pick instead of the whole cell (0: cells)",
                         "Å", "SelectSetClusterRadius", &s->cluster_radius));
  UfpCall(UfpOptionsString(o, "-select_cluster_centre", "species of the cluster centres",
                           "SelectSetClusterCentre", s->cluster_centre, sizeof s->cluster_centre, NULL));
  UfpCall(UfpOptionsReal(o, "-select_cluster_vacuum", "empty space around a cluster in its box", "Å",
                         "SelectSetClusterVacuum", &s->cluster_vacuum));
  UfpCall(UfpOptionsReal(o, "-select_bond_cutoff", "atoms closer than this (neither an alkali) are one unit",
                         "Å", "SelectSetBondCutoff", &s->bond_cutoff));
  UfpCall(UfpOptionsString(o, "-select_output",
                           "picked frames: extxyz, or HDF5 for a name ending in .h5 (efg/frames_h5.h)",
                           "SelectSetOutput", s->output, sizeof s->output, NULL));
  UfpCall(UfpOptionsBool(o, "-select_overwrite", "replace an existing output", "SelectSetOverwrite",
                         &s->overwrite));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(s->trajectories[0] && s->output[0], UFP_ERR_USAGE,
           "-select_trajectory and -select_output are required (see -help)");
  UfpCheck(s->count >= 1 && s->every >= 1 && s->first_frame >= 0 && s->min_distance >= 0 && s->rcut > 0 &&
               s->sigma > 0 && s->nmax >= 1 && s->lmax >= 0,
           UFP_ERR_USAGE,
           "need -select_count >= 1, -select_every >= 1, -select_first_frame >= 0, and positive SOAP "
           "settings");
  UfpCheck(s->method != METHOD_COMMITTEE || strchr(s->committee, ','), UFP_ERR_USAGE,
           "-select_method committee needs -select_committee with at least two potentials");
  return UFP_SUCCESS;
}

static void add_species(int *n, char (*list)[16], const char *label)
{
  for (int k = 0; k < *n; k++)
    if (!strcmp(list[k], label)) return;
  if (*n < LSOAP_MAX_SPECIES) snprintf(list[(*n)++], 16, "%s", label);
}

/* lambda = 0 environments of the atoms of one species: *n atoms, their
 * indices and vectors (both malloc'd). */
static UfpErrorCode species_envs(LambdaSoap soap, const char *species, const UfpStructure *u, int *n,
                                 int **atoms, double **env)
{
  const int f0 = LambdaSoapSize(soap, 0);
  int *channel = NULL;
  *n = 0;
  *atoms = NULL;
  *env = NULL;
  UfpCall(UfpCalloc(u->natoms, &channel));
  UfpErrorCode ierr = UfpCalloc(u->natoms, atoms);
  for (int i = 0; i < u->natoms && !ierr; i++) {
    channel[i] = LambdaSoapChannel(soap, u->species[i]);
    if (!strcmp(u->species[i], species)) (*atoms)[(*n)++] = i;
  }
  UfpCell cell;
  if (!ierr && *n > 0) ierr = UfpCalloc((size_t)*n * f0, env);
  if (!ierr && *n > 0) ierr = UfpCellSetup(&cell, u->lattice, u->pbc);
  if (!ierr && *n > 0)
    ierr = LambdaSoapCompute(soap, &cell, u->natoms, (const double(*)[3])u->x, channel, *n, *atoms, 0, *env);
  UfpFree(&channel);
  return ierr;
}

/* The centre-species atom of s whose lambda = 0 environment is farthest
 * from every such environment of the training set. */
static UfpErrorCode novel_centre(LambdaSoap soap, const Settings *set, const UfpStructure *s, int nref,
                                 UfpStructure *const *train, int *centre)
{
  const int f0 = LambdaSoapSize(soap, 0);
  int n = 0, *atoms = NULL;
  double *env = NULL, *dmin = NULL;
  UfpCall(species_envs(soap, set->cluster_centre, s, &n, &atoms, &env));
  UfpErrorCode ierr = n > 0 ? UfpCalloc(n, &dmin)
                            : UfpError(UFP_ERR_INPUT, "a picked frame has no %s atom to centre a cluster on",
                                       set->cluster_centre);
  for (int c = 0; c < n && !ierr; c++)
    dmin[c] = INFINITY;
  for (int t = 0; t < nref && !ierr; t++) {
    int m = 0, *tatoms = NULL;
    double *tenv = NULL;
    ierr = species_envs(soap, set->cluster_centre, train[t], &m, &tatoms, &tenv);
    for (int c = 0; c < n && !ierr; c++)
      for (int e = 0; e < m; e++) {
        double d = 0.0;
        for (int k = 0; k < f0; k++)
          d += pow(env[(size_t)c * f0 + k] - tenv[(size_t)e * f0 + k], 2);
        dmin[c] = fmin(dmin[c], d);
      }
    UfpFree(&tatoms);
    UfpFree(&tenv);
  }
  int best = 0;
  for (int c = 1; c < n && !ierr; c++)
    if (dmin[c] > dmin[best]) best = c;
  if (!ierr) *centre = atoms[best];
  UfpFree(&atoms);
  UfpFree(&env);
  UfpFree(&dmin);
  return ierr;
}

static UfpErrorCode run(MPI_Comm comm)
{
  Settings set;
  UfpCall(read_settings(comm, &set));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  const int rank = UfpCommRank(comm), size = UfpCommSize(comm);
  char *traj_path[MAX_FILES], *train_path[MAX_FILES];
  const int ntraj = UfpSplitList(set.trajectories, traj_path, MAX_FILES);
  const int ntrain = set.train[0] ? UfpSplitList(set.train, train_path, MAX_FILES) : 0;

  /* Candidates: (trajectory, frame). */
  UfpH5md *traj[MAX_FILES] = {0};
  int64_t natoms[MAX_FILES], nframes[MAX_FILES];
  char(*species[MAX_FILES])[UFP_H5MD_LABEL_MAX] = {0};
  char slist[LSOAP_MAX_SPECIES][16];
  int nspecies = 0, ncand = 0;
  for (int t = 0; t < ntraj; t++) {
    UfpCall(UfpH5mdOpen(MPI_COMM_SELF, traj_path[t], 0, &traj[t]));
    natoms[t] = UfpH5mdNumAtoms(traj[t]);
    nframes[t] = UfpH5mdNumFrames(traj[t]);
    UfpCall(UfpCalloc(natoms[t], &species[t]));
    UfpCall(UfpH5mdReadSpecies(traj[t], species[t]));
    for (int64_t i = 0; i < natoms[t]; i++)
      add_species(&nspecies, slist, species[t][i]);
    if (nframes[t] > set.first_frame) ncand += (int)((nframes[t] - 1 - set.first_frame) / set.every + 1);
  }
  UfpCheck(ncand > 0, UFP_ERR_INPUT, "no candidate frames (from frame %ld, every %ld)", set.first_frame,
           set.every);
  int *cand_traj, *cand_frame;
  UfpCall(UfpCalloc(ncand, &cand_traj));
  UfpCall(UfpCalloc(ncand, &cand_frame));
  for (int t = 0, c = 0; t < ntraj; t++)
    for (int64_t fr = set.first_frame; fr < nframes[t]; fr += set.every)
      cand_traj[c] = t, cand_frame[c++] = (int)fr;
  int nref = 0;
  UfpStructure **train = NULL;
  for (int k = 0; k < ntrain; k++) {
    int n = 0;
    UfpStructure **more = NULL;
    UfpCall(UfpExtxyzReadAll(train_path[k], &n, &more));
    UfpCall(UfpRealloc(nref + n, &train));
    for (int j = 0; j < n; j++) {
      train[nref + j] = more[j];
      for (int i = 0; i < more[j]->natoms; i++)
        add_species(&nspecies, slist, more[j]->species[i]);
    }
    nref += n;
    UfpFree(&more);
  }

  /* Fingerprints, split over ranks, summed into full tables. */
  LambdaSoapSettings ls = {.nspecies = nspecies,
                           .rcut = set.rcut,
                           .cutoff_width = 0.5,
                           .sigma = set.sigma,
                           .nmax = (int)set.nmax,
                           .lmax = (int)set.lmax};
  for (int s = 0; s < nspecies; s++)
    memcpy(ls.species[s], slist[s], 16);
  LambdaSoap soap = NULL;
  UfpCall(LambdaSoapCreate(&ls, &soap));
  const int f = nspecies * LambdaSoapSize(soap, 0);
  double *fc, *fr;
  UfpCall(UfpCalloc((size_t)ncand * f, &fc));
  UfpCall(UfpCalloc((size_t)(nref > 0 ? nref : 1) * f, &fr));
  /* The committee, when selecting by it. */
  Uf3Potential *pots[MAX_FILES] = {0};
  int npot = 0;
  double *spread;
  UfpCall(UfpCalloc(ncand, &spread));
  if (set.method == METHOD_COMMITTEE) {
    char *pot_path[MAX_FILES];
    npot = UfpSplitList(set.committee, pot_path, MAX_FILES);
    for (int k = 0; k < npot; k++)
      UfpCall(Uf3PotentialRead(pot_path[k], 0, NULL, &pots[k]));
  }
  UfpErrorCode ierr = UFP_SUCCESS;
  for (int c = rank; c < ncand && !ierr; c += size) {
    const int t = cand_traj[c];
    double(*x)[3] = NULL, lattice[3][3];
    char(*labels)[UFP_LABEL_MAX] = NULL;
    int64_t step;
    double time;
    UfpCell cell;
    int pbc[3] = {1, 1, 1};
    ierr = UfpCalloc(natoms[t], &x);
    if (!ierr) ierr = UfpCalloc(natoms[t], &labels);
    for (int64_t i = 0; i < natoms[t] && !ierr; i++)
      snprintf(labels[i], UFP_LABEL_MAX, "%s", species[t][i]);
    if (!ierr) ierr = UfpH5mdReadFrame(traj[t], cand_frame[c], &step, &time, lattice, x, NULL, NULL, NULL);
    if (!ierr) ierr = UfpCellSetup(&cell, lattice, pbc);
    if (!ierr)
      ierr =
          FrameFingerprint(soap, nspecies, (const char(*)[16])slist, &cell, (int)natoms[t],
                           (const double(*)[3])x, (const char(*)[UFP_LABEL_MAX])labels, fc + (size_t)c * f);
    if (!ierr && npot > 0) {
      UfpStructure *u = NULL;
      ierr = UfpStructureCreate((int)natoms[t], &u);
      if (!ierr) {
        memcpy(u->lattice, lattice, sizeof u->lattice);
        memcpy(u->x, x, sizeof *x * (size_t)natoms[t]);
        u->has_lattice = 1;
      }
      for (int64_t i = 0; i < natoms[t] && !ierr; i++)
        ierr = UfpStructureSetSpecies(u, (int)i, labels[i]);
      if (!ierr) ierr = Uf3CommitteeSpread(npot, pots, u, &spread[c]);
      UfpStructureDestroy(&u);
    }
    UfpFree(&x);
    UfpFree(&labels);
  }
  for (int r = rank; r < nref && !ierr; r += size) {
    UfpCell cell;
    ierr = UfpCellSetup(&cell, train[r]->lattice, train[r]->pbc);
    if (!ierr)
      ierr = FrameFingerprint(soap, nspecies, (const char(*)[16])slist, &cell, train[r]->natoms,
                              (const double(*)[3])train[r]->x,
                              (const char(*)[UFP_LABEL_MAX])train[r]->species, fr + (size_t)r * f);
  }
  UfpCall(UfpErrorSync(comm, ierr));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, fc, ncand * f, MPI_DOUBLE, MPI_SUM, comm));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, spread, ncand, MPI_DOUBLE, MPI_SUM, comm));
  if (nref > 0) UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, fr, nref * f, MPI_DOUBLE, MPI_SUM, comm));

  int *picked, npicked = 0;
  double *distance;
  UfpCall(UfpCalloc(set.count, &picked));
  UfpCall(UfpCalloc(set.count, &distance));
  if (set.method == METHOD_FPS)
    UfpCall(FrameSelectFarthest(ncand, f, fc, nref, fr, (int)set.count, set.min_distance, picked, distance,
                                &npicked));
  else
    UfpCall(FrameSelectLargest(ncand, f, fc, spread, (int)set.count, set.min_distance, picked, &npicked));
  if (set.method == METHOD_COMMITTEE)
    for (int k = 0; k < npicked; k++)
      distance[k] = spread[picked[k]];
  UfpInfo(comm,
          "train-select: %d candidate frames from %d trajectories, %d training structures, %d species, %d "
          "fingerprint numbers; picked %d\n",
          ncand, ntraj, nref, nspecies, f, npicked);
  UfpInfo(comm, "  %-40s %8s %10s\n", "trajectory", "frame",
          set.method == METHOD_FPS ? "distance" : "spread eV/Å");
  for (int k = 0; k < npicked; k++)
    UfpInfo(comm, "  %-40s %8d %10.4g\n", traj_path[cand_traj[picked[k]]], cand_frame[picked[k]],
            distance[k]);

  /* The picked cells, written by rank 0. */
  UfpStructure **out = NULL;
  ierr = UFP_SUCCESS;
  if (rank == 0) {
    ierr = UfpCalloc(npicked > 0 ? npicked : 1, &out);
    for (int k = 0; k < npicked && !ierr; k++) {
      const int c = picked[k], t = cand_traj[c];
      UfpStructure *s = NULL;
      int64_t step;
      double time;
      ierr = UfpStructureCreate((int)natoms[t], &s);
      out[k] = s;
      if (!ierr)
        ierr = UfpH5mdReadFrame(traj[t], cand_frame[c], &step, &time, s->lattice, s->x, NULL, NULL, NULL);
      for (int64_t i = 0; i < natoms[t] && !ierr; i++)
        ierr = UfpStructureSetSpecies(s, (int)i, species[t][i]);
      if (!ierr) {
        s->has_lattice = 1;
        s->pbc[0] = s->pbc[1] = s->pbc[2] = 1;
        long frame = cand_frame[c], st = step;
        ierr = UfpStructureSetInfoString(s, "source", traj_path[t]);
        if (!ierr) ierr = UfpStructureSetInfoInt(s, "frame", 'I', 1, &frame);
        if (!ierr) ierr = UfpStructureSetInfoInt(s, "step", 'I', 1, &st);
        if (!ierr) ierr = UfpStructureSetInfoReal(s, "time_ps", 1, &time);
        if (!ierr)
          ierr = UfpStructureSetInfoReal(s, set.method == METHOD_FPS ? "select_distance" : "committee_spread",
                                         1, &distance[k]);
      }
      if (!ierr && set.cluster_radius > 0) {
        int centre = -1;
        ierr = novel_centre(soap, &set, s, nref, train, &centre);
        UfpStructure *c = NULL;
        if (!ierr)
          ierr = FrameCarveCluster(s, centre, set.cluster_radius, set.bond_cutoff, set.cluster_vacuum, &c);
        if (!ierr) {
          UfpInfoValue *src = UfpStructureFindInfo(s, "source");
          long frame = cand_frame[picked[k]];
          ierr = UfpStructureSetInfoString(c, "source", src ? src->string : "");
          if (!ierr) ierr = UfpStructureSetInfoInt(c, "frame", 'I', 1, &frame);
          if (!ierr) ierr = UfpStructureSetInfoReal(c, "select_distance", 1, &distance[k]);
          UfpStructureDestroy(&out[k]);
          out[k] = c;
        }
      }
    }
  }
  UfpCall(UfpErrorSync(comm, ierr));
  if (FramesH5Wanted(set.output))
    UfpCall(FramesH5Write(comm, set.output, set.overwrite, "train-select", npicked, out));
  else
    UfpCall(UfpExtxyzWriteAll(comm, set.output, set.overwrite, npicked, out));
  UfpInfo(comm, "train-select: wrote %s (%d frames)\n", set.output, npicked);
  if (out) UfpStructureArrayDestroy(npicked, &out);
  UfpStructureArrayDestroy(nref, &train);
  for (int t = 0; t < ntraj; t++) {
    UfpH5mdDestroy(&traj[t]);
    UfpFree(&species[t]);
  }
  LambdaSoapDestroy(&soap);
  for (int k = 0; k < npot; k++)
    Uf3PotentialDestroy(&pots[k]);
  UfpFree(&spread);
  UfpFree(&fc);
  UfpFree(&fr);
  UfpFree(&cand_traj);
  UfpFree(&cand_frame);
  UfpFree(&picked);
  UfpFree(&distance);
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "train-select", code);
  UfpFinalize();
  return status;
}
