/* test_fit.c -- see test_fit.h. */
#include "test_fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "image_list.h"
#include "test_util.h"
#include "uf3_force.h"

static double uniform(unsigned *state, double lo, double hi) { return lo + (hi - lo) * (rand_r(state) / (double)RAND_MAX); }

UfpStructure *ufp_test_random_structure(int natoms, int nel, const char *const *elements, double density,
                                        double rmin, unsigned seed)
{
  unsigned state = seed;
  UfpStructure *s = NULL;
  assert_ufp_ok(UfpStructureCreate(natoms, &s));
  double lattice[3][3] = {{1.0, 0, 0}, {uniform(&state, -0.2, 0.2), 1.0, 0}, {uniform(&state, -0.2, 0.2), uniform(&state, -0.2, 0.2), 1.0}};
  double aspect[3] = {uniform(&state, 0.85, 1.15), uniform(&state, 0.85, 1.15), 1.0};
  for (int a = 0; a < 3; a++)
    for (int k = 0; k < 3; k++) lattice[a][k] *= aspect[a];
  double vol = lattice[0][0] * lattice[1][1] * lattice[2][2];
  double scale = cbrt(natoms / density / vol);
  for (int a = 0; a < 3; a++)
    for (int k = 0; k < 3; k++) s->lattice[a][k] = lattice[a][k] * scale;
  s->has_lattice = 1;
  for (int a = 0; a < 3; a++) s->pbc[a] = 1;
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, s->lattice, NULL));
  int shift = rand_r(&state) % nel;
  for (int i = 0; i < natoms; i++) {
    assert_ufp_ok(UfpStructureSetSpecies(s, i, elements[(i + shift + (i % 5 == 0)) % nel]));
    for (int attempt = 0;; attempt++) {
      assert_true(attempt < 200000);
      double f[3] = {uniform(&state, 0, 1), uniform(&state, 0, 1), uniform(&state, 0, 1)};
      UfpCellCartFromFrac(&cell, f, s->x[i]);
      int ok = 1;
      for (int j = 0; j <= i && ok; j++) {
        int nimg[3];
        UfpCellImageRange(&cell, rmin, nimg);
        for (int n0 = -nimg[0]; n0 <= nimg[0] && ok; n0++)
          for (int n1 = -nimg[1]; n1 <= nimg[1] && ok; n1++)
            for (int n2 = -nimg[2]; n2 <= nimg[2] && ok; n2++) {
              if (j == i && n0 == 0 && n1 == 0 && n2 == 0) continue;
              int n[3] = {n0, n1, n2};
              double sh[3];
              UfpCellShift(&cell, n, sh);
              double d2 = 0;
              for (int k = 0; k < 3; k++) d2 += pow(s->x[j][k] + sh[k] - s->x[i][k], 2);
              ok = d2 > rmin * rmin;
            }
      }
      if (ok) break;
    }
  }
  return s;
}

void ufp_test_label(const Uf3Potential *pot, UfpStructure *s)
{
  Uf3Force force = NULL;
  assert_ufp_ok(Uf3ForceCreate(pot, &force));
  int *species = calloc(s->natoms, sizeof *species);
  for (int i = 0; i < s->natoms; i++) species[i] = Uf3PotentialElementIndex(pot, s->species[i]);
  UfpCell cell;
  assert_ufp_ok(UfpCellSetup(&cell, s->lattice, s->pbc));
  Uf3ImageList *list = NULL;
  assert_ufp_ok(Uf3ImageListBuild(&cell, s->natoms, (const double(*)[3])s->x, Uf3ForceCutoff(force), &list));
  UfpAtomColumn *col = NULL;
  assert_ufp_ok(UfpStructureAddColumn(s, "forces", 'R', 3, &col));
  Uf3Result result = {.f = (double(*)[3])col->real};
  assert_ufp_ok(Uf3ForceCompute(force, s->natoms, (const double(*)[3])s->x, species, &list->view, &result));
  assert_ufp_ok(UfpStructureSetInfoReal(s, "energy", 1, &result.energy));
  assert_ufp_ok(UfpStructureSetInfoReal(s, "virial", 9, &result.virial[0][0]));
  assert_ufp_ok(Uf3ImageListDestroy(&list));
  assert_ufp_ok(Uf3ForceDestroy(&force));
  free(species);
}

Uf3FitBasisSpec *ufp_test_fit_spec(int degree, double r_min, double r_max2, int res2, double r_max3, int res3,
                                   int res3_jk)
{
  Uf3FitBasisSpec *spec = calloc(1, sizeof *spec);
  const char *el[3] = {"Li", "P", "S"};
  spec->nelements = 3;
  spec->elements = calloc(3, UFP_LABEL_MAX);
  for (int a = 0; a < 3; a++) strcpy(spec->elements[a], el[a]);
  spec->degree = degree;
  spec->trailing_trim = 3;
  spec->pair = calloc(9, sizeof *spec->pair);
  spec->triplet = calloc(27, sizeof *spec->triplet);
  for (int p = 0; p < 9; p++) spec->pair[p] = (Uf3FitPairSpec){r_min, r_max2, res2};
  for (int t = 0; t < 27; t++) spec->triplet[t] = (Uf3FitTripletSpec){r_min, r_max3, res3, r_min, res3_jk};
  return spec;
}

void ufp_test_fit_spec_free(Uf3FitBasisSpec *spec)
{
  if (!spec) return;
  free(spec->elements);
  free(spec->pair);
  free(spec->triplet);
  free(spec);
}
