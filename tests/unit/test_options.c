/* test_options.c -- the PETSc options database behind every executable. */
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "test_util.h"

static void test_options_from_command_line_and_file(void **state)
{
  (void)state;
  const char *path = ufp_test_tmp("options.txt");
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "# comment line\n-md_nsteps 2500\n-md_label beta_LPS\n-md_thermostat bussi\n");
  fclose(f);
  char *args[] = {"prog", "--help", "-md_timestep", "0.002", "-options_file", (char *)path,
                  "-md_replicate", "3,2,2", "-md_remove_drift", "0", "-md_bad", "abc", NULL};
  int argc = 12;
  char **argv = args;
  assert_ufp_ok(UfpInitialize(&argc, &argv, "test program\n"));
  assert_true(UfpHelpRequested());
  assert_false(UfpVersionRequested());

  double dt = 0.001, temperature = 300.0, replicate[3] = {1, 1, 1}, bad = 1.0;
  long nsteps = 100;
  int drift = 1, nrep = 3, thermostat = 0;
  char label[64] = "default";
  const char *thermostats[] = {"none", "langevin", "bussi"};
  UfpOptions o = NULL;
  assert_ufp_ok(UfpOptionsBegin(MPI_COMM_WORLD, NULL, "Test options", &o));
  assert_ufp_ok(UfpOptionsReal(o, "-md_timestep", "time step", "ps", "MDSetTimestep", &dt));
  assert_ufp_ok(UfpOptionsReal(o, "-md_temperature", "temperature", "K", "MDSetTemperature", &temperature));
  assert_ufp_ok(UfpOptionsInt(o, "-md_nsteps", "number of steps", "", "MDSetNumSteps", &nsteps));
  assert_ufp_ok(UfpOptionsString(o, "-md_label", "run label", "MDSetLabel", label, sizeof label, NULL));
  assert_ufp_ok(UfpOptionsRealArray(o, "-md_replicate", "supercell", "", "MDSetReplicate", replicate, &nrep, NULL));
  assert_ufp_ok(UfpOptionsBool(o, "-md_remove_drift", "remove drift", "MDSetRemoveDrift", &drift));
  assert_ufp_ok(UfpOptionsChoice(o, "-md_thermostat", "thermostat", "MDSetThermostat", thermostats, 3, &thermostat));
  assert_ufp_fails(UfpOptionsReal(o, "-md_bad", "a bad value", "eV", "MDSetBad", &bad), UFP_ERR_USAGE,
                   "invalid value \"abc\" for option -md_bad: expected a real number");
  assert_ufp_ok(UfpOptionsEnd(&o));
  assert_null(o);

  assert_close(dt, 0.002, 0);
  assert_close(temperature, 300.0, 0);
  assert_int_equal(nsteps, 2500);
  assert_string_equal(label, "beta_LPS");
  assert_int_equal(nrep, 3);
  assert_close(replicate[0], 3, 0);
  assert_close(replicate[2], 2, 0);
  assert_int_equal(drift, 0);
  assert_int_equal(thermostat, 2);

  char *all = NULL;
  assert_ufp_ok(UfpOptionsGetAll(&all));
  assert_non_null(strstr(all, "-md_timestep 0.002"));
  assert_non_null(strstr(all, "-md_nsteps 2500"));
  UfpFree(&all);
  assert_ufp_ok(UfpFinalize());
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_options_from_command_line_and_file),
  };
  return UFP_TEST_MAIN("options", tests);
}
