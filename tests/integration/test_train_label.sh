#!/usr/bin/env bash
# train-label end to end: -help and usage errors; CP2K inputs written from
# the built-in template for three bundled LPS frames; a batch run through a
# stand-in CP2K (copies of a real CP2K 2023.1 output, one with an
# unconverged SCF) that is killed while frame 2 runs and then resumed:
# frame 0 is not run again, frame 1 is filed as failed with the SCF
# message, frame 2 runs again; collect writes the two labels (energy,
# forces, stress, EFG) and reports the failure.  With cp2k.psmp installed,
# one frame is labelled by the real CP2K at a low cutoff.  k-point grids
# (-label_kpoints auto or N1,N2,N3) go into the inputs with diagonalisation.
set -uo pipefail
build=$1
exe=$build/efg/train-label
src=${UFP_SOURCE_DIR:?}
py=${UFP_PYTHON:-/usr/bin/python3}
tmp=${UFP_TEST_TMP:-/tmp}/train_label_it
rm -rf "$tmp" && mkdir -p "$tmp"
fail=0
check() {  # what expected-status actual-status
  if [ "$3" = "$2" ]; then echo "ok: $1"; else echo "FAIL: $1 (exit $3, expected $2)"; fail=1; fi
}
expect_text() { grep -q -- "$2" "$1" || { echo "FAIL: '$2' not in $1:"; cat "$1"; fail=1; }; }

"$exe" -help > "$tmp/help.txt" 2>&1; check "-help" 0 $?
for opt in -label_action -label_frames -label_dir -label_cp2k -label_template -label_cutoff -label_stress; do
  expect_text "$tmp/help.txt" "$opt"
done
"$exe" -label_action write > "$tmp/e1.txt" 2>&1; check "no -label_dir" 64 $?
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpiexec --oversubscribe -n 2 "$exe" -label_dir "$tmp/x" \
  -label_action run > "$tmp/e2.txt" 2>&1; check "refuses to run on 2 ranks" 64 $?

# The first three 16-atom frames of the bundled CP2K labels.
awk 'rem == 0 {n = $1; take = n == 16 && k < 3; k += take; rem = n + 2} {if (take) print; rem--}' \
  "$src/efg/data/lps_cp2k_efg_train.extxyz" > "$tmp/frames.extxyz"
"$exe" -label_dir "$tmp/b" -label_action write -label_frames "$tmp/frames.extxyz" > "$tmp/w.txt" 2>&1
check "write inputs" 0 $?
expect_text "$tmp/w.txt" "3 CP2K input(s) written"
expect_text "$tmp/b/frame_00000.inp" "STRESS_TENSOR ANALYTICAL"
expect_text "$tmp/b/frame_00000.inp" "ELECTRIC_FIELD_GRADIENT ON"
expect_text "$tmp/b/frame_00002.inp" "PROJECT frame_00002"
grep -q "@" "$tmp/b/frame_00001.inp" && { echo "FAIL: a placeholder is left in the input"; fail=1; }
expect_text "$tmp/b/frame_00000.inp" "&OT"
grep -q "KPOINTS" "$tmp/b/frame_00000.inp" && { echo "FAIL: k-points in a Gamma-point input"; fail=1; }
# k-points: the automatic grid of the 16-atom cells (planes 6.1-7.7 Å apart) is 2x2x2 at 12 Å, a fixed grid
# is taken as given; both switch the SCF to diagonalisation.
"$exe" -label_dir "$tmp/k" -label_action write -label_frames "$tmp/frames.extxyz" -label_kpoints auto \
  > "$tmp/wk.txt" 2>&1; check "write inputs with automatic k-points" 0 $?
expect_text "$tmp/k/frame_00000.inp" "SCHEME MONKHORST-PACK 2 2 2"
expect_text "$tmp/k/frame_00000.inp" "&DIAGONALIZATION"
grep -q "&OT" "$tmp/k/frame_00000.inp" && { echo "FAIL: OT with k-points"; fail=1; }
"$exe" -label_dir "$tmp/k3" -label_action write -label_frames "$tmp/frames.extxyz" -label_kpoints 3,1,2 \
  > "$tmp/wk3.txt" 2>&1; check "write inputs with a fixed grid" 0 $?
