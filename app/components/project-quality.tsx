// Per-annotator counts and pairwise agreement of a project, as tables (admin and research).
import type { ProjectStats } from "@/lib/labeling/project-stats";
import { DataTable } from "./data-table";
import { QualityLabelsSummary } from "./quality-labels-summary";

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
        <Figure
          label="Agreement"
          value={percent(agreement.overall.rate)}
          hint={`${agreement.overall.agreed}/${agreement.overall.total} pairs on ${agreement.overall.sharedTasks} shared tasks`}
        />
      </dl>
      <DataTable
        testId="annotator-table"
        caption="Annotators"
        headers={["Annotator", "Rankings", "Tasks", "None acceptable", "Skips", "Median time", "Agreement with others"]}
        isEmpty={annotators.length === 0}
        empty="No rankings yet."
      >
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
      </DataTable>
      {agreement.pairs.length > 0 && (
        <DataTable
          testId="agreement-table"
          caption="Pairwise agreement on shared tasks"
          headers={["Annotators", "Shared tasks", "Agreeing pairs", "Agreement"]}
        >
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
        </DataTable>
      )}
      <p className="text-xs text-slate-500">
        Agreement: over every pair of completions two annotators both ranked, the share they order the same way (better, worse or tied). Without ties it equals
        (1 + Kendall&apos;s τ) / 2.
      </p>
      <QualityLabelsSummary projectId={stats.project.id} />
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
