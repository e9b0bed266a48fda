"use client";
// Stacked or side-by-side cards, remembered in localStorage.
import { useCallback, useSyncExternalStore } from "react";

export type Layout = "stacked" | "side";
const LAYOUT_KEY = "palate.rankingLayout";
const listeners = new Set<() => void>();

function read(): Layout {
  try {
    return window.localStorage.getItem(LAYOUT_KEY) === "side" ? "side" : "stacked";
  } catch {
    return "stacked";
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLayout(): [Layout, (next: Layout) => void] {
  const layout = useSyncExternalStore(subscribe, read, () => "stacked" as const);
  const choose = useCallback((next: Layout) => {
    try {
      window.localStorage.setItem(LAYOUT_KEY, next);
    } catch {
      // not remembered, still applied below
    }
    for (const listener of listeners) listener();
  }, []);
  return [layout, choose];
}
