/*
 * train_ufp.c -- train-ufp: fit a UF3 potential to DFT energies and forces.
 *
 *   mpiexec -n 2 train-ufp -data a.extxyz,b.extxyz -fit_output lps
 *
 * writes lps.uf3 (LAMMPS pair_style uf3; ufp-md reads it), lps.json (uf3
 * JSON model with the one-body energies, which the LAMMPS format cannot
 * hold), lps_report.h5 (errors per dataset, role and element, parity data)
 * and lps_parity.png.  Every output is written under NAME.partial and
 * renamed when complete.
 *
 * The pipeline: read and de-duplicate the data, split it (fit_data.h); pick
 * the basis (uf3_fit_basis.h; r_min defaults to the closest approach of
 * each pair in the data minus a margin, and in that margin the penalties
 * pull the pair terms towards ZBL repulsion, pair_prior.h); stream the
 * design rows into the normal equations over the MPI ranks and solve them
 * with ScaLAPACK (uf3_fit.h); predict every frame with the MD force loop and report
 * (fit_report.h).  Options that take one value per interaction accept a
 * default and overrides: "-basis_r_max_2b 5.5,Li-Li=6.0".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cell.h"
#include "fit_data.h"
#include "fit_report.h"
#include "neighbor.h"
#include "options.h"
#include "pair_prior.h"
#include "parallel.h"
#include "safe_output.h"
#include "uf3_features.h"
#include "uf3_file.h"
#include "uf3_fit.h"
#include "ufp_version.h"

static const char help[] =
    "train-ufp: fit a UF3 potential (2- and 3-body B-splines) to DFT energies and forces.\n\n"
    "  train-ufp -data train.extxyz[,more.extxyz] -fit_output PREFIX\n"
    "            [-data_dataset NAME,...] [-data_role split|train|validation|test,...]\n"
    "            [-data_energy NAME=reference|offset|none,...] [-data_weight W,...]\n\n"
    "Files from different DFT settings belong to different datasets (default: one per file); the first\n"
    "dataset's energies define the model's one-body energies, the others get their own offsets.\n"
    "Outputs: PREFIX.uf3 (LAMMPS), PREFIX.json (uf3 JSON with one-body energies), PREFIX_report.h5,\n"
    "PREFIX_parity.png.  Units: Å, eV, eV/Å.\n"
    "Exit codes: 0 done, 64 usage, 65 bad input, 70 internal, 74 I/O.\n";

static const char *const role_choices[] = {"train", "validation", "test", "split"};
static const char *const energy_choices[] = {"reference", "offset", "none"};
static const char *const prior_choices[] = {"none", "zbl"}; /* Uf3PairPrior order */

typedef struct {
  char data[8192], datasets[4096], roles[1024], weights[1024], energy[2048], elements[256];
  char energy_key[64], forces_key[64], weight_key[64];
  double validation_fraction, test_fraction;
  long seed, kfold, degree, lead, lead3, trail;
  char r_min_2b[1024], r_max_2b[1024], res_2b[1024], r_min_3b[1024], r_max_3b[1024], res_3b[1024],
      res_3b_jk[1024];
  double r_min_margin;
  Uf3FitSettings fit;
  char output[UFP_PATH_MAX];
  int overwrite, plot;
} Settings;

