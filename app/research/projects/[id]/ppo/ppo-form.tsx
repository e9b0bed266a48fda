"use client";

// The PPO form: the policy to start from (default: this project's newest PPO policy, else the SFT
// model), the reward model (default: the project's newest), an optional KL reference, round and
// registry name, and every setting of PpoConfig with its default and help text (the fields come
// from the schema: config-fields.ts, shown by config-form-fields.tsx) → POST /api/jobs
// {kind: "ppo"} → the job page (use-job-request.ts). A 400 is shown next to the fields it names.
import { useMemo, useState } from "react";
import type { ConfigFieldSpec } from "@/app/components/config-fields";
import { ConfigFieldSections, configIssueFields, readConfig } from "@/app/components/config-form-fields";
import { FieldError } from "@/app/components/field-issues";
import { ReferenceField, RegistryNameField, StartPolicyField, SubmitRow, ThreadsField } from "@/app/components/job-form-fields";
import { useJobRequest } from "@/app/components/use-job-request";
import type { PpoModelOption } from "@/lib/ppo/views";

const input = "rounded border border-slate-300 px-2 py-1";
const MODEL_FIELDS = ["policyModelId", "rewardModelId", "referenceModelId", "round", "name", "ptxDemonstrations"] as const;

function policyLabel(m: PpoModelOption): string {
  return m.round === null ? m.name : `${m.name} (round ${m.round}${m.ofProject ? ", this project" : ""})`;
}

export function PpoForm({
  projectId,
  policies,
  rewardModels,
  defaultPolicyId,
  defaultRewardModelId,
  fields,
}: {
  projectId: number;
  policies: PpoModelOption[];
  rewardModels: PpoModelOption[];
  defaultPolicyId: number | null;
  defaultRewardModelId: number | null;
  /** Every PpoConfig setting, derived from its schema. */
  fields: ConfigFieldSpec[];
}) {
  const [policyId, setPolicyId] = useState<number | null>(defaultPolicyId);
  const [sizes, setSizes] = useState(() => ({
    totalEpisodes: Number(fields.find((f) => f.key === "totalEpisodes")?.default),
    batchSize: Number(fields.find((f) => f.key === "batchSize")?.default),
  }));
  const named = useMemo(() => new Set([...MODEL_FIELDS.map((k) => `params.${k}`), ...configIssueFields(fields)]), [fields]);
  const { issues, error, pending, start } = useJobRequest("ppo", named);
  const policy = policies.find((p) => p.id === policyId);
  const iterations = Number.isFinite(sizes.totalEpisodes / sizes.batchSize) && sizes.batchSize > 0 ? Math.floor(sizes.totalEpisodes / sizes.batchSize) : null;

  const fieldError = (field: string) => <FieldError issues={issues} field={field} />;

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: string) => String(data.get(key) ?? "").trim();
    const config = readConfig(data, fields);
    const params: Record<string, unknown> = { projectId, policyModelId: Number(text("policyModelId")), rewardModelId: Number(text("rewardModelId")), config };
    if (text("referenceModelId")) params.referenceModelId = Number(text("referenceModelId"));
    if (text("round")) params.round = Number(text("round"));
    if (text("name")) params.name = text("name");
    if (text("threads")) params.threads = Number(text("threads"));
    // PPO-ptx learns from the project's demonstrations: which ones, when it is on.
    if (Number(config.ptxCoef) > 0 && text("ptxDemonstrations") === "accepted") params.ptxDemonstrations = "accepted";
    await start(params);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Run PPO" className="flex flex-col gap-5 rounded-lg border border-slate-200 bg-white p-4">
      <div className="grid gap-4 md:grid-cols-2">
        <StartPolicyField
          policies={policies}
          defaultPolicyId={defaultPolicyId}
          onChange={setPolicyId}
          optionLabel={policyLabel}
          issues={issues}
          help={
            <>
              The policy PPO trains, from its weights: the SFT model in round 1, the last round&apos;s policy after that. Default: this project&apos;s newest
              PPO policy, else the SFT model.
            </>
          }
        />
        <div className="flex flex-col gap-1 text-sm">
          <label className="flex flex-col gap-1">
            Reward model
            <select name="rewardModelId" required className={input} defaultValue={defaultRewardModelId ?? ""} aria-describedby="help-reward">
              {rewardModels.length === 0 && <option value="">No reward model trained on this project</option>}
              {rewardModels.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <span id="help-reward" className="text-xs text-slate-500">
            Frozen; scores each sampled response. The value model starts from it. Default: this project&apos;s newest reward model.
          </span>
          {fieldError("params.rewardModelId")}
        </div>
        <ReferenceField
          label="KL reference (optional)"
          policies={policies}
          policy={policy}
          optionLabel={policyLabel}
          issues={issues}
          help={<>The frozen policy the per-token KL penalty keeps the policy near. Default: the start policy, so each round stays near where it started.</>}
        />
        <div className="flex flex-col gap-1 text-sm">
          <label className="flex flex-col gap-1">
            Round (optional)
            <input
              name="round"
              type="number"
              step={1}
              min={1}
              max={10000}
              className={`${input} w-40`}
              placeholder={policy ? `default: ${policy.nextRound}` : "default"}
              aria-describedby="help-round"
            />
          </label>
          <span id="help-round" className="text-xs text-slate-500">
            The round of this project&apos;s loop the run belongs to. Default: one more than the start policy&apos;s
            {policy ? ` (${policy.nextRound})` : ""}.
          </span>
          {fieldError("params.round")}
        </div>
        <RegistryNameField defaultName="ppo-<project>-<job id>" what="trained policy" issues={issues} className="md:col-span-2" />
        <ThreadsField issues={issues} />
        <div className="flex flex-col gap-1 text-sm">
          <label className="flex flex-col gap-1">
            PPO-ptx demonstrations
            <select name="ptxDemonstrations" className={input} defaultValue="submitted" aria-describedby="help-ptx-demonstrations">
              <option value="submitted">Submitted (those a reviewer rejected left out)</option>
              <option value="accepted">Accepted by a reviewer only</option>
            </select>
          </label>
          <span id="help-ptx-demonstrations" className="text-xs text-slate-500">
            With a ptx coefficient above 0 (PPO-ptx, below), each step also learns this project&apos;s demonstrations, so the policy keeps what the SFT model
            does on prompts the reward model never sees.
          </span>
          {fieldError("params.ptxDemonstrations")}
        </div>
      </div>

      <ConfigFieldSections
        fields={fields}
        issues={issues}
        onValueChange={(key, value) => {
          if (key === "totalEpisodes" || key === "batchSize") setSizes((s) => ({ ...s, [key]: value }));
        }}
      />

      <SubmitRow label="Start PPO" pending={pending} disabled={policies.length === 0 || rewardModels.length === 0} error={error}>
        {iterations !== null && (
          <span className="text-sm text-slate-600" data-testid="ppo-iterations">
            {iterations} iteration{iterations === 1 ? "" : "s"} of {sizes.batchSize} episode{sizes.batchSize === 1 ? "" : "s"}
          </span>
        )}
      </SubmitRow>
    </form>
  );
}
