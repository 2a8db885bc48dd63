/*
 * magres_reader.h -- EFG labels from a CASTEP .magres file.
 *
 * The result is one structure: the atoms of the [atoms] block in file order
 * (species from the atom records, Cartesian positions in Å), the lattice
 * when the file has one (then pbc = T T T, otherwise a molecule), and
 *   efg:R:9           the total EFG tensor of each atom, row-major, in
 *                     atomic units Eh/(e a0^2) (the file's own unit)
 *   magres_label:S:1  the magres site label (e.g. "H1")
 *   magres_index:I:1  the magres index within that label
 * plus the info values efg_units="atomic" and source (the file name
 * without directory and extension).  The layout accepted, the handling of
 * old files and of labels run together with their index are described in
 * magres_reader.c.
 *
 * Errors in the file are UFP_ERR_INPUT with "path:line: what was expected";
 * a file that cannot be opened is UFP_ERR_IO.
 */
#ifndef EFG_MAGRES_READER_H
#define EFG_MAGRES_READER_H

#include "structure.h"

UfpErrorCode EfgMagresRead(const char *path, UfpStructure **s);

#endif
