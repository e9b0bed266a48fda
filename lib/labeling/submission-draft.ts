// The ranking an annotator is building in the browser, as pure functions (no React), so the
// drag, keyboard and tie behaviour is one tested model.
//
// A draft is the cards in order, best first; a card marked `tiedAbove` shares the rank group of
// the card above it. The rules:
// - moving a card takes it out of its group and lands it on its own; it never lands inside
//   another group: moving up it stops above the whole group, moving down below it;
// - `tie` joins a card to the group above it; `untie` starts a new group at that card (the cards
//   tied below it stay with it);
// - completions with the same text (after trimming and collapsing whitespace) are twins: they
//   start side by side in one group and stay tied; moving, tying or untying one of them acts on
//   all of them (a block).
//
// Around the draft, the state of one ranking page (`RankingState`, changed only by
// `rankingReducer`): flags, answers to the project's per-completion questions (questions.ts;
// twins get the same answers), none acceptable, comment, and whether the annotator has acted —
// a ranking is an act, so nothing submits until a card was moved, placed or tied, or the order
// was confirmed (`submitBlocker`). The state is kept in localStorage between reloads
// (`storedDraft` / `restoreDraft`).

import { normalizeCompletionText } from "./identical";
import { answerValueSchema, isAnswered, missingRequired, type AnswerValue, type CompletionAnswer, type QualityQuestion } from "./questions";

export interface DraftRow {
  id: number;
  tiedAbove: boolean;
}

export type Draft = readonly DraftRow[];

/** Each twin completion's id → the ids of all completions with its text (itself included). */
export type Twins = ReadonlyMap<number, readonly number[]>;

const NO_TWINS: Twins = new Map();

/** The sets of completions with identical text (identical.ts's rule), each in the given (display) order; sets of one are left out. */
export function identicalSets(completions: readonly { id: number; text: string }[]): number[][] {
  const byText = new Map<string, number[]>();
  for (const c of completions) {
    const key = normalizeCompletionText(c.text);
    byText.set(key, [...(byText.get(key) ?? []), c.id]);
  }
  return [...byText.values()].filter((ids) => ids.length > 1);
}

export function twinsOf(sets: readonly (readonly number[])[]): Twins {
  const twins = new Map<number, readonly number[]>();
  for (const set of sets) for (const id of set) twins.set(id, set);
  return twins;
}

/** Gathers each set of twins into one group, right after its best-placed member. */
export function bindTwins(draft: Draft, twins: Twins = NO_TWINS): DraftRow[] {
  let out = draft.map((r) => ({ ...r }));
  const done = new Set<number>();
  for (const row of draft) {
    const set = twins.get(row.id);
    if (!set || done.has(row.id)) continue;
    const members = out.filter((r) => set.includes(r.id)).map((r) => r.id);
    for (const m of members) done.add(m);
    for (let i = 1; i < members.length; i++) {
      const at = out.findIndex((r) => r.id === members[i]);
      if (at !== out.findIndex((r) => r.id === members[i - 1]) + 1) {
        out = without(out, at);
        out.splice(out.findIndex((r) => r.id === members[i - 1]) + 1, 0, { id: members[i], tiedAbove: true });
      } else out[at] = { ...out[at], tiedAbove: true };
    }
  }
  return out;
}

export function initialDraft(ids: readonly number[], twins: Twins = NO_TWINS): DraftRow[] {
  return bindTwins(
    ids.map((id) => ({ id, tiedAbove: false })),
    twins,
  );
}

