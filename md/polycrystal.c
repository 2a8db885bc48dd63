/* polycrystal.c -- see polycrystal.h. */
#include "polycrystal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cell.h"
#include "md_random.h"
#include "neighbor.h"
#include "units.h"

enum { STREAM_GRAIN = 11, MAX_SPECIES = 16 };
static const double contact_reach = 5.0; /* Å: the crystal's closest contacts are looked for this far */

void PolySettingsDefault(PolySettings *s)
{
  memset(s, 0, sizeof *s);
  s->box[0] = s->box[1] = s->box[2] = 60.0;
  s->ngrains = 8;
  s->seed = 1;
  s->bond = 2.6;
  snprintf(s->mobile, sizeof s->mobile, "Li");
  s->clash = 0.75;
}

typedef struct {
  int n;
  char label[MAX_SPECIES][UFP_LABEL_MAX];
} Species;

static int species_of(Species *t, const char *label)
{
  for (int k = 0; k < t->n; k++)
    if (!strcmp(t->label[k], label)) return k;
  if (t->n == MAX_SPECIES) return -1;
  snprintf(t->label[t->n], UFP_LABEL_MAX, "%s", label);
  return t->n++;
}

static int find_root(int *parent, int i)
{
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];
  return i;
}

/* The crystal's units: unit[] per atom, whole[] positions (every unit in one
 * piece), centre[] per unit, and the closest contact between atoms of
 * different units for each species pair. */
typedef struct {
  int nunits;
  int *unit, *sp;
  double (*whole)[3], (*centre)[3];
  double dmin[MAX_SPECIES][MAX_SPECIES];
} Crystal;

static UfpErrorCode crystal_units(const PolySettings *set, const UfpStructure *c, const UfpCell *cell,
                                  Species *sp, Crystal *cr)
{
  const int n = c->natoms;
  UfpNeighborList *nl = NULL;
  int *parent, *queue, *seen;
  UfpCall(UfpCalloc(n, &cr->unit));
  UfpCall(UfpCalloc(n, &cr->sp));
  UfpCall(UfpCalloc(n, &cr->whole));
  UfpCall(UfpCalloc(n, &parent));
  UfpCall(UfpCalloc(n, &queue));
  UfpCall(UfpCalloc(n, &seen));
  for (int i = 0; i < n; i++) {
    cr->sp[i] = species_of(sp, c->species[i]);
    UfpCheck(cr->sp[i] >= 0, UFP_ERR_INPUT, "more than %d species", MAX_SPECIES);
    parent[i] = i;
  }
  UfpCall(UfpNeighborListBuild(cell, n, (const double(*)[3])c->x, fmax(set->bond, contact_reach), &nl));
  const int mobile = species_of(sp, set->mobile);
#define BONDED(i, k) (cr->sp[i] != mobile && cr->sp[nl->j[k]] != mobile && nl->r[k] < set->bond)
  for (int i = 0; i < n; i++)
    for (int64_t k = nl->offset[i]; k < nl->offset[i + 1]; k++)
      if (BONDED(i, k)) parent[find_root(parent, i)] = find_root(parent, nl->j[k]);
  /* Compact unit ids; each unit made whole by a walk along its bonds. */
  for (int i = 0; i < n; i++)
    cr->unit[i] = -1;
  cr->nunits = 0;
  for (int i = 0; i < n; i++) {
    const int r = find_root(parent, i);
    if (cr->unit[r] < 0) cr->unit[r] = cr->nunits++;
    cr->unit[i] = cr->unit[r];
  }
  for (int s = 0; s < n; s++) {
    if (seen[s]) continue;
    int head = 0, tail = 0;
    queue[tail++] = s, seen[s] = 1;
    memcpy(cr->whole[s], c->x[s], sizeof cr->whole[s]);
    while (head < tail) {
      const int i = queue[head++];
      for (int64_t k = nl->offset[i]; k < nl->offset[i + 1]; k++) {
        const int j = nl->j[k];
        if (!BONDED(i, k) || seen[j]) continue;
        for (int a = 0; a < 3; a++)
          cr->whole[j][a] = cr->whole[i][a] + nl->d[k][a];
        seen[j] = 1, queue[tail++] = j;
      }
    }
  }
#undef BONDED
  UfpCall(UfpCalloc(cr->nunits, &cr->centre));
  double *count;
  UfpCall(UfpCalloc(cr->nunits, &count));
  for (int i = 0; i < n; i++) {
    for (int a = 0; a < 3; a++)
      cr->centre[cr->unit[i]][a] += cr->whole[i][a];
    count[cr->unit[i]] += 1;
  }
  for (int u = 0; u < cr->nunits; u++)
    for (int a = 0; a < 3; a++)
      cr->centre[u][a] /= count[u];
  /* Closest contacts between different units (another image of the same
   * unit counts as different). */
  for (int a = 0; a < MAX_SPECIES; a++)
    for (int b = 0; b < MAX_SPECIES; b++)
      cr->dmin[a][b] = contact_reach;
  for (int i = 0; i < n; i++)
    for (int64_t k = nl->offset[i]; k < nl->offset[i + 1]; k++) {
      const int j = nl->j[k];
      double off = 0.0;
      for (int a = 0; a < 3; a++)
        off += fabs(nl->d[k][a] - (cr->whole[j][a] - cr->whole[i][a]));
      if (cr->unit[i] == cr->unit[j] && off < 1e-6) continue;
      double *d = &cr->dmin[cr->sp[i]][cr->sp[j]];
      if (nl->r[k] < *d) *d = cr->dmin[cr->sp[j]][cr->sp[i]] = nl->r[k];
    }
  UfpFree(&count);
  UfpFree(&parent);
  UfpFree(&queue);
  UfpFree(&seen);
  UfpNeighborListDestroy(&nl);
  return UFP_SUCCESS;
}

