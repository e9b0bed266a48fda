#!/usr/bin/env bash
# Checks a Palate policy directory against an independent PyTorch reading of GPT2LMHeadModel:
# `palate logprobs` on a few chat-formatted texts, then bench/policy-torch-check.py on the same
# ids. Needs python3 with torch and numpy (Debian: apt-get install -y python3-torch).
#   bash bench/policy-torch-check.sh MODEL_DIR
set -euo pipefail
dir="${1:?usage: bench/policy-torch-check.sh MODEL_DIR}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
texts=(
  "<|user|>What is the capital of Peru?<|end|><|assistant|>The capital of Peru is Lima.<|end|>"
  "<|user|>What is 7 + 5?<|end|><|assistant|>12.<|end|>"
  "<|user|>Define the word river.<|end|><|assistant|>A river is a large natural stream of water.<|end|>"
  "Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse"
)
for t in "${texts[@]}"; do node "$(dirname "$0")/../scripts/palate.mjs" logprobs --model "$dir" --text "$t" >>"$out"; done
/usr/bin/python3 "$(dirname "$0")/policy-torch-check.py" "$dir" "$out"
