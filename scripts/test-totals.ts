// The totals of a test run, from the runners' own reports: vitest's JSON reporter (plus the
// unhandled errors that scripts/vitest-unhandled-reporter.mjs writes) and Playwright's JSON
// reporter. Pure functions of (report, exit status), used by scripts/run-tests.mjs for its closing
// line "N passed, N failed". Nothing here passes by accident: a missing or unreadable report, a
// test file that crashed outside its tests (import error, top-level throw, failing hook, no tests),
// an unhandled error, a load error in Playwright, a flaky test or a nonzero exit that the report
// does not explain each count as one failure, and each comes with a line saying what it was.
import { readFileSync } from "node:fs";

/** The parsed JSON file, or null when it is missing or not JSON. */
export function readReport(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per failure the totals count, saying what it was. */
  problems: string[];
}

/** The fields read from vitest's JSON report (`--reporter=json`). */
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests?: number;
  numTodoTests?: number;
  numTotalTests?: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { title: string; ancestorTitles?: string[]; status: string }[];
  }[];
}

/** The fields read from Playwright's JSON report. */
interface PlaywrightReport {
  stats: { expected: number; unexpected?: number; flaky?: number; skipped?: number };
  errors?: { message?: string }[];
}

const firstLine = (text: unknown): string =>
  String(text ?? "")
    .split("\n")[0]
    .slice(0, 300);

/**
 * vitest: `report` from `--reporter=json`, `unhandled` the `{ errors: [{ message }] }` file of
 * scripts/vitest-unhandled-reporter.mjs, `status` vitest's exit code.
 */
export function vitestTotals(run: { report: unknown; unhandled: unknown; status: number | null }): Totals {
  const report = run.report as VitestReport | null;
  const unhandled = run.unhandled as { errors?: { message?: string }[] } | null;
  const problems: string[] = [];
  if (!report || typeof report.numPassedTests !== "number" || !Array.isArray(report.testResults)) {
    return { passed: 0, failed: 1, skipped: 0, problems: ["vitest left no readable JSON report"] };
  }
  let failed = report.numFailedTests;
  for (const file of report.testResults) {
    const tests = Array.isArray(file.assertionResults) ? file.assertionResults : [];
    for (const t of tests) if (t.status === "failed") problems.push(`${file.name}: ${[...(t.ancestorTitles ?? []), t.title].join(" > ")}`);
    // A file that failed with none of its tests failed: it crashed outside them.
    if (file.status === "failed" && !tests.some((t) => t.status === "failed")) {
      failed += 1;
      problems.push(`${file.name}: the file failed outside its tests: ${firstLine(file.message) || "(no message)"}`);
    }
  }
  if (!unhandled || !Array.isArray(unhandled.errors)) {
    failed += 1;
    problems.push("vitest left no readable report of unhandled errors");
  } else {
    for (const e of unhandled.errors) problems.push(`unhandled error: ${firstLine(e?.message) || "(no message)"}`);
    failed += unhandled.errors.length;
  }
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return settle({ runner: "vitest", passed: report.numPassedTests, failed, skipped, problems, status: run.status, tests: report.numTotalTests ?? 0 });
}

/**
 * Playwright: `report` from its JSON reporter, `status` its exit code. A flaky test (failed, then
 * passed on a retry) counts as failed: the config allows no retries, so one means the config changed.
 */
export function playwrightTotals(run: { report: unknown; status: number | null }): Totals {
  const report = run.report as PlaywrightReport | null;
  const stats = report?.stats;
  if (!stats || typeof stats.expected !== "number") {
    return { passed: 0, failed: 1, skipped: 0, problems: ["Playwright left no readable JSON report"] };
  }
  const problems: string[] = [];
  const errors = Array.isArray(report.errors) ? report.errors : [];
  for (const e of errors) problems.push(`Playwright error outside tests: ${firstLine(e?.message) || "(no message)"}`);
  const unexpected = stats.unexpected ?? 0;
  const flaky = stats.flaky ?? 0;
  if (unexpected > 0) problems.push(`Playwright: ${unexpected} test(s) failed`);
  if (flaky > 0) problems.push(`Playwright: ${flaky} flaky test(s) (failed, then passed on a retry)`);
  return settle({
    runner: "Playwright",
    passed: stats.expected,
    failed: unexpected + flaky + errors.length,
    skipped: stats.skipped ?? 0,
    problems,
    status: run.status,
    tests: stats.expected + unexpected + flaky + (stats.skipped ?? 0),
  });
}

/** A nonzero exit the report does not explain, or a run of no test at all, is one more failure. */
function settle(t: Totals & { runner: string; status: number | null; tests: number }): Totals {
  const { runner, passed, skipped, problems, status, tests } = t;
  let failed = t.failed;
  if (status !== 0 && failed === 0) {
    failed = 1;
    problems.push(`${runner} exited with ${status ?? "a signal"} and its report shows no failure`);
  }
  if (tests === 0 && failed === 0) {
    failed = 1;
    problems.push(`${runner} ran no test`);
  }
  return { passed, failed, skipped, problems };
}

/** Sums totals of several runners. */
export function addTotals(...all: Totals[]): Totals {
  return all.reduce<Totals>(
    (sum, t) => ({
      passed: sum.passed + t.passed,
      failed: sum.failed + t.failed,
      skipped: sum.skipped + t.skipped,
      problems: [...sum.problems, ...t.problems],
    }),
    { passed: 0, failed: 0, skipped: 0, problems: [] },
  );
}

/** The closing line CI reads: "N passed, N failed" (", N skipped" when some were). */
export function closingLine(t: Totals): string {
  return `${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ""}`;
}
