#!/usr/bin/env bash
# tests/bench/bench_train.sh -- train-ufp fit time and peak memory on the
# full public Li-P-S data (2 282 frames; jobs/train-lps.sh settings) on 1 and
# 2 ranks.  Needs ../shared (or UFP_SHARED_DIR).
#
#   bash tests/bench/bench_train.sh [BUILD_DIR]
#
# Peak memory: the largest resident set of each rank (GNU time around every
# rank), summed over the ranks.  Target: <= 60 s and <= 2 GB on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$here/build}
shared=${UFP_SHARED_DIR:-$here/../shared}
[ -d "$shared/data/dft" ] || { echo "bench_train: $shared/data/dft is absent: skipping"; exit 0; }
cmake --build "$build" --target train-ufp > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/timed.sh" <<'EOF'
#!/usr/bin/env bash
exec /usr/bin/time -f "%M" -o "$UFP_BENCH_DIR/rss.$OMPI_COMM_WORLD_RANK" "$@"
EOF
chmod +x "$work/timed.sh"
printf '| ranks | wall time (s) | normal equations (s) | solve (s) | peak memory, all ranks (MB) | validation force RMSE (meV/Å) |\n|---|---|---|---|---|---|\n'
for ranks in 1 2; do
  rm -f "$work"/rss.*
  start=$(date +%s.%N)
  UFP_BENCH_DIR=$work UFP_RANKS=$ranks UFP_BUILD_DIR=$build UFP_SHARED_DIR=$shared \
    UFP_TRAIN_WRAPPER="$work/timed.sh" bash "$here/jobs/train-lps.sh" "$work/lps$ranks" -fit_plot 0 > "$work/log$ranks" 2>&1
  end=$(date +%s.%N)
  rss=$(cat "$work"/rss.* | awk '{s += $1} END {printf "%.0f", s / 1024}')
  ne=$(sed -n 's/.*normal equations \([0-9.]*\) s.*/\1/p' "$work/log$ranks")
  sv=$(sed -n 's/.*solve \([0-9.]*\) s.*/\1/p' "$work/log$ranks")
  val=$(awk '$1 == "all" && $2 == "validation" {print $7}' "$work/log$ranks")
  printf '| %d | %.1f | %s | %s | %s | %s |\n' "$ranks" "$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')" "$ne" "$sv" "$rss" "$val"
done
