"""An independent PyTorch reading of Hugging Face GPT-2 (modeling_gpt2.py, eager attention),
shared by the checks of Palate model directories (reward-model-torch-check.py,
policy-torch-check.py): safetensors parsed by hand (an 8-byte header length, a JSON header, raw
little-endian tensors) and the GPT2Model trunk with Conv1D weights, gelu_new and the attention
masked with finfo.min. Only torch and numpy; not part of the project's dependencies.
"""
import json
import math
import struct

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


def gpt2_hidden(cfg, w, input_ids, attention_mask=None):
    """GPT2Model.forward(input_ids, attention_mask).last_hidden_state, [B, T, d] (positions 0..T-1)."""
    B, T = input_ids.shape
    d, H = cfg["n_embd"], cfg["n_head"]
    hd = d // H
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    x = w["transformer.wte.weight"][input_ids] + w["transformer.wpe.weight"][torch.arange(T).unsqueeze(0)]
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    min_value = torch.finfo(torch.float32).min
    pad_bias = 0.0 if attention_mask is None else (1.0 - attention_mask[:, None, None, :].float()) * min_value
    for l in range(cfg["n_layer"]):
        p = f"transformer.h.{l}."
        h = torch.nn.functional.layer_norm(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]  # Conv1D: x @ W + b, W [d, 3d]
        q, k, v = qkv.split(d, dim=2)
        split = lambda t: t.view(B, T, H, hd).permute(0, 2, 1, 3)
        q, k, v = split(q), split(k), split(v)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        att = torch.where(causal, att, torch.tensor(min_value))
        att = torch.softmax(att + pad_bias, dim=-1)
        y = (att @ v).permute(0, 2, 1, 3).reshape(B, T, d)
        x = x + (y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"])
        h = torch.nn.functional.layer_norm(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        m = gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + (m @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"])
    return torch.nn.functional.layer_norm(x, (d,), w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], eps)
