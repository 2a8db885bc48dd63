/* efg_model.c -- dispatch to the model kinds (efg_model.h, efg_model_impl.h). */
#include "efg_model_impl.h"

#include <string.h>

#include "h5io.h"

UfpErrorCode EfgModelPredict(EfgModel model, const UfpCell *cell, int natoms, const double (*x)[3],
                             const char (*species)[UFP_LABEL_MAX], int ncentres, const int *centres,
                             double (*v)[3][3])
{
  for (int c = 0; c < ncentres; c++) {
    UfpCheck(centres[c] >= 0 && centres[c] < natoms, UFP_ERR_INPUT, "EFG model: centre %d outside 0..%d",
             centres[c], natoms - 1);
    UfpCheck(!strcmp(species[centres[c]], model->centre), UFP_ERR_INPUT,
             "EFG model: atom %d is %s, but the model was made for %s", centres[c], species[centres[c]],
             model->centre);
  }
  return model->ops->predict(model, cell, natoms, x, species, ncentres, centres, v);
}

const char *EfgModelCentreSpecies(const EfgModel model) { return model->centre; }
const char *EfgModelKind(const EfgModel model) { return model->ops->kind; }

UfpErrorCode EfgModelWrite(const EfgModel model, MPI_Comm comm, hid_t loc)
{
  UfpCall(UfpH5WriteStringAttr(loc, "kind", model->ops->kind));
  UfpCall(UfpH5WriteStringAttr(loc, "centre_species", model->centre));
  UfpCall(UfpH5WriteStringAttr(loc, "efg_units", "atomic (Eh/(e a0^2) = 9.7173624292e21 V/m^2)"));
  return model->ops->write(model, comm, loc);
}

UfpErrorCode EfgModelRead(MPI_Comm comm, const char *path, EfgModel *model)
{
  UfpH5File *file = NULL;
  UfpCall(UfpH5FileOpen(comm, path, 0, &file));
  hid_t root = UfpH5FileId(file);
  char kind[64], centre[UFP_LABEL_MAX];
  UfpErrorCode ierr = UfpH5ReadStringAttr(root, "kind", kind, sizeof kind);
  if (!ierr) ierr = UfpH5ReadStringAttr(root, "centre_species", centre, sizeof centre);
  if (!ierr) {
    if (!strcmp(kind, "sagpr")) ierr = EfgModelReadSagpr(comm, root, centre, model);
    else if (!strcmp(kind, "point_charge")) ierr = EfgModelReadPointCharge(comm, root, centre, model);
    else {
      ierr = UFP_ERR_INPUT;
      UfpError(ierr, "%s: unknown EFG model kind '%s' (sagpr or point_charge expected)", path, kind);
    }
  }
  UfpH5FileDestroy(&file);
  return ierr;
}

UfpErrorCode EfgModelDestroy(EfgModel *model)
{
  if (!model || !*model) return UFP_SUCCESS;
  (*model)->ops->destroy(*model);
  UfpFree(model);
  return UFP_SUCCESS;
}
