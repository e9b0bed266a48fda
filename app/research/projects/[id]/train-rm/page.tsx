import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { listJobViews } from "@/lib/jobs/views";
import { GENERATE_JOB_KIND } from "@/lib/generation/job-params";
import { TRAIN_RM_JOB_KIND } from "@/lib/reward/job-params";
import { DEFAULT_MODEL_NAME, ensureDefaultModel, listModels } from "@/lib/models/registry";
import { getProject } from "@/lib/projects";
import { ppoPolicyInfo, projectPpoPolicies } from "@/lib/ppo/views";
import { latestRound } from "@/lib/rounds/rounds";
import { trainingSetSize } from "@/lib/reward/training-set-size";
import { JobTable } from "@/app/components/job-table";
import { TrainRmForm } from "./train-rm-form";
import { dataDir, listSnapshots } from "@/lib/datasets/snapshot-store";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function TrainRewardModelPage({ params }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/projects/${rawId}/train-rm`);
  const id = parseId(rawId);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (id === undefined || !project) notFound();
  ensureDefaultModel(db);
  const bases = listModels(db)
    .filter((m) => m.kind === "policy" && m.source === "palate")
    .map((m) => ({ id: m.id, name: m.name, description: m.description }));
  // The project's SFT model: the one its latest successful round-1 generation sampled from (later
  // rounds sample from PPO policies), else the SFT model its PPO policies' lineage names, else the default.
  const generated = listJobViews(db, { projectId: id, kind: GENERATE_JOB_KIND, limit: 500 }).find(
    (j) => j.status === "succeeded" && (j.params.round === undefined || j.params.round === 1),
  );
  const loopSft = projectPpoPolicies(db, id)
    .map((m) => ppoPolicyInfo(m).sftModel)
    .find((ref) => ref !== null && "id" in ref);
  const sampledFrom = generated?.params.modelId ?? (loopSft && "id" in loopSft ? loopSft.id : undefined);
  const defaultBase = bases.find((m) => m.id === sampledFrom) ?? bases.find((m) => m.name === DEFAULT_MODEL_NAME) ?? bases[0];
  const jobs = listJobViews(db, { projectId: id, kind: TRAIN_RM_JOB_KIND, limit: 20 });
  // What the job would train on, per "Rankings from" choice: the form predicts the held-out split from it.
  const sizes = { all: trainingSetSize(db, id, "all"), latest: trainingSetSize(db, id, "latest") };
  return (
    <div className="flex flex-col gap-8">
      <div>
        <Link href={`/research/projects/${id}`} className="text-sm text-indigo-700 underline">
          ← {project.name}
        </Link>
        <h1 className="text-xl font-semibold">Train a reward model</h1>
        <p className="text-sm text-slate-600">
          A scalar-head model learns this project&apos;s rankings with the Bradley–Terry loss over every pair of each ranking, starting from a policy model of
          the{" "}
          <Link href="/research/models" className="text-indigo-700 underline">
            registry
          </Link>
          . The trained model is registered as a reward model when the job succeeds.
        </p>
      </div>
      <TrainRmForm
        projectId={id}
        bases={bases}
        defaultBaseId={defaultBase?.id ?? null}
        sampledFromId={typeof sampledFrom === "number" ? sampledFrom : null}
        latestRound={latestRound(db, id)}
        sizes={sizes}
        snapshots={listSnapshots(dataDir(), id).map((s) => ({ name: s.name, hash: s.hash, rankings: s.stats.rankings, testPrompts: s.split.test_prompts }))}
      />
      <section className="flex flex-col gap-3" aria-label="Reward-model jobs of this project">
        <h2 className="text-lg font-medium">Reward-model jobs of this project</h2>
        <JobTable jobs={jobs} />
      </section>
    </div>
  );
}
