// Rejection sampling on a project: its prompts (each distinct conversation once, with its
// reference answer; only those with one when the rules read references), the kept answers as a
// TRL conversational SFT file (lib/datasets/sft-format.ts, the score and how it was chosen in each
// line's metadata, so `palate sft --file/--mix` and the sft import read it back), and optionally
// the kept answers as demonstrations for review, by the imported "best-of-n" identity, all in one
// transaction.
import { asc, eq } from "drizzle-orm";
import type { Connection, Db } from "../../db/client";
import { prompts, type Message } from "../../db/schema";
import { ensureImportedIdentities } from "../datasets/imported-annotator";
import { sftRow } from "../datasets/sft-format";
import { createProject, getProjectByName, type Project } from "../projects";
import { REFERENCE_KEY, referenceOf } from "../rewards/reference";
import type { BestOfNChoice, BestOfNPrompt } from "./sample-and-score";

/** The name of the imported identity that owns best-of-n demonstrations. */
export const BEST_OF_N_ANNOTATOR = "best-of-n";

/** Every distinct prompt of the project once (its first row's id), with its reference answer; `referencesOnly`: those with one. */
export function bestOfNPrompts(db: Db, projectId: number, options: { referencesOnly: boolean; limit?: number }): BestOfNPrompt[] {
  const byKey = new Map<string, BestOfNPrompt>();
  for (const row of db
    .select({ id: prompts.id, messages: prompts.messages, metadata: prompts.metadata })
    .from(prompts)
    .where(eq(prompts.projectId, projectId))
    .orderBy(asc(prompts.id))
    .all()) {
    const messages = row.messages.map((m) => ({ role: m.role, content: m.content }));
    const key = JSON.stringify(messages);
    const reference = referenceOf(row.metadata);
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { promptId: row.id, messages, reference });
    else if (seen.reference === null && reference !== null) seen.reference = reference;
  }
  const all = [...byKey.values()].filter((p) => !options.referencesOnly || p.reference !== null);
  return options.limit !== undefined ? all.slice(0, options.limit) : all;
}

/** What each kept line's metadata says of how it was chosen. */
export interface KeptMetadata {
  score: number;
  by: string;
  n: number;
  sample: number;
  policy: string;
  prompt_id: number;
  reference?: string;
}

/** The kept answers as sft lines (JSON texts, no newline): the prompt, the answer, the metadata. */
export function keptSftLines(choices: readonly BestOfNChoice[], how: { by: string; n: number; policy: string }): string[] {
  return choices
    .filter((c) => c.best?.kept)
    .map((c) => {
      const best = c.best!;
      const metadata: KeptMetadata = { score: best.score, by: how.by, n: how.n, sample: best.sample, policy: how.policy, prompt_id: c.prompt.promptId };
      if (c.prompt.reference !== null) metadata[REFERENCE_KEY] = c.prompt.reference;
      return JSON.stringify({ ...sftRow(c.prompt.messages as Message[], best.text), metadata });
    });
}

export interface InsertedDemonstrations {
  projectId: number;
  demonstrations: number;
  tasksCreated: number;
  promptsCreated: number;
}

/**
 * Inserts the kept answers as submitted demonstrations (review pending) of the best-of-n identity
 * into `target`, one transaction. Into the source project: each on a task of its prompt that the
 * identity has not answered yet, else a new task. Into another (demonstration) project: the prompt
 * copied with its metadata, and a task for it.
 */
export function insertKeptDemonstrations(db: Connection, choices: readonly BestOfNChoice[], source: Project, target: Project): InsertedDemonstrations {
  const kept = choices.filter((c) => c.best?.kept);
  return db.transaction(
    (tx) => {
      const userId = ensureImportedIdentities(tx, [BEST_OF_N_ANNOTATOR]).get(BEST_OF_N_ANNOTATOR)!;
      const $ = db.$client;
      const metadataOf = $.prepare("SELECT metadata FROM prompts WHERE id = ?");
      const insertPrompt = $.prepare("INSERT INTO prompts (project_id, messages, metadata) VALUES (?, ?, ?) RETURNING id");
      const freeTask = $.prepare(
        "SELECT t.id FROM tasks t WHERE t.project_id = ? AND t.prompt_id = ? AND NOT EXISTS (SELECT 1 FROM demonstrations d WHERE d.task_id = t.id AND d.user_id = ?) ORDER BY t.id LIMIT 1",
      );
      const insertTask = $.prepare("INSERT INTO tasks (project_id, prompt_id) VALUES (?, ?) RETURNING id");
      const insertDemonstration = $.prepare(
        "INSERT INTO demonstrations (task_id, user_id, text, status, source, submitted_at) VALUES (?, ?, ?, 'submitted', 'imported', ?)",
      );
      const now = Date.now();
      let tasksCreated = 0;
      let promptsCreated = 0;
      for (const c of kept) {
        let promptId = c.prompt.promptId;
        if (target.id !== source.id) {
          const meta = (metadataOf.get(promptId) as { metadata: string | null } | undefined)?.metadata ?? null;
          promptId = (insertPrompt.get(target.id, JSON.stringify(c.prompt.messages), meta) as { id: number }).id;
          promptsCreated++;
        }
        let task = freeTask.get(target.id, promptId, userId) as { id: number } | undefined;
        if (!task) {
          task = insertTask.get(target.id, promptId) as { id: number };
          tasksCreated++;
        }
        insertDemonstration.run(task.id, userId, c.best!.text, now);
      }
      return { projectId: target.id, demonstrations: kept.length, tasksCreated, promptsCreated };
    },
    { behavior: "immediate" },
  );
}

/** The project to insert demonstrations into: `name` (created in demonstration mode when missing), else the source when it collects demonstrations. */
export function demonstrationTarget(db: Connection, source: Project, name: string | undefined): Project | { error: string } {
  if (name === undefined) {
    if (source.mode === "demonstration") return source;
    return { error: `project "${source.name}" is a ${source.mode} project; name a demonstration project to insert into with --into` };
  }
  const existing = getProjectByName(db, name);
  if (!existing) return createProject(db, { name, mode: "demonstration" });
  if (existing.mode !== "demonstration") return { error: `project "${name}" is a ${existing.mode} project, not a demonstration project` };
  return existing;
}
