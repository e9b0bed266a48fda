import { databasePath, openDb } from "../../db/client";
import { getProjectByName } from "../../lib/projects";
import { roundsTable, type RoundRow } from "../../lib/rounds/rounds";
import { parseFlags, required, CliError, type Command } from "../cli";

const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);

function headToHeadCell(r: RoundRow): string {
  const h = r.headToHead;
  if (!h) return "–";
  const n = h.wins + h.losses;
  if (n === 0) return `${h.model} vs ${h.against}: no pairs yet`;
  return `${h.model} ${pct(h.winRate)} [${pct(h.interval![0])}, ${pct(h.interval![1])}] of ${n} vs ${h.against}`;
}

export const command: Command = {
  name: "rounds",
  summary: "Print a project's rounds: models sampled, rankings, reward-model accuracy, policy, head-to-head win rate",
  usage: `Usage: palate rounds --project NAME [--json]

One row per round of the project's loop (round 1: the SFT model's samples; each "next round"
samples from the newest PPO policy, mixed with the previous model's). Columns: the models the
round's completions come from, tasks and rankings collected, the reward model trained at that
round with its held-out accuracy, the PPO policy trained at that round, and — where a round mixes
two models — the newer model's win rate over the other as the annotators ranked them, with a
Wilson 95% interval (ties give no pair).

  --project NAME   the project
  --json           one JSON array instead of the table`,
  async run(argv) {
    const { values } = parseFlags(argv, { project: { type: "string" }, json: { type: "boolean" } });
    const name = required(values.project, "project");
    const db = openDb(databasePath());
    try {
      const project = getProjectByName(db, name);
      if (!project) throw new CliError(`--project: no project named "${name}"`);
      const rows = roundsTable(db, project.id);
      if (values.json) {
        console.log(JSON.stringify(rows));
        return 0;
      }
      const table = [
        ["round", "sampled from", "tasks", "rankings", "reward model (held-out acc.)", "policy", "win rate (annotators)"],
        ...rows.map((r) => [
          String(r.round),
          r.sampledFrom.map((s) => `${s.model} (${s.completions})`).join(", ") || "–",
          String(r.tasks),
          String(r.rankings),
          r.rewardModel
            ? `${r.rewardModel.name} (${pct(r.rewardModel.evalAccuracy)}${r.rewardModel.evalPairs !== null ? ` of ${r.rewardModel.evalPairs} pairs` : ""})`
            : "–",
          r.policy ? r.policy.name : "–",
          headToHeadCell(r),
        ]),
      ];
      const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
      for (const row of table)
        console.log(
          row
            .map((cell, i) => cell.padEnd(widths[i]))
            .join("  ")
            .trimEnd(),
        );
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
