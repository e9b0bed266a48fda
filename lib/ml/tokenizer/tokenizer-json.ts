import type { BpeModel } from "./bpe-model";
import { CHAT_TEMPLATE_JINJA } from "./chat-template";
import { ASSISTANT_MARKER, END_MARKER, ENDOFTEXT, USER_MARKER } from "./special-tokens";

/**
 * The Hugging Face tokenizer files for a byte-level BPE, in the schema of the Rust
 * `tokenizers` library (`tokenizer.json`) and of transformers (`tokenizer_config.json`,
 * `special_tokens_map.json`, and the slow GPT2Tokenizer's `vocab.json` / `merges.txt`).
 *
 * Merges are written as "left right" strings: every reader accepts that form (older
 * `tokenizers` releases reject the [left, right] pair form), and byte-level tokens
 * never contain a space.
 */

/** One entry of `added_tokens` in tokenizer.json. */
export interface HFAddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export interface ByteLevelComponent {
  type: "ByteLevel";
  add_prefix_space: boolean;
  trim_offsets: boolean;
  use_regex: boolean;
}

export interface BpeModelJson {
  type: "BPE";
  dropout: number | null;
  unk_token: string | null;
  continuing_subword_prefix: string | null;
  end_of_word_suffix: string | null;
  fuse_unk: boolean;
  byte_fallback: boolean;
  ignore_merges: boolean;
  vocab: Record<string, number>;
  merges: string[] | [string, string][];
}

/** `tokenizer.json` as we write it. Files written by others may carry other components; see {@link TokenizerJsonInput}. */
export interface TokenizerJson {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: HFAddedToken[];
  normalizer: null;
  pre_tokenizer: ByteLevelComponent;
  post_processor: ByteLevelComponent;
  decoder: ByteLevelComponent;
  model: BpeModelJson;
}

/** Any `tokenizer.json` the loader accepts: an object with a `model` and optional `added_tokens`. */
export interface TokenizerJsonInput {
  model: { type?: string; vocab?: unknown; merges?: unknown };
  added_tokens?: HFAddedToken[];
}

/** A special token in tokenizer_config.json: a string, or (older files) an AddedToken object. */
export type TokenizerConfigToken = string | { content: string; [k: string]: unknown } | null;

/** `tokenizer_config.json` fields we write and read; others are kept as they are. */
export interface TokenizerConfigJson {
  tokenizer_class?: string;
  bos_token?: TokenizerConfigToken;
  eos_token?: TokenizerConfigToken;
  unk_token?: TokenizerConfigToken;
  pad_token?: TokenizerConfigToken;
  additional_special_tokens?: string[];
  added_tokens_decoder?: Record<string, Omit<HFAddedToken, "id">>;
  add_bos_token?: boolean;
  add_prefix_space?: boolean;
  chat_template?: string;
  clean_up_tokenization_spaces?: boolean;
  errors?: string;
  model_max_length?: number;
  [k: string]: unknown;
}

export interface SpecialTokensMapJson {
  bos_token?: string;
  eos_token?: string;
  unk_token?: string;
  pad_token?: string;
  additional_special_tokens?: string[];
}

const BYTE_LEVEL: ByteLevelComponent = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };

function addedToken(id: number, content: string): HFAddedToken {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** `tokenizer.json` for a trained byte-level BPE. */
export function bpeToTokenizerJson(model: BpeModel): TokenizerJson {
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: model.specialTokens.map((t, i) => addedToken(i, t)),
    normalizer: null,
    pre_tokenizer: { ...BYTE_LEVEL },
    post_processor: { ...BYTE_LEVEL, trim_offsets: false },
    decoder: { ...BYTE_LEVEL },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(model.vocab.map((t, i) => [t, i])),
      merges: model.merges.map(([l, r]) => `${l} ${r}`),
    },
  };
}

export interface TokenizerConfigOptions {
  /** Longest sequence the model takes (its n_positions); default 1024. */
  modelMaxLength?: number;
}

/**
 * `tokenizer_config.json` for a trained byte-level BPE: GPT2Tokenizer, no bos added,
 * bos = eos = unk = pad = `<|endoftext|>` (or the first special token if that one is
 * absent), the other special tokens as additional special tokens, and the chat
 * template when the chat markers are in the vocabulary.
 */
export function tokenizerConfigFor(model: BpeModel, options: TokenizerConfigOptions = {}): TokenizerConfigJson {
  const specials = model.specialTokens;
  const main = specials.includes(ENDOFTEXT) ? ENDOFTEXT : specials[0];
  const hasChat = [USER_MARKER, ASSISTANT_MARKER, END_MARKER].every((t) => specials.includes(t));
  const added: Record<string, Omit<HFAddedToken, "id">> = {};
  specials.forEach((t, i) => {
    const { id: _id, ...rest } = addedToken(i, t);
    added[String(i)] = rest;
  });
  const config: TokenizerConfigJson = {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: added,
    additional_special_tokens: specials.filter((t) => t !== main),
    bos_token: main ?? null,
    eos_token: main ?? null,
    unk_token: main ?? null,
    pad_token: main ?? null,
    clean_up_tokenization_spaces: false,
    errors: "replace",
    model_max_length: options.modelMaxLength ?? 1024,
    tokenizer_class: "GPT2Tokenizer",
  };
  if (hasChat) config.chat_template = CHAT_TEMPLATE_JINJA;
  return config;
}

/** The text of a tokenizer_config.json special token, whichever form it has. */
export function tokenContent(token: TokenizerConfigToken | undefined): string | null {
  if (token == null) return null;
  if (typeof token === "string") return token;
  return typeof token.content === "string" ? token.content : null;
}

/** `special_tokens_map.json` matching a tokenizer config. */
export function specialTokensMapFor(config: TokenizerConfigJson): SpecialTokensMapJson {
  const map: SpecialTokensMapJson = {};
  const bos = tokenContent(config.bos_token);
  const eos = tokenContent(config.eos_token);
  const unk = tokenContent(config.unk_token);
  const pad = tokenContent(config.pad_token);
  if (bos) map.bos_token = bos;
  if (eos) map.eos_token = eos;
  if (unk) map.unk_token = unk;
  if (pad) map.pad_token = pad;
  if (config.additional_special_tokens && config.additional_special_tokens.length > 0) {
    map.additional_special_tokens = [...config.additional_special_tokens];
  }
  return map;
}

/** Merges of a tokenizer.json model as [left, right] pairs, whichever form the file uses. */
export function mergesOf(model: TokenizerJsonInput["model"]): [string, string][] {
  const merges = model.merges;
  if (!Array.isArray(merges)) return [];
  return merges.map((m, rank): [string, string] => {
    if (typeof m === "string") {
      const at = m.indexOf(" ");
      if (at < 0) throw new Error(`tokenizer.json: merge ${rank} ${JSON.stringify(m)} has no space`);
      return [m.slice(0, at), m.slice(at + 1)];
    }
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === "string" && typeof m[1] === "string") return [m[0], m[1]];
    throw new Error(`tokenizer.json: merge ${rank} must be "left right" or [left, right]`);
  });
}

/** The slow GPT2Tokenizer's `merges.txt` for a tokenizer.json model. */
export function mergesTxt(model: TokenizerJsonInput["model"]): string {
  return (
    "#version: 0.2\n" +
    mergesOf(model)
      .map(([l, r]) => `${l} ${r}\n`)
      .join("")
  );
}
