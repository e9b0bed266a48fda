// A large project written straight into a database through prepared statements, for
// bench/pages.ts (issue 12, acceptance 7): `tasks` tasks of K = 4 completions from four models of
// known quality order, R = 3, ranked by the three demo annotators the way a project half-way
// through looks (per six tasks: one ranked by 3, one by 2, one by 1, three not yet), so about as
// many rankings as tasks. Each ranking has its assignment (submitted), its comparisons (every
// pair of different groups) and a few of them ties or "none acceptable"; a few assignments are
// skipped or still open. Seconds, not minutes: 200k tasks take ~20 s here.
import type { Connection } from "../db/client";

export interface PagesProjectOptions {
  name?: string;
  tasks?: number;
  /** The annotators (user ids) who rank; at least 3. */
  annotators: number[];
  seed?: number;
}

export interface PagesProject {
  projectId: number;
  tasks: number;
  rankings: number;
  comparisons: number;
}

const MODELS = ["model-a", "model-b", "model-c", "model-d"];
/** Each model's mean quality: the better model wins more often. */
const QUALITY = [1.2, 0.6, 0.2, 0];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes the project in one transaction per 10k tasks; returns its id and counts. */
export function writePagesProject(db: Connection, options: PagesProjectOptions): PagesProject {
  const sqlite = db.$client;
  const taskCount = options.tasks ?? 200_000;
  const annotators = options.annotators;
  if (annotators.length < 3) throw new Error("writePagesProject needs 3 annotators");
  const random = prng(options.seed ?? 7);
  const projectId = Number(
    sqlite.prepare("INSERT INTO projects (name, completions_per_task, redundancy) VALUES (?, 4, 3)").run(options.name ?? "Pages bench").lastInsertRowid,
  );
  const insertPrompt = sqlite.prepare("INSERT INTO prompts (project_id, messages) VALUES (?, ?)");
  const insertTask = sqlite.prepare("INSERT INTO tasks (project_id, prompt_id) VALUES (?, ?)");
  const insertCompletion = sqlite.prepare("INSERT INTO completions (task_id, position, text, model) VALUES (?, ?, ?, ?)");
  const insertAssignment = sqlite.prepare("INSERT INTO assignments (task_id, user_id, status, expires_at, closed_at, skip_reason) VALUES (?, ?, ?, ?, ?, ?)");
  const insertRanking = sqlite.prepare(
    "INSERT INTO rankings (task_id, user_id, assignment_id, groups, none_acceptable, seconds_spent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const insertComparison = sqlite.prepare("INSERT INTO comparisons (ranking_id, chosen_id, rejected_id, chosen_group, rejected_group) VALUES (?, ?, ?, ?, ?)");
  const perSix = [3, 2, 1, 0, 0, 0];
  const start = Date.now() - 30 * 86_400_000;
  let rankingCount = 0;
  let comparisonCount = 0;

  const writeBatch = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const promptId = Number(
        insertPrompt.run(projectId, JSON.stringify([{ role: "user", content: `Question ${i}: what is ${i} plus ${i % 97}? Explain briefly.` }]))
          .lastInsertRowid,
      );
      const taskId = Number(insertTask.run(projectId, promptId).lastInsertRowid);
      const ids: number[] = [];
      for (let p = 0; p < 4; p++) {
        const model = (i + p) % 4;
        ids.push(
          Number(
            insertCompletion.run(taskId, p, `Answer ${p} of task ${i} by ${MODELS[model]}: ${i + (i % 97)} because ${"x".repeat(40)}`, MODELS[model])
              .lastInsertRowid,
          ),
        );
      }
      const models = ids.map((_, p) => (i + p) % 4);
      const n = perSix[i % 6];
      const first = i % annotators.length;
      for (let a = 0; a < n; a++) {
        const userId = annotators[(first + a) % annotators.length];
        const created = start + i * 10 + a;
        const assignmentId = Number(insertAssignment.run(taskId, userId, "submitted", created + 1_800_000, created, null).lastInsertRowid);
        // A noisy order by quality; one ranking in 20 ties its last two, one in 50 is "none acceptable".
        const order = ids
          .map((id, p) => ({ id, score: QUALITY[models[p]] + 1.2 * (random() - 0.5) * 2 }))
          .sort((x, y) => y.score - x.score)
          .map((x) => x.id);
        const groups: number[][] = random() < 0.05 ? [[order[0]], [order[1]], [order[2], order[3]]] : order.map((id) => [id]);
        const rankingId = Number(
          insertRanking.run(taskId, userId, assignmentId, JSON.stringify(groups), random() < 0.02 ? 1 : 0, 5 + Math.floor(random() * 60), created)
            .lastInsertRowid,
        );
        rankingCount++;
        for (let g = 0; g < groups.length; g++)
          for (let h = g + 1; h < groups.length; h++)
            for (const chosen of groups[g])
              for (const rejected of groups[h]) {
                insertComparison.run(rankingId, chosen, rejected, g, h);
                comparisonCount++;
              }
      }
      // A few skips (tasks not ranked yet) and a few open assignments.
      if (n === 0 && i % 60 === 3) insertAssignment.run(taskId, annotators[0], "skipped", start + 1_800_000, start, "unclear");
      if (n === 0 && i % 600 === 5) insertAssignment.run(taskId, annotators[1], "active", Date.now() + 1_800_000, null, null);
    }
  });
  for (let from = 0; from < taskCount; from += 10_000) writeBatch(from, Math.min(taskCount, from + 10_000));
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  return { projectId, tasks: taskCount, rankings: rankingCount, comparisons: comparisonCount };
}
