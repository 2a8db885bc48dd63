#!/usr/bin/env bash
# tests/bench/bench_acf.sh -- acf-fit on 10^6 frames x 216 Li against the
# time to read its input.
#
#   bash tests/bench/bench_acf.sh [BUILD_DIR] [FRAMES]     (default 1000000)
#
# Makes a synthetic efg-predict file (tests/bench/make_efg_series.py: a
# two-site Markov process per Li), times a plain read of the file (cat to
# /dev/null; the read bandwidth is printed) and acf-fit (ACFs, fits with 200
# bootstrap resamples, histograms, orientation map, CSV and figures) on 1
# and 2 ranks.  Both are timed from the page cache and, where the page cache
# can be dropped (root), from the disk, as a job sees a file another node
# wrote.  Needs about 9 GB of disk and 12 GB of memory at the default size.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$here/build}
frames=${2:-1000000}
cmake --build "$build" --target acf-fit > /dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "# $(date -u +%F) $(uname -m), $(nproc) cores; $frames frames x 216 Li"
/usr/bin/python3 "$here/tests/bench/make_efg_series.py" "$work/efg.h5" "$frames" 216
bytes=$(stat -c %s "$work/efg.h5")
cold=0
if sync && echo 1 > /proc/sys/vm/drop_caches 2> /dev/null; then cold=1; fi
drop() { if [ "$cold" = 1 ]; then sync; echo 1 > /proc/sys/vm/drop_caches; fi; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN {print b - a}'; }
read_file() {
  local start end
  start=$(date +%s.%N); cat "$work/efg.h5" > /dev/null; end=$(date +%s.%N)
  seconds "$start" "$end"
}
acf_fit() {  # ranks label
  local start end
  start=$(date +%s.%N)
  mpiexec -n "$1" --oversubscribe "$build/analysis/acf-fit" -acf_efg "$work/efg.h5" -fit_t_max 500 \
    -acf_output "$work/acf$1$2" > "$work/acf$1$2.txt" 2>&1
  end=$(date +%s.%N)
  seconds "$start" "$end"
}
modes="cache"
[ "$cold" = 1 ] && modes="disk cache"
for mode in $modes; do
  if [ "$mode" = disk ]; then drop; else cat "$work/efg.h5" > /dev/null; fi
  read_s=$(read_file)
  awk -v s="$read_s" -v b="$bytes" -v m="$mode" \
    'BEGIN {printf "read from the %s: %.2f GB in %.2f s = %.2f GB/s\n", m, b / 1e9, s, b / 1e9 / s}'
  for np in 1 2; do
    [ "$mode" = disk ] && drop
    t=$(acf_fit $np "$mode")
    awk -v t="$t" -v r="$read_s" -v n=$np -v m="$mode" \
      'BEGIN {printf "acf-fit from the %s, %d rank(s): %.2f s = %.1f x the read\n", m, n, t, t / r}'
    grep -E "omega_q |times|outputs" "$work/acf$np$mode.txt" | cut -c1-150
  done
done
