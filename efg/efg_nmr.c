/*
 * efg_nmr.c -- efg-nmr: a table of NMR parameters from EFG tensors.
 *
 * Reads EFG tensors from any EFG label file of label_files.h: an extended-XYZ
 * file with a per-atom efg:R:9 column (row-major 3x3, as written by ASE and
 * by this project), a CASTEP .magres file or a CP2K output, and writes one
 * CSV row per quadrupolar nucleus: V_zz (a.u.),
 * C_Q (Hz), eta, omega_Q (Hz) for a chosen field direction, and the
 * principal-frame orientation as a quaternion and ZYZ Euler angles (degrees).
 * A per-species summary (mean |C_Q|, mean eta) goes to standard output.
 *
 * Physics checks before anything is written: every tensor must be symmetric
 * and traceless to a relative tolerance (a violated Laplace equation means a
 * wrong column or wrong units), and every tabulated species needs a
 * quadrupolar isotope.
 *
 * Units of the input tensors: the readers convert everything to atomic
 * units.  For extxyz the column's unit is the frame's efg_units key
 * ("atomic"/"au" or "1e21 V/m^2", CP2K's unit) unless -efg_units says
 * otherwise; magres (a.u.) and CP2K output (1e21 V/m^2) fix their own.  A
 * CP2K output's cell and positions come from the run's input file beside it
 * (cp2k_reader.h).  Rank 0 does the work; the file is written as
 * NAME.partial and renamed when complete.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efg_model.h"
#include "efg_tensor.h"
#include "extxyz.h"
#include "label_files.h"
#include "nmr_table.h"
#include "options.h"
#include "parallel.h"
#include "safe_output.h"
#include "units.h"
#include "ufp_version.h"

static const char help[] =
    "efg-nmr: NMR parameters (V_zz, C_Q, eta, omega_Q, orientation) of EFG tensors.\n\n"
    "Usage: efg-nmr -efg_input FILE [-nmr_output FILE.csv] [options]\n\n"
    "FILE is an extxyz file with a per-atom efg:R:9 column (row-major 3x3 tensor),\n"
    "a CASTEP .magres file, or a CP2K single-point output with its EFG section (cell\n"
    "and positions are then read from the run's .inp beside it); -efg_format auto\n"
    "tells them apart.  Tensors are converted to atomic units.  One CSV row\n"
    "is written per atom of the selected species; a summary per species goes to\n"
    "standard output.  C_Q = e Q V_zz / h with Q from the isotope table; omega_Q =\n"
    "(e Q / h) n^T V n for the field direction n (lab frame).  NQR ordering\n"
    "|Vxx| <= |Vyy| <= |Vzz|, eta = (Vxx - Vyy)/Vzz.  Orientation: the rotation R\n"
    "whose columns are the principal axes in the lab frame, as a quaternion\n"
    "(w,x,y,z) and as ZYZ Euler angles, R = Rz(alpha) Ry(beta) Rz(gamma).\n"
    "Exit codes: 0 ok, 64 usage, 65 bad input, 70 internal, 74 I/O.\n";

typedef struct {
  char input[UFP_PATH_MAX], output[UFP_PATH_MAX], model[UFP_PATH_MAX];
  char species[256], isotopes[256];
  int format, units, overwrite;
  double field[3], trace_tolerance;
} Settings;

typedef struct {
  char species[UFP_LABEL_MAX];
  const UfpIsotope *isotope;
  long count;
  double sum_abs_cq, sum_cq2, sum_eta, min_cq, max_cq;
} SpeciesSummary;

#define MAX_SPECIES 16

static UfpErrorCode read_settings(MPI_Comm comm, Settings *s)
{
  UfpOptions o = NULL;
  int nfield = 3;
  memset(s, 0, sizeof *s);
  snprintf(s->output, sizeof s->output, "nmr.csv");
  s->field[2] = 1.0;
  s->trace_tolerance = 1e-3;
  UfpCall(UfpOptionsBegin(comm, NULL, "efg-nmr: NMR parameters of EFG tensors", &o));
  UfpCall(UfpOptionsString(o, "-efg_input", "EFG labels: extxyz (efg:R:9 column), .magres or CP2K output",
                           "EfgNmrSetInput", s->input, sizeof s->input, NULL));
  UfpCall(UfpOptionsChoice(o, "-efg_format", "format of -efg_input (auto: by extension and content)",
                           "EfgNmrSetFormat", EfgLabelFormatNames, 4, &s->format));
  UfpCall(UfpOptionsString(o, "-nmr_output", "CSV table to write", "EfgNmrSetOutput", s->output,
                           sizeof s->output, NULL));
  UfpCall(UfpOptionsChoice(o, "-efg_units", "unit of an extxyz efg column (file: its efg_units key)",
                           "EfgNmrSetUnits", EfgLabelUnitNames, 4, &s->units));
  UfpCall(UfpOptionsString(o, "-nmr_species", "comma-separated species to tabulate (empty: all quadrupolar)",
                           "EfgNmrSetSpecies", s->species, sizeof s->species, NULL));
  UfpCall(UfpOptionsString(o, "-nmr_isotopes", "isotope per species, e.g. Li=6Li,O=17O (default: 7Li, 17O, ...)",
                           "EfgNmrSetIsotopes", s->isotopes, sizeof s->isotopes, NULL));
  UfpCall(UfpOptionsRealArray(o, "-nmr_field", "magnetic field direction n (lab frame)", "",
                              "EfgNmrSetField", s->field, &nfield, NULL));
  UfpCall(UfpOptionsReal(o, "-nmr_trace_tolerance", "largest accepted |Tr V| / |V_zz|", "",
                         "EfgNmrSetTraceTolerance", &s->trace_tolerance));
  UfpCall(UfpOptionsString(o, "-efg_model", "tabulate this model's tensors (a train-efg file or point_charge) "
                                            "for the input's structures instead of their labels",
                           "EfgNmrSetModel", s->model, sizeof s->model, NULL));
  UfpCall(UfpOptionsBool(o, "-overwrite", "replace a complete output", "EfgNmrSetOverwrite", &s->overwrite));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(s->input[0], UFP_ERR_USAGE,
           "no input file: give -efg_input FILE (extxyz, .magres or CP2K output; see -help)");
  UfpCheck(nfield == 3, UFP_ERR_USAGE, "-nmr_field needs 3 components, got %d", nfield);
  UfpCheck(s->field[0] * s->field[0] + s->field[1] * s->field[1] + s->field[2] * s->field[2] > 0,
           UFP_ERR_USAGE, "-nmr_field must not be the zero vector");
  UfpCheck(s->trace_tolerance > 0, UFP_ERR_USAGE, "-nmr_trace_tolerance must be positive");
  return UFP_SUCCESS;
}

/* "Li=6Li,O=17O" -> the isotope for one species, or its default. */
static UfpErrorCode isotope_for(const Settings *s, const char *species, const UfpIsotope **isotope)
{
  char list[256];
  snprintf(list, sizeof list, "%s", s->isotopes);
  for (char *save = NULL, *item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '=');
    UfpCheck(eq, UFP_ERR_USAGE, "-nmr_isotopes item \"%s\" is not SPECIES=ISOTOPE (e.g. Li=7Li)", item);
    *eq = '\0';
    if (!strcmp(item, species)) {
      UfpCall(UfpIsotopeFind(eq + 1, isotope));
      return UFP_SUCCESS;
    }
  }
  UfpCall(UfpIsotopeDefault(species, isotope));
  return UFP_SUCCESS;
}