/* A uniformly distributed rotation (K. Shoemake, Graphics Gems III, 1992). */
static void random_rotation(uint64_t seed, int g, double r[3][3])
{
  const double u1 = MdRandomUniform(seed, 0, g, STREAM_GRAIN, 3),
               u2 = MdRandomUniform(seed, 0, g, STREAM_GRAIN, 4),
               u3 = MdRandomUniform(seed, 0, g, STREAM_GRAIN, 5);
  const double w = sqrt(1 - u1) * sin(2 * UFP_PI * u2), x = sqrt(1 - u1) * cos(2 * UFP_PI * u2),
               y = sqrt(u1) * sin(2 * UFP_PI * u3), z = sqrt(u1) * cos(2 * UFP_PI * u3);
  const double m[3][3] = {{1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)},
                          {2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)},
                          {2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)}};
  memcpy(r, m, sizeof m);
}

static double min_image2(const double box[3], const double p[3], const double q[3])
{
  double s = 0.0;
  for (int a = 0; a < 3; a++) {
    double d = p[a] - q[a];
    d -= box[a] * round(d / box[a]);
    s += d * d;
  }
  return s;
}

static void rotate(const double r[3][3], const double v[3], double out[3])
{
  for (int a = 0; a < 3; a++)
    out[a] = r[a][0] * v[0] + r[a][1] * v[1] + r[a][2] * v[2];
}

/* The atoms of the polycrystal before clashes and charges. */
typedef struct {
  int n, cap, nunits;
  int *sp, *grain, *unit;
  double (*x)[3];
} Atoms;

static UfpErrorCode atoms_push(Atoms *t, int sp, int grain, int unit, const double x[3])
{
  if (t->n == t->cap) {
    const int cap = t->cap ? 2 * t->cap : 4096;
    int *a, *b, *c;
    double(*y)[3];
    UfpCall(UfpCalloc(cap, &a));
    UfpCall(UfpCalloc(cap, &b));
    UfpCall(UfpCalloc(cap, &c));
    UfpCall(UfpCalloc(cap, &y));
    if (t->n) {
      memcpy(a, t->sp, sizeof(int) * t->n), memcpy(b, t->grain, sizeof(int) * t->n);
      memcpy(c, t->unit, sizeof(int) * t->n), memcpy(y, t->x, sizeof(double[3]) * t->n);
    }
    UfpFree(&t->sp), UfpFree(&t->grain), UfpFree(&t->unit), UfpFree(&t->x);
    t->sp = a, t->grain = b, t->unit = c, t->x = y, t->cap = cap;
  }
  t->sp[t->n] = sp, t->grain[t->n] = grain, t->unit[t->n] = unit;
  memcpy(t->x[t->n++], x, sizeof(double[3]));
  return UFP_SUCCESS;
}

