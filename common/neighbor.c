/*
 * neighbor.c -- linked-cell neighbour search that covers every periodic image.
 *
 * Algorithm.  Along each axis a the cell is cut into nbin[a] slabs of
 * fractional width 1/nbin[a]; slabs are width[a]/nbin[a] apart in real space
 * (width[a] = plane spacing, see cell.h).  Two points at distance r differ in
 * fractional coordinate a by at most r / width[a], hence in slab index by at
 * most reach[a] = ceil(rcut nbin[a] / width[a]).  For each atom we visit the
 * (2 reach + 1)^3 slab offsets; an offset o from slab b lands in slab
 * (b + o) mod nbin of lattice image floor((b + o) / nbin).  Distinct offsets
 * give distinct (slab, image) pairs, so no neighbour is counted twice, and
 * when the cell is narrower than the cutoff (nbin = 1, reach > 1) the same
 * loop walks through as many images as needed, as LAMMPS's ghost atoms do.
 *
 * Non-periodic axes are binned over the atoms' extent and never shifted.
 *
 * Cost: O(N (2 reach + 1)^3 <atoms per bin>) with no O(N^2) term once the
 * cell is wider than a few cutoffs.  Two passes (count, then fill) give
 * exactly sized CSR arrays.
 */
#include "neighbor.h"

#include <math.h>
#include <string.h>

typedef struct {
  int nbin[3], reach[3];
  double smin[3], sspan[3];
  int *head, *next;     /* linked cells: first atom of bin, next atom */
  double (*xw)[3];      /* positions wrapped along periodic axes */
  int (*wrap)[3];       /* shift removed by wrapping */
} Bins;

static int64_t bin_index(const Bins *bins, const int b[3])
{
  return ((int64_t)b[0] * bins->nbin[1] + b[1]) * bins->nbin[2] + b[2];
}

static void bin_of(const Bins *bins, const UfpCell *cell, const double x[3], int b[3])
{
  double s[3];
  UfpCellFracFromCart(cell, x, s);
  for (int a = 0; a < 3; a++) {
    double t = bins->sspan[a] > 0 ? (s[a] - bins->smin[a]) / bins->sspan[a] : 0.0;
    int k = (int)floor(t * bins->nbin[a]);
    if (k < 0) k = 0;
    if (k >= bins->nbin[a]) k = bins->nbin[a] - 1;
    b[a] = k;
  }
}

static int floor_div(int a, int n) { return a >= 0 ? a / n : -((-a + n - 1) / n); }

static UfpErrorCode bins_build(const UfpCell *cell, int natoms, const double (*x)[3], double rcut,
                               Bins *bins)
{
  UfpCall(UfpCalloc(natoms, &bins->xw));
  UfpCall(UfpCalloc(natoms, &bins->wrap));
  UfpCall(UfpCalloc(natoms, &bins->next));
  for (int i = 0; i < natoms; i++) {
    memcpy(bins->xw[i], x[i], sizeof bins->xw[i]);
    UfpCellWrap(cell, bins->xw[i], bins->wrap[i]);
  }
  int64_t total = 1;
  for (int a = 0; a < 3; a++) {
    if (cell->pbc[a]) {
      bins->smin[a] = 0.0;
      bins->sspan[a] = 1.0;
    } else {
      double lo = INFINITY, hi = -INFINITY, s[3];
      for (int i = 0; i < natoms; i++) {
        UfpCellFracFromCart(cell, bins->xw[i], s);
        lo = fmin(lo, s[a]);
        hi = fmax(hi, s[a]);
      }
      bins->smin[a] = natoms > 0 ? lo : 0.0;
      bins->sspan[a] = natoms > 0 ? hi - lo : 0.0;
    }
    double extent = bins->sspan[a] * cell->width[a]; /* Å across the binned range */
    int n = (int)floor(extent / rcut);
    /* Keep the bin count proportionate to the atom count. */
    if (n > 1024) n = 1024;
    bins->nbin[a] = n < 1 ? 1 : n;
    double bin_width = extent / bins->nbin[a];
    if (cell->pbc[a])
      bins->reach[a] = (int)ceil(rcut / bin_width);
    else
      bins->reach[a] = bin_width > 0 ? (int)ceil(rcut / bin_width) : 0;
    if (!cell->pbc[a] && bins->reach[a] > bins->nbin[a]) bins->reach[a] = bins->nbin[a];
    total *= bins->nbin[a];
  }
  UfpCheck(total < (int64_t)1 << 30, UFP_ERR_INPUT, "cell too large for neighbour binning (%lld bins)",
           (long long)total);
  UfpCall(UfpCalloc(total, &bins->head));
  for (int64_t k = 0; k < total; k++) bins->head[k] = -1;
  for (int i = natoms - 1; i >= 0; i--) {
    int b[3];
    bin_of(bins, cell, bins->xw[i], b);
    int64_t k = bin_index(bins, b);
    bins->next[i] = bins->head[k];
    bins->head[k] = i;
  }
  return UFP_SUCCESS;
}

