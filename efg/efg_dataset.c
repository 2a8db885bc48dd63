/* efg_dataset.c -- see efg_dataset.h. */
#include "efg_dataset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efg_tensor.h"
#include "elements.h"
#include "label_files.h"
#include "parallel.h"

/* Uniform in [0, 1) from (seed, stream, a, b): splitmix64 of a mixed key. */
static double counter_uniform(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b)
{
  uint64_t z = seed * 0x9e3779b97f4a7c15ULL ^ (stream + 1) * 0xd1b54a32d192ed03ULL ^ (a + 1) * 0x8cb92ba72f3d8dd7ULL ^
               (b + 1) * 0xabc98388fb8fac03ULL;
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0;
}

static int same_structure(const UfpStructure *a, const UfpStructure *b)
{
  if (a->natoms != b->natoms || a->has_lattice != b->has_lattice) return 0;
  for (int p = 0; p < 3; p++)
    for (int q = 0; q < 3; q++)
      if (fabs(a->lattice[p][q] - b->lattice[p][q]) > 1e-6) return 0;
  for (int i = 0; i < a->natoms; i++) {
    if (strcmp(a->species[i], b->species[i])) return 0;
    for (int k = 0; k < 3; k++)
      if (fabs(a->x[i][k] - b->x[i][k]) > 1e-6) return 0;
  }
  return 1;
}

UfpErrorCode EfgDatasetLoad(MPI_Comm comm, const EfgDatasetSpec *spec, EfgDataset **out)
{
  (void)comm;
  UfpCheck(spec->nfiles >= 1, UFP_ERR_USAGE, "no EFG label files given");
  UfpCheck(spec->test_fraction >= 0 && spec->test_fraction < 1, UFP_ERR_USAGE,
           "test fraction %g outside [0, 1)", spec->test_fraction);
  UfpCheck(spec->kfold >= 2 || spec->kfold == 0, UFP_ERR_USAGE, "k-fold cross-validation needs k >= 2 (got %d)",
           spec->kfold);
  EfgDataset *d;
  UfpCall(UfpCalloc(1, &d));
  *out = d;
  int cap = 0;
  for (int f = 0; f < spec->nfiles; f++) {
    int n;
    UfpStructure **frames;
    UfpCall(EfgLabelsRead(spec->paths[f], (EfgLabelFormat)spec->format, &n, &frames));
    for (int k = 0; k < n; k++) {
      UfpStructure *s = frames[k];
      UfpCheck(UfpStructureFindColumn(s, "efg") != NULL, UFP_ERR_INPUT, "%s: frame %d has no efg column",
               spec->paths[f], k);
      int dup = 0;
      for (int q = 0; q < d->nframes && !dup; q++) dup = same_structure(d->frames[q], s);
      if (dup) {
        d->nduplicates++;
        UfpStructureDestroy(&frames[k]);
        continue;
      }
      if (d->nframes == cap) {
        cap = cap ? 2 * cap : 64;
        UfpCall(UfpRealloc(cap, &d->frames));
        UfpCall(UfpRealloc(cap, &d->file));
        UfpCall(UfpRealloc(cap, &d->index));
      }
      d->frames[d->nframes] = s;
      d->file[d->nframes] = f;
      d->index[d->nframes++] = k;
    }
    free(frames);
  }
  UfpCall(UfpCalloc(d->nframes + 1, &d->test));
  UfpCall(UfpCalloc(d->nframes + 1, &d->fold));
  int ntrain = 0, largest = 0;
  for (int q = 0; q < d->nframes; q++)
    if (d->frames[q]->natoms > largest) largest = d->frames[q]->natoms;
  for (int q = 0; q < d->nframes; q++) {
    d->test[q] = spec->ntest_files > 0 ? d->file[q] >= spec->nfiles - spec->ntest_files
                 : spec->split_by_size ? d->frames[q]->natoms == largest
                                       : counter_uniform(spec->seed, 0, d->file[q], d->index[q]) < spec->test_fraction;
    d->fold[q] = d->test[q] || spec->kfold == 0 ? -1
                                                : (int)(counter_uniform(spec->seed, 1, d->file[q], d->index[q]) * spec->kfold);
    ntrain += !d->test[q];
  }
  UfpCheck(ntrain >= spec->kfold, UFP_ERR_INPUT, "%d training frames are too few for %d-fold cross-validation",
           ntrain, spec->kfold);
  /* Environments. */
  for (int pass = 0; pass < 2; pass++) {
    int n = 0;
    for (int q = 0; q < d->nframes; q++) {
      const UfpStructure *s = d->frames[q];
      const UfpAtomColumn *col = UfpStructureFindColumn(s, "efg");
      for (int i = 0; i < s->natoms; i++) {
        if (strcmp(s->species[i], spec->centre)) continue;
        if (pass) {
          d->env_frame[n] = q;
          d->env_atom[n] = i;
          double norm = 0.0, trace = 0.0;
          for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
              d->v[n][a][b] = 0.5 * (col->real[9 * i + 3 * a + b] + col->real[9 * i + 3 * b + a]);
              norm += d->v[n][a][b] * d->v[n][a][b];
            }
          trace = d->v[n][0][0] + d->v[n][1][1] + d->v[n][2][2];
          UfpCheck(fabs(trace) <= 1e-3 * sqrt(norm) + 1e-12, UFP_ERR_INPUT,
                   "%s, frame %d, atom %d: the EFG label has trace %.3g a.u. against a norm of %.3g (not an EFG?)",
                   spec->paths[d->file[q]], d->index[q], i, trace, sqrt(norm));
          double t00;
          UfpEfgToSpherical((const double(*)[3])d->v[n], &t00, d->t[n]);
        }
        n++;
      }
    }
    if (!pass) {
      UfpCheck(n > 0, UFP_ERR_INPUT, "no %s atoms in the EFG labels", spec->centre);
      d->nenv = n;
      UfpCall(UfpCalloc(n, &d->env_frame));
      UfpCall(UfpCalloc(n, &d->env_atom));
      UfpCall(UfpCalloc(n, &d->v));
      UfpCall(UfpCalloc(n, &d->t));
    }
  }
  return UFP_SUCCESS;
}

