/*
 * structure.h -- one atomic configuration: cell, species, positions, and any
 * number of extra per-atom columns and per-frame values.
 *
 * This is the in-memory form of one extended-XYZ frame (and of a POSCAR).
 * Fields are public: readers fill them, tools read them.
 *
 * Conventions (internal units, see units.h):
 *   lattice[a][k]  row a is lattice vector a (a = 0,1,2), Cartesian k, in Å
 *   x[i][k]        Cartesian position of atom i, in Å
 *   species[i]     the label as written in the file (normally an element
 *                  symbol such as "Li"); z[i] is its atomic number, 0 when
 *                  the label is not an element symbol
 * Extra per-atom columns follow the extxyz Properties types:
 *   'R' real (double), 'I' integer, 'L' logical (stored as integer 0/1),
 *   'S' string (at most UFP_LABEL_MAX-1 characters).
 * Per-frame values ("info") are 'R' (one or more doubles), 'I', 'L' or 'S'.
 * Well-known info keys: "energy" (eV), "virial" (9 values, eV),
 * "stress" (9 values, eV/Å^3), "free_energy" (eV).
 */
#ifndef UFP_STRUCTURE_H
#define UFP_STRUCTURE_H

#include "ufp_error.h"

#define UFP_LABEL_MAX 32
#define UFP_NAME_MAX 64

typedef struct {
  char name[UFP_NAME_MAX];
  char type;             /* 'R', 'I', 'L' or 'S' */
  int ncols;
  double *real;          /* natoms*ncols, row-major, when type == 'R' */
  long *integer;         /* natoms*ncols when type == 'I' or 'L' */
  char (*string)[UFP_LABEL_MAX]; /* natoms*ncols when type == 'S' */
} UfpAtomColumn;

typedef struct {
  char name[UFP_NAME_MAX];
  char type;             /* 'R', 'I', 'L' or 'S' */
  int n;                 /* number of values (R, I, L) */
  double *real;          /* n values when type == 'R' */
  long *integer;         /* n values when type == 'I' or 'L' */
  char *string;          /* NUL-terminated when type == 'S' */
} UfpInfoValue;

typedef struct UfpStructure {
  int natoms;
  double lattice[3][3];
  int pbc[3];
  int has_lattice;       /* 0 for a molecule written without Lattice= */
  char (*species)[UFP_LABEL_MAX];
  int *z;
  double (*x)[3];
  int ncolumns;
  UfpAtomColumn *columns;
  int ninfo;
  UfpInfoValue *info;
} UfpStructure;

UfpErrorCode UfpStructureCreate(int natoms, UfpStructure **s);
UfpErrorCode UfpStructureDestroy(UfpStructure **s);
UfpErrorCode UfpStructureDuplicate(const UfpStructure *s, UfpStructure **copy);

/* Set species[i] and z[i] from a label. */
UfpErrorCode UfpStructureSetSpecies(UfpStructure *s, int i, const char *label);

/* Add (or replace) a per-atom column; the storage is zeroed. */
UfpErrorCode UfpStructureAddColumn(UfpStructure *s, const char *name, char type, int ncols,
                                   UfpAtomColumn **column);
/* NULL when absent. */
UfpAtomColumn *UfpStructureFindColumn(const UfpStructure *s, const char *name);

UfpErrorCode UfpStructureSetInfoReal(UfpStructure *s, const char *name, int n,
                                     const double *values);
UfpErrorCode UfpStructureSetInfoInt(UfpStructure *s, const char *name, char type, int n,
                                    const long *values);
UfpErrorCode UfpStructureSetInfoString(UfpStructure *s, const char *name, const char *value);
/* NULL when absent. */
UfpInfoValue *UfpStructureFindInfo(const UfpStructure *s, const char *name);
/* Convenience: *value = info[name][0] as a double; error if absent or not numeric. */
UfpErrorCode UfpStructureGetInfoReal(const UfpStructure *s, const char *name, double *value);

/* Supercell of n[0] x n[1] x n[2] copies.  Atom order: all atoms of image
 * (0,0,0), then image (0,0,1), ... with the c index fastest.  Per-atom columns
 * are copied; per-frame extensive values ("energy", "free_energy", "virial")
 * are multiplied by the number of copies, other info is copied. */
UfpErrorCode UfpStructureReplicate(const UfpStructure *s, const int n[3], UfpStructure **super);

#endif
