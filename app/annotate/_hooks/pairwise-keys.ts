// The pairwise page's keyboard as one table (as ranking-keys.ts for the ranking page): the
// answer keys come from the answers themselves (lib/labeling/pairwise.ts: 1–5, N for both bad).
// `resolvePairwiseKey` reads a key press against it (pure, no DOM).
import { PAIRWISE_CHOICES, pairwiseAnswerOfKey, type PairwiseAnswer } from "@/lib/labeling/pairwise";
import type { KeyPress, RankingMode } from "./ranking-keys";

export type PairwiseAction =
  { action: "answer"; answer: PairwiseAnswer } | { action: "submit" } | { action: "comment" } | { action: "skip" } | { action: "layout" };

export interface PairwiseKeyRow {
  show: readonly string[];
  help: string;
  modes?: readonly RankingMode[];
}

export const PAIRWISE_KEY_ROWS: readonly PairwiseKeyRow[] = [
  ...PAIRWISE_CHOICES.map((c) => ({ show: [c.key.toUpperCase()], help: c.label })),
  { show: ["C"], help: "write a comment" },
  { show: ["S"], help: "skip this task (asks why)", modes: ["queue"] },
  { show: ["L"], help: "stacked / side-by-side layout" },
  { show: ["Enter"], help: "submit the answer and go to the next task", modes: ["queue"] },
  { show: ["Enter"], help: "save the changed answer", modes: ["edit"] },
];

export function pairwiseKeysFor(mode: RankingMode): PairwiseKeyRow[] {
  return PAIRWISE_KEY_ROWS.filter((row) => !row.modes || row.modes.includes(mode));
}

export function resolvePairwiseKey(press: Omit<KeyPress, "onCard" | "onBody">, mode: RankingMode): PairwiseAction | null {
  if (press.key === "Enter" && (press.ctrl || press.meta)) return { action: "submit" };
  if (press.inTextField || press.alt || press.ctrl || press.meta || press.inWidget) return null;
  if (press.key === "Enter") return press.onControl ? null : { action: "submit" };
  const answer = pairwiseAnswerOfKey(press.key);
  if (answer) return { action: "answer", answer };
  const key = press.key.toLowerCase();
  if (key === "c") return { action: "comment" };
  if (key === "s" && mode === "queue") return { action: "skip" };
  if (key === "l") return { action: "layout" };
  return null;
}