static UfpErrorCode cut_grains(const PolySettings *set, const UfpStructure *c, const UfpCell *cell,
                               const Crystal *cr, Atoms *out)
{
  const int G = set->ngrains;
  double(*centre)[3], (*rot)[3][3];
  UfpCall(UfpCalloc(G, &centre));
  UfpCall(UfpCalloc(G, &rot));
  for (int g = 0; g < G; g++) {
    for (int a = 0; a < 3; a++)
      centre[g][a] = set->box[a] * MdRandomUniform(set->seed, 0, g, STREAM_GRAIN, a);
    random_rotation(set->seed, g, rot[g]);
  }
  /* Every point of the box is within half its diagonal of some image of
   * each centre, so lattice points farther than that are never kept. */
  const double reach =
      0.5 * sqrt(set->box[0] * set->box[0] + set->box[1] * set->box[1] + set->box[2] * set->box[2]);
  int range[3];
  UfpCellImageRange(cell, reach, range);
  int *first, *members;
  UfpCall(UfpCalloc(cr->nunits + 1, &first));
  UfpCall(UfpCalloc(c->natoms, &members));
  for (int i = 0; i < c->natoms; i++)
    first[cr->unit[i] + 1]++;
  for (int u = 0; u < cr->nunits; u++)
    first[u + 1] += first[u];
  {
    int *fill;
    UfpCall(UfpCalloc(cr->nunits, &fill));
    for (int i = 0; i < c->natoms; i++)
      members[first[cr->unit[i]] + fill[cr->unit[i]]++] = i;
    UfpFree(&fill);
  }
  for (int g = 0; g < G; g++)
    for (int n0 = -range[0] - 1; n0 <= range[0] + 1; n0++)
      for (int n1 = -range[1] - 1; n1 <= range[1] + 1; n1++)
        for (int n2 = -range[2] - 1; n2 <= range[2] + 1; n2++) {
          const int n[3] = {n0, n1, n2};
          double shift[3];
          UfpCellShift(cell, n, shift);
          for (int u = 0; u < cr->nunits; u++) {
            double v[3], d[3], p[3];
            for (int a = 0; a < 3; a++)
              v[a] = shift[a] + cr->centre[u][a];
            rotate(rot[g], v, d);
            int inside = 1;
            for (int a = 0; a < 3; a++)
              p[a] = centre[g][a] + d[a], inside &= fabs(d[a]) <= 0.5 * set->box[a];
            if (!inside) continue;
            const double own = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            for (int h = 0; h < G && inside; h++) {
              if (h == g) continue;
              const double other = min_image2(set->box, p, centre[h]);
              inside = other > own || (other == own && h > g);
            }
            if (!inside) continue;
            for (int m = first[u]; m < first[u + 1]; m++) {
              const int i = members[m];
              double y[3];
              for (int a = 0; a < 3; a++)
                v[a] = shift[a] + cr->whole[i][a];
              rotate(rot[g], v, y);
              for (int a = 0; a < 3; a++) {
                y[a] += centre[g][a];
                y[a] -= set->box[a] * floor(y[a] / set->box[a]);
                if (y[a] >= set->box[a]) y[a] = 0.0; /* -1e-17 wraps to box exactly */
              }
              UfpCall(atoms_push(out, cr->sp[i], g, out->nunits, y));
            }
            out->nunits++;
          }
        }
  UfpFree(&first);
  UfpFree(&members);
  UfpFree(&centre);
  UfpFree(&rot);
  return UFP_SUCCESS;
}

