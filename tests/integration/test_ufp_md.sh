#!/usr/bin/env bash
# ufp-md end to end: -help, bad input (clear error, no output), single-point
# rank invariance, H5MD output, SIGTERM checkpoint + exit 75, and runs that
# end bit for bit where an uninterrupted run ends: killed with SIGKILL and
# restarted, or split into segments that continue with -restart.
set -uo pipefail
build=$1
exe=$build/md/ufp-md
src=${UFP_SOURCE_DIR:?}
tmp=${UFP_TEST_TMP:-/tmp}/ufp_md_it
rm -rf "$tmp" && mkdir -p "$tmp"
mpi="mpiexec --oversubscribe -n"
beta=$src/md/data/beta_Li3PS4_Pnma_ordered.extxyz
pot=$src/md/data/uf3/lps_test.uf3
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; fail=1; else echo "ok: $1"; fi; }
expect_text() { grep -q -- "$2" "$1" || { echo "FAIL: $1 lacks \"$2\""; cat "$1"; fail=1; }; }

[ -f "$pot" ] || { echo "missing fixture $pot"; exit 1; }

$mpi 1 "$exe" --help > "$tmp/help.txt" 2>&1; check "--help" 0 $?
for opt in -md_structure -md_potential -md_timestep -md_thermostat -md_schedule -restart -md_checkpoint_every; do
  expect_text "$tmp/help.txt" "$opt"
done
expect_text "$tmp/help.txt" "\[ps\]"

# --- bad input: each gives a clear error and writes nothing
printf '2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3 pbc="T T T"\nLi 0 0 0\nNa 2 2 2\n' > "$tmp/na.xyz"
$mpi 2 "$exe" -md_structure "$tmp/na.xyz" -md_potential "$pot" -md_steps 0 -md_single_output "$tmp/o1.xyz" > "$tmp/e1.txt" 2>&1
check "species the potential lacks" 65 $?
expect_text "$tmp/e1.txt" "atom 1 is Na"
printf '2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3 pbc="T T T"\nLi 0 0 0\nS 0.5 0 0\n' > "$tmp/close.xyz"
$mpi 2 "$exe" -md_structure "$tmp/close.xyz" -md_potential "$pot" -md_steps 0 -md_single_output "$tmp/o2.xyz" > "$tmp/e2.txt" 2>&1
check "atoms closer than the first knot" 65 $?
expect_text "$tmp/e2.txt" "atoms 0 and 1"
printf '2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3 pbc="T T T"\nLi 0 0 0\nS nan 0 0\n' > "$tmp/nan.xyz"
$mpi 1 "$exe" -md_structure "$tmp/nan.xyz" -md_potential "$pot" -md_steps 0 -md_single_output "$tmp/o3.xyz" > "$tmp/e3.txt" 2>&1
check "NaN coordinate" 65 $?
expect_text "$tmp/e3.txt" "non-finite"
printf '#UF3 POT\n2B Li Li 0 3 nk\n5.5 x\n' > "$tmp/broken.uf3"
$mpi 1 "$exe" -md_structure "$beta" -md_potential "$tmp/broken.uf3" -md_steps 0 -md_single_output "$tmp/o4.xyz" > "$tmp/e4.txt" 2>&1
check "unreadable potential" 65 $?
expect_text "$tmp/e4.txt" "broken.uf3:3"
$mpi 1 "$exe" -md_structure "$beta" -md_potential "$tmp/absent.uf3" -md_steps 0 -md_single_output "$tmp/o5.xyz" > /dev/null 2>&1
check "missing potential file" 74 $?
ls "$tmp"/o?.xyz* > /dev/null 2>&1 && { echo "FAIL: output written after an error"; fail=1; }

# --- single point: identical on 1 and 3 ranks (to round-off)
for np in 1 3; do
  $mpi $np "$exe" -md_structure "$src/efg/data/lps_cp2k_efg_train.extxyz" -md_potential "$pot" -md_steps 0 \
    -md_single_output "$tmp/sp$np.extxyz" > "$tmp/sp$np.txt" 2>&1
  check "single point on $np rank(s)" 0 $?
done
# Errors against the labels of the input: the CP2K labels (another DFT
# code, so a constant energy shift), and the potential's own single-point
# output, which it must reproduce exactly.
expect_text "$tmp/sp1.txt" "against the labels in .*force RMSE .* meV/Å (MAE .*, 1968 components); energy RMSE .* meV/atom after a constant shift of .* (31 frames)"
$mpi 2 "$exe" -md_structure "$tmp/sp1.extxyz" -md_potential "$pot" -md_steps 0 -md_single_output "$tmp/sp_again.extxyz" \
  > "$tmp/sp_again.txt" 2>&1
check "single point on its own output" 0 $?
expect_text "$tmp/sp_again.txt" "force RMSE 0.0 meV/Å (MAE 0.0, 1968 components); energy RMSE 0.00 meV/atom after a constant shift of -*0.0 meV/atom (31 frames); stress RMSE 0.000 GPa"
if [ -x "${UFP_PYTHON:-}" ] && "$UFP_PYTHON" -c "import numpy" 2>/dev/null; then
  "$UFP_PYTHON" - "$tmp/sp1.extxyz" "$tmp/sp3.extxyz" <<'PY' || fail=1
