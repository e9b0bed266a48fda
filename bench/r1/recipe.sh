#!/usr/bin/env bash
# DeepSeek-R1 in miniature on the default models (issue 13, acceptances 2 and 3), as measured for
# the README's "The R1 recipe" section. Each step is a palate command; run from the repository
# root. Long: about an hour on 2 cores (the GRPO steps take 10–20 minutes each).
#
#   bash bench/r1/recipe.sh [WORK_DIR]     (default tmp/r1; its own palate.db)
#
#   0. a project "arith" of every arithmetic fact of the default SFT data under each of its three
#      training templates (2,523 qa prompts with reference answers); GRPO holds out a seeded 10%
#   1. R1-Zero's idea from default-sft: GRPO with the accuracy reward alone
#   1b. the same from default-base (no SFT at all)
#   2. cold start: ≤ 500 <think>…</think><answer>…</answer> demonstrations (palate cold-start-data
#      --style equation: the step-by-step style is too long a computation for the 1.9M-parameter
#      model), minus any that asks a prompt GRPO holds out; SFT of default-sft on them, 10 epochs
#      (at 3 the model learns the tags but not to copy the thought's result into <answer>)
#   3. GRPO from the cold-start model with accuracy + format
#   4. rejection sampling: best-of-8 of step 3's model by accuracy + format on the training prompts,
#      kept when both rewards are 1
#   5. SFT of default-sft on its own non-arithmetic demonstrations with the kept answers mixed in
#      (R1 mixes its reasoning samples with general data)
#   6. the table: exact-answer accuracy on the held-out prompts and on "Calculate {x}." (a
#      phrasing no step trains on) with Wilson intervals and format adherence
#      (bench/r1/arithmetic-accuracy.ts), capitals and the rest from palate eval-qa
set -euo pipefail
W=${1:-tmp/r1}
mkdir -p "$W"
export PALATE_DB="$W/palate.db" PALATE_DATA_DIR="$W"
P="node scripts/palate.mjs"
GRPO="--num-generations 8 --batch-size 256 --learning-rate 1e-4 --temperature 0.7 --total-episodes 98304 --eval-every 32 --eval-prompts 252"

npx tsx bench/r1/default-demonstrations.ts --qa "$W/arith.jsonl" --categories arithmetic
$P import --project arith --format qa "$W/arith.jsonl"

# step 1 is the acceptance's timed run: completions of up to 24 tokens (the answers take ~13) and
# both cores (--threads 2): 10 min 40 s wall on the 2-core machine
$P grpo --project arith --policy default-sft --rewards accuracy --out "$W/grpo-zero" --name r1-grpo-accuracy $GRPO --max-completion-length 24 --threads 2
$P grpo --project arith --policy models/default-base --rewards accuracy --out "$W/grpo-zero-base" --name r1-zero-from-base \
  --num-generations 8 --batch-size 256 --learning-rate 1e-4 --temperature 0.7 --total-episodes 16384 --eval-every 16 --eval-prompts 252

$P cold-start-data --out "$W/cold-start-all.jsonl" --count 500 --style equation
npx tsx bench/r1/held-out-prompts.ts --project arith --out "$W/held-out.jsonl" --filter "$W/cold-start-all.jsonl" --filtered-out "$W/cold-start.jsonl"
$P sft --project arith --base default-sft --file "$W/cold-start.jsonl" --out "$W/cold-start-sft" --name r1-cold-start-sft \
  --epochs 10 --eval-max-new-tokens 48

# step 3 runs longer than step 1 (131,072 episodes; 98,304 gave 69.0% held out, below step 1)
$P grpo --project arith --policy r1-cold-start-sft --rewards accuracy,format --out "$W/grpo-r1" --name r1-grpo-accuracy-format \
  ${GRPO/--total-episodes 98304/--total-episodes 131072} --max-completion-length 48 --threads 2

$P best-of-n --project arith --policy r1-grpo-accuracy-format --n 8 --by accuracy,format --threshold 2 --max-tokens 48 --temperature 0.7 --out "$W/kept.jsonl"
npx tsx bench/r1/held-out-prompts.ts --project arith --filter "$W/kept.jsonl" --filtered-out "$W/kept-train.jsonl"
npx tsx bench/r1/default-demonstrations.ts --out "$W/general.jsonl" --categories capital,continent,language,currency,definition
$P sft --project arith --base default-sft --file "$W/general.jsonl" --mix "$W/kept-train.jsonl:0.25" --out "$W/distilled-sft" --name r1-distilled-sft \
  --eval-max-new-tokens 48

MODELS="models/default-sft $W/grpo-zero $W/cold-start-sft $W/grpo-r1 $W/distilled-sft"
npx tsx bench/r1/arithmetic-accuracy.ts $MODELS --qa "$W/held-out.jsonl" | tee "$W/arithmetic.jsonl"
for m in $MODELS; do $P eval-qa --model "$m" | tail -1; done | tee "$W/eval-qa.jsonl"
npx tsx bench/r1/card.ts --arithmetic "$W/arithmetic.jsonl" --eval-qa "$W/eval-qa.jsonl" \
  --labels "SFT (default-sft),1. GRPO accuracy (R1-Zero's idea),2. cold-start SFT,3. GRPO accuracy + format,4–5. best-of-8 → SFT of default-sft" \
  $(for m in $W/grpo-zero $W/cold-start-sft $W/grpo-r1 $W/distilled-sft; do echo --out "$m/RECIPE_CARD.md"; done)
