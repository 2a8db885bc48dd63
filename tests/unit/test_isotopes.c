/* test_isotopes.c -- the table of quadrupolar nuclei and its lookups. */
#include <stdio.h>
#include <string.h>

#include "isotopes.h"
#include "test_util.h"

static const UfpIsotope *find(const char *name)
{
  const UfpIsotope *isotope = NULL;
  assert_ufp_ok(UfpIsotopeFind(name, &isotope));
  assert_non_null(isotope);
  return isotope;
}

static void test_lithium7(void **state)
{
  (void)state;
  const UfpIsotope *li7 = find("7Li");
  assert_string_equal(li7->symbol, "7Li");
  assert_string_equal(li7->element, "Li");
  assert_int_equal(li7->mass_number, 7);
  assert_int_equal(li7->twice_spin, 3);
  assert_true(li7->spin == 1.5);
  assert_true(li7->q_mb == -40.1);
  assert_true(li7->gamma == 10.3977013);
  assert_true(li7->abundance == 92.41);
  assert_true(li7->is_default);
  assert_non_null(strstr(li7->source, "soprano"));
  assert_non_null(strstr(li7->source, "Harris"));
  /* The other spellings give the same entry. */
  assert_ptr_equal(find("Li7"), li7);
  assert_ptr_equal(find("Li-7"), li7);
  assert_ptr_equal(find("7-Li"), li7);
}

/* Every Q exactly as documented in isotopes.c (mb). */
static void test_quadrupole_moments(void **state)
{
  (void)state;
  static const struct {
    const char *name;
    double q_mb;
    int twice_spin;
  } expected[] = {
      {"2H", 2.86, 2},     {"6Li", -0.808, 2},  {"7Li", -40.1, 3},  {"9Be", 52.88, 3},
      {"10B", 84.59, 6},   {"11B", 40.59, 3},   {"14N", 20.44, 2},  {"17O", -25.58, 5},
      {"23Na", 104.0, 3},  {"25Mg", 199.4, 5},  {"27Al", 146.6, 5}, {"33S", -69.4, 3},
      {"35Cl", -81.12, 3}, {"37Cl", -63.93, 3}, {"39K", 60.3, 3},   {"43Ca", -40.8, 7},
  };
  int n = (int)(sizeof expected / sizeof expected[0]);
  assert_true(UfpIsotopeCount() >= n);
  for (int i = 0; i < n; i++) {
    const UfpIsotope *isotope = find(expected[i].name);
    if (isotope->q_mb != expected[i].q_mb)
      fail_msg("%s: Q = %.17g mb, expected %.17g", expected[i].name, isotope->q_mb, expected[i].q_mb);
    assert_int_equal(isotope->twice_spin, expected[i].twice_spin);
    assert_true(isotope->spin == 0.5 * expected[i].twice_spin);
    assert_true(isotope->twice_spin >= 2); /* all quadrupolar */
    assert_non_null(isotope->source);
    assert_true(strlen(isotope->source) > 10);
  }
  /* Gyromagnetic ratios of a few, Harris et al. (2001), 1e7 rad/s/T; signs matter. */
  assert_true(find("2H")->gamma == 4.10662791);
  assert_true(find("17O")->gamma == -3.62808);
  assert_true(find("23Na")->gamma == 7.0808493);
  assert_true(find("43Ca")->gamma == -1.803069);
}

static void test_table_consistency(void **state)
{
  (void)state;
  for (int i = 0; i < UfpIsotopeCount(); i++) {
    const UfpIsotope *isotope = UfpIsotopeAt(i);
    char name[16];
    snprintf(name, sizeof name, "%d%s", isotope->mass_number, isotope->element);
    assert_string_equal(name, isotope->symbol);
    assert_ptr_equal(find(isotope->symbol), isotope);
    assert_true(isotope->abundance > 0.0 && isotope->abundance <= 100.0);
    /* Exactly one default per element. */
    int defaults = 0;
    for (int j = 0; j < UfpIsotopeCount(); j++)
      if (strcmp(UfpIsotopeAt(j)->element, isotope->element) == 0) defaults += UfpIsotopeAt(j)->is_default;
    assert_int_equal(defaults, 1);
  }
  assert_null(UfpIsotopeAt(-1));
  assert_null(UfpIsotopeAt(UfpIsotopeCount()));
}

static void test_defaults(void **state)
{
  (void)state;
  static const char *pairs[][2] = {{"Li", "7Li"}, {"H", "2H"},    {"O", "17O"},   {"N", "14N"},
                                   {"B", "11B"},  {"Na", "23Na"}, {"Mg", "25Mg"}, {"Al", "27Al"},
                                   {"S", "33S"},  {"Cl", "35Cl"}, {"Ca", "43Ca"}, {"K", "39K"},
                                   {"Be", "9Be"}};
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
    const UfpIsotope *isotope = NULL;
    assert_ufp_ok(UfpIsotopeDefault(pairs[i][0], &isotope));
    assert_string_equal(isotope->symbol, pairs[i][1]);
    const UfpIsotope *resolved = NULL;
    assert_ufp_ok(UfpIsotopeResolve(pairs[i][0], &resolved));
    assert_ptr_equal(resolved, isotope);
  }
  const UfpIsotope *resolved = NULL;
  assert_ufp_ok(UfpIsotopeResolve("6Li", &resolved));
  assert_string_equal(resolved->symbol, "6Li");
}

static void test_unknown_names(void **state)
{
  (void)state;
  const UfpIsotope *isotope = (const UfpIsotope *)&isotope;
  assert_ufp_fails(UfpIsotopeFind("8Li", &isotope), UFP_ERR_INPUT, "unknown isotope \"8Li\"");
  assert_null(isotope);
  /* The message lists what is known. */
  assert_ufp_fails(UfpIsotopeFind("13C", &isotope), UFP_ERR_INPUT, "7Li");
  assert_ufp_fails(UfpIsotopeFind("7LI", &isotope), UFP_ERR_INPUT, "unknown isotope");
  assert_ufp_fails(UfpIsotopeFind("Li", &isotope), UFP_ERR_INPUT, "cannot read \"Li\"");
  assert_ufp_fails(UfpIsotopeFind("7", &isotope), UFP_ERR_INPUT, "cannot read");
  assert_ufp_fails(UfpIsotopeFind("", &isotope), UFP_ERR_INPUT, "cannot read");
  assert_ufp_fails(UfpIsotopeFind("7Li ", &isotope), UFP_ERR_INPUT, "cannot read");
  assert_ufp_fails(UfpIsotopeFind("Li7x", &isotope), UFP_ERR_INPUT, "cannot read");
  assert_ufp_fails(UfpIsotopeDefault("C", &isotope), UFP_ERR_INPUT,
                   "no default quadrupolar isotope for element \"C\"");
  assert_ufp_fails(UfpIsotopeDefault("Xx", &isotope), UFP_ERR_INPUT, "Li");
  assert_ufp_fails(UfpIsotopeResolve("Zz9", &isotope), UFP_ERR_INPUT, "unknown isotope");
  assert_ufp_fails(UfpIsotopeFind(NULL, &isotope), UFP_ERR_INTERNAL, NULL);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lithium7),          cmocka_unit_test(test_quadrupole_moments),
      cmocka_unit_test(test_table_consistency), cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_unknown_names),
  };
  return UFP_TEST_MAIN("isotopes", tests);
}
