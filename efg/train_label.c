/*
 * train_label.c -- train-label: DFT labels (energy, forces, stress, EFG) for
 * selected frames with CP2K.
 *
 *   train-label -label_frames picked.extxyz -label_dir lab -label_action write
 *   train-label -label_dir lab -label_action run [-label_first K -label_count N] \
 *               -label_cp2k "mpiexec -n 4 cp2k.psmp"
 *   train-label -label_frames picked.extxyz -label_dir lab -label_action collect -label_output new.extxyz
 *   (-label_action all: the three in turn)
 *
 * write: one CP2K input per frame from the template (cp2k_template.h; the
 *   default is the project's PBE/GAPW setup with the analytical stress).
 * run: CP2K for frames [first, first + count) that are not done or failed
 *   yet (label_batch.h): one frame per SLURM array task, or a batch; a batch
 *   killed at any point resumes where it stopped.  Runs that do not give a
 *   label (SCF not converged, CP2K failed) are filed as failed with the
 *   reason and left out.
 * collect: the done frames as extxyz in the training format (energy eV,
 *   forces eV/Å, stress eV/Å^3 with the extxyz sign, efg:R:9 in atomic
 *   units, label_frame = the frame's index in -label_frames), with a
 *   summary of the failed ones; frames not run yet are an error unless
 *   -label_allow_missing.
 *
 * train-label starts CP2K itself, so it runs as one process (not under
 * mpiexec); CP2K's own launcher goes into -label_cp2k.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cp2k_template.h"
#include "extxyz.h"
#include "label_batch.h"
#include "options.h"
#include "parallel.h"
#include "progress.h"
#include "safe_output.h"

static const char help[] =
    "train-label: CP2K labels (energy, forces, stress, EFG) for selected frames.\n\n"
    "Usage: train-label -label_dir DIR -label_action write|run|collect|all [-label_frames FRAMES.extxyz]\n"
    "                   [-label_cp2k \"cp2k.psmp\"] [-label_first K] [-label_count N] [-label_output "
    "OUT.extxyz]\n\n"
    "write makes DIR/frame_K.inp from the template, run calls CP2K for the frames not done yet\n"
    "(resumable; unconverged SCF and CP2K failures are filed as failed and left out), collect\n"
    "writes the labels as extxyz for train-ufp and train-efg.  Run as one process.\n"
    "Exit codes: 0 ok, 64 usage, 65 bad input, 70 internal, 74 I/O.\n";

enum { ACTION_WRITE, ACTION_RUN, ACTION_COLLECT, ACTION_ALL };
static const char *const action_names[] = {"write", "run", "collect", "all"};

typedef struct {
  char frames[UFP_PATH_MAX], dir[UFP_PATH_MAX], template_path[UFP_PATH_MAX], output[UFP_PATH_MAX];
  char cp2k[1024], kpoints[64];
  int kgrid[3];   /* fixed grid, or 0: automatic, or 1x1x1: Gamma */
  double klength; /* Å, for the automatic grid */
  int action, stress, allow_missing, retry_failed, overwrite;
  long first, count;
  double cutoff;
} Settings;

