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
 * Every placeholder but @STRESS@ and @PRINT_STRESS@ must occur; every
 * element of a structure needs a "&KIND El" section in the template.
 *
 * The built-in default is the project's labelling setup (the settings of
 * ../shared/data/efg/template.inp, which made the bundled labels): PBE,
 * GAPW, DZVP-MOLOPT-SR-GTH basis sets and GTH-PBE pseudopotentials for Li
 * (q3), P (q5) and S (q6), 400 Ry (REL_CUTOFF 50), EPS_SCF 1e-6 with OT/DIIS
 * and an outer loop, Gamma point, forces, the analytical stress and the
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
 * stress tensor (templates without @STRESS@ ignore it). */
UfpErrorCode Cp2kInputWrite(const char *text, const UfpStructure *s, const char *name, double cutoff_ry, int stress,
                            const char *path);

#endif
