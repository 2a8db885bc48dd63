/*
 * uf3_force.c -- the UF3 force loop (the hot path of ufp-md).
 *
 * 2-body.  On each knot interval V2 is one cubic in u = r - t_p:
 *     V2(t_p + u) = sum_d k_d u^d,   k_d = sum_a c_{p-3+a} poly[p][a][d],
 * so a pair costs an interval lookup and two Horner evaluations (V2, V2').
 * With a full list every ordered pair contributes V2(r), so an unordered
 * pair carries 2 V2(r) and the visit (i, j) adds the whole force on i,
 *     F_i += 2 V2'(r) d / r,    d = x_j - x_i,
 * and half of the pair's virial; the visit (j, i) supplies the rest.  When
 * both atoms are owned, the spline is evaluated only on the visit from the
 * lower index, which applies both halves.
 *
 * 3-body.  For a centre i and neighbours j < k (short list: r below the
 * 3-body cutoff), with d_ij, d_ik and d_jk = d_ik - d_ij,
 *     V3 = sum_{a,b,c} C[l+a][m+b][n+c] B0_a(r_ij) B1_b(r_ik) B2_c(r_jk)
 * over the 4 x 4 x 4 block of non-zero basis functions.  The block is
 * contracted separably with 4-vectors over the r_jk index c (a coefficient
 * row C_ab. is 4 contiguous doubles):
 *     P_b = sum_a B0_a C_ab.,   P'_b = sum_a B0'_a C_ab.        (32 vector FMA)
 *     Q = sum_b B1_b P_b,  K = sum_b B1'_b P_b,  I = sum_b B1_b P'_b   (12)
 *     V3 = B2.Q,  g_jk = B2'.Q,  g_ik = B2.K,  g_ij = B2.I            (4 dots)
 * instead of 64 x 4 scalar products.  The basis values of r_ij and r_ik are
 * computed once per neighbour and reused by every triplet that neighbour
 * takes part in (one evaluation per distinct knot
 * vector, usually one).  Forces from g = dV3/dr:
 *     F_j = -g_ij d_ij / r_ij + g_jk d_jk / r_jk
 *     F_k = -g_ik d_ik / r_ik - g_jk d_jk / r_jk
 *     F_i = -(F_j + F_k)
 * and the virial W -= g d d^T / r for each of the three distances.  The d_ij
 * and d_ik parts are summed per neighbour and applied once (see triplets()).
 *
 * Reference: S. R. Xie, M. Rupp, R. G. Hennig, npj Comput. Mater. 9, 162
 * (2023); LAMMPS pair_style uf3 for the counting conventions.
 */
#include "uf3_force.h"

#include <math.h>
#include <string.h>

#include "bspline.h"

typedef struct {
  Uf3Basis basis;
  double (*cubic)[4]; /* [q][d] coefficients of V2 on interval q */
} PairTable;

typedef struct {
  int n1, n2;          /* coefficient extents of dimensions 1 and 2 */
  double *coeff;       /* (n0 x n1 x n2), canonical order */
  int slot0, slot1;    /* basis slots (per centre species) of r_ij and r_ik */
  int basis2;          /* basis pool index of r_jk */
} TripletTable;

struct Uf3Force_ {
  int nel;
  PairTable *pair;     /* nel^2 */
  int *has_pair;
  TripletTable *triplet; /* nel^3 */
  int *has_triplet;
  int has_3body;
  Uf3Basis *pool;      /* distinct knot vectors used by triplets */
  int npool;
  int *nslots;         /* per centre species */
  int *slot_basis;     /* [a * maxslots + s] pool index */
  int maxslots;
  double cutoff, cutoff3;
  double *one_body;    /* NULL when absent */
  /* short-list work space, grown on demand */
  int cap;
  int *sj, *sspecies;
  double (*sd)[3], *sr;
  int *sfirst;         /* [entry * maxslots + slot] */
  double (*sval)[4], (*sder)[4];
  double *sbond, (*fshort)[3];  /* per-neighbour 3-body accumulators */
  int contact_i, contact_j;  /* last close contact */
  double contact_r, contact_rmin;
  double *eshort;              /* per-neighbour 3-body energy shares */
};

static int same_knots(const Uf3Basis *b, int n, const double *t)
{
  return b->nknots == n && memcmp(b->knots, t, sizeof *t * (size_t)n) == 0;
}

static UfpErrorCode pool_index(Uf3Force f, int n, const double *t, int *index)
{
  for (int k = 0; k < f->npool; k++)
    if (same_knots(&f->pool[k], n, t)) {
      *index = k;
      return UFP_SUCCESS;
    }
  UfpCall(UfpRealloc(f->npool + 1, &f->pool));
  UfpCall(Uf3BasisSetup(&f->pool[f->npool], n, t));
  *index = f->npool++;
  return UFP_SUCCESS;
}

