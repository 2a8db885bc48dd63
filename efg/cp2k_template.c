/* cp2k_template.c -- see cp2k_template.h. */
#include "cp2k_template.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char default_template[] = "&GLOBAL\n"
                                       "  PROJECT @NAME@\n"
                                       "  RUN_TYPE ENERGY_FORCE\n"
                                       "  PRINT_LEVEL LOW\n"
                                       "&END GLOBAL\n"
                                       "&FORCE_EVAL\n"
                                       "  METHOD QS\n"
                                       "  STRESS_TENSOR @STRESS@\n"
                                       "  &DFT\n"
                                       "    BASIS_SET_FILE_NAME BASIS_MOLOPT\n"
                                       "    POTENTIAL_FILE_NAME GTH_POTENTIALS\n"
                                       "    &QS\n"
                                       "      METHOD GAPW\n"
                                       "      EPS_DEFAULT 1.0E-10\n"
                                       "    &END QS\n"
                                       "    &MGRID\n"
                                       "      CUTOFF @CUTOFF@\n"
                                       "      REL_CUTOFF 50\n"
                                       "    &END MGRID\n"
                                       "    &SCF\n"
                                       "      EPS_SCF 1.0E-6\n"
                                       "      SCF_GUESS ATOMIC\n"
                                       "      MAX_SCF 150\n"
                                       "@SCF_SOLVER@"
                                       "      &PRINT\n"
                                       "        &RESTART OFF\n"
                                       "        &END RESTART\n"
                                       "      &END PRINT\n"
                                       "    &END SCF\n"
                                       "    &XC\n"
                                       "      &XC_FUNCTIONAL PBE\n"
                                       "      &END XC_FUNCTIONAL\n"
                                       "    &END XC\n"
                                       "@KPOINTS@"
                                       "    &PRINT\n"
                                       "      &ELECTRIC_FIELD_GRADIENT ON\n"
                                       "      &END\n"
                                       "    &END PRINT\n"
                                       "  &END DFT\n"
                                       "  &SUBSYS\n"
                                       "    &CELL\n"
                                       "@CELL@\n"
                                       "    &END CELL\n"
                                       "    &COORD\n"
                                       "@COORD@\n"
                                       "    &END COORD\n"
                                       "    &KIND Li\n"
                                       "      BASIS_SET DZVP-MOLOPT-SR-GTH\n"
                                       "      POTENTIAL GTH-PBE-q3\n"
                                       "    &END KIND\n"
                                       "    &KIND P\n"
                                       "      BASIS_SET DZVP-MOLOPT-SR-GTH\n"
                                       "      POTENTIAL GTH-PBE-q5\n"
                                       "    &END KIND\n"
                                       "    &KIND S\n"
                                       "      BASIS_SET DZVP-MOLOPT-SR-GTH\n"
                                       "      POTENTIAL GTH-PBE-q6\n"
                                       "    &END KIND\n"
                                       "  &END SUBSYS\n"
                                       "  &PRINT\n"
                                       "    &FORCES ON\n"
                                       "    &END\n"
                                       "    &STRESS_TENSOR @PRINT_STRESS@\n"
                                       "    &END\n"
                                       "  &END PRINT\n"
                                       "&END FORCE_EVAL\n";

UfpErrorCode Cp2kTemplateLoad(const char *path, char **text)
{
  *text = NULL;
  if (!path || !path[0]) {
    *text = strdup(default_template);
    UfpCheck(*text, UFP_ERR_INTERNAL, "no memory for the CP2K template");
    return UFP_SUCCESS;
  }
  FILE *fp = fopen(path, "rb");
  UfpCheck(fp, UFP_ERR_IO, "cannot open the CP2K template %s: %s", path, strerror(errno));
  size_t size = 0, capacity = 4096;
  char *buf = malloc(capacity);
  size_t got;
  while (buf && (got = fread(buf + size, 1, capacity - size - 1, fp)) > 0) {
    size += got;
    if (size + 1 == capacity) {
      char *grown = realloc(buf, 2 * capacity);
      if (!grown) free(buf);
      buf = grown;
      capacity *= 2;
    }
  }
  int failed = ferror(fp);
  fclose(fp);
  if (!buf || failed) {
    free(buf);
    UfpCheck(0, UFP_ERR_IO, "cannot read the CP2K template %s", path);
  }
  buf[size] = '\0';
  const char *required[] = {"@NAME@", "@CUTOFF@", "@CELL@", "@COORD@"};
  for (int k = 0; k < 4; k++)
    if (!strstr(buf, required[k])) {
      free(buf);
      UfpCheck(0, UFP_ERR_INPUT, "CP2K template %s: no %s placeholder (see efg/cp2k_template.h)", path,
               required[k]);
    }
  *text = buf;
  return UFP_SUCCESS;
}

/* Does the template have a "&KIND El" section (case-insensitive keyword)? */
static int has_kind(const char *text, const char *element)
{
  for (const char *p = text; (p = strchr(p, '&')); p++) {
    if (strncasecmp(p + 1, "KIND", 4) || (p[5] != ' ' && p[5] != '\t')) continue;
    const char *q = p + 5;
    while (*q == ' ' || *q == '\t')
      q++;
    size_t n = strlen(element);
    if (!strncmp(q, element, n) && (q[n] == '\n' || q[n] == ' ' || q[n] == '\t' || q[n] == '\r' || !q[n]))
      return 1;
  }
  return 0;
}

