#!/usr/bin/env bash
# tests/bench/bench_efg.sh -- ML-EFG cost: lambda-SOAP descriptor time per Li
# environment (one core), and efg-predict on a trajectory on 1 and 2 ranks
# (whole run: model read, trajectory read, descriptors, kernel, output).
#
#   bash tests/bench/bench_efg.sh [BUILD_DIR]
#
# The model is trained here from the bundled CP2K labels (n_max 8, l_max 6,
# rcut 5 Å: the settings of the README's comparison); the trajectory is
# 40 ps of the bundled amorphous cell (576 atoms, 216 Li), a frame per ps.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$here/build}
cmake --build "$build" --target bench_lambda_soap train-efg efg-predict ufp-md > /dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "# $(date -u +%F) $(uname -m), $(nproc) cores"
"$build/tests/bench/bench_lambda_soap" "$here/md/data/amorphous_Li3PS4_576.extxyz" 1,1,1 8 6 5.0
mpiexec -n 2 --oversubscribe "$build/efg/train-efg" -efg_data "$here/efg/data/lps_cp2k_efg_train.extxyz" \
  -soap_rcut 5.0 -sagpr_zeta 2 -sagpr_sigma2 1e-3 -efg_output "$work/model" > "$work/train.txt" 2>&1
grep -E "^test " "$work/train.txt" || true
mpiexec -n 2 --oversubscribe "$build/md/ufp-md" -md_structure "$here/md/data/amorphous_Li3PS4_576.extxyz" \
  -md_potential "$here/md/data/uf3/lps_ufp.uf3" -md_steps 40000 -md_timestep 0.001 -md_thermostat bussi \
  -md_temperature 300 -md_traj_every 1000 -md_thermo_every 10000 -md_output "$work/traj.h5md" > /dev/null
for np in 1 2; do
  mpiexec -n $np --oversubscribe "$build/efg/efg-predict" -efg_trajectory "$work/traj.h5md" \
    -efg_model "$work/model.h5" -efg_output "$work/sagpr$np.h5" 2>&1 | tail -1
done
mpiexec -n 1 "$build/efg/efg-predict" -efg_trajectory "$work/traj.h5md" -efg_model point_charge \
  -efg_output "$work/pc.h5" 2>&1 | tail -1
