/*
 * hops.h -- hops of one ion from its discretised trajectory: site residence
 * with hysteresis.
 *
 * A residence is `dwell` consecutive frames that all lie within r_in of
 * their mean, which is then the site's centre.  The ion starts in the
 * residence of its first frames.  It leaves its site only by going farther
 * than r_out (> r_in) from the centre, and a hop is counted when it next
 * settles into a residence whose centre is farther than r_out from the old
 * one; settling back near the old centre is a rattle, not a hop.  The two
 * radii are the hysteresis: vibrations (a few tenths of an Å) never reach
 * r_out, and a hop needs a new, stable position.  Sites need no lattice, so
 * this works for crystals and glasses alike.  The hop is dated at the first
 * frame of the new residence.  Positions must be unwrapped.
 */
#ifndef ANALYSIS_HOPS_H
#define ANALYSIS_HOPS_H

#include "ufp_error.h"

typedef struct {
  double r_in, r_out;   /* Å */
  int dwell;            /* frames */
} HopSettings;

typedef struct {
  int frame;            /* first frame of the new residence */
  double from[3], to[3];/* site centres, Å */
} Hop;

/* The hops of positions x[n][3]; *hops is malloc'd (free with UfpFree). */
UfpErrorCode HopDetect(const HopSettings *settings, int n, const double (*x)[3], int *nhops, Hop **hops);

#endif
