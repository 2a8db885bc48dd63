#!/usr/bin/env bash
# jobs/train-lps.sh -- retrain the bundled Li3PS4 UF3 potential.
#
#   bash jobs/train-lps.sh [OUTPUT_PREFIX [train-ufp options]]   (default: md/data/uf3/lps_ufp)
#
# Data (public DFT, not in the repository; ../shared/data/dft or
# $UFP_SHARED_DIR/data/dft):
#   dataset "aau" (energy reference): DP-GEN data of Chen et al., Nat. Commun.
#     16, 1057 (2025): beta-Li3PS4 64 atoms and gamma-Li3PS4 128 atoms at
#     3000 K (1000 frames each), glass Li91P35S129 255 atoms (159 + 23);
#     energies match CP2K PBE/GTH, the code train-label uses.  Each file is
#     split at random per frame: 80 % train, 10 % validation, 10 % test.
#   dataset "gigli" (own energy offsets; different DFT settings): the
#     Li3PS4 sample of Gigli et al., Chem. Mater. 36, 1482 (2024), 16- and
#     32-atom cells, with its own train / validation / test files.
#   dataset "cp2k" (own energy offsets): this project's active-learning
#     labels, md/data/lps_cp2k_al1_kpoints.extxyz: 24 frames of UFP-MD of
#     gamma-Li3PS4 (16 atoms) and beta-Li3PS4 (32 atoms) at 300-900 K picked
#     by train-select, labelled by train-label with CP2K (PBE, GAPW, 400 Ry,
#     Monkhorst-Pack k-points), all in training with frame weight
#     UFP_CP2K_WEIGHT (default 100: 24 small cells against about 1 800
#     frames of 64-255 atoms; README, "Active learning").
# Duplicated frames (the Gigli sample repeats structures, also across its
# files) are kept once, in training.
# UFP_EXTRA_DATA (comma-separated extxyz, e.g. new CP2K labels from
# train-label) adds files as dataset "extra" with its own energy offsets,
# all in training (UFP_EXTRA_ROLE=split to split them too), each
# frame with weight UFP_EXTRA_WEIGHT (default 1; the public data has about
# 2000 frames, so a few dozen new labels need a larger weight to count).
#
# Basis: pairs from the closest approach in the data (minus 0.25 Å) to
# 5.5 Å, 20 intervals; triplets r_ij, r_ik up to 4.5 Å (5 intervals) and r_jk
# up to 9 Å (10 intervals), trailing trim 3 (LAMMPS-compatible).  A 4.0 Å
# 3-body reach is 1.9x faster in MD and 9 % worse in force RMSE; 5.0 Å is
# 1.7x slower again for another 4 % (README, "Training the LPS potential").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$here/md/data/uf3/lps_ufp}
[ $# -gt 0 ] && shift
build=${UFP_BUILD_DIR:-$here/build}
ranks=${UFP_RANKS:-2}
dft=${UFP_SHARED_DIR:-$here/../shared}/data/dft
for f in lps_aau_dpgen/beta_Li3PS4_3000K_64at.extxyz lps_gigli2024_sample/train.xyz; do
  [ -f "$dft/$f" ] || { echo "train-lps: $dft/$f not found (set UFP_SHARED_DIR)" >&2; exit 65; }
done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
a=$dft/lps_aau_dpgen
g=$dft/lps_gigli2024_sample
data="$a/beta_Li3PS4_3000K_64at.extxyz,$a/gamma_Li3PS4_3000K_128at.extxyz,$a/glass_Li91P35S129_a_255at.extxyz,$a/glass_Li91P35S129_b_255at.extxyz,$g/train.xyz,$g/val.xyz,$g/test.xyz"
datasets=aau,aau,aau,aau,gigli,gigli,gigli
roles=split,split,split,split,train,validation,test
weights=1,1,1,1,1,1,1
al=${UFP_CP2K_LABELS-$here/md/data/lps_cp2k_al1_kpoints.extxyz}
if [ -n "$al" ]; then
  data+=",$al"; datasets+=",cp2k"; roles+=",train"; weights+=",${UFP_CP2K_WEIGHT:-100}"
fi
extra=${UFP_EXTRA_DATA:-}
for f in ${extra//,/ }; do
  data+=",$f"; datasets+=",extra"; roles+=",${UFP_EXTRA_ROLE:-train}"; weights+=",${UFP_EXTRA_WEIGHT:-1}"
done
mpiexec -n "$ranks" --oversubscribe ${UFP_TRAIN_WRAPPER:-} "$build/md/train-ufp" \
  -data "$data" -data_dataset "$datasets" -data_role "$roles" -data_weight "$weights" \
  -data_validation_fraction 0.1 -data_test_fraction 0.1 -data_seed 1 \
  -basis_r_max_2b 5.5 -basis_resolution_2b 20 \
  -basis_r_max_3b 4.5 -basis_resolution_3b 5 -basis_resolution_3b_jk 10 \
  -fit_energy_weight 100 -fit_force_weight 1 \
  -fit_output "$out" -fit_overwrite "$@"
