/*
 * cp2k_input.c -- cell and coordinates from a CP2K input file (see
 * cp2k_input.h).
 *
 * Syntax handled.  Sections open with "&NAME [parameter]" and close with
 * "&END [NAME]"; keywords and section names are case-insensitive; '!' and
 * '#' start a comment anywhere on a line; reals may use a Fortran exponent
 * (1.0D0).  Only two sections are read, both directly under
 * &FORCE_EVAL/&SUBSYS:
 *   &CELL   A, B, C [unit] x y z        lattice vectors (rows a, b, c)
 *           ABC [unit] a b c            lengths, with
 *           ALPHA_BETA_GAMMA [deg] alpha beta gamma   (default 90 90 90)
 *           PERIODIC XYZ|XY|XZ|YZ|X|Y|Z|NONE          (default XYZ)
 *           MULTIPLE_UNIT_CELL must be 1 1 1 if given; SYMMETRY is ignored
 *   &COORD  UNIT angstrom|bohr|nm|pm    (default angstrom)
 *           SCALED [T|F]                fractional coordinates when true
 *           LABEL x y z [molecule [residue]]   one line per atom
 * Length units in brackets: [angstrom] (default), [bohr] (also [au]),
 * [nm], [pm].  From ABC and angles the cell is built in CP2K's orientation:
 *   a = A (1, 0, 0)
 *   b = B (cos g, sin g, 0)
 *   c = C (cos b, (cos a - cos b cos g) / sin g, sqrt(1 - cx^2 - cy^2)).
 * Fractional coordinates f become x = f_0 a + f_1 b + f_2 c.
 *
 * Refused with a message: preprocessor lines (@SET, @INCLUDE, @IF ...) and
 * ${variables}, which this parser does not evaluate; CELL_FILE_NAME and a
 * &TOPOLOGY COORD_FILE_NAME without &COORD (the data live in another file);
 * a second &CELL or &COORD (several force environments); a cell given both
 * as vectors and as ABC.
 *
 * Reference: CP2K input reference, sections FORCE_EVAL/SUBSYS/CELL and
 * FORCE_EVAL/SUBSYS/COORD (https://manual.cp2k.org).
 */
#include "cp2k_input.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "text_reader.h"
#include "units.h"

#define MAX_DEPTH 16

typedef struct {
  EfgTextReader rd;
  char section[MAX_DEPTH][UFP_NAME_MAX];
  long section_line[MAX_DEPTH];
  int depth;
  /* &CELL */
  long cell_line;
  double vector[3][3]; /* Å */
  long vector_line[3];
  double abc[3]; /* Å */
  long abc_line;
  double angle[3]; /* degrees */
  long angle_line;
  int pbc[3];
  /* &COORD */
  long coord_line;
  double coord_unit; /* Å per coordinate unit */
  int scaled;
  char coord_file[UFP_NAME_MAX];
  char (*label)[UFP_LABEL_MAX];
  double (*x)[3]; /* as written */
  int natoms, capacity;
  UfpStructure *s;
} Cp2kInput;

/* Cut the token list at a comment ('!' or '#'). */
static void strip_comment(EfgTextReader *rd)
{
  int n = rd->ntokens < EFG_TEXT_MAX_TOKENS ? rd->ntokens : EFG_TEXT_MAX_TOKENS;
  for (int k = 0; k < n; k++) {
    char *mark = strpbrk(rd->token[k], "!#");
    if (mark) {
      *mark = '\0';
      rd->ntokens = rd->token[k][0] ? k + 1 : k;
      return;
    }
  }
}

