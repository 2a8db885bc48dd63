/* uf3_features.c -- see uf3_features.h for the equations. */
#include "uf3_features.h"

#include <math.h>
#include <string.h>

#include "cell.h"
#include "neighbor.h"

UfpErrorCode Uf3FeaturesCell(const UfpStructure *s, double lattice[3][3], int pbc[3])
{
  if (s->has_lattice) {
    memcpy(lattice, s->lattice, sizeof(double) * 9);
    for (int a = 0; a < 3; a++)
      pbc[a] = s->pbc[a];
    return UFP_SUCCESS;
  }
  /* A molecule: an orthorhombic non-periodic box holding every atom (the
   * caller shifts positions by -min + 1 Å). */
  double lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
  for (int i = 0; i < s->natoms; i++)
    for (int k = 0; k < 3; k++) {
      if (i == 0 || s->x[i][k] < lo[k]) lo[k] = s->x[i][k];
      if (i == 0 || s->x[i][k] > hi[k]) hi[k] = s->x[i][k];
    }
  memset(lattice, 0, sizeof(double) * 9);
  for (int k = 0; k < 3; k++) {
    lattice[k][k] = hi[k] - lo[k] + 2.0;
    pbc[k] = 0;
  }
  return UFP_SUCCESS;
}

typedef struct {
  const Uf3FitBasis *basis;
  const int *species;
  Uf3FeatureRows *rows;
  int ncols;
} Context;

static inline double *grad_row(const Context *ctx, int atom, int block)
{
  const Uf3FitBasis *basis = ctx->basis;
  int off = basis->group_offset[ctx->species[atom] * basis->nblocks + block];
  return ctx->rows->grad[atom] + off;
}

/* Virial feature rows: W_ab -= dE/dr * r * u_a u_b for one distance term. */
static inline void add_virial(double *virial, int ncols, int col, double dedr_r, const double u[3])
{
  static const int va[6] = {0, 1, 2, 1, 0, 0}, vb[6] = {0, 1, 2, 2, 2, 1};
  for (int v = 0; v < 6; v++)
    virial[(size_t)v * ncols + col] -= dedr_r * u[va[v]] * u[vb[v]];
}

static void pair_term(const Context *ctx, int i, int j, int b, double r, const double d[3])
{
  const Uf3FitBlock *blk = &ctx->basis->blocks[b];
  double val[4], der[4], u[3] = {d[0] / r, d[1] / r, d[2] / r};
  int first = Uf3BasisEvaluate(&blk->basis[0], r, val, der);
  if (first < 0) return;
  Uf3FeatureRows *rows = ctx->rows;
  double *gi = rows->grad ? grad_row(ctx, i, b) : NULL, *gj = rows->grad ? grad_row(ctx, j, b) : NULL;
  int si = rows->grad ? rows->grad_stride[i] : 0, sj = rows->grad ? rows->grad_stride[j] : 0;
  for (int a = 0; a < 4; a++) {
    int col = blk->map[first + a];
    if (col < 0) continue;
    rows->energy[blk->offset + col] += val[a];
    if (gi)
      for (int k = 0; k < 3; k++) {
        gi[(size_t)k * si + col] -= der[a] * u[k];
        gj[(size_t)k * sj + col] += der[a] * u[k];
      }
    if (rows->virial) add_virial(rows->virial, ctx->ncols, blk->offset + col, der[a] * r, u);
  }
}

/* One triplet: centre i, neighbour p of species b at d0 (r0), neighbour q of
 * species c at d1 (r1), r2 = |d1 - d0|, in the block's dimension order. */
static void triplet_term(const Context *ctx, int i, int p, int q, int b, double r0, const double d0[3],
                         double r1, const double d1[3])
{
  const Uf3FitBlock *blk = &ctx->basis->blocks[b];
  double d2[3] = {d1[0] - d0[0], d1[1] - d0[1], d1[2] - d0[2]};
  double r2 = sqrt(d2[0] * d2[0] + d2[1] * d2[1] + d2[2] * d2[2]);
  const double r[3] = {r0, r1, r2};
  for (int dim = 0; dim < 3; dim++)
    if (r[dim] < blk->basis[dim].rmin || r[dim] >= blk->basis[dim].rmax) return;
  double val[3][4], der[3][4];
  int first[3];
  for (int dim = 0; dim < 3; dim++)
    first[dim] = Uf3BasisEvaluate(&blk->basis[dim], r[dim], val[dim], der[dim]);
  double u0[3], u1[3], u2[3];
  for (int k = 0; k < 3; k++) {
    u0[k] = d0[k] / r0;
    u1[k] = d1[k] / r1;
    u2[k] = d2[k] / r2;
  }
  Uf3FeatureRows *rows = ctx->rows;
  double *gi = NULL, *gp = NULL, *gq = NULL;
  int si = 0, sp = 0, sq = 0;
  if (rows->grad) {
    gi = grad_row(ctx, i, b);
    gp = grad_row(ctx, p, b);
    gq = grad_row(ctx, q, b);
    si = rows->grad_stride[i];
    sp = rows->grad_stride[p];
    sq = rows->grad_stride[q];
  }
  int n1 = blk->dims[1], n2 = blk->dims[2];
  for (int a = 0; a < 4; a++)
    for (int c = 0; c < 4; c++) {
      const int *map = blk->map + ((size_t)(first[0] + a) * n1 + first[1] + c) * n2 + first[2];
      double v01 = val[0][a] * val[1][c], g0 = der[0][a] * val[1][c], g1 = val[0][a] * der[1][c];
      for (int e = 0; e < 4; e++) {
        int col = map[e];
        if (col < 0) continue;
        double value = v01 * val[2][e];
        double dr0 = g0 * val[2][e], dr1 = g1 * val[2][e], dr2 = v01 * der[2][e];
        rows->energy[blk->offset + col] += value;
        if (gi)
          for (int k = 0; k < 3; k++) {
            gi[(size_t)k * si + col] -= dr0 * u0[k] + dr1 * u1[k];
            gp[(size_t)k * sp + col] += dr0 * u0[k] - dr2 * u2[k];
            gq[(size_t)k * sq + col] += dr1 * u1[k] + dr2 * u2[k];
          }
        if (rows->virial) {
          add_virial(rows->virial, ctx->ncols, blk->offset + col, dr0 * r0, u0);
          add_virial(rows->virial, ctx->ncols, blk->offset + col, dr1 * r1, u1);
          add_virial(rows->virial, ctx->ncols, blk->offset + col, dr2 * r2, u2);
        }
      }
    }
}

