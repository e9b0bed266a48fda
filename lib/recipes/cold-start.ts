// DeepSeek-R1's "cold start" in miniature: a few hundred written-out demonstrations in the
// `<think>…</think><answer>…</answer>` form, for an SFT before GRPO (issue 13, acceptance 3).
//
// The questions are the default model's arithmetic (lib/default-model/sft-data.ts): a + b for
// a, b in 0..20, a - b for 0 ≤ b ≤ a ≤ 20, a * b for a, b in 0..12 — 841 facts — asked with its
// training question templates ("What is 17 + 8?", "Compute 7 * 8.", "How much is 9 - 4?"), with
// the operators as the default data writes them (ASCII `+ - *`). Each answer thinks in a few
// short, true steps, then answers with the number alone:
//
//   What is 17 + 8?   <think>17 + 8: 17 + 3 = 20, 20 + 5 = 25.</think><answer>25</answer>
//   Compute 20 - 13.  <think>20 - 13: 20 - 10 = 10, 10 - 3 = 7.</think><answer>7</answer>
//   How much is 7 * 8? <think>7 * 8 = 7 * 10 - 7 * 2 = 70 - 14 = 56.</think><answer>56</answer>
//
// HELD OUT: a fixed fifth of each operation's facts (heldOutArithmetic: a shuffle with the
// constant HELD_OUT_SEED, independent of the demonstrations' seed and count) never appears in
// the demonstrations, so a later GRPO evaluation can ask those facts as prompts the cold start
// never taught. The demonstrations are `count` (≤ 500) of the other facts, each operation given
// its share of them in proportion to its facts, chosen and given templates by a seeded shuffle.
import { Random } from "../ml/random";
import { fillTemplate, TEMPLATES } from "../default-model/sft-data";
import type { Message } from "../../db/schema";

export type ArithmeticOp = "+" | "-" | "*";

export const ARITHMETIC_OPS: readonly ArithmeticOp[] = ["+", "-", "*"];

export interface ArithmeticFact {
  a: number;
  op: ArithmeticOp;
  b: number;
  result: number;
}

/** The most demonstrations a cold-start set holds (R1's cold start is "a small amount" of data). */
export const MAX_COLD_START = 500;
/** The seed of the held-out split: a constant, so every cold-start set holds out the same facts. */
export const HELD_OUT_SEED = 13;
/** The share of each operation's facts held out. */
export const HELD_OUT_FRACTION = 0.2;

/** The subject as the default model's data writes it ("17 + 8"). */
export function subjectOf(f: Pick<ArithmeticFact, "a" | "op" | "b">): string {
  return `${f.a} ${f.op} ${f.b}`;
}

/** Every arithmetic fact of the default model's SFT data, operation by operation, in a fixed order. */
export function arithmeticFacts(): ArithmeticFact[] {
  const out: ArithmeticFact[] = [];
  for (let a = 0; a <= 20; a++) for (let b = 0; b <= 20; b++) out.push({ a, op: "+", b, result: a + b });
  for (let a = 0; a <= 20; a++) for (let b = 0; b <= a; b++) out.push({ a, op: "-", b, result: a - b });
  for (let a = 0; a <= 12; a++) for (let b = 0; b <= 12; b++) out.push({ a, op: "*", b, result: a * b });
  return out;
}

/** The facts split into those demonstrations may teach and the fixed held-out fifth. */
export function arithmeticSplit(): { train: ArithmeticFact[]; heldOut: ArithmeticFact[] } {
  const rng = new Random(HELD_OUT_SEED);
  const train: ArithmeticFact[] = [];
  const heldOut: ArithmeticFact[] = [];
  for (const op of ARITHMETIC_OPS) {
    const facts = rng.shuffle(arithmeticFacts().filter((f) => f.op === op));
    const k = Math.round(facts.length * HELD_OUT_FRACTION);
    heldOut.push(...facts.slice(0, k));
    train.push(...facts.slice(k));
  }
  const order = (x: ArithmeticFact, y: ArithmeticFact) => ARITHMETIC_OPS.indexOf(x.op) - ARITHMETIC_OPS.indexOf(y.op) || x.a - y.a || x.b - y.b;
  return { train: train.sort(order), heldOut: heldOut.sort(order) };
}

