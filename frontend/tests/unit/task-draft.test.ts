import { describe, expect, it } from "vitest";

import { EMPTY_DRAFT, TASK_LIMITS, charCount, newTaskFromDraft, validateDraft } from "@/components/tasks/task-draft";

// U+1F389 (party popper): one character for the API, two UTF-16 units for JavaScript.
const EMOJI = "\u{1F389}";

describe("task draft limits count characters as the API does", () => {
  it("counts code points, not UTF-16 units", () => {
    expect(EMOJI.length).toBe(2);
    expect(charCount(EMOJI.repeat(150))).toBe(150);
  });

  it("accepts a title of 150 emoji (300 UTF-16 units)", () => {
    const draft = { ...EMPTY_DRAFT, title: EMOJI.repeat(150) };
    expect(validateDraft(draft)).toEqual({});
    expect(newTaskFromDraft(draft).title).toBe(EMOJI.repeat(150));
  });

  it("accepts exactly the limit and refuses one character more", () => {
    expect(validateDraft({ ...EMPTY_DRAFT, title: EMOJI.repeat(TASK_LIMITS.title) })).toEqual({});
    expect(validateDraft({ ...EMPTY_DRAFT, title: EMOJI.repeat(TASK_LIMITS.title + 1) }).title).toMatch(
      /200 characters/,
    );
  });

  it("checks the title's length after trimming, as the API does", () => {
    const padded = `   ${"a".repeat(TASK_LIMITS.title)}   `;
    expect(validateDraft({ ...EMPTY_DRAFT, title: padded })).toEqual({});
  });

  it("applies the description and category limits in characters", () => {
    const ok = { ...EMPTY_DRAFT, title: "t", description: EMOJI.repeat(4000), category: EMOJI.repeat(50) };
    expect(validateDraft(ok)).toEqual({});
    const tooLong = { ...ok, description: EMOJI.repeat(4001), category: EMOJI.repeat(51) };
    const errors = validateDraft(tooLong);
    expect(errors.description).toMatch(/4000 characters/);
    expect(errors.category).toMatch(/50 characters/);
  });

  it("still asks for a title", () => {
    expect(validateDraft({ ...EMPTY_DRAFT, title: "   " }).title).toBe("Give the task a title.");
  });
});
