// A run's reward functions and their weights, as a person writes them on the command line or in
// a form, and as a job stores them.
//
//   accuracy                       one function, weight 1
//   accuracy,format                two, each weight 1
//   accuracy=1,format=0.5          weights
//   accuracy,length(budget=200)    parameters (each function's schema: defaults, help, ranges)
//   length(budget=64,unit=tokens)=0.25
//
// Weights are finite numbers (0 keeps a function's metric without its reward; a negative weight
// turns a reward into a penalty). Names are those of the registry (registry.ts); each at most
// once. Errors name the term and what is wrong with it: an unknown function lists the known ones.
import { z } from "zod";
import { parseParams, valueFromText } from "./params";
import { REWARD_FUNCTION_NAMES, rewardFunction } from "./registry";

/** One function of a run: its name, weight and parameters (defaults filled in once resolved). */
export interface RewardTerm {
  name: string;
  weight: number;
  params: Record<string, unknown>;
}

export class RewardSpecError extends Error {}

/** A run's terms as a job's parameters hold them (checked against the registry by resolveRewardTerms). */
export const rewardTermsSchema = z
  .array(
    z
      .object({
        name: z.string().min(1),
        weight: z.number().finite().default(1),
        params: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
  )
  .min(1, "expected at least one reward function");

function unknownFunction(name: string): RewardSpecError {
  return new RewardSpecError(`unknown reward function "${name}" (expected one of ${REWARD_FUNCTION_NAMES.join(", ")})`);
}

/** Checks each term against the registry and fills in the defaults of its parameters; throws a RewardSpecError naming the term. */
export function resolveRewardTerms(terms: readonly { name: string; weight?: number; params?: Record<string, unknown> }[]): RewardTerm[] {
  if (terms.length === 0) throw new RewardSpecError("expected at least one reward function");
  const seen = new Set<string>();
  return terms.map((term) => {
    const f = rewardFunction(term.name);
    if (!f) throw unknownFunction(term.name);
    if (seen.has(term.name)) throw new RewardSpecError(`reward function "${term.name}" is given twice`);
    seen.add(term.name);
    const weight = term.weight ?? 1;
    if (!Number.isFinite(weight)) throw new RewardSpecError(`${term.name}: the weight must be a finite number, got ${weight}`);
    const parsed = parseParams(f.params, term.params ?? {});
    if ("error" in parsed) throw new RewardSpecError(`${term.name}: ${parsed.error}`);
    return { name: term.name, weight, params: parsed.params };
  });
}

/** Splits at the commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const TERM = /^([A-Za-z_][\w-]*)\s*(?:\(([^()]*)\))?\s*(?:=\s*(.*))?$/;

/** `accuracy=1,format=0.5` → the resolved terms; throws a RewardSpecError naming the bad term. */
export function parseRewardSpec(spec: string): RewardTerm[] {
  if (spec.trim() === "") throw new RewardSpecError("expected at least one reward function (e.g. accuracy,format)");
  const terms = splitTopLevel(spec).map((raw) => {
    const text = raw.trim();
    if (text === "") throw new RewardSpecError(`empty term in "${spec}"`);
    const m = TERM.exec(text);
    if (!m) throw new RewardSpecError(`"${text}": expected NAME, NAME=WEIGHT or NAME(PARAM=VALUE,…)=WEIGHT`);
    const [, name, paramText, weightText] = m;
    if (!rewardFunction(name)) throw unknownFunction(name);
    let weight = 1;
    if (weightText !== undefined) {
      weight = Number(weightText.trim());
      if (weightText.trim() === "" || !Number.isFinite(weight)) throw new RewardSpecError(`${name}: the weight must be a number, got "${weightText.trim()}"`);
    }
    const params: Record<string, unknown> = {};
    if (paramText !== undefined && paramText.trim() !== "") {
      for (const pair of paramText.split(",")) {
        const eq = pair.indexOf("=");
        const key = eq < 0 ? pair.trim() : pair.slice(0, eq).trim();
        if (eq < 0 || key === "") throw new RewardSpecError(`${name}: expected PARAM=VALUE, got "${pair.trim()}"`);
        if (Object.hasOwn(params, key)) throw new RewardSpecError(`${name}: parameter ${key} is given twice`);
        params[key] = valueFromText(pair.slice(eq + 1));
      }
    }
    return { name, weight, params };
  });
  return resolveRewardTerms(terms);
}

/** The terms written back as a spec (`accuracy=1,length(budget=200)=0.5`): the parameters that differ from their defaults only. */
export function formatRewardSpec(terms: readonly RewardTerm[]): string {
  return terms
    .map((t) => {
      const f = rewardFunction(t.name);
      const defaults = f ? (f.params.parse({}) as Record<string, unknown>) : {};
      const changed = Object.entries(t.params).filter(([k, v]) => defaults[k] !== v);
      const params = changed.length > 0 ? `(${changed.map(([k, v]) => `${k}=${String(v)}`).join(",")})` : "";
      return `${t.name}${params}${t.weight === 1 ? "" : `=${t.weight}`}`;
    })
    .join(",");
}
