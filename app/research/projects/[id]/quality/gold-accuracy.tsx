// Gold accuracy per annotator (lib/quality/gold-store.ts): answers that matched their gold
// task's expectation, with the count behind the share and its 95% Wilson interval; who is paused
// by the project's rule, and (for admins) the button that unpauses them. Lowest accuracy first.
import { getDb } from "@/db/client";
import { getProject } from "@/lib/projects";
import { goldAccuracyByAnnotator, goldTaskCount } from "@/lib/quality/gold-store";
import { DataTable } from "@/app/components/data-table";
import { UnpauseButton } from "./unpause-button";

const percent = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(0)}%`);

export function GoldAccuracy({ projectId, canUnpause }: { projectId: number; canUnpause: boolean }) {
  const db = getDb();
  const project = getProject(db, projectId);
  if (!project) return null;
  const rows = goldAccuracyByAnnotator(db, project);
  const goldTasks = goldTaskCount(db, project.id);
  return (
    <section className="flex flex-col gap-2" aria-label="Gold accuracy">
      <h2 className="text-lg font-medium">Gold accuracy</h2>
      <p className="text-sm text-slate-600" data-testid="gold-rule">
        {goldTasks} gold tasks, served with probability {project.goldShare} per new task. An annotator below {percent(project.goldAccuracyThreshold)} after{" "}
        {project.goldMinAnswers} gold answers is paused on this project; their rankings are left out of exports and training unless asked for. Unpausing starts
        their count again.
      </p>
      <DataTable
        testId="gold-accuracy"
        headers={["Annotator", "Correct / answered", "Accuracy (95% interval)", "Status", ""]}
        isEmpty={rows.length === 0}
        empty="No gold answers yet."
      >
        {rows.map((a) => (
          <tr key={a.userId} className="border-t border-slate-100 [&>td]:py-1.5" data-testid={`gold-accuracy-${a.email}`}>
            <td className="pr-3" title={a.name}>
              {a.email}
            </td>
            <td className="pr-3">
              {a.correct} / {a.answered}
            </td>
            <td className="pr-3 font-mono">
              {percent(a.accuracy)}
              {a.interval && ` (${percent(a.interval[0])}–${percent(a.interval[1])})`}
            </td>
            <td className={`pr-3 ${a.paused ? "font-medium text-red-700" : ""}`}>
              {a.paused ? "paused" : "working"}
              {a.resetAt !== null && <span className="ml-1 text-xs text-slate-500">(count restarted {new Date(a.resetAt).toISOString().slice(0, 10)})</span>}
            </td>
            <td className="pr-3">{canUnpause && a.paused && <UnpauseButton projectId={project.id} userId={a.userId} email={a.email} />}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
