// A page of a project's tasks with their counts (rankings, annotator agreement, flags, "none
// acceptable", of which edited, open assignments, skips) and round, linking each to a detail
// page, with paging links (`pageHref`: a base to add `offset=` to, or a function of the offset).
import Link from "next/link";
import type { ReactNode } from "react";
import type { TaskPage, TaskRow } from "@/lib/labeling/browse";
import { DataTable } from "./data-table";

const HEADERS = ["Task", "Prompt", "Round", "Completions", "Rankings", "Agreement", "Flags", "None acceptable", "Edited", "Open", "Skips"];

function agreementText({ agreement }: TaskRow): string {
  return agreement.rate === null ? "—" : `${Math.round(agreement.rate * 100)}%`;
}

export function TaskTable({
  page,
  taskHref,
  pageHref,
  empty = "No tasks yet.",
}: {
  page: TaskPage;
  taskHref?: string;
  pageHref: string | ((offset: number) => string);
  empty?: ReactNode;
}) {
  const { total, offset, limit, tasks } = page;
  const href = typeof pageHref === "function" ? pageHref : (to: number) => `${pageHref}${pageHref.includes("?") ? "&" : "?"}offset=${to}`;
  return (
    <DataTable
      testId="task-table"
      headers={HEADERS}
      isEmpty={tasks.length === 0}
      empty={empty}
      footer={
        <p className="mt-2 flex gap-3 text-sm text-slate-600" data-testid="task-paging">
          <span>
            {tasks.length === 0 ? 0 : offset + 1}–{offset + tasks.length} of {total}
          </span>
          {offset > 0 && (
            <Link className="text-indigo-700 underline" href={href(Math.max(0, Math.min(offset - limit, total - limit)))}>
              Previous
            </Link>
          )}
          {offset + limit < total && (
            <Link className="text-indigo-700 underline" href={href(offset + limit)}>
              Next
            </Link>
          )}
        </p>
      }
    >
      {tasks.map((t) => (
        <tr key={t.id} className="border-t border-slate-100" data-testid="task-row" data-task-id={t.id}>
          <td className="py-1 pr-3">
            {taskHref ? (
              <Link className="text-indigo-700 underline" href={`${taskHref}${t.id}`}>
                #{t.id}
              </Link>
            ) : (
              `#${t.id}`
            )}
          </td>
          <td
            className="max-w-md truncate pr-3"
            title={t.models.length > 0 ? `${t.preview}\n\nmodels: ${t.models.map((m) => m ?? "(imported)").join(", ")}` : t.preview}
          >
            {t.preview}
          </td>
          <td className="pr-3">{t.round}</td>
          <td className="pr-3">{t.completions}</td>
          <td className="pr-3" data-testid="task-rankings">
            {t.rankings}
          </td>
          <td
            className="pr-3"
            data-testid="task-agreement"
            title={t.agreement.rate === null ? "fewer than two annotators' rankings" : `${t.agreement.agreed} of ${t.agreement.total} completion pairs agree`}
          >
            {agreementText(t)}
          </td>
          <td className="pr-3" data-testid="task-flags">
            {t.flags}
          </td>
          <td className="pr-3" data-testid="task-none-acceptable">
            {t.noneAcceptable}
          </td>
          <td className="pr-3" data-testid="task-edited" title="rankings changed after submission (earlier versions on the task page)">
            {t.edited}
          </td>
          <td className="pr-3">{t.activeAssignments}</td>
          <td className="pr-3">{t.skips}</td>
        </tr>
      ))}
    </DataTable>
  );
}
