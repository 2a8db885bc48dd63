/*
 * ewald_efg.c -- point-charge electric field gradients in a periodic cell by
 * Ewald summation (conventions, units and the API in ewald_efg.h).
 *
 * 1. Split.  1/r = erfc(alpha r)/r + erf(alpha r)/r.  The first part is short
 *    ranged and summed in real space; the second is the potential of
 *    Gaussian charges of width 1/(sqrt2 alpha), smooth, and summed in
 *    reciprocal space.
 *
 * 2. Real space.  With f(r) = erfc(alpha r)/r and d = r_i - r_j - L,
 *        d_a d_b f(|d|) = C(r) d_a d_b - B(r) delta_ab,
 *        B = [erfc(x) + (2/sqrt pi) x e^-x^2] / r^3,
 *        C = [3 erfc(x) + (2/sqrt pi) x (3 + 2 x^2) e^-x^2] / r^5,  x = alpha r,
 *    (B = -f'/r, C = (f'' + B)/r^2; alpha -> 0 gives the bare
 *    (3 d_a d_b - r^2 delta_ab)/r^5).  Summed over every atom j and lattice
 *    shift with |d| < r_c, except j = i at L = 0.
 *
 * 3. Reciprocal space.  The Gaussian part of the lattice potential is
 *        phi_rec(r) = (4 pi / V) sum_{k != 0} exp(-k^2/(4 alpha^2)) / k^2
 *                     sum_j q_j cos(k.(r - r_j)),
 *    (Poisson's equation for Gaussians, k = 2 pi m h^-T, k = 0 left out),
 *    and d_a d_b cos(k.u) = -k_a k_b cos(k.u), so
 *        V_ab^rec(r_i) = -(4 pi / V) sum_{k != 0} (k_a k_b / k^2)
 *                        exp(-k^2/(4 alpha^2)) Re[e^{i k.r_i} S(k)^*],
 *        S(k) = sum_j q_j e^{i k.r_j}.
 *    k and -k contribute equally: only the half space (m0 > 0, or m0 = 0 and
 *    m1 > 0, or m0 = m1 = 0 and m2 > 0) is stored, with weight 2.  The
 *    structure factors are built once per frame from per-axis phase tables
 *    e^{2 pi i m s_a}, m = -mmax_a..mmax_a (s = fractional coordinates,
 *    k.r = 2 pi m.s), and the k-vectors are stored in runs of consecutive
 *    m2 at fixed (m0, m1), so e^{i k.r} costs one complex product per k and
 *    no trigonometric call, in contiguous inner loops.
 *
 * 4. Self term.  S(k) includes atom i's own Gaussian; its potential is
 *    q_i erf(alpha r)/r = q_i (2 alpha/sqrt pi)(1 - alpha^2 r^2/3 + ...), with
 *    Hessian -(4 alpha^3 / (3 sqrt pi)) q_i delta_ab at r = 0.  It is
 *    subtracted: V += (4 alpha^3 / (3 sqrt pi)) q_i 1.
 *
 * 5. Background.  Leaving out k = 0 adds a uniform background -Q/V; the sum
 *    of 2-4 then has trace 4 pi Q / V (the real-space and reciprocal traces,
 *    +-4 pi times the Gaussian densities at r_i, cancel with the self term up
 *    to truncation).  The isotropic (4 pi Q / (3 V)) 1 is removed.  A
 *    spherical direct sum of point charges has the same limit: the far
 *    charge of a non-neutral sphere acts on its centre isotropically.
 *
 * 6. Accuracy rule.  Far terms of either sum have the magnitude of
 *    q 4 alpha^3 e^{-s^2} / sqrt pi (real, x = s) and
 *    (8 pi / V) e^{-s^2} |S(k)| with |S| ~ q_rms sqrt(N) (reciprocal, k = 2
 *    alpha s).  Adding them with random signs beyond the cutoffs (sums as
 *    integrals, to leading order in 1/s) gives, for both,
 *        rms error / E0 ~ 4 sqrt(s alpha^3 / rho) exp(-s^2),
 *    with E0 = q_rms rho, rho = N/V.  s is set by
 *        4 sqrt(s alpha^3 / rho) exp(-s^2) = eps / EWALD_SAFETY
 *    (fixed-point iteration on s^2 = ln(4 EWALD_SAFETY / eps) +
 *    ln(s alpha^3/rho)/2), r_c = s/alpha and k_c = 2 alpha s.  The test suite
 *    checks the achieved error against a tight reference for several eps.
 *
 * 7. Choice of alpha.  For M sites the work is M rho (4 pi/3) r_c^3 c_r
 *    (real-space terms) plus (N + M) N_k c_k (structure factors and site
 *    sums) with N_k = (2/(3 pi^2)) s^3 alpha^3 V k-vectors in the half space.
 *    The minimum is at alpha^6 = 2 pi^3 (c_r/c_k) M N / ((N + M) V^2), i.e.
 *    alpha = (EWALD_COST_BALANCE N / V^2)^(1/6) for a fixed fraction of
 *    sites.  The constant was measured by timing every Li site (M = 3N/8) of
 *    32-, 384- and 1152-atom Li3PS4 cells over alpha: the optimum sits within
 *    10% of this alpha, and +-20% costs at most 15% more.  Any alpha gives the
 *    same result (to eps): it only moves work between the two sums.
 *
 * 8. Trade-offs.  O(N^{3/2}) per frame with this alpha; no FFT (PME/P3M
 *    would pay off only for thousands of atoms, and their interpolation
 *    error would blur the 1e-10 target).  Real-space images come from the
 *    fractional extent of the cutoff sphere (|s_a + n_a| <= r_c / w_a, w_a
 *    the plane spacings), exact for any triclinic cell.
 *
 * References: P. P. Ewald, Ann. Phys. 369, 253 (1921); the derivative
 * forms follow from the standard Ewald potential, e.g. Allen and Tildesley,
 * Computer Simulation of Liquids (2nd ed., 2017), sec. 6.2; error estimates
 * in the spirit of J. Kolafa and J. W. Perram, Mol. Simul. 9, 351 (1992).
 */
