"use client";

// The reward-model training form: a base model (a Palate policy; default the project's SFT
// model), an optional registry name, which rounds' rankings to learn (every round's, or the
// latest round's only) and every hyperparameter of RewardConfig with its default and help text
// → POST /api/jobs {kind: "train-rm"} → the job page. A 400 is shown next to the fields it names.
// The validation fraction starts at what holds out enough prompts for this project
// (lib/reward/held-out.ts), and the form says how many prompts and pairs it will hold out, with a
// warning when that is too few for a held-out accuracy to mean much.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, type ApiIssue } from "@/app/components/api-client";
import { DEFAULT_REWARD_CONFIG, REWARD_CONFIG_HELP, type RewardConfig } from "@/lib/ml/rl/reward-config";
import type { TrainRmJobParams } from "@/lib/reward/job-params";
import { expectedHeldOut, suggestedValidationFraction } from "@/lib/reward/held-out";
import type { TrainingSetSize } from "@/lib/reward/training-set-size";
import { FieldError, issueText } from "@/app/components/field-issues";
import { RegistryNameField, SubmitRow, ThreadsField } from "@/app/components/job-form-fields";
import { RANKINGS_SOURCE_FIELDS, RankingsSourceFields, readRankingsSource } from "@/app/components/rankings-source-fields";

type RoundsChoice = TrainRmJobParams["rounds"];
const DEFAULT_ROUNDS: RoundsChoice = "all";

interface BaseOption {
  id: number;
  name: string;
  description: string | null;
}

type Key = keyof RewardConfig;
interface FieldSpec {
  key: Key;
  label: string;
  type: "int" | "float" | "bool";
  min?: number;
  max?: number;
}

/** Help texts: REWARD_CONFIG_HELP, the settings' descriptions in lib/ml/rl/reward-config.ts. */
const BASIC: FieldSpec[] = [
  { key: "epochs", label: "Epochs", type: "int", min: 1, max: 100 },
  { key: "learningRate", label: "Learning rate", type: "float", min: 0, max: 1 },
  { key: "batchSize", label: "Batch size", type: "int", min: 1, max: 256 },
  { key: "validationFraction", label: "Validation fraction", type: "float", min: 0, max: 0.9 },
  { key: "evalEvery", label: "Evaluate every (steps)", type: "int", min: 0 },
];

const ADVANCED: FieldSpec[] = [
  { key: "maxLength", label: "Max length (tokens)", type: "int", min: 8, max: 4096 },
  { key: "seed", label: "Seed", type: "int", min: 0, max: 2 ** 31 - 1 },
  { key: "warmupRatio", label: "Warmup ratio", type: "float", min: 0, max: 1 },
  { key: "margin", label: "Margin", type: "float", min: 0, max: 100 },
  { key: "centring", label: "Centring coefficient", type: "float", min: 0, max: 10 },
  { key: "checkpointEvery", label: "Checkpoint every (steps)", type: "int", min: 1 },
  { key: "includeNoneAcceptable", label: "Include “none acceptable” rankings", type: "bool" },
  { key: "marginFromStrength", label: "Margin from pairwise strength", type: "bool" },
];

const input = "rounded border border-slate-300 px-2 py-1";

