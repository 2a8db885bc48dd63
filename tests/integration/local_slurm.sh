# tests/integration/local_slurm.sh -- sourced by the SLURM tests: skips
# (exit 77) without root and slurm-wlm, makes an empty $tmp, starts a
# private SLURM in $tmp/slurm (jobs/slurm/local-slurm.sh), exports its
# SLURM_CONF and stops it when the test exits.  Needs $src and $tmp.
# shellcheck shell=bash
if [ "$(id -u)" != 0 ] || ! command -v slurmctld > /dev/null || ! command -v sbatch > /dev/null; then
  echo "skipped: needs root and slurm-wlm (slurmctld, sbatch)"
  exit 77
fi
rm -rf "$tmp" && mkdir -p "$tmp"
slurm=$tmp/slurm
bash "$src/jobs/slurm/local-slurm.sh" start "$slurm" 8 > "$tmp/slurm_env" \
  || { echo "FAIL: SLURM did not start"; cat "$slurm"/log/*.log; exit 1; }
# shellcheck source=/dev/null
source "$tmp/slurm_env"
trap 'bash "$src/jobs/slurm/local-slurm.sh" stop "$slurm"' EXIT