#include "ewald_efg.h"

#include <math.h>
#include <string.h>

#include "cell.h"
#include "units.h"

/* Safety factor of the accuracy rule (section 6). */
#define EWALD_SAFETY 20.0
/* alpha^6 = EWALD_COST_BALANCE N / V^2 (section 7, measured). */
#define EWALD_COST_BALANCE 400.0
/* Atoms closer than this (Å) are an input error. */
#define EWALD_MIN_DISTANCE 1.0e-6

/* e/Å^3 -> atomic units of EFG: e/(4 pi eps0) in V Å, 1 V/Å^2 = 1e20 V/m^2. */
#define EWALD_AU_PER_E_A3 (UFP_COULOMB_EV_A * UFP_EFG_V_A2_V_M2 / UFP_EFG_AU_V_M2)

#define SQRT_PI 1.77245385090551602730

/* A run of k-vectors with the same (m0, m1) and consecutive m2. */
typedef struct {
  int m0, m1, m2lo, m2hi, first;
} KRun;

struct EwaldEfg_ {
  EwaldEfgSettings settings;
  int setup;
  int natoms;
  UfpCell cell;
  double *charge;     /* natoms, e */
  double *antishield; /* natoms, 1 - gamma_inf */
  double qtotal;      /* e */
  double escale;      /* E0, e/Å^3 */
  double alpha, s, rcut, kcut;
  int mmax[3];
  int nk, nrun;
  KRun *run;
  double *kk[6];             /* per k: g_k k_a k_b for ab = xx, yy, zz, xy, xz, yz, 1/Å^3 */
  double *sre, *sim;         /* structure factors, e */
  double (*frac)[3];         /* fractional coordinates of the current frame */
  double *pcos[3], *psin[3]; /* per axis a: natoms x (2 mmax_a + 1) values of
                                cos, sin (2 pi m s_a), m = -mmax_a..mmax_a */
  double trace_residual, real_pairs;
};