/** The held-out facts: never in a cold-start demonstration. */
export function heldOutArithmetic(): ArithmeticFact[] {
  return arithmeticSplit().heldOut;
}

/** "x + y = z" steps of adding b to a: b's tens first, then its ones by way of the next ten. */
function additionSteps(a: number, b: number): string[] {
  const steps: string[] = [];
  let x = a;
  const tens = b - (b % 10);
  if (tens > 0) {
    steps.push(`${x} + ${tens} = ${x + tens}`);
    x += tens;
  }
  let ones = b % 10;
  const toTen = (10 - (x % 10)) % 10;
  if (ones > 0 && toTen > 0 && ones > toTen) {
    steps.push(`${x} + ${toTen} = ${x + toTen}`);
    x += toTen;
    ones -= toTen;
  }
  if (ones > 0) steps.push(`${x} + ${ones} = ${x + ones}`);
  return steps;
}

/** "x - y = z" steps of taking b from a: b's tens first, then its ones by way of the ten below. */
function subtractionSteps(a: number, b: number): string[] {
  const steps: string[] = [];
  let x = a;
  const tens = b - (b % 10);
  if (tens > 0) {
    steps.push(`${x} - ${tens} = ${x - tens}`);
    x -= tens;
  }
  let ones = b % 10;
  const toTen = x % 10;
  if (ones > 0 && toTen > 0 && ones > toTen) {
    steps.push(`${x} - ${toTen} = ${x - toTen}`);
    x -= toTen;
    ones -= toTen;
  }
  if (ones > 0) steps.push(`${x} - ${ones} = ${x - ones}`);
  return steps;
}

/** One chain "a * b = … = result" by tens, doubling or near a ten (every link true). */
function productChain(a: number, b: number): string {
  const p = a * b;
  const head = `${a} * ${b}`;
  if (a <= 1 || b <= 1 || a === 10 || b === 10) return `${head} = ${p}`;
  if (b > 10) return `${head} = ${a} * 10 + ${a} * ${b - 10} = ${a * 10} + ${a * (b - 10)} = ${p}`;
  if (a > 10) return `${head} = 10 * ${b} + ${a - 10} * ${b} = ${10 * b} + ${(a - 10) * b} = ${p}`;
  switch (b) {
    case 2:
      return `${head} = ${a} + ${a} = ${p}`;
    case 3:
      return `${head} = ${a} + ${a} + ${a} = ${p}`;
    case 4:
      return `${head} = ${a} * 2 * 2 = ${a * 2} * 2 = ${p}`;
    case 5:
      return `${head} = ${a} * 10 / 2 = ${a * 10} / 2 = ${p}`;
    case 6:
      return `${head} = ${a} * 5 + ${a} = ${a * 5} + ${a} = ${p}`;
    case 7:
      return `${head} = ${a} * 5 + ${a} * 2 = ${a * 5} + ${a * 2} = ${p}`;
    case 8:
      return `${head} = ${a} * 10 - ${a} * 2 = ${a * 10} - ${a * 2} = ${p}`;
    default: // 9
      return `${head} = ${a} * 10 - ${a} = ${a * 10} - ${a} = ${p}`;
  }
}

/**
 * How the reasoning is written out:
 *   steps     short true steps by tens and near tens, ending on the result (the default)
 *   equation  the question restated as its equation, "17 + 8 = 25." — the sentence form of the
 *             default SFT data, so a model built on default-sft thinks in the form it knows best
 * Measured on the 1.9M-parameter default model (a cold start of default-sft on 447 demonstrations,
 * 10 epochs; at 3 it learns the tags but not yet to copy the thought's result into <answer>):
 * greedy exact answers on all 841 facts asked "Calculate {x}." — steps 34.4%, equation 49.8%,
 * default-sft 43.3%. The steps are too long a computation for a model of this size.
 */
export type ReasoningStyle = "steps" | "equation";

export const REASONING_STYLES: readonly ReasoningStyle[] = ["steps", "equation"];

