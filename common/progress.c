/*
 * progress.c -- rate and ETA reporting (see progress.h).
 *
 * ETA = (total - done) / rate, with rate = (done - done_at_start) /
 * (now - start): the mean over the run, which is steadier than an
 * instantaneous rate for MD, whose cost per step barely varies.  A restarted
 * run starts counting from where it resumed, so the rate is not inflated by
 * steps done in an earlier job.
 */
#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parallel.h"
#include "structure.h"

struct UfpProgress_ {
  int active; /* rank 0 only */
  char label[UFP_NAME_MAX], unit[UFP_NAME_MAX];
  int64_t total, first, last_done;
  int started;
  double start, last_print, interval;
  FILE *stream;
  double (*now)(void *ctx);
  void *ctx;
};

static double monotonic_now(void *ctx)
{
  (void)ctx;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

UfpErrorCode UfpProgressCreate(MPI_Comm comm, const char *label, const char *unit, int64_t total,
                               UfpProgress *p)
{
  UfpCall(UfpCalloc(1, p));
  UfpProgress q = *p;
  q->active = UfpCommRank(comm) == 0;
  snprintf(q->label, sizeof q->label, "%s", label);
  snprintf(q->unit, sizeof q->unit, "%s", unit);
  q->total = total;
  q->stream = stdout;
  q->now = monotonic_now;
  q->interval = isatty(fileno(stdout)) ? 2.0 : 30.0;
  const char *env = getenv("UFP_PROGRESS_INTERVAL");
  if (env && atof(env) > 0) q->interval = atof(env);
  return UFP_SUCCESS;
}

UfpErrorCode UfpProgressSetInterval(UfpProgress p, double seconds)
{
  UfpCheck(seconds > 0, UFP_ERR_USAGE, "progress interval must be positive (got %g s)", seconds);
  p->interval = seconds;
  return UFP_SUCCESS;
}

UfpErrorCode UfpProgressSetStream(UfpProgress p, FILE *stream)
{
  p->stream = stream;
  return UFP_SUCCESS;
}

UfpErrorCode UfpProgressSetClock(UfpProgress p, double (*now)(void *ctx), void *ctx)
{
  p->now = now;
  p->ctx = ctx;
  return UFP_SUCCESS;
}

void UfpFormatDuration(double seconds, char *buffer, size_t capacity)
{
  if (!(seconds >= 0) || seconds > 1e9) {
    snprintf(buffer, capacity, "unknown");
    return;
  }
  long s = (long)(seconds + 0.5);
  if (s >= 86400)
    snprintf(buffer, capacity, "%ld d %02ld h", s / 86400, (s % 86400) / 3600);
  else if (s >= 3600)
    snprintf(buffer, capacity, "%ld h %02ld min", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    snprintf(buffer, capacity, "%ld min %ld s", s / 60, s % 60);
  else
    snprintf(buffer, capacity, "%ld s", s);
}

static void print_line(UfpProgress p, int64_t done, double t, int final)
{
  double elapsed = t - p->start, rate = elapsed > 0 ? (double)(done - p->first) / elapsed : 0.0;
  char when[64], eta[64];
  UfpFormatDuration(elapsed, when, sizeof when);
  if (final) {
    fprintf(p->stream, "%s: done, %lld %s in %s (%.4g %s/s)\n", p->label, (long long)done, p->unit,
            when, rate, p->unit);
  } else {
    UfpFormatDuration(rate > 0 ? (double)(p->total - done) / rate : -1.0, eta, sizeof eta);
    fprintf(p->stream, "%s: %lld/%lld %s (%.1f%%), %.4g %s/s, elapsed %s, ETA %s\n", p->label,
            (long long)done, (long long)p->total, p->unit,
            p->total > 0 ? 100.0 * (double)done / (double)p->total : 100.0, rate, p->unit, when, eta);
  }
  fflush(p->stream);
  p->last_print = t;
}

void UfpProgressUpdate(UfpProgress p, int64_t done)
{
  if (!p || !p->active) return;
  double t = p->now(p->ctx);
  if (!p->started) {
    p->started = 1;
    p->start = p->last_print = t;
    p->first = done;
  }
  p->last_done = done;
  if (t - p->last_print >= p->interval) print_line(p, done, t, 0);
}

void UfpProgressFinish(UfpProgress p)
{
  if (!p || !p->active) return;
  if (!p->started) UfpProgressUpdate(p, p->last_done);
  print_line(p, p->last_done, p->now(p->ctx), 1);
}

UfpErrorCode UfpProgressDestroy(UfpProgress *p)
{
  UfpFree(p);
  return UFP_SUCCESS;
}
