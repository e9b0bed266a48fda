// A GRPO evaluation on held-out prompts, as the trainer records it: the mean reward of the
// policy's and the reference's greedy answers, each reward function's mean (rewards/<name>), the
// exact-answer accuracy of both when the prompts carry reference answers, the policy's mean
// completion length, then one row per prompt (prompt, reference answer, both completions with
// their rewards and checks). No hooks: the live job page renders it.
import type { GrpoEvaluation } from "@/lib/grpo/evaluation";
import { DataTable } from "./data-table";

const fixed = (x: number) => x.toFixed(3);
const percent = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);

export function GrpoEvaluationView({ evaluation }: { evaluation: GrpoEvaluation }) {
  const n = evaluation.samples.length;
  return (
    <div className="flex flex-col gap-3" data-testid="grpo-evaluation">
      <p className="text-sm text-slate-600">
        Held-out prompts answered greedily by the policy and by the reference, both answers scored by the run&apos;s rewards — after iteration{" "}
        {evaluation.iteration} ({evaluation.episode} episodes), {n} prompt{n === 1 ? "" : "s"}.
      </p>
      <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm" data-testid="grpo-evaluation-summary">
        <Figure label="Policy mean reward" value={fixed(evaluation.reward)} testId="eval-reward" />
        <Figure label="Reference mean reward" value={fixed(evaluation.reward_reference)} testId="eval-reward-reference" />
        {Object.entries(evaluation.rewards).map(([name, v]) => (
          <Figure key={name} label={`rewards/${name}`} value={fixed(v)} testId={`eval-rewards-${name}`} />
        ))}
        <Figure
          label="Exact answers (policy / reference)"
          value={`${percent(evaluation.accuracy)} / ${percent(evaluation.accuracy_reference)}`}
          testId="eval-accuracy"
        />
        <Figure label="Mean completion length" value={`${evaluation.completion_length.toFixed(1)} tokens`} testId="eval-completion-length" />
      </dl>
      {n > 0 && (
        <div className="max-h-[36rem] overflow-y-auto rounded-lg border border-slate-200 bg-white p-2">
          <DataTable testId="grpo-samples" headers={["Prompt", "Reference answer", "Reference model's completion", "Reward", "Policy's completion", "Reward"]}>
            {evaluation.samples.map((s, i) => (
              <tr key={i} className="border-t border-slate-100 align-top [&>td]:py-1.5" data-testid="grpo-sample">
                <td className="max-w-56 whitespace-pre-wrap break-words pr-3">{s.prompt}</td>
                <td className="whitespace-pre-wrap pr-3 font-mono">{s.answer ?? "—"}</td>
                <td className="max-w-80 whitespace-pre-wrap break-words pr-3 text-slate-700">
                  {s.referenceCompletion || <Empty />} <Check correct={s.referenceCorrect} />
                </td>
                <td className="whitespace-nowrap pr-3 font-mono">{fixed(s.referenceReward)}</td>
                <td className="max-w-80 whitespace-pre-wrap break-words pr-3">
                  {s.policyCompletion || <Empty />} <Check correct={s.policyCorrect} />
                </td>
                <td className={`whitespace-nowrap pr-3 font-mono ${s.policyReward > s.referenceReward ? "font-semibold text-emerald-700" : ""}`}>
                  {fixed(s.policyReward)}
                </td>
              </tr>
            ))}
          </DataTable>
        </div>
      )}
    </div>
  );
}

function Check({ correct }: { correct: boolean | null }) {
  if (correct === null) return null;
  return correct ? (
    <span className="text-emerald-700" title="exact answer">
      ✓
    </span>
  ) : (
    <span className="text-red-700" title="wrong answer">
      ✗
    </span>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="flex flex-col" data-testid={testId}>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="font-mono text-base">{value}</dd>
    </div>
  );
}

function Empty() {
  return <span className="italic text-slate-400">(empty)</span>;
}
