/* fit_data.c -- see fit_data.h for the rules. */
#include "fit_data.h"

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "elements.h"
#include "extxyz.h"
#include "md_random.h"

enum { FIT_STREAM_SPLIT = 101, FIT_STREAM_FOLD = 102 };

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
  const unsigned char *p = data;
  for (size_t k = 0; k < n; k++) {
    h ^= p[k];
    h *= 1099511628211ULL;
  }
  return h;
}

static long quantise(double v) { return lround(v * 1e5); }

static uint64_t frame_hash(const UfpStructure *s)
{
  uint64_t h = 1469598103934665603ULL;
  h = fnv(h, &s->natoms, sizeof s->natoms);
  for (int a = 0; a < 3; a++)
    for (int k = 0; k < 3; k++) {
      long q = quantise(s->lattice[a][k]);
      h = fnv(h, &q, sizeof q);
    }
  for (int i = 0; i < s->natoms; i++) {
    h = fnv(h, s->species[i], strlen(s->species[i]));
    for (int k = 0; k < 3; k++) {
      long q = quantise(s->x[i][k]);
      h = fnv(h, &q, sizeof q);
    }
  }
  return h;
}

static int same_structure(const UfpStructure *a, const UfpStructure *b)
{
  if (a->natoms != b->natoms) return 0;
  for (int r = 0; r < 3; r++)
    for (int k = 0; k < 3; k++)
      if (fabs(a->lattice[r][k] - b->lattice[r][k]) > 1e-6) return 0;
  for (int i = 0; i < a->natoms; i++) {
    if (strcmp(a->species[i], b->species[i]) != 0) return 0;
    for (int k = 0; k < 3; k++)
      if (fabs(a->x[i][k] - b->x[i][k]) > 1e-6) return 0;
  }
  return 1;
}

void FitDataWhere(const FitData *data, const FitFrame *f, char *buf, size_t size)
{
  snprintf(buf, size, "%s frame %d", data->paths[f->file], f->frame);
}

static int find_dataset(const FitData *data, const char *name)
{
  for (int d = 0; d < data->ndatasets; d++)
    if (strcmp(data->datasets[d].name, name) == 0) return d;
  return -1;
}

static UfpErrorCode frame_values(FitData *data, const FitDataSpec *spec, FitFrame *f)
{
  UfpStructure *s = f->s;
  char where[1200];
  FitDataWhere(data, f, where, sizeof where);
  const char *ekey = spec->energy_key ? spec->energy_key : "energy";
  const char *fkey = spec->forces_key ? spec->forces_key : "forces";
  UfpInfoValue *e = UfpStructureFindInfo(s, ekey);
  if (e) {
    UfpCheck(e->type == 'R' && e->n == 1 && isfinite(e->real[0]), UFP_ERR_INPUT,
             "%s: \"%s\" must be one finite real number (eV)", where, ekey);
    f->has_energy = 1;
    f->energy = e->real[0];
  }
  UfpAtomColumn *col = UfpStructureFindColumn(s, fkey);
  if (col) {
    UfpCheck(col->type == 'R' && col->ncols == 3, UFP_ERR_INPUT, "%s: per-atom \"%s\" must be R:3 (eV/Å)", where,
             fkey);
    for (int i = 0; i < 3 * s->natoms; i++)
      UfpCheck(isfinite(col->real[i]), UFP_ERR_INPUT, "%s: atom %d has a non-finite force", where, i / 3);
    f->forces = col->real;
  }
  UfpCheck(f->has_energy || f->forces, UFP_ERR_INPUT, "%s: neither \"%s\" nor \"%s\": nothing to fit", where, ekey,
           fkey);
  UfpInfoValue *v = UfpStructureFindInfo(s, "virial");
  UfpInfoValue *st = UfpStructureFindInfo(s, "stress");
  if (v || st) {
    UfpInfoValue *t = v ? v : st;
    UfpCheck(t->type == 'R' && (t->n == 9 || t->n == 6), UFP_ERR_INPUT,
             "%s: \"%s\" must have 9 values (3x3) or 6 (Voigt xx yy zz yz xz xy)", where, v ? "virial" : "stress");
    double m[3][3];
    if (t->n == 9) {
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
          m[a][b] = t->real[3 * a + b];
    } else {
      const int va[6] = {0, 1, 2, 1, 0, 0}, vb[6] = {0, 1, 2, 2, 2, 1};
      for (int k = 0; k < 6; k++)
        m[va[k]][vb[k]] = m[vb[k]][va[k]] = t->real[k];
    }
    double vol = 0.0;
    if (!v) {
      const double(*h)[3] = s->lattice;
      vol = fabs(h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) - h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
                 h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]));
      UfpCheck(s->has_lattice && vol > 0, UFP_ERR_INPUT, "%s: stress given without a cell", where);
    }
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++)
        f->virial[a][b] = v ? m[a][b] : -m[a][b] * vol;
    f->has_virial = 1;
  }
  if (spec->weight_key) {
    UfpInfoValue *w = UfpStructureFindInfo(s, spec->weight_key);
    if (w) {
      UfpCheck(w->type == 'R' && w->n == 1 && w->real[0] >= 0.0, UFP_ERR_INPUT,
               "%s: weight \"%s\" must be a non-negative number", where, spec->weight_key);
      f->weight *= w->real[0];
    }
  }
  return UFP_SUCCESS;
}

