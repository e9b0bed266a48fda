// The annotator × annotator heat map: each cell is the mean Kendall's τ-b of the two annotators'
// rankings over the tasks both ranked (green for agreement, red for opposite orders, white near
// 0 or nothing shared); the title of a cell gives the value and the shared-task count.
import type { ProjectAgreement } from "@/lib/quality/project-agreement";
import { fixed } from "./estimate";

/** A background for τ-b in [−1, 1]: white at 0, deeper green towards 1, deeper red towards −1. */
export function tauColor(tau: number | null): string {
  if (tau === null) return "rgb(241 245 249)";
  const t = Math.max(-1, Math.min(1, tau));
  return t >= 0 ? `hsl(142 60% ${Math.round(97 - 50 * t)}%)` : `hsl(0 75% ${Math.round(97 + 40 * t)}%)`;
}

export function AgreementHeatMap({ report }: { report: ProjectAgreement }) {
  const { userIds, meanTauB, sharedTasks } = report.matrix;
  const email = new Map(report.annotators.map((a) => [a.userId, a.email]));
  if (userIds.length < 2) return null;
  return (
    <section className="flex flex-col gap-2" aria-label="Annotator heat map">
      <h2 className="text-lg font-medium">Annotator × annotator</h2>
      <p className="text-sm text-slate-600">Mean Kendall&apos;s τ-b over the tasks both ranked; hover a cell for the number of shared tasks.</p>
      <div className="overflow-x-auto">
        <table className="border-collapse text-xs" data-testid="agreement-heat-map">
          <thead>
            <tr>
              <th />
              {userIds.map((id) => (
                <th key={id} className="max-w-24 truncate px-1 py-1 font-normal text-slate-500" title={email.get(id)}>
                  {email.get(id)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {userIds.map((rowId, i) => (
              <tr key={rowId} data-testid={`heat-map-row-${email.get(rowId)}`}>
                <th className="pr-2 text-right font-normal text-slate-500">{email.get(rowId)}</th>
                {userIds.map((colId, j) => {
                  const tau = meanTauB[i][j];
                  const title =
                    i === j
                      ? `${email.get(rowId)}: ${sharedTasks[i][j]} tasks ranked`
                      : `${email.get(rowId)} · ${email.get(colId)}: mean τ-b ${fixed(tau, 3)} on ${sharedTasks[i][j]} shared tasks`;
                  return (
                    <td
                      key={colId}
                      title={title}
                      data-value={tau ?? ""}
                      className="h-9 w-16 border border-white text-center font-mono"
                      style={{ backgroundColor: i === j ? "rgb(226 232 240)" : tauColor(tau) }}
                    >
                      {i === j ? "" : fixed(tau, 2)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
