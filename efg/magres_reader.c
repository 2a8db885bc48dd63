/*
 * magres_reader.c -- CASTEP .magres reader (see magres_reader.h).
 *
 * Format (CCP-NC "magres-abinitio" v1.0).  The first line is the header
 * "#$magres-abinitio-v1.0"; the rest is blocks, each opened and closed by a
 * tag on a line of its own:
 *   current files   [atoms] ... [/atoms]    [magres] ... [/magres]
 *   older files     <atoms> ... </atoms>    <magres> ... </magres>
 * Records read here (one per line, fields separated by blanks):
 *   in atoms    units lattice Angstrom
 *               lattice ax ay az bx by bz cx cy cz     rows a, b, c in Å
 *               units atom Angstrom
 *               atom SPECIES LABEL INDEX x y z          Cartesian, Å
 *   in magres   units efg au
 *               efg LABEL INDEX V11 V12 V13 V21 V22 V23 V31 V32 V33
 * "efg" is the total tensor; efg_local and efg_nonlocal (its two parts,
 * printed by some CASTEP versions), ms, isc, symmetry and any other record
 * are skipped.  Other blocks ([calculation], and [magres_old] with CASTEP's
 * free-text report) are skipped up to their closing tag.  Lines starting
 * with '#' are comments.  An atom record names the species first and the
 * site label second ("atom H H1 1 ..."); efg records use the label
 * ("efg H1 1 ...").  Atoms and tensors are matched by (LABEL, INDEX), never
 * by position in the file, so the blocks and records may come in any order.
 *
 * Label and index run together.  CASTEP writes the index in a fixed-width
 * field, so an index of 100 or more can follow the label without a blank
 * ("efg H100 ..." for label H, index 100).  Such a record has one field
 * fewer: 11 instead of 12 for efg, 6 instead of 7 for atom.  The fused token
 * is split before its trailing digits (H100 -> H, 100), which is right for
 * CASTEP's default labels (the element symbol).  A label that ends in
 * digits makes the split ambiguous (H1100: H1 + 100 or H + 1100), so the
 * matching does not rely on it: a tensor is matched to the atom whose label
 * and index written together equal the fused token, and a token that fits
 * more than one atom is an error.
 *
 * Units: positions and lattice must be in Å and EFGs in atomic units
 * (the only units CASTEP writes); any other units line is an error, not a
 * silent conversion.  Every atom needs exactly one efg record and every efg
 * record exactly one atom.
 *
 * Cost: matching is a linear search per tensor, O(N^2) string compares,
 * negligible for the few thousand atoms of a DFT cell.
 *
 * Reference: CCP-NC magres file format,
 * http://www.ccpnc.ac.uk/pmwiki.php/CCPNC/Fileformat.
 */
#include "magres_reader.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "text_reader.h"

typedef struct {
  char species[UFP_LABEL_MAX];
  char label[UFP_LABEL_MAX];
  long index;
  char key[2 * UFP_LABEL_MAX]; /* label and index written together, "H100" */
  double x[3];                 /* Å */
  long line;
  long efg_line; /* the efg record matched to this atom; 0: none yet */
  double efg[9]; /* a.u. */
} MagresAtom;

typedef struct {
  char label[UFP_LABEL_MAX]; /* after splitting, when fused */
  long index;
  char key[2 * UFP_LABEL_MAX];
  int fused;
  double v[9]; /* a.u., row-major */
  long line;
} MagresTensor;

typedef enum { BLOCK_NONE, BLOCK_ATOMS, BLOCK_MAGRES, BLOCK_SKIP } MagresBlock;

/* Everything EfgMagresRead allocates, released in one place. */
typedef struct {
  EfgTextReader rd;
  MagresBlock block;
  char block_name[UFP_NAME_MAX];
  char block_open; /* '[' or '<' */
  long block_line;
  MagresAtom *atom;
  int natoms, atom_capacity;
  MagresTensor *tensor;
  int ntensors, tensor_capacity;
  double lattice[3][3]; /* Å */
  long lattice_line;    /* 0: no lattice record */
  UfpStructure *s;
} MagresReader;

