/*
 * structure.c -- one atomic configuration (see structure.h).
 *
 * Storage.  A UfpStructure owns every array it points to: species, z, x, the
 * columns array and each column's storage, the info array and each value's
 * storage.  All allocations go through UfpCalloc/UfpRealloc, so they are
 * checked and zero-filled.  Functions that allocate more than once build the
 * new object completely before handing it out and destroy it on failure, so a
 * failed call leaks nothing and leaves the caller's handle NULL.
 *
 * Columns and info are kept in arrays in insertion order (a file writer
 * emits them in that order, so a read-write round trip keeps the order of
 * the original file).  Adding a column or an info value may move these
 * arrays: pointers returned by UfpStructureAddColumn/FindColumn/FindInfo are
 * valid until the next Add/Set call on the same structure.  Adding a name
 * that is already present replaces it in place.  The column names species,
 * pos, symbols and positions are reserved: they are the fields species/z
 * and x (extxyz writes them as species:S:1:pos:R:3).
 *
 * Supercells.  Atom i of image (p, q, r), 0 <= p < n0, 0 <= q < n1,
 * 0 <= r < n2, becomes atom ((p n1 + q) n2 + r) N + i with position
 *     x' = x_i + p a + q b + r c,
 * where a, b, c are the lattice rows, and the supercell lattice rows are
 * n0 a, n1 b, n2 c.  Extensive per-frame values (energy, free_energy,
 * virial) scale with the number of copies n0 n1 n2; intensive ones (stress)
 * and all other info are copied unchanged.
 */
#include "structure.h"

#include <stdio.h>
#include <string.h>

#include "elements.h"

/* Release the storage of one column (not the column record itself). */
static void column_free(UfpAtomColumn *column)
{
  UfpFree(&column->real);
  UfpFree(&column->integer);
  UfpFree(&column->string);
}

static void info_free(UfpInfoValue *value)
{
  UfpFree(&value->real);
  UfpFree(&value->integer);
  UfpFree(&value->string);
}

static UfpErrorCode column_alloc(UfpAtomColumn *column, int natoms)
{
  size_t count = (size_t)natoms * (size_t)column->ncols;
  switch (column->type) {
  case 'R':
    UfpCall(UfpCalloc(count, &column->real));
    break;
  case 'I':
  case 'L':
    UfpCall(UfpCalloc(count, &column->integer));
    break;
  case 'S':
    UfpCall(UfpCalloc(count, &column->string));
    break;
  default:
    return UfpError(UFP_ERR_INTERNAL, "column \"%s\": unknown type '%c' (expected R, I, L or S)",
                    column->name, column->type);
  }
  return UFP_SUCCESS;
}