static UfpErrorCode choose_elements(FitData *data, const FitDataSpec *spec)
{
  if (spec->nelements > 0) {
    data->nelements = spec->nelements;
    UfpCall(UfpCalloc(spec->nelements, &data->elements));
    for (int a = 0; a < spec->nelements; a++)
      snprintf(data->elements[a], UFP_LABEL_MAX, "%s", spec->elements[a]);
    return UFP_SUCCESS;
  }
  /* Every label found, sorted by atomic number (then by name). */
  int cap = 8;
  UfpCall(UfpCalloc(cap, &data->elements));
  for (int f = 0; f < data->nframes; f++) {
    const UfpStructure *s = data->frames[f].s;
    for (int i = 0; i < s->natoms; i++) {
      int found = 0;
      for (int a = 0; a < data->nelements && !found; a++)
        found = strcmp(data->elements[a], s->species[i]) == 0;
      if (found) continue;
      if (data->nelements == cap) {
        cap *= 2;
        UfpCall(UfpRealloc(cap, &data->elements));
      }
      memcpy(data->elements[data->nelements++], s->species[i], UFP_LABEL_MAX);
    }
  }
  for (int a = 1; a < data->nelements; a++)
    for (int b = a; b > 0; b--) {
      int za = UfpElementNumber(data->elements[b - 1]), zb = UfpElementNumber(data->elements[b]);
      if (za < zb || (za == zb && strcmp(data->elements[b - 1], data->elements[b]) <= 0)) break;
      char tmp[UFP_LABEL_MAX];
      memcpy(tmp, data->elements[b], UFP_LABEL_MAX);
      memcpy(data->elements[b], data->elements[b - 1], UFP_LABEL_MAX);
      memcpy(data->elements[b - 1], tmp, UFP_LABEL_MAX);
    }
  return UFP_SUCCESS;
}

