/*
 * ewald_efg.h -- the classical point-charge EFG baseline: the electric field
 * gradient at a nucleus from the formal (or given) charges of all other atoms
 * of a periodic, possibly triclinic, cell, summed by Ewald's method.
 *
 * Definition and sign convention.  With phi(r) = sum_j q_j / |r - r_j - L|,
 * the sum over all atoms j and lattice vectors L except the nucleus itself
 * (j = i, L = 0), the EFG at nucleus i is the Hessian of the potential,
 *     V_ab(i) = d^2 phi / dx_a dx_b  at r_i        (times e / (4 pi eps0)),
 * NOT its negative.  One charge q at displacement d = r_i - r_j gives
 *     V_ab = q (3 d_a d_b - d^2 delta_ab) / d^5,
 * so a positive charge on the +z axis gives V_zz = +2q/d^3 > 0 at the origin,
 * and an electron there gives V_zz < 0: the convention of Cohen and Reif
 * (Solid State Phys. 5, 321 (1957)) and of the EFG labels (CP2K, magres).
 *
 * Units.  Inputs in internal units (Å, charges in e).  Results in atomic
 * units, Eh/(e a0^2) = 9.7173624292e21 V/m^2 (UFP_EFG_AU_V_M2), like the EFG
 * labels: internally V is accumulated in e/Å^3 and multiplied by
 * e/(4 pi eps0) = 14.3996 V Å (giving V/Å^2, 1 V/Å^2 = 1e20 V/m^2) and
 * divided by the atomic unit; the product is a0^3/Å^3 = 0.148185.
 *
 * Charges (EwaldEfgSetUp, per species label): the value given with
 * EwaldEfgSettingsSetCharge if any, else the formal charge of a small table
 * (EwaldEfgFormalCharge: Li +1, P +5, S -2, O -2, ...); an unknown label is a
 * bad-input error.  EwaldEfgSetUpCharges takes one charge per atom instead.
 *
 * Sternheimer antishielding: the nucleus sees V = (1 - gamma_inf) V_lattice,
 * where V_lattice is the point-charge tensor above and gamma_inf is the
 * antishielding factor of the ion that carries the nucleus (R. M.
 * Sternheimer's core-polarisation correction; gamma_inf < 0 for closed-shell
 * cations like Li+, so the factor exceeds 1).  gamma_inf defaults to 0 for
 * every species (no correction): no value is built in, set it per species
 * with EwaldEfgSettingsSetSternheimer from the literature value you use.
 *
 * Non-neutral cells.  The Ewald sum without its k = 0 term is the potential
 * of the charges plus a uniform neutralising background -Q/V.  The background
 * is isotropic, so its EFG is a multiple of the identity: (4 pi Q / (3 V)) 1,
 * the trace 4 pi Q/V that Poisson's equation requires.  It is subtracted, so
 * the result is the traceless point-charge tensor (the limit of spherical
 * direct sums); the quadrupole coupling sees only the traceless part anyway.
 *
 * Trace check.  The charges other than i obey Laplace's equation at r_i, so
 * every returned tensor must be traceless.  EwaldEfgCompute fails (internal
 * error) when |tr V| > tau (|V|_F + E0) for any site, with E0 the field
 * gradient scale q_rms N / V (the EFG of an rms charge at the mean
 * interatomic spacing) and tau the trace tolerance (default 100 x accuracy).
 * The Ewald pieces are individually far from traceless (the real-space and
 * reciprocal traces are +-4 pi times the Gaussian charge density at r_i), so
 * the check tests their cancellation and the self and background terms.
 *
 * Accuracy rule, split parameter and cutoffs (ewald_efg.c derives them): for
 * a requested accuracy eps (relative to E0), the real-space cutoff is
 * r_c = s / alpha and the reciprocal cutoff k_c = 2 alpha s, where s solves
 *     4 sqrt(s alpha^3 / rho) exp(-s^2) = eps / 20     (rho = N / V),
 * the rms truncation error of either sum with a safety factor 20 (the
 * largest error over sites and components exceeds the rms), and alpha
 * balances the cost of the two sums: alpha = (400 N / V^2)^(1/6).  An explicit
 * alpha in the settings overrides the balance but not the rule for s.
 *
 * Lifecycle (plan once, execute many times):
 *     EwaldEfgSettingsDefault(&settings);  (optionally set charges, gamma_inf)
 *     EwaldEfgCreate(&settings, &efg);
 *     EwaldEfgSetUp(efg, lattice, natoms, species);   plan: charges, alpha,
 *         cutoffs, k-vectors and their Gaussian weights; again when the
 *         lattice changes
 *     EwaldEfgCompute(efg, x, nsites, sites, v);      per frame: structure
 *         factors once, then real-space and reciprocal sums per site
 *     EwaldEfgView(efg, stdout);  EwaldEfgDestroy(&efg);
 * The object is serial; distribute frames or sites over ranks outside it.
 */
