/*
 * test_h5md.c -- H5MD trajectories on 1, 2 and 3 ranks.
 *
 * Every datum depends only on (variant, frame, global atom index), so files
 * written on any number of ranks hold the same numbers, and a reader with a
 * different partition must get them back exactly (forces to the round-off of
 * the eV <-> kJ/mol conversion).  Includes the truncate-then-append
 * regression test for the HDF5 1.10 MPI-IO shrink-then-grow data loss.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "h5md.h"
#include "parallel.h"
#include "test_util.h"
#include "units.h"

#define NATOMS 7
#define MAXLOCAL NATOMS

static int world_rank(void) { return UfpCommRank(MPI_COMM_WORLD); }
static int world_size(void) { return UfpCommSize(MPI_COMM_WORLD); }

/* A fresh scratch path (ufp_test_tmp makes it private to the rank count). */
static void tmp_path(const char *stem, char *path, size_t size)
{
  char name[256];
  snprintf(name, sizeof name, "%s.h5", stem);
  snprintf(path, size, "%s", ufp_test_tmp(name));
}

/* ---------------------------------------------------- deterministic data */

static int64_t frame_step(int variant, int frame) { return 10 * frame + variant; }
static double frame_time(int variant, int frame)
{
  return 0.005 * (double)frame_step(variant, frame) + 0.5 * variant;
}

static void frame_lattice(int variant, int frame, double h[3][3])
{
  double a = 10.0 + 0.1 * frame + variant;
  const double lattice[3][3] = {
      {a, 0.0, 0.0}, {2.0, 11.0 - 0.05 * frame, 0.0}, {-1.0, 1.5, 12.0 + variant}};
  memcpy(h, lattice, sizeof lattice);
}

static double pos(int variant, int frame, int64_t i, int k)
{
  return 0.5 * (double)i + 0.125 * k + 1.5 * frame + 100.0 * variant - 3.0;
}
static int img(int variant, int frame, int64_t i, int k)
{
  return (int)((i + frame + k + variant) % 5) - 2;
}
static double vel(int variant, int frame, int64_t i, int k)
{
  return -(0.2 * (double)i + k) + 0.75 * frame + 7.0 * variant;
}
static double frc(int variant, int frame, int64_t i, int k)
{
  return sin(0.3 * (double)i + k + 0.05 * frame) * (1.0 + variant);
}

static const char *labels[4] = {"Li", "La", "Zr", "O"};
static void make_species(char (*species)[UFP_H5MD_LABEL_MAX], double *masses)
{
  static const double mass_of[4] = {6.94, 138.905, 91.224, 15.999};
  for (int i = 0; i < NATOMS; i++) {
    int s = (i * 3) % 4;
    snprintf(species[i], UFP_H5MD_LABEL_MAX, "%s", labels[s]);
    masses[i] = mass_of[s];
  }
}

typedef struct {
  double x[MAXLOCAL][3], v[MAXLOCAL][3], f[MAXLOCAL][3];
  int image[MAXLOCAL][3];
} Slab;

static void fill_slab(int variant, int frame, int64_t start, int64_t count, Slab *s)
{
  for (int64_t i = 0; i < count; i++)
    for (int k = 0; k < 3; k++) {
      s->x[i][k] = pos(variant, frame, start + i, k);
      s->v[i][k] = vel(variant, frame, start + i, k);
      s->f[i][k] = frc(variant, frame, start + i, k);
      s->image[i][k] = img(variant, frame, start + i, k);
    }
}

static UfpErrorCode append(UfpH5md *h, int variant, int frame, int with_extras)
{
  int64_t start, count;
  double lattice[3][3];
  Slab s;
  UfpH5mdGetLocalAtoms(h, &start, &count);
  fill_slab(variant, frame, start, count, &s);
  frame_lattice(variant, frame, lattice);
  int64_t step = frame_step(variant, frame);
  double time = frame_time(variant, frame);
  UfpCall(UfpH5mdAppendFrame(h, step, time, lattice, s.x, with_extras ? s.image : NULL,
                             with_extras ? s.v : NULL, with_extras ? s.f : NULL));
  UfpCall(UfpH5mdAppendObservable(h, "potential_energy", "eV", step, time, -5.0 * frame + variant));
  UfpCall(UfpH5mdAppendObservable(h, "temperature", "K", step, time, 300.0 + frame + 10 * variant));
  return UFP_SUCCESS;
}

