/*
 * sites.h -- the site class of each Li in each frame from its sulfur
 * coordination: the number of S atoms within rc (3.4 Å suits Li3PS4: in
 * the ordered beta cell the LiS4 sites have S at 2.18-2.75 Å and the next
 * S at 3.96 Å, the LiS6 sites at 2.41-3.22 Å and the next beyond 4.4 Å).  Class: LiS4 for 4 or fewer, LiS5 for 5, LiS6 for 6 or
 * more (beta-Li3PS4: 8d = LiS4 tetrahedra, 4b = LiS6 octahedra).
 */
#ifndef ANALYSIS_SITES_H
#define ANALYSIS_SITES_H

#include "cell.h"
#include "structure.h"
#include "ufp_error.h"

typedef enum { SITE_LIS4 = 0, SITE_LIS5 = 1, SITE_LIS6 = 2, SITE_NCLASSES = 3 } SiteClass;
extern const char *const SiteClassNames[SITE_NCLASSES];

SiteClass SiteClassOf(int coordination);
/* coordination[c] = number of atoms of species `ligand` within rc of atom
 * centres[c] (all periodic images). */
UfpErrorCode SiteCoordination(const UfpCell *cell, int natoms, const double (*x)[3],
                              const char (*species)[UFP_LABEL_MAX], const char *ligand, double rc, int ncentres,
                              const int *centres, int *coordination);

#endif
