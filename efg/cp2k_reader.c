/*
 * cp2k_reader.c -- EFG labels from a CP2K output file (see cp2k_reader.h).
 *
 * The lines read (CP2K 2023.1, qs_electric_field_gradient.F; columns as
 * CP2K writes them, blanks between fields):
 *
 *   CP2K| Input file name                       train_000.inp
 *   GLOBAL| Run type                            ENERGY_FORCE
 *                             - Atoms:           16
 *   ELECTRIC FIELD GRADIENTS [10**21 V/m^2]
 *     (smoothing / interpolation notes)
 *       1 Li  EFG Tensor          0.0706051     0.0647226     0.0633541   <- V11 V12 V13
 *                                 0.0647226    -0.1096205     0.0771384   <- V21 V22 V23
 *                                 0.0633541     0.0771384     0.0390154   <- V31 V32 V33
 *             EFG Tensor eigenvalues         -0.0080109    -0.1488570     0.1568679
 *             EFG Tensor anisotropy                                       0.8978648
 *   ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]:     -140.167619711481478
 *   ATOMIC FORCES in [a.u.]
 *   # Atom   Kind   Element          X              Y              Z
 *        1      1      Li         -0.00438931     0.00255407     0.00999980
 *   SUM OF ATOMIC FORCES ...
 *   STRESS| Analytical stress tensor [GPa]          (with STRESS_TENSOR ANALYTICAL
 *   STRESS|                        x      y      z   and &PRINT&STRESS_TENSOR)
 *   STRESS|      x       -7.67368450616E-01   5.91020945567E-01  -6.62506773307E-01
 *   STRESS|      y  ...
 *   STRESS|      z  ...
 *
 * Stress sign: CP2K prints the pressure-like tensor, -(1/V) dE/d(strain),
 * positive under compression (its 1/3 trace is CP2K's pressure).  Checked
 * on a 16-atom LPS cell (tests/data/cp2k): straining c by +-0.3 % changes
 * the energy by (1/V) dE/d(eps_zz) = -7.4407 GPa, and CP2K prints
 * sigma_zz = +7.4418 GPa.  The info value "stress" is written in the
 * extxyz (ASE) convention, +(1/V) dE/d(strain) in eV/Å^3, i.e. minus the
 * printed tensor over UFP_EV_PER_A3_GPA; train-ufp turns it into the virial
 * -stress * V.
 *
 * Which lines are the total EFG.  The total tensor of atom n is the line
 * "n El EFG Tensor v v v" (exactly seven fields) and the two lines of three
 * numbers after it: the plane-wave (smooth) part plus, for GAPW atoms, the
 * one-centre part, scaled to 1e21 V/m^2.  The other lines of the section are
 * not tensors to be read: "EFG Tensor eigenvalues" (sorted by magnitude) and
 * "EFG Tensor anisotropy", and, with the section's DEBUG keyword, a "PW"
 * line and an "AT" line per atom holding the upper triangles of the smooth
 * and atomic parts (which add up to the total).  The section ends at the
 * first line after a tensor that is none of these (here the blank line and
 * "ENERGY|").  Tensors must come numbered 1, 2, ..., N.
 *
 * Precision: CP2K prints the tensor with 7 decimals (F14.7), so components
 * carry an absolute rounding error of 5e-8 * 1e21 V/m^2 = 5.1e-9 a.u., and
 * the printed tensors are symmetric exactly and traceless to ~1e-7 of 1e21
 * V/m^2.  Energy is printed with 15 decimals, forces with 8 (5e-9 Eh/a0).
 *
 * Non-converged SCF: CP2K carries on after an SCF that did not converge and
 * prints its EFGs and forces all the same, with only a warning:
 *   outer SCF loop FAILED to converge after   11 iterations or  440 steps
 *   *** WARNING in qs_scf.F:601 :: SCF run NOT converged ***
 * (for an SCF without an outer loop only the second line).  Either line
 * makes the file bad input: such labels are not converged DFT.  A run that
 * stopped before the EFG section is refused for lack of tensors; a missing
 * energy or force block only leaves those labels out.
 */
