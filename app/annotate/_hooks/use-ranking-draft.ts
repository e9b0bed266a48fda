"use client";
// The ranking being built on the page (lib/labeling/submission-draft.ts's state and reducer),
// kept in localStorage under the user and assignment while it is built, so a reload finds it
// again. Mount it once per task (key the component by the assignment).
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import {
  DRAFT_KEY_PREFIX,
  expiredDraftKeys,
  freshRanking,
  rankingReducer,
  restoreDraft,
  storedDraft,
  type RankingAction,
  type RankingState,
} from "@/lib/labeling/submission-draft";
import type { QualityQuestion } from "@/lib/labeling/questions";

interface TaskForDraft {
  id: number;
  completions: { id: number; text: string }[];
}

export interface DraftStorage {
  key: string;
  /** Restore what was kept under the key (the server says the same assignment came back). */
  restore: boolean;
  knownFlags: readonly string[];
  /** The project's per-completion questions: kept answers that no longer fit them are dropped. */
  questions?: readonly QualityQuestion[];
}

function readStored(task: TaskForDraft, storage: DraftStorage | null): RankingState | null {
  if (!storage || typeof window === "undefined") return null;
  try {
    if (!storage.restore) {
      window.localStorage.removeItem(storage.key);
      return null;
    }
    return restoreDraft(window.localStorage.getItem(storage.key), task, storage.knownFlags, storage.questions);
  } catch {
    return null; // storage unavailable (private mode, quota): the page works without it
  }
}

/** Drops damaged and week-old drafts (of any user on this browser). */
export function pruneStoredDrafts(now: number = Date.now()): void {
  try {
    const store = window.localStorage;
    const entries: [string, string | null][] = [];
    for (let i = 0; i < store.length; i++) {
      const key = store.key(i);
      if (key?.startsWith(DRAFT_KEY_PREFIX)) entries.push([key, store.getItem(key)]);
    }
    for (const key of expiredDraftKeys(entries, now)) store.removeItem(key);
  } catch {
    // no storage: nothing to prune
  }
}

export function clearStoredDraft(key: string): void {
  try {
    window.localStorage.removeItem(key);
  } catch {
    // no storage
  }
}

export function useRankingDraft(task: TaskForDraft, storage: DraftStorage | null, initial?: () => RankingState) {
  const [start] = useState(() => {
    const stored = readStored(task, storage);
    return { state: stored ?? initial?.() ?? freshRanking(task.completions), restored: stored !== null };
  });
  const [state, dispatch] = useReducer(rankingReducer, start.state);
  const acted = useRef(false);
  const key = storage?.key ?? null;

  useEffect(() => {
    if (!key || !acted.current) return;
    try {
      window.localStorage.setItem(key, JSON.stringify(storedDraft(state, task.id, Date.now())));
    } catch {
      // storage full or unavailable: the draft lives only in the page
    }
  }, [key, state, task.id]);

  const act = useCallback((action: RankingAction) => {
    acted.current = true;
    dispatch(action);
  }, []);

  const clear = useCallback(() => {
    acted.current = false;
    if (key) clearStoredDraft(key);
  }, [key]);

  return { state, dispatch: act, clear, restored: start.restored };
}
