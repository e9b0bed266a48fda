// One set of letters for naming completions, used by every view that shows a ranking.
//
// A letter always names a completion by its index in SOME order, so a view must say which:
// - "annotator": the order that annotator saw (their assignment's shuffle, assignment-view.ts
//   `annotatorOrder`): the letters they used when they ranked and flagged;
// - "canonical": the stored order (completion position 0, 1, …), used for imported rankings
//   (which have no assignment, hence no shuffle) and for the research pages' completion cards.
// The same index gives the same letter in both: A–Z, then #27, #28, … (the ranking page's rule).

export type LetterScheme = "annotator" | "canonical";

/** The letter of the completion shown at `index` (0-based). */
export function letterAt(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : `#${index + 1}`;
}

/** Completion id → letter, for completion ids listed in the order the letters follow. */
export function lettersFor(orderedIds: readonly number[]): Map<number, string> {
  return new Map(orderedIds.map((id, i) => [id, letterAt(i)]));
}

/** "D = A > C > B": ranked groups (best first) in the given letters; unknown ids as "#<id>". */
export function orderInLetters(groups: readonly (readonly number[])[], letters: ReadonlyMap<number, string>): string {
  return groups.map((g) => g.map((id) => letters.get(id) ?? `#${id}`).join(" = ")).join(" > ");
}

/** The start of a completion's text on one line, for naming it beside its letter. */
export function completionSnippet(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