#include "cp2k_reader.h"

#include <stdio.h>
#include <string.h>

#include "cp2k_input.h"
#include "elements.h"
#include "text_reader.h"
#include "units.h"

#define PATH_CAPACITY 4096

typedef struct {
  EfgTextReader rd;
  int pending;                    /* the current line is still to be handled */
  char input_name[PATH_CAPACITY]; /* from "CP2K| Input file name" */
  long natoms;                    /* from "- Atoms:"; 0 when not printed */
  long natoms_line;
  long efg_line; /* the section header; 0: none */
  int nefg, efg_capacity;
  double (*efg)[9]; /* 1e21 V/m^2 as printed */
  char (*efg_element)[UFP_LABEL_MAX];
  double energy; /* Hartree */
  long energy_line;
  long forces_line;
  int nforces, forces_capacity;
  double (*force)[3]; /* Hartree/bohr */
  char (*force_element)[UFP_LABEL_MAX];
  long stress_line;
  double stress[3][3]; /* GPa as printed (pressure-like) */
  UfpStructure *s;
} Cp2kOutput;

static int starts_with(const char *text, const char *prefix)
{
  return strncmp(text, prefix, strlen(prefix)) == 0;
}

static int is_integer(const char *token, long value)
{
  long parsed;
  return EfgTextParseLong(token, &parsed) && parsed == value;
}

/* "n El EFG Tensor v v v" */
static int is_tensor_line(const EfgTextReader *rd)
{
  long n;
  return rd->ntokens == 7 && !strcmp(rd->token[2], "EFG") && !strcmp(rd->token[3], "Tensor") &&
         EfgTextParseLong(rd->token[0], &n);
}

/* The section's other lines: eigenvalues, anisotropy, DEBUG parts. */
static int is_section_extra(const EfgTextReader *rd)
{
  if (rd->ntokens >= 2 && !strcmp(rd->token[0], "EFG") && !strcmp(rd->token[1], "Tensor")) return 1;
  if (rd->ntokens == 9 && !strcmp(rd->token[2], "PW")) return 1;
  if (rd->ntokens == 7 && !strcmp(rd->token[0], "AT")) return 1;
  return rd->ntokens >= 1 && !strcmp(rd->token[0], "CheckSum");
}

static UfpErrorCode read_tensor(Cp2kOutput *out)
{
  EfgTextReader *rd = &out->rd;
  int at_eof = 0;
  double v[9];
  char element[UFP_LABEL_MAX];
  if (!is_integer(rd->token[0], out->nefg + 1))
    return EfgTextFail(rd, "expected the EFG tensor of atom %d, found atom %.20s", out->nefg + 1,
                       rd->token[0]);
  if (strlen(rd->token[1]) >= UFP_LABEL_MAX)
    return EfgTextFail(rd, "element \"%.40s\" is too long", rd->token[1]);
  snprintf(element, sizeof element, "%s", rd->token[1]); /* the next lines replace the tokens */
  if (!EfgTextReals(rd, 4, 3, v))
    return EfgTextFail(rd, "expected 3 numbers after \"EFG Tensor\" (row 1 of the tensor of atom %d)",
                       out->nefg + 1);
  for (int row = 1; row < 3; row++) {
    UfpCall(EfgTextNext(rd, &at_eof));
    if (at_eof) rd->line++;
    if (at_eof || rd->ntokens != 3 || !EfgTextReals(rd, 0, 3, &v[3 * row]))
      return EfgTextFail(rd, "expected row %d of the EFG tensor of atom %d (3 numbers)", row + 1,
                         out->nefg + 1);
  }
  if (out->nefg == out->efg_capacity) {
    int capacity = out->efg_capacity ? 2 * out->efg_capacity : 64;
    UfpCall(UfpRealloc(capacity, &out->efg));
    UfpCall(UfpRealloc(capacity, &out->efg_element));
    out->efg_capacity = capacity;
  }
  memcpy(out->efg[out->nefg], v, sizeof v);
  memcpy(out->efg_element[out->nefg], element, sizeof element);
  out->nefg++;
  return UFP_SUCCESS;
}