/* Å per unit for "[angstrom]", "[bohr]", ...; 0 when unknown. */
static double length_unit(const char *name)
{
  char unit[32];
  size_t len = strlen(name);
  if (name[0] == '[' && len >= 2 && name[len - 1] == ']') {
    name++;
    len -= 2;
  }
  if (len == 0 || len >= sizeof unit) return 0.0;
  memcpy(unit, name, len);
  unit[len] = '\0';
  if (EfgTextSame(unit, "angstrom")) return 1.0;
  if (EfgTextSame(unit, "bohr") || EfgTextSame(unit, "au") || EfgTextSame(unit, "a.u."))
    return UFP_BOHR_ANGSTROM;
  if (EfgTextSame(unit, "nm")) return 10.0;
  if (EfgTextSame(unit, "pm")) return 0.01;
  return 0.0;
}

/* The section path is FORCE_EVAL / SUBSYS / name. */
static int in_subsys_section(const Cp2kInput *in, const char *name)
{
  return in->depth == 3 && EfgTextSame(in->section[0], "FORCE_EVAL") &&
         EfgTextSame(in->section[1], "SUBSYS") && EfgTextSame(in->section[2], name);
}

/* Three reals after the keyword, with an optional [unit] first. */
static UfpErrorCode keyword_vector(Cp2kInput *in, const char *what, int angles, double v[3])
{
  EfgTextReader *rd = &in->rd;
  int first = 1;
  double factor = 1.0;
  if (rd->ntokens > 1 && rd->token[1][0] == '[') {
    first = 2;
    if (angles) {
      if (EfgTextSame(rd->token[1], "[rad]"))
        factor = 180.0 / UFP_PI;
      else if (!EfgTextSame(rd->token[1], "[deg]"))
        return EfgTextFail(rd, "%s: unknown angle unit %.30s (expected [deg] or [rad])", what, rd->token[1]);
    } else {
      factor = length_unit(rd->token[1]);
      if (factor == 0.0)
        return EfgTextFail(rd, "%s: unknown length unit %.30s (expected [angstrom], [bohr], [nm] or [pm])",
                           what, rd->token[1]);
    }
  }
  if (rd->ntokens != first + 3 || !EfgTextReals(rd, first, 3, v))
    return EfgTextFail(rd, "expected %s and 3 numbers, found \"%.80s\"", what, EfgTextTrimmed(rd));
  for (int k = 0; k < 3; k++)
    v[k] *= factor;
  return UFP_SUCCESS;
}

static UfpErrorCode cell_keyword(Cp2kInput *in)
{
  EfgTextReader *rd = &in->rd;
  const char *keyword = rd->token[0];
  static const char *const names[3] = {"A", "B", "C"};
  for (int m = 0; m < 3; m++)
    if (EfgTextSame(keyword, names[m])) {
      UfpCall(keyword_vector(in, names[m], 0, in->vector[m]));
      in->vector_line[m] = rd->line;
      return UFP_SUCCESS;
    }
  if (EfgTextSame(keyword, "ABC")) {
    UfpCall(keyword_vector(in, "ABC", 0, in->abc));
    in->abc_line = rd->line;
  } else if (EfgTextSame(keyword, "ALPHA_BETA_GAMMA")) {
    UfpCall(keyword_vector(in, "ALPHA_BETA_GAMMA", 1, in->angle));
    in->angle_line = rd->line;
  } else if (EfgTextSame(keyword, "PERIODIC")) {
    const char *value = rd->ntokens == 2 ? rd->token[1] : "";
    static const char *const choices[] = {"NONE", "X", "Y", "Z", "XY", "XZ", "YZ", "XYZ"};
    int found = -1;
    for (int k = 0; k < 8; k++)
      if (EfgTextSame(value, choices[k])) found = k;
    if (found < 0)
      return EfgTextFail(rd, "expected PERIODIC NONE, X, Y, Z, XY, XZ, YZ or XYZ, found \"%.60s\"",
                         EfgTextTrimmed(rd));
    for (int k = 0; k < 3; k++)
      in->pbc[k] = strchr(choices[found], "XYZ"[k]) != NULL;
  } else if (EfgTextSame(keyword, "MULTIPLE_UNIT_CELL")) {
    double n[3];
    if (rd->ntokens != 4 || !EfgTextReals(rd, 1, 3, n) || n[0] != 1 || n[1] != 1 || n[2] != 1)
      return EfgTextFail(rd, "MULTIPLE_UNIT_CELL other than 1 1 1 is not supported: write the supercell out");
  } else if (EfgTextSame(keyword, "CELL_FILE_NAME")) {
    return EfgTextFail(rd,
                       "the cell is in another file (CELL_FILE_NAME): not supported; give A, B, C in &CELL");
  }
  return UFP_SUCCESS; /* SYMMETRY, CELL_FILE_FORMAT, ... */
}