/* Check frame index `frame` against (variant, data_frame); returns 1 if all
 * of this rank's data match. */
static int check_frame(UfpH5md *h, int64_t frame, int variant, int data_frame, int with_extras)
{
  int64_t start, count, step;
  double time, lattice[3][3], expected[3][3];
  Slab s;
  UfpErrorCode err = UfpH5mdReadFrame(h, frame, &step, &time, lattice, s.x,
                                      with_extras ? s.image : NULL, with_extras ? s.v : NULL,
                                      with_extras ? s.f : NULL);
  if (err != UFP_SUCCESS) {
    print_error("ReadFrame failed: %s\n%s", UfpErrorMessage(), UfpErrorTraceback());
    return 0;
  }
  UfpH5mdGetLocalAtoms(h, &start, &count);
  int ok = step == frame_step(variant, data_frame) && time == frame_time(variant, data_frame);
  frame_lattice(variant, data_frame, expected);
  ok &= memcmp(lattice, expected, sizeof expected) == 0;
  for (int64_t i = 0; i < count; i++)
    for (int k = 0; k < 3; k++) {
      ok &= s.x[i][k] == pos(variant, data_frame, start + i, k);
      if (!with_extras) continue;
      ok &= s.image[i][k] == img(variant, data_frame, start + i, k);
      ok &= s.v[i][k] == vel(variant, data_frame, start + i, k);
      ok &= fabs(s.f[i][k] - frc(variant, data_frame, start + i, k)) < 1e-13;
    }
  for (int o = 0; o < 2; o++) {
    const char *name = o == 0 ? "potential_energy" : "temperature";
    double value, want = o == 0 ? -5.0 * data_frame + variant : 300.0 + data_frame + 10 * variant;
    if (UfpH5mdReadObservable(h, name, frame, &step, &time, &value) != UFP_SUCCESS) return 0;
    ok &= step == frame_step(variant, data_frame) && time == frame_time(variant, data_frame) &&
          value == want;
  }
  return ok;
}

