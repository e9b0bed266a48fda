// Fault test (issue 11, measured point 2): the server SIGKILLed in the middle of a burst of ranking
// submits. Six annotators work over real HTTP (next → rank → submit) against `next start` on a
// real database file; the server is killed at three different moments, each time restarted on the
// same file. After each restart:
// - every ranking the server acknowledged (200/201 with its id) is there, for that task and user;
// - no partial row: every annotator ranking's assignment is submitted, every submitted assignment
//   has its ranking, a ranking's groups hold exactly its task's completions, its comparisons are
//   exactly the pairs its groups imply, its revisions are versions 1..version-1;
// - PRAGMA integrity_check is ok and foreign_key_check finds nothing.
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignments, comparisons, completions, users } from "@/db/schema";
import { requestAssignment } from "@/lib/labeling/assignment-store";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createUser } from "@/lib/users";
import { DEMO_PROJECT, demoTasks, seedDemo } from "@/lib/demo/seed";
import { rankingPairs } from "@/lib/labeling/pairs";
import { getProjectByName } from "@/lib/projects";
import { freePort, startApp, type AppServer } from "@/scripts/server";
import { Client, tempDb } from "@/tests/helpers/app";

const ANNOTATORS = 6;
/**
 * When the server is killed: once this many rankings of the burst were acknowledged (early, middle,
 * later), plus a few milliseconds, so the kill lands among requests in flight whatever the machine's speed.
 */
const KILL_AFTER_ACKS = [2, 12, 30];
const KILL_JITTER_MS = [0, 7, 23];

interface Acknowledged {
  ranking: number;
  task: number;
  email: string;
}

interface Payload {
  assignment: { id: number; taskId: number };
  task: { id: number; completions: { id: number }[] };
}

/** One annotator's loop until the server stops answering: every acknowledged ranking is recorded. */
async function annotate(client: Client, email: string, projectId: number, acked: Acknowledged[], stop: { stopped: boolean }): Promise<number> {
  let submits = 0;
  while (!stop.stopped) {
    try {
      const next = await client.fetch("/api/annotate/next", {
        method: "POST",
        headers: { "content-type": "application/json", origin: client.baseUrl },
        body: JSON.stringify({ projectId }),
      });
      if (next.status === 204) return submits;
      if (next.status !== 200) {
        await next.body?.cancel();
        continue;
      }
      const { assignment, task } = (await next.json()) as Payload;
      // A ranking that moves the last completion first, with a tie when there are three or more.
      const ids = task.completions.map((c) => c.id);
      const groups = ids.length >= 3 ? [[ids[ids.length - 1]], [ids[0], ids[1]], ...ids.slice(2, -1).map((c) => [c])] : [[ids[1]], [ids[0]]];
      const res = await client.fetch(`/api/tasks/${task.id}/ranking`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: client.baseUrl },
        body: JSON.stringify({ assignmentId: assignment.id, groups }),
      });
      const text = await res.text();
      submits++;
      if (res.status === 200 || res.status === 201) {
        const body = JSON.parse(text) as { ranking: { id: number } | number };
        const id = typeof body.ranking === "number" ? body.ranking : body.ranking.id;
        acked.push({ ranking: id, task: task.id, email });
      }
    } catch {
      // The server is gone (killed): the request's fate is unknown, so it is not counted as acknowledged.
      return submits;
    }
  }
  return submits;
}