/** The reasoning inside `<think>`: short steps, each true, ending on the result (or the equation alone). */
export function reasoningOf(f: ArithmeticFact, style: ReasoningStyle = "steps"): string {
  if (style === "equation") return `${subjectOf(f)} = ${f.result}.`;
  if (f.op === "*") return `${productChain(f.a, f.b)}.`;
  const head = subjectOf(f);
  // Adding: start from the larger number (a + b = b + a), so the steps stay few.
  const steps = f.op === "+" ? additionSteps(Math.max(f.a, f.b), Math.min(f.a, f.b)) : subtractionSteps(f.a, f.b);
  if (steps.length <= 1) return `${head} = ${f.result}.`;
  return `${head}: ${steps.join(", ")}.`;
}

/** The demonstration's answer: the reasoning in `<think>`, the number alone in `<answer>`. */
export function coldStartAnswer(f: ArithmeticFact, style: ReasoningStyle = "steps"): string {
  return `<think>${reasoningOf(f, style)}</think><answer>${f.result}</answer>`;
}

export interface ColdStartOptions {
  /** How many demonstrations (1..MAX_COLD_START; default MAX_COLD_START). */
  count?: number;
  /** The seed of which facts are taught and in which template (default 0). */
  seed?: number;
  /** How the reasoning is written (default "steps"); the facts and templates do not depend on it. */
  style?: ReasoningStyle;
}

export interface ColdStartDemonstration {
  fact: ArithmeticFact;
  question: string;
  answer: string;
}

/** Each operation's share of n, in proportion to its facts (largest remainders; ties to the earlier operation). */
function shares(n: number, sizes: readonly number[]): number[] {
  const total = sizes.reduce((s, x) => s + x, 0);
  const exact = sizes.map((s) => (n * s) / total);
  const out = exact.map(Math.floor);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((p, q) => q.r - p.r || p.i - q.i);
  const left = n - out.reduce((s, x) => s + x, 0);
  for (let k = 0; k < left; k++) out[order[k].i]++;
  return out;
}

/** The cold-start demonstrations: `count` facts outside the held-out set, each asked once in a training template. */
export function coldStartDemonstrations(o: ColdStartOptions = {}): ColdStartDemonstration[] {
  const count = o.count ?? MAX_COLD_START;
  if (!Number.isInteger(count) || count < 1 || count > MAX_COLD_START)
    throw new RangeError(`count: expected an integer from 1 to ${MAX_COLD_START}, got ${count}`);
  const seed = o.seed ?? 0;
  const rng = new Random(seed);
  const templates = TEMPLATES.arithmetic.filter((t) => !t.heldOut);
  const { train } = arithmeticSplit();
  const byOp = ARITHMETIC_OPS.map((op) => train.filter((f) => f.op === op));
  const take = shares(
    count,
    byOp.map((fs) => fs.length),
  );
  const chosen = byOp.flatMap((fs, i) => rng.shuffle([...fs]).slice(0, take[i]));
  return rng.shuffle(chosen).map((fact, i) => {
    // Templates in turn over the shuffled facts: each one asked about as often as the others.
    const question = fillTemplate(templates[i % templates.length], subjectOf(fact));
    return { fact, question, answer: coldStartAnswer(fact, o.style) };
  });
}

/** One line of TRL's conversational SFT file (lib/datasets/sft-format.ts), the reference answer in its metadata. */
export function coldStartSftLine(d: ColdStartDemonstration): { messages: Message[]; metadata: { reference: string } } {
  return {
    messages: [
      { role: "user", content: d.question },
      { role: "assistant", content: d.answer },
    ],
    metadata: { reference: String(d.fact.result) },
  };
}

/** A held-out fact as a `qa` prompt line (lib/datasets/qa-format.ts), in the first training template. */
export function heldOutQaLine(f: ArithmeticFact, templateIndex = 0): { prompt: string; answer: string } {
  const templates = TEMPLATES.arithmetic.filter((t) => !t.heldOut);
  return { prompt: fillTemplate(templates[templateIndex % templates.length], subjectOf(f)), answer: String(f.result) };
}
