/*
 * poscar.h -- VASP POSCAR/CONTCAR files (VASP 5 format, with species line).
 *
 * The result has pbc = T T T, has_lattice = 1, Cartesian positions in Å,
 * species from the species line, and the first line kept as the 'S' info
 * "comment".  See poscar.c for the accepted layout.  Errors name the file,
 * the line and what was expected (UFP_ERR_INPUT); a file that cannot be
 * opened is UFP_ERR_IO.
 */
#ifndef UFP_POSCAR_H
#define UFP_POSCAR_H

#include "structure.h"

UfpErrorCode UfpPoscarRead(const char *path, UfpStructure **s);

#endif
