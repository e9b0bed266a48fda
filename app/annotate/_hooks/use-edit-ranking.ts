"use client";
// Reopening a submitted ranking: GET /api/tasks/[id]/ranking (the ranking, the task in this
// annotator's display order, whether it is still editable) and PUT to save a new version.
import { useCallback, useEffect, useState } from "react";
import { callApi } from "@/app/components/api-client";
import type { CompletionAnswer, Message } from "@/db/schema";
import type { RankingBody } from "./use-ranking-queue";

export interface EditableRanking {
  ranking: {
    id: number;
    version: number;
    /** Completion ids, best group first. */
    groups: number[][];
    noneAcceptable: boolean;
    /** A pairwise answer's strength; null in ranking mode. */
    strength: number | null;
    flags: { completionId: number; flag: string }[];
    answers: CompletionAnswer[];
    comment: string | null;
  };
  task: { id: number; projectId: number; messages: Message[]; completions: { id: number; text: string }[]; pairwise: boolean };
  editable: boolean;
  reason?: string;
}

export type EditPhase = { kind: "loading" } | { kind: "ready"; data: EditableRanking } | { kind: "error"; message: string; status: number };

export function useEditRanking(taskId: number) {
  const [phase, setPhase] = useState<EditPhase>({ kind: "loading" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fetchRanking = useCallback(async () => {
    const res = await callApi<EditableRanking>(`/api/tasks/${taskId}/ranking`, "GET");
    setPhase(res.ok ? { kind: "ready", data: res.data } : { kind: "error", message: res.error, status: res.status });
  }, [taskId]);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- state is set once the request answered
    void fetchRanking();
  }, [fetchRanking]);

  /** Saves a new version; true when the server took it. */
  const save = useCallback(
    async (body: RankingBody): Promise<boolean> => {
      if (busy) return false;
      setBusy(true);
      setError(null);
      const res = await callApi<{ ranking: unknown }>(`/api/tasks/${taskId}/ranking`, "PUT", body);
      setBusy(false);
      if (!res.ok) setError(res.status === 409 ? `${res.error} Your change was not saved.` : res.error);
      return res.ok;
    },
    [busy, taskId],
  );

  return { phase, busy, error, save };
}