UfpErrorCode EfgDatasetDestroy(EfgDataset **dp)
{
  if (!dp || !*dp) return UFP_SUCCESS;
  EfgDataset *d = *dp;
  for (int q = 0; q < d->nframes; q++) UfpStructureDestroy(&d->frames[q]);
  UfpFree(&d->frames);
  UfpFree(&d->file);
  UfpFree(&d->index);
  UfpFree(&d->test);
  UfpFree(&d->fold);
  UfpFree(&d->env_frame);
  UfpFree(&d->env_atom);
  UfpFree(&d->v);
  UfpFree(&d->t);
  UfpFree(dp);
  return UFP_SUCCESS;
}

UfpErrorCode EfgDatasetFeatures(MPI_Comm comm, const EfgDataset *d, LambdaSoap soap, double **p0_out,
                                double **p2_out)
{
  const int f0 = LambdaSoapSize(soap, 0), f2 = LambdaSoapSize(soap, 2), rank = UfpCommRank(comm),
            size = UfpCommSize(comm);
  double *p0, *p2;
  UfpCall(UfpCalloc((size_t)d->nenv * f0, &p0));
  UfpCall(UfpCalloc((size_t)d->nenv * 5 * f2, &p2));
  *p0_out = p0;
  *p2_out = p2;
  UfpErrorCode ierr = UFP_SUCCESS;
  int first = 0;
  for (int q = 0; q < d->nframes; q++) {
    int count = 0;
    while (first + count < d->nenv && d->env_frame[first + count] == q) count++;
    if (q % size == rank && count > 0 && !ierr) {
      const UfpStructure *s = d->frames[q];
      int *channel = NULL;
      ierr = UfpCalloc(s->natoms, &channel);
      for (int i = 0; i < s->natoms && !ierr; i++) channel[i] = LambdaSoapChannel(soap, s->species[i]);
      UfpCell cell;
      if (!ierr && !s->has_lattice) {
        ierr = UFP_ERR_INPUT;
        UfpError(ierr, "EFG labels: frame %d has no cell", q);
      }
      if (!ierr) ierr = UfpCellSetup(&cell, s->lattice, s->pbc);
      if (!ierr)
        ierr = LambdaSoapComputeBoth(soap, &cell, s->natoms, (const double(*)[3])s->x, channel, count,
                                     d->env_atom + first, p0 + (size_t)first * f0, p2 + (size_t)first * 5 * f2);
      UfpFree(&channel);
    }
    first += count;
  }
  UfpCall(UfpErrorSync(comm, ierr));
  /* Every environment was computed by exactly one rank; the others hold zeros. */
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, p0, d->nenv * f0, MPI_DOUBLE, MPI_SUM, comm));
  UfpCallMPI(MPI_Allreduce(MPI_IN_PLACE, p2, d->nenv * 5 * f2, MPI_DOUBLE, MPI_SUM, comm));
  return UFP_SUCCESS;
}

void EfgDatasetSpecies(const EfgDataset *d, int max, char (*species)[16], int *n)
{
  *n = 0;
  for (int q = 0; q < d->nframes; q++)
    for (int i = 0; i < d->frames[q]->natoms; i++) {
      const char *label = d->frames[q]->species[i];
      int seen = 0;
      for (int k = 0; k < *n && !seen; k++) seen = !strcmp(species[k], label);
      if (!seen && *n < max) snprintf(species[(*n)++], 16, "%s", label);
    }
  for (int a = 1; a < *n; a++) /* by atomic number, unknown symbols last */
    for (int b = a; b > 0; b--) {
      int za = UfpElementNumber(species[b - 1]), zb = UfpElementNumber(species[b]);
      if ((za ? za : 999) <= (zb ? zb : 999)) break;
      char tmp[16];
      memcpy(tmp, species[b], 16);
      memcpy(species[b], species[b - 1], 16);
      memcpy(species[b - 1], tmp, 16);
    }
}