/* A tag line "[name]", "[/name]", "<name>" or "</name>": 1 and the name
 * when the current line is one. */
static int parse_tag(const EfgTextReader *rd, char *open, int *closing, char name[UFP_NAME_MAX])
{
  if (rd->ntokens != 1) return 0;
  const char *t = rd->token[0];
  size_t len = strlen(t);
  if (len < 3) return 0;
  if (!((t[0] == '[' && t[len - 1] == ']') || (t[0] == '<' && t[len - 1] == '>'))) return 0;
  *open = t[0];
  *closing = t[1] == '/';
  size_t start = *closing ? 2 : 1, n = len - 1 - start;
  if (n == 0 || n >= UFP_NAME_MAX) return 0;
  memcpy(name, t + start, n);
  name[n] = '\0';
  return 1;
}

/* "H100" -> label "H", index 100: split before the trailing digits. */
static int split_fused(const char *token, char label[UFP_LABEL_MAX], long *index)
{
  size_t len = strlen(token), start = len;
  while (start > 0 && isdigit((unsigned char)token[start - 1]))
    start--;
  if (start == 0 || start == len || start >= UFP_LABEL_MAX || len - start > 9) return 0;
  memcpy(label, token, start);
  label[start] = '\0';
  return EfgTextParseLong(token + start, index);
}

static int copy_label(const char *token, char label[UFP_LABEL_MAX])
{
  size_t len = strlen(token);
  if (len == 0 || len >= UFP_LABEL_MAX) return 0;
  memcpy(label, token, len + 1);
  return 1;
}

/* LABEL INDEX (two fields, or one fused) starting at token first. */
static UfpErrorCode read_label_index(MagresReader *mr, int first, int fused, const char *record,
                                     char label[UFP_LABEL_MAX], long *index, char key[2 * UFP_LABEL_MAX])
{
  EfgTextReader *rd = &mr->rd;
  if (fused) {
    if (!split_fused(rd->token[first], label, index))
      return EfgTextFail(rd,
                         "%s record with one field too few: expected LABEL and INDEX run together (e.g. "
                         "\"H100\"), found \"%.40s\"",
                         record, rd->token[first]);
  } else {
    if (!copy_label(rd->token[first], label))
      return EfgTextFail(rd, "%s record: LABEL \"%.40s\" is longer than %d characters", record,
                         rd->token[first], UFP_LABEL_MAX - 1);
    if (!EfgTextParseLong(rd->token[first + 1], index))
      return EfgTextFail(rd, "%s record: expected the integer INDEX after LABEL %s, found \"%.40s\"", record,
                         label, rd->token[first + 1]);
  }
  if (*index < 1)
    return EfgTextFail(rd, "%s record: INDEX must be a positive integer, found %ld", record, *index);
  snprintf(key, 2 * UFP_LABEL_MAX, "%s%ld", label, *index);
  return UFP_SUCCESS;
}

/* atom SPECIES LABEL INDEX x y z   (or atom SPECIES LABELINDEX x y z) */
static UfpErrorCode read_atom(MagresReader *mr)
{
  EfgTextReader *rd = &mr->rd;
  MagresAtom atom;
  memset(&atom, 0, sizeof atom);
  if (rd->ntokens != 7 && rd->ntokens != 6)
    return EfgTextFail(rd,
                       "expected \"atom SPECIES LABEL INDEX x y z\" (7 fields, or 6 when LABEL and INDEX run "
                       "together), found %d fields",
                       rd->ntokens);
  const int fused = rd->ntokens == 6;
  if (!copy_label(rd->token[1], atom.species))
    return EfgTextFail(rd, "atom record: SPECIES \"%.40s\" is longer than %d characters", rd->token[1],
                       UFP_LABEL_MAX - 1);
  UfpCall(read_label_index(mr, 2, fused, "atom", atom.label, &atom.index, atom.key));
  if (!EfgTextReals(rd, fused ? 3 : 4, 3, atom.x))
    return EfgTextFail(rd, "atom record %s %ld: expected 3 Cartesian coordinates (Å) after the index",
                       atom.label, atom.index);
  for (int i = 0; i < mr->natoms; i++)
    if (mr->atom[i].index == atom.index && !strcmp(mr->atom[i].label, atom.label))
      return EfgTextFail(rd, "atom %s %ld is defined twice (lines %ld and %ld)", atom.label, atom.index,
                         mr->atom[i].line, rd->line);
  atom.line = rd->line;
  if (mr->natoms == mr->atom_capacity) {
    int capacity = mr->atom_capacity ? 2 * mr->atom_capacity : 64;
    UfpCall(UfpRealloc(capacity, &mr->atom));
    mr->atom_capacity = capacity;
  }
  mr->atom[mr->natoms++] = atom;
  return UFP_SUCCESS;
}

