#!/usr/bin/env node
// Entry of `npx palate`: loads the TypeScript CLI through tsx, so no build step is needed.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./palate.ts");
process.exitCode = await main(process.argv.slice(2));
