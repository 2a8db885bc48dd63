/*
 * h5md.c -- H5MD 1.1 trajectories (https://www.nongnu.org/h5md/h5md.html)
 * on parallel HDF5.
 *
 * Layout (full schema with types and units in common/FORMATS.md):
 *
 *   /h5md                 version = [1, 1]; author/name; creator/name, version
 *   /particles/<group>/
 *       species           int32 [N], fixed in time; code k means label k of
 *                         /parameters/ufp/species_labels (fixed-length strings,
 *                         because parallel HDF5 1.10 cannot write
 *                         variable-length strings into datasets)
 *       mass              float64 [N], unit "amu" (optional)
 *       box/              dimension = 3, boundary = ["periodic" x 3]
 *         edges/          time-dependent: value [F][3][3], rows = lattice vectors
 *       position/         time-dependent: value [F][N][3] "Angstrom"
 *       image/            time-dependent: value [F][N][3] int32 (optional)
 *       velocity/         time-dependent: value [F][N][3] "Angstrom ps-1" (optional)
 *       force/            time-dependent: value [F][N][3] "kJ mol-1 Angstrom-1" (optional)
 *   /observables/<name>/  time-dependent: value [F] with its unit
 *
 * A time-dependent element is a group holding step (int64 [F]), time
 * (float64 [F], unit "ps") and value (first axis = sample).  Every element has
 * its own step and time datasets (the spec allows hard links between them;
 * separate datasets keep truncation per element simple).  value of a particle
 * element is chunked one frame at a time (1 x N x 3), so appending a frame
 * allocates exactly one chunk; step, time and observable values are chunked
 * in blocks of SCALAR_CHUNK samples.
 *
 * Why forces are stored in kJ mol-1 Angstrom-1: MDAnalysis' H5MDReader only
 * accepts the unit strings it knows, and eV/Å is not among them.  The factor
 * is UFP_EV_KJ_PER_MOL (96.485...), applied on write and divided out on read.
 *
 * Parallel I/O: each rank writes and reads its own hyperslab of atoms with a
 * collective MPI-IO transfer; scalars (step, time, box, observable values)
 * are written by rank 0 while the others select nothing, and read by every
 * rank.  H5Dset_extent is collective and called identically everywhere.
 * Anything that must agree between ranks (the number of samples to keep on
 * truncation) is decided on rank 0 and broadcast, because MPI-IO does not
 * promise that one rank sees another's just-written bytes before a sync.
 *
 * Truncate-then-append and the flush: with HDF5 1.10 and the MPI-IO driver,
 * shrinking a chunked dataset (H5Dset_extent) rewrites the partial edge chunk
 * through the chunk cache, while the later collective raw-data write goes
 * straight to the file.  Unless the file is flushed in between, the stale
 * cached chunk is written back at close, over the new samples, and the
 * frames appended after the truncation are silently lost.  Reproduced here on
 * 1, 2 and 3 ranks (tests/mpi/test_h5md.c, test_truncate_without_flush): the
 * step, time and observable samples of the new frames read back as 0 (their
 * multi-sample chunks were pruned), while the one-frame value chunks survive.
 * UfpH5mdTruncate therefore always ends with H5Fflush, and so does a writable
 * UfpH5mdOpen that cut back an interrupted append.
 */
#include "h5md.h"

#include <stdio.h>
#include <string.h>

#include "parallel.h"
#include "units.h"
#include "ufp_version.h"

#define SCALAR_CHUNK 512 /* samples per chunk of step, time and scalar values */
#define SPECIES_LABELS_PATH "/parameters/ufp/species_labels"

/* One H5MD time-dependent element: a group with step, time and value. */
typedef struct {
  char name[UFP_H5MD_NAME_MAX];
  char unit[UFP_H5MD_NAME_MAX]; /* unit of value ("" if none) */
  hid_t group, step, time, value;
  hsize_t nsamples;
} Element;

struct UfpH5md {
  MPI_Comm comm;
  int rank;
  UfpH5File *file;
  int writable;
  int flush_after_truncate;
  char group_name[UFP_H5MD_NAME_MAX];
  hid_t particles;              /* /particles/<group> */
  int64_t natoms, start, count; /* global atoms; this rank's slab */
  int64_t nframes;
  int has_image, has_velocity, has_force, has_masses;
  Element edges, position, image, velocity, force;
  int nobservables;
  Element *observables;
  double (*scratch)[3];         /* count x 3: forces in file units */
};

/* ---------------------------------------------------------------- elements */

static void element_init(Element *e)
{
  memset(e, 0, sizeof *e);
  e->group = e->step = e->time = e->value = H5I_INVALID_HID;
}

static UfpErrorCode element_close(Element *e)
{
  UfpErrorCode err = UFP_SUCCESS, next;
  hid_t *ids[4] = {&e->value, &e->time, &e->step, &e->group};
  for (int k = 0; k < 4; k++)
    if ((next = UfpH5Close(ids[k])) != UFP_SUCCESS && err == UFP_SUCCESS) err = next;
  return err;
}

/* Create parent/name with empty step, time ("ps") and value of shape
 * [0][frame_dims...] (value_rank - 1 frame dims), unit on value if given. */
