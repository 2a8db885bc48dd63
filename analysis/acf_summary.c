/*
 * acf_summary.c -- acf-summary: one table of the SAE and hopping results of
 * several acf-fit outputs (phases, temperatures, subsets), side by side.
 *
 *   acf-summary -summary_files beta_acf.h5,am_acf.h5 -summary_names "beta 300 K,am 300 K" \
 *               [-summary_output table]
 *
 * Per file, from the attributes acf-fit wrote (common/FORMATS.md section 8):
 *   dynamics  Li, span of the run, hops and Li that hopped, the hop rate per
 *             Li from the hops, D from the MSD, and the rate 6D/<l^2> from
 *             D and the mean squared hop length (li_dynamics.h);
 *   fits      for the omega_Q and the C_Q autocorrelation: 1/tau, tau, b^2
 *             and gamma of b^2 + (1 - b^2) exp(-(t/tau)^gamma);
 *   C_Q       mean |C_Q| of the Li by site class at t = 0.
 * With -summary_temperatures (one per file, K) the rows are grouped
 * (-summary_groups, one name per file; default one group) and each of the
 * four rates (hops, 6D/<l^2>, 1/tau of omega_Q and of C_Q) is fitted to
 * ln k = ln A - E_a/(k_B T) over the temperatures of its group
 * (arrhenius.h), with the rate extrapolated to -summary_extrapolate
 * (default 300 K): a table, PREFIX_arrhenius.csv, and the figure
 * PREFIX_arrhenius.png (gnuplot).
 * Every number carries its bootstrap interval over Li ([lo, hi], the level
 * acf-fit used).  A fit whose function does not decay in the window is
 * reported as "> window" instead of a tau; with no hop at all, the hop rate
 * is given as the 95 % Poisson upper bound 3 / (N_Li span).  The tables go to standard
 * output as Markdown and, with -summary_output, to PREFIX.md and PREFIX.csv
 * (written under a temporary name and renamed).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arrhenius.h"
#include "gnuplot.h"
#include "h5io.h"
#include "options.h"
#include "parallel.h"
#include "safe_output.h"
#include "sites.h"
#include "units.h"

static const char help[] =
    "acf-summary: a table of hop rates and SAE correlation times from acf-fit outputs.\n\n"
    "Usage: acf-summary -summary_files A.h5,B.h5,... [-summary_names NAME_A,NAME_B,...] [-summary_output "
    "PREFIX]\n\n"
    "Exit codes: 0 ok, 64 usage, 65 bad input, 74 I/O.\n";

enum { MAX_FILES = 64 };

typedef struct {
  int decays;
  double rate, rate_lo, rate_hi, tau, tau_lo, tau_hi, b2, b2_lo, b2_hi, gamma, gamma_lo, gamma_hi, window;
} Fit;

typedef struct {
  char name[128], subset[32], group[64];
  double temperature; /* K, NaN when not given */
  double li, li_subset, level;
  int have_dynamics;
  double span, hops, hopping, hop_rate, hop_rate_lo, hop_rate_hi, d, d_lo, d_hi, msd_rate, msd_rate_lo,
      msd_rate_hi, l2;
  double li_class[SITE_NCLASSES], cq_mean[SITE_NCLASSES + 1], cq_std[SITE_NCLASSES + 1];
  Fit fit[2];
} Row;

static UfpErrorCode read_attrs(hid_t g, const char *path, int n, const char *const *keys, double *values)
{
  for (int k = 0; k < n; k++) {
    UfpErrorCode e = UfpH5ReadDoubleAttr(g, keys[k], &values[k]);
    UfpCheck(!e, UFP_ERR_INPUT,
             "%s: attribute %s missing or unreadable (not an acf-fit output of this version?)", path,
             keys[k]);
  }
  return UFP_SUCCESS;
}

