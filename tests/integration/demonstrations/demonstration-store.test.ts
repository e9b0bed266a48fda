// Demonstrations on a real SQLite file (migration 0013 applied by openDb): the assignment rule hands
// a demonstration task to R annotators (R defaults to 1 in demonstration mode), a draft is kept
// server-side and found again, a submit closes the assignment and fills the task's slot (tasks.load,
// by trigger), a draft's autosaves do not raise the project's version but its first save, a submit and a review do, prompts
// without a task get one, a reviewer accepts or rejects, and the sft export / import round trip.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { assignments, demonstrations, prompts, tasks, users } from "@/db/schema";
import { parseSftLine } from "@/lib/datasets/sft-format";
import { importSftFile } from "@/lib/datasets/sft-import";
import { sftCounts, sftJson } from "@/lib/datasets/sft-writer";
import { listDemonstrations, reviewDemonstration } from "@/lib/demonstrations/demonstration-review";
import {
  demonstrationPayload,
  readOwnDemonstration,
  requestDemonstrationTask,
  saveDemonstrationDraft,
  submitDemonstration,
} from "@/lib/demonstrations/demonstration-store";
import { createProject, updateProject } from "@/lib/projects";
import { changeStamp } from "@/lib/stats/change-stamp";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

const T0 = 1_700_000_000_000;
let temp: ReturnType<typeof tempDb>;
let db: Connection;
let projectId: number;
let ann: number[];

const PROMPT = [
  { role: "system" as const, content: "Answer briefly." },
  { role: "user" as const, content: "What is 7 + 5?" },
];

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
  projectId = createProject(db, { name: "demos", mode: "demonstration" }).id;
  insertTask(db, projectId, { messages: PROMPT, completions: [{ text: "12" }, { text: "13" }] });
  ann = [1, 2, 3].map(
    (i) =>
      db
        .insert(users)
        .values({ email: `a${i}@t.local`, name: `A${i}`, role: "annotator" })
        .returning()
        .get().id,
  );
});
afterEach(() => temp.cleanup());

const loadOf = (taskId: number) => db.select({ load: tasks.load }).from(tasks).where(eq(tasks.id, taskId)).get()!.load;