static const struct {
  const char *symbol;
  double charge;
} formal_charges[] = {
    {"Li", 1},  {"Na", 1},  {"K", 1},  {"Rb", 1},  {"Cs", 1},  {"Ag", 1}, {"Be", 2}, {"Mg", 2},
    {"Ca", 2},  {"Sr", 2},  {"Ba", 2}, {"Zn", 2},  {"B", 3},   {"Al", 3}, {"Ga", 3}, {"In", 3},
    {"Sc", 3},  {"Y", 3},   {"La", 3}, {"Si", 4},  {"Ge", 4},  {"Sn", 4}, {"Ti", 4}, {"Zr", 4},
    {"Hf", 4},  {"P", 5},   {"As", 5}, {"Nb", 5},  {"Ta", 5},  {"N", -3}, {"O", -2}, {"S", -2},
    {"Se", -2}, {"Te", -2}, {"F", -1}, {"Cl", -1}, {"Br", -1}, {"I", -1},
};

void EwaldEfgSettingsDefault(EwaldEfgSettings *settings)
{
  memset(settings, 0, sizeof *settings);
  settings->accuracy = 1.0e-10;
}

static UfpErrorCode species_entry(EwaldEfgSettings *settings, const char *label, EwaldEfgSpecies **entry)
{
  UfpCheck(label && label[0] && strlen(label) < UFP_LABEL_MAX, UFP_ERR_USAGE,
           "species label is empty or longer than %d characters", UFP_LABEL_MAX - 1);
  for (int k = 0; k < settings->nspecies; k++)
    if (strcmp(settings->species[k].label, label) == 0) {
      *entry = &settings->species[k];
      return UFP_SUCCESS;
    }
  UfpCheck(settings->nspecies < EWALD_EFG_MAX_SPECIES, UFP_ERR_USAGE,
           "more than %d species with charges or Sternheimer factors", EWALD_EFG_MAX_SPECIES);
  *entry = &settings->species[settings->nspecies++];
  memset(*entry, 0, sizeof **entry);
  strcpy((*entry)->label, label);
  return UFP_SUCCESS;
}

UfpErrorCode EwaldEfgSettingsSetCharge(EwaldEfgSettings *settings, const char *label, double charge)
{
  EwaldEfgSpecies *entry = NULL;
  UfpCheck(isfinite(charge), UFP_ERR_USAGE, "charge of %s is not finite", label ? label : "(null)");
  UfpCall(species_entry(settings, label, &entry));
  entry->has_charge = 1;
  entry->charge = charge;
  return UFP_SUCCESS;
}

UfpErrorCode EwaldEfgSettingsSetSternheimer(EwaldEfgSettings *settings, const char *label, double gamma_inf)
{
  EwaldEfgSpecies *entry = NULL;
  UfpCheck(isfinite(gamma_inf), UFP_ERR_USAGE, "Sternheimer factor of %s is not finite",
           label ? label : "(null)");
  UfpCall(species_entry(settings, label, &entry));
  entry->gamma_inf = gamma_inf;
  return UFP_SUCCESS;
}

UfpErrorCode EwaldEfgFormalCharge(const char *symbol, double *charge)
{
  UfpCheck(symbol != NULL, UFP_ERR_INPUT, "no species label");
  for (size_t k = 0; k < sizeof formal_charges / sizeof formal_charges[0]; k++)
    if (strcmp(formal_charges[k].symbol, symbol) == 0) {
      *charge = formal_charges[k].charge;
      return UFP_SUCCESS;
    }
  return UfpError(UFP_ERR_INPUT,
                  "no formal charge for species '%s': give its charge (EwaldEfgSettingsSetCharge)", symbol);
}

UfpErrorCode EwaldEfgCreate(const EwaldEfgSettings *settings, EwaldEfg *efg)
{
  EwaldEfgSettings defaults;
  *efg = NULL;
  if (!settings) {
    EwaldEfgSettingsDefault(&defaults);
    settings = &defaults;
  }
  UfpCheck(settings->accuracy > 0.0 && settings->accuracy <= 1.0e-2, UFP_ERR_USAGE,
           "Ewald EFG accuracy %g is outside (0, 1e-2]", settings->accuracy);
  UfpCheck(isfinite(settings->alpha) && isfinite(settings->trace_tolerance), UFP_ERR_USAGE,
           "Ewald EFG alpha (%g) or trace tolerance (%g) is not finite", settings->alpha,
           settings->trace_tolerance);
  UfpCheck(settings->nspecies >= 0 && settings->nspecies <= EWALD_EFG_MAX_SPECIES, UFP_ERR_USAGE,
           "bad species count %d", settings->nspecies);
  UfpCall(UfpCalloc(1, efg));
  (*efg)->settings = *settings;
  return UFP_SUCCESS;
}

