/*
 * efg_model_impl.h -- private: the ops table and base of EFG models
 * (efg_model.h).  Each kind embeds struct EfgModel_ as its first member.
 */
#ifndef EFG_EFG_MODEL_IMPL_H
#define EFG_EFG_MODEL_IMPL_H

#include "efg_model.h"
#include "lambda_soap.h"
#include "sagpr.h"

typedef struct {
  const char *kind;
  UfpErrorCode (*predict)(EfgModel model, const UfpCell *cell, int natoms, const double (*x)[3],
                          const char (*species)[UFP_LABEL_MAX], int ncentres, const int *centres, double (*v)[3][3]);
  UfpErrorCode (*write)(const EfgModel model, MPI_Comm comm, hid_t loc);
  void (*destroy)(EfgModel model); /* frees the kind's parts, not the base */
} EfgModelOps;

struct EfgModel_ {
  const EfgModelOps *ops;
  char centre[UFP_LABEL_MAX];
};

/* Kind readers: root is the open file's root group. */
UfpErrorCode EfgModelReadSagpr(MPI_Comm comm, hid_t root, const char *centre, EfgModel *model);
UfpErrorCode EfgModelReadPointCharge(MPI_Comm comm, hid_t root, const char *centre, EfgModel *model);

#endif
