// The closing "N passed, N failed" line of npm test, computed from real runner output: vitest and
// Playwright run (as child processes) on small test files in a temp directory — passing, failing,
// crashing at import, throwing at top level, leaking an unhandled error — and the totals must count
// every one of those failures.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "@/scripts/server";
import { addTotals, closingLine, playwrightTotals, readReport, vitestTotals } from "@/scripts/test-totals";
import { bin, fixtureDir, playwrightTestModule, runCommand } from "./nested-runner";

const unhandledReporter = join(projectRoot, "scripts", "vitest-unhandled-reporter.mjs");

/** vitest on the files, as run-tests runs it: its JSON report, the unhandled-errors file, the exit code. */
async function runVitest(files: Record<string, string>) {
  const fx = fixtureDir({ ...files, "vitest.config.mjs": `export default { test: { include: ["*.test.ts"], pool: "threads" } };\n` });
  try {
    const report = join(fx.dir, "report.json");
    const unhandled = join(fx.dir, "unhandled.json");
    const ran = await runCommand(
      bin("vitest"),
      [
        "run",
        "--root",
        fx.dir,
        "--config",
        join(fx.dir, "vitest.config.mjs"),
        "--reporter=json",
        `--outputFile.json=${report}`,
        `--reporter=${unhandledReporter}`,
      ],
      { PALATE_VITEST_UNHANDLED: unhandled },
    );
    return { report: readReport(report), unhandled: readReport(unhandled), status: ran.status, output: ran.output };
  } finally {
    fx.cleanup();
  }
}

/** Playwright on the spec files (no browser: the specs do not use a page). */
async function runPlaywright(files: Record<string, string>) {
  const fx = fixtureDir({
    ...files,
    "pw.config.ts": `import { defineConfig } from ${JSON.stringify(playwrightTestModule)};\nexport default defineConfig({ testDir: ".", reporter: [["json"]], retries: 0, outputDir: "out" });\n`,
  });
  try {
    const report = join(fx.dir, "report.json");
    const ran = await runCommand(bin("playwright"), ["test", "-c", join(fx.dir, "pw.config.ts")], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
    return { report: readReport(report), status: ran.status, output: ran.output };
  } finally {
    fx.cleanup();
  }
}

const vt = `import { expect, it } from "vitest";\n`;
const pw = `import { expect, test } from ${JSON.stringify(playwrightTestModule)};\n`;

describe("test-run totals from real runner reports", () => {
  it("vitest: a crashing file, an import error, a failing hook and an unhandled error each count as failed", async () => {
    const run = await runVitest({
      "pass.test.ts": `${vt}it("one", () => expect(1).toBe(1));\nit("two", () => expect(2).toBe(2));\n`,
      "fail.test.ts": `${vt}it("passes", () => expect(1).toBe(1));\nit("fails", () => expect(1).toBe(2));\n`,
      "crash.test.ts": `${vt}throw new Error("top-level boom");\nit("never runs", () => expect(1).toBe(1));\n`,
      "import.test.ts": `${vt}import { missing } from "./no-such-module";\nit("never runs", () => expect(missing).toBe(1));\n`,
      "hook.test.ts": `import { afterAll, expect, it } from "vitest";\nafterAll(() => { throw new Error("teardown boom"); });\nit("passes", () => expect(1).toBe(1));\n`,
      "unhandled.test.ts": `${vt}it("leaks an error", () => { setTimeout(() => { throw new Error("late boom"); }, 0); });\nit("waits", async () => { await new Promise((r) => setTimeout(r, 100)); expect(1).toBe(1); });\n`,
    });
    expect(run.status, run.output).not.toBe(0);
    const t = vitestTotals(run);
    // pass 2 + fail 1 + hook 1 + unhandled 2 tests passed; failed: the assertion, the top-level
    // throw, the import error, the failing afterAll, the unhandled error.
    expect({ passed: t.passed, failed: t.failed }, t.problems.join("\n")).toEqual({ passed: 6, failed: 5 });
    const problems = t.problems.join("\n");
    expect(problems).toMatch(/fail\.test\.ts: fails/);
    expect(problems).toMatch(/crash\.test\.ts: the file failed outside its tests: top-level boom/);
    expect(problems).toMatch(/import\.test\.ts: the file failed outside its tests: .*no-such-module/);
    expect(problems).toMatch(/hook\.test\.ts: the file failed outside its tests: teardown boom/);
    expect(problems).toMatch(/unhandled error: late boom/);
  }, 180_000);

  it("vitest: an all-passing run counts only its tests; a lost or unreadable report is a failure", async () => {
    const run = await runVitest({ "pass.test.ts": `${vt}it("one", () => expect(1).toBe(1));\nit("two", () => expect(2).toBe(2));\n` });
    expect(run.status, run.output).toBe(0);
    expect(vitestTotals(run)).toEqual({ passed: 2, failed: 0, skipped: 0, problems: [] });
    // The same run, had a report not been written: a failure, exit status 0 or not.
    expect(vitestTotals({ ...run, report: null }).failed).toBe(1);
    expect(vitestTotals({ ...run, unhandled: null })).toMatchObject({ passed: 2, failed: 1 });
    const fx = fixtureDir({});
    try {
      const truncated = join(fx.dir, "report.json");
      writeFileSync(truncated, JSON.stringify(run.report).slice(0, 40));
      expect(vitestTotals({ ...run, report: readReport(truncated) }).failed).toBe(1);
      expect(readReport(join(fx.dir, "missing.json"))).toBeNull();
    } finally {
      fx.cleanup();
    }
    // A nonzero exit its report does not explain still fails the run.
    expect(vitestTotals({ ...run, status: 1 })).toMatchObject({ passed: 2, failed: 1 });
  }, 180_000);

  it("Playwright: failed tests count, and a spec that throws at load (no test runs) is a failure", async () => {
    const [mixed, crashed] = await Promise.all([
      runPlaywright({
        "a.spec.ts": `${pw}test("passes", () => expect(1).toBe(1));\ntest("also passes", () => expect(2).toBe(2));\ntest.skip("skipped", () => {});\n`,
        "b.spec.ts": `${pw}test("fails", () => expect(1).toBe(2));\n`,
      }),
      runPlaywright({
        "a.spec.ts": `${pw}test("passes", () => expect(1).toBe(1));\n`,
        "c.spec.ts": `${pw}throw new Error("spec boom");\ntest("never", () => {});\n`,
      }),
    ]);
    expect(mixed.status, mixed.output).not.toBe(0);
    expect(playwrightTotals(mixed)).toMatchObject({ passed: 2, failed: 1, skipped: 1 });

    expect(crashed.status, crashed.output).not.toBe(0);
    const t = playwrightTotals(crashed);
    expect(t.failed).toBeGreaterThanOrEqual(1);
    expect(t.problems.join("\n")).toMatch(/spec boom/);
    expect(playwrightTotals({ report: null, status: 0 }).failed).toBe(1);
  }, 180_000);

  it("the closing line sums both runners", () => {
    const sum = addTotals({ passed: 3, failed: 1, skipped: 0, problems: ["x"] }, { passed: 2, failed: 0, skipped: 2, problems: [] });
    expect(closingLine(sum)).toBe("5 passed, 1 failed, 2 skipped");
    expect(closingLine({ passed: 4, failed: 0, skipped: 0, problems: [] })).toBe("4 passed, 0 failed");
  });
});