static void free_plan(EwaldEfg efg)
{
  UfpFree(&efg->charge);
  UfpFree(&efg->antishield);
  UfpFree(&efg->run);
  UfpFree(&efg->sre);
  UfpFree(&efg->sim);
  UfpFree(&efg->frac);
  for (int c = 0; c < 6; c++)
    UfpFree(&efg->kk[c]);
  for (int a = 0; a < 3; a++) {
    UfpFree(&efg->pcos[a]);
    UfpFree(&efg->psin[a]);
  }
  efg->setup = 0;
}

UfpErrorCode EwaldEfgDestroy(EwaldEfg *efg)
{
  if (!efg || !*efg) return UFP_SUCCESS;
  free_plan(*efg);
  UfpFree(efg);
  return UFP_SUCCESS;
}

/* Section 6: s from eps and alpha^3 / rho. */
static double accuracy_s(double eps, double alpha3_over_rho)
{
  double target = log(4.0 * EWALD_SAFETY / eps);
  double s = sqrt(target);
  for (int it = 0; it < 50; it++) {
    double s2 = target + 0.5 * log(s * alpha3_over_rho);
    s = sqrt(fmax(s2, 4.0));
  }
  return s;
}

/* Half-space k-vector list in runs of consecutive m2 (section 3). */
static UfpErrorCode plan_kvectors(EwaldEfg efg)
{
  const UfpCell *cell = &efg->cell;
  const double kcut2 = efg->kcut * efg->kcut, a2inv = 0.25 / (efg->alpha * efg->alpha);
  for (int a = 0; a < 3; a++) {
    double len =
        sqrt(cell->h[a][0] * cell->h[a][0] + cell->h[a][1] * cell->h[a][1] + cell->h[a][2] * cell->h[a][2]);
    efg->mmax[a] = (int)floor(efg->kcut * len / (2.0 * UFP_PI));
  }
  /* Count, allocate, fill (two passes over the same loops). */
  for (int pass = 0; pass < 2; pass++) {
    int nk = 0, nrun = 0;
    for (int m0 = 0; m0 <= efg->mmax[0]; m0++)
      for (int m1 = (m0 == 0 ? 0 : -efg->mmax[1]); m1 <= efg->mmax[1]; m1++) {
        int lo = (m0 == 0 && m1 == 0) ? 1 : -efg->mmax[2];
        int in_run = 0;
        for (int m2 = lo; m2 <= efg->mmax[2]; m2++) {
          double k[3];
          for (int c = 0; c < 3; c++)
            k[c] = 2.0 * UFP_PI * (m0 * cell->hinv[c][0] + m1 * cell->hinv[c][1] + m2 * cell->hinv[c][2]);
          double k2 = k[0] * k[0] + k[1] * k[1] + k[2] * k[2];
          if (k2 > kcut2) {
            /* |k| is convex in m2: once past the run, stop. */
            if (in_run) break;
            continue;
          }
          if (!in_run) {
            if (pass) efg->run[nrun] = (KRun){m0, m1, m2, m2, nk};
            in_run = 1;
            nrun++;
          }
          if (pass) {
            efg->run[nrun - 1].m2hi = m2;
            double g = 2.0 * (4.0 * UFP_PI / cell->volume) * exp(-k2 * a2inv) / k2;
            efg->kk[0][nk] = g * k[0] * k[0];
            efg->kk[1][nk] = g * k[1] * k[1];
            efg->kk[2][nk] = g * k[2] * k[2];
            efg->kk[3][nk] = g * k[0] * k[1];
            efg->kk[4][nk] = g * k[0] * k[2];
            efg->kk[5][nk] = g * k[1] * k[2];
          }
          nk++;
        }
      }
    if (!pass) {
      efg->nk = nk;
      efg->nrun = nrun;
      UfpCall(UfpCalloc(nrun > 0 ? nrun : 1, &efg->run));
      for (int c = 0; c < 6; c++)
        UfpCall(UfpCalloc(nk > 0 ? nk : 1, &efg->kk[c]));
      UfpCall(UfpCalloc(nk > 0 ? nk : 1, &efg->sre));
      UfpCall(UfpCalloc(nk > 0 ? nk : 1, &efg->sim));
    }
  }
  return UFP_SUCCESS;
}

