# shellcheck shell=bash
# A throwaway single-node Slurm on localhost for the tests: its own munge key and socket, its own
# slurm.conf, state, spool and log folders under $CLUSTER_DIR, and ports of its own so it never meets
# a system Slurm. Sourced by harness.sh. cluster_start returns 77 (ctest's skip) with the reason when
# the daemons cannot run here.

CLUSTER_PORT_BASE=${CLUSTER_PORT_BASE:-16817}

cluster_skip() { echo "SKIPPED: $*" >&2; return 77; }

cluster_start() {
  [[ $(id -u) -eq 0 ]] || { cluster_skip "the test cluster runs slurmd as root; run the tests as root"; return; }
  local tool
  for tool in munged slurmctld slurmd sbatch sinfo squeue scontrol; do
    command -v "$tool" >/dev/null 2>&1 ||
      { cluster_skip "$tool is missing (Debian packages munge slurmctld slurmd slurm-client; tools/setup installs them)"; return; }
  done
  CLUSTER_DIR=$(mktemp -d /tmp/convoy-slurm.XXXXXX)
  mkdir -p "$CLUSTER_DIR"/{munge,state,spool,log}
  chmod 700 "$CLUSTER_DIR/munge"   # munged refuses a socket directory others can write to

  # munge with a fresh key of its own; --force because munged does not want to run as root.
  dd if=/dev/urandom of="$CLUSTER_DIR/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$CLUSTER_DIR/munge/munge.key"
  CLUSTER_MUNGE_SOCKET=$CLUSTER_DIR/munge/munge.socket
  munged --force --key-file="$CLUSTER_DIR/munge/munge.key" --socket="$CLUSTER_MUNGE_SOCKET" \
         --pid-file="$CLUSTER_DIR/munge/munged.pid" --seed-file="$CLUSTER_DIR/munge/munged.seed" \
         --log-file="$CLUSTER_DIR/log/munged.log" ||
    { cluster_skip "munged did not start: $(tail -3 "$CLUSTER_DIR/log/munged.log" 2>/dev/null)"; return; }

  local cpus memory
  cpus=$(nproc)
  memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))   # MB; half, to be safe
  export SLURM_CONF=$CLUSTER_DIR/slurm.conf    # every Slurm command and daemon reads this one
  cat >"$SLURM_CONF" <<CONF
ClusterName=convoytest
SlurmctldHost=localhost
SlurmctldPort=$CLUSTER_PORT_BASE
SlurmdPort=$((CLUSTER_PORT_BASE + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$CLUSTER_MUNGE_SOCKET
StateSaveLocation=$CLUSTER_DIR/state
SlurmdSpoolDir=$CLUSTER_DIR/spool
SlurmctldPidFile=$CLUSTER_DIR/slurmctld.pid
SlurmdPidFile=$CLUSTER_DIR/slurmd.pid
SlurmctldLogFile=$CLUSTER_DIR/log/slurmctld.log
SlurmdLogFile=$CLUSTER_DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=600
KillWait=5
# Dependent jobs should start as soon as their dependency ends, not at the next periodic pass.
SchedulerParameters=sched_min_interval=0,defer_batch=0
SchedulerType=sched/builtin
NodeName=localhost CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=standard Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  slurmctld -i -f "$SLURM_CONF" ||
    { cluster_skip "slurmctld did not start: $(tail -3 "$CLUSTER_DIR/log/slurmctld.log" 2>/dev/null)"; return; }
  slurmd -f "$SLURM_CONF" -N localhost ||
    { cluster_skip "slurmd did not start: $(tail -3 "$CLUSTER_DIR/log/slurmd.log" 2>/dev/null)"; return; }
  local waited=0
  until [[ $(sinfo -h -n localhost -o %t 2>/dev/null) == idle ]]; do
    if ((waited >= 30)); then
      cluster_skip "the node never became idle: $(sinfo -h -o '%t %E' 2>&1); $(tail -3 "$CLUSTER_DIR/log/slurmd.log")"
      return
    fi
    sleep 1; waited=$((waited + 1))
  done
  echo "test cluster up in $CLUSTER_DIR after ${waited}s: $(sinfo -h -o '%P %D %c %t')"
}

# cluster_stop: cancels every job and stops the daemons it started (by their pid files only).
cluster_stop() {
  [[ -n ${CLUSTER_DIR:-} && -d $CLUSTER_DIR ]] || return 0
  scancel --full --quiet --user=root 2>/dev/null || true
  local pidfile pid
  for pidfile in "$CLUSTER_DIR/slurmd.pid" "$CLUSTER_DIR/slurmctld.pid" "$CLUSTER_DIR/munge/munged.pid"; do
    [[ -s $pidfile ]] || continue
    pid=$(<"$pidfile")
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ ${CONVOY_KEEP_CLUSTER_DIR:-0} == 1 ]]; then
    echo "kept $CLUSTER_DIR"
  else
    rm -rf "$CLUSTER_DIR"
  fi
}
