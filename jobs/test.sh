#!/usr/bin/env bash
# jobs/test.sh -- install what is missing, build, and run the whole test suite
# (CMocka unit tests, MPI tests on 1, 2 and 3 ranks, integration tests).
#
#   bash jobs/test.sh [BUILD_DIR]
#
# Under CI (CI=true) compiler warnings are errors.  Tests that need the
# optional ../shared data folder skip themselves when it is absent.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$here/build}
if [ "${CI:-}" = true ]; then export UFP_WERROR=${UFP_WERROR:-ON}; fi
bash "$here/jobs/setup.sh" "$build"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$build"
ctest --output-on-failure --timeout 900 -j "$(nproc)"
