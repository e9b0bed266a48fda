// Demonstrations over HTTP against the built app: an annotator gets a demonstration task, saves a
// draft that comes back on the next request (a reload), submits it; another annotator can neither
// read nor write it; a ranking request for the project is refused; an annotator cannot list or
// review; a researcher reviews; the sft export (every one, only accepted ones) and the sft import
// of the exported file round-trip; bad bodies and bad lines are named.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { Client, startTestApp, type TestApp } from "../../helpers/app";

let app: TestApp;
let projectId: number;
let otherId: number;
let admin: Client;
let researcher: Client;
let a1: Client;
let a2: Client;

const PROMPT = [{ role: "user", content: "Explain 7 + 5." }];

beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "demos", mode: "demonstration" }).id;
    insertTask(db, projectId, { messages: PROMPT as never, completions: [{ text: "It is 12." }, { text: "It is 13." }] });
    otherId = createProject(db, { name: "sft target", mode: "demonstration" }).id;
  });
  admin = await new Client(app.url).signIn("admin@palate.local");
  researcher = await new Client(app.url).signIn("researcher@palate.local");
  a1 = await new Client(app.url).signIn("annotator1@palate.local");
  a2 = await new Client(app.url).signIn("annotator2@palate.local");
});
afterAll(async () => {
  await app?.stop();
});

describe("demonstrations over HTTP", () => {
  let taskId: number;
  let demonstrationId: number;

  it("hands out a task with its starting points, keeps the draft across requests, and submits it", async () => {
    expect((await a1.json("/api/annotate/next", "POST", { projectId })).status).toBe(409);
    expect((await a1.json("/api/annotate/demonstrations/next", "POST", { projectId: "x" })).status).toBe(400);
    const first = await a1.json("/api/annotate/demonstrations/next", "POST", { projectId });
    expect(first.status).toBe(200);
    const payload = await first.json();
    taskId = payload.task.id;
    expect(payload).toMatchObject({ resumed: false, draft: null, task: { messages: PROMPT } });
    expect(payload.task.completions.map((c: { text: string }) => c.text)).toEqual(["It is 12.", "It is 13."]);
    // R = 1: nothing for the second annotator while the first holds it.
    expect((await a2.json("/api/annotate/demonstrations/next", "POST", { projectId })).status).toBe(204);

    const bad = await a1.json(`/api/tasks/${taskId}/demonstration`, "PUT", { text: 5 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues[0].field).toBe("text");
    expect((await a1.json(`/api/tasks/${taskId}/demonstration`, "PUT", { text: "7 + 5 = **12**" })).status).toBe(200);
    const again = await (await a1.json("/api/annotate/demonstrations/next", "POST", { projectId })).json();
    expect(again).toMatchObject({ resumed: true, task: { id: taskId }, draft: { text: "7 + 5 = **12**" } });
    expect(await (await a1.fetch(`/api/tasks/${taskId}/demonstration`)).json()).toMatchObject({ demonstration: { text: "7 + 5 = **12**", status: "draft" } });

    // Another annotator: no read, no write; staff cannot use the annotator's route.
    expect((await a2.fetch(`/api/tasks/${taskId}/demonstration`)).status).toBe(404);
    expect((await a2.json(`/api/tasks/${taskId}/demonstration`, "PUT", { text: "mine" })).status).toBe(403);
    expect((await a2.json(`/api/tasks/${taskId}/demonstration`, "POST", { text: "mine" })).status).toBe(403);
    expect((await researcher.fetch(`/api/tasks/${taskId}/demonstration`)).status).toBe(403);

    const empty = await a1.json(`/api/tasks/${taskId}/demonstration`, "POST", { text: "  " });
    expect(empty.status).toBe(400);
    expect((await empty.json()).issues[0]).toMatchObject({ field: "text", message: "write an answer before submitting" });
    const submitted = await a1.json(`/api/tasks/${taskId}/demonstration`, "POST", { text: "7 + 5 = **12**." });
    expect(submitted.status).toBe(201);
    demonstrationId = (await submitted.json()).demonstration.id;
    expect((await a1.json(`/api/tasks/${taskId}/demonstration`, "POST", { text: "other" })).status).toBe(200);
    expect((await a1.json(`/api/tasks/${taskId}/demonstration`, "PUT", { text: "late" })).status).toBe(409);
    expect((await a1.json("/api/annotate/demonstrations/next", "POST", { projectId })).status).toBe(204);
  });

  it("is listed and reviewed by staff, never by annotators", async () => {
    expect((await a1.fetch(`/api/projects/${projectId}/demonstrations`)).status).toBe(403);
    expect((await a1.json(`/api/projects/${projectId}/demonstrations/${demonstrationId}/review`, "POST", { decision: "accepted" })).status).toBe(403);
    const listed = await (await researcher.fetch(`/api/projects/${projectId}/demonstrations?review=pending`)).json();
    expect(listed.demonstrations).toMatchObject([{ id: demonstrationId, text: "7 + 5 = **12**.", annotator: { name: "Annotator One" }, review: "pending" }]);
    expect((await researcher.fetch(`/api/projects/${projectId}/demonstrations?review=maybe`)).status).toBe(400);
    const badDecision = await researcher.json(`/api/projects/${projectId}/demonstrations/${demonstrationId}/review`, "POST", { decision: "ok" });
    expect((await badDecision.json()).issues[0].field).toBe("decision");

    // Nothing accepted yet: the accepted-only export says so.
    const none = await admin.fetch(`/api/projects/${projectId}/export?format=sft&onlyAccepted=true`);
    expect(none.status).toBe(409);
    expect((await none.json()).error).toMatch(/no demonstrations to export: none of the 1 submitted/);
    const reviewed = await researcher.json(`/api/projects/${projectId}/demonstrations/${demonstrationId}/review`, "POST", {
      decision: "accepted",
      comment: "clear",
    });
    expect(reviewed.status).toBe(200);
    expect((await reviewed.json()).demonstration).toMatchObject({ review: "accepted", reviewComment: "clear" });
  });

  it("exports TRL's conversational SFT rows and imports them back", async () => {
    const res = await admin.fetch(`/api/projects/${projectId}/export?format=sft&onlyAccepted=true`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain('filename="demos-sft.jsonl"');
    const text = await res.text();
    expect(
      text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([{ messages: [...PROMPT, { role: "assistant", content: "7 + 5 = **12**." }] }]);
    expect((await researcher.fetch(`/api/projects/${projectId}/export?format=sft&onlyAccepted=maybe`)).status).toBe(400);

    const badLines = text + JSON.stringify({ messages: [{ role: "user", content: "hi" }] }) + "\n";
    const refused = await admin.fetch(`/api/projects/${otherId}/import?format=sft`, {
      method: "POST",
      body: badLines,
      headers: { "content-type": "application/x-ndjson" },
    });
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body.errors).toEqual([{ line: 2, message: expect.stringMatching(/^messages: expected the prompt's messages and then the assistant's answer/) }]);
    expect(body.imported.demonstrations).toBe(0);

    const ok = await admin.fetch(`/api/projects/${otherId}/import?format=sft`, {
      method: "POST",
      body: text,
      headers: { "content-type": "application/x-ndjson" },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).imported).toEqual({ prompts: 1, tasks: 1, rankings: 0, demonstrations: 1 });
    const back = await admin.fetch(`/api/projects/${otherId}/export?format=sft`);
    expect(await back.text()).toBe(text);
  });
});
