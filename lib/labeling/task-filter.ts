// The task list's filter, search, sort and page as query parameters: one zod schema for the API
// (a bad value is a 400 naming the parameter) and the project page (a bad value is ignored and
// named in a notice), and the way back to a URL (defaults left out, so links stay short).
// Pure and browser-safe: the filter form builds its URLs with it. The query itself runs in
// task-filter-query.ts.
import { z } from "zod";
import { FLAGS, type Flag } from "../../db/schema";
import type { FieldIssue } from "../http";

export const TASK_SORTS = ["oldest", "newest", "lowest-agreement", "most-flags", "most-rankings"] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export const TASK_SORT_LABELS: Record<TaskSort, string> = {
  oldest: "Oldest first",
  newest: "Newest first",
  "lowest-agreement": "Lowest agreement",
  "most-flags": "Most flags",
  "most-rankings": "Most rankings",
};

/** Unranked: no ranking yet; in progress: fewer than the project's R; complete: R or more. */
export const TASK_STATUSES = ["unranked", "in-progress", "complete"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = { unranked: "Unranked", "in-progress": "In progress", complete: "Complete" };

export const MAX_OFFSET = 1_000_000_000;
export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;
export const MAX_SEARCH_LENGTH = 200;

export interface TaskQuery {
  /** Substring of a prompt message or a completion (case-insensitive for ASCII letters). */
  q?: string;
  /** Tasks with a ranking that flags a completion: any flag, or this one. */
  flag?: Flag | "any";
  /** Tasks with a ranking marked "none acceptable". */
  none?: true;
  /** Tasks with a ranking edited after submission. */
  edited?: true;
  /** Tasks with a completion from this model. */
  model?: string;
  /** Tasks of this round of the loop (a task's round is its completions' highest `metadata.round`, 1 when unset). */
  round?: number;
  status?: TaskStatus;
  /** Tasks whose annotators' pairwise agreement (0–1) is below / above this; tasks without two annotators' rankings never match. */
  agreementBelow?: number;
  agreementAbove?: number;
  sort: TaskSort;
  offset: number;
  limit: number;
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,10}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be a whole number from ${min} to ${max}`).max(max, `must be a whole number from ${min} to ${max}`));

const fraction = z
  .string()
  .regex(/^(0|1|0?\.[0-9]{1,6}|1\.0{1,6})$/, "must be a number from 0 to 1 (agreement as a fraction, e.g. 0.5)")
  .transform(Number);

const yes = z.enum(["1", "true"], "must be 1 (or true); leave it out for no filter").transform(() => true as const);

/** One schema per parameter, each taking the raw string. */
export const taskQueryFields = {
  q: z.string().trim().max(MAX_SEARCH_LENGTH, `must be at most ${MAX_SEARCH_LENGTH} characters`),
  flag: z.enum(["any", ...FLAGS], `must be any or one of ${FLAGS.join(", ")}`),
  none: yes,
  edited: yes,
  model: z.string().trim().max(200, "must be at most 200 characters"),
  round: wholeNumber(1, 10_000),
  status: z.enum(TASK_STATUSES, `must be one of ${TASK_STATUSES.join(", ")}`),
  agreementBelow: fraction,
  agreementAbove: fraction,
  sort: z.enum(TASK_SORTS, `must be one of ${TASK_SORTS.join(", ")}`),
  offset: wholeNumber(0, MAX_OFFSET),
  limit: wholeNumber(1, MAX_LIMIT),
} as const;

export type TaskQueryParam = keyof typeof taskQueryFields;
export const TASK_QUERY_PARAMS = Object.keys(taskQueryFields) as TaskQueryParam[];

export const DEFAULT_TASK_QUERY: TaskQuery = { sort: "oldest", offset: 0, limit: DEFAULT_LIMIT };

type RawParams = URLSearchParams | Record<string, string | string[] | undefined>;

function rawValues(params: RawParams, key: string): string[] {
  if (params instanceof URLSearchParams) return params.getAll(key);
  const v = params[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * The task query in `params`; every parameter that is malformed, out of range or given twice is
 * left at its default and reported as an issue naming it. Empty values count as absent (a
 * submitted form sends its empty fields), and so does a search that is only spaces.
 */
export function parseTaskQuery(params: RawParams): { query: TaskQuery; issues: FieldIssue[] } {
  const query: Record<string, unknown> = { ...DEFAULT_TASK_QUERY };
  const issues: FieldIssue[] = [];
  for (const key of TASK_QUERY_PARAMS) {
    const values = rawValues(params, key).filter((v) => v !== "");
    if (values.length === 0) continue;
    if (values.length > 1) {
      issues.push({ field: key, message: "must be given once" });
      continue;
    }
    const parsed = taskQueryFields[key].safeParse(values[0]);
    if (!parsed.success) issues.push({ field: key, message: parsed.error.issues[0]?.message ?? "is not valid" });
    else if (parsed.data !== "") query[key] = parsed.data;
  }
  const q = query as unknown as TaskQuery;
  if (q.agreementBelow !== undefined && q.agreementAbove !== undefined && q.agreementAbove >= q.agreementBelow) {
    issues.push({ field: "agreementAbove", message: `must be below agreementBelow (${q.agreementBelow}), or no task can match` });
    delete q.agreementAbove;
  }
  return { query: q, issues };
}

/** Whether the query narrows the list (anything but sort and paging). */
export function isFiltered(query: TaskQuery): boolean {
  return (["q", "flag", "none", "edited", "model", "round", "status", "agreementBelow", "agreementAbove"] as const).some((k) => query[k] !== undefined);
}

/** The query as URL parameters, defaults left out; `overrides` replace single values (undefined removes). */
export function taskQueryParams(query: Partial<TaskQuery>, overrides: Partial<Record<TaskQueryParam, string | number | undefined>> = {}): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of TASK_QUERY_PARAMS) {
    const value = key in overrides ? overrides[key] : query[key];
    if (value === undefined || value === "") continue;
    if (value === DEFAULT_TASK_QUERY[key as keyof TaskQuery]) continue;
    out.set(key, value === true ? "1" : String(value));
  }
  return out;
}

/** `path` with the query's parameters (and overrides), for links that keep the list's state. */
export function taskQueryHref(path: string, query: Partial<TaskQuery>, overrides: Partial<Record<TaskQueryParam, string | number | undefined>> = {}): string {
  const qs = taskQueryParams(query, overrides).toString();
  return qs ? `${path}?${qs}` : path;
}