/** Every consistency check of the rankings in the database file; returns the failures as lines. */
function audit(dbPath: string, acked: Acknowledged[]): { failures: string[]; rankings: number } {
  const db = new Database(dbPath, { readonly: true });
  try {
    db.pragma("busy_timeout = 5000");
    const failures: string[] = [];
    const integrity = db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") failures.push(`integrity_check: ${String(integrity)}`);
    const fk = db.pragma("foreign_key_check") as unknown[];
    if (fk.length > 0) failures.push(`foreign_key_check: ${JSON.stringify(fk.slice(0, 5))}`);

    const userIds = new Map((db.prepare("SELECT email, id FROM users").all() as { email: string; id: number }[]).map((u) => [u.email, u.id]));
    const rankings = db.prepare("SELECT id, task_id, user_id, assignment_id, groups, source, version FROM rankings").all() as {
      id: number;
      task_id: number;
      user_id: number;
      assignment_id: number | null;
      groups: string;
      source: string;
      version: number;
    }[];
    const byId = new Map(rankings.map((r) => [r.id, r]));
    for (const a of acked) {
      const r = byId.get(a.ranking);
      if (!r) failures.push(`acknowledged ranking ${a.ranking} (task ${a.task}, ${a.email}) is missing`);
      else if (r.task_id !== a.task || r.user_id !== userIds.get(a.email))
        failures.push(`ranking ${a.ranking} belongs to task ${r.task_id}/user ${r.user_id}, acknowledged for task ${a.task}/${a.email}`);
    }

    const completionsOf = db.prepare("SELECT id FROM completions WHERE task_id = ? ORDER BY id").pluck();
    const assignment = db.prepare("SELECT id, task_id, user_id, status FROM assignments WHERE id = ?");
    const comparisonsOf = db.prepare("SELECT chosen_id, rejected_id, chosen_group, rejected_group FROM comparisons WHERE ranking_id = ? ORDER BY id");
    const revisionsOf = db.prepare("SELECT version FROM ranking_revisions WHERE ranking_id = ? ORDER BY version").pluck();
    for (const r of rankings) {
      const groups = JSON.parse(r.groups) as number[][];
      const members = groups.flat().sort((x, y) => x - y);
      const expected = completionsOf.all(r.task_id) as number[];
      if (JSON.stringify(members) !== JSON.stringify(expected))
        failures.push(`ranking ${r.id}: groups ${r.groups} are not exactly task ${r.task_id}'s completions ${JSON.stringify(expected)}`);
      if (r.source === "annotator") {
        const a = r.assignment_id === null ? undefined : (assignment.get(r.assignment_id) as { task_id: number; user_id: number; status: string } | undefined);
        if (!a) failures.push(`ranking ${r.id}: no assignment`);
        else if (a.status !== "submitted" || a.task_id !== r.task_id || a.user_id !== r.user_id)
          failures.push(`ranking ${r.id}: its assignment ${r.assignment_id} is ${a.status} (task ${a.task_id}, user ${a.user_id})`);
      }
      const pairs = rankingPairs(groups, "all").map((p) => [p.chosen, p.rejected, p.chosenGroup, p.rejectedGroup]);
      const stored = (comparisonsOf.all(r.id) as { chosen_id: number; rejected_id: number; chosen_group: number; rejected_group: number }[]).map((c) => [
        c.chosen_id,
        c.rejected_id,
        c.chosen_group,
        c.rejected_group,
      ]);
      const key = (rows: number[][]) => JSON.stringify(rows.map((x) => x.join(",")).sort());
      if (key(pairs) !== key(stored)) failures.push(`ranking ${r.id}: ${stored.length} comparisons stored, ${pairs.length} implied by its groups`);
      const versions = revisionsOf.all(r.id) as number[];
      if (JSON.stringify(versions) !== JSON.stringify(Array.from({ length: r.version - 1 }, (_, i) => i + 1)))
        failures.push(`ranking ${r.id} at version ${r.version} has revisions ${JSON.stringify(versions)}`);
    }
    const orphans = db
      .prepare("SELECT a.id FROM assignments a LEFT JOIN rankings r ON r.assignment_id = a.id WHERE a.status = 'submitted' AND r.id IS NULL")
      .pluck()
      .all();
    if (orphans.length > 0) failures.push(`submitted assignments without a ranking: ${JSON.stringify(orphans)}`);
    return { failures, rankings: rankings.length };
  } finally {
    db.close();
  }
}

