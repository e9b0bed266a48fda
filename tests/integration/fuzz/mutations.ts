// Structured mutations of a valid JSON value, shared by the fuzz tests (fast-check): a field
// dropped, a value of the wrong type or replaced by an arbitrary JSON value, an unknown field, a
// huge string, nesting 100k levels deep, awkward unicode (NUL, lone surrogates, BOM, bidi,
// line separators), a string wrapped in a list or a list replaced by its first item.
import fc from "fast-check";

/** A property's number of runs: `n`, times PALATE_FUZZ_SCALE when set (e.g. 20 for a long hunt; npm test runs 1). */
export function runs(n: number): number {
  const scale = Number(process.env.PALATE_FUZZ_SCALE ?? 1);
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** Length of the huge strings, and depth of the deep values, the mutations insert. */
export const HUGE = 100_000;
export const DEEP = 100_000;

type Path = (string | number)[];

/** Every path to a value inside `value` (the root included), walked without recursion. */
function pathsOf(value: unknown): Path[] {
  const out: Path[] = [];
  const stack: [unknown, Path][] = [[value, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    out.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...path, i]]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) stack.push([x, [...path, k]]);
  }
  return out;
}

function setAt(root: unknown, path: Path, replace: (old: unknown) => unknown | typeof DROP): unknown {
  if (path.length === 0) {
    const r = replace(root);
    return r === DROP ? null : r;
  }
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const r = replace(parent[last]);
  if (r === DROP) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = r;
  return copy;
}
const DROP = Symbol("drop");

/** Placeholders replaced after JSON.stringify (building a 100k-deep value and stringifying it would overflow the test's own stack). */
const DEEP_ARRAY = "\u0000deep-array\u0000";
const DEEP_OBJECT = "\u0000deep-object\u0000";
const DEEP_REPLIES = "\u0000deep-replies\u0000";

const weird = fc.constantFrom(
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "\ufeff",
  "\u202e\u200b",
  "💩".repeat(3),
  "e\u0301",
  "\r\n",
  "\u2028\u2029",
  "__proto__",
  "constructor",
);

const replacement: fc.Arbitrary<(old: unknown) => unknown> = fc.oneof(
  fc.constant(() => DROP),
  fc.jsonValue({ maxDepth: 3 }).map((v) => () => v),
  fc.constantFrom<unknown>(null, true, 0, -1, 1.5, 1e308, -0, "", [], {}, [[]], [null]).map((v) => () => v),
  weird.map((w) => () => w),
  // Values of the right type but out of range, so the mutation reaches past the type checks.
  fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, 2 ** 63, -(2 ** 63), 1e300, 0.5)).map((n) => () => n),
  fc.string({ unit: "grapheme", maxLength: 30 }).map((t) => () => t),
  fc.constant(() => "x".repeat(HUGE)),
  fc.constant(() => DEEP_ARRAY),
  fc.constant(() => DEEP_OBJECT),
  fc.constant(() => DEEP_REPLIES),
  fc.constant((old: unknown) => (typeof old === "string" ? [old] : Array.isArray(old) ? old[0] : typeof old === "object" ? "replaced object" : String(old))),
  fc.constant((old: unknown) => (old && typeof old === "object" && !Array.isArray(old) ? { ...old, unknownField: 1 } : old)),
);

/** A valid value with 1–3 structured mutations, as JSON text. */
export function mutatedText(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 3 })).map(([value, edits]) => {
    let v: unknown = value;
    for (const [pick, replace] of edits) {
      const paths = pathsOf(v);
      v = setAt(v, paths[pick % paths.length], replace);
    }
    return (JSON.stringify(v) ?? "null")
      .replaceAll(JSON.stringify(DEEP_ARRAY), "[".repeat(DEEP) + "]".repeat(DEEP))
      .replaceAll(JSON.stringify(DEEP_OBJECT), '{"a":'.repeat(DEEP) + "1" + "}".repeat(DEEP))
      .replaceAll(JSON.stringify(DEEP_REPLIES), '{"message_id":"m","text":"t","role":"prompter","replies":['.repeat(DEEP / 10) + "]}".repeat(DEEP / 10));
  });
}