expect_text "$tmp/k3/frame_00001.inp" "SCHEME MONKHORST-PACK 3 1 2"
"$exe" -label_dir "$tmp/kx" -label_action write -label_frames "$tmp/frames.extxyz" -label_kpoints 2,2 \
  > "$tmp/wkx.txt" 2>&1; check "-label_kpoints 2,2 refused" 64 $?

# Stand-in CP2K: frame 1 does not converge, frame 2 hangs the first time.
ref=$src/tests/data/cp2k_stress/train_000.out
cat > "$tmp/fake_cp2k.sh" <<EOF
#!/bin/sh
# fake_cp2k.sh -i IN -o OUT
case "\$2" in
frame_00001.inp) sed 's/\*\*\* SCF run converged/*** WARNING in qs_scf.F:601 :: SCF run NOT converged ***/' "$ref" > "\$4" ;;
frame_00002.inp)
  if [ ! -e "$tmp/hung" ]; then head -n 100 "$ref" > "\$4"; touch "$tmp/hung"; sleep 60; fi
  cp "$ref" "\$4" ;;
*) cp "$ref" "\$4" ;;
esac
EOF
"$exe" -label_dir "$tmp/b" -label_action run -label_cp2k "sh $tmp/fake_cp2k.sh" > "$tmp/r1.txt" 2>&1 &
runner=$!
for _ in $(seq 1 300); do [ -e "$tmp/hung" ] && break; sleep 0.1; done
kill -9 $runner; wait $runner 2> /dev/null
pkill -f "$tmp/fake_cp2k.sh" 2> /dev/null
[ -f "$tmp/b/frame_00000.out" ] && [ -f "$tmp/b/frame_00001.failed" ] && [ -f "$tmp/b/frame_00002.out.partial" ] \
  && [ ! -e "$tmp/b/frame_00002.out" ] && echo "ok: killed batch left frame 0 done, 1 failed, 2 partial" \
  || { echo "FAIL: states after the kill:"; ls "$tmp/b"; fail=1; }
expect_text "$tmp/b/frame_00001.failed" "SCF did not converge"
"$exe" -label_dir "$tmp/b" -label_action run -label_cp2k "sh $tmp/fake_cp2k.sh" > "$tmp/r2.txt" 2>&1
check "resumed batch" 0 $?
expect_text "$tmp/r2.txt" "1 to run"
expect_text "$tmp/r2.txt" "frame 2 was interrupted; running it again"
expect_text "$tmp/r2.txt" "1 frame(s) labelled, 0 failed"
"$exe" -label_dir "$tmp/b" -label_action run -label_cp2k "sh $tmp/fake_cp2k.sh" > "$tmp/r3.txt" 2>&1
expect_text "$tmp/r3.txt" "0 to run"
"$exe" -label_dir "$tmp/b" -label_action collect -label_frames "$tmp/frames.extxyz" -label_output "$tmp/labels.extxyz" \
  > "$tmp/c.txt" 2>&1
check "collect" 0 $?
expect_text "$tmp/c.txt" "frame 1 left out: .*SCF did not converge"
expect_text "$tmp/c.txt" "2 labelled frame(s) written"
"$exe" -label_dir "$tmp/b" -label_action collect -label_frames "$tmp/frames.extxyz" -label_output "$tmp/labels.extxyz" \
  > "$tmp/c2.txt" 2>&1; check "collect refuses to overwrite" 74 $?

"$py" - "$tmp/labels.extxyz" "$tmp/frames.extxyz" <<'EOF' || fail=1
import sys
import numpy as np
def frames(path):
    lines = open(path).read().splitlines(); k = 0; out = []
    while k < len(lines):
        n = int(lines[k]); out.append((lines[k + 1], lines[k + 2:k + 2 + n])); k += 2 + n
    return out
