import { splitPreTokens, toByteLevel } from "./byte-level";
import type { BpeModel } from "./bpe-model";
import { splitOnSpecialTokens } from "./special-tokens";

/**
 * Reference byte-level BPE encoder over a {@link BpeModel}, written from the
 * algorithm (GPT-2 encoder.py): split special tokens out, pre-tokenize with the GPT-2
 * regex, map bytes to byte-level symbols, then repeatedly apply the lowest-ranked
 * merge present in the word (leftmost occurrence first).
 *
 * Production encoding goes through `@huggingface/tokenizers` (see `Tokenizer`); this
 * one exists to check that what we save encodes as we trained it.
 */
export class BpeEncoder {
  private readonly tokenToId: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, number[]>();
  private readonly wordCache = new Map<string, number[]>();

  constructor(private readonly model: BpeModel) {
    this.tokenToId = new Map(model.vocab.map((t, i) => [t, i]));
    this.ranks = new Map(model.merges.map(([l, r], rank) => [`${l} ${r}`, rank]));
  }

  /** Token ids of `text`; special tokens in the text become their ids. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const piece of splitOnSpecialTokens(text, this.model.specialTokens)) {
      if (piece.special) {
        ids.push(this.tokenToId.get(piece.text) as number);
        continue;
      }
      for (const word of splitPreTokens(piece.text)) {
        let wordIds = this.wordCache.get(word);
        if (wordIds === undefined) {
          wordIds = this.encodeWord(toByteLevel(word));
          if (this.wordCache.size < 1_000_000) this.wordCache.set(word, wordIds);
        }
        for (const id of wordIds) ids.push(id);
      }
    }
    return ids;
  }

  /** BPE of one pre-token given as byte-level symbols. */
  encodeWord(symbols: string): number[] {
    const cached = this.cache.get(symbols);
    if (cached !== undefined) return cached;
    const parts = Array.from(symbols);
    for (;;) {
      let bestRank = Infinity;
      let bestAt = -1;
      for (let i = 0; i + 1 < parts.length; i++) {
        const rank = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestAt = i;
        }
      }
      if (bestAt < 0) break;
      parts.splice(bestAt, 2, (parts[bestAt] as string) + (parts[bestAt + 1] as string));
    }
    const ids = parts.map((p) => {
      const id = this.tokenToId.get(p);
      if (id === undefined) throw new Error(`BpeEncoder: token ${JSON.stringify(p)} missing from vocab`);
      return id;
    });
    if (this.cache.size < 1_000_000) this.cache.set(symbols, ids);
    return ids;
  }
}
