/*
 * quadrature.h -- Legendre polynomials and Gauss-Legendre quadrature.
 *
 * P_l by the three-term recurrence (l + 1) P_{l+1} = (2l + 1) x P_l - l P_{l-1};
 * the n nodes of Gauss-Legendre on [-1, 1] as roots of P_n by Newton's
 * method from Tricomi's estimate cos(pi (i + 3/4) / (n + 1/2)), weights
 * 2 / ((1 - x^2) P_n'(x)^2).  Exact for polynomials of degree 2n - 1.
 * Reference: F. B. Hildebrand, Introduction to Numerical Analysis, ch. 8.
 */
#ifndef EFG_QUADRATURE_H
#define EFG_QUADRATURE_H

/* P_l(x), and P_l'(x) when derivative is not NULL (|x| < 1 for it). */
double LegendreP(int l, double x, double *derivative);
/* Nodes x[n] and weights w[n] on [-1, 1]. */
void GaussLegendre(int n, double *x, double *w);

#endif
