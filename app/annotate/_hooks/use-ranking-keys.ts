"use client";
// One keydown listener for the ranking page: reads the press against the key table
// (ranking-keys.ts) and hands the action, with the focused card, to the page.
import { useEffect, useRef } from "react";
import { resolveKey, type RankingMode, type ResolvedKey } from "./ranking-keys";

function isTextField(el: HTMLElement | null): boolean {
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

export function useRankingKeys(enabled: boolean, mode: RankingMode, onAction: (key: ResolvedKey, cardId: number | null) => void): void {
  const latest = useRef({ enabled, mode, onAction });
  useEffect(() => {
    latest.current = { enabled, mode, onAction };
  });

  useEffect(() => {
    const listener = (e: KeyboardEvent) => {
      const { enabled, mode, onAction } = latest.current;
      if (!enabled) return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      const card = target?.closest<HTMLElement>("[data-card-id]") ?? null;
      const resolved = resolveKey(
        {
          key: e.key,
          ctrl: e.ctrlKey,
          meta: e.metaKey,
          alt: e.altKey,
          inTextField: isTextField(target),
          onControl: !!target && target !== card && !!target.closest("button, a, summary"),
          inWidget: !!target?.closest("[data-testid=flag-menu], [data-drag-handle]"),
          onCard: card !== null,
          onBody: !target || target === document.body,
        },
        mode,
      );
      if (!resolved) return;
      e.preventDefault();
      onAction(resolved, card ? Number(card.dataset.cardId) : null);
    };
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);
}
