"use client";

// A job's metrics as live line charts, value over step. Generic: generation, reward-model
// training and PPO jobs all log points {step, name, value}; the page appends new points as it
// polls. A kind may declare groups of metrics that share one chart (job-metric-groups.ts: PPO's
// reward, KL, entropy, losses, clip fractions, win rate; GRPO's reward functions, one series each);
// they come first, each series in its own colour, held-out ones (`eval_…`) dashed with each
// evaluation marked, and the kind's other metrics wait behind "More metrics". Otherwise every metric gets a panel of its
// own, where a metric and its held-out counterpart (`loss` and `eval_loss`) share one chart, so
// a researcher reads train against eval at a glance; loss, accuracy and margin come first.
import { CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip, type ChartOptions } from "chart.js";
import { useMemo, useState } from "react";
import { Line } from "react-chartjs-2";
import type { MetricGroup } from "./job-metric-groups";

ChartJS.register(LinearScale, CategoryScale, PointElement, LineElement, Tooltip, Legend);

export interface MetricPoint {
  step: number;
  name: string;
  value: number;
}

const COLOURS = ["#4f46e5", "#059669", "#d97706", "#dc2626", "#0891b2", "#7c3aed", "#db2777", "#65a30d"];
const EVAL_COLOUR = "#1e293b";
const EVAL_PREFIX = "eval_";
/** Shown first among the generic panels, in this order (TRL's names); the rest follow in the order they first appear. */
const FIRST = ["loss", "accuracy", "margin", "objective/rlhf_reward", "objective/kl"];

/** A held-out metric: TRL's `eval_` prefix (`eval_loss` of reward models, `eval_scores` of PPO). */
export function isEvalMetric(name: string): boolean {
  return name.startsWith(EVAL_PREFIX);
}

function options(legend: boolean): ChartOptions<"line"> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    plugins: {
      legend: { display: legend, position: "bottom", labels: { boxWidth: 10, font: { size: 11 } } },
      tooltip: { mode: "nearest", intersect: false },
    },
    scales: {
      x: { type: "linear", title: { display: true, text: "step" } },
      y: { type: "linear" },
    },
    elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
  };
}
const OPTIONS = options(false);
const OPTIONS_LEGEND = options(true);

interface Series {
  name: string;
  data: { x: number; y: number }[];
}
export interface Panel {
  /** The group's title, or the train metric's name (the eval metric's, when it has no train counterpart). */
  name: string;
  /** A declared group (each series its own colour), not a metric with its eval counterpart. */
  grouped: boolean;
  series: Series[];
}

/** Metric names grouped into panels: the declared groups (those with points) first, then `x` with `eval_x` when both exist. */
export function metricPanels(points: readonly MetricPoint[], groups: readonly MetricGroup[] = []): Panel[] {
  const byName = new Map<string, { x: number; y: number }[]>();
  for (const p of points) {
    let list = byName.get(p.name);
    if (!list) byName.set(p.name, (list = []));
    list.push({ x: p.step, y: p.value });
  }
  for (const list of byName.values()) list.sort((a, b) => a.x - b.x);
  const grouped: Panel[] = [];
  const taken = new Set<string>();
  for (const group of groups) {
    // The listed metrics in their order, then those of each prefix (`rewards/` → every reward function's), by name.
    const prefixed = (group.prefixes ?? []).flatMap((prefix) => [...byName.keys()].filter((name) => name.startsWith(prefix)).sort());
    const names = [...new Set([...group.metrics, ...prefixed])];
    const series = names.filter((name) => byName.has(name) && !taken.has(name)).map((name) => ({ name, data: byName.get(name)! }));
    for (const s of series) taken.add(s.name);
    if (series.length > 0) grouped.push({ name: group.title, grouped: true, series });
  }
  const panels: Panel[] = [];
  for (const [name, data] of byName) {
    if (taken.has(name)) continue;
    if (name.startsWith(EVAL_PREFIX) && byName.has(name.slice(EVAL_PREFIX.length)) && !taken.has(name.slice(EVAL_PREFIX.length))) continue;
    const series: Series[] = [{ name, data }];
    const evalData = byName.get(EVAL_PREFIX + name);
    if (evalData && !taken.has(EVAL_PREFIX + name)) series.push({ name: EVAL_PREFIX + name, data: evalData });
    panels.push({ name, grouped: false, series });
  }
  const rank = (n: string) => {
    const i = FIRST.indexOf(n);
    return i === -1 ? FIRST.length : i;
  };
  const sorted = panels
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p.name) - rank(b.p.name) || a.i - b.i)
    .map(({ p }) => p);
  return [...grouped, ...sorted];
}

