/*
 * nmr_table.h -- NMR parameters of one EFG tensor, as one table row.
 *
 * From the EFG tensor V (atomic units) of a quadrupolar nucleus and a field
 * direction n (lab frame):
 *   Vzz, eta            NQR order |Vxx| <= |Vyy| <= |Vzz|, eta = (Vxx-Vyy)/Vzz
 *   C_Q = e Q Vzz / h   Hz, Q from the isotope table
 *   omega_Q = (e Q / h) n^T V n    Hz, the first-order quadrupolar frequency
 *   orientation         the principal frame R (columns = principal axes in
 *                       the lab frame) as a quaternion (w, x, y, z) and as ZYZ
 *                       Euler angles, R = Rz(alpha) Ry(beta) Rz(gamma)
 * The conventions are those of common/efg_tensor.h.
 */
#ifndef EFG_NMR_TABLE_H
#define EFG_NMR_TABLE_H

#include <stdio.h>

#include "efg_tensor.h"

typedef struct {
  double vzz;       /* a.u. */
  double cq;        /* Hz */
  double eta;
  double omega_q;   /* Hz */
  double q[4];      /* (w, x, y, z) */
  double euler[3];  /* alpha, beta, gamma, degrees */
  double trace;     /* Tr V, a.u. (0 for a physical EFG) */
} EfgNmrRow;

/* Fill a row.  v need not be exactly symmetric: its symmetric part is used. */
UfpErrorCode EfgNmrRowCompute(const UfpIsotope *isotope, const double v[3][3], const double field[3],
                              EfgNmrRow *row);

/* CSV header and one row: frame, index, species, isotope, then the row. */
void EfgNmrRowWriteHeader(FILE *out);
void EfgNmrRowWrite(FILE *out, int frame, int index, const char *species, const UfpIsotope *isotope,
                    const EfgNmrRow *row);

#endif
