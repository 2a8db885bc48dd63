/* uf3_fit_basis.c -- see uf3_fit_basis.h for the column layout and the
 * reasoning behind it. */
#include "uf3_fit_basis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void uniform_knots(double lo, double hi, int resolution, double *knots)
{
  /* R intervals: lo x4, lo + h, ..., hi - h, hi x4 (R + 7 knots). */
  double h = (hi - lo) / resolution;
  for (int k = 0; k < resolution + 7; k++) {
    int q = k - 3;
    if (q < 0) q = 0;
    if (q > resolution) q = resolution;
    knots[k] = q == resolution ? hi : lo + h * q;
  }
}

static UfpErrorCode block_knots(Uf3FitBlock *blk, int d, double lo, double hi, int resolution, const char *what)
{
  UfpCheck(resolution >= 1 && resolution <= 1000, UFP_ERR_INPUT,
           "%s: resolution %d (knot intervals) is outside 1..1000", what, resolution);
  UfpCheck(isfinite(lo) && isfinite(hi) && lo >= 0.0 && hi > lo, UFP_ERR_INPUT,
           "%s: r_min %g Å and r_max %g Å must satisfy 0 <= r_min < r_max", what, lo, hi);
  blk->nknots[d] = resolution + 7;
  blk->dims[d] = resolution + 3;
  UfpCall(UfpCalloc(blk->nknots[d], &blk->knots[d]));
  uniform_knots(lo, hi, resolution, blk->knots[d]);
  UfpCall(Uf3BasisSetup(&blk->basis[d], blk->nknots[d], blk->knots[d]));
  return UFP_SUCCESS;
}

/* Can B_l(r_ij) B_m(r_ik) B_n(r_jk) be non-zero for a real triangle? */
static int triangle_possible(const Uf3FitBlock *blk, int l, int m, int n)
{
  double a0 = blk->knots[0][l], a1 = blk->knots[0][l + 4];
  double b0 = blk->knots[1][m], b1 = blk->knots[1][m + 4];
  double c0 = blk->knots[2][n], c1 = blk->knots[2][n + 4];
  double low = fmax(0.0, fmax(a0 - b1, b0 - a1));
  return c0 < a1 + b1 && c1 > low;
}

static UfpErrorCode block_columns(Uf3FitBlock *blk, int lead, int trail)
{
  int nd = blk->body == 2 ? 1 : 3;
  size_t ngrid = 1;
  for (int d = 0; d < nd; d++)
    ngrid *= (size_t)blk->dims[d];
  UfpCall(UfpCalloc(ngrid, &blk->map));
  UfpCall(UfpCalloc(ngrid, &blk->unmap));
  for (size_t g = 0; g < ngrid; g++)
    blk->map[g] = -1;
  int ncols = 0;
  if (blk->body == 2) {
    for (int n = lead; n < blk->dims[0] - trail; n++) {
      blk->map[n] = ncols;
      blk->unmap[ncols++] = n;
    }
  } else {
    int n0 = blk->dims[0], n1 = blk->dims[1], n2 = blk->dims[2];
    for (int l = lead; l < n0 - trail; l++)
      for (int m = lead; m < n1 - trail; m++)
        for (int n = lead; n < n2 - trail; n++) {
          if (blk->symmetric && m < l) continue;
          if (!triangle_possible(blk, l, m, n)) continue;
          size_t g = ((size_t)l * n1 + m) * n2 + n;
          blk->map[g] = ncols;
          if (blk->symmetric) blk->map[((size_t)m * n1 + l) * n2 + n] = ncols;
          blk->unmap[ncols++] = (int)g;
        }
  }
  blk->ncols = ncols;
  return UFP_SUCCESS;
}

int Uf3FitBasisElement(const Uf3FitBasis *basis, const char *label)
{
  for (int a = 0; a < basis->nelements; a++)
    if (strcmp(basis->elements[a], label) == 0) return a;
  return -1;
}

