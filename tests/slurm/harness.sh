#!/bin/bash
# Runs one Slurm test against a throwaway single-node Slurm on localhost (cluster.sh):
#   tests/slurm/harness.sh TEST CONVOY_BINARY WORK_DIR        TEST: chain | campaign | bad_config | double_submit | cancel
# Exit status: 0 passed, 1 failed, 77 skipped (the reason is printed: not root, Slurm or munge missing,
# daemons that do not start). Registered with ctest by tests/slurm/CMakeLists.txt (label slurm).
set -uo pipefail
test_name=${1:?usage: harness.sh TEST CONVOY_BINARY WORK_DIR}
binary=$(realpath "${2:?}")
work=${3:?}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
slurm_dir=$source_dir/slurm
# shellcheck source=tests/slurm/cluster.sh
source "$here/cluster.sh"
# shellcheck source=tests/slurm/checks.sh
source "$here/checks.sh"

rm -rf "$work" && mkdir -p "$work"/{chain,bad,run} && work=$(realpath "$work")   # sbatch --output folders must exist
cluster_start
started=$?
if ((started != 0)); then exit "$started"; fi
trap cluster_stop EXIT

# The site settings of the test cluster: no account or modules, 2 cores, mpirun as the launcher.
export CONVOY_ACCOUNT='' CONVOY_MODULES='' CONVOY_BINARY=$binary
export CONVOY_TASKS_PER_NODE=2 CONVOY_LAUNCHER="mpirun --oversubscribe -n 2"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1   # the test cluster runs jobs as root
unset CONVOY_MAX_HOURS CONVOY_SEGMENT CONVOY_SLURM_DIR
# shellcheck source=slurm/site.sh
source "$slurm_dir/site.sh"
mapfile -t site_flags < <(convoy_sbatch_flags)

# A config: rule 184 on 4 M cells, about 7000 steps/s on 2 ranks here.
write_config() {  # write_config FILE STEPS [MODEL]     MODEL: a flow mapping, default {type: rule184}
  cat >"$1" <<CONFIG
road: {cells: 4000000, boundary: periodic}
model: ${3:-"{type: rule184}"}
init: {density: 0.45, seed: 5743}
run: {steps: $2}
output: {directory: $work/unused, timeseries_every: 100}
logging: {progress_seconds: 5}
CONFIG
}

