// A prompt's reference answer: `metadata.reference`, a string, set by the gsm8k and qa imports
// (lib/datasets/gsm8k-format.ts, qa-format.ts) or by any import that gives the metadata. Every
// reader goes through here, so what counts as a reference is decided once: a string with
// something besides whitespace (a number in the metadata is read as its decimal text).
export const REFERENCE_KEY = "reference";

/** The reference answer in a prompt's metadata, or null when it has none. */
export function referenceOf(metadata: unknown): string | null {
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) return null;
  const value = (metadata as Record<string, unknown>)[REFERENCE_KEY];
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string" || value.trim() === "") return null;
  return value;
}

/** The metadata with its reference answer set (a new object; the other fields kept). */
export function withReference(metadata: Record<string, unknown> | null | undefined, reference: string): Record<string, unknown> {
  return { ...(metadata ?? {}), [REFERENCE_KEY]: reference };
}
