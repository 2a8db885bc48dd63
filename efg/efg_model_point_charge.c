/*
 * efg_model_point_charge.c -- the point-charge kind of EFG model: the
 * Ewald-summed field gradient of formal (or given) point charges, times the
 * Sternheimer factor (ewald_efg.h).  No training: its file holds only the
 * settings (group /point_charge: attribute accuracy; datasets species
 * labels, has_charge, charge (e), gamma_inf per overridden species).
 */
#include <stdio.h>
#include <string.h>

#include "efg_model_impl.h"
#include "ewald_efg.h"
#include "h5io.h"

typedef struct {
  struct EfgModel_ base;
  EwaldEfgSettings settings;
  EwaldEfg ewald;
} PointChargeModel;

static UfpErrorCode predict(EfgModel model, const UfpCell *cell, int natoms, const double (*x)[3],
                            const char (*species)[UFP_LABEL_MAX], int ncentres, const int *centres, double (*v)[3][3])
{
  PointChargeModel *pm = (PointChargeModel *)model;
  UfpCall(EwaldEfgSetUp(pm->ewald, cell->h, natoms, species));
  return EwaldEfgCompute(pm->ewald, x, ncentres, centres, v);
}

static UfpErrorCode write_model(const EfgModel model, MPI_Comm comm, hid_t loc)
{
  (void)comm;
  const PointChargeModel *pm = (const PointChargeModel *)model;
  hid_t g;
  UfpCall(UfpH5CreateGroup(loc, "point_charge", &g));
  const EwaldEfgSettings *s = &pm->settings;
  UfpErrorCode ierr = UfpH5WriteDoubleAttr(g, "accuracy", s->accuracy);
  const char *labels[EWALD_EFG_MAX_SPECIES];
  int has[EWALD_EFG_MAX_SPECIES];
  double q[EWALD_EFG_MAX_SPECIES], gamma[EWALD_EFG_MAX_SPECIES];
  for (int k = 0; k < s->nspecies; k++) {
    labels[k] = s->species[k].label;
    has[k] = s->species[k].has_charge;
    q[k] = s->species[k].charge;
    gamma[k] = s->species[k].gamma_inf;
  }
  if (!ierr) ierr = UfpH5WriteIntAttr(g, "nspecies", s->nspecies);
  if (!ierr && s->nspecies > 0) {
    ierr = UfpH5WriteStringArrayAttr(g, "species", s->nspecies, labels);
    if (!ierr) ierr = UfpH5WriteIntArrayAttr(g, "has_charge", s->nspecies, has);
    if (!ierr) ierr = UfpH5WriteDoubleArrayAttr(g, "charge", s->nspecies, q);
    if (!ierr) ierr = UfpH5WriteDoubleArrayAttr(g, "gamma_inf", s->nspecies, gamma);
  }
  if (!ierr) ierr = UfpH5WriteStringAttr(g, "units", "charge e; the tensor is (1 - gamma_inf) V_lattice");
  UfpH5Close(&g);
  return ierr;
}

static void destroy(EfgModel model) { EwaldEfgDestroy(&((PointChargeModel *)model)->ewald); }

static const EfgModelOps point_charge_ops = {"point_charge", predict, write_model, destroy};

UfpErrorCode EfgModelCreatePointCharge(const EwaldEfgSettings *settings, const char *centre, EfgModel *model)
{
  PointChargeModel *pm;
  UfpCall(UfpCalloc(1, &pm));
  pm->base.ops = &point_charge_ops;
  snprintf(pm->base.centre, sizeof pm->base.centre, "%s", centre);
  pm->settings = *settings;
  *model = &pm->base;
  return EwaldEfgCreate(settings, &pm->ewald);
}

UfpErrorCode EfgModelReadPointCharge(MPI_Comm comm, hid_t root, const char *centre, EfgModel *model)
{
  (void)comm;
  EwaldEfgSettings s;
  EwaldEfgSettingsDefault(&s);
  hid_t g;
  UfpCall(UfpH5OpenGroup(root, "point_charge", &g));
  int n = 0;
  UfpErrorCode ierr = UfpH5ReadDoubleAttr(g, "accuracy", &s.accuracy);
  if (!ierr) ierr = UfpH5ReadIntAttr(g, "nspecies", &n);
  if (!ierr && (n < 0 || n > EWALD_EFG_MAX_SPECIES)) {
    ierr = UFP_ERR_INPUT;
    UfpError(ierr, "point-charge model: %d species overrides (at most %d)", n, EWALD_EFG_MAX_SPECIES);
  }
  if (!ierr && n > 0) {
    size_t count = 0;
    char **labels = NULL;
    int has[EWALD_EFG_MAX_SPECIES];
    double q[EWALD_EFG_MAX_SPECIES], gamma[EWALD_EFG_MAX_SPECIES];
    ierr = UfpH5ReadStringArrayAttr(g, "species", &count, &labels);
    if (!ierr) ierr = UfpH5ReadIntArrayAttr(g, "has_charge", n, has);
    if (!ierr) ierr = UfpH5ReadDoubleArrayAttr(g, "charge", n, q);
    if (!ierr) ierr = UfpH5ReadDoubleArrayAttr(g, "gamma_inf", n, gamma);
    for (int k = 0; k < n && !ierr && (size_t)k < count; k++) {
      if (has[k]) ierr = EwaldEfgSettingsSetCharge(&s, labels[k], q[k]);
      if (!ierr && gamma[k] != 0.0) ierr = EwaldEfgSettingsSetSternheimer(&s, labels[k], gamma[k]);
    }
    UfpH5FreeStrings(count, &labels);
  }
  UfpH5Close(&g);
  if (!ierr) ierr = EfgModelCreatePointCharge(&s, centre, model);
  return ierr;
}
