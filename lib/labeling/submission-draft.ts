// The ranking an annotator is building in the browser, as pure functions (no React), so the
// drag, keyboard and tie behaviour is one tested model.
//
// A draft is the cards in order, best first; a card marked `tiedAbove` shares the rank group of
// the card above it. The rules:
// - moving a card takes it out of its group and lands it on its own; it never lands inside
//   another group: moving up it stops above the whole group, moving down below it;
// - `tie` joins a card to the group above it; `untie` starts a new group at that card (the cards
//   tied below it stay with it).

export interface DraftRow {
  id: number;
  tiedAbove: boolean;
}

export type Draft = readonly DraftRow[];

export function initialDraft(ids: readonly number[]): DraftRow[] {
  return ids.map((id) => ({ id, tiedAbove: false }));
}

/** The draft without one card, the group structure of the others kept. */
function without(draft: Draft, index: number): DraftRow[] {
  const removed = draft[index];
  const rest = draft.filter((_, i) => i !== index).map((r) => ({ ...r }));
  // The card that followed stays in its group only if the removed card was not the group's head.
  const next = rest[index];
  if (next) next.tiedAbove = next.tiedAbove && removed.tiedAbove;
  if (rest[0]) rest[0].tiedAbove = false;
  return rest;
}

/** Start and end (inclusive) indices of the group containing `index`. */
export function groupBounds(draft: Draft, index: number): [number, number] {
  let start = index;
  while (start > 0 && draft[start].tiedAbove) start--;
  let end = index;
  while (end + 1 < draft.length && draft[end + 1].tiedAbove) end++;
  return [start, end];
}

/** Moves card `id` so that it ends at `target` (0-based), or next to it if that is inside a group. */
export function moveTo(draft: Draft, id: number, target: number): DraftRow[] {
  const from = draft.findIndex((r) => r.id === id);
  if (from < 0) return [...draft];
  const rest = without(draft, from);
  let at = Math.max(0, Math.min(rest.length, target));
  if (at < rest.length && rest[at].tiedAbove) {
    // `at` is inside a group: land above it when moving up, below it when moving down.
    const [start, end] = groupBounds(rest, at);
    at = at <= from ? start : end + 1;
  }
  rest.splice(at, 0, { id, tiedAbove: false });
  return rest;
}

/** Moves a card one step up or down: past the whole neighbouring group. */
export function moveBy(draft: Draft, id: number, direction: -1 | 1): DraftRow[] {
  const from = draft.findIndex((r) => r.id === id);
  if (from < 0) return [...draft];
  const [start, end] = groupBounds(draft, from);
  const alone = start === end;
  if (direction < 0) {
    // A tied card first leaves its group upwards (lands above the group); a lone card passes the group above.
    if (!alone) return moveTo(draft, id, start);
    if (from === 0) return [...draft];
    const [aboveStart] = groupBounds(draft, from - 1);
    return moveTo(draft, id, aboveStart);
  }
  if (!alone) return moveTo(draft, id, end);
  if (from === draft.length - 1) return [...draft];
  const [, belowEnd] = groupBounds(draft, from + 1);
  return moveTo(draft, id, belowEnd);
}

export function tie(draft: Draft, id: number): DraftRow[] {
  return draft.map((r, i) => (r.id === id && i > 0 ? { ...r, tiedAbove: true } : r));
}

export function untie(draft: Draft, id: number): DraftRow[] {
  return draft.map((r) => (r.id === id ? { ...r, tiedAbove: false } : r));
}

/** The ranked groups, best first: what the server stores. */
export function toGroups(draft: Draft): number[][] {
  const groups: number[][] = [];
  for (const row of draft) {
    if (row.tiedAbove && groups.length > 0) groups[groups.length - 1].push(row.id);
    else groups.push([row.id]);
  }
  return groups;
}

/** Each card's rank label: its group's number (1 = best), with "=" when tied, e.g. "1", "2=", "2=", "3". */
export function rankLabels(draft: Draft): string[] {
  const labels: string[] = [];
  let group = 0;
  draft.forEach((row, i) => {
    if (!row.tiedAbove || i === 0) group++;
    const [start, end] = groupBounds(draft, i);
    labels.push(`${group}${start === end ? "" : "="}`);
  });
  return labels;
}
