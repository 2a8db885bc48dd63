/*
 * options.c -- start-up and the options database (see options.h).
 *
 * A thin layer over PETSc's PetscOptionsBegin/End machinery that keeps the
 * ufp error convention (UfpErrorCode, not PetscErrorCode) in callers.  PETSc
 * errors from option parsing (a malformed number, an unknown choice) become
 * usage errors; anything else from PETSc is an internal error.
 */
#include "options.h"

#include "petsc_call.h"

#include <petscsys.h>
#include <stdio.h>
#include <string.h>

struct UfpOptions_ {
  PetscOptionItems items;
};

/* Read an option with PETSc's error printing switched off, and turn a failure
 * into a usage error that names the option, the value given and what was
 * expected. */
#define UfpCallOption(expr, name, expected)                                                                  \
  do {                                                                                                       \
    PetscPushErrorHandler(PetscReturnErrorHandler, NULL);                                                    \
    PetscErrorCode ufp_perr_ = (expr);                                                                       \
    PetscPopErrorHandler();                                                                                  \
    if (ufp_perr_) return option_error((name), (expected));                                                  \
  } while (0)

static UfpErrorCode option_error(const char *name, const char *expected)
{
  char given[256] = "";
  PetscBool set = PETSC_FALSE;
  PetscOptionsGetString(NULL, NULL, name, given, sizeof given, &set);
  return UfpError(UFP_ERR_USAGE, "invalid value \"%s\" for option %s: expected %s", given, name, expected);
}

static int help_requested, version_requested, mpi_started_here;

UfpErrorCode UfpInitialize(int *argc, char ***argv, const char *help)
{
  int provided = 0, initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    UfpCallMPI(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided));
    mpi_started_here = 1;
  }
  for (int i = 1; i < *argc; i++) {
    if (!strcmp((*argv)[i], "--help") || !strcmp((*argv)[i], "-h")) (*argv)[i] = "-help";
    if (!strcmp((*argv)[i], "--version")) (*argv)[i] = "-version";
  }
  UfpCallPetsc(PetscInitialize(argc, argv, NULL, help));
  PetscBool flag = PETSC_FALSE;
  UfpCallPetsc(PetscOptionsHasHelp(NULL, &flag));
  help_requested = flag == PETSC_TRUE;
  flag = PETSC_FALSE;
  UfpCallPetsc(PetscOptionsHasName(NULL, NULL, "-version", &flag));
  version_requested = flag == PETSC_TRUE;
  return UFP_SUCCESS;
}

UfpErrorCode UfpFinalize(void)
{
  UfpCallPetsc(PetscFinalize());
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (mpi_started_here && !finalized) UfpCallMPI(MPI_Finalize());
  return UFP_SUCCESS;
}

int UfpHelpRequested(void) { return help_requested; }
int UfpVersionRequested(void) { return version_requested; }

UfpErrorCode UfpOptionsGetAll(char **text)
{
  char *all = NULL;
  UfpCallPetsc(PetscOptionsGetAll(NULL, &all));
  size_t n = strlen(all) + 1;
  UfpCall(UfpCalloc(n, text));
  memcpy(*text, all, n);
  UfpCallPetsc(PetscFree(all));
  return UFP_SUCCESS;
}

UfpErrorCode UfpOptionsBegin(MPI_Comm comm, const char *prefix, const char *title, UfpOptions *o)
{
  UfpCall(UfpCalloc(1, o));
  (*o)->items.count = 1;
  UfpCallPetsc(PetscOptionsBegin_Private(&(*o)->items, comm, prefix, title, "ufp-nmr"));
  return UFP_SUCCESS;
}

UfpErrorCode UfpOptionsEnd(UfpOptions *o)
{
  if (!o || !*o) return UFP_SUCCESS;
  UfpCallPetsc(PetscOptionsEnd_Private(&(*o)->items));
  UfpFree(o);
  return UFP_SUCCESS;
}

