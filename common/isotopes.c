/*
 * isotopes.c -- the table of quadrupolar nuclei and its lookups.
 *
 * What the numbers are for: the quadrupole coupling constant of a nucleus in
 * an electric field gradient V (principal component Vzz) is
 *     C_Q = e Q Vzz / h                                              (Hz)
 * so Q sets the scale (and the sign) of every quadrupolar observable that
 * ufp-nmr computes; I fixes the transition structure (I = 3/2 for 7Li) and
 * gamma the Larmor frequency nu_0 = gamma B0 / (2 pi).
 *
 * Sources (each entry's `source` string repeats the ones it uses):
 *   I, gamma, abundance: R. K. Harris, E. D. Becker, S. M. Cabral de
 *     Menezes, R. Goodfellow, P. Granger, "NMR nomenclature. Nuclear spin
 *     properties and conventions for chemical shifts (IUPAC Recommendations
 *     2001)", Pure Appl. Chem. 73, 1795 (2001), Table 1.
 *   Q: P. Pyykko, "Year-2017 nuclear quadrupole moments", Mol. Phys. 116,
 *     1328 (2018), except for three nuclei where the project keeps the value
 *     used by soprano and MagresView (CCP-NC), so that C_Q agrees with
 *     results processed by those tools:
 *       7Li  -40.1 mb   (soprano/MagresView)
 *       2H    2.86 mb   (soprano/MagresView; Pyykko 2018 gives 2.85783 mb)
 *       17O -25.58 mb   (soprano/MagresView; identical to Pyykko 2018)
 * Values that changed between Pyykko's year-2008 table (used by soprano) and
 * the year-2017 table used here:
 *       33S  -69.4 mb  (2008: -67.8)
 *       35Cl -81.12 mb (2008: -81.65)
 *       37Cl -63.93 mb (2008: -64.35)
 *       39K   60.3 mb  (2008: 58.5)
 * The 2017 values were cross-checked against two independent transcriptions
 * of Pyykko's Table; the others (6Li, 9Be, 10B, 11B, 14N, 23Na, 25Mg, 27Al,
 * 43Ca) are the same in both years and in soprano's table.
 *
 * Name parsing accepts "7Li", "Li7" and "Li-7": the mass number and a
 * case-sensitive element symbol, in either order.
 */
#include "isotopes.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define HARRIS_2001 "I, gamma, abundance: Harris et al., Pure Appl. Chem. 73, 1795 (2001)"
#define PYYKKO_2018 "Q: Pyykko, Mol. Phys. 116, 1328 (2018)"
#define SOPRANO_Q "Q: value used by soprano and MagresView (CCP-NC)"

#define SPIN(twice) (twice), (0.5 * (twice))

/* symbol, element, A, 2I, I, Q (mb), gamma (1e7 rad/s/T), abundance (%), default, source */
static const UfpIsotope isotope_table[] = {
    {"2H", "H", 2, SPIN(2), 2.86, 4.10662791, 0.0115, 1, SOPRANO_Q " (Pyykko 2018: 2.85783); " HARRIS_2001},
    {"6Li", "Li", 6, SPIN(2), -0.808, 3.9371709, 7.59, 0, PYYKKO_2018 "; " HARRIS_2001},
    {"7Li", "Li", 7, SPIN(3), -40.1, 10.3977013, 92.41, 1, SOPRANO_Q "; " HARRIS_2001},
    {"9Be", "Be", 9, SPIN(3), 52.88, -3.759666, 100.0, 1, PYYKKO_2018 "; " HARRIS_2001},
    {"10B", "B", 10, SPIN(6), 84.59, 2.8746786, 19.9, 0, PYYKKO_2018 "; " HARRIS_2001},
    {"11B", "B", 11, SPIN(3), 40.59, 8.5847044, 80.1, 1, PYYKKO_2018 "; " HARRIS_2001},
    {"14N", "N", 14, SPIN(2), 20.44, 1.9337792, 99.632, 1, PYYKKO_2018 "; " HARRIS_2001},
    {"17O", "O", 17, SPIN(5), -25.58, -3.62808, 0.038, 1, SOPRANO_Q " (= Pyykko 2018); " HARRIS_2001},
    {"23Na", "Na", 23, SPIN(3), 104.0, 7.0808493, 100.0, 1, PYYKKO_2018 "; " HARRIS_2001},
    {"25Mg", "Mg", 25, SPIN(5), 199.4, -1.63887, 10.00, 1, PYYKKO_2018 "; " HARRIS_2001},
    {"27Al", "Al", 27, SPIN(5), 146.6, 6.9762715, 100.0, 1, PYYKKO_2018 "; " HARRIS_2001},
    {"33S", "S", 33, SPIN(3), -69.4, 2.055685, 0.76, 1,
     PYYKKO_2018 " (2008 table and soprano: -67.8); " HARRIS_2001},
    {"35Cl", "Cl", 35, SPIN(3), -81.12, 2.624198, 75.78, 1,
     PYYKKO_2018 " (2008 table and soprano: -81.65); " HARRIS_2001},
    {"37Cl", "Cl", 37, SPIN(3), -63.93, 2.184368, 24.22, 0,
     PYYKKO_2018 " (2008 table and soprano: -64.35); " HARRIS_2001},
    {"39K", "K", 39, SPIN(3), 60.3, 1.2500608, 93.2581, 1,
     PYYKKO_2018 " (2008 table and soprano: 58.5); " HARRIS_2001},
    {"43Ca", "Ca", 43, SPIN(7), -40.8, -1.803069, 0.135, 1, PYYKKO_2018 "; " HARRIS_2001},
};

