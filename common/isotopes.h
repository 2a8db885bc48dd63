/*
 * isotopes.h -- quadrupolar nuclei (I >= 1) for EFG work.
 *
 * One table entry per isotope: spin I, nuclear electric quadrupole moment Q,
 * gyromagnetic ratio gamma and natural abundance, with a `source` string that
 * names where each number comes from (see isotopes.c for the full list and
 * for the places where the table departs from a compilation).
 *
 * Units, stated once:
 *   q_mb       millibarn (1 mb = 1e-31 m^2, UFP_MILLIBARN_M2), signed
 *   gamma      1e7 rad s^-1 T^-1 (the unit of Harris et al. 2001), signed
 *   abundance  per cent of the element's atoms
 *
 * Names: "7Li" (mass number first, as in NMR papers), also "Li7" and "Li-7".
 * Element symbols are case-sensitive, as in elements.h ("Li", not "LI").
 * Each element present has one default isotope for EFG work (Li -> 7Li,
 * H -> 2H, O -> 17O, ...): the quadrupolar isotope that is usually observed.
 *
 * Lookups return a pointer into a static, read-only table: never free it.
 */
#ifndef UFP_ISOTOPES_H
#define UFP_ISOTOPES_H

#include "ufp_error.h"

typedef struct {
  const char *symbol;  /* "7Li" */
  const char *element; /* "Li" */
  int mass_number;     /* 7 */
  int twice_spin;      /* 2I, exact (3 for I = 3/2) */
  double spin;         /* I = twice_spin / 2 */
  double q_mb;         /* quadrupole moment Q, millibarn */
  double gamma;        /* gyromagnetic ratio, 1e7 rad s^-1 T^-1 */
  double abundance;    /* natural abundance, % */
  int is_default;      /* 1 for the element's default EFG isotope */
  const char *source;  /* references for Q and for I, gamma, abundance */
} UfpIsotope;

/* Look up an isotope by name ("7Li", "Li7" or "Li-7").  Fails with
 * UFP_ERR_INPUT, naming the known isotopes, when the name cannot be read or
 * is not in the table. */
UfpErrorCode UfpIsotopeFind(const char *name, const UfpIsotope **isotope);
/* The default EFG isotope of an element symbol ("Li" -> 7Li).  Fails with
 * UFP_ERR_INPUT, naming the known elements, for an element without one. */
UfpErrorCode UfpIsotopeDefault(const char *element, const UfpIsotope **isotope);
/* Either of the two: a name containing a digit is an isotope ("7Li"), one
 * without is an element ("Li") and gives its default isotope. */
UfpErrorCode UfpIsotopeResolve(const char *name, const UfpIsotope **isotope);

/* Number of table entries, and entry i (0 <= i < count; NULL outside). */
int UfpIsotopeCount(void);
const UfpIsotope *UfpIsotopeAt(int i);

#endif