describe("the server killed (SIGKILL) in the middle of a submit burst", () => {
  const temp = tempDb();
  const emails = Array.from({ length: ANNOTATORS }, (_, i) => `crash${i + 1}@palate.local`);
  let projectId: number;
  let server: AppServer | undefined;

  beforeAll(async () => {
    // The demo's tasks three times over, so the burst cannot run out before the kill.
    await seedDemo(temp.db, [...demoTasks(), ...demoTasks(), ...demoTasks()]);
    for (const email of emails) await createUser(temp.db, { email, name: email, role: "annotator", password: "crash-test" });
    projectId = getProjectByName(temp.db, DEMO_PROJECT)!.id;
    // The test's own connection is closed: the server's process is the only writer.
    temp.db.$client.close();
  });
  afterAll(async () => {
    await server?.stop();
    temp.cleanup();
  });

  it("keeps every acknowledged ranking and leaves no partial row, kill after kill", async () => {
    const acked: Acknowledged[] = [];
    const port = await freePort();
    const clients: Client[] = [];
    let killedMidBurst = 0;
    const rounds: { acknowledged: number; submits: number }[] = [];
    for (const [round, killAfter] of KILL_AFTER_ACKS.entries()) {
      server = await startApp({ dbPath: temp.path, port, host: "127.0.0.1", quiet: true });
      if (round === 0) for (const email of emails) clients.push(await new Client(server.url).signIn(email, "crash-test"));
      // After a restart the sessions stay valid (same secret beside the database), and the data is audited first.
      const afterRestart = audit(temp.path, acked);
      expect(afterRestart.failures, `after restart ${round}`).toEqual([]);

      const stop = { stopped: false };
      const ackedBefore = acked.length;
      const burst = Promise.all(clients.map((c, i) => annotate(c, emails[i], projectId, acked, stop)));
      const deadline = Date.now() + 30_000;
      while (acked.length - ackedBefore < killAfter && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, KILL_JITTER_MS[round]));
      const running = server;
      const exited = new Promise<void>((done) => running.process.once("exit", () => done()));
      running.process.kill("SIGKILL");
      await exited;
      server = undefined;
      stop.stopped = true;
      const submits = await burst;
      // Mid-burst: the acknowledgements had reached the mark (the annotators go on until the server is gone).
      if (acked.length - ackedBefore >= killAfter) killedMidBurst++;
      rounds.push({ acknowledged: acked.length - ackedBefore, submits: submits.reduce((a, b) => a + b, 0) });
    }

    // Restarted once more on the same file: everything acknowledged is there, nothing partial.
    server = await startApp({ dbPath: temp.path, port, host: "127.0.0.1", quiet: true });
    const final = audit(temp.path, acked);
    expect(final.failures).toEqual([]);
    expect(final.rankings).toBeGreaterThanOrEqual(acked.length);
    // The bursts were real: rankings were acknowledged before each kill, and the app still works.
    expect(killedMidBurst, JSON.stringify(rounds)).toBe(KILL_AFTER_ACKS.length);
    console.log(`kills mid-burst: ${JSON.stringify(rounds)}; ${final.rankings} rankings audited after the last restart`);
    const res = await clients[0].fetch("/api/annotate/next", {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ projectId }),
    });
    expect([200, 204]).toContain(res.status);
    await res.body?.cancel();
  });

  it("its audit sees partial rows: a lost acknowledged ranking, a submitted assignment without its ranking, a ranking without its comparisons", async () => {
    const other = tempDb();
    try {
      await seedDemo(other.db);
      const project = getProjectByName(other.db, DEMO_PROJECT)!;
      const user = other.db.select().from(users).where(eq(users.email, "annotator1@palate.local")).get()!;
      const first = requestAssignment(other.db, project.id, user.id)!;
      const completionIds = other.db
        .select({ id: completions.id })
        .from(completions)
        .where(eq(completions.taskId, first.assignment.taskId))
        .all()
        .map((c) => c.id);
      const ranking = insertRanking(other.db, {
        taskId: first.assignment.taskId,
        userId: user.id,
        assignmentId: first.assignment.id,
        groups: completionIds.map((c) => [c]),
      });
      other.db.update(assignments).set({ status: "submitted", closedAt: Date.now() }).where(eq(assignments.id, first.assignment.id)).run();
      expect(audit(other.path, [{ ranking, task: first.assignment.taskId, email: user.email }]).failures).toEqual([]);

      other.db.delete(comparisons).where(eq(comparisons.rankingId, ranking)).run();
      const second = requestAssignment(other.db, project.id, user.id)!;
      other.db.update(assignments).set({ status: "submitted", closedAt: Date.now() }).where(eq(assignments.id, second.assignment.id)).run();
      const { failures } = audit(other.path, [
        { ranking, task: first.assignment.taskId, email: user.email },
        { ranking: ranking + 1000, task: second.assignment.taskId, email: user.email },
      ]);
      expect(failures).toEqual([
        `acknowledged ranking ${ranking + 1000} (task ${second.assignment.taskId}, ${user.email}) is missing`,
        `ranking ${ranking}: 0 comparisons stored, ${(completionIds.length * (completionIds.length - 1)) / 2} implied by its groups`,
        `submitted assignments without a ranking: [${second.assignment.id}]`,
      ]);
    } finally {
      other.cleanup();
    }
  });
});
