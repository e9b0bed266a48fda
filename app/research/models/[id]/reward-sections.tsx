// A reward model's sections on its model page: the evaluation (held-out accuracy with its
// interval and warning, every metric with its meaning), lineage, the calibration table, the
// training configuration, and the form that scores typed-in completions.
import Link from "next/link";
import type { RewardModelInfo } from "@/app/components/reward-model-info";
import { CalibrationTable } from "./calibration-table";
import { RewardEvaluation } from "./reward-evaluation";
import { ScoreForm } from "./score-form";
import { ConfigSection } from "@/app/components/config-section";

export function RewardSections({
  model,
  info,
  names,
  projectHref,
  projectId,
}: {
  model: { id: number; name: string };
  info: RewardModelInfo;
  names: Map<number, string>;
  projectHref: (id: number) => string;
  projectId: number | null;
}) {
  const project = info.project ?? (projectId === null ? null : { id: projectId, name: `project ${projectId}` });
  return (
    <>
      <RewardEvaluation info={info} />

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

      {info.calibration && info.calibration.bins.length > 0 && <CalibrationTable calibration={info.calibration} evalPairs={info.metrics.eval_pairs ?? null} />}

      {info.config && <ConfigSection title="Training configuration" config={info.config} testId="reward-config" />}

      <ScoreForm modelId={model.id} modelName={model.name} />
    </>
  );
}
