// The training stream for language modelling: documents → one token stream with
// end-of-text separators → random windows of (input ids, next-token targets).

export interface LmBatch {
  /** [batch, seq] token ids. */
  inputIds: BigInt64Array;
  /** [batch, seq] the next token at each position. */
  labels: BigInt64Array;
  batchSize: number;
  seqLen: number;
}

/** Concatenates encoded documents, each followed by `eosId` (GPT-2 pretraining style). */
export function tokenStream(encodedDocs: ArrayLike<number>[], eosId: number): Int32Array {
  let total = 0;
  for (const d of encodedDocs) total += d.length + 1;
  const out = new Int32Array(total);
  let at = 0;
  for (const d of encodedDocs) {
    for (let i = 0; i < d.length; i++) out[at++] = d[i];
    out[at++] = eosId;
  }
  return out;
}

/**
 * Random windows over a token stream. A window of seqLen+1 tokens gives seqLen inputs and
 * seqLen targets. When the stream is shorter than context+1, windows cover the whole stream
 * (seqLen = stream length - 1).
 */
export class TokenWindows {
  readonly seqLen: number;

  constructor(
    readonly tokens: Int32Array,
    context: number,
  ) {
    if (tokens.length < 2) throw new Error("the token stream needs at least 2 tokens");
    this.seqLen = Math.min(context, tokens.length - 1);
  }

  /** Number of distinct window start positions. */
  get startCount(): number {
    return this.tokens.length - this.seqLen;
  }

  /** A batch of windows; `uniform` draws from [0, 1) and is called once per row. */
  sample(batchSize: number, uniform: () => number): LmBatch {
    const T = this.seqLen;
    const inputIds = new BigInt64Array(batchSize * T);
    const labels = new BigInt64Array(batchSize * T);
    for (let b = 0; b < batchSize; b++) {
      const start = Math.min(this.startCount - 1, Math.floor(uniform() * this.startCount));
      for (let t = 0; t < T; t++) {
        inputIds[b * T + t] = BigInt(this.tokens[start + t]);
        labels[b * T + t] = BigInt(this.tokens[start + t + 1]);
      }
    }
    return { inputIds, labels, batchSize, seqLen: T };
  }
}
