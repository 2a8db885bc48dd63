#!/usr/bin/env bash
# jobs/train-efg-lps.sh -- the bundled LPS EFG model and its validation.
#
#   bash jobs/train-efg-lps.sh [WORK_DIR]      (default: efg-lps-work)
#
# From the bundled CP2K labels (efg/data/lps_cp2k_efg_train.extxyz, 13
# distinct Li3PS4 structures of 16 and 32 atoms from the Gigli set, and
# efg/data/lps_cp2k_al1.extxyz, 24 UFP-MD frames of the first
# active-learning iteration; all PBE/GAPW at the Gamma point), with
# train-efg's default cross-validation grid (r_c 4/5/6 Å, zeta 1/2/3,
# sigma^2 1e-4..1e-1):
#   1. WORK_DIR/eval      a random 20 % of the frames withheld as the test set
#   2. WORK_DIR/size      size extensivity: trained on the 16-atom cells only,
#                         tested on the 32-atom cells
#   3. efg/data/lps_efg.h5  the shipped model, trained on every structure
# Extra arguments go to every train-efg call.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${1:-efg-lps-work}
[ $# -gt 0 ] && shift
build=${UFP_BUILD_DIR:-$here/build}
ranks=${UFP_RANKS:-2}
labels=$here/efg/data/lps_cp2k_efg_train.extxyz,$here/efg/data/lps_cp2k_al1.extxyz
mkdir -p "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
train() { mpiexec -n "$ranks" --oversubscribe "$build/efg/train-efg" -efg_data "$labels" -efg_overwrite "$@"; }
echo "== 1. random test set (20 % of the frames)"
train -efg_output "$work/eval" "$@"
echo "== 2. size extensivity: trained on 16-atom cells, tested on 32-atom cells"
train -efg_test_largest -efg_kfold 3 -efg_output "$work/size" "$@"
echo "== 3. the shipped model, from every structure"
train -efg_test_fraction 0 -efg_output "$here/efg/data/lps_efg" "$@"
