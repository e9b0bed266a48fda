// The accounts that own imported rankings: identities of the project, not people who sign in.
//
// - The "imported" annotator (imported@palate.local) owns rankings whose file names no annotator
//   (TRL pairs, HH, OpenRLHF, Open-Assistant ranks).
// - Each annotator a `rankings` file names is an identity of its own: email
//   `imported+<slug>@palate.local` (the slug of the name: lower-case letters, digits and dashes;
//   `-2`, `-3`, … when another name has the same slug), name = the annotator's name as written.
//   The same name in a later import is the same identity.
//
// Every one is disabled and has no password, and sign-in refuses their emails outright
// (isImportedIdentityEmail, checked in lib/users.ts), so enabling one or giving it a password
// still lets no one in. Their rankings are ordinary rankings (source 'imported'): they count in
// agreement, leaderboards and aggregation like anyone else's.
import { eq, like } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users } from "../../db/schema";

export { isImportedIdentityEmail } from "../auth/imported-identity";

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

/** `Zoë O'Brien` → `zoe-o-brien`; `annotator` when nothing is left. */
export function identitySlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "annotator";
}

/**
 * The user ids of the imported identities named `names` (exact names), created when missing.
 * Reads the existing identities once, so it costs one scan of users whatever the count. Call
 * inside a write transaction.
 */
export function ensureImportedIdentities(db: Db, names: Iterable<string>): Map<string, number> {
  const existing = db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(like(users.email, "imported+%@palate.local")).all();
  const byName = new Map<string, number>();
  const emails = new Set<string>();
  for (const u of existing) {
    emails.add(u.email);
    if (!byName.has(u.name)) byName.set(u.name, u.id);
  }
  const out = new Map<string, number>();
  for (const name of names) {
    let id = byName.get(name);
    if (id === undefined) {
      const slug = identitySlug(name);
      let email = `imported+${slug}@palate.local`;
      for (let n = 2; emails.has(email); n++) email = `imported+${slug}-${n}@palate.local`;
      id = db.insert(users).values({ email, name, role: "annotator", passwordHash: null, disabled: true }).returning({ id: users.id }).get().id;
      emails.add(email);
      byName.set(name, id);
    }
    out.set(name, id);
  }
  return out;
}
