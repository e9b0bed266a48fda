"use client";
// The annotator's queue in one project, over the task API (all through callApi): ask for the
// next task (POST /api/annotate/next), submit a ranking, skip, and the progress counters.
import { useCallback, useEffect, useRef, useState } from "react";
import { callApi } from "@/app/components/api-client";
import type { AssignmentPayload } from "@/lib/labeling/assignment-view";
import type { QueueProgress } from "@/lib/labeling/queue";

export type QueuePhase =
  | { kind: "loading" }
  | { kind: "ready"; payload: AssignmentPayload }
  | { kind: "done" }
  /** Gold accuracy below the project's threshold: no more work here until an admin unpauses (403 from /api/annotate/next). */
  | { kind: "paused"; message: string }
  | { kind: "error"; message: string };

export interface Flash {
  kind: "ok" | "error";
  text: string;
  /** Offer to move on (e.g. the assignment expired and the task went to others). */
  offerNext?: boolean;
}

export interface RankingBody {
  groups: number[][];
  noneAcceptable: boolean;
  /** A pairwise task's strength (lib/labeling/pairwise.ts). */
  strength?: number;
  flags: { completionId: number; flag: string }[];
  /** Answers to the project's per-completion questions. */
  answers?: { completionId: number; questionKey: string; value: number | string[] }[];
  comment: string | null;
  secondsSpent?: number;
}

export function useRankingQueue(projectId: number) {
  const [phase, setPhase] = useState<QueuePhase>({ kind: "loading" });
  const [progress, setProgress] = useState<QueueProgress | null>(null);
  const [flash, setFlash] = useState<Flash | null>(null);
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);

  /** Asks for the next task; every state update happens after the request. */
  const fetchNext = useCallback(async () => {
    const next = await callApi<AssignmentPayload>("/api/annotate/next", "POST", { projectId });
    if (!next.ok) return setPhase(next.status === 403 ? { kind: "paused", message: next.error } : { kind: "error", message: next.error });
    if (next.status === 204) {
      const p = await callApi<{ progress: QueueProgress }>(`/api/annotate/progress?projectId=${projectId}`, "GET");
      if (p.ok) setProgress(p.data.progress);
      return setPhase({ kind: "done" });
    }
    setProgress(next.data.progress);
    setPhase({ kind: "ready", payload: next.data });
    window.scrollTo({ top: 0 });
  }, [projectId]);

  const loadNext = useCallback(async () => {
    setPhase({ kind: "loading" });
    await fetchNext();
  }, [fetchNext]);

  useEffect(() => {
    // The first task, when the page opens; fetchNext sets state only once the request answered.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the rule does not see the await
    void fetchNext();
  }, [fetchNext]);

  /** One request at a time; on success, a message and the next task. */
  const act = useCallback(
    async (request: () => ReturnType<typeof callApi>, okText: string): Promise<boolean> => {
      if (busyRef.current) return false;
      busyRef.current = true;
      setBusy(true);
      setFlash(null);
      try {
        const res = await request();
        if (!res.ok) {
          setFlash({ kind: "error", text: res.error, offerNext: res.status === 409 });
          return false;
        }
        setFlash({ kind: "ok", text: okText });
        await loadNext();
        return true;
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    [loadNext],
  );

  const submit = useCallback(
    (payload: AssignmentPayload, body: RankingBody, summary: string) =>
      act(
        () => callApi(`/api/tasks/${payload.task.id}/ranking`, "POST", { ...body, assignmentId: payload.assignment.id }),
        `Submitted: ${summary}. Here is the next task.`,
      ),
    [act],
  );

  const skip = useCallback(
    (payload: AssignmentPayload, reason: string) =>
      act(() => callApi(`/api/tasks/${payload.task.id}/skip`, "POST", { reason }), "Skipped. Here is the next task."),
    [act],
  );

  const moveOn = useCallback(() => {
    setFlash(null);
    void loadNext();
  }, [loadNext]);

  return { phase, progress, flash, busy, loadNext, submit, skip, moveOn, setFlash };
}
