import { describe, expect, it } from "vitest";

import {
  EMPTY_DRAFT,
  TASK_LIMITS,
  charCount,
  newTaskFromDraft,
  taskDraftSchema,
  type TaskDraft,
} from "@/components/tasks/task-draft";
import { schemaConstraints } from "@/lib/api/schema-constraints";

// U+1F389 (party popper): one character for the API, two UTF-16 units for JavaScript.
const EMOJI = "\u{1F389}";

/** The form's complaints, one per field, as the form shows them. */
function problems(draft: TaskDraft): Record<string, string> {
  const result = taskDraftSchema.safeParse(draft);
  const out: Record<string, string> = {};
  if (!result.success) for (const issue of result.error.issues) out[String(issue.path[0])] ??= issue.message;
  return out;
}

describe("task draft limits count characters as the API does", () => {
  it("takes its limits from the API's OpenAPI document", () => {
    expect(TASK_LIMITS.title).toBe(schemaConstraints.TaskInput.properties.title.maxLength);
    expect(TASK_LIMITS.title).toBe(200);
  });

  it("counts code points, not UTF-16 units", () => {
    expect(EMOJI.length).toBe(2);
    expect(charCount(EMOJI.repeat(150))).toBe(150);
  });

  it("accepts a title of 150 emoji (300 UTF-16 units)", () => {
    const draft = { ...EMPTY_DRAFT, title: EMOJI.repeat(150) };
    expect(problems(draft)).toEqual({});
    expect(newTaskFromDraft(draft).title).toBe(EMOJI.repeat(150));
  });

  it("accepts exactly the limit and refuses one character more", () => {
    expect(problems({ ...EMPTY_DRAFT, title: EMOJI.repeat(TASK_LIMITS.title) })).toEqual({});
    expect(problems({ ...EMPTY_DRAFT, title: EMOJI.repeat(TASK_LIMITS.title + 1) }).title).toMatch(/200 characters/);
  });

  it("checks the title's length after trimming, as the API does", () => {
    const padded = `   ${"a".repeat(TASK_LIMITS.title)}   `;
    expect(problems({ ...EMPTY_DRAFT, title: padded })).toEqual({});
  });

  it("applies the description limit in characters", () => {
    const ok = { ...EMPTY_DRAFT, title: "t", description: EMOJI.repeat(4000) };
    expect(problems(ok)).toEqual({});
    const tooLong = { ...ok, description: EMOJI.repeat(4001) };
    const errors = problems(tooLong);
    expect(errors.description).toMatch(/4000 characters/);
  });

  it("still asks for a title", () => {
    expect(problems({ ...EMPTY_DRAFT, title: "   " }).title).toBe("Give the task a title.");
  });

  it("refuses a date that is not one", () => {
    expect(problems({ ...EMPTY_DRAFT, title: "t", due: "2026-02-30x" }).due).toBe("Pick a valid date.");
  });
});