/* Each section once: a second one means the output holds more than one
 * single point. */
static UfpErrorCode first_section(Cp2kOutput *out, long *line, const char *what)
{
  if (*line)
    return EfgTextFail(&out->rd,
                       "a second %s (the first is on line %ld): expected the output of one single-point run",
                       what, *line);
  *line = out->rd.line;
  return UFP_SUCCESS;
}

static UfpErrorCode read_efg_section(Cp2kOutput *out)
{
  EfgTextReader *rd = &out->rd;
  int at_eof = 0;
  UfpCall(first_section(out, &out->efg_line, "ELECTRIC FIELD GRADIENTS section"));
  if (!strstr(rd->text, "[10**21 V/m^2]"))
    return EfgTextFail(rd, "expected the unit [10**21 V/m^2] in the EFG header, found \"%.80s\"",
                       EfgTextTrimmed(rd));
  for (;;) {
    UfpCall(EfgTextNext(rd, &at_eof));
    if (at_eof) break;
    if (rd->ntokens == 0) continue;
    if (is_tensor_line(rd)) {
      UfpCall(read_tensor(out));
      continue;
    }
    if (out->nefg == 0 || is_section_extra(rd)) continue; /* notes before the first tensor */
    out->pending = 1;                                     /* the first line after the section */
    break;
  }
  UfpCheck(out->nefg > 0, UFP_ERR_INPUT,
           "%s:%ld: the ELECTRIC FIELD GRADIENTS section has no \"EFG Tensor\" lines", rd->path,
           out->efg_line);
  return UFP_SUCCESS;
}

static UfpErrorCode read_energy(Cp2kOutput *out)
{
  EfgTextReader *rd = &out->rd;
  UfpCall(first_section(out, &out->energy_line, "total energy"));
  if (!strstr(rd->text, "[a.u.]") && !strstr(rd->text, "[hartree]") && !strstr(rd->text, "[Hartree]"))
    return EfgTextFail(rd, "expected the energy in [a.u.] (Hartree), found \"%.80s\"", EfgTextTrimmed(rd));
  if (rd->ntokens < 1 || rd->ntokens > EFG_TEXT_MAX_TOKENS ||
      !EfgTextParseReal(rd->token[rd->ntokens - 1], &out->energy))
    return EfgTextFail(rd, "expected the total energy (a number) at the end of the line");
  return UFP_SUCCESS;
}

