/*
 * extxyz.c -- extended XYZ reader and writer, compatible with ASE's extxyz.
 *
 * Frame layout
 *   N                                   number of atoms, a non-negative integer
 *   key=value key="a b c" key={x y} key comment line (see below)
 *   label  x  y  z  [more columns]      N atom lines, columns as in Properties
 * Frames follow each other with nothing in between; blank lines at the end of
 * the file are ignored.
 *
 * Comment line.  A sequence of keys, each optionally followed by '=' (spaces
 * around '=' allowed) and a value.  A value is "double-quoted" (may contain
 * spaces; a backslash takes the next character literally, so \" and \\ are a
 * quote and a backslash), {curly} or [bracketed] (inside these, commas also
 * separate numbers), or bare (up to the next white space).  A key without a
 * value is a logical true.  Keys with a meaning:
 *   Lattice="ax ay az bx by bz cx cy cz"  the three lattice vectors, as rows
 *                                        (Å); exactly 9 numbers, non-singular.
 *                                        Matched case-insensitively.
 *   Properties=name:type:ncols:...       the atom columns.  type is S (string),
 *                                        R (real), I (integer) or L (logical,
 *                                        T/F).  "species" (alias "symbols")
 *                                        must be S:1 and "pos" (alias
 *                                        "positions") R:3; both are required.
 *                                        Absent: species:S:1:pos:R:3.
 *   pbc="T T T"                          periodicity (three logicals, or one
 *                                        for all).  Absent: T T T when Lattice
 *                                        is given, else F F F (ASE behaviour).
 *   energy, free_energy                  one number, stored as 'R' info (eV)
 *   virial                               9 numbers (eV)
 *   stress                               9 numbers, or 6 in Voigt order
 *                                        xx yy zz yz xz xy (expanded to 9)
 * Any other key becomes info, typed from its value: all integers -> 'I',
 * else all numbers -> 'R', else all logicals (T F True False true false
 * TRUE FALSE) -> 'L', else the whole text -> 'S'.  As in ASE, a string that
 * looks like a number reads back as a number.
 *
 * Atom columns.  species fills s->species and s->z, pos fills s->x; every
 * other property becomes a UfpAtomColumn of the same name, type and width,
 * in file order.  Reals accept C and Fortran exponents (1.0E+03, 1.0D+03).
 *
 * Writing follows ASE's order: Lattice (when has_lattice), Properties
 * (species:S:1:pos:R:3 then the columns), the info values in their stored
 * order (which is the order they were read in), then pbc.  Reals are printed
 * in the shortest of %.15g, %.16g, %.17g that converts back to the same
 * double, so read(write(x)) == x bit for bit while values such as 12.819 stay
 * short; an integral real is given a trailing ".0" so that it reads back as
 * 'R' info, not 'I'.  Strings are quoted when they contain white space, '=',
 * quotes or backslashes, or are empty.
 *
 * Messages.  Every input error is "path:line (frame f): what was expected,
 * what was found", line 1-based and frame 0-based, with UFP_ERR_INPUT;
 * failures of the file system are UFP_ERR_IO.
 *
 * Reference: the extended XYZ convention of libAtoms/QUIP and ASE
 * (https://github.com/libAtoms/extxyz, ase.io.extxyz); written from the
 * format description, not from either implementation.
 */
#include "extxyz.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parallel.h"
#include "safe_output.h"

/* Longest token that can be a number (longer ones are reported as bad). */
#define XYZ_NUMBER_MAX 128
/* Room for the "species:S:1 pos:R:3 ..." description used in messages. */
#define XYZ_LAYOUT_MAX 512

enum { XYZ_ROLE_COLUMN = 0, XYZ_ROLE_SPECIES = 1, XYZ_ROLE_POS = 2 };

/* One entry of Properties. */
typedef struct {
  char name[UFP_NAME_MAX];
  char type;
  int ncols;
  int role;   /* XYZ_ROLE_* */
  int column; /* index into s->columns when role == XYZ_ROLE_COLUMN */
} XyzProperty;

/* One key of the comment line; key and value point into the line copy. */
typedef struct {
  char *key;
  char *value; /* NULL for a key without value */
  char quote;  /* '"', '{', '[' or 0 (bare) */
} XyzPair;

/* Everything one ReadFrame call allocates, released in one place. */
typedef struct {
  FILE *fp;
  const char *path;
  int frame;
  long *line;
  char *text;      /* getline buffer: the current line */
  size_t capacity; /* of text */
  char *comment;   /* copy of the comment line, cut into keys and values */
  XyzPair *pairs;
  int npairs;
  XyzProperty *props;
  int nprops;
  int ntokens;                 /* atom-line columns implied by props */
  char layout[XYZ_LAYOUT_MAX]; /* "species:S:1 pos:R:3 ..." */
  UfpStructure *s;
} XyzReader;

/* ------------------------------------------------------------ small helpers */

