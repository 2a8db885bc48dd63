#!/usr/bin/env bash
# jobs/polycrystal-lps.sh -- polycrystalline beta-Li3PS4 and its powder SAE:
# grains of random orientation (ufp-polycrystal), densified by MD, then
# ufp-md -> efg-predict -> acf-fit with a powder average.
#
#   bash jobs/polycrystal-lps.sh [OUTPUT_DIR]       (default: lps-polycrystal)
#
# UFP_POLY_BOX (Å, default 66), UFP_POLY_GRAINS (6), UFP_POLY_SEED (1),
# UFP_POLY_T (K, production temperature, default 300), UFP_POLY_PS (ps of
# production at 1 fs, default 20), UFP_RANKS (2).
#
# 1. ufp-polycrystal: Voronoi grains of the ordered beta cell in a periodic
#    cube, PS4 units whole, clashing units removed, neutral (md/polycrystal.h).
#    Cutting leaves the grain boundaries open (about 80 % of the crystal's
#    density for 6 grains in 66 Å).
# 2. Densification without a barostat: 2 ps of Bussi MD at 450 K at each of
#    a ladder of densities (-md_density rescales the previous final structure
#    isotropically), from the cut density to 97 % of the crystal's
#    (1.853 g/cm^3; the bundled potential has the crystal 0.4 GPa under
#    tension at its experimental density), so that the boundaries close by
#    relaxation rather than by compressing the grains at once; then 5 ps at
#    the production temperature.
# 3. Production, efg-predict and acf-fit with 50 powder directions
#    (-acf_powder), 0.5 ps window means and finite-pulse echoes; the acf-fit
#    table gives hops (between sites at least 2 Å apart) and SAE fits.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$here/lps-polycrystal}
build=${UFP_BUILD_DIR:-$here/build}
ranks=${UFP_RANKS:-2}
box=${UFP_POLY_BOX:-66} grains=${UFP_POLY_GRAINS:-6} seed=${UFP_POLY_SEED:-1}
T=${UFP_POLY_T:-300} ps=${UFP_POLY_PS:-20}
pot=$here/md/data/uf3/lps_ufp.uf3
mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
mpi="mpiexec -n $ranks --oversubscribe"
md() {  # input output temperature steps [more ufp-md options]
  local in=$1 name=$2 temp=$3 steps=$4
  shift 4
  $mpi "$build/md/ufp-md" -md_structure "$in" -md_potential "$pot" -md_steps "$steps" -md_timestep 0.001 \
    -md_thermostat bussi -md_tau 0.1 -md_temperature "$temp" -md_seed "$temp" -md_thermo_every 1000 \
    -md_output "$out/$name.h5md" -md_final_output "$out/$name.extxyz" -overwrite "$@" > "$out/$name.log"
  grep -E "^ufp-md: (cell scaled|done)" "$out/$name.log" | sed 's/^/   /' || true
}

echo "== 1. ufp-polycrystal: $grains grains in a $box Å cube"
$mpi "$build/md/ufp-polycrystal" -poly_structure "$here/md/data/beta_Li3PS4_Pnma_ordered.extxyz" -poly_box "$box" \
  -poly_grains "$grains" -poly_seed "$seed" -poly_charges Li=1,P=5,S=-2 -poly_output "$out/cut.extxyz" \
  -poly_overwrite
prev=$out/cut.extxyz
echo "== 2. densification at 450 K"
for f in 0.84 0.88 0.91 0.94 0.97; do
  rho=$(awk -v f="$f" 'BEGIN {printf "%.4f", f * 1.853}')
  [ -f "$out/densify_$f.extxyz" ] || md "$prev" "densify_$f" 450 2000 -md_density "$rho" -md_traj_every 1000
  prev=$out/densify_$f.extxyz
done
[ -f "$out/equilibrate.extxyz" ] || md "$prev" equilibrate "$T" 5000 -md_traj_every 1000
echo "== 3. production: $ps ps at $T K"
steps=$(awk -v p="$ps" 'BEGIN {printf "%d", p * 1000}')
[ -f "$out/production.extxyz" ] || md "$out/equilibrate.extxyz" production "$T" "$steps" -md_traj_every 100
$mpi "$build/efg/efg-predict" -efg_trajectory "$out/production.h5md" -efg_model "$here/efg/data/lps_efg.h5" \
  -efg_output "$out/production_efg.h5" -efg_overwrite > "$out/efg.log"
$mpi "$build/analysis/acf-fit" -acf_efg "$out/production_efg.h5" -acf_trajectory "$out/production.h5md" \
  -acf_powder 50 -sae_tp 1,5,10 -acf_average_ps 0.5 -hop_r_in 0.8 -hop_r_out 2 -acf_output "$out/production_acf" \
  -acf_overwrite | tee "$out/acf.log"