static void bins_free(Bins *bins)
{
  UfpFree(&bins->head);
  UfpFree(&bins->next);
  UfpFree(&bins->xw);
  UfpFree(&bins->wrap);
}

/* Visit the neighbours of atom i; fill the list from position *count when
 * list arrays are allocated, otherwise only count. */
static void visit(const UfpCell *cell, const Bins *bins, double rcut, int i, UfpNeighborList *list,
                  int64_t *count)
{
  int bi[3];
  bin_of(bins, cell, bins->xw[i], bi);
  double rcut2 = rcut * rcut;
  for (int oa = -bins->reach[0]; oa <= bins->reach[0]; oa++)
    for (int ob = -bins->reach[1]; ob <= bins->reach[1]; ob++)
      for (int oc = -bins->reach[2]; oc <= bins->reach[2]; oc++) {
        int o[3] = {oa, ob, oc}, b[3], n[3];
        int outside = 0;
        for (int a = 0; a < 3; a++) {
          int t = bi[a] + o[a];
          if (cell->pbc[a]) {
            n[a] = floor_div(t, bins->nbin[a]);
            b[a] = t - n[a] * bins->nbin[a];
          } else {
            n[a] = 0;
            b[a] = t;
            if (t < 0 || t >= bins->nbin[a]) outside = 1;
          }
        }
        if (outside) continue;
        double shift[3];
        UfpCellShift(cell, n, shift);
        for (int j = bins->head[bin_index(bins, b)]; j >= 0; j = bins->next[j]) {
          if (j == i && n[0] == 0 && n[1] == 0 && n[2] == 0) continue;
          double d[3];
          for (int k = 0; k < 3; k++) d[k] = bins->xw[j][k] + shift[k] - bins->xw[i][k];
          double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
          if (r2 >= rcut2) continue;
          if (list->j) {
            int64_t m = *count;
            list->j[m] = j;
            for (int k = 0; k < 3; k++) {
              list->d[m][k] = d[k];
              /* x_j + n h - x_i with x = xw + wrap h */
              list->shift[m][k] = n[k] - bins->wrap[j][k] + bins->wrap[i][k];
            }
            list->r[m] = sqrt(r2);
          }
          (*count)++;
        }
      }
}

UfpErrorCode UfpNeighborListBuild(const UfpCell *cell, int natoms, const double (*x)[3], double rcut,
                                  UfpNeighborList **list_out)
{
  UfpCall(UfpNeighborListBuildCentres(cell, natoms, x, natoms, rcut, list_out));
  return UFP_SUCCESS;
}

UfpErrorCode UfpNeighborListBuildCentres(const UfpCell *cell, int natoms, const double (*x)[3], int ncentres,
                                         double rcut, UfpNeighborList **list_out)
{
  UfpCheck(rcut > 0, UFP_ERR_USAGE, "neighbour cutoff must be positive (got %g Å)", rcut);
  UfpCheck(natoms >= 0 && ncentres >= 0 && ncentres <= natoms, UFP_ERR_INTERNAL, "bad atom counts");
  Bins bins = {0};
  UfpNeighborList *list = NULL;
  UfpCall(UfpCalloc(1, &list));
  list->natoms = ncentres;
  list->rcut = rcut;
  UfpCall(bins_build(cell, natoms, x, rcut, &bins));
  UfpCall(UfpCalloc(ncentres + 1, &list->offset));
  int64_t count = 0;
  for (int i = 0; i < ncentres; i++) {
    list->offset[i] = count;
    visit(cell, &bins, rcut, i, list, &count);
  }
  list->offset[ncentres] = count;
  UfpCall(UfpCalloc(count, &list->j));
  UfpCall(UfpCalloc(count, &list->shift));
  UfpCall(UfpCalloc(count, &list->d));
  UfpCall(UfpCalloc(count, &list->r));
  if (count > 0) {
    int64_t filled = 0;
    for (int i = 0; i < ncentres; i++) visit(cell, &bins, rcut, i, list, &filled);
  }
  bins_free(&bins);
  *list_out = list;
  return UFP_SUCCESS;
}

UfpErrorCode UfpNeighborListDestroy(UfpNeighborList **list)
{
  if (!list || !*list) return UFP_SUCCESS;
  UfpFree(&(*list)->offset);
  UfpFree(&(*list)->j);
  UfpFree(&(*list)->shift);
  UfpFree(&(*list)->d);
  UfpFree(&(*list)->r);
  UfpFree(list);
  return UFP_SUCCESS;
}
