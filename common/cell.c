/*
 * cell.c -- triclinic cell geometry: inverse, fractional <-> Cartesian,
 * wrapping, exact minimum image and image ranges for a cutoff.
 *
 * Minimum image in a skewed cell: reducing the fractional displacement to
 * [-1/2, 1/2) does not always give the shortest vector when the cell angles
 * are far from 90 degrees.  We therefore reduce first and then try the 27
 * neighbouring shifts (-1, 0, 1) along periodic axes, keeping the shortest.
 * For cells that are not pathologically skewed (any Niggli-reduced cell) this
 * is exact.
 */
#include "cell.h"

#include <math.h>
#include <string.h>

static void cross(const double a[3], const double b[3], double c[3])
{
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
}

static double dot(const double a[3], const double b[3])
{
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

UfpErrorCode UfpCellSetup(UfpCell *cell, const double lattice[3][3], const int pbc[3])
{
  double bc[3], ca[3], ab[3];
  memcpy(cell->h, lattice, sizeof cell->h);
  for (int a = 0; a < 3; a++) cell->pbc[a] = pbc ? (pbc[a] != 0) : 1;
  cross(lattice[1], lattice[2], bc);
  cross(lattice[2], lattice[0], ca);
  cross(lattice[0], lattice[1], ab);
  double det = dot(lattice[0], bc);
  double scale = dot(lattice[0], lattice[0]) + dot(lattice[1], lattice[1]) + dot(lattice[2], lattice[2]);
  UfpCheck(scale > 0 && fabs(det) > 1e-10 * pow(scale, 1.5), UFP_ERR_INPUT,
           "singular lattice (volume %g Å^3)", det);
  cell->volume = fabs(det);
  /* h^-1 has the reciprocal vectors (without 2 pi) as columns. */
  for (int k = 0; k < 3; k++) {
    cell->hinv[k][0] = bc[k] / det;
    cell->hinv[k][1] = ca[k] / det;
    cell->hinv[k][2] = ab[k] / det;
  }
  cell->width[0] = cell->volume / sqrt(dot(bc, bc));
  cell->width[1] = cell->volume / sqrt(dot(ca, ca));
  cell->width[2] = cell->volume / sqrt(dot(ab, ab));
  return UFP_SUCCESS;
}

void UfpCellFracFromCart(const UfpCell *cell, const double x[3], double s[3])
{
  for (int a = 0; a < 3; a++)
    s[a] = x[0] * cell->hinv[0][a] + x[1] * cell->hinv[1][a] + x[2] * cell->hinv[2][a];
}

void UfpCellCartFromFrac(const UfpCell *cell, const double s[3], double x[3])
{
  for (int k = 0; k < 3; k++) x[k] = s[0] * cell->h[0][k] + s[1] * cell->h[1][k] + s[2] * cell->h[2][k];
}

void UfpCellShift(const UfpCell *cell, const int n[3], double shift[3])
{
  for (int k = 0; k < 3; k++)
    shift[k] = n[0] * cell->h[0][k] + n[1] * cell->h[1][k] + n[2] * cell->h[2][k];
}

void UfpCellWrap(const UfpCell *cell, double x[3], int image[3])
{
  double s[3];
  int n[3] = {0, 0, 0};
  UfpCellFracFromCart(cell, x, s);
  for (int a = 0; a < 3; a++) {
    if (!cell->pbc[a]) continue;
    n[a] = (int)floor(s[a]);
    s[a] -= n[a];
    if (s[a] >= 1.0) { /* round-off: floor(s) == s - 1 + tiny */
      s[a] -= 1.0;
      n[a] += 1;
    }
  }
  UfpCellCartFromFrac(cell, s, x);
  if (image)
    for (int a = 0; a < 3; a++) image[a] = n[a];
}

void UfpCellMinimumImage(const UfpCell *cell, const double xi[3], const double xj[3], double d[3])
{
  double dx[3] = {xj[0] - xi[0], xj[1] - xi[1], xj[2] - xi[2]}, s[3];
  UfpCellFracFromCart(cell, dx, s);
  for (int a = 0; a < 3; a++)
    if (cell->pbc[a]) s[a] -= floor(s[a] + 0.5);
  double base[3], best[3], best_r2 = INFINITY;
  UfpCellCartFromFrac(cell, s, base);
  int lo[3], hi[3];
  for (int a = 0; a < 3; a++) {
    lo[a] = cell->pbc[a] ? -1 : 0;
    hi[a] = cell->pbc[a] ? 1 : 0;
  }
  for (int na = lo[0]; na <= hi[0]; na++)
    for (int nb = lo[1]; nb <= hi[1]; nb++)
      for (int nc = lo[2]; nc <= hi[2]; nc++) {
        int n[3] = {na, nb, nc};
        double shift[3], trial[3];
        UfpCellShift(cell, n, shift);
        for (int k = 0; k < 3; k++) trial[k] = base[k] + shift[k];
        double r2 = dot(trial, trial);
        if (r2 < best_r2 - 1e-12) {
          best_r2 = r2;
          memcpy(best, trial, sizeof best);
        }
      }
  memcpy(d, best, sizeof best);
}

void UfpCellImageRange(const UfpCell *cell, double rcut, int n[3])
{
  for (int a = 0; a < 3; a++) n[a] = cell->pbc[a] ? (int)ceil(rcut / cell->width[a]) : 0;
}
