// A reward model's evaluation on its page: the held-out accuracy with its Wilson interval (and
// the small-set warning), then every metric the job recorded, each with its label, its raw key
// and what it means (lib/reward/metric-glossary.ts), as a tooltip and in the glossary below.
import { fixed, percent, type RewardModelInfo } from "@/app/components/reward-model-info";
import { HeldOutAccuracyView } from "@/app/components/held-out-accuracy";
import { PAIR_MEANING, metricMeaning } from "@/lib/reward/metric-glossary";

/** The metrics shown first, in this order, with their formats; any others follow under their glossary labels. */
const KEY_METRICS: [string, (x: number | null) => string][] = [
  ["eval_accuracy", percent],
  ["eval_loss", (x) => fixed(x, 4)],
  ["eval_margin", (x) => fixed(x, 4)],
  ["eval_pairs", (x) => fixed(x, 0)],
  ["eval_prompts", (x) => fixed(x, 0)],
  ["eval_rankings", (x) => fixed(x, 0)],
  ["train_pairs", (x) => fixed(x, 0)],
  ["train_prompts", (x) => fixed(x, 0)],
  ["train_rankings", (x) => fixed(x, 0)],
  ["steps", (x) => fixed(x, 0)],
];

function plain(v: number | null): string {
  return v === null ? "—" : Number.isInteger(v) ? String(v) : v.toFixed(4);
}

export function RewardEvaluation({ info }: { info: RewardModelInfo }) {
  const formats = new Map(KEY_METRICS);
  const keys = [...KEY_METRICS.map(([k]) => k).filter((k) => k in info.metrics), ...Object.keys(info.metrics).filter((k) => !formats.has(k))];
  const glossaryKeys = [...keys, ...(info.calibration ? ["calibration"] : [])];
  return (
    <section className="flex flex-col gap-2" aria-label="Evaluation">
      <h2 className="text-lg font-medium">Evaluation</h2>
      <div className="text-sm" data-testid="eval-accuracy-summary">
        <span className="text-slate-500">Held-out accuracy (95% interval): </span>
        <HeldOutAccuracyView heldOut={info.heldOut} />
      </div>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="reward-metrics">
        {keys.map((k) => {
          const m = metricMeaning(k);
          const value = info.metrics[k];
          return (
            <div key={k} className="contents" data-testid={`metric-${k}`}>
              <dt className="text-slate-500" title={m.meaning || undefined}>
                {m.label}
                {m.known && <code className="ml-1 text-xs text-slate-400">{k}</code>}
              </dt>
              <dd className="font-mono">
                {(formats.get(k) ?? plain)(value)}
                {k === "eval_accuracy" && info.heldOut && (
                  <span className="ml-2 text-slate-500">
                    [{percent(info.heldOut.interval[0])}, {percent(info.heldOut.interval[1])}]
                  </span>
                )}
              </dd>
            </div>
          );
        })}
        {keys.length === 0 && <dd className="col-span-2 text-slate-500">No metrics recorded.</dd>}
      </dl>
      {glossaryKeys.length > 0 && (
        <details className="text-sm" data-testid="metric-glossary">
          <summary className="cursor-pointer text-slate-600">What these numbers mean</summary>
          <dl className="mt-2 grid max-w-3xl grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
            <dt className="font-mono text-xs text-slate-500">pair</dt>
            <dd>{PAIR_MEANING}</dd>
            {glossaryKeys.map((k) => (
              <div key={k} className="contents">
                <dt className="font-mono text-xs text-slate-500">{k}</dt>
                <dd>{metricMeaning(k).meaning || "Recorded by the job; no description in the glossary."}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </section>
  );
}
