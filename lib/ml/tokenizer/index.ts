/**
 * Byte-level BPE tokenizers, GPT-2 style.
 *
 *   const tokenizer = Tokenizer.fromBpe(trainBpe(documents, { vocabSize: 2048 }), { modelMaxLength: 128 });
 *   await tokenizer.save(dir);                 // tokenizer.json + tokenizer_config.json + …
 *   const same = await Tokenizer.load(dir);    // encoding/decoding via @huggingface/tokenizers
 *   same.encode("Hello") → number[];  same.decode(ids) → string
 *
 * Ids: 0 `<|endoftext|>` (bos = eos = unk = pad), 1 `<|system|>`, 2 `<|user|>`,
 * 3 `<|assistant|>`, 4 `<|end|>`, then the 256 bytes (5 + byte), then merges.
 * Chat: renderChat / encodeChat (`<|user|>…<|end|><|assistant|>…<|end|>`).
 */
export { BYTE_TO_UNICODE, UNICODE_TO_BYTE, GPT2_SPLIT_PATTERN, toByteLevel, fromByteLevel, splitPreTokens } from "./byte-level";
export { type BpeModel, initialVocab, validateBpeModel } from "./bpe-model";
export { BpeEncoder } from "./bpe-encoder";
export { ENDOFTEXT, SYSTEM_MARKER, USER_MARKER, ASSISTANT_MARKER, END_MARKER, DEFAULT_SPECIAL_TOKENS, splitOnSpecialTokens } from "./special-tokens";
export { trainBpe, countWords, type TrainBpeOptions } from "./train-bpe";
export {
  CHAT_TEMPLATE_JINJA,
  renderChat,
  encodeChat,
  type ChatMessage,
  type ChatRole,
  type ChatTemplateOptions,
  type ChatTokenizer,
  type EncodedChat,
} from "./chat-template";
export {
  bpeToTokenizerJson,
  tokenizerConfigFor,
  specialTokensMapFor,
  tokenContent,
  mergesOf,
  mergesTxt,
  type TokenizerJson,
  type TokenizerJsonInput,
  type TokenizerConfigJson,
  type TokenizerConfigToken,
  type TokenizerConfigOptions,
  type SpecialTokensMapJson,
  type HFAddedToken,
} from "./tokenizer-json";
export { Tokenizer, TOKENIZER_FILES, type EncodeOptions, type DecodeOptions } from "./tokenizer";
