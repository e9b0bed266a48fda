// A list of jobs: id, kind, project, status, progress, latest message, created.
import Link from "next/link";
import type { JobView } from "@/lib/jobs/views";
import { DataTable } from "./data-table";
import { formatTime, JobProgressBar, JobStatusBadge } from "./job-status-badge";

export function JobTable({ jobs }: { jobs: readonly JobView[] }) {
  return (
    <DataTable
      testId="job-table"
      headers={["Job", "Kind", "Project", "Status", "Progress", "Message", "Created"]}
      isEmpty={jobs.length === 0}
      empty="No jobs yet."
    >
      {jobs.map((job) => (
        <tr key={job.id} className="border-t border-slate-100" data-testid={`job-${job.id}`}>
          <td className="py-2 pr-3">
            <Link href={`/research/jobs/${job.id}`} className="font-medium text-indigo-700 underline">
              #{job.id}
            </Link>
          </td>
          <td className="pr-3">{job.title}</td>
          <td className="pr-3">
            {job.projectId === null ? (
              "—"
            ) : (
              <Link href={`/research/projects/${job.projectId}`} className="text-indigo-700 underline">
                {job.projectName ?? `#${job.projectId}`}
              </Link>
            )}
          </td>
          <td className="pr-3">
            <JobStatusBadge status={job.status} cancelling={job.cancelRequested} />
          </td>
          <td className="pr-3">
            <JobProgressBar progress={job.progress} status={job.status} />
          </td>
          <td className="max-w-md truncate pr-3" title={job.error ?? job.message ?? ""}>
            {job.status === "failed" ? job.error : job.message}
          </td>
          <td className="whitespace-nowrap pr-3">{formatTime(job.createdAt)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
