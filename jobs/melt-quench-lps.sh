#!/usr/bin/env bash
# jobs/melt-quench-lps.sh -- make the bundled 576-atom amorphous Li3PS4 cell.
#
#   bash jobs/melt-quench-lps.sh [WORK_DIR] [POTENTIAL]
#     (defaults: am-lps-work, md/data/uf3/lps_ufp.uf3)
#
# gamma-Li3PS4 (16 atoms) 3x3x4 = 576 atoms (216 Li, 72 P, 288 S), scaled to
# 1.88 g/cm^3 (the density of the 576-atom amorphous cells of the
# literature; ufp-md has no barostat, so the density is set, and the mean
# pressure at 300 K reported below checks that it suits the potential),
# then Bussi NVT at dt = 1 fs:
#   melt    1500 K, 50 ps
#   quench  1500 K -> 300 K, linear, 100 ps (12 K/ps)
#   anneal  300 K, 50 ps
# The last frame is WORK_DIR/am_Li3PS4_576.extxyz; copy it to
# md/data/amorphous_Li3PS4_576.extxyz to make it the bundled default.
# tests/bench/md_structure_check.py checks PS4 units and closest approaches
# over the anneal.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${1:-am-lps-work}
pot=${2:-$here/md/data/uf3/lps_ufp.uf3}
build=${UFP_BUILD_DIR:-$here/build}
ranks=${UFP_RANKS:-2}
mkdir -p "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
mpiexec -n "$ranks" --oversubscribe "$build/md/ufp-md" \
  -md_structure "$here/md/data/gamma_Li3PS4_Pmn21.extxyz" -md_replicate 3,3,4 -md_density 1.88 \
  -md_potential "$pot" -md_timestep 0.001 -md_thermostat bussi -md_tau 0.1 -md_seed 2024 \
  -md_steps 200000 -md_schedule 1500:1500:50000,1500:300:100000,300:300:50000 -md_velocity_temperature 1500 \
  -md_traj_every 500 -md_thermo_every 1000 -md_checkpoint_every 20000 \
  -md_output "$work/melt_quench.h5md" -md_final_output "$work/am_Li3PS4_576.extxyz" -overwrite
/usr/bin/python3 "$here/tests/bench/md_structure_check.py" "$work/melt_quench.h5md" --skip 150 \
  --json "$work/anneal_check.json"