static UfpErrorCode slot_of(Uf3Force f, int centre, int pool, int *slot)
{
  int *slots = &f->slot_basis[centre * f->maxslots];
  for (int s = 0; s < f->nslots[centre]; s++)
    if (slots[s] == pool) {
      *slot = s;
      return UFP_SUCCESS;
    }
  UfpCheck(f->nslots[centre] < f->maxslots, UFP_ERR_INTERNAL, "too many 3-body knot vectors");
  slots[f->nslots[centre]] = pool;
  *slot = f->nslots[centre]++;
  return UFP_SUCCESS;
}

static UfpErrorCode setup_pair(PairTable *table, const Uf3Spline1D *spline)
{
  UfpCall(Uf3BasisSetup(&table->basis, spline->nknots, spline->knots));
  UfpCall(UfpCalloc(table->basis.nintervals, &table->cubic));
  for (int q = 0; q < table->basis.nintervals; q++) {
    int first = table->basis.first[q];
    for (int d = 0; d < 4; d++) {
      double sum = 0.0;
      for (int a = 0; a < 4; a++) sum += spline->coeff[first + a] * table->basis.poly[q][a][d];
      table->cubic[q][d] = sum;
    }
  }
  return UFP_SUCCESS;
}

UfpErrorCode Uf3ForceCreate(const Uf3Potential *pot, Uf3Force *force)
{
  Uf3Force f = NULL;
  int nel = pot->nelements;
  UfpCall(UfpCalloc(1, force));
  f = *force;
  f->nel = nel;
  UfpCall(UfpCalloc(nel * nel, &f->pair));
  UfpCall(UfpCalloc(nel * nel, &f->has_pair));
  UfpCall(UfpCalloc(nel * nel * nel, &f->triplet));
  UfpCall(UfpCalloc(nel * nel * nel, &f->has_triplet));
  for (int ab = 0; ab < nel * nel; ab++) {
    if (!pot->has_pair[ab]) continue;
    f->has_pair[ab] = 1;
    UfpCall(setup_pair(&f->pair[ab], &pot->pair[ab]));
    f->cutoff = fmax(f->cutoff, f->pair[ab].basis.rmax);
  }
  f->maxslots = 2 * nel * nel;
  UfpCall(UfpCalloc(nel, &f->nslots));
  UfpCall(UfpCalloc(nel * f->maxslots, &f->slot_basis));
  for (int abc = 0; abc < nel * nel * nel; abc++) {
    if (!pot->has_triplet[abc]) continue;
    const Uf3Spline3D *s = &pot->triplet[abc];
    TripletTable *t = &f->triplet[abc];
    int centre = abc / (nel * nel), pool0, pool1;
    f->has_triplet[abc] = 1;
    f->has_3body = 1;
    UfpCall(pool_index(f, s->nknots[0], s->knots[0], &pool0));
    UfpCall(pool_index(f, s->nknots[1], s->knots[1], &pool1));
    UfpCall(pool_index(f, s->nknots[2], s->knots[2], &t->basis2));
    UfpCall(slot_of(f, centre, pool0, &t->slot0));
    UfpCall(slot_of(f, centre, pool1, &t->slot1));
    t->n1 = s->nknots[1] - 4;
    t->n2 = s->nknots[2] - 4;
    size_t n = (size_t)(s->nknots[0] - 4) * (size_t)t->n1 * (size_t)t->n2;
    UfpCall(UfpCalloc(n, &t->coeff));
    memcpy(t->coeff, s->coeff, n * sizeof *t->coeff);
    f->cutoff3 = fmax(f->cutoff3, fmax(f->pool[pool0].rmax, f->pool[pool1].rmax));
  }
  f->cutoff = fmax(f->cutoff, f->cutoff3);
  if (pot->has_one_body) {
    UfpCall(UfpCalloc(nel, &f->one_body));
    memcpy(f->one_body, pot->one_body, sizeof *f->one_body * (size_t)nel);
  }
  return UFP_SUCCESS;
}

