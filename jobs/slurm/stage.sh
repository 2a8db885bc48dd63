#!/usr/bin/env bash
# jobs/slurm/stage.sh -- one task of one stage of a study, as a SLURM array
# task (submitted by jobs/ufp-study; the array index is the task index).
#
#   sbatch --array=I,... jobs/slurm/stage.sh md|efg|acf STUDY_OUTPUT
#
# Reads STUDY_OUTPUT/study.env and line I of STUDY_OUTPUT/tasks.tsv, checks
# its output with ufp-check first (complete: nothing to do; partial: resume),
# and then runs
#   md   ufp-md for one segment (-md_segment_steps, -restart): a fresh run,
#        or the continuation from the newest checkpoint;
#   efg  efg-predict on the finished trajectory (-efg_restart keeps the
#        blocks a failed run finished);
#   acf  acf-fit on the EFG file and the trajectory.
# SIGUSR1 (sbatch --signal=B:USR1@s before the time limit) and SIGTERM
# (scancel) are passed on to the program; ufp-md then writes a checkpoint
# and exits with 75, after which an MD task that was warned requeues itself.
#
# Testing hook: UFP_STUDY_FAIL_ONCE="efg:I" (in the environment at submit
# time) makes efg-predict of task I stop after its first blocks, once (a
# marker in STUDY_OUTPUT/faults remembers it).
# shellcheck disable=SC2154  # the settings come from study.env
set -uo pipefail
stage=${1:?usage: stage.sh md|efg|acf STUDY_OUTPUT}
out=${2:?usage: stage.sh md|efg|acf STUDY_OUTPUT}
i=${SLURM_ARRAY_TASK_ID:?stage.sh runs as a SLURM array task}
# shellcheck source=/dev/null
source "$out/study.env"
line=$(awk -F'\t' -v i="$i" '$1 == i' "$out/tasks.tsv")
[ -n "$line" ] || { echo "stage.sh: no task $i in $out/tasks.tsv" >&2; exit 65; }
IFS=$'\t' read -r _ name system T replica seed structure replicate steps density <<< "$line"
[ -n "$setup" ] && eval "$setup"
ranks=${SLURM_NTASKS:-1}
[ "$(id -u)" = 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
case $launcher in
srun) launch=(srun -n "$ranks") ;;
*) launch=(mpiexec -n "$ranks") ;;
esac
traj=$out/md/$name.h5md
efg=$out/efg/${name}_efg.h5
acf=$out/acf/${name}_acf
frames=$((steps / traj_every / efg_every + 1))
echo "stage.sh: $stage of task $i ($name: $system at $T K, replica $replica) on $(hostname), job ${SLURM_JOB_ID:-}"

check() { "$build/analysis/ufp-check" -check_kind "$@" 2>&1; }

# Run a program in the background so that signals reach this shell at once
# and are passed on; returns its exit status.
warned=0
child=0
forward() {
  [ "$1" = USR1 ] && warned=1
  [ "$child" -gt 0 ] && kill -"$1" "$child" 2> /dev/null
}
trap 'forward USR1' USR1
trap 'forward TERM' TERM
run() {
  "$@" &
  child=$!
  local status
  while :; do
    wait "$child"; status=$?
    # wait returns early (status > 128) when a trapped signal arrives.
    kill -0 "$child" 2> /dev/null || break
  done
  child=0
  return $status
}

case $stage in
md)
  state=$(check md -check_file "$traj" -check_steps "$steps")
  case $state in
  complete) echo "stage.sh: $traj is complete"; exit 0 ;;
  invalid*) echo "stage.sh: $state" >&2; exit 65 ;;
  esac
  echo "stage.sh: trajectory $state; running a segment of $segment_steps steps"
  density_opt=()
  [ "$density" != 0 ] && density_opt=(-md_density "$density")
  run "${launch[@]}" "$build/md/ufp-md" -md_structure "$structure" -md_replicate "$replicate" "${density_opt[@]}" \
    -md_potential "$potential" -md_steps "$steps" -md_timestep "$dt_ps" -md_thermostat "$thermostat" \
    -md_tau "$tau_ps" -md_temperature "$T" -md_seed "$seed" -md_traj_every "$traj_every" \
    -md_thermo_every "$traj_every" -md_checkpoint_every "$ckpt_every" -md_segment_steps "$segment_steps" \
    -md_output "$traj" -restart
  status=$?
  if [ $status = 75 ] && [ $warned = 1 ] && [ -n "${SLURM_ARRAY_JOB_ID:-}" ]; then
    echo "stage.sh: checkpoint written before the time limit; requeueing ${SLURM_ARRAY_JOB_ID}_$i"
    scontrol requeue "${SLURM_ARRAY_JOB_ID}_$i"
    exit 0
  fi
  exit $status
  ;;
efg)
  state=$(check efg -check_file "$efg" -check_frames "$frames")
  [ "$state" = complete ] && { echo "stage.sh: $efg is complete"; exit 0; }
  case $state in invalid*) echo "stage.sh: $state" >&2; exit 65 ;; esac
  md_state=$(check md -check_file "$traj" -check_steps "$steps")
  [ "$md_state" = complete ] || { echo "stage.sh: trajectory $traj is not complete ($md_state)" >&2; exit 65; }
  fault=()
  if [ "${UFP_STUDY_FAIL_ONCE:-}" = "efg:$i" ] && mkdir -p "$out/faults" && [ ! -e "$out/faults/efg_$i" ]; then
    touch "$out/faults/efg_$i"
    fault=(-efg_crash_after_blocks 1)
    echo "stage.sh: fault injection: efg-predict of task $i stops after its first blocks"
  fi
  # shellcheck disable=SC2086
  run "${launch[@]}" "$build/efg/efg-predict" -efg_trajectory "$traj" -efg_model "$efg_model" \
    -efg_every "$efg_every" -efg_output "$efg" -efg_restart "${fault[@]}" $efg_options
  exit $?
  ;;
acf)
  state=$(check acf -check_file "$acf.h5")
  [ "$state" = complete ] && { echo "stage.sh: $acf.h5 is complete"; exit 0; }
  efg_state=$(check efg -check_file "$efg" -check_frames "$frames")
  [ "$efg_state" = complete ] || { echo "stage.sh: EFG file $efg is not complete ($efg_state)" >&2; exit 65; }
  # shellcheck disable=SC2086
  run "${launch[@]}" "$build/analysis/acf-fit" -acf_efg "$efg" -acf_trajectory "$traj" -acf_output "$acf" \
    -acf_overwrite $acf_options
  exit $?
  ;;
*)
  echo "stage.sh: unknown stage '$stage' (md, efg or acf)" >&2
  exit 64
  ;;
esac
