/*
 * h5io.h -- stage files: the parallel-HDF5 helpers behind every ufp-nmr output.
 *
 * A stage file is an HDF5 file opened with the MPI-IO driver on a
 * communicator.  Everything here is COLLECTIVE over that communicator unless
 * marked otherwise: every rank calls with the same arguments (attribute
 * values, names, dataset shapes), except the per-rank slab of a dataset.
 * HDF5 requires identical metadata from all ranks; values that may differ
 * between ranks (clock, file checksums) are computed on rank 0 and broadcast
 * by the provenance helpers.
 *
 *   UfpH5File *file;
 *   UfpCall(UfpH5FileCreate(comm, partial_path, &file));   (see safe_output.h)
 *   hid_t root = UfpH5FileId(file);
 *   UfpCall(UfpProvenanceWrite(prov, root));
 *   UfpCall(UfpH5CreateDataset(root, "efg", H5T_NATIVE_DOUBLE, 3, dims, 0, &dset));
 *   UfpCall(UfpH5WriteSlab(dset, H5T_NATIVE_DOUBLE, start, count, local));
 *   UfpCall(UfpH5Close(&dset));
 *   UfpCall(UfpH5FileDestroy(&file));
 *
 * Conventions: strings are variable-length UTF-8 (h5py returns str); ints are
 * stored as 32-bit and doubles as 64-bit little-endian IEEE; "slab" means a
 * contiguous range of rows along axis 0 with all other axes complete.
 * Object ids (hid_t) returned to the caller are closed with UfpH5Close.
 * See FORMATS.md for the provenance attributes.
 */
#ifndef UFP_H5IO_H
#define UFP_H5IO_H

#include <hdf5.h>
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "ufp_error.h"

/* ------------------------------------------------------------------ files */
typedef struct UfpH5File UfpH5File;

/* Create (truncate) path with the MPI-IO driver on comm. */
UfpErrorCode UfpH5FileCreate(MPI_Comm comm, const char *path, UfpH5File **file);
/* Open an existing file read-only (writable = 0) or read-write.  A missing
 * file or one that is not HDF5 is an I/O error naming the path. */
UfpErrorCode UfpH5FileOpen(MPI_Comm comm, const char *path, int writable, UfpH5File **file);
/* H5Fflush of the whole file (collective). */
UfpErrorCode UfpH5FileFlush(UfpH5File *file);
/* Close the file (every object opened in it must be closed first) and set
 * *file = NULL.  Accepts NULL and *file == NULL. */
UfpErrorCode UfpH5FileDestroy(UfpH5File **file);
/* Not collective. */
hid_t UfpH5FileId(const UfpH5File *file);
MPI_Comm UfpH5FileComm(const UfpH5File *file);
const char *UfpH5FilePath(const UfpH5File *file);

/* --------------------------------------------------------- objects, groups */
/* Close any HDF5 object id (file, group, dataset, attribute, dataspace,
 * datatype, property list) and set *id = H5I_INVALID_HID; an invalid id is a
 * no-op. */
UfpErrorCode UfpH5Close(hid_t *id);
/* *exists = 1 if the link path (relative to loc, components separated by
 * '/') resolves to an object.  Missing intermediate groups give 0, not an
 * HDF5 error. */
UfpErrorCode UfpH5Exists(hid_t loc, const char *path, int *exists);
/* Create a group, with any missing intermediate groups. */
UfpErrorCode UfpH5CreateGroup(hid_t loc, const char *path, hid_t *group);
/* Open an existing group; a missing one is a bad-input error naming the path
 * and the file ("... has no group /particles/trajectory/box ..."). */
UfpErrorCode UfpH5OpenGroup(hid_t loc, const char *path, hid_t *group);
/* Open an existing dataset, same error convention. */
UfpErrorCode UfpH5OpenDataset(hid_t loc, const char *path, hid_t *dset);

/* -------------------------------------------------------------- attributes */
/* Writers replace an existing attribute of the same name. */
UfpErrorCode UfpH5WriteStringAttr(hid_t loc, const char *name, const char *value);
UfpErrorCode UfpH5WriteStringArrayAttr(hid_t loc, const char *name, size_t n,
                                       const char *const *values);
UfpErrorCode UfpH5WriteIntAttr(hid_t loc, const char *name, int value);
UfpErrorCode UfpH5WriteIntArrayAttr(hid_t loc, const char *name, size_t n, const int *values);
UfpErrorCode UfpH5WriteDoubleAttr(hid_t loc, const char *name, double value);
UfpErrorCode UfpH5WriteDoubleArrayAttr(hid_t loc, const char *name, size_t n, const double *values);

UfpErrorCode UfpH5AttrExists(hid_t loc, const char *name, int *exists);
/* Scalar string attribute (variable- or fixed-length) into value[capacity];
 * a longer string is an error. */
UfpErrorCode UfpH5ReadStringAttr(hid_t loc, const char *name, char *value, size_t capacity);
/* 1-D string-array attribute: *values is an allocated array of *n allocated
 * strings; release with UfpH5FreeStrings. */
