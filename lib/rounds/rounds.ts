// The rounds of a project's loop (InstructGPT's steps 2–4, repeated): round 1 is what the SFT
// model (or an import) wrote; each "next round" samples from the newest PPO policy — mixed with
// the previous model's completions, so annotators compare them head to head — into the same
// project, tagged `metadata.round` on every completion. A reward model and a PPO policy record
// their round in their registry lineage.
//
// The rounds table, per round: the models whose completions make its tasks, tasks and rankings
// collected, the reward model trained at that round (held-out accuracy), the PPO policy trained
// at that round, and — where the round's tasks mix two models — the first model's win rate over
// the second as the annotators ranked them, with a Wilson 95% interval (ties give no pair).
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { comparisons, completions, models, rankings, tasks } from "../../db/schema";
import { wilsonInterval } from "../stats/wilson";

/** Moved to lib/stats/wilson.ts; re-exported for the callers that import it from here. */
export { wilsonInterval };

export interface HeadToHead {
  /** The newer model (the one the round sampled first) and the one it was compared with. */
  model: string;
  against: string;
  wins: number;
  losses: number;
  /** wins / (wins + losses); null without pairs. */
  winRate: number | null;
  /** Wilson 95% interval of the win rate. */
  interval: [number, number] | null;
}

export interface RoundModelRef {
  id: number;
  name: string;
}

export interface RoundRow {
  round: number;
  /** Models whose completions make this round's tasks, with how many completions each. */
  sampledFrom: { model: string; completions: number }[];
  tasks: number;
  rankings: number;
  comparisons: number;
  rewardModel: (RoundModelRef & { evalAccuracy: number | null; evalPairs: number | null }) | null;
  policy: (RoundModelRef & { evalScore: number | null; evalKl: number | null }) | null;
  headToHead: HeadToHead | null;
}

/** The round a completion belongs to: its metadata.round, 1 when unset (SFT samples, imports). */
export function roundOf(metadata: Record<string, unknown> | null | undefined): number {
  const r = metadata?.round;
  return typeof r === "number" && Number.isInteger(r) && r >= 1 ? r : 1;
}

function lineageRound(metadata: Record<string, unknown> | null): number | null {
  const lineage = metadata?.lineage as Record<string, unknown> | undefined;
  return typeof lineage?.round === "number" ? lineage.round : null;
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Every task's round, by task id (a task's round is its completions' highest). */
export function taskRounds(db: Db, projectId: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of db
    .select({ taskId: completions.taskId, metadata: completions.metadata })
    .from(completions)
    .innerJoin(tasks, eq(tasks.id, completions.taskId))
    .where(eq(tasks.projectId, projectId))
    .all()) {
    out.set(c.taskId, Math.max(out.get(c.taskId) ?? 1, roundOf(c.metadata)));
  }
  return out;
}

/** The highest round among a project's tasks (1 for a project with none tagged). */
export function latestRound(db: Db, projectId: number): number {
  let latest = 1;
  for (const r of taskRounds(db, projectId).values()) latest = Math.max(latest, r);
  return latest;
}

export function roundsTable(db: Db, projectId: number): RoundRow[] {
  return withRoundModels(db, projectId, roundCounts(db, projectId));
}

/**
 * The rounds table without its reward models and policies: what reads every completion, ranking
 * and comparison of the project (the statistics cache keeps it for a large project:
 * lib/stats/project-statistics.ts); withRoundModels adds the models, a few rows.
 */
