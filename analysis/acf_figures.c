/* acf_figures.c -- see acf_figures.h. */
#include "acf_figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "lipari_szabo.h"
#include "parallel.h"
#include "safe_output.h"
#include "units.h"

typedef UfpErrorCode (*Writer)(FILE *out, const AcfFigureData *d);

/* Rows written for a curve of n lags: all of the first 200, then about
 * 2000 log-spaced ones (the HDF5 file has every lag). */
static int64_t next_row(int64_t k, int64_t n)
{
  if (k < 200) return k + 1;
  int64_t step = (int64_t)(k * (pow((double)n / 200.0, 1.0 / 2000.0) - 1.0));
  return k + (step > 1 ? step : 1);
}

static double fit_value(const AcfFigureData *d, int k, double t)
{
  return d->fit_decays[k] ? LsModel(t, d->fit_b2[k], d->fit_tau[k], d->fit_gamma[k]) : NAN;
}

static UfpErrorCode csv_acf(FILE *out, const AcfFigureData *d)
{
  fprintf(out, "time_ps,acf_omega_q,acf_cq,fit_omega_q,fit_cq,centred_omega_q,centred_cq\n");
  for (int64_t k = 0; k < d->nframes; k = next_row(k, d->nframes))
    fprintf(out, "%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", d->time[k], d->acf_omega[k], d->acf_cq[k],
            fit_value(d, 0, d->time[k]), fit_value(d, 1, d->time[k]), d->acf_omega_centred[k],
            d->acf_cq_centred[k]);
  return UFP_SUCCESS;
}

static UfpErrorCode csv_sites(FILE *out, const AcfFigureData *d)
{
  fprintf(out, "time_ps,LiS4,LiS5,LiS6\n");
  for (int64_t k = 0; k < d->nframes; k = next_row(k, d->nframes))
    fprintf(out, "%.10g,%.10g,%.10g,%.10g\n", d->time[k], d->acf_site[k], d->acf_site[d->nframes + k],
            d->acf_site[2 * d->nframes + k]);
  return UFP_SUCCESS;
}

static UfpErrorCode csv_msd(FILE *out, const AcfFigureData *d)
{
  fprintf(out, "time_ps,msd_A2,cumulative_hops\n");
  double hops = 0.0;
  for (int64_t k = 0, next = 0; k < d->msd_nframes; k++) {
    hops += d->hop_frames[k];
    if (k == next || k == d->msd_nframes - 1) {
      fprintf(out, "%.10g,%.10g,%.0f\n", k * d->msd_dt, d->msd[k], hops);
      next = next_row(k, d->msd_nframes);
    }
  }
  return UFP_SUCCESS;
}

static UfpErrorCode csv_hist(FILE *out, const AcfFigureData *d)
{
  fprintf(out, "bin,omega_q_hz,LiS4,LiS5,LiS6,all,cq_hz,LiS4,LiS5,LiS6,all\n");
  const double qlo = d->signed_cq ? -d->cq_range : 0.0;
  for (int b = 0; b < d->nbins; b++) {
    double w = -d->omega_range + (b + 0.5) * 2.0 * d->omega_range / d->nbins;
    double q = qlo + (b + 0.5) * (d->cq_range - qlo) / d->nbins;
    fprintf(out, "%d,%.8g", b, w);
    for (int c = 0; c < d->nclass; c++)
      fprintf(out, ",%.0f", d->hist_omega[c * d->nbins + b]);
    fprintf(out, ",%.8g", q);
    for (int c = 0; c < d->nclass; c++)
      fprintf(out, ",%.0f", d->hist_cq[c * d->nbins + b]);
    fprintf(out, "\n");
  }
  return UFP_SUCCESS;
}

static UfpErrorCode csv_orientation(FILE *out, const AcfFigureData *d)
{
  fprintf(out, "theta_deg,phi_deg,count\n");
  const double step = 90.0 / d->nmap;
  for (int i = 0; i < d->nmap; i++) {
    for (int j = 0; j < d->nmap; j++)
      fprintf(out, "%.4f,%.4f,%.0f\n", (i + 0.5) * step, (j + 0.5) * step, d->map[i * d->nmap + j]);
    fprintf(out, "\n"); /* gnuplot: blank line between scans */
  }
  return UFP_SUCCESS;
}

typedef struct {
  Writer writer;
  const AcfFigureData *d;
} CsvContext;

static UfpErrorCode write_csv(const char *partial, void *ctx)
{
  const CsvContext *c = ctx;
  FILE *out = fopen(partial, "w");
  UfpCheck(out, UFP_ERR_IO, "cannot open %s for writing", partial);
  UfpErrorCode ierr = c->writer(out, c->d);
  int failed = ferror(out);
  failed |= fclose(out) != 0;
  UfpCall(ierr);
  UfpCheck(!failed, UFP_ERR_IO, "error writing %s", partial);
  return UFP_SUCCESS;
}

