"use client";

// The DPO form: the policy to start from (any registered policy with weights; default this
// project's newest PPO policy, else the SFT model), an optional frozen reference and registry name,
// which rankings to learn from (a snapshot, or the live rankings' rounds and selection, as the
// reward model's form offers them: rankings-source-fields.tsx), and every setting of DpoConfig —
// β, the loss type (sigmoid or IPO), … — with its default and help text (config-fields.ts) →
// POST /api/jobs {kind: "dpo"} → the job page. A 400 is shown next to the fields it names.
import { useMemo, useState } from "react";
import type { ConfigFieldSpec } from "@/app/components/config-fields";
import { ConfigFieldSections, configIssueFields, readConfig } from "@/app/components/config-form-fields";
import { ReferenceField, RegistryNameField, StartPolicyField, SubmitRow, ThreadsField } from "@/app/components/job-form-fields";
import {
  RANKINGS_SOURCE_FIELDS,
  RankingsSourceFields,
  readRankingsSource,
  type RoundsChoice,
  type SnapshotOption,
} from "@/app/components/rankings-source-fields";
import { useJobRequest } from "@/app/components/use-job-request";
import type { PpoModelOption } from "@/lib/ppo/views";
import type { TrainingSetSize } from "@/lib/reward/training-set-size";

const MODEL_FIELDS = ["policyModelId", "referenceModelId", "name"] as const;

function policyLabel(m: PpoModelOption): string {
  return m.round === null ? m.name : `${m.name} (PPO round ${m.round}${m.ofProject ? ", this project" : ""})`;
}

export function DpoForm({
  projectId,
  policies,
  defaultPolicyId,
  latestRound,
  sizes,
  snapshots,
  fields,
}: {
  projectId: number;
  policies: PpoModelOption[];
  defaultPolicyId: number | null;
  /** The project's latest round of the loop (1 before any "next round"). */
  latestRound: number;
  /** What a job would learn from with every round's rankings, and with the latest round's only. */
  sizes: Record<RoundsChoice, TrainingSetSize>;
  snapshots: SnapshotOption[];
  /** Every DpoConfig setting, derived from its schema. */
  fields: ConfigFieldSpec[];
}) {
  const [policyId, setPolicyId] = useState<number | null>(defaultPolicyId);
  const [rounds, setRounds] = useState<RoundsChoice>("all");
  const [snapshot, setSnapshot] = useState("");
  const named = useMemo(() => new Set<string>([...MODEL_FIELDS.map((k) => `params.${k}`), ...RANKINGS_SOURCE_FIELDS, ...configIssueFields(fields)]), [fields]);
  const { issues, error, pending, start } = useJobRequest("dpo", named);
  const policy = policies.find((p) => p.id === policyId);
  const size = sizes[rounds];

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: string) => String(data.get(key) ?? "").trim();
    const params: Record<string, unknown> = {
      projectId,
      policyModelId: Number(text("policyModelId")),
      ...readRankingsSource(data, snapshot),
      config: readConfig(data, fields),
    };
    if (text("referenceModelId")) params.referenceModelId = Number(text("referenceModelId"));
    if (text("name")) params.name = text("name");
    if (text("threads")) params.threads = Number(text("threads"));
    await start(params);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Run DPO" className="flex flex-col gap-5 rounded-lg border border-slate-200 bg-white p-4">
      <div className="grid gap-4 md:grid-cols-2">
        <StartPolicyField
          policies={policies}
          defaultPolicyId={defaultPolicyId}
          onChange={setPolicyId}
          optionLabel={policyLabel}
          issues={issues}
          help={<>The policy DPO trains, from its weights: usually the SFT model whose completions were ranked.</>}
        />
        <ReferenceField
          label="Reference (optional)"
          policies={policies}
          policy={policy}
          optionLabel={policyLabel}
          issues={issues}
          help={
            <>
              The frozen model the implicit reward β·(log π − log π_ref) is measured against; its log-probabilities are computed once. Default: the start
              policy.
            </>
          }
        />
        <RegistryNameField defaultName="dpo-<project>-<job id>" what="trained policy" issues={issues} className="md:col-span-2" />
        <ThreadsField issues={issues} />
      </div>

      <fieldset className="flex flex-col gap-3 border-t border-slate-100 pt-3">
        <legend className="text-sm font-medium">Preference pairs</legend>
        <RankingsSourceFields
          snapshots={snapshots}
          snapshot={snapshot}
          onSnapshot={setSnapshot}
          rounds={rounds}
          onRounds={setRounds}
          latestRound={latestRound}
          learner="the policy"
          issues={issues}
        />
        {snapshot === "" && (
          <span className="text-xs text-slate-600" data-testid="dpo-training-set">
            {`Rankings to learn from: ${size.rankings} (${size.prompts} prompt${size.prompts === 1 ? "" : "s"}, ${size.pairs} pair${size.pairs === 1 ? "" : "s"}).`}
          </span>
        )}
      </fieldset>

      <ConfigFieldSections fields={fields} issues={issues} />

      <SubmitRow label="Start DPO" pending={pending} disabled={policies.length === 0} error={error} />
    </form>
  );
}
