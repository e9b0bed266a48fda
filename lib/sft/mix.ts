// Mixing SFT data sources in chosen ratios, as DeepSeek-R1's second SFT mixes the answers kept by
// rejection sampling with general demonstrations. A mix is the primary source (the project's
// demonstrations, a file or a snapshot) plus parts written `FILE:RATIO`, where RATIO is the
// share of the mixed training set that the part makes up:
//
//   primary 300 demonstrations, --mix kept.jsonl:0.25
//     → 400 examples: the 300 once each, and 100 drawn from kept.jsonl (25%)
//
// The primary source is used whole, exactly once; the total is primary ÷ (1 − Σ ratios), and each
// part gives round(ratio · total) examples: a seeded shuffle of its examples, passed through again
// (upsampling) when it has fewer than that, cut short when it has more. Pure: examples in, examples
// out; the same seed gives the same mix.
import { Random } from "../ml/random";

export interface MixPart<T> {
  /** What the lineage and the log call it (the file's path). */
  name: string;
  /** The share of the mixed set, in (0, 1). */
  ratio: number;
  examples: readonly T[];
}

export interface MixCount {
  name: string;
  /** Examples the source has. */
  available: number;
  /** Examples of it in the mix (more than available: upsampled). */
  used: number;
  /** Its share of the mix. */
  share: number;
}

export interface Mixed<T> {
  examples: T[];
  /** The primary source first, then each part. */
  counts: MixCount[];
}

/** `kept.jsonl:0.25` → { file, ratio }; the ratio after the last colon, in (0, 1). */
export function parseMixSpec(text: string): { file: string; ratio: number } {
  const at = text.lastIndexOf(":");
  if (at <= 0 || at === text.length - 1) throw new Error(`"${text}": expected FILE:RATIO, e.g. kept.jsonl:0.25`);
  const file = text.slice(0, at);
  const raw = text.slice(at + 1).trim();
  const ratio = Number(raw);
  if (raw === "" || !Number.isFinite(ratio) || ratio <= 0 || ratio >= 1)
    throw new Error(`"${text}": the ratio is the file's share of the mixed set, a number between 0 and 1 (exclusive), got "${raw}"`);
  return { file, ratio };
}

/** Checks the ratios of a mix: each in (0, 1), together below 1 (the primary source needs a share). */
export function checkMixRatios(ratios: readonly number[]): string | null {
  for (const r of ratios) if (!(r > 0 && r < 1)) return `each ratio must lie between 0 and 1 (exclusive), got ${r}`;
  const sum = ratios.reduce((a, b) => a + b, 0);
  if (sum >= 1) return `the ratios add up to ${Number(sum.toFixed(6))}; they must leave the primary source a share (sum below 1)`;
  return null;
}

/** How many examples of each part a mix takes, given the primary source's size. */
export function mixSizes(primary: number, ratios: readonly number[]): { total: number; parts: number[] } {
  const problem = checkMixRatios(ratios);
  if (problem) throw new Error(problem);
  const rest = 1 - ratios.reduce((a, b) => a + b, 0);
  const total = primary / rest;
  const parts = ratios.map((r) => Math.round(r * total));
  return { total: primary + parts.reduce((a, b) => a + b, 0), parts };
}

/** `n` examples of `examples`: seeded shuffles, one after another, cut at n. */
function draw<T>(examples: readonly T[], n: number, rng: Random): T[] {
  const out: T[] = [];
  while (out.length < n) out.push(...rng.shuffle([...examples]).slice(0, n - out.length));
  return out;
}

export function mixExamples<T>(primaryName: string, primary: readonly T[], parts: readonly MixPart<T>[], seed: number): Mixed<T> {
  if (primary.length === 0 && parts.length > 0) throw new Error(`${primaryName} has no demonstrations to mix with`);
  for (const p of parts) if (p.examples.length === 0) throw new Error(`${p.name} has no demonstrations to mix in`);
  const sizes = mixSizes(
    primary.length,
    parts.map((p) => p.ratio),
  );
  const rng = new Random((seed + 0x5f7) >>> 0);
  const drawn = parts.map((p, i) => draw(p.examples, sizes.parts[i], rng));
  const examples = [...primary, ...drawn.flat()];
  const share = (n: number) => (examples.length === 0 ? 0 : n / examples.length);
  return {
    examples,
    counts: [
      { name: primaryName, available: primary.length, used: primary.length, share: share(primary.length) },
      ...parts.map((p, i) => ({ name: p.name, available: p.examples.length, used: drawn[i].length, share: share(drawn[i].length) })),
    ],
  };
}