static UfpErrorCode reader_error(const XyzReader *rd, int src_line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* UFP_ERR_INPUT with the "path:line (frame f): " prefix. */
static UfpErrorCode reader_error(const XyzReader *rd, int src_line, const char *func, const char *fmt, ...)
{
  char what[1536];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return UfpErrorSet(UFP_ERR_INPUT, __FILE__, src_line, func, "%s:%ld (frame %d): %s", rd->path, *rd->line,
                     rd->frame, what);
}
#define ReaderError(rd, ...) reader_error((rd), __LINE__, __func__, __VA_ARGS__)

/* Next token of text at or after *pos: whitespace separates tokens, and
 * commas too when commas != 0.  Returns 0 when there is none. */
static int next_span(const char *text, size_t *pos, int commas, const char **start, size_t *len)
{
  size_t p = *pos;
  while (text[p] && (isspace((unsigned char)text[p]) || (commas && text[p] == ',')))
    p++;
  *start = text + p;
  *len = 0;
  if (!text[p]) {
    *pos = p;
    return 0;
  }
  size_t q = p;
  while (text[q] && !isspace((unsigned char)text[q]) && !(commas && text[q] == ','))
    q++;
  *len = q - p;
  *pos = q;
  return 1;
}

static int count_spans(const char *text, int commas)
{
  size_t pos = 0, len;
  const char *start;
  int n = 0;
  while (next_span(text, &pos, commas, &start, &len))
    n++;
  return n;
}

/* Copy a span into a NUL-terminated buffer of XYZ_NUMBER_MAX; 0 if too long. */
static int span_copy(const char *start, size_t len, char *buf)
{
  if (len == 0 || len >= XYZ_NUMBER_MAX) return 0;
  memcpy(buf, start, len);
  buf[len] = '\0';
  return 1;
}

/* A real number filling the whole span; Fortran 'D' exponents accepted. */
static int parse_real(const char *start, size_t len, double *value)
{
  char buf[XYZ_NUMBER_MAX], *end;
  if (!span_copy(start, len, buf)) return 0;
  *value = strtod(buf, &end);
  if (*end == '\0') return 1;
  for (char *c = buf; *c; c++)
    if (*c == 'D' || *c == 'd') *c = 'E';
  *value = strtod(buf, &end);
  return *end == '\0' && (isdigit((unsigned char)buf[0]) || buf[0] == '-' || buf[0] == '+' || buf[0] == '.');
}

/* A decimal integer filling the whole span, within the range of long. */
static int parse_long(const char *start, size_t len, long *value)
{
  char buf[XYZ_NUMBER_MAX], *end;
  if (!span_copy(start, len, buf)) return 0;
  errno = 0;
  *value = strtol(buf, &end, 10);
  return *end == '\0' && errno != ERANGE;
}

/* T, True, true, TRUE -> 1; F, False, false, FALSE -> 0. */
static int parse_logical(const char *start, size_t len, long *value)
{
  static const char *const truths[] = {"T", "True", "true", "TRUE"};
  static const char *const falsities[] = {"F", "False", "false", "FALSE"};
  for (int k = 0; k < 4; k++) {
    if (strlen(truths[k]) == len && strncmp(start, truths[k], len) == 0) {
      *value = 1;
      return 1;
    }
    if (strlen(falsities[k]) == len && strncmp(start, falsities[k], len) == 0) {
      *value = 0;
      return 1;
    }
  }
  return 0;
}

static int is_blank(const char *text)
{
  for (; *text; text++)
    if (!isspace((unsigned char)*text)) return 0;
  return 1;
}

/* Read the next line into rd->text without its terminator; *got = 0 at end
 * of file. */
static UfpErrorCode read_line(XyzReader *rd, int *got)
{
  errno = 0;
  ssize_t len = getline(&rd->text, &rd->capacity, rd->fp);
  *got = 0;
  if (len < 0) {
    UfpCheck(errno != ENOMEM, UFP_ERR_INTERNAL, "%s: out of memory reading line %ld", rd->path,
             *rd->line + 1);
    UfpCheck(!ferror(rd->fp), UFP_ERR_IO, "%s: read error after line %ld: %s", rd->path, *rd->line,
             strerror(errno));
    return UFP_SUCCESS;
  }
  (*rd->line)++;
  while (len > 0 && (rd->text[len - 1] == '\n' || rd->text[len - 1] == '\r'))
    rd->text[--len] = '\0';
  *got = 1;
  return UFP_SUCCESS;
}

/* --------------------------------------------------------- the comment line */

/* Cut rd->comment (a copy of the comment line) into key/value pairs. */
static UfpErrorCode split_comment(XyzReader *rd)
{
  char *p = rd->comment;
  for (;;) {
    while (isspace((unsigned char)*p))
      p++;
    if (!*p) break;
    XyzPair pair = {p, NULL, 0};
    char *key_end = p;
    while (*key_end && !isspace((unsigned char)*key_end) && *key_end != '=')
      key_end++;
    if (key_end == p)
      return ReaderError(rd, "expected key=value pairs on the comment line, found '=' without a key");
    char *q = key_end;
    while (isspace((unsigned char)*q))
      q++;
    if (*q == '=') {
      q++;
      while (isspace((unsigned char)*q))
        q++;
      *key_end = '\0';
      if (*q == '"') {
        /* Unescape in place: out never overtakes in. */
        char *out = q, *in = q + 1;
        pair.value = out;
        pair.quote = '"';
        while (*in && *in != '"') {
          if (*in == '\\' && in[1]) in++;
          *out++ = *in++;
        }
        if (*in != '"')
          return ReaderError(rd, "unterminated quote: the value of %s opens a \" that is never closed",
                             pair.key);
        *out = '\0';
        p = in + 1;
      } else if (*q == '{' || *q == '[') {
        char close = *q == '{' ? '}' : ']';
        char *end = strchr(q + 1, close);
        if (!end)
          return ReaderError(rd, "unterminated quote: the value of %s opens a %c that is never closed by %c",
                             pair.key, *q, close);
        pair.quote = *q;
        pair.value = q + 1;
        *end = '\0';
        p = end + 1;
      } else {
        pair.value = q;
        while (*q && !isspace((unsigned char)*q))
          q++;
        if (*q) *q++ = '\0';
        p = q;
      }
    } else {
      p = *key_end ? key_end + 1 : key_end;
      *key_end = '\0';
    }
    if (strlen(pair.key) >= UFP_NAME_MAX)
      return ReaderError(rd, "key \"%.40s...\" is longer than %d characters", pair.key, UFP_NAME_MAX - 1);
    UfpCall(UfpRealloc(rd->npairs + 1, &rd->pairs));
    rd->pairs[rd->npairs++] = pair;
  }
  return UFP_SUCCESS;
}

/* Parse the numbers of pair into values (capacity max); *n is their count.
 * Any token that is not a number is an error naming the key. */
static UfpErrorCode parse_numbers(XyzReader *rd, const XyzPair *pair, int max, double *values, int *n)
{
  size_t pos = 0, len;
  const char *start;
  int commas = pair->quote == '{' || pair->quote == '[';
  *n = 0;
  if (!pair->value) return ReaderError(rd, "%s needs a value (numbers), found none", pair->key);
  while (next_span(pair->value, &pos, commas, &start, &len)) {
    double v;
    if (!parse_real(start, len, &v))
      return ReaderError(rd, "%s: expected a number, found \"%.*s\"", pair->key, (int)len, start);
    if (*n < max) values[*n] = v;
    (*n)++;
  }
  return UFP_SUCCESS;
}

static UfpErrorCode apply_lattice(XyzReader *rd, const XyzPair *pair)
{
  double v[9], det;
  int n;
  UfpCall(parse_numbers(rd, pair, 9, v, &n));
  if (n != 9)
    return ReaderError(rd, "expected Lattice=\"ax ay az bx by bz cx cy cz\" (9 numbers), found %d numbers",
                       n);
  for (int a = 0; a < 3; a++)
    for (int k = 0; k < 3; k++)
      rd->s->lattice[a][k] = v[3 * a + k];
  /* det = a . (b x c); singular when tiny relative to |a||b||c|. */
  double(*h)[3] = rd->s->lattice;
  det = h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
        h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) + h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]);
  double scale = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) *
                 sqrt(v[3] * v[3] + v[4] * v[4] + v[5] * v[5]) *
                 sqrt(v[6] * v[6] + v[7] * v[7] + v[8] * v[8]);
  if (!(fabs(det) > 1e-10 * scale))
    return ReaderError(
        rd, "Lattice is singular (volume %g A^3): the three vectors must be linearly independent", det);
  rd->s->has_lattice = 1;
  return UFP_SUCCESS;
}

