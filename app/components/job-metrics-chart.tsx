"use client";

// A job's metrics as live line charts, one per metric name (loss, accuracy, objective/kl, …),
// value over step. Generic: generation, reward-model training and PPO jobs all log points
// {step, name, value}; the page appends new points as it polls.
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

const OPTIONS: ChartOptions<"line"> = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  parsing: false,
  normalized: true,
  plugins: { legend: { display: false }, tooltip: { mode: "nearest", intersect: false } },
  scales: {
    x: { type: "linear", title: { display: true, text: "step" } },
    y: { type: "linear" },
  },
  elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
};

export function JobMetricsChart({ points }: { points: readonly MetricPoint[] }) {
  const series = useMemo(() => {
    const byName = new Map<string, { x: number; y: number }[]>();
    for (const p of points) {
      let list = byName.get(p.name);
      if (!list) byName.set(p.name, (list = []));
      list.push({ x: p.step, y: p.value });
    }
    return [...byName].map(([name, data]) => ({ name, data: data.sort((a, b) => a.x - b.x) }));
  }, [points]);
  if (series.length === 0) return null;
  return (
    <div className="grid gap-4 sm:grid-cols-2" data-testid="job-metrics">
      {series.map(({ name, data }, i) => {
        const last = data[data.length - 1];
        return (
          <figure key={name} className="rounded-lg border border-slate-200 bg-white p-3" aria-label={`metric ${name}`}>
            <figcaption className="mb-1 flex justify-between text-sm">
              <span className="font-mono">{name}</span>
              <span className="text-slate-600">
                step {last.x}: {formatValue(last.y)}
              </span>
            </figcaption>
            <div className="h-40">
              <Line
                options={OPTIONS}
                data={{ datasets: [{ label: name, data, borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length] }] }}
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
