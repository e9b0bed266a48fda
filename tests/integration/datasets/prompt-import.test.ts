// Prompts with reference answers, imported for real: gsm8k and qa files into a temp SQLite
// database (the library, the CLI and the import job), read back by referencePrompts and scored
// by the accuracy reward; bad lines name their line and field and leave every table as it was.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { prompts, tasks } from "@/db/schema";
import { importFile, ImportError } from "@/lib/datasets/import";
import { importUploadsDir } from "@/lib/datasets/import-job";
import { importPromptFile } from "@/lib/datasets/prompt-import";
import { countReferencePrompts, referencePrompts } from "@/lib/datasets/reference-prompts";
import { promptText } from "@/lib/datasets/prompt-text";
import { IMPORT_JOB_KIND } from "@/lib/jobs/kinds/import";
import { enqueueClaimedJob, getJob, jobOutputsOf } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { createProject, getProjectByName } from "@/lib/projects";
import { combineRewards } from "@/lib/rewards/combine";
import { tempDb } from "../../helpers/app";
import { palateInProcess } from "../../helpers/cli";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
beforeEach(() => {
  temp = tempDb();
  db = temp.db;
});
afterEach(() => temp.cleanup());

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
function file(name: string, content: string): string {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return path;
}
function tableCounts(): Record<string, number> {
  const names = db.$client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  return Object.fromEntries(names.map((n) => [n, db.$client.prepare(`select count(*) from "${n}"`).pluck().get() as number]));
}

const GSM8K = [
  {
    question:
      "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?",
    answer: "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72",
  },
  {
    question: "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?",
    answer: "Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\nWorking 50 minutes, she earned 0.2 x 50 = $<<0.2*50=10>>10.\n#### 10",
  },
  { question: "A shop sold 1,250 pens on Monday and 250 on Tuesday. How many pens in all?", answer: "1,250 + 250 = 1,500\n#### 1,500" },
];

