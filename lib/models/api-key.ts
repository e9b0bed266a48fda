// An endpoint's API key as the registry keeps it. Three forms in the `api_key` column:
//
//   enc:v1:…        the key, encrypted (secrets-box.ts) under the server secret: what a key
//                   given to POST /api/models or `palate models add --api-key` becomes
//   env:NAME        a reference: the key is read from the environment variable NAME when the
//                   model is used (in the process that calls the endpoint: the worker's job child
//                   or the CLI), so it never reaches the database
//   anything else   a clear-text key written before keys were encrypted; still read, and sealed
//                   in place by `sealClearApiKeys` (run whenever the registry is opened through
//                   ensureDefaultModel: `palate start`, `palate demo`, the models pages and API)
//
// No view or API answer carries the column (registry.ts `toView` keeps only `hasApiKey`).
import { eq, isNotNull } from "drizzle-orm";
import { z } from "zod";
import type { Connection, Db } from "../../db/client";
import { models } from "../../db/schema";
import { isSealed, seal, unseal } from "../security/secrets-box";
import { serverSecret } from "../security/secrets";

const PURPOSE = "models.api_key";
const ENV_PREFIX = "env:";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The key as a request gives it: the key itself, or `env:NAME`. */
export const apiKeyInputSchema = z
  .string()
  .max(1000)
  .refine((v) => !v.startsWith(ENV_PREFIX) || ENV_NAME.test(v.slice(ENV_PREFIX.length)), {
    message: "env:NAME needs an environment variable name (letters, digits and _, not starting with a digit)",
  });

/** What the column stores for a key given to the registry: null for none, `env:NAME` as is, any other key sealed. */
export function storedApiKey(input: string | null | undefined, secret: () => string = () => serverSecret()): string | null {
  if (!input) return null;
  if (input.startsWith(ENV_PREFIX)) return input;
  return seal(input, secret(), PURPOSE);
}

/** The environment variable an `env:NAME` key refers to, or null for the other forms. */
export function apiKeyEnvName(stored: string | null): string | null {
  return stored?.startsWith(ENV_PREFIX) ? stored.slice(ENV_PREFIX.length) : null;
}

/** The key to send for a registry row (server-side only); throws, naming the model, when it cannot be had. */
export function resolveApiKey(row: { name: string; apiKey: string | null }, secret: () => string = () => serverSecret()): string | null {
  const stored = row.apiKey;
  if (!stored) return null;
  const envName = apiKeyEnvName(stored);
  if (envName !== null) {
    const value = process.env[envName];
    if (!value) throw new Error(`model "${row.name}": its API key comes from the environment variable ${envName}, which is not set`);
    return value;
  }
  if (!isSealed(stored)) return stored;
  try {
    return unseal(stored, secret(), PURPOSE);
  } catch (err) {
    throw new Error(`model "${row.name}": its API key ${(err as Error).message}; register the model's key again`);
  }
}

/** Seals every clear-text key in the registry (keys stored before encryption), scrubbing the clear text from the file; returns how many. One transaction. */
export function sealClearApiKeys(db: Db, secret: () => string = () => serverSecret()): number {
  const clear = db
    .select({ id: models.id, apiKey: models.apiKey })
    .from(models)
    .where(isNotNull(models.apiKey))
    .all()
    .filter((row) => row.apiKey && !isSealed(row.apiKey) && !row.apiKey.startsWith(ENV_PREFIX));
  if (clear.length === 0) return 0;
  const key = secret();
  // The clear text must not outlive the update in the file: SQLite leaves a rewritten row's old
  // bytes in the page unless secure_delete is on, and the old page in the WAL until a checkpoint.
  const sqlite = "$client" in db ? (db as Connection).$client : undefined;
  const secureDelete = sqlite?.pragma("secure_delete", { simple: true }) as number | undefined;
  sqlite?.pragma("secure_delete = ON");
  try {
    db.transaction((tx) => {
      for (const row of clear) tx.update(models).set({ apiKey: storedApiKey(row.apiKey, () => key) }).where(eq(models.id, row.id)).run();
    });
  } finally {
    sqlite?.pragma(`secure_delete = ${secureDelete ?? 0}`);
  }
  sqlite?.pragma("wal_checkpoint(TRUNCATE)");
  return clear.length;
}
