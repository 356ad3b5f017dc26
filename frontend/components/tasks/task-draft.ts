import { z } from "zod";

import { schemaConstraints } from "@/lib/api/schema-constraints";
import type { Task, TaskInput, TaskPatch } from "@/lib/tasks-api";
import { browserZone, dayKeyOf, isDayKey, startOfDay, timeOfDayOf, zonedInstant } from "@/lib/zoned-date";

const inputRules = schemaConstraints.TaskInput.properties;

/**
 * The API's length limits (from its OpenAPI document), in characters
 * (Unicode code points) as the API counts them. They are checked here rather
 * than with an input's `maxLength`, which counts UTF-16 units and would stop
 * a title of 150 emoji (300 units) that the API accepts; zod's `max()`
 * counts UTF-16 units too.
 */
export const TASK_LIMITS = {
  title: inputRules.title.maxLength,
  description: inputRules.description.maxLength,
} as const;

/** Length in characters as the API counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  return [...text].length;
}

const withinLimit = (limit: number, trim: boolean) => (text: string) => charCount(trim ? text.trim() : text) <= limit;

/**
 * What a task form holds (strings as typed, converted on submit), and the
 * client-side checks mirroring the API's, so most mistakes never leave the
 * page. The API trims the title before measuring it, and so does this.
 *
 * The due date is a local date ("YYYY-MM-DD") and, unless the task is due all
 * day, a local time ("HH:MM"), both in the user's time zone (their
 * preference); `recurrence` is an RRULE value ("" for none), checked by the
 * API (a 422 names the field).
 */
export const taskDraftSchema = z
  .object({
    title: z
      .string()
      .refine((title) => title.trim() !== "", "Give the task a title.")
      .refine(withinLimit(TASK_LIMITS.title, true), `Keep the title to ${TASK_LIMITS.title} characters.`),
    description: z
      .string()
      .refine(
        withinLimit(TASK_LIMITS.description, false),
        `Keep the description to ${TASK_LIMITS.description} characters.`,
      ),
    priority: z.enum(schemaConstraints.Priority.enum),
    due: z.string().refine((due) => due === "" || isDayKey(due), "Pick a valid date."),
    allDay: z.boolean(),
    time: z.string(),
    recurrence: z.string(),
    basis: z.enum(["due", "completion"]),
    labels: z
      .array(z.string())
      .max(inputRules.labels.maxItems, `A task takes at most ${inputRules.labels.maxItems} labels.`),
  })
  .superRefine((draft, ctx) => {
    if (draft.due !== "" && !draft.allDay && !/^([01]\d|2[0-3]):[0-5]\d$/.test(draft.time))
      ctx.addIssue({ code: "custom", path: ["time"], message: "Pick a time, or make it all day." });
    if (draft.recurrence.trim() !== "" && draft.due === "")
      ctx.addIssue({ code: "custom", path: ["recurrence"], message: "A repeating task needs a due date." });
  });

export type TaskDraft = z.infer<typeof taskDraftSchema>;
export type TaskDraftField = keyof TaskDraft;

export const EMPTY_DRAFT: TaskDraft = {
  title: "",
  description: "",
  priority: "medium",
  due: "",
  allDay: true,
  time: "",
  recurrence: "",
  basis: "due",
  labels: [],
};

const API_FIELDS: Record<string, TaskDraftField> = {
  due_at: "due",
  due_all_day: "due",
  recurrence_basis: "basis",
};

/** The form field that shows the API's complaint about a body field. */
export function draftFieldOf(apiField: string): TaskDraftField | null {
  if (apiField in API_FIELDS) return API_FIELDS[apiField]!;
  return apiField in EMPTY_DRAFT ? (apiField as TaskDraftField) : null;
}

export function draftFromTask(task: Task, zone: string = browserZone()): TaskDraft {
  const timed = task.due_at !== null && !task.due_all_day;
  return {
    title: task.title,
    description: task.description ?? "",
    priority: task.priority,
    due: task.due_at ? dayKeyOf(task.due_at, zone) : "",
    allDay: !timed,
    time: timed && task.due_at ? timeOfDayOf(task.due_at, zone) : "",
    recurrence: task.recurrence ?? "",
    basis: task.recurrence_basis ?? "due",
    labels: [...task.labels],
  };
}

const orNull = (s: string) => (s.trim() === "" ? null : s.trim());

/** The due instant the draft names, RFC 3339 in UTC (an all-day date's local midnight), or null. */
export function dueAtOf(draft: Pick<TaskDraft, "due" | "allDay" | "time">, zone: string): string | null {
  if (!draft.due || !isDayKey(draft.due)) return null;
  return (draft.allDay ? startOfDay(draft.due, zone) : zonedInstant(draft.due, zone, draft.time)).toISOString();
}

/**
 * The body of a create. The issue 11 members are sent only when they are not
 * the API's defaults.
 */
export function newTaskFromDraft(draft: TaskDraft, zone: string = browserZone()): TaskInput {
  const due_at = dueAtOf(draft, zone);
  const recurrence = orNull(draft.recurrence);
  const input: TaskInput = {
    title: draft.title.trim(),
    description: orNull(draft.description),
    priority: draft.priority,
    due_at,
    labels: [...draft.labels].sort(),
  };
  if (due_at && draft.allDay) input.due_all_day = true;
  if (recurrence) input.recurrence = recurrence;
  if (recurrence && draft.basis !== "due") input.recurrence_basis = draft.basis;
  return input;
}

const sameInstant = (a: string | null, b: string | null) =>
  a === b || (a !== null && b !== null && Date.parse(a) === Date.parse(b));

/** Only what changed, so a PATCH never rewrites fields the user left alone. */
export function patchFromDraft(original: Task, draft: TaskDraft, zone: string = browserZone()): TaskPatch {
  const next = newTaskFromDraft(draft, zone);
  const patch: TaskPatch = {};
  if (next.title !== original.title) patch.title = next.title;
  if (next.description !== original.description) patch.description = next.description;
  if (next.priority !== original.priority) patch.priority = next.priority;
  const allDay = next.due_at !== null && draft.allDay;
  if (!sameInstant(next.due_at ?? null, original.due_at) || allDay !== (original.due_all_day ?? false)) {
    patch.due_at = next.due_at ?? null;
    patch.due_all_day = allDay;
  }
  const recurrence = next.recurrence ?? null;
  if (recurrence !== (original.recurrence ?? null)) patch.recurrence = recurrence;
  if (recurrence && draft.basis !== (original.recurrence_basis ?? "due")) patch.recurrence_basis = draft.basis;
  if (next.labels?.join() !== [...original.labels].sort().join()) patch.labels = next.labels;
  return patch;
}
