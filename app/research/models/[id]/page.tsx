// One model of the registry: where it lives and what produced it; for a reward model also its
// evaluation metrics, lineage (base model, project, the rankings it learned from), training
// configuration and calibration (predicted preference probability against how often the
// annotators agreed, per bin); for a PPO policy "Start next round", its lineage, final metrics,
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
import { fixed, percent, rewardModelInfo, type RewardModelInfo } from "@/app/components/reward-model-info";
import { StartNextRound } from "@/app/components/start-next-round";
import { PpoPolicySections } from "./ppo-policy-sections";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

/** The metrics shown first, in this order, with their labels; any others follow under their own names. */
const KEY_METRICS: [string, string, (x: number | null) => string][] = [
  ["eval_accuracy", "Eval accuracy", percent],
  ["eval_loss", "Eval loss", (x) => fixed(x, 4)],
  ["eval_margin", "Eval margin", (x) => fixed(x, 4)],
  ["train_pairs", "Training pairs", (x) => fixed(x, 0)],
  ["eval_pairs", "Eval pairs", (x) => fixed(x, 0)],
  ["train_rankings", "Training rankings", (x) => fixed(x, 0)],
  ["eval_rankings", "Eval rankings", (x) => fixed(x, 0)],
  ["steps", "Steps", (x) => fixed(x, 0)],
];

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
      {info && <RewardSections info={info} names={names} projectHref={projectHref} projectId={model.projectId} />}
      {ppo && <PpoPolicySections info={ppo} names={names} projectHref={projectHref} projectId={model.projectId} />}
    </div>
  );
}

function RewardSections({
  info,
  names,
  projectHref,
  projectId,
}: {
  info: RewardModelInfo;
  names: Map<number, string>;
  projectHref: (id: number) => string;
  projectId: number | null;
}) {
  const known = new Set(KEY_METRICS.map(([k]) => k));
  const others = Object.entries(info.metrics).filter(([k]) => !known.has(k));
  const project = info.project ?? (projectId === null ? null : { id: projectId, name: `project ${projectId}` });
  return (
    <>
      <section className="flex flex-col gap-2" aria-label="Evaluation">
        <h2 className="text-lg font-medium">Evaluation</h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="reward-metrics">
          {KEY_METRICS.filter(([k]) => k in info.metrics).map(([k, label, format]) => (
            <div key={k} className="contents" data-testid={`metric-${k}`}>
              <dt className="text-slate-500">{label}</dt>
              <dd className="font-mono">{format(info.metrics[k])}</dd>
            </div>
          ))}
          {others.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="font-mono text-slate-500">{k}</dt>
              <dd className="font-mono">{v === null ? "—" : Number.isInteger(v) ? v : v.toFixed(4)}</dd>
            </div>
          ))}
          {Object.keys(info.metrics).length === 0 && <dd className="col-span-2 text-slate-500">No metrics recorded.</dd>}
        </dl>
      </section>

      <section className="flex flex-col gap-2" aria-label="Lineage">
        <h2 className="text-lg font-medium">Lineage</h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="reward-lineage">
          <dt className="text-slate-500">Base model</dt>
          <dd>
            {info.baseModel ? (
              <Link href={`/research/models/${info.baseModel.id}`} className="text-indigo-700 underline">
                {names.get(info.baseModel.id) ?? info.baseModel.name}
              </Link>
            ) : (
              "—"
            )}
          </dd>
          <dt className="text-slate-500">Project</dt>
          <dd>
            {project ? (
              <Link href={projectHref(project.id)} className="text-indigo-700 underline">
                {project.name}
              </Link>
            ) : (
              "—"
            )}
          </dd>
          <dt className="text-slate-500">Rankings</dt>
          <dd>{info.rankings ?? "—"}</dd>
          <dt className="text-slate-500">Comparisons</dt>
          <dd>{info.comparisons ?? "—"}</dd>
          {info.examples !== null && (
            <>
              <dt className="text-slate-500">Examples</dt>
              <dd>{info.examples}</dd>
            </>
          )}
          <dt className="text-slate-500">Training-set hash</dt>
          <dd>
            <code className="break-all text-xs">{info.trainingSetHash ?? "—"}</code>
          </dd>
        </dl>
      </section>

      {info.calibration && info.calibration.bins.length > 0 && (
        <section className="flex flex-col gap-2" aria-label="Calibration">
          <h2 className="text-lg font-medium">Calibration ({info.calibration.split} pairs)</h2>
          <p className="text-xs text-slate-500">
            Pairs binned by the model&apos;s predicted probability that the annotators&apos; higher-ranked completion wins, σ(r_chosen − r_rejected); a
            calibrated model&apos;s observed share matches its mean prediction.
          </p>
          <table className="w-fit text-left text-sm" data-testid="calibration">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 pr-4">Predicted</th>
                <th className="pr-4">Pairs</th>
                <th className="pr-4">Mean predicted</th>
                <th className="pr-4">Observed</th>
                <th className="pr-4" aria-label="Predicted (grey) against observed (green)" />
              </tr>
            </thead>
            <tbody>
              {info.calibration.bins.map((b, i) => (
                <tr key={i} className="border-t border-slate-100 [&>td]:py-1">
                  <td className="pr-4 font-mono">
                    {b.lo.toFixed(2)}–{b.hi.toFixed(2)}
                  </td>
                  <td className="pr-4">{b.count}</td>
                  <td className="pr-4 font-mono">{fixed(b.meanPredicted)}</td>
                  <td className="pr-4 font-mono">{fixed(b.observed)}</td>
                  <td className="w-40 pr-4" aria-hidden>
                    {b.count > 0 && (
                      <div className="flex flex-col gap-0.5">
                        <div className="h-1.5 rounded bg-slate-400" style={{ width: `${100 * (b.meanPredicted ?? 0)}%` }} />
                        <div className="h-1.5 rounded bg-emerald-500" style={{ width: `${100 * (b.observed ?? 0)}%` }} />
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {info.config && (
        <section className="flex flex-col gap-2" aria-label="Training configuration">
          <h2 className="text-lg font-medium">Training configuration</h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="reward-config">
            {Object.entries(info.config).map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="font-mono text-slate-500">{k}</dt>
                <dd className="font-mono">{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </>
  );
}