static UfpErrorCode apply_pbc(XyzReader *rd, const XyzPair *pair, int *given)
{
  size_t pos = 0, len;
  const char *start;
  long flag[3];
  int n = 0;
  if (!pair->value) return ReaderError(rd, "pbc needs a value such as \"T T T\", found none");
  while (next_span(pair->value, &pos, 0, &start, &len)) {
    long v;
    if (!parse_logical(start, len, &v))
      return ReaderError(rd, "pbc: expected T or F, found \"%.*s\"", (int)len, start);
    if (n < 3) flag[n] = v;
    n++;
  }
  if (n != 1 && n != 3) return ReaderError(rd, "expected pbc=\"T T T\" (3 logicals), found %d values", n);
  for (int k = 0; k < 3; k++)
    rd->s->pbc[k] = (int)flag[n == 1 ? 0 : k];
  *given = 1;
  return UFP_SUCCESS;
}

/* energy, free_energy (1 number), virial (9), stress (9, or 6 in Voigt order). */
static UfpErrorCode apply_known_real(XyzReader *rd, const XyzPair *pair)
{
  double v[9], full[9];
  int n;
  UfpCall(parse_numbers(rd, pair, 9, v, &n));
  if (strcmp(pair->key, "stress") == 0) {
    if (n == 6) {
      /* Voigt xx yy zz yz xz xy -> row-major 3x3. */
      const double xx = v[0], yy = v[1], zz = v[2], yz = v[3], xz = v[4], xy = v[5];
      const double expanded[9] = {xx, xy, xz, xy, yy, yz, xz, yz, zz};
      memcpy(full, expanded, sizeof full);
    } else if (n == 9) {
      memcpy(full, v, sizeof full);
    } else {
      return ReaderError(rd, "expected stress with 9 numbers (3x3) or 6 (Voigt xx yy zz yz xz xy), found %d",
                         n);
    }
    UfpCall(UfpStructureSetInfoReal(rd->s, pair->key, 9, full));
    return UFP_SUCCESS;
  }
  if (strcmp(pair->key, "virial") == 0) {
    if (n != 9) return ReaderError(rd, "expected virial with 9 numbers (3x3), found %d", n);
  } else if (n != 1) {
    return ReaderError(rd, "expected %s to be one number, found %d", pair->key, n);
  }
  UfpCall(UfpStructureSetInfoReal(rd->s, pair->key, n, v));
  return UFP_SUCCESS;
}