static int parse_bool(const char *value, int *flag)
{
  static const char *const yes[] = {"T", "TRUE", ".TRUE.", "Y", "YES", "ON"};
  static const char *const no[] = {"F", "FALSE", ".FALSE.", "N", "NO", "OFF"};
  for (int k = 0; k < 6; k++) {
    if (EfgTextSame(value, yes[k])) return *flag = 1, 1;
    if (EfgTextSame(value, no[k])) return *flag = 0, 1;
  }
  return 0;
}

static UfpErrorCode coord_line(Cp2kInput *in)
{
  EfgTextReader *rd = &in->rd;
  const char *first = rd->token[0];
  if (EfgTextSame(first, "UNIT")) {
    in->coord_unit = rd->ntokens == 2 ? length_unit(rd->token[1]) : 0.0;
    if (in->coord_unit == 0.0)
      return EfgTextFail(rd, "expected UNIT angstrom, bohr, nm or pm, found \"%.60s\"", EfgTextTrimmed(rd));
    return UFP_SUCCESS;
  }
  if (EfgTextSame(first, "SCALED")) {
    if (rd->ntokens == 1)
      in->scaled = 1;
    else if (rd->ntokens != 2 || !parse_bool(rd->token[1], &in->scaled))
      return EfgTextFail(rd, "expected SCALED T or SCALED F, found \"%.60s\"", EfgTextTrimmed(rd));
    return UFP_SUCCESS;
  }
  double x[3];
  if (rd->ntokens < 4 || !EfgTextReals(rd, 1, 3, x))
    return EfgTextFail(rd, "expected an atom line \"LABEL x y z\" in &COORD, found \"%.60s\"",
                       EfgTextTrimmed(rd));
  if (strlen(first) >= UFP_LABEL_MAX)
    return EfgTextFail(rd, "atom label \"%.40s\" is longer than %d characters", first, UFP_LABEL_MAX - 1);
  if (in->natoms == in->capacity) {
    int capacity = in->capacity ? 2 * in->capacity : 64;
    UfpCall(UfpRealloc(capacity, &in->label));
    UfpCall(UfpRealloc(capacity, &in->x));
    in->capacity = capacity;
  }
  snprintf(in->label[in->natoms], UFP_LABEL_MAX, "%s", first);
  memcpy(in->x[in->natoms], x, sizeof x);
  in->natoms++;
  return UFP_SUCCESS;
}