UfpErrorCode EwaldEfgSetUpCharges(EwaldEfg efg, const double lattice[3][3], int natoms, const double *charge,
                                  const double *gamma_inf)
{
  UfpCheck(efg != NULL, UFP_ERR_USAGE, "EwaldEfgSetUp on a NULL object");
  UfpCheck(natoms > 0, UFP_ERR_INPUT, "Ewald EFG needs at least one atom (got %d)", natoms);
  free_plan(efg);
  const int pbc[3] = {1, 1, 1};
  UfpCall(UfpCellSetup(&efg->cell, lattice, pbc));
  efg->natoms = natoms;
  UfpCall(UfpCalloc(natoms, &efg->charge));
  UfpCall(UfpCalloc(natoms, &efg->antishield));
  UfpCall(UfpCalloc(natoms, &efg->frac));
  double q2 = 0.0;
  efg->qtotal = 0.0;
  for (int i = 0; i < natoms; i++) {
    double g = gamma_inf ? gamma_inf[i] : 0.0;
    UfpCheck(isfinite(charge[i]) && isfinite(g), UFP_ERR_INPUT,
             "atom %d: charge %g or Sternheimer factor %g is not finite", i, charge[i], g);
    efg->charge[i] = charge[i];
    efg->antishield[i] = 1.0 - g;
    efg->qtotal += charge[i];
    q2 += charge[i] * charge[i];
  }
  const double volume = efg->cell.volume, rho = natoms / volume;
  efg->escale = sqrt(q2 / natoms) * rho;
  efg->alpha = efg->settings.alpha > 0.0 ? efg->settings.alpha
                                         : pow(EWALD_COST_BALANCE * natoms / (volume * volume), 1.0 / 6.0);
  efg->s = accuracy_s(efg->settings.accuracy, pow(efg->alpha, 3) / rho);
  efg->rcut = efg->s / efg->alpha;
  efg->kcut = 2.0 * efg->alpha * efg->s;
  UfpCall(plan_kvectors(efg));
  for (int a = 0; a < 3; a++) {
    UfpCall(UfpCalloc((size_t)natoms * (2 * efg->mmax[a] + 1), &efg->pcos[a]));
    UfpCall(UfpCalloc((size_t)natoms * (2 * efg->mmax[a] + 1), &efg->psin[a]));
  }
  efg->setup = 1;
  return UFP_SUCCESS;
}

UfpErrorCode EwaldEfgSetUp(EwaldEfg efg, const double lattice[3][3], int natoms,
                           const char (*species)[UFP_LABEL_MAX])
{
  double *charge = NULL, *gamma_inf = NULL;
  UfpCheck(efg != NULL, UFP_ERR_USAGE, "EwaldEfgSetUp on a NULL object");
  UfpCheck(natoms > 0 && species != NULL, UFP_ERR_INPUT, "Ewald EFG needs at least one atom (got %d)",
           natoms);
  UfpCall(UfpCalloc(natoms, &charge));
  UfpErrorCode ierr = UfpCalloc(natoms, &gamma_inf);
  for (int i = 0; i < natoms && ierr == UFP_SUCCESS; i++) {
    const EwaldEfgSpecies *entry = NULL;
    for (int k = 0; k < efg->settings.nspecies; k++)
      if (strcmp(efg->settings.species[k].label, species[i]) == 0) entry = &efg->settings.species[k];
    if (entry && entry->has_charge)
      charge[i] = entry->charge;
    else
      ierr = EwaldEfgFormalCharge(species[i], &charge[i]);
    gamma_inf[i] = entry ? entry->gamma_inf : 0.0;
  }
  if (ierr == UFP_SUCCESS) ierr = EwaldEfgSetUpCharges(efg, lattice, natoms, charge, gamma_inf);
  UfpFree(&charge);
  UfpFree(&gamma_inf);
  UfpCall(ierr);
  return UFP_SUCCESS;
}

