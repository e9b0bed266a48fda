"use client";
// Reopening a submitted ranking (/annotate/[projectId]?task=[taskId]): the task with the
// letters the annotator saw, their ranking loaded into the cards; saving stores a new version
// (PUT) and goes back to the submissions page. A task no longer open is shown, not editable.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import type { Flag } from "@/db/schema";
import { pairwiseAnswerOf } from "@/lib/labeling/pairwise";
import { draftFromGroups, identicalSets, twinsOf, type AnswerMap, type RankingState } from "@/lib/labeling/submission-draft";
import { useEditRanking, type EditableRanking } from "../_hooks/use-edit-ranking";
import { useLayout } from "../_hooks/use-layout";
import { RankingHeader } from "./ranking-header";
import { ReadOnlyRanking } from "./ranking-readonly";
import { RankingShell } from "./ranking-shell";
import { PairwiseTask, type PairwiseState } from "./pairwise-task";
import { RankingTask } from "./ranking-task";
import type { RankingProject } from "./ranking-workspace";

const SUBMISSIONS = "/annotate/submissions";

/** The stored ranking as the page's state; answers to questions the project no longer asks are left out. */
function stateOf({ ranking, task }: EditableRanking, questionKeys: ReadonlySet<string>): RankingState {
  const twinSets = identicalSets(task.completions);
  const flags: Record<number, string[]> = {};
  for (const f of ranking.flags) flags[f.completionId] = [...(flags[f.completionId] ?? []), f.flag];
  const answers: AnswerMap = {};
  for (const a of ranking.answers.filter((x) => questionKeys.has(x.questionKey)))
    answers[a.completionId] = { ...answers[a.completionId], [a.questionKey]: a.value };
  return {
    order: draftFromGroups(ranking.groups, twinsOf(twinSets)),
    flags,
    answers,
    noneAcceptable: ranking.noneAcceptable,
    comment: ranking.comment ?? "",
    touched: false,
    confirmed: false,
    twinSets,
  };
}

/** A stored pairwise answer as the pairwise page's state. */
function pairwiseStateOf({ ranking, task }: EditableRanking, questionKeys: ReadonlySet<string>): PairwiseState {
  const flags: Record<number, Flag[]> = {};
  for (const f of ranking.flags) flags[f.completionId] = [...(flags[f.completionId] ?? []), f.flag as Flag];
  const answers: PairwiseState["answers"] = {};
  for (const a of ranking.answers.filter((x) => questionKeys.has(x.questionKey)))
    answers[a.completionId] = { ...answers[a.completionId], [a.questionKey]: a.value };
  return { answer: pairwiseAnswerOf(ranking, task.completions[0].id), flags, answers, comment: ranking.comment ?? "" };
}

export function EditRankingWorkspace({ project, taskId }: { project: RankingProject; taskId: number }) {
  const router = useRouter();
  const edit = useEditRanking(taskId);
  const [layout, setLayout] = useLayout();
  const { phase } = edit;
  const original = useMemo(
    () => (phase.kind === "ready" ? stateOf(phase.data, new Set(project.questions.map((q) => q.key))) : null),
    [phase, project.questions],
  );

  const header = (
    <RankingHeader back={{ href: SUBMISSIONS, label: "My submissions" }} title={project.name} layout={layout} onLayout={setLayout}>
      <p className="text-sm text-slate-600" data-testid="edit-context">
        Editing your ranking of task {taskId}
        {phase.kind === "ready" && <> (version {phase.data.ranking.version}; saving keeps the earlier one for the audit)</>}
      </p>
    </RankingHeader>
  );

  return (
    <RankingShell header={header} guidelines={project.guidelines} mode="edit" pairwise={phase.kind === "ready" && phase.data.task.pairwise}>
      {phase.kind === "loading" && <p className="py-16 text-center text-slate-500">Loading your ranking…</p>}
      {phase.kind === "error" && (
        <div className="rounded-lg border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800" data-testid="load-error">
          Could not open this ranking: {phase.message}{" "}
          <Link href={SUBMISSIONS} className="font-medium underline">
            Back to my submissions
          </Link>
        </div>
      )}
      {phase.kind === "ready" && phase.data.task.projectId !== project.id && (
        <p className="rounded-lg border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800" data-testid="load-error">
          Task {taskId} belongs to another project.{" "}
          <Link href={`/annotate/${phase.data.task.projectId}?task=${taskId}`} className="font-medium underline">
            Open it there
          </Link>
        </p>
      )}
      {phase.kind === "ready" && phase.data.task.projectId === project.id && !phase.data.editable && (
        <p className="mb-4 rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900" data-testid="not-editable">
          This ranking can no longer be changed{phase.data.reason ? `: ${phase.data.reason}` : "."}{" "}
          <Link href={SUBMISSIONS} className="font-medium underline">
            Back to my submissions
          </Link>
        </p>
      )}
      {phase.kind === "ready" && phase.data.task.projectId === project.id && !phase.data.editable && (
        <ReadOnlyRanking task={phase.data.task} ranking={phase.data.ranking} questions={project.questions} />
      )}
      {edit.error && (
        <p role="alert" data-testid="flash" data-kind="error" className="mb-4 rounded-lg bg-rose-50 px-4 py-2 text-sm text-rose-800">
          {edit.error}
        </p>
      )}
      {phase.kind === "ready" && phase.data.task.pairwise && phase.data.task.projectId === project.id && phase.data.editable && (
        <PairwiseTask
          key={`${phase.data.ranking.id}.${phase.data.ranking.version}`}
          mode="edit"
          task={phase.data.task}
          questions={project.questions}
          original={pairwiseStateOf(phase.data, new Set(project.questions.map((q) => q.key)))}
          busy={edit.busy}
          layout={layout}
          onLayout={setLayout}
          onSubmit={async (body) => {
            const saved = await edit.save(body);
            if (saved) router.push(SUBMISSIONS);
            return saved;
          }}
          onCancelEdit={() => router.push(SUBMISSIONS)}
        />
      )}
      {phase.kind === "ready" && !phase.data.task.pairwise && original && phase.data.task.projectId === project.id && phase.data.editable && (
        <RankingTask
          key={`${phase.data.ranking.id}.${phase.data.ranking.version}`}
          mode="edit"
          task={phase.data.task}
          storage={null}
          questions={project.questions}
          original={original}
          busy={edit.busy}
          layout={layout}
          onLayout={setLayout}
          onSubmit={async (body) => {
            const saved = await edit.save(body);
            if (saved) router.push(SUBMISSIONS);
            return saved;
          }}
          onCancelEdit={() => router.push(SUBMISSIONS)}
        />
      )}
    </RankingShell>
  );
}
