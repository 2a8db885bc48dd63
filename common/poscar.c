/*
 * poscar.c -- VASP 5 POSCAR/CONTCAR reader (see poscar.h).
 *
 * Layout, line by line:
 *   1    comment (kept as the 'S' info "comment", trimmed)
 *   2    scale: one number s, or three numbers s_x s_y s_z
 *          s > 0    lattice and Cartesian positions are multiplied by s
 *          s < 0    -s is the target cell volume V in Å^3: both are
 *                   multiplied by (V / |det L|)^(1/3), L the unscaled lattice
 *          three    Cartesian component k is multiplied by s_k (all > 0)
 *   3-5  lattice vectors a, b, c (rows of L), three numbers each
 *   6    species line, e.g. "Li P S".  Required: VASP 4 files lack it and are
 *        refused with a message saying so.  A POTCAR-style label such as
 *        "Li_sv" or "P/3d8c" is cut at the first '_' or '/'.
 *   7    number of atoms of each species, one integer per species
 *   8    optional "Selective dynamics" (first letter S or s)
 *   next coordinate mode: first letter C, c, K or k for Cartesian, D or d for
 *        Direct (fractional)
 *   then one line per atom: three numbers; anything after them (selective-
 *        dynamics flags T/F, labels, comments) is ignored.
 * Lines after the positions (velocities, predictor-corrector data) are
 * ignored.  Atoms are numbered in species order: all atoms of the first
 * species, then the second, ...  Direct coordinates f become Cartesian as
 * x = f_0 a + f_1 b + f_2 c with the scaled lattice; Cartesian ones are
 * scaled like the lattice.  Trailing tokens on the scale, lattice and count
 * lines are ignored (VASP allows comments there).
 *
 * The result is periodic in all three directions (pbc T T T).
 * Reference: VASP manual, "POSCAR" (https://www.vasp.at/wiki/index.php/POSCAR).
 */
#include "poscar.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything UfpPoscarRead allocates, released in one place. */
typedef struct {
  FILE *fp;
  const char *path;
  long line;  /* lines consumed so far (1-based number of the current one) */
  char *text; /* getline buffer */
  size_t capacity;
  char (*species)[UFP_LABEL_MAX];
  long *counts;
  int nspecies;
  char *title; /* the comment line, trimmed */
  UfpStructure *s;
} PoscarReader;

static UfpErrorCode reader_error(const PoscarReader *rd, int src_line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* UFP_ERR_INPUT with the "path:line: " prefix. */
static UfpErrorCode reader_error(const PoscarReader *rd, int src_line, const char *func, const char *fmt, ...)
{
  char what[1536];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return UfpErrorSet(UFP_ERR_INPUT, __FILE__, src_line, func, "%s:%ld: %s", rd->path, rd->line, what);
}
#define ReaderError(rd, ...) reader_error((rd), __LINE__, __func__, __VA_ARGS__)

/* Read the next line (without terminator); an error naming `expected` at
 * end of file. */
static UfpErrorCode read_line(PoscarReader *rd, const char *expected)
{
  errno = 0;
  ssize_t len = getline(&rd->text, &rd->capacity, rd->fp);
  if (len < 0) {
    UfpCheck(errno != ENOMEM, UFP_ERR_INTERNAL, "%s: out of memory reading line %ld", rd->path, rd->line + 1);
    UfpCheck(!ferror(rd->fp), UFP_ERR_IO, "%s: read error after line %ld: %s", rd->path, rd->line,
             strerror(errno));
    rd->line++;
    return ReaderError(rd, "the file ends here: expected %s", expected);
  }
  rd->line++;
  while (len > 0 && (rd->text[len - 1] == '\n' || rd->text[len - 1] == '\r'))
    rd->text[--len] = '\0';
  return UFP_SUCCESS;
}

/* Cut the next whitespace-separated token out of *cursor, in place. */
static char *next_token(char **cursor)
{
  char *p = *cursor;
  while (*p && isspace((unsigned char)*p))
    p++;
  if (!*p) {
    *cursor = p;
    return NULL;
  }
  char *start = p;
  while (*p && !isspace((unsigned char)*p))
    p++;
  if (*p) *p++ = '\0';
  *cursor = p;
  return start;
}

static int parse_real(const char *token, double *value)
{
  char *end;
  if (!token || !*token) return 0;
  *value = strtod(token, &end);
  return *end == '\0';
}

static int parse_long(const char *token, long *value)
{
  char *end;
  if (!token || !*token) return 0;
  errno = 0;
  *value = strtol(token, &end, 10);
  return *end == '\0' && errno != ERANGE;
}

/* The leading numbers of the current line, at most max; returns the count. */
static int leading_reals(PoscarReader *rd, double *values, int max)
{
  char *cursor = rd->text, *token;
  int n = 0;
  while (n < max && (token = next_token(&cursor)) && parse_real(token, &values[n]))
    n++;
  return n;
}

static double determinant(const double h[3][3])
{
  return h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
         h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
         h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]);
}

