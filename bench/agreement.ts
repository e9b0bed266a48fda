// `npx tsx bench/agreement.ts [--tasks 20000] [--annotators 3] [--completions 4] [--resamples 1000]`:
// seconds for the agreement report (α ordinal and interval, τ-b, per-annotator figures, the
// matrix, bootstrap intervals over tasks) on simulated rankings, every annotator ranking every
// task. Prints ONE JSON line: {tasks, rankings, resamples, report_s, point_s, alpha_ordinal}.
import { parseArgs } from "node:util";
import { rankingAgreementReport } from "../lib/quality/ranking-agreement";
import { simulatedRankings } from "../tests/fixtures/simulated-rankings";

const { values } = parseArgs({
  options: {
    tasks: { type: "string", default: "20000" },
    annotators: { type: "string", default: "3" },
    completions: { type: "string", default: "4" },
    resamples: { type: "string", default: "1000" },
  },
});
const annotators = Array.from({ length: Number(values.annotators) }, (_, i) => ({ userId: i + 1, noise: i === 0 ? 1e6 : 0.5 }));
const records = simulatedRankings({ tasks: Number(values.tasks), completions: Number(values.completions), annotators, tieShare: 0.1 });

let start = performance.now();
rankingAgreementReport(records, { resamples: 0 });
const pointS = (performance.now() - start) / 1000;
start = performance.now();
const report = rankingAgreementReport(records, { resamples: Number(values.resamples) });
const reportS = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({
    tasks: report.tasks,
    rankings: report.rankings,
    resamples: report.bootstrap.resamples,
    report_s: Number(reportS.toFixed(3)),
    point_s: Number(pointS.toFixed(3)),
    alpha_ordinal: report.alpha.ordinal,
  }),
);
