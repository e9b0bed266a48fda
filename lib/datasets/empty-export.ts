// Why an export has nothing to write: the project has no rankings, or the filters leave none
// ("none acceptable" rankings are left out by default), or its rankings give no pair (tied or
// identical completions). The HTTP route answers 409 with this message; `palate export` fails with it.
import { count, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rankings, tasks } from "../../db/schema";
import { exportOptionsSchema, type ExportOptions } from "./export";

export interface ExportRankingCounts {
  /** The project's current rankings. */
  rankings: number;
  /** How many of them are marked "none acceptable". */
  noneAcceptable: number;
}

export function exportRankingCounts(db: Db, projectId: number): ExportRankingCounts {
  const [row] = db
    .select({ rankings: count(), noneAcceptable: sql<number>`coalesce(sum(${rankings.noneAcceptable}), 0)` })
    .from(rankings)
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .where(eq(tasks.projectId, projectId))
    .all();
  return { rankings: row?.rankings ?? 0, noneAcceptable: Number(row?.noneAcceptable ?? 0) };
}

/** How the caller spells the filters: query parameters (HTTP) or flags (CLI). */
export type FilterStyle = "query" | "flags";

export function describeExportFilters(options: ExportOptions, style: FilterStyle): string {
  const { format, pairs, includeNoneAcceptable } = exportOptionsSchema.parse(options);
  const trl = format !== "rankings";
  if (style === "query") return [`format=${format}`, ...(trl ? [`pairs=${pairs}`] : []), `includeNoneAcceptable=${includeNoneAcceptable}`].join(", ");
  return [`--format ${format}`, ...(trl ? [`--pairs ${pairs}`] : []), ...(includeNoneAcceptable ? ["--include-none-acceptable"] : [])].join(" ");
}

/** "no rankings to export (<filters>): <why>", for an export that wrote no row. */
export function emptyExportMessage(projectName: string, options: ExportOptions, counts: ExportRankingCounts, style: FilterStyle): string {
  const { includeNoneAcceptable } = exportOptionsSchema.parse(options);
  const head = `no rankings to export (${describeExportFilters(options, style)})`;
  const project = `project "${projectName}"`;
  if (counts.rankings === 0) return `${head}: ${project} has no rankings yet`;
  const kept = includeNoneAcceptable ? counts.rankings : counts.rankings - counts.noneAcceptable;
  const includeHint = style === "query" ? "includeNoneAcceptable=true" : "--include-none-acceptable";
  if (kept === 0) {
    const all = counts.rankings === 1 ? `the 1 ranking of ${project} is` : `all ${counts.rankings} rankings of ${project} are`;
    return `${head}: ${all} marked "none acceptable" (${includeHint} exports them)`;
  }
  const left = !includeNoneAcceptable && counts.noneAcceptable > 0 ? `, ${counts.noneAcceptable} more marked "none acceptable" left out` : "";
  return `${head}: the ${kept} ranking${kept === 1 ? "" : "s"} of ${project}${left} give no pair (their completions are tied or have identical texts)`;
}
