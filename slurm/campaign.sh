#!/bin/bash
# A campaign: one chained run (archer2/chain.slurm) per value of one config key, each in its own
# output directory named after the value. For a fundamental diagram:
#   export CONVOY_ACCOUNT=e123
#   slurm/campaign.sh input/density-sweep.yaml init.density 0.05 0.1 0.15 ... 0.95
# Options (before the config): --output-root DIR (default runs/<config name>); --set KEY=VALUE (any
# number of them), the same for every run of the campaign; and any sbatch options after "--", e.g.
#   slurm/campaign.sh --output-root runs/fd cfg.yaml init.density 0.1 0.2 -- --nodes=2 --time=4:00:00
# Two keys: one campaign per value of the first, e.g. an open road's (alpha, beta) phase diagram:
#   for a in 0.1 0.3; do slurm/campaign.sh --output-root runs/phase/road.alpha_$a --set road.alpha=$a \
#       input/open-road.yaml road.beta 0.1 0.3 0.5; done
# Runs go to DIR/<key>_<value>/ (e.g. runs/fd/init.density_0.1/). Watch them with slurm/campaign-status.sh DIR.
# Running it again resubmits only the runs that have not finished and are not running (resume).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=slurm/site.sh
source "$here/site.sh"
convoy_require_account

usage="usage: campaign.sh [--output-root DIR] [--set KEY=VALUE]... CONFIG.yaml KEY VALUE... [-- SBATCH_OPTION...]"
root=
fixed=()   # --set KEY=VALUE of every run
while (($#)); do
  case $1 in
    --output-root) (($# >= 2)) || { echo "campaign: --output-root needs a directory; $usage" >&2; exit 2; }
                   root=$2; shift 2 ;;
    --set) [[ ${2:-} == ?*=* ]] || { echo "campaign: --set needs KEY=VALUE, got '${2:-}'; $usage" >&2; exit 2; }
           fixed+=(--set "$2"); shift 2 ;;
    *) break ;;
  esac
done
if (($# < 3)); then
  echo "$usage" >&2
  exit 2
fi
config=$(realpath "$1"); key=$2; shift 2
values=()
while (($#)) && [[ $1 != -- ]]; do values+=("$1"); shift; done
[[ ${1:-} == -- ]] && shift
sbatch_extra=("$@")
root=${root:-runs/$(basename "$config" .yaml)}
mkdir -p "$root" && root=$(realpath "$root")

# Refuse bad input before anything is queued: every value must give a valid config.
for value in "${values[@]}"; do
  "$CONVOY_BINARY" validate "$config" "${fixed[@]}" --set "$key=$value" >/dev/null ||
    { echo "campaign: $key=$value${fixed[*]:+ (with ${fixed[*]})} does not give a valid config (see above); nothing submitted" >&2; exit 2; }
done

mapfile -t flags < <(convoy_sbatch_flags)
for value in "${values[@]}"; do
  output=$root/${key}_$value
  mkdir -p "$output"
  last=$(grep -v ": refused: " "$output/chain.log" 2>/dev/null | tail -n 1 || true)
  if [[ $last == *": finished "* ]]; then echo "$key=$value: finished already"; continue; fi
  holder=$(cat "$output/chain.lock" 2>/dev/null || true)
  if [[ -n $holder && -n $(squeue -h -j "$holder" -o %i 2>/dev/null) ]]; then
    echo "$key=$value: job $holder is running or queued; left alone"; continue
  fi
  # CONVOY_SLURM_DIR in the job's environment: the job finds site.sh without asking scontrol.
  job=$(CONVOY_SLURM_DIR=$here sbatch --parsable --job-name="convoy-$value" --output="$output/slurm-%j.out" \
          --signal="B:USR1@$CONVOY_SIGNAL_SECONDS" "${flags[@]}" "${sbatch_extra[@]}" \
          "$here/archer2/chain.slurm" "$config" "$output" "${fixed[@]}" --set "$key=$value")
  # Recorded at once, so campaign-status.sh counts a run that is still queued.
  echo "$(date -u +%FT%TZ) job ${job%%;*} segment 1: submitted ($key=$value)" >>"$output/chain.log"
  echo "$key=$value: submitted job ${job%%;*} -> $output"
done
