/*
 * nmr_table.c -- one CSV row of NMR parameters per quadrupolar nucleus.
 *
 * Everything is derived from the principal-axis decomposition of
 * common/efg_tensor.c; this file only picks the quantities a user wants in a
 * table and fixes their units: V_zz in atomic units, C_Q and omega_Q in Hz,
 * angles in degrees.  Numbers are written with 10 significant digits, enough
 * to compare with soprano or MagresView to their own precision.
 */
#include "nmr_table.h"

#include <math.h>

#include "units.h"

UfpErrorCode EfgNmrRowCompute(const UfpIsotope *isotope, const double v[3][3], const double field[3],
                              EfgNmrRow *row)
{
  UfpEfgPrincipal pas;
  UfpCall(UfpEfgPrincipalAxes(v, &pas));
  row->vzz = pas.vzz;
  row->eta = pas.eta;
  row->cq = UfpEfgCq(isotope, pas.vzz);
  UfpCall(UfpEfgOmegaQ(isotope, v, field, &row->omega_q));
  for (int k = 0; k < 4; k++) row->q[k] = pas.q[k];
  double alpha, beta, gamma;
  UfpEulerZYZFromRotation(pas.r, &alpha, &beta, &gamma);
  row->euler[0] = alpha * 180.0 / UFP_PI;
  row->euler[1] = beta * 180.0 / UFP_PI;
  row->euler[2] = gamma * 180.0 / UFP_PI;
  row->trace = v[0][0] + v[1][1] + v[2][2];
  return UFP_SUCCESS;
}

void EfgNmrRowWriteHeader(FILE *out)
{
  fprintf(out, "frame,index,species,isotope,vzz_au,cq_Hz,eta,omega_q_Hz,q_w,q_x,q_y,q_z,"
               "euler_alpha_deg,euler_beta_deg,euler_gamma_deg\n");
}

void EfgNmrRowWrite(FILE *out, int frame, int index, const char *species, const UfpIsotope *isotope,
                    const EfgNmrRow *row)
{
  fprintf(out, "%d,%d,%s,%s,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", frame,
          index, species, isotope->symbol, row->vzz, row->cq, row->eta, row->omega_q, row->q[0], row->q[1],
          row->q[2], row->q[3], row->euler[0], row->euler[1], row->euler[2]);
}
