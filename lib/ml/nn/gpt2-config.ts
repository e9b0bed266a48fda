// The shape of a GPT-2 model, and the Hugging Face names and layouts of its parameters.

export interface Gpt2Config {
  vocabSize: number;
  /** Maximum sequence length (rows of wpe). */
  nPositions: number;
  /** Model width d. */
  nEmbd: number;
  nLayer: number;
  nHead: number;
  /** LayerNorm epsilon (HF layer_norm_epsilon, 1e-5). */
  layerNormEpsilon: number;
}

export interface ParamSpec {
  name: string;
  shape: number[];
  /** AdamW applies weight decay to matrices and embeddings, not to biases or LayerNorm gains. */
  decay: boolean;
}

/**
 * Parameters of GPT2LMHeadModel in state-dict order, with HF names and layouts
 * (Conv1D weights are [in, out]). lm_head.weight is tied to transformer.wte.weight and
 * not listed.
 */
export function gpt2ParamSpecs(c: Gpt2Config): ParamSpec[] {
  const d = c.nEmbd;
  const specs: ParamSpec[] = [
    { name: "transformer.wte.weight", shape: [c.vocabSize, d], decay: true },
    { name: "transformer.wpe.weight", shape: [c.nPositions, d], decay: true },
  ];
  for (let l = 0; l < c.nLayer; l++) {
    const p = `transformer.h.${l}.`;
    specs.push(
      { name: p + "ln_1.weight", shape: [d], decay: false },
      { name: p + "ln_1.bias", shape: [d], decay: false },
      { name: p + "attn.c_attn.weight", shape: [d, 3 * d], decay: true },
      { name: p + "attn.c_attn.bias", shape: [3 * d], decay: false },
      { name: p + "attn.c_proj.weight", shape: [d, d], decay: true },
      { name: p + "attn.c_proj.bias", shape: [d], decay: false },
      { name: p + "ln_2.weight", shape: [d], decay: false },
      { name: p + "ln_2.bias", shape: [d], decay: false },
      { name: p + "mlp.c_fc.weight", shape: [d, 4 * d], decay: true },
      { name: p + "mlp.c_fc.bias", shape: [4 * d], decay: false },
      { name: p + "mlp.c_proj.weight", shape: [4 * d, d], decay: true },
      { name: p + "mlp.c_proj.bias", shape: [d], decay: false },
    );
  }
  specs.push({ name: "transformer.ln_f.weight", shape: [d], decay: false }, { name: "transformer.ln_f.bias", shape: [d], decay: false });
  return specs;
}

/** Checks the invariants the graphs rely on; throws naming the offending field. */
export function validateGpt2Config(c: Gpt2Config): void {
  for (const k of ["vocabSize", "nPositions", "nEmbd", "nLayer", "nHead"] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) throw new Error(`${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.nEmbd % c.nHead !== 0) throw new Error(`nEmbd (${c.nEmbd}) must be divisible by nHead (${c.nHead})`);
  if (!(c.layerNormEpsilon > 0)) throw new Error(`layerNormEpsilon must be positive, got ${c.layerNormEpsilon}`);
}