static UfpErrorCode read_settings(MPI_Comm comm, Settings *s)
{
  memset(s, 0, sizeof *s);
  s->validation_fraction = 0.1;
  s->seed = 1;
  s->degree = 3;
  s->trail = 3;
  s->r_min_margin = 0.5;
  s->fit.prior_2b = UF3_PRIOR_ZBL;
  s->fit.coverage = 1e-8;
  snprintf(s->r_max_2b, sizeof s->r_max_2b, "5.5");
  snprintf(s->res_2b, sizeof s->res_2b, "20");
  snprintf(s->r_max_3b, sizeof s->r_max_3b, "4.0");
  snprintf(s->res_3b, sizeof s->res_3b, "5");
  snprintf(s->res_3b_jk, sizeof s->res_3b_jk, "10");
  snprintf(s->energy_key, sizeof s->energy_key, "energy");
  snprintf(s->forces_key, sizeof s->forces_key, "forces");
  snprintf(s->weight_key, sizeof s->weight_key, "weight");
  snprintf(s->output, sizeof s->output, "ufp");
  s->fit.energy_weight = 100.0;
  s->fit.force_weight = 1.0;
  s->fit.ridge[0] = 1e-8;
  s->fit.ridge[1] = 1e-8;
  s->fit.ridge[2] = 1e-7;
  s->fit.curvature[1] = 1e-6;
  s->fit.curvature[2] = 1e-6;
  s->fit.offset_ridge = 1e-8;
  s->fit.rcond_min = 1e-13;
  s->plot = 1;
  UfpOptions o = NULL;
  UfpCall(UfpOptionsBegin(comm, NULL, "train-ufp: UF3 potential fit", &o));
  UfpCall(UfpOptionsString(o, "-data", "training data: extxyz files, comma-separated", "FitSetData", s->data,
                           sizeof s->data, NULL));
  UfpCall(UfpOptionsString(o, "-data_dataset",
                           "dataset (shared energy zero) of each file, comma-separated "
                           "(default: one per file)",
                           "FitSetDataset", s->datasets, sizeof s->datasets, NULL));
  UfpCall(UfpOptionsString(o, "-data_role",
                           "role of each file: split, train, validation or test (default split)",
                           "FitSetRole", s->roles, sizeof s->roles, NULL));
  UfpCall(UfpOptionsString(o, "-data_weight", "weight of each file, comma-separated (default 1)",
                           "FitSetWeight", s->weights, sizeof s->weights, NULL));
  UfpCall(UfpOptionsString(o, "-data_energy",
                           "energy use per dataset: NAME=reference|offset|none,... (default: "
                           "the first dataset reference, the others offset)",
                           "FitSetEnergyMode", s->energy, sizeof s->energy, NULL));
  UfpCall(UfpOptionsReal(o, "-data_validation_fraction",
                         "fraction of each split file held out for validation", "",
                         "FitSetValidationFraction", &s->validation_fraction));
  UfpCall(UfpOptionsReal(o, "-data_test_fraction", "fraction of each split file held out for testing", "",
                         "FitSetTestFraction", &s->test_fraction));
  UfpCall(UfpOptionsInt(o, "-data_seed", "seed of the split and the folds", "", "FitSetSeed", &s->seed));
  UfpCall(UfpOptionsInt(o, "-data_kfold", "k-fold cross-validation over the training frames (0: none)", "",
                        "FitSetKFold", &s->kfold));
  UfpCall(UfpOptionsString(o, "-data_elements", "element order of the model (default: all found, by Z)",
                           "FitSetElements", s->elements, sizeof s->elements, NULL));
  UfpCall(UfpOptionsString(o, "-data_energy_key", "per-frame energy key (eV)", "FitSetEnergyKey",
                           s->energy_key, sizeof s->energy_key, NULL));
  UfpCall(UfpOptionsString(o, "-data_forces_key", "per-atom force column (eV/Å)", "FitSetForcesKey",
                           s->forces_key, sizeof s->forces_key, NULL));
  UfpCall(UfpOptionsString(o, "-data_weight_key", "per-frame weight key (absent: 1)", "FitSetWeightKey",
                           s->weight_key, sizeof s->weight_key, NULL));
  UfpCall(UfpOptionsInt(o, "-basis_degree", "2 (pairs) or 3 (pairs and triplets)", "", "FitSetDegree",
                        &s->degree));
  UfpCall(UfpOptionsString(o, "-basis_r_min_2b",
                           "first pair knot, Å: default and A-B=value overrides (default: "
                           "closest approach in the data minus the margin)",
                           "FitSetPairRMin", s->r_min_2b, sizeof s->r_min_2b, NULL));
  UfpCall(UfpOptionsReal(o, "-basis_r_min_margin",
                         "margin below the closest approach for automatic pair r_min", "Å",
                         "FitSetRMinMargin", &s->r_min_margin));
  UfpCall(UfpOptionsString(o, "-basis_r_max_2b", "pair cutoff, Å (default, A-B=value)", "FitSetPairRMax",
                           s->r_max_2b, sizeof s->r_max_2b, NULL));
  UfpCall(UfpOptionsString(o, "-basis_resolution_2b", "pair knot intervals (default, A-B=value)",
                           "FitSetPairResolution", s->res_2b, sizeof s->res_2b, NULL));
  UfpCall(UfpOptionsString(o, "-basis_r_min_3b",
                           "first 3-body knot, Å (default, A-B-C=value; default: the "
                           "smallest pair r_min of the triplet, so that MD stops at a pair's "
                           "first knot before any pair reaches the step where a 3-body term "
                           "begins)",
                           "FitSetTripletRMin", s->r_min_3b, sizeof s->r_min_3b, NULL));
  UfpCall(UfpOptionsString(o, "-basis_r_max_3b",
                           "3-body r_ij = r_ik cutoff, Å; r_jk reaches twice it (default, "
                           "A-B-C=value)",
                           "FitSetTripletRMax", s->r_max_3b, sizeof s->r_max_3b, NULL));
  UfpCall(UfpOptionsString(o, "-basis_resolution_3b",
                           "3-body r_ij, r_ik knot intervals (default, A-B-C=value)",
                           "FitSetTripletResolution", s->res_3b, sizeof s->res_3b, NULL));
  UfpCall(UfpOptionsString(o, "-basis_resolution_3b_jk", "3-body r_jk knot intervals (default, A-B-C=value)",
                           "FitSetTripletResolutionJK", s->res_3b_jk, sizeof s->res_3b_jk, NULL));
  UfpCall(UfpOptionsInt(o, "-basis_leading_trim", "leading coefficients fixed at zero", "",
                        "FitSetLeadingTrim", &s->lead));
  UfpCall(UfpOptionsInt(o, "-basis_leading_trim_3b",
                        "3-body leading coefficients fixed at zero in every dimension "
                        "(3: the term fades in smoothly at r_min)",
                        "", "FitSetLeadingTrim3B", &s->lead3));
  UfpCall(UfpOptionsInt(o, "-basis_trailing_trim",
                        "trailing coefficients fixed at zero (3: V, V', V'' vanish at "
                        "the cutoff; LAMMPS needs 3)",
                        "", "FitSetTrailingTrim", &s->trail));
  UfpCall(UfpOptionsReal(o, "-fit_energy_weight", "weight of the mean squared energy error", "(eV/atom)^-2",
                         "FitSetEnergyWeight", &s->fit.energy_weight));
  UfpCall(UfpOptionsReal(o, "-fit_force_weight", "weight of the mean squared force-component error",
                         "(eV/Å)^-2", "FitSetForceWeight", &s->fit.force_weight));
  UfpCall(UfpOptionsReal(o, "-fit_virial_weight", "weight of the mean squared virial error (0: not fitted)",
                         "(eV/atom)^-2", "FitSetVirialWeight", &s->fit.virial_weight));
  UfpCall(UfpOptionsChoice(o, "-fit_prior_2b",
                           "pair prior the penalties pull towards where data are missing "
                           "(zbl: screened nuclear repulsion; none: zero)",
                           "FitSetPairPrior", prior_choices, 2, &s->fit.prior_2b));
  UfpCall(UfpOptionsReal(o, "-fit_coverage",
                         "pin coefficients whose data curvature is below this fraction of "
                         "their block's largest to the prior (0: off)",
                         "", "FitSetCoverage", &s->fit.coverage));
  UfpCall(UfpOptionsReal(o, "-fit_ridge_1b", "ridge on one-body corrections", "", "FitSetRidge1B",
                         &s->fit.ridge[0]));
  UfpCall(UfpOptionsReal(o, "-fit_ridge_2b", "ridge on pair coefficients", "", "FitSetRidge2B",
                         &s->fit.ridge[1]));
  UfpCall(UfpOptionsReal(o, "-fit_ridge_3b", "ridge on triplet coefficients", "", "FitSetRidge3B",
                         &s->fit.ridge[2]));
  UfpCall(UfpOptionsReal(o, "-fit_curvature_2b", "curvature penalty on pair coefficients", "",
                         "FitSetCurvature2B", &s->fit.curvature[1]));
  UfpCall(UfpOptionsReal(o, "-fit_curvature_3b", "curvature penalty on triplet coefficients", "",
                         "FitSetCurvature3B", &s->fit.curvature[2]));
  UfpCall(UfpOptionsReal(o, "-fit_offset_ridge", "ridge on dataset energy offsets", "", "FitSetOffsetRidge",
                         &s->fit.offset_ridge));
  UfpCall(UfpOptionsReal(o, "-fit_rcond_min",
                         "Cholesky accepted above this reciprocal condition number, else the "
                         "eigen-decomposition drops smaller eigenvalues",
                         "", "FitSetRcondMin", &s->fit.rcond_min));
  UfpCall(
      UfpOptionsString(o, "-fit_output", "output prefix", "FitSetOutput", s->output, sizeof s->output, NULL));
  UfpCall(UfpOptionsBool(o, "-fit_overwrite", "replace existing outputs", "FitSetOverwrite", &s->overwrite));
  UfpCall(UfpOptionsBool(o, "-fit_plot", "draw the parity plot (gnuplot)", "FitSetPlot", &s->plot));
  UfpCall(UfpOptionsEnd(&o));
  s->fit.kfold = (int)s->kfold;
  return UFP_SUCCESS;
}