static UfpErrorCode create_file(const char *path, int with_extras, UfpH5md **h)
{
  char species[NATOMS][UFP_H5MD_LABEL_MAX];
  double masses[NATOMS];
  UfpProvenance *prov = NULL;
  make_species(species, masses);
  UfpCall(UfpProvenanceCreate(MPI_COMM_WORLD, "test_h5md", "-test 1", &prov));
  UfpH5mdConfig cfg = {.natoms = NATOMS,
                       .species = species,
                       .masses = masses,
                       .store_image = with_extras,
                       .store_velocity = with_extras,
                       .store_force = with_extras,
                       .creator = "test_h5md",
                       .provenance = prov};
  UfpErrorCode err = UfpH5mdCreate(MPI_COMM_WORLD, path, &cfg, h);
  UfpCall(UfpProvenanceDestroy(&prov));
  UfpCall(err);
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------------ tests */

static void test_roundtrip(void **state)
{
  (void)state;
  char path[4096], text[64];
  UfpH5md *h = NULL;
  const int nframes = 4;
  tmp_path("h5md_roundtrip", path, sizeof path);
  assert_ufp_ok(create_file(path, 1, &h));
  for (int f = 0; f < nframes; f++) assert_ufp_ok(append(h, 0, f, 1));
  assert_int_equal(UfpH5mdNumFrames(h), nframes);
  assert_ufp_ok(UfpH5mdDestroy(&h));
  assert_null(h);
  assert_ufp_ok(UfpH5mdDestroy(&h));

  assert_ufp_ok(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h));
  assert_int_equal(UfpH5mdNumFrames(h), nframes);
  assert_int_equal(UfpH5mdNumAtoms(h), NATOMS);
  assert_true(UfpH5mdHasImage(h) && UfpH5mdHasVelocity(h) && UfpH5mdHasForce(h) &&
              UfpH5mdHasMasses(h));
  int ok = 1;
  for (int f = 0; f < nframes; f++) ok &= check_frame(h, f, 0, f, 1);
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));

  /* Read again with the reversed partition: results must not depend on it. */
  int64_t start, count;
  UfpPartition(NATOMS, world_size() - 1 - world_rank(), world_size(), &start, &count);
  assert_ufp_ok(UfpH5mdSetLocalAtoms(h, start, count));
  ok = 1;
  for (int f = 0; f < nframes; f++) ok &= check_frame(h, f, 0, f, 1);
  /* Only positions asked for: the other outputs may be NULL. */
  Slab s;
  assert_ufp_ok(UfpH5mdReadFrame(h, 2, NULL, NULL, NULL, s.x, NULL, NULL, NULL));
  for (int64_t i = 0; i < count; i++) ok &= s.x[i][1] == pos(0, 2, start + i, 1);
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));

  char species[NATOMS][UFP_H5MD_LABEL_MAX], want_species[NATOMS][UFP_H5MD_LABEL_MAX];
  double masses[NATOMS], want_masses[NATOMS];
  make_species(want_species, want_masses);
  assert_ufp_ok(UfpH5mdReadSpecies(h, species));
  assert_ufp_ok(UfpH5mdReadMasses(h, masses));
  for (int i = 0; i < NATOMS; i++) {
    assert_string_equal(species[i], want_species[i]);
    assert_true(masses[i] == want_masses[i]);
  }
  int64_t nsamples;
  assert_ufp_ok(UfpH5mdNumObservableSamples(h, "temperature", &nsamples));
  assert_int_equal(nsamples, nframes);
  assert_ufp_ok(UfpH5mdNumObservableSamples(h, "absent", &nsamples));
  assert_int_equal(nsamples, 0);
  assert_ufp_fails(UfpH5mdReadObservable(h, "absent", 0, NULL, NULL, NULL), UFP_ERR_INPUT,
                   "no observable");
  assert_ufp_fails(UfpH5mdReadFrame(h, nframes, NULL, NULL, NULL, s.x, NULL, NULL, NULL),
                   UFP_ERR_USAGE, "does not exist");
  assert_ufp_fails(UfpH5mdAppendFrame(h, 0, 0.0, NULL, s.x, NULL, NULL, NULL), UFP_ERR_USAGE,
                   NULL);

  /* Metadata a reader relies on. */
  hid_t root = UfpH5FileId(UfpH5mdFile(h)), group;
  int version[2], dimension;
  assert_ufp_ok(UfpH5OpenGroup(root, "h5md", &group));
  assert_ufp_ok(UfpH5ReadIntArrayAttr(group, "version", 2, version));
  assert_int_equal(version[0], 1);
  assert_int_equal(version[1], 1);
  assert_ufp_ok(UfpH5Close(&group));
  assert_ufp_ok(UfpH5OpenGroup(root, "h5md/creator", &group));
  assert_ufp_ok(UfpH5ReadStringAttr(group, "name", text, sizeof text));
  assert_string_equal(text, "test_h5md");
  assert_ufp_ok(UfpH5Close(&group));
  assert_ufp_ok(UfpH5OpenGroup(root, "particles/trajectory/box", &group));
  assert_ufp_ok(UfpH5ReadIntAttr(group, "dimension", &dimension));
  assert_int_equal(dimension, 3);
  assert_ufp_ok(UfpH5Close(&group));
  assert_ufp_ok(UfpH5OpenDataset(root, "particles/trajectory/force/value", &group));
  assert_ufp_ok(UfpH5ReadStringAttr(group, "unit", text, sizeof text));
  assert_string_equal(text, "kJ mol-1 Angstrom-1");
  double raw[3];
  hsize_t offset[3] = {1, 3, 0}, block[3] = {1, 1, 3};
  assert_ufp_ok(UfpH5ReadBlock(group, H5T_NATIVE_DOUBLE, offset, block, raw));
  for (int k = 0; k < 3; k++)
    assert_true(fabs(raw[k] - frc(0, 1, 3, k) * UFP_EV_KJ_PER_MOL) < 1e-12);
  assert_ufp_ok(UfpH5Close(&group));
  assert_ufp_ok(UfpH5ReadStringAttr(root, "program", text, sizeof text));
  assert_string_equal(text, "test_h5md");
  assert_ufp_ok(UfpH5mdDestroy(&h));
}