/* cos, sin (2 pi m s_a) for m = -mmax..mmax of every atom (section 3). */
static void phase_tables(EwaldEfg efg)
{
  for (int a = 0; a < 3; a++) {
    const int mmax = efg->mmax[a], len = 2 * mmax + 1;
    for (int j = 0; j < efg->natoms; j++) {
      double *pc = efg->pcos[a] + (size_t)j * len + mmax, *ps = efg->psin[a] + (size_t)j * len + mmax;
      for (int m = 0; m <= mmax; m++) {
        double t = 2.0 * UFP_PI * m * efg->frac[j][a];
        pc[m] = pc[-m] = cos(t);
        ps[m] = sin(t);
        ps[-m] = -ps[m];
      }
    }
  }
}

/* Pointers to atom j's tables at m = 0 (valid for -mmax..mmax). */
static void atom_phases(const EwaldEfg efg, int j, const double *pc[3], const double *ps[3])
{
  for (int a = 0; a < 3; a++) {
    const size_t at = (size_t)j * (2 * efg->mmax[a] + 1) + efg->mmax[a];
    pc[a] = efg->pcos[a] + at;
    ps[a] = efg->psin[a] + at;
  }
}

/* S(k) = sum_j q_j e^{i k.r_j} over the half space. */
static void structure_factors(EwaldEfg efg)
{
  double *restrict sre = efg->sre, *restrict sim = efg->sim;
  memset(sre, 0, sizeof(double) * (size_t)efg->nk);
  memset(sim, 0, sizeof(double) * (size_t)efg->nk);
  for (int j = 0; j < efg->natoms; j++) {
    const double q = efg->charge[j];
    if (q == 0.0) continue;
    const double *pc[3], *ps[3];
    atom_phases(efg, j, pc, ps);
    for (int r = 0; r < efg->nrun; r++) {
      const KRun *run = &efg->run[r];
      const double c0 = pc[0][run->m0], s0 = ps[0][run->m0], c1 = pc[1][run->m1], s1 = ps[1][run->m1];
      const double pre = q * (c0 * c1 - s0 * s1), pim = q * (c0 * s1 + s0 * c1);
      const double *restrict c2 = pc[2] + run->m2lo, *restrict s2 = ps[2] + run->m2lo;
      double *restrict re = sre + run->first, *restrict im = sim + run->first;
      const int len = run->m2hi - run->m2lo + 1;
      for (int k = 0; k < len; k++) {
        re[k] += pre * c2[k] - pim * s2[k];
        im[k] += pre * s2[k] + pim * c2[k];
      }
    }
  }
}

/* Reciprocal part at atom i: -sum_k g_k k_a k_b Re[e^{i k.r_i} S^*]
 * (six components xx, yy, zz, xy, xz, yz). */
static void reciprocal_site(const EwaldEfg efg, int i, double v6[6])
{
  double acc[6] = {0};
  const double *pc[3], *ps[3];
  atom_phases(efg, i, pc, ps);
  for (int r = 0; r < efg->nrun; r++) {
    const KRun *run = &efg->run[r];
    const double c0 = pc[0][run->m0], s0 = ps[0][run->m0], c1 = pc[1][run->m1], s1 = ps[1][run->m1];
    const double pre = c0 * c1 - s0 * s1, pim = c0 * s1 + s0 * c1;
    const double *c2 = pc[2] + run->m2lo, *s2 = ps[2] + run->m2lo;
    const double *re = efg->sre + run->first, *im = efg->sim + run->first;
    const double *kxx = efg->kk[0] + run->first, *kyy = efg->kk[1] + run->first,
                 *kzz = efg->kk[2] + run->first, *kxy = efg->kk[3] + run->first,
                 *kxz = efg->kk[4] + run->first, *kyz = efg->kk[5] + run->first;
    const int len = run->m2hi - run->m2lo + 1;
    for (int k = 0; k < len; k++) {
      /* Re[(pre + i pim)(c2 + i s2)(re - i im)] */
      const double t = pre * (c2[k] * re[k] + s2[k] * im[k]) + pim * (c2[k] * im[k] - s2[k] * re[k]);
      acc[0] += t * kxx[k];
      acc[1] += t * kyy[k];
      acc[2] += t * kzz[k];
      acc[3] += t * kxy[k];
      acc[4] += t * kxz[k];
      acc[5] += t * kyz[k];
    }
  }
  for (int c = 0; c < 6; c++)
    v6[c] = -acc[c];
}