/* e0 of one dataset: min-norm least squares E = sum_e n_e e0_e. */
static UfpErrorCode dataset_baseline(FitData *data, int d)
{
  int nel = data->nelements, m = 0;
  FitDataset *ds = &data->datasets[d];
  UfpCall(UfpCalloc(nel, &ds->e0));
  if (ds->energy_mode == FIT_ENERGY_NONE) return UFP_SUCCESS;
  /* Reference datasets share the model's energy zero, hence one baseline. */
  int ref = ds->energy_mode == FIT_ENERGY_REFERENCE;
#define IN_BASELINE(fr)                                                                                  \
  ((ref ? data->datasets[(fr)->dataset].energy_mode == FIT_ENERGY_REFERENCE : (fr)->dataset == d) && \
   (fr)->role == FIT_TRAIN && (fr)->has_energy)
  for (int f = 0; f < data->nframes; f++)
    m += IN_BASELINE(&data->frames[f]);
  if (m == 0) return UFP_SUCCESS;
  int ld = m > nel ? m : nel;
  double *a, *b, *sv;
  UfpCall(UfpCalloc((size_t)m * nel, &a));
  UfpCall(UfpCalloc(ld, &b));
  UfpCall(UfpCalloc(nel, &sv));
  int r = 0;
  for (int f = 0; f < data->nframes; f++) {
    const FitFrame *fr = &data->frames[f];
    if (!IN_BASELINE(fr)) continue;
    /* Per-atom rows: fractions against E / n. */
    for (int i = 0; i < fr->s->natoms; i++)
      a[(size_t)r * nel + fr->species[i]] += 1.0 / fr->s->natoms;
    b[r++] = fr->energy / fr->s->natoms;
  }
#undef IN_BASELINE
  lapack_int rank;
  lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, m, nel, 1, a, nel, b, 1, sv, 1e-8, &rank);
  if (info == 0)
    for (int e = 0; e < nel; e++)
      ds->e0[e] = b[e];
  UfpFree(&a);
  UfpFree(&b);
  UfpFree(&sv);
  UfpCheck(info == 0, UFP_ERR_INTERNAL, "dataset %s: composition fit failed (LAPACK info %d)", ds->name, (int)info);
  return UFP_SUCCESS;
}

