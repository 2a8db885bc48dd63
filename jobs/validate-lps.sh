#!/usr/bin/env bash
# jobs/validate-lps.sh -- is an LPS potential usable for MD?
#
#   bash jobs/validate-lps.sh [WORK_DIR] [POTENTIAL] [PS]
#     (defaults: lps-validate, md/data/uf3/lps_ufp.uf3, 100 ps)
#
# beta-Li3PS4 3x2x2 (384 atoms) at the crystal density, Bussi NVT at 300 K
# and at 600 K for PS picoseconds (dt = 1 fs), the two runs side by side on
# one rank each, then the bundled amorphous cell (576 atoms) at 300 K on
# UFP_RANKS ranks (default 2); then tests/bench/md_structure_check.py on each
# trajectory after the first 10 ps: P-S coordination (intact PS4 units),
# shortest distance per element pair, mean pressure.  Exit status 1 if a run
# breaks a PS4 unit (beyond the one distorted unit of the amorphous cell,
# README) or brings two atoms closer than 1.5 Å.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${1:-lps-validate}
pot=${2:-$here/md/data/uf3/lps_ufp.uf3}
ps=${3:-100}
build=${UFP_BUILD_DIR:-$here/build}
ranks=${UFP_RANKS:-2}
steps=$(awk -v p="$ps" 'BEGIN {printf "%d", p * 1000}')
mkdir -p "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
pids=()
for T in 300 600; do
  "$build/md/ufp-md" -md_structure "$here/md/data/beta_Li3PS4_Pnma_ordered.extxyz" -md_replicate 3,2,2 \
    -md_potential "$pot" -md_steps "$steps" -md_timestep 0.001 -md_thermostat bussi -md_tau 0.1 \
    -md_temperature $T -md_seed $T -md_traj_every 200 -md_thermo_every 1000 \
    -md_output "$work/beta_$T.h5md" -overwrite > "$work/beta_$T.log" 2>&1 &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
mpiexec -n "$ranks" --oversubscribe "$build/md/ufp-md" -md_structure "$here/md/data/amorphous_Li3PS4_576.extxyz" \
  -md_potential "$pot" -md_steps "$steps" -md_timestep 0.001 -md_thermostat bussi -md_tau 0.1 \
  -md_temperature 300 -md_seed 301 -md_traj_every 200 -md_thermo_every 1000 \
  -md_output "$work/amorphous_300.h5md" -overwrite > "$work/amorphous_300.log" 2>&1 || status=1
[ $status -eq 0 ] || { echo "validate-lps: an MD run failed; see $work/*.log" >&2; exit 1; }
for run in beta_300 beta_600 amorphous_300; do
  tail -1 "$work/$run.log"
  allow=0
  [ $run = amorphous_300 ] && allow=1 # the cell's one distorted unit (README)
  /usr/bin/python3 "$here/tests/bench/md_structure_check.py" "$work/$run.h5md" --skip 10 --max-distorted $allow \
    --json "$work/$run.json" || status=1
done
exit $status