t0=$SECONDS
case $test_name in
  chain)
    write_config "$work/long.yaml" 600000   # ~20-35 s uninterrupted here
    # The reference: one uninterrupted run, through run.slurm.
    # (Polled here: sbatch --wait polls with a back-off that costs up to half a minute.)
    ref=$(sbatch --parsable --time=5 --output="$work/ref.out" "${site_flags[@]}" \
            "$slurm_dir/archer2/run.slurm" "$work/long.yaml" "$work/ref")
    wait_until 120 job_ended "$ref" || fail "the reference run did not end"
    scontrol -o show job "$ref" | grep -q "JobState=COMPLETED .*ExitCode=0:0" ||
      fail "the reference run failed: $(cat "$work/ref.out")"
    # The chain: segments of ~15 s of budget each (convoy stops >= 10 s before it runs out). So that
    # the number of segments does not depend on the machine's speed, segments 1 to 3 are each stopped
    # 2 s after they start by USR1 to the batch shell, as Slurm's --signal=B:USR1@N would; the rest
    # of the run goes through the --max-hours budget.
    first=$(CONVOY_MAX_HOURS=0.0042 sbatch --parsable --time=5 --output="$work/chain/slurm-%j.out" \
              "${site_flags[@]}" "$slurm_dir/archer2/chain.slurm" "$work/long.yaml" "$work/chain")
    for segment in 1 2 3; do
      wait_for_log "$work/chain/chain.log" "segment $segment: started" 60
      job=$(sed -n "s/.* job \([0-9]*\) segment $segment: started.*/\1/p" "$work/chain/chain.log")
      sleep 2
      scancel --batch --signal=USR1 "$job"
    done
    wait_for_log "$work/chain/chain.log" ": (finished|failed|stopped|refused)" 240
    check_chain_finished "$work/chain" 3
    grep -q "got USR1" "$work/chain/slurm-$first.out" || fail "segment 1 did not pass USR1 on: $(cat "$work/chain/slurm-$first.out")"
    grep -q "because of .*signal" "$work/chain/run.log" || echo "note: run.log does not name the signal as a stop reason"
    check_same_run "$work/ref" "$work/chain"
    ;;
  campaign)   # of the Nagel-Schreckenberg model (the chain runs rule 184)
    write_config "$work/sweep.yaml" 2000 "{type: nasch, vmax: 5, p_brake: 0.25}"
    "$slurm_dir/campaign.sh" --output-root "$work/sweep" "$work/sweep.yaml" init.density 0.1 0.5 0.9 -- --time=5 ||
      fail "campaign.sh failed"
    wait_until 120 "$slurm_dir/campaign-status.sh" "$work/sweep" || fail "the campaign did not finish: $("$slurm_dir/campaign-status.sh" "$work/sweep")"
    "$slurm_dir/campaign-status.sh" "$work/sweep"
    for density in 0.1 0.5 0.9; do
      check_complete_run "$work/sweep/init.density_$density" 2000 100
      grep -q "density: $density" "$work/sweep/init.density_$density/config.yaml" ||
        fail "init.density_$density/config.yaml does not have density $density"
    done
    # Running the campaign again resubmits nothing: every run has finished.
    "$slurm_dir/campaign.sh" --output-root "$work/sweep" "$work/sweep.yaml" init.density 0.1 0.5 0.9 | tee "$work/again.txt"
    [[ $(grep -c "finished already" "$work/again.txt") == 3 ]] || fail "a second campaign.sh resubmitted finished runs"
    ;;
  bad_config)
    write_config "$work/bad.yaml" 2000
    echo "nonsense: 1" >>"$work/bad.yaml"              # an unknown key: convoy exits 2
    sbatch --quiet --time=5 --output="$work/bad/slurm-%j.out" "${site_flags[@]}" \
            "$slurm_dir/archer2/chain.slurm" "$work/bad.yaml" "$work/bad"
    wait_for_log "$work/bad/chain.log" ": (finished|failed|stopped|continuing)" 60
    grep -q "failed: convoy exit status 2" "$work/bad/chain.log" || fail "chain.log does not say the run failed with 2: $(cat "$work/bad/chain.log")"
    sleep 2
    jobs_total=$(scontrol -o show jobs | grep -c JobId=)
    [[ $jobs_total == 1 ]] || fail "a failed run was resubmitted: $(scontrol -o show jobs)"
    [[ ! -e $work/bad/chain.lock ]] || fail "the failed segment left its lock behind"
    # campaign.sh refuses a bad value before it submits anything.
    write_config "$work/good.yaml" 2000
    if "$slurm_dir/campaign.sh" --output-root "$work/sweep" "$work/good.yaml" init.density 0.5 7 -- --time=5; then
      fail "campaign.sh accepted init.density=7"
    fi
    [[ $(scontrol -o show jobs | grep -c JobId=) == 1 ]] || fail "campaign.sh submitted jobs despite a bad value"
    ;;
  double_submit)
    # Two one-rank segments fit on the 2-core node at once.
    export CONVOY_TASKS_PER_NODE=1 CONVOY_LAUNCHER="mpirun -n 1" CONVOY_MAX_SEGMENTS=1
    mapfile -t site_flags < <(convoy_sbatch_flags)
    write_config "$work/long.yaml" 10000000
    first=$(sbatch --parsable --time=5 --output="$work/run/slurm-%j.out" "${site_flags[@]}" \
              "$slurm_dir/archer2/chain.slurm" "$work/long.yaml" "$work/run")
    wait_for_log "$work/run/chain.log" "segment 1: started" 30
    second=$(sbatch --parsable --time=5 --output="$work/run/slurm-%j.out" "${site_flags[@]}" \
               "$slurm_dir/archer2/chain.slurm" "$work/long.yaml" "$work/run")
    wait_for_log "$work/run/chain.log" "job $second segment 1: refused" 30
    [[ $(cat "$work/run/chain.lock") == "$first" ]] || fail "the refused segment touched the lock"
    job_is_live "$first" || fail "the first segment did not keep running"
    # Stop the first one as Slurm would before its limit: with CONVOY_MAX_SEGMENTS=1 it must not go on.
    scancel --batch --signal=USR1 "$first"
    wait_for_log "$work/run/chain.log" "job $first segment 1: (stopped|finished|failed|continuing)" 60
    grep -q "job $first segment 1: stopped: convoy exit status 75 but this is segment 1 of at most 1" "$work/run/chain.log" ||
      fail "the first segment did not stop at the segment limit: $(cat "$work/run/chain.log")"
    sleep 2
    [[ $(scontrol -o show jobs | grep -c JobId=) == 2 ]] || fail "a job was submitted: $(scontrol -o show jobs)"
    ;;
  cancel)
    # scancel: Slurm sends SIGTERM to every process of the job; whatever convoy's exit status, the
    # chain must not come back.
    write_config "$work/long.yaml" 10000000
    job=$(sbatch --parsable --time=5 --output="$work/run/slurm-%j.out" "${site_flags[@]}" \
            "$slurm_dir/archer2/chain.slurm" "$work/long.yaml" "$work/run")
    wait_for_log "$work/run/chain.log" "segment 1: started" 30
    sleep 3
    scancel "$job"
    wait_for_log "$work/run/chain.log" ": (stopped|finished|failed|continuing)" 60
    grep -q "segment 1: stopped: cancelled" "$work/run/chain.log" || fail "a cancelled segment did not stop: $(cat "$work/run/chain.log")"
    sleep 2
    [[ $(scontrol -o show jobs | grep -c JobId=) == 1 ]] || fail "a cancelled chain resubmitted itself: $(scontrol -o show jobs)"
    ;;
  *) echo "unknown test $test_name" >&2; exit 2 ;;
esac
echo "PASSED $test_name in $((SECONDS - t0)) s (plus cluster start-up)"