describe("demonstration tasks", () => {
  it("a demonstration project asks one demonstration per prompt by default", () => {
    expect(createProject(db, { name: "d2", mode: "demonstration" }).redundancy).toBe(1);
    expect(createProject(db, { name: "d3", mode: "demonstration", redundancy: 2 }).redundancy).toBe(2);
    expect(createProject(db, { name: "r" }).redundancy).toBe(3);
  });

  it("keeps a draft server-side, submits it, and gives the task to nobody else once R is reached", () => {
    const got = requestDemonstrationTask(db, projectId, ann[0], T0)!;
    expect(got.resumed).toBe(false);
    const taskId = got.assignment.taskId;
    const payload = demonstrationPayload(db, got.assignment, false, ann[0], T0);
    expect(payload.task.messages).toEqual(PROMPT);
    expect(payload.task.completions.map((c) => c.text)).toEqual(["12", "13"]);
    expect(payload.draft).toBeNull();

    // The second annotator gets nothing while the first holds the only slot.
    expect(requestDemonstrationTask(db, projectId, ann[1], T0)).toBeNull();

    // The first save of a draft raises the version (the statistics count drafts); the autosaves after it do not.
    const stampAssigned = changeStamp(db, projectId);
    expect(saveDemonstrationDraft(db, taskId, ann[0], "7 + 5 = **1", T0 + 1)).toMatchObject({ ok: true, created: true });
    const stampBefore = changeStamp(db, projectId);
    expect(stampBefore).not.toBe(stampAssigned);
    expect(saveDemonstrationDraft(db, taskId, ann[0], "7 + 5 = **12**", T0 + 2)).toMatchObject({ ok: true, created: false });
    expect(changeStamp(db, projectId)).toBe(stampBefore);
    // A reload: the held assignment comes back with the draft.
    const again = requestDemonstrationTask(db, projectId, ann[0], T0 + 3)!;
    expect(again).toMatchObject({ resumed: true, assignment: { taskId } });
    expect(demonstrationPayload(db, again.assignment, true, ann[0], T0 + 3).draft).toEqual({ text: "7 + 5 = **12**", updatedAt: T0 + 2 });
    // Another annotator cannot write on it, nor read it.
    expect(saveDemonstrationDraft(db, taskId, ann[1], "mine", T0)).toMatchObject({ ok: false, status: 403 });
    expect(readOwnDemonstration(db, taskId, ann[1])).toBeUndefined();

    expect(loadOf(taskId)).toBe(1);
    const submitted = submitDemonstration(db, taskId, ann[0], "7 + 5 = **12**.", T0 + 4);
    expect(submitted).toMatchObject({ ok: true, created: true, demonstration: { status: "submitted", review: "pending", text: "7 + 5 = **12**." } });
    expect(changeStamp(db, projectId)).not.toBe(stampBefore);
    expect(loadOf(taskId)).toBe(1);
    expect(db.select().from(assignments).where(eq(assignments.taskId, taskId)).get()!.status).toBe("submitted");
    expect(submitDemonstration(db, taskId, ann[0], "again", T0 + 5)).toMatchObject({ ok: true, created: false, demonstration: { text: "7 + 5 = **12**." } });
    expect(saveDemonstrationDraft(db, taskId, ann[0], "late edit", T0 + 5)).toMatchObject({ ok: false, status: 409 });
    expect(requestDemonstrationTask(db, projectId, ann[0], T0 + 6)).toBeNull();
    expect(requestDemonstrationTask(db, projectId, ann[1], T0 + 6)).toBeNull();

    // With R = 2 the task has a second slot, for someone else.
    updateProject(db, projectId, { redundancy: 2 });
    expect(requestDemonstrationTask(db, projectId, ann[1], T0 + 7)).toMatchObject({ assignment: { taskId } });
    expect(requestDemonstrationTask(db, projectId, ann[0], T0 + 7)).toBeNull();
  });

  it("hides the completions when the project says so, and gives prompts without a task one", () => {
    updateProject(db, projectId, { showCompletions: false });
    db.insert(prompts)
      .values({ projectId, messages: [{ role: "user", content: "Capital of Peru?" }] })
      .run();
    const first = requestDemonstrationTask(db, projectId, ann[0], T0)!;
    expect(demonstrationPayload(db, first.assignment, false, ann[0], T0).task.completions).toEqual([]);
    const second = requestDemonstrationTask(db, projectId, ann[1], T0)!;
    const payload = demonstrationPayload(db, second.assignment, false, ann[1], T0);
    expect(payload.task.messages).toEqual([{ role: "user", content: "Capital of Peru?" }]);
    expect(payload.task.completions).toEqual([]);
    expect(db.select().from(tasks).where(eq(tasks.projectId, projectId)).all()).toHaveLength(2);
  });

  it("refuses a submit after the assignment expired and the task went to someone else, keeping the draft", () => {
    updateProject(db, projectId, { assignmentTimeoutSeconds: 10 });
    const got = requestDemonstrationTask(db, projectId, ann[0], T0)!;
    saveDemonstrationDraft(db, got.assignment.taskId, ann[0], "draft", T0 + 1);
    expect(requestDemonstrationTask(db, projectId, ann[1], T0 + 20_000)).toMatchObject({ assignment: { taskId: got.assignment.taskId } });
    expect(submitDemonstration(db, got.assignment.taskId, ann[0], "late", T0 + 21_000)).toMatchObject({ ok: false, status: 409 });
    expect(readOwnDemonstration(db, got.assignment.taskId, ann[0])!.demonstration).toMatchObject({ status: "draft", text: "draft" });
  });

  it("is reviewed by someone else, and exported as TRL's conversational SFT rows", () => {
    const got = requestDemonstrationTask(db, projectId, ann[0], T0)!;
    const taskId = got.assignment.taskId;
    expect([...sftJson(db, projectId)]).toEqual([]);
    saveDemonstrationDraft(db, taskId, ann[0], "draft only", T0);
    expect(listDemonstrations(db, projectId)).toEqual([]);
    const { demonstration } = submitDemonstration(db, taskId, ann[0], "12", T0) as { demonstration: { id: number } };
    expect(listDemonstrations(db, projectId)).toMatchObject([
      { id: demonstration.id, text: "12", review: "pending", annotator: { name: "A1" }, messages: PROMPT },
    ]);
    expect([...sftJson(db, projectId)].map((l) => JSON.parse(l))).toEqual([{ messages: [...PROMPT, { role: "assistant", content: "12" }] }]);
    expect([...sftJson(db, projectId, { onlyAccepted: true })]).toEqual([]);

    expect(reviewDemonstration(db, projectId, demonstration.id, ann[0], { decision: "accepted" })).toMatchObject({ ok: false, status: 403 });
    expect(reviewDemonstration(db, projectId + 1, demonstration.id, ann[1], { decision: "accepted" })).toMatchObject({ ok: false, status: 404 });
    const stamp = changeStamp(db, projectId);
    expect(reviewDemonstration(db, projectId, demonstration.id, ann[1], { decision: "accepted", comment: "good" })).toMatchObject({
      ok: true,
      demonstration: { review: "accepted", reviewerId: ann[1], reviewComment: "good" },
    });
    expect(changeStamp(db, projectId)).not.toBe(stamp);
    expect([...sftJson(db, projectId, { onlyAccepted: true })]).toHaveLength(1);
    reviewDemonstration(db, projectId, demonstration.id, ann[1], { decision: "rejected" });
    expect([...sftJson(db, projectId)]).toEqual([]);
    expect(sftCounts(db, projectId)).toEqual({ submitted: 1, accepted: 0, rejected: 1 });
  });

  it("imports sft lines in one transaction as imported demonstrations, and exports them back unchanged", () => {
    const rows = [
      { messages: [...PROMPT, { role: "assistant", content: "7 + 5 = 12" }] },
      {
        messages: [
          { role: "user", content: "Capital of Peru?" },
          { role: "assistant", content: "**Lima**" },
        ],
        id: "geo-1",
      },
    ];
    const file = join(temp.dir, "sft.jsonl");
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n\n");
    const report = importSftFile(db, file, { projectName: "imported demos" });
    expect(report).toMatchObject({ imported: { prompts: 2, tasks: 2, rankings: 0, demonstrations: 2 }, errors: [], invalidLines: 0 });
    const id = report.projectId!;
    expect([...sftJson(db, id)].map((l) => JSON.parse(l))).toEqual(rows.map((r) => ({ messages: r.messages })));
    const listed = listDemonstrations(db, id);
    expect(listed.map((d) => d.source)).toEqual(["imported", "imported"]);
    const importer = db.select().from(users).where(eq(users.id, listed[0].annotator.id)).get()!;
    expect(importer).toMatchObject({ email: "imported@palate.local", disabled: true });
    // The imported prompts' slots are filled (R = 1): nothing to hand out.
    expect(requestDemonstrationTask(db, id, ann[0], T0)).toBeNull();

    // One bad line: nothing written, the line and field named.
    const bad = join(temp.dir, "bad.jsonl");
    writeFileSync(
      bad,
      [
        JSON.stringify(rows[0]),
        JSON.stringify({
          messages: [
            { role: "user", content: "Hi" },
            { role: "user", content: "?" },
          ],
        }),
        "{",
      ].join("\n"),
    );
    const before = db.select().from(demonstrations).all().length;
    const refused = importSftFile(db, bad, { projectId: id });
    expect(refused.invalidLines).toBe(2);
    expect(refused.errors[0]).toEqual({ line: 2, message: expect.stringMatching(/^messages\[1\]\.role: the last message is the demonstration/) });
    expect(refused.errors[1].line).toBe(3);
    expect(db.select().from(demonstrations).all()).toHaveLength(before);
  });

  it("names the field of a bad sft line", () => {
    expect(parseSftLine({ messages: [{ role: "assistant", content: "x" }] })).toEqual({
      error: expect.stringMatching(/^messages: expected the prompt's messages/),
    });
    expect(
      parseSftLine({
        messages: [
          { role: "user", content: "q" },
          { role: "assistant", content: " " },
        ],
      }),
    ).toEqual({
      error: "messages[1].content: the demonstration is empty",
    });
    expect(
      parseSftLine({
        messages: [
          { role: "user", content: "q" },
          { role: "assistant", content: "a" },
        ],
        prompt: "x",
      }),
    ).toEqual({
      error: expect.stringMatching(/unknown field "prompt"/),
    });
    expect(parseSftLine([1])).toEqual({ error: "expected a JSON object" });
  });
});
