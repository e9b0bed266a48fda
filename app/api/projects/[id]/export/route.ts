// GET /api/projects/[id]/export (admin, researcher): download the project's rankings as JSONL.
//
// Query parameters:
// - format: trl | trl-conversational | rankings | hh | openrlhf | sft (required; sft: the project's
//   demonstrations as TRL's conversational SFT rows {messages, metadata: {reference} when the
//   prompt has one}, lib/datasets/sft-writer.ts, with onlyAccepted=true for those a reviewer
//   accepted; the ranking parameters do not apply to it)
// - pairs: all | best-vs-rest | adjacent (every format but rankings; default all)
// - includeNoneAcceptable: true | false | 1 | 0 | on (default false: rankings marked
//   "none acceptable" are left out)
// - rankings: every (default) | reviewed (a task's reviewed ranking where it has one) |
//   aggregated (one ranking per task, by aggregate: borda (default) | kemeny)
// - includePaused: true | false | … (default false: rankings of annotators paused by their gold
//   accuracy are left out)
//
// The body streams (rows are read from the database in batches as the client reads) with
// `Content-Disposition: attachment; filename="<project>-<format>[-<pairs>].jsonl"`.
// Answers 400 {error, issues} on a bad parameter, 401 signed out, 403 annotators, 404 no such project,
// and 409 {error, filters, rankings: {rankings, noneAcceptable}} when there is nothing to write: the
// error says "no rankings to export", names the filters and why (no rankings yet, all "none
// acceptable", or rankings that give no pair), instead of an empty file.
import { z } from "zod";
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, parseQuery, route } from "@/lib/http";
import { emptyExportMessage, exportRankingCounts } from "@/lib/datasets/empty-export";
import { EXPORT_FORMATS, exportFileName, exportStream, type ExportFormat } from "@/lib/datasets/export";
import { SFT_FORMAT } from "@/lib/datasets/sft-format";
import { emptySftMessage, sftCounts, sftFileName, sftStream } from "@/lib/datasets/sft-writer";
import { PAIR_MODES, type PairMode } from "@/lib/labeling/pairs";
import { getProject } from "@/lib/projects";
import { AGGREGATION_METHODS, RANKING_CHOICES } from "@/lib/quality/counted-rankings";

export const dynamic = "force-dynamic";

const querySchema = z
  .object({
    format: z.enum([...EXPORT_FORMATS, SFT_FORMAT]),
    pairs: z.enum(PAIR_MODES as [PairMode, ...PairMode[]]).default("all"),
    includeNoneAcceptable: z
      .enum(["true", "false", "1", "0", "on", "off", ""])
      .default("false")
      .transform((v) => v === "true" || v === "1" || v === "on"),
    // Which rankings count (lib/quality/counted-rankings.ts).
    rankings: z.enum(RANKING_CHOICES).default("every"),
    aggregate: z.enum(AGGREGATION_METHODS).default("borda"),
    includePaused: z
      .enum(["true", "false", "1", "0", "on", "off", ""])
      .default("false")
      .transform((v) => v === "true" || v === "1" || v === "on"),
    // sft only: keep only demonstrations a reviewer accepted (lib/datasets/sft-writer.ts).
    onlyAccepted: z
      .enum(["true", "false", "1", "0", "on", "off", ""])
      .default("false")
      .transform((v) => v === "true" || v === "1" || v === "on"),
  })
  .strict();

export const GET = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (!project) return notFound("no such project");
  const options = parseQuery(request.url, querySchema);
  if (options instanceof Response) return options;
  const { format, onlyAccepted, ...rest } = options;
  const sft = format === SFT_FORMAT;
  const ranking = { ...rest, format: format as ExportFormat };
  const filename = sft ? sftFileName(project.name) : exportFileName(project.name, ranking);
  // Read the first chunk before answering: an export with no row is an error, not an empty file.
  const reader = (sft ? sftStream(db, project.id, { onlyAccepted }) : exportStream(db, project.id, ranking)).getReader();
  const first = await reader.read();
  if (first.done && sft)
    return Response.json(
      { error: emptySftMessage(project.name, { onlyAccepted }, sftCounts(db, project.id)) },
      { status: 409, headers: { "cache-control": "no-store" } },
    );
  if (first.done) {
    const counts = exportRankingCounts(db, project.id);
    return Response.json(
      { error: emptyExportMessage(project.name, ranking, counts, "query"), filters: options, rankings: counts },
      { status: 409, headers: { "cache-control": "no-store" } },
    );
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(first.value);
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
});