UfpErrorCode Uf3FitBasisCreate(const Uf3FitBasisSpec *spec, Uf3FitBasis **basis_out)
{
  int nel = spec->nelements;
  UfpCheck(nel >= 1, UFP_ERR_INPUT, "a UF3 fit needs at least one element");
  UfpCheck(spec->degree == 2 || spec->degree == 3, UFP_ERR_INPUT, "degree %d: 2 or 3 expected", spec->degree);
  UfpCheck(spec->leading_trim >= 0 && spec->leading_trim_3b >= 0 && spec->trailing_trim >= 0, UFP_ERR_INPUT,
           "negative trim");
  Uf3FitBasis *basis;
  UfpCall(UfpCalloc(1, &basis));
  *basis_out = basis;
  basis->nelements = nel;
  basis->degree = spec->degree;
  basis->leading_trim = spec->leading_trim;
  basis->leading_trim_3b = spec->leading_trim_3b;
  basis->trailing_trim = spec->trailing_trim;
  UfpCall(UfpCalloc(nel, &basis->elements));
  memcpy(basis->elements, spec->elements, (size_t)nel * UFP_LABEL_MAX);
  int npair = nel * (nel + 1) / 2, ntrip = spec->degree == 3 ? nel * nel * (nel + 1) / 2 : 0;
  basis->nblocks = npair + ntrip;
  UfpCall(UfpCalloc(basis->nblocks, &basis->blocks));
  UfpCall(UfpCalloc(nel * nel, &basis->pair_block));
  UfpCall(UfpCalloc((size_t)nel * nel * nel, &basis->triplet_block));
  for (int i = 0; i < nel * nel * nel; i++)
    basis->triplet_block[i] = -1;
  int lead = spec->leading_trim, lead3 = spec->leading_trim_3b, trail = spec->trailing_trim;
  int nb = 0, col = nel;
  char what[128];
  for (int a = 0; a < nel; a++)
    for (int b = a; b < nel; b++) {
      const Uf3FitPairSpec *ps = &spec->pair[a * nel + b];
      Uf3FitBlock *blk = &basis->blocks[nb];
      blk->body = 2;
      blk->el[0] = a;
      blk->el[1] = b;
      snprintf(what, sizeof what, "2-body %s-%s", spec->elements[a], spec->elements[b]);
      UfpCall(block_knots(blk, 0, ps->r_min, ps->r_max, ps->resolution, what));
      UfpCheck(blk->dims[0] > lead + trail, UFP_ERR_INPUT, "%s: %d coefficients leave none free after trims %d + %d",
               what, blk->dims[0], lead, trail);
      UfpCall(block_columns(blk, lead, trail));
      blk->offset = col;
      col += blk->ncols;
      basis->pair_block[a * nel + b] = basis->pair_block[b * nel + a] = nb++;
      if (ps->r_max > basis->pair_cutoff) basis->pair_cutoff = ps->r_max;
    }
  for (int a = 0; a < nel && spec->degree == 3; a++)
    for (int b = 0; b < nel; b++)
      for (int c = b; c < nel; c++) {
        const Uf3FitTripletSpec *ts = &spec->triplet[((size_t)a * nel + b) * nel + c];
        Uf3FitBlock *blk = &basis->blocks[nb];
        blk->body = 3;
        blk->el[0] = a;
        blk->el[1] = b;
        blk->el[2] = c;
        blk->symmetric = b == c;
        snprintf(what, sizeof what, "3-body %s-%s-%s", spec->elements[a], spec->elements[b], spec->elements[c]);
        UfpCall(block_knots(blk, 0, ts->r_min, ts->r_max, ts->resolution, what));
        UfpCall(block_knots(blk, 1, ts->r_min, ts->r_max, ts->resolution, what));
        UfpCall(block_knots(blk, 2, ts->r_min_jk, 2.0 * ts->r_max, ts->resolution_jk, what));
        /* LAMMPS's 3-body short list only holds neighbours inside the 2-body
         * cutoff, so a longer 3-body reach would be cut there. */
        for (int k = 1; k <= 2; k++) {
          const Uf3FitPairSpec *ps = &spec->pair[a * nel + blk->el[k]];
          UfpCheck(ts->r_max <= ps->r_max, UFP_ERR_INPUT,
                   "%s: 3-body r_max %g Å exceeds the 2-body cutoff %g Å of %s-%s (LAMMPS would cut it)", what,
                   ts->r_max, ps->r_max, spec->elements[a], spec->elements[blk->el[k]]);
        }
        for (int d = 0; d < 3; d++)
          UfpCheck(blk->dims[d] > lead3 + trail, UFP_ERR_INPUT,
                   "%s: %d coefficients in dimension %d leave none free after trims %d + %d", what, blk->dims[d],
                   d, lead3, trail);
        UfpCall(block_columns(blk, lead3, trail));
        blk->offset = col;
        col += blk->ncols;
        basis->triplet_block[((size_t)a * nel + b) * nel + c] = nb;
        basis->triplet_block[((size_t)a * nel + c) * nel + b] = nb;
        nb++;
        if (ts->r_max > basis->triplet_cutoff) basis->triplet_cutoff = ts->r_max;
      }
  basis->ncols = col;

  /* Column groups. */
  UfpCall(UfpCalloc(nel, &basis->group_ncols));
  UfpCall(UfpCalloc((size_t)nel * basis->nblocks, &basis->group_offset));
  UfpCall(UfpCalloc(nel, &basis->group_cols));
  for (int s = 0; s < nel; s++) {
    int n = 0;
    for (int b = 0; b < basis->nblocks; b++) {
      const Uf3FitBlock *blk = &basis->blocks[b];
      int involved = 0;
      for (int k = 0; k < blk->body; k++)
        involved |= blk->el[k] == s;
      basis->group_offset[s * basis->nblocks + b] = involved ? n : -1;
      if (involved) n += blk->ncols;
    }
    basis->group_ncols[s] = n;
    UfpCall(UfpCalloc(n > 0 ? n : 1, &basis->group_cols[s]));
    for (int b = 0; b < basis->nblocks; b++) {
      int off = basis->group_offset[s * basis->nblocks + b];
      if (off < 0) continue;
      for (int k = 0; k < basis->blocks[b].ncols; k++)
        basis->group_cols[s][off + k] = basis->blocks[b].offset + k;
    }
  }
  return UFP_SUCCESS;
}

