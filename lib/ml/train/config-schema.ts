// One training configuration, many faces. A trainer's settings are ONE zod object schema with a
// documented default per field (`.default(…)`, and `.describe(…)` = the help text), as TRL's
// *Config classes beside their trainers: lib/ml/rl/reward-config.ts, ppo-config.ts, and here
// lm-config.ts and sft-config.ts. Everything else is derived from that schema, so no view or CLI
// repeats a default, a range or a help text:
//
//   defaults, help            configDefaults / configHelp below
//   CLI flags and --help      scripts/config-flags.ts (`--kebab-case` per field)
//   form fields               the app derives them from the schema the same way
//   job parameters            the job's zod schema embeds the config schema
import type { z } from "zod";

/** A config schema: a zod object of scalar settings, each optional or defaulted and described. */
export type ConfigSchema = z.ZodObject<Record<string, z.ZodType>>;

/** The resolved defaults of a config schema. */
export function configDefaults<S extends ConfigSchema>(schema: S): z.infer<S> {
  return schema.parse({});
}

/** Each field's help text (its description). */
export function configHelp<S extends ConfigSchema>(schema: S): Record<keyof z.infer<S> & string, string> {
  return Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, field.description ?? ""])) as Record<keyof z.infer<S> & string, string>;
}
