import { schemaConstraints } from "@/lib/api/schema-constraints";
import type { Priority, Task, TaskInput, TaskPatch } from "@/lib/api/types";
import { dueDateToIso, isoToDueDate } from "@/lib/task-format";

/** What a task form holds: strings as typed, converted on submit. */
export interface TaskDraft {
  title: string;
  description: string;
  priority: Priority;
  category: string;
  due: string;
}

export const EMPTY_DRAFT: TaskDraft = { title: "", description: "", priority: "medium", category: "", due: "" };

export function draftFromTask(task: Task): TaskDraft {
  return {
    title: task.title,
    description: task.description ?? "",
    priority: task.priority,
    category: task.category ?? "",
    due: isoToDueDate(task.due_at),
  };
}

const orNull = (s: string) => (s.trim() === "" ? null : s.trim());

export function newTaskFromDraft(draft: TaskDraft): TaskInput {
  return {
    title: draft.title.trim(),
    description: orNull(draft.description),
    priority: draft.priority,
    category: orNull(draft.category),
    due_at: draft.due ? dueDateToIso(draft.due) : null,
  };
}

/** Only what changed, so a PATCH never rewrites fields the user left alone. */
export function patchFromDraft(original: Task, draft: TaskDraft): TaskPatch {
  const next = newTaskFromDraft(draft);
  const patch: TaskPatch = {};
  if (next.title !== original.title) patch.title = next.title;
  if (next.description !== original.description) patch.description = next.description;
  if (next.priority !== original.priority) patch.priority = next.priority;
  if (next.category !== original.category) patch.category = next.category;
  if (draft.due !== isoToDueDate(original.due_at)) patch.due_at = next.due_at;
  return patch;
}

const inputRules = schemaConstraints.TaskInput.properties;

/**
 * The API's length limits (from its OpenAPI document), in characters
 * (Unicode code points) as the API counts them. They are checked here rather
 * than with an input's `maxLength`, which counts UTF-16 units and would stop
 * a title of 150 emoji (300 units) that the API accepts.
 */
export const TASK_LIMITS = {
  title: inputRules.title.maxLength,
  description: inputRules.description.maxLength,
  category: inputRules.category.maxLength,
} as const;

/** Length in characters as the API counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  return [...text].length;
}

/** Client-side checks mirroring the API's, so most mistakes never leave the page. */
export function validateDraft(draft: TaskDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  const title = draft.title.trim();
  if (title === "") errors.title = "Give the task a title.";
  else if (charCount(title) > TASK_LIMITS.title) errors.title = `Keep the title to ${TASK_LIMITS.title} characters.`;
  if (charCount(draft.description) > TASK_LIMITS.description) {
    errors.description = `Keep the description to ${TASK_LIMITS.description} characters.`;
  }
  if (charCount(draft.category.trim()) > TASK_LIMITS.category) {
    errors.category = `Keep the category to ${TASK_LIMITS.category} characters.`;
  }
  if (draft.due && !dueDateToIso(draft.due)) errors.due_at = "Pick a valid date.";
  return errors;
}

export function sameDraft(a: TaskDraft, b: TaskDraft): boolean {
  return (
    a.title === b.title &&
    a.description === b.description &&
    a.priority === b.priority &&
    a.category === b.category &&
    a.due === b.due
  );
}