export function TrainRmForm({
  projectId,
  bases,
  defaultBaseId,
  sampledFromId,
  latestRound,
  sizes,
  snapshots = [],
}: {
  projectId: number;
  bases: BaseOption[];
  defaultBaseId: number | null;
  /** The model the project's latest generation sampled from, when there was one. */
  sampledFromId: number | null;
  /** The project's latest round of the loop (1 before any "next round"). */
  latestRound: number;
  /** What a job would train on with every round's rankings, and with the latest round's only. */
  sizes: Record<RoundsChoice, TrainingSetSize>;
  /** The project's dataset snapshots (lib/datasets/snapshot-store.ts), to train on one instead of the live rankings. */
  snapshots?: { name: string; hash: string; rankings: number; testPrompts: number }[];
}) {
  const router = useRouter();
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const suggestedFraction = suggestedValidationFraction(sizes[DEFAULT_ROUNDS].prompts);
  const [rounds, setRounds] = useState<RoundsChoice>(DEFAULT_ROUNDS);
  const [snapshot, setSnapshot] = useState("");
  const [fraction, setFraction] = useState(String(suggestedFraction));
  const size = sizes[rounds];
  const parsedFraction = Number(fraction);
  const heldOut = fraction.trim() !== "" && parsedFraction >= 0 && parsedFraction < 1 ? expectedHeldOut(size.prompts, size.pairs, parsedFraction) : null;

  const issueFor = (field: string) => issueText(issues, field);
  const named = new Set(["params.baseModelId", "params.name", ...RANKINGS_SOURCE_FIELDS, ...[...BASIC, ...ADVANCED].map((f) => `params.config.${f.key}`)]);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const config: Record<string, number | boolean> = {};
    for (const f of [...BASIC, ...ADVANCED]) {
      if (f.type === "bool") config[f.key] = data.get(f.key) === "on";
      else config[f.key] = Number(String(data.get(f.key) ?? "").trim());
    }
    const name = String(data.get("name") ?? "").trim();
    const baseModelId = Number(data.get("baseModelId"));
    const threads = String(data.get("threads") ?? "").trim();
    const params = {
      projectId,
      baseModelId,
      ...(name ? { name } : {}),
      ...readRankingsSource(data, snapshot),
      config,
      ...(threads ? { threads: Number(threads) } : {}),
    };
    setPending(true);
    setError(null);
    setIssues([]);
    const res = await callApi<{ job: { id: number } }>("/api/jobs", "POST", { kind: "train-rm", params });
    if (res.ok) {
      router.push(`/research/jobs/${res.data.job.id}`);
      return;
    }
    setPending(false);
    setIssues(res.issues);
    if (res.issues.some((i) => ADVANCED.some((f) => i.field === `params.config.${f.key}`))) setAdvancedOpen(true);
    // Issues shown beside a field are not repeated; the rest go in the summary line.
    const rest = res.issues.filter((i) => !named.has(i.field));
    setError(
      res.issues.length === 0
        ? res.error
        : rest.length > 0
          ? rest.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("; ")
          : "Please correct the fields marked below.",
    );
  }

  const fieldError = (field: string) => <FieldError issues={issues} field={field} />;

  const renderField = (f: FieldSpec) => {
    const field = `params.config.${f.key}`;
    const def = DEFAULT_REWARD_CONFIG[f.key];
    const helpId = `help-${f.key}`;
    const isFraction = f.key === "validationFraction";
    if (f.type === "bool") {
      return (
        <div key={f.key} className="flex flex-col gap-1 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" name={f.key} defaultChecked={def === true} aria-describedby={helpId} />
            {f.label}
          </label>
          <span id={helpId} className="text-xs text-slate-500">
            {REWARD_CONFIG_HELP[f.key]} Default: {def ? "on" : "off"}.
          </span>
          {fieldError(field)}
        </div>
      );
    }
    return (
      <div key={f.key} className="flex flex-col gap-1 text-sm">
        <label className="flex flex-col gap-1">
          {f.label}
          <input
            name={f.key}
            type="number"
            step={f.type === "int" ? 1 : "any"}
            min={f.min}
            max={f.max}
            {...(isFraction
              ? { value: fraction, onChange: (e: React.ChangeEvent<HTMLInputElement>) => setFraction(e.target.value) }
              : { defaultValue: String(def) })}
            required
            aria-describedby={helpId}
            aria-invalid={issueFor(field) ? true : undefined}
            className={`${input} w-40`}
          />
        </label>
        <span id={helpId} className="max-w-xs text-xs text-slate-500">
          {REWARD_CONFIG_HELP[f.key]}{" "}
          {isFraction && suggestedFraction !== def
            ? `Suggested for this project: ${suggestedFraction}, to hold out enough prompts (the setting's default is ${String(def)}).`
            : `Default: ${String(def)}.`}
        </span>
        {fieldError(field)}
      </div>
    );
  };

  return (
    <form onSubmit={onSubmit} aria-label="Train reward model" className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-col gap-1 text-sm">
        <label className="flex flex-col gap-1">
          Base model
          <select name="baseModelId" required className={`${input} max-w-md`} defaultValue={defaultBaseId ?? ""} aria-describedby="help-base">
            {bases.length === 0 && <option value="">No Palate policy models registered</option>}
            {bases.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
                {m.id === sampledFromId ? " (this project's SFT model)" : ""}
              </option>
            ))}
          </select>
        </label>
        <span id="help-base" className="text-xs text-slate-500">
          The backbone starts from this policy; a score head is added on its last hidden state. Default: the model this project&apos;s completions were sampled
          from.
        </span>
        {fieldError("params.baseModelId")}
      </div>
      <RegistryNameField defaultName="rm-<project>-<job id>" what="trained model" issues={issues} />

      <RankingsSourceFields
        snapshots={snapshots}
        snapshot={snapshot}
        onSnapshot={setSnapshot}
        rounds={rounds}
        onRounds={setRounds}
        latestRound={latestRound}
        learner="the reward model"
        issues={issues}
      />

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium">Training</legend>
        <div className="flex flex-wrap items-start gap-4">{BASIC.map(renderField)}</div>
        <HeldOutPreview size={size} heldOut={heldOut} />
      </fieldset>
      <details className="flex flex-col gap-2" open={advancedOpen} onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}>
        <summary className="cursor-pointer text-sm font-medium">Advanced</summary>
        <div className="mt-2 flex flex-wrap items-start gap-4">
          {ADVANCED.map(renderField)}
          <ThreadsField issues={issues} />
        </div>
      </details>

      <SubmitRow label="Start training" pending={pending} disabled={bases.length === 0} error={error} className="flex items-center gap-3" />
    </form>
  );
}

/** What the validation fraction will hold out of the chosen rankings, and the warning when it is too little. */
function HeldOutPreview({ size, heldOut }: { size: TrainingSetSize; heldOut: ReturnType<typeof expectedHeldOut> | null }) {
  return (
    <div className="flex flex-col gap-1 text-xs" data-testid="held-out-preview" aria-live="polite">
      <span className="text-slate-600">
        {`Rankings to learn from: ${size.rankings} (${size.prompts} prompt${size.prompts === 1 ? "" : "s"}, ${size.pairs} pair${size.pairs === 1 ? "" : "s"}; a pair is one "A ranked above B" a ranking implies).`}
        {heldOut &&
          heldOut.prompts > 0 &&
          ` Held out for evaluation: ${heldOut.prompts} prompt${heldOut.prompts === 1 ? "" : "s"}, about ${heldOut.pairs} pairs.`}
      </span>
      {heldOut?.warning && (
        <span role="note" className="max-w-3xl text-amber-800" data-testid="held-out-warning">
          ⚠ {heldOut.warning}
        </span>
      )}
    </div>
  );
}
