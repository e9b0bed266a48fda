// A project's review queue (lib/quality/review-rule.ts): open tasks first, lowest agreement first.
// A demonstration project's page lists its demonstrations to accept or reject instead.
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { REVIEWER } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { getProject } from "@/lib/projects";
import { reviewQueueFrom, reviewStateCounts } from "@/lib/quality/review-store";
import { reviewCandidatesStatistic } from "@/lib/stats/project-statistics";
import { DataTable } from "@/app/components/data-table";
import { servedStatistic } from "@/app/components/served-statistics";
import { StatisticsAge } from "@/app/components/statistics-age";
import { DemonstrationReview } from "./demonstration-review";

export const dynamic = "force-dynamic";

const REASON: Record<string, string> = { low_agreement: "low agreement", flagged: "flagged", none_acceptable: "none acceptable" };

/** The queue shows this many rows (open ones first): a large project's may hold tens of thousands. */
const SHOWN = 500;

export default async function ReviewQueuePage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId: raw } = await params;
  const user = await requirePageRole(REVIEWER, `/review/${raw}`);
  const id = parseId(raw);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (!project) notFound();
  if (project.mode === "demonstration")
    return (
      <div className="flex flex-col gap-4">
        <p className="text-sm">
          <Link href="/review" className="text-indigo-700 underline">
            Review
          </Link>{" "}
          / {project.name}
        </p>
        <h1 className="text-xl font-semibold">Demonstrations · {project.name}</h1>
        <DemonstrationReview projectId={project.id} />
      </div>
    );
  // A large project's candidates come from the statistics cache; the reviewers' decisions are read live.
  const served = servedStatistic(project.id, reviewCandidatesStatistic);
  const queue = served?.value ? reviewQueueFrom(db, project, served.value) : [];
  const counts = reviewStateCounts(queue);
  const shown = queue.slice(0, SHOWN);
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">
        <Link href="/review" className="text-indigo-700 underline">
          Review
        </Link>{" "}
        / {project.name}
      </p>
      <h1 className="text-xl font-semibold">Review queue · {project.name}</h1>
      <p className="text-sm text-slate-600">
        A task is here when its rankings agree less than {project.reviewAgreementThreshold} on average (share of completion pairs two rankings relate the same
        way), when a ranking flagged a completion, or when one said none is acceptable.
      </p>
      {served && <StatisticsAge served={served} linkJob={user.role !== "reviewer"} />}
      <p className="text-sm text-slate-700" data-testid="review-counts">
        {counts.open} to review · {counts.waiting} waiting for rankings · {counts.reviewed} reviewed
        {queue.length > SHOWN && <> · showing the first {SHOWN}</>}
      </p>
      <DataTable
        testId="review-queue"
        headers={["Task", "Prompt", "State", "Rankings", "Agreement", "Why", "Last decision"]}
        isEmpty={queue.length === 0}
        empty={served?.value ? "Nothing to review." : "The queue is being computed: reload in a moment."}
      >
        {shown.map((t) => (
          <tr
            key={t.taskId}
            className="border-t border-slate-100 align-top [&>td]:py-1.5"
            data-testid="review-row"
            data-task-id={t.taskId}
            data-state={t.state}
          >
            <td className="pr-3">
              <Link href={`/review/${project.id}/${t.taskId}`} className="text-indigo-700 underline">
                #{t.taskId}
              </Link>
            </td>
            <td className="max-w-md pr-3">{t.prompt}</td>
            <td className="pr-3">{t.state === "waiting" ? `waiting for rankings` : t.state}</td>
            <td className="pr-3">
              {t.rankings} / {t.required}
            </td>
            <td className="pr-3 font-mono">{t.agreement === null ? "—" : t.agreement.toFixed(2)}</td>
            <td className="pr-3">{t.reasons.map((r) => REASON[r]).join(", ") || "—"}</td>
            <td className="pr-3 text-slate-600">
              {t.lastAction ? `${t.lastAction.action === "final" ? "final ranking" : "sent back"} by ${t.lastAction.reviewerEmail}` : "—"}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
