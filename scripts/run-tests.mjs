#!/usr/bin/env node
// `npm test`: lints (`npm run lint`, any finding fails the run), builds the app once, runs vitest
// (unit + integration) and Playwright (e2e), then prints one plain closing line with the totals of
// both runners: "N passed, N failed".
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
let failures = 0;

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
  const status = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${file}`]);
  const report = readJson(file);
  if (report) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  }
  if (status !== 0 && !(report && report.numFailedTests > 0)) failures += 1;
}

if (only !== "--unit") {
  const file = join(out, "playwright.json");
  const status = run(bin("playwright"), ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
  const report = readJson(file);
  if (report?.stats) {
    passed += report.stats.expected;
    failed += report.stats.unexpected;
    skipped += report.stats.skipped;
    failed += report.stats.flaky ? 0 : 0;
  }
  if (status !== 0 && !(report?.stats && report.stats.unexpected > 0)) failures += 1;
}

console.log("");
console.log(`${passed} passed, ${failed + failures} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed + failures > 0 ? 1 : 0);
