// The ranking page's keyboard as one table: which key does what, where it works, and the line
// the keyboard help shows for it. `resolveKey` reads a key press against the table (pure, no
// DOM), `useRankingKeys` (use-ranking-keys.ts) wires it to the page.

export type KeyAction =
  "submit" | "confirm" | "toggleNone" | "comment" | "skip" | "layout" | "focusNext" | "focusPrev" | "moveUp" | "moveDown" | "place" | "tie" | "untie" | "flags";

export type RankingMode = "queue" | "edit";

export interface KeyRow {
  /** `KeyboardEvent.key` values (letters in lower case) → the action. */
  keys: Readonly<Record<string, KeyAction>>;
  /** What the help shows, e.g. ["J", "K"] or ["1", "–", "9"]. */
  show: readonly string[];
  help: string;
  /** "card": only with a completion card focused; "page": anywhere outside text fields and buttons. */
  scope: "page" | "card";
  /** The modes the key works in (default: both). */
  modes?: readonly RankingMode[];
}

const digits = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [String(i + 1), "place" as const]));

export const RANKING_KEYS: readonly KeyRow[] = [
  { keys: { j: "focusNext", k: "focusPrev" }, show: ["J", "K"], help: "focus the next / previous card (↓ starts at the first)", scope: "card" },
  {
    keys: { ArrowUp: "moveUp", ArrowLeft: "moveUp", ArrowDown: "moveDown", ArrowRight: "moveDown" },
    show: ["↑", "↓"],
    help: "move the focused card up / down",
    scope: "card",
  },
  { keys: digits, show: ["1", "–", "9"], help: "move the focused card to that place", scope: "card" },
  { keys: { t: "tie" }, show: ["T"], help: "tie the focused card with the one above", scope: "card" },
  { keys: { u: "untie" }, show: ["U"], help: "untie it from the one above", scope: "card" },
  { keys: { f: "flags" }, show: ["F"], help: "flags of the focused card", scope: "card" },
  { keys: { n: "toggleNone" }, show: ["N"], help: "none acceptable, on / off", scope: "page" },
  { keys: { c: "comment" }, show: ["C"], help: "write a comment", scope: "page" },
  { keys: { o: "confirm" }, show: ["O"], help: "confirm the order shown is right, as it is", scope: "page", modes: ["queue"] },
  { keys: { s: "skip" }, show: ["S"], help: "skip this task (asks why)", scope: "page", modes: ["queue"] },
  { keys: { l: "layout" }, show: ["L"], help: "stacked / side-by-side layout", scope: "page" },
  { keys: { Enter: "submit" }, show: ["Enter"], help: "submit and go to the next task", scope: "page", modes: ["queue"] },
  { keys: { Enter: "submit" }, show: ["Enter"], help: "save the changed ranking", scope: "page", modes: ["edit"] },
];

export function keysFor(mode: RankingMode): KeyRow[] {
  return RANKING_KEYS.filter((row) => !row.modes || row.modes.includes(mode));
}

/** A key press, as much of it as the table needs. */
export interface KeyPress {
  key: string;
  ctrl: boolean;
  meta: boolean;
  alt: boolean;
  /** Typing in an input, textarea, select or editable element. */
  inTextField: boolean;
  /** On a button, link or summary other than a card itself (Enter belongs to it). */
  onControl: boolean;
  /** Inside the flag menu or on a drag handle, which handle their own keys. */
  inWidget: boolean;
  /** A completion card (or something in it) has the focus. */
  onCard: boolean;
  /** Nothing in particular has the focus (the page body). */
  onBody: boolean;
}

export interface ResolvedKey {
  action: KeyAction;
  /** For "place": the 0-based place. */
  place?: number;
  /** For "focusNext" without a focused card: start at the first card. */
  first?: boolean;
}

export function resolveKey(press: KeyPress, mode: RankingMode): ResolvedKey | null {
  if (press.key === "Enter" && (press.ctrl || press.meta)) return { action: "submit" }; // even while typing a comment
  if (press.inTextField || press.alt || press.ctrl || press.meta || press.inWidget) return null;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (key === "Enter" && press.onControl) return null; // let buttons and links work
  for (const row of keysFor(mode)) {
    const action = row.keys[key];
    if (!action) continue;
    if (row.scope === "card" && !press.onCard) {
      // ↓ or J with nothing focused: focus the first card, so the keyboard alone gets going.
      return (key === "ArrowDown" || key === "j") && press.onBody ? { action: "focusNext", first: true } : null;
    }
    return action === "place" ? { action, place: Number(key) - 1 } : { action };
  }
  return null;
}
