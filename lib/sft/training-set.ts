// Where an SFT run's demonstrations come from, and how they are split and mixed:
//
// - the primary source: the project's submitted demonstrations (those a reviewer rejected left
//   out; `accepted`: only those a reviewer accepted), or a TRL conversational SFT file
//   (`{"messages": [...]}` per line, lib/datasets/sft-format.ts: the last message is the answer),
//   or a dataset snapshot's demonstrations (its test split held out): its `sft` files (accepted
//   ones) and, unless `accepted`, its `sft-unreviewed` files (lib/datasets/snapshot.ts);
// - mixed-in files (`--mix FILE:RATIO`, mix.ts), e.g. best-of-n's kept answers.
//
// Each demonstration carries its prompt's reference answer when there is one (the project
// prompt's metadata.reference, or a file line's metadata.reference), for the exact-answer check.
// The held-out side is chosen by prompt over every source together (a seeded share of the
// distinct prompts, or the snapshot's test split), so a prompt is never on both sides; the mix is
// then drawn from the training side only.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { Message } from "../../db/schema";
import { parseSftLine } from "../datasets/sft-format";
import type { SnapshotManifest } from "../datasets/snapshot-manifest";
import { readManifest, snapshotFilePath } from "../datasets/snapshot-store";
import { splitByPrompt } from "../ml/rl/reward-data";
import type { ChatMessage } from "../ml/tokenizer";
import { referenceOf } from "../rewards/reference";
import type { DemonstrationSelection } from "./job-params";
import { mixExamples, type MixCount } from "./mix";
import { snapshotSftFormats, snapshotWithoutDemonstrations } from "./snapshot-selection";
import type { SftExample } from "./train-sft";

/** What the lineage records of the primary source. */
export type SftSource =
  | { kind: "demonstrations"; selection: DemonstrationSelection; demonstrations: number; hash: string }
  | { kind: "file"; file: string; rows: number; hash: string }
  | {
      kind: "snapshot";
      snapshot: { name: string; project: { id: number; name: string }; hash: string; created_at: string };
      selection: DemonstrationSelection;
      rows: number;
    };

export interface SourceData {
  examples: SftExample[];
  /** Prompts fixed as held out by the source (a snapshot's test split); null: the seeded split. */
  heldOutKeys: string[] | null;
  source: SftSource;
  description: string;
}

const messagesOf = (messages: readonly Message[]): ChatMessage[] => messages.map((m) => ({ role: m.role, content: m.content }));

function example(prompt: readonly Message[], answer: string, metadata: unknown): SftExample {
  const messages = messagesOf(prompt);
  return { promptKey: JSON.stringify(messages), prompt: messages, answer, reference: referenceOf(metadata) };
}

function hashExamples(examples: readonly SftExample[]): string {
  const h = createHash("sha256");
  for (const e of examples) h.update(JSON.stringify([e.promptKey, e.answer, e.reference]) + "\n");
  return h.digest("hex");
}

/** The demonstrations of `selection`: submitted ones but those a reviewer rejected, or accepted ones only. */
const selected = (projectId: number, selection: DemonstrationSelection) => {
  const review = selection === "accepted" ? sql`AND d.review = 'accepted'` : sql`AND d.review <> 'rejected'`;
  return sql`FROM demonstrations d JOIN tasks t ON t.id = d.task_id JOIN prompts p ON p.id = t.prompt_id
    WHERE t.project_id = ${projectId} AND d.status = 'submitted' ${review}`;
};

