/*
 * elements.h -- chemical elements: symbol, atomic number, standard atomic mass.
 *
 * Masses in amu (conventional standard atomic weights, IUPAC 2013/CIAAW,
 * abridged to the values used by ASE and LAMMPS).  Covers H..Bi.
 */
#ifndef UFP_ELEMENTS_H
#define UFP_ELEMENTS_H

/* Atomic number of a symbol ("Li" -> 3), case-sensitive as in ASE; 0 if none. */
int UfpElementNumber(const char *symbol);
/* Symbol of atomic number z, or NULL when out of the table. */
const char *UfpElementSymbol(int z);
/* Standard atomic mass in amu, or 0 when out of the table. */
double UfpElementMass(int z);

#endif
