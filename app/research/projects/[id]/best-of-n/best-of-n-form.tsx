"use client";

// The best-of-n form: the policy to sample from (any registered policy with weights; default the
// SFT model), N, what scores the answers (rule reward functions as a spec such as
// `accuracy,format=0.5`, or one of the project's reward models), the threshold, how many prompts,
// the sampling settings, and whether the kept answers also become demonstrations (into which
// demonstration project) → POST /api/jobs {kind: "best-of-n"} → this page following the run
// (?job=<id>). A 400 is shown next to the fields it names.
import { useState } from "react";
import type { ApiIssue } from "@/app/components/api-client";
import { FormField, inputClass, SubmitRow } from "@/app/components/job-form-fields";
import { FieldError } from "@/app/components/field-issues";
import { useJobRequest } from "@/app/components/use-job-request";
import type { PpoModelOption } from "@/lib/ppo/views";

/** The sampling settings with their defaults (lib/best-of-n/job-params.ts) and help. */
const SAMPLING = [
  { name: "temperature", label: "Temperature", value: "1", step: "any", help: "Sampling temperature; 0 is greedy (every answer the same)." },
  { name: "topP", label: "Top-p", value: "1", step: "any", help: "Nucleus sampling: the smallest set of tokens holding this much probability; 1 is off." },
  { name: "topK", label: "Top-k", value: "0", step: "1", help: "Sample among the k likeliest tokens only; 0 is off." },
  { name: "maxTokens", label: "Max new tokens", value: "64", step: "1", help: "The longest answer sampled, in tokens." },
  { name: "seed", label: "Seed", value: "0", step: "1", help: "The same seed samples the same answers." },
] as const;

const SHOWN = new Set([
  "params.projectId",
  "params.policyModelId",
  "params.n",
  "params.rules",
  "params.rewardModelId",
  "params.threshold",
  "params.maxPrompts",
  "params.asDemonstrations",
  "params.intoProjectId",
  ...SAMPLING.map((s) => `params.${s.name}`),
]);

export interface DemonstrationProjectOption {
  id: number;
  name: string;
}

