/*
 * cp2k_input.h -- the cell and coordinates of a CP2K input file.
 *
 * CP2K prints neither the cell nor the coordinates at PRINT_LEVEL LOW, so
 * the CP2K label reader (cp2k_reader.h) takes them from the input of the
 * run: &FORCE_EVAL / &SUBSYS / &CELL and &COORD.  The result has the
 * lattice (Å, rows a, b, c), pbc from PERIODIC (default XYZ), has_lattice
 * = 1, and one atom per &COORD line with the line's label as species and
 * Cartesian positions in Å.  The keywords accepted are listed in
 * cp2k_input.c; anything the parser cannot evaluate (preprocessor
 * directives, an external coordinate or cell file) is an error, not a
 * guess.  Errors name the file and line (UFP_ERR_INPUT); a file that cannot
 * be opened is UFP_ERR_IO.
 */
#ifndef EFG_CP2K_INPUT_H
#define EFG_CP2K_INPUT_H

#include "structure.h"

UfpErrorCode EfgCp2kInputRead(const char *path, UfpStructure **s);

#endif
