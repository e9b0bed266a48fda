// Each annotator against the rest: the mean τ-b of their rankings against every other
// annotator's ranking of the same task, with its interval, and ordinal α without them (above
// the project's α: leaving them out raises agreement). Lowest agreement first.
import type { ProjectAgreement } from "@/lib/quality/project-agreement";
import { DataTable } from "@/app/components/data-table";
import { EstimateText, fixed3 } from "./estimate";

export function AnnotatorAgreementTable({ report }: { report: ProjectAgreement }) {
  const overall = report.alpha.ordinal.value;
  const rows = [...report.annotators].sort((a, b) => (a.agreement.value ?? Infinity) - (b.agreement.value ?? Infinity) || a.email.localeCompare(b.email));
  return (
    <section className="flex flex-col gap-2" aria-label="Annotators against the rest">
      <h2 className="text-lg font-medium">Annotators against the rest</h2>
      <DataTable
        testId="annotator-agreement"
        headers={["Annotator", "Rankings", "Shared tasks", "Mean τ-b vs the rest (95% interval)", "Comparisons", "α ordinal without them"]}
        isEmpty={rows.length === 0}
        empty="No rankings yet."
      >
        {rows.map((a) => {
          const raises = overall !== null && a.alphaOrdinalWithout !== null && a.alphaOrdinalWithout > overall;
          return (
            <tr key={a.userId} className="border-t border-slate-100 [&>td]:py-1.5" data-testid={`annotator-agreement-${a.email}`}>
              <td className="pr-3" title={a.name}>
                {a.email}
              </td>
              <td className="pr-3">{a.rankings}</td>
              <td className="pr-3">{a.sharedTasks}</td>
              <td className="pr-3">
                <EstimateText estimate={a.agreement} />
              </td>
              <td className="pr-3">{a.comparisons}</td>
              <td className={`pr-3 font-mono ${raises ? "text-red-700" : ""}`} title={raises ? "α is higher without this annotator's rankings" : undefined}>
                {fixed3(a.alphaOrdinalWithout)}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </section>
  );
}
