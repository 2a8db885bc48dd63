#!/usr/bin/env bash
# test_h5md_readers.sh BUILD_DIR -- an H5MD trajectory written on 3 ranks
# must be readable by h5dump, h5py and MDAnalysis with the right values,
# box and units.  Exit 77 (skip) when h5dump or the Python stack is missing.
set -euo pipefail

build=${1:?usage: test_h5md_readers.sh BUILD_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${UFP_PYTHON:-python3}
writer=$build/tests/h5md_demo_writer
work=${UFP_TEST_TMP:-/tmp}/h5md_readers
out=$work/demo_traj.h5md

if [ ! -x "$writer" ]; then
  echo "test_h5md_readers: $writer is not built (cmake --build $build --target h5md_demo_writer)"
  exit 1
fi
if ! command -v h5dump >/dev/null 2>&1; then
  echo "test_h5md_readers: skipping, h5dump not found (apt-get install hdf5-tools)"
  exit 77
fi
if ! "$python" -c "import h5py, numpy, MDAnalysis" >/dev/null 2>&1; then
  echo "test_h5md_readers: skipping, $python lacks h5py, numpy or MDAnalysis"
  exit 77
fi

mkdir -p "$work"
rm -f "$out" "$out.partial"
mpiexec -n 3 --oversubscribe "$writer" "$out" "$here/check_h5md.py"
[ -f "$out" ] || { echo "test_h5md_readers: writer left no $out"; exit 1; }
[ ! -e "$out.partial" ] || { echo "test_h5md_readers: $out.partial was not renamed"; exit 1; }

h5dump -H "$out" > "$work/demo_traj.dump"
grep -q 'GROUP "particles"' "$work/demo_traj.dump"

"$python" "$here/check_h5md.py" "$out" "$here/check_h5md.py"
