// Snapshots of large projects as a job: what the `snapshot` job does (lib/jobs/kinds/snapshot.ts),
// and what the snapshots route decides before it writes anything.
//
// - Which way: a project of up to PALATE_SNAPSHOT_SYNC_MAX_RANKINGS rankings (default 1,000) is
//   snapshotted within the request; a larger one by the job, which the request answers with 202.
//   The request blocks the server's thread while it writes: measured on 2 loaded cores with K = 4
//   completions and three annotators, 0.5-0.9 s at 1,000 rankings, 0.7-1.1 s at 2,000, 1.8-2.5 s
//   at 5,000; about 2 minutes at 200,000 (the job's time).
// - Decided at once, without exporting: the same name already holding a snapshot of the same data
//   (the project's data version, kept by SQLite triggers, unchanged since the snapshot was read,
//   and the same filters and split) is "exists"; a snapshot job of that name already queued or
//   running is that job (or a conflict when it was asked with other settings).
// - The job reads through a connection of its own, in one read transaction (the files agree with
//   each other while annotators keep ranking), while its heartbeat, progress and cancel checks go
//   through the job's connection: a write there inside the read transaction would hold the
//   database's write lock for the whole snapshot.
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { and, eq, inArray } from "drizzle-orm";
import { busyTimeoutMs, type Connection, type Db } from "../../db/client";
import * as schema from "../../db/schema";
import { jobs } from "../../db/schema";
import type { JobContext } from "../jobs/kind";
import { SNAPSHOT_JOB_KIND, snapshotJobParamsSchema, type SnapshotJobParams } from "../jobs/kinds/snapshot";
import { enqueueJob, getJob, type Job } from "../jobs/queue";
import { getProject, type Project } from "../projects";
import { createSnapshot, projectDataVersion, snapshotFiltersSchema, snapshotRequestSchema, type SnapshotProgress, type SnapshotRequest } from "./snapshot";
import type { SnapshotManifest } from "./snapshot-manifest";
import { findSnapshot } from "./snapshot-store";
import { snapshotWriterLive, sweepSnapshotTemps } from "./snapshot-sweep";

/** Projects with up to this many rankings are snapshotted within the request; larger ones by a job. */
export const DEFAULT_SNAPSHOT_SYNC_MAX_RANKINGS = 1000;

/** PALATE_SNAPSHOT_SYNC_MAX_RANKINGS when set (a whole number), else the default. */
export function snapshotSyncMaxRankings(env: Record<string, string | undefined> = process.env): number {
  const raw = env.PALATE_SNAPSHOT_SYNC_MAX_RANKINGS?.trim();
  return raw && /^[0-9]{1,12}$/.test(raw) ? Number(raw) : DEFAULT_SNAPSHOT_SYNC_MAX_RANKINGS;
}

/** The snapshot request in full: every default filled in, as the manifest records it. */
function fullRequest(request: SnapshotRequest) {
  const { name, testShare, license, ...filters } = snapshotRequestSchema.parse(request);
  return { name, testShare, license, filters: snapshotFiltersSchema.parse(filters) };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}

/**
 * The existing snapshot of that name when it certainly holds the data this request would freeze
 * now: taken at the project's current data version, with the same filters and test share (the
 * license is the card's, outside the content hash). Undefined when that cannot be told without
 * exporting (no such snapshot, another version, other settings, no versions in this database).
 */
export function unchangedSnapshot(db: Db, project: Project, request: SnapshotRequest, dataDir: string): SnapshotManifest | undefined {
  const { name, testShare, filters } = fullRequest(request);
  const existing = findSnapshot(dataDir, project.id, name);
  const version = existing?.source?.data_version;
  if (!existing || version === undefined) return undefined;
  if (existing.split.test_share !== testShare || !sameJson(existing.filters, filters)) return undefined;
  return projectDataVersion(db, project.id) === version ? existing : undefined;
}

/** The project's snapshot jobs that are queued or running, oldest first. */
export function activeSnapshotJobs(db: Db, projectId: number): Job[] {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, SNAPSHOT_JOB_KIND), eq(jobs.projectId, projectId), inArray(jobs.status, ["queued", "running"])))
    .orderBy(jobs.id)
    .all();
}

export type EnqueueSnapshotOutcome = { job: Job; existing: boolean } | { conflict: Job };

/**
 * Enqueues the snapshot job for `request`, unless a job of that name is queued or running already:
 * then that job when it was asked with the same settings, else a conflict. One IMMEDIATE
 * transaction, so two requests at once never start two jobs of one name.
 */