static int species_selected(const Settings *s, const char *species)
{
  if (!s->species[0]) return 1;
  char list[256];
  snprintf(list, sizeof list, "%s", s->species);
  for (char *save = NULL, *item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save))
    if (!strcmp(item, species)) return 1;
  return 0;
}

static UfpErrorCode check_tensor(const Settings *s, int frame, int atom, const double v[3][3])
{
  double scale = 0, asym = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      scale = fmax(scale, fabs(v[i][j]));
      asym = fmax(asym, fabs(v[i][j] - v[j][i]));
    }
  double trace = v[0][0] + v[1][1] + v[2][2];
  /* Absolute floor 1e-10 a.u. (about 1 mHz of C_Q for 7Li): tensors that are
   * zero by symmetry (cubic sites) come out as 1e-14-level noise. */
  UfpCheck(asym <= 1e-6 * scale + 1e-10, UFP_ERR_INPUT,
           "%s (frame %d, atom %d): EFG tensor is not symmetric (|V_ij - V_ji| = %.3g a.u.)", s->input,
           frame, atom, asym);
  UfpCheck(fabs(trace) <= s->trace_tolerance * scale + 1e-10, UFP_ERR_INPUT,
           "%s (frame %d, atom %d): EFG tensor is not traceless (Tr V = %.3g a.u., largest component "
           "%.3g a.u.); check the column and its units",
           s->input, frame, atom, trace, scale);
  return UFP_SUCCESS;
}

