import { z } from "zod";

import { schemaConstraints } from "@/lib/api/schema-constraints";
import type { Task, TaskInput, TaskPatch } from "@/lib/api/types";
import { dueDateToIso, isoToDueDate } from "@/lib/task-format";

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
 */
export const taskDraftSchema = z.object({
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
  due: z.string().refine((due) => due === "" || dueDateToIso(due) !== null, "Pick a valid date."),
  labels: z
    .array(z.string())
    .max(inputRules.labels.maxItems, `A task takes at most ${inputRules.labels.maxItems} labels.`),
});

export type TaskDraft = z.infer<typeof taskDraftSchema>;
export type TaskDraftField = keyof TaskDraft;

export const EMPTY_DRAFT: TaskDraft = { title: "", description: "", priority: "medium", due: "", labels: [] };

/** The form field that shows the API's complaint about a body field. */
export function draftFieldOf(apiField: string): TaskDraftField | null {
  if (apiField === "due_at") return "due";
  return apiField in EMPTY_DRAFT ? (apiField as TaskDraftField) : null;
}

export function draftFromTask(task: Task): TaskDraft {
  return {
    title: task.title,
    description: task.description ?? "",
    priority: task.priority,
    due: isoToDueDate(task.due_at),
    labels: [...task.labels],
  };
}

const orNull = (s: string) => (s.trim() === "" ? null : s.trim());

export function newTaskFromDraft(draft: TaskDraft): TaskInput {
  return {
    title: draft.title.trim(),
    description: orNull(draft.description),
    priority: draft.priority,
    due_at: draft.due ? dueDateToIso(draft.due) : null,
    labels: [...draft.labels].sort(),
  };
}

/** Only what changed, so a PATCH never rewrites fields the user left alone. */
export function patchFromDraft(original: Task, draft: TaskDraft): TaskPatch {
  const next = newTaskFromDraft(draft);
  const patch: TaskPatch = {};
  if (next.title !== original.title) patch.title = next.title;
  if (next.description !== original.description) patch.description = next.description;
  if (next.priority !== original.priority) patch.priority = next.priority;
  if (draft.due !== isoToDueDate(original.due_at)) patch.due_at = next.due_at;
  if (next.labels?.join() !== [...original.labels].sort().join()) patch.labels = next.labels;
  return patch;
}
