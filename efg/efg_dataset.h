/*
 * efg_dataset.h -- EFG training data: labelled frames from any label file
 * (label_files.h), without duplicates, split into training and test frames,
 * and the environments (one per atom of the centre species) with their
 * target tensors and lambda-SOAP features.
 *
 * Duplicates: frames with the same cell, species and positions (to 1e-6 Å)
 * are kept once (the first), before any split, so that no structure sits
 * in both training and test sets.
 * Split: with split_by_size, the test set is every frame with the largest
 * atom count (a size-extensivity test: the model never saw a cell that
 * large); otherwise frame k of file f goes to the test set when
 * u(seed, f, k) < test_fraction, u a counter-based uniform number (splitmix64), so the
 * split depends neither on the order of the files' frames in memory nor on
 * the rank count; training frames are dealt to cross-validation folds by a
 * second stream of the same generator.
 * Targets: the five l = 2 components (UfpEfgToSpherical) of the EFG tensor
 * in atomic units; the trace is dropped (an EFG is traceless; labels whose
 * relative trace exceeds 1e-3 are refused).
 */
#ifndef EFG_EFG_DATASET_H
#define EFG_EFG_DATASET_H

#include <mpi.h>
#include <stdint.h>

#include "lambda_soap.h"
#include "structure.h"

typedef struct {
  int nframes;
  UfpStructure **frames;
  int *file, *index;       /* [frame] source file and frame within it */
  int *test;               /* [frame] 1: test set */
  int *fold;               /* [frame] cross-validation fold of a training frame, -1 for test */
  int nduplicates;
  /* Environments: centre atoms, in frame order. */
  int nenv;
  int *env_frame, *env_atom;
  double (*v)[3][3];       /* [env] label tensor, a.u. */
  double (*t)[5];          /* [env] l = 2 components, a.u. */
} EfgDataset;

typedef struct {
  int nfiles;
  const char *const *paths;
  int format;              /* EfgLabelFormat */
  const char *centre;      /* "Li" */
  double test_fraction;
  uint64_t seed;
  int kfold;               /* >= 2, or 0: no folds (evaluation only) */
  int split_by_size;       /* test set: the frames with the most atoms */
  int ntest_files;         /* > 0: the last ntest_files paths are the test set (a fixed, external one;
                              test_fraction and split_by_size are then not used) */
} EfgDatasetSpec;

/* Read, de-duplicate and split (every rank reads the files). */
UfpErrorCode EfgDatasetLoad(MPI_Comm comm, const EfgDatasetSpec *spec, EfgDataset **data);
UfpErrorCode EfgDatasetDestroy(EfgDataset **data);

/* Features of every environment (p0[nenv][f0], p2[nenv][5][f2]) with one
 * descriptor; ranks share the frames and every rank gets everything. */
UfpErrorCode EfgDatasetFeatures(MPI_Comm comm, const EfgDataset *data, LambdaSoap soap, double **p0, double **p2);

/* Species labels of all frames (sorted by atomic number), for the default
 * descriptor channels; *n <= max. */
void EfgDatasetSpecies(const EfgDataset *data, int max, char (*species)[16], int *n);

#endif