static UfpErrorCode read_settings(MPI_Comm comm, Settings *s)
{
  memset(s, 0, sizeof *s);
  snprintf(s->cp2k, sizeof s->cp2k, "cp2k.psmp");
  s->stress = 1;
  s->cutoff = 400.0;
  s->klength = 12.0;
  snprintf(s->kpoints, sizeof s->kpoints, "gamma");
  s->count = -1;
  UfpOptions o = NULL;
  UfpCall(UfpOptionsBegin(comm, NULL, "train-label: CP2K labels for selected frames", &o));
  UfpCall(UfpOptionsChoice(o, "-label_action", "write inputs, run CP2K, collect labels, or all three",
                           "LabelSetAction", action_names, 4, &s->action));
  UfpCall(UfpOptionsString(o, "-label_frames", "frames to label (extxyz, e.g. from train-select)",
                           "LabelSetFrames", s->frames, sizeof s->frames, NULL));
  UfpCall(UfpOptionsString(o, "-label_dir", "batch directory (inputs, outputs, states)", "LabelSetDir",
                           s->dir, sizeof s->dir, NULL));
  UfpCall(UfpOptionsString(o, "-label_template", "CP2K input template (empty: the built-in PBE/GAPW one)",
                           "LabelSetTemplate", s->template_path, sizeof s->template_path, NULL));
  UfpCall(UfpOptionsReal(o, "-label_cutoff", "plane-wave cutoff", "Ry", "LabelSetCutoff", &s->cutoff));
  UfpCall(
      UfpOptionsString(o, "-label_kpoints",
                       "k-points: gamma (as the bundled labels), auto (n_a >= -label_kpoint_length / plane "
                       "spacing) or N1,N2,N3",
                       "LabelSetKpoints", s->kpoints, sizeof s->kpoints, NULL));
  UfpCall(UfpOptionsReal(o, "-label_kpoint_length", "length of the automatic k-point grid", "Å",
                         "LabelSetKpointLength", &s->klength));
  UfpCall(UfpOptionsBool(o, "-label_stress", "ask CP2K for the analytical stress tensor", "LabelSetStress",
                         &s->stress));
  UfpCall(UfpOptionsString(o, "-label_cp2k", "command that runs CP2K (given -i IN -o OUT)", "LabelSetCp2k",
                           s->cp2k, sizeof s->cp2k, NULL));
  UfpCall(UfpOptionsInt(o, "-label_first", "first frame to run", "", "LabelSetFirst", &s->first));
  UfpCall(UfpOptionsInt(o, "-label_count", "frames to run from the first (negative: all)", "",
                        "LabelSetCount", &s->count));
  UfpCall(UfpOptionsBool(o, "-label_retry_failed", "run failed frames again", "LabelSetRetryFailed",
                         &s->retry_failed));
  UfpCall(UfpOptionsString(o, "-label_output", "labels (extxyz) written by collect", "LabelSetOutput",
                           s->output, sizeof s->output, NULL));
  UfpCall(UfpOptionsBool(o, "-label_allow_missing", "collect even if some frames have not run",
                         "LabelSetAllowMissing", &s->allow_missing));
  UfpCall(UfpOptionsBool(o, "-label_overwrite", "replace an existing -label_output", "LabelSetOverwrite",
                         &s->overwrite));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(s->dir[0], UFP_ERR_USAGE, "-label_dir is required (see -help)");
  UfpCheck(s->action == ACTION_RUN || s->frames[0], UFP_ERR_USAGE, "-label_action %s needs -label_frames",
           action_names[s->action]);
  UfpCheck(!(s->action == ACTION_COLLECT || s->action == ACTION_ALL) || s->output[0], UFP_ERR_USAGE,
           "-label_action %s needs -label_output", action_names[s->action]);
  UfpCheck(s->cutoff > 0 && s->first >= 0, UFP_ERR_USAGE, "need -label_cutoff > 0 and -label_first >= 0");
  if (!strcmp(s->kpoints, "gamma"))
    s->kgrid[0] = s->kgrid[1] = s->kgrid[2] = 1;
  else if (strcmp(s->kpoints, "auto")) {
    char tail;
    UfpCheck(sscanf(s->kpoints, "%d,%d,%d%c", &s->kgrid[0], &s->kgrid[1], &s->kgrid[2], &tail) == 3 &&
                 s->kgrid[0] >= 1 && s->kgrid[1] >= 1 && s->kgrid[2] >= 1,
             UFP_ERR_USAGE, "-label_kpoints %s: want gamma, auto or three positive integers N1,N2,N3",
             s->kpoints);
  }
  UfpCheck(s->klength > 0, UFP_ERR_USAGE, "-label_kpoint_length must be > 0 Å");
  return UFP_SUCCESS;
}

/* Number of frames of the batch: the inputs frame_00000.inp, ... in DIR. */
static int count_inputs(const char *dir)
{
  int n = 0;
  char path[UFP_PATH_MAX + 32];
  struct stat st;
  for (;; n++) {
    LabelPath(dir, n, "inp", path, sizeof path);
    if (stat(path, &st) != 0) return n;
  }
}

static UfpErrorCode write_inputs(const Settings *set, int nframes, UfpStructure *const *frames)
{
  char *text = NULL;
  UfpCall(Cp2kTemplateLoad(set->template_path, &text));
  UfpErrorCode ierr = UFP_SUCCESS;
  if (mkdir(set->dir, 0755) != 0 && errno != EEXIST)
    ierr = UfpError(UFP_ERR_IO, "cannot create %s: %s", set->dir, strerror(errno));
  int written = 0;
  for (int k = 0; k < nframes && !ierr; k++) {
    char path[UFP_PATH_MAX + 32], name[32];
    LabelPath(set->dir, k, "inp", path, sizeof path);
    if (LabelFrameState(set->dir, k, NULL, 0) != LABEL_MISSING) continue; /* kept: its run may be under way */
    snprintf(name, sizeof name, "frame_%05d", k);
    int grid[3] = {set->kgrid[0], set->kgrid[1], set->kgrid[2]};
    if (grid[0] == 0) Cp2kKpointsAuto(frames[k]->lattice, set->klength, grid);
    ierr = Cp2kInputWrite(text, frames[k], name, set->cutoff, set->stress, grid, path);
    written++;
  }
  free(text);
  UfpCall(ierr);
  printf("train-label: %d CP2K input(s) written to %s (%d frames; %.0f Ry%s; k-points %s)\n", written,
         set->dir, nframes, set->cutoff, set->stress ? ", analytical stress" : "", set->kpoints);
  return UFP_SUCCESS;
}