UfpErrorCode Uf3ForceDestroy(Uf3Force *force)
{
  if (!force || !*force) return UFP_SUCCESS;
  Uf3Force f = *force;
  for (int ab = 0; ab < f->nel * f->nel; ab++)
    if (f->has_pair[ab]) {
      Uf3BasisFree(&f->pair[ab].basis);
      UfpFree(&f->pair[ab].cubic);
    }
  for (int abc = 0; abc < f->nel * f->nel * f->nel; abc++) UfpFree(&f->triplet[abc].coeff);
  for (int k = 0; k < f->npool; k++) Uf3BasisFree(&f->pool[k]);
  UfpFree(&f->pool);
  UfpFree(&f->pair);
  UfpFree(&f->has_pair);
  UfpFree(&f->triplet);
  UfpFree(&f->has_triplet);
  UfpFree(&f->nslots);
  UfpFree(&f->slot_basis);
  UfpFree(&f->one_body);
  UfpFree(&f->sj);
  UfpFree(&f->sspecies);
  UfpFree(&f->sd);
  UfpFree(&f->sr);
  UfpFree(&f->sfirst);
  UfpFree(&f->sval);
  UfpFree(&f->sder);
  UfpFree(&f->sbond);
  UfpFree(&f->eshort);
  UfpFree(&f->fshort);
  UfpFree(force);
  return UFP_SUCCESS;
}

double Uf3ForceCutoff(const Uf3Force force) { return force->cutoff; }

void Uf3ForceLastContact(const Uf3Force force, int *i, int *j, double *r, double *rmin)
{
  *i = force->contact_i;
  *j = force->contact_j;
  *r = force->contact_r;
  *rmin = force->contact_rmin;
}
double Uf3ForceTripletCutoff(const Uf3Force force) { return force->cutoff3; }

static UfpErrorCode grow_short_list(Uf3Force f, int n)
{
  if (n <= f->cap) return UFP_SUCCESS;
  int cap = n > 2 * f->cap ? n : 2 * f->cap;
  UfpCall(UfpRealloc(cap, &f->sj));
  UfpCall(UfpRealloc(cap, &f->sspecies));
  UfpCall(UfpRealloc(cap, &f->sd));
  UfpCall(UfpRealloc(cap, &f->sr));
  UfpCall(UfpRealloc((size_t)cap * (size_t)f->maxslots, &f->sfirst));
  UfpCall(UfpRealloc((size_t)cap * (size_t)f->maxslots, &f->sval));
  UfpCall(UfpRealloc((size_t)cap * (size_t)f->maxslots, &f->sder));
  UfpCall(UfpRealloc(cap, &f->sbond));
  UfpCall(UfpRealloc(cap, &f->eshort));
  UfpCall(UfpRealloc(cap, &f->fshort));
  f->cap = cap;
  return UFP_SUCCESS;
}

static void add_outer(double w[3][3], double scale, const double d[3])
{
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) w[a][b] += scale * d[a] * d[b];
}

/* Four doubles as one vector (GCC/Clang vector extension): the compiler
 * maps it to one AVX register in the x86-64-v3 clone and to two SSE2
 * registers otherwise.  Rows need not be aligned, so loads use memcpy (a
 * macro, so no function passes a vector by value across ISA variants). */
typedef double v4d __attribute__((vector_size(32)));
#define LOAD4(v, x) memcpy(&(v), (x), sizeof(v4d))

/* Runtime dispatch: on x86-64 the hot functions are compiled twice, for the
 * baseline ISA and for x86-64-v3 (AVX2, FMA), and the loader picks the one
 * the CPU supports, so portable binaries still use FMA on current machines.
 * (Results then differ between CPU generations by round-off, never between
 * runs or rank counts on one machine.) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define UFP_HOT_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define UFP_HOT_CLONES
#endif

/* All 3-body terms around centre i; the short list is filled.
 *
 * Bookkeeping that keeps the triplet loop short: the parts of the forces and
 * of the virial along d_ij and d_ik depend on the triplet only through the
 * scalar g / r, so they are summed per neighbour (sbond[jj]) and applied once
 * per neighbour after the loop; only the d_jk parts are applied per triplet,
 * into a contiguous per-neighbour force buffer (fshort) rather than the
 * global force array. */
