/*
 * h5io.c -- stage-file helpers on parallel HDF5 (MPI-IO driver).
 *
 * Files.  Every stage file is opened with H5Pset_fapl_mpio on the caller's
 * communicator, with collective metadata writes (H5Pset_coll_metadata_write:
 * the metadata cache is flushed by all ranks together).  Metadata reads keep
 * HDF5's default (independent), so a helper that only some ranks happen to
 * need cannot deadlock the others in a hidden broadcast; H5Pset_all_coll_
 * metadata_ops would make many-rank opens faster at that price.
 * The file is closed with the default H5F_CLOSE_SEMI degree (the only one
 * MPI-IO supports), so a leaked object id shows up as a failed close instead
 * of a silently held-open file.
 *
 * Data.  Raw data move with collective MPI-IO transfers (H5FD_MPIO_COLLECTIVE):
 * each rank selects its own hyperslab of the file dataspace, a rank that owns
 * nothing selects none (H5Sselect_none) on both dataspaces but still calls
 * H5Dwrite/H5Dread, because a collective transfer needs every rank.
 * Extendible datasets are chunked along axis 0 with full-width chunks, so a
 * new frame touches one new chunk and H5Dset_extent grows or shrinks by whole
 * chunks.
 *
 * Strings are variable-length UTF-8 in attributes (h5py returns str).
 * Parallel HDF5 1.10 cannot write variable-length data to *datasets*, so
 * string tables that must be datasets are fixed-length instead (see h5md.c).
 *
 * Metadata (attributes, group and dataset creation, extents) must be
 * identical on every rank: HDF5 does not check this, and differing values
 * give a corrupt file.  The provenance record therefore takes everything that
 * could differ between ranks (clock, options, checksums) from rank 0.
 */
#include "h5io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parallel.h"
#include "safe_output.h"
#include "sha256.h"
#include "ufp_version.h"

struct UfpH5File {
  MPI_Comm comm;
  hid_t id;
  char *path;
};

struct UfpProvenance {
  MPI_Comm comm;
  char *program;
  char *options;
  char created[32];  /* ISO 8601 UTC, e.g. 2024-05-01T12:00:00Z */
  int nranks;
  size_t ninputs;
  char **inputs;
  char **sha256;     /* 64 hex digits each, "sampled:" before them for large inputs */
};

/* ---------------------------------------------------------------- helpers */

static UfpErrorCode duplicate_string(const char *text, char **copy)
{
  size_t n = strlen(text) + 1;
  UfpCall(UfpCalloc(n, copy));
  memcpy(*copy, text, n);
  return UFP_SUCCESS;
}

/* "<object path> in <file name>" for error messages. */
static const char *describe(hid_t loc, char *buf, size_t size)
{
  char object[512] = "?", file[UFP_PATH_MAX] = "?";
  if (H5Iget_name(loc, object, sizeof object) < 0) snprintf(object, sizeof object, "?");
  if (H5Fget_name(loc, file, sizeof file) < 0) snprintf(file, sizeof file, "?");
  snprintf(buf, size, "%s in %s", object, file);
  return buf;
}

static UfpErrorCode vlen_string_type(hid_t *type)
{
  UfpCallH5(*type = H5Tcopy(H5T_C_S1));
  UfpCallH5(H5Tset_size(*type, H5T_VARIABLE));
  UfpCallH5(H5Tset_cset(*type, H5T_CSET_UTF8));
  return UFP_SUCCESS;
}

