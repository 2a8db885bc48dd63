#!/usr/bin/env bash
# tests/bench/bench_acf.sh -- acf-fit on 10^6 frames x 216 Li against the
# time to read its input.
#
#   bash tests/bench/bench_acf.sh [BUILD_DIR] [FRAMES]     (default 1000000)
#
# Makes a synthetic efg-predict file (tests/bench/make_efg_series.py: a
# two-site Markov process per Li), times a plain read of the file (cat to
# /dev/null, so the page cache holds it for both; the read bandwidth is
# printed) and acf-fit (ACFs, fits with 200 bootstrap resamples,
# histograms, orientation map, CSV and figures) on 1 and 2 ranks.  Needs
# about 9 GB of disk and 12 GB of memory at the default size.
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
cat "$work/efg.h5" > /dev/null
start=$(date +%s.%N); cat "$work/efg.h5" > /dev/null; end=$(date +%s.%N)
read_s=$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')
awk -v s="$read_s" -v b="$bytes" 'BEGIN {printf "read: %.2f GB in %.2f s = %.2f GB/s\n", b / 1e9, s, b / 1e9 / s}'
for np in 1 2; do
  start=$(date +%s.%N)
  mpiexec -n $np --oversubscribe "$build/analysis/acf-fit" -acf_efg "$work/efg.h5" -fit_t_max 500 \
    -acf_output "$work/acf$np" > "$work/acf$np.txt" 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" -v r="$read_s" -v n=$np 'BEGIN {printf "acf-fit, %d rank(s): %.2f s = %.1f x the read\n", n, b - a, (b - a) / r}'
  grep -E "omega_q |times" "$work/acf$np.txt" | cut -c1-120
done
