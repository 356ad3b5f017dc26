import { describe, expect, it } from "vitest";

import {
  EMPTY_DRAFT,
  TASK_LIMITS,
  charCount,
  draftFieldOf,
  draftFromTask,
  newTaskFromDraft,
  patchFromDraft,
  taskDraftSchema,
  type TaskDraft,
} from "@/components/tasks/task-draft";
import type { Task } from "@/lib/tasks-api";
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

describe("due dates, all day or timed, in the user's zone, and repeat rules", () => {
  const zone = "Europe/Berlin";
  const base: Task = {
    id: "t1",
    user_id: "u1",
    title: "Pay rent",
    description: null,
    completed: false,
    priority: "medium",
    due_at: "2026-12-14T23:00:00Z", // 15 December, all day, in Berlin
    due_all_day: true,
    recurrence: "FREQ=MONTHLY;BYMONTHDAY=15",
    recurrence_basis: "due",
    next_due_at: "2027-01-14T23:00:00Z",
    labels: [],
    list_id: "l1",
    parent_id: null,
    position: "a",
    subtasks: { total: 0, completed: 0 },
    created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:00:00Z",
  };

  it("sends an all-day date as its local midnight, with due_all_day", () => {
    const input = newTaskFromDraft({ ...EMPTY_DRAFT, title: "t", due: "2026-12-15" }, zone);
    expect(input).toMatchObject({ due_at: "2026-12-14T23:00:00.000Z", due_all_day: true });
    expect(input).not.toHaveProperty("recurrence");
  });

  it("sends a timed date at that local time, and a rule with its basis when not the default", () => {
    const input = newTaskFromDraft(
      {
        ...EMPTY_DRAFT,
        title: "t",
        due: "2026-07-01",
        allDay: false,
        time: "09:30",
        recurrence: "FREQ=DAILY",
        basis: "completion",
      },
      zone,
    );
    expect(input).toMatchObject({ due_at: "2026-07-01T07:30:00.000Z", recurrence: "FREQ=DAILY" });
    expect(input.recurrence_basis).toBe("completion");
    expect(input).not.toHaveProperty("due_all_day");
  });

  it("reads a task back into the form in the zone", () => {
    expect(draftFromTask(base, zone)).toMatchObject({
      due: "2026-12-15",
      allDay: true,
      time: "",
      recurrence: "FREQ=MONTHLY;BYMONTHDAY=15",
      basis: "due",
    });
    const timed = { ...base, due_at: "2026-12-15T08:00:00Z", due_all_day: false };
    expect(draftFromTask(timed, zone)).toMatchObject({ due: "2026-12-15", allDay: false, time: "09:00" });
    expect(draftFromTask(timed, "America/New_York")).toMatchObject({ due: "2026-12-15", time: "03:00" });
  });

  it("patches nothing when nothing changed, and only what did", () => {
    const draft = draftFromTask(base, zone);
    expect(patchFromDraft(base, draft, zone)).toEqual({});
    expect(patchFromDraft(base, { ...draft, allDay: false, time: "18:00" }, zone)).toEqual({
      due_at: "2026-12-15T17:00:00.000Z",
      due_all_day: false,
    });
    expect(patchFromDraft(base, { ...draft, recurrence: "" }, zone)).toEqual({ recurrence: null });
    expect(patchFromDraft(base, { ...draft, basis: "completion" }, zone)).toEqual({ recurrence_basis: "completion" });
  });

  it("asks for a time unless all day, and a date for a repeating task", () => {
    expect(problems({ ...EMPTY_DRAFT, title: "t", due: "2026-12-15", allDay: false, time: "" }).time).toBe(
      "Pick a time, or make it all day.",
    );
    expect(problems({ ...EMPTY_DRAFT, title: "t", recurrence: "FREQ=DAILY" }).recurrence).toBe(
      "A repeating task needs a due date.",
    );
  });

  it("shows the API's complaints on the fields that hold them", () => {
    expect(draftFieldOf("due_at")).toBe("due");
    expect(draftFieldOf("due_all_day")).toBe("due");
    expect(draftFieldOf("recurrence")).toBe("recurrence");
    expect(draftFieldOf("recurrence_basis")).toBe("basis");
  });
});
