// A PPO policy's sections on its model page: lineage (round, SFT model, start policy, reference,
// reward model — linked where they are registry models — project, prompts and their hash), the
// final metrics, the last evaluation's sample table and the configuration.
import Link from "next/link";
import type { LineageModelRef, PpoPolicyInfo } from "@/lib/ppo/views";
import { PpoEvaluationView } from "@/app/components/ppo-evaluation";
import { ConfigSection } from "@/app/components/config-section";

/** The metrics shown first, in this order, with their labels (TRL's names below each); any others follow under their own names. */
const KEY_METRICS: [string, string][] = [
  ["eval_scores", "Held-out score, policy"],
  ["eval_scores_reference", "Held-out score, SFT model"],
  ["eval_win_rate", "Held-out win rate over the SFT model"],
  ["eval_kl", "Held-out KL to reference"],
  ["eval_num_eos_tokens", "Held-out policy answers that ended"],
  ["objective/rlhf_reward", "RLHF reward"],
  ["objective/scores", "Reward-model score"],
  ["objective/kl", "KL to reference"],
  ["objective/entropy", "Entropy"],
];

function formatMetric(v: number | null): string {
  if (v === null) return "—";
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
}

function ModelRef({ model, names }: { model: LineageModelRef | null; names: Map<number, string> }) {
  if (!model) return <>—</>;
  if ("dir" in model) return <code className="break-all text-xs">{model.dir}</code>;
  const current = names.get(model.id);
  return current !== undefined ? (
    <Link href={`/research/models/${model.id}`} className="text-indigo-700 underline">
      {current}
    </Link>
  ) : (
    <>{model.name} (no longer registered)</>
  );
}

export function PpoPolicySections({
  info,
  names,
  projectHref,
  projectId,
}: {
  info: PpoPolicyInfo;
  names: Map<number, string>;
  projectHref: (id: number) => string;
  projectId: number | null;
}) {
  const known = new Set(KEY_METRICS.map(([k]) => k));
  const others = Object.entries(info.metrics).filter(([k]) => !known.has(k));
  const project = info.project ?? (projectId === null ? null : { id: projectId, name: `project ${projectId}` });
  const sameReference = info.reference && info.startPolicy && JSON.stringify(info.reference) === JSON.stringify(info.startPolicy);
  return (
    <>
      <section className="flex flex-col gap-2" aria-label="Lineage">
        <h2 className="text-lg font-medium">Lineage</h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="ppo-lineage">
          <dt className="text-slate-500">Round</dt>
          <dd data-testid="ppo-round">{info.round ?? "—"}</dd>
          <dt className="text-slate-500">SFT model</dt>
          <dd>
            <ModelRef model={info.sftModel} names={names} />
          </dd>
          <dt className="text-slate-500">Start policy</dt>
          <dd>
            <ModelRef model={info.startPolicy} names={names} />
          </dd>
          <dt className="text-slate-500">KL reference</dt>
          <dd>
            <ModelRef model={info.reference} names={names} />
            {sameReference && <span className="text-slate-500"> (the start policy)</span>}
          </dd>
          <dt className="text-slate-500">Reward model</dt>
          <dd>
            <ModelRef model={info.rewardModel} names={names} />
          </dd>
          {info.valueModel !== null && (
            <>
              <dt className="text-slate-500">Value model</dt>
              <dd>
                <code className="text-xs">{info.valueModel}</code> <span className="text-slate-500">(started from the reward model)</span>
              </dd>
            </>
          )}
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
          <dt className="text-slate-500">Prompts</dt>
          <dd>
            {info.trainPrompts ?? "—"} training · {info.evalPrompts ?? "—"} held out
            {info.promptSplit && <span className="text-slate-500"> ({info.promptSplit})</span>}
          </dd>
          <dt className="text-slate-500">Training prompts hash</dt>
          <dd>
            <code className="break-all text-xs">{info.promptsHash ?? "—"}</code>
          </dd>
          {info.ptx && (
            <>
              <dt className="text-slate-500">PPO-ptx</dt>
              <dd data-testid="ppo-ptx">
                ptx coefficient {info.ptx.coef} on {info.ptx.description}
                {info.ptx.hash && <code className="ml-1 break-all text-xs text-slate-500">sha256 {info.ptx.hash.slice(0, 12)}…</code>}
              </dd>
            </>
          )}
        </dl>
      </section>

      <section className="flex flex-col gap-2" aria-label="Final metrics">
        <h2 className="text-lg font-medium">Final metrics</h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="ppo-metrics">
          {KEY_METRICS.filter(([k]) => k in info.metrics).map(([k, label]) => (
            <div key={k} className="contents" data-testid={`metric-${k}`}>
              <dt className="text-slate-500">
                {label} <span className="font-mono text-xs">({k})</span>
              </dt>
              <dd className="font-mono">{formatMetric(info.metrics[k])}</dd>
            </div>
          ))}
          {others.map(([k, v]) => (
            <div key={k} className="contents" data-testid={`metric-${k}`}>
              <dt className="font-mono text-slate-500">{k}</dt>
              <dd className="font-mono">{formatMetric(v)}</dd>
            </div>
          ))}
          {Object.keys(info.metrics).length === 0 && <dd className="col-span-2 text-slate-500">No metrics recorded.</dd>}
        </dl>
      </section>

      <section className="flex flex-col gap-2" aria-label="Last evaluation">
        <h2 className="text-lg font-medium">Last evaluation</h2>
        {info.evaluation ? (
          <PpoEvaluationView evaluation={info.evaluation} />
        ) : (
          <p className="text-sm text-slate-500">No evaluation recorded.</p>
        )}
      </section>

      {info.config && <ConfigSection title="PPO configuration" config={info.config} testId="ppo-config" />}
    </>
  );
}