/* "&NAME ..." or "&END [NAME]". */
static UfpErrorCode section_line(Cp2kInput *in)
{
  EfgTextReader *rd = &in->rd;
  const char *name = rd->token[0] + 1;
  if (EfgTextSame(name, "END")) {
    if (in->depth == 0) return EfgTextFail(rd, "&END without an open section");
    if (rd->ntokens > 1 && !EfgTextSame(rd->token[1], in->section[in->depth - 1]))
      return EfgTextFail(rd, "\"&END %.40s\" closes section &%s (opened at line %ld)", rd->token[1],
                         in->section[in->depth - 1], in->section_line[in->depth - 1]);
    in->depth--;
    return UFP_SUCCESS;
  }
  if (in->depth == MAX_DEPTH) return EfgTextFail(rd, "sections nested deeper than %d", MAX_DEPTH);
  if (!*name || strlen(name) >= UFP_NAME_MAX) return EfgTextFail(rd, "expected a section name after '&'");
  snprintf(in->section[in->depth], UFP_NAME_MAX, "%s", name);
  in->section_line[in->depth] = rd->line;
  in->depth++;
  if (in_subsys_section(in, "CELL")) {
    if (in->cell_line)
      return EfgTextFail(rd,
                         "a second &CELL (the first at line %ld): inputs with several force environments are "
                         "not supported",
                         in->cell_line);
    in->cell_line = rd->line;
  } else if (in_subsys_section(in, "COORD")) {
    if (in->coord_line)
      return EfgTextFail(
          rd,
          "a second &COORD (the first at line %ld): inputs with several force environments are "
          "not supported",
          in->coord_line);
    in->coord_line = rd->line;
  }
  return UFP_SUCCESS;
}

static UfpErrorCode read_lines(Cp2kInput *in)
{
  EfgTextReader *rd = &in->rd;
  int at_eof = 0;
  for (;;) {
    UfpCall(EfgTextNext(rd, &at_eof));
    if (at_eof) break;
    strip_comment(rd);
    if (rd->ntokens == 0) continue;
    if (rd->token[0][0] == '@')
      return EfgTextFail(rd,
                         "preprocessor directive %.40s: not supported here; write the input out without "
                         "@SET/@INCLUDE/@IF",
                         rd->token[0]);
    for (int k = 0; k < rd->ntokens && k < EFG_TEXT_MAX_TOKENS; k++)
      if (strchr(rd->token[k], '$'))
        return EfgTextFail(rd, "input variable %.40s: not supported here; write the value out", rd->token[k]);
    if (rd->token[0][0] == '&') {
      UfpCall(section_line(in));
    } else if (in_subsys_section(in, "CELL")) {
      UfpCall(cell_keyword(in));
    } else if (in_subsys_section(in, "COORD")) {
      UfpCall(coord_line(in));
    } else if (in->depth == 3 && EfgTextSame(in->section[2], "TOPOLOGY") &&
               EfgTextSame(rd->token[0], "COORD_FILE_NAME")) {
      snprintf(in->coord_file, sizeof in->coord_file, "%s", rd->ntokens > 1 ? rd->token[1] : "?");
    }
  }
  if (in->depth > 0) {
    rd->line++;
    return EfgTextFail(rd, "the file ends inside section &%s (opened at line %ld): expected &END %s",
                       in->section[in->depth - 1], in->section_line[in->depth - 1],
                       in->section[in->depth - 1]);
  }
  return UFP_SUCCESS;
}

static double determinant(const double h[3][3])
{
  return h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
         h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
         h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]);
}