describe("importPromptFile", () => {
  it("imports gsm8k and qa files as prompts with references and no tasks; referencePrompts reads them back", () => {
    const gsm8k = file("train.jsonl", jsonl(GSM8K.slice(0, 2)) + "\n" + jsonl([GSM8K[2], GSM8K[0]]));
    const report = importPromptFile(db, gsm8k, "gsm8k", { projectName: "Math" });
    const project = getProjectByName(db, "Math")!;
    expect(report).toEqual({ imported: { prompts: 3, tasks: 0, rankings: 0 }, duplicates: 1, errors: [], invalidLines: 0, projectId: project.id });

    const rows = db.select().from(prompts).all();
    expect(rows.map((r) => [r.messages, r.metadata, r.externalId])).toEqual(
      GSM8K.map((g, i) => [[{ role: "user", content: g.question }], { reference: ["72", "10", "1500"][i], solution: g.answer }, null]),
    );
    expect(db.select().from(tasks).all()).toEqual([]);

    const qa = file(
      "qa.jsonl",
      jsonl([
        { prompt: "What is 7 + 5?", answer: "12", id: "arith-1" },
        {
          messages: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "Capital of Peru?" },
          ],
          answer: "Lima",
          metadata: { topic: "geography" },
        },
        { prompt: "What is 3 - 10?", answer: -7 },
      ]),
    );
    expect(importPromptFile(db, qa, "qa", { projectId: project.id })).toMatchObject({ imported: { prompts: 3 }, duplicates: 0, invalidLines: 0 });

    // A prompt without a reference (imported with completions) is no reference prompt.
    importFile(db, file("p.jsonl", jsonl([{ prompt: "Say hi.", completions: ["hi", "hello"] }])), "palate", { projectId: project.id });
    // Nor is a prompt of another project.
    const other = createProject(db, { name: "Other" });
    importPromptFile(db, file("o.jsonl", jsonl([{ prompt: "Elsewhere?", answer: "yes" }])), "qa", { projectId: other.id });

    const refs = referencePrompts(db, project.id);
    expect(refs.map((r) => [promptText(r.messages), r.reference])).toEqual([
      [GSM8K[0].question, "72"],
      [GSM8K[1].question, "10"],
      [GSM8K[2].question, "1500"],
      ["What is 7 + 5?", "12"],
      ["System: Be brief.\n\nUser: Capital of Peru?\n\nAssistant:", "Lima"],
      ["What is 3 - 10?", "-7"],
    ]);
    expect(refs.every((r, i) => i === 0 || r.promptId > refs[i - 1].promptId)).toBe(true);
    expect(countReferencePrompts(db, project.id)).toBe(6);
    expect(
      db
        .select()
        .from(prompts)
        .all()
        .find((p) => p.externalId === "arith-1")?.metadata,
    ).toEqual({ reference: "12" });

    // The references score completions through the accuracy reward.
    const rewards = combineRewards("accuracy,format");
    const score = (i: number, completion: string) => rewards.score({ prompt: promptText(refs[i].messages), completion, reference: refs[i].reference }).values;
    expect(score(0, "She sold 24 in May, so 72 in all.")).toEqual({ accuracy: 1, format: 0 });
    expect(score(2, "<think>1,250 + 250</think><answer>1,500</answer>")).toEqual({ accuracy: 1, format: 1 });
    expect(score(4, "<think>Peru</think><answer>lima</answer>")).toEqual({ accuracy: 1, format: 1 });
    expect(score(5, "3 - 10 = -7")).toEqual({ accuracy: 1, format: 0 });
    expect(score(5, "3 - 10 = 7")).toEqual({ accuracy: 0, format: 0 });
  });

  it("reads a reference that any import put in the metadata: a number as its text, a blank one not at all", () => {
    const project = createProject(db, { name: "Mixed" });
    importFile(
      db,
      file(
        "p.jsonl",
        jsonl([
          { prompt: "Number?", completions: ["a", "b"], metadata: { reference: 5 } },
          { prompt: "Blank?", completions: ["a", "b"], metadata: { reference: " \n" } },
          { prompt: "List?", completions: ["a", "b"], metadata: { reference: ["x"] } },
          { prompt: "Text?", completions: ["a", "b"], metadata: { reference: "Lima", source: "atlas" } },
        ]),
      ),
      "palate",
      { projectId: project.id },
    );
    expect(referencePrompts(db, project.id).map((r) => [promptText(r.messages), r.reference])).toEqual([
      ["Number?", "5"],
      ["Text?", "Lima"],
    ]);
    expect(countReferencePrompts(db, project.id)).toBe(2);
  });

  it("skips what the project already has, so importing a file twice adds nothing", () => {
    const path = file("train.jsonl", jsonl(GSM8K));
    importPromptFile(db, path, "gsm8k", { projectName: "Math" });
    const before = tableCounts();
    expect(importPromptFile(db, path, "gsm8k", { projectName: "Math" })).toMatchObject({ imported: { prompts: 0 }, duplicates: 3, invalidLines: 0 });
    expect(tableCounts()).toEqual(before);
  });

  it("reports every bad line with its field and writes nothing", () => {
    const project = createProject(db, { name: "Math" });
    const before = tableCounts();
    const path = file(
      "bad.jsonl",
      [
        JSON.stringify(GSM8K[0]),
        "{not json",
        JSON.stringify({ question: "No answer?" }),
        JSON.stringify({ question: "No final?", answer: "it is 4" }),
        "",
        JSON.stringify({ ...GSM8K[1], answer: "#### 11" }),
        JSON.stringify({ questoin: "typo", answer: "#### 1" }),
      ].join("\n"),
    );
    const report = importPromptFile(db, path, "gsm8k", { projectId: project.id });
    expect(report.imported).toEqual({ prompts: 0, tasks: 0, rankings: 0 });
    expect(report.invalidLines).toBe(4);
    expect(report.errors.map((e) => e.line)).toEqual([2, 3, 4, 7]);
    expect(report.errors[0].message).toMatch(/^bad JSON/);
    expect(report.errors[1].message).toBe("answer: missing field");
    expect(report.errors[2].message).toMatch(/^answer: no final answer/);
    expect(report.errors[3].message).toBe('question: missing field; unknown field "questoin"');
    expect(tableCounts()).toEqual(before);
  });

  it("refuses the same prompt with another reference, in the file or in the project, naming both", () => {
    const inFile = file(
      "twice.jsonl",
      jsonl([
        { prompt: "7 + 5?", answer: "12" },
        { prompt: "2 + 2?", answer: "4" },
        { prompt: "7 + 5?", answer: "13" },
      ]),
    );
    const before = tableCounts();
    expect(importPromptFile(db, inFile, "qa", { projectName: "Math" })).toMatchObject({
      imported: { prompts: 0 },
      invalidLines: 1,
      errors: [{ line: 3, message: 'prompt: the same prompt as line 1, with another reference ("12" there, "13" here)' }],
    });
    expect(tableCounts()).toEqual(before);

    importPromptFile(db, file("first.jsonl", jsonl([{ prompt: "7 + 5?", answer: "12" }])), "qa", { projectName: "Math" });
    const id = db.select().from(prompts).get()!.id;
    const afterFirst = tableCounts();
    const report = importPromptFile(
      db,
      file(
        "second.jsonl",
        jsonl([
          { prompt: "9 + 9?", answer: "18" },
          { prompt: "7 + 5?", answer: "11" },
        ]),
      ),
      "qa",
      {
        projectName: "Math",
      },
    );
    expect(report).toMatchObject({
      imported: { prompts: 0 },
      invalidLines: 1,
      errors: [{ line: 2, message: `prompt: the same prompt as prompt ${id} of the project, with another reference ("12" there, "11" here)` }],
    });
    expect(tableCounts()).toEqual(afterFirst);
  });

  it("refuses a project that does not exist, writing nothing", () => {
    const before = tableCounts();
    expect(() => importPromptFile(db, file("q.jsonl", jsonl([{ prompt: "q", answer: "a" }])), "qa", { projectId: 999 })).toThrow(ImportError);
    expect(tableCounts()).toEqual(before);
  });
});

