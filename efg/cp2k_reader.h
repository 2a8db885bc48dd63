/*
 * cp2k_reader.h -- EFG labels from the output of a CP2K single-point run.
 *
 * What a CP2K run with &DFT&PRINT&ELECTRIC_FIELD_GRADIENT prints, and what
 * becomes of it (one structure per output file):
 *   ELECTRIC FIELD GRADIENTS [10**21 V/m^2]   per-atom column efg:R:9, the
 *       total tensor of each atom, row-major, converted to atomic units by
 *       V[a.u.] = V[1e21 V/m^2] * 1e21 / UFP_EFG_AU_V_M2
 *   ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]   info "energy" in eV
 *       (times UFP_HARTREE_EV), when printed
 *   ATOMIC FORCES in [a.u.]   per-atom column forces:R:3 in eV/Å (times
 *       UFP_HARTREE_PER_BOHR_EV_PER_A), when printed
 *   STRESS| Analytical stress tensor [GPa]   info "stress" (9 values,
 *       row-major) in eV/Å^3 with the extxyz/ASE sign, +(1/V) dE/d(strain):
 *       minus the printed (pressure-like) tensor, when printed
 *   species   the element symbols of the EFG lines
 * and the info values efg_units="atomic" and source (the output's file
 * name without directory and extension).
 *
 * Cell and positions: at PRINT_LEVEL LOW (the level of the project's runs)
 * CP2K prints neither, so they are read from the run's input file
 * (cp2k_input.h): input_path when given, otherwise the input the output
 * names on its "CP2K| Input file name" line (relative names are taken
 * relative to the output's directory), otherwise the output's path with its
 * extension replaced by ".inp".  The atom count and, where the &COORD label
 * is an element symbol, every element must agree with the output.  For the
 * same reason only single-point runs (RUN_TYPE ENERGY or ENERGY_FORCE) are
 * read: the input holds only the first geometry of an MD or optimisation.
 *
 * Refused with UFP_ERR_INPUT and the line: an SCF that did not converge
 * ("SCF run NOT converged", "outer SCF loop FAILED to converge"), a missing
 * or incomplete EFG section, EFGs in another unit, counts that do not
 * match.  A file that cannot be opened is UFP_ERR_IO.  See cp2k_reader.c
 * for the exact lines read.
 */
#ifndef EFG_CP2K_READER_H
#define EFG_CP2K_READER_H

#include "structure.h"

/* input_path: the run's input, or NULL to find it as described above. */
UfpErrorCode EfgCp2kRead(const char *output_path, const char *input_path, UfpStructure **s);

#endif
