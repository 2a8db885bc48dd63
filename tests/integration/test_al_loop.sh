#!/usr/bin/env bash
# The active-learning loop (jobs/ufp-al, jobs/slurm/al-step.sh) on a real
# single-node SLURM (jobs/slurm/local-slurm.sh), with the test-scale AL
# file jobs/studies/lps-al-small.al and a stand-in CP2K (a copy of a real
# CP2K 2023.1 output of a 16-atom cell, so the labelling takes no time):
#   1. two iterations run as chained jobs (MD array, selection, labelling
#      array, training, and the next iteration submitted by the last job):
#      each iteration has its errors before training, the labels
#      accumulate, and potential and EFG model 2 exist; a second submit
#      submits nothing;
#   2. iteration 1's training undone: submit runs only that step again;
#   3. with selection by committee (iteration 1 picks where potentials 0
#      and 1 disagree) and a stopping threshold no iteration can meet, the
#      loop ends after iteration 1 with the reason.
# Needs root and slurm-wlm; exits 77 (skipped) without them.
set -uo pipefail
build=$1
src=${UFP_SOURCE_DIR:?}
tmp=${UFP_TEST_TMP:-/tmp}/al_loop_it
# shellcheck source=tests/integration/local_slurm.sh
source "$src/tests/integration/local_slurm.sh"
fail=0
al=$src/jobs/ufp-al

cat > "$tmp/fake_cp2k.sh" <<EOF
#!/bin/sh
# fake_cp2k.sh -i IN -o OUT: the output of a real run of a 16-atom cell
cp "$src/tests/data/cp2k_stress/train_000.out" "\$4"
EOF
make_al() {  # name output extra-lines...
  local name=$1 output=$2
  shift 2
  sed -e "s|\.\./\.\./|$src/|g" -e "s|^output .*|output = $output|" -e "s|^name .*|name = $name|" \
    -e "s|^cp2k .*|cp2k = sh $tmp/fake_cp2k.sh|" "$src/jobs/studies/lps-al-small.al" |
    awk -v b="$build" -v extra="$*" '{print} /^\[al\]/ {print "build = " b; if (extra != "") print extra}' > "$tmp/$name.al"
}
drained() {  # name timeout_s
  local t
  for ((t = 0; t < $2 * 2; t++)); do
    [ -z "$(squeue -h -o %A --name="ufp-$1-al" 2> /dev/null)" ] && return 0
    sleep 0.5
  done
  echo "FAIL: jobs of $1 still queued after $2 s"; squeue; return 1
}

# --- 1. two iterations
make_al loop "$tmp/loop"
start=$(date +%s)
"$al" submit "$tmp/loop.al" > "$tmp/submit.txt" 2>&1 || { echo "FAIL: submit"; cat "$tmp/submit.txt"; fail=1; }
drained loop 900 || fail=1
"$al" status "$tmp/loop.al" > "$tmp/status.txt" 2>&1
grep -q "^iteration 0: done .*force_rmse_meV_A=[0-9.]* omega_mae_kHz=[0-9.]* frames=2" "$tmp/status.txt" \
  && grep -q "^iteration 1: done .*frames=2" "$tmp/status.txt" \
  && [ -f "$tmp/loop/iter_02/potential.uf3" ] && [ -f "$tmp/loop/iter_02/efg.h5" ] \
  && echo "ok: two iterations as chained jobs in $(($(date +%s) - start)) s" \
  || { echo "FAIL: the loop did not finish two iterations:"; cat "$tmp/status.txt"; tail -n 5 "$tmp"/loop/logs/*; fail=1; }
[ "$(grep -c "energy=" "$tmp/loop/labels_upto_01.extxyz")" = 4 ] && echo "ok: the labels accumulate (2 + 2 frames)" \
  || { echo "FAIL: labels_upto_01.extxyz"; fail=1; }
grep -q "iteration 1 md" "$tmp/loop/jobs.log" && echo "ok: iteration 1 was submitted by iteration 0's training job" \
  || { echo "FAIL: no iteration 1 in jobs.log"; cat "$tmp/loop/jobs.log"; fail=1; }
"$al" submit "$tmp/loop.al" > "$tmp/again.txt" 2>&1
grep -q "has run its 2 iteration(s)" "$tmp/again.txt" && echo "ok: a finished loop submits nothing" \
  || { echo "FAIL: second submit"; cat "$tmp/again.txt"; fail=1; }

# --- 2. resume: iteration 1's training undone
rm -rf "$tmp/loop/iter_01/trained" "$tmp/loop/iter_02"
lines=$(wc -l < "$tmp/loop/jobs.log")
"$al" submit "$tmp/loop.al" > "$tmp/resume.txt" 2>&1
grep -q "iteration 1 of loop submitted from its 'train' step" "$tmp/resume.txt" \
  && [ "$(tail -n +$((lines + 1)) "$tmp/loop/jobs.log" | grep -c " md ")" = 0 ] \
  && echo "ok: resubmitted from iteration 1's training step (no MD)" \
  || { echo "FAIL: resume"; cat "$tmp/resume.txt"; tail -n +$((lines + 1)) "$tmp/loop/jobs.log"; fail=1; }
drained loop 600 || fail=1
[ -f "$tmp/loop/iter_02/potential.uf3" ] && echo "ok: iteration 1 trained again" || { echo "FAIL: no iter_02 after resume"; fail=1; }

# --- 3. a threshold no iteration meets stops the loop after iteration 1
make_al stop "$tmp/stop" 'iterations = 3\nselect_method = committee'
sed -i 's/^min_improvement .*/min_improvement = 0.999/' "$tmp/stop.al"
sed -i '0,/^iterations *= 2$/{/^iterations *= 2$/d}' "$tmp/stop.al"
"$al" submit "$tmp/stop.al" > "$tmp/stop_submit.txt" 2>&1
drained stop 900 || fail=1
[ -f "$tmp/stop/stopped" ] && grep -q "no improvement of 0.999" "$tmp/stop/stopped" && [ ! -d "$tmp/stop/iter_02/md" ] \
  && grep -q "committee_spread=" "$tmp/stop/iter_01/picked.extxyz" && grep -q "select_distance=" "$tmp/stop/iter_00/picked.extxyz" \
  && echo "ok: stopped after iteration 1 (picked by committee there): $(cat "$tmp/stop/stopped")" \
  || { echo "FAIL: the loop did not stop"; "$al" status "$tmp/stop.al"; fail=1; }
exit $fail
