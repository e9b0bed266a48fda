// A PPO evaluation on held-out prompts: the mean reward-model scores of the policy's and the SFT
// model's greedy answers, their difference, the policy's win rate, mean KL to the reference and
// (when recorded) how many of its answers ended with the end token,
// then one row per prompt (prompt, SFT answer, policy answer, both scores; the higher score
// marked). No hooks: the live job page and the model page both render it.
import { policyWinRate, type PpoEvaluation } from "@/lib/ppo/evaluation";
import { DataTable } from "./data-table";

const score = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;

export function PpoEvaluationView({ evaluation, caption }: { evaluation: PpoEvaluation; caption?: string }) {
  const winRate = policyWinRate(evaluation);
  const gain = evaluation.meanScore - evaluation.referenceMeanScore;
  return (
    <div className="flex flex-col gap-3" data-testid="ppo-evaluation">
      <p className="text-sm text-slate-600">
        {caption ?? "Held-out prompts answered greedily by the policy and by the SFT model, both answers scored by the reward model"} — after
        iteration {evaluation.iteration}
        {evaluation.episode !== undefined ? ` (${evaluation.episode} episodes)` : ""}, {evaluation.samples.length} prompt
        {evaluation.samples.length === 1 ? "" : "s"}.
      </p>
      <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm" data-testid="ppo-evaluation-summary">
        <Figure label="Policy mean score" value={score(evaluation.meanScore)} testId="eval-mean-score" />
        <Figure label="SFT mean score" value={score(evaluation.referenceMeanScore)} testId="eval-reference-mean-score" />
        <Figure label="Difference" value={signed(gain)} testId="eval-gain" tone={gain > 0 ? "text-emerald-700" : gain < 0 ? "text-red-700" : undefined} />
        <Figure label="Policy wins" value={winRate === null ? "—" : `${(100 * winRate).toFixed(1)}%`} testId="eval-win-rate" />
        <Figure label="Mean KL to reference" value={`${evaluation.meanKl.toFixed(3)} nats`} testId="eval-mean-kl" />
        {evaluation.numEosTokens !== undefined && (
          <Figure label="Policy answers ended" value={`${evaluation.numEosTokens} / ${evaluation.samples.length}`} testId="eval-num-eos" />
        )}
      </dl>
      {evaluation.samples.length > 0 && (
        <div className="max-h-[36rem] overflow-y-auto rounded-lg border border-slate-200 bg-white p-2">
          <DataTable testId="ppo-samples" headers={["Prompt", "SFT answer", "SFT score", "Policy answer", "Policy score"]}>
            {evaluation.samples.map((s, i) => {
              const better = s.policyScore > s.referenceScore ? "policy" : s.policyScore < s.referenceScore ? "reference" : "tie";
              return (
                <tr key={i} className="border-t border-slate-100 align-top [&>td]:py-1.5" data-testid="ppo-sample">
                  <td className="max-w-56 whitespace-pre-wrap break-words pr-3">{s.prompt}</td>
                  <td className="max-w-80 whitespace-pre-wrap break-words pr-3 text-slate-700">{s.reference || <Empty />}</td>
                  <td className={`whitespace-nowrap pr-3 font-mono ${better === "reference" ? "font-semibold text-emerald-700" : ""}`}>{score(s.referenceScore)}</td>
                  <td className="max-w-80 whitespace-pre-wrap break-words pr-3">{s.policy || <Empty />}</td>
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
