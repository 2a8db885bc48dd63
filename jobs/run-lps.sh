#!/usr/bin/env bash
# jobs/run-lps.sh -- the main job on the bundled default, Li3PS4 (LPS).
#
#   bash jobs/run-lps.sh [OUTPUT_DIR]      (default OUTPUT_DIR: lps-demo)
#
# Installs what is missing and builds (jobs/setup.sh), then:
#   1. the NMR-parameter table of the bundled CP2K EFG labels
#      (efg/data/lps_cp2k_efg_train.extxyz): V_zz, C_Q, eta and omega_Q of
#      every 7Li nucleus, with the field along z;
#   2. for beta-Li3PS4 3x2x2 (384 atoms) and the bundled amorphous cell
#      (md/data/amorphous_Li3PS4_576.extxyz, 576 atoms), at 300 K:
#      ufp-md with the bundled potential (md/data/uf3/lps_ufp.uf3), Bussi
#      NVT, UFP_DEMO_PS picoseconds (default 100) at 1 fs, a frame every
#      0.1 ps; efg-predict with the bundled SA-GPR model
#      (efg/data/lps_efg.h5) on every frame after the first 5 ps; acf-fit:
#      the omega_Q and |C_Q| autocorrelations of window means over 1 ps
#      (motional averaging, as the echo integrates omega_Q over microseconds)
#      with their Lipari-Szabo fits, MSD, hops between Li sites at least
#      2 Å apart (-hop_r_out 2: the ~1.6 Å rattles of beta's 4b Li between
#      neighbouring positions are not counted), site classes, histograms
#      and figures;
#   3. acf-summary: the table per phase (hop rates from the hops and from
#      the MSD, tau, b^2 and gamma of both fits, mean C_Q per site, all with
#      bootstrap intervals over Li) on the screen and in OUTPUT_DIR/summary.md
#      and summary.csv.
# About 8 minutes on 2 cores after the build.  Longer runs, other
# temperatures and the Arrhenius fits: jobs/results-lps.sh; the paper's
# microsecond study on a cluster: jobs/studies/lps-paper.study.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$here/lps-demo}
build=${UFP_BUILD_DIR:-$here/build}
ranks=${UFP_RANKS:-2}
ps=${UFP_DEMO_PS:-100}
steps=$(awk -v p="$ps" 'BEGIN {printf "%d", p * 1000}')

bash "$here/jobs/setup.sh" "$build"
mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
mpi="mpiexec -n $ranks --oversubscribe"
start=$(date +%s)

echo "== 7Li NMR parameters of the bundled CP2K EFG labels (PBE, GAPW, 16-32 atom LPS cells)"
$mpi "$build/efg/efg-nmr" -efg_input "$here/efg/data/lps_cp2k_efg_train.extxyz" \
  -nmr_species Li -nmr_field 0,0,1 -nmr_output "$out/lps_li7_nmr.csv" -overwrite
echo
for phase in beta amorphous; do
  if [ $phase = beta ]; then
    structure="$here/md/data/beta_Li3PS4_Pnma_ordered.extxyz"; rep=3,2,2; what="beta-Li3PS4 3x2x2 (384 atoms)"
  else
    structure="$here/md/data/amorphous_Li3PS4_576.extxyz"; rep=1,1,1; what="amorphous Li3PS4 (576 atoms)"
  fi
  echo "== ufp-md: $what, Bussi 300 K, $ps ps at 1 fs, bundled LPS potential"
  $mpi "$build/md/ufp-md" -md_structure "$structure" -md_replicate $rep \
    -md_potential "$here/md/data/uf3/lps_ufp.uf3" -md_steps "$steps" -md_timestep 0.001 -md_thermostat bussi \
    -md_tau 0.1 -md_temperature 300 -md_seed 300 -md_thermo_every 10000 -md_traj_every 100 \
    -md_output "$out/${phase}_300K.h5md" -overwrite
  echo
  echo "== efg-predict: 7Li EFG of every Li in every frame after 5 ps, bundled SA-GPR model"
  $mpi "$build/efg/efg-predict" -efg_trajectory "$out/${phase}_300K.h5md" -efg_model "$here/efg/data/lps_efg.h5" \
    -efg_first 50 -efg_output "$out/${phase}_300K_efg.h5" -efg_overwrite
  echo
  echo "== acf-fit: omega_Q and |C_Q| ACFs of 1 ps window means, fits, MSD, hops and site classes"
  $mpi "$build/analysis/acf-fit" -acf_efg "$out/${phase}_300K_efg.h5" -acf_trajectory "$out/${phase}_300K.h5md" \
    -acf_average_ps 1 -hop_r_in 0.8 -hop_r_out 2 -acf_output "$out/${phase}_300K_acf" -acf_overwrite
  echo
done
echo "== Summary per phase (acf-summary)"
$mpi "$build/analysis/acf-summary" -summary_files "$out/beta_300K_acf.h5,$out/amorphous_300K_acf.h5" \
  -summary_names "beta-Li3PS4 300 K,amorphous Li3PS4 300 K" -summary_output "$out/summary" -summary_overwrite
echo
echo "Written: $out/summary.{md,csv}, $out/lps_li7_nmr.csv, $out/{beta,amorphous}_300K.h5md,"
echo "         $out/{beta,amorphous}_300K_efg.h5, $out/{beta,amorphous}_300K_acf.h5 with CSV files and PNG figures."
echo "run-lps: $(( $(date +%s) - start )) s after the build"
