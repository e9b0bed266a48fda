// A training configuration's CLI flags, derived from its zod schema: each field becomes
// `--kebab-case-name`, its description is the help line and its default is shown beside it.
// Numbers are parsed (an unparsable one names the flag), booleans are bare flags (`--adaptive-kl`)
// and enums take one of their values. The schema then validates the whole object, so a bad
// value is reported against the flag that set it.
import { z } from "zod";
import { CliError } from "./cli";

type Shape = Record<string, z.ZodType>;

export function flagName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The innermost schema of a field (through .default(), .optional()). */
function innerOf(field: z.ZodType): z.ZodType {
  let t: z.ZodType = field;
  for (;;) {
    const def = (t as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
    if ((def.type === "default" || def.type === "optional" || def.type === "nullable" || def.type === "prefault") && def.innerType) t = def.innerType;
    else return t;
  }
}

function kindOf(field: z.ZodType): "number" | "boolean" | "enum" | "string" {
  const type = (innerOf(field) as unknown as { def: { type: string } }).def.type;
  return type === "number" ? "number" : type === "boolean" ? "boolean" : type === "enum" ? "enum" : "string";
}

/** parseArgs option declarations for every field. */
export function configFlagOptions(shape: Shape): Record<string, { type: "string" | "boolean" }> {
  return Object.fromEntries(
    Object.entries(shape).map(([field, schema]) => [flagName(field), { type: kindOf(schema) === "boolean" ? ("boolean" as const) : ("string" as const) }]),
  );
}

/** The usage lines: `  --flag X   help (default d)`. */
export function configFlagHelp(shape: Shape, defaults: Record<string, unknown>, width = 26): string {
  return Object.entries(shape)
    .map(([field, schema]) => {
      const kind = kindOf(schema);
      const arg = kind === "boolean" ? "" : kind === "enum" ? ` ${(innerOf(schema) as unknown as { options: string[] }).options.join("|")}` : " X";
      const def = kind === "boolean" ? (defaults[field] ? " (default on)" : "") : ` (default ${String(defaults[field])})`;
      return `  --${(flagName(field) + arg).padEnd(width)}${schema.description ?? ""}${def}`;
    })
    .join("\n");
}

/** The fields the user set on the command line (unset ones are left to the schema's defaults). */
export function configFromFlags(shape: Shape, values: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(shape)) {
    const flag = flagName(field);
    const v = values[flag];
    if (v === undefined) continue;
    const kind = kindOf(schema);
    if (kind === "boolean") config[field] = v === true;
    else if (kind === "number") {
      const n = Number(v);
      if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n)) throw new CliError(`--${flag}: expected a number, got "${String(v)}"`);
      config[field] = n;
    } else config[field] = v;
  }
  return config;
}

/** Validates a configuration, naming the flag of the first bad field. */
export function parseConfigFlags<T>(schema: z.ZodType<T>, config: Record<string, unknown>): T {
  const parsed = schema.safeParse(config);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue.path[0] ?? "");
  throw new CliError(`--${flagName(field)}: ${issue.message}`);
}
