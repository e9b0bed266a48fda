#!/usr/bin/env node
// Entry of `npx palate`: loads the TypeScript CLI through tsx, so no build step is needed.
// The large dependencies every command uses are imported first, by Node itself: through tsx's
// hooks (a round trip to its loader thread per file) their ~200 files took ~0.25 s of CPU more.
// They keep their URLs, so the .ts files importing them later get these same modules.
await Promise.all(["zod", "drizzle-orm", "drizzle-orm/sqlite-core", "drizzle-orm/better-sqlite3", "drizzle-orm/better-sqlite3/migrator"].map((m) => import(m)));
const { register } = await import("tsx/esm/api");

register();
const { main } = await import("./palate.ts");
process.exitCode = await main(process.argv.slice(2));
