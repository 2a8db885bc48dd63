#!/usr/bin/env bash
# tests/bench/bench_md.sh -- ufp-md speed on the LiPS timing fixture.
#
#   bash tests/bench/bench_md.sh [BUILD_DIR]
#
# Needs ../shared/data/uf3/LiPS_synthetic_2b3b.uf3 (a LAMMPS-format Li-P-S
# potential with production shape: 2-body 1.0-5.5 Å, 20 coefficients; 3-body
# r_ij = r_ik <= 4 Å (8), r_jk <= 8 Å (16)).  Its values are not physical, so
# the runs use NVE with dt = 1e-5 ps.  The 2-body-only variant is the same
# file without its 3B blocks.  Systems:
#   beta-Li3PS4 3x2x2 (384 atoms);
#   a 576-atom cell: beta 3x3x2 with random displacements of up to 0.3 Å
#     (same density as the amorphous cells of the literature, 1.87 g/cm^3);
#   beta 10x15x20 (96 000 atoms).
# Reported: core-µs per atom-step (wall time x ranks / (atoms x steps)) and
# ns/day at dt = 2 fs, the production time step.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$here/build}
shared=${UFP_SHARED_DIR:-$here/../shared}
fixture=$shared/data/uf3/LiPS_synthetic_2b3b.uf3
[ -f "$fixture" ] || { echo "bench_md: $fixture is absent: skipping"; exit 0; }
cmake --build "$build" --target ufp-md > /dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk '/^#UF3 POT/{hdr=$0; next} /^3B/{skip=1} /^2B/{skip=0; print hdr} !skip{print}' "$fixture" > "$work/lips2b.uf3"
beta=$here/md/data/beta_Li3PS4_Pnma_ordered.extxyz
# The 576-atom disordered cell: beta 3x3x2 with random displacements
# (deterministic seed).  A melt-quench would need a physical potential.
python3 - "$beta" "$work/disordered576.extxyz" <<'PY'
import random, re, sys
lines = open(sys.argv[1]).read().split("\n")
n = int(lines[0]); head = lines[1]
lat = [float(v) for v in re.search(r'Lattice="([^"]+)"', head).group(1).split()]
a, b, c = lat[0:3], lat[3:6], lat[6:9]
atoms = [l.split()[:4] for l in lines[2:2 + n]]
random.seed(5)
out = []
for i in range(3):
    for j in range(3):
        for k in range(2):
            for sp, x, y, z in atoms:
                p = [float(x) + i * a[0] + j * b[0] + k * c[0], float(y) + i * a[1] + j * b[1] + k * c[1],
                     float(z) + i * a[2] + j * b[2] + k * c[2]]
                out.append((sp, [v + random.uniform(-0.3, 0.3) for v in p]))
L = [3 * v for v in a] + [3 * v for v in b] + [2 * v for v in c]
with open(sys.argv[2], "w") as f:
    f.write("%d\nLattice=\"%s\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n" % (len(out), " ".join(map(str, L))))
    for sp, p in out:
        f.write("%s %.8f %.8f %.8f\n" % (sp, *p))
PY
run() { # label ranks structure replicate potential steps
  local out
  out=$(mpiexec -n "$2" --oversubscribe "$build/md/ufp-md" -md_structure "$3" -md_replicate "$4" -md_potential "$5" \
    -md_steps "$6" -md_timestep 0.00001 -md_thermostat none -md_output "$work/b.h5md" -md_traj_every 100000 \
    -md_thermo_every 100000 -md_checkpoint_every 1000000 -overwrite 2>&1 | grep "µs/atom-step")
  local us=$(echo "$out" | grep -oE "[0-9.]+ µs/atom-step" | grep -oE "^[0-9.]+")
  local wall=$(echo "$out" | grep -oE "in [0-9.]+ s" | grep -oE "[0-9.]+")
  local natoms=$7
  # ns/day at dt = 2 fs from the measured wall time per step
  local nsday=$(awk -v w="$wall" -v s="$6" 'BEGIN { printf "%.2f", s / w * 0.002e-3 * 86400 }')
  printf "%-34s %6s atoms %2s rank(s)  %7s core-µs/atom-step  %8s ns/day at 2 fs\n" "$1" "$natoms" "$2" "$us" "$nsday"
}
echo "# ufp-md benchmark, $(date -u +%F), $(uname -m), $(nproc) cores; fixture LiPS_synthetic_2b3b.uf3"
for np in 1 2; do
  run "beta 3x2x2, 2+3-body" $np "$beta" 3,2,2 "$fixture" 1000 384
  run "beta 3x2x2, 2-body only" $np "$beta" 3,2,2 "$work/lips2b.uf3" 3000 384
  run "disordered 576, 2+3-body" $np "$work/disordered576.extxyz" 1,1,1 "$fixture" 600 576
  run "disordered 576, 2-body only" $np "$work/disordered576.extxyz" 1,1,1 "$work/lips2b.uf3" 2000 576
  run "beta 10x15x20, 2+3-body" $np "$beta" 10,15,20 "$fixture" 10 96000
  run "beta 10x15x20, 2-body only" $np "$beta" 10,15,20 "$work/lips2b.uf3" 30 96000
done