export function BestOfNForm({
  projectId,
  policies,
  defaultPolicyId,
  rewardModels,
  defaultRules,
  scoreByDefault,
  demonstrationProjects,
}: {
  projectId: number;
  policies: PpoModelOption[];
  defaultPolicyId: number | null;
  /** The project's reward models with weights. */
  rewardModels: PpoModelOption[];
  defaultRules: string;
  scoreByDefault: "rules" | "reward-model";
  /** Projects that collect demonstrations (this one first when it does). */
  demonstrationProjects: DemonstrationProjectOption[];
}) {
  const [by, setBy] = useState<"rules" | "reward-model">(scoreByDefault);
  const [asDemonstrations, setAsDemonstrations] = useState(false);
  const { issues, error, pending, start } = useJobRequest("best-of-n", SHOWN, (id) => `/research/projects/${projectId}/best-of-n?job=${id}`);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: string) => String(data.get(key) ?? "").trim();
    // An empty optional number is left out; anything else is sent as a number (a typo as null, which the 400 names).
    const number = (key: string) => (text(key) === "" ? undefined : Number.isFinite(Number(text(key))) ? Number(text(key)) : null);
    const params: Record<string, unknown> = { projectId, policyModelId: Number(text("policyModelId")), n: number("n") };
    if (by === "rules") params.rules = text("rules");
    else params.rewardModelId = Number(text("rewardModelId"));
    for (const key of ["threshold", "maxPrompts", ...SAMPLING.map((s) => s.name)]) {
      const v = number(key);
      if (v !== undefined) params[key] = v;
    }
    if (asDemonstrations) {
      params.asDemonstrations = true;
      const into = Number(text("intoProjectId"));
      if (into !== projectId) params.intoProjectId = into;
    }
    await start(params);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Run best-of-n" className="flex flex-col gap-5 rounded-lg border border-slate-200 bg-white p-4">
      <div className="grid gap-4 md:grid-cols-2">
        <FormField
          label="Policy"
          helpId="policy"
          help="The model the answers are sampled from: default-sft, an earlier SFT model, or an RL policy (DeepSeek-R1 samples its GRPO policy)."
          field="params.policyModelId"
          issues={issues}
        >
          <select name="policyModelId" required className={inputClass} defaultValue={defaultPolicyId ?? ""} aria-describedby="help-policy">
            {policies.length === 0 && <option value="">No Palate policy models registered</option>}
            {policies.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField
          label="Answers per prompt (N)"
          helpId="n"
          help="How many answers are sampled for each prompt; the best is kept."
          field="params.n"
          issues={issues}
        >
          <input name="n" type="number" min={1} max={256} step={1} defaultValue={8} required className={inputClass} aria-describedby="help-n" />
        </FormField>
      </div>

      <fieldset className="flex flex-col gap-2 border-t border-slate-100 pt-3 text-sm">
        <legend className="font-medium">Scored by</legend>
        <div className="flex flex-wrap gap-4" role="radiogroup" aria-label="Scored by">
          <label className="flex items-center gap-2">
            <input type="radio" name="by" value="rules" checked={by === "rules"} onChange={() => setBy("rules")} />
            Reward functions
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="by"
              value="reward-model"
              checked={by === "reward-model"}
              disabled={rewardModels.length === 0}
              onChange={() => setBy("reward-model")}
            />
            {rewardModels.length === 0 ? "A reward model (this project has none yet)" : "A reward model"}
          </label>
        </div>
        {by === "rules" ? (
          <FormField
            label="Reward functions"
            helpId="rules"
            help="Names with weights and parameters, e.g. accuracy, accuracy,format=0.5 or length(budget=200)=0.25. Accuracy compares each answer with its prompt's reference answer (only prompts with one are sampled)."
            field="params.rules"
            issues={issues}
          >
            <input
              name="rules"
              type="text"
              defaultValue={defaultRules}
              maxLength={1000}
              className={`${inputClass} max-w-md font-mono`}
              aria-describedby="help-rules"
            />
          </FormField>
        ) : (
          <FormField
            label="Reward model"
            helpId="reward-model"
            help="A reward model of this project scores each answer."
            field="params.rewardModelId"
            issues={issues}
          >
            <select name="rewardModelId" className={`${inputClass} max-w-md`} aria-describedby="help-reward-model">
              {rewardModels.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </FormField>
        )}
        {by === "reward-model" && <FieldError issues={issues} field="params.rules" />}
      </fieldset>

      <div className="grid gap-4 border-t border-slate-100 pt-3 md:grid-cols-2">
        <FormField
          label="Threshold (optional)"
          helpId="threshold"
          help="Keep a prompt's best answer only when it scores at least this; empty keeps every prompt's best. With accuracy, 1 keeps right answers only."
          field="params.threshold"
          issues={issues}
        >
          <input name="threshold" type="number" step="any" className={inputClass} aria-describedby="help-threshold" />
        </FormField>
        <FormField
          label="Max prompts (optional)"
          helpId="max-prompts"
          help="Answer only the first this many distinct prompts; empty answers them all."
          field="params.maxPrompts"
          issues={issues}
        >
          <input name="maxPrompts" type="number" min={1} step={1} className={inputClass} aria-describedby="help-max-prompts" />
        </FormField>
      </div>

      <fieldset className="grid gap-4 border-t border-slate-100 pt-3 md:grid-cols-3">
        <legend className="text-sm font-medium">Sampling</legend>
        {SAMPLING.map((s) => (
          <FormField key={s.name} label={s.label} helpId={s.name} help={s.help} field={`params.${s.name}`} issues={issues}>
            <input
              name={s.name}
              type="number"
              step={s.step}
              min={0}
              defaultValue={s.value}
              required
              className={inputClass}
              aria-describedby={`help-${s.name}`}
            />
          </FormField>
        ))}
      </fieldset>

      <fieldset className="flex flex-col gap-2 border-t border-slate-100 pt-3 text-sm">
        <legend className="font-medium">Demonstrations</legend>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="asDemonstrations" checked={asDemonstrations} onChange={(e) => setAsDemonstrations(e.target.checked)} />
          Also insert the kept answers as demonstrations (submitted by the &quot;best-of-n&quot; annotator, review pending)
        </label>
        <FieldError issues={issues} field="params.asDemonstrations" />
        {asDemonstrations && <DemonstrationTarget projectId={projectId} projects={demonstrationProjects} issues={issues} />}
      </fieldset>

      <SubmitRow label="Start best-of-n" pending={pending} disabled={policies.length === 0} error={error} />
    </form>
  );
}

function DemonstrationTarget({ projectId, projects, issues }: { projectId: number; projects: DemonstrationProjectOption[]; issues: readonly ApiIssue[] }) {
  return (
    <FormField
      label="Into project"
      helpId="into"
      help="A project that collects demonstrations; reviewers see the inserted answers there."
      field="params.intoProjectId"
      issues={issues}
    >
      <select name="intoProjectId" className={`${inputClass} max-w-md`} defaultValue={projects[0]?.id ?? projectId} aria-describedby="help-into">
        {projects.length === 0 && <option value={projectId}>No demonstration project yet (an admin creates one)</option>}
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.id === projectId ? `${p.name} (this project)` : p.name}
          </option>
        ))}
      </select>
    </FormField>
  );
}
