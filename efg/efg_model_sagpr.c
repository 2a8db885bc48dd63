/*
 * efg_model_sagpr.c -- the SA-GPR kind of EFG model: lambda-SOAP features
 * of the centres (lambda = 0 and 2, lambda_soap.h), the sparse GPR
 * (sagpr.h) for the five l = 2 components, and the tensor rebuilt from them
 * with zero trace (spherical_harmonics.h).  File layout in efg_model.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efg_model_impl.h"
#include "h5io.h"
#include "parallel.h"
#include "efg_tensor.h"
#include "spherical_harmonics.h"

typedef struct {
  struct EfgModel_ base;
  LambdaSoapSettings descriptor;
  LambdaSoap soap;
  Sagpr gpr;
} SagprModel;

static UfpErrorCode predict(EfgModel model, const UfpCell *cell, int natoms, const double (*x)[3],
                            const char (*species)[UFP_LABEL_MAX], int ncentres, const int *centres, double (*v)[3][3])
{
  SagprModel *sm = (SagprModel *)model;
  const int f0 = LambdaSoapSize(sm->soap, 0), f2 = LambdaSoapSize(sm->soap, 2);
  int *channel = NULL;
  double *p0 = NULL, *p2 = NULL, *t = NULL;
  UfpErrorCode ierr = UfpCalloc(natoms > 0 ? natoms : 1, &channel);
  if (!ierr) ierr = UfpCalloc((size_t)ncentres * f0 + 1, &p0);
  if (!ierr) ierr = UfpCalloc((size_t)ncentres * 5 * f2 + 1, &p2);
  if (!ierr) ierr = UfpCalloc((size_t)ncentres * 5 + 1, &t);
  for (int i = 0; i < natoms && !ierr; i++) channel[i] = LambdaSoapChannel(sm->soap, species[i]);
  if (!ierr) ierr = LambdaSoapComputeBoth(sm->soap, cell, natoms, x, channel, ncentres, centres, p0, p2);
  if (!ierr) ierr = SagprPredict(sm->gpr, ncentres, p0, p2, t);
  for (int c = 0; c < ncentres && !ierr; c++) UfpEfgFromSpherical(0.0, t + 5 * c, v[c]);
  UfpFree(&channel);
  UfpFree(&p0);
  UfpFree(&p2);
  UfpFree(&t);
  return ierr;
}

/* Rank 0 writes a whole dataset; the others take part with nothing. */
static UfpErrorCode write_array(MPI_Comm comm, hid_t loc, const char *name, int rank, const hsize_t dims[],
                                const double *data)
{
  hid_t dset;
  UfpCall(UfpH5CreateDataset(loc, name, H5T_NATIVE_DOUBLE, rank, dims, 0, &dset));
  int me = UfpCommRank(comm);
  hsize_t offset[3] = {0, 0, 0}, count[3] = {dims[0], rank > 1 ? dims[1] : 1, rank > 2 ? dims[2] : 1};
  if (me != 0) count[0] = 0;
  UfpErrorCode ierr = UfpH5WriteBlock(dset, H5T_NATIVE_DOUBLE, offset, count, data);
  UfpH5Close(&dset);
  return ierr;
}

static UfpErrorCode write_model(const EfgModel model, MPI_Comm comm, hid_t loc)
{
  const SagprModel *sm = (const SagprModel *)model;
  const LambdaSoapSettings *d = &sm->descriptor;
  hid_t g;
  UfpCall(UfpH5CreateGroup(loc, "descriptor", &g));
  const char *labels[LSOAP_MAX_SPECIES];
  for (int a = 0; a < d->nspecies; a++) labels[a] = d->species[a];
  UfpErrorCode ierr = UfpH5WriteStringArrayAttr(g, "species", d->nspecies, labels);
  if (!ierr) ierr = UfpH5WriteDoubleAttr(g, "rcut", d->rcut);
  if (!ierr) ierr = UfpH5WriteDoubleAttr(g, "cutoff_width", d->cutoff_width);
  if (!ierr) ierr = UfpH5WriteDoubleAttr(g, "sigma", d->sigma);
  if (!ierr) ierr = UfpH5WriteIntAttr(g, "n_max", d->nmax);
  if (!ierr) ierr = UfpH5WriteIntAttr(g, "l_max", d->lmax);
  if (!ierr) ierr = UfpH5WriteStringAttr(g, "units", "rcut, cutoff_width, sigma in Å");
  UfpH5Close(&g);
  if (ierr) return ierr;
  SagprSettings s;
  int f0, f2, m;
  const double *p0, *u;
  SagprGetParts(sm->gpr, &s, &f0, &f2, &m, &p0, &u);
  UfpCall(UfpH5CreateGroup(loc, "sagpr", &g));
  ierr = UfpH5WriteIntAttr(g, "zeta", s.zeta);
  if (!ierr) ierr = UfpH5WriteDoubleAttr(g, "sigma2", s.sigma2);
  if (!ierr) ierr = UfpH5WriteDoubleAttr(g, "jitter", s.jitter);
  hsize_t d0[2] = {(hsize_t)m, (hsize_t)f0}, du[2] = {(hsize_t)m, (hsize_t)f2};
  if (!ierr) ierr = write_array(comm, g, "sparse_p0", 2, d0, p0);
  if (!ierr) ierr = write_array(comm, g, "projection", 2, du, u);
  UfpH5Close(&g);
  return ierr;
}

static void destroy(EfgModel model)
{
  SagprModel *sm = (SagprModel *)model;
  LambdaSoapDestroy(&sm->soap);
  SagprDestroy(&sm->gpr);
}

static const EfgModelOps sagpr_ops = {"sagpr", predict, write_model, destroy};

