#!/usr/bin/env bash
# One shard of a CHAIR run with hallucination evidence. Run it from the repository root.
#   Slurm array:     IMAGES=… MODEL=… RUNS=… sbatch --array=0-7 src/cli/cluster/chair-shard.sh
#   xargs/parallel:  seq 0 7 | IMAGES=… MODEL=… RUNS=… xargs -P 8 -I{} src/cli/cluster/chair-shard.sh {} 8
# Extra eval options (e.g. --backend chromium, --preset custom --k 5) go in EVAL_ARGS.
#SBATCH --job-name=damro-chair
#SBATCH --cpus-per-task=4
#SBATCH --output=damro-chair-%A_%a.log
set -euo pipefail
index=${1:-${SLURM_ARRAY_TASK_ID:?give the shard index and count as arguments, or submit as a Slurm array}}
count=${2:-${SLURM_ARRAY_TASK_COUNT:?give the shard count, or submit as a Slurm array}}
: "${IMAGES:?set IMAGES to the folder with the COCO val2014 images}"
: "${MODEL:?set MODEL to a model folder or a built-in model name}"
: "${RUNS:?set RUNS to the folder that collects the shard folders}"
# EVAL_ARGS is split into words on purpose: it holds several options.
# shellcheck disable=SC2086
exec npm run --silent eval -- chair --images "$IMAGES" --model "$MODEL" --shard "$index/$count" --out "$RUNS/shard-$index" ${EVAL_ARGS:-}