static int count_tokens(const char *text)
{
  int n = 0;
  while (*text) {
    while (*text && isspace((unsigned char)*text))
      text++;
    if (!*text) break;
    n++;
    while (*text && !isspace((unsigned char)*text))
      text++;
  }
  return n;
}

/* Line 6 (species) and line 7 (counts). */
static UfpErrorCode read_species_and_counts(PoscarReader *rd)
{
  char *cursor, *token;
  long first;
  int n;

  UfpCall(read_line(rd, "the species line (element symbols, e.g. \"Li P S\")"));
  n = count_tokens(rd->text);
  if (n == 0) return ReaderError(rd, "expected the species line (e.g. \"Li P S\"), found an empty line");
  cursor = rd->text;
  token = next_token(&cursor);
  if (parse_long(token, &first))
    return ReaderError(
        rd,
        "expected the species line (element symbols, e.g. \"Li P S\"), found the atom counts: this is a VASP "
        "4 file; add a line with the element symbols, in POTCAR order, between the lattice and the counts");
  UfpCall(UfpCalloc(n, &rd->species));
  UfpCall(UfpCalloc(n, &rd->counts));
  rd->nspecies = n;
  for (int k = 0; k < n; k++) {
    if (k > 0) token = next_token(&cursor);
    size_t len = strcspn(token, "_/");
    if (len == 0 || len >= UFP_LABEL_MAX)
      return ReaderError(rd, "species %d (\"%.40s\") is not a valid label (1 to %d characters)", k + 1, token,
                         UFP_LABEL_MAX - 1);
    memcpy(rd->species[k], token, len);
    rd->species[k][len] = '\0';
  }

  UfpCall(read_line(rd, "the atom counts (one integer per species)"));
  cursor = rd->text;
  for (int k = 0; k < n; k++) {
    token = next_token(&cursor);
    if (!parse_long(token, &rd->counts[k]) || rd->counts[k] < 0)
      return ReaderError(
          rd, "expected %d atom counts (non-negative integers, one per species), found \"%s\" as count %d", n,
          token ? token : "", k + 1);
  }
  token = next_token(&cursor);
  long extra;
  if (token && parse_long(token, &extra))
    return ReaderError(rd, "expected %d atom counts (one per species on line %ld), found more", n,
                       rd->line - 1);
  return UFP_SUCCESS;
}