static void test_append_after_reopen(void **state)
{
  (void)state;
  char path[4096];
  UfpH5md *h = NULL;
  tmp_path("h5md_append", path, sizeof path);
  assert_ufp_ok(create_file(path, 0, &h));
  for (int f = 0; f < 2; f++) assert_ufp_ok(append(h, 0, f, 0));
  assert_ufp_ok(UfpH5mdDestroy(&h));

  assert_ufp_ok(UfpH5mdOpen(MPI_COMM_WORLD, path, 1, &h));
  assert_int_equal(UfpH5mdNumFrames(h), 2);
  assert_false(UfpH5mdHasVelocity(h));
  Slab s;
  int64_t start, count;
  UfpH5mdGetLocalAtoms(h, &start, &count);
  fill_slab(0, 0, start, count, &s);
  /* Passing an element the file does not store is a (collective) error. */
  assert_ufp_fails(UfpH5mdAppendFrame(h, 1, 1.0, NULL, s.x, NULL, s.v, NULL), UFP_ERR_USAGE, NULL);
  assert_int_equal(UfpH5mdNumFrames(h), 2);
  for (int f = 2; f < 5; f++) assert_ufp_ok(append(h, 0, f, 0));
  assert_ufp_ok(UfpH5mdDestroy(&h));

  assert_ufp_fails(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h) == UFP_SUCCESS
                       ? UfpH5mdAppendFrame(h, 0, 0.0, NULL, NULL, NULL, NULL, NULL)
                       : UFP_ERR_INTERNAL,
                   UFP_ERR_USAGE, "read-only");
  assert_int_equal(UfpH5mdNumFrames(h), 5);
  int ok = 1;
  for (int f = 0; f < 5; f++) ok &= check_frame(h, f, 0, f, 0);
  assert_ufp_ok(UfpH5mdDestroy(&h));
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));
}

/* An append interrupted after position grew but before the others did: the
 * frame count is the shortest element, and a writable open cuts the longer
 * one back so that the next append lines up again. */
static void test_repair_interrupted_append(void **state)
{
  (void)state;
  char path[4096];
  UfpH5md *h = NULL;
  UfpH5File *file = NULL;
  hid_t dset;
  tmp_path("h5md_repair", path, sizeof path);
  assert_ufp_ok(create_file(path, 1, &h));
  for (int f = 0; f < 3; f++) assert_ufp_ok(append(h, 0, f, 1));
  assert_ufp_ok(UfpH5mdDestroy(&h));
  assert_ufp_ok(UfpH5FileOpen(MPI_COMM_WORLD, path, 1, &file));
  assert_ufp_ok(UfpH5OpenDataset(UfpH5FileId(file), "particles/trajectory/position/value", &dset));
  assert_ufp_ok(UfpH5SetRows(dset, 4));
  assert_ufp_ok(UfpH5Close(&dset));
  assert_ufp_ok(UfpH5FileDestroy(&file));

  assert_ufp_ok(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h));
  assert_int_equal(UfpH5mdNumFrames(h), 3);
  assert_ufp_ok(UfpH5mdDestroy(&h));
  assert_ufp_ok(UfpH5mdOpen(MPI_COMM_WORLD, path, 1, &h));
  assert_int_equal(UfpH5mdNumFrames(h), 3);
  assert_ufp_ok(append(h, 0, 3, 1));
  assert_ufp_ok(UfpH5mdDestroy(&h));
  assert_ufp_ok(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h));
  int ok = UfpH5mdNumFrames(h) == 4;
  for (int f = 0; f < 4 && ok; f++) ok &= check_frame(h, f, 0, f, 1);
  assert_ufp_ok(UfpH5mdDestroy(&h));
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));
}

