"use client";

// The leaderboard as a chart: one row per model, best at the top; a floating bar spans the 95%
// bootstrap interval of its Elo rating and a dot marks the rating itself.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
} from "chart.js";
import { Chart } from "react-chartjs-2";

ChartJS.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip);

export interface LeaderboardPoint {
  model: string;
  rating: number;
  lower: number | null;
  upper: number | null;
}

const OPTIONS: ChartOptions<"bar"> = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  indexAxis: "y",
  plugins: { legend: { display: false }, tooltip: { mode: "index", intersect: false } },
  scales: { x: { type: "linear", beginAtZero: false, grace: "10%", title: { display: true, text: "Elo rating (mean 1000)" } }, y: { type: "category" } },
};

export function LeaderboardChart({ models }: { models: readonly LeaderboardPoint[] }) {
  const data: ChartData<"bar" | "line", (number | [number, number] | null)[], string> = {
    labels: models.map((m) => m.model),
    datasets: [
      {
        type: "bar",
        label: "95% interval",
        data: models.map((m) => (m.lower === null || m.upper === null ? null : [m.lower, m.upper])),
        backgroundColor: "rgba(79, 70, 229, 0.25)",
        borderColor: "#4f46e5",
        borderWidth: 1,
        barPercentage: 0.5,
      },
      {
        type: "line",
        label: "Elo",
        data: models.map((m) => m.rating),
        showLine: false,
        pointRadius: 5,
        pointBackgroundColor: "#1e293b",
        pointBorderColor: "#1e293b",
      },
    ],
  };
  return (
    <figure className="w-full max-w-3xl" style={{ height: `${Math.max(8, 3 + models.length * 2.5)}rem` }} data-testid="leaderboard-chart">
      <Chart type="bar" data={data as ChartData<"bar">} options={OPTIONS} aria-label="Elo ratings with their 95% intervals" />
    </figure>
  );
}
