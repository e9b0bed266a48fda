// ESLint 9 flat config: Next.js's core-web-vitals and TypeScript presets, over the whole repository.
// `npm run lint` runs it over app lib db scripts tests bench with --max-warnings=0; `npm test` (and so CI)
// runs that first and stops on any finding.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // A leading underscore marks a name kept on purpose: a field dropped by destructuring
      // (`const { num_labels: _n, ...rest } = x`) or a parameter an interface requires.
      "@typescript-eslint/no-unused-vars": [
        "warn",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  globalIgnores([
    ".next/**",
    ".next-*/**",
    "node_modules/**",
    "test-results/**",
    "playwright-report/**",
    "blob-report/**",
    "tmp/**",
    "data/**",
    "models/**",
    "bench/out/**",
    "next-env.d.ts",
  ]),
]);