export function enqueueSnapshotJob(db: Db, project: Project, request: SnapshotRequest, createdBy: number | null): EnqueueSnapshotOutcome {
  const params = snapshotJobParamsSchema.parse({ ...snapshotRequestSchema.parse(request), projectId: project.id });
  return db.transaction(
    (tx) => {
      for (const job of activeSnapshotJobs(tx, project.id)) {
        const other = snapshotJobParamsSchema.safeParse(job.params);
        if (!other.success || other.data.name !== params.name) continue;
        return sameJson(other.data, params) ? { job, existing: true } : { conflict: job };
      }
      return { job: enqueueJob(tx, { kind: SNAPSHOT_JOB_KIND, params, projectId: project.id, createdBy }), existing: false };
    },
    { behavior: "immediate" },
  );
}

/** Removes the project's snapshot temp folders whose writer is gone (a job not running, a process that exited). */
export function sweepProjectSnapshotTemps(db: Db, dataDir: string, projectId: number, exceptJob?: number): string[] {
  return sweepSnapshotTemps(dataDir, projectId, (writer) => snapshotWriterLive(writer, (id) => getJob(db, id)?.status, exceptJob));
}

/** A second connection to the job's database file, for the snapshot's long read transaction. */
function openReader(db: Db): Connection {
  const path = (db as Partial<Connection>).$client?.name;
  if (!path || path === ":memory:") throw new Error("the snapshot job needs a database file (it reads through a connection of its own)");
  const sqlite = new Database(path, { fileMustExist: true });
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs()}`);
  return drizzle(sqlite, { schema }) as Connection;
}

const count = (n: number) => n.toLocaleString("en");

/** What a progress report says: the format, its rows, the files written. */
export function progressMessage(p: SnapshotProgress): string {
  if (p.formatsDone === p.formats) return `computing agreement and writing the card (${p.filesWritten} files, ${count(p.totalRows)} rows written)`;
  return `${p.format}: ${count(p.rows)} of ~${count(p.expectedRows)} rows (format ${p.formatsDone + 1} of ${p.formats}; ${p.filesWritten} files written)`;
}

export async function runSnapshotJob(ctx: JobContext<SnapshotJobParams>): Promise<Record<string, unknown>> {
  const { projectId, ...request } = ctx.params;
  const project = getProject(ctx.db, projectId);
  if (!project) throw new Error(`project ${projectId} does not exist`);
  // runJob puts the job's directory at <data>/jobs/<id>.
  const dataDir = dirname(dirname(ctx.artifactDir));
  // What a killed attempt of this job (or another writer gone) left.
  const swept = sweepProjectSnapshotTemps(ctx.db, dataDir, projectId, ctx.jobId);
  if (swept.length > 0) ctx.log(`Removed ${swept.length} unfinished snapshot folder(s) left by stopped writers: ${swept.join(", ")}.`);

  const reader = openReader(ctx.db);
  let lastCheck = 0;
  let formatsLogged = 0;
  const started = Date.now();
  try {
    ctx.progress(0, "reading the project");
    const { status, manifest, dir } = createSnapshot(reader, project, request, dataDir, new Date(), {
      writer: { job: ctx.jobId },
      onProgress(p) {
        // A heartbeat and a cancel check at most every 250 ms (each is a write on the job's connection).
        const now = Date.now();
        if (p.formatsDone > formatsLogged) {
          formatsLogged = p.formatsDone;
          ctx.log(`${p.format}: ${count(p.rows)} rows written (${p.filesWritten} files so far, ${((now - started) / 1000).toFixed(1)} s).`);
        } else if (now - lastCheck < 250) return;
        lastCheck = now;
        ctx.throwIfCancelled();
        ctx.progress(p.fraction, progressMessage(p));
      },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    ctx.log(
      status === "created"
        ? `Snapshot ${manifest.name} written: ${manifest.files.length} files, ${count(manifest.stats.rankings)} rankings, ${count(manifest.stats.pairs)} pairs, hash ${manifest.hash} (${seconds} s).`
        : `Snapshot ${manifest.name} already exists with the same data (hash ${manifest.hash}); nothing written.`,
    );
    return {
      status,
      projectId,
      snapshot: manifest.name,
      hash: manifest.hash,
      dir,
      files: manifest.files.length,
      rankings: manifest.stats.rankings,
      pairs: manifest.stats.pairs,
    };
  } finally {
    reader.$client.close();
  }
}