import re, sys
import numpy as np
def frames(path):
    lines = open(path).read().split("\n"); i = 0; out = []
    while i < len(lines) and lines[i].strip():
        n = int(lines[i]); head = lines[i + 1]
        props = re.search(r"Properties=(\S+)", head).group(1).split(":")
        cols, k = {}, 0
        for name, kind, width in zip(props[0::3], props[1::3], props[2::3]):
            cols[name] = (k, int(width)); k += int(width)
        rows = [l.split() for l in lines[i + 2:i + 2 + n]]
        f0, fw = cols["forces"]
        forces = np.array([[float(v) for v in r[f0:f0 + fw]] for r in rows])
        energy = float(re.search(r"energy=(\S+)", head).group(1))
        out.append((energy, forces)); i += 2 + n
    return out
a, b = frames(sys.argv[1]), frames(sys.argv[2])
assert len(a) == len(b) == 31
de = max(abs(x[0] - y[0]) for x, y in zip(a, b))
df = max(np.abs(x[1] - y[1]).max() for x, y in zip(a, b))
assert de < 1e-9 and df < 1e-10, (de, df)
print("ok: single point equal on 1 and 3 ranks (|dE| %.1e eV, |dF| %.1e eV/A)" % (de, df))
PY
fi

# --- MD: uninterrupted reference, SIGKILL + restart, SIGTERM + restart
md_args="-md_structure $beta -md_potential $pot -md_replicate 1,1,2 -md_timestep 0.001 -md_thermostat langevin
 -md_temperature 300 -md_tau 0.05 -md_traj_every 20 -md_thermo_every 50 -md_checkpoint_every 100"
steps=600
$mpi 2 "$exe" $md_args -md_steps $steps -md_output "$tmp/ref.h5md" -md_final_output "$tmp/ref_final.xyz" \
  > "$tmp/ref.txt" 2>&1
check "uninterrupted MD" 0 $?
expect_text "$tmp/ref.txt" "ns/day"
[ -f "$tmp/ref.h5md" ] && [ ! -e "$tmp/ref.h5md.partial" ] || { echo "FAIL: trajectory not committed"; fail=1; }

# Temperature schedule: a linear ramp 300 -> 600 K over 100 steps, then a hold.
$mpi 1 "$exe" $md_args -md_steps 200 -md_schedule 300:600:100,600:600:100 -md_output "$tmp/sched.h5md" \
  > "$tmp/sched.txt" 2>&1
check "temperature schedule" 0 $?
awk '$1 == 50 && $4 == "450.00" {a = 1} $1 == 150 && $4 == "600.00" {b = 1} END {exit !(a && b)}' "$tmp/sched.txt" \
  && echo "ok: schedule targets 450 K at step 50 and 600 K at step 150" \
  || { echo "FAIL: schedule targets"; cat "$tmp/sched.txt"; fail=1; }

# Killed with SIGKILL at step 250 (fault injection: after the checkpoint at
# step 200 and 50 more steps of trajectory), then restarted.
$mpi 2 "$exe" $md_args -md_steps $steps -md_output "$tmp/kill.h5md" -md_final_output "$tmp/kill_final.xyz" \
  -md_crash_at_step 250 > "$tmp/kill1.txt" 2>&1
status=$?
[ $status -ne 0 ] || { echo "FAIL: the crash injection did not stop the run"; fail=1; }
[ -f "$tmp/kill.h5md" ] && { echo "FAIL: killed run left a complete trajectory"; fail=1; }
[ -f "$tmp/kill.h5md.partial" ] || { echo "FAIL: killed run left no partial trajectory"; fail=1; }
out=$("$build/analysis/ufp-check" -check_kind md -check_file "$tmp/kill.h5md" -check_steps $steps)
[ $? = 1 ] && [ "$out" = "partial 200" ] && echo "ok: ufp-check reports the checkpoint at step 200" \
  || { echo "FAIL: ufp-check on the killed run: '$out'"; fail=1; }
$mpi 2 "$exe" $md_args -md_steps $steps -md_output "$tmp/kill.h5md" -md_final_output "$tmp/kill_final.xyz" -restart \
  > "$tmp/kill2.txt" 2>&1
check "restart after SIGKILL" 0 $?
expect_text "$tmp/kill2.txt" "restarting from"
cmp -s <(tail -n +3 "$tmp/ref_final.xyz") <(tail -n +3 "$tmp/kill_final.xyz") \
  && echo "ok: final positions after SIGKILL + restart equal the uninterrupted run bit for bit" \
  || { echo "FAIL: final positions differ after SIGKILL + restart"; fail=1; }