static UfpErrorCode read_forces(Cp2kOutput *out)
{
  EfgTextReader *rd = &out->rd;
  int at_eof = 0, header = 0;
  UfpCall(first_section(out, &out->forces_line, "ATOMIC FORCES block"));
  if (!strstr(rd->text, "[a.u.]") && !EfgTextSame(EfgTextTrimmed(rd), "ATOMIC FORCES in [hartree/bohr]"))
    return EfgTextFail(rd, "expected the forces in [a.u.] (Hartree/bohr), found \"%.80s\"",
                       EfgTextTrimmed(rd));
  for (;;) {
    UfpCall(EfgTextNext(rd, &at_eof));
    if (at_eof) {
      rd->line++;
      return EfgTextFail(rd,
                         "the file ends inside the ATOMIC FORCES block (line %ld): expected \"SUM OF ATOMIC "
                         "FORCES\"",
                         out->forces_line);
    }
    if (rd->ntokens == 0) continue;
    if (!header) {
      if (strcmp(rd->token[0], "#") != 0)
        return EfgTextFail(rd,
                           "expected the force table header \"# Atom Kind Element X Y Z\", found \"%.60s\"",
                           EfgTextTrimmed(rd));
      header = 1;
      continue;
    }
    if (starts_with(EfgTextTrimmed(rd), "SUM OF ATOMIC FORCES")) break;
    double f[3];
    if (rd->ntokens != 6 || !is_integer(rd->token[0], out->nforces + 1) || !EfgTextReals(rd, 3, 3, f) ||
        strlen(rd->token[2]) >= UFP_LABEL_MAX)
      return EfgTextFail(rd,
                         "expected the force on atom %d (\"%d KIND ELEMENT fx fy fz\") or \"SUM OF ATOMIC "
                         "FORCES\", found \"%.60s\"",
                         out->nforces + 1, out->nforces + 1, EfgTextTrimmed(rd));
    if (out->nforces == out->forces_capacity) {
      int capacity = out->forces_capacity ? 2 * out->forces_capacity : 64;
      UfpCall(UfpRealloc(capacity, &out->force));
      UfpCall(UfpRealloc(capacity, &out->force_element));
      out->forces_capacity = capacity;
    }
    memcpy(out->force[out->nforces], f, sizeof f);
    snprintf(out->force_element[out->nforces], UFP_LABEL_MAX, "%s", rd->token[2]);
    out->nforces++;
  }
  return UFP_SUCCESS;
}

static UfpErrorCode read_stress(Cp2kOutput *out)
{
  EfgTextReader *rd = &out->rd;
  int at_eof = 0;
  UfpCall(first_section(out, &out->stress_line, "stress tensor"));
  if (!strstr(rd->text, "[GPa]"))
    return EfgTextFail(rd, "expected the stress tensor in [GPa], found \"%.80s\"", EfgTextTrimmed(rd));
  UfpCall(EfgTextNext(rd, &at_eof)); /* STRESS| x y z */
  if (at_eof || rd->ntokens != 4 || strcmp(rd->token[1], "x") || strcmp(rd->token[3], "z"))
    return EfgTextFail(rd, "expected the column header \"STRESS| x y z\" after the stress tensor title");
  const char *axis[3] = {"x", "y", "z"};
  for (int a = 0; a < 3; a++) {
    UfpCall(EfgTextNext(rd, &at_eof));
    if (at_eof || rd->ntokens != 5 || strcmp(rd->token[0], "STRESS|") || strcmp(rd->token[1], axis[a]))
      return EfgTextFail(rd, "expected row %s of the stress tensor (\"STRESS| %s s s s\")", axis[a], axis[a]);
    for (int b = 0; b < 3; b++)
      if (!EfgTextParseReal(rd->token[2 + b], &out->stress[a][b]))
        return EfgTextFail(rd, "expected three numbers in row %s of the stress tensor", axis[a]);
  }
  return UFP_SUCCESS;
}

