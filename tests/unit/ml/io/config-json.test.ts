import { describe, expect, it } from "vitest";
import { createGPT2Config, parseGPT2Config, toGpt2Config, withArchitecture } from "@/lib/ml/io/config-json";

const tiny = { vocabSize: 300, nPositions: 32, nEmbd: 16, nLayer: 2, nHead: 4, bosTokenId: 0, eosTokenId: 0 };

describe("config.json", () => {
  it("creates a GPT2LMHeadModel config with the fields transformers' GPT2Config writes", () => {
    const c = createGPT2Config(tiny);
    expect(c).toMatchObject({
      model_type: "gpt2",
      architectures: ["GPT2LMHeadModel"],
      vocab_size: 300,
      n_positions: 32,
      n_ctx: 32,
      n_embd: 16,
      n_layer: 2,
      n_head: 4,
      n_inner: null,
      activation_function: "gelu_new",
      layer_norm_epsilon: 1e-5,
      initializer_range: 0.02,
      resid_pdrop: 0,
      embd_pdrop: 0,
      attn_pdrop: 0,
      scale_attn_weights: true,
      scale_attn_by_inverse_layer_idx: false,
      reorder_and_upcast_attn: false,
      bos_token_id: 0,
      eos_token_id: 0,
      tie_word_embeddings: true,
      torch_dtype: "float32",
      use_cache: true,
    });
    expect(c.id2label).toBeUndefined();
    expect(parseGPT2Config(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it("creates a one-label GPT2ForSequenceClassification config with a pad token for reward models", () => {
    const c = createGPT2Config({ ...tiny, architecture: "GPT2ForSequenceClassification" });
    expect(c.architectures).toEqual(["GPT2ForSequenceClassification"]);
    expect(c.pad_token_id).toBe(0);
    expect(c.id2label).toEqual({ "0": "LABEL_0" });
    expect(c.label2id).toEqual({ LABEL_0: 0 });
    const back = withArchitecture(c, "GPT2LMHeadModel");
    expect(back.architectures).toEqual(["GPT2LMHeadModel"]);
    expect(back.id2label).toBeUndefined();
    expect(withArchitecture(createGPT2Config(tiny), "GPT2ForSequenceClassification").id2label).toEqual({ "0": "LABEL_0" });
  });

  it("reads a Hub-style GPT-2 config, defaulting what it omits and keeping unknown fields", () => {
    const hub = {
      activation_function: "gelu_new",
      architectures: ["GPT2LMHeadModel"],
      attn_pdrop: 0.1,
      bos_token_id: 50256,
      embd_pdrop: 0.1,
      eos_token_id: 50256,
      initializer_range: 0.02,
      layer_norm_epsilon: 1e-5,
      model_type: "gpt2",
      n_ctx: 1024,
      n_embd: 768,
      n_head: 12,
      n_layer: 12,
      n_positions: 1024,
      resid_pdrop: 0.1,
      task_specific_params: { "text-generation": { do_sample: true, max_length: 50 } },
      vocab_size: 50257,
    };
    const c = parseGPT2Config(hub);
    expect(c.tie_word_embeddings).toBe(true);
    expect(c.n_inner).toBeNull();
    expect(c.task_specific_params).toEqual(hub.task_specific_params);
    expect(toGpt2Config(c)).toEqual({ vocabSize: 50257, nPositions: 1024, nEmbd: 768, nLayer: 12, nHead: 12, layerNormEpsilon: 1e-5 });
  });

  it("names the offending field and the file in errors", () => {
    const good = createGPT2Config(tiny);
    expect(() => parseGPT2Config({ ...good, n_head: 3 }, "m/config.json")).toThrow(/m\/config\.json.*n_head: n_embd \(16\) must be divisible by n_head \(3\)/);
    const { vocab_size: _v, ...noVocab } = good;
    expect(() => parseGPT2Config(noVocab)).toThrow(/vocab_size/);
    expect(() => parseGPT2Config({ ...good, model_type: "llama" })).toThrow(/model_type/);
    expect(() => parseGPT2Config({ ...good, activation_function: "relu" })).toThrow(/activation_function/);
    expect(() => parseGPT2Config({ ...good, eos_token_id: 300 })).toThrow(/eos_token_id \(300\) must be below vocab_size/);
    expect(() => parseGPT2Config({ ...good, n_ctx: 64 })).toThrow(/n_ctx/);
    expect(() => parseGPT2Config({ ...good, tie_word_embeddings: false })).toThrow(/tie_word_embeddings/);
    expect(() => parseGPT2Config({ ...good, architectures: ["GPT2ForSequenceClassification"], id2label: { "0": "a", "1": "b" } })).toThrow(/exactly one label/);
  });
});
