/*
 * ufp_check.c -- ufp-check: is the output of a pipeline stage complete?
 *
 *   ufp-check -check_kind md  -check_file traj.h5md -check_steps 200000
 *   ufp-check -check_kind efg -check_file traj_efg.h5 [-check_frames 2001]
 *   ufp-check -check_kind acf -check_file traj_acf.h5
 *
 * The batch scripts of jobs/ use it to skip finished stages, resume partial
 * ones and submit only what is missing.  A file under its final name was
 * renamed by the program after the last write (common/safe_output.h), so
 * it is complete for the options it was run with; this checks that it is
 * also what the study asks for, so that a changed study or a stray file is
 * reported instead of being taken as done:
 *   md   the H5MD file was written by ufp-md and its last frame is at
 *        -check_steps; otherwise the step of the newest valid checkpoint
 *        (NAME.checkpoint.[ab].h5) is reported;
 *   efg  written by efg-predict, every block done, -check_frames frames;
 *   acf  written by acf-fit, with both fits.
 *
 * Prints one line, "complete", "partial [STEP]", "missing" or
 * "invalid: REASON", and exits with 0 (complete), 1 (partial), 2 (missing)
 * or 65 (invalid).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "h5io.h"
#include "h5md.h"
#include "options.h"
#include "parallel.h"
#include "safe_output.h"

static const char help[] =
    "ufp-check: is a stage's output complete?\n\n"
    "Usage: ufp-check -check_kind md|efg|acf -check_file FILE [-check_steps N] [-check_frames N]\n\n"
    "Prints complete, partial [STEP], missing or invalid: REASON.\n"
    "Exit codes: 0 complete, 1 partial, 2 missing, 64 usage, 65 invalid.\n";

enum { KIND_MD, KIND_EFG, KIND_ACF };
static const char *const kind_names[] = {"md", "efg", "acf"};
static const char *const programs[] = {"ufp-md", "efg-predict", "acf-fit"};
enum { COMPLETE = 0, PARTIAL = 1, MISSING = 2, INVALID = 65 };

typedef struct {
  int kind;
  char file[UFP_PATH_MAX];
  long steps, frames;
} Settings;

/* The reason a complete-looking file is not what was asked for ("" if it is). */
static UfpErrorCode inspect(MPI_Comm comm, const Settings *set, char *reason, size_t size)
{
  reason[0] = '\0';
  UfpH5File *file = NULL;
  UfpErrorCode ierr = UfpH5FileOpen(comm, set->file, 0, &file);
  if (ierr) {
    UfpErrorClear();
    snprintf(reason, size, "not a readable HDF5 file");
    return UFP_SUCCESS;
  }
  hid_t root = UfpH5FileId(file);
  char program[64] = "";
  int has = 0;
  if (UfpH5AttrExists(root, "program", &has) || !has || UfpH5ReadStringAttr(root, "program", program, sizeof program))
    UfpErrorClear(), snprintf(program, sizeof program, "(none)");
  if (strcmp(program, programs[set->kind]))
    snprintf(reason, size, "written by %s, not %s", program, programs[set->kind]);
  if (!reason[0] && set->kind == KIND_EFG) {
    hid_t d = -1;
    int rank = 0;
    hsize_t dims[3] = {0, 0, 0};
    int *done = NULL;
    ierr = UfpH5OpenDataset(root, "efg/block_done", &d);
    if (!ierr) ierr = UfpH5DatasetShape(d, &rank, dims);
    if (!ierr) ierr = UfpCalloc(dims[0] + 1, &done);
    if (!ierr) ierr = UfpH5ReadSlab(d, H5T_NATIVE_INT, 0, dims[0], done);
    for (hsize_t b = 0; b < dims[0] && !ierr && !reason[0]; b++)
      if (done[b] != 1) snprintf(reason, size, "block %llu of %llu not written", (unsigned long long)b,
                                 (unsigned long long)dims[0]);
    UfpFree(&done);
    if (d >= 0) UfpH5Close(&d);
    if (!ierr && !reason[0] && !(ierr = UfpH5OpenDataset(root, "efg/cq", &d))) {
      ierr = UfpH5DatasetShape(d, &rank, dims);
      UfpH5Close(&d);
      if (!ierr && set->frames > 0 && (long)dims[0] != set->frames)
        snprintf(reason, size, "%llu frames, %ld expected", (unsigned long long)dims[0], set->frames);
    }
    if (ierr) UfpErrorClear(), snprintf(reason, size, "no readable /efg/block_done and /efg/cq");
  }
  if (!reason[0] && set->kind == KIND_ACF) {
    int a = 0, b = 0;
    if (UfpH5Exists(root, "fit/omega_q", &a) || UfpH5Exists(root, "fit/cq", &b) || !a || !b)
      UfpErrorClear(), snprintf(reason, size, "no /fit/omega_q and /fit/cq");
  }
  UfpH5FileDestroy(&file);
  if (!reason[0] && set->kind == KIND_MD) {
    UfpH5md *h = NULL;
    if (UfpH5mdOpen(comm, set->file, 0, &h)) {
      UfpErrorClear();
      snprintf(reason, size, "not a readable H5MD trajectory");
      return UFP_SUCCESS;
    }
    int64_t n = UfpH5mdNumFrames(h), step = -1;
    if (n > 0 && UfpH5mdReadFrame(h, n - 1, &step, NULL, NULL, NULL, NULL, NULL, NULL)) UfpErrorClear(), step = -1;
    UfpH5mdDestroy(&h);
    if (set->steps >= 0 && step != set->steps)
      snprintf(reason, size, "last frame at step %lld, step %ld expected", (long long)step, set->steps);
  }
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm, int *status)
{
  Settings set = {.kind = KIND_MD, .steps = -1, .frames = -1};
  UfpOptions o = NULL;
  UfpCall(UfpOptionsBegin(comm, NULL, "ufp-check: completeness of a stage's output", &o));
  UfpCall(UfpOptionsChoice(o, "-check_kind", "which program's output: md (ufp-md), efg (efg-predict), acf (acf-fit)",
                           "CheckSetKind", kind_names, 3, &set.kind));
  UfpCall(UfpOptionsString(o, "-check_file", "the output under its final name", "CheckSetFile", set.file,
                           sizeof set.file, NULL));
  UfpCall(UfpOptionsInt(o, "-check_steps", "md: step of the last frame (negative: any)", "steps", "CheckSetSteps",
                        &set.steps));
  UfpCall(UfpOptionsInt(o, "-check_frames", "efg: number of frames (negative: any)", "", "CheckSetFrames",
                        &set.frames));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(set.file[0], UFP_ERR_USAGE, "-check_file is required (see -help)");
  char line[UFP_PATH_MAX + 128], reason[256];
  if (UfpFileExists(comm, set.file)) {
    UfpCall(inspect(comm, &set, reason, sizeof reason));
    *status = reason[0] ? INVALID : COMPLETE;
    if (reason[0]) snprintf(line, sizeof line, "invalid: %s: %s", set.file, reason);
    else snprintf(line, sizeof line, "complete");
  } else if (set.kind == KIND_MD) {
    char prefix[UFP_PATH_MAX + 16], path[UFP_PATH_MAX + 32];
    snprintf(prefix, sizeof prefix, "%s.checkpoint", set.file);
    int found = 0, which = 0;
    UfpCall(MdCheckpointFind(comm, prefix, &found, path, &which));
    if (found) {
      MdCheckpointHeader hd;
      int *type = NULL, (*image)[3] = NULL;
      double(*x)[3] = NULL, (*v)[3] = NULL;
      UfpCall(MdCheckpointRead(comm, path, &hd, &type, &x, &v, &image));
      UfpFree(&type), UfpFree(&x), UfpFree(&v), UfpFree(&image);
      *status = PARTIAL;
      snprintf(line, sizeof line, "partial %lld", (long long)hd.step);
    } else {
      *status = MISSING;
      snprintf(line, sizeof line, "missing");
    }
  } else {
    char partial[UFP_PATH_MAX + 16];
    snprintf(partial, sizeof partial, "%s.partial", set.file);
    *status = UfpFileExists(comm, partial) ? PARTIAL : MISSING;
    snprintf(line, sizeof line, *status == PARTIAL ? "partial" : "missing");
  }
  if (UfpCommRank(comm) == 0) printf("%s\n", line);
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  int status = 0;
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD, &status);
  int exit_code = UfpMainFinish(MPI_COMM_WORLD, "ufp-check", code);
  UfpFinalize();
  return code == UFP_SUCCESS ? status : exit_code;
}
