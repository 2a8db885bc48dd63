/*
 * ufp_error.h -- the one error-propagation style of ufp-nmr.
 *
 * Every function that can fail returns a UfpErrorCode.  Callers wrap calls in
 * UfpCall(), which on failure appends "file:line (function)" to a traceback
 * and returns the same code to its own caller.  Conditions are checked with
 * UfpCheck(cond, code, fmt, ...), which records a message and returns.  MPI
 * and HDF5 return values are checked by UfpCallMPI() and UfpCallH5().
 *
 * main() never calls exit() on one rank: it hands the final code to
 * UfpMainFinish(), which prints the message and traceback with the rank
 * number and turns the code into a collective abort (MPI_Abort) whose exit
 * status is the documented code below.  Model: PETSc's PetscCall/PetscCheck.
 *
 * Exit codes (the values of sysexits.h, so that shells and SLURM scripts can
 * tell them apart):
 *   0   success
 *   64  usage error          (bad command-line option or value)
 *   65  bad input            (malformed or inconsistent input file)
 *   70  internal error       (a bug, a violated invariant, out of memory)
 *   74  I/O error            (cannot open, read, write or rename a file)
 *   75  interrupted, checkpointed (a signal stopped the run after a
 *       checkpoint was written: rerun the same command to continue)
 */
#ifndef UFP_ERROR_H
#define UFP_ERROR_H

#include <stddef.h>

typedef enum {
  UFP_SUCCESS = 0,
  UFP_ERR_USAGE = 64,
  UFP_ERR_INPUT = 65,
  UFP_ERR_INTERNAL = 70,
  UFP_ERR_IO = 74,
  UFP_ERR_INTERRUPTED = 75
} UfpErrorCode;

/* Short name of a code ("bad input", ...). */
const char *UfpErrorName(UfpErrorCode code);

/* Record a new error (clears any previous traceback) and return code. */
UfpErrorCode UfpErrorSet(UfpErrorCode code, const char *file, int line, const char *func,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Append one traceback frame and return code unchanged. */
UfpErrorCode UfpErrorTrace(UfpErrorCode code, const char *file, int line, const char *func);
/* The recorded message (empty if none) and traceback. */
const char *UfpErrorMessage(void);
const char *UfpErrorTraceback(void);
/* Forget the recorded error (used by tests that expect a failure). */
void UfpErrorClear(void);

#define UfpCall(expr)                                                        \
  do {                                                                       \
    UfpErrorCode ufp_ierr_ = (expr);                                         \
    if (ufp_ierr_ != UFP_SUCCESS) {                                          \
      UfpErrorTrace(ufp_ierr_, __FILE__, __LINE__, __func__);                \
      return ufp_ierr_;                                                      \
    }                                                                        \
  } while (0)

#define UfpCheck(cond, code, ...)                                            \
  do {                                                                       \
    if (!(cond)) {                                                           \
      UfpErrorSet((code), __FILE__, __LINE__, __func__, __VA_ARGS__);        \
      return (code);                                                         \
    }                                                                        \
  } while (0)

#define UfpError(code, ...) UfpErrorSet((code), __FILE__, __LINE__, __func__, __VA_ARGS__)

/* MPI calls: any return other than MPI_SUCCESS is an internal error. */
#define UfpCallMPI(expr)                                                     \
  do {                                                                       \
    int ufp_mpierr_ = (expr);                                                \
    if (ufp_mpierr_ != 0)                                                    \
      return UfpErrorSet(UFP_ERR_INTERNAL, __FILE__, __LINE__, __func__,      \
                         "MPI call failed (code %d): %s", ufp_mpierr_, #expr); \
  } while (0)

/* HDF5 calls: a negative herr_t or hid_t is an I/O error. */
#define UfpCallH5(expr)                                                      \
  do {                                                                       \
    if ((long long)(expr) < 0)                                               \
      return UfpErrorSet(UFP_ERR_IO, __FILE__, __LINE__, __func__,            \
                         "HDF5 call failed: %s", #expr);                     \
  } while (0)

/* Checked allocation: *ptr = calloc(n, sizeof **ptr); n == 0 gives NULL. */
#define UfpCalloc(n, ptr) UfpCallocBytes((size_t)(n), sizeof(**(ptr)), (void **)(ptr), __FILE__, __LINE__, __func__)
#define UfpRealloc(n, ptr) UfpReallocBytes((size_t)(n), sizeof(**(ptr)), (void **)(ptr), __FILE__, __LINE__, __func__)
/* free(*ptr) and set *ptr = NULL; accepts NULL. */
#define UfpFree(ptr) UfpFreeBytes((void **)(ptr))

UfpErrorCode UfpCallocBytes(size_t n, size_t size, void **ptr, const char *file, int line,
                            const char *func);
UfpErrorCode UfpReallocBytes(size_t n, size_t size, void **ptr, const char *file, int line,
                             const char *func);
void UfpFreeBytes(void **ptr);

#endif
