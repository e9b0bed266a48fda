// The fields the training forms (reward model, PPO, GRPO, DPO, SFT) share: a labelled field with
// its help text and the 400's issue beside it, the start-policy and reference pickers, the
// optional registry name, and the submit row with the form's error.
import type { ReactNode } from "react";
import type { ApiIssue } from "./api-client";
import { FieldError } from "./field-issues";
import { MAX_THREADS } from "@/lib/jobs/threads";
import type { PpoModelOption } from "@/lib/ppo/views";

export const inputClass = "rounded border border-slate-300 px-2 py-1";

/** A labelled control, its help text (`help-<helpId>`, which the control names in aria-describedby), and `field`'s issue. */
export function FormField(props: {
  label: ReactNode;
  helpId: string;
  help: ReactNode;
  field: string;
  issues: readonly ApiIssue[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={`flex flex-col gap-1 text-sm${props.className ? ` ${props.className}` : ""}`}>
      <label className="flex flex-col gap-1">
        {props.label}
        {props.children}
      </label>
      <span id={`help-${props.helpId}`} className="text-xs text-slate-500">
        {props.help}
      </span>
      <FieldError issues={props.issues} field={props.field} />
    </div>
  );
}

/** The policy to start from (`policyModelId`), any registered policy with weights. */
export function StartPolicyField(props: {
  policies: readonly PpoModelOption[];
  defaultPolicyId: number | null;
  onChange: (id: number) => void;
  optionLabel: (m: PpoModelOption) => string;
  help: ReactNode;
  issues: readonly ApiIssue[];
}) {
  return (
    <FormField label="Start policy" helpId="policy" help={props.help} field="params.policyModelId" issues={props.issues}>
      <select
        name="policyModelId"
        required
        className={inputClass}
        defaultValue={props.defaultPolicyId ?? ""}
        onChange={(e) => props.onChange(Number(e.target.value))}
        aria-describedby="help-policy"
      >
        {props.policies.length === 0 && <option value="">No Palate policy models registered</option>}
        {props.policies.map((m) => (
          <option key={m.id} value={m.id}>
            {props.optionLabel(m)}
          </option>
        ))}
      </select>
    </FormField>
  );
}

/** The optional frozen reference (`referenceModelId`); empty means the start policy. */
export function ReferenceField(props: {
  label: string;
  policies: readonly PpoModelOption[];
  /** The start policy chosen, named in the empty choice. */
  policy: PpoModelOption | undefined;
  optionLabel: (m: PpoModelOption) => string;
  help: ReactNode;
  issues: readonly ApiIssue[];
}) {
  return (
    <FormField label={props.label} helpId="reference" help={props.help} field="params.referenceModelId" issues={props.issues}>
      <select name="referenceModelId" className={inputClass} defaultValue="" aria-describedby="help-reference">
        <option value="">the start policy{props.policy ? ` (${props.policy.name})` : ""}</option>
        {props.policies.map((m) => (
          <option key={m.id} value={m.id}>
            {props.optionLabel(m)}
          </option>
        ))}
      </select>
    </FormField>
  );
}

/** The optional registry name (`name`) of the model the job registers. */
export function RegistryNameField(props: {
  /** The default name, e.g. "ppo-<project>-<job id>". */
  defaultName: string;
  /** What gets the name: "trained policy", "fine-tuned model", … */
  what: string;
  issues: readonly ApiIssue[];
  className?: string;
  inputClassName?: string;
}) {
  return (
    <FormField
      label="Name (optional)"
      helpId="name"
      help={`The registry name of the ${props.what}; letters, digits and . _ - @ : / + only.`}
      field="params.name"
      issues={props.issues}
      className={props.className}
    >
      <input
        name="name"
        type="text"
        maxLength={200}
        className={props.inputClassName ?? `${inputClass} max-w-md`}
        placeholder={`default: ${props.defaultName}`}
        aria-describedby="help-name"
      />
    </FormField>
  );
}

/** The job's onnxruntime threads per operator (`threads`, lib/jobs/threads.ts); 1 by default. */
export function ThreadsField(props: { issues: readonly ApiIssue[]; className?: string }) {
  return (
    <FormField
      label="Threads"
      helpId="threads"
      help={`onnxruntime threads per operator, 1 to ${MAX_THREADS}. 1 gives the same result bit for bit on every run; up to the server's cores runs faster (on 2 cores, 2 threads: a GRPO iteration about 1.5× faster).`}
      field="params.threads"
      issues={props.issues}
      className={props.className}
    >
      <input
        name="threads"
        type="number"
        min={1}
        max={MAX_THREADS}
        step={1}
        defaultValue={1}
        className={`${inputClass} w-24`}
        aria-describedby="help-threads"
      />
    </FormField>
  );
}

/** The submit button ("Starting…" while the request runs), anything shown beside it, and the form's error. */
export function SubmitRow(props: { label: string; pending: boolean; disabled: boolean; error: string | null; className?: string; children?: ReactNode }) {
  return (
    <div className={props.className ?? "flex flex-wrap items-center gap-3"}>
      <button
        type="submit"
        disabled={props.pending || props.disabled}
        className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
      >
        {props.pending ? "Starting…" : props.label}
      </button>
      {props.children}
      {props.error && (
        <p role="alert" className="text-sm text-red-700" data-testid="form-error">
          {props.error}
        </p>
      )}
    </div>
  );
}