UfpErrorCode Uf3FitBasisDestroy(Uf3FitBasis **basis_ptr)
{
  if (!basis_ptr || !*basis_ptr) return UFP_SUCCESS;
  Uf3FitBasis *basis = *basis_ptr;
  for (int b = 0; b < basis->nblocks; b++) {
    Uf3FitBlock *blk = &basis->blocks[b];
    UfpFree(&blk->map);
    UfpFree(&blk->unmap);
    for (int d = 0; d < 3; d++) {
      UfpFree(&blk->knots[d]);
      Uf3BasisFree(&blk->basis[d]);
    }
  }
  for (int s = 0; s < basis->nelements && basis->group_cols; s++)
    UfpFree(&basis->group_cols[s]);
  UfpFree(&basis->group_cols);
  UfpFree(&basis->group_ncols);
  UfpFree(&basis->group_offset);
  UfpFree(&basis->blocks);
  UfpFree(&basis->pair_block);
  UfpFree(&basis->triplet_block);
  UfpFree(&basis->elements);
  UfpFree(basis_ptr);
  return UFP_SUCCESS;
}

static size_t grid_size(const Uf3FitBlock *blk)
{
  return blk->body == 2 ? (size_t)blk->dims[0] : (size_t)blk->dims[0] * blk->dims[1] * blk->dims[2];
}

