import Link from "next/link";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { ensureDefaultModel, listModels } from "@/lib/models/registry";
import { policyRound } from "@/lib/ppo/views";
import { formatTime } from "@/app/components/job-status-badge";
import { DataTable } from "@/app/components/data-table";
import { fixed, percent, percentWithInterval, rewardModelInfo } from "@/app/components/reward-model-info";
import { RegisterModelForm } from "./register-model-form";

export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  const user = await requirePageRole(STAFF, "/research/models");
  const db = getDb();
  ensureDefaultModel(db);
  const models = listModels(db);
  const names = new Map(models.map((m) => [m.id, m.name]));
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-xl font-semibold">Models</h1>
        <p className="text-sm text-slate-600">
          Policies, reward models and references: Palate model directories and OpenAI-compatible endpoints, with their lineage. API keys stay on the
          server.
        </p>
      </div>
      <DataTable
        testId="model-table"
        headers={["Name", "Kind", "Source", "Parent", "Reward eval", "Produced by", "Created"]}
        isEmpty={models.length === 0}
        empty="No models registered yet."
      >
        {models.map((m) => (
          <tr key={m.id} className="border-t border-slate-100 align-top [&>td]:py-2" data-testid={`model-${m.name}`}>
            <td className="py-2 pr-3">
              <Link href={`/research/models/${m.id}`} className="font-medium text-indigo-700 underline">
                {m.name}
              </Link>
              {m.description && <p className="max-w-sm text-xs text-slate-500">{m.description}</p>}
            </td>
            <td className="pr-3" data-testid="model-kind">
              {m.kind}
              {m.kind === "policy" && <PolicyRound round={policyRound(m)} />}
            </td>
            <td className="pr-3">
              {m.source === "palate" ? (
                <>
                  directory <code className="text-xs">{m.path}</code>
                </>
              ) : (
                <>
                  endpoint <code className="text-xs">{m.baseUrl}</code> · model <code className="text-xs">{m.remoteModel}</code>
                  {m.metadata?.endpoint === "completions" && <span className="ml-1 text-xs text-slate-500">(/v1/completions)</span>}
                  {m.hasApiKey && <span className="ml-1 rounded bg-slate-100 px-1 text-xs text-slate-600">key set</span>}
                </>
              )}
            </td>
            <td className="pr-3">{m.parentId === null ? "—" : (names.get(m.parentId) ?? `#${m.parentId}`)}</td>
            <td className="whitespace-nowrap pr-3" data-testid="reward-eval">
              {m.kind === "reward" ? <RewardEval info={rewardModelInfo(m)} /> : "—"}
            </td>
            <td className="pr-3">
              {m.jobId === null ? (
                "—"
              ) : (
                <Link href={`/research/jobs/${m.jobId}`} className="text-indigo-700 underline">
                  job #{m.jobId}
                </Link>
              )}
            </td>
            <td className="whitespace-nowrap pr-3">{formatTime(m.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      {user.role === "admin" && (
        <section className="flex flex-col gap-3" aria-label="Register a model">
          <h2 className="text-lg font-medium">Register a model</h2>
          <RegisterModelForm models={models.map((m) => ({ id: m.id, name: m.name }))} />
        </section>
      )}
    </div>
  );
}

function RewardEval({ info }: { info: ReturnType<typeof rewardModelInfo> }) {
  const { metrics } = info;
  return (
    <>
      {info.heldOut ? <>accuracy {percentWithInterval(info.heldOut.accuracy, info.heldOut.interval)}</> : <>accuracy {percent(metrics.eval_accuracy)}</>}
      <span className="block text-xs text-slate-500">
        loss {fixed(metrics.eval_loss, 4)} · {metrics.eval_pairs ?? "—"} eval pairs{metrics.eval_prompts != null ? ` of ${metrics.eval_prompts} prompts` : ""}
      </span>
      {info.heldOut?.warning && (
        <span role="note" className="block text-xs text-amber-800" data-testid="small-eval-warning">
          ⚠ too few held-out pairs or prompts to trust
        </span>
      )}
    </>
  );
}

/** A PPO policy's round of the project's loop, as a badge; nothing for other policies. */
function PolicyRound({ round }: { round: number | null }) {
  return round === null ? null : <span className="ml-1 rounded bg-indigo-50 px-1 text-xs text-indigo-700">round {round}</span>;
}
