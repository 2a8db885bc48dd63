/* fit_report.c -- see fit_report.h for the metrics and the schema. */
#include "fit_report.h"

#include "gnuplot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell.h"
#include "image_list.h"
#include "parallel.h"
#include "safe_output.h"
#include "uf3_features.h"
#include "uf3_force.h"

static const char *role_names[3] = {"train", "validation", "test"};

static UfpErrorCode predict_frame(Uf3Force force, const FitFrame *f, double *energy, double *forces, double *virial)
{
  const UfpStructure *s = f->s;
  double lattice[3][3];
  int pbc[3];
  UfpCall(Uf3FeaturesCell(s, lattice, pbc));
  UfpCell cell;
  UfpCall(UfpCellSetup(&cell, lattice, pbc));
  double(*x)[3];
  UfpCall(UfpCalloc(s->natoms, &x));
  memcpy(x, s->x, sizeof(double) * 3 * s->natoms);
  if (!s->has_lattice)
    for (int k = 0; k < 3; k++) {
      double lo = 0;
      for (int i = 0; i < s->natoms; i++)
        if (i == 0 || s->x[i][k] < lo) lo = s->x[i][k];
      for (int i = 0; i < s->natoms; i++)
        x[i][k] += 1.0 - lo;
    }
  Uf3ImageList *list = NULL;
  UfpErrorCode ierr = Uf3ImageListBuild(&cell, s->natoms, (const double(*)[3])x, Uf3ForceCutoff(force), &list);
  if (!ierr) {
    Uf3Result result = {.f = (double(*)[3])forces};
    ierr = Uf3ForceCompute(force, s->natoms, (const double(*)[3])x, f->species, &list->view, &result);
    *energy = result.energy;
    memcpy(virial, result.virial, sizeof(double) * 9);
  }
  Uf3ImageListDestroy(&list);
  UfpFree(&x);
  return ierr;
}

/* Accumulators of one (dataset, role) cell. */
typedef struct {
  double e2, e1, ne, v2, nv;
  double *f2, *f1, *nf; /* nel + 1 */
} Tally;

