/*
 * fit_data.h -- the training data of train-ufp: files, datasets, weights,
 * duplicates and the train / validation / test split.
 *
 * Files are extxyz with per-frame "energy" (eV), per-atom "forces" (eV/Å)
 * and optionally "virial" (9 values, eV, W = sum_i x_i F_i) or "stress"
 * (eV/Å^3, ASE sign: W = -stress * volume).
 *
 * Datasets.  Each file belongs to a dataset (default: one per file).  All
 * energies of one dataset share one energy zero.  Different DFT codes,
 * pseudopotentials or settings shift total energies by a per-element
 * constant, so energies of different datasets are never compared directly:
 *   - "reference": energies fit the model itself (its one-body energies);
 *   - "offset":    the dataset gets its own one-body energies, fitted with
 *                  the rest; its energies constrain only energy differences;
 *   - "none":      energies are ignored (forces, and virials, only).
 * Every dataset first gets a composition baseline e0 (the min-norm least-
 * squares fit of E = sum_e n_e e0_e over its training frames); the fit then
 * works on E - sum n e0, whose scale is meV, not hundreds of eV.
 *
 * Duplicates.  Frames with the same species, cell and positions (to 1e-6 Å)
 * are the same structure: it is kept once, and a structure that is also in
 * the training set is removed from validation and test, so that held-out
 * scores are honest.
 *
 * Split.  A file's role is "train", "validation", "test" or "split"; in a
 * split file every distinct frame draws a uniform number from a counter-
 * based generator keyed by (seed, file, frame), so the split depends on the
 * data only.  Training frames also get a fold 0..k-1 the same way.
 */
#ifndef UFP_FIT_DATA_H
#define UFP_FIT_DATA_H

#include <stdint.h>

#include "structure.h"

enum { FIT_TRAIN = 0, FIT_VALIDATION = 1, FIT_TEST = 2, FIT_SPLIT = 3, FIT_NROLES = 3 };
enum { FIT_ENERGY_REFERENCE = 0, FIT_ENERGY_OFFSET = 1, FIT_ENERGY_NONE = 2 };

typedef struct {
  char name[UFP_NAME_MAX];
  int energy_mode;
  double *e0;              /* nelements baseline, eV per atom of each element */
  int offset_col;          /* first of nelements offset columns (offset mode) */
  int nframes[FIT_NROLES];
} FitDataset;

typedef struct {
  UfpStructure *s;
  int file, frame;         /* origin */
  int dataset, role, fold;
  double weight;           /* file weight x per-frame weight */
  int *species;            /* element index per atom */
  int has_energy;
  double energy;           /* eV */
  const double *forces;    /* natoms x 3, eV/Å, or NULL */
  int has_virial;
  double virial[3][3];     /* eV */
  uint64_t hash;
} FitFrame;

typedef struct {
  int nfiles;
  char **paths;
  int nelements;
  char (*elements)[UFP_LABEL_MAX];
  int ndatasets;
  FitDataset *datasets;
  int nframes;
  FitFrame *frames;
  int nduplicates;         /* frames dropped as duplicates */
} FitData;

typedef struct {
  int nfiles;
  const char *const *paths;
  const char *const *datasets;  /* per file, or NULL: one dataset per file */
  const int *roles;             /* per file, or NULL: all FIT_SPLIT */
  const double *weights;        /* per file, or NULL: 1 */
  int ndataset_modes;           /* energy mode per dataset name */
  const char *const *mode_names;
  const int *modes;
  int nelements;                /* 0: every element found, by atomic number */
  const char *const *elements;
  double validation_fraction, test_fraction;
  uint64_t seed;
  int kfold;                    /* 0 or 1: no folds */
  const char *energy_key, *forces_key, *weight_key;
} FitDataSpec;

/* Read every file (serially, on every rank that calls it). */
UfpErrorCode FitDataLoad(const FitDataSpec *spec, FitData **data);
UfpErrorCode FitDataDestroy(FitData **data);
/* "path frame N" for messages. */
void FitDataWhere(const FitData *data, const FitFrame *f, char *buf, size_t size);

#endif
