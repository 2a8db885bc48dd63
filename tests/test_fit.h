/*
 * test_fit.h -- fixtures for the train-ufp tests: random structures, labels
 * from a known potential, and a small three-element fit basis.
 */
#ifndef UFP_TEST_FIT_H
#define UFP_TEST_FIT_H

#include "structure.h"
#include "uf3_fit_basis.h"
#include "uf3_potential.h"

/* A random triclinic cell of natoms atoms (elements cycled through nel
 * labels, shuffled by the seed) at the given density (atoms/Å^3), with every
 * pair over all images at least rmin apart. */
UfpStructure *ufp_test_random_structure(int natoms, int nel, const char *const *elements, double density,
                                        double rmin, unsigned seed);
/* Label s with pot: info "energy", "virial" (eV) and column "forces". */
void ufp_test_label(const Uf3Potential *pot, UfpStructure *s);
/* A fit basis spec for Li, P, S (degree 2 or 3) with uniform settings;
 * released with ufp_test_fit_spec_free. */
Uf3FitBasisSpec *ufp_test_fit_spec(int degree, double r_min, double r_max2, int res2, double r_max3, int res3,
                                   int res3_jk);
void ufp_test_fit_spec_free(Uf3FitBasisSpec *spec);

#endif
