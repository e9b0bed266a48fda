// Fuzzing every JSON write route's body over real HTTP against the built app (issue 11, measured
// point 3), with fast-check.
//
// The routes are found by walking app/api for route.ts files and reading the methods they export,
// so a new write route fails the test until it has a valid body in BODIES (the start of the
// structured mutations) and its path parameters can be filled with real ids. Each route gets
// arbitrary JSON texts (fast-check's json arbitrary, any value at the top) and mutated valid
// bodies, sent as Content-Type application/json with a same-origin Origin, by a client of a role
// that may call it. For every answer:
// - never a 5xx;
// - a 4xx carries a JSON body {error: string};
// - after a 4xx every table of the database is unchanged (row counts and a hash of each table's
//   rows, read through a read-only connection to the app's database file).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignments, projects, users } from "@/db/schema";
import { IMPORT_FORMATS, type ImportFormat } from "@/lib/datasets/record";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { requestDemonstrationTask, saveDemonstrationDraft, submitDemonstration } from "@/lib/demonstrations/demonstration-store";
import { requestAssignment } from "@/lib/labeling/assignment-store";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { enqueueJob } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { projectRoot } from "@/scripts/server";
import { Client, startTestApp, type TestApp } from "@/tests/helpers/app";
import { snapshotDb, snapshotDiff, type DbSnapshot } from "@/tests/helpers/db-snapshot";
import { mutatedText, runs } from "./mutations";

type Role = "annotator" | "researcher" | "admin";
const EMAIL: Record<Role, string> = { annotator: "annotator1@palate.local", researcher: "researcher@palate.local", admin: "admin@palate.local" };
const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"];

/** Write routes that take no JSON body, and why they are fuzzed elsewhere or not at all. */
const NOT_JSON: Record<string, string> = {
  "/api/auth/[...nextauth]": "next-auth's form-encoded sign-in (its throttle and CSRF have their own tests)",
  "/api/projects/[id]/import": "a JSONL file, raw or multipart: fuzzed line by line in import-formats.fuzz.test.ts",
  "/api/refused/[reason]": "the edge's refusal of an oversized or unmeasured body (next.config.js rewrites to it): reads no body",
};

/** Real ids the path parameters are filled with, by the collection the parameter follows (`/api/<collection>/[id]`). */
interface Ids {
  projects: number;
  tasks: number;
  users: number;
  jobs: number;
  models: number;
  rankings: number;
  /** The task of annotator1's ranking (PUT edits it), and its completions. */
  rankedTask: number;
  rankedCompletions: number[];
  /** annotator1's open task's completions. */
  openCompletions: number[];
  /** A PPO policy of the project (round 1), for the next round. */
  policy: number;
  /** A project of mode demonstration; annotator1's task there (with a draft); annotator2's submitted demonstration. */
  demoProject: number;
  demoTask: number;
  demonstration: number;
}

interface BodySpec {
  as: Role;
  /** A body the route accepts (some answer 4xx anyway, e.g. a model that cannot load: the mutations start from it). */
  body: (ids: Ids) => Record<string, unknown>;
  /** The path when a parameter must differ from the default id. */
  path?: (ids: Ids) => string;
  /** Other valid bodies, fuzzed each on its own the same way (POST /api/jobs: one per job kind whose parameters differ). */
  variants?: Record<string, (ids: Ids) => Record<string, unknown>>;
}

