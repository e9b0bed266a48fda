import { describe, expect, it } from "vitest";
import { keysFor, RANKING_KEYS, resolveKey, type KeyPress } from "@/app/annotate/_hooks/ranking-keys";

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrl: false,
  meta: false,
  alt: false,
  inTextField: false,
  onControl: false,
  inWidget: false,
  onCard: true,
  onBody: false,
  ...over,
});

describe("the ranking page's key table", () => {
  it("maps card keys on a focused card", () => {
    expect(resolveKey(press("j"), "queue")).toEqual({ action: "focusNext" });
    expect(resolveKey(press("K"), "queue")).toEqual({ action: "focusPrev" });
    expect(resolveKey(press("ArrowUp"), "queue")).toEqual({ action: "moveUp" });
    expect(resolveKey(press("ArrowRight"), "queue")).toEqual({ action: "moveDown" });
    expect(resolveKey(press("3"), "queue")).toEqual({ action: "place", place: 2 });
    expect(resolveKey(press("t"), "queue")).toEqual({ action: "tie" });
    expect(resolveKey(press("u"), "edit")).toEqual({ action: "untie" });
    expect(resolveKey(press("f"), "queue")).toEqual({ action: "flags" });
    expect(resolveKey(press("0"), "queue")).toBeNull();
  });

  it("card keys need a card, except ↓ or J from nowhere, which start at the first card", () => {
    expect(resolveKey(press("t", { onCard: false }), "queue")).toBeNull();
    expect(resolveKey(press("ArrowDown", { onCard: false, onBody: true }), "queue")).toEqual({ action: "focusNext", first: true });
    expect(resolveKey(press("j", { onCard: false, onBody: true }), "queue")).toEqual({ action: "focusNext", first: true });
    expect(resolveKey(press("j", { onCard: false, onBody: false }), "queue")).toBeNull();
  });

  it("page keys work with or without a card; confirm and skip only in the queue", () => {
    for (const onCard of [true, false]) {
      expect(resolveKey(press("n", { onCard }), "queue")).toEqual({ action: "toggleNone" });
      expect(resolveKey(press("c", { onCard }), "queue")).toEqual({ action: "comment" });
      expect(resolveKey(press("l", { onCard }), "queue")).toEqual({ action: "layout" });
      expect(resolveKey(press("o", { onCard }), "queue")).toEqual({ action: "confirm" });
      expect(resolveKey(press("s", { onCard }), "queue")).toEqual({ action: "skip" });
    }
    expect(resolveKey(press("o"), "edit")).toBeNull();
    expect(resolveKey(press("s"), "edit")).toBeNull();
  });

  it("Enter submits, except on a button or link; Ctrl+Enter submits even while typing", () => {
    expect(resolveKey(press("Enter"), "queue")).toEqual({ action: "submit" });
    expect(resolveKey(press("Enter", { onCard: false, onBody: true }), "edit")).toEqual({ action: "submit" });
    expect(resolveKey(press("Enter", { onControl: true }), "queue")).toBeNull();
    expect(resolveKey(press("Enter", { inTextField: true }), "queue")).toBeNull();
    expect(resolveKey(press("Enter", { inTextField: true, ctrl: true }), "queue")).toEqual({ action: "submit" });
    expect(resolveKey(press("Enter", { meta: true, inWidget: true }), "queue")).toEqual({ action: "submit" });
  });

  it("leaves typing, modifier shortcuts and the flag menu and drag handle alone", () => {
    expect(resolveKey(press("t", { inTextField: true }), "queue")).toBeNull();
    expect(resolveKey(press("t", { ctrl: true }), "queue")).toBeNull();
    expect(resolveKey(press("1", { alt: true }), "queue")).toBeNull();
    expect(resolveKey(press("ArrowDown", { inWidget: true }), "queue")).toBeNull();
  });

  it("has no key bound twice in a mode, and the help lists each row once", () => {
    for (const mode of ["queue", "edit"] as const) {
      const keys = keysFor(mode).flatMap((row) => Object.keys(row.keys));
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(keysFor(mode).map((r) => r.help)).size).toBe(keysFor(mode).length);
    }
    expect(RANKING_KEYS.some((r) => r.keys.o === "confirm")).toBe(true);
  });
});