static UfpErrorCode read_row(MPI_Comm comm, const char *path, Row *r)
{
  UfpH5File *file;
  UfpErrorCode e = UfpH5FileOpen(comm, path, 0, &file);
  UfpCheck(!e, UFP_ERR_INPUT, "%s: not a readable HDF5 file", path);
  hid_t root = UfpH5FileId(file), g;
  char program[64] = "";
  e = UfpH5ReadStringAttr(root, "program", program, sizeof program);
  UfpCheck(!e && !strcmp(program, "acf-fit"), UFP_ERR_INPUT, "%s: written by %s, not acf-fit", path,
           e ? "(unknown)" : program);
  UfpCall(UfpH5OpenGroup(root, "acf", &g));
  UfpCall(UfpH5ReadStringAttr(g, "subset", r->subset, sizeof r->subset));
  UfpCall(UfpH5ReadDoubleAttr(g, "li", &r->li));
  UfpCall(UfpH5ReadDoubleAttr(g, "li_in_subset", &r->li_subset));
  UfpCall(UfpH5Close(&g));
  const char *names[2] = {"fit/omega_q", "fit/cq"};
  for (int k = 0; k < 2; k++) {
    Fit *f = &r->fit[k];
    UfpCall(UfpH5OpenGroup(root, names[k], &g));
    UfpCall(UfpH5ReadIntAttr(g, "decays", &f->decays));
    const char *keys[] = {
        "rate_per_s", "rate_lo_per_s", "rate_hi_per_s", "tau_ps",   "tau_lo_ps", "tau_hi_ps",      "b2",
        "b2_lo",      "b2_hi",         "gamma",         "gamma_lo", "gamma_hi",  "window_t_max_ps"};
    UfpCall(read_attrs(g, path, 13, keys, &f->rate));
    UfpCall(UfpH5Close(&g));
  }
  UfpCall(UfpH5OpenGroup(root, "fit", &g));
  r->level = 0.95;
  int has = 0;
  UfpCall(UfpH5AttrExists(g, "level", &has));
  if (has) UfpCall(UfpH5ReadDoubleAttr(g, "level", &r->level));
  UfpCall(UfpH5Close(&g));
  UfpCall(UfpH5Exists(root, "dynamics", &r->have_dynamics));
  if (r->have_dynamics) {
    UfpCall(UfpH5OpenGroup(root, "dynamics", &g));
    const char *keys[] = {"span_ps",
                          "hops",
                          "hopping_li",
                          "hop_rate_lo_per_s",
                          "hop_rate_hi_per_s",
                          "diffusion_m2_per_s",
                          "diffusion_lo_m2_per_s",
                          "diffusion_hi_m2_per_s",
                          "msd_rate_per_s",
                          "msd_rate_lo_per_s",
                          "msd_rate_hi_per_s",
                          "hop_length2_A2"};
    double v[12], rates[SITE_NCLASSES + 1];
    UfpCall(read_attrs(g, path, 12, keys, v));
    UfpCall(UfpH5ReadDoubleArrayAttr(g, "hop_rate_per_s", SITE_NCLASSES + 1, rates));
    UfpCall(UfpH5ReadDoubleArrayAttr(g, "li_per_class", SITE_NCLASSES, r->li_class));
    UfpCall(UfpH5Close(&g));
    r->span = v[0], r->hops = v[1], r->hopping = v[2], r->hop_rate = rates[SITE_NCLASSES];
    r->hop_rate_lo = v[3], r->hop_rate_hi = v[4], r->d = v[5], r->d_lo = v[6], r->d_hi = v[7];
    r->msd_rate = v[8], r->msd_rate_lo = v[9], r->msd_rate_hi = v[10], r->l2 = v[11];
  }
  UfpCall(UfpH5OpenGroup(root, "distributions", &g));
  UfpCall(UfpH5ReadDoubleArrayAttr(g, "mean_cq_hz", SITE_NCLASSES + 1, r->cq_mean));
  UfpCall(UfpH5ReadDoubleArrayAttr(g, "std_cq_hz", SITE_NCLASSES + 1, r->cq_std));
  UfpCall(UfpH5Close(&g));
  UfpCall(UfpH5FileDestroy(&file));
  return UFP_SUCCESS;
}

/* A time in the unit that suits it. */
static const char *fmt_time(char *buf, size_t n, double ps)
{
  if (!isfinite(ps))
    snprintf(buf, n, "-");
  else if (ps < 1e3)
    snprintf(buf, n, "%.3g ps", ps);
  else if (ps < 1e6)
    snprintf(buf, n, "%.3g ns", 1e-3 * ps);
  else
    snprintf(buf, n, "%.3g µs", 1e-6 * ps);
  return buf;
}

