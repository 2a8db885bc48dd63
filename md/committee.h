/*
 * committee.h -- how much a committee of UF3 potentials disagrees on a
 * structure: the spread of their forces, a measure of where a fitted
 * potential is uncertain (query by committee, active learning).
 *
 * For K potentials with forces F_ik on atom i, the spread of atom i is
 *     s_i = sqrt( (1/K) sum_k |F_ik - <F_i>|^2 ),  <F_i> = (1/K) sum_k F_ik,
 * and the structure's disagreement is max_i s_i (eV/Å): one badly known
 * environment is enough to make a frame worth labelling.  Identical
 * potentials give 0.
 */
#ifndef MD_COMMITTEE_H
#define MD_COMMITTEE_H

#include "structure.h"
#include "uf3_potential.h"
#include "ufp_error.h"

/* Serial (MPI_COMM_SELF): every potential must know every species of s. */
UfpErrorCode Uf3CommitteeSpread(int npot, Uf3Potential *const *pots, const UfpStructure *s, double *max_spread);

#endif
