// A project's task list for staff: the filter form, a notice naming the URL parameters that were
// ignored, how many tasks match, and the table of the matching page with paging links that keep
// the query. The state is the URL's (parseTaskQuery on the page), so links to it are shareable.
import Link from "next/link";
import type { FieldIssue } from "@/lib/http";
import type { TaskPage } from "@/lib/labeling/browse";
import { isFiltered, taskQueryHref, type TaskQuery } from "@/lib/labeling/task-filter";
import type { TaskFilterOptions } from "@/lib/labeling/task-filter-query";
import { TaskFilters } from "./task-filters";
import { TaskTable } from "./task-table";

export function TaskList({
  page,
  query,
  issues,
  options,
  path,
  taskHref,
}: {
  page: TaskPage;
  query: TaskQuery;
  issues: FieldIssue[];
  options: TaskFilterOptions;
  /** The page the list is on (its query parameters are the list's). */
  path: string;
  taskHref?: string;
}) {
  const filtered = isFiltered(query);
  const pastTheEnd = page.tasks.length === 0 && page.total > 0;
  return (
    <div className="flex flex-col gap-3">
      <TaskFilters query={query} path={path} models={options.models} rounds={options.rounds} />
      {issues.length > 0 && (
        <p role="status" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="task-filter-notice">
          Ignored in the address:{" "}
          {issues.map((i, n) => (
            <span key={i.field}>
              {n > 0 && "; "}
              <code>{i.field}</code> {i.message}
            </span>
          ))}
          .
        </p>
      )}
      <p className="text-sm text-slate-600" data-testid="task-count">
        {filtered ? `${page.total} of ${page.projectTotal} tasks match.` : `${page.projectTotal} tasks.`}
      </p>
      <TaskTable
        page={page}
        taskHref={taskHref}
        pageHref={(offset) => `${taskQueryHref(path, query, { offset })}#tasks`}
        empty={
          pastTheEnd ? (
            <>
              No tasks this far into the list.{" "}
              <Link href={`${taskQueryHref(path, query, { offset: undefined })}#tasks`} className="text-indigo-700 underline">
                First page
              </Link>
            </>
          ) : filtered ? (
            "No tasks match these filters."
          ) : undefined
        }
      />
    </div>
  );
}