UfpErrorCode PolycrystalBuild(const PolySettings *set, const UfpStructure *c, UfpStructure **out,
                              PolyReport *report)
{
  memset(report, 0, sizeof *report);
  *out = NULL;
  UfpCheck(c->has_lattice && c->pbc[0] && c->pbc[1] && c->pbc[2] && c->natoms > 0, UFP_ERR_INPUT,
           "the crystal needs a lattice and periodic boundaries along all three axes");
  UfpCheck(set->ngrains >= 1 && set->box[0] > 0 && set->box[1] > 0 && set->box[2] > 0 && set->bond > 0 &&
               set->clash > 0 && set->clash <= 1,
           UFP_ERR_USAGE,
           "polycrystal: %d grains, box %g x %g x %g Å, bond %g Å, clash %g (want >= 1 grain, "
           "positive lengths, 0 < clash <= 1)",
           set->ngrains, set->box[0], set->box[1], set->box[2], set->bond, set->clash);
  UfpCell cell, box;
  UfpCall(UfpCellSetup(&cell, c->lattice, c->pbc));
  const double lb[3][3] = {{set->box[0], 0, 0}, {0, set->box[1], 0}, {0, 0, set->box[2]}};
  const int pbc[3] = {1, 1, 1};
  UfpCall(UfpCellSetup(&box, lb, pbc));
  Species sp = {0};
  Crystal cr = {0};
  UfpCall(crystal_units(set, c, &cell, &sp, &cr));
  double charge_of[MAX_SPECIES] = {0};
  for (int s = 0; s < sp.n && set->ncharges > 0; s++) {
    int found = 0;
    for (int k = 0; k < set->ncharges; k++)
      if (!strcmp(set->charge_species[k], sp.label[s])) charge_of[s] = set->charge[k], found = 1;
    UfpCheck(found, UFP_ERR_USAGE, "polycrystal: no formal charge given for %s", sp.label[s]);
  }
  Atoms at = {0};
  UfpCall(cut_grains(set, c, &cell, &cr, &at));
  report->units_cut = at.nunits;
  UfpCheck(at.n > 0, UFP_ERR_INPUT, "polycrystal: no atoms in the box");

  /* Clashes between units, and each unit's closest approach relative to the
   * crystal's (for the neutrality step). */
  double rcut = 0.0;
  for (int a = 0; a < sp.n; a++)
    for (int b = 0; b < sp.n; b++)
      rcut = fmax(rcut, set->clash * cr.dmin[a][b]);
  rcut = fmax(rcut, 1.2 * contact_reach);
  UfpNeighborList *nl = NULL;
  UfpCall(UfpNeighborListBuild(&box, at.n, (const double(*)[3])at.x, rcut, &nl));
  int *removed, *mobile_unit, *grain_of;
  double *crowd, *unit_charge;
  UfpCall(UfpCalloc(at.nunits, &removed));
  UfpCall(UfpCalloc(at.nunits, &mobile_unit));
  UfpCall(UfpCalloc(at.nunits, &grain_of));
  UfpCall(UfpCalloc(at.nunits, &crowd));
  UfpCall(UfpCalloc(at.nunits, &unit_charge));
  const int mobile = species_of(&sp, set->mobile);
  for (int i = 0; i < at.n; i++) {
    mobile_unit[at.unit[i]] = at.sp[i] == mobile;
    grain_of[at.unit[i]] = at.grain[i];
    unit_charge[at.unit[i]] += charge_of[at.sp[i]];
  }
  for (int u = 0; u < at.nunits; u++)
    crowd[u] = HUGE_VAL;
  /* Clashing unit pairs (each once), then the unit with the most clashes
   * goes first (among equals: a mobile unit, then the later grain, then
   * the later unit), until no clash is left. */
  int npairs = 0, cap = 1024, *clashes;
  int(*pairs)[2];
  UfpCall(UfpCalloc(cap, &pairs));
  UfpCall(UfpCalloc(at.nunits, &clashes));
  for (int i = 0; i < at.n; i++)
    for (int64_t k = nl->offset[i]; k < nl->offset[i + 1]; k++) {
      const int j = nl->j[k], ui = at.unit[i], uj = at.unit[j];
      if (j <= i || ui == uj || nl->r[k] >= set->clash * cr.dmin[at.sp[i]][at.sp[j]]) continue;
      if (npairs == cap) {
        int(*grown)[2];
        UfpCall(UfpCalloc(2 * cap, &grown));
        memcpy(grown, pairs, sizeof(int[2]) * cap);
        UfpFree(&pairs);
        pairs = grown, cap *= 2;
      }
      pairs[npairs][0] = ui, pairs[npairs][1] = uj, npairs++;
      clashes[ui]++, clashes[uj]++;
    }
  for (;;) {
    int worst = -1;
    for (int u = 0; u < at.nunits; u++) {
      if (removed[u] || clashes[u] == 0) continue;
      if (worst < 0 || clashes[u] > clashes[worst] ||
          (clashes[u] == clashes[worst] &&
           (mobile_unit[u] > mobile_unit[worst] ||
            (mobile_unit[u] == mobile_unit[worst] && grain_of[u] >= grain_of[worst]))))
        worst = u;
    }
    if (worst < 0) break;
    removed[worst] = 1;
    report->removed_clash++;
    for (int p = 0; p < npairs; p++)
      if (pairs[p][0] == worst || pairs[p][1] == worst) {
        const int other = pairs[p][0] == worst ? pairs[p][1] : pairs[p][0];
        if (!removed[other]) clashes[other]--;
        pairs[p][0] = pairs[p][1] = -1;
      }
  }
  UfpFree(&pairs);
  UfpFree(&clashes);
  for (int i = 0; i < at.n; i++)
    for (int64_t k = nl->offset[i]; k < nl->offset[i + 1]; k++) {
      const int j = nl->j[k], ui = at.unit[i], uj = at.unit[j];
      if (ui == uj || removed[uj]) continue;
      crowd[ui] = fmin(crowd[ui], nl->r[k] / cr.dmin[at.sp[i]][at.sp[j]]);
    }
  if (set->ncharges > 0) {
    double q = 0.0;
    for (int u = 0; u < at.nunits; u++)
      q += removed[u] ? 0.0 : unit_charge[u];
    while (fabs(q) > 1e-9) {
      int best = -1;
      for (int u = 0; u < at.nunits; u++) {
        const double z = unit_charge[u];
        if (removed[u] || !(q > 0 ? z > 1e-9 && z <= q + 1e-9 : z < -1e-9)) continue;
        if (best < 0 || crowd[u] < crowd[best]) best = u;
      }
      UfpCheck(best >= 0, UFP_ERR_INPUT, "polycrystal: cannot neutralise a charge of %g e by removing units",
               q);
      removed[best] = 1;
      q -= unit_charge[best];
      report->removed_charge++;
    }
  }

  int natoms = 0;
  for (int i = 0; i < at.n; i++)
    natoms += !removed[at.unit[i]];
  UfpStructure *s = NULL;
  UfpCall(UfpStructureCreate(natoms, &s));
  memcpy(s->lattice, lb, sizeof lb);
  s->pbc[0] = s->pbc[1] = s->pbc[2] = 1;
  s->has_lattice = 1;
  UfpAtomColumn *col;
  UfpCall(UfpStructureAddColumn(s, "grain", 'I', 1, &col));
  for (int i = 0, k = 0; i < at.n; i++) {
    if (removed[at.unit[i]]) continue;
    UfpCall(UfpStructureSetSpecies(s, k, sp.label[at.sp[i]]));
    memcpy(s->x[k], at.x[i], sizeof s->x[k]);
    col->integer[k++] = at.grain[i];
  }
  const long grains = set->ngrains;
  UfpCall(UfpStructureSetInfoInt(s, "grains", 'I', 1, &grains));
  report->natoms = natoms;
  report->density_ratio = (natoms / box.volume) / (c->natoms / cell.volume);
  *out = s;
  UfpNeighborListDestroy(&nl);
  UfpFree(&removed), UfpFree(&mobile_unit), UfpFree(&grain_of), UfpFree(&crowd), UfpFree(&unit_charge);
  UfpFree(&at.sp), UfpFree(&at.grain), UfpFree(&at.unit), UfpFree(&at.x);
  UfpFree(&cr.unit), UfpFree(&cr.sp), UfpFree(&cr.whole), UfpFree(&cr.centre);
  return UFP_SUCCESS;
}
