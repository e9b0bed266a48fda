// A training checkpoint: everything a run needs to continue exactly where it stopped, written
// all-or-nothing.
//
//   trainer_state.json       the JSON state: `step` (units done: optimizer steps, or PPO
//                            iterations) and whatever else the trainer needs back — the RNG
//                            state (Random.state()), the data position, the schedule, running
//                            totals, a `finished` flag — each trainer's own fields
//   optimizer.safetensors    named flat float32 tensors the model directory does not hold:
//                            AdamW moments (optimizer-state.ts), and for PPO e.g. the value
//                            model's weights and moments (absent when there are none)
//   …                        more files the trainer lists (metrics.jsonl, split.json)
//
// A checkpoint is usually written INTO a model directory (the run's output directory is its own
// checkpoint, as train-lm and train-rm do): pass `checkpointFiles(c)` as saveModelDir's
// `extraFiles`, which swaps the whole directory in at once. `writeCheckpoint` does the same swap
// for a directory that holds the checkpoint alone. Either way a crash leaves the previous
// checkpoint or the new one, never a mix of weights from one step and moments from another.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseSafetensors, relativePathInside, replaceDirectoryAtomic, serializeSafetensors, writeFileAtomic } from "../io";
import type { RandomState } from "../random";

export const TRAINER_STATE_FILE = "trainer_state.json";
/** Named after what it holds most often (the optimizer's moments), as HF's optimizer.pt. */
export const CHECKPOINT_TENSORS_FILE = "optimizer.safetensors";

/** The fields every trainer state has, and the names to use for the common optional ones. */
export interface TrainerState {
  /** Units of work done: optimizer steps, or iterations for PPO. */
  step: number;
  totalSteps?: number;
  /** The generator behind the data order / sampling, to continue the same stream. */
  rng?: RandomState;
  /** A finished run: nothing to resume (its tensors are usually dropped). */
  finished?: boolean;
}

/** What a checkpoint holds; `S` is the trainer's state (plain JSON data). */
export interface Checkpoint<S extends TrainerState = TrainerState> {
  state: S;
  /** Named flat float32 tensors (none: no tensors file is written). */
  tensors?: Readonly<Record<string, Float32Array>>;
  /** String metadata of the tensors file, e.g. the parameter layout of each flat vector. */
  metadata?: Readonly<Record<string, string>>;
  /** More files by relative path (metrics.jsonl, split.json, …). */
  files?: Readonly<Record<string, string | Uint8Array>>;
}

/** A checkpoint read back. */
export interface LoadedCheckpoint<S extends TrainerState = TrainerState> {
  dir: string;
  state: S;
  tensors: ReadonlyMap<string, Float32Array>;
  metadata: Readonly<Record<string, string>>;
}

/** The files of a checkpoint, by name (for saveModelDir's extraFiles or writeCheckpoint). */
export function checkpointFiles<S extends TrainerState>(c: Checkpoint<S>): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = { [TRAINER_STATE_FILE]: JSON.stringify(c.state, null, 2) + "\n", ...c.files };
  const tensors = Object.entries(c.tensors ?? {});
  if (tensors.length > 0) {
    files[CHECKPOINT_TENSORS_FILE] = serializeSafetensors(
      Object.fromEntries(tensors.map(([name, data]) => [name, { dtype: "F32" as const, shape: [data.length], data }])),
      { format: "pt", ...c.metadata },
    );
  }
  return files;
}

/**
 * Writes `files` as the whole content of `dir`, all-or-nothing: into a temp directory beside it,
 * then swapped in by rename (what was in `dir` before is replaced as a whole).
 */
export async function writeDirectoryAtomic(dir: string, files: Readonly<Record<string, string | Uint8Array>>): Promise<void> {
  await replaceDirectoryAtomic(dir, async (tmp) => {
    for (const [name, content] of Object.entries(files)) await writeFileAtomic(join(tmp, relativePathInside(name, "checkpoint: file name")), content);
  });
}

/** Writes a checkpoint as a directory of its own (see writeDirectoryAtomic). */
export async function writeCheckpoint<S extends TrainerState>(dir: string, c: Checkpoint<S>): Promise<void> {
  await writeDirectoryAtomic(dir, checkpointFiles(c));
}

/**
 * The checkpoint in `dir`, or null when there is none: no trainer_state.json, or one that
 * `parseState` does not accept (it returns null for a state of another kind of run, or throws
 * to refuse it with a reason).
 */
export function readCheckpoint<S extends TrainerState>(dir: string, parseState: (raw: unknown, path: string) => S | null): LoadedCheckpoint<S> | null {
  const statePath = join(dir, TRAINER_STATE_FILE);
  if (!existsSync(statePath)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(statePath, "utf8"));
  } catch (err) {
    throw new Error(`${statePath}: ${(err as Error).message}`);
  }
  const state = parseState(raw, statePath);
  if (state === null) return null;
  const tensors = new Map<string, Float32Array>();
  let metadata: Record<string, string> = {};
  const tensorsPath = join(dir, CHECKPOINT_TENSORS_FILE);
  if (existsSync(tensorsPath)) {
    const file = parseSafetensors(readFileSync(tensorsPath));
    for (const [name, t] of file.tensors) {
      if (t.dtype !== "F32") throw new Error(`${tensorsPath}: tensor ${name} is ${t.dtype}, expected F32`);
      tensors.set(name, t.data);
    }
    metadata = file.metadata;
  }
  return { dir, state, tensors, metadata };
}

/** A tensor of a loaded checkpoint, checked for presence and (when given) length. */
export function checkpointTensor(c: LoadedCheckpoint, name: string, length?: number): Float32Array {
  const t = c.tensors.get(name);
  const path = join(c.dir, CHECKPOINT_TENSORS_FILE);
  if (!t) throw new Error(`${path}: missing tensor ${name}`);
  if (length !== undefined && t.length !== length) throw new Error(`${path}: tensor ${name} has ${t.length} values, expected ${length}`);
  return t;
}
