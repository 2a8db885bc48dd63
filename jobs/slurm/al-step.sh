#!/usr/bin/env bash
# jobs/slurm/al-step.sh -- one step of one active-learning iteration, as a
# SLURM job (submitted by jobs/ufp-al; see there for the loop).
#
#   sbatch [--array=...] jobs/slurm/al-step.sh md|select|label|train K OUTPUT
#
# Reads OUTPUT/al.env and OUTPUT/md_tasks.tsv; iteration K lives in
# OUTPUT/iter_KK.  Every step checks its outputs first and does only what
# is missing.
# shellcheck disable=SC2154  # the settings come from al.env
set -uo pipefail
step=${1:?usage: al-step.sh md|select|label|train K OUTPUT}
k=${2:?}
out=${3:?}
# shellcheck source=/dev/null
source "$out/al.env"
[ -n "$setup" ] && eval "$setup"
[ "$(id -u)" = 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
ranks=${SLURM_NTASKS:-1}
case $launcher in srun) launch=(srun -n "$ranks") ;; *) launch=(mpiexec -n "$ranks") ;; esac
iter=$(printf '%s/iter_%02d' "$out" "$k")
next=$(printf '%s/iter_%02d' "$out" $((k + 1)))
if [ "$k" = 0 ]; then potential=$potential0; model=$efg_model0; else potential=$iter/potential.uf3; model=$iter/efg.h5; fi
labels_all=$out/labels_upto_$(printf %02d "$k").extxyz
echo "al-step.sh: $step of iteration $k on $(hostname), job ${SLURM_JOB_ID:-}"

case $step in
md)
  i=${SLURM_ARRAY_TASK_ID:?}
  IFS=$'\t' read -r _ task structure replicate T <<< "$(awk -F'\t' -v i="$i" '$1 == i' "$out/md_tasks.tsv")"
  traj=$iter/md/$task.h5md
  [ "$("$build/analysis/ufp-check" -check_kind md -check_file "$traj" -check_steps "$md_steps")" = complete ] && exit 0
  "${launch[@]}" "$build/md/ufp-md" -md_structure "$structure" -md_replicate "$replicate" -md_potential "$potential" \
    -md_steps "$md_steps" -md_timestep "$dt_ps" -md_thermostat bussi -md_tau 0.1 -md_temperature "$T" \
    -md_seed $((1000 * k + i + 1)) -md_traj_every "$traj_every" -md_thermo_every "$traj_every" \
    -md_checkpoint_every "$traj_every" -md_output "$traj" -restart
  ;;
