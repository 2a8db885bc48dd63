/*
 * label_files.c -- one entry point for EFG label files (see label_files.h).
 *
 * Detection reads at most the first 2000 lines: CP2K prints its "CP2K|"
 * banner within the first few dozen (after the DBCSR| settings), and the
 * magres header is line 1, so a large extxyz file is not scanned.  The
 * extension ".magres" is trusted without reading; ".out" or ".log" are not,
 * since both are used by many codes.
 *
 * Units of extxyz columns.  The factor to atomic units is
 *   atomic, au          1
 *   1e21V/m2            1e21 / UFP_EFG_AU_V_M2   (= 1 / 9.7173624292)
 *   V/m2                1 / UFP_EFG_AU_V_M2
 * applied in place; the frame's efg_units key is then set to "atomic", so a
 * frame written back out and read again is not converted twice.
 */
#include "label_files.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp2k_reader.h"
#include "extxyz.h"
#include "magres_reader.h"
#include "units.h"

const char *const EfgLabelFormatNames[4] = {"auto", "extxyz", "magres", "cp2k"};
const char *const EfgLabelUnitNames[4] = {"file", "au", "1e21V/m2", "V/m2"};

#define DETECT_LINES 2000

static int has_extension(const char *path, const char *extension)
{
  size_t len = strlen(path), n = strlen(extension);
  if (len <= n) return 0;
  for (size_t k = 0; k < n; k++)
    if (tolower((unsigned char)path[len - n + k]) != tolower((unsigned char)extension[k])) return 0;
  return 1;
}

UfpErrorCode EfgLabelsDetectFormat(const char *path, EfgLabelFormat *format)
{
  char *line = NULL;
  size_t capacity = 0;
  *format = EFG_LABELS_EXTXYZ;
  if (has_extension(path, ".magres")) {
    *format = EFG_LABELS_MAGRES;
    return UFP_SUCCESS;
  }
  FILE *fp = fopen(path, "r");
  UfpCheck(fp, UFP_ERR_IO, "cannot open %s for reading: %s", path, strerror(errno));
  for (long n = 1; n <= DETECT_LINES && getline(&line, &capacity, fp) >= 0; n++) {
    const char *text = line;
    if (n == 1 && !strncmp(text, "#$magres-abinitio", 17)) {
      *format = EFG_LABELS_MAGRES;
      break;
    }
    while (isspace((unsigned char)*text))
      text++;
    if (!strncmp(text, "CP2K|", 5) || !strncmp(text, "ELECTRIC FIELD GRADIENTS", 24)) {
      *format = EFG_LABELS_CP2K;
      break;
    }
  }
  int failed = ferror(fp);
  free(line); /* allocated by getline */
  fclose(fp);
  UfpCheck(!failed, UFP_ERR_IO, "%s: read error", path);
  return UFP_SUCCESS;
}

/* Factor from the frame's efg column unit to atomic units. */
static UfpErrorCode extxyz_factor(const char *path, const UfpStructure *frame, int index, EfgLabelUnits units,
                                  double *factor)
{
  if (units == EFG_UNITS_FILE) {
    const UfpInfoValue *key = UfpStructureFindInfo(frame, "efg_units");
    units = EFG_UNITS_AU;
    if (key && key->type == 'S') {
      if (!strcmp(key->string, "atomic") || !strcmp(key->string, "au"))
        units = EFG_UNITS_AU;
      else if (!strcmp(key->string, "1e21V/m2") || !strcmp(key->string, "1e21 V/m^2"))
        units = EFG_UNITS_CP2K;
      else if (!strcmp(key->string, "V/m2") || !strcmp(key->string, "V/m^2"))
        units = EFG_UNITS_SI;
      else
        return UfpError(UFP_ERR_INPUT,
                        "%s (frame %d): unknown efg_units \"%s\": expected atomic, 1e21V/m2 or V/m2 "
                        "(or give -efg_units)",
                        path, index, key->string);
    }
  }
  *factor = units == EFG_UNITS_AU     ? 1.0
            : units == EFG_UNITS_CP2K ? 1e21 / UFP_EFG_AU_V_M2
                                      : 1.0 / UFP_EFG_AU_V_M2;
  return UFP_SUCCESS;
}

static UfpErrorCode read_extxyz(const char *path, EfgLabelUnits units, int *nframes, UfpStructure ***frames)
{
  UfpCall(UfpExtxyzReadAll(path, nframes, frames));
  for (int f = 0; f < *nframes; f++) {
    UfpStructure *frame = (*frames)[f];
    UfpAtomColumn *efg = UfpStructureFindColumn(frame, "efg");
    double factor = 1.0;
    UfpCheck(efg && efg->type == 'R' && efg->ncols == 9, UFP_ERR_INPUT,
             "%s (frame %d): no per-atom efg:R:9 column (Properties must include efg:R:9)", path, f);
    UfpCall(extxyz_factor(path, frame, f, units, &factor));
    if (factor != 1.0)
      for (long k = 0; k < 9L * frame->natoms; k++)
        efg->real[k] *= factor;
    UfpCall(UfpStructureSetInfoString(frame, "efg_units", "atomic"));
  }
  return UFP_SUCCESS;
}

/* Frames of one format; on failure *frames holds what was made so far. */
static UfpErrorCode read_format(const char *path, EfgLabelFormat format, EfgLabelUnits units, int *nframes,
                                UfpStructure ***frames)
{
  if (format == EFG_LABELS_EXTXYZ) return read_extxyz(path, units, nframes, frames);
  UfpCheck(units == EFG_UNITS_FILE, UFP_ERR_USAGE,
           "%s is a %s file, whose EFG unit is fixed: the efg unit can only be forced for extxyz input", path,
           EfgLabelFormatNames[format]);
  UfpCall(UfpCalloc(1, frames));
  *nframes = 1;
  if (format == EFG_LABELS_MAGRES)
    UfpCall(EfgMagresRead(path, &(*frames)[0]));
  else
    UfpCall(EfgCp2kRead(path, NULL, &(*frames)[0]));
  return UFP_SUCCESS;
}

UfpErrorCode EfgLabelsReadUnits(const char *path, EfgLabelFormat format, EfgLabelUnits units, int *nframes,
                                UfpStructure ***frames)
{
  UfpErrorCode ierr;
  *nframes = 0;
  *frames = NULL;
  UfpCheck(format >= EFG_LABELS_AUTO && format <= EFG_LABELS_CP2K, UFP_ERR_INTERNAL,
           "unknown label format %d", (int)format);
  UfpCheck(units >= EFG_UNITS_FILE && units <= EFG_UNITS_SI, UFP_ERR_INTERNAL, "unknown EFG unit %d",
           (int)units);
  if (format == EFG_LABELS_AUTO) UfpCall(EfgLabelsDetectFormat(path, &format));
  ierr = read_format(path, format, units, nframes, frames);
  if (ierr) {
    UfpStructureArrayDestroy(*nframes, frames);
    *nframes = 0;
    return UfpErrorTrace(ierr, __FILE__, __LINE__, __func__);
  }
  return UFP_SUCCESS;
}

UfpErrorCode EfgLabelsRead(const char *path, EfgLabelFormat format, int *nframes, UfpStructure ***frames)
{
  UfpCall(EfgLabelsReadUnits(path, format, EFG_UNITS_FILE, nframes, frames));
  return UFP_SUCCESS;
}