/* efg LABEL INDEX V11 ... V33   (or efg LABELINDEX V11 ... V33) */
static UfpErrorCode read_efg(MagresReader *mr)
{
  EfgTextReader *rd = &mr->rd;
  MagresTensor t;
  memset(&t, 0, sizeof t);
  if (rd->ntokens != 12 && rd->ntokens != 11)
    return EfgTextFail(
        rd,
        "expected \"efg LABEL INDEX\" and 9 tensor components (12 fields, or 11 when LABEL and "
        "INDEX run together), found %d fields",
        rd->ntokens);
  t.fused = rd->ntokens == 11;
  UfpCall(read_label_index(mr, 1, t.fused, "efg", t.label, &t.index, t.key));
  if (!EfgTextReals(rd, t.fused ? 2 : 3, 9, t.v))
    return EfgTextFail(rd, "efg record %s %ld: expected 9 numbers (the row-major tensor, atomic units)",
                       t.label, t.index);
  t.line = rd->line;
  if (mr->ntensors == mr->tensor_capacity) {
    int capacity = mr->tensor_capacity ? 2 * mr->tensor_capacity : 64;
    UfpCall(UfpRealloc(capacity, &mr->tensor));
    mr->tensor_capacity = capacity;
  }
  mr->tensor[mr->ntensors++] = t;
  return UFP_SUCCESS;
}

/* units KIND UNIT: the kinds read here must be in the units used here. */
static UfpErrorCode read_units(MagresReader *mr)
{
  EfgTextReader *rd = &mr->rd;
  if (rd->ntokens != 3)
    return EfgTextFail(rd, "expected \"units KIND UNIT\" (3 fields), found %d", rd->ntokens);
  const char *kind = rd->token[1], *unit = rd->token[2];
  if (mr->block == BLOCK_ATOMS && (!strcmp(kind, "lattice") || !strcmp(kind, "atom")) &&
      !EfgTextSame(unit, "Angstrom"))
    return EfgTextFail(rd, "%s positions in \"%.40s\": only Angstrom is supported", kind, unit);
  if (mr->block == BLOCK_MAGRES && !strcmp(kind, "efg") && !EfgTextSame(unit, "au"))
    return EfgTextFail(rd, "efg tensors in \"%.40s\": only au (Eh/(e a0^2)) is supported", unit);
  return UFP_SUCCESS;
}

static UfpErrorCode read_lattice(MagresReader *mr)
{
  EfgTextReader *rd = &mr->rd;
  if (rd->ntokens != 10 || !EfgTextReals(rd, 1, 9, &mr->lattice[0][0]))
    return EfgTextFail(rd, "expected \"lattice\" and 9 numbers (rows a, b, c in Å), found %d fields",
                       rd->ntokens);
  if (mr->lattice_line)
    return EfgTextFail(rd, "second lattice record (the first is on line %ld)", mr->lattice_line);
  mr->lattice_line = rd->line;
  return UFP_SUCCESS;
}

/* One line of an [atoms] or [magres] block (not a tag). */
static UfpErrorCode read_record(MagresReader *mr)
{
  const char *keyword = mr->rd.token[0];
  if (!strcmp(keyword, "units")) return read_units(mr);
  if (mr->block == BLOCK_ATOMS) {
    if (!strcmp(keyword, "atom")) return read_atom(mr);
    if (!strcmp(keyword, "lattice")) return read_lattice(mr);
  } else if (!strcmp(keyword, "efg")) {
    return read_efg(mr);
  }
  return UFP_SUCCESS; /* symmetry, ms, efg_local, efg_nonlocal, isc, ... */
}