/* Real-space part at atom i (section 2); counts the terms in *npairs. */
static UfpErrorCode real_site(const EwaldEfg efg, int i, double v6[6], long *npairs)
{
  const UfpCell *cell = &efg->cell;
  const double alpha = efg->alpha, rc2 = efg->rcut * efg->rcut, two_over_sqrtpi = 2.0 / SQRT_PI;
  double ext[3];
  for (int a = 0; a < 3; a++)
    ext[a] = efg->rcut / cell->width[a];
  double acc[6] = {0};
  for (int j = 0; j < efg->natoms; j++) {
    const double q = efg->charge[j];
    if (q == 0.0) continue;
    double ds[3];
    for (int a = 0; a < 3; a++) {
      ds[a] = efg->frac[i][a] - efg->frac[j][a];
      ds[a] -= round(ds[a]);
    }
    int lo[3], hi[3];
    for (int a = 0; a < 3; a++) {
      lo[a] = (int)ceil(-ext[a] - ds[a]);
      hi[a] = (int)floor(ext[a] - ds[a]);
    }
    double sum_c[6] = {0}, sum_b = 0.0;
    for (int n0 = lo[0]; n0 <= hi[0]; n0++)
      for (int n1 = lo[1]; n1 <= hi[1]; n1++) {
        double f0 = ds[0] + n0, f1 = ds[1] + n1;
        double base[3];
        for (int c = 0; c < 3; c++)
          base[c] = f0 * cell->h[0][c] + f1 * cell->h[1][c];
        for (int n2 = lo[2]; n2 <= hi[2]; n2++) {
          double f2 = ds[2] + n2;
          double d[3] = {base[0] + f2 * cell->h[2][0], base[1] + f2 * cell->h[2][1],
                         base[2] + f2 * cell->h[2][2]};
          double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
          if (r2 >= rc2) continue;
          if (j == i && n0 == 0 && n1 == 0 && n2 == 0) continue;
          UfpCheck(r2 >= EWALD_MIN_DISTANCE * EWALD_MIN_DISTANCE, UFP_ERR_INPUT,
                   "atoms %d and %d coincide (distance %.3g Å)", i, j, sqrt(r2));
          double r = sqrt(r2), x = alpha * r, ex = exp(-x * x), ec = erfc(x);
          double rinv2 = 1.0 / r2, rinv3 = rinv2 / r;
          double bterm = (ec + two_over_sqrtpi * x * ex) * rinv3;
          double cterm = (3.0 * ec + two_over_sqrtpi * x * (3.0 + 2.0 * x * x) * ex) * rinv3 * rinv2;
          sum_c[0] += cterm * d[0] * d[0];
          sum_c[1] += cterm * d[1] * d[1];
          sum_c[2] += cterm * d[2] * d[2];
          sum_c[3] += cterm * d[0] * d[1];
          sum_c[4] += cterm * d[0] * d[2];
          sum_c[5] += cterm * d[1] * d[2];
          sum_b += bterm;
          (*npairs)++;
        }
      }
    for (int c = 0; c < 6; c++)
      acc[c] += q * sum_c[c];
    for (int c = 0; c < 3; c++)
      acc[c] -= q * sum_b;
  }
  memcpy(v6, acc, sizeof acc);
  return UFP_SUCCESS;
}

