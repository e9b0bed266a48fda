// Imported identities (lib/datasets/imported-annotator.ts) own imported rankings; no one signs in
// as them. Their emails, told apart here (no imports: the users page uses it in the browser).

/** True for imported@palate.local and imported+<slug>@palate.local. */
export function isImportedIdentityEmail(email: string): boolean {
  return /^imported(\+[a-z0-9-]+)?@palate\.local$/.test(email.trim().toLowerCase());
}
