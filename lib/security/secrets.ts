// The server secret: NEXTAUTH_SECRET when set, otherwise the `auth-secret` file beside the
// database (created once, owner-only, never committed). The web app (next-auth), the CLI and the
// job child processes all read it here, so keys derived from it (secrets-box.ts) agree between
// them: `palate start` exports the file's secret as NEXTAUTH_SECRET to the app, and a CLI or
// worker started without NEXTAUTH_SECRET finds the same file through PALATE_DB.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { databasePath } from "../../db/client";

/** The file that holds the server secret of the database at `dbPath`. */
export function authSecretFile(dbPath: string = databasePath()): string {
  return join(/*turbopackIgnore: true*/ dirname(resolve(/*turbopackIgnore: true*/ dbPath)), "auth-secret");
}

/** The server secret for the database at `dbPath`; creates the file when there is neither it nor NEXTAUTH_SECRET. */
export function serverSecret(dbPath: string = databasePath()): string {
  const fromEnv = process.env.NEXTAUTH_SECRET;
  if (fromEnv) return fromEnv;
  const file = authSecretFile(dbPath);
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret) return secret;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}
