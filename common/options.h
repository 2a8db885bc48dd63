/*
 * options.h -- program start-up and the PETSc options database.
 *
 * Every executable reads its settings from PETSc's options database, so the
 * command line, -options_file FILE and the PETSC_OPTIONS environment variable
 * all work, and -help (or --help) lists every option with its current
 * default and unit:
 *
 *     -md_timestep <now 0.001 : formerly 0.001>: time step [ps] (MDSetTimestep)
 *
 * Start-up order: UfpInitialize starts MPI itself (MPI_Init_thread, so the
 * program owns MPI) and then PETSc on top; UfpFinalize ends PETSc, then MPI.
 *
 * Options are read in blocks, PETSc-style, with the ufp error convention:
 *
 *     UfpOptions o;
 *     UfpCall(UfpOptionsBegin(comm, NULL, "Molecular dynamics", &o));
 *     UfpCall(UfpOptionsReal(o, "-md_timestep", "time step", "ps", "MDSetTimestep", &dt));
 *     UfpCall(UfpOptionsEnd(&o));
 *
 * The value passed in is the default and is overwritten when the option is
 * set.  Option names mirror the setter they feed (style rule 9).
 */
#ifndef UFP_OPTIONS_H
#define UFP_OPTIONS_H

#include <mpi.h>
#include <stddef.h>

#include "ufp_error.h"

/* Start MPI then PETSc.  "--help" and "--version" are accepted as aliases of
 * -help and -version.  help is printed at the top of -help output. */
UfpErrorCode UfpInitialize(int *argc, char ***argv, const char *help);
/* Ends PETSc, and MPI too when UfpInitialize started it. */
UfpErrorCode UfpFinalize(void);

/* 1 if -help was given: print option lists, then exit 0 without working. */
int UfpHelpRequested(void);
/* 1 if -version was given. */
int UfpVersionRequested(void);

/* All options as one string (for provenance).  Caller frees with UfpFree. */
UfpErrorCode UfpOptionsGetAll(char **text);

typedef struct UfpOptions_ *UfpOptions;

UfpErrorCode UfpOptionsBegin(MPI_Comm comm, const char *prefix, const char *title, UfpOptions *o);
UfpErrorCode UfpOptionsEnd(UfpOptions *o);

/* set (may be NULL) tells whether the user gave the option. */
UfpErrorCode UfpOptionsReal(UfpOptions o, const char *name, const char *text, const char *unit,
                            const char *setter, double *value);
UfpErrorCode UfpOptionsInt(UfpOptions o, const char *name, const char *text, const char *unit,
                           const char *setter, long *value);
UfpErrorCode UfpOptionsBool(UfpOptions o, const char *name, const char *text, const char *setter, int *value);
UfpErrorCode UfpOptionsString(UfpOptions o, const char *name, const char *text, const char *setter,
                              char *value, size_t capacity, int *set);
/* Up to *n reals ("-opt 1,2,3"); on return *n is the number given. */
UfpErrorCode UfpOptionsRealArray(UfpOptions o, const char *name, const char *text, const char *unit,
                                 const char *setter, double *values, int *n, int *set);
/* One of a list of names; *value is the index. */
UfpErrorCode UfpOptionsChoice(UfpOptions o, const char *name, const char *text, const char *setter,
                              const char *const *choices, int nchoices, int *value);

/* Split a comma-separated list in place (empty items are skipped); items[]
 * point into text; returns the count, at most max. */
int UfpSplitList(char *text, char **items, int max);

#endif