/* The lattice from A, B, C or from ABC and ALPHA_BETA_GAMMA. */
static UfpErrorCode build_cell(Cp2kInput *in, double h[3][3])
{
  const char *path = in->rd.path;
  int nvectors = (in->vector_line[0] != 0) + (in->vector_line[1] != 0) + (in->vector_line[2] != 0);
  UfpCheck(in->cell_line, UFP_ERR_INPUT, "%s: no &FORCE_EVAL/&SUBSYS/&CELL section", path);
  UfpCheck(!(nvectors > 0 && in->abc_line), UFP_ERR_INPUT,
           "%s:%ld: the cell is given both as vectors (A, B, C) and as ABC (line %ld): give one", path,
           in->cell_line, in->abc_line);
  if (nvectors > 0) {
    UfpCheck(nvectors == 3, UFP_ERR_INPUT,
             "%s:%ld: &CELL gives %d of the vectors A, B, C: expected all three", path, in->cell_line,
             nvectors);
    memcpy(h, in->vector, sizeof in->vector);
  } else {
    UfpCheck(in->abc_line, UFP_ERR_INPUT, "%s:%ld: &CELL has neither A, B, C nor ABC", path, in->cell_line);
    double deg = UFP_PI / 180.0;
    double ca = cos(in->angle[0] * deg), cb = cos(in->angle[1] * deg), cg = cos(in->angle[2] * deg),
           sg = sin(in->angle[2] * deg);
    UfpCheck(fabs(sg) > 1e-8, UFP_ERR_INPUT, "%s:%ld: gamma = %g degrees gives a singular cell", path,
             in->angle_line, in->angle[2]);
    double cx = cb, cy = (ca - cb * cg) / sg, cz2 = 1.0 - cx * cx - cy * cy;
    UfpCheck(cz2 > 0, UFP_ERR_INPUT, "%s:%ld: the angles %g %g %g degrees do not make a cell", path,
             in->angle_line, in->angle[0], in->angle[1], in->angle[2]);
    double rows[3][3] = {{in->abc[0], 0, 0},
                         {in->abc[1] * cg, in->abc[1] * sg, 0},
                         {in->abc[2] * cx, in->abc[2] * cy, in->abc[2] * sqrt(cz2)}};
    memcpy(h, rows, sizeof rows);
  }
  double norm = 1.0;
  for (int m = 0; m < 3; m++)
    norm *= sqrt(h[m][0] * h[m][0] + h[m][1] * h[m][1] + h[m][2] * h[m][2]);
  UfpCheck(fabs(determinant(h)) > 1e-10 * norm && norm > 0, UFP_ERR_INPUT,
           "%s:%ld: the cell is singular (volume %g Å^3)", path, in->cell_line, determinant(h));
  return UFP_SUCCESS;
}

static UfpErrorCode build_structure(Cp2kInput *in)
{
  const char *path = in->rd.path;
  double h[3][3];
  if (!in->coord_line && in->coord_file[0])
    return UfpError(UFP_ERR_INPUT,
                    "%s: the coordinates are in another file (COORD_FILE_NAME %s): not supported; "
                    "put them in &COORD",
                    path, in->coord_file);
  UfpCheck(in->coord_line, UFP_ERR_INPUT, "%s: no &FORCE_EVAL/&SUBSYS/&COORD section", path);
  UfpCheck(in->natoms > 0, UFP_ERR_INPUT, "%s:%ld: &COORD has no atom lines", path, in->coord_line);
  UfpCall(build_cell(in, h));
  UfpCall(UfpStructureCreate(in->natoms, &in->s));
  UfpStructure *s = in->s;
  memcpy(s->lattice, h, sizeof s->lattice);
  s->has_lattice = 1;
  memcpy(s->pbc, in->pbc, sizeof s->pbc);
  for (int i = 0; i < s->natoms; i++) {
    UfpCall(UfpStructureSetSpecies(s, i, in->label[i]));
    for (int k = 0; k < 3; k++)
      s->x[i][k] = in->scaled ? in->x[i][0] * h[0][k] + in->x[i][1] * h[1][k] + in->x[i][2] * h[2][k]
                              : in->x[i][k] * in->coord_unit;
  }
  return UFP_SUCCESS;
}

UfpErrorCode EfgCp2kInputRead(const char *path, UfpStructure **s)
{
  Cp2kInput in;
  UfpErrorCode ierr;

  *s = NULL;
  memset(&in, 0, sizeof in);
  in.coord_unit = 1.0;
  in.angle[0] = in.angle[1] = in.angle[2] = 90.0;
  in.pbc[0] = in.pbc[1] = in.pbc[2] = 1;
  UfpCall(EfgTextOpen(path, &in.rd));
  ierr = read_lines(&in);
  if (!ierr) ierr = build_structure(&in);
  EfgTextClose(&in.rd);
  UfpFree(&in.label);
  UfpFree(&in.x);
  if (ierr) {
    UfpStructureDestroy(&in.s);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  *s = in.s;
  return UFP_SUCCESS;
}
