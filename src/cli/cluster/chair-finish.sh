#!/usr/bin/env bash
# After every shard of a CHAIR run: merge and score the answers, then the hallucination evidence over all shards.
# Run it from the repository root.
#   Slurm:           RUNS=… sbatch --dependency=afterok:ARRAY_JOB_ID src/cli/cluster/chair-finish.sh
#   xargs/parallel:  RUNS=… src/cli/cluster/chair-finish.sh   (after the shard loop has returned)
#SBATCH --job-name=damro-chair-finish
#SBATCH --output=damro-chair-finish-%j.log
set -euo pipefail
: "${RUNS:?set RUNS to the folder that collects the shard folders}"
shards=("$RUNS"/shard-*)
npm run --silent eval -- merge --out "$RUNS/merged" "${shards[@]}"
runs=()
for shard in "${shards[@]}"; do runs+=(--run "$shard"); done
npm run --silent eval -- evidence "${runs[@]}" --out "$RUNS/evidence"