/* One pass over the output. */
static UfpErrorCode read_output(Cp2kOutput *out)
{
  EfgTextReader *rd = &out->rd;
  int at_eof = 0;
  for (;;) {
    if (!out->pending) {
      UfpCall(EfgTextNext(rd, &at_eof));
      if (at_eof) break;
    }
    out->pending = 0;
    const char *line = EfgTextTrimmed(rd);
    if (strstr(line, "SCF run NOT converged") || strstr(line, "SCF loop FAILED to converge"))
      return EfgTextFail(rd,
                         "the SCF did not converge (\"%.80s\"): the energy, forces and EFGs of this run are "
                         "not converged DFT labels; rerun it (more SCF steps or a better guess)",
                         line);
    if (starts_with(line, "CP2K| Input file name")) {
      if (rd->ntokens > 4 && rd->ntokens <= EFG_TEXT_MAX_TOKENS)
        snprintf(out->input_name, sizeof out->input_name, "%s", rd->token[rd->ntokens - 1]);
    } else if (starts_with(line, "GLOBAL| Run type")) {
      const char *type = rd->ntokens == 4 ? rd->token[3] : "";
      if (strcmp(type, "ENERGY_FORCE") != 0 && strcmp(type, "ENERGY") != 0)
        return EfgTextFail(rd,
                           "run type \"%s\": only single-point runs (ENERGY, ENERGY_FORCE) are read, because "
                           "the positions come from the input, which holds the first geometry only",
                           type);
    } else if (rd->ntokens == 3 && !strcmp(rd->token[0], "-") && !strcmp(rd->token[1], "Atoms:") &&
               !out->natoms_line) {
      if (!EfgTextParseLong(rd->token[2], &out->natoms) || out->natoms < 1)
        return EfgTextFail(rd, "expected the number of atoms after \"- Atoms:\"");
      out->natoms_line = rd->line;
    } else if (starts_with(line, "ELECTRIC FIELD GRADIENTS")) {
      UfpCall(read_efg_section(out));
    } else if (starts_with(line, "ENERGY| Total FORCE_EVAL")) {
      UfpCall(read_energy(out));
    } else if (starts_with(line, "ATOMIC FORCES in")) {
      UfpCall(read_forces(out));
    } else if (starts_with(line, "STRESS|") && strstr(line, "stress tensor [") &&
               !strstr(line, "Eigenvectors")) {
      UfpCall(read_stress(out));
    }
  }
  return UFP_SUCCESS;
}

static int can_open(const char *path)
{
  FILE *fp = fopen(path, "r");
  if (!fp) return 0;
  fclose(fp);
  return 1;
}

/* The input of the run: named by the output, or beside it as NAME.inp. */
static UfpErrorCode find_input(const Cp2kOutput *out, const char *output_path, char *path, size_t size)
{
  char named[PATH_CAPACITY] = "", beside[PATH_CAPACITY];
  int len;
  if (out->input_name[0]) {
    const char *slash = strrchr(output_path, '/');
    if (out->input_name[0] == '/' || !slash)
      len = snprintf(named, sizeof named, "%s", out->input_name);
    else
      len =
          snprintf(named, sizeof named, "%.*s/%s", (int)(slash - output_path), output_path, out->input_name);
    UfpCheck(len >= 0 && (size_t)len < sizeof named, UFP_ERR_INPUT, "%s: the input's path is too long",
             output_path);
    if (can_open(named)) {
      snprintf(path, size, "%s", named);
      return UFP_SUCCESS;
    }
  }
  const char *slash = strrchr(output_path, '/'), *dot = strrchr(output_path, '.');
  size_t stem = dot && (!slash || dot > slash + 1) ? (size_t)(dot - output_path) : strlen(output_path);
  len = snprintf(beside, sizeof beside, "%.*s.inp", (int)stem, output_path);
  UfpCheck(len >= 0 && (size_t)len < sizeof beside, UFP_ERR_INPUT, "%s: the path is too long", output_path);
  if (can_open(beside)) {
    snprintf(path, size, "%s", beside);
    return UFP_SUCCESS;
  }
  return UfpError(
      UFP_ERR_IO,
      "%s: cannot open the CP2K input of this run (tried %s%s%s): CP2K does not print the cell and "
      "positions at PRINT_LEVEL LOW, so they are read from the input; put it beside the output",
      output_path, named[0] ? named : "", named[0] ? " and " : "", beside);
}