static UfpErrorCode summary_slot(SpeciesSummary *summary, int *nspecies, const char *species,
                                 const UfpIsotope *isotope, SpeciesSummary **slot)
{
  for (int k = 0; k < *nspecies; k++)
    if (!strcmp(summary[k].species, species)) {
      *slot = &summary[k];
      return UFP_SUCCESS;
    }
  UfpCheck(*nspecies < MAX_SPECIES, UFP_ERR_INPUT, "more than %d quadrupolar species", MAX_SPECIES);
  *slot = &summary[(*nspecies)++];
  memset(*slot, 0, sizeof **slot);
  snprintf((*slot)->species, sizeof (*slot)->species, "%s", species);
  (*slot)->isotope = isotope;
  (*slot)->min_cq = INFINITY;
  (*slot)->max_cq = -INFINITY;
  return UFP_SUCCESS;
}

/* The input's structures with an efg column from the model (rank 0 only):
 * tensors of the model's centre species; the other atoms get zeros and are
 * not tabulated (species_selected). */
static UfpErrorCode predicted_frames(Settings *s, int *nframes, UfpStructure ***frames)
{
  EfgModel model = NULL;
  if (!strcmp(s->model, "point_charge")) {
    EwaldEfgSettings pc;
    EwaldEfgSettingsDefault(&pc);
    UfpCall(EfgModelCreatePointCharge(&pc, s->species[0] ? s->species : "Li", &model));
  } else
    UfpCall(EfgModelRead(MPI_COMM_SELF, s->model, &model));
  UfpCheck(!s->species[0] || !strcmp(s->species, EfgModelCentreSpecies(model)), UFP_ERR_USAGE,
           "-nmr_species %s, but the model gives tensors of %s only", s->species, EfgModelCentreSpecies(model));
  snprintf(s->species, sizeof s->species, "%s", EfgModelCentreSpecies(model));
  EfgLabelFormat format = (EfgLabelFormat)s->format;
  UfpErrorCode ierr = format == EFG_LABELS_AUTO ? EfgLabelsDetectFormat(s->input, &format) : UFP_SUCCESS;
  if (!ierr)
    ierr = format == EFG_LABELS_EXTXYZ ? UfpExtxyzReadAll(s->input, nframes, frames)
                                       : EfgLabelsRead(s->input, format, nframes, frames);
  for (int f = 0; f < *nframes && !ierr; f++) {
    UfpStructure *st = (*frames)[f];
    UfpAtomColumn *col = UfpStructureFindColumn(st, "efg");
    if (!col) ierr = UfpStructureAddColumn(st, "efg", 'R', 9, &col);
    int *centres = NULL, n = 0;
    double(*v)[3][3] = NULL;
    if (!ierr) ierr = UfpCalloc(st->natoms, &centres);
    if (!ierr) ierr = UfpCalloc(st->natoms, &v);
    for (int i = 0; i < st->natoms && !ierr; i++) {
      for (int k = 0; k < 9; k++) col->real[9 * i + k] = 0.0;
      if (!strcmp(st->species[i], EfgModelCentreSpecies(model))) centres[n++] = i;
    }
    UfpCell cell;
    if (!ierr && !st->has_lattice) {
      ierr = UFP_ERR_INPUT;
      UfpError(ierr, "%s, frame %d: a model needs the cell (Lattice=)", s->input, f);
    }
    if (!ierr) ierr = UfpCellSetup(&cell, st->lattice, st->pbc);
    if (!ierr && n > 0)
      ierr = EfgModelPredict(model, &cell, st->natoms, (const double(*)[3])st->x,
                             (const char(*)[UFP_LABEL_MAX])st->species, n, centres, v);
    for (int c = 0; c < n && !ierr; c++)
      for (int k = 0; k < 9; k++) col->real[9 * centres[c] + k] = v[c][k / 3][k % 3];
    UfpFree(&centres);
    UfpFree(&v);
  }
  EfgModelDestroy(&model);
  return ierr;
}

