import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { getTaskDetail, type RankingView } from "@/lib/labeling/browse";
import { getProject } from "@/lib/projects";
import { taskCompletionScores } from "@/lib/reward/scores";
import { DataTable } from "@/app/components/data-table";
import { CompletionText } from "./completion-text";

export const dynamic = "force-dynamic";

/** Completions are named by their display position: A, B, C, … */
const letter = (position: number) => String.fromCharCode(65 + (position % 26)) + (position >= 26 ? String(Math.floor(position / 26)) : "");

export default async function ResearchTaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/tasks/${rawId}`);
  const id = parseId(rawId);
  const db = getDb();
  const task = id === undefined ? undefined : getTaskDetail(db, id);
  if (!task) notFound();
  const project = getProject(db, task.projectId);
  const scores = taskCompletionScores(db, task.id);
  const names = new Map(task.completions.map((c) => [c.id, letter(c.position)]));
  const name = (completionId: number) => names.get(completionId) ?? `#${completionId}`;
  const order = (r: RankingView) => r.groups.map((g) => g.map(name).join(" = ")).join(" > ");
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href="/research" className="text-indigo-700 underline">
          Research
        </Link>{" "}
        /{" "}
        <Link href={`/research/projects/${task.projectId}`} className="text-indigo-700 underline">
          {project?.name ?? `project ${task.projectId}`}
        </Link>{" "}
        / task #{task.id}
      </p>
      <section className="flex flex-col gap-2" aria-label="Conversation">
        <h1 className="text-xl font-semibold">Task #{task.id}</h1>
        {task.messages.map((m, i) => (
          <div key={i} className="rounded border border-slate-200 bg-white p-3">
            <p className="text-xs font-medium uppercase text-slate-500">{m.role}</p>
            <CompletionText text={m.content} />
          </div>
        ))}
      </section>
      <section className="flex flex-col gap-2" aria-label="Completions">
        <h2 className="text-lg font-medium">Completions</h2>
        <div className="grid gap-3 md:grid-cols-2">
          {task.completions.map((c) => {
            const t = task.tallies.find((x) => x.completionId === c.id);
            return (
              <div key={c.id} className="rounded border border-slate-200 bg-white p-3" data-testid={`completion-${letter(c.position)}`}>
                <p className="text-xs text-slate-500">
                  <span className="font-semibold text-slate-800">{letter(c.position)}</span>
                  {c.model && <> · {c.model}</>}
                  {t && (
                    <>
                      {" "}
                      · won {t.wins} · lost {t.losses} · tied {t.ties}
                      {t.meanGroup !== null && <> · mean place {(t.meanGroup + 1).toFixed(2)}</>}
                    </>
                  )}
                </p>
                {(scores.get(c.id) ?? []).length > 0 && (
                  <p className="text-xs text-slate-600" data-testid="reward-scores">
                    {"Reward: "}
                    {(scores.get(c.id) ?? []).map((s, i) => (
                      <span key={s.modelId}>
                        {i > 0 && " · "}
                        <Link href={`/research/models/${s.modelId}`} className="underline">
                          {s.modelName}
                        </Link>
                        : <span className="font-mono">{s.score.toFixed(3)}</span>
                      </span>
                    ))}
                  </p>
                )}
                <CompletionText text={c.text} />
              </div>
            );
          })}
        </div>
      </section>
      {task.rankings.length > 0 && (
        <section className="flex flex-col gap-2" aria-label="Comparison counts">
          <h2 className="text-lg font-medium">Comparison counts</h2>
          <p className="text-xs text-slate-500">Each cell: how many rankings put the row&apos;s completion above the column&apos;s.</p>
          <table className="w-fit text-center text-sm" data-testid="head-to-head">
            <thead className="text-slate-500">
              <tr>
                <th className="px-2 py-1 text-left">above ↓ / below →</th>
                {task.completions.map((c) => (
                  <th key={c.id} className="px-3">
                    {letter(c.position)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {task.completions.map((row, i) => (
                <tr key={row.id} className="border-t border-slate-100">
                  <th className="px-2 py-1 text-left">{letter(row.position)}</th>
                  {task.completions.map((col, j) => (
                    <td key={col.id} className={`px-3 ${i === j ? "text-slate-300" : ""}`}>
                      {i === j ? "·" : task.headToHead[i][j]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section className="flex flex-col gap-2" aria-label="Rankings">
        <h2 className="text-lg font-medium">
          Rankings ({task.rankings.length}) · {task.comparisons} comparisons
        </h2>
        <DataTable
          testId="rankings-table"
          headers={["Annotator", "Order (best first)", "None acceptable", "Flags", "Comment", "Seconds", "When (UTC)"]}
          isEmpty={task.rankings.length === 0}
          empty="No rankings yet."
        >
          {task.rankings.map((r) => (
            <tr key={r.id} className="border-t border-slate-100 align-top">
              <td className="py-1 pr-3">
                {r.annotatorEmail}
                {r.source === "imported" && <span className="ml-1 text-slate-400">(imported)</span>}
              </td>
              <td className="pr-3 font-mono">{order(r)}</td>
              <td className="pr-3">{r.noneAcceptable ? "yes" : "no"}</td>
              <td className="pr-3">{r.flags.length === 0 ? "—" : r.flags.map((f) => `${name(f.completionId)}: ${f.flag.replace("_", " ")}`).join(", ")}</td>
              <td className="max-w-xs whitespace-pre-wrap pr-3">{r.comment ?? "—"}</td>
              <td className="pr-3">{r.secondsSpent === null ? "—" : r.secondsSpent.toFixed(0)}</td>
              <td className="pr-3 text-slate-500">{new Date(r.createdAt).toISOString().replace("T", " ").slice(0, 16)}</td>
            </tr>
          ))}
        </DataTable>
      </section>
    </div>
  );
}