/** How many demonstrations projectDemonstrations would give. */
export function countProjectDemonstrations(db: Db, projectId: number, selection: DemonstrationSelection): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n ${selected(projectId, selection)}`)?.n ?? 0;
}

/** The project's submitted demonstrations (rejected ones left out; `accepted`: accepted ones only), in id order. */
export function projectDemonstrations(db: Db, projectId: number, selection: DemonstrationSelection): SourceData {
  const rows = db.all<{ messages: string; metadata: string | null; text: string }>(sql`
    SELECT p.messages AS messages, p.metadata AS metadata, d.text AS text
    ${selected(projectId, selection)}
    ORDER BY d.id`);
  const examples = rows.map((r) => example(JSON.parse(r.messages) as Message[], r.text, r.metadata === null ? null : JSON.parse(r.metadata)));
  return {
    examples,
    heldOutKeys: null,
    source: { kind: "demonstrations", selection, demonstrations: examples.length, hash: hashExamples(examples) },
    description: `${examples.length} ${selection === "accepted" ? "accepted" : "submitted (not rejected)"} demonstrations`,
  };
}

/** The demonstrations of a TRL conversational SFT file; a bad line names itself. */
export function readSftFile(path: string): { examples: SftExample[]; rows: number; hash: string } {
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  const bytes = readFileSync(path);
  const examples: SftExample[] = [];
  bytes
    .toString("utf8")
    .split("\n")
    .forEach((text, i) => {
      if (text.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new Error(`${path}, line ${i + 1}: not JSON (${(err as Error).message})`);
      }
      const parsed = parseSftLine(value);
      if ("error" in parsed) throw new Error(`${path}, line ${i + 1}: ${parsed.error}`);
      examples.push(example(parsed.record.messages, parsed.record.demonstration, parsed.record.metadata));
    });
  return { examples, rows: examples.length, hash: createHash("sha256").update(bytes).digest("hex") };
}

export function fileDemonstrations(path: string): SourceData {
  const f = readSftFile(path);
  return {
    examples: f.examples,
    heldOutKeys: null,
    source: { kind: "file", file: path, rows: f.rows, hash: f.hash },
    description: `${f.rows} demonstrations of ${path} (sha256 ${f.hash.slice(0, 12)}…)`,
  };
}

/**
 * A snapshot folder's demonstrations of `selection` (its sft files, and its sft-unreviewed files
 * unless `accepted`): its train split to learn from, its test split held out.
 */
export function snapshotDemonstrations(dir: string, selection: DemonstrationSelection = "submitted"): SourceData {
  const manifest: SnapshotManifest = readManifest(dir);
  const formats: readonly string[] = snapshotSftFormats(selection);
  const files = manifest.files.filter((f) => formats.includes(f.format));
  if (files.length === 0) throw new Error(snapshotWithoutDemonstrations(manifest, selection));
  const examples: SftExample[] = [];
  const heldOut = new Set<string>();
  for (const f of files) {
    const path = snapshotFilePath(dir, manifest, f.path);
    if (!path) throw new Error(`snapshot ${manifest.name}: ${f.path} is not a file of the snapshot`);
    for (const e of readSftFile(path).examples) {
      examples.push(e);
      if (f.split === "test") heldOut.add(e.promptKey);
    }
  }
  const { name, project, hash, created_at } = manifest;
  return {
    examples,
    heldOutKeys: [...heldOut],
    source: { kind: "snapshot", snapshot: { name, project, hash, created_at }, selection, rows: examples.length },
    description: `snapshot ${name} of "${project.name}" (hash ${hash.slice(0, 12)}…), its test split held out: ${examples.length} ${selection === "accepted" ? "accepted" : "submitted (not rejected)"} demonstrations`,
  };
}

export interface MixSource {
  file: string;
  ratio: number;
  examples: SftExample[];
  hash: string;
}

export interface SftTrainingSet {
  train: SftExample[];
  eval: SftExample[];
  /** The primary source and each mixed file, with how many of each the training side took. */
  counts: MixCount[];
}

/** A short name of the primary source, for the mix's counts. */
export function sourceName(source: SftSource): string {
  if (source.kind === "file") return source.file;
  if (source.kind === "snapshot") return `snapshot ${source.snapshot.name}`;
  return `${source.selection} demonstrations`;
}

/** Splits by prompt (every source together), then mixes the training side (see the header). Pure. */
export function sftTrainingSet(primary: SourceData, mixes: readonly MixSource[], validationFraction: number, seed: number): SftTrainingSet {
  const all = [...primary.examples, ...mixes.flatMap((m) => m.examples)];
  const held = primary.heldOutKeys !== null ? new Set(primary.heldOutKeys) : new Set(splitByPrompt(all, validationFraction, seed).eval.map((e) => e.promptKey));
  const trainOf = (list: readonly SftExample[]) => list.filter((e) => !held.has(e.promptKey));
  const mixed = mixExamples(
    sourceName(primary.source),
    trainOf(primary.examples),
    mixes.map((m) => ({ name: m.file, ratio: m.ratio, examples: trainOf(m.examples) })),
    seed,
  );
  return { train: mixed.examples, eval: all.filter((e) => held.has(e.promptKey)), counts: mixed.counts };
}