UfpErrorCode EwaldEfgCompute(EwaldEfg efg, const double (*x)[3], int nsites, const int *sites,
                             double (*v)[3][3])
{
  UfpCheck(efg != NULL && efg->setup, UFP_ERR_USAGE, "EwaldEfgCompute before EwaldEfgSetUp");
  UfpCheck(nsites >= 0, UFP_ERR_USAGE, "negative site count %d", nsites);
  const int natoms = efg->natoms;
  for (int j = 0; j < natoms; j++) {
    UfpCheck(isfinite(x[j][0]) && isfinite(x[j][1]) && isfinite(x[j][2]), UFP_ERR_INPUT,
             "atom %d: position is not finite", j);
    UfpCellFracFromCart(&efg->cell, x[j], efg->frac[j]);
  }
  phase_tables(efg);
  structure_factors(efg);

  const double alpha = efg->alpha;
  const double self = 4.0 * alpha * alpha * alpha / (3.0 * SQRT_PI);
  const double background = 4.0 * UFP_PI * efg->qtotal / (3.0 * efg->cell.volume);
  const double tau =
      efg->settings.trace_tolerance > 0.0 ? efg->settings.trace_tolerance : 100.0 * efg->settings.accuracy;
  long npairs = 0;
  efg->trace_residual = 0.0;
  for (int s = 0; s < nsites; s++) {
    const int i = sites ? sites[s] : s;
    UfpCheck(i >= 0 && i < natoms, UFP_ERR_USAGE, "site %d: atom index %d outside 0..%d", s, i, natoms - 1);
    double vr[6], vk[6];
    UfpCall(real_site(efg, i, vr, &npairs));
    reciprocal_site(efg, i, vk);
    double v6[6];
    for (int c = 0; c < 6; c++)
      v6[c] = vr[c] + vk[c];
    for (int c = 0; c < 3; c++)
      v6[c] += self * efg->charge[i] - background;
    /* Trace check in e/Å^3 (section 5 and the header). */
    double trace = v6[0] + v6[1] + v6[2];
    double norm = sqrt(v6[0] * v6[0] + v6[1] * v6[1] + v6[2] * v6[2] +
                       2.0 * (v6[3] * v6[3] + v6[4] * v6[4] + v6[5] * v6[5]));
    double residual = fabs(trace) / (norm + efg->escale);
    if (residual > efg->trace_residual) efg->trace_residual = residual;
    UfpCheck(residual <= tau, UFP_ERR_INTERNAL,
             "EFG at atom %d is not traceless: |tr V| = %.3e, tolerance %.1e x (|V| %.3e + E0 %.3e) e/Å^3 "
             "(alpha %.4g 1/Å, r_c %.4g Å, k_c %.4g 1/Å)",
             i, fabs(trace), tau, norm, efg->escale, alpha, efg->rcut, efg->kcut);
    const double f = EWALD_AU_PER_E_A3 * efg->antishield[i];
    v[s][0][0] = f * v6[0];
    v[s][1][1] = f * v6[1];
    v[s][2][2] = f * v6[2];
    v[s][0][1] = v[s][1][0] = f * v6[3];
    v[s][0][2] = v[s][2][0] = f * v6[4];
    v[s][1][2] = v[s][2][1] = f * v6[5];
  }
  efg->real_pairs = nsites > 0 ? (double)npairs / nsites : 0.0;
  return UFP_SUCCESS;
}

UfpErrorCode EwaldEfgGetInfo(const EwaldEfg efg, EwaldEfgInfo *info)
{
  UfpCheck(efg != NULL && efg->setup, UFP_ERR_USAGE, "EwaldEfgGetInfo before EwaldEfgSetUp");
  memset(info, 0, sizeof *info);
  info->natoms = efg->natoms;
  info->volume = efg->cell.volume;
  info->total_charge = efg->qtotal;
  info->alpha = efg->alpha;
  info->s = efg->s;
  info->rcut = efg->rcut;
  info->kcut = efg->kcut;
  info->nkvec = efg->nk;
  info->escale = EWALD_AU_PER_E_A3 * efg->escale;
  info->background = EWALD_AU_PER_E_A3 * 4.0 * UFP_PI * efg->qtotal / (3.0 * efg->cell.volume);
  info->trace_residual = efg->trace_residual;
  info->real_pairs = efg->real_pairs;
  return UFP_SUCCESS;
}

UfpErrorCode EwaldEfgView(const EwaldEfg efg, FILE *fp)
{
  EwaldEfgInfo info;
  UfpCall(EwaldEfgGetInfo(efg, &info));
  fprintf(
      fp,
      "Ewald EFG: %d atoms, V = %.6g Å^3, Q = %+.6g e, accuracy %.1e (s = %.4g)\n"
      "  alpha %.6g 1/Å, real-space cutoff %.6g Å, reciprocal cutoff %.6g 1/Å (%d k-vectors, half space)\n"
      "  E0 = %.6g a.u., background term removed %.6g a.u.\n",
      info.natoms, info.volume, info.total_charge, efg->settings.accuracy, info.s, info.alpha, info.rcut,
      info.kcut, info.nkvec, info.escale, info.background);
  return UFP_SUCCESS;
}
