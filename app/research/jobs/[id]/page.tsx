import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { getJobDetail, mayCancelJob } from "@/lib/jobs/views";
import { jobDownload } from "@/lib/jobs/job-download";
import { dataDir } from "@/lib/datasets/snapshot-store";
import { modelOfJob } from "@/lib/models/registry";
import { PPO_JOB_KIND } from "@/lib/ppo/job-params";
import { GRPO_JOB_KIND } from "@/lib/grpo/job-params";
import { DPO_JOB_KIND } from "@/lib/dpo/job-params";
import { GENERATE_JOB_KIND } from "@/lib/generation/job-params";
import { bestOfNJobModels, headToHeadJobModels, nextRoundSource, ppoJobModels } from "@/lib/ppo/views";
import { BEST_OF_N_JOB_KIND } from "@/lib/best-of-n/job-params";
import { JobLive } from "@/app/components/job-live";
import { StartNextRound } from "@/app/components/start-next-round";
import { RewardJobSummary } from "@/app/components/reward-job-summary";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function JobPage({ params }: Props) {
  const { id: rawId } = await params;
  const user = await requirePageRole(STAFF, `/research/jobs/${rawId}`);
  const id = parseId(rawId);
  const db = getDb();
  const detail = id === undefined ? undefined : getJobDetail(db, id);
  if (!detail) notFound();
  const { job } = detail;
  const produced = job.status === "succeeded" ? modelOfJob(db, job.id) : undefined;
  // The models the parameters name, where a kind names more than one.
  const models =
    job.kind === PPO_JOB_KIND || job.kind === GRPO_JOB_KIND || job.kind === DPO_JOB_KIND
      ? ppoJobModels(db, job.params)
      : job.kind === BEST_OF_N_JOB_KIND
        ? bestOfNJobModels(db, job.params)
        : job.kind === GENERATE_JOB_KIND
          ? (headToHeadJobModels(db, job.params) ?? undefined)
          : undefined;
  // A PPO run's policy can start the project's next round.
  const nextRound = produced && job.kind === PPO_JOB_KIND ? nextRoundSource(db, produced) : null;
  // The file a finished job produced (a best-of-n run's kept answers), to download.
  const download = jobDownload(dataDir(), job);
  const projectHref = job.projectId === null ? null : user.role === "admin" ? `/admin/projects/${job.projectId}` : `/research/projects/${job.projectId}`;
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/research/jobs" className="text-sm text-indigo-700 underline">
          ← Jobs
        </Link>
        <h1 className="text-xl font-semibold" data-testid="job-title">
          {`Job #${job.id}: ${job.title}`}
        </h1>
        {!("missing" in download) && (
          <a href={`/api/jobs/${job.id}/download`} className="text-sm text-indigo-700 underline" data-testid="job-download" download>
            {`Download ${download.filename}`}
          </a>
        )}
      </div>
      <JobLive
        initial={detail}
        canCancel={mayCancelJob(user.role, job.kind)}
        projectHref={projectHref}
        producedModel={produced ? { id: produced.id, name: produced.name, kind: produced.kind } : null}
        models={models}
        producedActions={
          nextRound ? (
            <section className="flex flex-col gap-2" aria-label="Next round">
              <h2 className="text-lg font-medium">Next round</h2>
              <StartNextRound {...nextRound} />
            </section>
          ) : (
            produced?.kind === "reward" && <RewardJobSummary model={produced} />
          )
        }
      />
    </div>
  );
}
