// AdamW's state in a checkpoint: the two moment vectors as named tensors (`adam_m`, `adam_v`,
// each as long as the flat parameter vector) and the parameter layout they follow as metadata,
// so a reader can tell which slice belongs to which parameter. A run with several optimized
// models (PPO: policy and value model) gives each a prefix ("policy.", "value.").
import type { FlatLayout } from "../nn/flat-params";
import { checkpointTensor, type Checkpoint, type LoadedCheckpoint } from "./checkpoint";
import type { AdamWState } from "./train-step";

export const ADAM_M = "adam_m";
export const ADAM_V = "adam_v";

/** The checkpoint tensors and metadata of an AdamW state's moments. */
export function adamWCheckpointTensors(
  state: Pick<AdamWState, "m" | "v">,
  layout: FlatLayout,
  prefix = "",
): Required<Pick<Checkpoint, "tensors" | "metadata">> {
  return {
    tensors: { [prefix + ADAM_M]: state.m, [prefix + ADAM_V]: state.v },
    metadata: { [prefix + "layout"]: JSON.stringify(layout.slots.map((s) => s.name)) },
  };
}

/**
 * The AdamW state to train from: `weights` with zero moments for a fresh run, or with the
 * checkpoint's moments (checked against the layout's size) when resuming. `step` is the
 * optimizer steps already taken (the bias correction's t), which for PPO is not its iteration.
 */
export function adamWStateFrom(weights: Float32Array, checkpoint: LoadedCheckpoint | null, step: number, prefix = ""): AdamWState {
  if (!checkpoint) return { weights, m: new Float32Array(weights.length), v: new Float32Array(weights.length), step: 0 };
  return {
    weights,
    m: checkpointTensor(checkpoint, prefix + ADAM_M, weights.length),
    v: checkpointTensor(checkpoint, prefix + ADAM_V, weights.length),
    step,
  };
}
