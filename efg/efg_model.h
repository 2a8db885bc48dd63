/*
 * efg_model.h -- one interface for every model that gives the EFG tensor of
 * chosen atoms in a configuration: the SA-GPR model on lambda-SOAP
 * features (sagpr.h) and the classical point-charge Ewald sum
 * (ewald_efg.h).  Polymorphism by an ops table embedded as the first
 * member of each implementation (efg_model_impl.h).
 *
 * Tensors are in atomic units (Eh / (e a0^2) = 9.7173624292e21 V/m^2), the
 * one internal EFG unit of the project, and symmetric and traceless.
 *
 * Model file (HDF5, written by train-efg, read by efg-predict; schema in
 * common/FORMATS.md): root attribute "kind" ("sagpr" or "point_charge")
 * and "centre_species", provenance attributes, and one group per part:
 *   /descriptor  (sagpr) attributes species, rcut, cutoff_width, sigma, n_max, l_max
 *   /sagpr       attributes zeta, sigma2, jitter; datasets sparse_p0 [M][F0]
 *                and projection [M][F2] (a.u.; sagpr.h)
 *   /point_charge  attributes accuracy, nspecies and per overridden species
 *                species, has_charge, charge (e), gamma_inf
 */
#ifndef EFG_EFG_MODEL_H
#define EFG_EFG_MODEL_H

#include <hdf5.h>
#include <mpi.h>

#include "cell.h"
#include "ewald_efg.h"
#include "lambda_soap.h"
#include "sagpr.h"
#include "structure.h"
#include "ufp_error.h"

typedef struct EfgModel_ *EfgModel;

/* An SA-GPR model for the tensors of atoms of species centre, on the
 * lambda-SOAP descriptor with these settings; takes ownership of gpr. */
UfpErrorCode EfgModelCreateSagpr(const LambdaSoapSettings *descriptor, const char *centre, Sagpr gpr,
                                 EfgModel *model);
/* The point-charge Ewald model (no training) with these settings. */
UfpErrorCode EfgModelCreatePointCharge(const EwaldEfgSettings *settings, const char *centre, EfgModel *model);

/* Tensors v[c] of the atoms centres[c] of one configuration (labels per
 * atom, positions in Å).  Atoms of species the model does not know are a
 * bad-input error when they are centres, and are ignored as neighbours
 * only where the model says so (SA-GPR: its descriptor species). */
UfpErrorCode EfgModelPredict(EfgModel model, const UfpCell *cell, int natoms, const double (*x)[3],
                             const char (*species)[UFP_LABEL_MAX], int ncentres, const int *centres,
                             double (*v)[3][3]);
/* The species whose tensors the model was made for ("Li"). */
const char *EfgModelCentreSpecies(const EfgModel model);
const char *EfgModelKind(const EfgModel model);
/* Write into an open HDF5 location of a file opened on comm / read a model
 * file (collective). */
UfpErrorCode EfgModelWrite(const EfgModel model, MPI_Comm comm, hid_t loc);
UfpErrorCode EfgModelRead(MPI_Comm comm, const char *path, EfgModel *model);
UfpErrorCode EfgModelDestroy(EfgModel *model);

#endif
