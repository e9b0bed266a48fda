// A reward function's parameters: defaults and help texts from its schema, and values given as
// text (a run's spec: `length(budget=200)`) checked against it with errors naming the field.
import type { z } from "zod";
import type { RewardParamsSchema } from "./reward-function";

export function defaultsOf(schema: RewardParamsSchema): Record<string, unknown> {
  return schema.parse({}) as Record<string, unknown>;
}

export function configHelpOf(schema: RewardParamsSchema): Record<string, string> {
  return Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, field.description ?? ""]));
}

/** A value written in a spec: a number when it reads as one, true/false, else the text. */
export function valueFromText(text: string): unknown {
  const t = text.trim();
  if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  if (t === "true" || t === "false") return t === "true";
  return t;
}

/** The parameters resolved (defaults filled in), or one line naming each bad field. */
export function parseParams(schema: RewardParamsSchema, given: Record<string, unknown>): { params: Record<string, unknown> } | { error: string } {
  const result = schema.safeParse(given);
  if (result.success) return { params: result.data as Record<string, unknown> };
  return { error: result.error.issues.map((issue) => describe(issue)).join("; ") };
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown parameter${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
  const where = issue.path.map(String).join(".");
  return where ? `${where}: ${issue.message}` : issue.message;
}