/* "text [unit]" for the help line. */
static void with_unit(char *buffer, size_t capacity, const char *text, const char *unit)
{
  if (unit && unit[0])
    snprintf(buffer, capacity, "%s [%s]", text, unit);
  else
    snprintf(buffer, capacity, "%s", text);
}

UfpErrorCode UfpOptionsReal(UfpOptions o, const char *name, const char *text, const char *unit,
                            const char *setter, double *value)
{
  char line[512];
  PetscReal v = (PetscReal)*value;
  with_unit(line, sizeof line, text, unit);
  UfpCallOption(PetscOptionsReal_Private(&o->items, name, line, setter, v, &v, NULL), name, "a real number");
  *value = (double)v;
  return UFP_SUCCESS;
}

UfpErrorCode UfpOptionsInt(UfpOptions o, const char *name, const char *text, const char *unit,
                           const char *setter, long *value)
{
  char line[512];
  PetscInt v = (PetscInt)*value;
  with_unit(line, sizeof line, text, unit);
  UfpCallOption(
      PetscOptionsInt_Private(&o->items, name, line, setter, v, &v, NULL, PETSC_MIN_INT, PETSC_MAX_INT), name,
      "an integer");
  *value = (long)v;
  return UFP_SUCCESS;
}

UfpErrorCode UfpOptionsBool(UfpOptions o, const char *name, const char *text, const char *setter, int *value)
{
  PetscBool v = *value ? PETSC_TRUE : PETSC_FALSE;
  UfpCallOption(PetscOptionsBool_Private(&o->items, name, text, setter, v, &v, NULL), name,
                "true/false, yes/no or 1/0");
  *value = v == PETSC_TRUE;
  return UFP_SUCCESS;
}

UfpErrorCode UfpOptionsString(UfpOptions o, const char *name, const char *text, const char *setter,
                              char *value, size_t capacity, int *set)
{
  PetscBool flag = PETSC_FALSE;
  char current[4096];
  snprintf(current, sizeof current, "%s", value);
  UfpCallOption(PetscOptionsString_Private(&o->items, name, text, setter, current, value, capacity, &flag),
                name, "a string");
  if (set) *set = flag == PETSC_TRUE;
  return UFP_SUCCESS;
}

UfpErrorCode UfpOptionsRealArray(UfpOptions o, const char *name, const char *text, const char *unit,
                                 const char *setter, double *values, int *n, int *set)
{
  char line[512];
  PetscReal buffer[64];
  PetscInt count = *n;
  PetscBool flag = PETSC_FALSE;
  UfpCheck(*n <= 64, UFP_ERR_INTERNAL, "at most 64 values per option");
  for (int i = 0; i < *n; i++)
    buffer[i] = (PetscReal)values[i];
  with_unit(line, sizeof line, text, unit);
  UfpCallOption(PetscOptionsRealArray_Private(&o->items, name, line, setter, buffer, &count, &flag), name,
                "comma-separated real numbers");
  if (flag == PETSC_TRUE) {
    for (PetscInt i = 0; i < count; i++)
      values[i] = (double)buffer[i];
    *n = (int)count;
  }
  if (set) *set = flag == PETSC_TRUE;
  return UFP_SUCCESS;
}

UfpErrorCode UfpOptionsChoice(UfpOptions o, const char *name, const char *text, const char *setter,
                              const char *const *choices, int nchoices, int *value)
{
  PetscInt v = *value;
  UfpCheck(*value >= 0 && *value < nchoices, UFP_ERR_INTERNAL, "default choice out of range");
  char expected[512] = "one of:";
  for (int i = 0; i < nchoices; i++) {
    size_t used = strlen(expected);
    snprintf(expected + used, sizeof expected - used, " %s", choices[i]);
  }
  UfpCallOption(
      PetscOptionsEList_Private(&o->items, name, text, setter, choices, nchoices, choices[*value], &v, NULL),
      name, expected);
  *value = (int)v;
  return UFP_SUCCESS;
}

int UfpSplitList(char *text, char **items, int max)
{
  int n = 0;
  char *save = NULL;
  for (char *tok = strtok_r(text, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save))
    items[n++] = tok;
  return n;
}