UfpErrorCode FitDataLoad(const FitDataSpec *spec, FitData **data_out)
{
  FitData *data;
  UfpCall(UfpCalloc(1, &data));
  *data_out = data;
  UfpCheck(spec->nfiles > 0, UFP_ERR_USAGE, "no training data: give extxyz files with -data");
  data->nfiles = spec->nfiles;
  UfpCall(UfpCalloc(spec->nfiles, &data->paths));
  int capacity = 0;
  for (int file = 0; file < spec->nfiles; file++) {
    UfpCall(UfpCalloc(strlen(spec->paths[file]) + 1, &data->paths[file]));
    strcpy(data->paths[file], spec->paths[file]);
    const char *dname = spec->datasets ? spec->datasets[file] : spec->paths[file];
    int d = find_dataset(data, dname);
    if (d < 0) {
      UfpCall(UfpRealloc(data->ndatasets + 1, &data->datasets));
      d = data->ndatasets++;
      memset(&data->datasets[d], 0, sizeof data->datasets[d]);
      snprintf(data->datasets[d].name, UFP_NAME_MAX, "%s", dname);
      data->datasets[d].energy_mode = d == 0 ? FIT_ENERGY_REFERENCE : FIT_ENERGY_OFFSET;
      data->datasets[d].offset_col = -1;
    }
    int nframes = 0;
    UfpStructure **frames = NULL;
    UfpCall(UfpExtxyzReadAll(spec->paths[file], &nframes, &frames));
    if (data->nframes + nframes > capacity) {
      capacity = 2 * (data->nframes + nframes);
      UfpCall(UfpRealloc(capacity, &data->frames));
    }
    for (int k = 0; k < nframes; k++) {
      FitFrame *f = &data->frames[data->nframes++];
      memset(f, 0, sizeof *f);
      f->s = frames[k];
      f->file = file;
      f->frame = k;
      f->dataset = d;
      f->role = spec->roles ? spec->roles[file] : FIT_SPLIT;
      f->weight = spec->weights ? spec->weights[file] : 1.0;
      UfpCheck(f->weight >= 0.0, UFP_ERR_USAGE, "%s: negative weight", spec->paths[file]);
      UfpCall(frame_values(data, spec, f));
      f->hash = frame_hash(f->s);
    }
    UfpFree(&frames);
  }
  for (int m = 0; m < spec->ndataset_modes; m++) {
    int d = find_dataset(data, spec->mode_names[m]);
    UfpCheck(d >= 0, UFP_ERR_USAGE, "energy mode given for dataset \"%s\", which no file belongs to",
             spec->mode_names[m]);
    data->datasets[d].energy_mode = spec->modes[m];
  }

  /* Elements and species indices. */
  UfpCall(choose_elements(data, spec));
  for (int k = 0; k < data->nframes; k++) {
    FitFrame *f = &data->frames[k];
    UfpCall(UfpCalloc(f->s->natoms > 0 ? f->s->natoms : 1, &f->species));
    for (int i = 0; i < f->s->natoms; i++) {
      f->species[i] = -1;
      for (int a = 0; a < data->nelements; a++)
        if (strcmp(f->s->species[i], data->elements[a]) == 0) f->species[i] = a;
      char where[1200];
      FitDataWhere(data, f, where, sizeof where);
      UfpCheck(f->species[i] >= 0, UFP_ERR_INPUT, "%s: atom %d is %s, not one of the fitted elements", where, i,
               f->s->species[i]);
    }
  }

  /* Roles of split files. */
  double fv = spec->validation_fraction, ft = spec->test_fraction;
  UfpCheck(fv >= 0 && ft >= 0 && fv + ft < 1.0, UFP_ERR_USAGE,
           "validation fraction %g and test fraction %g must be >= 0 and sum to less than 1", fv, ft);
  for (int k = 0; k < data->nframes; k++) {
    FitFrame *f = &data->frames[k];
    if (f->role != FIT_SPLIT) continue;
    double u = MdRandomUniform(spec->seed, f->file, f->frame, FIT_STREAM_SPLIT, 0);
    f->role = u < ft ? FIT_TEST : u < ft + fv ? FIT_VALIDATION : FIT_TRAIN;
  }

  /* Duplicates: keep the first copy in the most trusted role (train, then
   * validation, then test). */
  int kept = 0;
  for (int role = FIT_TRAIN; role < FIT_NROLES; role++)
    for (int k = 0; k < data->nframes; k++) {
      FitFrame *f = &data->frames[k];
      if (f->role != role) continue;
      int dup = 0;
      for (int q = 0; q < data->nframes && !dup; q++) {
        const FitFrame *g = &data->frames[q];
        if (q == k || g->hash != f->hash || g->role < 0) continue;
        if (g->role < role || (g->role == role && q < k)) dup = same_structure(f->s, g->s);
      }
      if (dup) f->role = -1 - role; /* marked: removed below */
    }
  for (int k = 0; k < data->nframes; k++) {
    FitFrame *f = &data->frames[k];
    if (f->role < 0) {
      data->nduplicates++;
      UfpStructureDestroy(&f->s);
      UfpFree(&f->species);
      continue;
    }
    data->frames[kept++] = *f;
  }
  data->nframes = kept;
  for (int k = 0; k < data->nframes; k++) {
    FitFrame *f = &data->frames[k];
    data->datasets[f->dataset].nframes[f->role]++;
    f->fold = 0;
    if (f->role == FIT_TRAIN && spec->kfold > 1) {
      double u = MdRandomUniform(spec->seed, f->file, f->frame, FIT_STREAM_FOLD, 0);
      f->fold = (int)(u * spec->kfold);
      if (f->fold >= spec->kfold) f->fold = spec->kfold - 1;
    }
  }
  for (int d = 0; d < data->ndatasets; d++)
    UfpCall(dataset_baseline(data, d));
  return UFP_SUCCESS;
}

UfpErrorCode FitDataDestroy(FitData **data_ptr)
{
  if (!data_ptr || !*data_ptr) return UFP_SUCCESS;
  FitData *data = *data_ptr;
  for (int k = 0; k < data->nframes; k++) {
    UfpStructureDestroy(&data->frames[k].s);
    UfpFree(&data->frames[k].species);
  }
  for (int f = 0; f < data->nfiles && data->paths; f++)
    UfpFree(&data->paths[f]);
  for (int d = 0; d < data->ndatasets; d++)
    UfpFree(&data->datasets[d].e0);
  UfpFree(&data->paths);
  UfpFree(&data->datasets);
  UfpFree(&data->frames);
  UfpFree(&data->elements);
  UfpFree(data_ptr);
  return UFP_SUCCESS;
}
