import { databasePath, openDb } from "../../db/client";
import { getProjectByName } from "../../lib/projects";
import { leaderboardSettingsSchema, MAX_RESAMPLES, projectLeaderboard } from "../../lib/quality/project-leaderboard";
import { CliError, parseFlags, required, type Command } from "../cli";

const elo = (x: number | null) => (x === null ? "–" : x.toFixed(1));

export const command: Command = {
  name: "leaderboard",
  summary: "Rate the models behind a project's completions (Bradley–Terry, Elo scale, bootstrap intervals)",
  usage: `Usage: palate leaderboard --project NAME [--bootstrap N] [--seed S]

Bradley–Terry strengths of the models whose completions project NAME's rankings compare, by
maximum likelihood over every pair of completions from different models that a ranking implies
(the better group wins; a tie counts half a win to each side), on the Elo scale: 400·log10 of
the strength, the mean over the models at 1000. A 95% interval comes from a percentile
bootstrap over rankings. Completions without a model, and pairs of one model's completions,
are left out (their pairs are counted apart). Every ranking counts, "none acceptable" ones
included.

Prints a table, best model first, then as its LAST line one JSON object:
{project, models: [{rank, model, rating, lower, upper, comparisons, wins, losses, ties}],
rankings, rankingsUsed, comparisons, sameModelPairs, unattributedPairs,
bootstrap: {resamples, seed, level}, prior}.

  --project NAME   the project
  --bootstrap N    bootstrap resamples of the rankings (default 200, 0 = no intervals, at most ${MAX_RESAMPLES})
  --seed S         seed of the resampling (default 0): the same data and seed give the same intervals`,
  async run(argv) {
    const { values } = parseFlags(argv, { project: { type: "string" }, bootstrap: { type: "string" }, seed: { type: "string" } });
    const name = required(values.project, "project");
    const parsed = leaderboardSettingsSchema.safeParse({ bootstrap: values.bootstrap, seed: values.seed });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const flag = String(issue.path[0]);
      throw new CliError(`--${flag}: ${issue.message} (got "${values[flag as "bootstrap" | "seed"]}")`);
    }
    const db = openDb(databasePath());
    try {
      const project = getProjectByName(db, name);
      if (!project) throw new CliError(`--project: no project named "${name}"`);
      const board = projectLeaderboard(db, project.id, parsed.data)!;
      if (board.models.length === 0) {
        console.log(`No comparisons of two different models in project "${project.name}" yet (${board.rankings} rankings).`);
      } else {
        const table = [
          ["rank", "model", "elo", "95% interval", "comparisons", "wins", "losses", "ties"],
          ...board.models.map((m) => [
            String(m.rank),
            m.model,
            elo(m.rating),
            m.lower === null ? "–" : `[${elo(m.lower)}, ${elo(m.upper)}]`,
            String(m.comparisons),
            String(m.wins),
            String(m.losses),
            String(m.ties),
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
        const left = [
          board.sameModelPairs > 0 ? `${board.sameModelPairs} pairs of one model's completions` : "",
          board.unattributedPairs > 0 ? `${board.unattributedPairs} pairs with a completion without a model` : "",
        ].filter(Boolean);
        console.log(
          `${board.comparisons} comparisons from ${board.rankingsUsed} of ${board.rankings} rankings` +
            (left.length > 0 ? `; left out: ${left.join(", ")}` : "") +
            (board.bootstrap.resamples > 0 ? `; intervals from ${board.bootstrap.resamples} bootstrap resamples (seed ${board.bootstrap.seed})` : ""),
        );
      }
      console.log(JSON.stringify(board));
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
