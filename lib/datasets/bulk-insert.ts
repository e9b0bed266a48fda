// Writing many imported tasks fast: the rows lib/tasks.ts `insertTask` and
// lib/labeling/save-ranking.ts `insertRanking` write, through statements prepared once per
// import instead of once per row (Drizzle prepares a statement on every call; preparing once makes
// a 100,000-line import take seconds instead of minutes). A unit test checks that both paths
// write the same rows. Create it inside the import's transaction and use it only there.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { comparisons, completions, prompts, rankings, tasks } from "../../db/schema";
import { rankingPairs } from "../labeling/pairs";
import type { ImportRecord } from "./record";

const p = sql.placeholder;

export class BulkTaskWriter {
  // A JSON column bound through a placeholder stores null as the text "null", so rows without
  // metadata use statements that leave the column out (SQL NULL, as insertTask writes).
  private readonly prompt;
  private readonly promptWithMetadata;
  private readonly task;
  private readonly completion;
  private readonly completionWithMetadata;
  private readonly ranking;
  private readonly comparison;

  constructor(
    db: Db,
    private readonly projectId: number,
  ) {
    this.prompt = db
      .insert(prompts)
      .values({ projectId: p("projectId"), messages: p("messages"), externalId: p("externalId") })
      .returning({ id: prompts.id })
      .prepare();
    this.promptWithMetadata = db
      .insert(prompts)
      .values({ projectId: p("projectId"), messages: p("messages"), externalId: p("externalId"), metadata: p("metadata") })
      .returning({ id: prompts.id })
      .prepare();
    this.task = db
      .insert(tasks)
      .values({ projectId: p("projectId"), promptId: p("promptId") })
      .returning({ id: tasks.id })
      .prepare();
    this.completion = db
      .insert(completions)
      .values({ taskId: p("taskId"), position: p("position"), text: p("text"), model: p("model") })
      .returning({ id: completions.id })
      .prepare();
    this.completionWithMetadata = db
      .insert(completions)
      .values({ taskId: p("taskId"), position: p("position"), text: p("text"), model: p("model"), metadata: p("metadata") })
      .returning({ id: completions.id })
      .prepare();
    this.ranking = db
      .insert(rankings)
      .values({
        taskId: p("taskId"),
        userId: p("userId"),
        assignmentId: null,
        groups: p("groups"),
        noneAcceptable: false,
        comment: null,
        secondsSpent: null,
        source: "imported",
      })
      .returning({ id: rankings.id })
      .prepare();
    this.comparison = db
      .insert(comparisons)
      .values({
        rankingId: p("rankingId"),
        chosenId: p("chosenId"),
        rejectedId: p("rejectedId"),
        chosenGroup: p("chosenGroup"),
        rejectedGroup: p("rejectedGroup"),
      })
      .prepare();
  }

  /** Writes the record's prompt, task and completions, and its ranking (owned by `rankingUserId`) when it has one. */
  write(record: ImportRecord, rankingUserId?: number): { taskId: number; promptId: number; completionIds: number[]; rankingId?: number } {
    const projectId = this.projectId;
    const prompt = { projectId, messages: record.messages, externalId: record.externalId ?? null };
    const promptId = (record.promptMetadata ? this.promptWithMetadata.get({ ...prompt, metadata: record.promptMetadata }) : this.prompt.get(prompt))!.id;
    const taskId = this.task.get({ projectId, promptId })!.id;
    const completionIds = record.completions.map((c, position) => {
      const row = { taskId, position, text: c.text, model: c.model ?? null };
      return (c.metadata ? this.completionWithMetadata.get({ ...row, metadata: c.metadata }) : this.completion.get(row))!.id;
    });
    if (!record.ranking) return { taskId, promptId, completionIds };
    if (rankingUserId === undefined) throw new Error("a ranked record needs the user the ranking belongs to");
    const groups = record.ranking.map((group) => group.map((i) => completionIds[i]));
    const rankingId = this.ranking.get({ taskId, userId: rankingUserId, groups })!.id;
    for (const pair of rankingPairs(groups, "all")) {
      this.comparison.run({ rankingId, chosenId: pair.chosen, rejectedId: pair.rejected, chosenGroup: pair.chosenGroup, rejectedGroup: pair.rejectedGroup });
    }
    return { taskId, promptId, completionIds, rankingId };
  }
}
