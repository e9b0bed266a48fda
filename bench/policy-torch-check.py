"""An independent PyTorch reading of transformers' GPT2LMHeadModel (modeling_gpt2.py, eager
attention), to check a Palate policy directory (a PPO output, or any language model Palate
writes) without transformers installed: the per-token log-probabilities it gives a text must
match what `palate logprobs` prints.

Reads config.json and model.safetensors (bench/hf_gpt2_torch.py), runs GPT-2 with the lm_head
tied to wte (transformers' default, `tie_word_embeddings`), and compares log_softmax(logits)[i, ids[i+1]] with Palate's figures.

    python3 bench/policy-torch-check.py MODEL_DIR LOGPROBS.jsonl

LOGPROBS.jsonl: one `palate logprobs --model MODEL_DIR --text ...` output per line
({"ids": [...], "logprobs": [...]}); bench/policy-torch-check.sh writes one. Prints JSON with
the largest difference. Only torch and numpy are needed; not part of the project's dependencies.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_gpt2_torch import gpt2_hidden, read_safetensors  # noqa: E402


def lm_logits(cfg, w, input_ids):
    """GPT2LMHeadModel.forward(input_ids).logits, [1, T, vocab]; lm_head.weight is wte.weight unless saved."""
    head = w.get("lm_head.weight", w["transformer.wte.weight"])
    return gpt2_hidden(cfg, w, input_ids) @ head.T


def main():
    model_dir, lines_path = sys.argv[1], sys.argv[2]
    with open(f"{model_dir}/config.json") as f:
        cfg = json.load(f)
    assert cfg["architectures"] == ["GPT2LMHeadModel"], cfg["architectures"]
    assert cfg.get("model_type") == "gpt2", cfg.get("model_type")
    w = read_safetensors(f"{model_dir}/model.safetensors")
    worst, tokens, texts = 0.0, 0, 0
    with open(lines_path) as f:
        for line in f:
            if not line.strip():
                continue
            ref = json.loads(line)
            ids = torch.tensor([ref["ids"]])
            with torch.no_grad():
                logp = torch.log_softmax(lm_logits(cfg, w, ids), dim=-1)[0]
            got = [logp[i, ref["ids"][i + 1]].item() for i in range(len(ref["ids"]) - 1)]
            worst = max([worst] + [abs(a - b) for a, b in zip(got, ref["logprobs"])])
            tokens += len(got)
            texts += 1
    print(json.dumps({"texts": texts, "tokens": tokens, "max_abs_diff": worst}))


if __name__ == "__main__":
    main()
