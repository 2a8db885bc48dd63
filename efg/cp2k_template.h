/*
 * cp2k_template.h -- CP2K single-point inputs for DFT labels (energy,
 * forces, stress and EFG) from a template.
 *
 * The template is a CP2K input with placeholders, each on its own or inside
 * a line:
 *   @NAME@      project name (the frame's file stem)
 *   @CUTOFF@    plane-wave cutoff, Ry
 *   @CELL@      the three lines "A ax ay az", "B ...", "C ..." (Å)
 *   @COORD@     one line "El x y z" per atom (Å)
 *   @STRESS@    ANALYTICAL or NONE (&FORCE_EVAL STRESS_TENSOR)
 *   @PRINT_STRESS@  ON or OFF (&FORCE_EVAL&PRINT&STRESS_TENSOR)
 *   @KPOINTS@   a &KPOINTS section (Monkhorst-Pack n1 n2 n3), or nothing
 *               at the Gamma point
 *   @SCF_SOLVER@  OT with an outer SCF loop at the Gamma point, or
 *               diagonalisation with Broyden mixing for k-points (CP2K's
 *               OT is Gamma-only)
 * @NAME@, @CUTOFF@, @CELL@ and @COORD@ must occur, @KPOINTS@ when k-points
 * are asked for; every element of a structure needs a "&KIND El" section
 * in the template.
 *
 * k-points: the Gamma point alone is not enough for the 16-32-atom cells
 * of LPS (6-13 Å): on a 16-atom gamma-Li3PS4 frame, a 2x2x2 grid changes
 * the forces by 0.43 eV/Å RMS (P 0.46, S 0.55, Li 0.07), the energy by
 * 91 meV/atom and a Li eta by 0.24.  Cp2kKpointsAuto gives the grid with
 * n_a >= length / d_a for the plane spacings d_a (12 Å: 2x2x2 for that
 * frame, 1x2x2 for the 32-atom beta cell, Gamma for 255-atom glasses).
 *
 * The built-in default is the project's labelling setup (the settings of
 * ../shared/data/efg/template.inp, which made the bundled labels): PBE,
 * GAPW, DZVP-MOLOPT-SR-GTH basis sets and GTH-PBE pseudopotentials for Li
 * (q3), P (q5) and S (q6), 400 Ry (REL_CUTOFF 50), EPS_SCF 1e-6 with OT/DIIS
 * and an outer loop at the Gamma point (diagonalisation with k-points),
 * forces, the analytical stress and the
 * electric field gradients printed (cp2k_reader.h reads all of them back);
 * no wavefunction restart files (a single point has no use for them).
 */
#ifndef EFG_CP2K_TEMPLATE_H
#define EFG_CP2K_TEMPLATE_H

#include "structure.h"
#include "ufp_error.h"

/* The template text: the file at path, or the built-in default (path NULL
 * or empty).  *text is malloc'd. */
UfpErrorCode Cp2kTemplateLoad(const char *path, char **text);
/* Fill the template for structure s and write it to path (as
 * path.partial, renamed when complete).  stress: ask for the analytical
 * stress tensor (templates without @STRESS@ ignore it); kpoints: the
 * Monkhorst-Pack grid (NULL or 1x1x1: the Gamma point). */
UfpErrorCode Cp2kInputWrite(const char *text, const UfpStructure *s, const char *name, double cutoff_ry,
                            int stress, const int kpoints[3], const char *path);
/* The Monkhorst-Pack grid with n_a = ceil(length / d_a) (at least 1), d_a
 * the spacing of the lattice planes spanned by the other two vectors. */
void Cp2kKpointsAuto(const double lattice[3][3], double length, int n[3]);

#endif
