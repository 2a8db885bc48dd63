/*
 * petsc_call.h -- PETSc calls under the ufp error convention: a non-zero
 * PetscErrorCode becomes a UfpErrorCode (argument errors: usage, anything
 * else: internal) with PETSc's message, and the calling function returns.
 */
#ifndef UFP_PETSC_CALL_H
#define UFP_PETSC_CALL_H

#include <petscsys.h>

#include "ufp_error.h"

#define UfpCallPetsc(expr)                                                                  \
  do {                                                                                      \
    PetscErrorCode ufp_perr_ = (expr);                                                      \
    if (ufp_perr_) {                                                                        \
      const char *ufp_ptext_ = NULL;                                                        \
      PetscErrorMessage(ufp_perr_, &ufp_ptext_, NULL);                                      \
      UfpErrorCode ufp_code_ = (ufp_perr_ >= PETSC_ERR_ARG_SIZ && ufp_perr_ <= PETSC_ERR_ARG_UNKNOWN_TYPE) \
                                   ? UFP_ERR_USAGE                                          \
                                   : UFP_ERR_INTERNAL;                                      \
      return UfpError(ufp_code_, "PETSc error %d (%s) in %s", (int)ufp_perr_,              \
                      ufp_ptext_ ? ufp_ptext_ : "?", #expr);                                \
    }                                                                                       \
  } while (0)

#endif
