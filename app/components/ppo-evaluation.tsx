// A PPO evaluation on held-out prompts, as the trainer records it: the mean reward-model scores
// of the policy's and the SFT model's greedy answers (scores, scores_reference), their
// difference, the policy's win rate (win_rate), mean KL to the reference (kl) and how many of its
// answers ended with the end token (num_eos_tokens), then one row per prompt (prompt, SFT answer,
// policy answer, both scores; the higher score marked). No hooks: the live job page and the
// model page both render it.
import type { PpoEvaluation } from "@/lib/ppo/evaluation";
import { DataTable } from "./data-table";

const score = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;

export function PpoEvaluationView({ evaluation, caption }: { evaluation: PpoEvaluation; caption?: string }) {
  const gain = evaluation.scores - evaluation.scores_reference;
  return (
    <div className="flex flex-col gap-3" data-testid="ppo-evaluation">
      <p className="text-sm text-slate-600">
        {caption ?? "Held-out prompts answered greedily by the policy and by the SFT model, both answers scored by the reward model"} — after iteration{" "}
        {evaluation.iteration} ({evaluation.episode} episodes), {evaluation.samples.length} prompt
        {evaluation.samples.length === 1 ? "" : "s"}.
      </p>
      <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm" data-testid="ppo-evaluation-summary">
        <Figure label="Policy mean score" value={score(evaluation.scores)} testId="eval-scores" />
        <Figure label="SFT mean score" value={score(evaluation.scores_reference)} testId="eval-scores-reference" />
        <Figure label="Difference" value={signed(gain)} testId="eval-gain" tone={gain > 0 ? "text-emerald-700" : gain < 0 ? "text-red-700" : undefined} />
        <Figure label="Policy wins (ties ½)" value={`${(100 * evaluation.win_rate).toFixed(1)}% of ${evaluation.samples.length}`} testId="eval-win-rate" />
        <Figure label="Mean KL to reference" value={`${evaluation.kl.toFixed(3)} nats`} testId="eval-kl" />
        <Figure label="Policy answers ended" value={`${evaluation.num_eos_tokens} / ${evaluation.samples.length}`} testId="eval-num-eos-tokens" />
      </dl>
      {evaluation.samples.length > 0 && (
        <div className="max-h-[36rem] overflow-y-auto rounded-lg border border-slate-200 bg-white p-2">
          <DataTable testId="ppo-samples" headers={["Prompt", "SFT answer", "SFT score", "Policy answer", "Policy score"]}>
            {evaluation.samples.map((s, i) => {
              const better = s.policyScore > s.referenceScore ? "policy" : s.policyScore < s.referenceScore ? "reference" : "tie";
              return (
                <tr key={i} className="border-t border-slate-100 align-top [&>td]:py-1.5" data-testid="ppo-sample">
                  <td className="max-w-56 whitespace-pre-wrap break-words pr-3">{s.prompt}</td>
                  <td className="max-w-80 whitespace-pre-wrap break-words pr-3 text-slate-700">{s.referenceAnswer || <Empty />}</td>
                  <td className={`whitespace-nowrap pr-3 font-mono ${better === "reference" ? "font-semibold text-emerald-700" : ""}`}>
                    {score(s.referenceScore)}
                  </td>
                  <td className="max-w-80 whitespace-pre-wrap break-words pr-3">{s.policyAnswer || <Empty />}</td>
                  <td className={`whitespace-nowrap pr-3 font-mono ${better === "policy" ? "font-semibold text-emerald-700" : ""}`}>{score(s.policyScore)}</td>
                </tr>
              );
            })}
          </DataTable>
        </div>
      )}
    </div>
  );
}

function Figure({ label, value, testId, tone }: { label: string; value: string; testId: string; tone?: string }) {
  return (
    <div className="flex flex-col" data-testid={testId}>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className={`font-mono text-base ${tone ?? ""}`}>{value}</dd>
    </div>
  );
}

function Empty() {
  return <span className="italic text-slate-400">(empty)</span>;
}
