// PPO on a dataset snapshot through the real CLI: `palate ppo --snapshot PROJECT/NAME` learns from
// the snapshot's prompts (not the project's: a prompt added after the snapshot is left out) and
// records the snapshot's hash in the policy's lineage.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { users } from "@/db/schema";
import { createSnapshot } from "@/lib/datasets/snapshot";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { getModelByName } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";
import { palate } from "../../helpers/cli";
import { TINY_PPO_FLAGS, ppoPrompts, tinyRewardModelDir } from "../../unit/ml/rl/ppo-fixtures";
import { tinyLmDir } from "../../unit/ml/rl/reward-fixtures";

describe("palate ppo --snapshot", () => {
  let temp: ReturnType<typeof tempDb>;
  let hash: string;
  let snapshotPrompts: number;
  let policyDir: string;
  let rewardDir: string;

  beforeAll(async () => {
    [policyDir, rewardDir] = await Promise.all([tinyLmDir(), tinyRewardModelDir()]);
    temp = tempDb();
    const project = createProject(temp.db, { name: "ppo-snap" });
    const annotator = temp.db.insert(users).values({ email: "a@x", name: "A", role: "annotator" }).returning().get().id;
    for (const text of ppoPrompts(12)) {
      const task = insertTask(temp.db, project.id, { messages: [{ role: "user", content: text }], completions: [{ text: "yes" }, { text: "no" }] });
      insertRanking(temp.db, { taskId: task.taskId, userId: annotator, groups: [[task.completionIds[0]], [task.completionIds[1]]] });
    }
    const { manifest } = createSnapshot(temp.db, project, { name: "v1" }, temp.dir);
    hash = manifest.hash;
    snapshotPrompts = manifest.stats.prompts;
    // Prompts added after the snapshot: the project has more, the snapshot does not.
    for (const text of ppoPrompts(8, 100)) insertTask(temp.db, project.id, { messages: [{ role: "user", content: text }], completions: [] });
  }, 120_000);
  afterAll(() => temp.cleanup());

  it("learns from the snapshot's prompts and records its hash in the lineage", async () => {
    const run = await palate(temp.path, [
      "ppo",
      "--snapshot",
      "ppo-snap/v1",
      "--policy",
      policyDir,
      "--reward",
      rewardDir,
      "--out",
      join(temp.dir, "policy"),
      "--name",
      "ppo-v1",
      ...TINY_PPO_FLAGS,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const db = openDb(temp.path);
    try {
      const lineage = getModelByName(db, "ppo-v1")!.metadata!.lineage as {
        snapshot: { name: string; hash: string };
        trainPrompts: number;
        evalPrompts: number;
      };
      expect(lineage.snapshot).toMatchObject({ name: "v1", hash });
      expect(snapshotPrompts).toBe(12);
      expect(lineage.trainPrompts + lineage.evalPrompts).toBe(12);
    } finally {
      db.$client.close();
    }
  }, 180_000);
});
