// Identical completions are tied on save.
//
// Two completions of a task are identical when their texts are equal after trimming and
// collapsing every run of whitespace to one space. Preferring one of two identical texts says
// nothing about the texts, so a stored ranking never separates them: when a submitted ranking
// places identical completions in different groups, the server moves them all into the best
// (lowest-index) group any of them was placed in, before its comparisons are written. Emptied
// groups disappear. The ranking page keeps identical completions together already; this rule
// makes it hold for every client of the API (submit and edit alike).

/** The text as compared for identity: trimmed, whitespace runs collapsed to one space. */
export function normalizeCompletionText(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}

/** The groups with identical-text completions tied in the best group of any of them (see above). */
export function tieIdenticalCompletions(groups: readonly (readonly number[])[], completions: readonly { id: number; text: string }[]): number[][] {
  const textOf = new Map(completions.map((c) => [c.id, normalizeCompletionText(c.text)]));
  const key = (id: number) => textOf.get(id) ?? `\u0000${id}`; // unknown ids never match anything
  const bestGroup = new Map<string, number>();
  groups.forEach((group, g) => {
    for (const id of group) if (!bestGroup.has(key(id))) bestGroup.set(key(id), g);
  });
  const out: number[][] = groups.map(() => []);
  groups.forEach((group) => {
    for (const id of group) out[bestGroup.get(key(id))!].push(id);
  });
  // A group keeps its own members first, then those moved up into it, in ranking order (a member
  // of an earlier group never lands in a later one).
  return out.filter((g) => g.length > 0);
}
