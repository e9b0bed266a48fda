// Distinct completions: the K completions of a task should be K different texts, since two
// equal texts give an annotator nothing to rank and an export nothing to learn from. Texts are
// compared after trimming and collapsing whitespace ("Paris." and " Paris. " are the same
// answer). This file is the pure rule — which completions repeat an earlier one, and how fresh
// samples fill the gaps; run-generation.ts does the sampling, the exports and the reward
// model's training set use completionKey to skip pairs of equal texts.
import { normalizeCompletionText } from "../labeling/identical";

/**
 * The text a completion is compared by: trimmed, every run of whitespace one space — the same
 * rule by which a saved ranking ties identical completions (lib/labeling/identical.ts).
 */
export const completionKey: (text: string) => string = normalizeCompletionText;

/** True when two completions read the same once whitespace is normalized. */
export function sameCompletionText(a: string, b: string): boolean {
  return completionKey(a) === completionKey(b);
}

/**
 * One prompt's completions while they are made distinct. The completions come in shares, one
 * per model that owes them (a head-to-head task has two): each share keeps its first
 * occurrences, in order, and owes as many completions as it dropped. `offer` fills a share's
 * gaps from fresh samples with texts the prompt does not have yet.
 */
export class DistinctCompletions<C extends { text: string }> {
  private readonly keys = new Set<string>();
  private readonly kept: C[][];
  private readonly owed: number[];
  /** Completions dropped from the first draw for repeating a text. */
  readonly duplicates: number;

  constructor(shares: readonly (readonly C[])[]) {
    this.kept = shares.map(() => []);
    this.owed = shares.map(() => 0);
    let duplicates = 0;
    shares.forEach((share, s) => {
      for (const c of share) {
        if (this.add(s, c)) continue;
        this.owed[s]++;
        duplicates++;
      }
    });
    this.duplicates = duplicates;
  }

  private add(share: number, c: C): boolean {
    const key = completionKey(c.text);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.kept[share].push(c);
    return true;
  }

  /** Completions share `share` still owes. */
  missing(share: number): number {
    return this.owed[share];
  }

  /** True when no share owes a completion. */
  get complete(): boolean {
    return this.owed.every((n) => n === 0);
  }

  /** Takes new texts from `candidates`, in order, while the share owes any; returns how many it took. */
  offer(share: number, candidates: readonly C[]): number {
    let taken = 0;
    for (const c of candidates) {
      if (this.owed[share] === 0) break;
      if (!this.add(share, c)) continue;
      this.owed[share]--;
      taken++;
    }
    return taken;
  }

  /** The distinct completions, share by share, each in the order it was drawn. */
  completions(): C[] {
    return this.kept.flat();
  }
}
