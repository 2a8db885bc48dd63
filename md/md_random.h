/*
 * md_random.h -- counter-based random numbers for MD.
 *
 * Every random number is a pure function of (seed, step, atom id, stream,
 * draw): no generator state to store in checkpoints, no dependence on how
 * atoms are spread over ranks, and a restarted run draws exactly the numbers
 * the uninterrupted run would have drawn.  The "stream state" saved in a
 * checkpoint is therefore just the seed and the step.
 *
 * Bits: SplitMix64 (Steele, Lea, Flood, OOPSLA 2014) finalisers applied to a
 * mix of the counters, which passes BigCrush as a counter-based generator;
 * normals by the Box-Muller transform.
 */
#ifndef UFP_MD_RANDOM_H
#define UFP_MD_RANDOM_H

#include <stdint.h>

enum { MD_STREAM_VELOCITY = 1, MD_STREAM_LANGEVIN = 2, MD_STREAM_BUSSI = 3 };

/* Uniform in (0, 1). */
double MdRandomUniform(uint64_t seed, int64_t step, int64_t id, int stream, int draw);
/* Standard normal; draws 2 k and 2 k + 1 share one Box-Muller pair. */
double MdRandomNormal(uint64_t seed, int64_t step, int64_t id, int stream, int draw);
/* Gamma(shape, 1) by Marsaglia and Tsang (ACM TOMS 26, 363 (2000)); uses
 * draws from `first_draw` on. */
double MdRandomGamma(uint64_t seed, int64_t step, int64_t id, int stream, double shape, int first_draw);

#endif
