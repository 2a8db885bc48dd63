#!/usr/bin/env bash
# The SLURM pipeline (jobs/ufp-study, jobs/slurm/stage.sh) against a real
# single-node SLURM (jobs/slurm/local-slurm.sh: slurmctld and slurmd from
# Debian's slurm-wlm, AuthType=auth/none, all state in a temporary
# directory), on the bundled test study jobs/studies/lps-small.study
# (beta-Li3PS4 at 300 and 600 K with two replicas, amorphous LPS at 300 K):
#   1. a fault-free run: every stage completes; a second submit submits
#      nothing;
#   2. the same study with faults: an MD array task killed with SIGKILL
#      after its first checkpoint, one efg-predict task failing once, then
#      `resume`, which submits only the missing tasks; then the whole chain
#      cancelled while it runs and resumed again, and the time-limit warning
#      (SIGUSR1 to the batch shell) given to a running MD task, which
#      checkpoints and requeues itself;
#   3. the final outputs of both runs are identical: trajectories, EFG
#      files and acf-fit results (datasets and their attributes).
# Needs root and slurm-wlm; exits 77 (skipped) without them.
set -uo pipefail
build=$1
src=${UFP_SOURCE_DIR:?}
py=${UFP_PYTHON:-/usr/bin/python3}
tmp=${UFP_TEST_TMP:-/tmp}/slurm_pipeline_it
# shellcheck source=tests/integration/local_slurm.sh
source "$src/tests/integration/local_slurm.sh"
fail=0
study=$src/jobs/ufp-study
echo "ok: slurmctld and slurmd up ($SLURM_CONF)"
# Every bundled study file parses (the paper-scale one has 3 tasks).
for f in "$src"/jobs/studies/*.study; do
  "$study" tasks "$f" > "$tmp/tasks.tsv" 2>&1 || { echo "FAIL: $f does not parse"; cat "$tmp/tasks.tsv"; fail=1; }
done
"$study" tasks "$src/jobs/studies/lps-paper.study" | awk 'NR > 1 && $9 == 500000000 {n++} END {exit n != 3}' \
  || { echo "FAIL: lps-paper.study is not 3 runs of 5x10^8 steps"; fail=1; }

# A copy of the bundled study per run, with absolute paths and its own output.
make_study() {  # name output
  sed -e "s|\.\./\.\./|$src/|g" -e "s|^output .*|output = $2|" -e "s|^name .*|name = $1|" \
    "$src/jobs/studies/lps-small.study" > "$tmp/$1.study"
  awk -v b="$build" '{print} /^\[study\]/ {print "build = " b}' "$tmp/$1.study" > "$tmp/$1.study.new"
  mv "$tmp/$1.study.new" "$tmp/$1.study"
}
queue_of() { squeue -h -o %A --name="ufp-$1-md,ufp-$1-efg,ufp-$1-acf" 2> /dev/null; }
wait_drained() {  # name timeout_s
  local t
  for ((t = 0; t < $2 * 2; t++)); do
    [ -z "$(queue_of "$1")" ] && return 0
    sleep 0.5
  done
  echo "FAIL: jobs of $1 still queued after $2 s:"; squeue; return 1
}
all_complete() {  # name -> 0 if every stage of every task is complete
  "$study" status "$tmp/$1.study" > "$tmp/$1.status"
  awk 'NR > 1 && NF >= 4 && $1 != "queued" && !($2 == "complete" && $3 == "complete" && $4 == "complete") {bad = 1}
       END {exit bad}' "$tmp/$1.status"
}

# --- 1. fault-free reference
make_study ref "$tmp/ref"
start=$(date +%s)
"$study" submit "$tmp/ref.study" > "$tmp/ref_submit.txt" 2>&1 || { echo "FAIL: submit"; cat "$tmp/ref_submit.txt"; fail=1; }
wait_drained ref 600 || fail=1
if all_complete ref; then echo "ok: fault-free study complete in $(($(date +%s) - start)) s"
else echo "FAIL: fault-free study incomplete"; cat "$tmp/ref.status"; tail -n 5 "$tmp"/ref/logs/*; fail=1; fi
"$study" submit "$tmp/ref.study" > "$tmp/ref_again.txt" 2>&1
grep -q "is complete" "$tmp/ref_again.txt" && [ -z "$(queue_of ref)" ] \
  && echo "ok: submitting a complete study submits nothing" || { echo "FAIL: resubmit of a complete study"; cat "$tmp/ref_again.txt"; fail=1; }

# --- 2. faults
make_study fault "$tmp/fault"
UFP_STUDY_FAIL_ONCE=efg:1 "$study" submit "$tmp/fault.study" > "$tmp/fault_submit.txt" 2>&1 \
  || { echo "FAIL: submit"; cat "$tmp/fault_submit.txt"; fail=1; }
# Kill the amorphous MD task (index 4) once it has written its first checkpoint.
amorph=$tmp/fault/md/amorphous_300K_r1.h5md
killed=0
for _ in $(seq 1 600); do
  state=$("$build/analysis/ufp-check" -check_kind md -check_file "$amorph" -check_steps 1000 2> /dev/null)
  if [ "${state%% *}" = partial ] && pgrep -f "md_output $amorph" > /dev/null; then
    pkill -KILL -f "md_output $amorph" && killed=1
    break
  fi
  sleep 0.2
done
[ $killed = 1 ] && echo "ok: killed the running MD task of amorphous_300K_r1 after its checkpoint ($state)" \
  || { echo "FAIL: could not catch the amorphous MD task running"; fail=1; }
wait_drained fault 600 || fail=1
"$study" status "$tmp/fault.study" > "$tmp/fault_status1.txt"
grep -qE "^amorphous_300K_r1 +partial" "$tmp/fault_status1.txt" \
  && grep -qE "^beta_300K_r2 +complete +partial" "$tmp/fault_status1.txt" \
  && grep -qE "^beta_300K_r1 +complete +complete +complete" "$tmp/fault_status1.txt" \
  && echo "ok: after the faults the killed MD task is partial, the failed efg-predict partial, the rest complete" \
  || { echo "FAIL: state after the faults"; cat "$tmp/fault_status1.txt"; fail=1; }
lines=$(wc -l < "$tmp/fault/jobs.log")
"$study" resume "$tmp/fault.study" > "$tmp/fault_resume1.txt" 2>&1 || { echo "FAIL: resume"; cat "$tmp/fault_resume1.txt"; fail=1; }
# Only the missing tasks: MD of task 4 (its remaining segments), efg-predict and acf-fit of tasks 1 and 4.
tail -n +$((lines + 1)) "$tmp/fault/jobs.log" > "$tmp/fault_resubmitted.txt"
awk '{split($4, a, "="); n = split(a[2], t, ","); for (k = 1; k <= n; k++) print $2, t[k]}' "$tmp/fault_resubmitted.txt" \
  | sort -u > "$tmp/fault_resubmitted_tasks.txt"
printf 'acf 1\nacf 4\nefg 1\nefg 4\nmd 4\n' > "$tmp/want_tasks.txt"
cmp -s "$tmp/fault_resubmitted_tasks.txt" "$tmp/want_tasks.txt" \
  && echo "ok: resume submitted only the missing tasks (md 4; efg 1, 4; acf 1, 4)" \
  || { echo "FAIL: resume submitted:"; cat "$tmp/fault_resubmitted.txt"; fail=1; }
# Cancel the chain while the MD task runs again, then resume.
for _ in $(seq 1 600); do pgrep -f "md_output $amorph" > /dev/null && break; sleep 0.2; done
sleep 1
# shellcheck disable=SC2046  # one argument per job id
scancel $(queue_of fault) 2> /dev/null
wait_drained fault 120 || fail=1
echo "ok: chain cancelled ($("$build/analysis/ufp-check" -check_kind md -check_file "$amorph" -check_steps 1000 2> /dev/null))"
"$study" resume "$tmp/fault.study" > "$tmp/fault_resume2.txt" 2>&1 || { echo "FAIL: second resume"; cat "$tmp/fault_resume2.txt"; fail=1; }
# The warning before the time limit (what --signal=B:USR1@s sends), given by
# hand to the running MD task: checkpoint, requeue, and run on.
warned=""
restarts() { cat "$tmp"/fault/logs/md-*_4.out 2> /dev/null | grep -c "restarting from"; }
n0=$(restarts)
for _ in $(seq 1 2400); do
  # Once ufp-md runs (a warning during process start-up would kill it
  # before it can install its handler; SLURM warns minutes ahead).
  if [ "$(restarts)" -gt "$n0" ] && pgrep -f "md_output $amorph" > /dev/null; then
    warned=$(squeue -h -t RUNNING -o %i --name=ufp-fault-md | head -1)
    [ -n "$warned" ] && scancel --batch --signal=USR1 "$warned" && break
  fi
  sleep 0.05
done
# slurmctld holds a requeued job for a few minutes (its BeginTime); let it start now.
for _ in $(seq 1 300); do grep -qs "requeueing" "$tmp"/fault/logs/md-*_4.out && break; sleep 0.2; done
sleep 2
[ -n "$warned" ] && scontrol update JobId="$warned" StartTime=now 2> /dev/null
wait_drained fault 600 || fail=1
grep -qs "requeueing" "$tmp"/fault/logs/md-*_4.out && grep -qs "restarting from" "$tmp"/fault/logs/md-*_4.out \
  && echo "ok: the time-limit warning to MD task $warned made it checkpoint, requeue itself and continue" \
  || { echo "FAIL: no requeue after the time-limit warning to $warned"; tail -n 20 "$tmp"/fault/logs/md-*_4.out; fail=1; }
if all_complete fault; then echo "ok: the faulted study completed after two resumes"
else echo "FAIL: faulted study incomplete"; cat "$tmp/fault.status"; fail=1; fi

# --- 3. identical final outputs
"$py" - "$tmp/ref" "$tmp/fault" <<'EOF' || fail=1
import glob, os, sys
import h5py, numpy as np
ref, fault = sys.argv[1], sys.argv[2]
bad = 0
def same_attrs(a, b, where):
    global bad
    for k in a.attrs:
        x, y = a.attrs[k], b.attrs.get(k)
        if y is None or not np.array_equal(np.asarray(x), np.asarray(y), equal_nan=np.asarray(x).dtype.kind == "f"):
            print(f"FAIL: {where} attribute {k} differs"); bad = 1
def compare(p, q):
    global bad
    n = 0
    with h5py.File(p, "r") as a, h5py.File(q, "r") as b:
        def visit(name, obj):
            global bad
            nonlocal n
            if name.startswith("provenance"):
                return
            other = b.get(name)
            if other is None:
                print("FAIL:", q, "lacks", name); bad = 1; return
            same_attrs(obj, other, f"{os.path.basename(p)}:{name}")
            if isinstance(obj, h5py.Dataset):
                x, y = obj[()], other[()]
                eq = np.array_equal(x, y, equal_nan=x.dtype.kind == "f") if x.dtype.kind in "fiu" else (x == y).all()
                if not eq:
                    print("FAIL:", os.path.basename(p), name, "differs"); bad = 1
                n += 1
        a.visititems(visit)
    return n
files = sorted(glob.glob(f"{ref}/md/*.h5md") + glob.glob(f"{ref}/efg/*.h5") + glob.glob(f"{ref}/acf/*.h5"))
if len(files) != 15:
    print("FAIL: expected 15 final files in", ref, "found", len(files)); bad = 1
total = 0
for p in files:
    q = p.replace(ref, fault, 1)
    if not os.path.exists(q):
        print("FAIL: missing", q); bad = 1; continue
    total += compare(p, q)
if not bad:
    print(f"ok: {len(files)} final files ({total} datasets) of the faulted run equal the fault-free run bit for bit")
sys.exit(bad)
EOF
exit $fail
