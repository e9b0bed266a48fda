// The annotator's queue: every project with their own counters, and a way in.
import Link from "next/link";
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { queueProjects } from "@/lib/labeling/queue";

export const dynamic = "force-dynamic";

export default async function AnnotatePage() {
  const user = await requirePageRole(ANNOTATOR, "/annotate");
  const projects = queueProjects(getDb(), user.id);
  return (
    <div className="mx-auto max-w-4xl">
      <div className="mb-6 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">My queue</h1>
          <p className="text-sm text-slate-600">Hello {user.name}. Pick a project and rank its completions, best first.</p>
        </div>
        <Link href="/annotate/submissions" className="text-sm font-medium text-indigo-700 hover:underline" data-testid="my-submissions-link">
          My submissions →
        </Link>
      </div>
      {projects.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500">
          No projects yet. An admin has to import some prompts first.
        </p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2" data-testid="queue-projects">
          {projects.map((p) => {
            const done = p.left === 0;
            return (
              <li
                key={p.projectId}
                className="flex flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
                data-testid="queue-project"
                data-project-id={p.projectId}
              >
                <h2 className="font-semibold text-slate-900">{p.name}</h2>
                <p className="mt-1 text-xs text-slate-500">
                  {p.totalTasks} tasks · {p.completionsPerTask} completions each · {p.redundancy} annotators per task
                </p>
                <dl className="mt-4 grid grid-cols-3 gap-2 text-center">
                  <Counter label="ranked" value={p.ranked} testId="count-ranked" />
                  <Counter label="skipped" value={p.skipped} testId="count-skipped" />
                  <Counter label="left" value={p.leftCapped ? `${(p.left - 1).toLocaleString("en")}+` : p.left} testId="count-left" />
                </dl>
                <div className="mt-4 flex-1" />
                {done ? (
                  <p className="rounded-md bg-emerald-50 px-3 py-2 text-center text-sm text-emerald-800">Nothing left for you here — thank you!</p>
                ) : (
                  <Link
                    href={`/annotate/${p.projectId}`}
                    prefetch={false}
                    className="rounded-md bg-indigo-600 px-4 py-2 text-center text-sm font-medium text-white hover:bg-indigo-700"
                    data-testid="start-ranking"
                  >
                    {p.heldTaskId !== null ? "Continue your task" : "Start ranking"}
                  </Link>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function Counter({ label, value, testId }: { label: string; value: number | string; testId: string }) {
  return (
    <div className="rounded-lg bg-slate-50 py-2">
      <dd className="text-xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
    </div>
  );
}
