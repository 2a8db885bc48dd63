#!/usr/bin/env bash
# train-ufp end to end on the bundled CP2K labels (efg/data, 31 frames of
# 16-32 atom Li3PS4 with repeats): -help, bad input (clear error, nothing
# written), the four outputs, a refusal to overwrite, the same potential on
# 1 and 3 ranks, and ufp-md reading the result and reproducing the
# report's predictions (the fit, the files and the MD force loop agree).
set -uo pipefail
build=$1
exe=$build/md/train-ufp
md=$build/md/ufp-md
src=${UFP_SOURCE_DIR:?}
py=${UFP_PYTHON:-/usr/bin/python3}
tmp=${UFP_TEST_TMP:-/tmp}/train_ufp_it
rm -rf "$tmp" && mkdir -p "$tmp"
mpi="mpiexec --oversubscribe -n"
data=$src/efg/data/lps_cp2k_efg_train.extxyz
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; fail=1; else echo "ok: $1"; fi; }
expect_text() { grep -q -- "$2" "$1" || { echo "FAIL: $1 lacks \"$2\""; cat "$1"; fail=1; }; }
small="-basis_r_max_2b 5.0 -basis_resolution_2b 12 -basis_r_max_3b 3.5 -basis_resolution_3b 3 -basis_resolution_3b_jk 6"

$mpi 1 "$exe" -help > "$tmp/help.txt" 2>&1; check "-help" 0 $?
for opt in -data -data_dataset -data_role -data_energy -basis_r_max_3b -fit_ridge_3b -fit_curvature_2b -fit_output; do
  expect_text "$tmp/help.txt" "$opt"
done

# --- bad input: clear errors, no outputs
$mpi 2 "$exe" -fit_output "$tmp/none" > "$tmp/e0.txt" 2>&1; check "no data" 64 $?
expect_text "$tmp/e0.txt" "no training data"
$mpi 2 "$exe" -data "$tmp/missing.xyz" -fit_output "$tmp/bad1" > "$tmp/e1.txt" 2>&1; check "missing file" 74 $?
printf '2\nLattice="9 0 0 0 9 0 0 0 9" Properties=species:S:1:pos:R:3:forces:R:3 energy=-1.0 pbc="T T T"\nLi 0 0 0 0 0 0\nS 0.4 0 0 0 0 0\n' > "$tmp/close.xyz"
$mpi 2 "$exe" -data "$tmp/close.xyz" -basis_r_min_2b 1.0 -basis_degree 2 -fit_output "$tmp/bad2" > "$tmp/e2.txt" 2>&1
check "atoms below r_min" 65 $?
expect_text "$tmp/e2.txt" "0.4000 Å apart"
$mpi 1 "$exe" -data "$data" -data_energy nosuch=offset -fit_output "$tmp/bad3" > "$tmp/e3.txt" 2>&1
check "unknown dataset" 64 $?
expect_text "$tmp/e3.txt" "nosuch"
$mpi 1 "$exe" -data "$data" -basis_r_max_3b 6.0 -fit_output "$tmp/bad4" > "$tmp/e4.txt" 2>&1
check "3-body beyond the pair cutoff" 65 $?
ls "$tmp"/bad* "$tmp"/none* > /dev/null 2>&1 && { echo "FAIL: outputs left after errors"; ls "$tmp"; fail=1; }