/* Block structure: tags open and close blocks; records go to read_record. */
static UfpErrorCode read_lines(MagresReader *mr)
{
  EfgTextReader *rd = &mr->rd;
  int at_eof = 0, closing;
  char open, name[UFP_NAME_MAX];

  UfpCall(EfgTextNext(rd, &at_eof));
  if (at_eof || strncmp(rd->text, "#$magres-abinitio", 17) != 0)
    return EfgTextFail(rd, "expected the magres header \"#$magres-abinitio-v1.0\" on the first line");
  for (;;) {
    UfpCall(EfgTextNext(rd, &at_eof));
    if (at_eof) break;
    if (rd->ntokens == 0 || rd->token[0][0] == '#') continue;
    int tag = parse_tag(rd, &open, &closing, name);
    if (mr->block == BLOCK_SKIP) {
      if (tag && closing && !strcmp(name, mr->block_name)) mr->block = BLOCK_NONE;
      continue;
    }
    if (tag && closing) {
      if (mr->block == BLOCK_NONE || strcmp(name, mr->block_name) != 0) {
        if (mr->block == BLOCK_NONE)
          return EfgTextFail(rd, "closing tag \"%s\" without an open block", rd->token[0]);
        return EfgTextFail(rd, "closing tag \"%s\" inside block %s (opened at line %ld)", rd->token[0],
                           mr->block_name, mr->block_line);
      }
      mr->block = BLOCK_NONE;
      continue;
    }
    if (tag) {
      if (mr->block != BLOCK_NONE)
        return EfgTextFail(rd,
                           "block \"%s\" opens inside block %s (opened at line %ld): expected %c/%s%c first",
                           name, mr->block_name, mr->block_line, mr->block_open, mr->block_name,
                           mr->block_open == '[' ? ']' : '>');
      snprintf(mr->block_name, sizeof mr->block_name, "%s", name);
      mr->block_open = open;
      mr->block_line = rd->line;
      mr->block = !strcmp(name, "atoms") ? BLOCK_ATOMS : !strcmp(name, "magres") ? BLOCK_MAGRES : BLOCK_SKIP;
      continue;
    }
    if (mr->block == BLOCK_NONE)
      return EfgTextFail(rd, "expected a block tag such as [atoms], [magres] or <atoms>, found \"%.60s\"",
                         EfgTextTrimmed(rd));
    UfpCall(read_record(mr));
  }
  if (mr->block != BLOCK_NONE) {
    rd->line++; /* the line after the last one */
    return EfgTextFail(rd, "the file ends inside block %s (opened at line %ld): expected %c/%s%c",
                       mr->block_name, mr->block_line, mr->block_open, mr->block_name,
                       mr->block_open == '[' ? ']' : '>');
  }
  return UFP_SUCCESS;
}