# Segments of 200 steps (a multiple of the checkpoint stride): three
# invocations with -restart, each exiting 0, end bit for bit on the
# uninterrupted run.
for seg in 1 2 3 4; do
  $mpi 2 "$exe" $md_args -md_steps $steps -md_output "$tmp/seg.h5md" -md_final_output "$tmp/seg_final.xyz" \
    -md_segment_steps 200 -restart > "$tmp/seg$seg.txt" 2>&1
  check "segment $seg" 0 $?
done
expect_text "$tmp/seg1.txt" "at step 200 of 600; continue with -restart"
expect_text "$tmp/seg2.txt" "at step 400 of 600"
[ -f "$tmp/seg.h5md" ] && [ ! -e "$tmp/seg.h5md.partial" ] || { echo "FAIL: segmented trajectory not committed"; fail=1; }
expect_text "$tmp/seg4.txt" "is complete; nothing to do"
cmp -s <(tail -n +3 "$tmp/ref_final.xyz") <(tail -n +3 "$tmp/seg_final.xyz") \
  && echo "ok: final positions after three segments equal the uninterrupted run bit for bit" \
  || { echo "FAIL: final positions differ after segments"; fail=1; }

# SIGTERM to the ranks (as SLURM delivers it to tasks) and SIGUSR1 to mpiexec
# (which forwards it, as at a time-limit warning): run on to the next
# checkpoint, exit 75, and -restart finishes the run bit for bit.
for sig in TERM USR1; do
  $mpi 2 "$exe" $md_args -md_steps 1000000 -md_output "$tmp/$sig.h5md" > "$tmp/${sig}1.txt" 2>&1 &
  runner=$!
  for _ in $(seq 1 600); do grep -qE "^ +150 " "$tmp/${sig}1.txt" 2>/dev/null && break; sleep 0.1; done
  if [ $sig = TERM ]; then pkill -TERM -P $runner; else kill -USR1 $runner; fi
  wait $runner; status=$?
  check "SIG$sig stops at a checkpoint with exit 75" 75 $status
  expect_text "$tmp/${sig}1.txt" "stopping at the next checkpoint"
  expect_text "$tmp/${sig}1.txt" "rerun with -restart"
  stopped=$(grep -oE "signal at step [0-9]+" "$tmp/${sig}1.txt" | grep -oE "[0-9]+$")
  [ $((stopped % 100)) = 0 ] || { echo "FAIL: SIG$sig stop at step $stopped, not at a checkpoint"; fail=1; }
  $mpi 2 "$exe" $md_args -md_steps $((stopped + 100)) -md_output "$tmp/$sig.h5md" -md_final_output "$tmp/${sig}_final.xyz" \
    -restart > "$tmp/${sig}2.txt" 2>&1
  check "restart after SIG$sig" 0 $?
  expect_text "$tmp/${sig}2.txt" "restarting from"
  [ -f "$tmp/$sig.h5md" ] || { echo "FAIL: no complete trajectory after SIG$sig + restart"; fail=1; }
  $mpi 2 "$exe" $md_args -md_steps $((stopped + 100)) -md_output "$tmp/${sig}ref.h5md" \
    -md_final_output "$tmp/${sig}ref_final.xyz" > "$tmp/${sig}3.txt" 2>&1
  cmp -s <(tail -n +3 "$tmp/${sig}ref_final.xyz") <(tail -n +3 "$tmp/${sig}_final.xyz") \
    && echo "ok: SIG$sig + restart ends bit for bit on the uninterrupted run" \
    || { echo "FAIL: SIG$sig + restart differs from the uninterrupted run"; fail=1; }
done

if [ -x "${UFP_PYTHON:-}" ] && "$UFP_PYTHON" -c "import h5py" 2>/dev/null; then
  for other in kill seg; do
  "$UFP_PYTHON" - "$tmp/ref.h5md" "$tmp/$other.h5md" $steps <<'PY' || fail=1
import sys
import h5py, numpy as np
ref, kill, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
with h5py.File(ref) as a, h5py.File(kill) as b:
    sa = a["particles/trajectory/position/step"][:]; sb = b["particles/trajectory/position/step"][:]
    assert list(sa) == list(range(0, steps + 1, 20)), sa
    assert list(sa) == list(sb), (sa, sb)
    xa = a["particles/trajectory/position/value"][:]; xb = b["particles/trajectory/position/value"][:]
    assert np.array_equal(xa, xb), np.abs(xa - xb).max()
    ia = a["particles/trajectory/image/value"][:]; ib = b["particles/trajectory/image/value"][:]
    assert np.array_equal(ia, ib)
    ca = a["observables/conserved_energy/value"][:]; cb = b["observables/conserved_energy/value"][:]
    assert np.array_equal(ca, cb), np.abs(ca - cb).max()
    t = a["observables/temperature/value"][:]
    assert a["observables/temperature/value"].attrs["unit"] == "K"
    assert list(a["observables/temperature/step"][:]) == list(range(0, steps + 1, 50))
    assert list(b["observables/temperature/step"][:]) == list(range(0, steps + 1, 50))
    assert a.attrs["program"] == "ufp-md"
print("ok: trajectories of %s and the uninterrupted run are identical (%d frames)" % (kill, len(sa)))
PY
  done
fi
exit $fail