/* Any other key: typed from its value. */
static UfpErrorCode apply_generic(XyzReader *rd, const XyzPair *pair)
{
  const long truth = 1;
  if (!pair->value) {
    UfpCall(UfpStructureSetInfoInt(rd->s, pair->key, 'L', 1, &truth));
    return UFP_SUCCESS;
  }
  int commas = pair->quote == '{' || pair->quote == '[';
  int n = count_spans(pair->value, commas);
  int all_int = n > 0, all_real = n > 0, all_logical = n > 0;
  size_t pos = 0, len;
  const char *start;
  while (next_span(pair->value, &pos, commas, &start, &len)) {
    double r;
    long i;
    if (all_int && !parse_long(start, len, &i)) all_int = 0;
    if (all_real && !parse_real(start, len, &r)) all_real = 0;
    if (all_logical && !parse_logical(start, len, &i)) all_logical = 0;
  }
  if (!all_int && !all_real && !all_logical) {
    UfpCall(UfpStructureSetInfoString(rd->s, pair->key, pair->value));
    return UFP_SUCCESS;
  }
  double *reals = NULL;
  long *ints = NULL;
  UfpErrorCode ierr = all_int || all_logical ? UfpCalloc(n, &ints) : UfpCalloc(n, &reals);
  pos = 0;
  for (int k = 0; !ierr && next_span(pair->value, &pos, commas, &start, &len); k++) {
    if (all_int)
      parse_long(start, len, &ints[k]);
    else if (all_real)
      parse_real(start, len, &reals[k]);
    else
      parse_logical(start, len, &ints[k]);
  }
  if (!ierr) {
    if (all_int)
      ierr = UfpStructureSetInfoInt(rd->s, pair->key, 'I', n, ints);
    else if (all_real)
      ierr = UfpStructureSetInfoReal(rd->s, pair->key, n, reals);
    else
      ierr = UfpStructureSetInfoInt(rd->s, pair->key, 'L', n, ints);
  }
  UfpFree(&reals);
  UfpFree(&ints);
  UfpCall(ierr);
  return UFP_SUCCESS;
}

/* Record one Properties triple: its role, and a column unless it is species
 * or pos.  *have_species and *have_pos track the two required entries. */
static UfpErrorCode add_property(XyzReader *rd, char *const field[3], int *have_species, int *have_pos,
                                 size_t *used)
{
  XyzProperty prop;
  long ncols;

  memset(&prop, 0, sizeof prop);
  if (!*field[0] || strlen(field[0]) >= UFP_NAME_MAX)
    return ReaderError(rd, "Properties: column name \"%.40s\" must have 1 to %d characters", field[0],
                       UFP_NAME_MAX - 1);
  snprintf(prop.name, sizeof prop.name, "%s", field[0]);
  if (strlen(field[1]) != 1 || !strchr("SRIL", field[1][0]))
    return ReaderError(rd, "Properties: unknown property type \"%s\" for %s (expected S, R, I or L)",
                       field[1], prop.name);
  prop.type = field[1][0];
  if (!parse_long(field[2], strlen(field[2]), &ncols) || ncols < 1 || ncols > 1000000)
    return ReaderError(rd, "Properties: expected a positive column count for %s, found \"%s\"", prop.name,
                       field[2]);
  prop.ncols = (int)ncols;
  for (int k = 0; k < rd->nprops; k++)
    if (strcmp(rd->props[k].name, prop.name) == 0)
      return ReaderError(rd, "Properties: column %s is given twice", prop.name);
  if (strcmp(prop.name, "species") == 0 || strcmp(prop.name, "symbols") == 0) {
    if (*have_species) return ReaderError(rd, "Properties: both species and symbols are given");
    if (prop.type != 'S' || prop.ncols != 1)
      return ReaderError(rd, "Properties: expected %s:S:1, found %s:%c:%d", prop.name, prop.name, prop.type,
                         prop.ncols);
    prop.role = XYZ_ROLE_SPECIES;
    *have_species = 1;
  } else if (strcmp(prop.name, "pos") == 0 || strcmp(prop.name, "positions") == 0) {
    if (*have_pos) return ReaderError(rd, "Properties: both pos and positions are given");
    if (prop.type != 'R' || prop.ncols != 3)
      return ReaderError(rd, "Properties: expected %s:R:3, found %s:%c:%d", prop.name, prop.name, prop.type,
                         prop.ncols);
    prop.role = XYZ_ROLE_POS;
    *have_pos = 1;
  } else {
    prop.role = XYZ_ROLE_COLUMN;
    UfpCall(UfpStructureAddColumn(rd->s, prop.name, prop.type, prop.ncols, NULL));
    prop.column = rd->s->ncolumns - 1;
  }
  UfpCall(UfpRealloc(rd->nprops + 1, &rd->props));
  rd->props[rd->nprops++] = prop;
  if (*used < sizeof rd->layout) {
    int wrote = snprintf(rd->layout + *used, sizeof rd->layout - *used, "%s%s:%c:%d", *used ? " " : "",
                         prop.name, prop.type, prop.ncols);
    *used = wrote < 0 ? sizeof rd->layout : *used + (size_t)wrote;
  }
  return UFP_SUCCESS;
}