/* Give every atom its tensor: by (label, index), or by the fused key. */
static UfpErrorCode match_tensors(MagresReader *mr)
{
  const char *path = mr->rd.path;
  UfpCheck(mr->natoms > 0, UFP_ERR_INPUT,
           "%s: no atom records: expected an [atoms] block with \"atom SPECIES LABEL INDEX x y z\" lines",
           path);
  UfpCheck(mr->ntensors > 0, UFP_ERR_INPUT,
           "%s: no efg records: expected \"efg LABEL INDEX\" lines with 9 numbers in a [magres] block (was "
           "the CASTEP run an EFG calculation?)",
           path);
  for (int k = 0; k < mr->ntensors; k++) {
    const MagresTensor *t = &mr->tensor[k];
    int found = -1, nfound = 0, second = -1;
    if (!t->fused)
      for (int i = 0; i < mr->natoms && found < 0; i++)
        if (mr->atom[i].index == t->index && !strcmp(mr->atom[i].label, t->label)) found = i, nfound = 1;
    if (found < 0)
      for (int i = 0; i < mr->natoms; i++)
        if (!strcmp(mr->atom[i].key, t->key)) {
          if (nfound++ == 0)
            found = i;
          else if (second < 0)
            second = i;
        }
    UfpCheck(nfound > 0, UFP_ERR_INPUT, "%s:%ld: efg record for %s %ld matches no atom record", path, t->line,
             t->label, t->index);
    UfpCheck(
        nfound == 1, UFP_ERR_INPUT,
        "%s:%ld: efg record \"%s\" (label and index run together) matches more than one atom (lines %ld and "
        "%ld)",
        path, t->line, t->key, mr->atom[found].line, mr->atom[second].line);
    MagresAtom *atom = &mr->atom[found];
    UfpCheck(!atom->efg_line, UFP_ERR_INPUT,
             "%s:%ld: second efg record for atom %s %ld (the first is on line %ld)", path, t->line,
             atom->label, atom->index, atom->efg_line);
    atom->efg_line = t->line;
    memcpy(atom->efg, t->v, sizeof atom->efg);
  }
  for (int i = 0; i < mr->natoms; i++)
    UfpCheck(mr->atom[i].efg_line, UFP_ERR_INPUT, "%s:%ld: atom %s %ld has no efg record", path,
             mr->atom[i].line, mr->atom[i].label, mr->atom[i].index);
  return UFP_SUCCESS;
}

static UfpErrorCode build_structure(MagresReader *mr)
{
  UfpAtomColumn *column;
  char stem[UFP_LABEL_MAX * 4];
  UfpCall(UfpStructureCreate(mr->natoms, &mr->s));
  UfpStructure *s = mr->s;
  for (int i = 0; i < s->natoms; i++) {
    UfpCall(UfpStructureSetSpecies(s, i, mr->atom[i].species));
    memcpy(s->x[i], mr->atom[i].x, sizeof s->x[i]);
  }
  if (mr->lattice_line) {
    const double(*h)[3] = (const double(*)[3])mr->lattice;
    double volume = h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
                    h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
                    h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]);
    UfpCheck(fabs(volume) > 1e-6, UFP_ERR_INPUT, "%s:%ld: the lattice is singular (volume %g Å^3)",
             mr->rd.path, mr->lattice_line, volume);
    memcpy(s->lattice, mr->lattice, sizeof s->lattice);
    s->has_lattice = 1;
    s->pbc[0] = s->pbc[1] = s->pbc[2] = 1;
  }
  UfpCall(UfpStructureAddColumn(s, "efg", 'R', 9, &column));
  for (int i = 0; i < s->natoms; i++)
    memcpy(&column->real[9 * i], mr->atom[i].efg, 9 * sizeof(double));
  UfpCall(UfpStructureAddColumn(s, "magres_label", 'S', 1, &column));
  for (int i = 0; i < s->natoms; i++)
    snprintf(column->string[i], UFP_LABEL_MAX, "%s", mr->atom[i].label);
  UfpCall(UfpStructureAddColumn(s, "magres_index", 'I', 1, &column));
  for (int i = 0; i < s->natoms; i++)
    column->integer[i] = mr->atom[i].index;
  UfpCall(UfpStructureSetInfoString(s, "efg_units", "atomic"));
  EfgTextStem(mr->rd.path, stem, sizeof stem);
  UfpCall(UfpStructureSetInfoString(s, "source", stem));
  return UFP_SUCCESS;
}

UfpErrorCode EfgMagresRead(const char *path, UfpStructure **s)
{
  MagresReader mr;
  UfpErrorCode ierr;

  *s = NULL;
  memset(&mr, 0, sizeof mr);
  UfpCall(EfgTextOpen(path, &mr.rd));
  ierr = read_lines(&mr);
  if (!ierr) ierr = match_tensors(&mr);
  if (!ierr) ierr = build_structure(&mr);
  EfgTextClose(&mr.rd);
  UfpFree(&mr.atom);
  UfpFree(&mr.tensor);
  if (ierr) {
    UfpStructureDestroy(&mr.s);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  *s = mr.s;
  return UFP_SUCCESS;
}
