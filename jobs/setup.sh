#!/usr/bin/env bash
# jobs/setup.sh -- install every Debian package that ufp-nmr's build, tests and
# demo need, then configure and build.  Idempotent and non-interactive.
#
#   bash jobs/setup.sh [BUILD_DIR]        (default BUILD_DIR: build)
#
# Environment:
#   UFP_SKIP_APT=1      do not touch packages (for machines without root)
#   UFP_WERROR=ON       turn compiler warnings into errors (CI sets this)
#   UFP_BUILD_TYPE=...  CMake build type (default Release)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$here/build}

packages=(
  build-essential cmake pkg-config git
  openmpi-bin libopenmpi-dev
  libhdf5-openmpi-dev hdf5-tools
  petsc-dev
  libscalapack-openmpi-dev liblapacke-dev libopenblas-dev
  libcmocka-dev libfftw3-dev
  gnuplot-nox time
  slurm-wlm cp2k
  python3 python3-numpy python3-h5py python3-mdanalysis
)

if [ "${UFP_SKIP_APT:-0}" != 1 ]; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${#missing[@]} Debian package(s): ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "setup: all ${#packages[@]} Debian packages present"
  fi
fi

cmake -S "$here" -B "$build" \
  -DCMAKE_BUILD_TYPE="${UFP_BUILD_TYPE:-Release}" \
  -DUFP_WERROR="${UFP_WERROR:-OFF}"
cmake --build "$build" -j "$(nproc)"
