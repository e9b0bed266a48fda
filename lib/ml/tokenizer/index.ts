export { BYTE_TO_UNICODE, UNICODE_TO_BYTE, GPT2_SPLIT_PATTERN, toByteLevel, fromByteLevel, splitPreTokens } from "./byteLevel";
export { type BpeModel, initialVocab, validateBpeModel } from "./bpeModel";
export { BpeEncoder } from "./bpeEncoder";
export {
  ENDOFTEXT,
  SYSTEM_MARKER,
  USER_MARKER,
  ASSISTANT_MARKER,
  END_MARKER,
  DEFAULT_SPECIAL_TOKENS,
  splitOnSpecialTokens,
} from "./specialTokens";
export { trainBpe, countWords, type TrainBpeOptions } from "./trainBpe";
export {
  CHAT_TEMPLATE_JINJA,
  renderChat,
  encodeChat,
  type ChatMessage,
  type ChatRole,
  type ChatTemplateOptions,
  type ChatTokenizer,
  type EncodedChat,
} from "./chatTemplate";
export {
  bpeToTokenizerJson,
  tokenizerConfigFor,
  specialTokensMapFor,
  mergesOf,
  mergesTxt,
  type TokenizerJson,
  type TokenizerJsonInput,
  type TokenizerConfigJson,
  type TokenizerConfigOptions,
  type SpecialTokensMapJson,
  type HFAddedToken,
} from "./tokenizerJson";
export { Tokenizer, TOKENIZER_FILES, type EncodeOptions, type DecodeOptions } from "./tokenizer";
