// The keyboard keys of the ranking page, shown on the page itself: the key table
// (../_hooks/ranking-keys.ts) is the one source for what the keys do and for this list.
import { pairwiseKeysFor } from "../_hooks/pairwise-keys";
import { keysFor, type RankingMode } from "../_hooks/ranking-keys";

const KBD =
  "mx-0.5 inline-block min-w-6 rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 text-center font-mono text-xs shadow-[inset_0_-1px_0_rgb(203_213_225)]";

/** `pairwise`: the keys of a pairwise task (A/B with a strength) instead of the ranking's. */
export function KeyboardHelp({ mode, pairwise = false }: { mode: RankingMode; pairwise?: boolean }) {
  const rows: readonly { show: readonly string[]; help: string }[] = pairwise ? pairwiseKeysFor(mode) : keysFor(mode);
  return (
    <section
      className="rounded-xl border border-slate-200 bg-white px-4 py-3 text-sm shadow-sm"
      data-testid="keyboard-help"
      data-pairwise={pairwise}
      aria-labelledby="keys-title"
    >
      <h2 id="keys-title" className="mb-2 font-semibold">
        Keyboard
      </h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 leading-snug">
        {rows.map((row) => (
          <div key={row.help} className="contents" data-testid="keyboard-help-row">
            <dt className="text-right whitespace-nowrap">
              {row.show.map((k) =>
                k === "–" ? (
                  <span key={k} className="mx-0.5 text-slate-400">
                    –
                  </span>
                ) : (
                  <kbd key={k} className={KBD}>
                    {k}
                  </kbd>
                ),
              )}
            </dt>
            <dd className="text-slate-600">{row.help}</dd>
          </div>
        ))}
      </dl>
      {pairwise ? (
        <p className="mt-2 text-xs text-slate-500" data-testid="keyboard-help-last">
          A and B are the two completions as shown; the answer buttons work with the mouse too.
        </p>
      ) : (
        <p className="mt-2 text-xs text-slate-500" data-testid="keyboard-help-last">
          Mouse: drag a card by its <span aria-hidden>⠿</span> handle. The handle also works from the keyboard: Space picks the card up, arrows move it, Space
          drops it.
        </p>
      )}
    </section>
  );
}
