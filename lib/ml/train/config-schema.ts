// One training configuration, many faces. A trainer's settings are ONE zod object schema with a
// documented default per field (`.default(…)`, and `.describe(…)` = the help text), as TRL's
// *Config classes beside their trainers (see lib/ml/rl/reward-config.ts). Everything else comes
// from that schema through these helpers, so no view or CLI repeats a default or a range:
//
//   configDefaults(schema)          the resolved defaults (schema.parse({}))
//   configHelp(schema)              field → help text
//   configFields(schema, flags?)    field descriptors: kind, default, bounds, choices, help and
//                                   CLI flag — what a form renders and `--help` lists
//   configUsage(fields)             the `--help` lines: "--flag X   help (default d)"
//   configFlagOptions(fields)       node:util parseArgs options for the flags
//   configFromFlags(schema, …)      parsed flag values → a validated config, or an error naming
//                                   the flag
//
// Job parameters embed the schema itself (`config: schema.default(…)`).
import { z } from "zod";

/** A config schema: a zod object of scalar settings (numbers, booleans, enums), optional or defaulted. */
export type ConfigSchema = z.ZodObject<Record<string, z.ZodType>>;

export type ConfigFieldKind = "integer" | "number" | "boolean" | "enum";

export interface ConfigField<K extends string = string> {
  key: K;
  /** The CLI flag without dashes: the key in kebab-case unless renamed. */
  flag: string;
  kind: ConfigFieldKind;
  /** The description: one line for the form and --help. */
  help: string;
  /** undefined: none in the schema (the help says how it is derived). */
  default: number | boolean | string | undefined;
  /** Inclusive bounds (numbers). */
  min?: number;
  max?: number;
  /** Exclusive bounds (numbers). */
  gt?: number;
  lt?: number;
  /** The choices of an enum. */
  options?: readonly string[];
}

/** The resolved defaults of a config schema. */
export function configDefaults<S extends ConfigSchema>(schema: S): z.infer<S> {
  return schema.parse({});
}

/** Each field's help text (its description). */
export function configHelp<S extends ConfigSchema>(schema: S): Record<keyof z.infer<S> & string, string> {
  return Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, field.description ?? ""])) as Record<
    keyof z.infer<S> & string,
    string
  >;
}

/** kebab-case of a camelCase key: "warmupSteps" → "warmup-steps". */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

interface JsonSchemaProperty {
  type?: string;
  enum?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/**
 * The fields of a config schema in declaration order. `flags` renames a field's CLI flag (e.g.
 * `{ learningRate: "lr" }` where a command's flag predates the schema).
 */
export function configFields<S extends ConfigSchema>(
  schema: S,
  flags: Partial<Record<keyof z.infer<S> & string, string>> = {},
): ConfigField<keyof z.infer<S> & string>[] {
  // The JSON Schema of the input side: zod's own, public account of types, bounds and defaults.
  const json = z.toJSONSchema(schema, { io: "input" }) as { properties: Record<string, JsonSchemaProperty> };
  return Object.keys(schema.shape).map((key) => {
    const p = json.properties[key];
    const kind: ConfigFieldKind | undefined =
      p.enum !== undefined ? "enum" : p.type === "integer" ? "integer" : p.type === "number" ? "number" : p.type === "boolean" ? "boolean" : undefined;
    if (kind === undefined) throw new Error(`config field ${key}: only numbers, booleans and enums are settings`);
    const dflt = p.default;
    const field: ConfigField<keyof z.infer<S> & string> = {
      key: key as keyof z.infer<S> & string,
      flag: (flags as Record<string, string | undefined>)[key] ?? flagName(key),
      kind,
      help: p.description ?? "",
      default: typeof dflt === "number" || typeof dflt === "boolean" || typeof dflt === "string" ? dflt : undefined,
    };
    // .int() alone implies the safe-integer range: not a bound worth showing.
    if (p.minimum !== undefined && p.minimum > Number.MIN_SAFE_INTEGER) field.min = p.minimum;
    if (p.maximum !== undefined && p.maximum < Number.MAX_SAFE_INTEGER) field.max = p.maximum;
    if (p.exclusiveMinimum !== undefined) field.gt = p.exclusiveMinimum;
    if (p.exclusiveMaximum !== undefined) field.lt = p.exclusiveMaximum;
    if (p.enum !== undefined) field.options = p.enum;
    return field;
  });
}

/** `--help` lines for the fields: "  --flag X   help (default d)", booleans without the X. */
export function configUsage(fields: readonly ConfigField[], width = 28): string {
  return fields
    .map((f) => {
      const head = f.kind === "boolean" ? `--${f.flag}` : `--${f.flag} ${f.kind === "enum" ? f.options!.join("|") : "X"}`;
      const dflt = f.default === undefined ? "" : f.kind === "boolean" ? ` (default ${f.default ? "on" : "off"})` : ` (default ${f.default})`;
      return `  ${head.padEnd(width)}${f.help}${dflt}`;
    })
    .join("\n");
}

/** node:util parseArgs options for the fields' flags. */
export function configFlagOptions(fields: readonly ConfigField[]): Record<string, { type: "string" | "boolean" }> {
  return Object.fromEntries(fields.map((f) => [f.flag, { type: f.kind === "boolean" ? ("boolean" as const) : ("string" as const) }]));
}

export type ConfigFromFlags<T> = { success: true; config: T } | { success: false; flag: string; message: string };

/**
 * A config from parsed flag values (strings for numbers and enums, booleans for switches):
 * the flags given override `base` (default: nothing, i.e. the schema's defaults), then the
 * schema validates. A failure names the flag.
 */
export function configFromFlags<S extends ConfigSchema>(
  schema: S,
  fields: readonly ConfigField[],
  values: Readonly<Record<string, unknown>>,
  base: Readonly<Record<string, unknown>> = {},
): ConfigFromFlags<z.infer<S>> {
  const input: Record<string, unknown> = { ...base };
  for (const f of fields) {
    const v = values[f.flag];
    if (v === undefined) continue;
    if (f.kind === "boolean" || f.kind === "enum") input[f.key] = v;
    else {
      const n = typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
      if (!Number.isFinite(n)) return { success: false, flag: f.flag, message: `expected a number, got "${String(v)}"` };
      input[f.key] = n;
    }
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return { success: true, config: parsed.data };
  const issue = parsed.error.issues[0];
  const key = String(issue.path[0] ?? "");
  return { success: false, flag: fields.find((f) => f.key === key)?.flag ?? flagName(key), message: issue.message };
}