UfpErrorCode Uf3FitBasisToPotential(const Uf3FitBasis *basis, const double *solution, const double *e0,
                                    Uf3Potential **pot_out)
{
  int nel = basis->nelements;
  Uf3Potential *pot = NULL;
  UfpCall(Uf3PotentialCreate(nel, (const char(*)[UFP_LABEL_MAX])basis->elements, &pot));
  *pot_out = pot;
  pot->has_one_body = 1;
  for (int a = 0; a < nel; a++)
    pot->one_body[a] = solution[a] + (e0 ? e0[a] : 0.0);
  for (int b = 0; b < basis->nblocks; b++) {
    const Uf3FitBlock *blk = &basis->blocks[b];
    double *grid;
    size_t ng = grid_size(blk);
    UfpCall(UfpCalloc(ng, &grid));
    for (size_t g = 0; g < ng; g++)
      grid[g] = blk->map[g] >= 0 ? solution[blk->offset + blk->map[g]] : 0.0;
    UfpErrorCode ierr;
    if (blk->body == 2) {
      Uf3Spline1D s = {.nknots = blk->nknots[0], .knots = blk->knots[0], .coeff = grid,
                       .leading_trim = basis->leading_trim, .trailing_trim = basis->trailing_trim};
      ierr = Uf3PotentialSetPair(pot, blk->el[0], blk->el[1], &s);
    } else {
      Uf3Spline3D s = {.coeff = grid, .leading_trim = basis->leading_trim_3b, .trailing_trim = basis->trailing_trim};
      for (int d = 0; d < 3; d++) {
        s.nknots[d] = blk->nknots[d];
        s.knots[d] = blk->knots[d];
      }
      ierr = Uf3PotentialSetTriplet(pot, blk->el[0], blk->el[1], blk->el[2], &s);
    }
    UfpFree(&grid);
    UfpCall(ierr);
  }
  return UFP_SUCCESS;
}

static int same_knots(int n1, const double *k1, int n2, const double *k2)
{
  if (n1 != n2) return 0;
  for (int k = 0; k < n1; k++)
    if (fabs(k1[k] - k2[k]) > 1e-9 * (1.0 + fabs(k1[k]))) return 0;
  return 1;
}

UfpErrorCode Uf3FitBasisFromPotential(const Uf3FitBasis *basis, const Uf3Potential *pot, double *solution)
{
  int nel = basis->nelements;
  UfpCheck(pot->nelements == nel, UFP_ERR_INPUT, "potential has %d elements, the basis %d", pot->nelements, nel);
  for (int a = 0; a < nel; a++)
    UfpCheck(strcmp(pot->elements[a], basis->elements[a]) == 0, UFP_ERR_INPUT,
             "element %d is %s in the potential and %s in the basis", a, pot->elements[a], basis->elements[a]);
  memset(solution, 0, sizeof(double) * basis->ncols);
  for (int a = 0; a < nel; a++)
    solution[a] = pot->has_one_body ? pot->one_body[a] : 0.0;
  for (int b = 0; b < basis->nblocks; b++) {
    const Uf3FitBlock *blk = &basis->blocks[b];
    const double *grid;
    if (blk->body == 2) {
      const Uf3Spline1D *s = &pot->pair[blk->el[0] * nel + blk->el[1]];
      UfpCheck(pot->has_pair[blk->el[0] * nel + blk->el[1]] && same_knots(s->nknots, s->knots, blk->nknots[0], blk->knots[0]),
               UFP_ERR_INPUT, "pair %s-%s: knots differ from the basis", basis->elements[blk->el[0]],
               basis->elements[blk->el[1]]);
      grid = s->coeff;
    } else {
      size_t t = ((size_t)blk->el[0] * nel + blk->el[1]) * nel + blk->el[2];
      const Uf3Spline3D *s = &pot->triplet[t];
      int ok = pot->has_triplet[t];
      for (int d = 0; d < 3 && ok; d++)
        ok = same_knots(s->nknots[d], s->knots[d], blk->nknots[d], blk->knots[d]);
      UfpCheck(ok, UFP_ERR_INPUT, "triplet %s-%s-%s: knots differ from the basis", basis->elements[blk->el[0]],
               basis->elements[blk->el[1]], basis->elements[blk->el[2]]);
      grid = s->coeff;
    }
    size_t ng = grid_size(blk);
    for (size_t g = 0; g < ng; g++) {
      int k = blk->map[g];
      if (k < 0) {
        UfpCheck(grid[g] == 0.0, UFP_ERR_INPUT, "block %d: coefficient %zu is %g but fixed at zero in the basis", b,
                 g, grid[g]);
        continue;
      }
      if ((size_t)blk->unmap[k] == g) {
        solution[blk->offset + k] = grid[g];
      } else {
        UfpCheck(fabs(grid[g] - grid[blk->unmap[k]]) <= 1e-12 * (1.0 + fabs(grid[g])), UFP_ERR_INPUT,
                 "block %d: a b == c triplet that is not symmetric", b);
      }
    }
  }
  return UFP_SUCCESS;
}

