/*
 * label_batch.h -- a directory of CP2K labelling runs, one per frame, that
 * can be interrupted and resumed.
 *
 * Frame k of a batch lives in DIR as
 *   frame_K.inp          the input (cp2k_template.h), written first
 *   frame_K.out.partial  CP2K's output while it runs (or after it was killed)
 *   frame_K.out          a finished run whose output parses (cp2k_reader.h)
 *   frame_K.failed       one line: why the run is not a label (SCF not
 *                        converged, CP2K failed, output unreadable);
 *                        its output is kept as frame_K.failed.out
 *   frame_K.log          CP2K's standard output and error
 * with K = k in five digits.  The state of a frame follows from which files
 * exist, so a batch killed at any point resumes where it stopped: done and
 * failed frames are skipped, a partial output is discarded and the frame run
 * again (a single point has nothing to continue from).
 *
 * CP2K is started through /bin/sh as "COMMAND -i frame_K.inp -o
 * frame_K.out.partial" in DIR, with the MPI runtime's variables of this
 * process removed from its environment (so that COMMAND may be "mpiexec -n
 * 4 cp2k.psmp" or "srun cp2k.psmp").
 */
#ifndef EFG_LABEL_BATCH_H
#define EFG_LABEL_BATCH_H

#include "structure.h"
#include "ufp_error.h"

typedef enum { LABEL_MISSING, LABEL_WRITTEN, LABEL_PARTIAL, LABEL_DONE, LABEL_FAILED } LabelState;

extern const char *const LabelStateNames[];

/* DIR/frame_K.SUFFIX */
void LabelPath(const char *dir, int k, const char *suffix, char *path, size_t size);
/* State of frame k; reason (may be NULL) gets the failure line. */
LabelState LabelFrameState(const char *dir, int k, char *reason, size_t size);
/* Run CP2K for frame k (its input must exist) and file the result as done
 * or failed; *state is the new state.  An error return is for problems of
 * this program (cannot start a shell, rename), not of the run. */
UfpErrorCode LabelRunFrame(const char *dir, int k, const char *command, LabelState *state);
/* The labels of a done frame: structure from its input, energy, forces,
 * stress and EFG from its output. */
UfpErrorCode LabelReadFrame(const char *dir, int k, UfpStructure **s);
/* Remember the environment variables this process was started with, before
 * MPI adds its own (call first thing in main). */
void LabelKeepEnvironment(void);

#endif
