// A slow, independent reading of Hugging Face's GPT2LMHeadModel forward pass in plain
// TypeScript loops (modeling_gpt2.py, eager attention), used only to check the ONNX graphs.
//
// Per block:  x = x + attn(ln_1(x));  x = x + mlp(ln_2(x))
// attn:       q,k,v = split(ln_1(x) @ c_attn.weight + c_attn.bias, d)   (Conv1D: [in, out])
//             w = q k^T / sqrt(head_dim); causal positions where(mask, w, finfo.min);
//             padding: w += (1 - attention_mask) * finfo.min; softmax; @ v; merge heads; c_proj
// mlp:        c_proj(gelu_new(c_fc(x)))  with gelu_new(x) = 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3)))
// head:       ln_f, then logits = h @ wte^T (tied)

export interface ReferenceConfig {
  vocabSize: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  layerNormEpsilon?: number;
}

export type ReferenceParams = Map<string, Float32Array>;

const FINFO_MIN = -3.4028234663852886e38;

function layerNorm(x: Float64Array[], w: Float32Array, b: Float32Array, eps: number): Float64Array[] {
  return x.map((row) => {
    const n = row.length;
    let mean = 0;
    for (const v of row) mean += v;
    mean /= n;
    let variance = 0;
    for (const v of row) variance += (v - mean) * (v - mean);
    variance /= n;
    const inv = 1 / Math.sqrt(variance + eps);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (row[i] - mean) * inv * w[i] + b[i];
    return out;
  });
}

/** Conv1D: x [T, nx] @ weight [nx, nf] + bias [nf]. */
function conv1d(x: Float64Array[], weight: Float32Array, bias: Float32Array): Float64Array[] {
  const nf = bias.length;
  const nx = weight.length / nf;
  return x.map((row) => {
    const out = new Float64Array(nf);
    for (let o = 0; o < nf; o++) out[o] = bias[o];
    for (let i = 0; i < nx; i++) {
      const xi = row[i];
      for (let o = 0; o < nf; o++) out[o] += xi * weight[i * nf + o];
    }
    return out;
  });
}

function geluNew(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

/**
 * Logits [T][vocab] for one sequence. `attentionMask` (1 = token, 0 = padding) and
 * `positionIds` default to all ones and 0..T-1.
 */
export function referenceGpt2Logits(
  config: ReferenceConfig,
  params: ReferenceParams,
  ids: number[],
  attentionMask?: number[],
  positionIds?: number[],
): Float64Array[] {
  const p = (name: string): Float32Array => {
    const t = params.get(name);
    if (!t) throw new Error(`missing parameter ${name}`);
    return t;
  };
  const { nEmbd: d, nHead: H, nLayer, vocabSize } = config;
  const eps = config.layerNormEpsilon ?? 1e-5;
  const hd = d / H;
  const T = ids.length;
  const mask = attentionMask ?? ids.map(() => 1);
  const pos = positionIds ?? ids.map((_, i) => i);
  const wte = p("transformer.wte.weight");
  const wpe = p("transformer.wpe.weight");

  let x: Float64Array[] = ids.map((id, t) => {
    const row = new Float64Array(d);
    for (let i = 0; i < d; i++) row[i] = wte[id * d + i] + wpe[pos[t] * d + i];
    return row;
  });

  for (let l = 0; l < nLayer; l++) {
    const pre = `transformer.h.${l}.`;
    const h1 = layerNorm(x, p(pre + "ln_1.weight"), p(pre + "ln_1.bias"), eps);
    const qkv = conv1d(h1, p(pre + "attn.c_attn.weight"), p(pre + "attn.c_attn.bias"));
    const merged: Float64Array[] = ids.map(() => new Float64Array(d));
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const w = new Float64Array(T);
        for (let j = 0; j < T; j++) {
          let s = 0;
          for (let e = 0; e < hd; e++) s += qkv[i][h * hd + e] * qkv[j][d + h * hd + e];
          s /= Math.sqrt(hd);
          if (j > i) s = FINFO_MIN;
          s += (1 - mask[j]) * FINFO_MIN;
          w[j] = s;
        }
        let max = -Infinity;
        for (const v of w) if (v > max) max = v;
        let sum = 0;
        for (let j = 0; j < T; j++) {
          w[j] = Math.exp(w[j] - max);
          sum += w[j];
        }
        for (let j = 0; j < T; j++) {
          const a = w[j] / sum;
          for (let e = 0; e < hd; e++) merged[i][h * hd + e] += a * qkv[j][2 * d + h * hd + e];
        }
      }
    }
    const attnOut = conv1d(merged, p(pre + "attn.c_proj.weight"), p(pre + "attn.c_proj.bias"));
    x = x.map((row, t) => row.map((v, i) => v + attnOut[t][i]));
    const h2 = layerNorm(x, p(pre + "ln_2.weight"), p(pre + "ln_2.bias"), eps);
    const fc = conv1d(h2, p(pre + "mlp.c_fc.weight"), p(pre + "mlp.c_fc.bias")).map((row) => row.map(geluNew));
    const mlpOut = conv1d(fc, p(pre + "mlp.c_proj.weight"), p(pre + "mlp.c_proj.bias"));
    x = x.map((row, t) => row.map((v, i) => v + mlpOut[t][i]));
  }

  const hf = layerNorm(x, p("transformer.ln_f.weight"), p("transformer.ln_f.bias"), eps);
  return hf.map((row) => {
    const out = new Float64Array(vocabSize);
    for (let v = 0; v < vocabSize; v++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += row[i] * wte[v * d + i];
      out[v] = s;
    }
    return out;
  });
}
