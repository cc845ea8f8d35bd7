#!/bin/bash
# Summarises a campaign (or any folder of chained runs): one line per run with the last line of its
# chain.log, then a count. Exit status 0 when every run has finished, 1 otherwise.
#   slurm/campaign-status.sh runs/density-sweep
set -uo pipefail
root=${1:?usage: campaign-status.sh CAMPAIGN_DIR}
finished=0 total=0
for log in "$root"/*/chain.log; do
  [[ -e $log ]] || continue
  run=$(basename "$(dirname "$log")")
  last=$(grep -v ": refused: " "$log" | tail -n 1)   # a refused duplicate does not end the run
  total=$((total + 1))
  case $last in
    *": finished "*) state=finished; finished=$((finished + 1)) ;;
    *": failed: "*) state=FAILED ;;
    *": stopped: "*) state=stopped ;;
    *": submitted "*) state=queued ;;
    *) state=running ;;               # started or continuing: a segment is running or queued
  esac
  printf '%-28s %-9s %s\n' "$run" "$state" "${last#* }"
done
echo "$finished of $total runs finished"
((total > 0 && finished == total))
