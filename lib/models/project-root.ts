// The project root: where relative model paths in the registry start (PALATE_ROOT, default the
// working directory).
import { resolve } from "node:path";

export function projectRoot(): string {
  return resolve(/*turbopackIgnore: true*/ process.env.PALATE_ROOT ?? process.cwd());
}