UfpErrorCode FitReportCreate(MPI_Comm comm, Uf3Fit fit, FitData *data, const double *solution,
                             const Uf3Potential *pot, FitReport **report_out)
{
  FitReport *rep;
  UfpCall(UfpCalloc(1, &rep));
  *report_out = rep;
  int nf = data->nframes, nel = data->nelements, nds = data->ndatasets, rank = UfpCommRank(comm);
  rep->nframes = nf;
  rep->nelements = nel;
  rep->ndatasets = nds;
  UfpCall(UfpCalloc(nf + 1, &rep->atom_offset));
  for (int k = 0; k < nf; k++)
    rep->atom_offset[k + 1] = rep->atom_offset[k] + data->frames[k].s->natoms;
  int64_t natoms = rep->atom_offset[nf];
  UfpCall(UfpCalloc(nf > 0 ? nf : 1, &rep->energy_pred));
  UfpCall(UfpCalloc(natoms > 0 ? 3 * natoms : 1, &rep->forces_pred));
  UfpCall(UfpCalloc(nf > 0 ? 9 * nf : 1, &rep->virial_pred));
  UfpCall(UfpCalloc(nds * nel, &rep->dataset_one_body));
  for (int d = 0; d < nds; d++)
    Uf3FitDatasetOneBody(fit, d, solution, rep->dataset_one_body + d * nel);

  Uf3Force force = NULL;
  UfpCall(Uf3ForceCreate(pot, &force));
  UfpErrorCode ierr = UFP_SUCCESS;
  for (int k = 0; k < nf && !ierr; k++) {
    if (Uf3FitOwner(fit, k) != rank) continue;
    const FitFrame *f = &data->frames[k];
    double e;
    ierr = predict_frame(force, f, &e, rep->forces_pred + 3 * rep->atom_offset[k], rep->virial_pred + 9 * k);
    if (ierr) {
      char where[1200];
      FitDataWhere(data, f, where, sizeof where);
      ierr = UfpError(ierr, "predicting %s", where);
      break;
    }
    /* The dataset's zero: swap the model's one-body energies for its own. */
    const double *e1 = rep->dataset_one_body + f->dataset * nel;
    for (int i = 0; i < f->s->natoms; i++)
      e += e1[f->species[i]] - pot->one_body[f->species[i]];
    rep->energy_pred[k] = e;
  }
  Uf3ForceDestroy(&force);
  UfpCall(UfpErrorSync(comm, ierr));
  UfpCall(UfpAllreduceSumDouble(comm, rep->energy_pred, nf));
  for (int64_t start = 0; start < 3 * natoms; start += 1 << 24) {
    int count = (int)(3 * natoms - start < (1 << 24) ? 3 * natoms - start : (1 << 24));
    UfpCall(UfpAllreduceSumDouble(comm, rep->forces_pred + start, count));
  }
  UfpCall(UfpAllreduceSumDouble(comm, rep->virial_pred, 9 * nf));

  /* Metrics. */
  int ncell = (nds + 1) * 3;
  Tally *t;
  UfpCall(UfpCalloc(ncell, &t));
  double *store;
  UfpCall(UfpCalloc((size_t)ncell * 3 * (nel + 1), &store));
  for (int c = 0; c < ncell; c++) {
    t[c].f2 = store + (size_t)c * 3 * (nel + 1);
    t[c].f1 = t[c].f2 + nel + 1;
    t[c].nf = t[c].f1 + nel + 1;
  }
  UfpCall(UfpCalloc(ncell, &rep->frames));
  for (int k = 0; k < nf; k++) {
    const FitFrame *f = &data->frames[k];
    int cells[2] = {f->dataset * 3 + f->role, nds * 3 + f->role};
    int n = f->s->natoms;
    int energy = f->has_energy && data->datasets[f->dataset].energy_mode != FIT_ENERGY_NONE;
    double de = energy ? (rep->energy_pred[k] - f->energy) / n : 0.0;
    for (int q = 0; q < 2; q++) {
      Tally *c = &t[cells[q]];
      rep->frames[cells[q]]++;
      if (energy) {
        c->e2 += de * de;
        c->e1 += fabs(de);
        c->ne += 1;
      }
      if (f->has_virial)
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++) {
            double dv = (rep->virial_pred[9 * k + 3 * a + b] - f->virial[a][b]) / n;
            c->v2 += dv * dv;
            c->nv += 1;
          }
      if (f->forces)
        for (int i = 0; i < n; i++)
          for (int a = 0; a < 3; a++) {
            double df = rep->forces_pred[3 * (rep->atom_offset[k] + i) + a] - f->forces[3 * i + a];
            int es[2] = {f->species[i], nel};
            for (int z = 0; z < 2; z++) {
              c->f2[es[z]] += df * df;
              c->f1[es[z]] += fabs(df);
              c->nf[es[z]] += 1;
            }
          }
    }
  }
  UfpCall(UfpCalloc(ncell, &rep->energy_rmse));
  UfpCall(UfpCalloc(ncell, &rep->energy_mae));
  UfpCall(UfpCalloc(ncell, &rep->virial_rmse));
  UfpCall(UfpCalloc((size_t)ncell * (nel + 1), &rep->force_rmse));
  UfpCall(UfpCalloc((size_t)ncell * (nel + 1), &rep->force_mae));
  for (int c = 0; c < ncell; c++) {
    rep->energy_rmse[c] = t[c].ne > 0 ? 1e3 * sqrt(t[c].e2 / t[c].ne) : NAN;
    rep->energy_mae[c] = t[c].ne > 0 ? 1e3 * t[c].e1 / t[c].ne : NAN;
    rep->virial_rmse[c] = t[c].nv > 0 ? 1e3 * sqrt(t[c].v2 / t[c].nv) : NAN;
    for (int e = 0; e <= nel; e++) {
      rep->force_rmse[c * (nel + 1) + e] = t[c].nf[e] > 0 ? 1e3 * sqrt(t[c].f2[e] / t[c].nf[e]) : NAN;
      rep->force_mae[c * (nel + 1) + e] = t[c].nf[e] > 0 ? 1e3 * t[c].f1[e] / t[c].nf[e] : NAN;
    }
  }
  UfpFree(&store);
  UfpFree(&t);
  return UFP_SUCCESS;
}

