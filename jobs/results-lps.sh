#!/usr/bin/env bash
# jobs/results-lps.sh -- the runs behind the README's results: beta-Li3PS4
# 3x2x2 (384 atoms) and the bundled amorphous cell (576 atoms) at several
# temperatures, each ufp-md -> efg-predict -> acf-fit, then acf-summary with
# the table per run and Arrhenius fits per phase extrapolated to 300 K.
#
#   bash jobs/results-lps.sh [OUTPUT_DIR]            (default: lps-results)
#
# UFP_RESULTS_T       temperatures, K (default "300 350 400 500 600")
# UFP_RESULTS_PS      length of each run, ps at 1 fs (default 200)
# UFP_RESULTS_PHASES  "beta amorphous" (default) or one of them
# UFP_RANKS           MPI ranks per program (default 2)
# Frames every 0.1 ps; the first 10 ps of each run are equilibration and not
# analysed (efg-predict -efg_first); the ACFs are of 1 ps window means
# (acf-fit -acf_average_ps 1), the hops and MSD of every frame; hops are
# counted between Li sites at least 2 Å apart (-hop_r_out 2).  Every run is skipped when its
# acf-fit output is complete (ufp-check), an interrupted MD run continues
# from its checkpoint and an interrupted efg-predict from its last block, so
# the script can be rerun after any interruption.  The cluster version of
# the same study is jobs/studies/lps-arrhenius.study.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$here/lps-results}
build=${UFP_BUILD_DIR:-$here/build}
ranks=${UFP_RANKS:-2}
temps=${UFP_RESULTS_T:-300 350 400 500 600}
ps=${UFP_RESULTS_PS:-200}
phases=${UFP_RESULTS_PHASES:-beta amorphous}
steps=$(awk -v p="$ps" 'BEGIN {printf "%d", p * 1000}')
mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
mpi="mpiexec -n $ranks --oversubscribe"
check() { "$build/analysis/ufp-check" "$@" 2> /dev/null || true; }
files="" names="" groups="" tlist=""
for phase in $phases; do
  if [ "$phase" = beta ]; then
    structure=$here/md/data/beta_Li3PS4_Pnma_ordered.extxyz rep=3,2,2 label=beta-Li3PS4
  else
    structure=$here/md/data/amorphous_Li3PS4_576.extxyz rep=1,1,1 label="amorphous Li3PS4"
  fi
  for T in $temps; do
    run=$out/${phase}_${T}K
    files+="${files:+,}${run}_acf.h5" names+="${names:+,}$label $T K" groups+="${groups:+,}$phase" tlist+="${tlist:+,}$T"
    if [ "$(check -check_kind acf -check_file "${run}_acf.h5")" = complete ]; then
      echo "== $phase $T K: complete"; continue
    fi
    echo "== $phase $T K: ufp-md, $ps ps"
    if [ "$(check -check_kind md -check_file "$run.h5md" -check_steps "$steps")" != complete ]; then
      $mpi "$build/md/ufp-md" -md_structure "$structure" -md_replicate $rep -md_potential "$here/md/data/uf3/lps_ufp.uf3" \
        -md_steps "$steps" -md_timestep 0.001 -md_thermostat bussi -md_tau 0.1 -md_temperature "$T" -md_seed "$T" \
        -md_traj_every 100 -md_thermo_every 10000 -md_checkpoint_every 10000 -md_output "$run.h5md" -restart \
        > "$run.md.log"
      tail -n 2 "$run.md.log"
    fi
    if [ "$(check -check_kind efg -check_file "${run}_efg.h5")" != complete ]; then
      echo "== $phase $T K: efg-predict"
      $mpi "$build/efg/efg-predict" -efg_trajectory "$run.h5md" -efg_model "$here/efg/data/lps_efg.h5" \
        -efg_first 100 -efg_output "${run}_efg.h5" -efg_restart > "$run.efg.log"
    fi
    echo "== $phase $T K: acf-fit"
    $mpi "$build/analysis/acf-fit" -acf_efg "${run}_efg.h5" -acf_trajectory "$run.h5md" -acf_average_ps 1 -hop_r_in 0.8 -hop_r_out 2 \
      -acf_output "${run}_acf" -acf_overwrite > "$run.acf.log"
    grep -E "hop rate|omega_q|cq " "$run.acf.log" | sed 's/^/   /' || true
  done
done
echo "== Summary"
$mpi "$build/analysis/acf-summary" -summary_files "$files" -summary_names "$names" -summary_groups "$groups" \
  -summary_temperatures "$tlist" -summary_extrapolate 300 -summary_output "$out/summary" -summary_overwrite
