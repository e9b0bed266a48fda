"use client";

// "Start next round" from a PPO policy: K completions per prompt (default 4), the longest
// completion in tokens, and whether to mix in the previous model's completions (the model the
// policy started from; default on, so the annotators rank the two head to head) →
// POST /api/projects/[id]/rounds → the generation job's page. Shown on a finished PPO job's page and on a PPO policy's model page. A 400 is shown next
// to the field it names.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { samplingSchema } from "@/lib/generation/job-params";
import { callApi, type ApiIssue } from "./api-client";

const input = "rounded border border-slate-300 px-2 py-1";
/** The generation job's sampling defaults (K = 4, 64 tokens). */
const { k: DEFAULT_K, maxTokens: DEFAULT_MAX_TOKENS } = samplingSchema.parse({});

export function StartNextRound({
  projectId,
  policy,
  round,
  previous,
}: {
  projectId: number;
  /** The PPO policy the round samples from. */
  policy: { id: number; name: string };
  /** The policy's round; the tasks belong to the next one. */
  round: number;
  /** The registered model the policy started from (its completions are mixed in), or null when there is none to mix. */
  previous: { id: number; name: string } | null;
}) {
  const router = useRouter();
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [mix, setMix] = useState(previous !== null);
  const [k, setK] = useState(DEFAULT_K);
  const [maxTokens, setMaxTokens] = useState(DEFAULT_MAX_TOKENS);
  const fields = new Set(["policyModelId", "mixPrevious", "sampling.k", "sampling.maxTokens"]);

  const fieldError = (field: string) => {
    const text = issues
      .filter((i) => i.field === field)
      .map((i) => i.message)
      .join("; ");
    return text ? (
      <span role="alert" className="text-xs text-red-700" data-field={field}>
        {text}
      </span>
    ) : null;
  };

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    setIssues([]);
    const res = await callApi<{ job: { id: number } }>(`/api/projects/${projectId}/rounds`, "POST", {
      policyModelId: policy.id,
      mixPrevious: mix,
      sampling: { k, maxTokens },
    });
    if (res.ok) {
      router.push(`/research/jobs/${res.data.job.id}`);
      return;
    }
    setPending(false);
    setIssues(res.issues);
    const rest = res.issues.filter((i) => !fields.has(i.field));
    setError(res.issues.length === 0 ? res.error : rest.length > 0 ? rest.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("; ") : null);
  }

  const fromPolicy = mix ? Math.ceil(k / 2) : k;
  return (
    <form
      onSubmit={onSubmit}
      aria-label="Start next round"
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4"
      data-testid="start-next-round"
    >
      <p className="text-sm text-slate-600">
        Sample every prompt of the project again from <span className="font-medium text-slate-800">{policy.name}</span>, as round {round + 1}
        &apos;s tasks for the annotators; their rankings train the next reward model.
      </p>
      <div className="flex flex-wrap items-start gap-x-8 gap-y-3 text-sm">
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1">
            Completions per prompt (K)
            <input
              name="k"
              type="number"
              min={2}
              max={9}
              step={1}
              required
              value={Number.isFinite(k) ? k : ""}
              onChange={(e) => setK(e.target.valueAsNumber)}
              aria-describedby="help-next-round-k"
              aria-invalid={issues.some((i) => i.field === "sampling.k") || undefined}
              className={`${input} w-24`}
            />
          </label>
          <span id="help-next-round-k" className="text-xs text-slate-500">
            2–9. Default: {DEFAULT_K}.
          </span>
          {fieldError("sampling.k")}
        </div>
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1">
            Max new tokens
            <input
              name="maxTokens"
              type="number"
              min={1}
              max={4096}
              step={1}
              required
              value={Number.isFinite(maxTokens) ? maxTokens : ""}
              onChange={(e) => setMaxTokens(e.target.valueAsNumber)}
              aria-describedby="help-next-round-max-tokens"
              aria-invalid={issues.some((i) => i.field === "sampling.maxTokens") || undefined}
              className={`${input} w-24`}
            />
          </label>
          <span id="help-next-round-max-tokens" className="text-xs text-slate-500">
            The longest completion. Default: {DEFAULT_MAX_TOKENS}.
          </span>
          {fieldError("sampling.maxTokens")}
        </div>
        <div className="flex max-w-md flex-col gap-1">
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              name="mixPrevious"
              checked={mix}
              disabled={previous === null}
              onChange={(e) => setMix(e.target.checked)}
              aria-describedby="help-next-round-mix"
            />
            Mix with the previous model&apos;s completions (head to head)
          </label>
          <span id="help-next-round-mix" className="text-xs text-slate-500">
            {previous === null
              ? "The model this policy started from is not in the registry: the round samples from the policy alone."
              : mix && Number.isFinite(k)
                ? `Of each prompt's ${k} completions, ${fromPolicy} from ${policy.name} and ${k - fromPolicy} from ${previous.name}; the rounds table reports how often the annotators preferred ${policy.name}.`
                : `All completions from ${policy.name}.`}
          </span>
          {fieldError("mixPrevious")}
        </div>
      </div>
      {fieldError("policyModelId")}
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          disabled={pending}
          className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          {pending ? "Starting…" : "Start next round"}
        </button>
        {error && (
          <p role="alert" className="text-sm text-red-700" data-testid="next-round-error">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