UfpErrorCode FitReportDestroy(FitReport **rep_ptr)
{
  if (!rep_ptr || !*rep_ptr) return UFP_SUCCESS;
  FitReport *rep = *rep_ptr;
  UfpFree(&rep->atom_offset);
  UfpFree(&rep->energy_pred);
  UfpFree(&rep->forces_pred);
  UfpFree(&rep->virial_pred);
  UfpFree(&rep->dataset_one_body);
  UfpFree(&rep->energy_rmse);
  UfpFree(&rep->energy_mae);
  UfpFree(&rep->virial_rmse);
  UfpFree(&rep->force_rmse);
  UfpFree(&rep->force_mae);
  UfpFree(&rep->frames);
  UfpFree(rep_ptr);
  return UFP_SUCCESS;
}

void FitReportPrint(MPI_Comm comm, const FitData *data, const FitReport *rep)
{
  if (UfpCommRank(comm) != 0) return;
  int nel = rep->nelements;
  printf("train-ufp errors (RMSE / MAE): energy meV/atom, forces meV/Å, virial meV/atom\n");
  printf("%-28s %-10s %6s %17s %17s", "dataset", "set", "frames", "energy", "forces");
  for (int e = 0; e < nel; e++)
    printf(" %10s", data->elements[e]);
  printf(" %9s\n", "virial");
  for (int d = 0; d <= rep->ndatasets; d++)
    for (int role = 0; role < 3; role++) {
      int c = d * 3 + role;
      if (rep->frames[c] == 0) continue;
      const char *name = d < rep->ndatasets ? data->datasets[d].name : "all";
      size_t len = strlen(name);
      printf("%-28s %-10s %6d %8.2f /%7.2f %8.1f /%7.1f", len > 28 ? name + len - 28 : name, role_names[role],
             rep->frames[c], rep->energy_rmse[c], rep->energy_mae[c], rep->force_rmse[c * (nel + 1) + nel],
             rep->force_mae[c * (nel + 1) + nel]);
      for (int e = 0; e < nel; e++)
        printf(" %10.1f", rep->force_rmse[c * (nel + 1) + e]);
      printf(" %9.2f\n", rep->virial_rmse[c]);
    }
  fflush(stdout);
}

static UfpErrorCode write_array(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                                const void *buf, int root)
{
  hid_t dset = H5I_INVALID_HID;
  UfpCall(UfpH5CreateDataset(loc, name, type, rank, dims, 0, &dset));
  UfpErrorCode ierr = UfpH5WriteSlab(dset, type, 0, root ? dims[0] : 0, buf);
  UfpH5Close(&dset);
  return ierr;
}

