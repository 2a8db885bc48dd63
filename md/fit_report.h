/*
 * fit_report.h -- errors of a fitted UF3 potential: predictions for every
 * frame with the force loop that MD uses, error tables, the HDF5 report and
 * the parity plot.
 *
 * Energies are compared in each dataset's own zero: the model's interaction
 * energy plus that dataset's one-body energies (uf3_fit.h).  Frames of a
 * dataset whose energies are not fitted ("none") have no energy error.
 * Errors: energy per atom in meV/atom, force components in meV/Å (all atoms
 * and per element), virial per atom in meV/atom; RMSE and MAE for every
 * dataset and role (train, validation, test) and over all datasets.
 *
 * HDF5 report schema (common/FORMATS.md, "train-ufp report"):
 *   /                 provenance attributes (h5io.h)
 *   /metrics          energy_rmse, energy_mae  [ndatasets + 1][3]        meV/atom
 *                     force_rmse, force_mae    [ndatasets + 1][3][nel + 1] meV/Å
 *                     virial_rmse              [ndatasets + 1][3]        meV/atom
 *                     frames                   [ndatasets + 1][3]
 *                     attributes datasets (names, last "all"), roles, elements (last "all")
 *   /parity           frame_file, frame_index, frame_dataset, frame_role, natoms   [nframes]
 *                     energy_dft, energy_pred  [nframes]  eV/atom, dataset zero
 *                     atom_frame, atom_element [natoms_total]
 *                     force_dft, force_pred    [natoms_total][3]  eV/Å
 *   /model            elements, one_body (eV), dataset_one_body [ndatasets][nel] (eV)
 * NaN marks a value that does not exist (no frames, energies not fitted).
 */
#ifndef UFP_FIT_REPORT_H
#define UFP_FIT_REPORT_H

#include <mpi.h>
#include <stdint.h>

#include "fit_data.h"
#include "h5io.h"
#include "uf3_fit.h"

typedef struct {
  int nframes, nelements, ndatasets;
  int64_t *atom_offset;   /* [nframes + 1] */
  double *energy_pred;    /* [nframes] eV, dataset zero */
  double *forces_pred;    /* [natoms_total * 3] eV/Å */
  double *virial_pred;    /* [nframes * 9] eV */
  double *dataset_one_body; /* [ndatasets * nel] eV */
  /* Metrics: index (d * 3 + role) with d = ndatasets for "all". */
  double *energy_rmse, *energy_mae, *virial_rmse;
  double *force_rmse, *force_mae; /* [(d * 3 + role) * (nel + 1) + e], e = nel for all */
  int *frames;
} FitReport;

/* Predict every frame (each rank its own frames, then summed) and compute
 * the metrics.  solution: the fit's solution vector; pot: its potential. */
UfpErrorCode FitReportCreate(MPI_Comm comm, Uf3Fit fit, FitData *data, const double *solution,
                             const Uf3Potential *pot, FitReport **report);
UfpErrorCode FitReportDestroy(FitReport **report);
/* The error table on stdout (rank 0). */
void FitReportPrint(MPI_Comm comm, const FitData *data, const FitReport *report);
/* Write the HDF5 report (collective; NAME.partial, then renamed). */
UfpErrorCode FitReportWrite(MPI_Comm comm, const char *path, int overwrite, const FitData *data,
                            const FitReport *report, const Uf3Potential *pot, const UfpProvenance *prov);
/* Parity plot (PNG, gnuplot); a warning, not an error, without gnuplot. */
UfpErrorCode FitReportPlot(MPI_Comm comm, const char *path, int overwrite, const FitData *data,
                           const FitReport *report);

#endif
