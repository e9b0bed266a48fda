// The app's list table: a horizontally scrolling, full-width table with a grey header row and, when
// there are no rows, a full-width note. Callers pass the header cells and render their own body rows.
// No hooks, so it serves server and client components alike.
import type { ReactNode } from "react";

export function DataTable({
  headers,
  children,
  empty,
  isEmpty = false,
  testId,
  caption,
  footer,
}: {
  /** One header cell each; null for an empty one. The empty note spans them all. */
  headers: readonly ReactNode[];
  /** The body rows. */
  children?: ReactNode;
  /** Shown in a full-width row when `isEmpty`. */
  empty?: ReactNode;
  isEmpty?: boolean;
  testId?: string;
  caption?: ReactNode;
  /** Rendered after the table, inside the scrolling wrapper (e.g. paging links). */
  footer?: ReactNode;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid={testId}>
        {caption !== undefined && <caption className="mb-1 text-left font-medium">{caption}</caption>}
        <thead className="text-slate-500">
          <tr>
            {headers.map((header, i) => (
              <th key={i} className={i === 0 ? "py-1 pr-3" : "pr-3"}>
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {isEmpty && empty !== undefined && (
            <tr>
              <td colSpan={headers.length} className="py-2 text-slate-500">
                {empty}
              </td>
            </tr>
          )}
          {children}
        </tbody>
      </table>
      {footer}
    </div>
  );
}
