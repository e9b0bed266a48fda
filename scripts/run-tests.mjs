#!/usr/bin/env node
// `npm test`: lints (`npm run lint`, any finding fails the run), builds the app once, runs vitest
// (unit + integration) and Playwright (e2e), then prints one plain closing line with the totals of
// both runners: "N passed, N failed". What counts (scripts/test-totals.ts): a failed test, a test
// file that crashed outside its tests, an unhandled error, a runner that left no readable report or
// exited nonzero without saying why — so the run cannot pass by accident.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const { addTotals, closingLine, playwrightTotals, readReport, vitestTotals } = await import("./test-totals.ts");

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "test-results");
const bin = (name) => join(root, "node_modules", ".bin", name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const args = process.argv.slice(2);
const only = args.find((a) => a === "--unit" || a === "--e2e");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

function run(cmd, cmdArgs, extraEnv = {}) {
  console.log(`\n$ ${[cmd.replace(root + "/", ""), ...cmdArgs].join(" ")}`);
  return spawnSync(cmd, cmdArgs, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } }).status ?? 1;
}

const totals = [];

// Lint and formatting first: a finding fails the run before minutes of build and tests.
if (run("npm", ["run", "--silent", "lint"]) !== 0) {
  console.log("\nnpm run lint failed");
  console.log("0 passed, 1 failed");
  process.exit(1);
}
if (run("npm", ["run", "--silent", "format:check"]) !== 0) {
  console.log("\nnpm run format:check failed (npx prettier --write . fixes it)");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

// One production build, shared by the integration tests and Playwright.
if (run(bin("next"), ["build"]) !== 0) {
  console.log("\nnext build failed");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

if (only !== "--e2e") {
  const file = join(out, "vitest.json");
  const unhandledFile = join(out, "vitest-unhandled.json");
  const status = run(
    bin("vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${file}`, `--reporter=${join(root, "scripts", "vitest-unhandled-reporter.mjs")}`],
    { PALATE_VITEST_UNHANDLED: unhandledFile },
  );
  totals.push(vitestTotals({ report: readReport(file), unhandled: readReport(unhandledFile), status }));
}

if (only !== "--unit") {
  const file = join(out, "playwright.json");
  const status = run(bin("playwright"), ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
  totals.push(playwrightTotals({ report: readReport(file), status }));
}

const sum = addTotals(...totals);
if (sum.problems.length > 0) {
  console.log("\nWhat failed:");
  for (const line of sum.problems.slice(0, 100)) console.log(`  ${line}`);
  if (sum.problems.length > 100) console.log(`  … and ${sum.problems.length - 100} more`);
}
console.log("");
console.log(closingLine(sum));
process.exit(sum.failed > 0 ? 1 : 0);
