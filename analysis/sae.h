/*
 * sae.h -- the spin-alignment echo of a quadrupolar nucleus with finite
 * pulses, and powder averages.
 *
 * For evolution time t_p, mixing time t_m and a single Li with
 * quadrupolar frequency omega_Q(t) (rad/s = 2 pi x the Hz of efg_output.h),
 * the Jeener-Broekaert echo is (paper eq. 3)
 *     S(t_p, t_m) = 9/20 < sin(omega_Q(0) t_p) sin(omega_Q(t_m) t_p) >,
 * the average over time origins and Li atoms; it is the autocorrelation of
 * the series sin(omega_Q(t) t_p), so correlation.h computes it for every t_m
 * at once.  For t_p -> 0 it becomes (9/20) t_p^2 <omega_Q(0) omega_Q(t)>,
 * the paper's eq. 4 up to the constant.  A polycrystalline sample is an
 * average over field directions n: omega_Q(n) = (e Q / h) n^T V n for each
 * n of a Fibonacci lattice of N points on the sphere: for the degree-4
 * average <(n.V.n)^2> = 2 tr(V^2) / 15 its relative error is 5e-3 with 100
 * directions, 5e-4 with 400 and 8e-5 with 1600 (tests).
 */
#ifndef ANALYSIS_SAE_H
#define ANALYSIS_SAE_H

#include "correlation.h"

/* echo[k] = 9/20 * C(k) of s(t) = sin(2 pi omega_hz(t) t_p), for one atom's
 * series omega_hz[n] (Hz) and t_p (s): add to echo (accumulate over atoms
 * and fields, then divide by their number). */
UfpErrorCode SaeEchoAccumulate(AcfPlan plan, int n, const double *omega_hz, double t_p, double *work, double *echo);
/* n unit vectors nearly evenly spread on the sphere (Fibonacci lattice). */
void SaeFieldDirections(int n, double (*dirs)[3]);

#endif
