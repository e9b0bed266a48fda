// A project's rankings as the reward model's training examples. One example per task: its
// prompt, its completions (in stored order) and the pair counts of every ranking of the task
// summed into one K×K matrix — several annotators' rankings of the same completions train as
// one batch element whose pairs carry their counts, which is the InstructGPT loss over those
// rankings (each pair weighted once per ranking that implies it) at a third of the compute
// when three annotators rank each task. A pair of completions with the same text (after
// trimming and collapsing whitespace) is no preference: its counts are dropped, and a task left
// with no pair at all gives no example.
//
// Pairwise strengths (lib/labeling/pairwise.ts): rankings of one task with different strengths
// are separate examples of the same prompt, each with its strength as `margin` (the trainer
// subtracts it when config.marginFromStrength is on), so every pair keeps its own margin; a
// task whose rankings carry no strength gives one example without a margin, as before.
import { createHash } from "node:crypto";
import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { completions, prompts, rankings, tasks } from "../../db/schema";
import { sameCompletionText } from "../generation/distinct";
import { preferenceMatrix } from "../ml/rl/ranking-loss";
import { getProject } from "../projects";
import { selectionContext, selectTaskRankings, type RankingSelection, type RankingSelectionInput } from "../quality/counted-rankings";
import { taskRounds } from "../rounds/rounds";
import type { RankingExample } from "../ml/rl/reward-data";

export interface TrainingSetOptions {
  /** Train on "none acceptable" rankings too (default false: they are left out). */
  includeNoneAcceptable?: boolean;
  /** Every round's rankings (default), or only the latest round's (lib/rounds). */
  rounds?: "all" | "latest";
  /** Which rankings count (lib/quality/counted-rankings.ts): every annotator's (default), reviewed, or aggregated; paused annotators' left out unless included. */
  selection?: RankingSelectionInput;
}

export interface TrainingSet {
  examples: RankingExample[];
  /** Rankings used. */
  rankings: number;
  /** Pairwise comparisons those rankings imply (ties give none). */
  comparisons: number;
  /** Rankings left out because they were marked "none acceptable". */
  noneAcceptableLeftOut: number;
  /** Rankings left out because their annotator is paused (gold accuracy below the project's threshold). */
  pausedLeftOut: number;
  /** The selection used. */
  selection: RankingSelection;
  /** Pairwise comparisons left out because chosen and rejected have the same text. */
  equalPairsSkipped: number;
  /** sha256 of the exact rankings used (ids, completions' ids and groups), stable across runs. */
  rankingsHash: string;
  /** The latest round among the tasks used (1 when none is tagged), and the rounds used. */
  round: number;
  roundsUsed: number[];
}

