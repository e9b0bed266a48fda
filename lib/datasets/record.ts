// What an import format turns a line into, and the shared pieces every format's parser uses:
// message and completion schemas, and readable, field-naming error messages.
import { z } from "zod";
import type { Flag, Message } from "../../db/schema";
import type { NewCompletion } from "../tasks";

export const IMPORT_FORMATS = ["palate", "trl", "oasst", "rankings", "hh", "openrlhf"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One task to create: a conversation, its completions and, for preference data, an existing ranking. */
export interface ImportRecord {
  messages: Message[];
  completions: NewCompletion[];
  externalId?: string | null;
  promptMetadata?: Record<string, unknown> | null;
  /**
   * Completion indices (into `completions`), best group first; ties share a group. Imported as
   * the ranking of `rankedBy.annotator`, or of the "imported" annotator when there is none.
   */
  ranking?: number[][];
  /**
   * The ranking's strength (`rankings.strength`): a pair row's `margin` (trl, openrlhf), the
   * reward gap the pair asks for; exported back as `margin` (pair-margin.ts).
   */
  strength?: number | null;
  /** Who ranked and how, when the file says (the `rankings` format). */
  rankedBy?: RankedBy;
  /**
   * The record is one annotator's ranking of a task that other lines may rank too: records with
   * the same conversation and the same completion texts (in any order) become one task with
   * several rankings (the `rankings` format). Without it every record is a task of its own.
   */
  sharedTask?: boolean;
}

/** The details of an imported ranking beyond its order. */
export interface RankedBy {
  /** The annotator's name: an imported identity of the project (lib/datasets/imported-annotator.ts). */
  annotator: string;
  noneAcceptable?: boolean;
  comment?: string | null;
  secondsSpent?: number | null;
  /** When it was submitted (ms since the epoch); the import's time when absent. */
  createdAt?: number | null;
  /** Flags by completion index. */
  flags?: { completion: number; flag: Flag }[];
}

/** A format's line parser: the parsed JSON value of one line → its records, or the reason it is invalid. */
export type LineParser = (value: unknown) => { records: ImportRecord[] } | { error: string };

export const messageSchema = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});

/** A non-empty conversation. */
export const messagesSchema = z.array(messageSchema).min(1, "expected at least one message");

/** Levels of nesting allowed inside a metadata value (it is stored as JSON text; JSON.stringify recurses). */
export const MAX_METADATA_DEPTH = 32;

/** An object of free-form fields, nested at most MAX_METADATA_DEPTH levels (a 100k-deep value parses, but overflows the stack when stored). */
export const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => nestingDepth(value, MAX_METADATA_DEPTH) <= MAX_METADATA_DEPTH, `nested deeper than ${MAX_METADATA_DEPTH} levels`);

/** How deeply arrays and objects nest in `value` (a scalar is 0), counted without recursion and only up to `limit + 1`. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Parses `value` with `schema`, or gives one line's worth of error text naming the fields. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): { data: z.infer<S> } | { error: string } {
  const result = schema.safeParse(value);
  if (result.success) return { data: result.data };
  return { error: describeIssues(result.error.issues, value) };
}

/** `completions[2].text: expected string, got number; prompt: missing field` (at most 3 issues, then a count). */
export function describeIssues(all: readonly z.core.$ZodIssue[], input: unknown): string {
  // One issue per field: the first says what is wrong (a later "too small" on a non-list adds nothing).
  const seen = new Set<string>();
  const issues = all.filter((issue) => {
    const key = formatPath(issue.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const parts = issues.slice(0, 3).map((issue) => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${describeIssue(issue, input)}` : describeIssue(issue, input);
  });
  if (issues.length > 3) parts.push(`and ${issues.length - 3} more`);
  return parts.join("; ");
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === "invalid_type") {
    const actual = valueAt(input, issue.path);
    if (actual === undefined) return "missing field";
    // A custom message (set by a schema) wins over the generic one.
    if (!issue.message.startsWith("Invalid input")) return issue.message;
    return `expected ${issue.expected}, got ${kindOf(actual)}`;
  }
  if (issue.code === "unrecognized_keys") {
    const named = issue.keys.slice(0, 3).map(preview).join(", ");
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${named}${issue.keys.length > 3 ? ` and ${issue.keys.length - 3} more` : ""}`;
  }
  if (issue.code === "invalid_value")
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${preview(valueAt(input, issue.path))}`;
  if (issue.code === "too_small" && issue.origin === "array")
    return issue.message.startsWith("Too small") ? `expected at least ${issue.minimum} items` : issue.message;
  return issue.message;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Longest string quoted in an error message: the rest is elided, so a huge value cannot make a huge error. */
const PREVIEW_CHARS = 60;

/**
 * A value as an error message quotes it: a string or scalar as JSON (a long string cut short), an
 * array or object by its kind only (never serialised: it may be huge or nested past the stack).
 */
export function preview(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string")
    return value.length > PREVIEW_CHARS ? `${JSON.stringify(value.slice(0, PREVIEW_CHARS))}… (${value.length} characters)` : JSON.stringify(value);
  if (typeof value === "object" && value !== null) return kindOf(value);
  return JSON.stringify(value) ?? String(value);
}

/** `string`, `number`, `array`, `null`, `object`, … as a person would name the JSON value. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
