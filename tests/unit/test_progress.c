/* test_progress.c -- progress lines: interval, rate and ETA. */
#include <stdio.h>
#include <string.h>

#include "progress.h"
#include "test_util.h"

static double fake_now(void *ctx) { return *(double *)ctx; }

static void test_interval_rate_and_eta(void **state)
{
  (void)state;
  double clock = 100.0;
  FILE *out = tmpfile();
  UfpProgress p = NULL;
  assert_ufp_ok(UfpProgressCreate(MPI_COMM_WORLD, "ufp-md", "steps", 1000, &p));
  assert_ufp_ok(UfpProgressSetStream(p, out));
  assert_ufp_ok(UfpProgressSetClock(p, fake_now, &clock));
  assert_ufp_ok(UfpProgressSetInterval(p, 10.0));
  UfpProgressUpdate(p, 0);          /* t = 0: start */
  clock = 105.0;
  UfpProgressUpdate(p, 50);         /* 5 s: too early, nothing printed */
  clock = 110.0;
  UfpProgressUpdate(p, 100);        /* 10 s: 100 steps, 10 steps/s, ETA 90 s */
  clock = 115.0;
  UfpProgressUpdate(p, 150);        /* 5 s after the last line: nothing */
  clock = 200.0;
  UfpProgressUpdate(p, 1000);
  UfpProgressFinish(p);
  assert_ufp_ok(UfpProgressDestroy(&p));
  assert_null(p);
  rewind(out);
  char lines[4][256] = {{0}};
  int n = 0;
  while (n < 4 && fgets(lines[n], sizeof lines[n], out)) n++;
  fclose(out);
  assert_int_equal(n, 3);
  assert_string_equal(lines[0],
                      "ufp-md: 100/1000 steps (10.0%), 10 steps/s, elapsed 10 s, ETA 1 min 30 s\n");
  assert_string_equal(lines[1], "ufp-md: 1000/1000 steps (100.0%), 10 steps/s, elapsed 1 min 40 s, ETA 0 s\n");
  assert_string_equal(lines[2], "ufp-md: done, 1000 steps in 1 min 40 s (10 steps/s)\n");
}

static void test_resumed_run_rate(void **state)
{
  (void)state;
  /* A run resumed at 600 of 1000 measures its rate from 600, not from 0. */
  double clock = 0.0;
  FILE *out = tmpfile();
  UfpProgress p = NULL;
  assert_ufp_ok(UfpProgressCreate(MPI_COMM_WORLD, "md", "steps", 1000, &p));
  assert_ufp_ok(UfpProgressSetStream(p, out));
  assert_ufp_ok(UfpProgressSetClock(p, fake_now, &clock));
  assert_ufp_ok(UfpProgressSetInterval(p, 1.0));
  UfpProgressUpdate(p, 600);
  clock = 20.0;
  UfpProgressUpdate(p, 700);
  assert_ufp_ok(UfpProgressDestroy(&p));
  rewind(out);
  char line[256] = {0};
  assert_non_null(fgets(line, sizeof line, out));
  fclose(out);
  assert_string_equal(line, "md: 700/1000 steps (70.0%), 5 steps/s, elapsed 20 s, ETA 1 min 0 s\n");
}

static void test_durations(void **state)
{
  (void)state;
  char text[64];
  UfpFormatDuration(3725.0, text, sizeof text);
  assert_string_equal(text, "1 h 02 min");
  UfpFormatDuration(2.0 * 86400 + 7200, text, sizeof text);
  assert_string_equal(text, "2 d 02 h");
  UfpFormatDuration(-1.0, text, sizeof text);
  assert_string_equal(text, "unknown");
}

static void test_bad_interval(void **state)
{
  (void)state;
  UfpProgress p = NULL;
  assert_ufp_ok(UfpProgressCreate(MPI_COMM_WORLD, "x", "items", 10, &p));
  assert_ufp_fails(UfpProgressSetInterval(p, 0.0), UFP_ERR_USAGE, "positive");
  assert_ufp_ok(UfpProgressDestroy(&p));
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_interval_rate_and_eta),
      cmocka_unit_test(test_resumed_run_rate),
      cmocka_unit_test(test_durations),
      cmocka_unit_test(test_bad_interval),
  };
  return UFP_TEST_MAIN("progress", tests);
}
