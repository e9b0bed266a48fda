// The task list's query: a project's tasks that match a TaskQuery (task-filter.ts), in its sort
// order, each with the facts the filters read (rankings, flags, "none acceptable", edited
// rankings, round, annotator agreement). SQL does the matching that SQL can say — the search is
// LIKE with its wildcards escaped over each message's content and each completion's text, so
// "50%" finds "50%" and not "500" — and the annotators' pairwise agreement is computed here with
// the quality page's own function (agreementReport, per task), so "below 0.5" means what the
// quality page's figure means. Callers page the ordered list (total = its length).
import { eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rankings, tasks } from "../../db/schema";
import { agreementReport, type RankingRecord } from "./stats";
import type { TaskQuery } from "./task-filter";

export interface TaskFacts {
  id: number;
  promptId: number;
  createdAt: number;
  rankings: number;
  /** Flags over all of the task's rankings (one per ranking, completion and flag). */
  flags: number;
  /** Rankings marked "none acceptable". */
  noneAcceptable: number;
  /** Rankings edited after submission (version above 1). */
  edited: number;
  round: number;
  /** Filled in only when the query filters or sorts by agreement (see agreementOf). */
  agreement?: TaskAgreement;
}

export interface TaskAgreement {
  /** Agreeing / compared completion pairs over every two rankings of the task by different annotators; null when there are none. */
  rate: number | null;
  agreed: number;
  total: number;
}

/** `text` as a LIKE pattern that matches it anywhere, its wildcards (and the escape) taken literally (ESCAPE '\'). */
export function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const ROUND = sql`coalesce((select max(case when json_type(c.metadata, '$.round') = 'integer' and json_extract(c.metadata, '$.round') >= 1 then json_extract(c.metadata, '$.round') end) from completions c where c.task_id = t.id), 1)`;

function taskConditions(projectId: number, query: TaskQuery): SQL[] {
  const where: SQL[] = [sql`t.project_id = ${projectId}`];
  if (query.q !== undefined) {
    const pattern = likeContaining(query.q);
    where.push(sql`(exists (select 1 from completions c where c.task_id = t.id and c.text like ${pattern} escape '\\')
      or exists (select 1 from prompts p, json_each(p.messages) m where p.id = t.prompt_id and json_extract(m.value, '$.content') like ${pattern} escape '\\'))`);
  }
  if (query.flag !== undefined && query.flag !== "any") {
    where.push(sql`exists (select 1 from ranking_flags f join rankings r on r.id = f.ranking_id where r.task_id = t.id and f.flag = ${query.flag})`);
  }
  if (query.model !== undefined) where.push(sql`exists (select 1 from completions c where c.task_id = t.id and c.model = ${query.model})`);
  return where;
}

function factConditions(query: TaskQuery, redundancy: number): SQL[] {
  const where: SQL[] = [];
  if (query.flag === "any") where.push(sql`flags > 0`);
  if (query.none) where.push(sql`noneAcceptable > 0`);
  if (query.edited) where.push(sql`edited > 0`);
  if (query.round !== undefined) where.push(sql`round = ${query.round}`);
  if (query.status === "unranked") where.push(sql`rankings = 0`);
  if (query.status === "in-progress") where.push(sql`rankings > 0 and rankings < ${redundancy}`);
  if (query.status === "complete") where.push(sql`rankings >= ${redundancy}`);
  return where;
}

const ORDER: Record<TaskQuery["sort"], SQL> = {
  oldest: sql`createdAt asc, id asc`,
  newest: sql`createdAt desc, id desc`,
  // Re-sorted by agreement below (stable, so equal rates stay oldest first).
  "lowest-agreement": sql`createdAt asc, id asc`,
  "most-flags": sql`flags desc, createdAt asc, id asc`,
  "most-rankings": sql`rankings desc, createdAt asc, id asc`,
};

/** Whether the query keeps every task and orders them by creation (the default list): its page can be read without the others' facts. */
export function isUnfilteredByCreation(query: TaskQuery): boolean {
  const filtered = [query.q, query.flag, query.none, query.edited, query.model, query.round, query.status, query.agreementBelow, query.agreementAbove].some(
    (v) => v !== undefined,
  );
  return !filtered && (query.sort === "oldest" || query.sort === "newest");
}

/**
 * One page of an unfiltered, creation-ordered query (isUnfilteredByCreation): the page's ids first
 * (ordered and cut in SQL), then the facts of those tasks only, so a page of a 200k-task project
 * costs one sort of its ids, not the facts of every task.
 */
