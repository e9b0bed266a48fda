// A training configuration's form fields, derived from its zod object schema (as the CLI's flags
// are in scripts/config-flags.ts): each field's input kind (integer, number, checkbox, select),
// bounds, default and help text (its .describe()). Plain data, so a server page derives them
// and passes them to its client form; a field added to the schema appears in the form by itself.
import type { z } from "zod";

export interface ConfigFieldSpec {
  key: string;
  label: string;
  help: string;
  kind: "int" | "float" | "bool" | "enum";
  min?: number;
  max?: number;
  /** An enum's values. */
  options?: string[];
  default: number | boolean | string;
  /** The form section it belongs to. */
  section: string;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
}
const defOf = (t: z.ZodType) => (t as unknown as { def: Def }).def;

/** The innermost schema of a field (through .default(), .optional(), …). */
function innerOf(field: z.ZodType): z.ZodType {
  let t = field;
  for (let def = defOf(t); ["default", "optional", "nullable", "prefault"].includes(def.type) && def.innerType; def = defOf(t)) t = def.innerType;
  return t;
}

const ACRONYMS: Record<string, string> = { kl: "KL", ppo: "PPO", eos: "EOS", lr: "LR", id: "ID" };

/** `numPpoEpochs` → "Num PPO epochs". */
export function fieldLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(" ")
    .map((w) => w.toLowerCase())
    .map((w) => ACRONYMS[w] ?? w);
  const first = words[0] ?? "";
  return [first.charAt(0).toUpperCase() + first.slice(1), ...words.slice(1)].join(" ");
}

/**
 * Every field of `shape` as a form field. `labels` overrides derived labels; `sections` places a
 * field in a named section (others go in "Other"); `defaults` are the schema's parsed defaults.
 */
export function configFieldSpecs(
  shape: Record<string, z.ZodType>,
  defaults: Record<string, unknown>,
  { labels = {}, sections = {} }: { labels?: Record<string, string>; sections?: Record<string, string> } = {},
): ConfigFieldSpec[] {
  return Object.entries(shape).map(([key, field]): ConfigFieldSpec => {
    const inner = innerOf(field);
    const type = defOf(inner).type;
    const base = { key, label: labels[key] ?? fieldLabel(key), help: field.description ?? inner.description ?? "", section: sections[key] ?? "Other" };
    const def = defaults[key];
    if (type === "boolean") return { ...base, kind: "bool", default: def === true };
    if (type === "enum") {
      const options = ((inner as unknown as { options: unknown[] }).options ?? []).map(String);
      return { ...base, kind: "enum", options, default: typeof def === "string" ? def : (options[0] ?? "") };
    }
    if (type === "number") {
      const n = inner as unknown as { minValue: number | null; maxValue: number | null; isInt: boolean };
      const bound = (x: number | null) => (x !== null && Number.isFinite(x) && Math.abs(x) < Number.MAX_SAFE_INTEGER ? x : undefined);
      return { ...base, kind: n.isInt ? "int" : "float", min: bound(n.minValue), max: bound(n.maxValue), default: typeof def === "number" ? def : 0 };
    }
    throw new Error(`configFieldSpecs: ${key} is a ${type}; only numbers, booleans and enums have form fields`);
  });
}