/** Keyed `METHOD /api/template`. */
const BODIES: Record<string, BodySpec> = {
  "POST /api/users": { as: "admin", body: () => ({ email: "fuzz@palate.local", name: "Fuzz", role: "annotator", password: "fuzz-password" }) },
  "PATCH /api/users/[id]": { as: "admin", body: () => ({ name: "Renamed by fuzz" }) },
  "POST /api/projects": { as: "admin", body: () => ({ name: "Fuzz project", redundancy: 2 }) },
  "PATCH /api/projects/[id]": { as: "admin", body: () => ({ guidelines: "Be kind." }) },
  "PUT /api/projects/[id]/questions": {
    as: "admin",
    body: () => ({ questions: [{ kind: "rating", key: "helpful", prompt: "How helpful?", required: false, min: 1, max: 5, minLabel: "", maxLabel: "" }] }),
  },
  "POST /api/projects/[id]/rounds": { as: "researcher", body: (ids) => ({ policyModelId: ids.policy, mixPrevious: false, sampling: { temperature: 0.7 } }) },
  "POST /api/jobs": {
    as: "researcher",
    body: (ids) => ({ kind: "score", params: { projectId: ids.projects, modelId: ids.models } }),
    variants: {
      "best-of-n": (ids) => ({
        kind: "best-of-n",
        params: { projectId: ids.demoProject, policyModelId: ids.policy, rules: "format", n: 2, maxPrompts: 2, asDemonstrations: true },
      }),
    },
  },
  "POST /api/jobs/[id]/cancel": { as: "admin", body: () => ({}) },
  "POST /api/models": {
    as: "admin",
    body: () => ({ name: "fuzz-endpoint", kind: "policy", source: "openai", baseUrl: "http://127.0.0.1:9/v1", remoteModel: "m" }),
  },
  "POST /api/models/[id]/score": { as: "researcher", body: () => ({ prompt: "Hi?", completions: ["Hello.", "Hey."] }) },
  "POST /api/tasks/[id]/ranking": { as: "annotator", body: (ids) => ({ groups: ids.openCompletions.map((c) => [c]), comment: "fine" }) },
  "PUT /api/tasks/[id]/ranking": {
    as: "annotator",
    body: (ids) => ({ groups: [[...ids.rankedCompletions]], noneAcceptable: false }),
    path: (ids) => `/api/tasks/${ids.rankedTask}/ranking`,
  },
  "POST /api/tasks/[id]/skip": { as: "annotator", body: () => ({ reason: "not sure" }) },
  "POST /api/annotate/next": { as: "annotator", body: (ids) => ({ projectId: ids.projects }) },
  "POST /api/projects/[id]/gold": { as: "admin", body: (ids) => ({ lines: [{ task_id: ids.tasks, first: 0 }] }) },
  "POST /api/projects/[id]/gold/unpause": { as: "admin", body: (ids) => ({ userId: ids.users }) },
  "POST /api/projects/[id]/snapshots": { as: "researcher", body: () => ({ name: "fuzz-v1", testShare: 0.2, license: "cc-by-4.0" }) },
  "POST /api/annotate/demonstrations/next": { as: "annotator", body: (ids) => ({ projectId: ids.demoProject }) },
  "PUT /api/tasks/[id]/demonstration": { as: "annotator", body: () => ({ text: "A *draft*." }), path: (ids) => `/api/tasks/${ids.demoTask}/demonstration` },
  "POST /api/tasks/[id]/demonstration": { as: "annotator", body: () => ({ text: "The answer." }), path: (ids) => `/api/tasks/${ids.demoTask}/demonstration` },
  "POST /api/projects/[id]/demonstrations/[demonstrationId]/review": {
    as: "admin",
    body: () => ({ decision: "accepted", comment: "good" }),
    path: (ids) => `/api/projects/${ids.demoProject}/demonstrations/${ids.demonstration}/review`,
  },
  "POST /api/projects/[id]/review/[taskId]": {
    as: "admin",
    body: () => ({ action: "send_back", addedRankings: 1, comment: "more opinions" }),
    path: (ids) => `/api/projects/${ids.projects}/review/${ids.tasks}`,
  },
};

interface WriteRoute {
  template: string;
  method: string;
}

/** Every write method of every route.ts under app/api, as `/api/...` templates. */
function discoverWriteRoutes(): WriteRoute[] {
  const appDir = join(projectRoot, "app");
  const found: WriteRoute[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith("_")) walk(full);
        continue;
      }
      if (!/^route\.(ts|js)$/.test(entry.name)) continue;
      const template =
        "/" +
        relative(appDir, dir)
          .split(sep)
          .filter((s) => s !== "" && !/^\(.*\)$/.test(s) && !s.startsWith("@"))
          .join("/");
      const source = readFileSync(full, "utf8");
      for (const method of WRITE_METHODS)
        if (new RegExp(`export\\s+(async\\s+)?function\\s+${method}\\b|export\\s+const\\s+${method}\\b|as\\s+${method}\\b`).test(source))
          found.push({ template, method });
    }
  };
  walk(join(appDir, "api"));
  return found.sort((a, b) => `${a.template} ${a.method}`.localeCompare(`${b.template} ${b.method}`));
}

