// Where a registered Palate model directory may live: under one of the model roots.
//
// The roots are the project's `models/` folder (the embedded models), the data folder (the
// folder of PALATE_DB: training jobs write their models under data/jobs/N/), and every folder
// in PALATE_MODEL_ROOTS (a list separated like PATH: ":" on Linux and macOS, ";" on Windows).
// A path is resolved against the project root when relative, then every symbolic link in it
// (and in the roots) is resolved with realpath before the check, so neither `..` nor a link
// that points elsewhere escapes a root. A path that does not exist yet is checked through its
// nearest existing ancestor.
//
// The check is made where a person names a path (POST /api/models, `palate models add`); the
// training jobs register the folders they wrote themselves.
import { existsSync, realpathSync } from "node:fs";
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { databasePath } from "../../db/client";
import { projectRoot } from "./project-root";

/** The model roots as configured (absolute, not yet resolved through links). */
export function modelRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.PALATE_MODEL_ROOTS ?? "")
    .split(delimiter)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => resolve(/*turbopackIgnore: true*/ projectRoot(), p));
  return [join(/*turbopackIgnore: true*/ projectRoot(), "models"), dirname(databasePath()), ...extra];
}

/** `path` with every link resolved; for a path that does not exist, its nearest existing ancestor resolved and the rest appended. */
export function realPath(path: string): string {
  const missing: string[] = [];
  let at = resolve(/*turbopackIgnore: true*/ path);
  for (;;) {
    if (existsSync(at)) {
      try {
        return join(/*turbopackIgnore: true*/ realpathSync.native(at), ...missing.reverse());
      } catch {
        // unreadable: fall through to its parent
      }
    }
    const parent = dirname(at);
    if (parent === at) return resolve(/*turbopackIgnore: true*/ path);
    missing.push(basename(at));
    at = parent;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel.split(sep)[0] !== "..");
}

/** Why `path` may not be registered as a model directory, or null when it lies under a root. */
export function modelPathProblem(path: string, roots: readonly string[] = modelRoots()): string | null {
  if (path.includes("\0")) return "must not contain a NUL character";
  const absolute = isAbsolute(path) ? path : join(/*turbopackIgnore: true*/ projectRoot(), path);
  const real = realPath(absolute);
  if (roots.some((root) => isInside(realPath(root), real))) return null;
  return `must lie under a model root (${roots.join(", ")}; add more with PALATE_MODEL_ROOTS); ${path} resolves to ${real}`;
}
