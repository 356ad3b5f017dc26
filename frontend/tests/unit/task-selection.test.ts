import { describe, expect, it } from "vitest";

import { SHORTCUTS, createShortcutMatcher } from "@/hooks/use-keyboard-shortcuts";
import { rangeIds, withRange } from "@/hooks/use-task-selection";

const ROWS = ["a", "b", "c", "d", "e"];

describe("multi-select ranges (issue 12)", () => {
  it("takes the rows between the anchor and the target, either way round, ends included", () => {
    expect(rangeIds(ROWS, "b", "d")).toEqual(["b", "c", "d"]);
    expect(rangeIds(ROWS, "d", "b")).toEqual(["b", "c", "d"]);
    expect(rangeIds(ROWS, "c", "c")).toEqual(["c"]);
    expect(rangeIds(ROWS, "x", "c")).toEqual([]);
  });

  it("adds a range to what was chosen before it, and shrinks with it (Shift+k after Shift+j)", () => {
    const before = new Set(["e"]);
    expect([...withRange(before, ROWS, "a", "c")].sort()).toEqual(["a", "b", "c", "e"]);
    // The cursor came back up one row: the range is a..b now, e stays.
    expect([...withRange(before, ROWS, "a", "b")].sort()).toEqual(["a", "b", "e"]);
  });

  it("Shift+j and Shift+k are shortcuts of their own, that repeat when held", () => {
    const matcher = createShortcutMatcher(SHORTCUTS);
    const ctx = { typing: false, dialogOpen: false };
    expect(matcher.handle({ key: "J" }, ctx)).toEqual({ kind: "action", action: "extendNext" });
    expect(matcher.handle({ key: "K", repeat: true }, ctx)).toEqual({ kind: "action", action: "extendPrevious" });
    expect(matcher.handle({ key: "j" }, ctx)).toEqual({ kind: "action", action: "next" });
  });
});
