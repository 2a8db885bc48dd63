/*
 * h5md_demo_writer.c -- writes a small triclinic H5MD trajectory for the
 * reader-compatibility test (test_h5md_readers.sh, check_h5md.py).
 *
 *   mpiexec -n 3 h5md_demo_writer OUT.h5 [INPUT_FILE]
 *
 * 5 atoms, 4 frames, with image, velocity, force, masses, two observables and
 * provenance (INPUT_FILE, if given, is recorded with its SHA-256).  The data
 * follow closed formulas that check_h5md.py repeats (keep the two in step):
 *   step = 100 f, time = 0.05 f ps
 *   lattice rows: (10 + f, 0, 0), (3, 11, 0), (1.5, -2, 12 + 0.5 f)   Å
 *   x[i][k]     = 1 + i + 0.25 k + 0.1 f                               Å
 *   v[i][k]     = 0.01 (i + 1)(k + 1) + f                              Å/ps
 *   F[i][k]     = 0.1 i - 0.2 k + 0.01 f                               eV/Å
 *   image[i][k] = (i + k + f) mod 3 - 1
 *   observables potential_energy = -10 - f eV, temperature = 300 + f K
 * The file is written as OUT.h5.partial and renamed when complete.
 */
#include <stdio.h>
#include <string.h>

#include "h5md.h"
#include "parallel.h"
#include "safe_output.h"

#define NATOMS 5
#define NFRAMES 4

static UfpErrorCode write_demo(MPI_Comm comm, int argc, char **argv)
{
  static const char species[NATOMS][UFP_H5MD_LABEL_MAX] = {"Li", "O", "O", "Zr", "La"};
  static const double masses[NATOMS] = {6.94, 15.999, 15.999, 91.224, 138.905};
  char partial[UFP_PATH_MAX], options[UFP_PATH_MAX] = "";
  UfpProvenance *prov = NULL;
  UfpH5md *traj = NULL;

  UfpCheck(argc == 2 || argc == 3, UFP_ERR_USAGE, "usage: %s OUT.h5 [INPUT_FILE]", argv[0]);
  for (int a = 1; a < argc; a++) {
    size_t used = strlen(options);
    snprintf(options + used, sizeof options - used, "%s%s", a > 1 ? " " : "", argv[a]);
  }
  UfpCall(UfpOutputBegin(comm, argv[1], 1, partial));
  UfpCall(UfpProvenanceCreate(comm, "h5md_demo_writer", options, &prov));
  if (argc == 3) UfpCall(UfpProvenanceAddInput(prov, argv[2]));
  UfpH5mdConfig cfg = {.natoms = NATOMS,
                       .species = species,
                       .masses = masses,
                       .store_image = 1,
                       .store_velocity = 1,
                       .store_force = 1,
                       .creator = "h5md_demo_writer",
                       .author = "ufp-nmr tests",
                       .provenance = prov};
  UfpCall(UfpH5mdCreate(comm, partial, &cfg, &traj));
  UfpCall(UfpProvenanceDestroy(&prov));

  int64_t start, count;
  UfpH5mdGetLocalAtoms(traj, &start, &count);
  for (int f = 0; f < NFRAMES; f++) {
    double x[NATOMS][3], v[NATOMS][3], force[NATOMS][3];
    int image[NATOMS][3];
    const double lattice[3][3] = {
        {10.0 + f, 0.0, 0.0}, {3.0, 11.0, 0.0}, {1.5, -2.0, 12.0 + 0.5 * f}};
    for (int64_t l = 0; l < count; l++) {
      int64_t i = start + l;
      for (int k = 0; k < 3; k++) {
        x[l][k] = 1.0 + (double)i + 0.25 * k + 0.1 * f;
        v[l][k] = 0.01 * (double)(i + 1) * (k + 1) + f;
        force[l][k] = 0.1 * (double)i - 0.2 * k + 0.01 * f;
        image[l][k] = (int)((i + k + f) % 3) - 1;
      }
    }
    int64_t step = 100 * f;
    double time = 0.05 * f;
    UfpCall(UfpH5mdAppendFrame(traj, step, time, lattice, x, image, v, force));
    UfpCall(UfpH5mdAppendObservable(traj, "potential_energy", "eV", step, time, -10.0 - f));
    UfpCall(UfpH5mdAppendObservable(traj, "temperature", "K", step, time, 300.0 + f));
  }
  UfpCall(UfpH5mdDestroy(&traj));
  UfpCall(UfpOutputCommit(comm, argv[1]));
  UfpInfo(comm, "wrote %s (%d frames of %d atoms on %d ranks)\n", argv[1], NFRAMES, NATOMS,
          UfpCommSize(comm));
  return UFP_SUCCESS;
}

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  UfpErrorCode code = write_demo(MPI_COMM_WORLD, argc, argv);
  int status = UfpMainFinish(MPI_COMM_WORLD, "h5md_demo_writer", code);
  MPI_Finalize();
  return status;
}
