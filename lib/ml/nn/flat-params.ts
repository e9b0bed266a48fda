// Parameters laid end to end in one Float32Array (weights, Adam moments, checkpoints):
// one tensor in and out of a training step instead of one per parameter.
import type { ParamSpec } from "./gpt2-config";

export interface FlatSlot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export interface FlatLayout {
  slots: FlatSlot[];
  /** Total number of scalars. */
  size: number;
}

export function flatLayout(specs: readonly Pick<ParamSpec, "name" | "shape">[]): FlatLayout {
  let offset = 0;
  const slots = specs.map((s) => {
    const size = s.shape.reduce((p, d) => p * d, 1);
    const slot = { name: s.name, shape: [...s.shape], offset, size };
    offset += size;
    return slot;
  });
  return { slots, size: offset };
}

/** Copies named tensors into one flat array in layout order; a missing or mis-sized tensor is an error. */
export function packParams(layout: FlatLayout, tensors: Readonly<Record<string, ArrayLike<number>>>): Float32Array {
  const flat = new Float32Array(layout.size);
  for (const s of layout.slots) {
    const t = tensors[s.name];
    if (!t) throw new Error(`missing parameter ${s.name}`);
    if (t.length !== s.size) throw new Error(`parameter ${s.name}: expected ${s.size} values, got ${t.length}`);
    flat.set(t, s.offset);
  }
  return flat;
}

/** Views (no copies) of each parameter inside a flat array. */
export function unpackParams(layout: FlatLayout, flat: Float32Array): Record<string, Float32Array> {
  if (flat.length !== layout.size) throw new Error(`expected ${layout.size} values, got ${flat.length}`);
  const out: Record<string, Float32Array> = {};
  for (const s of layout.slots) out[s.name] = flat.subarray(s.offset, s.offset + s.size);
  return out;
}
