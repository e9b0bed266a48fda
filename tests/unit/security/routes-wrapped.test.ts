// Every route handler of app/api goes through lib/http.ts's route() (SQLITE_BUSY → 503 with
// Retry-After), found by walking the folder so a new route cannot forget it. Exempt: /api/refused
// (it reads nothing). A re-export (`export { handler as GET }`) is caught too.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const API = join(process.cwd(), "app", "api");
const EXEMPT = ["refused/[reason]/route.ts"];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(join(dir, e.name)) : e.name === "route.ts" ? [join(dir, e.name)] : [],
  );
}

describe("app/api route handlers", () => {
  it("each exported method is wrapped in route()", () => {
    const files = routeFiles(API).filter((f) => !EXEMPT.includes(relative(API, f)));
    expect(files.length).toBeGreaterThan(15);
    const bare: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/export\s+(?:async\s+function|const)\s+(GET|POST|PUT|PATCH|DELETE)\b(.*)/g)) {
        if (!/^\s*=\s*route\(/.test(m[2])) bare.push(`${relative(API, file)} ${m[1]}`);
      }
      for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
        for (const name of m[1].matchAll(/\bas\s+(GET|POST|PUT|PATCH|DELETE)\b|^\s*(GET|POST|PUT|PATCH|DELETE)\s*$/gm))
          bare.push(`${relative(API, file)} ${name[1] ?? name[2]}`);
      }
    }
    expect(bare, "wrap these in route() from @/lib/http").toEqual([]);
  });
});
