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

#include "h5io.h"
#include "options.h"
#include "parallel.h"
#include "safe_output.h"
#include "sites.h"

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
  char name[128], subset[32];
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

static void write_markdown(FILE *out, int n, const Row *rows)
{
  char c1[96], c2[96], c3[96], t[32];
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
            isfinite(r->l2) ? (snprintf(t, sizeof t, "%.2f", r->l2), t) : "-",
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

static UfpErrorCode write_file(MPI_Comm comm, const char *path, int overwrite, int csv, int n,
                               const Row *rows)
{
  char partial[UFP_PATH_MAX + 32];
  UfpCall(UfpOutputBegin(comm, path, overwrite, partial));
  if (UfpCommRank(comm) == 0) {
    FILE *f = fopen(partial, "w");
    UfpCheck(f, UFP_ERR_IO, "%s: cannot write", partial);
    if (csv)
      write_csv(f, n, rows);
    else
      write_markdown(f, n, rows);
    UfpCheck(fclose(f) == 0, UFP_ERR_IO, "%s: write failed", partial);
  }
  UfpCall(UfpOutputCommit(comm, path));
  return UFP_SUCCESS;
}

static UfpErrorCode run(MPI_Comm comm)
{
  char files[8192] = "", names[4096] = "", output[UFP_PATH_MAX] = "";
  int overwrite = 0;
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
  UfpCall(UfpOptionsEnd(&o));
  if (UfpHelpRequested()) return UFP_SUCCESS;
  UfpCheck(files[0], UFP_ERR_USAGE, "-summary_files is required (see -help)");
  char *paths[MAX_FILES], *labels[MAX_FILES];
  const int n = UfpSplitList(files, paths, MAX_FILES);
  const int nnames = names[0] ? UfpSplitList(names, labels, MAX_FILES) : 0;
  UfpCheck(nnames == 0 || nnames == n, UFP_ERR_USAGE, "-summary_names gives %d names for %d files", nnames,
           n);
  Row rows[MAX_FILES];
  memset(rows, 0, sizeof rows);
  for (int k = 0; k < n; k++) {
    UfpCall(read_row(comm, paths[k], &rows[k]));
    if (nnames)
      snprintf(rows[k].name, sizeof rows[k].name, "%s", labels[k]);
    else {
      const char *base = strrchr(paths[k], '/');
      snprintf(rows[k].name, sizeof rows[k].name, "%s", base ? base + 1 : paths[k]);
      char *dot = strstr(rows[k].name, ".h5");
      if (dot) *dot = '\0';
    }
  }
  if (UfpCommRank(comm) == 0) write_markdown(stdout, n, rows), fflush(stdout);
  if (output[0]) {
    char path[UFP_PATH_MAX + 8];
    snprintf(path, sizeof path, "%s.md", output);
    UfpCall(write_file(comm, path, overwrite, 0, n, rows));
    snprintf(path, sizeof path, "%s.csv", output);
    UfpCall(write_file(comm, path, overwrite, 1, n, rows));
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