export function JobMetricsChart({ points, groups = [] }: { points: readonly MetricPoint[]; groups?: readonly MetricGroup[] }) {
  const panels = useMemo(() => metricPanels(points, groups), [points, groups]);
  const [moreOpen, setMoreOpen] = useState(false);
  if (panels.length === 0) return null;
  const grouped = panels.filter((p) => p.grouped);
  const rest = panels.filter((p) => !p.grouped);
  const figures = (list: Panel[]) =>
    list.map((panel, i) =>
      panel.grouped ? <GroupFigure key={panel.name} panel={panel} /> : <MetricFigure key={panel.name} panel={panel} colour={COLOURS[i % COLOURS.length]} />,
    );
  // Without declared groups every metric is a panel; with them, the rest wait behind "More metrics"
  // (mounted only when opened, so each chart sizes itself to a visible box).
  if (grouped.length === 0 || rest.length === 0) {
    return (
      <div className="grid gap-4 sm:grid-cols-2" data-testid="job-metrics">
        {figures(panels)}
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-3" data-testid="job-metrics">
      <div className="grid gap-4 sm:grid-cols-2">{figures(grouped)}</div>
      <details className="text-sm" open={moreOpen} onToggle={(e) => setMoreOpen(e.currentTarget.open)} data-testid="more-metrics">
        <summary className="cursor-pointer text-slate-600">
          More metrics ({rest.length}): <span className="font-mono text-xs">{rest.map((p) => p.name).join(", ")}</span>
        </summary>
        {moreOpen && <div className="mt-3 grid gap-4 sm:grid-cols-2">{figures(rest)}</div>}
      </details>
    </div>
  );
}

/** A declared group: its title, each series' latest value, one line per metric. */
function GroupFigure({ panel }: { panel: Panel }) {
  const count = panel.series.reduce((n, s) => n + s.data.length, 0);
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3" aria-label={`metrics ${panel.name}`} data-points={count}>
      <figcaption className="mb-1 flex flex-col gap-0.5 text-sm">
        <span className="font-medium">{panel.name}</span>
        <span className="flex flex-wrap gap-x-3 text-xs text-slate-600">
          {panel.series.map((s, j) => {
            const last = s.data[s.data.length - 1];
            return (
              <span key={s.name} data-testid={`latest-${s.name}`} data-points={s.data.length} title={`step ${last.x}`}>
                <span aria-hidden className="mr-1 inline-block h-2 w-2 rounded-full" style={{ backgroundColor: COLOURS[j % COLOURS.length] }} />
                <span className="font-mono">{s.name}</span> {formatValue(last.y)}
              </span>
            );
          })}
        </span>
      </figcaption>
      <div className="h-52">
        <Line
          options={OPTIONS_LEGEND}
          data={{
            datasets: panel.series.map((s, j) => {
              const c = COLOURS[j % COLOURS.length];
              const isEval = isEvalMetric(s.name);
              // Evaluations are sparse: mark each one.
              return {
                label: s.name,
                data: s.data,
                borderColor: c,
                backgroundColor: c,
                pointRadius: isEval || s.data.length === 1 ? 2.5 : 0,
                borderDash: isEval ? [4, 3] : undefined,
              };
            }),
          }}
        />
      </div>
    </figure>
  );
}

/** One metric, with its `eval_` counterpart when there is one. */
function MetricFigure({ panel, colour }: { panel: Panel; colour: string }) {
  const { name, series } = panel;
  const count = series.reduce((n, s) => n + s.data.length, 0);
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3" aria-label={`metric ${name}`} data-points={count}>
      <figcaption className="mb-1 flex flex-wrap justify-between gap-x-3 text-sm">
        <span className="font-mono">{name}</span>
        <span className="text-slate-600">
          {series.map((s) => {
            const last = s.data[s.data.length - 1];
            return (
              <span key={s.name} className="ml-2" data-testid={`latest-${s.name}`} data-points={s.data.length}>
                {series.length > 1 ? `${s.name.startsWith(EVAL_PREFIX) ? "eval" : "train"} ` : ""}step {last.x}: {formatValue(last.y)}
              </span>
            );
          })}
        </span>
      </figcaption>
      <div className={series.length > 1 ? "h-48" : "h-40"}>
        <Line
          options={series.length > 1 ? OPTIONS_LEGEND : OPTIONS}
          data={{
            datasets: series.map((s) => {
              const isEval = s.name.startsWith(EVAL_PREFIX) && series.length > 1;
              const c = isEval ? EVAL_COLOUR : colour;
              // Evaluations are sparse: mark each one.
              return {
                label: s.name,
                data: s.data,
                borderColor: c,
                backgroundColor: c,
                pointRadius: isEval || s.data.length === 1 ? 2.5 : 0,
                borderDash: isEval ? [4, 3] : undefined,
              };
            }),
          }}
        />
      </div>
    </figure>
  );
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
}