/* One value per interaction: "default,A-B=v,...".  keys have `body`
 * elements; value[] is indexed like the basis spec (pairs both orders,
 * triplets both neighbour orders).  Returns whether a default was given. */
static UfpErrorCode parse_map(const char *option, const char *text, const FitData *data, int body,
                              double *value, int *given)
{
  int nel = data->nelements, n = 1;
  for (int k = 0; k < body; k++)
    n *= nel;
  for (int k = 0; k < n; k++)
    given[k] = 0;
  char buf[1024], *items[128];
  snprintf(buf, sizeof buf, "%s", text);
  int count = UfpSplitList(buf, items, 128);
  for (int q = 0; q < count; q++) {
    char *eq = strchr(items[q], '='), *end;
    double v = strtod(eq ? eq + 1 : items[q], &end);
    UfpCheck(end != (eq ? eq + 1 : items[q]) && *end == '\0' && isfinite(v), UFP_ERR_USAGE,
             "%s: \"%s\" is not a number or KEY=number", option, items[q]);
    if (!eq) {
      for (int k = 0; k < n; k++)
        if (!given[k]) value[k] = v;
      continue;
    }
    *eq = '\0';
    char key[64], *parts[3];
    snprintf(key, sizeof key, "%s", items[q]);
    int np = 0;
    for (char *tok = strtok(key, "-"); tok && np < 3; tok = strtok(NULL, "-"))
      parts[np++] = tok;
    UfpCheck(np == body, UFP_ERR_USAGE, "%s: key \"%s\" must name %d elements joined by '-'", option,
             items[q], body);
    int idx[3];
    for (int k = 0; k < body; k++) {
      idx[k] = -1;
      for (int a = 0; a < nel; a++)
        if (strcmp(parts[k], data->elements[a]) == 0) idx[k] = a;
      UfpCheck(idx[k] >= 0, UFP_ERR_USAGE, "%s: \"%s\" is not an element of the data", option, parts[k]);
    }
    if (body == 2) {
      value[idx[0] * nel + idx[1]] = value[idx[1] * nel + idx[0]] = v;
      given[idx[0] * nel + idx[1]] = given[idx[1] * nel + idx[0]] = 1;
    } else {
      value[(idx[0] * nel + idx[1]) * nel + idx[2]] = value[(idx[0] * nel + idx[2]) * nel + idx[1]] = v;
      given[(idx[0] * nel + idx[1]) * nel + idx[2]] = given[(idx[0] * nel + idx[2]) * nel + idx[1]] = 1;
    }
  }
  return UFP_SUCCESS;
}

