// One model of the registry: where it lives and what produced it; for a reward model also its
// held-out accuracy with its interval, every metric with what it means, lineage (base model,
// project, the rankings it learned from), calibration (each pair once), training configuration
// and a form to score typed-in completions; for a PPO policy "Start next round", its lineage, final metrics,
// last evaluation (the sample table) and configuration.
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { getModelRow, listModels, toView } from "@/lib/models/registry";
import { nextRoundSource, policyRound, ppoPolicyInfo } from "@/lib/ppo/views";
import { formatTime } from "@/app/components/job-status-badge";
import { rewardModelInfo } from "@/app/components/reward-model-info";
import { StartNextRound } from "@/app/components/start-next-round";
import { PpoPolicySections } from "./ppo-policy-sections";
import { RewardSections } from "./reward-sections";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function ModelPage({ params }: Props) {
  const { id: rawId } = await params;
  const user = await requirePageRole(STAFF, `/research/models/${rawId}`);
  const id = parseId(rawId);
  const db = getDb();
  const row = id === undefined ? undefined : getModelRow(db, id);
  if (!row) notFound();
  const model = toView(row);
  const names = new Map(listModels(db).map((m) => [m.id, m.name]));
  const info = model.kind === "reward" ? rewardModelInfo(model) : null;
  // A policy a PPO run produced: its lineage names a round.
  const ppo = model.kind === "policy" && policyRound(model) !== null ? ppoPolicyInfo(model) : null;
  const nextRound = ppo ? nextRoundSource(db, model) : null;
  const projectHref = (pid: number) => (user.role === "admin" ? `/admin/projects/${pid}` : `/research/projects/${pid}`);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/research/models" className="text-sm text-indigo-700 underline">
          ← Models
        </Link>
        <h1 className="text-xl font-semibold" data-testid="model-name">
          {model.name}
        </h1>
        {model.description && <p className="text-sm text-slate-600">{model.description}</p>}
      </div>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">Kind</dt>
        <dd>{model.kind}</dd>
        <dt className="text-slate-500">Source</dt>
        <dd>
          {model.source === "palate" ? (
            <>
              directory <code className="text-xs">{model.path}</code>
            </>
          ) : (
            <>
              endpoint <code className="text-xs">{model.baseUrl}</code> · model <code className="text-xs">{model.remoteModel}</code>
            </>
          )}
        </dd>
        <dt className="text-slate-500">Parent</dt>
        <dd>
          {model.parentId === null ? (
            "—"
          ) : (
            <Link href={`/research/models/${model.parentId}`} className="text-indigo-700 underline">
              {names.get(model.parentId) ?? `#${model.parentId}`}
            </Link>
          )}
        </dd>
        <dt className="text-slate-500">Produced by</dt>
        <dd>
          {model.jobId === null ? (
            "—"
          ) : (
            <Link href={`/research/jobs/${model.jobId}`} className="text-indigo-700 underline">
              job #{model.jobId}
            </Link>
          )}
        </dd>
        <dt className="text-slate-500">Created</dt>
        <dd>{formatTime(model.createdAt)}</dd>
      </dl>
      {nextRound && (
        <section className="flex flex-col gap-2" aria-label="Next round">
          <h2 className="text-lg font-medium">Next round</h2>
          <StartNextRound {...nextRound} />
        </section>
      )}
      {info && <RewardSections model={{ id: model.id, name: model.name }} info={info} names={names} projectHref={projectHref} projectId={model.projectId} />}
      {ppo && <PpoPolicySections info={ppo} names={names} projectHref={projectHref} projectId={model.projectId} />}
    </div>
  );
}