/** The template with each `[param]` replaced by the real id of the collection before it; throws naming an unknown one. */
function fillPath(template: string, ids: Ids): string {
  const parts = template.split("/");
  return parts
    .map((part, i) => {
      if (!/^\[.+\]$/.test(part)) return part;
      const collection = parts[i - 1] as keyof Ids;
      const id = ids[collection];
      if (typeof id !== "number") throw new Error(`${template}: no id for parameter ${part} after "${parts[i - 1]}" (add it to Ids)`);
      return String(id);
    })
    .join("/");
}

/** A body as sent: JSON text, printed short in a counterexample. */
class Body {
  constructor(
    readonly text: string,
    readonly how: string,
  ) {}
  [fc.toStringMethod](): string {
    return `Body(${this.how}, ${this.text.length} chars: ${JSON.stringify(this.text.length > 300 ? `${this.text.slice(0, 150)}…${this.text.slice(-150)}` : this.text)})`;
  }
}

function bodies(valid: Record<string, unknown>): fc.Arbitrary<Body> {
  return fc.oneof(
    fc.json({ maxDepth: 4 }).map((t) => new Body(t, "json")),
    fc
      .jsonValue({ maxDepth: 3 })
      .map((v) => new Body(JSON.stringify({ ...valid, ...(typeof v === "object" && v && !Array.isArray(v) ? v : { extra: v }) }), "merged")),
    mutatedText(fc.constant(valid)).map((t) => new Body(t, "mutated")),
    mutatedText(fc.constant(valid)).map((t) => new Body(t, "mutated")),
  );
}

