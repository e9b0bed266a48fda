// Run best-of-n: rejection sampling on this project's prompts as a job (lib/best-of-n). The form
// starts one; with ?job=<id> (where the form goes once it is queued) the page follows that run
// live — its progress, the per-batch mean best score, mean score and pass rate charted — and,
// once it has ended, links its kept answers for download.
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { BEST_OF_N_JOB_KIND } from "@/lib/best-of-n/job-params";
import { bestOfNPrompts } from "@/lib/best-of-n/project";
import { dataDir } from "@/lib/datasets/snapshot-store";
import { parseId } from "@/lib/http";
import { jobDownload } from "@/lib/jobs/job-download";
import { getJobDetail, mayCancelJob } from "@/lib/jobs/views";
import { DEFAULT_MODEL_NAME } from "@/lib/models/registry";
import { listProjects } from "@/lib/projects";
import { JobLive } from "@/app/components/job-live";
import { loadTrainingPage, TrainingPageShell } from "@/app/components/training-page";
import { BestOfNForm } from "./best-of-n-form";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function RunBestOfNPage({ params, searchParams }: Props) {
  const { db, id, project, options, jobs } = await loadTrainingPage(params, "best-of-n", BEST_OF_N_JOB_KIND);
  const user = await requirePageRole(STAFF, `/research/projects/${id}/best-of-n`);
  const prompts = bestOfNPrompts(db, id, { referencesOnly: false });
  const withReference = prompts.filter((p) => p.reference !== null).length;
  const demonstrationProjects = listProjects(getDb())
    .filter((p) => p.mode === "demonstration")
    .sort((a, b) => Number(b.id === id) - Number(a.id === id))
    .map((p) => ({ id: p.id, name: p.name }));
  // The run the page follows: a best-of-n job of this project.
  const rawJob = (await searchParams).job;
  const jobId = typeof rawJob === "string" ? parseId(rawJob) : undefined;
  const followed = jobId === undefined ? undefined : getJobDetail(db, jobId);
  const run = followed && followed.job.kind === BEST_OF_N_JOB_KIND && followed.job.projectId === id ? followed : undefined;
  const download = run ? jobDownload(dataDir(), run.job) : null;
  return (
    <TrainingPageShell
      project={project}
      title="Run best-of-n"
      jobsTitle="Best-of-n jobs of this project"
      jobs={jobs}
      intro={
        <>
          <p className="max-w-3xl text-sm text-slate-600">
            Rejection sampling: for each of this project&apos;s distinct prompts the policy samples N answers, a reward model or rule reward functions score
            them, and the best is kept when it scores at least the threshold (Llama 2&apos;s best-of-N; DeepSeek-R1&apos;s step 3 data). The kept answers are a
            TRL conversational SFT file to download, which <code>palate sft --file</code> trains on or <code>--mix</code> mixes in, and can also be inserted as
            demonstrations for review. The same run from the command line: <code>palate best-of-n</code>.
          </p>
          <p className="mt-1 text-sm text-slate-600" data-testid="best-of-n-prompt-counts">
            {`${prompts.length} distinct prompt${prompts.length === 1 ? "" : "s"}, ${withReference} with a reference answer`}
            {withReference === 0 && " — the accuracy reward needs reference answers (import the prompts in the gsm8k or qa format)"}.
          </p>
        </>
      }
    >
      {run && (
        <section className="flex flex-col gap-3 rounded-lg border border-indigo-200 bg-indigo-50/30 p-4" aria-label="This run">
          <h2 className="text-lg font-medium">{`Run #${run.job.id}`}</h2>
          {download && !("missing" in download) && (
            <p className="text-sm" data-testid="best-of-n-download">
              <a href={`/api/jobs/${run.job.id}/download`} className="font-medium text-indigo-700 underline" download>
                Download the kept answers
              </a>
              {typeof run.job.result?.kept === "number" ? ` (${run.job.result.kept} of ${String(run.job.result.prompts)} prompts)` : ""} — a TRL conversational
              SFT file.
            </p>
          )}
          <JobLive initial={run} canCancel={mayCancelJob(user.role, BEST_OF_N_JOB_KIND)} projectHref={`/research/projects/${id}`} />
        </section>
      )}
      {/* Keyed by the run followed: once a run starts, the form is fresh again (not "Starting…"). */}
      <BestOfNForm
        key={run?.job.id ?? "new"}
        projectId={id}
        policies={options.policies}
        defaultPolicyId={options.policies.find((m) => m.name === DEFAULT_MODEL_NAME)?.id ?? options.defaultPolicyId}
        rewardModels={options.rewardModels}
        defaultRules={withReference > 0 ? "accuracy" : "format"}
        scoreByDefault={withReference === 0 && options.rewardModels.length > 0 ? "reward-model" : "rules"}
        demonstrationProjects={demonstrationProjects}
      />
    </TrainingPageShell>
  );
}
