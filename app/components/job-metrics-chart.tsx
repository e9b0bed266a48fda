"use client";

// A job's metrics as live line charts, value over step. Generic: generation, reward-model
// training and PPO jobs all log points {step, name, value}; the page appends new points as it
// polls. A metric and its held-out counterpart (`loss` and `eval_loss`) share one chart, so a
// researcher reads train against eval at a glance; loss, accuracy and margin come first.
import { CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip, type ChartOptions } from "chart.js";
import { useMemo } from "react";
import { Line } from "react-chartjs-2";

ChartJS.register(LinearScale, CategoryScale, PointElement, LineElement, Tooltip, Legend);

export interface MetricPoint {
  step: number;
  name: string;
  value: number;
}

const COLOURS = ["#4f46e5", "#059669", "#d97706", "#dc2626", "#0891b2", "#7c3aed", "#db2777", "#65a30d"];
const EVAL_COLOUR = "#1e293b";
const EVAL_PREFIX = "eval_";
/** Shown first, in this order (TRL's names); the rest follow in the order they first appear. */
const FIRST = ["loss", "accuracy", "margin", "objective/rlhf_reward", "objective/kl"];

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
interface Panel {
  /** The train metric's name (or the eval metric's, when it has no train counterpart). */
  name: string;
  series: Series[];
}

/** Metric names grouped into panels: `x` with `eval_x` when both exist. */
export function metricPanels(points: readonly MetricPoint[]): Panel[] {
  const byName = new Map<string, { x: number; y: number }[]>();
  for (const p of points) {
    let list = byName.get(p.name);
    if (!list) byName.set(p.name, (list = []));
    list.push({ x: p.step, y: p.value });
  }
  for (const list of byName.values()) list.sort((a, b) => a.x - b.x);
  const panels: Panel[] = [];
  for (const [name, data] of byName) {
    if (name.startsWith(EVAL_PREFIX) && byName.has(name.slice(EVAL_PREFIX.length))) continue;
    const series: Series[] = [{ name, data }];
    const evalData = byName.get(EVAL_PREFIX + name);
    if (evalData) series.push({ name: EVAL_PREFIX + name, data: evalData });
    panels.push({ name, series });
  }
  const rank = (n: string) => {
    const i = FIRST.indexOf(n);
    return i === -1 ? FIRST.length : i;
  };
  return panels.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p.name) - rank(b.p.name) || a.i - b.i).map(({ p }) => p);
}

export function JobMetricsChart({ points }: { points: readonly MetricPoint[] }) {
  const panels = useMemo(() => metricPanels(points), [points]);
  if (panels.length === 0) return null;
  return (
    <div className="grid gap-4 sm:grid-cols-2" data-testid="job-metrics">
      {panels.map(({ name, series }, i) => {
        const colour = COLOURS[i % COLOURS.length];
        const count = series.reduce((n, s) => n + s.data.length, 0);
        return (
          <figure key={name} className="rounded-lg border border-slate-200 bg-white p-3" aria-label={`metric ${name}`} data-points={count}>
            <figcaption className="mb-1 flex flex-wrap justify-between gap-x-3 text-sm">
              <span className="font-mono">{name}</span>
              <span className="text-slate-600">
                {series.map((s) => {
                  const last = s.data[s.data.length - 1];
                  return (
                    <span key={s.name} className="ml-2" data-testid={`latest-${s.name}`}>
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
                    return { label: s.name, data: s.data, borderColor: c, backgroundColor: c, pointRadius: isEval || s.data.length === 1 ? 2.5 : 0, borderDash: isEval ? [4, 3] : undefined };
                  }),
                }}
              />
            </div>
          </figure>
        );
      })}
    </div>
  );
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
}
