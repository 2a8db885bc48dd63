/* committee.c -- see committee.h. */
#include "committee.h"

#include <math.h>
#include <mpi.h>

#include "domain.h"
#include "elements.h"
#include "md_system.h"

/* Forces of one potential on s, in the atom order of s. */
static UfpErrorCode forces_of(const Uf3Potential *pot, const UfpStructure *s, double *f)
{
  int *type = NULL;
  double *mass = NULL;
  MdSystem *sys = NULL;
  UfpCall(UfpCalloc(s->natoms, &type));
  UfpErrorCode ierr = UfpCalloc(pot->nelements, &mass);
  for (int e = 0; e < pot->nelements && !ierr; e++) mass[e] = 1.0; /* forces do not need masses */
  for (int i = 0; i < s->natoms && !ierr; i++) {
    type[i] = Uf3PotentialElementIndex(pot, s->species[i]);
    if (type[i] < 0) ierr = UfpError(UFP_ERR_INPUT, "a committee potential has no element %s", s->species[i]);
  }
  if (!ierr)
    ierr = MdSystemCreate(MPI_COMM_SELF, s->lattice, s->natoms, type, (const double(*)[3])s->x, NULL, NULL, pot, mass,
                          0.0, &sys);
  if (!ierr) ierr = MdSystemComputeForces(sys);
  if (!ierr) ierr = MdDomainToBlocks(sys->domain, 3, &sys->domain->f[0][0], f);
  MdSystemDestroy(&sys);
  UfpFree(&type);
  UfpFree(&mass);
  return ierr;
}

UfpErrorCode Uf3CommitteeSpread(int npot, Uf3Potential *const *pots, const UfpStructure *s, double *max_spread)
{
  UfpCheck(npot >= 2, UFP_ERR_USAGE, "a committee needs at least 2 potentials (got %d)", npot);
  const size_t n3 = 3 * (size_t)s->natoms;
  double *f = NULL, *mean = NULL, *sq = NULL;
  UfpCall(UfpCalloc(n3 * npot, &f));
  UfpErrorCode ierr = UfpCalloc(n3, &mean);
  if (!ierr) ierr = UfpCalloc(s->natoms, &sq);
  for (int k = 0; k < npot && !ierr; k++) ierr = forces_of(pots[k], s, f + n3 * k);
  for (int k = 0; k < npot && !ierr; k++)
    for (size_t c = 0; c < n3; c++) mean[c] += f[n3 * k + c] / npot;
  for (int k = 0; k < npot && !ierr; k++)
    for (size_t c = 0; c < n3; c++) sq[c / 3] += pow(f[n3 * k + c] - mean[c], 2) / npot;
  *max_spread = 0.0;
  for (int i = 0; i < s->natoms && !ierr; i++) *max_spread = fmax(*max_spread, sqrt(sq[i]));
  UfpFree(&f);
  UfpFree(&mean);
  UfpFree(&sq);
  return ierr;
}