UfpErrorCode Uf3FeaturesCompute(const Uf3FitBasis *basis, const UfpStructure *s, const int *species,
                                const char *where, Uf3FeatureRows *rows)
{
  int n = s->natoms, nel = basis->nelements;
  Context ctx = {.basis = basis, .species = species, .rows = rows,
                 .ncols = rows->virial_stride > 0 ? rows->virial_stride : basis->ncols};
  for (int i = 0; i < n; i++) {
    UfpCheck(species[i] >= 0 && species[i] < nel, UFP_ERR_INPUT, "%s: atom %d (%s) is not an element of the model",
             where, i, s->species[i]);
    rows->energy[species[i]] += 1.0;
  }
  double lattice[3][3];
  int pbc[3];
  UfpCall(Uf3FeaturesCell(s, lattice, pbc));
  UfpCell cell;
  UfpCall(UfpCellSetup(&cell, lattice, pbc));
  double(*x)[3] = NULL;
  UfpCall(UfpCalloc(n > 0 ? n : 1, &x));
  memcpy(x, s->x, sizeof(double) * 3 * n);
  if (!s->has_lattice)
    for (int k = 0; k < 3; k++) {
      double lo = 0.0;
      for (int i = 0; i < n; i++)
        if (i == 0 || s->x[i][k] < lo) lo = s->x[i][k];
      for (int i = 0; i < n; i++)
        x[i][k] += 1.0 - lo;
    }
  double rcut = fmax(basis->pair_cutoff, basis->triplet_cutoff);
  UfpNeighborList *list = NULL;
  UfpErrorCode ierr = UfpNeighborListBuild(&cell, n, (const double(*)[3])x, rcut, &list);
  UfpFree(&x);
  UfpCall(ierr);

  int *near = NULL;
  int64_t maxdeg = 0;
  for (int i = 0; i < n; i++)
    if (list->offset[i + 1] - list->offset[i] > maxdeg) maxdeg = list->offset[i + 1] - list->offset[i];
  ierr = UfpCalloc(maxdeg > 0 ? maxdeg : 1, &near);
  for (int i = 0; i < n && !ierr; i++) {
    int si = species[i], nnear = 0;
    for (int64_t e = list->offset[i]; e < list->offset[i + 1]; e++) {
      int j = list->j[e], b = basis->pair_block[si * nel + species[j]];
      double r = list->r[e];
      const Uf3FitBlock *blk = &basis->blocks[b];
      if (r < blk->basis[0].rmin) {
        ierr = UfpError(UFP_ERR_INPUT,
                        "%s: atoms %d (%s) and %d (%s) are %.4f Å apart, below the first knot %.4f Å of the %s-%s "
                        "spline; lower its r_min",
                        where, i, s->species[i], j, s->species[j], r, blk->basis[0].rmin, basis->elements[si],
                        basis->elements[species[j]]);
        break;
      }
      pair_term(&ctx, i, j, b, r, list->d[e]);
      if (basis->degree == 3 && r <= basis->triplet_cutoff) near[nnear++] = (int)e;
    }
    if (ierr || basis->degree != 3) continue;
    for (int x1 = 0; x1 < nnear; x1++)
      for (int x2 = x1 + 1; x2 < nnear; x2++) {
        int64_t e1 = near[x1], e2 = near[x2];
        int j = list->j[e1], k = list->j[e2];
        int b = basis->triplet_block[((size_t)si * nel + species[j]) * nel + species[k]];
        const Uf3FitBlock *blk = &basis->blocks[b];
        if (species[j] == blk->el[1])
          triplet_term(&ctx, i, j, k, b, list->r[e1], list->d[e1], list->r[e2], list->d[e2]);
        else
          triplet_term(&ctx, i, k, j, b, list->r[e2], list->d[e2], list->r[e1], list->d[e1]);
      }
  }
  UfpFree(&near);
  UfpNeighborListDestroy(&list);
  return ierr;
}