#define NISOTOPES ((int)(sizeof isotope_table / sizeof isotope_table[0]))

int UfpIsotopeCount(void) { return NISOTOPES; }

const UfpIsotope *UfpIsotopeAt(int i) { return (i >= 0 && i < NISOTOPES) ? &isotope_table[i] : NULL; }

/* "2H, 6Li, ..." or "H, Li, ..." (defaults only) into buf, for messages. */
static const char *known_list(char *buf, size_t size, int elements)
{
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < NISOTOPES; i++) {
    if (elements && !isotope_table[i].is_default) continue;
    const char *name = elements ? isotope_table[i].element : isotope_table[i].symbol;
    int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
    if (n < 0 || (size_t)n >= size - used) break;
    used += (size_t)n;
  }
  return buf;
}

/* Split "7Li", "Li7" or "Li-7" into element and mass number; 0 if malformed. */
static int parse_name(const char *name, char element[4], int *mass_number)
{
  const char *p = name;
  int mass = 0, ndigit = 0, nletter = 0;
  char sym[4] = {0};
  if (isdigit((unsigned char)*p)) {
    while (isdigit((unsigned char)*p) && ndigit < 4)
      mass = 10 * mass + (*p++ - '0'), ndigit++;
    if (*p == '-') p++;
    while (isalpha((unsigned char)*p) && nletter < 3)
      sym[nletter++] = *p++;
  } else {
    while (isalpha((unsigned char)*p) && nletter < 3)
      sym[nletter++] = *p++;
    if (*p == '-') p++;
    while (isdigit((unsigned char)*p) && ndigit < 4)
      mass = 10 * mass + (*p++ - '0'), ndigit++;
  }
  if (*p != '\0' || ndigit == 0 || nletter == 0 || nletter > 2) return 0;
  memcpy(element, sym, sizeof sym);
  *mass_number = mass;
  return 1;
}

UfpErrorCode UfpIsotopeFind(const char *name, const UfpIsotope **isotope)
{
  char known[256], element[4];
  int mass_number;
  UfpCheck(name && isotope, UFP_ERR_INTERNAL, "NULL argument");
  *isotope = NULL;
  UfpCheck(parse_name(name, element, &mass_number), UFP_ERR_INPUT,
           "cannot read \"%s\" as an isotope: write it as \"7Li\" or \"Li7\" (known: %s)", name,
           known_list(known, sizeof known, 0));
  for (int i = 0; i < NISOTOPES; i++)
    if (isotope_table[i].mass_number == mass_number && strcmp(isotope_table[i].element, element) == 0) {
      *isotope = &isotope_table[i];
      return UFP_SUCCESS;
    }
  return UfpError(UFP_ERR_INPUT, "unknown isotope \"%s\": the quadrupolar isotopes known are %s", name,
                  known_list(known, sizeof known, 0));
}

UfpErrorCode UfpIsotopeDefault(const char *element, const UfpIsotope **isotope)
{
  char known[256];
  UfpCheck(element && isotope, UFP_ERR_INTERNAL, "NULL argument");
  *isotope = NULL;
  for (int i = 0; i < NISOTOPES; i++)
    if (isotope_table[i].is_default && strcmp(isotope_table[i].element, element) == 0) {
      *isotope = &isotope_table[i];
      return UFP_SUCCESS;
    }
  return UfpError(UFP_ERR_INPUT, "no default quadrupolar isotope for element \"%s\": elements known are %s",
                  element, known_list(known, sizeof known, 1));
}

UfpErrorCode UfpIsotopeResolve(const char *name, const UfpIsotope **isotope)
{
  UfpCheck(name && isotope, UFP_ERR_INTERNAL, "NULL argument");
  int has_digit = 0;
  for (const char *p = name; *p; p++)
    if (isdigit((unsigned char)*p)) has_digit = 1;
  if (has_digit)
    UfpCall(UfpIsotopeFind(name, isotope));
  else
    UfpCall(UfpIsotopeDefault(name, isotope));
  return UFP_SUCCESS;
}
