// palate import/export --format sft through the CLI on a real database file: a file of TRL
// conversational rows becomes demonstrations in a new demonstration project and is written back
// byte for byte; --only-accepted with none accepted says why and exits 1; bad lines and flags named.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projects } from "@/db/schema";
import { tempDb } from "../../helpers/app";
import { palateInProcess } from "../../helpers/cli";

const temp = tempDb();
afterAll(() => temp.cleanup());

const ROWS = [
  {
    messages: [
      { role: "user", content: "What is 2 + 2?" },
      { role: "assistant", content: "**4**" },
    ],
  },
  {
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Capital of Peru?" },
      { role: "assistant", content: "Lima." },
    ],
  },
];

describe("palate import/export --format sft", () => {
  it("round-trips a file through a new demonstration project", async () => {
    const file = join(temp.dir, "in.jsonl");
    const text = ROWS.map((r) => JSON.stringify(r)).join("\n") + "\n";
    writeFileSync(file, text);
    const imported = await palateInProcess(temp.path, ["import", "--project", "cli demos", "--format", "sft", file]);
    expect(imported, imported.stderr).toMatchObject({ status: 0 });
    expect(imported.stdout).toContain('Imported 2 demonstrations (each a prompt with a task) into "cli demos"');
    expect(
      temp.db
        .select()
        .from(projects)
        .all()
        .find((p) => p.name === "cli demos"),
    ).toMatchObject({ mode: "demonstration", redundancy: 1 });

    const out = join(temp.dir, "out.jsonl");
    const exported = await palateInProcess(temp.path, ["export", "--project", "cli demos", "--format", "sft", "--out", out]);
    expect(exported, exported.stderr).toMatchObject({ status: 0 });
    expect(readFileSync(out, "utf8")).toBe(text);

    const accepted = await palateInProcess(temp.path, ["export", "--project", "cli demos", "--format", "sft", "--only-accepted"]);
    expect([accepted.status, accepted.stderr.trim()]).toEqual([
      1,
      'palate export: no demonstrations to export: none of the 2 submitted demonstrations of "cli demos" is accepted by review yet (only accepted ones were asked for)',
    ]);
    const pairs = await palateInProcess(temp.path, ["export", "--project", "cli demos", "--format", "sft", "--pairs", "all"]);
    expect([pairs.status, pairs.stderr.trim()]).toEqual([1, "palate export: --pairs applies to the ranking formats only, not to sft"]);
  });

  it("names the line and field of a bad line, importing nothing", async () => {
    const file = join(temp.dir, "bad.jsonl");
    writeFileSync(
      file,
      JSON.stringify(ROWS[0]) +
        "\n" +
        JSON.stringify({
          messages: [
            { role: "user", content: "q" },
            { role: "assistant", content: 4 },
          ],
        }) +
        "\n",
    );
    const run = await palateInProcess(temp.path, ["import", "--project", "bad demos", "--format", "sft", file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}:2: messages[1].content: expected string, got number`);
    expect(
      temp.db
        .select()
        .from(projects)
        .all()
        .some((p) => p.name === "bad demos"),
    ).toBe(false);
  });
});
