import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { dataDir, listSnapshots } from "@/lib/datasets/snapshot-store";
import { DPO_JOB_KIND } from "@/lib/dpo/job-params";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { listJobViews } from "@/lib/jobs/views";
import { DEFAULT_DPO_CONFIG, dpoConfigObject } from "@/lib/ml/rl/dpo-config";
import { ensureDefaultModel } from "@/lib/models/registry";
import { ppoFormOptions } from "@/lib/ppo/views";
import { getProject } from "@/lib/projects";
import { trainingSetSize } from "@/lib/reward/training-set-size";
import { latestRound } from "@/lib/rounds/rounds";
import { configFieldSpecs } from "@/app/components/config-fields";
import { JobTable } from "@/app/components/job-table";
import { DpoForm } from "./dpo-form";
import { DPO_FIELD_LABELS, DPO_FIELD_SECTIONS } from "./dpo-form-layout";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function RunDpoPage({ params }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/projects/${rawId}/dpo`);
  const id = parseId(rawId);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (id === undefined || !project) notFound();
  ensureDefaultModel(db);
  const options = ppoFormOptions(db, id);
  const fields = configFieldSpecs(dpoConfigObject.shape, DEFAULT_DPO_CONFIG, { labels: DPO_FIELD_LABELS, sections: DPO_FIELD_SECTIONS });
  // What the job would learn from, per "Rankings from" choice (the reward model's training set: the same rankings count).
  const sizes = { all: trainingSetSize(db, id, "all"), latest: trainingSetSize(db, id, "latest") };
  const jobs = listJobViews(db, { projectId: id, kind: DPO_JOB_KIND, limit: 20 });
  return (
    <div className="flex flex-col gap-8">
      <div>
        <Link href={`/research/projects/${id}`} className="text-sm text-indigo-700 underline">
          ← {project.name}
        </Link>
        <h1 className="text-xl font-semibold">Run DPO</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          Direct preference optimization: the policy learns this project&apos;s rankings directly — every &ldquo;A ranked above B&rdquo; pair a ranking implies
          — with no reward model and no sampling. The sigmoid loss with β (or IPO) on the policy&apos;s log-probabilities against a frozen reference&apos;s,
          computed once. The trained policy is registered in the{" "}
          <Link href="/research/models" className="text-indigo-700 underline">
            registry
          </Link>{" "}
          when the job succeeds.
        </p>
      </div>
      <DpoForm
        projectId={id}
        policies={options.policies}
        defaultPolicyId={options.defaultPolicyId}
        latestRound={latestRound(db, id)}
        sizes={sizes}
        snapshots={listSnapshots(dataDir(), id).map((s) => ({ name: s.name, hash: s.hash, rankings: s.stats.rankings }))}
        fields={fields}
      />
      <section className="flex flex-col gap-3" aria-label="DPO jobs of this project">
        <h2 className="text-lg font-medium">DPO jobs of this project</h2>
        <JobTable jobs={jobs} />
      </section>
    </div>
  );
}