static UfpErrorCode mpio_access_plist(MPI_Comm comm, hid_t *fapl)
{
  UfpCallH5(*fapl = H5Pcreate(H5P_FILE_ACCESS));
  UfpCallH5(H5Pset_fapl_mpio(*fapl, comm, MPI_INFO_NULL));
  UfpCallH5(H5Pset_coll_metadata_write(*fapl, 1));
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------------ files */

static UfpErrorCode file_new(MPI_Comm comm, const char *path, UfpH5File **file)
{
  UfpCall(UfpCalloc(1, file));
  (*file)->comm = comm;
  (*file)->id = H5I_INVALID_HID;
  UfpCall(duplicate_string(path, &(*file)->path));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5FileCreate(MPI_Comm comm, const char *path, UfpH5File **file)
{
  hid_t fapl = H5I_INVALID_HID;
  *file = NULL;
  UfpCall(mpio_access_plist(comm, &fapl));
  hid_t id = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  UfpCall(UfpH5Close(&fapl));
  UfpCheck(id >= 0, UFP_ERR_IO, "cannot create HDF5 file %s", path);
  UfpCall(file_new(comm, path, file));
  (*file)->id = id;
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5FileOpen(MPI_Comm comm, const char *path, int writable, UfpH5File **file)
{
  hid_t fapl = H5I_INVALID_HID;
  int is_hdf5 = 0;
  *file = NULL;
  UfpCheck(UfpFileExists(comm, path), UFP_ERR_IO, "cannot open %s: no such file", path);
  if (UfpCommRank(comm) == 0) is_hdf5 = H5Fis_hdf5(path) > 0;
  UfpCallMPI(MPI_Bcast(&is_hdf5, 1, MPI_INT, 0, comm));
  UfpCheck(is_hdf5, UFP_ERR_INPUT, "%s is not an HDF5 file", path);
  UfpCall(mpio_access_plist(comm, &fapl));
  hid_t id = H5Fopen(path, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
  UfpCall(UfpH5Close(&fapl));
  UfpCheck(id >= 0, UFP_ERR_IO, "cannot open HDF5 file %s %s", path,
           writable ? "for writing" : "for reading");
  UfpCall(file_new(comm, path, file));
  (*file)->id = id;
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5FileFlush(UfpH5File *file)
{
  UfpCheck(H5Fflush(file->id, H5F_SCOPE_GLOBAL) >= 0, UFP_ERR_IO, "cannot flush %s", file->path);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5FileDestroy(UfpH5File **file)
{
  if (!file || !*file) return UFP_SUCCESS;
  UfpH5File *f = *file;
  herr_t status = f->id >= 0 ? H5Fclose(f->id) : 0;
  char path[UFP_PATH_MAX];
  snprintf(path, sizeof path, "%s", f->path);
  UfpFree(&f->path);
  UfpFree(file);
  UfpCheck(status >= 0, UFP_ERR_IO,
           "cannot close HDF5 file %s (an object in it may still be open)", path);
  return UFP_SUCCESS;
}

hid_t UfpH5FileId(const UfpH5File *file) { return file->id; }
MPI_Comm UfpH5FileComm(const UfpH5File *file) { return file->comm; }
const char *UfpH5FilePath(const UfpH5File *file) { return file->path; }

/* --------------------------------------------------------- objects, groups */

UfpErrorCode UfpH5Close(hid_t *id)
{
  if (!id) return UFP_SUCCESS;
  if (*id < 0) {
    *id = H5I_INVALID_HID;
    return UFP_SUCCESS;
  }
  herr_t status = -1;
  H5I_type_t type = H5Iget_type(*id);
  switch (type) {
  case H5I_FILE: status = H5Fclose(*id); break;
  case H5I_GROUP: status = H5Gclose(*id); break;
  case H5I_DATASET: status = H5Dclose(*id); break;
  case H5I_ATTR: status = H5Aclose(*id); break;
  case H5I_DATASPACE: status = H5Sclose(*id); break;
  case H5I_DATATYPE: status = H5Tclose(*id); break;
  case H5I_GENPROP_LST: status = H5Pclose(*id); break;
  default: break;
  }
  *id = H5I_INVALID_HID;
  UfpCheck(status >= 0, UFP_ERR_IO, "cannot close HDF5 object (type %d)", (int)type);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5Exists(hid_t loc, const char *path, int *exists)
{
  size_t n = strlen(path);
  char *prefix = NULL;
  *exists = 1;
  if (n == 0 || strcmp(path, "/") == 0 || strcmp(path, ".") == 0) return UFP_SUCCESS;
  UfpCall(UfpCalloc(n + 1, &prefix));
  /* Check each component in turn: H5Lexists fails (instead of returning 0)
   * when an intermediate group is missing. */
  for (size_t end = 1; end <= n; end++) {
    if (end < n && path[end] != '/') continue;
    if (path[end - 1] == '/') continue; /* leading or doubled slash */
    memcpy(prefix, path, end);
    prefix[end] = '\0';
    htri_t found = H5Lexists(loc, prefix, H5P_DEFAULT);
    if (found > 0) found = H5Oexists_by_name(loc, prefix, H5P_DEFAULT);
    if (found <= 0) {
      UfpFree(&prefix);
      UfpCheck(found == 0, UFP_ERR_IO, "cannot look up %s in HDF5 file", path);
      *exists = 0;
      return UFP_SUCCESS;
    }
  }
  UfpFree(&prefix);
  return UFP_SUCCESS;
}

static UfpErrorCode check_object(hid_t loc, const char *path, H5O_type_t want, const char *what)
{
  int exists = 0;
  char where[UFP_PATH_MAX + 600];
  UfpCall(UfpH5Exists(loc, path, &exists));
  UfpCheck(exists, UFP_ERR_INPUT, "no %s '%s' under %s", what, path,
           describe(loc, where, sizeof where));
  H5O_info_t info;
  UfpCallH5(H5Oget_info_by_name(loc, path, &info, H5P_DEFAULT));
  UfpCheck(info.type == want, UFP_ERR_INPUT, "'%s' under %s is not a %s", path,
           describe(loc, where, sizeof where), what);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5CreateGroup(hid_t loc, const char *path, hid_t *group)
{
  hid_t lcpl;
  UfpCallH5(lcpl = H5Pcreate(H5P_LINK_CREATE));
  UfpCallH5(H5Pset_create_intermediate_group(lcpl, 1));
  *group = H5Gcreate2(loc, path, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  UfpCall(UfpH5Close(&lcpl));
  UfpCheck(*group >= 0, UFP_ERR_IO, "cannot create group %s", path);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5OpenGroup(hid_t loc, const char *path, hid_t *group)
{
  UfpCall(check_object(loc, path, H5O_TYPE_GROUP, "group"));
  UfpCallH5(*group = H5Gopen2(loc, path, H5P_DEFAULT));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5OpenDataset(hid_t loc, const char *path, hid_t *dset)
{
  UfpCall(check_object(loc, path, H5O_TYPE_DATASET, "dataset"));
  UfpCallH5(*dset = H5Dopen2(loc, path, H5P_DEFAULT));
  return UFP_SUCCESS;
}

/* -------------------------------------------------------------- attributes */

/* Create (replacing any old one) and write an attribute; closes space. */
static UfpErrorCode write_attr(hid_t loc, const char *name, hid_t filetype, hid_t memtype,
                               hid_t *space, const void *buf)
{
  static const char dummy[16];
  htri_t exists;
  UfpCallH5(exists = H5Aexists(loc, name));
  if (exists > 0) UfpCallH5(H5Adelete(loc, name));
  hid_t attr = H5Acreate2(loc, name, filetype, *space, H5P_DEFAULT, H5P_DEFAULT);
  UfpCall(UfpH5Close(space));
  UfpCheck(attr >= 0, UFP_ERR_IO, "cannot create attribute %s", name);
  herr_t status = H5Awrite(attr, memtype, buf ? buf : dummy);
  UfpCall(UfpH5Close(&attr));
  UfpCheck(status >= 0, UFP_ERR_IO, "cannot write attribute %s", name);
  return UFP_SUCCESS;
}

static UfpErrorCode array_space(size_t n, hid_t *space)
{
  hsize_t dim = n;
  UfpCallH5(*space = H5Screate_simple(1, &dim, NULL));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5WriteStringAttr(hid_t loc, const char *name, const char *value)
{
  hid_t type, space;
  UfpCall(vlen_string_type(&type));
  UfpCallH5(space = H5Screate(H5S_SCALAR));
  UfpErrorCode err = write_attr(loc, name, type, type, &space, &value);
  UfpCall(UfpH5Close(&type));
  UfpCall(err);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5WriteStringArrayAttr(hid_t loc, const char *name, size_t n,
                                       const char *const *values)
{
  hid_t type, space;
  UfpCall(vlen_string_type(&type));
  UfpCall(array_space(n, &space));
  UfpErrorCode err = write_attr(loc, name, type, type, &space, values);
  UfpCall(UfpH5Close(&type));
  UfpCall(err);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5WriteIntAttr(hid_t loc, const char *name, int value)
{
  hid_t space;
  UfpCallH5(space = H5Screate(H5S_SCALAR));
  UfpCall(write_attr(loc, name, H5T_STD_I32LE, H5T_NATIVE_INT, &space, &value));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5WriteIntArrayAttr(hid_t loc, const char *name, size_t n, const int *values)
{
  hid_t space;
  UfpCall(array_space(n, &space));
  UfpCall(write_attr(loc, name, H5T_STD_I32LE, H5T_NATIVE_INT, &space, values));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5WriteDoubleAttr(hid_t loc, const char *name, double value)
{
  hid_t space;
  UfpCallH5(space = H5Screate(H5S_SCALAR));
  UfpCall(write_attr(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &space, &value));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5WriteDoubleArrayAttr(hid_t loc, const char *name, size_t n, const double *values)
{
  hid_t space;
  UfpCall(array_space(n, &space));
  UfpCall(write_attr(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &space, values));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5AttrExists(hid_t loc, const char *name, int *exists)
{
  htri_t found;
  UfpCallH5(found = H5Aexists(loc, name));
  *exists = found > 0;
  return UFP_SUCCESS;
}

/* Open attribute name of loc, with its type class and element count. */
static UfpErrorCode open_attr(hid_t loc, const char *name, hid_t *attr, H5T_class_t *cls,
                              size_t *npoints)
{
  char where[UFP_PATH_MAX + 600];
  htri_t exists;
  UfpCallH5(exists = H5Aexists(loc, name));
  UfpCheck(exists > 0, UFP_ERR_INPUT, "no attribute '%s' on %s", name,
           describe(loc, where, sizeof where));
  UfpCallH5(*attr = H5Aopen(loc, name, H5P_DEFAULT));
  hid_t type, space;
  UfpCallH5(type = H5Aget_type(*attr));
  *cls = H5Tget_class(type);
  UfpCall(UfpH5Close(&type));
  UfpCallH5(space = H5Aget_space(*attr));
  hssize_t n = H5Sget_simple_extent_npoints(space);
  UfpCall(UfpH5Close(&space));
  UfpCallH5(n);
  *npoints = (size_t)n;
  return UFP_SUCCESS;
}

static UfpErrorCode read_numeric_attr(hid_t loc, const char *name, hid_t memtype, int want_int,
                                      size_t n, void *values)
{
  char where[UFP_PATH_MAX + 600];
  hid_t attr;
  H5T_class_t cls = H5T_NO_CLASS;
  size_t npoints = 0;
  UfpCall(open_attr(loc, name, &attr, &cls, &npoints));
  int type_ok = cls == H5T_INTEGER || (!want_int && cls == H5T_FLOAT);
  herr_t status = type_ok && npoints == n ? H5Aread(attr, memtype, values) : 0;
  UfpCall(UfpH5Close(&attr));
  UfpCheck(type_ok, UFP_ERR_INPUT, "attribute '%s' on %s is not %s", name,
           describe(loc, where, sizeof where), want_int ? "an integer" : "numeric");
  UfpCheck(npoints == n, UFP_ERR_INPUT, "attribute '%s' on %s has %zu values, expected %zu", name,
           describe(loc, where, sizeof where), npoints, n);
  UfpCheck(status >= 0, UFP_ERR_IO, "cannot read attribute '%s' on %s", name,
           describe(loc, where, sizeof where));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5ReadIntAttr(hid_t loc, const char *name, int *value)
{
  UfpCall(read_numeric_attr(loc, name, H5T_NATIVE_INT, 1, 1, value));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5ReadDoubleAttr(hid_t loc, const char *name, double *value)
{
  UfpCall(read_numeric_attr(loc, name, H5T_NATIVE_DOUBLE, 0, 1, value));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5ReadIntArrayAttr(hid_t loc, const char *name, size_t n, int *values)
{
  UfpCall(read_numeric_attr(loc, name, H5T_NATIVE_INT, 1, n, values));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5ReadDoubleArrayAttr(hid_t loc, const char *name, size_t n, double *values)
{
  UfpCall(read_numeric_attr(loc, name, H5T_NATIVE_DOUBLE, 0, n, values));
  return UFP_SUCCESS;
}

/* Read all strings of a string attribute (variable- or fixed-length) into
 * freshly allocated C strings. */
static UfpErrorCode read_strings(hid_t attr, size_t n, char **out)
{
  hid_t filetype, memtype;
  UfpCallH5(filetype = H5Aget_type(attr));
  htri_t variable = H5Tis_variable_str(filetype);
  size_t size = H5Tget_size(filetype);
  H5T_cset_t cset = H5Tget_cset(filetype); /* HDF5 converts no character sets */
  UfpCall(UfpH5Close(&filetype));
  UfpCallH5(variable);
  UfpCallH5(cset);
  UfpCallH5(memtype = H5Tcopy(H5T_C_S1));
  UfpCallH5(H5Tset_cset(memtype, cset));
  UfpErrorCode err = UFP_SUCCESS;
  if (variable) {
    char **raw = NULL;
    UfpCallH5(H5Tset_size(memtype, H5T_VARIABLE));
    UfpCall(UfpCalloc(n > 0 ? n : 1, &raw));
    herr_t status = H5Aread(attr, memtype, raw);
    for (size_t k = 0; k < n; k++) {
      if (status >= 0 && err == UFP_SUCCESS) err = duplicate_string(raw[k] ? raw[k] : "", &out[k]);
      if (status >= 0 && raw[k]) H5free_memory(raw[k]);
    }
    UfpFree(&raw);
    UfpCall(UfpH5Close(&memtype));
    UfpCheck(status >= 0, UFP_ERR_IO, "cannot read string attribute");
  } else {
    char *raw = NULL;
    UfpCallH5(H5Tset_size(memtype, size + 1));
    UfpCallH5(H5Tset_strpad(memtype, H5T_STR_NULLTERM));
    UfpCall(UfpCalloc((size + 1) * (n > 0 ? n : 1), &raw));
    herr_t status = H5Aread(attr, memtype, raw);
    for (size_t k = 0; k < n && status >= 0 && err == UFP_SUCCESS; k++)
      err = duplicate_string(raw + k * (size + 1), &out[k]);
    UfpFree(&raw);
    UfpCall(UfpH5Close(&memtype));
    UfpCheck(status >= 0, UFP_ERR_IO, "cannot read string attribute");
  }
  UfpCall(err);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5ReadStringAttr(hid_t loc, const char *name, char *value, size_t capacity)
{
  char where[UFP_PATH_MAX + 600];
  hid_t attr;
  H5T_class_t cls = H5T_NO_CLASS;
  size_t npoints = 0;
  char *text = NULL;
  UfpCall(open_attr(loc, name, &attr, &cls, &npoints));
  UfpErrorCode err = UFP_SUCCESS;
  if (cls == H5T_STRING && npoints == 1) err = read_strings(attr, 1, &text);
  UfpCall(UfpH5Close(&attr));
  UfpCheck(cls == H5T_STRING && npoints == 1, UFP_ERR_INPUT,
           "attribute '%s' on %s is not a single string", name, describe(loc, where, sizeof where));
  UfpCall(err);
  size_t length = strlen(text);
  if (length < capacity) memcpy(value, text, length + 1);
  UfpFree(&text);
  UfpCheck(length < capacity, UFP_ERR_INPUT, "attribute '%s' on %s is too long (%zu > %zu bytes)",
           name, describe(loc, where, sizeof where), length, capacity - 1);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5ReadStringArrayAttr(hid_t loc, const char *name, size_t *n, char ***values)
{
  char where[UFP_PATH_MAX + 600];
  hid_t attr;
  H5T_class_t cls = H5T_NO_CLASS;
  size_t npoints = 0;
  *n = 0;
  *values = NULL;
  UfpCall(open_attr(loc, name, &attr, &cls, &npoints));
  UfpErrorCode err = UFP_SUCCESS;
  if (cls == H5T_STRING) {
    err = UfpCalloc(npoints > 0 ? npoints : 1, values);
    if (!err) err = read_strings(attr, npoints, *values);
  }
  UfpCall(UfpH5Close(&attr));
  if (err) UfpH5FreeStrings(npoints, values);
  UfpCheck(cls == H5T_STRING, UFP_ERR_INPUT, "attribute '%s' on %s is not a string array", name,
           describe(loc, where, sizeof where));
  UfpCall(err);
  *n = npoints;
  return UFP_SUCCESS;
}

void UfpH5FreeStrings(size_t n, char ***values)
{
  if (!values || !*values) return;
  for (size_t k = 0; k < n; k++) UfpFree(&(*values)[k]);
  UfpFree(values);
}

/* ---------------------------------------------------------------- datasets */

/* Portable little-endian file type for a native memory type. */
static UfpErrorCode file_type_of(hid_t memtype, hid_t *filetype)
{
  H5T_class_t cls = H5Tget_class(memtype);
  size_t size = H5Tget_size(memtype);
  if (cls == H5T_FLOAT && size == 8) {
    UfpCallH5(*filetype = H5Tcopy(H5T_IEEE_F64LE));
  } else if (cls == H5T_FLOAT && size == 4) {
    UfpCallH5(*filetype = H5Tcopy(H5T_IEEE_F32LE));
  } else if (cls == H5T_INTEGER) {
    int is_signed = H5Tget_sign(memtype) == H5T_SGN_2;
    hid_t base = size == 1 ? (is_signed ? H5T_STD_I8LE : H5T_STD_U8LE)
                 : size == 2 ? (is_signed ? H5T_STD_I16LE : H5T_STD_U16LE)
                 : size == 4 ? (is_signed ? H5T_STD_I32LE : H5T_STD_U32LE)
                             : (is_signed ? H5T_STD_I64LE : H5T_STD_U64LE);
    UfpCallH5(*filetype = H5Tcopy(base));
  } else {
    UfpCallH5(*filetype = H5Tcopy(memtype));
  }
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5CreateDataset(hid_t loc, const char *name, hid_t type, int rank,
                                const hsize_t dims[], hsize_t chunk_rows, hid_t *dset)
{
  hsize_t maxdims[3], chunk[3];
  hid_t filetype, space, dcpl;
  UfpCheck(rank >= 1 && rank <= 3, UFP_ERR_INTERNAL, "dataset %s: rank %d is not 1, 2 or 3", name,
           rank);
  double chunk_bytes = (double)H5Tget_size(type) * (double)(chunk_rows > 0 ? chunk_rows : 1);
  for (int k = 0; k < rank; k++) {
    maxdims[k] = dims[k];
    chunk[k] = dims[k] > 0 ? dims[k] : 1;
    if (k > 0) chunk_bytes *= (double)chunk[k];
  }
  UfpCallH5(dcpl = H5Pcreate(H5P_DATASET_CREATE));
  if (chunk_rows > 0) {
    UfpCheck(chunk_bytes < 4.0e9, UFP_ERR_USAGE,
             "dataset %s: a chunk of %llu rows would exceed HDF5's 4 GB chunk limit", name,
             (unsigned long long)chunk_rows);
    maxdims[0] = H5S_UNLIMITED;
    chunk[0] = chunk_rows;
    UfpCallH5(H5Pset_chunk(dcpl, rank, chunk));
  }
  /* Every element is written before it is read: skip the fill pass that
   * parallel HDF5 would otherwise do collectively at each extension. */
  UfpCallH5(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
  UfpCallH5(space = H5Screate_simple(rank, dims, maxdims));
  UfpCall(file_type_of(type, &filetype));
  *dset = H5Dcreate2(loc, name, filetype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  UfpCall(UfpH5Close(&filetype));
  UfpCall(UfpH5Close(&space));
  UfpCall(UfpH5Close(&dcpl));
  UfpCheck(*dset >= 0, UFP_ERR_IO, "cannot create dataset %s", name);
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5DatasetShape(hid_t dset, int *rank, hsize_t dims[3])
{
  hid_t space;
  UfpCallH5(space = H5Dget_space(dset));
  int ndims = H5Sget_simple_extent_ndims(space);
  herr_t status = ndims >= 0 && ndims <= 3 ? H5Sget_simple_extent_dims(space, dims, NULL) : -1;
  UfpCall(UfpH5Close(&space));
  UfpCheck(status >= 0, UFP_ERR_INPUT, "dataset has rank %d (at most 3 supported)", ndims);
  for (int k = ndims; k < 3; k++) dims[k] = 1;
  *rank = ndims;
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5SetRows(hid_t dset, hsize_t nrows)
{
  int rank;
  hsize_t dims[3];
  UfpCall(UfpH5DatasetShape(dset, &rank, dims));
  dims[0] = nrows;
  UfpCheck(H5Dset_extent(dset, dims) >= 0, UFP_ERR_IO, "cannot set dataset extent to %llu rows",
           (unsigned long long)nrows);
  return UFP_SUCCESS;
}

static UfpErrorCode block_io(hid_t dset, hid_t memtype, const hsize_t offset[],
                             const hsize_t count[], void *buf, int write, int collective)
{
  double dummy[4];
  int rank = 0;
  hsize_t dims[3] = {0, 0, 0}, npoints = 1;
  hid_t filespace, memspace, dxpl;
  UfpCall(UfpH5DatasetShape(dset, &rank, dims));
  for (int k = 0; k < rank; k++) {
    npoints *= count[k];
    UfpCheck(count[k] == 0 || offset[k] + count[k] <= dims[k], UFP_ERR_INTERNAL,
             "block [%llu, %llu) along axis %d is outside the dataset (%llu)",
             (unsigned long long)offset[k], (unsigned long long)(offset[k] + count[k]), k,
             (unsigned long long)dims[k]);
  }
  UfpCallH5(filespace = H5Dget_space(dset));
  if (npoints == 0) {
    hsize_t one = 1;
    UfpCallH5(memspace = H5Screate_simple(1, &one, NULL));
    UfpCallH5(H5Sselect_none(memspace));
    UfpCallH5(H5Sselect_none(filespace));
    buf = dummy;
  } else {
    UfpCallH5(memspace = H5Screate_simple(rank, count, NULL));
    UfpCallH5(H5Sselect_hyperslab(filespace, H5S_SELECT_SET, offset, NULL, count, NULL));
  }
  UfpCallH5(dxpl = H5Pcreate(H5P_DATASET_XFER));
  UfpCallH5(H5Pset_dxpl_mpio(dxpl, collective ? H5FD_MPIO_COLLECTIVE : H5FD_MPIO_INDEPENDENT));
  herr_t status = write ? H5Dwrite(dset, memtype, memspace, filespace, dxpl, buf)
                        : H5Dread(dset, memtype, memspace, filespace, dxpl, buf);
  UfpCall(UfpH5Close(&dxpl));
  UfpCall(UfpH5Close(&memspace));
  UfpCall(UfpH5Close(&filespace));
  char where[UFP_PATH_MAX + 600];
  UfpCheck(status >= 0, UFP_ERR_IO, "cannot %s dataset %s", write ? "write" : "read",
           describe(dset, where, sizeof where));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5WriteBlock(hid_t dset, hid_t memtype, const hsize_t offset[],
                             const hsize_t count[], const void *buf)
{
  UfpCall(block_io(dset, memtype, offset, count, (void *)buf, 1, 1));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5ReadBlock(hid_t dset, hid_t memtype, const hsize_t offset[],
                            const hsize_t count[], void *buf)
{
  UfpCall(block_io(dset, memtype, offset, count, buf, 0, 1));
  return UFP_SUCCESS;
}

/* Rows [start, start + count) with all other axes complete. */
static UfpErrorCode slab_block(hid_t dset, hsize_t start, hsize_t count, hsize_t offset[3],
                               hsize_t block[3])
{
  int rank = 0;
  hsize_t dims[3] = {1, 1, 1};
  UfpCall(UfpH5DatasetShape(dset, &rank, dims));
  offset[0] = start;
  block[0] = count;
  for (int k = 1; k < 3; k++) {
    offset[k] = 0;
    block[k] = dims[k];
  }
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5WriteSlab(hid_t dset, hid_t memtype, hsize_t start, hsize_t count,
                            const void *buf)
{
  hsize_t offset[3], block[3];
  UfpCall(slab_block(dset, start, count, offset, block));
  UfpCall(block_io(dset, memtype, offset, block, (void *)buf, 1, 1));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5ReadSlab(hid_t dset, hid_t memtype, hsize_t start, hsize_t count, void *buf)
{
  hsize_t offset[3], block[3];
  UfpCall(slab_block(dset, start, count, offset, block));
  UfpCall(block_io(dset, memtype, offset, block, buf, 0, 1));
  return UFP_SUCCESS;
}

UfpErrorCode UfpH5ReadSlabIndependent(hid_t dset, hid_t memtype, hsize_t start, hsize_t count, void *buf)
{
  hsize_t offset[3], block[3];
  UfpCall(slab_block(dset, start, count, offset, block));
  UfpCall(block_io(dset, memtype, offset, block, buf, 0, 0));
  return UFP_SUCCESS;
}

/* -------------------------------------------------------------- provenance */

/* *copy = rank 0's text, on every rank. */
static UfpErrorCode bcast_string(MPI_Comm comm, const char *text, char **copy)
{
  unsigned long long length = UfpCommRank(comm) == 0 ? strlen(text) : 0;
  UfpCallMPI(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, comm));
  UfpCall(UfpCalloc(length + 1, copy));
  if (UfpCommRank(comm) == 0) memcpy(*copy, text, length);
  UfpCall(UfpBcastBytes(comm, *copy, length, 0));
  return UFP_SUCCESS;
}

UfpErrorCode UfpProvenanceCreate(MPI_Comm comm, const char *program, const char *options,
                                 UfpProvenance **prov)
{
  UfpProvenance *p;
  UfpCall(UfpCalloc(1, prov));
  p = *prov;
  p->comm = comm;
  p->nranks = UfpCommSize(comm);
  UfpCall(bcast_string(comm, program ? program : "", &p->program));
  UfpCall(bcast_string(comm, options ? options : "", &p->options));
  if (UfpCommRank(comm) == 0) {
    time_t now = time(NULL);
    struct tm utc;
    if (!gmtime_r(&now, &utc) ||
        strftime(p->created, sizeof p->created, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
      snprintf(p->created, sizeof p->created, "unknown");
  }
  UfpCall(UfpBcastBytes(comm, p->created, sizeof p->created, 0));
  return UFP_SUCCESS;
}

UfpErrorCode UfpProvenanceAddInput(UfpProvenance *prov, const char *path)
{
  char hex[UFP_SHA256_HEX_SIZE + 8] = "";
  UfpErrorCode err = UFP_SUCCESS;
  int sampled = 0;
  if (UfpCommRank(prov->comm) == 0)
    err = UfpSha256FileSampled(path, UFP_PROVENANCE_HASH_LIMIT, UFP_PROVENANCE_SAMPLE_BLOCKS, UFP_PROVENANCE_SAMPLE_BYTES, hex + 8, &sampled);
  if (sampled) memcpy(hex, "sampled:", 8);
  else memmove(hex, hex + 8, UFP_SHA256_HEX_SIZE);
  UfpCall(UfpErrorSync(prov->comm, err));
  UfpCall(UfpBcastBytes(prov->comm, hex, sizeof hex, 0));
  UfpCall(UfpRealloc(prov->ninputs + 1, &prov->inputs));
  prov->inputs[prov->ninputs] = NULL;
  UfpCall(UfpRealloc(prov->ninputs + 1, &prov->sha256));
  prov->sha256[prov->ninputs] = NULL;
  prov->ninputs++;
  UfpCall(bcast_string(prov->comm, path, &prov->inputs[prov->ninputs - 1]));
  UfpCall(duplicate_string(hex, &prov->sha256[prov->ninputs - 1]));
  return UFP_SUCCESS;
}

UfpErrorCode UfpProvenanceWrite(const UfpProvenance *prov, hid_t loc)
{
  UfpCall(UfpH5WriteStringAttr(loc, "program", prov->program));
  UfpCall(UfpH5WriteStringAttr(loc, "version", UFP_VERSION));
  UfpCall(UfpH5WriteStringAttr(loc, "git_hash", UFP_GIT_HASH));
  UfpCall(UfpH5WriteStringAttr(loc, "compiler", UFP_C_COMPILER));
  UfpCall(UfpH5WriteStringAttr(loc, "compiler_flags", UFP_C_FLAGS));
  UfpCall(UfpH5WriteStringAttr(loc, "options", prov->options));
  UfpCall(UfpH5WriteIntAttr(loc, "mpi_ranks", prov->nranks));
  UfpCall(UfpH5WriteStringAttr(loc, "created", prov->created));
  UfpCall(UfpH5WriteStringArrayAttr(loc, "inputs", prov->ninputs,
                                    (const char *const *)prov->inputs));
  UfpCall(UfpH5WriteStringArrayAttr(loc, "input_sha256", prov->ninputs,
                                    (const char *const *)prov->sha256));
  return UFP_SUCCESS;
}

UfpErrorCode UfpProvenanceDestroy(UfpProvenance **prov)
{
  if (!prov || !*prov) return UFP_SUCCESS;
  UfpProvenance *p = *prov;
  for (size_t k = 0; k < p->ninputs; k++) {
    UfpFree(&p->inputs[k]);
    UfpFree(&p->sha256[k]);
  }
  UfpFree(&p->inputs);
  UfpFree(&p->sha256);
  UfpFree(&p->program);
  UfpFree(&p->options);
  UfpFree(prov);
  return UFP_SUCCESS;
}