/* "x [lo, hi]" with printf format f for each number, "-" for NaN. */
static const char *fmt_ci(char *buf, size_t n, const char *f, double x, double lo, double hi)
{
  char a[32], b[32], c[32];
  if (!isfinite(x)) return snprintf(buf, n, "-"), buf;
  snprintf(a, sizeof a, f, x);
  if (!isfinite(lo) || !isfinite(hi)) return snprintf(buf, n, "%s", a), buf;
  snprintf(b, sizeof b, f, lo);
  snprintf(c, sizeof c, f, hi);
  snprintf(buf, n, "%s [%s, %s]", a, b, c);
  return buf;
}

static void fit_cells(const Fit *f, char cells[4][128])
{
  char a[32], b[32], c[32];
  if (!f->decays) {
    snprintf(cells[0], 128, "< %.3g", 1e12 / f->window);
    snprintf(cells[1], 128, "> %s (no decay)", fmt_time(a, sizeof a, f->window));
    snprintf(cells[2], 128, "-");
    snprintf(cells[3], 128, "-");
    return;
  }
  fmt_ci(cells[0], 128, "%.3g", f->rate, f->rate_lo, f->rate_hi);
  snprintf(cells[1], 128, "%s [%s, %s]", fmt_time(a, sizeof a, f->tau), fmt_time(b, sizeof b, f->tau_lo),
           fmt_time(c, sizeof c, f->tau_hi));
  fmt_ci(cells[2], 128, "%.3f", f->b2, f->b2_lo, f->b2_hi);
  fmt_ci(cells[3], 128, "%.2f", f->gamma, f->gamma_lo, f->gamma_hi);
}

enum { NRATES = 4 };
static const char *const rate_names[NRATES] = {"hops", "6D/<l^2>", "1/tau omega_Q", "1/tau C_Q"};

/* Rate r of a row with its interval. */
static void row_rate(const Row *w, int r, double *k, double *lo, double *hi)
{
  if (r == 0)
    *k = w->hops > 0 ? w->hop_rate : NAN, *lo = w->hop_rate_lo, *hi = w->hop_rate_hi;
  else if (r == 1)
    *k = w->msd_rate, *lo = w->msd_rate_lo, *hi = w->msd_rate_hi;
  else {
    const Fit *f = &w->fit[r - 2];
    *k = f->decays ? f->rate : NAN, *lo = f->rate_lo, *hi = f->rate_hi;
  }
}

typedef struct {
  char group[64];
  int rate, ok;
  ArrheniusFit fit;
  char why[160];
} Arrhenius;

static int fit_groups(int n, const Row *rows, double t0, Arrhenius *out, int max)
{
  int nfit = 0;
  for (int k = 0; k < n; k++) {
    int seen = 0;
    for (int j = 0; j < k; j++)
      seen |= !strcmp(rows[j].group, rows[k].group);
    if (seen) continue;
    for (int r = 0; r < NRATES && nfit < max; r++) {
      double t[MAX_FILES], kk[MAX_FILES], lo[MAX_FILES], hi[MAX_FILES];
      int m = 0;
      for (int j = 0; j < n; j++)
        if (!strcmp(rows[j].group, rows[k].group)) {
          t[m] = rows[j].temperature;
          row_rate(&rows[j], r, &kk[m], &lo[m], &hi[m]);
          m++;
        }
      Arrhenius *a = &out[nfit++];
      snprintf(a->group, sizeof a->group, "%s", rows[k].group);
      a->rate = r;
      UfpErrorCode e = ArrheniusFitRates(m, t, kk, lo, hi, rows[k].level, t0, &a->fit);
      a->ok = e == UFP_SUCCESS;
      if (!a->ok) {
        snprintf(a->why, sizeof a->why, "fewer than two temperatures with a rate");
        UfpErrorClear();
      }
    }
  }
  return nfit;
}

