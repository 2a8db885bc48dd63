/*
 * label_files.h -- EFG labels from any supported file, in one in-memory form.
 *
 * THE ONE INTERNAL UNIT OF EFG LABELS: atomic units, Eh/(e a0^2)
 * = UFP_EFG_AU_V_M2 = 9.7173624292e21 V/m^2.  Every reader converts to it.
 *
 * Whatever the source, the result is an array of UfpStructure, one per
 * frame, each with
 *   efg:R:9       per-atom EFG tensor, row-major 3x3, atomic units
 *   species       element symbols (or the file's labels)
 *   x             Cartesian positions in Å; lattice and pbc where the
 *                 source has a cell
 *   info efg_units = "atomic"
 * and, where the source has them, info "energy" (eV) and the per-atom
 * column forces:R:3 (eV/Å).
 *
 * Sources (EfgLabelFormat):
 *   extxyz  any number of frames with an efg:R:9 column (UfpExtxyzReadAll).
 *           The column is read as written and converted from the unit named
 *           by the frame's efg_units key: "atomic" or "au" (also the default
 *           when the key is absent), "1e21V/m2" or "1e21 V/m^2" (CP2K's
 *           unit), "V/m2" or "V/m^2".  EfgLabelsReadUnits can force the
 *           unit instead.
 *   magres  one CASTEP .magres file, one frame (magres_reader.h).
 *   cp2k    one CP2K single-point output, one frame, with the cell and
 *           positions from the run's input (cp2k_reader.h).
 *   auto    the format from the file: a ".magres" extension or the magres
 *           header line -> magres; a "CP2K|" banner line or an "ELECTRIC
 *           FIELD GRADIENTS" header within the first 2000 lines -> cp2k;
 *           anything else -> extxyz.
 *
 * Errors: UFP_ERR_INPUT for a malformed or unusable file (with file and
 * line where there is one), UFP_ERR_IO when it cannot be read, UFP_ERR_USAGE
 * for a unit override on a source whose unit is fixed.
 */
#ifndef EFG_LABEL_FILES_H
#define EFG_LABEL_FILES_H

#include "structure.h"

typedef enum { EFG_LABELS_AUTO, EFG_LABELS_EXTXYZ, EFG_LABELS_MAGRES, EFG_LABELS_CP2K } EfgLabelFormat;
/* "auto", "extxyz", "magres", "cp2k": option values, in enum order. */
extern const char *const EfgLabelFormatNames[4];

/* Unit of an extxyz efg column: from the file's efg_units key, or forced. */
typedef enum { EFG_UNITS_FILE, EFG_UNITS_AU, EFG_UNITS_CP2K, EFG_UNITS_SI } EfgLabelUnits;
/* "file", "au", "1e21V/m2", "V/m2": option values, in enum order. */
extern const char *const EfgLabelUnitNames[4];

/* The format of path by the rules of "auto" above (never EFG_LABELS_AUTO). */
UfpErrorCode EfgLabelsDetectFormat(const char *path, EfgLabelFormat *format);

/* Read every frame of path (format EFG_LABELS_AUTO: detect it).  *frames is
 * released with UfpStructureArrayDestroy.  Serial. */
UfpErrorCode EfgLabelsRead(const char *path, EfgLabelFormat format, int *nframes, UfpStructure ***frames);

/* The same, with the unit of an extxyz efg column forced (EFG_UNITS_FILE:
 * the efg_units key).  A forced unit with a magres or CP2K source, whose
 * unit is fixed, is a usage error. */
UfpErrorCode EfgLabelsReadUnits(const char *path, EfgLabelFormat format, EfgLabelUnits units, int *nframes,
                                UfpStructure ***frames);

#endif
