#!/usr/bin/env bash
# jobs/al-iteration-lps.sh -- one active-learning iteration on LPS, on this
# machine: UFP-MD of small cells -> train-select -> train-label (CP2K) ->
# the new labels.  Every step is skipped when its output is there, so the
# script can be rerun after an interruption and goes on where it stopped
# (train-label resumes its batch frame by frame).
#
#   bash jobs/al-iteration-lps.sh [WORK_DIR]        (default: al-lps-work)
#
# Steps:
#   1. ufp-md with the bundled potential (md/data/uf3/lps_ufp.uf3): the
#      gamma-Li3PS4 cell (16 atoms) and the beta-Li3PS4 cell (32 atoms) at
#      300, 600 and 900 K, 20 ps each, a frame every 0.5 ps;
#   2. train-select: UFP_AL_COUNT (default 24) frames after the first 2 ps,
#      farthest from the bundled CP2K labels (efg/data) in SOAP fingerprint
#      space;
#   3. train-label: CP2K inputs (PBE, GAPW, 400 Ry, forces, analytical
#      stress, EFGs) at the Gamma point like the bundled EFG labels, CP2K on
#      each frame (UFP_CP2K, default "mpiexec -n 2 cp2k.psmp"), then the
#      labels as WORK_DIR/new_labels.extxyz (for the EFG model);
#   4. the same with k-points (-label_kpoints auto: 2x2x2 for the 16-atom,
#      1x2x2 for the 32-atom cells) as WORK_DIR/new_labels_k.extxyz, for
#      the potential: the Gamma point alone changes forces in these cells
#      by 0.4 eV/Å RMS (efg/cp2k_template.h).
# Retraining with the new labels: jobs/train-lps.sh and
# jobs/train-efg-lps.sh (README, "Active learning").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${1:-$here/al-lps-work}
build=${UFP_BUILD_DIR:-$here/build}
count=${UFP_AL_COUNT:-24}
cp2k=${UFP_CP2K:-mpiexec -n 2 cp2k.psmp}
mkdir -p "$work/md"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

echo "== 1. ufp-md candidates"
trajs=""
for phase in gamma beta; do
  if [ $phase = gamma ]; then structure=$here/md/data/gamma_Li3PS4_Pmn21.extxyz; else structure=$here/md/data/beta_Li3PS4_Pnma_ordered.extxyz; fi
  for T in 300 600 900; do
    out=$work/md/${phase}_${T}K.h5md
    trajs+="${trajs:+,}$out"
    if [ "$("$build/analysis/ufp-check" -check_kind md -check_file "$out" -check_steps 20000)" = complete ]; then
      echo "   $out is complete"; continue
    fi
    mpiexec -n 1 "$build/md/ufp-md" -md_structure "$structure" -md_potential "$here/md/data/uf3/lps_ufp.uf3" \
      -md_steps 20000 -md_timestep 0.001 -md_thermostat bussi -md_tau 0.1 -md_temperature $T -md_seed $T \
      -md_traj_every 500 -md_thermo_every 5000 -md_output "$out" -restart > "$work/md/${phase}_${T}K.log"
    tail -n 1 "$work/md/${phase}_${T}K.log"
  done
done

echo "== 2. train-select"
if [ ! -f "$work/picked.extxyz" ]; then
  mpiexec -n 2 --oversubscribe "$build/efg/train-select" -select_trajectory "$trajs" -select_first_frame 4 \
    -select_train "$here/efg/data/lps_cp2k_efg_train.extxyz" -select_count "$count" -select_output "$work/picked.extxyz"
else
  echo "   $work/picked.extxyz is there"
fi

echo "== 3. train-label"
"$build/efg/train-label" -label_dir "$work/label" -label_action write -label_frames "$work/picked.extxyz"
"$build/efg/train-label" -label_dir "$work/label" -label_action run -label_cp2k "$cp2k"
"$build/efg/train-label" -label_dir "$work/label" -label_action collect -label_frames "$work/picked.extxyz" \
  -label_output "$work/new_labels.extxyz" -label_overwrite

echo "== 4. train-label with k-points (for the potential)"
"$build/efg/train-label" -label_dir "$work/label_k" -label_action write -label_frames "$work/picked.extxyz" \
  -label_kpoints auto
"$build/efg/train-label" -label_dir "$work/label_k" -label_action run -label_cp2k "$cp2k"
"$build/efg/train-label" -label_dir "$work/label_k" -label_action collect -label_frames "$work/picked.extxyz" \
  -label_output "$work/new_labels_k.extxyz" -label_overwrite
