/*
 * uf3_force.h -- energy, forces, virial and per-atom energy of a UF3 model.
 *
 * Plan once (Uf3ForceCreate: spline tables for every interaction), execute
 * many times (Uf3ForceCompute on the current positions and neighbour list).
 *
 * Atoms are indexed 0..nall-1: the first nlocal are the centres this rank
 * owns; the rest (ghosts) are copies of atoms owned elsewhere or periodic
 * images.  Alternatively a neighbour entry can carry a lattice shift, so a
 * serial periodic system needs no ghosts at all: the displacement of entry
 * (i, j, s) is x_j + shifts[s] - x_i.
 *
 * Conventions (LAMMPS pair_style uf3):
 *   - the list is FULL: both (i, j) and (j, i) appear; every ordered pair
 *     contributes V2(r_ij), all of it to atom i's energy;
 *   - 3-body: around each centre i, every pair j < k (list order) of
 *     neighbours within the 3-body cutoffs contributes
 *     V3_{s_i s_j s_k}(r_ij, r_ik, r_jk), all of it to atom i's energy;
 *   - the one-body energy E1 of each local atom is added when the model has it.
 * Per-atom energies follow LAMMPS too: each ordered pair gives V2 to atom i
 * (LAMMPS: half to i and half to j on each of the two visits, the same
 * totals), each triplet a third of V3 to each of i, j and k (ev_tally3).
 * Forces on ghosts are accumulated in f[nlocal..nall-1]; the caller folds
 * them back onto their owners.  The 2-body term writes only to f[i] (the
 * reverse visit (j, i) supplies f[j]), so a pair never needs a reverse
 * communication.
 *
 * Virial: W_ab = sum over interactions of r_a F_b in the form
 * W = -sum_terms (dE/dr) d d^T / r, the same as sum_i x_i F_i for a periodic
 * system; stress = -W / V (eV/Å^3, the extxyz/ASE sign).
 */
#ifndef UFP_UF3_FORCE_H
#define UFP_UF3_FORCE_H

#include <stdint.h>

#include "uf3_potential.h"

typedef struct {
  int nlocal;                 /* centres 0..nlocal-1 */
  const int64_t *offset;      /* nlocal + 1 CSR offsets */
  const int *j;               /* neighbour index (local or ghost) */
  const int *shift;           /* per-entry index into shifts, or NULL for none */
  const double (*shifts)[3];  /* Cartesian lattice shifts, Å */
} Uf3Neighbors;

typedef struct {
  double energy;              /* eV (sum over local centres) */
  double virial[3][3];        /* eV */
  double (*f)[3];             /* nall forces, eV/Å (caller-owned, overwritten) */
  double *eatom;              /* nall per-atom energies, eV, or NULL; ghost
                                 entries are to be folded onto their owners */
} Uf3Result;

typedef struct Uf3Force_ *Uf3Force;

UfpErrorCode Uf3ForceCreate(const Uf3Potential *pot, Uf3Force *force);
UfpErrorCode Uf3ForceDestroy(Uf3Force *force);
/* Largest distance at which any term acts (Å): neighbour lists need it. */
double Uf3ForceCutoff(const Uf3Force force);
/* Largest r_ij (= r_ik) at which a 3-body term acts (Å; 0 without 3-body). */
double Uf3ForceTripletCutoff(const Uf3Force force);

/* The pair that made the last Uf3ForceCompute fail: indices in that call
 * and their distance (Å), and the first knot they violated. */
void Uf3ForceLastContact(const Uf3Force force, int *i, int *j, double *r, double *rmin);

/* x: nall positions (Å); species: nall element indices of the potential.
 * Fails (bad input) when two atoms are closer than the first knot of their
 * pair spline, naming the two atoms (indices in this call). */
UfpErrorCode Uf3ForceCompute(Uf3Force force, int nall, const double (*x)[3], const int *species,
                             const Uf3Neighbors *nbr, Uf3Result *result);

#endif
