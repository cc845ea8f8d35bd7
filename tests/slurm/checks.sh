# shellcheck shell=bash
# Checks for the Slurm tests (sourced by harness.sh). Each fails the test with a message.

fail() { echo "FAILED: $*" >&2; [[ -n ${work:-} ]] && tail -n 30 "$work"/*/chain.log "$work"/*/slurm-*.out 2>/dev/null >&2; exit 1; }

# wait_until SECONDS COMMAND...: runs COMMAND every second until it succeeds; fails after SECONDS.
wait_until() {
  local limit=$1 start=$SECONDS; shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - start < limit)) || return 1
    sleep 1
  done
}

# wait_for_count FILE REGEX COUNT SECONDS: until FILE has at least COUNT lines matching REGEX.
has_count() { (($(grep -Ec "$2" "$1" 2>/dev/null || true) >= $3)); }
wait_for_count() {
  wait_until "$4" has_count "$1" "$2" "$3" ||
    fail "fewer than $3 lines matching '$2' in $1 after $4 s: $(tail -n 20 "$1" 2>/dev/null)"
}

# wait_for_log FILE REGEX SECONDS
wait_for_log() {
  wait_until "$3" grep -Eq "$2" "$1" || fail "no line matching '$2' in $1 after $3 s: $(cat "$1" 2>/dev/null)"
}

job_ended() { scontrol -o show job "$1" | grep -Eq "JobState=(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)"; }
job_is_live() { [[ -n $(squeue -h -j "$1" -t RUNNING,COMPLETING -o %i 2>/dev/null) ]]; }

# check_chain_finished DIR MIN_SEGMENTS: the chain ended with "finished" after at least MIN_SEGMENTS
# segments, each continuation submitted by the previous segment.
check_chain_finished() {
  local dir=$1 min=$2 segments continued
  tail -n 1 "$dir/chain.log" | grep -q ": finished " || fail "the chain did not finish: $(cat "$dir/chain.log")"
  segments=$(grep -c ": started " "$dir/chain.log")
  continued=$(grep -c ": continuing: " "$dir/chain.log")
  cat "$dir/chain.log"
  ((segments >= min)) || fail "only $segments segments (wanted at least $min)"
  ((continued == segments - 1)) || fail "$segments segments but $continued resubmissions"
}

# check_same_run REF RUN: same final digest, and the same timeseries.h5 datasets, bit for bit.
check_same_run() {
  local a b
  a=$(grep -o "state digest [0-9a-f]*" "$1/run.log" | tail -n 1)
  b=$(grep -o "state digest [0-9a-f]*" "$2/run.log" | tail -n 1)
  [[ -n $a && $a == "$b" ]] || fail "digests differ: '$a' (uninterrupted) and '$b' (chained)"
  echo "same $a"
  "${CONVOY_PYTHON:-python3}" - "$1/timeseries.h5" "$2/timeseries.h5" <<'PY' || fail "timeseries.h5 differ"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
    names = []
    a.visit(lambda n: names.append(n) if isinstance(a[n], h5py.Dataset) else None)
    for name in names:
        if name not in b or not np.array_equal(a[name][()], b[name][()]):
            sys.exit(f"/{name} differs")
    print(f"same timeseries.h5: {len(a['step'])} rows, datasets {names}")
PY
}

# check_complete_run DIR STEPS EVERY: a final checkpoint at STEPS and STEPS/EVERY time-series rows.
check_complete_run() {
  local dir=$1 steps=$2 every=$3 checkpoint
  checkpoint=$(printf '%s/checkpoints/checkpoint_%012d.h5' "$dir" "$steps")
  [[ -s $checkpoint ]] || fail "no final checkpoint $checkpoint"
  "${CONVOY_PYTHON:-python3}" - "$dir/timeseries.h5" "$steps" "$every" <<'PY' || fail "$dir/timeseries.h5 is incomplete"
import sys, h5py, numpy as np
steps, every = int(sys.argv[2]), int(sys.argv[3])
with h5py.File(sys.argv[1], "r") as f:
    step = f["step"][()]
    want = np.arange(every, steps + 1, every)
    if not np.array_equal(step, want):
        sys.exit(f"{sys.argv[1]}: {len(step)} rows ending at {step[-1] if len(step) else None}, wanted {len(want)}")
    print(f"{sys.argv[1]}: {len(step)} rows, complete")
PY
}