static void write_arrhenius_markdown(FILE *out, int nfit, const Arrhenius *a, double t0)
{
  fprintf(out,
          "\nArrhenius fits, ln k = ln A − E_a/(k_B T) ([lo, hi] of the rate at %.0f K: the same level)\n\n",
          t0);
  fprintf(out,
          "| group | rate | temperatures | E_a, eV | A, s⁻¹ | k(%.0f K), s⁻¹ |\n|---|---|---|---|---|---|\n",
          t0);
  for (int k = 0; k < nfit; k++) {
    if (!a[k].ok) {
      fprintf(out, "| %s | %s | - | - | - | - (%s) |\n", a[k].group, rate_names[a[k].rate], a[k].why);
      continue;
    }
    const ArrheniusFit *f = &a[k].fit;
    fprintf(out, "| %s | %s | %d | %.3f ± %.3f | %.3g | %.3g [%.3g, %.3g] |\n", a[k].group,
            rate_names[a[k].rate], f->used, f->ea_ev, f->ea_err_ev, exp(f->ln_a), f->rate_t0, f->rate_t0_lo,
            f->rate_t0_hi);
  }
}

typedef struct {
  int n, nfit;
  const Row *rows;
  const Arrhenius *fits;
} ArrheniusOut;

static UfpErrorCode write_arrhenius_csv(const char *partial, void *ctx)
{
  const ArrheniusOut *o = ctx;
  FILE *f = fopen(partial, "w");
  UfpCheck(f, UFP_ERR_IO, "%s: cannot write", partial);
  fprintf(f, "group,rate,points,ea_ev,ea_err_ev,ln_a,ln_a_err,chi2_red,t0_k,rate_t0_per_s,rate_t0_lo_per_s,"
             "rate_t0_hi_per_s\n");
  for (int k = 0; k < o->nfit; k++) {
    const ArrheniusFit *a = &o->fits[k].fit;
    fprintf(f, "\"%s\",\"%s\",%d,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", o->fits[k].group,
            rate_names[o->fits[k].rate], a->used, o->fits[k].ok ? a->ea_ev : NAN, a->ea_err_ev, a->ln_a,
            a->ln_a_err, a->chi2_red, a->t0, a->rate_t0, a->rate_t0_lo, a->rate_t0_hi);
  }
  UfpCheck(fclose(f) == 0, UFP_ERR_IO, "%s: write failed", partial);
  return UFP_SUCCESS;
}

/* Points and fitted lines as gnuplot data blocks, then the plot. */
static UfpErrorCode write_arrhenius_png(const char *partial, void *ctx)
{
  const ArrheniusOut *o = ctx;
  char data[UFP_PATH_MAX + 64], script[UFP_PATH_MAX + 64];
  snprintf(data, sizeof data, "%s.dat", partial);
  snprintf(script, sizeof script, "%s.gp", partial);
  FILE *d = fopen(data, "w"), *g = fopen(script, "w");
  UfpCheck(d && g, UFP_ERR_IO, "cannot write %s or %s", data, script);
  fprintf(
      g,
      "set terminal pngcairo size 900,650 font 'sans,11'\nset output '%s'\nset grid\nset logscale y\n"
      "set format y '10^{%%L}'\nset xlabel '1000/T (1/K)'\nset ylabel 'rate (1/s)'\nset key outside below maxrows 4 font ',9'\n"
      "set title 'Arrhenius plot of the Li hop rates'\nplot ",
      partial);
  int block = 0;
  for (int k = 0; k < o->nfit; k++) {
    if (!o->fits[k].ok) continue;
    const ArrheniusFit *a = &o->fits[k].fit;
    fprintf(d, "# %s %s\n", o->fits[k].group, rate_names[o->fits[k].rate]);
    for (int j = 0; j < o->n; j++) {
      double kk, lo, hi;
      if (strcmp(o->rows[j].group, o->fits[k].group)) continue;
      row_rate(&o->rows[j], o->fits[k].rate, &kk, &lo, &hi);
      if (isfinite(kk) && kk > 0)
        fprintf(d, "%.10g %.10g %.10g %.10g\n", 1000 / o->rows[j].temperature, kk, isfinite(lo) ? lo : kk,
                isfinite(hi) ? hi : kk);
    }
    fprintf(d, "\n\n");
    double tmin = a->t0, tmax = a->t0;
    for (int j = 0; j < o->n; j++)
      if (!strcmp(o->rows[j].group, o->fits[k].group))
        tmin = fmin(tmin, o->rows[j].temperature), tmax = fmax(tmax, o->rows[j].temperature);
    for (int q = 0; q <= 20; q++) {
      const double x = 1000 / tmax + (1000 / tmin - 1000 / tmax) * q / 20.0;
      fprintf(d, "%.10g %.10g\n", x, exp(a->ln_a - a->ea_ev * x / (1000 * UFP_BOLTZMANN_EV_K)));
    }
    fprintf(d, "\n\n");
    fprintf(g,
            "%s'%s' index %d u 1:2:3:4 w yerrorbars pt 7 lc %d t '%s, %s (E_a %.2f eV)', '' index %d u 1:2 w "
            "l lc %d "
            "notitle",
            block ? ", " : "", data, block, block / 2 + 1, o->fits[k].group, rate_names[o->fits[k].rate],
            a->ea_ev, block + 1, block / 2 + 1);
    block += 2;
  }
  fprintf(g, "\n");
  fclose(d);
  fclose(g);
  UfpErrorCode e = block ? UfpGnuplotRun(script) : UFP_SUCCESS;
  remove(script);
  remove(data);
  return e;
}