/* Closest approach of every element pair over all frames (Å). */
static UfpErrorCode closest_approach(MPI_Comm comm, const FitData *data, double *dmin)
{
  int nel = data->nelements, rank = UfpCommRank(comm), size = UfpCommSize(comm);
  for (int k = 0; k < nel * nel; k++)
    dmin[k] = INFINITY;
  UfpErrorCode ierr = UFP_SUCCESS;
  for (int k = rank; k < data->nframes && !ierr; k += size) {
    const FitFrame *f = &data->frames[k];
    double lattice[3][3];
    int pbc[3];
    UfpCell cell;
    UfpNeighborList *list = NULL;
    ierr = Uf3FeaturesCell(f->s, lattice, pbc);
    if (!ierr) ierr = UfpCellSetup(&cell, lattice, pbc);
    if (!ierr && f->s->has_lattice)
      ierr = UfpNeighborListBuild(&cell, f->s->natoms, (const double(*)[3])f->s->x, 3.5, &list);
    if (!ierr && list)
      for (int i = 0; i < f->s->natoms; i++)
        for (int64_t e = list->offset[i]; e < list->offset[i + 1]; e++) {
          int p = f->species[i] * nel + f->species[list->j[e]];
          if (list->r[e] < dmin[p]) dmin[p] = list->r[e];
        }
    UfpNeighborListDestroy(&list);
  }
  UfpCall(UfpErrorSync(comm, ierr));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, dmin, nel * nel, MPI_DOUBLE, MPI_MIN, comm));
  return UFP_SUCCESS;
}