static UfpErrorCode element_create(hid_t parent, const char *name, hid_t type, int value_rank,
                                   const hsize_t *frame_dims, const char *unit, Element *e)
{
  hsize_t zero = 0, dims[3] = {0, 1, 1};
  element_init(e);
  snprintf(e->name, sizeof e->name, "%s", name);
  snprintf(e->unit, sizeof e->unit, "%s", unit ? unit : "");
  UfpCall(UfpH5CreateGroup(parent, name, &e->group));
  UfpCall(
      UfpH5CreateDataset(e->group, "step", H5T_NATIVE_INT64, 1, &zero, SCALAR_CHUNK, &e->step));
  UfpCall(
      UfpH5CreateDataset(e->group, "time", H5T_NATIVE_DOUBLE, 1, &zero, SCALAR_CHUNK, &e->time));
  UfpCall(UfpH5WriteStringAttr(e->time, "unit", "ps"));
  for (int k = 1; k < value_rank; k++) dims[k] = frame_dims[k - 1];
  UfpCall(UfpH5CreateDataset(e->group, "value", type, value_rank, dims,
                             value_rank == 1 ? SCALAR_CHUNK : 1, &e->value));
  if (unit) UfpCall(UfpH5WriteStringAttr(e->value, "unit", unit));
  return UFP_SUCCESS;
}

/* Open parent/name; nsamples = the shortest of step, time and value. */
static UfpErrorCode element_open(hid_t parent, const char *name, Element *e)
{
  int rank, has_unit;
  hsize_t dims[3];
  element_init(e);
  snprintf(e->name, sizeof e->name, "%s", name);
  UfpCall(UfpH5OpenGroup(parent, name, &e->group));
  UfpCall(UfpH5OpenDataset(e->group, "step", &e->step));
  UfpCall(UfpH5OpenDataset(e->group, "time", &e->time));
  UfpCall(UfpH5OpenDataset(e->group, "value", &e->value));
  UfpCall(UfpH5DatasetShape(e->step, &rank, dims));
  e->nsamples = dims[0];
  UfpCall(UfpH5DatasetShape(e->time, &rank, dims));
  if (dims[0] < e->nsamples) e->nsamples = dims[0];
  UfpCall(UfpH5DatasetShape(e->value, &rank, dims));
  if (dims[0] < e->nsamples) e->nsamples = dims[0];
  UfpCall(UfpH5AttrExists(e->value, "unit", &has_unit));
  if (has_unit) UfpCall(UfpH5ReadStringAttr(e->value, "unit", e->unit, sizeof e->unit));
  return UFP_SUCCESS;
}

/* Set all three datasets to n samples (collective). */
static UfpErrorCode element_resize(Element *e, hsize_t n)
{
  UfpCall(UfpH5SetRows(e->step, n));
  UfpCall(UfpH5SetRows(e->time, n));
  UfpCall(UfpH5SetRows(e->value, n));
  e->nsamples = n;
  return UFP_SUCCESS;
}

/* Grow by one sample and write its step and time (rank 0's). */
static UfpErrorCode element_grow(UfpH5md *h, Element *e, int64_t step, double time)
{
  hsize_t n = e->nsamples, mine = h->rank == 0 ? 1 : 0;
  UfpCall(element_resize(e, n + 1));
  UfpCall(UfpH5WriteSlab(e->step, H5T_NATIVE_INT64, n, mine, &step));
  UfpCall(UfpH5WriteSlab(e->time, H5T_NATIVE_DOUBLE, n, mine, &time));
  return UFP_SUCCESS;
}

/* Write one frame of a per-atom [F][N][3] value from this rank's slab. */
static UfpErrorCode element_write_atoms(UfpH5md *h, Element *e, hid_t memtype, const void *buf)
{
  hsize_t offset[3] = {e->nsamples - 1, (hsize_t)h->start, 0};
  hsize_t count[3] = {1, (hsize_t)h->count, 3};
  UfpCall(UfpH5WriteBlock(e->value, memtype, offset, count, buf));
  return UFP_SUCCESS;
}

/* Read frame of a per-atom value into this rank's slab (buf NULL: select
 * nothing but take part in the collective read). */
static UfpErrorCode element_read_atoms(UfpH5md *h, Element *e, int64_t frame, hid_t memtype,
                                       void *buf)
{
  hsize_t offset[3] = {(hsize_t)frame, (hsize_t)h->start, 0};
  hsize_t count[3] = {1, buf ? (hsize_t)h->count : 0, 3};
  UfpCall(UfpH5ReadBlock(e->value, memtype, offset, count, buf));
  return UFP_SUCCESS;
}

/* Number of leading samples with step <= step (steps increase).  Every rank
 * reads the whole step dataset: with HDF5 1.10.8, a collective read in which
 * only rank 0 selected data of a freshly opened chunked dataset, followed by
 * H5Dset_extent, left the ranks' metadata caches out of step and the next
 * H5Fflush failed with MPI_ERR_TRUNCATE.  The decision is still rank 0's,
 * broadcast, so that all ranks agree even if MPI-IO has not yet made another
 * rank's latest bytes visible. */
static UfpErrorCode element_count_upto(UfpH5md *h, Element *e, int64_t step, hsize_t *keep)
{
  int64_t *steps = NULL;
  unsigned long long n = e->nsamples, kept = 0;
  UfpCall(UfpCalloc(n, &steps));
  UfpErrorCode err = UfpH5ReadSlab(e->step, H5T_NATIVE_INT64, 0, n, steps);
  while (err == UFP_SUCCESS && kept < n && steps[kept] <= step) kept++;
  UfpFree(&steps);
  UfpCall(err);
  UfpCallMPI(MPI_Bcast(&kept, 1, MPI_UNSIGNED_LONG_LONG, 0, h->comm));
  *keep = kept;
  return UFP_SUCCESS;
}