/* Write 5 frames, truncate to the step of frame 3 (keeping frames 1-3),
 * append 2 frames with different data, close, reopen: frames 4-5 must hold
 * the new data.  Returns 1 if every rank saw the expected file. */
static int truncate_then_append(const char *path, int flush, int reopen_before_truncate)
{
  UfpH5md *h = NULL;
  assert_ufp_ok(create_file(path, 1, &h));
  for (int f = 0; f < 5; f++) assert_ufp_ok(append(h, 0, f, 1));
  if (reopen_before_truncate) {
    assert_ufp_ok(UfpH5mdDestroy(&h));
    assert_ufp_ok(UfpH5mdOpen(MPI_COMM_WORLD, path, 1, &h));
  }
  UfpH5mdSetFlushAfterTruncate(h, flush);
  assert_ufp_ok(UfpH5mdTruncate(h, frame_step(0, 2)));
  assert_int_equal(UfpH5mdNumFrames(h), 3);
  int64_t nsamples;
  assert_ufp_ok(UfpH5mdNumObservableSamples(h, "potential_energy", &nsamples));
  assert_int_equal(nsamples, 3);
  /* New frames: variant 1 data for frames 3 and 4 (steps 31 and 41). */
  for (int f = 3; f < 5; f++) assert_ufp_ok(append(h, 1, f, 1));
  assert_ufp_ok(UfpH5mdDestroy(&h));

  assert_ufp_ok(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h));
  int ok = UfpH5mdNumFrames(h) == 5;
  for (int f = 0; f < 5 && ok; f++) ok &= check_frame(h, f, f < 3 ? 0 : 1, f, 1);
  assert_ufp_ok(UfpH5mdDestroy(&h));
  return ufp_test_all_true(MPI_COMM_WORLD, ok);
}

static void test_truncate_then_append(void **state)
{
  (void)state;
  char path[4096];
  tmp_path("h5md_truncate", path, sizeof path);
  assert_true(truncate_then_append(path, 1, 0));
  tmp_path("h5md_truncate_reopen", path, sizeof path);
  assert_true(truncate_then_append(path, 1, 1));
}

/* The same without the flush: with HDF5 1.10 + MPI-IO the appended frames
 * may be lost.  Only reported, never failed, so that a fixed HDF5 passes. */
static void test_truncate_without_flush(void **state)
{
  (void)state;
  char path[4096];
  tmp_path("h5md_truncate_noflush", path, sizeof path);
  int same_session = truncate_then_append(path, 0, 0);
  tmp_path("h5md_truncate_noflush_reopen", path, sizeof path);
  int reopened = truncate_then_append(path, 0, 1);
  print_message("without the flush after truncation, appended frames %s (same session), "
                "%s (reopened before truncation) on %d rank(s)\n",
                same_session ? "survived" : "were LOST", reopened ? "survived" : "were LOST",
                world_size());
}