/* The SCF solver: OT with an outer loop at the Gamma point, diagonalisation
 * with Broyden mixing for k-points (OT works with the Gamma point only). */
static const char scf_ot[] = "      &OT\n"
                             "        MINIMIZER DIIS\n"
                             "        PRECONDITIONER FULL_SINGLE_INVERSE\n"
                             "      &END OT\n"
                             "      &OUTER_SCF\n"
                             "        MAX_SCF 10\n"
                             "        EPS_SCF 1.0E-6\n"
                             "      &END OUTER_SCF\n";
static const char scf_diag[] = "      &DIAGONALIZATION\n"
                               "        ALGORITHM STANDARD\n"
                               "      &END DIAGONALIZATION\n"
                               "      &MIXING\n"
                               "        METHOD BROYDEN_MIXING\n"
                               "        ALPHA 0.3\n"
                               "      &END MIXING\n";

void Cp2kKpointsAuto(const double lattice[3][3], double length, int n[3])
{
  for (int a = 0; a < 3; a++) {
    const double *u = lattice[(a + 1) % 3], *v = lattice[(a + 2) % 3], *w = lattice[a];
    const double c[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
    const double area = sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    const double width = fabs(w[0] * c[0] + w[1] * c[1] + w[2] * c[2]) / area; /* plane spacing */
    n[a] = (int)ceil(length / width - 1e-9);
    if (n[a] < 1) n[a] = 1;
  }
}

UfpErrorCode Cp2kInputWrite(const char *text, const UfpStructure *s, const char *name, double cutoff_ry,
                            int stress, const int kpoints[3], const char *path)
{
  const int use_k = kpoints && (kpoints[0] > 1 || kpoints[1] > 1 || kpoints[2] > 1);
  UfpCheck(!use_k || strstr(text, "@KPOINTS@"), UFP_ERR_INPUT,
           "frame %s needs k-points %dx%dx%d but the CP2K template has no @KPOINTS@ placeholder", name,
           kpoints ? kpoints[0] : 1, kpoints ? kpoints[1] : 1, kpoints ? kpoints[2] : 1);
  UfpCheck(s->has_lattice, UFP_ERR_INPUT, "frame %s has no cell: CP2K labels here are periodic", name);
  for (int i = 0; i < s->natoms; i++)
    UfpCheck(has_kind(text, s->species[i]), UFP_ERR_INPUT,
             "the CP2K template has no &KIND %s section (atom %d of %s): give -label_template with one",
             s->species[i], i + 1, name);
  char partial[4096 + 16];
  snprintf(partial, sizeof partial, "%s.partial", path);
  FILE *fp = fopen(partial, "w");
  UfpCheck(fp, UFP_ERR_IO, "cannot write %s: %s", partial, strerror(errno));
  for (const char *p = text; *p;) {
    const char *at = strchr(p, '@');
    if (!at) {
      fputs(p, fp);
      break;
    }
    fwrite(p, 1, (size_t)(at - p), fp);
    if (!strncmp(at, "@NAME@", 6)) {
      fputs(name, fp);
      p = at + 6;
    } else if (!strncmp(at, "@CUTOFF@", 8)) {
      fprintf(fp, "%.10g", cutoff_ry);
      p = at + 8;
    } else if (!strncmp(at, "@CELL@", 6)) {
      const char *axis = "ABC";
      for (int a = 0; a < 3; a++)
        fprintf(fp, "      %c %.12f %.12f %.12f%s", axis[a], s->lattice[a][0], s->lattice[a][1],
                s->lattice[a][2], a < 2 ? "\n" : "");
      p = at + 6;
    } else if (!strncmp(at, "@COORD@", 7)) {
      for (int i = 0; i < s->natoms; i++)
        fprintf(fp, "%s %.12f %.12f %.12f%s", s->species[i], s->x[i][0], s->x[i][1], s->x[i][2],
                i + 1 < s->natoms ? "\n" : "");
      p = at + 7;
    } else if (!strncmp(at, "@STRESS@", 8)) {
      fputs(stress ? "ANALYTICAL" : "NONE", fp);
      p = at + 8;
    } else if (!strncmp(at, "@SCF_SOLVER@", 12)) {
      fputs(use_k ? scf_diag : scf_ot, fp);
      p = at + 12;
    } else if (!strncmp(at, "@KPOINTS@", 9)) {
      if (use_k)
        fprintf(fp, "    &KPOINTS\n      SCHEME MONKHORST-PACK %d %d %d\n    &END KPOINTS\n", kpoints[0],
                kpoints[1], kpoints[2]);
      p = at + 9;
    } else if (!strncmp(at, "@PRINT_STRESS@", 14)) {
      fputs(stress ? "ON" : "OFF", fp);
      p = at + 14;
    } else {
      fputc('@', fp);
      p = at + 1;
    }
  }
  int failed = ferror(fp) | (fclose(fp) != 0);
  if (failed) remove(partial);
  UfpCheck(!failed, UFP_ERR_IO, "cannot write %s", partial);
  UfpCheck(rename(partial, path) == 0, UFP_ERR_IO, "cannot rename %s to %s: %s", partial, path,
           strerror(errno));
  return UFP_SUCCESS;
}
