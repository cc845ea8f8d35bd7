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

# The line convoy logs as a segment's step loop begins (after its signal handlers are in place).
loop_started='cars \(density'
# A config: rule 184 on 4 M cells.
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
    # The run cannot end by itself (10^12 steps), so every segment runs until something stops it,
    # however fast the machine or the kernel: segment 1 by USR1 to the batch shell (as Slurm's
    # --signal=B:USR1@N sends it), segment 2 by a STOP file, segment 3 by USR1 again. Each is stopped
    # only once its step loop runs (run.log says so). While segment 3 runs the partition is taken
    # down, so that segment 4 waits in the queue; the test then shortens the run to 20,000 steps past
    # segment 3's stop (run.steps may change between segments) and lets segment 4 finish it. The
    # reference is one uninterrupted run of the same, shortened, config.
    write_config "$work/long.yaml" 1000000000000
    first=$(sbatch --parsable --time=5 --output="$work/chain/slurm-%j.out" \
              "${site_flags[@]}" "$slurm_dir/archer2/chain.slurm" "$work/long.yaml" "$work/chain")
    for segment in 1 2 3; do
      wait_for_log "$work/chain/chain.log" "segment $segment: started" 120
      job=$(sed -n "s/.* job \([0-9]*\) segment $segment: started.*/\1/p" "$work/chain/chain.log")
      wait_for_count "$work/chain/run.log" "$loop_started" "$segment" 120
      case $segment in
        1) scancel --batch --signal=USR1 "$job" ;;
        2) touch "$work/chain/STOP" ;;
        3) scontrol update PartitionName=standard State=DOWN || fail "cannot take the partition down"
           scancel --batch --signal=USR1 "$job" ;;
      esac
      wait_for_log "$work/chain/chain.log" "segment $segment: (continuing|finished|failed|stopped)" 120
      grep -q "segment $segment: continuing" "$work/chain/chain.log" ||
        fail "segment $segment did not stop and resubmit: $(cat "$work/chain/chain.log")"
    done
    mapfile -t stops < <(sed -n 's/.*stopping at step \([0-9]*\) .*/\1/p' "$work/chain/run.log")
    ((${#stops[@]} == 3)) || fail "run.log has ${#stops[@]} 'stopping at step' lines, wanted 3"
    ((stops[0] > 0 && stops[1] > stops[0] && stops[2] > stops[1])) ||
      fail "the segments did not each advance the run: stops at steps ${stops[*]}"
    for reason in "because of a stop signal \(SIGUSR1\)" "because of a STOP file"; do
      grep -Eq "$reason" "$work/chain/run.log" || fail "run.log names no stop '$reason'"
    done
    grep -q "got USR1" "$work/chain/slurm-$first.out" || fail "segment 1 did not pass USR1 on: $(cat "$work/chain/slurm-$first.out")"
    final=$((stops[2] + 20000))
    sed -i "s/steps: 1000000000000/steps: $final/" "$work/long.yaml"
    squeue -h -t PENDING -o %i | grep -q . || fail "segment 4 is not waiting in the queue"
    scontrol update PartitionName=standard State=UP || fail "cannot bring the partition up"
    wait_for_log "$work/chain/chain.log" ": (finished|failed|stopped|refused)" 240
    check_chain_finished "$work/chain" 4
    grep -q "steps $((stops[2] + 1)) to $final of" "$work/chain/run.log" ||
      fail "the last segment did not run steps $((stops[2] + 1)) to $final"
    ref=$(sbatch --parsable --time=5 --output="$work/ref.out" "${site_flags[@]}" \
            "$slurm_dir/archer2/run.slurm" "$work/long.yaml" "$work/ref")
    wait_until 240 job_ended "$ref" || fail "the reference run did not end"
    scontrol -o show job "$ref" | grep -q "JobState=COMPLETED .*ExitCode=0:0" ||
      fail "the reference run failed: $(cat "$work/ref.out")"
    check_same_run "$work/ref" "$work/chain"
    ;;
  campaign)   # of the Nagel-Schreckenberg model (the chain runs rule 184), p_brake set for every run
    write_config "$work/sweep.yaml" 2000 "{type: nasch, vmax: 5, p_brake: 0.25}"
    "$slurm_dir/campaign.sh" --output-root "$work/sweep" --set model.p_brake=0.5 "$work/sweep.yaml" \
        init.density 0.1 0.5 0.9 -- --time=5 || fail "campaign.sh failed"
    wait_until 120 "$slurm_dir/campaign-status.sh" "$work/sweep" || fail "the campaign did not finish: $("$slurm_dir/campaign-status.sh" "$work/sweep")"
    "$slurm_dir/campaign-status.sh" "$work/sweep"
    for density in 0.1 0.5 0.9; do
      check_complete_run "$work/sweep/init.density_$density" 2000 100
      grep -q "density: $density" "$work/sweep/init.density_$density/config.yaml" ||
        fail "init.density_$density/config.yaml does not have density $density"
      grep -q "p_brake: 0.5" "$work/sweep/init.density_$density/config.yaml" ||
        fail "init.density_$density/config.yaml does not have the campaign's --set model.p_brake=0.5"
    done
    # Running the campaign again resubmits nothing: every run has finished.
    "$slurm_dir/campaign.sh" --output-root "$work/sweep" --set model.p_brake=0.5 "$work/sweep.yaml" \
        init.density 0.1 0.5 0.9 | tee "$work/again.txt"
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
    # ... and a bad --set of every run, or one that is not KEY=VALUE.
    if "$slurm_dir/campaign.sh" --output-root "$work/sweep" --set model.p_brake=3 "$work/good.yaml" \
        init.density 0.5 -- --time=5 2>"$work/fixed.err"; then
      fail "campaign.sh accepted --set model.p_brake=3"
    fi
    grep -q "with --set model.p_brake=3" "$work/fixed.err" || fail "the refusal does not name the --set: $(cat "$work/fixed.err")"
    if "$slurm_dir/campaign.sh" --set model.p_brake "$work/good.yaml" init.density 0.5 2>"$work/usage.err"; then
      fail "campaign.sh accepted --set without a value"
    fi
    grep -q "needs KEY=VALUE" "$work/usage.err" || fail "no usage message for --set without =: $(cat "$work/usage.err")"
    [[ $(scontrol -o show jobs | grep -c JobId=) == 1 ]] || fail "campaign.sh submitted jobs despite a bad --set"
    ;;
  double_submit)
    # Two one-rank segments fit on the 2-core node at once.
    export CONVOY_TASKS_PER_NODE=1 CONVOY_LAUNCHER="mpirun -n 1" CONVOY_MAX_SEGMENTS=1
    mapfile -t site_flags < <(convoy_sbatch_flags)
    write_config "$work/long.yaml" 1000000000000   # never ends by itself
    first=$(sbatch --parsable --time=5 --output="$work/run/slurm-%j.out" "${site_flags[@]}" \
              "$slurm_dir/archer2/chain.slurm" "$work/long.yaml" "$work/run")
    wait_for_log "$work/run/chain.log" "segment 1: started" 60
    wait_for_count "$work/run/run.log" "$loop_started" 1 120
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
    write_config "$work/long.yaml" 1000000000000   # never ends by itself
    job=$(sbatch --parsable --time=5 --output="$work/run/slurm-%j.out" "${site_flags[@]}" \
            "$slurm_dir/archer2/chain.slurm" "$work/long.yaml" "$work/run")
    wait_for_log "$work/run/chain.log" "segment 1: started" 60
    wait_for_count "$work/run/run.log" "$loop_started" 1 120
    scancel "$job"
    wait_for_log "$work/run/chain.log" ": (stopped|finished|failed|continuing)" 60
    grep -q "segment 1: stopped: cancelled" "$work/run/chain.log" || fail "a cancelled segment did not stop: $(cat "$work/run/chain.log")"
    sleep 2
    [[ $(scontrol -o show jobs | grep -c JobId=) == 1 ]] || fail "a cancelled chain resubmitted itself: $(scontrol -o show jobs)"
    ;;
  *) echo "unknown test $test_name" >&2; exit 2 ;;
esac
echo "PASSED $test_name in $((SECONDS - t0)) s (plus cluster start-up)"
