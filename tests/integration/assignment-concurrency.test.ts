// Many annotators asking for work at once, from several processes, each with its own
// better-sqlite3 connection to the same real SQLite file: no task ever exceeds R, nobody gets a
// task twice, and in the end every task is ranked exactly R times.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import { and, count, eq, gt } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignments, rankings, users } from "@/db/schema";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../helpers/app";

const PROCESSES = 4;
const ANNOTATORS = 20;
const TASKS = 6;
const R = 3;

interface Line {
  phase: string;
  userId: number;
  taskId: number | null;
}

class Worker {
  readonly lines: Line[] = [];
  private waiting: ((line: string) => void)[] = [];
  private readonly rl: Interface;
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.rl = createInterface({ input: child.stdout });
    this.rl.on("line", (raw) => {
      const parsed = JSON.parse(raw) as string | Line;
      if (typeof parsed === "string") this.waiting.shift()?.(parsed);
      else this.lines.push(parsed);
    });
  }
  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
    });
  }
  async send(command: string): Promise<void> {
    const done = this.next();
    this.child.stdin.write(command + "\n");
    expect(await done).toBe("done");
  }
}

describe("concurrent assignment across processes", () => {
  const temp = tempDb();
  let projectId: number;
  let userIds: number[];
  const workers: Worker[] = [];
  let stderr = "";

  beforeAll(async () => {
    const { db } = temp;
    projectId = createProject(db, { name: "concurrency", redundancy: R, assignmentTimeoutSeconds: 3600 }).id;
    db.transaction((tx) => {
      for (let i = 0; i < TASKS; i++) {
        insertTask(tx, projectId, {
          messages: [{ role: "user", content: `q${i}` }],
          completions: [{ text: "a" }, { text: "b" }, { text: "c" }, { text: "d" }],
        });
      }
    });
    userIds = Array.from(
      { length: ANNOTATORS },
      (_, i) =>
        db
          .insert(users)
          .values({ email: `c${i}@t.local`, name: `C${i}`, role: "annotator" })
          .returning()
          .get().id,
    );
    const script = fileURLToPath(new URL("./assignment-concurrency.worker.ts", import.meta.url));
    for (let p = 0; p < PROCESSES; p++) {
      const mine = userIds.filter((_, i) => i % PROCESSES === p);
      const child = spawn(process.execPath, ["--import", "tsx", script, temp.path, String(projectId), mine.join(",")], { stdio: "pipe" });
      child.stderr.on("data", (d) => (stderr += d));
      const worker = new Worker(child);
      workers.push(worker);
    }
    // every process connected before anyone fires
    await Promise.all(workers.map((w) => w.next()));
  });

  afterAll(async () => {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null) return resolve();
            w.child.once("exit", () => resolve());
            w.child.stdin.end("quit\n");
          }),
      ),
    );
    temp.cleanup();
  });

  it("simultaneous requests fill each task to R and no further", async () => {
    await Promise.all(workers.map((w) => w.send("grab"))).catch((e) => {
      throw new Error(`${e}\n${stderr}`);
    });
    const grabs = workers.flatMap((w) => w.lines.filter((l) => l.phase === "grab"));
    expect(grabs).toHaveLength(ANNOTATORS);
    const given = grabs.filter((g) => g.taskId !== null);
    expect(given).toHaveLength(TASKS * R);
    const perTask = new Map<number, number>();
    for (const g of given) perTask.set(g.taskId!, (perTask.get(g.taskId!) ?? 0) + 1);
    expect([...perTask.values()]).toEqual(Array(TASKS).fill(R));
    const live = temp.db
      .select({ taskId: assignments.taskId, n: count() })
      .from(assignments)
      .where(and(eq(assignments.status, "active"), gt(assignments.expiresAt, Date.now())))
      .groupBy(assignments.taskId)
      .all();
    expect(live.every((row) => row.n <= R)).toBe(true);
  });

  it("working until nothing is left ranks every task exactly R times, nobody twice", async () => {
    await Promise.all(workers.map((w) => w.send("work"))).catch((e) => {
      throw new Error(`${e}\n${stderr}`);
    });
    const all = temp.db.select().from(rankings).all();
    expect(all).toHaveLength(TASKS * R);
    const perTask = new Map<number, Set<number>>();
    for (const r of all) {
      const set = perTask.get(r.taskId) ?? new Set<number>();
      expect(set.has(r.userId)).toBe(false);
      perTask.set(r.taskId, set.add(r.userId));
    }
    expect([...perTask.values()].map((s) => s.size)).toEqual(Array(TASKS).fill(R));
    // every annotator was told "nothing left" in the end, and no assignment is left open
    const finished = workers.flatMap((w) => w.lines.filter((l) => l.phase === "work" && l.taskId === null));
    expect(finished.map((l) => l.userId).sort((a, b) => a - b)).toEqual([...userIds].sort((a, b) => a - b));
    expect(temp.db.select().from(assignments).where(eq(assignments.status, "active")).all()).toHaveLength(0);
  });
});
