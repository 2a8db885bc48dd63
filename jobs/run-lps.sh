#!/usr/bin/env bash
# jobs/run-lps.sh -- the main job on the bundled default, Li3PS4 (LPS).
#
#   bash jobs/run-lps.sh [OUTPUT_DIR]      (default OUTPUT_DIR: lps-demo)
#
# Installs what is missing and builds (jobs/setup.sh), then runs every stage
# of the pipeline that exists so far.  Today that is the NMR-parameter table
# of the bundled CP2K EFG labels (efg/data/lps_cp2k_efg_train.extxyz): V_zz,
# C_Q, eta and omega_Q of every 7Li nucleus, with the field along z.
# MD, EFG prediction and the correlation analysis are added as they land.
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
echo "Written: $out/lps_li7_nmr.csv"
echo "Not yet part of this job: UFP-MD (ufp-md), ML-EFG prediction (efg-predict),"
echo "ACF fits and hop analysis (acf-fit).  See README.md."
