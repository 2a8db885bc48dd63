/* sites.c -- see sites.h. */
#include "sites.h"

#include <string.h>

#include "neighbor.h"

const char *const SiteClassNames[SITE_NCLASSES] = {"LiS4", "LiS5", "LiS6"};

SiteClass SiteClassOf(int coordination)
{
  return coordination <= 4 ? SITE_LIS4 : coordination == 5 ? SITE_LIS5 : SITE_LIS6;
}

UfpErrorCode SiteCoordination(const UfpCell *cell, int natoms, const double (*x)[3],
                              const char (*species)[UFP_LABEL_MAX], const char *ligand, double rc, int ncentres,
                              const int *centres, int *coordination)
{
  UfpNeighborList *list = NULL;
  UfpCall(UfpNeighborListBuild(cell, natoms, x, rc, &list));
  UfpErrorCode ierr = UFP_SUCCESS;
  for (int c = 0; c < ncentres; c++) {
    int i = centres[c];
    if (i < 0 || i >= natoms) {
      ierr = UFP_ERR_INPUT;
      UfpError(ierr, "site coordination: atom %d outside 0..%d", i, natoms - 1);
      break;
    }
    int n = 0;
    for (int64_t e = list->offset[i]; e < list->offset[i + 1]; e++)
      if (list->r[e] < rc && !strcmp(species[list->j[e]], ligand)) n++;
    coordination[c] = n;
  }
  UfpNeighborListDestroy(&list);
  return ierr;
}
