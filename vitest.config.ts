import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./", import.meta.url)) } },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    // A stray it.only / describe.only fails the run instead of skipping every other test
    // (vitest's default allows it outside CI; npm test is the CI command). See tests/unit/test-run/forbid-only.test.ts.
    allowOnly: false,
  },
});
