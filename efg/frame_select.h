/*
 * frame_select.h -- which MD frames to label next: structure fingerprints
 * and farthest-point selection against the current training set.
 *
 * Fingerprint of a structure: for each species s of a fixed list, the mean
 * over the atoms of species s of their lambda = 0 SOAP vectors
 * (lambda_soap.h; each environment's vector has unit norm), the blocks
 * concatenated: F = nspecies x LambdaSoapSize(soap, 0) numbers.  It does not
 * change under rotations, translations and permutations of the atoms, and a
 * supercell has the fingerprint of its cell; species absent from a
 * structure give a zero block.
 *
 * Selection (farthest-point sampling in fingerprint space, Euclidean): the
 * distance of a candidate is its distance to the nearest structure already
 * in the training set or already selected; the candidate with the largest
 * distance is taken next, m times.  Without a training set the first pick
 * is the candidate farthest from the candidates' mean.  Candidates closer
 * than min_distance to the set are never taken (they add nothing new).
 */
#ifndef EFG_FRAME_SELECT_H
#define EFG_FRAME_SELECT_H

#include "cell.h"
#include "lambda_soap.h"
#include "structure.h"
#include "ufp_error.h"

/* out[nspecies * LambdaSoapSize(soap, 0)]; species[i] per atom. */
UfpErrorCode FrameFingerprint(LambdaSoap soap, int nspecies, const char (*species_list)[16], const UfpCell *cell,
                              int natoms, const double (*x)[3], const char (*species)[UFP_LABEL_MAX], double *out);
/* Farthest-point selection of up to m of n candidates cand[n][f], against
 * nref reference fingerprints ref[nref][f].  selected[*nselected] in order of
 * selection, distance[k] the distance of selected[k] when it was taken. */
UfpErrorCode FrameSelectFarthest(int n, int f, const double *cand, int nref, const double *ref, int m,
                                 double min_distance, int *selected, double *distance, int *nselected);

/* Up to m candidates by descending score (e.g. a committee's force spread),
 * each at least min_distance in fingerprint space from those already taken
 * (so that one event does not fill the whole batch). */
UfpErrorCode FrameSelectLargest(int n, int f, const double *cand, const double *score, int m, double min_distance,
                                int *selected, int *nselected);

/* A cluster carved from a periodic structure, for labelling a local
 * environment instead of a whole cell: the atoms within radius of atom
 * centre (minimum image; radius at most half the cell's narrowest width
 * minus bond_cutoff), then, repeatedly, every atom bonded (closer than
 * bond_cutoff) to an included atom when neither is an alkali metal (Li,
 * Na, K, Rb, Cs: ions, not bonded), so covalent units such as PS4 stay
 * whole; then the formal charges (ewald_efg.h) are made to add up to zero
 * by removing the included Li/Na/K farthest from the centre or adding the
 * nearest ones.  The cluster is centred in a cubic box with at least
 * vacuum Å of empty space on every side (periodic, as a plane-wave code
 * wants it).  Info: cluster_centre (atom index in s), cluster_radius. */
UfpErrorCode FrameCarveCluster(const UfpStructure *s, int centre, double radius, double bond_cutoff, double vacuum,
                               UfpStructure **cluster);

#endif
