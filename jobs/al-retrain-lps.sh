#!/usr/bin/env bash
# jobs/al-retrain-lps.sh -- retrain the LPS potential and EFG model with the
# CP2K labels of jobs/al-iteration-lps.sh, and measure them before and
# after on labels neither has seen.
#
#   bash jobs/al-retrain-lps.sh [WORK_DIR]      (default: al-lps-work)
#
# 1. The labels are collected, at the Gamma point (WORK_DIR/label, for the
#    EFG model, like the bundled EFG labels) and with k-points
#    (WORK_DIR/label_k, for the potential); every fourth frame (3, 7, 11,
#    ...) is held out as WORK_DIR/al_test[_k].extxyz, the others go to
#    WORK_DIR/al_train[_k].extxyz.
# 2. Before: the shipped potential (ufp-md single point on al_test_k: force
#    RMSE, energy RMSE after a constant shift, stress RMSE) and the shipped EFG model
#    (train-efg -efg_evaluate: omega_Q MAE and more) on al_test.
# 3. Retraining: jobs/train-lps.sh with al_train_k as dataset "cp2k", each
#    frame with weight UFP_AL_WEIGHT
#    (default 100: the public data has about 1 800 training frames of 64-255
#    atoms, the CP2K labels a few dozen of 16-32 atoms) (-> WORK_DIR/lps_ufp);
#    train-efg on the bundled labels plus al_train with al_test as its test
#    set (-> WORK_DIR/lps_efg).
# 4. After: the same measures of the new potential and model on al_test.
# The summary goes to WORK_DIR/before_after.txt.  The potential is trained
# without the shipped AL labels (UFP_CP2K_LABELS=""), which hold the
# held-out frames.  Shipping: new_labels.extxyz -> efg/data/lps_cp2k_al1.extxyz,
# new_labels_k.extxyz -> md/data/lps_cp2k_al1_kpoints.extxyz, then
# jobs/train-lps.sh and jobs/train-efg-lps.sh train on every label.
# UFP_AL_ALLOW_MISSING=1 collects even if some frames have not run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${1:-$here/al-lps-work}
build=${UFP_BUILD_DIR:-$here/build}
ranks=${UFP_RANKS:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
mpi="mpiexec -n $ranks --oversubscribe"
labels=$here/efg/data/lps_cp2k_efg_train.extxyz
weight=${UFP_AL_WEIGHT:-100}
allow=()
[ "${UFP_AL_ALLOW_MISSING:-0}" = 1 ] && allow=(-label_allow_missing)

echo "== 1. labels"
"$build/efg/train-label" -label_dir "$work/label" -label_action collect -label_frames "$work/picked.extxyz" \
  -label_output "$work/new_labels.extxyz" -label_overwrite "${allow[@]}"
"$build/efg/train-label" -label_dir "$work/label_k" -label_action collect -label_frames "$work/picked.extxyz" \
  -label_output "$work/new_labels_k.extxyz" -label_overwrite "${allow[@]}"
split() {  # labels train test
  awk -v train="$2" -v test="$3" '
    rem == 0 {n = $1; rem = n + 2; out = (k % 4 == 3) ? test : train; k++}
    {print > out; rem--}' "$1"
}
split "$work/new_labels.extxyz" "$work/al_train.extxyz" "$work/al_test.extxyz"
split "$work/new_labels_k.extxyz" "$work/al_train_k.extxyz" "$work/al_test_k.extxyz"
echo "   $(grep -c "energy=" "$work/al_train.extxyz") training and $(grep -c "energy=" "$work/al_test.extxyz" || true) held-out frames"

measure() {  # label potential model
  local tag=$1
  $mpi "$build/md/ufp-md" -md_structure "$work/al_test_k.extxyz" -md_potential "$2" -md_steps 0 \
    -md_single_output "$work/sp_$tag.extxyz" -overwrite | grep "against the labels" | sed "s|^ufp-md:|  $tag potential:|"
  $mpi "$build/efg/train-efg" -efg_data "$labels" -efg_test_data "$work/al_test.extxyz" -efg_evaluate "$3" \
    | grep "^test" | sed "s|^test|  $tag EFG model:|"
}
echo "== 2. before"
measure before "$here/md/data/uf3/lps_ufp.uf3" "$here/efg/data/lps_efg.h5" | tee "$work/before_after.txt"

echo "== 3. retraining"
UFP_CP2K_LABELS="" UFP_EXTRA_DATA=$work/al_train_k.extxyz UFP_EXTRA_WEIGHT=$weight \
  bash "$here/jobs/train-lps.sh" "$work/lps_ufp" -fit_plot 0 > "$work/train_ufp.txt"
grep -A 12 "train-ufp errors" "$work/train_ufp.txt" || true
$mpi "$build/efg/train-efg" -efg_data "$labels,$work/al_train.extxyz" -efg_test_data "$work/al_test.extxyz" \
  -efg_output "$work/lps_efg" -efg_overwrite > "$work/train_efg.txt"
grep -E "chosen|^test|^train " "$work/train_efg.txt" || true

echo "== 4. after"
measure after "$work/lps_ufp.uf3" "$work/lps_efg.h5" | tee -a "$work/before_after.txt"
echo "Written: $work/before_after.txt, $work/lps_ufp.{uf3,json}, $work/lps_efg.h5"
