// A project's progress against R: completed / started / untouched tasks as one bar with figures.
import type { Progress } from "@/lib/labeling/stats";

export function ProgressBar({ progress, redundancy }: { progress: Progress; redundancy: number }) {
  const { tasks, completedTasks, startedTasks, rankings } = progress;
  const pct = (n: number) => (tasks === 0 ? 0 : (100 * n) / tasks);
  return (
    <div className="min-w-48" data-testid="progress">
      <div className="flex h-2 overflow-hidden rounded bg-slate-200" aria-hidden>
        <div className="bg-emerald-500" style={{ width: `${pct(completedTasks)}%` }} />
        <div className="bg-amber-300" style={{ width: `${pct(startedTasks - completedTasks)}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-600">
        {completedTasks}/{tasks} tasks complete (≥ {redundancy} rankings) · {startedTasks} started · {rankings} rankings
      </p>
    </div>
  );
}
