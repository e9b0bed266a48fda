// A reward model's calibration table: each held-out pair once, binned by the model's confidence
// that its favourite of the two is the one the annotators preferred, against how often it was.
// The bins' pairs add up to the model's eval pairs (lib/ml/rl/reward-calibration.ts).
import { fixed, type RewardModelInfo } from "@/app/components/reward-model-info";
import { PAIR_MEANING } from "@/lib/reward/metric-glossary";

export function CalibrationTable({ calibration, evalPairs }: { calibration: NonNullable<RewardModelInfo["calibration"]>; evalPairs: number | null }) {
  const total = calibration.bins.reduce((s, b) => s + b.count, 0);
  const setPairs = calibration.split === "eval" ? evalPairs : null;
  return (
    <section className="flex flex-col gap-2" aria-label="Calibration">
      <h2 className="text-lg font-medium">Calibration ({calibration.split === "eval" ? "held-out" : "training"} pairs)</h2>
      <p className="max-w-3xl text-xs text-slate-500">
        Each pair counted once, binned by the model&apos;s confidence σ(|r_a − r_b|) that its favourite of the two completions is the one the
        annotators ranked higher; &ldquo;Observed&rdquo; is how often it was. A calibrated model&apos;s observed share matches its mean confidence.{" "}
        {PAIR_MEANING}
        {calibration.legacy && " (This model was trained before tables counted each pair once; its table is shown as its upper half, which holds each pair once.)"}
      </p>
      <table className="w-fit text-left text-sm" data-testid="calibration">
        <thead className="text-slate-500">
          <tr>
            <th className="py-1 pr-4">Confidence</th>
            <th className="pr-4">Pairs</th>
            <th className="pr-4">Mean confidence</th>
            <th className="pr-4">Observed</th>
            <th className="pr-4" aria-label="Confidence (grey) against observed (green)" />
          </tr>
        </thead>
        <tbody>
          {calibration.bins.map((b, i) => (
            <tr key={i} className="border-t border-slate-100 [&>td]:py-1">
              <td className="pr-4 font-mono">
                {b.lo.toFixed(2)}–{b.hi.toFixed(2)}
              </td>
              <td className="pr-4">{Number.isInteger(b.count) ? b.count : b.count.toFixed(1)}</td>
              <td className="pr-4 font-mono">{fixed(b.meanPredicted)}</td>
              <td className="pr-4 font-mono">{fixed(b.observed)}</td>
              <td className="w-40 pr-4" aria-hidden>
                {b.count > 0 && (
                  <div className="flex flex-col gap-0.5">
                    <div className="h-1.5 rounded bg-slate-400" style={{ width: `${100 * (b.meanPredicted ?? 0)}%` }} />
                    <div className="h-1.5 rounded bg-emerald-500" style={{ width: `${100 * (b.observed ?? 0)}%` }} />
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t border-slate-300 [&>td]:py-1" data-testid="calibration-total">
            <td className="pr-4 text-slate-500">Total</td>
            <td className="pr-4">{Number.isInteger(total) ? total : total.toFixed(1)}</td>
            <td colSpan={3} className="text-xs text-slate-500">
              {setPairs !== null && (Math.abs(total - setPairs) < 1e-6 ? "= Eval pairs" : `Eval pairs: ${setPairs}`)}
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