UfpErrorCode UfpStructureCreate(int natoms, UfpStructure **s)
{
  UfpStructure *t = NULL;
  UfpErrorCode ierr;

  *s = NULL;
  UfpCheck(natoms >= 0, UFP_ERR_INTERNAL, "cannot create a structure with %d atoms", natoms);
  UfpCall(UfpCalloc(1, &t));
  t->natoms = natoms;
  ierr = UfpCalloc(natoms, &t->species);
  if (!ierr) ierr = UfpCalloc(natoms, &t->z);
  if (!ierr) ierr = UfpCalloc(natoms, &t->x);
  if (ierr) {
    UfpStructureDestroy(&t);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  *s = t;
  return UFP_SUCCESS;
}

UfpErrorCode UfpStructureDestroy(UfpStructure **s)
{
  if (!s || !*s) return UFP_SUCCESS;
  UfpStructure *t = *s;
  for (int c = 0; c < t->ncolumns; c++)
    column_free(&t->columns[c]);
  for (int k = 0; k < t->ninfo; k++)
    info_free(&t->info[k]);
  UfpFree(&t->columns);
  UfpFree(&t->info);
  UfpFree(&t->species);
  UfpFree(&t->z);
  UfpFree(&t->x);
  UfpFree(s);
  return UFP_SUCCESS;
}

/* Copy columns and info of src into dst (same natoms), deep. */
static UfpErrorCode copy_columns_and_info(const UfpStructure *src, UfpStructure *dst)
{
  for (int c = 0; c < src->ncolumns; c++) {
    const UfpAtomColumn *from = &src->columns[c];
    UfpAtomColumn *to;
    size_t count = (size_t)src->natoms * (size_t)from->ncols;
    UfpCall(UfpStructureAddColumn(dst, from->name, from->type, from->ncols, &to));
    if (count == 0) continue;
    if (from->real) memcpy(to->real, from->real, count * sizeof *to->real);
    if (from->integer) memcpy(to->integer, from->integer, count * sizeof *to->integer);
    if (from->string) memcpy(to->string, from->string, count * sizeof *to->string);
  }
  for (int k = 0; k < src->ninfo; k++) {
    const UfpInfoValue *v = &src->info[k];
    switch (v->type) {
    case 'R':
      UfpCall(UfpStructureSetInfoReal(dst, v->name, v->n, v->real));
      break;
    case 'I':
    case 'L':
      UfpCall(UfpStructureSetInfoInt(dst, v->name, v->type, v->n, v->integer));
      break;
    case 'S':
      UfpCall(UfpStructureSetInfoString(dst, v->name, v->string));
      break;
    default:
      return UfpError(UFP_ERR_INTERNAL, "info \"%s\": unknown type '%c'", v->name, v->type);
    }
  }
  return UFP_SUCCESS;
}

UfpErrorCode UfpStructureDuplicate(const UfpStructure *s, UfpStructure **copy)
{
  UfpStructure *t = NULL;
  UfpErrorCode ierr;

  *copy = NULL;
  UfpCall(UfpStructureCreate(s->natoms, &t));
  memcpy(t->lattice, s->lattice, sizeof t->lattice);
  memcpy(t->pbc, s->pbc, sizeof t->pbc);
  t->has_lattice = s->has_lattice;
  if (s->natoms > 0) {
    memcpy(t->species, s->species, (size_t)s->natoms * sizeof *t->species);
    memcpy(t->z, s->z, (size_t)s->natoms * sizeof *t->z);
    memcpy(t->x, s->x, (size_t)s->natoms * sizeof *t->x);
  }
  ierr = copy_columns_and_info(s, t);
  if (ierr) {
    UfpStructureDestroy(&t);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  *copy = t;
  return UFP_SUCCESS;
}

UfpErrorCode UfpStructureSetSpecies(UfpStructure *s, int i, const char *label)
{
  UfpCheck(i >= 0 && i < s->natoms, UFP_ERR_INTERNAL, "atom index %d out of range [0, %d)", i, s->natoms);
  size_t len = strlen(label);
  UfpCheck(len > 0, UFP_ERR_INPUT, "atom %d: empty species label", i);
  UfpCheck(len < UFP_LABEL_MAX, UFP_ERR_INPUT,
           "atom %d: species label \"%.40s...\" is longer than %d characters", i, label, UFP_LABEL_MAX - 1);
  memcpy(s->species[i], label, len + 1);
  s->z[i] = UfpElementNumber(label);
  return UFP_SUCCESS;
}

UfpErrorCode UfpStructureAddColumn(UfpStructure *s, const char *name, char type, int ncols,
                                   UfpAtomColumn **column)
{
  UfpAtomColumn *slot;

  if (column) *column = NULL;
  UfpCheck(strlen(name) > 0 && strlen(name) < UFP_NAME_MAX, UFP_ERR_INPUT,
           "column name \"%.80s\" must have 1 to %d characters", name, UFP_NAME_MAX - 1);
  UfpCheck(strcmp(name, "species") != 0 && strcmp(name, "pos") != 0 && strcmp(name, "symbols") != 0 &&
               strcmp(name, "positions") != 0,
           UFP_ERR_INPUT,
           "column name \"%s\" is reserved (species and positions are fields of the structure, written as "
           "species:S:1:pos:R:3)",
           name);
  UfpCheck(type == 'R' || type == 'I' || type == 'L' || type == 'S', UFP_ERR_INPUT,
           "column \"%s\": unknown type '%c' (expected R, I, L or S)", name, type);
  UfpCheck(ncols >= 1, UFP_ERR_INPUT, "column \"%s\": %d columns (expected at least 1)", name, ncols);
  slot = UfpStructureFindColumn(s, name);
  if (slot) {
    column_free(slot);
  } else {
    UfpCall(UfpRealloc(s->ncolumns + 1, &s->columns));
    slot = &s->columns[s->ncolumns++];
    memset(slot, 0, sizeof *slot);
    snprintf(slot->name, sizeof slot->name, "%s", name);
  }
  slot->type = type;
  slot->ncols = ncols;
  UfpCall(column_alloc(slot, s->natoms));
  if (column) *column = slot;
  return UFP_SUCCESS;
}

UfpAtomColumn *UfpStructureFindColumn(const UfpStructure *s, const char *name)
{
  for (int c = 0; c < s->ncolumns; c++)
    if (strcmp(s->columns[c].name, name) == 0) return &s->columns[c];
  return NULL;
}

/* The info slot for name, new (zeroed, named) or emptied for reuse. */
static UfpErrorCode info_slot(UfpStructure *s, const char *name, UfpInfoValue **value)
{
  UfpInfoValue *slot;

  *value = NULL;
  UfpCheck(strlen(name) > 0 && strlen(name) < UFP_NAME_MAX, UFP_ERR_INPUT,
           "info key \"%.80s\" must have 1 to %d characters", name, UFP_NAME_MAX - 1);
  slot = UfpStructureFindInfo(s, name);
  if (slot) {
    info_free(slot);
  } else {
    UfpCall(UfpRealloc(s->ninfo + 1, &s->info));
    slot = &s->info[s->ninfo++];
    memset(slot, 0, sizeof *slot);
    snprintf(slot->name, sizeof slot->name, "%s", name);
  }
  slot->n = 0;
  *value = slot;
  return UFP_SUCCESS;
}

UfpErrorCode UfpStructureSetInfoReal(UfpStructure *s, const char *name, int n, const double *values)
{
  UfpInfoValue *slot;

  double *copy = NULL;
  UfpErrorCode ierr;

  UfpCheck(n >= 1, UFP_ERR_INTERNAL, "info \"%s\": %d values (expected at least 1)", name, n);
  /* Copy first: values may point into the slot that is about to be replaced. */
  UfpCall(UfpCalloc(n, &copy));
  memcpy(copy, values, (size_t)n * sizeof *values);
  ierr = info_slot(s, name, &slot);
  if (ierr) {
    UfpFree(&copy);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  slot->type = 'R';
  slot->real = copy;
  slot->n = n;
  return UFP_SUCCESS;
}

UfpErrorCode UfpStructureSetInfoInt(UfpStructure *s, const char *name, char type, int n, const long *values)
{
  UfpInfoValue *slot;
  long *copy = NULL;
  UfpErrorCode ierr;

  UfpCheck(type == 'I' || type == 'L', UFP_ERR_INTERNAL,
           "info \"%s\": integer type must be 'I' or 'L', not '%c'", name, type);
  UfpCheck(n >= 1, UFP_ERR_INTERNAL, "info \"%s\": %d values (expected at least 1)", name, n);
  UfpCall(UfpCalloc(n, &copy));
  for (int k = 0; k < n; k++)
    copy[k] = type == 'L' ? values[k] != 0 : values[k];
  ierr = info_slot(s, name, &slot);
  if (ierr) {
    UfpFree(&copy);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  slot->type = type;
  slot->integer = copy;
  slot->n = n;
  return UFP_SUCCESS;
}

UfpErrorCode UfpStructureSetInfoString(UfpStructure *s, const char *name, const char *value)
{
  UfpInfoValue *slot;
  size_t len = strlen(value);
  char *copy = NULL;
  UfpErrorCode ierr;

  UfpCall(UfpCalloc(len + 1, &copy));
  memcpy(copy, value, len + 1);
  ierr = info_slot(s, name, &slot);
  if (ierr) {
    UfpFree(&copy);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  slot->type = 'S';
  slot->string = copy;
  slot->n = 1;
  return UFP_SUCCESS;
}

UfpInfoValue *UfpStructureFindInfo(const UfpStructure *s, const char *name)
{
  for (int k = 0; k < s->ninfo; k++)
    if (strcmp(s->info[k].name, name) == 0) return &s->info[k];
  return NULL;
}

UfpErrorCode UfpStructureGetInfoReal(const UfpStructure *s, const char *name, double *value)
{
  const UfpInfoValue *v = UfpStructureFindInfo(s, name);

  UfpCheck(v, UFP_ERR_INPUT, "the structure has no \"%s\" value", name);
  UfpCheck(v->type != 'S', UFP_ERR_INPUT, "\"%s\" is the string \"%.60s\", not a number", name,
           v->string ? v->string : "");
  UfpCheck(v->n >= 1, UFP_ERR_INPUT, "\"%s\" has no values", name);
  *value = v->type == 'R' ? v->real[0] : (double)v->integer[0];
  return UFP_SUCCESS;
}

/* 1 for the per-frame values that scale with system size. */
static int info_is_extensive(const char *name)
{
  return strcmp(name, "energy") == 0 || strcmp(name, "free_energy") == 0 || strcmp(name, "virial") == 0;
}

/* Fill super (already created with the right natoms) from s. */
static UfpErrorCode replicate_into(const UfpStructure *s, const int n[3], UfpStructure *super)
{
  const int natoms = s->natoms;
  const int ncopies = n[0] * n[1] * n[2];

  for (int a = 0; a < 3; a++)
    for (int k = 0; k < 3; k++)
      super->lattice[a][k] = n[a] * s->lattice[a][k];
  memcpy(super->pbc, s->pbc, sizeof super->pbc);
  super->has_lattice = s->has_lattice;

  for (int p = 0; p < n[0]; p++)
    for (int q = 0; q < n[1]; q++)
      for (int r = 0; r < n[2]; r++) {
        const int image = (p * n[1] + q) * n[2] + r;
        double shift[3];
        for (int k = 0; k < 3; k++)
          shift[k] = p * s->lattice[0][k] + q * s->lattice[1][k] + r * s->lattice[2][k];
        for (int i = 0; i < natoms; i++) {
          const int j = image * natoms + i;
          memcpy(super->species[j], s->species[i], sizeof super->species[j]);
          super->z[j] = s->z[i];
          for (int k = 0; k < 3; k++)
            super->x[j][k] = s->x[i][k] + shift[k];
        }
      }

  for (int c = 0; c < s->ncolumns; c++) {
    const UfpAtomColumn *from = &s->columns[c];
    UfpAtomColumn *to;
    const size_t block = (size_t)natoms * (size_t)from->ncols;
    UfpCall(UfpStructureAddColumn(super, from->name, from->type, from->ncols, &to));
    if (block == 0) continue;
    for (int image = 0; image < ncopies; image++) {
      const size_t offset = (size_t)image * block;
      if (from->real) memcpy(to->real + offset, from->real, block * sizeof *to->real);
      if (from->integer) memcpy(to->integer + offset, from->integer, block * sizeof *to->integer);
      if (from->string) memcpy(to->string + offset, from->string, block * sizeof *to->string);
    }
  }

  for (int k = 0; k < s->ninfo; k++) {
    const UfpInfoValue *v = &s->info[k];
    const int scale = info_is_extensive(v->name) ? ncopies : 1;
    UfpInfoValue *w;
    switch (v->type) {
    case 'R':
      UfpCall(UfpStructureSetInfoReal(super, v->name, v->n, v->real));
      w = UfpStructureFindInfo(super, v->name);
      for (int m = 0; m < v->n; m++)
        w->real[m] *= scale;
      break;
    case 'I':
      UfpCall(UfpStructureSetInfoInt(super, v->name, v->type, v->n, v->integer));
      w = UfpStructureFindInfo(super, v->name);
      for (int m = 0; m < v->n; m++)
        w->integer[m] *= scale;
      break;
    case 'L':
      UfpCall(UfpStructureSetInfoInt(super, v->name, v->type, v->n, v->integer));
      break;
    case 'S':
      UfpCall(UfpStructureSetInfoString(super, v->name, v->string));
      break;
    default:
      return UfpError(UFP_ERR_INTERNAL, "info \"%s\": unknown type '%c'", v->name, v->type);
    }
  }
  return UFP_SUCCESS;
}

UfpErrorCode UfpStructureReplicate(const UfpStructure *s, const int n[3], UfpStructure **super)
{
  UfpStructure *t = NULL;
  UfpErrorCode ierr;
  long long total;

  *super = NULL;
  UfpCheck(n[0] >= 1 && n[1] >= 1 && n[2] >= 1, UFP_ERR_INPUT,
           "supercell %d x %d x %d: every repeat must be at least 1", n[0], n[1], n[2]);
  UfpCheck(s->has_lattice, UFP_ERR_INPUT, "cannot replicate a structure that has no lattice");
  total = (long long)s->natoms * n[0] * n[1] * n[2];
  UfpCheck(total <= 0x7fffffff, UFP_ERR_INPUT,
           "supercell %d x %d x %d of %d atoms has %lld atoms, more than an int can count", n[0], n[1], n[2],
           s->natoms, total);
  UfpCall(UfpStructureCreate((int)total, &t));
  ierr = replicate_into(s, n, t);
  if (ierr) {
    UfpStructureDestroy(&t);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  *super = t;
  return UFP_SUCCESS;
}
