/*
 * polycrystal.h -- a periodic polycrystal of randomly oriented grains cut
 * from one crystal structure (Voronoi construction), keeping molecular
 * units whole and the cell neutral.
 *
 * 1. Units of the crystal: atoms of non-mobile species closer than `bond`
 *    form one unit (PS4 tetrahedra in Li3PS4); every atom of a mobile
 *    species (Li) is a unit of its own.  Each unit is made whole across the
 *    cell boundaries and has a centre (the mean of its atoms).
 * 2. Grains: n centres drawn uniformly in the orthorhombic box and n
 *    rotations drawn uniformly from SO(3) (Shoemake's quaternions), both
 *    from (seed, grain).  A unit of the rotated crystal of grain g is kept
 *    when its centre lies in g's periodic Voronoi cell: nearer (minimum
 *    image) to c_g than to any other centre.  Whole units, never atoms, are
 *    kept or dropped, so no unit is cut at a grain boundary.
 * 3. Clashes: where two grains meet, atoms of different units can come
 *    closer than in any crystal.  The reference is the crystal itself: for
 *    each species pair, the shortest distance between atoms of different
 *    units there, d_AB; a pair closer than clash * d_AB is a clash (default
 *    0.75: glassy Li3PS4 has Li-Li contacts of 2.45 Å against the
 *    crystal's 3.27 Å).  Units go in order of their number of clashes, the
 *    most first (among equals a mobile unit, then the later grain's), until
 *    no clash is left.
 * 4. Neutrality: with formal charges per species (Li +1, P +5, S -2), the
 *    total is brought to zero by removing the most crowded units (smallest
 *    ratio of nearest contact to d_AB): cations while it is positive,
 *    anion units while it is negative.
 * The result has grain boundaries as cut, with fewer atoms there than in the
 * crystal; MD relaxes them (README, "Polycrystalline beta-Li3PS4").
 */
#ifndef UFP_MD_POLYCRYSTAL_H
#define UFP_MD_POLYCRYSTAL_H

#include <stdint.h>

#include "structure.h"

enum { POLY_MAX_CHARGES = 16 };

typedef struct {
  double box[3]; /* orthorhombic box edges, Å */
  int ngrains;
  uint64_t seed;
  double bond;                /* Å: unit-forming bond length (2.6) */
  char mobile[UFP_LABEL_MAX]; /* species of single-atom units ("Li") */
  double clash;               /* fraction of the crystal's closest contacts (0.75) */
  int ncharges;               /* 0: no neutrality step */
  char charge_species[POLY_MAX_CHARGES][UFP_LABEL_MAX];
  double charge[POLY_MAX_CHARGES]; /* formal charges, e */
} PolySettings;

typedef struct {
  int natoms;
  int units_cut;        /* units inside the Voronoi cells */
  int removed_clash;    /* units removed at clashes */
  int removed_charge;   /* units removed to neutralise */
  double density_ratio; /* atoms per volume, relative to the crystal */
} PolyReport;

/* Default settings (bond 2.6 Å, clash 0.75, no charges). */
void PolySettingsDefault(PolySettings *s);
/* The polycrystal of crystal (periodic cell) in a new structure with the
 * integer per-atom column "grain" (0 .. ngrains-1). */
UfpErrorCode PolycrystalBuild(const PolySettings *s, const UfpStructure *crystal, UfpStructure **out,
                              PolyReport *report);

#endif
