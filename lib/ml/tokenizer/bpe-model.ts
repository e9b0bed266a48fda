import { BYTE_TO_UNICODE } from "./byte-level";

/**
 * A trained byte-level BPE vocabulary: what `tokenizer.json` stores in its `model`
 * and `added_tokens` sections.
 *
 * Layout: ids 0..specialTokens.length-1 are the special tokens, then the 256 byte
 * symbols in byte order (id = specialTokens.length + byte), then one token per merge
 * that produced a new string, in merge order.
 */
export interface BpeModel {
  /** id → token: special tokens verbatim, all others as byte-level strings. */
  vocab: string[];
  /** Merge rules in rank order (rank 0 first), each as [left, right] byte-level strings. */
  merges: [string, string][];
  /** The special tokens; their ids are their positions in this list. */
  specialTokens: string[];
}

/** The vocabulary before any merge: the special tokens then the 256 byte symbols. */
export function initialVocab(specialTokens: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const t of specialTokens) {
    if (t.length === 0) throw new Error("special tokens must be non-empty");
    if (seen.has(t)) throw new Error(`duplicate special token ${JSON.stringify(t)}`);
    seen.add(t);
  }
  const bytes = BYTE_TO_UNICODE.filter((c) => !seen.has(c));
  if (bytes.length !== 256) throw new Error("a special token collides with a byte-level symbol");
  return [...specialTokens, ...BYTE_TO_UNICODE];
}

/** Checks the invariants of a {@link BpeModel}; throws with the first violation. */
export function validateBpeModel(model: BpeModel): void {
  const ids = new Map<string, number>();
  model.vocab.forEach((t, i) => {
    if (ids.has(t)) throw new Error(`BPE vocab: token ${JSON.stringify(t)} appears twice (ids ${ids.get(t)} and ${i})`);
    ids.set(t, i);
  });
  model.specialTokens.forEach((t, i) => {
    if (model.vocab[i] !== t) throw new Error(`BPE vocab: special token ${JSON.stringify(t)} must have id ${i}`);
  });
  model.merges.forEach(([l, r], rank) => {
    if (!ids.has(l) || !ids.has(r)) throw new Error(`BPE merge ${rank} (${l} ${r}): both sides must be in the vocab`);
    if (!ids.has(l + r)) throw new Error(`BPE merge ${rank} (${l} ${r}): result ${JSON.stringify(l + r)} is not in the vocab`);
  });
}