static UfpErrorCode write_report(MPI_Comm comm, const char *partial, const FitData *data, const FitReport *rep,
                                 const Uf3Potential *pot, const UfpProvenance *prov)
{
  int root = UfpCommRank(comm) == 0, nel = rep->nelements, nds = rep->ndatasets, nf = rep->nframes;
  int64_t natoms = rep->atom_offset[nf];
  UfpH5File *file = NULL;
  UfpCall(UfpH5FileCreate(comm, partial, &file));
  hid_t fid = UfpH5FileId(file), g = H5I_INVALID_HID;
  UfpErrorCode ierr = UfpProvenanceWrite(prov, fid);
  /* metrics */
  const char **names = NULL, **elements = NULL;
  int *ibuf = NULL;
  double *dbuf = NULL;
  if (!ierr) ierr = UfpCalloc(nds + 1, &names);
  if (!ierr) ierr = UfpCalloc(nel + 1, &elements);
  if (!ierr) {
    for (int d = 0; d < nds; d++)
      names[d] = data->datasets[d].name;
    names[nds] = "all";
    for (int e = 0; e < nel; e++)
      elements[e] = data->elements[e];
    elements[nel] = "all";
  }
  if (!ierr) ierr = UfpH5CreateGroup(fid, "metrics", &g);
  if (!ierr) ierr = UfpH5WriteStringArrayAttr(g, "datasets", nds + 1, names);
  if (!ierr) ierr = UfpH5WriteStringArrayAttr(g, "roles", 3, role_names);
  if (!ierr) ierr = UfpH5WriteStringArrayAttr(g, "elements", nel + 1, elements);
  if (!ierr) ierr = UfpH5WriteStringAttr(g, "units", "energy and virial meV/atom, forces meV/Å");
  hsize_t d2[2] = {(hsize_t)nds + 1, 3}, d3[3] = {(hsize_t)nds + 1, 3, (hsize_t)nel + 1};
  if (!ierr) ierr = write_array(g, "energy_rmse", H5T_NATIVE_DOUBLE, 2, d2, rep->energy_rmse, root);
  if (!ierr) ierr = write_array(g, "energy_mae", H5T_NATIVE_DOUBLE, 2, d2, rep->energy_mae, root);
  if (!ierr) ierr = write_array(g, "virial_rmse", H5T_NATIVE_DOUBLE, 2, d2, rep->virial_rmse, root);
  if (!ierr) ierr = write_array(g, "frames", H5T_NATIVE_INT, 2, d2, rep->frames, root);
  if (!ierr) ierr = write_array(g, "force_rmse", H5T_NATIVE_DOUBLE, 3, d3, rep->force_rmse, root);
  if (!ierr) ierr = write_array(g, "force_mae", H5T_NATIVE_DOUBLE, 3, d3, rep->force_mae, root);
  UfpH5Close(&g);
  /* parity */
  if (!ierr) ierr = UfpH5CreateGroup(fid, "parity", &g);
  size_t big = (size_t)(nf > natoms ? nf : natoms) * 3 + 1;
  if (!ierr) ierr = UfpCalloc(big, &ibuf);
  if (!ierr) ierr = UfpCalloc(big, &dbuf);
  hsize_t df[1] = {(hsize_t)nf}, da[1] = {(hsize_t)natoms}, da3[2] = {(hsize_t)natoms, 3};
  const char *frame_names[5] = {"frame_file", "frame_index", "frame_dataset", "frame_role", "natoms"};
  for (int q = 0; q < 5 && !ierr; q++) {
    for (int k = 0; k < nf; k++) {
      const FitFrame *f = &data->frames[k];
      int v[5] = {f->file, f->frame, f->dataset, f->role, f->s->natoms};
      ibuf[k] = v[q];
    }
    ierr = write_array(g, frame_names[q], H5T_NATIVE_INT, 1, df, ibuf, root);
  }
  if (!ierr) {
    for (int k = 0; k < nf; k++) {
      const FitFrame *f = &data->frames[k];
      int energy = f->has_energy && data->datasets[f->dataset].energy_mode != FIT_ENERGY_NONE;
      dbuf[k] = energy ? f->energy / f->s->natoms : NAN;
    }
    ierr = write_array(g, "energy_dft", H5T_NATIVE_DOUBLE, 1, df, dbuf, root);
  }
  if (!ierr) {
    for (int k = 0; k < nf; k++)
      dbuf[k] = rep->energy_pred[k] / data->frames[k].s->natoms;
    ierr = write_array(g, "energy_pred", H5T_NATIVE_DOUBLE, 1, df, dbuf, root);
  }
  if (!ierr) {
    for (int k = 0; k < nf; k++)
      for (int i = 0; i < data->frames[k].s->natoms; i++)
        ibuf[rep->atom_offset[k] + i] = k;
    ierr = write_array(g, "atom_frame", H5T_NATIVE_INT, 1, da, ibuf, root);
  }
  if (!ierr) {
    for (int k = 0; k < nf; k++)
      for (int i = 0; i < data->frames[k].s->natoms; i++)
        ibuf[rep->atom_offset[k] + i] = data->frames[k].species[i];
    ierr = write_array(g, "atom_element", H5T_NATIVE_INT, 1, da, ibuf, root);
  }
  if (!ierr) {
    for (int k = 0; k < nf; k++)
      for (int i = 0; i < 3 * data->frames[k].s->natoms; i++)
        dbuf[3 * rep->atom_offset[k] + i] = data->frames[k].forces ? data->frames[k].forces[i] : NAN;
    ierr = write_array(g, "force_dft", H5T_NATIVE_DOUBLE, 2, da3, dbuf, root);
  }
  if (!ierr) ierr = write_array(g, "force_pred", H5T_NATIVE_DOUBLE, 2, da3, rep->forces_pred, root);
  if (!ierr) ierr = UfpH5WriteStringAttr(g, "units", "energy eV/atom (dataset zero), forces eV/Å");
  UfpH5Close(&g);
  /* model */
  if (!ierr) ierr = UfpH5CreateGroup(fid, "model", &g);
  if (!ierr) ierr = UfpH5WriteStringArrayAttr(g, "elements", nel, elements);
  if (!ierr) ierr = UfpH5WriteStringArrayAttr(g, "datasets", nds, names);
  hsize_t de[1] = {(hsize_t)nel}, dde[2] = {(hsize_t)nds, (hsize_t)nel};
  if (!ierr) ierr = write_array(g, "one_body", H5T_NATIVE_DOUBLE, 1, de, pot->one_body, root);
  if (!ierr) ierr = write_array(g, "dataset_one_body", H5T_NATIVE_DOUBLE, 2, dde, rep->dataset_one_body, root);
  if (!ierr) ierr = UfpH5WriteStringAttr(g, "units", "eV per atom");
  UfpH5Close(&g);
  UfpFree(&names);
  UfpFree(&elements);
  UfpFree(&ibuf);
  UfpFree(&dbuf);
  UfpErrorCode cerr = UfpH5FileDestroy(&file);
  return ierr ? ierr : cerr;
}