/* Where a penalty goes: lambda v v^T into the upper triangle of the n x n
 * matrix a (when a is not NULL) and lambda v (v . prior) into rhs (when
 * prior is not NULL). */
typedef struct {
  int n;
  double *a;
  const double *prior;
  double *rhs;
} PenaltySink;

/* A penalty row over a block's full grid: weights w[k] at grid indices g[k],
 * folded onto the block's columns as v. */
static void add_stencil(const Uf3FitBlock *blk, double lambda, int npts, const size_t *g, const double *w,
                        const PenaltySink *sink)
{
  int col[3];
  double v[3];
  int nv = 0;
  for (int k = 0; k < npts; k++) {
    int c = blk->map[g[k]];
    if (c < 0) continue;
    int found = 0;
    for (int q = 0; q < nv; q++)
      if (col[q] == c) {
        v[q] += w[k];
        found = 1;
      }
    if (!found) {
      col[nv] = c;
      v[nv++] = w[k];
    }
  }
  if (sink->a)
    for (int p = 0; p < nv; p++)
      for (int q = 0; q < nv; q++) {
        int i = blk->offset + col[p], j = blk->offset + col[q];
        if (i <= j) sink->a[(size_t)i * sink->n + j] += lambda * v[p] * v[q];
      }
  if (sink->prior) {
    double dot = 0.0;
    for (int q = 0; q < nv; q++)
      dot += v[q] * sink->prior[blk->offset + col[q]];
    for (int p = 0; p < nv; p++)
      sink->rhs[blk->offset + col[p]] += lambda * v[p] * dot;
  }
}

void Uf3FitBasisAddRegularisation(const Uf3FitBasis *basis, const double ridge[3], const double curvature[3],
                                  int n, double *a, const double *prior, double *rhs)
{
  const PenaltySink sink = {n, a, prior, rhs};
  for (int e = 0; e < basis->nelements; e++) {
    if (a) a[(size_t)e * n + e] += ridge[0];
    if (prior) rhs[e] += ridge[0] * prior[e];
  }
  const double second[3] = {1.0, -2.0, 1.0};
  for (int b = 0; b < basis->nblocks; b++) {
    const Uf3FitBlock *blk = &basis->blocks[b];
    double lr = ridge[blk->body - 1], lc = curvature[blk->body - 1];
    size_t ng = grid_size(blk);
    for (size_t g = 0; g < ng; g++) {
      double one = 1.0;
      if (lr > 0.0) add_stencil(blk, lr, 1, &g, &one, &sink);
    }
    if (lc <= 0.0) continue;
    if (blk->body == 2) {
      for (int k = 1; k + 1 < blk->dims[0]; k++) {
        size_t g[3] = {(size_t)k - 1, (size_t)k, (size_t)k + 1};
        add_stencil(blk, lc, 3, g, second, &sink);
      }
      continue;
    }
    int d0 = blk->dims[0], d1 = blk->dims[1], d2 = blk->dims[2];
    size_t stride[3] = {(size_t)d1 * d2, (size_t)d2, 1};
    for (int l = 0; l < d0; l++)
      for (int m = 0; m < d1; m++)
        for (int k = 0; k < d2; k++) {
          int idx[3] = {l, m, k};
          size_t g0 = ((size_t)l * d1 + m) * d2 + k;
          for (int axis = 0; axis < 3; axis++) {
            if (idx[axis] == 0 || idx[axis] + 1 >= blk->dims[axis]) continue;
            size_t g[3] = {g0 - stride[axis], g0, g0 + stride[axis]};
            add_stencil(blk, lc, 3, g, second, &sink);
          }
        }
  }
}