select)
  if [ ! -f "$iter/picked.extxyz" ]; then
    trajs=$(ls "$iter"/md/*.h5md | paste -sd, -)
    train=$efg_data
    prev=$out/labels_upto_$(printf %02d $((k - 1))).extxyz
    [ "$k" -gt 0 ] && [ -f "$prev" ] && train+=",$prev"
    method=(-select_method fps)
    if [ "$select_method" = committee ] && [ "$k" -gt 0 ]; then
      before=$potential0
      [ "$k" -gt 1 ] && before=$(printf '%s/iter_%02d/potential.uf3' "$out" $((k - 1)))
      method=(-select_method committee -select_committee "$before,$potential")
    fi
    "${launch[@]}" "$build/efg/train-select" -select_trajectory "$trajs" -select_train "$train" \
      -select_count "$select_count" -select_every "$select_every" -select_first_frame "$select_first_frame" \
      "${method[@]}" -select_output "$iter/picked.extxyz" || exit $?
  fi
  "$build/efg/train-label" -label_dir "$iter/label" -label_action write -label_frames "$iter/picked.extxyz" \
    -label_cutoff "$label_cutoff"
  ;;
label)
  i=${SLURM_ARRAY_TASK_ID:?}
  n=$(ls "$iter"/label/frame_*.inp 2> /dev/null | wc -l)
  [ "$i" -ge "$n" ] && { echo "al-step.sh: frame $i: the batch has $n frames"; exit 0; }
  "$build/efg/train-label" -label_dir "$iter/label" -label_action run -label_first "$i" -label_count 1 \
    -label_cp2k "$cp2k"
  ;;
train)
  set -e
  [ -f "$iter/trained" ] && { echo "al-step.sh: iteration $k is trained"; exit 0; }
  "$build/efg/train-label" -label_dir "$iter/label" -label_action collect -label_frames "$iter/picked.extxyz" \
    -label_output "$iter/new_labels.extxyz" -label_overwrite
  # Errors of potential k and model k on the new frames, before training on them.
  "$build/md/ufp-md" -md_structure "$iter/new_labels.extxyz" -md_potential "$potential" -md_steps 0 \
    -md_single_output "$iter/new_labels_ufp.extxyz" -overwrite > "$iter/errors_ufp.txt"
  "$build/efg/train-efg" -efg_data "$efg_data" -efg_test_data "$iter/new_labels.extxyz" -efg_evaluate "$model" \
    > "$iter/errors_efg.txt"
  force=$(grep -o "force RMSE [0-9.]*" "$iter/errors_ufp.txt" | awk '{print $3}')
  omega=$(grep "^test" "$iter/errors_efg.txt" | grep -o "omega_Q MAE *[0-9.]*" | awk '{print $3}')
  echo "force_rmse_meV_A=$force omega_mae_kHz=$omega frames=$(grep -c "energy=" "$iter/new_labels.extxyz")" > "$iter/errors.txt"
  cat "$iter/errors.txt"
  # Everything labelled so far, then the new potential and model.
  prev=$out/labels_upto_$(printf %02d $((k - 1))).extxyz
  { [ "$k" -gt 0 ] && cat "$prev"; cat "$iter/new_labels.extxyz"; } > "$labels_all.partial"
  mv "$labels_all.partial" "$labels_all"
  mkdir -p "$next"
  data=$labels_all
  [ -n "$ufp_data" ] && data="$ufp_data,$labels_all"
  # shellcheck disable=SC2086
  "${launch[@]}" "$build/md/train-ufp" -data "$data" $ufp_options -fit_output "$next/potential" \
    -fit_overwrite -fit_plot 0
  # shellcheck disable=SC2086
  "${launch[@]}" "$build/efg/train-efg" -efg_data "$efg_data,$labels_all" $efg_options -efg_output "$next/efg" \
    -efg_overwrite
  touch "$iter/trained"
  # Go on?  Both errors must have fallen by min_improvement since the last iteration.
  if [ $((k + 1)) -ge "$iterations" ]; then
    echo "al-step.sh: iteration $k was the last of $iterations"
    exit 0
  fi
  if [ "$k" -gt 0 ]; then
    prev_errors=$(printf '%s/iter_%02d/errors.txt' "$out" $((k - 1)))
    pf=$(grep -o "force_rmse_meV_A=[0-9.]*" "$prev_errors" | cut -d= -f2)
    po=$(grep -o "omega_mae_kHz=[0-9.]*" "$prev_errors" | cut -d= -f2)
    if awk -v f="$force" -v pf="$pf" -v o="$omega" -v po="$po" -v m="$min_improvement" \
      'BEGIN {exit !(f > pf * (1 - m) && o > po * (1 - m))}'; then
      echo "after iteration $k: force RMSE $force meV/Å (was $pf), omega_Q MAE $omega kHz (was $po): no improvement of $min_improvement" \
        > "$out/stopped.partial" && mv "$out/stopped.partial" "$out/stopped"
      cat "$out/stopped"
      exit 0
    fi
  fi
  "$here/ufp-al" next "$al_file" $((k + 1))
  ;;
*)
  echo "al-step.sh: unknown step '$step'" >&2
  exit 64
  ;;
esac