static UfpErrorCode make_basis(MPI_Comm comm, const Settings *set, const FitData *data, Uf3FitBasis **basis)
{
  int nel = data->nelements, n2 = nel * nel, n3 = nel * nel * nel;
  Uf3FitBasisSpec spec = {.nelements = nel,
                          .elements = data->elements,
                          .degree = (int)set->degree,
                          .leading_trim = (int)set->lead,
                          .trailing_trim = (int)set->trail,
                          .leading_trim_3b = (int)set->lead3};
  double *v2, *v3, *dmin;
  int *given2, *given3;
  UfpCall(UfpCalloc(n2, &spec.pair));
  UfpCall(UfpCalloc(n3, &spec.triplet));
  UfpCall(UfpCalloc(n2, &v2));
  UfpCall(UfpCalloc(n3, &v3));
  UfpCall(UfpCalloc(n2, &dmin));
  UfpCall(UfpCalloc(n2, &given2));
  UfpCall(UfpCalloc(n3, &given3));
  UfpCall(closest_approach(comm, data, dmin));
  UfpCall(parse_map("-basis_r_min_2b", set->r_min_2b, data, 2, v2, given2));
  for (int p = 0; p < n2; p++) {
    double r = given2[p] || set->r_min_2b[0] ? v2[p] : dmin[p] - set->r_min_margin;
    if (!(given2[p] || set->r_min_2b[0])) {
      if (!isfinite(dmin[p])) r = 1.0; /* pair never closer than 3.5 Å: any low start */
      r = floor(r / 0.05) * 0.05;
      if (r < 0.5) r = 0.5;
    }
    spec.pair[p].r_min = r;
  }
  UfpCall(parse_map("-basis_r_max_2b", set->r_max_2b, data, 2, v2, given2));
  for (int p = 0; p < n2; p++)
    spec.pair[p].r_max = v2[p];
  UfpCall(parse_map("-basis_resolution_2b", set->res_2b, data, 2, v2, given2));
  for (int p = 0; p < n2; p++)
    spec.pair[p].resolution = (int)lround(v2[p]);
  if (set->degree == 3) {
    UfpCall(parse_map("-basis_r_min_3b", set->r_min_3b, data, 3, v3, given3));
    for (int a = 0; a < nel; a++)
      for (int b = 0; b < nel; b++)
        for (int c = 0; c < nel; c++) {
          int t = (a * nel + b) * nel + c;
          double r = fmin(spec.pair[a * nel + b].r_min,
                          fmin(spec.pair[a * nel + c].r_min, spec.pair[b * nel + c].r_min));
          spec.triplet[t].r_min = spec.triplet[t].r_min_jk = given3[t] || set->r_min_3b[0] ? v3[t] : r;
        }
    UfpCall(parse_map("-basis_r_max_3b", set->r_max_3b, data, 3, v3, given3));
    for (int t = 0; t < n3; t++)
      spec.triplet[t].r_max = v3[t];
    UfpCall(parse_map("-basis_resolution_3b", set->res_3b, data, 3, v3, given3));
    for (int t = 0; t < n3; t++)
      spec.triplet[t].resolution = (int)lround(v3[t]);
    UfpCall(parse_map("-basis_resolution_3b_jk", set->res_3b_jk, data, 3, v3, given3));
    for (int t = 0; t < n3; t++)
      spec.triplet[t].resolution_jk = (int)lround(v3[t]);
  }
  UfpErrorCode ierr = Uf3FitBasisCreate(&spec, basis);
  if (!ierr) {
    UfpInfo(comm, "train-ufp: pair knots (r_min..r_max Å / intervals):");
    for (int a = 0; a < nel; a++)
      for (int b = a; b < nel; b++)
        UfpInfo(comm, " %s-%s %.2f..%.2f/%d", data->elements[a], data->elements[b],
                spec.pair[a * nel + b].r_min, spec.pair[a * nel + b].r_max,
                spec.pair[a * nel + b].resolution);
    UfpInfo(comm, "\n");
  }
  UfpFree(&spec.pair);
  UfpFree(&spec.triplet);
  UfpFree(&v2);
  UfpFree(&v3);
  UfpFree(&dmin);
  UfpFree(&given2);
  UfpFree(&given3);
  return ierr;
}