/** The draft of stored groups (best first), twins bound. */
export function draftFromGroups(groups: readonly (readonly number[])[], twins: Twins = NO_TWINS): DraftRow[] {
  return bindTwins(
    groups.flatMap((g) => g.map((id, i) => ({ id, tiedAbove: i > 0 }))),
    twins,
  );
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

/** The ids that move with card `id` (its twins and itself), in draft order. */
export function blockOf(draft: Draft, id: number, twins: Twins = NO_TWINS): number[] {
  const set = twins.get(id);
  if (!set) return [id];
  return draft.filter((r) => set.includes(r.id)).map((r) => r.id);
}

/**
 * Moves card `id` (with its twins) so that it ends at `target` (0-based, an index of the current
 * draft), or next to it if that is inside a group.
 */
export function moveTo(draft: Draft, id: number, target: number, twins: Twins = NO_TWINS): DraftRow[] {
  const block = blockOf(draft, id, twins);
  const from = draft.findIndex((r) => r.id === block[0]);
  if (from < 0) return [...draft];
  let rest: DraftRow[] = [...draft];
  for (const member of block)
    rest = without(
      rest,
      rest.findIndex((r) => r.id === member),
    );
  // Moving down, the block's own rows no longer stand before the target.
  const down = target > from;
  let at = Math.max(0, Math.min(rest.length, down ? target - (block.length - 1) : target));
  if (at < rest.length && rest[at].tiedAbove) {
    // `at` is inside a group: land above it when moving up, below it when moving down.
    const [start, end] = groupBounds(rest, at);
    at = down ? end + 1 : start;
  }
  rest.splice(at, 0, ...block.map((member, i) => ({ id: member, tiedAbove: i > 0 })));
  return rest;
}

/** Moves a card (with its twins) one step up or down: past the whole neighbouring group. */
export function moveBy(draft: Draft, id: number, direction: -1 | 1, twins: Twins = NO_TWINS): DraftRow[] {
  const block = blockOf(draft, id, twins);
  const from = draft.findIndex((r) => r.id === block[0]);
  if (from < 0) return [...draft];
  const last = draft.findIndex((r) => r.id === block[block.length - 1]);
  const [start, end] = groupBounds(draft, from);
  const alone = start === from && end === last;
  if (direction < 0) {
    // A tied card first leaves its group upwards (lands above the group); a lone card passes the group above.
    if (!alone) return moveTo(draft, id, start, twins);
    if (from === 0) return [...draft];
    const [aboveStart] = groupBounds(draft, from - 1);
    return moveTo(draft, id, aboveStart, twins);
  }
  if (!alone) return moveTo(draft, id, end, twins);
  if (last === draft.length - 1) return [...draft];
  const [, belowEnd] = groupBounds(draft, last + 1);
  return moveTo(draft, id, belowEnd, twins);
}

/** Ties card `id` (its twins' block) with the card above. */
export function tie(draft: Draft, id: number, twins: Twins = NO_TWINS): DraftRow[] {
  const head = blockOf(draft, id, twins)[0];
  return draft.map((r, i) => (r.id === head && i > 0 ? { ...r, tiedAbove: true } : r));
}

/** Unties card `id` (its twins' block) from the card above; twins stay tied to each other. */
export function untie(draft: Draft, id: number, twins: Twins = NO_TWINS): DraftRow[] {
  const head = blockOf(draft, id, twins)[0];
  return draft.map((r) => (r.id === head ? { ...r, tiedAbove: false } : r));
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

// ---- The page's state: the draft, flags, none acceptable, comment, and whether it was an act ----

export interface RankingState {
  order: DraftRow[];
  /** Completion id → its flags (names as the server knows them). */
  flags: Record<number, string[]>;
  /** Completion id → question key → answer (only answered questions). */
  answers: AnswerMap;
  noneAcceptable: boolean;
  comment: string;
  /** A card was moved, placed, tied or untied (and the groups changed). */
  touched: boolean;
  /** The annotator said the order shown is right ("Confirm this order"). */
  confirmed: boolean;
  /** The sets of identical completions; not stored, recomputed from the task. */
  twinSets: number[][];
}

/** Completion id → question key → answer. */
export type AnswerMap = Record<number, Record<string, AnswerValue>>;

export type RankingAction =
  | { type: "move"; id: number; to: number }
  | { type: "step"; id: number; direction: -1 | 1 }
  | { type: "tie"; id: number }
  | { type: "untie"; id: number }
  | { type: "toggleFlag"; id: number; flag: string; order: readonly string[] }
  /** Answers a question about a completion (and its twins); null or no tags clears it. */
  | { type: "answer"; id: number; key: string; value: AnswerValue | null }
  | { type: "noneAcceptable"; value: boolean }
  | { type: "comment"; value: string }
  | { type: "confirm" }
  | { type: "replace"; state: RankingState };

/** The state of a task nobody has acted on: completions in display order, twins bound. */
export function freshRanking(completions: readonly { id: number; text: string }[]): RankingState {
  const twinSets = identicalSets(completions);
  return {
    order: initialDraft(
      completions.map((c) => c.id),
      twinsOf(twinSets),
    ),
    flags: {},
    answers: {},
    noneAcceptable: false,
    comment: "",
    touched: false,
    confirmed: false,
    twinSets,
  };
}

function sameGroups(a: Draft, b: Draft): boolean {
  return JSON.stringify(toGroups(a)) === JSON.stringify(toGroups(b));
}

export function rankingReducer(state: RankingState, action: RankingAction): RankingState {
  const twins = twinsOf(state.twinSets);
  const reorder = (order: DraftRow[]): RankingState => (sameGroups(order, state.order) ? { ...state, order } : { ...state, order, touched: true });
  switch (action.type) {
    case "move":
      return reorder(moveTo(state.order, action.id, action.to, twins));
    case "step":
      return reorder(moveBy(state.order, action.id, action.direction, twins));
    case "tie":
      return reorder(tie(state.order, action.id, twins));
    case "untie":
      return reorder(untie(state.order, action.id, twins));
    case "toggleFlag": {
      const current = state.flags[action.id] ?? [];
      const list = current.includes(action.flag) ? current.filter((f) => f !== action.flag) : [...current, action.flag];
      const flags = { ...state.flags, [action.id]: action.order.filter((f) => list.includes(f)) };
      if (flags[action.id].length === 0) delete flags[action.id];
      return { ...state, flags };
    }
    case "answer":
      return { ...state, answers: withAnswer(state.answers, twins.get(action.id) ?? [action.id], action.key, action.value) };
    case "noneAcceptable":
      return { ...state, noneAcceptable: action.value };
    case "comment":
      return { ...state, comment: action.value };
    case "confirm":
      return { ...state, confirmed: true };
    case "replace":
      return action.state;
  }
}

/** The answers with `key` set to `value` (cleared when it is no answer) for each of `ids`. */
function withAnswer(answers: AnswerMap, ids: readonly number[], key: string, value: AnswerValue | null): AnswerMap {
  const out: AnswerMap = { ...answers };
  for (const id of ids) {
    const own = { ...out[id] };
    if (value !== null && isAnswered(value)) own[key] = value;
    else delete own[key];
    if (Object.keys(own).length > 0) out[id] = own;
    else delete out[id];
  }
  return out;
}

export const UNTOUCHED_REASON = "Move, place or tie at least one completion, or press “Confirm this order” if the order shown is right.";
export const UNCHANGED_REASON = "Nothing changed yet: move, place or tie a completion, or change a flag, an answer, none acceptable or the comment.";

/**
 * Why the answers keep the state from being submitted (a required question unanswered for some
 * completion, none acceptable not marked), or null. Completions are named by their letters.
 */
export function answersBlocker(state: RankingState, questions: readonly QualityQuestion[], letters: ReadonlyMap<number, string>): string | null {
  const missing = missingRequired(
    questions,
    state.order.map((r) => r.id),
    (id, key) => state.answers[id]?.[key],
    state.noneAcceptable,
  );
  if (missing.length === 0) return null;
  const parts = missing.map((m) => {
    const named = m.completionIds.map((id) => letters.get(id) ?? `#${id}`).sort();
    return `“${m.question.prompt}” for ${named.join(", ")}`;
  });
  return `Answer the required question${missing.length === 1 ? "" : "s"}: ${parts.join("; ")} (or mark none acceptable).`;
}

/** Why this state may not be submitted yet, or null. `original`: in edit mode, the stored ranking. */
export function submitBlocker(state: RankingState, original?: RankingState): string | null {
  if (original) return sameSubmission(state, original) ? UNCHANGED_REASON : null;
  return state.touched || state.confirmed ? null : UNTOUCHED_REASON;
}

/** What the server receives (POST and PUT /api/tasks/[id]/ranking), less the timing and assignment. */
export function submissionOf(state: RankingState): {
  groups: number[][];
  noneAcceptable: boolean;
  flags: { completionId: number; flag: string }[];
  answers: CompletionAnswer[];
  comment: string | null;
} {
  return {
    groups: toGroups(state.order),
    noneAcceptable: state.noneAcceptable,
    flags: state.order.flatMap((r) => (state.flags[r.id] ?? []).map((flag) => ({ completionId: r.id, flag }))),
    answers: state.order.flatMap((r) =>
      Object.entries(state.answers[r.id] ?? {})
        .filter(([, value]) => isAnswered(value))
        .map(([questionKey, value]) => ({ completionId: r.id, questionKey, value })),
    ),
    comment: state.comment.trim() || null,
  };
}

function sameSubmission(a: RankingState, b: RankingState): boolean {
  const key = (s: RankingState) => {
    const sub = submissionOf(s);
    return JSON.stringify({
      ...sub,
      flags: sub.flags.map((f) => `${f.completionId}:${f.flag}`).sort(),
      answers: sub.answers.map((a) => `${a.completionId}:${a.questionKey}=${JSON.stringify(a.value)}`).sort(),
    });
  };
  return key(a) === key(b);
}

// ---- Keeping a half-built ranking across reloads (localStorage) ----

export const DRAFT_KEY_PREFIX = "palate.rankingDraft.";
/** Drafts older than this are dropped (the assignment has long expired). */
export const DRAFT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export function draftStorageKey(userId: number, assignmentId: number): string {
  return `${DRAFT_KEY_PREFIX}${userId}.${assignmentId}`;
}

export interface StoredDraft {
  v: 1;
  savedAt: number;
  taskId: number;
  order: DraftRow[];
  flags: Record<number, string[]>;
  /** Absent in drafts kept before the project asked questions. */
  answers?: AnswerMap;
  noneAcceptable: boolean;
  comment: string;
  touched: boolean;
  confirmed: boolean;
}

export function storedDraft(state: RankingState, taskId: number, now: number): StoredDraft {
  const { order, flags, answers, noneAcceptable, comment, touched, confirmed } = state;
  return { v: 1, savedAt: now, taskId, order, flags, answers, noneAcceptable, comment, touched, confirmed };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * The answers of a kept draft that still fit the project's questions (a question removed or
 * changed since drops its answer, not the draft).
 */
function restoreAnswers(value: unknown, ids: ReadonlySet<unknown>, questions: readonly QualityQuestion[]): AnswerMap {
  const answers: AnswerMap = {};
  if (!isRecord(value)) return answers;
  for (const [id, byKey] of Object.entries(value)) {
    if (!ids.has(Number(id)) || !isRecord(byKey)) continue;
    for (const q of questions) {
      const parsed = answerValueSchema(q).safeParse(byKey[q.key]);
      if (parsed.success && isAnswered(parsed.data)) answers[Number(id)] = { ...answers[Number(id)], [q.key]: parsed.data };
    }
  }
  return answers;
}

/**
 * The state kept for this task, or null when there is none or it does not fit the task (another
 * task, a completion missing or unknown, an unknown flag, a damaged value). Twins are bound again.
 * Answers are kept where they fit `questions` (the project's questions now).
 */
export function restoreDraft(
  raw: string | null,
  task: { id: number; completions: readonly { id: number; text: string }[] },
  knownFlags: readonly string[],
  questions: readonly QualityQuestion[] = [],
): RankingState | null {
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(value) || value.v !== 1 || value.taskId !== task.id || !Array.isArray(value.order)) return null;
  const ids = task.completions.map((c) => c.id);
  const order = value.order.filter(isRecord).map((r) => ({ id: r.id, tiedAbove: r.tiedAbove === true }));
  const seen = new Set(order.map((r) => r.id));
  if (order.length !== ids.length || seen.size !== ids.length || !ids.every((id) => seen.has(id))) return null;
  const flags: Record<number, string[]> = {};
  if (!isRecord(value.flags)) return null;
  for (const [id, list] of Object.entries(value.flags)) {
    if (!seen.has(Number(id)) || !Array.isArray(list) || !list.every((f) => typeof f === "string" && knownFlags.includes(f))) return null;
    if (list.length > 0) flags[Number(id)] = list as string[];
  }
  if (typeof value.noneAcceptable !== "boolean" || typeof value.comment !== "string") return null;
  const twinSets = identicalSets(task.completions);
  return {
    order: bindTwins(order as DraftRow[], twinsOf(twinSets)),
    flags,
    answers: restoreAnswers(value.answers, seen, questions),
    noneAcceptable: value.noneAcceptable,
    comment: value.comment,
    touched: value.touched === true,
    confirmed: value.confirmed === true,
    twinSets,
  };
}

/** The stored drafts to drop: damaged ones and those older than `maxAgeMs`. */
export function expiredDraftKeys(entries: readonly [key: string, raw: string | null][], now: number, maxAgeMs: number = DRAFT_MAX_AGE_MS): string[] {
  return entries
    .filter(([key]) => key.startsWith(DRAFT_KEY_PREFIX))
    .filter(([, raw]) => {
      try {
        const value: unknown = JSON.parse(raw ?? "");
        return !isRecord(value) || typeof value.savedAt !== "number" || now - value.savedAt > maxAgeMs;
      } catch {
        return true;
      }
    })
    .map(([key]) => key);
}