static void write_markdown(FILE *out, int n, const Row *rows, int nfit, const Arrhenius *fits, double t0)
{
  char c1[96], c2[96], c3[96], t[32], l2[32];
  fprintf(out, "Hopping (per Li; [lo, hi]: %.0f %% bootstrap interval over Li)\n\n", 100 * rows[0].level);
  fprintf(out,
          "| system | Li | span | hops (Li that hopped) | hop rate from hops, s⁻¹ | D, m²/s | ⟨l²⟩, Å² | "
          "hop rate 6D/⟨l²⟩, s⁻¹ |\n|---|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < n; k++) {
    const Row *r = &rows[k];
    if (!r->have_dynamics) {
      fprintf(out, "| %s | %.0f | - | - | - | - | - | - |\n", r->name, r->li);
      continue;
    }
    fprintf(out, "| %s | %.0f | %s | %.0f (%.0f) | %s | %s | %s | %s |\n", r->name, r->li,
            fmt_time(t, sizeof t, r->span), r->hops, r->hopping,
            r->hops > 0 ? fmt_ci(c1, sizeof c1, "%.3g", r->hop_rate, r->hop_rate_lo, r->hop_rate_hi)
                        : (snprintf(c1, sizeof c1, "< %.3g (no hop; 95 %% Poisson bound)",
                                    3.0e12 / (r->li * r->span)),
                           c1),
            fmt_ci(c2, sizeof c2, "%.3g", r->d, r->d_lo, r->d_hi),
            isfinite(r->l2) ? (snprintf(l2, sizeof l2, "%.2f", r->l2), l2) : "-",
            fmt_ci(c3, sizeof c3, "%.3g", r->msd_rate, r->msd_rate_lo, r->msd_rate_hi));
  }
  const char *what[2] = {"omega_Q", "C_Q"};
  for (int q = 0; q < 2; q++) {
    fprintf(out, "\nACF %s: b² + (1 − b²) exp(−(t/τ)^γ)\n\n", what[q]);
    fprintf(out, "| system | Li averaged | 1/τ, s⁻¹ | τ | b² | γ |\n|---|---|---|---|---|---|\n");
    for (int k = 0; k < n; k++) {
      char cells[4][128];
      fit_cells(&rows[k].fit[q], cells);
      fprintf(out, "| %s | %.0f (%s) | %s | %s | %s | %s |\n", rows[k].name, rows[k].li_subset,
              rows[k].subset, cells[0], cells[1], cells[2], cells[3]);
    }
  }
  fprintf(out, "\nMean |C_Q| by site class at t = 0 (standard deviation over Li and frames), kHz\n\n");
  fprintf(out, "| system | LiS4 | LiS5 | LiS6 | all |\n|---|---|---|---|---|\n");
  for (int k = 0; k < n; k++) {
    fprintf(out, "| %s |", rows[k].name);
    for (int c = 0; c <= SITE_NCLASSES; c++) {
      if (isfinite(rows[k].cq_mean[c]))
        fprintf(out, " %.1f (%.1f) |", 1e-3 * rows[k].cq_mean[c], 1e-3 * rows[k].cq_std[c]);
      else
        fprintf(out, " - |");
    }
    fprintf(out, "\n");
  }
  if (nfit > 0) write_arrhenius_markdown(out, nfit, fits, t0);
}

