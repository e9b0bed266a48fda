// Exporting a project's demonstrations as TRL's conversational SFT JSONL (sft-format.ts): one row
// per submitted demonstration, in id order, read in batches (keyset by id) so a large project
// streams. A prompt's reference answer (metadata.reference) rides along as the row's
// `metadata.reference` (sftRow), so an SFT run on the file can check exact answers.
// Demonstrations a reviewer rejected are left out; `onlyAccepted` keeps only the ones a reviewer
// accepted.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { Message } from "../../db/schema";
import { referenceOf } from "../rewards/reference";
import { exportFileName, jsonlChunks } from "./export";
import { sftRow } from "./sft-format";

export interface SftExportOptions {
  /** Only demonstrations a reviewer accepted (default: every submitted one but those a reviewer rejected). */
  onlyAccepted?: boolean;
}

const BATCH = 1000;

/**
 * Which submitted demonstrations a reading takes: every one but those a reviewer rejected (the
 * export's default), those a reviewer accepted, or those no reviewer has decided on yet (a
 * snapshot writes these apart from the accepted ones, lib/datasets/snapshot.ts).
 */
export type SftReviewSelection = "not-rejected" | "accepted" | "pending";

/** One exported demonstration: its row's JSON text (no newline), with the prompt and annotator it came from. */
export interface SftEntry {
  promptId: number;
  userId: number;
  json: string;
}

/** The project's submitted demonstrations of `review` as export rows, in id order. */
export function* sftEntries(db: Db, projectId: number, review: SftReviewSelection): Generator<SftEntry> {
  const which = review === "accepted" ? sql`AND d.review = 'accepted'` : review === "pending" ? sql`AND d.review = 'pending'` : sql`AND d.review <> 'rejected'`;
  for (let after = 0; ;) {
    const rows = db.all<{ id: number; promptId: number; userId: number; messages: string; metadata: string | null; text: string }>(sql`
      SELECT d.id AS id, t.prompt_id AS promptId, d.user_id AS userId, p.messages AS messages, p.metadata AS metadata, d.text AS text
      FROM demonstrations d JOIN tasks t ON t.id = d.task_id JOIN prompts p ON p.id = t.prompt_id
      WHERE t.project_id = ${projectId} AND d.status = 'submitted' ${which} AND d.id > ${after}
      ORDER BY d.id LIMIT ${BATCH}`);
    for (const row of rows) {
      const reference = row.metadata === null ? null : referenceOf(JSON.parse(row.metadata));
      yield { promptId: row.promptId, userId: row.userId, json: JSON.stringify(sftRow(JSON.parse(row.messages) as Message[], row.text, reference)) };
    }
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1].id;
  }
}

/** The export's rows as JSON texts (no newline), one per demonstration. */
export function* sftJson(db: Db, projectId: number, options: SftExportOptions = {}): Generator<string> {
  for (const entry of sftEntries(db, projectId, options.onlyAccepted ? "accepted" : "not-rejected")) yield entry.json;
}

export interface SftCounts {
  submitted: number;
  accepted: number;
  rejected: number;
}

/** How many submitted demonstrations the project has, and how many a reviewer accepted or rejected (for an empty export's message). */
export function sftCounts(db: Db, projectId: number): SftCounts {
  const row = db.get<SftCounts>(sql`
    SELECT count(*) AS submitted, coalesce(sum(d.review = 'accepted'), 0) AS accepted, coalesce(sum(d.review = 'rejected'), 0) AS rejected
    FROM demonstrations d JOIN tasks t ON t.id = d.task_id WHERE t.project_id = ${projectId} AND d.status = 'submitted'`);
  return { submitted: Number(row?.submitted ?? 0), accepted: Number(row?.accepted ?? 0), rejected: Number(row?.rejected ?? 0) };
}

/** "no demonstrations to export" with the reason, when sftJson yields nothing. */
export function emptySftMessage(projectName: string, options: SftExportOptions, counts: SftCounts): string {
  if (counts.submitted === 0) return `no demonstrations to export: project "${projectName}" has no submitted demonstrations yet`;
  if (options.onlyAccepted)
    return `no demonstrations to export: none of the ${counts.submitted} submitted demonstrations of "${projectName}" is accepted by review yet (only accepted ones were asked for)`;
  return `no demonstrations to export: all ${counts.rejected} submitted demonstrations of "${projectName}" were rejected by review`;
}

/** The export as a stream of UTF-8 bytes for an HTTP download. */
export function sftStream(db: Db, projectId: number, options: SftExportOptions = {}): ReadableStream<Uint8Array> {
  const texts = sftJson(db, projectId, options);
  const chunks = jsonlChunks(texts, { chunkBytes: 65_536 });
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel() {
      chunks.return(undefined);
      texts.return(undefined);
    },
  });
}

/** A download file name: `<project>-sft.jsonl`, safe for any filesystem. */
export function sftFileName(projectName: string): string {
  return exportFileName(projectName, { format: "rankings" }).replace(/-rankings\.jsonl$/, "-sft.jsonl");
}
