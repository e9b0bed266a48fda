import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flatLayout } from "@/lib/ml/nn/flat-params";
import { Random, type RandomState } from "@/lib/ml/random";
import { CHECKPOINT_TENSORS_FILE, TRAINER_STATE_FILE, checkpointTensor, readCheckpoint, writeCheckpoint, type TrainerState } from "@/lib/ml/train/checkpoint";
import { adamWCheckpointTensors, adamWStateFrom } from "@/lib/ml/train/optimizer-state";

const root = mkdtempSync(join(tmpdir(), "palate-checkpoint-"));

interface PpoLikeState extends TrainerState {
  rng: RandomState;
  klCoef: number;
  promptPosition: number;
}
const parse = (raw: unknown): PpoLikeState | null => {
  const s = raw as Partial<PpoLikeState>;
  return typeof s.step === "number" && typeof s.klCoef === "number" ? (s as PpoLikeState) : null;
};

describe("checkpoint", () => {
  it("saves and loads named flat tensors and a JSON state (several optimized models under prefixes)", async () => {
    const dir = join(root, "ppo");
    const rng = new Random(7);
    rng.normal();
    const layout = flatLayout([
      { name: "a", shape: [2, 2] },
      { name: "b", shape: [1] },
    ]);
    const policy = { m: Float32Array.from([1, 2, 3, 4, 5]), v: Float32Array.from([6, 7, 8, 9, 10]) };
    const value = { m: Float32Array.from([0.5, 0, 0, 0, 0]), v: new Float32Array(5) };
    const p = adamWCheckpointTensors(policy, layout, "policy.");
    const v = adamWCheckpointTensors(value, layout, "value.");
    await writeCheckpoint(dir, {
      state: { step: 3, rng: rng.state(), klCoef: 0.07, promptPosition: 48 },
      tensors: { ...p.tensors, ...v.tensors, "value.weights": Float32Array.from([9, 8, 7, 6, 5]) },
      metadata: { ...p.metadata, ...v.metadata },
      files: { "metrics.jsonl": '{"step":1}\n' },
    });
    expect(readdirSync(dir).sort()).toEqual([CHECKPOINT_TENSORS_FILE, "metrics.jsonl", TRAINER_STATE_FILE].sort());

    const cp = readCheckpoint(dir, parse)!;
    expect(cp.state.klCoef).toBe(0.07);
    expect(cp.state.promptPosition).toBe(48);
    const again = Random.fromState(cp.state.rng);
    expect(again.normal()).toBe(rng.normal());
    expect(Array.from(checkpointTensor(cp, "value.weights", 5))).toEqual([9, 8, 7, 6, 5]);
    expect(JSON.parse(cp.metadata["policy.layout"])).toEqual(["a", "b"]);
    const resumed = adamWStateFrom(new Float32Array(5), cp, 12, "policy.");
    expect(resumed.step).toBe(12);
    expect(Array.from(resumed.m)).toEqual([1, 2, 3, 4, 5]);
    expect(() => adamWStateFrom(new Float32Array(4), cp, 12, "policy.")).toThrow(/policy.adam_m has 5 values, expected 4/);
    expect(() => checkpointTensor(cp, "nope")).toThrow(/missing tensor nope/);
  });

  it("replaces the whole directory at once, and writes no tensors file without tensors", async () => {
    const dir = join(root, "replace");
    await writeCheckpoint(dir, { state: { step: 1, klCoef: 1, promptPosition: 0 } as PpoLikeState, tensors: { x: new Float32Array(3) } });
    await writeCheckpoint(dir, { state: { step: 2, finished: true } });
    expect(readdirSync(dir)).toEqual([TRAINER_STATE_FILE]);
    expect(readdirSync(root).filter((n) => n.startsWith("."))).toEqual([]);
    // A state of another kind of run is no checkpoint of this one.
    expect(readCheckpoint(dir, parse)).toBeNull();
    expect(readCheckpoint(join(root, "missing"), parse)).toBeNull();
    const plain = readCheckpoint(dir, (raw) => raw as TrainerState)!;
    expect(plain.state).toEqual({ step: 2, finished: true });
    expect(plain.tensors.size).toBe(0);
  });

  it("names the file of a corrupt state", () => {
    const dir = join(root, "corrupt");
    mkdirSync(dir);
    writeFileSync(join(dir, TRAINER_STATE_FILE), "{");
    expect(() => readCheckpoint(dir, parse)).toThrow(/trainer_state\.json/);
    expect(existsSync(join(dir, TRAINER_STATE_FILE))).toBe(true);
    expect(readFileSync(join(dir, TRAINER_STATE_FILE), "utf8")).toBe("{");
  });
});