/* Cell and positions from the input; labels from the output. */
static UfpErrorCode build_structure(Cp2kOutput *out, const char *output_path, const char *input_path)
{
  char found[PATH_CAPACITY], stem[UFP_NAME_MAX];
  UfpAtomColumn *column;
  UfpCheck(
      out->efg_line, UFP_ERR_INPUT,
      "%s: no ELECTRIC FIELD GRADIENTS section: the run needs &FORCE_EVAL&DFT&PRINT&ELECTRIC_FIELD_GRADIENT "
      "printing to the main output (or it stopped before the EFGs were computed)",
      output_path);
  UfpCheck(!out->natoms_line || out->natoms == out->nefg, UFP_ERR_INPUT,
           "%s:%ld: the EFG section has %d tensors, but the run has %ld atoms (line %ld)", output_path,
           out->efg_line, out->nefg, out->natoms, out->natoms_line);
  UfpCheck(!out->forces_line || out->nforces == out->nefg, UFP_ERR_INPUT,
           "%s:%ld: the ATOMIC FORCES block has %d atoms, the EFG section (line %ld) %d", output_path,
           out->forces_line, out->nforces, out->efg_line, out->nefg);
  if (input_path)
    snprintf(found, sizeof found, "%s", input_path);
  else
    UfpCall(find_input(out, output_path, found, sizeof found));
  UfpCall(EfgCp2kInputRead(found, &out->s));
  UfpStructure *s = out->s;
  UfpCheck(s->natoms == out->nefg, UFP_ERR_INPUT,
           "%s has %d atoms in &COORD but %s has %d EFG tensors: is it the input of this run?", found,
           s->natoms, output_path, out->nefg);
  for (int i = 0; i < s->natoms; i++) {
    const char *element = out->efg_element[i];
    UfpCheck(!out->forces_line || !strcmp(out->force_element[i], element), UFP_ERR_INPUT,
             "%s: atom %d is %s in the EFG section (line %ld) but %s in the ATOMIC FORCES block (line %ld)",
             output_path, i + 1, element, out->efg_line, out->force_element[i], out->forces_line);
    UfpCheck(UfpElementNumber(s->species[i]) == 0 || !strcmp(s->species[i], element), UFP_ERR_INPUT,
             "atom %d is %s in %s but %s in %s: is it the input of this run?", i + 1, s->species[i], found,
             element, output_path);
    UfpCall(UfpStructureSetSpecies(s, i, element));
  }
  if (out->forces_line) {
    UfpCall(UfpStructureAddColumn(s, "forces", 'R', 3, &column));
    for (int i = 0; i < s->natoms; i++)
      for (int k = 0; k < 3; k++)
        column->real[3 * i + k] = out->force[i][k] * UFP_HARTREE_PER_BOHR_EV_PER_A;
  }
  UfpCall(UfpStructureAddColumn(s, "efg", 'R', 9, &column));
  for (int i = 0; i < s->natoms; i++)
    for (int k = 0; k < 9; k++)
      column->real[9 * i + k] = out->efg[i][k] * (1e21 / UFP_EFG_AU_V_M2);
  if (out->energy_line) {
    double energy = out->energy * UFP_HARTREE_EV;
    UfpCall(UfpStructureSetInfoReal(s, "energy", 1, &energy));
  }
  if (out->stress_line) {
    double stress[9];
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++)
        stress[3 * a + b] = -out->stress[a][b] / UFP_EV_PER_A3_GPA;
    UfpCall(UfpStructureSetInfoReal(s, "stress", 9, stress));
  }
  EfgTextStem(output_path, stem, sizeof stem);
  UfpCall(UfpStructureSetInfoString(s, "source", stem));
  UfpCall(UfpStructureSetInfoString(s, "efg_units", "atomic"));
  return UFP_SUCCESS;
}

UfpErrorCode EfgCp2kRead(const char *output_path, const char *input_path, UfpStructure **s)
{
  Cp2kOutput out;
  UfpErrorCode ierr;

  *s = NULL;
  memset(&out, 0, sizeof out);
  UfpCall(EfgTextOpen(output_path, &out.rd));
  ierr = read_output(&out);
  EfgTextClose(&out.rd);
  if (!ierr) ierr = build_structure(&out, output_path, input_path);
  UfpFree(&out.efg);
  UfpFree(&out.efg_element);
  UfpFree(&out.force);
  UfpFree(&out.force_element);
  if (ierr) {
    UfpStructureDestroy(&out.s);
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  *s = out.s;
  return UFP_SUCCESS;
}
