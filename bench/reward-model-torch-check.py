"""An independent PyTorch reading of transformers' GPT2ForSequenceClassification (modeling_gpt2.py,
eager attention), to check a Palate reward-model directory without transformers installed.

Reads config.json and model.safetensors (bench/hf_gpt2_torch.py: the safetensors header and
raw little-endian tensors), scores right-padded batches the way transformers does (the score at
the last token that is not pad_token_id) and compares with the scores Palate computed.

    python3 bench/reward-model-torch-check.py RM_DIR SCORES.json

SCORES.json: {"sequences": [[token ids], ...], "scores": [palate reward, ...]}
(bench/reward-model-torch-check.ts writes one with RewardScorer). Prints the largest difference.
Only torch and numpy are needed; not part of the project's dependencies.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_gpt2_torch import gpt2_hidden, read_safetensors  # noqa: E402


def score(cfg, w, input_ids, attention_mask):
    """GPT2ForSequenceClassification.forward → logits [batch, 1] (pooled at the last non-pad token)."""
    B, T = input_ids.shape
    logits = gpt2_hidden(cfg, w, input_ids, attention_mask) @ w["score.weight"].T  # [B, T, 1]
    # transformers >= 4.48: the rightmost token that is not the pad token.
    non_pad = (input_ids != cfg["pad_token_id"]).int()
    last = (torch.arange(T) * non_pad).argmax(-1)
    return logits[torch.arange(B), last]


def main():
    rm_dir, scores_path = sys.argv[1], sys.argv[2]
    with open(f"{rm_dir}/config.json") as f:
        cfg = json.load(f)
    assert cfg["architectures"] == ["GPT2ForSequenceClassification"], cfg["architectures"]
    w = read_safetensors(f"{rm_dir}/model.safetensors")
    with open(scores_path) as f:
        ref = json.load(f)
    seqs, expected = ref["sequences"], ref["scores"]
    T = max(len(s) for s in seqs)
    pad = cfg["pad_token_id"]
    ids = torch.tensor([s + [pad] * (T - len(s)) for s in seqs])
    mask = torch.tensor([[1] * len(s) + [0] * (T - len(s)) for s in seqs])
    with torch.no_grad():
        got = score(cfg, w, ids, mask)[:, 0].tolist()
    diff = max(abs(a - b) for a, b in zip(got, expected))
    print(json.dumps({"sequences": len(seqs), "max_abs_diff": diff, "torch_first": got[:4], "palate_first": expected[:4]}))


if __name__ == "__main__":
    main()
