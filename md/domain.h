/*
 * domain.h -- spatial domain decomposition of a triclinic periodic cell,
 * with atom migration and ghost-atom halo exchange.
 *
 * The ranks form a periodic Cartesian grid dims[0] x dims[1] x dims[2] over
 * FRACTIONAL coordinates s = x h^-1 (h rows = lattice vectors), so every
 * sub-domain is a parallelepiped [lo, hi) and triclinic cells need no special
 * case.  Each rank owns the atoms inside its box (wrapped positions plus
 * image flags, so unwrapped = x + image h exactly) and holds ghost copies,
 * already shifted by the right lattice vectors, of every atom within
 * `cutghost` of its box: the force loop then sees plain Cartesian positions.
 *
 * Lifecycle: MdDomainCreate -> MdDomainSetAtoms -> per rebuild
 * (MdDomainExchange, MdDomainBorders) -> per step (MdDomainForward, force
 * loop, MdDomainReverse) -> MdDomainDestroy.
 *
 * Atom arrays (public, valid until the next Exchange/Borders):
 *   [0, nlocal)       owned atoms, sorted by global id after every Exchange
 *   [nlocal, nall)    ghosts
 * Sorting by id makes the state after a rebuild independent of history, so
 * a run restarted from a checkpoint repeats the uninterrupted run bit for
 * bit.
 */
#ifndef UFP_MD_DOMAIN_H
#define UFP_MD_DOMAIN_H

#include <mpi.h>
#include <stdint.h>

#include "cell.h"
#include "ufp_error.h"

typedef struct MdSwap_ MdSwap;

typedef struct MdDomain_ {
  MPI_Comm comm;                /* Cartesian communicator (owned) */
  int rank, size;
  int dims[3], coords[3];
  int left[3], right[3];        /* neighbour ranks along each axis */
  UfpCell cell;
  double lo[3], hi[3];          /* fractional bounds of this rank's box */
  double cutghost;              /* Å */
  double cutfrac[3];            /* cutghost in fractional units per axis */
  int need[3];                  /* halo passes per axis and direction */
  int64_t natoms;               /* global */
  int nlocal, nall, capacity;
  int64_t *id;
  int *type;
  double (*x)[3], (*v)[3], (*f)[3];
  int (*image)[3];              /* owned atoms only */
  MdSwap *swap;
  int nswap;
  char *sendbuf, *recvbuf;
  size_t capsend, caprecv;
} MdDomain;

/* Grid chosen by MPI_Dims_create, the most ranks along the widest axis. */
UfpErrorCode MdDomainCreate(MPI_Comm comm, const double lattice[3][3], double cutghost, MdDomain **domain);
UfpErrorCode MdDomainDestroy(MdDomain **domain);

/* Every rank passes all natoms atoms (global arrays, index = id); each keeps
 * those inside its box.  v and image may be NULL (zero). */
UfpErrorCode MdDomainSetAtoms(MdDomain *d, int64_t natoms, const int *type, const double (*x)[3],
                              const double (*v)[3], const int (*image)[3]);

/* Wrap owned atoms into the cell, move those that left the box to their new
 * owner, sort by id, and drop the ghosts. */
UfpErrorCode MdDomainExchange(MdDomain *d);
/* Build the ghosts (and the send lists used by Forward/Reverse). */
UfpErrorCode MdDomainBorders(MdDomain *d);
/* Copy owned positions to their ghosts (after the atoms moved). */
UfpErrorCode MdDomainForward(MdDomain *d);
/* Add ghost forces onto their owners; ghost entries of f are left as is. */
UfpErrorCode MdDomainReverse(MdDomain *d);
/* The same for any per-atom array of width doubles per atom (nall rows). */
UfpErrorCode MdDomainReverseArray(MdDomain *d, int width, double *values);

/* Redistribute width doubles per owned atom into the block layout of
 * UfpPartition(natoms, rank, size) by global id (for output and
 * checkpoints).  block has count * width entries. */
UfpErrorCode MdDomainToBlocks(MdDomain *d, int width, const double *local, double *block);

#endif