/* Parse Properties=name:type:ncols:... into rd->props and add the columns. */
static UfpErrorCode apply_properties(XyzReader *rd, const XyzPair *pair)
{
  int have_species = 0, have_pos = 0;
  size_t used = 0;
  char *p = pair->value;

  if (!p || !*p) return ReaderError(rd, "Properties needs a value such as species:S:1:pos:R:3, found none");
  if (rd->nprops > 0) return ReaderError(rd, "Properties is given twice");
  while (p) {
    char *field[3] = {NULL, NULL, NULL};
    for (int f = 0; f < 3; f++) {
      if (!p)
        return ReaderError(rd,
                           "Properties must be name:type:ncols triples; the last entry (%s) has %d field%s",
                           field[0], f, f == 1 ? "" : "s");
      field[f] = p;
      char *colon = strchr(p, ':');
      if (colon) *colon = '\0';
      p = colon ? colon + 1 : NULL;
    }
    UfpCall(add_property(rd, field, &have_species, &have_pos, &used));
  }
  if (!have_species) return ReaderError(rd, "Properties (%s) has no species (or symbols) column", rd->layout);
  if (!have_pos) return ReaderError(rd, "Properties (%s) has no pos (or positions) column", rd->layout);
  return UFP_SUCCESS;
}

/* Interpret the comment line held in rd->text. */
static UfpErrorCode parse_comment(XyzReader *rd)
{
  size_t len = strlen(rd->text);
  int pbc_given = 0;

  UfpCall(UfpCalloc(len + 1, &rd->comment));
  memcpy(rd->comment, rd->text, len + 1);
  UfpCall(split_comment(rd));
  for (int k = 0; k < rd->npairs; k++) {
    const XyzPair *pair = &rd->pairs[k];
    if (strcasecmp(pair->key, "Lattice") == 0) {
      UfpCall(apply_lattice(rd, pair));
    } else if (strcasecmp(pair->key, "Properties") == 0) {
      UfpCall(apply_properties(rd, pair));
    } else if (strcmp(pair->key, "pbc") == 0) {
      UfpCall(apply_pbc(rd, pair, &pbc_given));
    } else if (strcmp(pair->key, "energy") == 0 || strcmp(pair->key, "free_energy") == 0 ||
               strcmp(pair->key, "virial") == 0 || strcmp(pair->key, "stress") == 0) {
      UfpCall(apply_known_real(rd, pair));
    } else {
      UfpCall(apply_generic(rd, pair));
    }
  }
  if (rd->nprops == 0) {
    char key[] = "Properties", value[] = "species:S:1:pos:R:3";
    XyzPair fallback = {key, value, 0};
    UfpCall(apply_properties(rd, &fallback));
  }
  if (!pbc_given)
    for (int k = 0; k < 3; k++)
      rd->s->pbc[k] = rd->s->has_lattice;
  rd->ntokens = 0;
  for (int k = 0; k < rd->nprops; k++)
    rd->ntokens += rd->props[k].ncols;
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------- atom lines */

static UfpErrorCode parse_atom_line(XyzReader *rd, int i)
{
  UfpStructure *s = rd->s;
  size_t pos = 0, len;
  const char *start;
  int found = count_spans(rd->text, 0), token = 0;

  if (found != rd->ntokens) {
    long next_count;
    const char *hint = "";
    if (found == 1 && next_span(rd->text, &pos, 0, &start, &len) && parse_long(start, len, &next_count))
      hint =
          " (this looks like the atom count of the next frame: the frame has fewer atom lines than declared)";
    return ReaderError(rd, "expected %d columns (%s), found %d%s", rd->ntokens, rd->layout, found, hint);
  }
  pos = 0;
  for (int p = 0; p < rd->nprops; p++) {
    const XyzProperty *prop = &rd->props[p];
    UfpAtomColumn *column = prop->role == XYZ_ROLE_COLUMN ? &s->columns[prop->column] : NULL;
    for (int c = 0; c < prop->ncols; c++, token++) {
      const size_t at = (size_t)i * (size_t)prop->ncols + (size_t)c;
      next_span(rd->text, &pos, 0, &start, &len);
      if (prop->type == 'S') {
        if (len >= UFP_LABEL_MAX)
          return ReaderError(rd, "column %d (%s): string \"%.*s\" is longer than %d characters", token + 1,
                             prop->name, (int)len, start, UFP_LABEL_MAX - 1);
        if (prop->role == XYZ_ROLE_SPECIES) {
          char label[UFP_LABEL_MAX];
          memcpy(label, start, len);
          label[len] = '\0';
          UfpCall(UfpStructureSetSpecies(s, i, label));
        } else {
          memcpy(column->string[at], start, len);
          column->string[at][len] = '\0';
        }
      } else if (prop->type == 'R') {
        double v;
        if (!parse_real(start, len, &v))
          return ReaderError(rd, "column %d (%s): expected a real number, found \"%.*s\"", token + 1,
                             prop->name, (int)len, start);
        if (prop->role == XYZ_ROLE_POS)
          s->x[i][c] = v;
        else
          column->real[at] = v;
      } else if (prop->type == 'I') {
        if (!parse_long(start, len, &column->integer[at]))
          return ReaderError(rd, "column %d (%s): expected an integer, found \"%.*s\"", token + 1, prop->name,
                             (int)len, start);
      } else {
        if (!parse_logical(start, len, &column->integer[at]))
          return ReaderError(rd, "column %d (%s): expected a logical (T or F), found \"%.*s\"", token + 1,
                             prop->name, (int)len, start);
      }
    }
  }
  return UFP_SUCCESS;
}

/* The body of UfpExtxyzReadFrame; rd owns everything allocated. */
static UfpErrorCode read_frame(XyzReader *rd, int *at_eof)
{
  int got;
  long natoms;
  size_t pos = 0, len;
  const char *start;

  /* Atom count, after any blank lines. */
  do {
    UfpCall(read_line(rd, &got));
  } while (got && is_blank(rd->text));
  if (!got) {
    *at_eof = 1;
    return UFP_SUCCESS;
  }
  next_span(rd->text, &pos, 0, &start, &len);
  if (count_spans(rd->text, 0) != 1 || !parse_long(start, len, &natoms))
    return ReaderError(rd,
                       "expected the number of atoms (a non-negative integer) on the first line of the "
                       "frame, found \"%.60s\"",
                       rd->text);
  if (natoms < 0) return ReaderError(rd, "negative number of atoms (%ld)", natoms);
  if (natoms > INT_MAX) return ReaderError(rd, "too many atoms (%ld)", natoms);

  UfpCall(read_line(rd, &got));
  if (!got) {
    (*rd->line)++; /* report the line that is missing */
    return ReaderError(rd, "the file is truncated: expected the comment line after the atom count %ld",
                       natoms);
  }
  UfpCall(UfpStructureCreate((int)natoms, &rd->s));
  UfpCall(parse_comment(rd));

  for (int i = 0; i < (int)natoms; i++) {
    UfpCall(read_line(rd, &got));
    if (!got) {
      (*rd->line)++;
      return ReaderError(rd, "the file is truncated: expected %ld atom lines, found %d", natoms, i);
    }
    UfpCall(parse_atom_line(rd, i));
  }
  return UFP_SUCCESS;
}

UfpErrorCode UfpExtxyzReadFrame(FILE *fp, const char *path, int frame, long *line, UfpStructure **s,
                                int *at_eof)
{
  XyzReader rd;
  UfpErrorCode ierr;

  memset(&rd, 0, sizeof rd);
  rd.fp = fp;
  rd.path = path;
  rd.frame = frame;
  rd.line = line;
  *s = NULL;
  *at_eof = 0;
  ierr = read_frame(&rd, at_eof);
  free(rd.text); /* allocated by getline */
  UfpFree(&rd.comment);
  UfpFree(&rd.pairs);
  UfpFree(&rd.props);
  if (ierr) {
    UfpStructureDestroy(&rd.s);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  *s = rd.s;
  return UFP_SUCCESS;
}

UfpErrorCode UfpStructureArrayDestroy(int nframes, UfpStructure ***frames)
{
  if (!frames || !*frames) return UFP_SUCCESS;
  for (int f = 0; f < nframes; f++)
    UfpCall(UfpStructureDestroy(&(*frames)[f]));
  UfpFree(frames);
  return UFP_SUCCESS;
}

/* Append frames of fp to *frames until end of file. */
static UfpErrorCode read_frames(FILE *fp, const char *path, int *nframes, int *capacity,
                                UfpStructure ***frames)
{
  long line = 0;
  for (;;) {
    UfpStructure *s;
    int at_eof;
    UfpCall(UfpExtxyzReadFrame(fp, path, *nframes, &line, &s, &at_eof));
    if (at_eof) break;
    if (*nframes == *capacity) {
      UfpErrorCode ierr = UfpRealloc(*capacity ? 2 * *capacity : 16, frames);
      if (ierr) {
        UfpStructureDestroy(&s);
        return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
      }
      *capacity = *capacity ? 2 * *capacity : 16;
    }
    (*frames)[(*nframes)++] = s;
  }
  UfpCheck(*nframes > 0, UFP_ERR_INPUT, "%s: no frames (the file is empty)", path);
  return UFP_SUCCESS;
}

UfpErrorCode UfpExtxyzReadAll(const char *path, int *nframes, UfpStructure ***frames)
{
  FILE *fp;
  int count = 0, capacity = 0;
  UfpStructure **list = NULL;
  UfpErrorCode ierr;

  *nframes = 0;
  *frames = NULL;
  fp = fopen(path, "r");
  UfpCheck(fp, UFP_ERR_IO, "cannot open %s for reading: %s", path, strerror(errno));
  ierr = read_frames(fp, path, &count, &capacity, &list);
  fclose(fp);
  if (ierr) {
    UfpStructureArrayDestroy(count, &list);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  *nframes = count;
  *frames = list;
  return UFP_SUCCESS;
}

/* ----------------------------------------------------------------- writing */

/* Shortest %.15g/%.16g/%.17g form of v that reads back as v; integral values
 * get ".0" so that they read back as reals. */
static void format_real(double v, char buf[40])
{
  for (int precision = 15; precision <= 17; precision++) {
    snprintf(buf, 40, "%.*g", precision, v);
    if (strtod(buf, NULL) == v) break;
  }
  if (!strpbrk(buf, ".eEnN")) strcat(buf, ".0");
}

/* Characters that force a string into quotes. */
static int needs_quotes(const char *text)
{
  if (!*text) return 1;
  if (*text == '{' || *text == '[') return 1;
  for (; *text; text++)
    if (isspace((unsigned char)*text) || *text == '=' || *text == '"' || *text == '\\') return 1;
  return 0;
}

/* One atom-column string: non-empty, no white space. */
static UfpErrorCode check_token(const char *text, const char *what, int atom)
{
  UfpCheck(*text, UFP_ERR_INPUT, "cannot write extxyz: %s of atom %d is empty", what, atom);
  for (const char *c = text; *c; c++)
    UfpCheck(!isspace((unsigned char)*c), UFP_ERR_INPUT,
             "cannot write extxyz: %s of atom %d (\"%s\") contains white space", what, atom, text);
  return UFP_SUCCESS;
}

static void write_string(FILE *fp, const char *text)
{
  if (!needs_quotes(text)) {
    fputs(text, fp);
    return;
  }
  fputc('"', fp);
  for (; *text; text++) {
    if (*text == '"' || *text == '\\') fputc('\\', fp);
    fputc(*text, fp);
  }
  fputc('"', fp);
}

/* An info value that can be written and read back. */
static UfpErrorCode check_info(const UfpInfoValue *v)
{
  UfpCheck(
      !needs_quotes(v->name), UFP_ERR_INPUT,
      "cannot write extxyz: info key \"%s\" is empty or contains white space, '=', quotes or backslashes",
      v->name);
  UfpCheck(strcasecmp(v->name, "Lattice") != 0 && strcasecmp(v->name, "Properties") != 0 &&
               strcmp(v->name, "pbc") != 0,
           UFP_ERR_INPUT, "cannot write extxyz: info key \"%s\" is reserved", v->name);
  if (v->type == 'S') {
    UfpCheck(v->string && !strpbrk(v->string, "\n\r"), UFP_ERR_INPUT,
             "cannot write extxyz: info \"%s\" is missing or contains a line break", v->name);
    return UFP_SUCCESS;
  }
  UfpCheck(v->type == 'R' || v->type == 'I' || v->type == 'L', UFP_ERR_INTERNAL,
           "info \"%s\": unknown type '%c'", v->name, v->type);
  UfpCheck(v->n >= 1, UFP_ERR_INTERNAL, "info \"%s\" has no values", v->name);
  return UFP_SUCCESS;
}

/* key=value, after check_info. */
static void write_info(FILE *fp, const UfpInfoValue *v)
{
  char buf[40];
  fprintf(fp, " %s=", v->name);
  if (v->type == 'S') {
    write_string(fp, v->string);
    return;
  }
  if (v->n > 1) fputc('"', fp);
  for (int k = 0; k < v->n; k++) {
    if (k) fputc(' ', fp);
    if (v->type == 'R') {
      format_real(v->real[k], buf);
      fputs(buf, fp);
    } else if (v->type == 'I') {
      fprintf(fp, "%ld", v->integer[k]);
    } else {
      fputc(v->integer[k] ? 'T' : 'F', fp);
    }
  }
  if (v->n > 1) fputc('"', fp);
}

UfpErrorCode UfpExtxyzWriteFrame(FILE *fp, const UfpStructure *s)
{
  char buf[40];

  UfpCheck(s->natoms >= 0, UFP_ERR_INTERNAL, "structure with %d atoms", s->natoms);
  for (int c = 0; c < s->ncolumns; c++) {
    const UfpAtomColumn *col = &s->columns[c];
    UfpCheck(!needs_quotes(col->name) && !strchr(col->name, ':'), UFP_ERR_INPUT,
             "cannot write extxyz: column name \"%s\" is empty or contains white space, '=', ':' or quotes",
             col->name);
    UfpCheck(strchr("RILS", col->type) && col->type && col->ncols >= 1, UFP_ERR_INTERNAL,
             "column \"%s\": bad type '%c' or width %d", col->name, col->type, col->ncols);
    if (col->type == 'S')
      for (int m = 0; m < s->natoms * col->ncols; m++)
        UfpCall(check_token(col->string[m], col->name, m / col->ncols));
  }
  for (int i = 0; i < s->natoms; i++)
    UfpCall(check_token(s->species[i], "species", i));
  for (int k = 0; k < s->ninfo; k++)
    UfpCall(check_info(&s->info[k]));

  fprintf(fp, "%d\n", s->natoms);
  if (s->has_lattice) {
    fputs("Lattice=\"", fp);
    for (int a = 0; a < 3; a++)
      for (int k = 0; k < 3; k++) {
        format_real(s->lattice[a][k], buf);
        fprintf(fp, "%s%s", a || k ? " " : "", buf);
      }
    fputs("\" ", fp);
  }
  fputs("Properties=species:S:1:pos:R:3", fp);
  for (int c = 0; c < s->ncolumns; c++)
    fprintf(fp, ":%s:%c:%d", s->columns[c].name, s->columns[c].type, s->columns[c].ncols);
  for (int k = 0; k < s->ninfo; k++)
    write_info(fp, &s->info[k]);
  fprintf(fp, " pbc=\"%c %c %c\"\n", s->pbc[0] ? 'T' : 'F', s->pbc[1] ? 'T' : 'F', s->pbc[2] ? 'T' : 'F');

  for (int i = 0; i < s->natoms; i++) {
    fprintf(fp, "%-2s", s->species[i]);
    for (int k = 0; k < 3; k++) {
      format_real(s->x[i][k], buf);
      fprintf(fp, " %16s", buf);
    }
    for (int c = 0; c < s->ncolumns; c++) {
      const UfpAtomColumn *col = &s->columns[c];
      for (int m = 0; m < col->ncols; m++) {
        const size_t at = (size_t)i * (size_t)col->ncols + (size_t)m;
        switch (col->type) {
        case 'R':
          format_real(col->real[at], buf);
          fprintf(fp, " %16s", buf);
          break;
        case 'I':
          fprintf(fp, " %ld", col->integer[at]);
          break;
        case 'L':
          fprintf(fp, " %c", col->integer[at] ? 'T' : 'F');
          break;
        default:
          fprintf(fp, " %s", col->string[at]);
          break;
        }
      }
    }
    fputc('\n', fp);
  }
  UfpCheck(!ferror(fp), UFP_ERR_IO, "write error while writing an extxyz frame: %s", strerror(errno));
  return UFP_SUCCESS;
}

/* Rank 0's part of UfpExtxyzWriteAll. */
static UfpErrorCode write_file(const char *partial, int nframes, UfpStructure *const *frames)
{
  FILE *fp = fopen(partial, "w");
  UfpErrorCode ierr = UFP_SUCCESS;

  UfpCheck(fp, UFP_ERR_IO, "cannot open %s for writing: %s", partial, strerror(errno));
  for (int f = 0; f < nframes && !ierr; f++)
    ierr = UfpExtxyzWriteFrame(fp, frames[f]);
  if (fclose(fp) != 0 && !ierr) ierr = UfpError(UFP_ERR_IO, "cannot close %s: %s", partial, strerror(errno));
  UfpCall(ierr);
  return UFP_SUCCESS;
}

typedef struct {
  int nframes;
  UfpStructure *const *frames;
} FrameSet;

static UfpErrorCode write_frame_set(const char *partial, void *ctx)
{
  const FrameSet *set = ctx;
  UfpCall(write_file(partial, set->nframes, set->frames));
  return UFP_SUCCESS;
}

UfpErrorCode UfpExtxyzWriteAll(MPI_Comm comm, const char *path, int overwrite, int nframes,
                               UfpStructure *const *frames)
{
  FrameSet set = {nframes, frames};
  UfpCall(UfpOutputWriteOnRoot(comm, path, overwrite, write_frame_set, &set));
  return UFP_SUCCESS;
}
