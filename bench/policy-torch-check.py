"""An independent PyTorch reading of transformers' GPT2LMHeadModel (modeling_gpt2.py, eager
attention), to check a Palate policy directory (a PPO output, or any language model Palate
writes) without transformers installed: the per-token log-probabilities it gives a text must
match what `palate logprobs` prints.

Reads config.json and model.safetensors (parsed here: an 8-byte header length, a JSON header,
raw little-endian tensors), runs GPT-2 with the lm_head tied to wte (transformers' default,
`tie_word_embeddings`), and compares log_softmax(logits)[i, ids[i+1]] with Palate's figures.

    python3 bench/policy-torch-check.py MODEL_DIR LOGPROBS.jsonl

LOGPROBS.jsonl: one `palate logprobs --model MODEL_DIR --text ...` output per line
({"ids": [...], "logprobs": [...]}); bench/policy-torch-check.sh writes one. Prints JSON with
the largest difference. Only torch and numpy are needed; not part of the project's dependencies.
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


def lm_logits(cfg, w, input_ids):
    """GPT2LMHeadModel.forward(input_ids).logits, [1, T, vocab]; lm_head.weight is wte.weight."""
    B, T = input_ids.shape
    d, H = cfg["n_embd"], cfg["n_head"]
    hd = d // H
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    x = w["transformer.wte.weight"][input_ids] + w["transformer.wpe.weight"][torch.arange(T).unsqueeze(0)]
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    min_value = torch.finfo(torch.float32).min
    for l in range(cfg["n_layer"]):
        p = f"transformer.h.{l}."
        h = torch.nn.functional.layer_norm(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]  # Conv1D: x @ W + b, W [d, 3d]
        q, k, v = qkv.split(d, dim=2)
        split = lambda t: t.view(B, T, H, hd).permute(0, 2, 1, 3)
        q, k, v = split(q), split(k), split(v)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        att = torch.where(causal, att, torch.tensor(min_value))
        att = torch.softmax(att, dim=-1)
        y = (att @ v).permute(0, 2, 1, 3).reshape(B, T, d)
        x = x + (y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"])
        h = torch.nn.functional.layer_norm(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        m = gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + (m @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"])
    hidden = torch.nn.functional.layer_norm(x, (d,), w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], eps)
    head = w.get("lm_head.weight", w["transformer.wte.weight"])
    return hidden @ head.T


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
