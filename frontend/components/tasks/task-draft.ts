import { dueDateToIso, isoToDueDate } from "@/lib/task-format";
import type { NewTask, Priority, Task, TaskPatch } from "@/lib/tasks-api";

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

export function newTaskFromDraft(draft: TaskDraft): NewTask {
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

/** Client-side checks mirroring the API's, so most mistakes never leave the page. */
export function validateDraft(draft: TaskDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  const title = draft.title.trim();
  if (title === "") errors.title = "Give the task a title.";
  else if ([...title].length > 200) errors.title = "Keep the title to 200 characters.";
  if ([...draft.description].length > 4000) errors.description = "Keep the description to 4000 characters.";
  if ([...draft.category.trim()].length > 50) errors.category = "Keep the category to 50 characters.";
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