export function pageOfTasksByCreation(db: Db, projectId: number, query: TaskQuery): TaskFacts[] {
  const order = query.sort === "newest" ? sql`t.created_at desc, t.id desc` : sql`t.created_at asc, t.id asc`;
  return db.all<TaskFacts>(sql`
    with page as (select t.id from tasks t where t.project_id = ${projectId} order by ${order} limit ${query.limit} offset ${query.offset})
    select t.id as id, t.prompt_id as promptId, t.created_at as createdAt,
      (select count(*) from rankings r where r.task_id = t.id) as rankings,
      (select count(*) from ranking_flags f join rankings r on r.id = f.ranking_id where r.task_id = t.id) as flags,
      (select count(*) from rankings r where r.task_id = t.id and r.none_acceptable = 1) as noneAcceptable,
      (select count(*) from rankings r where r.task_id = t.id and r.version > 1) as edited,
      ${ROUND} as round
    from tasks t join page on page.id = t.id
    order by ${order}`);
}

/** Every task of the project that matches `query`, in its order. `redundancy` (the project's R) decides the status filter. */
export function matchingTasks(db: Db, projectId: number, redundancy: number, query: TaskQuery): TaskFacts[] {
  const factsWhere = factConditions(query, redundancy);
  const rows = db.all<TaskFacts>(sql`
    with facts as (
      select t.id as id, t.prompt_id as promptId, t.created_at as createdAt,
        (select count(*) from rankings r where r.task_id = t.id) as rankings,
        (select count(*) from ranking_flags f join rankings r on r.id = f.ranking_id where r.task_id = t.id) as flags,
        (select count(*) from rankings r where r.task_id = t.id and r.none_acceptable = 1) as noneAcceptable,
        (select count(*) from rankings r where r.task_id = t.id and r.version > 1) as edited,
        ${ROUND} as round
      from tasks t
      where ${sql.join(taskConditions(projectId, query), sql` and `)}
    )
    select * from facts
    ${factsWhere.length > 0 ? sql`where ${sql.join(factsWhere, sql` and `)}` : sql``}
    order by ${ORDER[query.sort]}`);

  const byAgreement = query.agreementBelow !== undefined || query.agreementAbove !== undefined || query.sort === "lowest-agreement";
  if (!byAgreement) return rows;
  const agreements = agreementOf(
    db,
    rows.map((r) => r.id),
  );
  let list = rows.map((r) => ({ ...r, agreement: agreements.get(r.id) ?? NO_AGREEMENT }));
  const { agreementBelow: below, agreementAbove: above } = query;
  if (below !== undefined) list = list.filter((r) => r.agreement.rate !== null && r.agreement.rate < below);
  if (above !== undefined) list = list.filter((r) => r.agreement.rate !== null && r.agreement.rate > above);
  // Lowest first; tasks without an agreement figure last (their order kept: oldest first).
  const rank = (r: number | null) => (r === null ? 2 : r);
  if (query.sort === "lowest-agreement") list.sort((a, b) => rank(a.agreement.rate) - rank(b.agreement.rate));
  return list;
}

const NO_AGREEMENT: TaskAgreement = { rate: null, agreed: 0, total: 0 };

/** Agreement between the annotators of each task (the quality page's agreementReport, one task at a time). */
export function agreementOf(db: Db, taskIds: readonly number[]): Map<number, TaskAgreement> {
  const byTask = new Map<number, RankingRecord[]>();
  for (let i = 0; i < taskIds.length; i += 500) {
    for (const r of db
      .select({
        rankingId: rankings.id,
        taskId: rankings.taskId,
        userId: rankings.userId,
        groups: rankings.groups,
        noneAcceptable: rankings.noneAcceptable,
        secondsSpent: rankings.secondsSpent,
      })
      .from(rankings)
      .where(inArray(rankings.taskId, taskIds.slice(i, i + 500)))
      .all()) {
      byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r]);
    }
  }
  const out = new Map<number, TaskAgreement>();
  for (const id of taskIds) {
    const { agreed, total, rate } = agreementReport(byTask.get(id) ?? []).overall;
    out.set(id, { rate, agreed, total });
  }
  return out;
}

export interface TaskFilterOptions {
  /** Models that wrote completions in this project, by name. */
  models: string[];
  /** Rounds the project's tasks belong to, ascending. */
  rounds: number[];
}

/** What the filter form offers for this project. */
export function taskFilterOptions(db: Db, projectId: number): TaskFilterOptions {
  const models = db
    .all<{ model: string }>(
      sql`select distinct c.model as model from completions c join tasks t on t.id = c.task_id where t.project_id = ${projectId} and c.model is not null order by c.model`,
    )
    .map((r) => r.model);
  const rounds = db
    .all<{ round: number }>(sql`select distinct ${ROUND} as round from tasks t where t.project_id = ${projectId} order by round`)
    .map((r) => r.round);
  return { models, rounds };
}

/** How many tasks the project has, filters aside. */
export function projectTaskCount(db: Db, projectId: number): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(tasks)
      .where(eq(tasks.projectId, projectId))
      .get()?.n ?? 0
  );
}
