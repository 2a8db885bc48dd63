/*
 * md_random.c -- counter-based uniform, normal and gamma variates
 * (see md_random.h).
 */
#include "md_random.h"

#include <math.h>

#include "units.h"

static uint64_t splitmix64(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t counter_bits(uint64_t seed, int64_t step, int64_t id, int stream, int draw)
{
  uint64_t h = splitmix64(seed);
  h = splitmix64(h ^ (uint64_t)step);
  h = splitmix64(h ^ (uint64_t)id);
  h = splitmix64(h ^ ((uint64_t)(uint32_t)stream << 32 | (uint32_t)draw));
  return h;
}

double MdRandomUniform(uint64_t seed, int64_t step, int64_t id, int stream, int draw)
{
  /* 53 random bits, shifted off zero: (k + 0.5) / 2^53. */
  uint64_t bits = counter_bits(seed, step, id, stream, draw) >> 11;
  return ((double)bits + 0.5) * (1.0 / 9007199254740992.0);
}

double MdRandomNormal(uint64_t seed, int64_t step, int64_t id, int stream, int draw)
{
  int pair = draw / 2;
  double u1 = MdRandomUniform(seed, step, id, stream, 2 * pair);
  double u2 = MdRandomUniform(seed, step, id, stream, 2 * pair + 1);
  double radius = sqrt(-2.0 * log(u1));
  return draw % 2 ? radius * sin(2.0 * UFP_PI * u2) : radius * cos(2.0 * UFP_PI * u2);
}

double MdRandomGamma(uint64_t seed, int64_t step, int64_t id, int stream, double shape, int first_draw)
{
  if (shape < 1.0) {
    /* G(a) = G(a + 1) U^(1/a). */
    double u = MdRandomUniform(seed, step, id, stream, first_draw);
    return MdRandomGamma(seed, step, id, stream, shape + 1.0, first_draw + 1) * pow(u, 1.0 / shape);
  }
  double dd = shape - 1.0 / 3.0, cc = 1.0 / sqrt(9.0 * dd);
  for (int draw = first_draw;; draw += 4) {
    double xn = MdRandomNormal(seed, step, id, stream, draw), v = 1.0 + cc * xn;
    if (v <= 0.0) continue;
    v = v * v * v;
    double u = MdRandomUniform(seed, step, id, stream, draw + 2);
    if (u < 1.0 - 0.0331 * xn * xn * xn * xn) return dd * v;
    if (log(u) < 0.5 * xn * xn + dd * (1.0 - v + log(v))) return dd * v;
  }
}