export function roundCounts(db: Db, projectId: number): RoundRow[] {
  const rows = new Map<number, RoundRow>();
  const row = (round: number): RoundRow => {
    let r = rows.get(round);
    if (!r) {
      r = { round, sampledFrom: [], tasks: 0, rankings: 0, comparisons: 0, rewardModel: null, policy: null, headToHead: null };
      rows.set(round, r);
    }
    return r;
  };

  // Tasks and the models that wrote them.
  const roundOfTask = taskRounds(db, projectId);
  const modelOfCompletion = new Map<number, string>();
  const sampled = new Map<number, Map<string, number>>();
  for (const c of db
    .select({ id: completions.id, taskId: completions.taskId, model: completions.model })
    .from(completions)
    .innerJoin(tasks, eq(tasks.id, completions.taskId))
    .where(eq(tasks.projectId, projectId))
    .orderBy(asc(completions.id))
    .all()) {
    const round = roundOfTask.get(c.taskId) ?? 1;
    const model = c.model ?? "(imported)";
    modelOfCompletion.set(c.id, model);
    const counts = sampled.get(round) ?? new Map<string, number>();
    counts.set(model, (counts.get(model) ?? 0) + 1);
    sampled.set(round, counts);
  }
  for (const round of roundOfTask.values()) row(round).tasks++;
  for (const [round, counts] of sampled) row(round).sampledFrom = [...counts].map(([model, n]) => ({ model, completions: n }));

  // Rankings and the pairs they imply, per round; cross-model pairs for the head to head.
  const taskIds = [...roundOfTask.keys()];
  const pairsByRound = new Map<number, Map<string, number>>();
  for (let i = 0; i < taskIds.length; i += 500) {
    const chunk = taskIds.slice(i, i + 500);
    for (const r of db.select({ taskId: rankings.taskId }).from(rankings).where(inArray(rankings.taskId, chunk)).all())
      row(roundOfTask.get(r.taskId) ?? 1).rankings++;
    for (const c of db
      .select({ taskId: rankings.taskId, chosen: comparisons.chosenId, rejected: comparisons.rejectedId })
      .from(comparisons)
      .innerJoin(rankings, eq(rankings.id, comparisons.rankingId))
      .where(inArray(rankings.taskId, chunk))
      .all()) {
      const round = roundOfTask.get(c.taskId) ?? 1;
      row(round).comparisons++;
      const a = modelOfCompletion.get(c.chosen);
      const b = modelOfCompletion.get(c.rejected);
      if (!a || !b || a === b) continue;
      const key = `${a}\u0000${b}`;
      const counts = pairsByRound.get(round) ?? new Map<string, number>();
      counts.set(key, (counts.get(key) ?? 0) + 1);
      pairsByRound.set(round, counts);
    }
  }
  for (const r of rows.values()) {
    // The newer model is the one that wrote most of the round's completions (ceil(K/2)), then the
    // first sampled; compared with the other one of the two.
    if (r.sampledFrom.length !== 2) continue;
    const [first, second] = [...r.sampledFrom].sort((x, y) => y.completions - x.completions);
    const counts = pairsByRound.get(r.round);
    const wins = counts?.get(`${first.model}\u0000${second.model}`) ?? 0;
    const losses = counts?.get(`${second.model}\u0000${first.model}`) ?? 0;
    const n = wins + losses;
    r.headToHead = { model: first.model, against: second.model, wins, losses, winRate: n > 0 ? wins / n : null, interval: wilsonInterval(wins, n) };
  }
  return [...rows.values()].sort((a, b) => a.round - b.round);
}

/** The rounds table's rows with the reward model and the PPO policy trained at each round (the newest of each). */
export function withRoundModels(db: Db, projectId: number, counts: readonly RoundRow[]): RoundRow[] {
  const rows = new Map<number, RoundRow>(counts.map((r) => [r.round, { ...r, rewardModel: null, policy: null }]));
  const row = (round: number): RoundRow => {
    let r = rows.get(round);
    if (!r) {
      r = { round, sampledFrom: [], tasks: 0, rankings: 0, comparisons: 0, rewardModel: null, policy: null, headToHead: null };
      rows.set(round, r);
    }
    return r;
  };
  // The reward models and policies trained at each round (the newest of each).
  for (const m of db
    .select({ id: models.id, name: models.name, kind: models.kind, metadata: models.metadata })
    .from(models)
    .where(and(eq(models.projectId, projectId), inArray(models.kind, ["reward", "policy"])))
    .orderBy(asc(models.id))
    .all()) {
    const round = lineageRound(m.metadata) ?? (m.kind === "reward" ? 1 : null);
    if (round === null) continue;
    const metrics = (m.metadata?.metrics ?? {}) as Record<string, unknown>;
    if (m.kind === "reward") row(round).rewardModel = { id: m.id, name: m.name, evalAccuracy: num(metrics.eval_accuracy), evalPairs: num(metrics.eval_pairs) };
    else row(round).policy = { id: m.id, name: m.name, evalScore: num(metrics.eval_scores), evalKl: num(metrics.eval_kl) };
  }
  return [...rows.values()].sort((a, b) => a.round - b.round);
}