UfpErrorCode UfpH5ReadStringArrayAttr(hid_t loc, const char *name, size_t *n, char ***values);
void UfpH5FreeStrings(size_t n, char ***values);
/* Scalar (or one-element) numeric attributes. */
UfpErrorCode UfpH5ReadIntAttr(hid_t loc, const char *name, int *value);
UfpErrorCode UfpH5ReadDoubleAttr(hid_t loc, const char *name, double *value);
/* Numeric array attributes: the attribute must hold exactly n elements. */
UfpErrorCode UfpH5ReadIntArrayAttr(hid_t loc, const char *name, size_t n, int *values);
UfpErrorCode UfpH5ReadDoubleArrayAttr(hid_t loc, const char *name, size_t n, double *values);

/* ---------------------------------------------------------------- datasets */
/* Create a dataset of rank 1, 2 or 3 with file type derived from type
 * (H5T_NATIVE_DOUBLE -> 64-bit float, H5T_NATIVE_INT -> 32-bit int,
 * H5T_NATIVE_INT64 -> 64-bit int, ...).  chunk_rows == 0: contiguous, fixed
 * shape dims.  chunk_rows > 0: chunks of chunk_rows x dims[1] x dims[2] and
 * unlimited along axis 0 (dims[0] may be 0 and grows with UfpH5SetRows). */
UfpErrorCode UfpH5CreateDataset(hid_t loc, const char *name, hid_t type, int rank,
                                const hsize_t dims[], hsize_t chunk_rows, hid_t *dset);
/* Rank and dims (dims has room for 3; unused entries are set to 1). */
UfpErrorCode UfpH5DatasetShape(hid_t dset, int *rank, hsize_t dims[3]);
/* Set the extent along axis 0 (grow or shrink; chunked datasets only).
 * After SHRINKING, call UfpH5FileFlush before writing to the dataset again:
 * HDF5 1.10 with MPI-IO otherwise writes the stale, pruned edge chunk back
 * over the new data at close (see h5md.c). */
UfpErrorCode UfpH5SetRows(hid_t dset, hsize_t nrows);

/* Collective write/read of rows [start, start + count) of dset (all other
 * axes complete) from/to buf, with an MPI-IO collective transfer.  A rank
 * with count == 0 still participates (it selects nothing; buf may be NULL).
 * Caution (HDF5 1.10.8): after a read in which only rank 0 selected data of a
 * freshly opened chunked dataset, a following H5Dset_extent + H5Fflush failed
 * with MPI_ERR_TRUNCATE; before changing extents, read what every rank needs
 * on every rank (see element_count_upto in h5md.c). */
UfpErrorCode UfpH5WriteSlab(hid_t dset, hid_t memtype, hsize_t start, hsize_t count,
                            const void *buf);
UfpErrorCode UfpH5ReadSlab(hid_t dset, hid_t memtype, hsize_t start, hsize_t count, void *buf);
/* The same read with an independent transfer: not collective, so ranks may
 * read different numbers of row blocks (one contiguous range each). */
UfpErrorCode UfpH5ReadSlabIndependent(hid_t dset, hid_t memtype, hsize_t start, hsize_t count, void *buf);
/* General form: the block offset[0..rank) + count[0..rank) of dset; any
 * count[k] == 0 means this rank selects nothing. */
UfpErrorCode UfpH5WriteBlock(hid_t dset, hid_t memtype, const hsize_t offset[],
                             const hsize_t count[], const void *buf);
UfpErrorCode UfpH5ReadBlock(hid_t dset, hid_t memtype, const hsize_t offset[],
                            const hsize_t count[], void *buf);

/* -------------------------------------------------------------- provenance */
typedef struct UfpProvenance UfpProvenance;

/* program: executable name; options: the full option string it ran with.
 * Records version, git hash, compiler and flags (ufp_version.h), the number
 * of ranks of comm and the creation time (rank 0's clock, ISO 8601 UTC). */
UfpErrorCode UfpProvenanceCreate(MPI_Comm comm, const char *program, const char *options,
                                 UfpProvenance **prov);
/* Record an input file and its SHA-256 (computed on rank 0, broadcast).
 * Inputs larger than UFP_PROVENANCE_HASH_LIMIT (256 MiB) get the sampled
 * digest of sha256.h instead (1024 blocks of 16 KiB), written as "sampled:"
 * and the 64 hex digits: hashing every byte of a trajectory or EFG file of
 * many GB would cost as much as the analysis that reads it. */
#define UFP_PROVENANCE_HASH_LIMIT ((uint64_t)256 << 20)
#define UFP_PROVENANCE_SAMPLE_BLOCKS 1024
#define UFP_PROVENANCE_SAMPLE_BYTES 16384
UfpErrorCode UfpProvenanceAddInput(UfpProvenance *prov, const char *path);
/* Write the root attributes program, version, git_hash, compiler,
 * compiler_flags, options, mpi_ranks, created, inputs, input_sha256 on loc. */
UfpErrorCode UfpProvenanceWrite(const UfpProvenance *prov, hid_t loc);
UfpErrorCode UfpProvenanceDestroy(UfpProvenance **prov);

#endif