describe("palate import --format gsm8k|qa", () => {
  it("imports prompts with references, and names the file, line and field of a bad line", async () => {
    const good = file("train.jsonl", jsonl(GSM8K));
    const run = await palateInProcess(temp.path, ["import", "--project", "Math", "--format", "gsm8k", good]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Imported 3 prompts with reference answers into "Math" (0 duplicate lines skipped).');
    expect(referencePrompts(db, getProjectByName(db, "Math")!.id).map((r) => r.reference)).toEqual(["72", "10", "1500"]);

    const before = tableCounts();
    const bad = file("bad.jsonl", jsonl([{ prompt: "fine", answer: "1" }, { prompt: "no answer" }]));
    const failed = await palateInProcess(temp.path, ["import", "--project", "Math", "--format", "qa", bad]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`${bad}:2: answer: missing field`);
    expect(tableCounts()).toEqual(before);

    const unknown = await palateInProcess(temp.path, ["import", "--project", "Math", "--format", "gsm9k", good]);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/--format: expected one of palate, trl, oasst, rankings, hh, openrlhf, gsm8k, qa, sft, got "gsm9k"/);
  });
});

describe("the import job with a prompt format", () => {
  function spool(name: string, content: string): { upload: string; bytes: number } {
    const dir = importUploadsDir(temp.dir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), content);
    return { upload: name, bytes: Buffer.byteLength(content) };
  }

  it("imports the upload in one transaction, records it, and fails naming the line of a bad one", async () => {
    const project = createProject(db, { name: "Math" });
    const good = spool("good.jsonl", jsonl(GSM8K));
    const job = enqueueClaimedJob(db, { kind: IMPORT_JOB_KIND, params: { projectId: project.id, format: "gsm8k", ...good }, projectId: project.id });
    expect(await runJob(db, job.id, { dataDir: temp.dir })).toBe("succeeded");
    expect(getJob(db, job.id)?.result).toEqual({ projectId: project.id, prompts: 3, tasks: 0, rankings: 0, duplicates: 0 });
    expect(jobOutputsOf(db, job.id).imported?.value).toMatchObject({ prompts: 3, projectId: project.id });
    expect(countReferencePrompts(db, project.id)).toBe(3);

    const before = tableCounts();
    const bad = spool(
      "bad.jsonl",
      jsonl([
        { prompt: "ok", answer: "1" },
        { prompt: "ok too", answer: "2", extra: true },
      ]),
    );
    const failing = enqueueClaimedJob(db, { kind: IMPORT_JOB_KIND, params: { projectId: project.id, format: "qa", ...bad }, projectId: project.id });
    expect(await runJob(db, failing.id, { dataDir: temp.dir })).toBe("failed");
    expect(getJob(db, failing.id)?.error).toMatch(/1 invalid line\(s\), nothing imported \(first: line 2: unknown field "extra"\)/);
    expect(jobOutputsOf(db, failing.id).errors?.value).toEqual({ errors: [{ line: 2, message: 'unknown field "extra"' }], invalidLines: 1 });
    const counts = tableCounts();
    // Only the job's own rows changed.
    for (const table of Object.keys(counts)) if (!table.startsWith("job")) expect(counts[table], table).toBe(before[table]);
  });
});