UFP_HOT_CLONES static void triplets(Uf3Force f, int i, int centre, int nshort, double (*force)[3], double *energy,
                     double *eatom, double w[3][3])
{
  const int nel = f->nel, ms = f->maxslots;
  double *sbond = f->sbond, (*fshort)[3] = f->fshort;
  double wjk[6] = {0, 0, 0, 0, 0, 0}; /* xx yy zz xy xz yz of sum s_jk d_jk d_jk */
  double e_total = 0.0;
  for (int jj = 0; jj < nshort; jj++) {
    sbond[jj] = 0.0;
    f->eshort[jj] = 0.0;
    fshort[jj][0] = fshort[jj][1] = fshort[jj][2] = 0.0;
  }
  for (int jj = 0; jj < nshort; jj++) {
    const int sj = f->sspecies[jj];
    const double *dij = f->sd[jj];
    for (int kk = jj + 1; kk < nshort; kk++) {
      const int block = (centre * nel + sj) * nel + f->sspecies[kk];
      if (!f->has_triplet[block]) continue;
      const TripletTable *t = &f->triplet[block];
      const int l = f->sfirst[jj * ms + t->slot0], m = f->sfirst[kk * ms + t->slot1];
      if (l < 0 || m < 0) continue;
      const double *dik = f->sd[kk];
      double djk[3] = {dik[0] - dij[0], dik[1] - dij[1], dik[2] - dij[2]};
      double rjk = sqrt(djk[0] * djk[0] + djk[1] * djk[1] + djk[2] * djk[2]);
      double b2[4], db2[4];
      const int n = Uf3BasisEvaluate(&f->pool[t->basis2], rjk, b2, db2);
      if (n < 0) continue;
      const double *b0 = f->sval[jj * ms + t->slot0], *db0 = f->sder[jj * ms + t->slot0];
      const double *b1 = f->sval[kk * ms + t->slot1], *db1 = f->sder[kk * ms + t->slot1];
      const double *c = t->coeff + ((size_t)l * (size_t)t->n1 + (size_t)m) * (size_t)t->n2 + (size_t)n;
      /* Contract over r_ij and r_ik with 4-vectors over the r_jk index
       * (one coefficient row is 4 contiguous doubles): 44 vector
       * multiply-adds, then four 4-term dot products. */
      v4d p[4], dp[4];
      for (int bb = 0; bb < 4; bb++) {
        v4d row;
        LOAD4(row, c + (size_t)bb * (size_t)t->n2);
        p[bb] = b0[0] * row;
        dp[bb] = db0[0] * row;
      }
      for (int aa = 1; aa < 4; aa++)
        for (int bb = 0; bb < 4; bb++) {
          v4d row;
          LOAD4(row, c + ((size_t)aa * (size_t)t->n1 + (size_t)bb) * (size_t)t->n2);
          p[bb] += b0[aa] * row;
          dp[bb] += db0[aa] * row;
        }
      v4d qv = b1[0] * p[0] + b1[1] * p[1] + b1[2] * p[2] + b1[3] * p[3];
      v4d qk = db1[0] * p[0] + db1[1] * p[1] + db1[2] * p[2] + db1[3] * p[3];
      v4d qi = b1[0] * dp[0] + b1[1] * dp[1] + b1[2] * dp[2] + b1[3] * dp[3];
      v4d vb2, vdb2;
      LOAD4(vb2, b2);
      LOAD4(vdb2, db2);
      v4d te = qv * vb2, tjk = qv * vdb2, tik = qk * vb2, tij = qi * vb2;
      double e = te[0] + te[1] + te[2] + te[3];
      double gjk = tjk[0] + tjk[1] + tjk[2] + tjk[3];
      double gik = tik[0] + tik[1] + tik[2] + tik[3];
      double gij = tij[0] + tij[1] + tij[2] + tij[3];
      e_total += e;
      f->eshort[jj] += e;
      f->eshort[kk] += e;
      sbond[jj] += gij;
      sbond[kk] += gik;
      const double sjk = gjk / rjk;
      for (int d = 0; d < 3; d++) {
        fshort[jj][d] += sjk * djk[d];
        fshort[kk][d] -= sjk * djk[d];
      }
      wjk[0] += sjk * djk[0] * djk[0];
      wjk[1] += sjk * djk[1] * djk[1];
      wjk[2] += sjk * djk[2] * djk[2];
      wjk[3] += sjk * djk[0] * djk[1];
      wjk[4] += sjk * djk[0] * djk[2];
      wjk[5] += sjk * djk[1] * djk[2];
    }
  }
  *energy += e_total;
  /* Per-atom energies as LAMMPS's ev_tally3: a third of each triplet's V3
   * to each of i, j and k.  The caller credits *energy, which includes all
   * of e_total, to eatom[i]; two thirds move from i to the neighbours here. */
  if (eatom) {
    eatom[i] -= 2.0 * e_total / 3.0;
    for (int jj = 0; jj < nshort; jj++) eatom[f->sj[jj]] += f->eshort[jj] / 3.0;
  }
  /* Apply the per-neighbour sums: F_j += -(sum g)/r_ij d_ij, F_i opposite. */
  for (int jj = 0; jj < nshort; jj++) {
    const int j = f->sj[jj];
    const double s = sbond[jj] / f->sr[jj], *d = f->sd[jj];
    for (int c = 0; c < 3; c++) {
      double fj = -s * d[c] + fshort[jj][c];
      force[j][c] += fj;
      force[i][c] -= fj;
    }
    add_outer(w, -s, d);
  }
  w[0][0] -= wjk[0];
  w[1][1] -= wjk[1];
  w[2][2] -= wjk[2];
  w[0][1] -= wjk[3];
  w[1][0] -= wjk[3];
  w[0][2] -= wjk[4];
  w[2][0] -= wjk[4];
  w[1][2] -= wjk[5];
  w[2][1] -= wjk[5];
}