static void write_csv(FILE *out, int n, const Row *rows)
{
  fprintf(out, "system,li,span_ps,hops,hopping_li,hop_rate_per_s,hop_rate_lo_per_s,hop_rate_hi_per_s,"
               "diffusion_m2_per_s,diffusion_lo_m2_per_s,diffusion_hi_m2_per_s,hop_length2_A2,msd_rate_per_s,"
               "msd_rate_lo_per_s,msd_rate_hi_per_s");
  const char *what[2] = {"omega_q", "cq"};
  for (int q = 0; q < 2; q++)
    fprintf(out,
            ",%s_subset,%s_decays,%s_rate_per_s,%s_rate_lo_per_s,%s_rate_hi_per_s,%s_tau_ps,%s_tau_lo_ps,"
            "%s_tau_hi_ps,%s_b2,%s_b2_lo,%s_b2_hi,%s_gamma,%s_gamma_lo,%s_gamma_hi",
            what[q], what[q], what[q], what[q], what[q], what[q], what[q], what[q], what[q], what[q], what[q],
            what[q], what[q], what[q]);
  fprintf(out, ",cq_lis4_hz,cq_lis5_hz,cq_lis6_hz,cq_all_hz\n");
  for (int k = 0; k < n; k++) {
    const Row *r = &rows[k];
    fprintf(out, "\"%s\",%.0f,%.10g,%.0f,%.0f,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g",
            r->name, r->li, r->span, r->hops, r->hopping, r->hop_rate, r->hop_rate_lo, r->hop_rate_hi, r->d,
            r->d_lo, r->d_hi, r->l2, r->msd_rate, r->msd_rate_lo, r->msd_rate_hi);
    for (int q = 0; q < 2; q++) {
      const Fit *f = &r->fit[q];
      fprintf(out, ",%s,%d,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g",
              r->subset, f->decays, f->rate, f->rate_lo, f->rate_hi, f->tau, f->tau_lo, f->tau_hi, f->b2,
              f->b2_lo, f->b2_hi, f->gamma, f->gamma_lo, f->gamma_hi);
    }
    for (int c = 0; c <= SITE_NCLASSES; c++)
      fprintf(out, ",%.10g", r->cq_mean[c]);
    fprintf(out, "\n");
  }
}

typedef struct {
  int csv, n, nfit;
  const Row *rows;
  const Arrhenius *fits;
  double t0;
} Tables;