/** Loads the rankings of a project that count (annotators' and imported; see `selection`) as one example per ranked task. */
export function loadTrainingSet(db: Db, projectId: number, options: TrainingSetOptions = {}): TrainingSet {
  const rows = db
    .select({
      rankingId: rankings.id,
      taskId: rankings.taskId,
      userId: rankings.userId,
      groups: rankings.groups,
      noneAcceptable: rankings.noneAcceptable,
      strength: rankings.strength,
    })
    .from(rankings)
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .where(eq(tasks.projectId, projectId))
    .orderBy(asc(rankings.taskId), asc(rankings.id))
    .all();

  const roundOfTask = taskRounds(db, projectId);
  const latest = Math.max(1, ...roundOfTask.values());
  const project = getProject(db, projectId);
  const context = selectionContext(db, project ?? { id: projectId, goldAccuracyThreshold: 0, goldMinAnswers: 1 }, options.selection);
  type Row = { id: number; taskId: number; userId: number; groups: number[][]; noneAcceptable: boolean; strength: number | null; source?: string };
  const allByTask = new Map<number, Row[]>();
  for (const r of rows) {
    if (options.rounds === "latest" && (roundOfTask.get(r.taskId) ?? 1) !== latest) continue;
    const list = allByTask.get(r.taskId) ?? [];
    list.push({ id: r.rankingId, taskId: r.taskId, userId: r.userId, groups: r.groups, noneAcceptable: r.noneAcceptable, strength: r.strength });
    allByTask.set(r.taskId, list);
  }
  let noneAcceptableLeftOut = 0;
  let pausedLeftOut = 0;
  const byTask = new Map<number, Row[]>();
  for (const [taskId, list] of allByTask) {
    pausedLeftOut += list.filter((r) => context.excluded.has(r.userId)).length;
    // A reviewed or aggregated ranking has no strength of its own.
    for (const r of selectTaskRankings(context, list, (base, made) => ({ ...base, ...made, strength: null }))) {
      if (r.noneAcceptable && !options.includeNoneAcceptable) {
        noneAcceptableLeftOut++;
        continue;
      }
      byTask.set(taskId, [...(byTask.get(taskId) ?? []), r]);
    }
  }

  const taskIds = [...byTask.keys()];
  const promptOf = new Map<number, RankingExample["prompt"]>();
  const completionsOf = new Map<number, { id: number; text: string }[]>();
  for (let i = 0; i < taskIds.length; i += 500) {
    const chunk = taskIds.slice(i, i + 500);
    for (const t of db
      .select({ id: tasks.id, messages: prompts.messages })
      .from(tasks)
      .innerJoin(prompts, eq(prompts.id, tasks.promptId))
      .where(inArray(tasks.id, chunk))
      .all())
      promptOf.set(t.id, t.messages);
    for (const c of db
      .select({ id: completions.id, taskId: completions.taskId, text: completions.text })
      .from(completions)
      .where(inArray(completions.taskId, chunk))
      .orderBy(asc(completions.taskId), asc(completions.position))
      .all()) {
      const list = completionsOf.get(c.taskId) ?? [];
      list.push({ id: c.id, text: c.text });
      completionsOf.set(c.taskId, list);
    }
  }

  const hash = createHash("sha256");
  const examples: RankingExample[] = [];
  let used = 0;
  let comparisons = 0;
  let equalPairsSkipped = 0;
  // One unit per task, or per task and strength when its rankings carry strengths.
  const units: [number, Row[], number | null][] = [];
  for (const [taskId, list] of byTask) {
    if (list.every((r) => r.strength === null)) units.push([taskId, list, null]);
    else {
      const byStrength = new Map<number, Row[]>();
      for (const r of list) byStrength.set(r.strength ?? 0, [...(byStrength.get(r.strength ?? 0) ?? []), r]);
      for (const [strength, same] of [...byStrength].sort((a, b) => a[0] - b[0])) units.push([taskId, same, strength]);
    }
  }
  for (const [taskId, taskRankings, strength] of units) {
    const prompt = promptOf.get(taskId);
    const list = completionsOf.get(taskId) ?? [];
    if (!prompt || list.length < 2) continue;
    const k = list.length;
    const indexOf = new Map(list.map((c, i) => [c.id, i]));
    const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    let first: number[][] | undefined;
    for (const r of taskRankings) {
      const groups = r.groups.map((g) => g.map((id) => indexOf.get(id)).filter((i): i is number => i !== undefined));
      first ??= groups;
      const m = preferenceMatrix(groups, k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) counts[i][j] += m[i * k + j];
    }
    let skipped = 0;
    for (let i = 0; i < k; i++)
      for (let j = i + 1; j < k; j++) {
        if (!sameCompletionText(list[i].text, list[j].text)) continue;
        skipped += counts[i][j] + counts[j][i];
        counts[i][j] = counts[j][i] = 0;
      }
    equalPairsSkipped += skipped;
    const pairs = counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
    if (pairs === 0 && skipped > 0) continue;
    // A reviewed or aggregated ranking adds its source (ids of reviews are not ranking ids); annotators' hash as before.
    // A strength joins too, only where there is one.
    for (const r of taskRankings) {
      const base = r.source ? [r.id, taskId, r.groups, r.source] : [r.id, taskId, r.groups];
      hash.update(JSON.stringify(r.strength !== null ? [...base, r.strength] : base) + "\n");
    }
    used += taskRankings.length;
    comparisons += pairs;
    examples.push({
      id: taskId,
      promptKey: JSON.stringify(prompt),
      prompt: prompt.map((m) => ({ role: m.role, content: m.content })),
      completions: list.map((c) => c.text),
      groups: first ?? [],
      preferences: counts,
      ...(strength ? { margin: strength } : {}),
    });
  }
  const roundsUsed = [...new Set(examples.map((e) => roundOfTask.get(e.id as number) ?? 1))].sort((a, b) => a - b);
  return {
    examples,
    rankings: used,
    comparisons,
    noneAcceptableLeftOut,
    pausedLeftOut,
    selection: context.selection,
    equalPairsSkipped,
    rankingsHash: hash.digest("hex"),
    round: roundsUsed.length > 0 ? roundsUsed[roundsUsed.length - 1] : latest,
    roundsUsed,
  };
}
