/*
 * ufp_polycrystal.c -- ufp-polycrystal: a periodic polycrystal of randomly
 * oriented grains of one crystal (polycrystal.h), written as extxyz with the
 * grain of every atom, ready for ufp-md.
 *
 *   ufp-polycrystal -poly_structure beta.extxyz -poly_box 60 -poly_grains 8 -poly_seed 1 \
 *                   -poly_charges Li=1,P=5,S=-2 -poly_output poly.extxyz
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extxyz.h"
#include "options.h"
#include "parallel.h"
#include "polycrystal.h"
#include "safe_output.h"

static const char help[] =
    "ufp-polycrystal: a periodic polycrystal of randomly oriented grains (Voronoi) cut from one crystal.\n\n"
    "Usage: ufp-polycrystal -poly_structure CRYSTAL.extxyz -poly_box L[,LY,LZ] -poly_grains N -poly_output "
    "OUT.extxyz\n"
    "                       [-poly_seed S] [-poly_charges Li=1,P=5,S=-2] [-poly_mobile Li] [-poly_bond 2.6]\n"
    "                       [-poly_clash 0.75] [-poly_overwrite]\n\n"
    "Molecular units (atoms of non-mobile species closer than -poly_bond) are kept whole; units that clash "
    "at\n"
    "the grain boundaries are removed, then units until the formal charges add up to zero.\n"
    "Exit codes: 0 ok, 64 usage, 65 bad input, 74 I/O.\n";

static UfpErrorCode parse_charges(char *text, PolySettings *s)
{
  char *items[POLY_MAX_CHARGES + 1];
  const int n = UfpSplitList(text, items, POLY_MAX_CHARGES + 1);
  UfpCheck(n <= POLY_MAX_CHARGES, UFP_ERR_USAGE, "-poly_charges: at most %d species", POLY_MAX_CHARGES);
  for (int k = 0; k < n; k++) {
    char *eq = strchr(items[k], '='), *end = NULL;
    UfpCheck(eq && eq != items[k], UFP_ERR_USAGE, "-poly_charges: \"%s\" is not SPECIES=CHARGE", items[k]);
    *eq = '\0';
    s->charge[k] = strtod(eq + 1, &end);
    UfpCheck(end != eq + 1 && *end == '\0', UFP_ERR_USAGE, "-poly_charges: \"%s\" is not a number", eq + 1);
    snprintf(s->charge_species[k], UFP_LABEL_MAX, "%s", items[k]);
  }
  s->ncharges = n;
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm)
{
  PolySettings set;
  PolySettingsDefault(&set);
  char structure[UFP_PATH_MAX] = "", output[UFP_PATH_MAX] = "", charges[512] = "";
  double box[3] = {0, 0, 0};
  int nbox = 3, overwrite = 0, box_given = 0;
  long grains = set.ngrains, seed = (long)set.seed;
  UfpOptions o = NULL;
  UfpCall(UfpOptionsBegin(comm, NULL, "ufp-polycrystal: a polycrystal of randomly oriented grains", &o));
  UfpCall(UfpOptionsString(o, "-poly_structure", "the crystal (extxyz, periodic)", "PolySetStructure",
                           structure, sizeof structure, NULL));
  UfpCall(UfpOptionsRealArray(o, "-poly_box", "edges of the orthorhombic box (one value: a cube)", "Å",
                              "PolySetBox", box, &nbox, &box_given));
  UfpCall(UfpOptionsInt(o, "-poly_grains", "number of grains", "", "PolySetGrains", &grains));
  UfpCall(
      UfpOptionsInt(o, "-poly_seed", "seed of the grain centres and orientations", "", "PolySetSeed", &seed));
  UfpCall(UfpOptionsString(o, "-poly_mobile", "species whose atoms are single units", "PolySetMobile",
                           set.mobile, sizeof set.mobile, NULL));
  UfpCall(UfpOptionsReal(o, "-poly_bond", "atoms of other species closer than this form one unit", "Å",
                         "PolySetBond", &set.bond));
  UfpCall(UfpOptionsReal(o, "-poly_clash",
                         "contacts shorter than this fraction of the crystal's closest are clashes", "",
                         "PolySetClash", &set.clash));
  UfpCall(UfpOptionsString(o, "-poly_charges", "formal charges SPECIES=Q,... (none: no neutrality step)",
                           "PolySetCharges", charges, sizeof charges, NULL));
  UfpCall(UfpOptionsString(o, "-poly_output", "output extxyz", "PolySetOutput", output, sizeof output, NULL));
  UfpCall(UfpOptionsBool(o, "-poly_overwrite", "replace an existing output", "PolySetOverwrite", &overwrite));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(structure[0] && output[0], UFP_ERR_USAGE,
           "-poly_structure and -poly_output are required (see -help)");
  UfpCheck(box_given && (nbox == 1 || nbox == 3), UFP_ERR_USAGE, "-poly_box needs one or three edges in Å");
  for (int a = 0; a < 3; a++)
    set.box[a] = box[nbox == 1 ? 0 : a];
  UfpCheck(grains >= 1 && grains <= 100000, UFP_ERR_USAGE, "-poly_grains %ld: want 1 .. 100000", grains);
  UfpCheck(seed >= 0, UFP_ERR_USAGE, "-poly_seed must be >= 0");
  set.ngrains = (int)grains;
  set.seed = (uint64_t)seed;
  if (charges[0]) UfpCall(parse_charges(charges, &set));
  int nframes = 0;
  UfpStructure **frames = NULL, *poly = NULL;
  UfpCall(UfpExtxyzReadAll(structure, &nframes, &frames));
  PolyReport rep;
  UfpCall(PolycrystalBuild(&set, frames[0], &poly, &rep));
  UfpCall(UfpExtxyzWriteAll(comm, output, overwrite, 1, &poly));
  UfpInfo(comm,
          "ufp-polycrystal: %d atoms in %d grains, box %.4g x %.4g x %.4g Å; %d units cut, %d removed at "
          "clashes, "
          "%d removed for neutrality; density %.3f of the crystal's; wrote %s\n",
          rep.natoms, set.ngrains, set.box[0], set.box[1], set.box[2], rep.units_cut, rep.removed_clash,
          rep.removed_charge, rep.density_ratio, output);
  UfpStructureDestroy(&poly);
  UfpStructureArrayDestroy(nframes, &frames);
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "ufp-polycrystal", code);
  UfpFinalize();
  return status;
}
