// A page of a project's tasks with their counts (rankings, of which edited, open assignments, skips), linking each to a detail page, with paging links.
import Link from "next/link";
import type { TaskPage } from "@/lib/labeling/browse";
import { DataTable } from "./data-table";

export function TaskTable({ page, taskHref, pageHref }: { page: TaskPage; taskHref?: string; pageHref: string }) {
  const { total, offset, limit, tasks } = page;
  const sep = pageHref.includes("?") ? "&" : "?";
  return (
    <DataTable
      testId="task-table"
      headers={["Task", "Prompt", "Turns", "Completions", "Rankings", "Edited", "Open", "Skips"]}
      isEmpty={tasks.length === 0}
      empty="No tasks yet."
      footer={
        <p className="mt-2 flex gap-3 text-sm text-slate-600">
          <span>
            {total === 0 ? 0 : offset + 1}–{Math.min(offset + limit, total)} of {total}
          </span>
          {offset > 0 && (
            <Link className="text-indigo-700 underline" href={`${pageHref}${sep}offset=${Math.max(0, offset - limit)}`}>
              Previous
            </Link>
          )}
          {offset + limit < total && (
            <Link className="text-indigo-700 underline" href={`${pageHref}${sep}offset=${offset + limit}`}>
              Next
            </Link>
          )}
        </p>
      }
    >
      {tasks.map((t) => (
        <tr key={t.id} className="border-t border-slate-100">
          <td className="py-1 pr-3">
            {taskHref ? (
              <Link className="text-indigo-700 underline" href={`${taskHref}${t.id}`}>
                #{t.id}
              </Link>
            ) : (
              `#${t.id}`
            )}
          </td>
          <td className="max-w-xl truncate pr-3" title={t.preview}>
            {t.preview}
          </td>
          <td className="pr-3">{t.turns}</td>
          <td className="pr-3">{t.completions}</td>
          <td className="pr-3" data-testid="task-rankings">
            {t.rankings}
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
