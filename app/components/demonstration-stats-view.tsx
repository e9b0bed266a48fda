// The demonstrations section of a project's statistics (admin and research project pages): counts by
// state, answer lengths, prompts covered, and a row per annotator (lib/demonstrations/demonstration-stats.ts).
import type { DemonstrationStats } from "@/lib/demonstrations/demonstration-stats";
import { DataTable } from "./data-table";

const chars = (x: number | null) => (x === null ? "—" : `${Math.round(x).toLocaleString("en-US")} chars`);

export function DemonstrationStatsView({ stats }: { stats: DemonstrationStats }) {
  const { counts, length, prompts, annotators } = stats;
  return (
    <div className="flex flex-col gap-4" data-testid="demonstration-stats">
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4 lg:grid-cols-7">
        <Figure label="Drafts" value={counts.draft} testId="demonstrations-draft" />
        <Figure label="Awaiting review" value={counts.pending} testId="demonstrations-pending" />
        <Figure label="Accepted" value={counts.accepted} testId="demonstrations-accepted" />
        <Figure label="Rejected" value={counts.rejected} testId="demonstrations-rejected" />
        <Figure
          label="Prompts with an accepted one"
          value={`${prompts.withAccepted} / ${prompts.total}`}
          hint={`${prompts.withUsable} with a submitted one not rejected`}
          testId="demonstrations-prompts"
        />
        <Figure label="Median length" value={chars(length.median)} testId="demonstrations-median-length" />
        <Figure label="90th percentile length" value={chars(length.p90)} testId="demonstrations-p90-length" />
      </dl>
      {counts.imported > 0 && (
        <p className="text-xs text-slate-500">
          {counts.imported} of the {counts.submitted} submitted demonstrations were imported from a file, not written here.
        </p>
      )}
      <DataTable
        testId="demonstration-annotator-table"
        caption="Demonstrations per annotator"
        headers={["Annotator", "Submitted", "Accepted", "Rejected", "Awaiting review", "Drafts"]}
        isEmpty={annotators.length === 0}
        empty="No demonstrations yet."
      >
        {annotators.map((a) => (
          <tr key={a.userId} className="border-t border-slate-100">
            <td className="py-1 pr-3">{a.email}</td>
            <td className="pr-3">{a.submitted}</td>
            <td className="pr-3">{a.accepted}</td>
            <td className="pr-3">{a.rejected}</td>
            <td className="pr-3">{a.pending}</td>
            <td className="pr-3">{a.draft}</td>
          </tr>
        ))}
      </DataTable>
      <p className="text-xs text-slate-500">
        Lengths are over submitted answers, in characters. Whether an answer began as a model completion is not recorded, so none is told apart from one written
        from scratch.
      </p>
    </div>
  );
}

function Figure({ label, value, hint, testId }: { label: string; value: string | number; hint?: string; testId: string }) {
  return (
    <div className="rounded border border-slate-200 bg-white p-2" title={hint} data-testid={testId}>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold">{value}</dd>
      {hint && <dd className="text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}
