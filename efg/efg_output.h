/*
 * efg_output.h -- the per-frame EFG file that efg-predict writes and the
 * analysis reads (schema in common/FORMATS.md, section 6).
 *
 *   /efg                          attributes: isotope, centre_species,
 *                                 model_kind, nfields, block_frames, units
 *     step        int64  [F]      MD step of each predicted frame
 *     time        float64[F]      ps
 *     frame       int64  [F]      frame index in the trajectory
 *     atom_id     int64  [N]      0-based atom index in the trajectory
 *     field       float64[K][3]   unit field directions (lab frame)
 *     tensor      float64[F][N][9]  V, a.u., row-major
 *     vzz, eta    float64[F][N]     a.u.; NQR order |Vxx| <= |Vyy| <= |Vzz|
 *     cq          float64[F][N]     Hz, e Q Vzz / h
 *     omega_q     float64[F][N][K]  Hz, (e Q / h) n^T V n per field n
 *     theta, phi  float64[F][N][K]  rad, the field in the principal frame
 *                                   (theta from z, phi from x)
 *     quaternion  float64[F][N][4]  principal frame, (w, x, y, z), w >= 0
 *     block_done  int32  [B]        1 when frames [b*block, (b+1)*block) are written
 *
 * Restart: the file is written as NAME.partial; every block of frames is
 * written completely (all datasets) before its block_done entry is set and
 * the file flushed, so a killed run leaves a valid partial file whose done
 * blocks are kept, and a rerun computes only the missing blocks.  Since
 * each frame's values depend only on that frame, the result equals an
 * uninterrupted run.
 */
#ifndef EFG_EFG_OUTPUT_H
#define EFG_EFG_OUTPUT_H

#include <mpi.h>
#include <stdint.h>

#include "h5io.h"
#include "isotopes.h"
#include "ufp_error.h"

typedef struct EfgOutput_ *EfgOutput;

typedef struct {
  int64_t nframes, natoms;     /* F, N */
  int nfields;                 /* K */
  const double (*field)[3];    /* K unit vectors */
  int block;                   /* frames per block */
  const int64_t *atom_id;      /* N */
  const UfpIsotope *isotope;
  const char *centre, *model_kind;
  const UfpProvenance *provenance; /* written on / of a new file (NULL: none) */
} EfgOutputLayout;

/* Create path (the .partial name) with the layout, or, with resume != 0 and
 * a readable file of the same layout there, reopen it.  *done gets a
 * malloc'd array of B flags (every rank the same). */
UfpErrorCode EfgOutputOpen(MPI_Comm comm, const char *path, const EfgOutputLayout *layout, int resume,
                           EfgOutput *out, int **done, int *nblocks);
/* Collective: each rank writes its block b (or b < 0: nothing) of frames:
 * steps, times, frame indices and the tensors v[count][N][3][3]; derived
 * NMR quantities are computed here.  Marks the blocks done and flushes. */
UfpErrorCode EfgOutputWriteBlock(EfgOutput out, int b, int count, const int64_t *step, const double *time,
                                 const int64_t *frame, const double (*v)[3][3]);
/* Mean |C_Q| (Hz) and mean eta over the tensors written by this run (all
 * ranks; collective); count is their number. */
UfpErrorCode EfgOutputSummary(EfgOutput out, double *mean_abs_cq, double *mean_eta, double *count);
UfpErrorCode EfgOutputClose(EfgOutput *out);

#endif
