/*
 * units.h -- the internal unit system and physical constants of ufp-nmr.
 *
 * Internal units, used by every array and every function argument unless a
 * name says otherwise:
 *   length       Å (angstrom)
 *   energy       eV
 *   time         ps
 *   mass         amu (unified atomic mass unit, Da)
 *   temperature  K
 *   charge       e (elementary charge)
 * Derived: force eV/Å, velocity Å/ps, stress eV/Å^3, EFG V/Å^2 when computed
 * from point charges; EFG labels are kept in atomic units (Eh/(e a0^2)).
 *
 * Constants: CODATA 2018 (Tiesinga et al., Rev. Mod. Phys. 93, 025010 (2021)),
 * exact where the 2019 SI defines them.
 */
#ifndef UFP_UNITS_H
#define UFP_UNITS_H

/* SI defining constants (exact). */
#define UFP_PLANCK_J_S 6.62607015e-34             /* h, J s */
#define UFP_ELEMENTARY_CHARGE_C 1.602176634e-19   /* e, C */
#define UFP_BOLTZMANN_J_K 1.380649e-23            /* k_B, J/K */
#define UFP_AVOGADRO_PER_MOL 6.02214076e23        /* N_A, 1/mol */

/* CODATA 2018 measured constants. */
#define UFP_AMU_KG 1.66053906660e-27              /* m_u, kg */
#define UFP_BOHR_ANGSTROM 0.529177210903          /* a0, Å */
#define UFP_HARTREE_EV 27.211386245988            /* Eh, eV */
#define UFP_VACUUM_PERMITTIVITY_F_M 8.8541878128e-12 /* eps0, F/m */

/* Derived, in internal units. */
#define UFP_BOLTZMANN_EV_K (UFP_BOLTZMANN_J_K / UFP_ELEMENTARY_CHARGE_C) /* 8.617333262e-5 eV/K */
/* 1 amu Å^2/ps^2 in eV: m_u * 1e-20 / 1e-24 / e. */
#define UFP_AMU_A2_PS2_EV (UFP_AMU_KG * 1.0e4 / UFP_ELEMENTARY_CHARGE_C)
/* Coulomb constant e^2/(4 pi eps0) in eV Å: 14.399645478... */
#define UFP_PI 3.14159265358979323846
#define UFP_COULOMB_EV_A \
  (UFP_ELEMENTARY_CHARGE_C / (4.0 * UFP_PI * UFP_VACUUM_PERMITTIVITY_F_M * 1.0e-10)) /* 14.3996 */

/* Conversions. */
#define UFP_HARTREE_PER_BOHR_EV_PER_A (UFP_HARTREE_EV / UFP_BOHR_ANGSTROM)
#define UFP_EV_KJ_PER_MOL (UFP_ELEMENTARY_CHARGE_C * UFP_AVOGADRO_PER_MOL * 1.0e-3) /* 96.485332... */
#define UFP_MILLIBARN_M2 1.0e-31                  /* 1 mb = 1e-3 barn = 1e-31 m^2 */
/* 1 eV/Å^3 in GPa: e * 1e30 / 1e9 = 160.21766208... */
#define UFP_EV_PER_A3_GPA (UFP_ELEMENTARY_CHARGE_C * 1.0e21)

/* Electric field gradient: 1 atomic unit Eh/(e a0^2) = 9.7173624292e21 V/m^2
 * (CODATA 2018).  CP2K prints EFGs in 1e21 V/m^2. */
#define UFP_EFG_AU_V_M2 9.7173624292e21
/* 1 V/Å^2 = 1e20 V/m^2. */
#define UFP_EFG_V_A2_V_M2 1.0e20

#endif