/* Rank 0: read, check, write the partial CSV, print the summary. */
static UfpErrorCode write_table(const char *partial, void *ctx)
{
  Settings *s = ctx;
  int nframes = 0, nspecies = 0;
  UfpStructure **frames = NULL;
  SpeciesSummary summary[MAX_SPECIES];
  /* Every frame now has efg:R:9 in atomic units. */
  if (s->model[0])
    UfpCall(predicted_frames(s, &nframes, &frames));
  else
    UfpCall(EfgLabelsReadUnits(s->input, (EfgLabelFormat)s->format, (EfgLabelUnits)s->units, &nframes,
                               &frames));
  /* Check everything before writing anything. */
  for (int f = 0; f < nframes; f++) {
    UfpAtomColumn *efg = UfpStructureFindColumn(frames[f], "efg");
    for (int i = 0; i < frames[f]->natoms; i++) {
      double v[3][3];
      for (int k = 0; k < 9; k++) v[k / 3][k % 3] = efg->real[9 * i + k];
      UfpCall(check_tensor(s, f, i, v));
    }
  }
  FILE *out = fopen(partial, "w");
  UfpCheck(out, UFP_ERR_IO, "cannot open %s for writing", partial);
  EfgNmrRowWriteHeader(out);
  for (int f = 0; f < nframes; f++) {
    UfpAtomColumn *efg = UfpStructureFindColumn(frames[f], "efg");
    for (int i = 0; i < frames[f]->natoms; i++) {
      const char *species = frames[f]->species[i];
      if (!species_selected(s, species)) continue;
      const UfpIsotope *isotope = NULL;
      UfpErrorCode found = isotope_for(s, species, &isotope);
      if (found != UFP_SUCCESS) {
        /* Without an explicit species list, skip nuclei that are not quadrupolar. */
        if (s->species[0] || s->isotopes[0]) {
          fclose(out);
          return UfpErrorTrace(found, __FILE__, __LINE__, __func__);
        }
        UfpErrorClear();
        continue;
      }
      double v[3][3];
      EfgNmrRow row;
      for (int k = 0; k < 9; k++) v[k / 3][k % 3] = efg->real[9 * i + k];
      UfpCall(EfgNmrRowCompute(isotope, v, s->field, &row));
      EfgNmrRowWrite(out, f, i, species, isotope, &row);
      SpeciesSummary *slot = NULL;
      UfpCall(summary_slot(summary, &nspecies, species, isotope, &slot));
      slot->count++;
      slot->sum_abs_cq += fabs(row.cq);
      slot->sum_cq2 += row.cq * row.cq;
      slot->sum_eta += row.eta;
      slot->min_cq = fmin(slot->min_cq, row.cq);
      slot->max_cq = fmax(slot->max_cq, row.cq);
    }
  }
  int failed = ferror(out);
  failed |= fclose(out) != 0;
  UfpCheck(!failed, UFP_ERR_IO, "error writing %s", partial);
  printf("efg-nmr: %d frame(s) from %s; field direction (%g, %g, %g)\n", nframes, s->input, s->field[0],
         s->field[1], s->field[2]);
  printf("%-8s %-8s %8s %14s %14s %14s %8s\n", "species", "isotope", "count", "<|C_Q|>/kHz",
         "rms C_Q/kHz", "C_Q range/kHz", "<eta>");
  for (int k = 0; k < nspecies; k++) {
    const SpeciesSummary *p = &summary[k];
    char range[64];
    snprintf(range, sizeof range, "%.1f..%.1f", p->min_cq / 1e3, p->max_cq / 1e3);
    printf("%-8s %-8s %8ld %14.2f %14.2f %14s %8.3f\n", p->species, p->isotope->symbol, p->count,
           p->sum_abs_cq / p->count / 1e3, sqrt(p->sum_cq2 / p->count) / 1e3, range, p->sum_eta / p->count);
  }
  UfpCheck(nspecies > 0, UFP_ERR_INPUT, "%s: no atom of the selected species has a quadrupolar isotope",
           s->input);
  UfpCall(UfpStructureArrayDestroy(nframes, &frames));
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm)
{
  Settings s;
  UfpCall(read_settings(comm, &s));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  if (UfpVersionRequested()) {
    UfpInfo(comm, "efg-nmr %s (%s)\n", UFP_VERSION, UFP_GIT_HASH);
    return UFP_SUCCESS;
  }
  UfpCall(UfpOutputWriteOnRoot(comm, s.output, s.overwrite, write_table, &s));
  UfpInfo(comm, "efg-nmr: wrote %s\n", s.output);
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "efg-nmr", code);
  UfpFinalize();
  return status;
}
