// More questions in the default model's domain, for filling the demo project at scale (load,
// simulated annotators, reward-model runs): capitals and arithmetic, asked in the phrasings the
// SFT model was trained on, distinct, in a seeded order.
import { Random } from "../ml/random";
import { countryFacts } from "../default-model/facts";
import { TEMPLATES, fillTemplate, type QaCategory } from "../default-model/sft-data";

export type DemoQuestionCategory = Extract<QaCategory, "capital" | "arithmetic">;

export interface DemoQuestionOptions {
  seed?: number;
  /** Default both. */
  categories?: readonly DemoQuestionCategory[];
  /**
   * one (default): each subject once, in one training template drawn at random; every: each
   * subject in every training template (the same fact asked several ways, as the SFT data asks it).
   */
  templates?: "one" | "every";
}

function arithmeticSubjects(): string[] {
  const out: string[] = [];
  for (let a = 0; a <= 20; a++) for (let b = 0; b <= 20; b++) out.push(`${a} + ${b}`);
  for (let a = 0; a <= 20; a++) for (let b = 0; b <= a; b++) out.push(`${a} - ${b}`);
  for (let a = 0; a <= 12; a++) for (let b = 0; b <= 12; b++) out.push(`${a} * ${b}`);
  return out;
}

/** `n` distinct questions, the categories interleaved (at most every subject once, or once per template with `templates: "every"`). */
export function demoQuestions(n: number, options: DemoQuestionOptions = {}): string[] {
  const rng = new Random(options.seed ?? 0);
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  };
  const categories = options.categories ?? ["capital", "arithmetic"];
  const pools = categories.map((category) => {
    const subjects = category === "capital" ? countryFacts().map((f) => f.country) : arithmeticSubjects();
    const templates = TEMPLATES[category].filter((t) => !t.heldOut);
    return { subjects: shuffle([...subjects]), templates };
  });
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const pool = pools[i % pools.length];
    const k = Math.floor(i / pools.length);
    if (pools.every((p) => Math.floor(i / pools.length) >= p.subjects.length)) break;
    if (k >= pool.subjects.length) continue;
    if (options.templates === "every") for (const t of pool.templates) out.push(fillTemplate(t, pool.subjects[k]));
    else out.push(fillTemplate(pool.templates[Math.floor(rng.uniform() * pool.templates.length)], pool.subjects[k]));
  }
  return out.slice(0, n);
}