/* One gnuplot run writes every figure to its partial name (rank 0). */
static UfpErrorCode plot(const AcfFigureData *d, const char (*png)[UFP_PATH_MAX + 64], int nfig,
                         const char (*csv)[UFP_PATH_MAX + 64])
{
  char script[UFP_PATH_MAX + 64];
  snprintf(script, sizeof script, "%s_plots.gp.partial", d->prefix);
  FILE *gp = fopen(script, "w");
  UfpCheck(gp, UFP_ERR_IO, "cannot write %s", script);
  fprintf(gp, "set datafile separator ','\nset terminal pngcairo size 900,650 font 'sans,11'\nset grid\n"
              "set key top right\n");
  fprintf(
      gp,
      "set output '%s.partial'\nset logscale x\nset xlabel 'time (ps)'\nset ylabel 'normalised ACF'\n"
      "set title 'SAE correlation functions and Lipari-Szabo fits'\n"
      "plot '%s' u 1:2 every ::1 w l lw 2 t '<omega_Q(0) omega_Q(t)>', '' u 1:4 every ::1 w l dt 2 t 'fit', "
      "'' u 1:3 every ::1 w l lw 2 t '<C_Q(0) C_Q(t)>', '' u 1:5 every ::1 w l dt 2 t 'fit'\n",
      png[0], csv[0]);
  fprintf(
      gp,
      "unset logscale x\nset output '%s.partial'\nset xlabel 'omega_Q (kHz)'\nset ylabel 'count'\n"
      "set title 'omega_Q and C_Q per site class (first frame)'\nset multiplot layout 1,2\n"
      "plot '%s' u ($2/1e3):3 w steps t 'LiS4', '' u ($2/1e3):5 w steps t 'LiS6', '' u ($2/1e3):6 w steps "
      "t 'all'\nset xlabel 'C_Q (kHz)'\nset title ''\n"
      "plot '%s' u ($7/1e3):8 w steps t 'LiS4', '' u ($7/1e3):10 w steps t 'LiS6', '' u ($7/1e3):11 w steps "
      "t 'all'\nunset multiplot\n",
      png[1], csv[1], csv[1]);
  fprintf(gp,
          "set output '%s.partial'\nset title 'field direction in the EFG principal frame'\n"
          "set xlabel 'phi (deg, from x)'\nset ylabel 'theta (deg, from z)'\nset view map\nunset key\n"
          "set xrange [0:90]\nset yrange [0:90]\nsplot '%s' u 2:1:3 w image\nunset view\nset key\n"
          "set autoscale\n",
          png[2], csv[2]);
  if (nfig > 3) {
    double total_hops = 0.0; /* a fixed hop axis when there are none (gnuplot cannot autoscale zeros) */
    for (int64_t k = 0; d->hop_frames && k < d->msd_nframes; k++)
      total_hops += d->hop_frames[k];
    fprintf(
        gp,
        "set output '%s.partial'\nset title 'MSD and hops'\nset xlabel 'time (ps)'\nset ylabel 'MSD (A^2)'\n"
        "set y2label 'cumulative hops'\nset y2tics\nset y2range [0:%s]\n"
        "plot '%s' u 1:2 w l lw 2 t 'MSD', '' u 1:3 axes x1y2 w steps t 'hops'\n"
        "unset y2tics\nunset y2label\nset autoscale y2\n",
        png[3], total_hops > 0 ? "*" : "1", csv[3]);
    fprintf(gp,
            "set output '%s.partial'\nset logscale x\nset title 'ACF C_Q per starting site'\n"
            "set xlabel 'time (ps)'\nset ylabel 'normalised ACF of C_Q'\n"
            "plot '%s' u 1:2 every ::1 w l lw 2 t 'LiS4', '' u 1:4 every ::1 w l lw 2 t 'LiS6'\n",
            png[4], csv[4]);
  }
  fclose(gp);
  UfpErrorCode ierr = UfpGnuplotRun(script);
  remove(script);
  return ierr;
}

UfpErrorCode AcfFiguresWrite(MPI_Comm comm, const AcfFigureData *d)
{
  const char *names[5] = {"acf", "hist", "orientation", "msd", "acf_sites"};
  const Writer writers[5] = {csv_acf, csv_hist, csv_orientation, csv_msd, csv_sites};
  const int n = d->have_dynamics ? 5 : 3;
  char csv[5][UFP_PATH_MAX + 64], png[5][UFP_PATH_MAX + 64];
  for (int k = 0; k < n; k++) {
    snprintf(csv[k], sizeof csv[k], "%s_%s.csv", d->prefix, names[k]);
    snprintf(png[k], sizeof png[k], "%s_%s.png", d->prefix, names[k]);
    CsvContext ctx = {writers[k], d};
    UfpCall(UfpOutputWriteOnRoot(comm, csv[k], d->overwrite, write_csv, &ctx));
  }
  if (!UfpGnuplotAvailable(comm)) {
    UfpInfo(comm, "acf-fit: gnuplot not found, no figures (Debian: apt-get install gnuplot-nox)\n");
    return UFP_SUCCESS;
  }
  char partial[UFP_PATH_MAX + 96];
  for (int k = 0; k < n; k++)
    UfpCall(UfpOutputBegin(comm, png[k], d->overwrite, partial));
  UfpErrorCode ierr = UFP_SUCCESS;
  if (UfpCommRank(comm) == 0)
    ierr = plot(d, (const char(*)[UFP_PATH_MAX + 64]) png, n, (const char(*)[UFP_PATH_MAX + 64]) csv);
  UfpCall(UfpErrorSync(comm, ierr));
  for (int k = 0; k < n; k++)
    UfpCall(UfpOutputCommit(comm, png[k]));
  return UFP_SUCCESS;
}
