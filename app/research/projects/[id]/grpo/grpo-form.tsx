"use client";

// The GRPO form: the policy to start from (any registered policy with weights: the SFT model, a
// base model for R1-Zero, an earlier run's policy), the rule reward functions of lib/rewards as
// checkboxes, each with its weight and its parameters (defaults and help from its schema), an
// optional reward model (its score × the reward-model weight joins the reward), an optional KL
// reference and registry name, and every setting of GrpoConfig with its default and help text
// (config-fields.ts) → POST /api/jobs {kind: "grpo"} → the job page. A 400 is shown next to the
// fields it names; a reward function's issue (`params.rewards.<i>.…`) beside that function.
import { useMemo, useState } from "react";
import type { ApiIssue } from "@/app/components/api-client";
import type { ConfigFieldSpec } from "@/app/components/config-fields";
import { ConfigFieldSections, configIssueFields, readConfig } from "@/app/components/config-form-fields";
import { FieldError } from "@/app/components/field-issues";
import { ReferenceField, RegistryNameField, StartPolicyField, SubmitRow, ThreadsField } from "@/app/components/job-form-fields";
import { useJobRequest } from "@/app/components/use-job-request";
import type { PpoModelOption } from "@/lib/ppo/views";

const input = "rounded border border-slate-300 px-2 py-1";
const MODEL_FIELDS = ["policyModelId", "rewardModelId", "referenceModelId", "name", "rewards"] as const;
/** Checked by default: DeepSeek-R1-Zero's accuracy reward. */
const DEFAULT_REWARDS = ["accuracy"];

/** A registered reward function as the form offers it. */
export interface RewardFunctionOption {
  name: string;
  help: string;
  /** Its parameters as form fields (from its schema). */
  params: ConfigFieldSpec[];
}

function policyLabel(m: PpoModelOption): string {
  return m.round === null ? m.name : `${m.name} (PPO round ${m.round}${m.ofProject ? ", this project" : ""})`;
}

/** The issues of one reward term the server named by its index in the list sent. */
function termIssues(issues: readonly ApiIssue[], index: number): string {
  return issues
    .filter((i) => i.field === `params.rewards.${index}` || i.field.startsWith(`params.rewards.${index}.`))
    .map((i) => i.message)
    .join("; ");
}

