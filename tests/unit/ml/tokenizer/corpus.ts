/** A small mixed corpus for tokenizer tests: English, code, unicode, emoji, whitespace runs. */
export const CORPUS: string[] = [
  "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs away.",
  "It's a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
  "We'll see what they've done: I'm sure you'd like it, and they're ready.",
  "function add(a, b) {\n  return a + b;\n}\n\nconst total = add(40, 2); // 42\n",
  "Numbers: 3.14159, 2.71828, 1234567890 and 1,000,000.",
  "Café, naïve, résumé, Straße, Ελληνικά, русский язык, 日本語のテキスト, 中文文本.",
  "Emoji: 🙂 😀 👍🏽 👩‍👩‍👧 🇫🇷 — and punctuation!?... «quotes» “curly” ‘single’.",
  "Tabs\tand  double  spaces   and\n\n\nnewlines\r\nwindows line endings.",
  "<|user|>What is the capital of France?<|end|><|assistant|>Paris.<|end|><|endoftext|>",
];

/** The corpus repeated with small variations so merges have counts above 1. */
export function repeatedCorpus(times = 20): string[] {
  const docs: string[] = [];
  for (let i = 0; i < times; i++) for (const d of CORPUS) docs.push(i % 2 === 0 ? d : d.toLowerCase());
  return docs;
}

/** Texts that must round-trip exactly through encode → decode. */
export const ROUND_TRIP_TEXTS: string[] = [
  "Hello world",
  " leading space and trailing space ",
  "   many   spaces\t\ttabs\n\n\n\nnewlines  \n ",
  "unseen words: zyxwvut qqqq ǅ ǈ",
  "emoji 🙂👍🏽👩‍👩‍👧🇫🇷 and CJK 日本語 and Greek Ελληνικά",
  "a lone surrogate-free astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 string",
  "special tokens inline: <|user|>hi<|end|><|assistant|>hello<|end|><|endoftext|>",
  "<|endoftext|><|endoftext|>",
  "code:\n\tif (x) {\r\n\t\treturn 'y';\r\n\t}\n",
  "contractions: it's, we'll, they've, I'm, you'd, they're, don't",
  "\u0000\u0001 control \u007f chars \u00a0 nbsp \u2028 line sep",
  "x",
  " ",
];
