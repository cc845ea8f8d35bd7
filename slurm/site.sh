# shellcheck shell=bash
# Site settings for convoy's Slurm scripts, in one place. The defaults are ARCHER2's (HPE Cray EX,
# 128 cores a node, Lustre /work); every one can be overridden from the environment, so the same
# scripts run on another Slurm site and on the test cluster (tests/slurm/) unchanged.
# Sourced by run.slurm, chain.slurm, campaign.sh and campaign-status.sh; defines no output.

# Budget code. No default on purpose: a made-up account would charge the wrong project or fail late.
# Set it (export CONVOY_ACCOUNT=e123) or set it empty (CONVOY_ACCOUNT=) on a site without accounts.
: "${CONVOY_PARTITION=standard}"
: "${CONVOY_QOS=standard}"            # an empty value means "no --qos flag" (sites without QoS)
: "${CONVOY_TASKS_PER_NODE=128}"      # ARCHER2: 2 x 64-core AMD EPYC 7742 per node
: "${CONVOY_MODULES=cray-hdf5-parallel}"   # space-separated; empty on sites without modules
: "${CONVOY_LAUNCHER=srun --distribution=block:block --hint=nomultithread}"
: "${CONVOY_MAX_SEGMENTS=20}"         # a chain stops resubmitting itself after this many segments
: "${CONVOY_SIGNAL_SECONDS=300}"      # how long before the time limit Slurm signals a chained job
# MPI-IO hints for collective writes of one shared file (snapshots, checkpoints) on ARCHER2's Lustre:
# Cray MPICH's lock-ahead write mode and more aggregators per node. Read only by Cray MPICH.
: "${CONVOY_MPIIO_HINTS=*:cray_cb_write_lock_mode=2:cray_cb_nodes_multiplier=4}"

# The directory holding this file (the slurm/ folder of the source tree), and the convoy binary.
CONVOY_SLURM_DIR=${CONVOY_SLURM_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
: "${CONVOY_BINARY=$(dirname "$CONVOY_SLURM_DIR")/build/convoy}"

# convoy_require_account: refuses, with the fix, when CONVOY_ACCOUNT was never set.
convoy_require_account() {
  if [[ -z ${CONVOY_ACCOUNT+set} ]]; then
    echo "convoy: CONVOY_ACCOUNT is not set. Set it to your budget code (export CONVOY_ACCOUNT=e123)," >&2
    echo "        or to an empty value on a site without accounts (export CONVOY_ACCOUNT=)." >&2
    return 2
  fi
}

# convoy_sbatch_flags: prints (one per line) the sbatch flags the site settings imply; command-line
# flags override a script's #SBATCH lines, so a resubmission or campaign follows the environment.
convoy_sbatch_flags() {
  [[ -n ${CONVOY_ACCOUNT:-} ]] && echo "--account=$CONVOY_ACCOUNT"
  [[ -n $CONVOY_PARTITION ]] && echo "--partition=$CONVOY_PARTITION"
  [[ -n $CONVOY_QOS ]] && echo "--qos=$CONVOY_QOS"
  echo "--ntasks-per-node=$CONVOY_TASKS_PER_NODE"
}

# convoy_job_environment: the environment a job step needs, set inside the batch job.
convoy_job_environment() {
  if [[ -n $CONVOY_MODULES ]]; then
    # shellcheck disable=SC2086  # a space-separated list of modules, split on purpose
    module load $CONVOY_MODULES || { echo "convoy: module load $CONVOY_MODULES failed" >&2; return 1; }
  fi
  export OMP_NUM_THREADS=1                       # convoy is MPI-only; no thread oversubscription
  export SRUN_CPUS_PER_TASK=${SLURM_CPUS_PER_TASK:-1}   # srun no longer inherits --cpus-per-task
  export MPICH_MPIIO_HINTS=$CONVOY_MPIIO_HINTS
}

# convoy_prepare_output DIR: creates the output directory and, on Lustre, stripes it over all OSTs
# so the collective HDF5 writes of all ranks spread over every storage target. Only new files
# inherit the striping, hence before convoy writes anything.
convoy_prepare_output() {
  mkdir -p "$1"
  if command -v lfs >/dev/null 2>&1; then
    lfs setstripe -c -1 "$1" 2>/dev/null || echo "convoy: lfs setstripe -c -1 $1 failed; continuing unstriped" >&2
  fi
}