export function GrpoForm({
  projectId,
  policies,
  rewardModels,
  defaultPolicyId,
  rewardFunctions,
  fields,
}: {
  projectId: number;
  policies: PpoModelOption[];
  /** The project's reward models (optional in GRPO). */
  rewardModels: PpoModelOption[];
  defaultPolicyId: number | null;
  rewardFunctions: RewardFunctionOption[];
  /** Every GrpoConfig setting, derived from its schema. */
  fields: ConfigFieldSpec[];
}) {
  const [policyId, setPolicyId] = useState<number | null>(defaultPolicyId);
  const [chosen, setChosen] = useState<string[]>(() => rewardFunctions.filter((f) => DEFAULT_REWARDS.includes(f.name)).map((f) => f.name));
  // The reward functions in the order they were sent, so `params.rewards.<i>` finds its function.
  const [sent, setSent] = useState<string[]>([]);
  const [sizes, setSizes] = useState(() => ({
    totalEpisodes: Number(fields.find((f) => f.key === "totalEpisodes")?.default),
    batchSize: Number(fields.find((f) => f.key === "batchSize")?.default),
    numGenerations: Number(fields.find((f) => f.key === "numGenerations")?.default),
  }));
  const named = useMemo(() => {
    const termFields = rewardFunctions.flatMap((_, i) => [
      `params.rewards.${i}`,
      `params.rewards.${i}.name`,
      `params.rewards.${i}.weight`,
      `params.rewards.${i}.params`,
    ]);
    return new Set([...MODEL_FIELDS.map((k) => `params.${k}`), ...termFields, ...configIssueFields(fields)]);
  }, [fields, rewardFunctions]);
  const { issues, error, pending, start } = useJobRequest("grpo", named);
  const policy = policies.find((p) => p.id === policyId);
  const iterations = sizes.batchSize > 0 && Number.isFinite(sizes.totalEpisodes / sizes.batchSize) ? Math.floor(sizes.totalEpisodes / sizes.batchSize) : null;
  const promptsPerIteration = sizes.numGenerations > 0 ? sizes.batchSize / sizes.numGenerations : NaN;

  const fieldError = (field: string) => <FieldError issues={issues} field={field} />;

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: string) => String(data.get(key) ?? "").trim();
    const rewards = rewardFunctions
      .filter((f) => data.get(`reward.${f.name}`) === "on")
      .map((f) => {
        const given = readConfig(
          data,
          f.params.map((p) => ({ ...p, key: `reward.${f.name}.${p.key}` })),
        );
        const params = Object.fromEntries(f.params.map((p) => [p.key, given[`reward.${f.name}.${p.key}`]]));
        return { name: f.name, weight: Number(text(`reward.${f.name}.weight`)), params };
      });
    const params: Record<string, unknown> = { projectId, policyModelId: Number(text("policyModelId")), rewards, config: readConfig(data, fields) };
    if (text("rewardModelId")) params.rewardModelId = Number(text("rewardModelId"));
    if (text("referenceModelId")) params.referenceModelId = Number(text("referenceModelId"));
    if (text("name")) params.name = text("name");
    if (text("threads")) params.threads = Number(text("threads"));
    setSent(rewards.map((r) => r.name));
    await start(params);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Run GRPO" className="flex flex-col gap-5 rounded-lg border border-slate-200 bg-white p-4">
      <div className="grid gap-4 md:grid-cols-2">
        <StartPolicyField
          policies={policies}
          defaultPolicyId={defaultPolicyId}
          onChange={setPolicyId}
          optionLabel={policyLabel}
          issues={issues}
          help={
            <>
              The policy GRPO trains, from its weights: the SFT model (or a cold-start SFT model) for R1, a base model for R1-Zero, or an earlier run&apos;s
              policy.
            </>
          }
        />
        <div className="flex flex-col gap-1 text-sm">
          <label className="flex flex-col gap-1">
            Reward model (optional)
            <select name="rewardModelId" className={input} defaultValue="" aria-describedby="help-reward-model">
              <option value="">none: the reward functions alone</option>
              {rewardModels.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <span id="help-reward-model" className="text-xs text-slate-500">
            A reward model of this project whose score, × the reward-model weight below, joins the reward functions&apos; (logged as rewards/reward_model).
            {rewardModels.length === 0 && " This project has none yet."}
          </span>
          {fieldError("params.rewardModelId")}
        </div>
        <ReferenceField
          label="KL reference (optional)"
          policies={policies}
          policy={policy}
          optionLabel={policyLabel}
          issues={issues}
          help={<>The frozen policy the β-weighted KL keeps the policy near (not run when β = 0). Default: the start policy.</>}
        />
        <RegistryNameField defaultName="grpo-<project>-<job id>" what="trained policy" issues={issues} />
        <ThreadsField issues={issues} />
      </div>

      <fieldset className="flex flex-col gap-3 border-t border-slate-100 pt-3" aria-describedby="help-rewards">
        <legend className="text-sm font-medium">Reward functions</legend>
        <span id="help-rewards" className="text-xs text-slate-500">
          The reward of a completion is the weighted sum of the chosen functions (each logged on its own as rewards/&lt;name&gt;); a weight of 0 keeps a
          function&apos;s curve without its reward, a negative one makes it a penalty. Default: accuracy alone, as in R1-Zero.
        </span>
        {fieldError("params.rewards")}
        <div className="grid items-start gap-4 md:grid-cols-3">
          {rewardFunctions.map((f) => {
            const on = chosen.includes(f.name);
            const index = sent.indexOf(f.name);
            const problem = index >= 0 ? termIssues(issues, index) : "";
            return (
              <div key={f.name} className="flex flex-col gap-1 rounded border border-slate-200 p-2 text-sm" data-testid={`reward-function-${f.name}`}>
                <label className="flex items-center gap-2 font-medium">
                  <input
                    type="checkbox"
                    name={`reward.${f.name}`}
                    checked={on}
                    onChange={(e) => setChosen((c) => (e.target.checked ? [...c, f.name] : c.filter((n) => n !== f.name)))}
                    aria-describedby={`help-reward-${f.name}`}
                  />
                  <span className="font-mono">{f.name}</span>
                </label>
                <span id={`help-reward-${f.name}`} className="text-xs text-slate-500">
                  {f.help}
                </span>
                <label className="flex items-center gap-2">
                  Weight
                  <input
                    name={`reward.${f.name}.weight`}
                    type="number"
                    step="any"
                    defaultValue="1"
                    disabled={!on}
                    required
                    aria-label={`Weight of ${f.name}`}
                    className={`${input} w-24`}
                  />
                </label>
                {f.params.map((p) => (
                  <label key={p.key} className="flex flex-col gap-1" title={p.help}>
                    <span>
                      {p.label}{" "}
                      <span className="text-xs text-slate-500">
                        ({p.help} Default: {String(p.default)}.)
                      </span>
                    </span>
                    {p.kind === "enum" ? (
                      <select
                        name={`reward.${f.name}.${p.key}`}
                        defaultValue={String(p.default)}
                        disabled={!on}
                        aria-label={`${f.name}: ${p.label}`}
                        className={`${input} w-32`}
                      >
                        {(p.options ?? []).map((o) => (
                          <option key={o} value={o}>
                            {o}
                          </option>
                        ))}
                      </select>
                    ) : p.kind === "bool" ? (
                      <input
                        type="checkbox"
                        name={`reward.${f.name}.${p.key}`}
                        defaultChecked={p.default === true}
                        disabled={!on}
                        aria-label={`${f.name}: ${p.label}`}
                      />
                    ) : (
                      <input
                        name={`reward.${f.name}.${p.key}`}
                        type="number"
                        step={p.kind === "int" ? 1 : "any"}
                        min={p.min}
                        max={p.max}
                        defaultValue={String(p.default)}
                        disabled={!on}
                        required
                        aria-label={`${f.name}: ${p.label}`}
                        className={`${input} w-32`}
                      />
                    )}
                  </label>
                ))}
                {problem && (
                  <span role="alert" className="text-xs text-red-700" data-field={`params.rewards.${index}`}>
                    {problem}
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </fieldset>

      <ConfigFieldSections
        fields={fields}
        issues={issues}
        onValueChange={(key, value) => {
          if (key === "totalEpisodes" || key === "batchSize" || key === "numGenerations") setSizes((s) => ({ ...s, [key]: value }));
        }}
      />

      <SubmitRow label="Start GRPO" pending={pending} disabled={policies.length === 0 || chosen.length === 0} error={error}>
        {iterations !== null && (
          <span className="text-sm text-slate-600" data-testid="grpo-iterations">
            {`${iterations} iteration${iterations === 1 ? "" : "s"} of ${sizes.batchSize} completions`}
            {Number.isInteger(promptsPerIteration) && ` (${promptsPerIteration} prompt${promptsPerIteration === 1 ? "" : "s"} × ${sizes.numGenerations})`}
          </span>
        )}
        {chosen.length === 0 && <span className="text-sm text-amber-700">Choose at least one reward function.</span>}
      </SubmitRow>
    </form>
  );
}