static UfpErrorCode write_tables(const char *partial, void *ctx)
{
  const Tables *t = ctx;
  FILE *f = fopen(partial, "w");
  UfpCheck(f, UFP_ERR_IO, "%s: cannot write", partial);
  if (t->csv)
    write_csv(f, t->n, t->rows);
  else
    write_markdown(f, t->n, t->rows, t->nfit, t->fits, t->t0);
  UfpCheck(fclose(f) == 0, UFP_ERR_IO, "%s: write failed", partial);
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm)
{
  char files[8192] = "", names[4096] = "", output[UFP_PATH_MAX] = "", groups[4096] = "";
  int overwrite = 0, ntemps = MAX_FILES, temps_given = 0;
  double temps[MAX_FILES], t0 = 300.0;
  UfpOptions o = NULL;
  UfpCall(UfpOptionsBegin(comm, NULL, "acf-summary: hop rates and SAE correlation times, side by side", &o));
  UfpCall(UfpOptionsString(o, "-summary_files", "acf-fit outputs (PREFIX.h5), comma-separated",
                           "SummarySetFiles", files, sizeof files, NULL));
  UfpCall(UfpOptionsString(o, "-summary_names", "a name per file, comma-separated (default: the file name)",
                           "SummarySetNames", names, sizeof names, NULL));
  UfpCall(UfpOptionsString(o, "-summary_output", "also write PREFIX.md and PREFIX.csv", "SummarySetOutput",
                           output, sizeof output, NULL));
  UfpCall(
      UfpOptionsBool(o, "-summary_overwrite", "replace existing outputs", "SummarySetOverwrite", &overwrite));
  UfpCall(UfpOptionsRealArray(o, "-summary_temperatures", "temperature of each file, for Arrhenius fits", "K",
                              "SummarySetTemperatures", temps, &ntemps, &temps_given));
  if (!temps_given) ntemps = 0;
  UfpCall(UfpOptionsString(o, "-summary_groups",
                           "group of each file for the Arrhenius fits (default: one group)",
                           "SummarySetGroups", groups, sizeof groups, NULL));
  UfpCall(UfpOptionsReal(o, "-summary_extrapolate", "temperature the Arrhenius fits are extrapolated to", "K",
                         "SummarySetExtrapolate", &t0));
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(files[0], UFP_ERR_USAGE, "-summary_files is required (see -help)");
  char *paths[MAX_FILES], *labels[MAX_FILES];
  const int n = UfpSplitList(files, paths, MAX_FILES);
  const int nnames = names[0] ? UfpSplitList(names, labels, MAX_FILES) : 0;
  UfpCheck(nnames == 0 || nnames == n, UFP_ERR_USAGE, "-summary_names gives %d names for %d files", nnames,
           n);
  char *group_names[MAX_FILES];
  const int ngroups = groups[0] ? UfpSplitList(groups, group_names, MAX_FILES) : 0;
  UfpCheck(ngroups == 0 || ngroups == n, UFP_ERR_USAGE, "-summary_groups gives %d groups for %d files",
           ngroups, n);
  UfpCheck(ntemps == 0 || ntemps == n, UFP_ERR_USAGE,
           "-summary_temperatures gives %d temperatures for %d files", ntemps, n);
  UfpCheck(t0 > 0, UFP_ERR_USAGE, "-summary_extrapolate %g K: want a positive temperature", t0);
  static Row rows[MAX_FILES];
  memset(rows, 0, sizeof rows);
  for (int k = 0; k < n; k++) {
    UfpCall(read_row(comm, paths[k], &rows[k]));
    rows[k].temperature = ntemps ? temps[k] : NAN;
    UfpCheck(!ntemps || temps[k] > 0, UFP_ERR_USAGE, "-summary_temperatures: %g K is not a temperature",
             temps[k]);
    snprintf(rows[k].group, sizeof rows[k].group, "%s", ngroups ? group_names[k] : "all");
    if (nnames)
      snprintf(rows[k].name, sizeof rows[k].name, "%s", labels[k]);
    else {
      const char *base = strrchr(paths[k], '/');
      snprintf(rows[k].name, sizeof rows[k].name, "%s", base ? base + 1 : paths[k]);
      char *dot = strstr(rows[k].name, ".h5");
      if (dot) *dot = '\0';
    }
  }
  static Arrhenius fits[MAX_FILES * NRATES];
  const int nfit = ntemps ? fit_groups(n, rows, t0, fits, MAX_FILES * NRATES) : 0;
  if (UfpCommRank(comm) == 0) write_markdown(stdout, n, rows, nfit, fits, t0), fflush(stdout);
  if (output[0]) {
    char path[UFP_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s.md", output);
    Tables tables = {.csv = 0, .n = n, .nfit = nfit, .rows = rows, .fits = fits, .t0 = t0};
    UfpCall(UfpOutputWriteOnRoot(comm, path, overwrite, write_tables, &tables));
    snprintf(path, sizeof path, "%s.csv", output);
    tables.csv = 1;
    UfpCall(UfpOutputWriteOnRoot(comm, path, overwrite, write_tables, &tables));
    if (nfit > 0) {
      ArrheniusOut ao = {.n = n, .nfit = nfit, .rows = rows, .fits = fits};
      snprintf(path, sizeof path, "%s_arrhenius.csv", output);
      UfpCall(UfpOutputWriteOnRoot(comm, path, overwrite, write_arrhenius_csv, &ao));
      if (UfpGnuplotAvailable(comm)) {
        snprintf(path, sizeof path, "%s_arrhenius.png", output);
        UfpCall(UfpOutputWriteOnRoot(comm, path, overwrite, write_arrhenius_png, &ao));
      } else
        UfpInfo(
            comm,
            "acf-summary: gnuplot not found, no Arrhenius figure (Debian: apt-get install gnuplot-nox)\n");
    }
  }
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  UfpErrorCode code = UfpInitialize(&argc, &argv, help);
  if (code == UFP_SUCCESS) code = run(MPI_COMM_WORLD);
  int status = UfpMainFinish(MPI_COMM_WORLD, "acf-summary", code);
  UfpFinalize();
  return status;
}
