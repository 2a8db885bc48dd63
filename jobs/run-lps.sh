#!/usr/bin/env bash
# jobs/run-lps.sh -- the main job on the bundled default, Li3PS4 (LPS).
#
#   bash jobs/run-lps.sh [OUTPUT_DIR]      (default OUTPUT_DIR: lps-demo)
#
# Installs what is missing and builds (jobs/setup.sh), then runs every stage
# of the pipeline that exists so far:
#   1. the NMR-parameter table of the bundled CP2K EFG labels
#      (efg/data/lps_cp2k_efg_train.extxyz): V_zz, C_Q, eta and omega_Q of
#      every 7Li nucleus, with the field along z;
#   2. a 2 ps ufp-md smoke run of beta-Li3PS4 3x2x2 (384 atoms) at 300 K with
#      the bundled synthetic test potential (md/data/uf3/lps_test.uf3, smooth
#      but NOT a physical LPS model: the trained one comes with train-ufp).
# EFG prediction and the correlation analysis are added as they land.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$here/lps-demo}
build=${UFP_BUILD_DIR:-$here/build}
ranks=${UFP_RANKS:-2}

bash "$here/jobs/setup.sh" "$build"
mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi="mpiexec -n $ranks --oversubscribe"

echo "== 7Li NMR parameters of the bundled CP2K EFG labels (PBE, GAPW, 16-32 atom LPS cells)"
$mpi "$build/efg/efg-nmr" -efg_input "$here/efg/data/lps_cp2k_efg_train.extxyz" \
  -nmr_species Li -nmr_field 0,0,1 -nmr_output "$out/lps_li7_nmr.csv" -overwrite
echo
echo "== ufp-md smoke run: beta-Li3PS4 3x2x2 (384 atoms), Langevin 300 K, 2 ps at 1 fs, synthetic test potential"
$mpi "$build/md/ufp-md" -md_structure "$here/md/data/beta_Li3PS4_Pnma_ordered.extxyz" -md_replicate 3,2,2 \
  -md_potential "$here/md/data/uf3/lps_test.uf3" -md_steps 2000 -md_timestep 0.001 -md_thermostat langevin \
  -md_tau 0.02 -md_temperature 300 -md_thermo_every 500 -md_traj_every 100 -md_output "$out/beta_smoke.h5md" \
  -overwrite
echo
echo "Written: $out/lps_li7_nmr.csv, $out/beta_smoke.h5md"
echo "Not yet part of this job: the trained LPS potential (train-ufp), ML-EFG prediction"
echo "(efg-predict), ACF fits and hop analysis (acf-fit).  See README.md."