static void test_missing_groups(void **state)
{
  (void)state;
  char path[4096];
  UfpH5File *file = NULL;
  UfpH5md *h = NULL;
  hid_t group;
  static const int version[2] = {1, 1};
  tmp_path("h5md_broken", path, sizeof path);

  assert_ufp_fails(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h), UFP_ERR_IO, "no such file");
  assert_null(h);

  /* Plain HDF5, no /h5md. */
  assert_ufp_ok(UfpH5FileCreate(MPI_COMM_WORLD, path, &file));
  assert_ufp_ok(UfpH5FileDestroy(&file));
  assert_ufp_fails(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h), UFP_ERR_INPUT, "no /h5md group");

  /* /h5md but no /particles. */
  assert_ufp_ok(UfpH5FileOpen(MPI_COMM_WORLD, path, 1, &file));
  assert_ufp_ok(UfpH5CreateGroup(UfpH5FileId(file), "h5md", &group));
  assert_ufp_ok(UfpH5WriteIntArrayAttr(group, "version", 2, version));
  assert_ufp_ok(UfpH5Close(&group));
  assert_ufp_ok(UfpH5FileDestroy(&file));
  assert_ufp_fails(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h), UFP_ERR_INPUT, "no group 'particles'");

  /* A particle group without position. */
  assert_ufp_ok(UfpH5FileOpen(MPI_COMM_WORLD, path, 1, &file));
  assert_ufp_ok(UfpH5CreateGroup(UfpH5FileId(file), "particles/trajectory/box", &group));
  assert_ufp_ok(UfpH5Close(&group));
  assert_ufp_ok(UfpH5FileDestroy(&file));
  assert_ufp_fails(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h), UFP_ERR_INPUT, "no group 'position'");

  /* position without its time dataset. */
  assert_ufp_ok(UfpH5FileOpen(MPI_COMM_WORLD, path, 1, &file));
  assert_ufp_ok(UfpH5CreateGroup(UfpH5FileId(file), "particles/trajectory/position", &group));
  hsize_t zero = 0;
  hid_t dset;
  assert_ufp_ok(UfpH5CreateDataset(group, "step", H5T_NATIVE_INT64, 1, &zero, 4, &dset));
  assert_ufp_ok(UfpH5Close(&dset));
  assert_ufp_ok(UfpH5Close(&group));
  assert_ufp_ok(UfpH5FileDestroy(&file));
  assert_ufp_fails(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h), UFP_ERR_INPUT, "no dataset 'time'");
  assert_null(h);
}

static void test_bad_slabs(void **state)
{
  (void)state;
  char path[4096];
  UfpH5md *h = NULL;
  tmp_path("h5md_slabs", path, sizeof path);
  assert_ufp_ok(create_file(path, 0, &h));
  assert_ufp_fails(UfpH5mdSetLocalAtoms(h, 0, NATOMS - 1), UFP_ERR_USAGE, "do not tile");
  /* Everything on the last rank, nothing elsewhere: valid. */
  int last = world_rank() == world_size() - 1;
  assert_ufp_ok(UfpH5mdSetLocalAtoms(h, last ? 0 : NATOMS, last ? NATOMS : 0));
  assert_ufp_ok(append(h, 0, 0, 0));
  assert_ufp_ok(UfpH5mdDestroy(&h));
  /* Read back on a freshly opened file with the same lopsided partition, so
   * that some ranks select no chunk at all in the collective reads. */
  assert_ufp_ok(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h));
  assert_ufp_ok(UfpH5mdSetLocalAtoms(h, last ? 0 : NATOMS, last ? NATOMS : 0));
  int ok = check_frame(h, 0, 0, 0, 0);
  assert_ufp_ok(UfpH5mdDestroy(&h));
  assert_ufp_ok(UfpH5mdOpen(MPI_COMM_WORLD, path, 1, &h));
  assert_ufp_ok(UfpH5mdSetLocalAtoms(h, last ? 0 : NATOMS, last ? NATOMS : 0));
  ok &= check_frame(h, 0, 0, 0, 0);
  assert_ufp_ok(append(h, 0, 1, 0));
  assert_ufp_ok(UfpH5mdTruncate(h, frame_step(0, 0)));
  assert_ufp_ok(append(h, 0, 1, 0));
  assert_ufp_ok(UfpH5mdDestroy(&h));
  assert_ufp_ok(UfpH5mdOpen(MPI_COMM_WORLD, path, 0, &h));
  ok &= UfpH5mdNumFrames(h) == 2;
  ok &= check_frame(h, 0, 0, 0, 0) && check_frame(h, 1, 0, 1, 0);
  assert_ufp_ok(UfpH5mdDestroy(&h));
  assert_true(ufp_test_all_true(MPI_COMM_WORLD, ok));
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_roundtrip),
    cmocka_unit_test(test_append_after_reopen),
    cmocka_unit_test(test_repair_interrupted_append),
    cmocka_unit_test(test_truncate_then_append),
    cmocka_unit_test(test_truncate_without_flush),
    cmocka_unit_test(test_missing_groups),
    cmocka_unit_test(test_bad_slabs),
  };
  return UFP_TEST_MAIN("h5md", tests);
}
