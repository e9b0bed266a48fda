import { databasePath, openDb } from "../../db/client";
import { fieldIssues } from "../../lib/http";
import { getProjectByName } from "../../lib/projects";
import { agreementOptionsSchema } from "../../lib/quality/agreement-options";
import { projectAgreement } from "../../lib/quality/project-agreement";
import type { Estimate } from "../../lib/quality/ranking-agreement";
import { CliError, parseFlags, required, type Command } from "../cli";

const fixed = (e: Estimate) =>
  e.value === null ? "—" : e.low === null ? e.value.toFixed(3) : `${e.value.toFixed(3)} [${e.low.toFixed(3)}, ${e.high!.toFixed(3)}]`;

export const command: Command = {
  name: "agreement",
  summary: "Agreement between a project's annotators: Krippendorff's α, Kendall's τ-b, each against the rest (JSON)",
  usage: `Usage: palate agreement --project NAME [--bootstrap N] [--seed S]

Agreement between the annotators of project NAME in $PALATE_DB, over the tasks two or more of
them ranked. A unit is one completion of a task; an annotator's value is its rank (1 = best,
tied completions sharing the mean of the positions they span).

  alpha.ordinal, alpha.interval   Krippendorff's α with those metrics (1 = perfect, 0 = chance)
  kendallTauB.mean                Kendall's τ-b between two annotators' rankings of one task,
                                  averaged over every such pair
  annotators[].agreement          an annotator against the rest: the mean τ-b of their rankings
                                  against every other annotator's ranking of the same task;
                                  alphaOrdinalWithout: ordinal α without their rankings
  matrix                          annotator × annotator mean τ-b and shared tasks

Each figure carries a 95% percentile bootstrap interval over tasks (low, high).

  --bootstrap N   resamples for the intervals (default 1000, 0 for none, at most 10000)
  --seed S        the bootstrap's seed (default 0): the same seed gives the same intervals

Prints a summary, then the whole report as JSON on the last line.`,
  async run(argv) {
    const { values } = parseFlags(argv, { project: { type: "string" }, bootstrap: { type: "string" }, seed: { type: "string" } });
    const projectName = required(values.project, "project");
    const flags = Object.fromEntries(Object.entries({ bootstrap: values.bootstrap, seed: values.seed }).filter(([, v]) => v !== undefined));
    const parsed = agreementOptionsSchema.safeParse(flags);
    if (!parsed.success)
      throw new CliError(
        fieldIssues(parsed.error)
          .map((i) => `--${i.field}: ${i.message}`)
          .join("; "),
      );
    const db = openDb(databasePath());
    try {
      const project = getProjectByName(db, projectName);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      const report = projectAgreement(db, project.id, { resamples: parsed.data.bootstrap, seed: parsed.data.seed })!;
      const interval = report.bootstrap.resamples > 0 ? ` (95% intervals over ${report.bootstrap.tasks} tasks, ${report.bootstrap.resamples} resamples)` : "";
      console.log(
        `Project "${project.name}": ${report.rankings} rankings of ${report.tasks} tasks; ${report.alpha.tasks} tasks ranked by two or more${interval}.`,
      );
      console.log(`Krippendorff's α ordinal  ${fixed(report.alpha.ordinal)}`);
      console.log(`Krippendorff's α interval ${fixed(report.alpha.interval)}`);
      console.log(`Mean Kendall's τ-b        ${fixed(report.kendallTauB.mean)} over ${report.kendallTauB.comparisons} pairs of rankings`);
      for (const a of report.annotators) {
        console.log(`  ${a.email}: ${a.rankings} rankings, τ-b against the rest ${fixed(a.agreement)} (${a.comparisons} comparisons)`);
      }
      console.log(JSON.stringify(report));
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