UfpErrorCode FitReportWrite(MPI_Comm comm, const char *path, int overwrite, const FitData *data,
                            const FitReport *rep, const Uf3Potential *pot, const UfpProvenance *prov)
{
  char partial[4096];
  UfpCall(UfpOutputBegin(comm, path, overwrite, partial));
  UfpErrorCode ierr = UfpErrorSync(comm, write_report(comm, partial, data, rep, pot, prov));
  if (ierr) {
    UfpOutputAbandon(comm, path);
    return ierr;
  }
  UfpCall(UfpOutputCommit(comm, path));
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------ parity plot */

typedef struct {
  const FitData *data;
  const FitReport *rep;
} PlotContext;

static UfpErrorCode write_plot(const char *partial, void *ctx_ptr)
{
  const PlotContext *ctx = ctx_ptr;
  const FitData *data = ctx->data;
  const FitReport *rep = ctx->rep;
  char dir[] = "/tmp/ufp-parity-XXXXXX";
  UfpCheck(mkdtemp(dir), UFP_ERR_IO, "cannot create a temporary directory: %s", strerror(errno));
  char epath[64], fpath[64], gpath[64];
  snprintf(epath, sizeof epath, "%s/e.dat", dir);
  snprintf(fpath, sizeof fpath, "%s/f.dat", dir);
  snprintf(gpath, sizeof gpath, "%s/plot.gp", dir);
  FILE *fe = fopen(epath, "w"), *ff = fopen(fpath, "w"), *fg = fopen(gpath, "w");
  UfpErrorCode ierr = (fe && ff && fg) ? UFP_SUCCESS : UfpError(UFP_ERR_IO, "cannot write in %s", dir);
  /* Energies relative to each dataset's one-body energies (interaction
   * energy per atom), so datasets with different zeros share one plot;
   * one block per role (gnuplot index 0, 1, 2). */
  for (int role = 0; role < 3 && !ierr; role++) {
    fprintf(fe, "# %s\n", role_names[role]);
    fprintf(ff, "# %s\n", role_names[role]);
    int any = 0;
    for (int k = 0; k < rep->nframes; k++) {
      const FitFrame *f = &data->frames[k];
      if (f->role != role) continue;
      int energy = f->has_energy && data->datasets[f->dataset].energy_mode != FIT_ENERGY_NONE;
      double ref = 0.0;
      for (int i = 0; i < f->s->natoms; i++)
        ref += rep->dataset_one_body[f->dataset * rep->nelements + f->species[i]];
      if (energy) {
        fprintf(fe, "%.8g %.8g\n", (f->energy - ref) / f->s->natoms, (rep->energy_pred[k] - ref) / f->s->natoms);
        any = 1;
      }
      if (f->forces)
        for (int i = 0; i < 3 * f->s->natoms; i++)
          fprintf(ff, "%.6g %.6g\n", f->forces[i], rep->forces_pred[3 * rep->atom_offset[k] + i]);
    }
    if (!any) fprintf(fe, "nan nan\n");
    fprintf(fe, "\n\n");
    fprintf(ff, "nan nan\n\n\n");
  }
  if (fg) {
    int all = rep->ndatasets * 3;
    fprintf(fg,
            "set terminal pngcairo size 1400,650 font 'sans,11'\n"
            "set output '%s'\n"
            "set multiplot layout 1,2 title 'UF3 fit: train RMSE %.2f meV/atom, %.0f meV/Å; validation %.2f "
            "meV/atom, %.0f meV/Å'\n"
            "set key top left\nset grid\nset size ratio -1\n"
            "set xlabel 'DFT interaction energy (eV/atom)'\nset ylabel 'UF3 (eV/atom)'\n"
            "plot '%s' index 0 u 1:2 w p pt 7 ps 0.4 lc rgb '#1f77b4' t 'train', "
            "'' index 1 u 1:2 w p pt 7 ps 0.5 lc rgb '#ff7f0e' t 'validation', "
            "'' index 2 u 1:2 w p pt 7 ps 0.5 lc rgb '#2ca02c' t 'test', x w l lc rgb 'black' notitle\n"
            "set xlabel 'DFT force component (eV/Å)'\nset ylabel 'UF3 (eV/Å)'\n"
            "plot '%s' index 0 u 1:2 w d lc rgb '#1f77b4' t 'train', "
            "'' index 1 u 1:2 w p pt 7 ps 0.2 lc rgb '#ff7f0e' t 'validation', "
            "'' index 2 u 1:2 w p pt 7 ps 0.2 lc rgb '#2ca02c' t 'test', x w l lc rgb 'black' notitle\n"
            "unset multiplot\n",
            partial, rep->energy_rmse[all + 0], rep->force_rmse[(all + 0) * (rep->nelements + 1) + rep->nelements],
            rep->energy_rmse[all + 1], rep->force_rmse[(all + 1) * (rep->nelements + 1) + rep->nelements], epath,
            fpath);
  }
  if (fe) fclose(fe);
  if (ff) fclose(ff);
  if (fg) fclose(fg);
  if (!ierr) ierr = UfpGnuplotRun(gpath);
  unlink(epath);
  unlink(fpath);
  unlink(gpath);
  rmdir(dir);
  return ierr;
}

UfpErrorCode FitReportPlot(MPI_Comm comm, const char *path, int overwrite, const FitData *data,
                           const FitReport *rep)
{
  if (!UfpGnuplotAvailable(comm)) {
    UfpInfo(comm, "train-ufp: gnuplot not found, no parity plot (Debian: apt-get install gnuplot-nox)\n");
    return UFP_SUCCESS;
  }
  PlotContext ctx = {data, rep};
  UfpCall(UfpOutputWriteOnRoot(comm, path, overwrite, write_plot, &ctx));
  return UFP_SUCCESS;
}
