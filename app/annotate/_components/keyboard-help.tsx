// The keyboard keys of the ranking page, shown on the page itself.
const KEYS: [string[], string][] = [
  [["J", "K"], "focus the next / previous card (↓ starts at the first)"],
  [["↑", "↓"], "move the focused card up / down"],
  [["1", "–", "9"], "move the focused card to that place"],
  [["T"], "tie the focused card with the one above"],
  [["U"], "untie it from the one above"],
  [["F"], "flags of the focused card"],
  [["N"], "none acceptable, on / off"],
  [["C"], "write a comment"],
  [["S"], "skip this task (asks why)"],
  [["L"], "stacked / side-by-side layout"],
  [["Enter"], "submit and go to the next task"],
];

export function KeyboardHelp() {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm" data-testid="keyboard-help" aria-labelledby="keys-title">
      <h2 id="keys-title" className="mb-2 font-semibold">
        Keyboard
      </h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5">
        {KEYS.map(([keys, what]) => (
          <div key={what} className="contents">
            <dt className="whitespace-nowrap text-right">
              {keys.map((k) =>
                k === "–" ? (
                  <span key={k} className="mx-0.5 text-slate-400">
                    –
                  </span>
                ) : (
                  <kbd key={k} className="mx-0.5 inline-block min-w-6 rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 text-center font-mono text-xs shadow-[inset_0_-1px_0_rgb(203_213_225)]">
                    {k}
                  </kbd>
                ),
              )}
            </dt>
            <dd className="text-slate-600">{what}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-xs text-slate-500">
        Mouse: drag a card by its <span aria-hidden>⠿</span> handle. The handle also works from the keyboard: Space picks the card up, arrows move it,
        Space drops it.
      </p>
    </section>
  );
}
