/*
 * uf3_file.h -- UF3 potential files: LAMMPS ML-UF3 text formats and uf3's
 * JSON model, read into and written from Uf3Potential.
 *
 * Formats (details, evidence and conventions at the top of uf3_file.c):
 *   unified LAMMPS file   "#UF3 POT UNITS: metal ..." blocks, "2B El1 El2 ..."
 *                         and "3B El1 El2 El3 ..." (pair_coeff * * FILE El ...)
 *   old LAMMPS files      one interaction per file, "2B LT TT uk" without
 *                         element names; names come from the file name
 *                         (W_W, W_W_W, Nb_Nb.uf3: basename split on '_')
 *   uf3 JSON model        WeightedLinearModel.to_json (first non-blank '{')
 *
 * `map` is the element list of `pair_coeff * * FILE El1 El2 ...`: the
 * potential's elements are exactly these, in this order.  Every pair among
 * them must be in the file; if the file has any 3-body block, every triplet
 * (centre a, neighbours b, c; a block for a-c-b serves a-b-c too) must be
 * there as well.  Blocks for other elements are parsed and ignored.
 * nmap = 0 takes every element of the file in order of first appearance (for
 * JSON: the model's element_list).
 *
 * Errors: UFP_ERR_IO when a file cannot be read or written; UFP_ERR_INPUT
 * with "file:line: what was expected" (JSON: file:line:column) for bad
 * content, and for map elements missing from the file.
 */
#ifndef UFP_UF3_FILE_H
#define UFP_UF3_FILE_H

#include <mpi.h>

#include "uf3_potential.h"

/* Read any of the three formats, detected from the content; an old-format
 * file holds one interaction, so this reads a 2-body-only potential from it
 * (use Uf3PotentialReadOldFormat for several files).  Serial: call it on
 * every rank that needs the potential. */
UfpErrorCode Uf3PotentialRead(const char *path, int nmap, const char *const *map, Uf3Potential **pot);

/* Several old-format files, e.g. {"W_W", "W_W_W"}: element names from each
 * file name (a block that names its elements keeps its own names). */
UfpErrorCode Uf3PotentialReadOldFormat(int nfiles, const char *const *paths, int nmap, const char *const *map,
                                       Uf3Potential **pot);

/* Write the unified LAMMPS format (collective; rank 0 writes PATH.partial and
 * renames it).  Fails with UFP_ERR_IO if PATH exists and overwrite is 0.
 * One-body energies cannot be expressed in this format and are dropped
 * silently (the caller warns; Uf3PotentialWriteJson keeps them). */
UfpErrorCode Uf3PotentialWrite(MPI_Comm comm, const char *path, int overwrite, const Uf3Potential *pot);

/* Write uf3's JSON model (the layout of WeightedLinearModel.to_json, which
 * Uf3PotentialRead and uf3's from_json both load; collective, rank 0 writes
 * PATH.partial and renames it).  Keeps what the LAMMPS format cannot: the
 * one-body energies, written when pot->has_one_body (uf3's load() wants one
 * for every element, so give them, zeros if need be, for a file uf3 is to
 * read).  Knots, coefficients and energies are printed with %.17g: reading
 * the file back gives the same doubles.  Fails with UFP_ERR_IO if PATH exists
 * and overwrite is 0 or it cannot be written; with UFP_ERR_INPUT when the
 * model cannot hold the potential: blocks of one body order with different
 * trims (the model has one leading and one trailing trim per body order), or
 * an element name containing '-' (the key separator). */
UfpErrorCode Uf3PotentialWriteJson(MPI_Comm comm, const char *path, int overwrite, const Uf3Potential *pot);

#endif