static UfpErrorCode element_truncate(UfpH5md *h, Element *e, int64_t step)
{
  hsize_t keep = 0;
  if (e->group < 0) return UFP_SUCCESS;
  UfpCall(element_count_upto(h, e, step, &keep));
  if (keep < e->nsamples) UfpCall(element_resize(e, keep));
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------------ common */

static UfpErrorCode alloc_handle(MPI_Comm comm, UfpH5md **h)
{
  UfpCall(UfpCalloc(1, h));
  UfpH5md *md = *h;
  md->comm = comm;
  md->rank = UfpCommRank(comm);
  md->flush_after_truncate = 1;
  md->particles = H5I_INVALID_HID;
  Element *all[5] = {&md->edges, &md->position, &md->image, &md->velocity, &md->force};
  for (int k = 0; k < 5; k++) element_init(all[k]);
  return UFP_SUCCESS;
}

static UfpErrorCode set_default_slab(UfpH5md *h)
{
  int64_t start, count;
  UfpPartition(h->natoms, h->rank, UfpCommSize(h->comm), &start, &count);
  h->start = start;
  h->count = count;
  UfpFree(&h->scratch);
  UfpCall(UfpCalloc(count, &h->scratch));
  return UFP_SUCCESS;
}

static UfpErrorCode check_name(const char *name, const char *what)
{
  UfpCheck(name && name[0] && strlen(name) < UFP_H5MD_NAME_MAX && !strchr(name, '/') &&
               strcmp(name, ".") != 0,
           UFP_ERR_USAGE, "invalid %s name '%s' (1-%d characters, no '/')", what,
           name ? name : "(null)", UFP_H5MD_NAME_MAX - 1);
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------------ create */

static UfpErrorCode write_h5md_group(hid_t root, const UfpH5mdConfig *cfg)
{
  hid_t group;
  static const int version[2] = {1, 1};
  UfpCall(UfpH5CreateGroup(root, "h5md", &group));
  UfpErrorCode err = UfpH5WriteIntArrayAttr(group, "version", 2, version);
  UfpCall(UfpH5Close(&group));
  UfpCall(err);
  UfpCall(UfpH5CreateGroup(root, "h5md/author", &group));
  err = UfpH5WriteStringAttr(group, "name", cfg->author ? cfg->author : "ufp-nmr");
  UfpCall(UfpH5Close(&group));
  UfpCall(err);
  UfpCall(UfpH5CreateGroup(root, "h5md/creator", &group));
  err = UfpH5WriteStringAttr(group, "name", cfg->creator ? cfg->creator : "ufp-nmr");
  if (!err)
    err = UfpH5WriteStringAttr(group, "version",
                               cfg->creator_version ? cfg->creator_version : UFP_VERSION);
  UfpCall(UfpH5Close(&group));
  UfpCall(err);
  return UFP_SUCCESS;
}

/* species codes by first appearance; labels table on rank 0. */
static UfpErrorCode write_species(UfpH5md *h, const char (*species)[UFP_H5MD_LABEL_MAX])
{
  int *code = NULL, nspecies = 0;
  char (*labels)[UFP_H5MD_LABEL_MAX] = NULL;
  hid_t dset = H5I_INVALID_HID, root = UfpH5FileId(h->file), strtype, parameters;
  UfpCall(UfpCalloc(h->natoms, &code));
  UfpCall(UfpCalloc(h->natoms > 0 ? h->natoms : 1, &labels));
  UfpErrorCode err = UFP_SUCCESS;
  for (int64_t i = 0; i < h->natoms && !err; i++) {
    if (memchr(species[i], '\0', UFP_H5MD_LABEL_MAX) == NULL || species[i][0] == '\0') {
      err = UfpError(UFP_ERR_USAGE, "species label of atom %lld is empty or not terminated",
                     (long long)i);
      break;
    }
    int k = 0;
    while (k < nspecies && strcmp(labels[k], species[i]) != 0) k++;
    if (k == nspecies) /* copy up to the NUL: the zeroed rest is what goes to disk */
      snprintf(labels[nspecies++], UFP_H5MD_LABEL_MAX, "%s", species[i]);
    code[i] = k;
  }
  hsize_t dims = (hsize_t)h->natoms;
  if (!err) err = UfpH5CreateDataset(h->particles, "species", H5T_NATIVE_INT, 1, &dims, 0, &dset);
  if (!err)
    err = UfpH5WriteSlab(dset, H5T_NATIVE_INT, (hsize_t)h->start, (hsize_t)h->count,
                         code + h->start);
  UfpErrorCode closed = UfpH5Close(&dset);
  if (!err) err = closed;
  if (!err) err = UfpH5CreateGroup(root, "parameters/ufp", &parameters);
  if (!err) {
    if ((strtype = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(strtype, UFP_H5MD_LABEL_MAX) < 0 ||
        H5Tset_strpad(strtype, H5T_STR_NULLTERM) < 0)
      err = UfpError(UFP_ERR_IO, "cannot make the species label type");
    dims = (hsize_t)nspecies;
    if (!err) err = UfpH5CreateDataset(parameters, "species_labels", strtype, 1, &dims, 0, &dset);
    if (!err)
      err = UfpH5WriteSlab(dset, strtype, 0, h->rank == 0 ? (hsize_t)nspecies : 0, labels);
    if (!err) err = UfpH5Close(&dset);
    if (!err) err = UfpH5Close(&strtype);
    if (!err) err = UfpH5Close(&parameters);
  }
  UfpFree(&code);
  UfpFree(&labels);
  UfpCall(err);
  return UFP_SUCCESS;
}

static UfpErrorCode write_masses(UfpH5md *h, const double *masses)
{
  hid_t dset;
  hsize_t dims = (hsize_t)h->natoms;
  UfpCall(UfpH5CreateDataset(h->particles, "mass", H5T_NATIVE_DOUBLE, 1, &dims, 0, &dset));
  UfpErrorCode err = UfpH5WriteStringAttr(dset, "unit", "amu");
  if (!err)
    err = UfpH5WriteSlab(dset, H5T_NATIVE_DOUBLE, (hsize_t)h->start, (hsize_t)h->count,
                         masses + h->start);
  UfpCall(UfpH5Close(&dset));
  UfpCall(err);
  return UFP_SUCCESS;
}

static UfpErrorCode create_contents(UfpH5md *h, const char *path, const UfpH5mdConfig *cfg)
{
  hid_t root, box;
  static const char *const periodic[3] = {"periodic", "periodic", "periodic"};
  const hsize_t atom_dims[2] = {(hsize_t)cfg->natoms, 3}, box_dims[2] = {3, 3};
  const char *group = cfg->particle_group ? cfg->particle_group : "trajectory";
  char name[UFP_H5MD_NAME_MAX + 16];

  UfpCall(check_name(group, "particle group"));
  UfpCheck(cfg->natoms >= 0, UFP_ERR_USAGE, "negative number of atoms (%lld)",
           (long long)cfg->natoms);
  UfpCheck(cfg->species || cfg->natoms == 0, UFP_ERR_USAGE, "H5MD config without species labels");
  snprintf(h->group_name, sizeof h->group_name, "%s", group);
  h->natoms = cfg->natoms;
  h->writable = 1;
  h->has_image = cfg->store_image != 0;
  h->has_velocity = cfg->store_velocity != 0;
  h->has_force = cfg->store_force != 0;
  h->has_masses = cfg->masses != NULL;
  UfpCall(set_default_slab(h));

  UfpCall(UfpH5FileCreate(h->comm, path, &h->file));
  root = UfpH5FileId(h->file);
  if (cfg->provenance) UfpCall(UfpProvenanceWrite(cfg->provenance, root));
  UfpCall(write_h5md_group(root, cfg));
  snprintf(name, sizeof name, "particles/%s", group);
  UfpCall(UfpH5CreateGroup(root, name, &h->particles));
  UfpCall(write_species(h, cfg->species));
  if (h->has_masses) UfpCall(write_masses(h, cfg->masses));

  UfpCall(UfpH5CreateGroup(h->particles, "box", &box));
  UfpErrorCode err = UfpH5WriteIntAttr(box, "dimension", 3);
  if (!err) err = UfpH5WriteStringArrayAttr(box, "boundary", 3, periodic);
  if (!err)
    err = element_create(box, "edges", H5T_NATIVE_DOUBLE, 3, box_dims, "Angstrom", &h->edges);
  UfpCall(UfpH5Close(&box));
  UfpCall(err);

  UfpCall(element_create(h->particles, "position", H5T_NATIVE_DOUBLE, 3, atom_dims, "Angstrom",
                         &h->position));
  if (h->has_image)
    UfpCall(element_create(h->particles, "image", H5T_NATIVE_INT, 3, atom_dims, NULL, &h->image));
  if (h->has_velocity)
    UfpCall(element_create(h->particles, "velocity", H5T_NATIVE_DOUBLE, 3, atom_dims,
                           "Angstrom ps-1", &h->velocity));
  if (h->has_force)
    UfpCall(element_create(h->particles, "force", H5T_NATIVE_DOUBLE, 3, atom_dims,
                           "kJ mol-1 Angstrom-1", &h->force));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5mdCreate(MPI_Comm comm, const char *path, const UfpH5mdConfig *cfg,
                           UfpH5md **h)
{
  UfpCall(alloc_handle(comm, h));
  UfpErrorCode err = create_contents(*h, path, cfg);
  if (err != UFP_SUCCESS) (void)UfpH5mdDestroy(h); /* keep the first error's message */
  UfpCall(err);
  return UFP_SUCCESS;
}

/* -------------------------------------------------------------------- open */

/* Name of the first link (by name) under /particles, as MDAnalysis picks it. */
static UfpErrorCode first_particle_group(hid_t particles, const char *path, char *name,
                                         size_t size)
{
  H5G_info_t info;
  UfpCallH5(H5Gget_info(particles, &info));
  UfpCheck(info.nlinks > 0, UFP_ERR_INPUT, "%s: /particles contains no particle group", path);
  ssize_t length = H5Lget_name_by_idx(particles, ".", H5_INDEX_NAME, H5_ITER_INC, 0, name, size,
                                      H5P_DEFAULT);
  UfpCallH5(length);
  UfpCheck((size_t)length < size, UFP_ERR_INPUT, "%s: particle group name is too long", path);
  return UFP_SUCCESS;
}

static UfpErrorCode open_observables(UfpH5md *h)
{
  int exists;
  hid_t root = UfpH5FileId(h->file), observables;
  H5G_info_t info;
  UfpCall(UfpH5Exists(root, "observables", &exists));
  if (!exists) return UFP_SUCCESS;
  UfpCall(UfpH5OpenGroup(root, "observables", &observables));
  UfpErrorCode err = H5Gget_info(observables, &info) < 0
                         ? UfpError(UFP_ERR_IO, "cannot list /observables")
                         : UfpCalloc(info.nlinks, &h->observables);
  for (hsize_t k = 0; k < info.nlinks && err == UFP_SUCCESS; k++) {
    char name[UFP_H5MD_NAME_MAX];
    int has_step = 0;
    ssize_t length = H5Lget_name_by_idx(observables, ".", H5_INDEX_NAME, H5_ITER_INC, k, name,
                                        sizeof name, H5P_DEFAULT);
    if (length < 0 || (size_t)length >= sizeof name) {
      err = UfpError(UFP_ERR_INPUT, "observable %llu has an unreadable or too long name",
                     (unsigned long long)k);
      break;
    }
    /* Only time-dependent elements (groups with step) are ours to append to. */
    char step_path[2 * UFP_H5MD_NAME_MAX];
    snprintf(step_path, sizeof step_path, "%s/step", name);
    err = UfpH5Exists(observables, step_path, &has_step);
    if (err || !has_step) continue;
    err = element_open(observables, name, &h->observables[h->nobservables]);
    h->nobservables++; /* counted even on failure so Destroy closes what was opened */
  }
  UfpErrorCode closed = UfpH5Close(&observables);
  UfpCall(err);
  UfpCall(closed);
  return UFP_SUCCESS;
}

static UfpErrorCode open_contents(UfpH5md *h, const char *path, int writable)
{
  hid_t root, particles;
  int version[2], exists, rank;
  hsize_t dims[3];
  char name[UFP_H5MD_NAME_MAX];

  h->writable = writable != 0;
  UfpCall(UfpH5FileOpen(h->comm, path, writable, &h->file));
  root = UfpH5FileId(h->file);

  UfpCall(UfpH5Exists(root, "h5md", &exists));
  UfpCheck(exists, UFP_ERR_INPUT, "%s is not an H5MD file: it has no /h5md group", path);
  hid_t meta;
  UfpCall(UfpH5OpenGroup(root, "h5md", &meta));
  UfpErrorCode err = UfpH5ReadIntArrayAttr(meta, "version", 2, version);
  UfpCall(UfpH5Close(&meta));
  UfpCall(err);
  UfpCheck(version[0] == 1, UFP_ERR_INPUT, "%s: H5MD version %d.%d is not supported (need 1.x)",
           path, version[0], version[1]);

  UfpCall(UfpH5OpenGroup(root, "particles", &particles));
  err = first_particle_group(particles, path, name, sizeof name);
  if (!err) err = UfpH5OpenGroup(particles, name, &h->particles);
  UfpCall(UfpH5Close(&particles));
  UfpCall(err);
  snprintf(h->group_name, sizeof h->group_name, "%s", name);

  UfpCall(element_open(h->particles, "position", &h->position));
  UfpCall(UfpH5DatasetShape(h->position.value, &rank, dims));
  UfpCheck(rank == 3 && dims[2] == 3, UFP_ERR_INPUT,
           "%s: position/value of particle group %s is not [frames][atoms][3]", path, name);
  h->natoms = (int64_t)dims[1];
  UfpCall(element_open(h->particles, "box/edges", &h->edges));
  UfpCall(UfpH5DatasetShape(h->edges.value, &rank, dims));
  UfpCheck(rank == 3 && dims[1] == 3 && dims[2] == 3, UFP_ERR_INPUT,
           "%s: box/edges/value is not [frames][3][3] (only full triclinic boxes are read)", path);

  struct {
    const char *name;
    int *flag;
    Element *e;
  } optional[3] = {{"image", &h->has_image, &h->image},
                   {"velocity", &h->has_velocity, &h->velocity},
                   {"force", &h->has_force, &h->force}};
  for (int k = 0; k < 3; k++) {
    UfpCall(UfpH5Exists(h->particles, optional[k].name, optional[k].flag));
    if (!*optional[k].flag) continue;
    UfpCall(element_open(h->particles, optional[k].name, optional[k].e));
    UfpCall(UfpH5DatasetShape(optional[k].e->value, &rank, dims));
    UfpCheck(rank == 3 && (int64_t)dims[1] == h->natoms && dims[2] == 3, UFP_ERR_INPUT,
             "%s: %s/value is not [frames][%lld][3]", path, optional[k].name,
             (long long)h->natoms);
  }
  UfpCheck(!h->has_force || strcmp(h->force.unit, "kJ mol-1 Angstrom-1") == 0, UFP_ERR_INPUT,
           "%s: force unit '%s' is not supported (need kJ mol-1 Angstrom-1)", path, h->force.unit);
  UfpCall(UfpH5Exists(h->particles, "mass", &h->has_masses));

  /* Frames = the shortest element; a writable open repairs longer ones. */
  Element *all[5] = {&h->position, &h->edges, &h->image, &h->velocity, &h->force};
  hsize_t nframes = h->position.nsamples;
  for (int k = 1; k < 5; k++)
    if (all[k]->group >= 0 && all[k]->nsamples < nframes) nframes = all[k]->nsamples;
  h->nframes = (int64_t)nframes;
  int shrunk = 0;
  for (int k = 0; k < 5 && writable; k++)
    if (all[k]->group >= 0) {
      int rows;
      hsize_t shape[3];
      UfpCall(UfpH5DatasetShape(all[k]->step, &rows, shape));
      shrunk |= shape[0] > nframes;
      UfpCall(UfpH5DatasetShape(all[k]->time, &rows, shape));
      shrunk |= shape[0] > nframes;
      UfpCall(UfpH5DatasetShape(all[k]->value, &rows, shape));
      shrunk |= shape[0] > nframes;
      UfpCall(element_resize(all[k], nframes));
    }
  if (shrunk) UfpCall(UfpH5FileFlush(h->file)); /* see "the flush" above */

  UfpCall(open_observables(h));
  UfpCall(set_default_slab(h));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5mdOpen(MPI_Comm comm, const char *path, int writable, UfpH5md **h)
{
  UfpCall(alloc_handle(comm, h));
  UfpErrorCode err = open_contents(*h, path, writable);
  if (err != UFP_SUCCESS) (void)UfpH5mdDestroy(h); /* keep the first error's message */
  UfpCall(err);
  return UFP_SUCCESS;
}

/* --------------------------------------------------------------- accessors */

UfpErrorCode UfpH5mdSetLocalAtoms(UfpH5md *h, int64_t start, int64_t count)
{
  int size = UfpCommSize(h->comm);
  int64_t mine[2] = {start, count}, *all = NULL;
  UfpCall(UfpCalloc(2 * size, &all));
  UfpErrorCode err = UFP_SUCCESS;
  if (MPI_Allgather(mine, 2, MPI_INT64_T, all, 2, MPI_INT64_T, h->comm) != MPI_SUCCESS)
    err = UfpError(UFP_ERR_INTERNAL, "MPI_Allgather of atom slabs failed");
  /* Tiling check: walk the slabs in order of start, skipping empty ones. */
  int64_t covered = 0;
  for (int pass = 0; pass < size && !err; pass++) {
    int next = -1;
    for (int r = 0; r < size; r++)
      if (all[2 * r + 1] > 0 && all[2 * r] == covered) next = r;
    if (next < 0) break;
    covered += all[2 * next + 1];
  }
  int64_t total = 0;
  for (int r = 0; r < size && !err; r++) {
    if (all[2 * r] < 0 || all[2 * r + 1] < 0) total = -1;
    if (total >= 0) total += all[2 * r + 1];
  }
  UfpFree(&all);
  UfpCall(err);
  UfpCheck(total == h->natoms && covered == h->natoms, UFP_ERR_USAGE,
           "the atom slabs of the ranks do not tile [0, %lld) exactly (this rank: start %lld, "
           "count %lld)",
           (long long)h->natoms, (long long)start, (long long)count);
  h->start = start;
  h->count = count;
  UfpFree(&h->scratch);
  UfpCall(UfpCalloc(count, &h->scratch));
  return UFP_SUCCESS;
}

void UfpH5mdGetLocalAtoms(const UfpH5md *h, int64_t *start, int64_t *count)
{
  *start = h->start;
  *count = h->count;
}

int64_t UfpH5mdNumAtoms(const UfpH5md *h) { return h->natoms; }
int64_t UfpH5mdNumFrames(const UfpH5md *h) { return h->nframes; }
int UfpH5mdHasImage(const UfpH5md *h) { return h->has_image; }
int UfpH5mdHasVelocity(const UfpH5md *h) { return h->has_velocity; }
int UfpH5mdHasForce(const UfpH5md *h) { return h->has_force; }
int UfpH5mdHasMasses(const UfpH5md *h) { return h->has_masses; }
UfpH5File *UfpH5mdFile(const UfpH5md *h) { return h->file; }

UfpErrorCode UfpH5mdReadSpecies(UfpH5md *h, char (*species)[UFP_H5MD_LABEL_MAX])
{
  hid_t dset, strtype;
  int rank, *code = NULL;
  hsize_t dims[3];
  char (*labels)[UFP_H5MD_LABEL_MAX] = NULL;
  UfpCall(UfpH5OpenDataset(UfpH5FileId(h->file), SPECIES_LABELS_PATH, &dset));
  UfpErrorCode err = UfpH5DatasetShape(dset, &rank, dims);
  hsize_t nspecies = dims[0];
  if (!err) err = UfpCalloc(nspecies > 0 ? nspecies : 1, &labels);
  if (!err && ((strtype = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(strtype, UFP_H5MD_LABEL_MAX) < 0 ||
               H5Tset_strpad(strtype, H5T_STR_NULLTERM) < 0))
    err = UfpError(UFP_ERR_IO, "cannot make the species label type");
  if (!err) err = UfpH5ReadSlab(dset, strtype, 0, nspecies, labels);
  if (!err) err = UfpH5Close(&strtype);
  UfpErrorCode closed = UfpH5Close(&dset);
  if (!err) err = closed;
  if (!err) err = UfpH5OpenDataset(h->particles, "species", &dset);
  if (!err) err = UfpCalloc(h->natoms, &code);
  if (!err) err = UfpH5ReadSlab(dset, H5T_NATIVE_INT, 0, (hsize_t)h->natoms, code);
  closed = UfpH5Close(&dset);
  if (!err) err = closed;
  for (int64_t i = 0; i < h->natoms && !err; i++) {
    if (code[i] < 0 || (hsize_t)code[i] >= nspecies)
      err = UfpError(UFP_ERR_INPUT, "species code %d of atom %lld is not in %s (%llu labels)",
                     code[i], (long long)i, SPECIES_LABELS_PATH, (unsigned long long)nspecies);
    else
      memcpy(species[i], labels[code[i]], UFP_H5MD_LABEL_MAX);
  }
  UfpFree(&code);
  UfpFree(&labels);
  UfpCall(err);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5mdReadMasses(UfpH5md *h, double *masses)
{
  hid_t dset;
  UfpCall(UfpH5OpenDataset(h->particles, "mass", &dset));
  UfpErrorCode err = UfpH5ReadSlab(dset, H5T_NATIVE_DOUBLE, 0, (hsize_t)h->natoms, masses);
  UfpCall(UfpH5Close(&dset));
  UfpCall(err);
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------------ frames */

/* Local argument check, made collective so that no rank enters a collective
 * write that another rank has abandoned. */
static UfpErrorCode check_element_arg(UfpH5md *h, int stored, const void *buf, const char *what,
                                      int required)
{
  if (!stored && buf)
    return UfpError(UFP_ERR_USAGE, "%s given but the file stores no %s", what, what);
  if (stored && required && !buf && h->count > 0)
    return UfpError(UFP_ERR_USAGE, "the file stores %s but none was given", what);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5mdAppendFrame(UfpH5md *h, int64_t step, double time, const double lattice[3][3],
                                const double (*x)[3], const int (*image)[3], const double (*v)[3],
                                const double (*f)[3])
{
  UfpCheck(h->writable, UFP_ERR_USAGE, "H5MD file %s is open read-only", UfpH5FilePath(h->file));
  UfpErrorCode err = check_element_arg(h, 1, x, "position", 1);
  if (!err) err = check_element_arg(h, h->has_image, image, "image", 1);
  if (!err) err = check_element_arg(h, h->has_velocity, v, "velocity", 1);
  if (!err) err = check_element_arg(h, h->has_force, f, "force", 1);
  if (!err && h->rank == 0 && !lattice) err = UfpError(UFP_ERR_USAGE, "no lattice given");
  UfpCall(UfpErrorSync(h->comm, err));

  hsize_t box_offset[3] = {(hsize_t)h->nframes, 0, 0}, box_count[3] = {1, 3, 3};
  if (h->rank != 0) box_count[0] = 0;
  UfpCall(element_grow(h, &h->edges, step, time));
  UfpCall(UfpH5WriteBlock(h->edges.value, H5T_NATIVE_DOUBLE, box_offset, box_count, lattice));

  UfpCall(element_grow(h, &h->position, step, time));
  UfpCall(element_write_atoms(h, &h->position, H5T_NATIVE_DOUBLE, x));
  if (h->has_image) {
    UfpCall(element_grow(h, &h->image, step, time));
    UfpCall(element_write_atoms(h, &h->image, H5T_NATIVE_INT, image));
  }
  if (h->has_velocity) {
    UfpCall(element_grow(h, &h->velocity, step, time));
    UfpCall(element_write_atoms(h, &h->velocity, H5T_NATIVE_DOUBLE, v));
  }
  if (h->has_force) {
    for (int64_t i = 0; i < h->count; i++)
      for (int k = 0; k < 3; k++) h->scratch[i][k] = f[i][k] * UFP_EV_KJ_PER_MOL;
    UfpCall(element_grow(h, &h->force, step, time));
    UfpCall(element_write_atoms(h, &h->force, H5T_NATIVE_DOUBLE, h->scratch));
  }
  h->nframes++;
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5mdReadFrame(UfpH5md *h, int64_t frame, int64_t *step, double *time,
                              double lattice[3][3], double (*x)[3], int (*image)[3],
                              double (*v)[3], double (*f)[3])
{
  UfpCheck(frame >= 0 && frame < h->nframes, UFP_ERR_USAGE,
           "frame %lld does not exist (the file has %lld frames)", (long long)frame,
           (long long)h->nframes);
  UfpErrorCode err = check_element_arg(h, h->has_image, image, "image", 0);
  if (!err) err = check_element_arg(h, h->has_velocity, v, "velocity", 0);
  if (!err) err = check_element_arg(h, h->has_force, f, "force", 0);
  UfpCall(UfpErrorSync(h->comm, err));

  int64_t step_value;
  double time_value, box[3][3];
  UfpCall(UfpH5ReadSlab(h->position.step, H5T_NATIVE_INT64, (hsize_t)frame, 1, &step_value));
  UfpCall(UfpH5ReadSlab(h->position.time, H5T_NATIVE_DOUBLE, (hsize_t)frame, 1, &time_value));
  UfpCall(UfpH5ReadSlab(h->edges.value, H5T_NATIVE_DOUBLE, (hsize_t)frame, 1, box));
  if (step) *step = step_value;
  if (time) *time = time_value;
  if (lattice) memcpy(lattice, box, sizeof box);

  UfpCall(element_read_atoms(h, &h->position, frame, H5T_NATIVE_DOUBLE, x));
  if (h->has_image) UfpCall(element_read_atoms(h, &h->image, frame, H5T_NATIVE_INT, image));
  if (h->has_velocity) UfpCall(element_read_atoms(h, &h->velocity, frame, H5T_NATIVE_DOUBLE, v));
  if (h->has_force) {
    UfpCall(element_read_atoms(h, &h->force, frame, H5T_NATIVE_DOUBLE, f));
    if (f)
      for (int64_t i = 0; i < h->count; i++)
        for (int k = 0; k < 3; k++) f[i][k] /= UFP_EV_KJ_PER_MOL;
  }
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------- observables */

static Element *find_observable(UfpH5md *h, const char *name)
{
  for (int k = 0; k < h->nobservables; k++)
    if (strcmp(h->observables[k].name, name) == 0) return &h->observables[k];
  return NULL;
}

UfpErrorCode UfpH5mdAppendObservable(UfpH5md *h, const char *name, const char *unit, int64_t step,
                                     double time, double value)
{
  UfpCheck(h->writable, UFP_ERR_USAGE, "H5MD file %s is open read-only", UfpH5FilePath(h->file));
  UfpCall(check_name(name, "observable"));
  UfpCheck(unit && strlen(unit) < UFP_H5MD_NAME_MAX, UFP_ERR_USAGE,
           "observable %s: unit missing or too long", name);
  Element *e = find_observable(h, name);
  if (!e) {
    hid_t observables;
    hid_t root = UfpH5FileId(h->file);
    int exists;
    UfpCall(UfpH5Exists(root, "observables", &exists));
    if (exists)
      UfpCall(UfpH5OpenGroup(root, "observables", &observables));
    else
      UfpCall(UfpH5CreateGroup(root, "observables", &observables));
    UfpErrorCode err = UfpRealloc(h->nobservables + 1, &h->observables);
    if (!err) {
      e = &h->observables[h->nobservables];
      err = element_create(observables, name, H5T_NATIVE_DOUBLE, 1, NULL, unit, e);
      h->nobservables++; /* counted even on failure so Destroy closes what was opened */
    }
    UfpErrorCode closed = UfpH5Close(&observables);
    UfpCall(err);
    UfpCall(closed);
  }
  UfpCheck(strcmp(e->unit, unit) == 0, UFP_ERR_USAGE,
           "observable %s has unit '%s', cannot append a value in '%s'", name, e->unit, unit);
  UfpCall(element_grow(h, e, step, time));
  UfpCall(UfpH5WriteSlab(e->value, H5T_NATIVE_DOUBLE, e->nsamples - 1, h->rank == 0 ? 1 : 0,
                         &value));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5mdNumObservableSamples(UfpH5md *h, const char *name, int64_t *n)
{
  Element *e = find_observable(h, name);
  *n = e ? (int64_t)e->nsamples : 0;
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5mdReadObservable(UfpH5md *h, const char *name, int64_t index, int64_t *step,
                                   double *time, double *value)
{
  Element *e = find_observable(h, name);
  UfpCheck(e, UFP_ERR_INPUT, "%s has no observable '%s'", UfpH5FilePath(h->file), name);
  UfpCheck(index >= 0 && (hsize_t)index < e->nsamples, UFP_ERR_USAGE,
           "observable %s has no sample %lld (it has %llu)", name, (long long)index,
           (unsigned long long)e->nsamples);
  int64_t step_value;
  double time_value, value_value;
  UfpCall(UfpH5ReadSlab(e->step, H5T_NATIVE_INT64, (hsize_t)index, 1, &step_value));
  UfpCall(UfpH5ReadSlab(e->time, H5T_NATIVE_DOUBLE, (hsize_t)index, 1, &time_value));
  UfpCall(UfpH5ReadSlab(e->value, H5T_NATIVE_DOUBLE, (hsize_t)index, 1, &value_value));
  if (step) *step = step_value;
  if (time) *time = time_value;
  if (value) *value = value_value;
  return UFP_SUCCESS;
}

/* ------------------------------------------------- truncation, flush, close */

UfpErrorCode UfpH5mdTruncate(UfpH5md *h, int64_t step)
{
  UfpCheck(h->writable, UFP_ERR_USAGE, "H5MD file %s is open read-only", UfpH5FilePath(h->file));
  Element *all[5] = {&h->position, &h->edges, &h->image, &h->velocity, &h->force};
  for (int k = 0; k < 5; k++) UfpCall(element_truncate(h, all[k], step));
  for (int k = 0; k < h->nobservables; k++) UfpCall(element_truncate(h, &h->observables[k], step));
  hsize_t nframes = h->position.nsamples;
  for (int k = 1; k < 5; k++)
    if (all[k]->group >= 0 && all[k]->nsamples < nframes) nframes = all[k]->nsamples;
  h->nframes = (int64_t)nframes;
  if (h->flush_after_truncate) UfpCall(UfpH5FileFlush(h->file));
  return UFP_SUCCESS;
}

void UfpH5mdSetFlushAfterTruncate(UfpH5md *h, int flush) { h->flush_after_truncate = flush != 0; }

UfpErrorCode UfpH5mdFlush(UfpH5md *h)
{
  UfpCall(UfpH5FileFlush(h->file));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5mdDestroy(UfpH5md **h)
{
  if (!h || !*h) return UFP_SUCCESS;
  UfpH5md *md = *h;
  UfpErrorCode err = UFP_SUCCESS, next;
  Element *all[5] = {&md->position, &md->edges, &md->image, &md->velocity, &md->force};
  for (int k = 0; k < 5; k++)
    if ((next = element_close(all[k])) != UFP_SUCCESS && !err) err = next;
  for (int k = 0; k < md->nobservables; k++)
    if ((next = element_close(&md->observables[k])) != UFP_SUCCESS && !err) err = next;
  if ((next = UfpH5Close(&md->particles)) != UFP_SUCCESS && !err) err = next;
  if ((next = UfpH5FileDestroy(&md->file)) != UFP_SUCCESS && !err) err = next;
  UfpFree(&md->observables);
  UfpFree(&md->scratch);
  UfpFree(h);
  UfpCall(err);
  return UFP_SUCCESS;
}
