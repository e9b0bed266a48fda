// The language-modelling objective for pretraining and SFT: GPT-2 + tied lm_head +
// masked next-token cross-entropy, as a TrainStepSpec for train-step.ts.
//
// Batch inputs: input_ids int64 [B, T], labels int64 [B, T] (the next token at each
// position), loss_mask float32 [B, T] (1 where the position's prediction counts).
import type { Graph, Value } from "../onnx";
import { maskedCrossEntropy } from "../nn/cross-entropy";
import { gpt2Backbone, lmHead } from "../nn/gpt2";
import { gpt2ParamSpecs, type Gpt2Config } from "../nn/gpt2-config";
import type { AdamWConfig } from "../nn/adamw";
import type { LossOutputs, TrainStepSpec } from "./train-step";

export function causalLmLoss(c: Gpt2Config, batchSize: number, seqLen: number) {
  return (g: Graph, w: Record<string, Value>): LossOutputs => {
    if (seqLen > c.nPositions) throw new Error(`sequence length ${seqLen} exceeds n_positions ${c.nPositions}`);
    const inputIds = g.input("input_ids", "int64", [batchSize, seqLen]);
    const labels = g.input("labels", "int64", [batchSize, seqLen]);
    const lossMask = g.input("loss_mask", "float32", [batchSize, seqLen]);
    const { hidden } = gpt2Backbone(g, c, w, { inputIds, fusedGelu: true });
    const logits = lmHead(g, w, hidden);
    const { loss, logitsGrad } = maskedCrossEntropy(g, logits, labels, lossMask);
    return { loss, gradientOf: { of: logits, grad: logitsGrad } };
  };
}

/** The training step spec of a GPT-2 language model at a fixed batch shape. */
export function causalLmSpec(c: Gpt2Config, batchSize: number, seqLen: number, adamW?: Partial<AdamWConfig>): TrainStepSpec {
  return { params: gpt2ParamSpecs(c), buildLoss: causalLmLoss(c, batchSize, seqLen), adamW };
}