#ifndef UFP_EWALD_EFG_H
#define UFP_EWALD_EFG_H

#include <stdio.h>

#include "structure.h"
#include "ufp_error.h"

#define EWALD_EFG_MAX_SPECIES 16

typedef struct {
  char label[UFP_LABEL_MAX]; /* species label as in the structure ("Li") */
  int has_charge;            /* 1: charge below replaces the formal charge */
  double charge;             /* e */
  double gamma_inf;          /* Sternheimer antishielding factor (0: none) */
} EwaldEfgSpecies;

typedef struct {
  double accuracy;        /* eps, relative to E0 = q_rms N / V; default 1e-10 */
  double alpha;           /* Ewald split parameter, 1/Å; <= 0: cost-balanced (default) */
  double trace_tolerance; /* tau of the trace check; <= 0: 100 x accuracy (default) */
  int nspecies;           /* per-species overrides */
  EwaldEfgSpecies species[EWALD_EFG_MAX_SPECIES];
} EwaldEfgSettings;

/* The plan's parameters and the last EwaldEfgCompute's diagnostics. */
typedef struct {
  int natoms;
  double volume;         /* Å^3 */
  double total_charge;   /* Q, e */
  double alpha;          /* 1/Å */
  double s;              /* the accuracy rule's s = alpha r_c = k_c / (2 alpha) */
  double rcut;           /* real-space cutoff, Å */
  double kcut;           /* reciprocal cutoff, 1/Å */
  int nkvec;             /* k-vectors kept (half space: k and -k counted once) */
  double escale;         /* E0 = q_rms N / V in a.u. */
  double background;     /* the isotropic background term 4 pi Q / (3 V) removed, a.u. */
  double trace_residual; /* max over the last call's sites of |tr V| / (|V|_F + E0) */
  double real_pairs;     /* mean number of real-space terms per site in the last call */
} EwaldEfgInfo;

typedef struct EwaldEfg_ *EwaldEfg;

/* accuracy 1e-10, alpha and trace tolerance automatic, no overrides. */
void EwaldEfgSettingsDefault(EwaldEfgSettings *settings);
/* Charge (e) of every atom with this label, replacing the formal charge. */
UfpErrorCode EwaldEfgSettingsSetCharge(EwaldEfgSettings *settings, const char *label, double charge);
/* Sternheimer gamma_inf of every atom with this label: V = (1 - gamma_inf) V_lattice. */
UfpErrorCode EwaldEfgSettingsSetSternheimer(EwaldEfgSettings *settings, const char *label, double gamma_inf);

/* Formal oxidation-state charge of an element symbol (Li +1, Na +1, Mg +2,
 * Al +3, Si +4, Ge +4, P +5, O -2, S -2, Se -2, F -1, Cl -1, ...; not H,
 * whose sign depends on the compound); bad input for a symbol outside the
 * table. */
UfpErrorCode EwaldEfgFormalCharge(const char *symbol, double *charge);

/* Copy and check the settings (accuracy in (0, 1e-2], finite values). */
UfpErrorCode EwaldEfgCreate(const EwaldEfgSettings *settings, EwaldEfg *efg);
/* Destroy; accepts NULL and *efg == NULL, sets *efg = NULL. */
UfpErrorCode EwaldEfgDestroy(EwaldEfg *efg);

/* Plan for a periodic lattice (rows = lattice vectors, Å) and natoms atoms
 * with the given species labels (charges and gamma_inf from the settings and
 * the formal-charge table). */
UfpErrorCode EwaldEfgSetUp(EwaldEfg efg, const double lattice[3][3], int natoms,
                           const char (*species)[UFP_LABEL_MAX]);
/* The same with one charge (e) per atom and, if gamma_inf is not NULL, one
 * Sternheimer factor per atom (NULL: none). */
UfpErrorCode EwaldEfgSetUpCharges(EwaldEfg efg, const double lattice[3][3], int natoms, const double *charge,
                                  const double *gamma_inf);

/* EFG tensors v[s] at atoms sites[s] (s < nsites; sites NULL: atoms
 * 0..nsites-1) for positions x (natoms rows, Å, any image), in atomic units,
 * Sternheimer factor included, background removed, trace checked.  Fails
 * (bad input) when two atoms coincide (closer than 1e-6 Å) or a position is
 * not finite, (internal error) when a tensor is not traceless. */
UfpErrorCode EwaldEfgCompute(EwaldEfg efg, const double (*x)[3], int nsites, const int *sites,
                             double (*v)[3][3]);

/* Parameters of the plan and diagnostics of the last EwaldEfgCompute. */
UfpErrorCode EwaldEfgGetInfo(const EwaldEfg efg, EwaldEfgInfo *info);
/* A few lines describing the plan. */
UfpErrorCode EwaldEfgView(const EwaldEfg efg, FILE *fp);

#endif
