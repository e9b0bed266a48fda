// A stray `.only` must fail npm test, not quietly skip every other test: the project's own
// playwright.config.ts and vitest.config.ts, pointed at a temp directory holding one focused test,
// make the runner exit nonzero and name the reason.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "@/scripts/server";
import { bin, fixtureDir, playwrightTestModule, runCommand } from "./nested-runner";

describe("focused tests are refused", () => {
  it("Playwright: the project config forbids test.only", async () => {
    const fx = fixtureDir({
      "only.spec.ts": `import { expect, test } from ${JSON.stringify(playwrightTestModule)};\ntest.only("focused", () => expect(1).toBe(1));\ntest("other", () => expect(1).toBe(1));\n`,
      // The project's config, with only the test folder changed.
      "pw.config.ts": `import base from ${JSON.stringify(join(projectRoot, "playwright.config.ts"))};\nexport default { ...base, testDir: ".", outputDir: "out", reporter: "list" };\n`,
    });
    try {
      const ran = await runCommand(bin("playwright"), ["test", "--list", "-c", join(fx.dir, "pw.config.ts")]);
      expect(ran.status, ran.output).not.toBe(0);
      expect(ran.output).toMatch(/not allowed due to the 'forbidOnly' option/);
    } finally {
      fx.cleanup();
    }
  }, 120_000);

  it("vitest: the project config does not allow it.only", async () => {
    const fx = fixtureDir({
      "only.test.ts": `import { expect, it } from "vitest";\nit.only("focused", () => expect(1).toBe(1));\nit("other", () => expect(1).toBe(1));\n`,
      "vitest.config.mts": [
        `import base from ${JSON.stringify(join(projectRoot, "vitest.config.ts"))};`,
        `export default { ...base, test: { ...base.test, include: ["*.test.ts"], pool: "threads" } };`,
        "",
      ].join("\n"),
    });
    try {
      const ran = await runCommand(bin("vitest"), ["run", "--root", fx.dir, "--config", join(fx.dir, "vitest.config.mts")]);
      expect(ran.status, ran.output).not.toBe(0);
      expect(ran.output).toMatch(/Unexpected \.only modifier/);
    } finally {
      fx.cleanup();
    }
  }, 120_000);
});