/* The body of UfpPoscarRead; rd owns everything allocated. */
static UfpErrorCode read_poscar(PoscarReader *rd)
{
  double scale[3], lattice[3][3], factor[3];
  int nscale, cartesian;
  long natoms = 0;
  char *comment;
  size_t len;

  UfpCall(read_line(rd, "the comment line"));
  comment = rd->text;
  while (isspace((unsigned char)*comment))
    comment++;
  len = strlen(comment);
  while (len > 0 && isspace((unsigned char)comment[len - 1]))
    comment[--len] = '\0';
  UfpCall(UfpCalloc(len + 1, &rd->title));
  memcpy(rd->title, comment, len + 1);

  UfpCall(read_line(rd, "the scale factor"));
  nscale = leading_reals(rd, scale, 3);
  if (nscale == 0)
    return ReaderError(rd, "expected the scale factor (one number, or three), found \"%.60s\"", rd->text);
  if (nscale < 3) nscale = 1;
  if (nscale == 1 && scale[0] == 0.0)
    return ReaderError(rd, "the scale factor is zero (expected a positive factor or a negative volume)");
  if (nscale == 3 && !(scale[0] > 0 && scale[1] > 0 && scale[2] > 0))
    return ReaderError(rd, "three scale factors must all be positive, found %g %g %g", scale[0], scale[1],
                       scale[2]);
  for (int a = 0; a < 3; a++) {
    static const char *const what[3] = {"lattice vector a (3 numbers)", "lattice vector b (3 numbers)",
                                        "lattice vector c (3 numbers)"};
    UfpCall(read_line(rd, what[a]));
    if (leading_reals(rd, lattice[a], 3) != 3)
      return ReaderError(rd, "expected %s, found \"%.60s\"", what[a], rd->text);
  }
  UfpCall(read_species_and_counts(rd));

  /* Scale. */
  if (nscale == 3) {
    for (int k = 0; k < 3; k++)
      factor[k] = scale[k];
  } else if (scale[0] > 0) {
    for (int k = 0; k < 3; k++)
      factor[k] = scale[0];
  } else {
    double volume = fabs(determinant((const double(*)[3])lattice));
    UfpCheck(volume > 0, UFP_ERR_INPUT,
             "%s:2: negative scale factor (target volume %g A^3) with a singular lattice (lines 3-5)",
             rd->path, -scale[0]);
    for (int k = 0; k < 3; k++)
      factor[k] = cbrt(-scale[0] / volume);
  }

  for (int k = 0; k < rd->nspecies; k++)
    natoms += rd->counts[k];
  UfpCheck(natoms >= 1 && natoms <= 0x7fffffff, UFP_ERR_INPUT,
           "%s:7: expected a positive total number of atoms, found %ld", rd->path, natoms);
  UfpCall(UfpStructureCreate((int)natoms, &rd->s));
  if (len > 0) UfpCall(UfpStructureSetInfoString(rd->s, "comment", rd->title));
  UfpStructure *s = rd->s;
  for (int a = 0; a < 3; a++)
    for (int k = 0; k < 3; k++)
      s->lattice[a][k] = lattice[a][k] * factor[k];
  {
    double h = determinant((const double(*)[3])s->lattice);
    double norm = 1.0;
    for (int a = 0; a < 3; a++)
      norm *= sqrt(s->lattice[a][0] * s->lattice[a][0] + s->lattice[a][1] * s->lattice[a][1] +
                   s->lattice[a][2] * s->lattice[a][2]);
    UfpCheck(fabs(h) > 1e-10 * norm, UFP_ERR_INPUT,
             "%s:3-5: the lattice is singular (volume %g A^3): expected three linearly independent vectors",
             rd->path, h);
  }
  s->has_lattice = 1;
  s->pbc[0] = s->pbc[1] = s->pbc[2] = 1;
  for (int k = 0, i = 0; k < rd->nspecies; k++)
    for (long m = 0; m < rd->counts[k]; m++, i++)
      UfpCall(UfpStructureSetSpecies(s, i, rd->species[k]));

  /* Optional selective dynamics, then the coordinate mode. */
  UfpCall(read_line(rd, "\"Direct\" or \"Cartesian\""));
  {
    char *mode = rd->text;
    while (isspace((unsigned char)*mode))
      mode++;
    if (*mode == 'S' || *mode == 's') {
      UfpCall(read_line(rd, "\"Direct\" or \"Cartesian\" after \"Selective dynamics\""));
      mode = rd->text;
      while (isspace((unsigned char)*mode))
        mode++;
    }
    if (*mode == 'C' || *mode == 'c' || *mode == 'K' || *mode == 'k') {
      cartesian = 1;
    } else if (*mode == 'D' || *mode == 'd') {
      cartesian = 0;
    } else {
      return ReaderError(
          rd, "expected \"Direct\" or \"Cartesian\" (or \"Selective dynamics\" before them), found \"%.60s\"",
          rd->text);
    }
  }

  for (int i = 0; i < s->natoms; i++) {
    double v[3];
    char what[96];
    snprintf(what, sizeof what, "the position of atom %d of %d (3 numbers)", i + 1, s->natoms);
    UfpCall(read_line(rd, what));
    if (leading_reals(rd, v, 3) != 3) return ReaderError(rd, "expected %s", what);
    for (int k = 0; k < 3; k++)
      s->x[i][k] = cartesian ? v[k] * factor[k]
                             : v[0] * s->lattice[0][k] + v[1] * s->lattice[1][k] + v[2] * s->lattice[2][k];
  }
  return UFP_SUCCESS;
}

UfpErrorCode UfpPoscarRead(const char *path, UfpStructure **s)
{
  PoscarReader rd;
  UfpErrorCode ierr;

  *s = NULL;
  memset(&rd, 0, sizeof rd);
  rd.path = path;
  rd.fp = fopen(path, "r");
  UfpCheck(rd.fp, UFP_ERR_IO, "cannot open %s for reading: %s", path, strerror(errno));
  ierr = read_poscar(&rd);
  fclose(rd.fp);
  free(rd.text); /* allocated by getline */
  UfpFree(&rd.species);
  UfpFree(&rd.counts);
  UfpFree(&rd.title);
  if (ierr) {
    UfpStructureDestroy(&rd.s);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  *s = rd.s;
  return UFP_SUCCESS;
}