# --- a fit on 1 and on 3 ranks
$mpi 1 "$exe" -data "$data" $small -data_validation_fraction 0.2 -fit_output "$tmp/p1" > "$tmp/fit1.txt" 2>&1
check "fit on 1 rank" 0 $?
$mpi 3 "$exe" -data "$data" $small -data_validation_fraction 0.2 -fit_output "$tmp/p3" > "$tmp/fit3.txt" 2>&1
check "fit on 3 ranks" 0 $?
expect_text "$tmp/fit1.txt" "duplicates dropped"
for f in p1.uf3 p1.json p1_report.h5 p1_parity.png; do [ -s "$tmp/$f" ] || { echo "FAIL: $f missing"; fail=1; }; done
ls "$tmp"/*.partial > /dev/null 2>&1 && { echo "FAIL: .partial left"; fail=1; }
$mpi 1 "$exe" -data "$data" $small -fit_output "$tmp/p1" > "$tmp/e5.txt" 2>&1; check "existing output refused" 74 $?
expect_text "$tmp/e5.txt" "fit_overwrite"

# --- ufp-md reads both files; its forces match the report's predictions
for ext in uf3 json; do
  $mpi 2 "$md" -md_structure "$data" -md_potential "$tmp/p1.$ext" -md_steps 0 -md_single_output "$tmp/sp_$ext.xyz" \
    > "$tmp/sp_$ext.txt" 2>&1
  check "ufp-md single point with the $ext file" 0 $?
done
"$py" - "$tmp" "$data" <<'EOF'
import sys, h5py, numpy as np
tmp, data = sys.argv[1], sys.argv[2]
def frames(path):
    out, lines = [], open(path).read().split("\n")
    k = 0
    while k < len(lines) and lines[k].strip():
        n = int(lines[k]); head = lines[k + 1]
        props = head.split("Properties=")[1].split()[0].split(":")
        cols, c = {}, 0
        for q in range(0, len(props), 3):
            w = int(props[q + 2]); cols[props[q]] = (c, w); c += w
        rows = [l.split() for l in lines[k + 2:k + 2 + n]]
        e = [t for t in head.split() if t.startswith("energy=")]
        f0, fw = cols["forces"]
        out.append((float(e[0].split("=")[1]) if e else None, np.array([[float(x) for x in r[f0:f0 + fw]] for r in rows])))
        k += 2 + n
    return out
bad = 0
for run in ("p1", "p3"):
    with h5py.File("%s/%s_report.h5" % (tmp, run), "r") as f:
        rmse = f["metrics/force_rmse"][:]
        if not np.all(np.isfinite(rmse[-1, 0, :])) or rmse[-1, 0, -1] > 300:
            print("FAIL: %s training force RMSE %s meV/Å" % (run, rmse[-1, 0, -1])); bad = 1
        assert f.attrs["program"] in (b"train-ufp", "train-ufp")
r1, r3 = h5py.File(tmp + "/p1_report.h5", "r"), h5py.File(tmp + "/p3_report.h5", "r")
d = np.abs(r1["parity/force_pred"][:] - r3["parity/force_pred"][:]).max()
print("1 vs 3 ranks: max force difference %.2e eV/Å" % d)
if d > 1e-8: print("FAIL: rank dependence"); bad = 1
# The report lists the frames after de-duplication; compare by origin.
fi, nat = r1["parity/frame_index"][:], r1["parity/natoms"][:]
fp = r1["parity/force_pred"][:]
off = np.concatenate([[0], np.cumsum(nat)])
for ext in ("uf3", "json"):
    sp = frames("%s/sp_%s.xyz" % (tmp, ext))
    worst = max(np.abs(sp[fi[k]][1] - fp[off[k]:off[k + 1]]).max() for k in range(len(fi)))
    print("ufp-md (%s) vs report forces: %.2e eV/Å" % (ext, worst))
    if worst > 1e-8: print("FAIL: %s forces differ" % ext); bad = 1
# The JSON carries the one-body energies: its energies are the report's.
sp = frames(tmp + "/sp_json.xyz")
ep = r1["parity/energy_pred"][:] * nat
de = max(abs(sp[fi[k]][0] - ep[k]) for k in range(len(fi)))
print("ufp-md (json) vs report energies: %.2e eV" % de)
if de > 1e-6: print("FAIL: energies differ"); bad = 1
sys.exit(bad)
EOF
check "report, files and force loop agree" 0 $?
exit $fail
