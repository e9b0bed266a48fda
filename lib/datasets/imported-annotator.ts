// The account that owns imported rankings (TRL pairs, Open-Assistant ranks): an annotator that
// cannot sign in (disabled, no password), so imported judgements stay apart from people's.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users } from "../../db/schema";

export const IMPORTED_ANNOTATOR_EMAIL = "imported@palate.local";

/** The id of the imported annotator, created on first use. */
export function ensureImportedAnnotator(db: Db): number {
  const existing = db.select({ id: users.id }).from(users).where(eq(users.email, IMPORTED_ANNOTATOR_EMAIL)).get();
  if (existing) return existing.id;
  return db
    .insert(users)
    .values({ email: IMPORTED_ANNOTATOR_EMAIL, name: "Imported rankings", role: "annotator", passwordHash: null, disabled: true })
    .returning({ id: users.id })
    .get().id;
}
