// The final answer of a completion: where it stands, and what it is.
//
// answerRegion — the part of the completion that holds the answer:
// 1. Answer tags (case-insensitive): the content of the last complete `<answer>…</answer>` —
//    the last `<answer>` that a `</answer>` follows, up to the first `</answer>` after it, so a
//    nested `<answer>x <answer>5</answer></answer>` gives "5" and `<answer>5</answer> <answer>6`
//    gives "5". With no complete pair, what follows the last `<answer>` (an answer cut off by
//    the token budget). Tags left inside the content are removed.
// 2. No `<answer>` tag: the whole completion without its reasoning — every closed
//    `<think>…</think>` block removed, then everything up to a `</think>` left without its
//    opening (the R1 template opens `<think>` in the prompt), and everything from a `<think>`
//    left unclosed (the model never stopped thinking: no answer).
//
// finalAnswer — the answer itself, for showing and for comparison:
// - inside answer tags: the tags' content (trimmed);
// - else the last number of the region (numbers.ts: digits or words, with its sign);
// - else the region's last phrase: its last sentence (split at . ! ? followed by a space, and
//   at line breaks), and within it what follows the last "is", "are", "was", "were",
//   "equals", ":" or "=" when there is anything ("The capital of France is Paris." → "Paris");
// - else nothing (an empty completion, or one that only thinks).
import { lastNumber } from "./numbers";

export interface AnswerRegion {
  text: string;
  /** The text came from `<answer>` tags. */
  tagged: boolean;
}

export type AnswerSource = "tag" | "number" | "phrase" | "none";

export interface FinalAnswer {
  text: string;
  source: AnswerSource;
}

const OPEN_ANSWER = /<answer>/gi;
const CLOSE_ANSWER = /<\/answer>/i;
const ANY_TAG = /<\/?(?:answer|think)>/gi;

export function answerRegion(completion: string): AnswerRegion {
  const opens = [...completion.matchAll(OPEN_ANSWER)].map((m) => m.index + m[0].length);
  if (opens.length > 0) {
    for (let k = opens.length - 1; k >= 0; k--) {
      const rest = completion.slice(opens[k]);
      const close = CLOSE_ANSWER.exec(rest);
      if (close) return { text: rest.slice(0, close.index).replace(ANY_TAG, " ").trim(), tagged: true };
    }
    return {
      text: completion
        .slice(opens[opens.length - 1])
        .replace(ANY_TAG, " ")
        .trim(),
      tagged: true,
    };
  }
  let text = completion.replace(/<think>[\s\S]*?<\/think>/gi, " ");
  const orphanClose = text.search(/<\/think>(?![\s\S]*<\/think>)/i);
  if (orphanClose >= 0) text = text.slice(orphanClose + "</think>".length);
  const orphanOpen = text.search(/<think>/i);
  if (orphanOpen >= 0) text = text.slice(0, orphanOpen);
  return { text: text.replace(ANY_TAG, " ").trim(), tagged: false };
}

/** The last sentence of `text` with something in it (letters or digits), trimmed; "" when none. */
export function lastSentence(text: string): string {
  const sentences = text.split(/(?<=[.!?…])\s+|\n+/);
  for (let i = sentences.length - 1; i >= 0; i--) if (/[\p{L}\p{N}]/u.test(sentences[i])) return sentences[i].trim();
  return "";
}

const COPULA = /(?:^|[^\p{L}\p{N}])(?:is|are|was|were|equals)(?![\p{L}\p{N}])|[:=]/giu;

/** What follows the last "is", "are", "was", "were", "equals", ":" or "=" of a sentence, when anything does. */
export function phraseAfterCopula(sentence: string): string | undefined {
  let end = -1;
  for (const m of sentence.matchAll(COPULA)) end = m.index + m[0].length;
  if (end < 0) return undefined;
  const tail = sentence.slice(end).trim();
  return /[\p{L}\p{N}]/u.test(tail) ? tail : undefined;
}

/** The ways a text answer may be read out of a region: the whole tagged text, its last sentence, what follows that sentence's copula. */
export function answerPhrases(region: AnswerRegion): string[] {
  const sentence = lastSentence(region.text);
  const tail = phraseAfterCopula(sentence);
  const phrases = region.tagged ? [region.text, sentence] : [sentence];
  if (tail !== undefined) phrases.push(tail);
  return phrases.filter((p) => p !== "");
}

function trimEnd(phrase: string): string {
  return phrase.replace(/[\s.!?…,;]+$/u, "");
}

export function finalAnswer(completion: string): FinalAnswer {
  const region = answerRegion(completion);
  if (region.tagged) return region.text === "" ? { text: "", source: "none" } : { text: region.text, source: "tag" };
  const number = lastNumber(region.text);
  if (number) return { text: number.text, source: "number" };
  const sentence = lastSentence(region.text);
  if (sentence === "") return { text: "", source: "none" };
  return { text: trimEnd(phraseAfterCopula(sentence) ?? sentence), source: "phrase" };
}
