/**
 * Static shape bookkeeping for the builder. A dimension is a number (known), a string
 * (symbolic, e.g. "batch": equal strings are equal sizes) or null (unknown). A shape
 * of null means the rank itself is unknown. Shapes are best-effort: they let the
 * builder and autodiff pick cheap static paths; everything also works without them.
 */

export type Dim = number | string | null;
export type Shape = readonly Dim[];

export function isStatic(shape: Shape | null): shape is readonly number[] {
  return shape !== null && shape.every((d) => typeof d === "number");
}

export function sameDim(a: Dim, b: Dim): boolean {
  return a !== null && b !== null && a === b;
}

export function sameShape(a: Shape | null, b: Shape | null): boolean {
  return a !== null && b !== null && a.length === b.length && a.every((d, i) => sameDim(d, b[i]));
}

/** Numpy-style broadcast of two dims; null where it cannot be decided statically. */
export function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (sameDim(a, b)) return a;
  if (typeof a === "number" && b !== null) return a;
  if (typeof b === "number" && a !== null) return b;
  if (typeof a === "number" && typeof b === "number" && a !== b) throw new Error(`cannot broadcast ${a} with ${b}`);
  return null;
}

export function broadcastShapes(...shapes: (Shape | null)[]): Shape | null {
  if (shapes.some((s) => s === null)) return null;
  const ss = shapes as Shape[];
  const rank = Math.max(...ss.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of ss) {
      const j = i - (rank - s.length);
      if (j < 0) continue;
      const sd = s[j];
      if (typeof d === "number" && typeof sd === "number" && d !== 1 && sd !== 1 && d !== sd) {
        throw new Error(`cannot broadcast shapes ${fmtShape(ss[0])} and ${fmtShape(s)}`);
      }
      d = broadcastDim(d, sd);
    }
    out.push(d);
  }
  return out;
}

export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function numel(shape: Shape | null): number | null {
  if (!isStatic(shape)) return null;
  return shape.reduce((p, d) => p * d, 1);
}

export function fmtShape(shape: Shape | null): string {
  if (shape === null) return "[?rank]";
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}
