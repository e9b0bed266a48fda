import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer as HFTokenizer } from "@huggingface/tokenizers";
import { writeFileAtomic } from "../io/atomic-write";
import type { BpeModel } from "./bpe-model";
import {
  bpeToTokenizerJson,
  mergesTxt,
  specialTokensMapFor,
  tokenContent,
  tokenizerConfigFor,
  type TokenizerConfigJson,
  type TokenizerConfigOptions,
  type TokenizerJsonInput,
} from "./tokenizer-json";
import { ENDOFTEXT } from "./special-tokens";

export const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt"] as const;

export interface EncodeOptions {
  /** Let the post-processor add its special tokens (none for GPT-2 style tokenizers); default false. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens from the text; default false. */
  skipSpecialTokens?: boolean;
}

/**
 * A tokenizer backed by `@huggingface/tokenizers`, holding the `tokenizer.json` and
 * `tokenizer_config.json` it was built from so it can write them back unchanged.
 * Decoding never cleans up tokenization spaces, so decode(encode(text)) === text.
 */
export class Tokenizer {
  private readonly hf: HFTokenizer;
  /** Number of ids (highest id + 1), added tokens included: transformers' `len(tokenizer)`. */
  readonly vocabSize: number;
  /** Special tokens (added tokens marked special) → id. */
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly eosToken: string | null;
  readonly eosTokenId: number | null;
  readonly bosTokenId: number | null;
  readonly padTokenId: number | null;

  private constructor(
    readonly json: TokenizerJsonInput,
    readonly config: TokenizerConfigJson,
  ) {
    this.hf = new HFTokenizer(json, { ...config, clean_up_tokenization_spaces: false });
    let maxId = -1;
    for (const id of this.hf.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    const specials = new Map<string, number>();
    for (const t of json.added_tokens ?? []) if (t.special) specials.set(t.content, t.id);
    this.specialTokens = specials;
    const idOf = (t: string | null): number | null => (t === null ? null : (this.hf.token_to_id(t) ?? null));
    const fallback = specials.has(ENDOFTEXT) ? ENDOFTEXT : null;
    this.eosToken = tokenContent(config.eos_token) ?? fallback;
    this.eosTokenId = idOf(this.eosToken);
    this.bosTokenId = idOf(tokenContent(config.bos_token) ?? fallback);
    this.padTokenId = idOf(tokenContent(config.pad_token));
  }

  /** Builds a tokenizer from parsed tokenizer.json / tokenizer_config.json objects. */
  static fromJSON(json: TokenizerJsonInput, config: TokenizerConfigJson = {}): Tokenizer {
    if (typeof json !== "object" || json === null || typeof json.model !== "object" || json.model === null) {
      throw new Error("tokenizer.json: missing the `model` object");
    }
    return new Tokenizer(json, config);
  }

  /** The tokenizer of a trained byte-level BPE. */
  static fromBpe(model: BpeModel, options: TokenizerConfigOptions = {}): Tokenizer {
    return new Tokenizer(bpeToTokenizerJson(model), tokenizerConfigFor(model, options));
  }

  /** Loads `tokenizer.json` (required) and `tokenizer_config.json` (optional) from a directory. */
  static async load(dir: string): Promise<Tokenizer> {
    const jsonPath = join(dir, "tokenizer.json");
    let json: TokenizerJsonInput;
    try {
      json = JSON.parse(await readFile(jsonPath, "utf8")) as TokenizerJsonInput;
    } catch (err) {
      throw new Error(`${jsonPath}: ${(err as Error).message}`);
    }
    let config: TokenizerConfigJson = {};
    const configPath = join(dir, "tokenizer_config.json");
    try {
      config = JSON.parse(await readFile(configPath, "utf8")) as TokenizerConfigJson;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`${configPath}: ${(err as Error).message}`);
    }
    try {
      return Tokenizer.fromJSON(json, config);
    } catch (err) {
      throw new Error(`${jsonPath}: ${(err as Error).message}`);
    }
  }

  /** The same tokenizer with tokenizer_config.json fields replaced (e.g. model_max_length). */
  withConfig(patch: Partial<TokenizerConfigJson>): Tokenizer {
    return new Tokenizer(this.json, { ...this.config, ...patch });
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    if (text.length === 0) return [];
    return this.hf.encode(text, { add_special_tokens: options.addSpecialTokens ?? false }).ids;
  }

  /** Token strings (byte-level form) of `text`. */
  tokenize(text: string): string[] {
    if (text.length === 0) return [];
    return this.hf.tokenize(text);
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (ids.length === 0) return "";
    return this.hf.decode([...ids], {
      skip_special_tokens: options.skipSpecialTokens ?? false,
      clean_up_tokenization_spaces: false,
    });
  }

  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.hf.id_to_token(id);
  }

  /** The files transformers reads, name → content. */
  files(): Record<string, string> {
    const model = this.json.model;
    const vocab = typeof model.vocab === "object" && model.vocab !== null ? model.vocab : {};
    return {
      "tokenizer.json": JSON.stringify(this.json, null, 2),
      "tokenizer_config.json": JSON.stringify(this.config, null, 2),
      "special_tokens_map.json": JSON.stringify(specialTokensMapFor(this.config), null, 2),
      "vocab.json": JSON.stringify(vocab),
      "merges.txt": mergesTxt(model),
    };
  }

  /** Writes {@link files} into `dir`, each atomically. */
  async save(dir: string): Promise<void> {
    for (const [name, content] of Object.entries(this.files())) await writeFileAtomic(join(dir, name), content);
  }
}