static double seconds(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Cross-validation: each fold's model on that fold's training frames. */
static UfpErrorCode cross_validate(MPI_Comm comm, Uf3Fit fit, FitData *data, int kfold)
{
  int n = Uf3FitColumns(fit), nel = data->nelements;
  double *u;
  UfpCall(UfpCalloc(n, &u));
  double e2 = 0, ne = 0, f2 = 0, nf = 0;
  for (int fold = 0; fold < kfold; fold++) {
    Uf3Potential *pot = NULL;
    FitReport *rep = NULL;
    UfpCall(Uf3FitSolve(fit, fold, u, NULL));
    UfpCall(Uf3FitPotential(fit, u, &pot));
    UfpErrorCode ierr = FitReportCreate(comm, fit, data, u, pot, &rep);
    for (int k = 0; k < data->nframes && !ierr; k++) {
      const FitFrame *f = &data->frames[k];
      if (f->role != FIT_TRAIN || f->fold != fold) continue;
      if (f->has_energy && data->datasets[f->dataset].energy_mode != FIT_ENERGY_NONE) {
        double d = (rep->energy_pred[k] - f->energy) / f->s->natoms;
        e2 += d * d;
        ne += 1;
      }
      for (int i = 0; f->forces && i < 3 * f->s->natoms; i++) {
        double d = rep->forces_pred[3 * rep->atom_offset[k] + i] - f->forces[i];
        f2 += d * d;
        nf += 1;
      }
    }
    FitReportDestroy(&rep);
    Uf3PotentialDestroy(&pot);
    UfpCall(ierr);
  }
  (void)nel;
  UfpInfo(comm, "train-ufp: %d-fold cross-validation: energy RMSE %.2f meV/atom, force RMSE %.1f meV/Å\n",
          kfold, ne > 0 ? 1e3 * sqrt(e2 / ne) : NAN, nf > 0 ? 1e3 * sqrt(f2 / nf) : NAN);
  UfpFree(&u);
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm)
{
  Settings set;
  UfpCall(read_settings(comm, &set));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  if (UfpVersionRequested()) {
    UfpInfo(comm, "train-ufp %s (%s)\n", UFP_VERSION, UFP_GIT_HASH);
    return UFP_SUCCESS;
  }
  UfpCheck(set.data[0], UFP_ERR_USAGE, "no training data: give -data FILE[,FILE...] (see -help)");
  double t0 = seconds();
  char *paths[256], *dsn[256], *roles_s[256], *weights_s[256], *modes_s[64], *elements_s[64];
  int nfiles = UfpSplitList(set.data, paths, 256);
  int nds = set.datasets[0] ? UfpSplitList(set.datasets, dsn, 256) : 0;
  int nroles = set.roles[0] ? UfpSplitList(set.roles, roles_s, 256) : 0;
  int nweights = set.weights[0] ? UfpSplitList(set.weights, weights_s, 256) : 0;
  int nmodes = set.energy[0] ? UfpSplitList(set.energy, modes_s, 64) : 0;
  int nelem = set.elements[0] ? UfpSplitList(set.elements, elements_s, 64) : 0;
  UfpCheck(nds == 0 || nds == nfiles, UFP_ERR_USAGE, "-data_dataset names %d datasets for %d files", nds,
           nfiles);
  UfpCheck(nroles == 0 || nroles == nfiles, UFP_ERR_USAGE, "-data_role gives %d roles for %d files", nroles,
           nfiles);
  UfpCheck(nweights == 0 || nweights == nfiles, UFP_ERR_USAGE, "-data_weight gives %d weights for %d files",
           nweights, nfiles);
  int roles[256], modes[64];
  double weights[256];
  const char *mode_names[64];
  for (int f = 0; f < nroles; f++) {
    roles[f] = -1;
    for (int c = 0; c < 4; c++)
      if (strcmp(roles_s[f], role_choices[c]) == 0) roles[f] = c == 3 ? FIT_SPLIT : c;
    UfpCheck(roles[f] >= 0, UFP_ERR_USAGE, "-data_role: \"%s\" is not split, train, validation or test",
             roles_s[f]);
  }
  for (int f = 0; f < nweights; f++) {
    char *end;
    weights[f] = strtod(weights_s[f], &end);
    UfpCheck(*end == '\0' && weights[f] >= 0, UFP_ERR_USAGE, "-data_weight: \"%s\" is not a weight >= 0",
             weights_s[f]);
  }
  for (int m = 0; m < nmodes; m++) {
    char *eq = strchr(modes_s[m], '=');
    UfpCheck(eq, UFP_ERR_USAGE, "-data_energy: \"%s\" is not NAME=reference|offset|none", modes_s[m]);
    *eq = '\0';
    mode_names[m] = modes_s[m];
    modes[m] = -1;
    for (int c = 0; c < 3; c++)
      if (strcmp(eq + 1, energy_choices[c]) == 0) modes[m] = c;
    UfpCheck(modes[m] >= 0, UFP_ERR_USAGE, "-data_energy: \"%s\" is not reference, offset or none", eq + 1);
  }
  FitDataSpec ds = {.nfiles = nfiles,
                    .paths = (const char *const *)paths,
                    .datasets = nds ? (const char *const *)dsn : NULL,
                    .roles = nroles ? roles : NULL,
                    .weights = nweights ? weights : NULL,
                    .ndataset_modes = nmodes,
                    .mode_names = mode_names,
                    .modes = modes,
                    .nelements = nelem,
                    .elements = (const char *const *)elements_s,
                    .validation_fraction = set.validation_fraction,
                    .test_fraction = set.test_fraction,
                    .seed = (uint64_t)set.seed,
                    .kfold = (int)set.kfold,
                    .energy_key = set.energy_key,
                    .forces_key = set.forces_key,
                    .weight_key = set.weight_key};
  FitData *data = NULL;
  UfpCall(FitDataLoad(&ds, &data));
  UfpInfo(comm, "train-ufp: %d frames from %d files (%d duplicates dropped), elements", data->nframes, nfiles,
          data->nduplicates);
  for (int e = 0; e < data->nelements; e++)
    UfpInfo(comm, " %s", data->elements[e]);
  UfpInfo(comm, "\n");
  for (int d = 0; d < data->ndatasets; d++)
    UfpInfo(comm, "train-ufp: dataset %s: energies %s; %d train, %d validation, %d test frames\n",
            data->datasets[d].name, energy_choices[data->datasets[d].energy_mode],
            data->datasets[d].nframes[0], data->datasets[d].nframes[1], data->datasets[d].nframes[2]);

  /* Outputs refused early if they exist. */
  char path_uf3[UFP_PATH_MAX + 16], path_json[UFP_PATH_MAX + 16], path_h5[UFP_PATH_MAX + 16],
      path_png[UFP_PATH_MAX + 16];
  snprintf(path_uf3, sizeof path_uf3, "%s.uf3", set.output);
  snprintf(path_json, sizeof path_json, "%s.json", set.output);
  snprintf(path_h5, sizeof path_h5, "%s_report.h5", set.output);
  snprintf(path_png, sizeof path_png, "%s_parity.png", set.output);
  const char *outs[4] = {path_uf3, path_json, path_h5, path_png};
  for (int q = 0; q < 4 && !set.overwrite; q++)
    UfpCheck(!UfpFileExists(comm, outs[q]), UFP_ERR_IO, "%s exists (use -fit_overwrite to replace it)",
             outs[q]);

  Uf3FitBasis *basis = NULL;
  UfpCall(make_basis(comm, &set, data, &basis));
  Uf3Fit fit = NULL;
  UfpCall(Uf3FitCreate(comm, basis, data, &set.fit, &fit));
  int ncols = Uf3FitColumns(fit);
  UfpInfo(comm, "train-ufp: %d unknowns (%d one-body, %d dataset offsets); force-row widths", ncols,
          data->nelements, ncols - basis->ncols);
  for (int e = 0; e < data->nelements; e++)
    UfpInfo(comm, " %s %d", data->elements[e], basis->group_ncols[e]);
  UfpInfo(comm, "; normal matrices %.0f MB per rank\n",
          (set.kfold > 1 ? set.kfold : 1) * 8.0 * ncols * (double)ncols / 1e6);
  double t1 = seconds();
  UfpCall(Uf3FitAccumulate(fit, 1));
  double t2 = seconds();
  double *u;
  UfpCall(UfpCalloc(ncols, &u));
  UfpSpdInfo info;
  UfpCall(Uf3FitSolve(fit, -1, u, &info));
  double t3 = seconds();
  UfpInfo(comm,
          "train-ufp: solved by %s (reciprocal condition %.2e%s); %d of %d coefficients pinned to the prior "
          "for lack of data; read %.1f s, normal equations %.1f s, solve %.1f s\n",
          info.method == UFP_SPD_CHOLESKY ? "Cholesky" : "eigen-decomposition", info.rcond,
          info.method == UFP_SPD_EIGEN ? ", small eigenvalues dropped" : "", Uf3FitPinned(fit), ncols,
          t1 - t0, t2 - t1, t3 - t2);
  Uf3Potential *pot = NULL;
  UfpCall(Uf3FitPotential(fit, u, &pot));
  FitReport *rep = NULL;
  UfpCall(FitReportCreate(comm, fit, data, u, pot, &rep));
  FitReportPrint(comm, data, rep);
  if (set.kfold > 1) UfpCall(cross_validate(comm, fit, data, (int)set.kfold));

  char *options = NULL;
  UfpCall(UfpOptionsGetAll(&options));
  UfpProvenance *prov = NULL;
  UfpCall(UfpProvenanceCreate(comm, "train-ufp", options, &prov));
  free(options);
  for (int f = 0; f < nfiles; f++)
    UfpCall(UfpProvenanceAddInput(prov, data->paths[f]));
  UfpCall(Uf3PotentialWrite(comm, path_uf3, set.overwrite, pot));
  UfpCall(Uf3PotentialWriteJson(comm, path_json, set.overwrite, pot));
  UfpCall(FitReportWrite(comm, path_h5, set.overwrite, data, rep, pot, prov));
  if (set.plot) UfpCall(FitReportPlot(comm, path_png, set.overwrite, data, rep));
  UfpInfo(comm, "train-ufp: wrote %s, %s, %s%s%s; %.1f s in all\n", path_uf3, path_json, path_h5,
          set.plot ? ", " : "", set.plot ? path_png : "", seconds() - t0);
  UfpProvenanceDestroy(&prov);
  FitReportDestroy(&rep);
  Uf3PotentialDestroy(&pot);
  UfpFree(&u);
  Uf3FitDestroy(&fit);
  Uf3FitBasisDestroy(&basis);
  FitDataDestroy(&data);
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "train-ufp", code);
  UfpFinalize();
  return status;
}