UFP_HOT_CLONES UfpErrorCode Uf3ForceCompute(Uf3Force f, int nall, const double (*x)[3], const int *species,
                             const Uf3Neighbors *nbr, Uf3Result *result)
{
  const int nel = f->nel;
  double w[3][3] = {{0}}, energy_total = 0.0;
  double(*force)[3] = result->f;
  memset(force, 0, sizeof *force * (size_t)nall);
  if (result->eatom) memset(result->eatom, 0, sizeof *result->eatom * (size_t)nall);
  const double cut3sq = f->cutoff3 * f->cutoff3;
  for (int i = 0; i < nbr->nlocal; i++) {
    const int a = species[i];
    double energy = f->one_body ? f->one_body[a] : 0.0;
    double fi[3] = {0, 0, 0};
    int nshort = 0;
    const int64_t begin = nbr->offset[i], end = nbr->offset[i + 1];
    if (f->has_3body) UfpCall(grow_short_list(f, (int)(end - begin)));
    for (int64_t e = begin; e < end; e++) {
      const int j = nbr->j[e];
      double d[3];
      for (int k = 0; k < 3; k++) d[k] = x[j][k] - x[i][k];
      if (nbr->shift)
        for (int k = 0; k < 3; k++) d[k] += nbr->shifts[nbr->shift[e]][k];
      const double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      const int b = species[j];
      const PairTable *p = &f->pair[a * nel + b];
      /* Two owned atoms: the pair is evaluated once, from the lower index,
       * and both atoms get their share (the loop still visits j < i for the
       * 3-body short list).  Ghost and image partners: from i's side only. */
      const int both_local = !nbr->shift && j < nbr->nlocal;
      if (f->has_pair[a * nel + b] && r2 < p->basis.rmax * p->basis.rmax && !(both_local && j < i)) {
        const double r = sqrt(r2);
        const int q = Uf3BasisInterval(&p->basis, r);
        if (q < 0) {
          f->contact_i = i;
          f->contact_j = j;
          f->contact_r = r;
          f->contact_rmin = p->basis.rmin;
        }
        UfpCheck(q >= 0, UFP_ERR_INPUT,
                 "atoms %d and %d are %.4g Å apart, closer than the first knot (%.4g Å) of the potential", i,
                 j, r, p->basis.rmin);
        const double u = r - p->basis.start[q], *k = p->cubic[q];
        const double v2 = k[0] + u * (k[1] + u * (k[2] + u * k[3]));
        const double s = (k[1] + u * (2.0 * k[2] + u * 3.0 * k[3])) / r;
        energy += v2;
        for (int c = 0; c < 3; c++) fi[c] += 2.0 * s * d[c];
        if (both_local) {
          /* The visit (j, i) that is skipped: j's energy, force and half virial. */
          energy_total += v2;
          if (result->eatom) result->eatom[j] += v2;
          for (int c = 0; c < 3; c++) force[j][c] -= 2.0 * s * d[c];
          add_outer(w, -2.0 * s, d);
        } else {
          add_outer(w, -s, d);
        }
      }
      if (f->has_3body && r2 < cut3sq) {
        const double r = sqrt(r2);
        f->sj[nshort] = j;
        f->sspecies[nshort] = b;
        f->sr[nshort] = r;
        memcpy(f->sd[nshort], d, sizeof d);
        for (int s = 0; s < f->nslots[a]; s++) {
          const Uf3Basis *basis = &f->pool[f->slot_basis[a * f->maxslots + s]];
          const int slot = nshort * f->maxslots + s;
          f->sfirst[slot] = Uf3BasisEvaluate(basis, r, f->sval[slot], f->sder[slot]);
        }
        nshort++;
      }
    }
    for (int c = 0; c < 3; c++) force[i][c] += fi[c];
    if (nshort > 1) triplets(f, i, a, nshort, force, &energy, result->eatom, w);
    if (result->eatom) result->eatom[i] += energy;
    energy_total += energy;
  }
  result->energy = energy_total;
  memcpy(result->virial, w, sizeof w);
  return UFP_SUCCESS;
}