static UfpErrorCode run_frames(const Settings *set)
{
  const int n = count_inputs(set->dir);
  UfpCheck(n > 0, UFP_ERR_INPUT, "%s holds no frame_00000.inp: write the inputs first (-label_action write)",
           set->dir);
  UfpCheck(set->first < n, UFP_ERR_USAGE, "-label_first %ld: the batch has %d frames", set->first, n);
  const int last = set->count < 0 || set->first + set->count > n ? n : (int)(set->first + set->count);
  int todo = 0, done = 0, failed = 0;
  for (int k = (int)set->first; k < last; k++) {
    LabelState st = LabelFrameState(set->dir, k, NULL, 0);
    todo += st != LABEL_DONE && (st != LABEL_FAILED || set->retry_failed);
  }
  printf("train-label: frames %ld..%d of %s: %d to run with \"%s\"\n", set->first, last - 1, set->dir, todo,
         set->cp2k);
  fflush(stdout);
  UfpProgress progress = NULL;
  UfpCall(UfpProgressCreate(MPI_COMM_SELF, "train-label", "frames", todo > 0 ? todo : 1, &progress));
  for (int k = (int)set->first; k < last; k++) {
    char reason[1024];
    LabelState st = LabelFrameState(set->dir, k, reason, sizeof reason);
    if (st == LABEL_DONE || (st == LABEL_FAILED && !set->retry_failed)) continue;
    if (st == LABEL_FAILED) {
      char path[UFP_PATH_MAX + 32];
      LabelPath(set->dir, k, "failed", path, sizeof path);
      remove(path);
    }
    if (st == LABEL_PARTIAL) printf("train-label: frame %d was interrupted; running it again\n", k);
    UfpCall(LabelRunFrame(set->dir, k, set->cp2k, &st));
    if (st == LABEL_DONE)
      done++;
    else {
      failed++;
      LabelFrameState(set->dir, k, reason, sizeof reason);
      printf("train-label: frame %d failed: %s\n", k, reason);
    }
    UfpProgressUpdate(progress, done + failed);
  }
  UfpProgressFinish(progress);
  UfpProgressDestroy(&progress);
  printf("train-label: %d frame(s) labelled, %d failed in this run\n", done, failed);
  return UFP_SUCCESS;
}

static UfpErrorCode collect(const Settings *set, int nframes)
{
  UfpStructure **labels = NULL;
  UfpCall(UfpCalloc(nframes > 0 ? nframes : 1, &labels));
  int nlabels = 0, nfailed = 0, nmissing = 0;
  UfpErrorCode ierr = UFP_SUCCESS;
  for (int k = 0; k < nframes && !ierr; k++) {
    char reason[1024];
    LabelState st = LabelFrameState(set->dir, k, reason, sizeof reason);
    if (st == LABEL_DONE)
      ierr = LabelReadFrame(set->dir, k, &labels[nlabels++]);
    else if (st == LABEL_FAILED) {
      printf("train-label: frame %d left out: %s\n", k, reason);
      nfailed++;
    } else {
      if (nmissing < 10) printf("train-label: frame %d not labelled yet (%s)\n", k, LabelStateNames[st]);
      nmissing++;
    }
  }
  if (!ierr && nmissing && !set->allow_missing)
    ierr =
        UfpError(UFP_ERR_INPUT, "%d of %d frames in %s have not run yet (run them, or -label_allow_missing)",
                 nmissing, nframes, set->dir);
  if (!ierr && nlabels == 0) ierr = UfpError(UFP_ERR_INPUT, "no frame of %s has a label", set->dir);
  if (!ierr) ierr = UfpExtxyzWriteAll(MPI_COMM_SELF, set->output, set->overwrite, nlabels, labels);
  UfpStructureArrayDestroy(nlabels, &labels);
  UfpCall(ierr);
  printf("train-label: %d labelled frame(s) written to %s; %d failed, %d not run\n", nlabels, set->output,
         nfailed, nmissing);
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm)
{
  Settings set;
  UfpCall(read_settings(comm, &set));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(UfpCommSize(comm) == 1, UFP_ERR_USAGE,
           "train-label starts CP2K itself: run it as one process and put CP2K's launcher in -label_cp2k");
  int nframes = 0;
  UfpStructure **frames = NULL;
  if (set.frames[0]) UfpCall(UfpExtxyzReadAll(set.frames, &nframes, &frames));
  UfpErrorCode ierr = UFP_SUCCESS;
  if (set.action == ACTION_WRITE || set.action == ACTION_ALL) ierr = write_inputs(&set, nframes, frames);
  if (!ierr && (set.action == ACTION_RUN || set.action == ACTION_ALL)) ierr = run_frames(&set);
  if (!ierr && (set.action == ACTION_COLLECT || set.action == ACTION_ALL)) ierr = collect(&set, nframes);
  UfpStructureArrayDestroy(nframes, &frames);
  return ierr;
}

int main(int argc, char **argv)
{
  LabelKeepEnvironment();
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "train-label", code);
  UfpFinalize();
  return status;
}
