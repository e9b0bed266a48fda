import { defineConfig, devices } from "@playwright/test";

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // `npm test` is the CI command, so always: a stray test.only fails the run instead of silently
  // skipping every other test (tests/unit/test-run/forbid-only.test.ts), and so would a flaky test.
  forbidOnly: true,
  failOnFlakyTests: true,
  reporter: [["list"], ["json"]],
  outputDir: "test-results/playwright",
  use: {
    ...devices["Desktop Chrome"],
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.PLAYWRIGHT_CHROMIUM ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update"],
    },
  },
});
