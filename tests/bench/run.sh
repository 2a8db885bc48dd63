#!/usr/bin/env bash
# tests/bench/run.sh -- run the benchmarks (on demand; not part of ctest).
#
#   bash tests/bench/run.sh [BUILD_DIR]
#
# Prints one line per measurement; the README quotes the results.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$here/build}
cmake --build "$build" --target bench_common > /dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "# $(date -u +%F) $(uname -m), $(nproc) cores"
for np in 1 2; do
  mpiexec -n $np --oversubscribe "$build/tests/bench/bench_common" -bench_output "$scratch" \
    -bench_data "$here/md/data"
done
