// A vitest reporter that writes the run's unhandled errors (an error thrown after a test ended, a
// rejected promise nobody awaited) as JSON to $PALATE_VITEST_UNHANDLED: vitest's JSON report leaves
// them out, and they must count as failures (scripts/test-totals.ts). Writes `{ "errors": [] }`
// when there were none, so that a missing file means the run never finished.
import { writeFileSync } from "node:fs";

export default class UnhandledErrorsReporter {
  onTestRunEnd(_testModules, unhandledErrors, reason) {
    const file = process.env.PALATE_VITEST_UNHANDLED;
    if (!file) return;
    const errors = (unhandledErrors ?? []).map((e) => ({ message: String(e?.message ?? e), name: e?.name ?? null }));
    writeFileSync(file, JSON.stringify({ reason, errors }, null, 2));
  }
}
