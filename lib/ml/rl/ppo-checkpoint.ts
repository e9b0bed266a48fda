// PPO's checkpoint on the shared trainer's format (lib/ml/train/checkpoint.ts): the output
// directory is its own checkpoint, written all-or-nothing with the policy as its model:
//
//   model.safetensors, …        the policy's weights (a language-model directory at every checkpoint)
//   trainer_state.json          PpoTrainerState: `step` = iterations done, the optimizer's step
//                               count, β (the KL controller's state), seconds, the run's identity
//   optimizer.safetensors       policy.adam_m, policy.adam_v   (policy layout)
//                               value.weights, value.adam_m, value.adam_v   (value-model layout)
//   metrics.jsonl, evaluations.jsonl, split.json
//
// The random streams are not stored: the prompt order (a shuffle per pass over the prompts), the
// sampling seed and the minibatch permutations of an iteration are all functions of (seed,
// iteration), so `step` is the whole data position and RNG state. On a finished run the
// tensors file is dropped and outDir/value/ holds the value model.
import type { FlatLayout } from "../nn/flat-params";
import { adamWCheckpointTensors, checkpointTensor, type LoadedCheckpoint, type TrainerState } from "../train";
import type { AdamWState } from "../train/train-step";

export const PPO_STATE_KIND = "ppo";
export const VALUE_WEIGHTS = "value.weights";

export interface PpoTrainerState extends TrainerState {
  kind: typeof PPO_STATE_KIND;
  /** Iterations done (TrainerState.step) and in the run. */
  step: number;
  totalSteps: number;
  finished: boolean;
  /** AdamW's step count (iterations × epochs × minibatches). */
  optimizerStep: number;
  /** β after the last iteration: the adaptive controller's state. */
  klCoef: number;
  /** Seconds spent in iterations, across resumes. */
  trainSeconds: number;
  /** sha256 of the configuration, the prompts and the shape: a checkpoint of another run is not resumed. */
  runHash: string;
}

/**
 * readCheckpoint's parser for a PPO run with identity `runHash`: null for a directory that
 * holds no PPO run; throws for one of other settings.
 */
export function ppoStateParser(runHash: string) {
  return (raw: unknown, path: string): PpoTrainerState | null => {
    const s = raw as Partial<PpoTrainerState> | null;
    if (!s || s.kind !== PPO_STATE_KIND || typeof s.step !== "number") return null;
    if (s.runHash !== runHash) throw new Error(`${path}: a PPO run of other settings, prompts or models; pass overwrite to replace it`);
    return s as PpoTrainerState;
  };
}

/** The checkpoint tensors of the joint optimizer state [policy | value]: moments of each under its prefix, and the value weights. */
export function ppoCheckpointTensors(opt: AdamWState, policy: FlatLayout, value: FlatLayout) {
  const P = policy.size;
  const p = adamWCheckpointTensors({ m: opt.m.subarray(0, P), v: opt.v.subarray(0, P) }, policy, "policy.");
  const v = adamWCheckpointTensors({ m: opt.m.subarray(P), v: opt.v.subarray(P) }, value, "value.");
  return {
    tensors: { ...p.tensors, ...v.tensors, [VALUE_WEIGHTS]: opt.weights.subarray(P) },
    metadata: { ...p.metadata, ...v.metadata },
  };
}

/** The joint optimizer state back from a checkpoint: the policy's weights (from model.safetensors) and the tensors. */
export function ppoStateFromCheckpoint(cp: LoadedCheckpoint<PpoTrainerState>, policyWeights: Float32Array, policy: FlatLayout, value: FlatLayout): AdamWState {
  const join = (a: Float32Array, b: Float32Array) => {
    const out = new Float32Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  };
  return {
    weights: join(policyWeights, checkpointTensor(cp, VALUE_WEIGHTS, value.size)),
    m: join(checkpointTensor(cp, "policy.adam_m", policy.size), checkpointTensor(cp, "value.adam_m", value.size)),
    v: join(checkpointTensor(cp, "policy.adam_v", policy.size), checkpointTensor(cp, "value.adam_v", value.size)),
    step: cp.state.optimizerStep,
  };
}
