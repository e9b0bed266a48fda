"use client";

// The SFT form: the model to fine-tune (any registered policy with weights; default the SFT
// model), an optional registry name, which demonstrations to learn from (every submitted one but
// those rejected by review, or accepted ones only; or a snapshot with sft files), and every
// setting of SftRunConfig with its default and help text (config-fields.ts) → POST /api/jobs
// {kind: "sft"} → the job page. A 400 is shown next to the fields it names.
import { useMemo, useState } from "react";
import type { ConfigFieldSpec } from "@/app/components/config-fields";
import { ConfigFieldSections, configIssueFields, readConfig } from "@/app/components/config-form-fields";
import { FieldError } from "@/app/components/field-issues";
import { RegistryNameField, SubmitRow, ThreadsField } from "@/app/components/job-form-fields";
import { useJobRequest } from "@/app/components/use-job-request";
import type { PpoModelOption } from "@/lib/ppo/views";

const input = "rounded border border-slate-300 px-2 py-1";
const SHOWN = ["params.baseModelId", "params.name", "params.demonstrations", "params.snapshot", "params.threads"] as const;

export interface DemonstrationCounts {
  submitted: number;
  accepted: number;
  rejected: number;
}

export function SftForm({
  projectId,
  models,
  defaultModelId,
  counts,
  referencePrompts,
  snapshots,
  fields,
}: {
  projectId: number;
  models: PpoModelOption[];
  defaultModelId: number | null;
  counts: DemonstrationCounts;
  /** Prompts of the project with a reference answer (held-out ones get the exact-answer check). */
  referencePrompts: number;
  /** Snapshots of the project that hold sft files. */
  snapshots: { name: string; hash: string }[];
  fields: ConfigFieldSpec[];
}) {
  const [selection, setSelection] = useState<"submitted" | "accepted">("submitted");
  const [snapshot, setSnapshot] = useState("");
  const named = useMemo(() => new Set<string>([...SHOWN, ...configIssueFields(fields)]), [fields]);
  const { issues, error, pending, start } = useJobRequest("sft", named);
  const usable = selection === "accepted" ? counts.accepted : counts.submitted - counts.rejected;
  const fieldError = (field: string) => <FieldError issues={issues} field={field} />;

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: string) => String(data.get(key) ?? "").trim();
    const params: Record<string, unknown> = {
      projectId,
      baseModelId: Number(text("baseModelId")),
      config: readConfig(data, fields),
    };
    if (snapshot !== "") params.snapshot = snapshot;
    else params.demonstrations = selection;
    if (text("name")) params.name = text("name");
    if (text("threads")) params.threads = Number(text("threads"));
    await start(params);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Run SFT" className="flex flex-col gap-5 rounded-lg border border-slate-200 bg-white p-4">
      <div className="grid gap-4 md:grid-cols-2">
        <div className="flex flex-col gap-1 text-sm">
          <label className="flex flex-col gap-1">
            Base model
            <select name="baseModelId" required className={input} defaultValue={defaultModelId ?? ""} aria-describedby="help-base">
              {models.length === 0 && <option value="">No Palate policy models registered</option>}
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <span id="help-base" className="text-xs text-slate-500">
            The model fine-tuned, from its weights: a pretrained base model, or an earlier SFT or RL model.
          </span>
          {fieldError("params.baseModelId")}
        </div>
        <RegistryNameField defaultName="sft-<project>-<job id>" what="fine-tuned model" issues={issues} inputClassName={input} />
        <ThreadsField issues={issues} />
      </div>

      <fieldset className="flex flex-col gap-2 border-t border-slate-100 pt-3 text-sm">
        <legend className="font-medium">Demonstrations</legend>
        {snapshots.length > 0 && (
          <label className="flex flex-col gap-1">
            Learn from
            <select value={snapshot} onChange={(e) => setSnapshot(e.target.value)} className={`${input} max-w-md`}>
              <option value="">this project&apos;s demonstrations</option>
              {snapshots.map((s) => (
                <option key={s.name} value={s.name}>
                  {`snapshot ${s.name} (${s.hash.slice(0, 12)}…), its test split held out`}
                </option>
              ))}
            </select>
          </label>
        )}
        {fieldError("params.snapshot")}
        {snapshot === "" && (
          <div className="flex flex-col gap-1" role="radiogroup" aria-label="Which demonstrations">
            <label className="flex items-center gap-2">
              <input type="radio" name="demonstrations" value="submitted" checked={selection === "submitted"} onChange={() => setSelection("submitted")} />
              {`Every submitted demonstration but those rejected by review (${counts.submitted - counts.rejected})`}
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="demonstrations" value="accepted" checked={selection === "accepted"} onChange={() => setSelection("accepted")} />
              {`Only those accepted by review (${counts.accepted})`}
            </label>
            <span className="text-xs text-slate-600" data-testid="sft-training-set">
              {`Demonstrations to learn from: ${usable}. ` +
                (referencePrompts > 0
                  ? `${referencePrompts} prompt${referencePrompts === 1 ? "" : "s"} carry a reference answer: held-out ones get the exact-answer check (eval_accuracy).`
                  : "No prompt carries a reference answer: the held-out loss is the evaluation.")}
            </span>
          </div>
        )}
        {fieldError("params.demonstrations")}
      </fieldset>

      <ConfigFieldSections fields={fields} issues={issues} />

      <SubmitRow label="Start SFT" pending={pending} disabled={models.length === 0} error={error} />
    </form>
  );
}
