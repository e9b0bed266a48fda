"""An independent PyTorch reading of transformers' GPT2ForSequenceClassification (modeling_gpt2.py,
eager attention), to check a Palate reward-model directory without transformers installed.

Reads config.json and model.safetensors (parsed here: an 8-byte header length, a JSON header,
raw little-endian tensors), scores right-padded batches the way transformers does (the score at
the last token that is not pad_token_id) and compares with the scores Palate computed.

    python3 bench/reward-model-torch-check.py RM_DIR SCORES.json

SCORES.json: {"sequences": [[token ids], ...], "scores": [palate reward, ...]}
(bench/reward-model-torch-check.ts writes one with RewardScorer). Prints the largest difference.
Only torch and numpy are needed; not part of the project's dependencies.
"""
import json
import math
import struct
import sys

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        arr = np.frombuffer(data[base + start : base + end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.tensor(arr.astype(np.float32))
    return out


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def score(cfg, w, input_ids, attention_mask):
    """GPT2ForSequenceClassification.forward → logits [batch, 1] (pooled at the last non-pad token)."""
    B, T = input_ids.shape
    d, H = cfg["n_embd"], cfg["n_head"]
    hd = d // H
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    pos = torch.arange(T).unsqueeze(0)
    x = w["transformer.wte.weight"][input_ids] + w["transformer.wpe.weight"][pos]
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    min_value = torch.finfo(torch.float32).min
    pad_bias = (1.0 - attention_mask[:, None, None, :].float()) * min_value
    for l in range(cfg["n_layer"]):
        p = f"transformer.h.{l}."
        h = torch.nn.functional.layer_norm(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = qkv.split(d, dim=2)
        split = lambda t: t.view(B, T, H, hd).permute(0, 2, 1, 3)
        q, k, v = split(q), split(k), split(v)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        att = torch.where(causal, att, torch.tensor(min_value))
        att = att + pad_bias
        att = torch.softmax(att, dim=-1)
        y = (att @ v).permute(0, 2, 1, 3).reshape(B, T, d)
        x = x + (y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"])
        h = torch.nn.functional.layer_norm(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        m = gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + (m @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"])
    hidden = torch.nn.functional.layer_norm(x, (d,), w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], eps)
    logits = hidden @ w["score.weight"].T  # [B, T, 1]
    # transformers ≥ 4.48: the rightmost token that is not the pad token.
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
