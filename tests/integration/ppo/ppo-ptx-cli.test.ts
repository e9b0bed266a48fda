// PPO-ptx through the real CLI (`palate ppo --ptx-coef C`): the language-modelling loss on
// demonstrations beside the PPO losses, from the project's own demonstrations (default) or a TRL
// conversational SFT file (--ptx-data). The lineage records the source with its hash, metrics.jsonl
// logs loss/ptx_avg every iteration; a ptx run without demonstrations, a missing file, and a file
// without --ptx-coef are refused with the flag named.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { importSftFile } from "@/lib/datasets/sft-import";
import { PPO_METRICS_LOG_FILE, PPO_PTX_METRIC_NAME } from "@/lib/ml/rl/train-ppo";
import { checkPpoParams } from "@/lib/jobs/param-checks";
import { getModelByName } from "@/lib/models/registry";
import { ppoRequestParamsSchema } from "@/lib/ppo/job-params";
import { createProject, getProjectByName } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";
import { palate, palateInProcess } from "../../helpers/cli";
import { TINY_PPO_FLAGS, ppoPrompts, tinyRewardModelDir } from "../../unit/ml/rl/ppo-fixtures";
import { tinyLmDir } from "../../unit/ml/rl/reward-fixtures";

describe("palate ppo --ptx-coef (PPO-ptx)", () => {
  let temp: ReturnType<typeof tempDb>;
  let policyDir: string;
  let rewardDir: string;
  let file: string;

  beforeAll(async () => {
    [policyDir, rewardDir] = await Promise.all([tinyLmDir(), tinyRewardModelDir()]);
    temp = tempDb();
    file = join(temp.dir, "demos.jsonl");
    const lines = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: "user", content: `Name a colour (case ${i}).` },
          { role: "assistant", content: i % 2 === 0 ? "Red." : "Blue." },
        ],
      }),
    );
    writeFileSync(file, lines.join("\n") + "\n");
    // A project with demonstrations (the file imported), and one with prompts only.
    expect(importSftFile(temp.db, file, { projectName: "colours" }).imported.demonstrations).toBe(10);
    const bare = createProject(temp.db, { name: "bare" });
    for (const text of ppoPrompts(8)) insertTask(temp.db, bare.id, { messages: [{ role: "user", content: text }], completions: [] });
  }, 60_000);
  afterAll(() => temp.cleanup());

  const args = (project: string, name: string, extra: string[]) => [
    "ppo",
    "--project",
    project,
    "--policy",
    policyDir,
    "--reward",
    rewardDir,
    "--out",
    join(temp.dir, name),
    "--name",
    name,
    ...TINY_PPO_FLAGS,
    ...extra,
  ];
  const ppo = (project: string, name: string, extra: string[]) => palate(temp.path, args(project, name, extra));
  const refused = (project: string, name: string, extra: string[]) => palateInProcess(temp.path, args(project, name, extra));
  const lineageOf = (name: string) => {
    const db = openDb(temp.path);
    try {
      return getModelByName(db, name)!.metadata!.lineage as { ptx: { coef: number; source: Record<string, unknown> } | null };
    } finally {
      db.$client.close();
    }
  };
  const ptxLosses = (name: string) =>
    readFileSync(join(temp.dir, name, PPO_METRICS_LOG_FILE), "utf8")
      .split("\n")
      .filter((l) => l.includes("objective/scores"))
      .map((l) => (JSON.parse(l) as Record<string, number>)[PPO_PTX_METRIC_NAME]);

  it("learns from the project's demonstrations by default, or from --ptx-data; the lineage names the source", async () => {
    const own = await ppo("colours", "ptx-own", ["--ptx-coef", "0.5"]);
    expect(own.status, own.stderr).toBe(0);
    expect(lineageOf("ptx-own").ptx).toMatchObject({ coef: 0.5, source: { kind: "demonstrations", selection: "submitted", demonstrations: 10 } });
    const losses = ptxLosses("ptx-own");
    expect(losses).toHaveLength(2);
    for (const l of losses) expect(l).toBeGreaterThan(0);

    const fromFile = await ppo("bare", "ptx-file", ["--ptx-coef", "0.5", "--ptx-batch-size", "3", "--ptx-data", file]);
    expect(fromFile.status, fromFile.stderr).toBe(0);
    const source = lineageOf("ptx-file").ptx!.source;
    expect(source).toMatchObject({ kind: "file", file, rows: 10 });
    expect(source.hash).toMatch(/^[0-9a-f]{64}$/);

    const off = await ppo("bare", "ptx-off", []);
    expect(off.status, off.stderr).toBe(0);
    expect(lineageOf("ptx-off").ptx).toBeNull();
    expect(ptxLosses("ptx-off")).toEqual([undefined, undefined]);
  }, 240_000);

  it("refuses a ptx run without demonstrations, a missing file and a file without --ptx-coef, naming the flag", async () => {
    const none = await refused("bare", "ptx-none", ["--ptx-coef", "0.5"]);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/ptxCoef: PPO-ptx learns from demonstrations, and project "bare" has no demonstrations/);
    const missing = await refused("bare", "ptx-missing", ["--ptx-coef", "0.5", "--ptx-data", join(temp.dir, "nope.jsonl")]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/--ptx-data: ".*nope\.jsonl" is not a file/);
    const off = await refused("bare", "ptx-unused", ["--ptx-data", file]);
    expect(off.status).toBe(1);
    expect(off.stderr).toMatch(/--ptx-data: PPO-ptx is off \(config\.ptxCoef is 0\): set config\.ptxCoef too/);
    const both = await refused("colours", "ptx-both", ["--ptx-coef", "0.5", "--ptx-data", file, "--ptx-demonstrations", "accepted"]);
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/--ptx-data: give at most one of ptxFile and ptxDemonstrations/);
  }, 240_000);

  it("the app's request: ptx from the project's demonstrations only, refused (naming config.ptxCoef) where there are none", () => {
    const request = (project: string, over: Record<string, unknown>) =>
      ppoRequestParamsSchema.safeParse({ projectId: getProjectByName(temp.db, project)!.id, policyModelId: 1, rewardModelId: 2, ...over });
    expect(request("colours", { ptxFile: file, config: { ptxCoef: 1 } }).error?.issues[0].message).toMatch(/ptxFile/);
    expect(request("colours", { ptxDemonstrations: "accepted" }).error?.issues[0]).toMatchObject({ path: ["ptxDemonstrations"] });
    const issues = (project: string, over: Record<string, unknown>) => {
      const parsed = request(project, over);
      expect(parsed.success).toBe(true);
      return checkPpoParams(temp.db, parsed.data!).filter((i) => i.field === "params.config.ptxCoef");
    };
    expect(issues("colours", { config: { ptxCoef: 1 } })).toEqual([]);
    expect(issues("bare", { config: { ptxCoef: 0 } })).toEqual([]);
    expect(issues("bare", { config: { ptxCoef: 1 } })[0].message).toMatch(/has no demonstrations/);
    // The imported demonstrations are submitted, none reviewed: none accepted.
    expect(issues("colours", { config: { ptxCoef: 1 }, ptxDemonstrations: "accepted" })[0].message).toMatch(/no accepted demonstrations/);
  });
});