UfpErrorCode EfgModelCreateSagpr(const LambdaSoapSettings *descriptor, const char *centre, Sagpr gpr,
                                 EfgModel *model)
{
  SagprModel *sm;
  UfpCall(UfpCalloc(1, &sm));
  sm->base.ops = &sagpr_ops;
  snprintf(sm->base.centre, sizeof sm->base.centre, "%s", centre);
  sm->descriptor = *descriptor;
  sm->gpr = gpr;
  *model = &sm->base;
  UfpErrorCode ierr = LambdaSoapCreate(descriptor, &sm->soap);
  if (!ierr) {
    SagprSettings s;
    int f0, f2, m;
    const double *p0, *u;
    SagprGetParts(gpr, &s, &f0, &f2, &m, &p0, &u);
    if (f0 != LambdaSoapSize(sm->soap, 0) || f2 != LambdaSoapSize(sm->soap, 2)) {
      ierr = UFP_ERR_INPUT;
      UfpError(ierr, "SA-GPR model: %d and %d features per environment, but its descriptor gives %d and %d", f0, f2,
               LambdaSoapSize(sm->soap, 0), LambdaSoapSize(sm->soap, 2));
    }
  }
  return ierr;
}

static UfpErrorCode read_array(hid_t loc, const char *name, int rank, const hsize_t expect[], double *data)
{
  hid_t dset;
  int r;
  hsize_t dims[3];
  UfpCall(UfpH5OpenDataset(loc, name, &dset));
  UfpErrorCode ierr = UfpH5DatasetShape(dset, &r, dims);
  for (int k = 0; k < rank && !ierr; k++)
    if (r != rank || dims[k] != expect[k]) {
      ierr = UFP_ERR_INPUT;
      UfpError(ierr, "SA-GPR model: dataset %s has the wrong shape", name);
    }
  hsize_t offset[3] = {0, 0, 0}, count[3] = {expect[0], rank > 1 ? expect[1] : 1, rank > 2 ? expect[2] : 1};
  if (!ierr) ierr = UfpH5ReadBlock(dset, H5T_NATIVE_DOUBLE, offset, count, data);
  UfpH5Close(&dset);
  return ierr;
}

UfpErrorCode EfgModelReadSagpr(MPI_Comm comm, hid_t root, const char *centre, EfgModel *model)
{
  (void)comm;
  LambdaSoapSettings d = {0};
  hid_t g;
  UfpCall(UfpH5OpenGroup(root, "descriptor", &g));
  size_t n = 0;
  char **labels = NULL;
  UfpErrorCode ierr = UfpH5ReadStringArrayAttr(g, "species", &n, &labels);
  if (!ierr && (n < 1 || n > LSOAP_MAX_SPECIES)) {
    ierr = UFP_ERR_INPUT;
    UfpError(ierr, "SA-GPR model: %zu descriptor species (1..%d expected)", n, LSOAP_MAX_SPECIES);
  }
  for (size_t a = 0; a < n && !ierr; a++) snprintf(d.species[a], sizeof d.species[a], "%s", labels[a]);
  d.nspecies = (int)n;
  UfpH5FreeStrings(n, &labels);
  if (!ierr) ierr = UfpH5ReadDoubleAttr(g, "rcut", &d.rcut);
  if (!ierr) ierr = UfpH5ReadDoubleAttr(g, "cutoff_width", &d.cutoff_width);
  if (!ierr) ierr = UfpH5ReadDoubleAttr(g, "sigma", &d.sigma);
  if (!ierr) ierr = UfpH5ReadIntAttr(g, "n_max", &d.nmax);
  if (!ierr) ierr = UfpH5ReadIntAttr(g, "l_max", &d.lmax);
  UfpH5Close(&g);
  if (ierr) return ierr;
  LambdaSoap soap;
  UfpCall(LambdaSoapCreate(&d, &soap));
  const int f0 = LambdaSoapSize(soap, 0), f2 = LambdaSoapSize(soap, 2);
  LambdaSoapDestroy(&soap);
  SagprSettings s;
  UfpCall(UfpH5OpenGroup(root, "sagpr", &g));
  ierr = UfpH5ReadIntAttr(g, "zeta", &s.zeta);
  if (!ierr) ierr = UfpH5ReadDoubleAttr(g, "sigma2", &s.sigma2);
  if (!ierr) ierr = UfpH5ReadDoubleAttr(g, "jitter", &s.jitter);
  hid_t dset;
  int rank;
  hsize_t dims[3];
  if (!ierr) ierr = UfpH5OpenDataset(g, "projection", &dset);
  if (!ierr) {
    ierr = UfpH5DatasetShape(dset, &rank, dims);
    UfpH5Close(&dset);
  }
  const int m = (int)dims[0];
  double *p0 = NULL, *u = NULL;
  if (!ierr) ierr = UfpCalloc((size_t)m * f0, &p0);
  if (!ierr) ierr = UfpCalloc((size_t)m * f2, &u);
  hsize_t e0[2] = {(hsize_t)m, (hsize_t)f0}, eu[2] = {(hsize_t)m, (hsize_t)f2};
  if (!ierr) ierr = read_array(g, "sparse_p0", 2, e0, p0);
  if (!ierr) ierr = read_array(g, "projection", 2, eu, u);
  UfpH5Close(&g);
  Sagpr gpr = NULL;
  if (!ierr) ierr = SagprCreateFromProjection(&s, f0, f2, m, p0, u, &gpr);
  UfpFree(&p0);
  UfpFree(&u);
  if (!ierr) ierr = EfgModelCreateSagpr(&d, centre, gpr, model);
  return ierr;
}
