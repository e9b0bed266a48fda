// Where a reward model most strongly prefers the completion the annotator ranked lower: per
// ranking its worst pair, the largest reward gaps first — the places to re-check a label or
// the model. ?model=ID picks one of the reward models that scored this project (default: the
// newest).
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { projectScoredModels, rewardDisagreements } from "@/lib/reward/scores";
import { getProject } from "@/lib/projects";
import { DataTable } from "@/app/components/data-table";
import { CompletionText } from "@/app/research/tasks/[id]/completion-text";

export const dynamic = "force-dynamic";

const LIMIT = 100;

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ model?: string }> };

export default async function DisagreementsPage({ params, searchParams }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/projects/${rawId}/disagreements`);
  const db = getDb();
  const projectId = parseId(rawId);
  const project = projectId === undefined ? undefined : getProject(db, projectId);
  if (!project) notFound();
  const id = project.id;
  const scoredModels = projectScoredModels(db, id);
  const wanted = parseId((await searchParams).model);
  const model = scoredModels.find((m) => m.id === wanted) ?? (wanted === undefined ? scoredModels.at(-1) : undefined);
  const rows = model ? rewardDisagreements(db, id, model.id, LIMIT) : [];
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href="/research" className="text-indigo-700 underline">
          Research
        </Link>{" "}
        /{" "}
        <Link href={`/research/projects/${id}`} className="text-indigo-700 underline">
          {project.name}
        </Link>{" "}
        / disagreements
      </p>
      <div>
        <h1 className="text-xl font-semibold">Reward-model disagreements</h1>
        <p className="text-sm text-slate-600">
          Rankings where the reward model most strongly prefers the completion the annotator put lower: for each ranking its pair with the largest reward gap
          against the annotator&apos;s order, the largest gaps first. P is the model&apos;s probability that the lower-ranked completion is the better one,
          σ(gap).
        </p>
      </div>
      {scoredModels.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="no-scores">
          No reward model has scored this project&apos;s completions yet. Use &ldquo;Score completions&rdquo; on the{" "}
          <Link href={`/research/projects/${id}`} className="text-indigo-700 underline">
            project page
          </Link>
          .
        </p>
      ) : (
        <form method="get" className="flex items-end gap-3" aria-label="Pick a reward model">
          <label className="flex flex-col gap-1 text-sm">
            Reward model
            <select name="model" defaultValue={model?.id ?? ""} className="rounded border border-slate-300 px-2 py-1">
              {scoredModels.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} ({m.scored} completions scored)
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50">
            Show
          </button>
        </form>
      )}
      {wanted !== undefined && !model && (
        <p role="alert" className="text-sm text-amber-700">
          Model #{wanted} has not scored this project&apos;s completions.
        </p>
      )}
      {model && (
        <section className="flex flex-col gap-2" aria-label="Disagreements">
          <h2 className="text-lg font-medium">
            {rows.length === 0
              ? `${model.name} agrees with every ranking`
              : `${rows.length}${rows.length === LIMIT ? "+" : ""} ranking${rows.length === 1 ? "" : "s"} where ${model.name} disagrees`}
          </h2>
          {rows.length > 0 && (
            <DataTable
              testId="disagreements"
              headers={["Prompt", "Annotator", "Ranked higher", "Ranked lower (model prefers)", "Gap", "P(model prefers lower)", "Task"]}
            >
              {rows.map((r) => (
                <tr key={r.rankingId} className="border-t border-slate-100 align-top [&>td]:py-2" data-testid={`disagreement-${r.rankingId}`}>
                  <td className="max-w-xs pr-3">{r.prompt}</td>
                  <td className="pr-3">{r.annotator}</td>
                  <td className="max-w-sm pr-3">
                    <p className="text-xs text-slate-500">
                      place {r.chosen.group + 1} · score {r.chosen.score.toFixed(3)}
                    </p>
                    <CompletionText text={r.chosen.text} />
                  </td>
                  <td className="max-w-sm pr-3">
                    <p className="text-xs text-slate-500">
                      place {r.rejected.group + 1} · score {r.rejected.score.toFixed(3)}
                    </p>
                    <CompletionText text={r.rejected.text} />
                  </td>
                  <td className="pr-3 font-mono">{r.gap.toFixed(3)}</td>
                  <td className="pr-3 font-mono">{r.modelProbability.toFixed(3)}</td>
                  <td className="pr-3">
                    <Link href={`/research/tasks/${r.taskId}`} className="text-indigo-700 underline">
                      #{r.taskId}
                    </Link>
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>
      )}
    </div>
  );
}