describe("JSON write routes under fuzzing (real HTTP, real database)", () => {
  let app: TestApp;
  let ids: Ids;
  const clients = {} as Record<Role, Client>;

  beforeAll(async () => {
    // Fuzzed files (up to a few MB) are imported by the request itself, not queued as jobs (no worker runs here).
    process.env.PALATE_IMPORT_SYNC_MAX_BYTES = String(8 * 1024 * 1024);
    app = await startTestApp((db) => {
      const project = db.select().from(projects).where(eq(projects.name, DEMO_PROJECT)).get()!;
      const uid = (email: string) => db.select().from(users).where(eq(users.email, email)).get()!.id;
      const a1 = uid(EMAIL.annotator);
      const completionsOf = (taskId: number) =>
        db.query.completions
          .findMany({ where: (c, { eq }) => eq(c.taskId, taskId), orderBy: (c, { asc }) => asc(c.position) })
          .sync()
          .map((c) => c.id);
      // annotator1 has ranked one task and holds a second, open one.
      const first = requestAssignment(db, project.id, a1)!;
      const rankedCompletions = completionsOf(first.assignment.taskId);
      const ranking = insertRanking(db, {
        taskId: first.assignment.taskId,
        userId: a1,
        assignmentId: first.assignment.id,
        groups: rankedCompletions.map((c) => [c]),
      });
      db.update(assignments).set({ status: "submitted", closedAt: Date.now() }).where(eq(assignments.id, first.assignment.id)).run();
      const open = requestAssignment(db, project.id, a1)!;
      const job = enqueueJob(db, { kind: "generate", params: { projectId: project.id, modelId: 1, prompts: ["fuzz"] }, projectId: project.id });
      const model = registerModel(db, { name: "fuzz-rm", kind: "reward", source: "palate", path: "/nonexistent/fuzz-rm", projectId: project.id });
      const policy = registerModel(db, {
        name: "fuzz-policy",
        kind: "policy",
        source: "palate",
        path: "/nonexistent/fuzz-policy",
        projectId: project.id,
        metadata: { lineage: { round: 1 } },
      });
      // A demonstration project: annotator1 holds a task with a draft, annotator2 submitted the other.
      const demoProject = createProject(db, { name: "fuzz-demos", mode: "demonstration" }).id;
      for (const q of ["What is 7 + 5?", "What is 2 + 2?"])
        insertTask(db, demoProject, { messages: [{ role: "user", content: q }], completions: [{ text: "12" }, { text: "4" }] });
      const demoTask = requestDemonstrationTask(db, demoProject, a1)!.assignment.taskId;
      saveDemonstrationDraft(db, demoTask, a1, "Draft.");
      const a2 = uid("annotator2@palate.local");
      const otherTask = requestDemonstrationTask(db, demoProject, a2)!.assignment.taskId;
      const submitted = submitDemonstration(db, otherTask, a2, "4.");
      if (!submitted.ok) throw new Error(submitted.error);
      ids = {
        demoProject,
        demoTask,
        demonstration: submitted.demonstration.id,
        projects: project.id,
        tasks: open.assignment.taskId,
        users: uid("annotator2@palate.local"),
        jobs: job.id,
        models: model.id,
        rankings: ranking,
        rankedTask: first.assignment.taskId,
        rankedCompletions,
        openCompletions: completionsOf(open.assignment.taskId),
        policy: policy.id,
      };
    });
    for (const role of Object.keys(EMAIL) as Role[]) clients[role] = await new Client(app.url).signIn(EMAIL[role]);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("finds every JSON write route under app/api, each with a valid body to start from and real ids for its parameters", () => {
    const found = discoverWriteRoutes();
    expect(found.length).toBeGreaterThan(10);
    const json = found.filter((r) => !(r.template in NOT_JSON));
    const missing = json.map((r) => `${r.method} ${r.template}`).filter((k) => !(k in BODIES));
    expect(missing, "add a valid body for these to BODIES in tests/integration/fuzz/json-routes.fuzz.test.ts").toEqual([]);
    const stale = Object.keys(BODIES).filter((k) => !json.some((r) => `${r.method} ${r.template}` === k));
    expect(stale, "BODIES lists routes app/api no longer has").toEqual([]);
    // Routes with a path of their own in BODIES fill their parameters there.
    for (const r of json) if (!BODIES[`${r.method} ${r.template}`].path) expect(() => fillPath(r.template, ids)).not.toThrow();
  });

  /** Sends one body and checks the answer; returns the status. */
  async function send(client: Client, method: string, path: string, text: string, before: DbSnapshot, label: string): Promise<number> {
    const res = await client.fetch(path, { method, headers: { "content-type": "application/json", origin: app.url }, body: text });
    const answer = await res.text();
    expect(res.status, `${label}: ${res.status} ${answer.slice(0, 300)}`).toBeLessThan(500);
    if (res.status >= 400) {
      expect(res.headers.get("content-type") ?? "", `${label}: ${res.status} answered ${res.headers.get("content-type")}`).toMatch(/^application\/json/);
      const parsed = JSON.parse(answer) as { error?: unknown };
      expect(typeof parsed.error, `${label}: ${res.status} ${answer.slice(0, 300)}`).toBe("string");
      const diff = snapshotDiff(before, snapshotDb(app.dbPath));
      expect(diff, `${label}: a ${res.status} changed the database`).toEqual([]);
    }
    return res.status;
  }

  it("never answers 5xx; every 4xx is a JSON error and leaves every table unchanged", async () => {
    const routes = discoverWriteRoutes().filter((r) => !(r.template in NOT_JSON));
    const statuses: Record<string, Record<number, number>> = {};
    const validAnswers: Record<string, number | undefined> = {};
    for (const { template, method } of routes) {
      const spec = BODIES[`${method} ${template}`];
      const path = spec.path ? spec.path(ids) : fillPath(template, ids);
      const client = clients[spec.as];
      for (const [variant, makeBody] of [["", spec.body] as const, ...Object.entries(spec.variants ?? {})]) {
        const key = `${method} ${template}${variant && ` (${variant})`}`;
        const seen: Record<number, number> = (statuses[key] = {});
        let first: number | undefined;
        let before = snapshotDb(app.dbPath);
        const valid = makeBody(ids);
        await fc.assert(
          fc.asyncProperty(bodies(valid), async (body) => {
            const status = await send(client, method, path, body.text, before, `${key} ${body.how}`);
            seen[status] = (seen[status] ?? 0) + 1;
            first ??= status;
            // An accepted write changes the database: the next request is compared with what it left.
            if (status < 400) before = snapshotDb(app.dbPath);
          }),
          // The valid body itself goes first, then the generated ones.
          { numRuns: runs(50), examples: [[new Body(JSON.stringify(valid), "valid")]] },
        );
        validAnswers[key] = first;
      }
    }
    // Every route saw refusals (the fuzzing reached its validation), and statuses are reported for the record.
    const neverRefused = Object.entries(statuses).filter(([, s]) => !Object.keys(s).some((code) => Number(code) >= 400));
    expect(neverRefused, JSON.stringify(statuses)).toEqual([]);
    console.log(`fuzzed JSON routes, answers by status: ${JSON.stringify(statuses)}; the valid bodies answered ${JSON.stringify(validAnswers)}`);
    // The best-of-n body passes every check (the fuzzing starts past them): 201, a queued job.
    expect(validAnswers["POST /api/jobs (best-of-n)"]).toBe(201);
  });

  it("the import route: a fuzzed file answers 200 or a JSON 400, and a rejected file changes nothing", async () => {
    const validLines: Record<ImportFormat, Record<string, unknown>> = {
      palate: { prompt: "p", completions: ["a", { text: "b", model: "m", metadata: { k: 1 } }], metadata: { source: "fuzz" } },
      trl: { prompt: [{ role: "user", content: "q" }], chosen: [{ role: "assistant", content: "c" }], rejected: [{ role: "assistant", content: "r" }] },
      oasst: {
        message_tree_id: "t",
        prompt: {
          message_id: "p",
          text: "q",
          role: "prompter",
          replies: [
            { message_id: "a", text: "x", role: "assistant", rank: 0 },
            { message_id: "b", text: "y", role: "assistant", rank: 1 },
          ],
        },
      },
      rankings: {
        prompt: "q",
        completions: [
          { id: 1, text: "x" },
          { id: 2, text: "y", model: "m" },
        ],
        groups: [[2], [1]],
        annotator: "Fuzz",
      },
      hh: { chosen: "\n\nHuman: q\n\nAssistant: c", rejected: "\n\nHuman: q\n\nAssistant: r" },
      openrlhf: {
        chosen: [
          { role: "user", content: "q" },
          { role: "assistant", content: "c" },
        ],
        rejected: [
          { role: "user", content: "q" },
          { role: "assistant", content: "r" },
        ],
        margin: 1,
      },
    };
    expect(Object.keys(validLines).sort()).toEqual([...IMPORT_FORMATS].sort());
    const statuses: Record<string, Record<number, number>> = {};
    for (const format of IMPORT_FORMATS) {
      const valid = JSON.stringify(validLines[format]);
      const seen: Record<number, number> = (statuses[format] = {});
      let before = snapshotDb(app.dbPath);
      await fc.assert(
        fc.asyncProperty(mutatedText(fc.constant(validLines[format])), fc.constantFrom("\n", "\r\n"), fc.boolean(), async (bad, eol, badFirst) => {
          const file = new Body((badFirst ? [bad, valid] : [valid, bad]).join(eol) + eol, "file");
          const res = await clients.admin.fetch(`/api/projects/${ids.projects}/import?format=${format}`, {
            method: "POST",
            headers: { "content-type": "application/x-ndjson", origin: app.url },
            body: file.text,
          });
          const answer = await res.text();
          seen[res.status] = (seen[res.status] ?? 0) + 1;
          expect(res.status, `${format} ${file[fc.toStringMethod]()}: ${answer.slice(0, 300)}`).toBeLessThan(500);
          expect(res.status, "imported by the request, not queued").not.toBe(202);
          if (res.status >= 400) {
            expect(typeof (JSON.parse(answer) as { error?: unknown }).error).toBe("string");
            expect(snapshotDiff(before, snapshotDb(app.dbPath)), `${format}: a ${res.status} changed the database`).toEqual([]);
          } else before = snapshotDb(app.dbPath);
        }),
        { numRuns: runs(20) },
      );
    }
    console.log(`fuzzed imports, answers by status: ${JSON.stringify(statuses)}`);
  });
});
