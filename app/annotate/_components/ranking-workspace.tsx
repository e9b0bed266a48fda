"use client";
// The ranking page: asks the queue for a task, lets the annotator rank it (RankingTask), submits
// or skips, and moves on to the next task. A half-built ranking is kept in this browser under
// the user and assignment, and comes back when the same assignment does. A pairwise task (a
// pairwise project's task with two completions) is answered with PairwiseTask instead.
import Link from "next/link";
import { useEffect } from "react";
import type { QualityQuestion } from "@/lib/labeling/questions";
import { draftStorageKey } from "@/lib/labeling/submission-draft";
import { useLayout } from "../_hooks/use-layout";
import { pruneStoredDrafts } from "../_hooks/use-ranking-draft";
import { useRankingQueue, type Flash } from "../_hooks/use-ranking-queue";
import { FLAG_ORDER } from "./completion-card";
import { RankingHeader } from "./ranking-header";
import { RankingShell } from "./ranking-shell";
import { PairwiseTask } from "./pairwise-task";
import { RankingTask } from "./ranking-task";

export interface RankingProject {
  id: number;
  name: string;
  guidelines: string;
  /** Asked about each completion beside the ranking. */
  questions: QualityQuestion[];
}

export function RankingWorkspace({ project, userId }: { project: RankingProject; userId: number }) {
  const queue = useRankingQueue(project.id);
  const [layout, setLayout] = useLayout();
  const { phase, progress } = queue;

  useEffect(() => pruneStoredDrafts(), []);

  const header = (
    <RankingHeader back={{ href: "/annotate", label: "My queue" }} title={project.name} layout={layout} onLayout={setLayout}>
      <p className="text-sm text-slate-600" data-testid="progress" aria-live="polite">
        {progress ? (
          <>
            <span className="font-semibold text-slate-900 tabular-nums">{progress.ranked}</span> ranked ·{" "}
            <span className="font-semibold text-slate-900 tabular-nums">
              {progress.leftCapped ? `${(progress.left - 1).toLocaleString("en")}+` : progress.left}
            </span>{" "}
            left in this project
            {progress.skipped > 0 && <> · {progress.skipped} skipped</>}
          </>
        ) : (
          " "
        )}
      </p>
    </RankingHeader>
  );

  return (
    <RankingShell header={header} guidelines={project.guidelines} mode="queue" pairwise={phase.kind === "ready" && phase.payload.task.pairwise}>
      {queue.flash && <FlashLine flash={queue.flash} onNext={queue.moveOn} />}
      {phase.kind === "loading" && <p className="py-16 text-center text-slate-500">Loading the next task…</p>}
      {phase.kind === "error" && (
        <div className="rounded-lg border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800" data-testid="load-error">
          Could not load a task: {phase.message}{" "}
          <button type="button" className="font-medium underline" onClick={() => void queue.loadNext()}>
            Try again
          </button>
        </div>
      )}
      {phase.kind === "done" && <QueueDone />}
      {phase.kind === "paused" && (
        <div className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900" role="status" data-testid="queue-paused">
          <p className="font-medium">Paused on this project</p>
          <p className="mt-1">{phase.message}</p>
        </div>
      )}
      {phase.kind === "ready" && phase.payload.task.pairwise && (
        <PairwiseTask
          key={phase.payload.assignment.id}
          mode="queue"
          task={phase.payload.task}
          questions={project.questions}
          busy={queue.busy}
          layout={layout}
          onLayout={setLayout}
          onSubmit={(body, summary) => queue.submit(phase.payload, body, summary)}
          onSkip={(reason) => queue.skip(phase.payload, reason)}
        />
      )}
      {phase.kind === "ready" && !phase.payload.task.pairwise && (
        <RankingTask
          key={phase.payload.assignment.id}
          mode="queue"
          task={phase.payload.task}
          storage={{
            key: draftStorageKey(userId, phase.payload.assignment.id),
            restore: phase.payload.resumed,
            knownFlags: FLAG_ORDER,
            questions: project.questions,
          }}
          questions={project.questions}
          busy={queue.busy}
          layout={layout}
          onLayout={setLayout}
          onSubmit={(body, summary) => queue.submit(phase.payload, body, summary)}
          onSkip={(reason) => queue.skip(phase.payload, reason)}
        />
      )}
    </RankingShell>
  );
}

function FlashLine({ flash, onNext }: { flash: Flash; onNext(): void }) {
  return (
    <p
      role="status"
      data-testid="flash"
      data-kind={flash.kind}
      className={`mb-4 rounded-lg px-4 py-2 text-sm ${flash.kind === "ok" ? "bg-emerald-50 text-emerald-800" : "bg-rose-50 text-rose-800"}`}
    >
      {flash.text}
      {flash.offerNext && (
        <button type="button" className="ml-2 font-medium underline" onClick={onNext}>
          Get the next task
        </button>
      )}
    </p>
  );
}

function QueueDone() {
  return (
    <div className="rounded-xl border border-emerald-200 bg-emerald-50 p-8 text-center" data-testid="queue-done">
      <p className="text-lg font-semibold text-emerald-900">Nothing left for you in this project.</p>
      <p className="mt-1 text-sm text-emerald-800">Thank you! New tasks appear when an admin imports more, or when someone&apos;s assignment times out.</p>
      <div className="mt-4 flex justify-center gap-4 text-sm font-medium">
        <Link href="/annotate" className="text-indigo-700 hover:underline">
          Back to my queue
        </Link>
        <Link href="/annotate/submissions" className="text-indigo-700 hover:underline">
          My submissions
        </Link>
      </div>
    </div>
  );
}
