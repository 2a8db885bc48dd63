#!/usr/bin/env bash
# jobs/slurm/local-slurm.sh -- a private single-node SLURM on this machine,
# for testing the job scripts against the real scheduler.
#
#   eval "$(bash jobs/slurm/local-slurm.sh start DIR [CPUS])"   # exports SLURM_CONF
#   bash jobs/slurm/local-slurm.sh stop DIR
#
# start writes DIR/slurm.conf (AuthType=auth/none, root as SlurmUser, all
# state, spool, logs and pid files under DIR, ports chosen free), starts
# slurmctld and slurmd from Debian's slurm-wlm, waits until the node is idle
# and prints the export line for SLURM_CONF.  The node offers CPUS CPUs
# (default 8; more than the machine has is allowed, so that array tasks
# run side by side).  stop shuts down exactly the daemons it started (from
# their pid files) and leaves DIR for inspection.  Needs root.
set -euo pipefail
cmd=${1:?usage: local-slurm.sh start|stop DIR [CPUS]}
dir=$(mkdir -p "${2:?usage: local-slurm.sh start|stop DIR [CPUS]}" && cd "$2" && pwd)
cpus=${3:-8}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case $cmd in
start)
  command -v slurmctld > /dev/null || { echo "local-slurm: slurmctld not found (apt-get install slurm-wlm)" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "local-slurm: must run as root (SlurmUser=root)" >&2; exit 1; }
  host=$(hostname -s)
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
  mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
  cat > "$dir/slurm.conf" <<CONF
ClusterName=ufplocal
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
MaxArraySize=10001
MinJobAge=3600
KillWait=5
SchedulerParameters=defer_batch
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  export SLURM_CONF=$dir/slurm.conf
  slurmctld -f "$SLURM_CONF" -i
  slurmd -f "$SLURM_CONF"
  for _ in $(seq 1 60); do
    state=$(sinfo -h -N -o %t 2> /dev/null | head -1 || true)
    case $state in idle | mix | alloc) echo "export SLURM_CONF=$SLURM_CONF"; exit 0 ;; esac
    sleep 0.5
  done
  echo "local-slurm: the node did not become idle (state '${state:-none}'); logs in $dir/log" >&2
  exit 1
  ;;
stop)
  for daemon in slurmd slurmctld; do
    pidfile=$dir/$daemon.pid
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill "$pid" 2> /dev/null; then
      for _ in $(seq 1 40); do kill -0 "$pid" 2> /dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2> /dev/null || true
    fi
    rm -f "$pidfile"
  done
  ;;
*) echo "usage: local-slurm.sh start|stop DIR [CPUS]" >&2; exit 64 ;;
esac
