// Per-annotator counts and pairwise agreement of a project, as tables (admin and research).
import type { ProjectStats } from "@/lib/labeling/project-stats";

const percent = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);
const seconds = (x: number | null) => (x === null ? "—" : `${x.toFixed(0)} s`);

export function ProjectQuality({ stats }: { stats: ProjectStats }) {
  const { agreement, annotators, progress } = stats;
  return (
    <div className="flex flex-col gap-4" data-testid="project-quality">
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-5">
        <Figure label="Tasks" value={progress.tasks} />
        <Figure label="Rankings" value={progress.rankings} />
        <Figure label="Comparisons" value={stats.comparisons} />
        <Figure label="Open assignments" value={stats.activeAssignments} />
        <Figure label="Agreement" value={percent(agreement.overall.rate)} hint={`${agreement.overall.agreed}/${agreement.overall.total} pairs on ${agreement.overall.sharedTasks} shared tasks`} />
      </dl>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="annotator-table">
          <caption className="mb-1 text-left font-medium">Annotators</caption>
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 pr-3">Annotator</th>
              <th className="pr-3">Rankings</th>
              <th className="pr-3">Tasks</th>
              <th className="pr-3">None acceptable</th>
              <th className="pr-3">Skips</th>
              <th className="pr-3">Median time</th>
              <th className="pr-3">Agreement with others</th>
            </tr>
          </thead>
          <tbody>
            {annotators.length === 0 && (
              <tr>
                <td colSpan={7} className="py-2 text-slate-500">
                  No rankings yet.
                </td>
              </tr>
            )}
            {annotators.map((a) => (
              <tr key={a.userId} className="border-t border-slate-100">
                <td className="py-1 pr-3">{a.email}</td>
                <td className="pr-3">{a.rankings}</td>
                <td className="pr-3">{a.tasks}</td>
                <td className="pr-3">{a.noneAcceptable}</td>
                <td className="pr-3">{a.skips}</td>
                <td className="pr-3">{seconds(a.medianSeconds)}</td>
                <td className="pr-3">
                  {percent(a.agreement)} <span className="text-slate-400">({a.agreementPairs} pairs)</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {agreement.pairs.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="agreement-table">
            <caption className="mb-1 text-left font-medium">Pairwise agreement on shared tasks</caption>
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 pr-3">Annotators</th>
                <th className="pr-3">Shared tasks</th>
                <th className="pr-3">Agreeing pairs</th>
                <th className="pr-3">Agreement</th>
              </tr>
            </thead>
            <tbody>
              {agreement.pairs.map((p) => (
                <tr key={`${p.userA}:${p.userB}`} className="border-t border-slate-100">
                  <td className="py-1 pr-3">
                    {p.emailA} · {p.emailB}
                  </td>
                  <td className="pr-3">{p.sharedTasks}</td>
                  <td className="pr-3">
                    {p.agreed}/{p.total}
                  </td>
                  <td className="pr-3">{percent(p.rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="text-xs text-slate-500">
        Agreement: over every pair of completions two annotators both ranked, the share they order the same way (better, worse or tied).
        Without ties it equals (1 + Kendall&apos;s τ) / 2.
      </p>
    </div>
  );
}

function Figure({ label, value, hint }: { label: string; value: string | number; hint?: string }) {
  return (
    <div className="rounded border border-slate-200 bg-white p-2" title={hint}>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold">{value}</dd>
      {hint && <dd className="text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}