lab, src = frames(sys.argv[1]), frames(sys.argv[2])
bad = 0
if len(lab) != 2: print("FAIL: expected 2 labelled frames, got", len(lab)); bad = 1
for info, atoms in lab:
    for key in ("energy=", "stress=", "label_frame=", "efg:R:9", "forces:R:3"):
        if key not in info: print("FAIL: no", key, "in", info[:200]); bad = 1
    st = np.array(info.split('stress="')[1].split('"')[0].split(), float)
    # minus CP2K's printed zz component, 7.44184292243 GPa, in eV/A^3
    if abs(st[8] + 7.44184292243 / 160.2176634) > 1e-12 or not np.allclose(st.reshape(3, 3), st.reshape(3, 3).T):
        print("FAIL: stress", st); bad = 1
if '"label_frame=2' not in lab[1][0] and "label_frame=2" not in lab[1][0]: print("FAIL: second label is not frame 2"); bad = 1
# Positions come from the frames that were labelled (the written inputs).
x_lab = np.array([l.split()[1:4] for l in lab[1][1]], float)
x_src = np.array([l.split()[1:4] for l in src[2][1]], float)
if np.abs(x_lab - x_src).max() > 1e-9: print("FAIL: positions of frame 2 differ", np.abs(x_lab - x_src).max()); bad = 1
if not bad: print("ok: labels hold energy, forces, stress (extxyz sign), EFG and the frame's positions")
sys.exit(bad)
EOF

if command -v cp2k.psmp > /dev/null && [ "${UFP_SKIP_CP2K:-0}" != 1 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
  head -n 18 "$tmp/frames.extxyz" > "$tmp/one.extxyz"
  start=$(date +%s)
  "$exe" -label_dir "$tmp/real" -label_action all -label_frames "$tmp/one.extxyz" -label_cutoff 150 \
    -label_cp2k "mpiexec -n 2 cp2k.psmp" -label_output "$tmp/real.extxyz" > "$tmp/real.txt" 2>&1
  check "real CP2K run of one 16-atom frame at 150 Ry ($(($(date +%s) - start)) s)" 0 $?
  expect_text "$tmp/real.txt" "1 labelled frame(s) written"
  ls "$tmp/real" | grep -q RESTART && { echo "FAIL: CP2K wrote wavefunction restart files"; fail=1; }
  "$py" - "$tmp/real.extxyz" <<'EOF' || fail=1
import sys
import numpy as np
lines = open(sys.argv[1]).read().splitlines()
info = lines[1]
e = float(info.split("energy=")[1].split()[0])
st = np.array(info.split('stress="')[1].split('"')[0].split(), float).reshape(3, 3)
cols = np.array([l.split()[1:] for l in lines[2:18]], float)
f, efg = cols[:, 3:6], cols[:, 6:15].reshape(-1, 3, 3)
bad = 0
if not (-4000 < e < -3700): print("FAIL: energy", e, "eV"); bad = 1
if np.abs(f.sum(axis=0)).max() > 0.05: print("FAIL: net force", f.sum(axis=0)); bad = 1
if np.abs(np.trace(efg, axis1=1, axis2=2)).max() > 1e-5 or np.abs(efg - efg.transpose(0, 2, 1)).max() > 1e-6:
    print("FAIL: EFG tensors not symmetric and traceless"); bad = 1
if np.abs(st - st.T).max() > 1e-9: print("FAIL: stress not symmetric"); bad = 1
if not bad: print("ok: real CP2K label: E = %.3f eV, |net force| %.1e eV/A, P = %.2f GPa" % (e, np.abs(f.sum(0)).max(), -np.trace(st) / 3 * 160.2176634))
sys.exit(bad)
EOF
else
  echo "skipped: real CP2K run (cp2k.psmp not installed or UFP_SKIP_CP2K=1)"
fi
exit $fail
