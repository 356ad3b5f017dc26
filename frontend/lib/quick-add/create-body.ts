import type { TaskInput } from "@/lib/api/types";

import type { QuickAddResult } from "./parse";

/**
 * The create body for a quick-added task: the API's own `TaskInput`
 * (generated from its OpenAPI document, with `due_all_day`, `recurrence`
 * and `recurrence_basis`).
 */
export type QuickAddCreateBody = TaskInput;

/**
 * Maps a parse to the create body. Labels the user typed as new must exist
 * first: pass the ids the caller created for them, by name (any case); a new
 * label without an id is left out.
 */
export function quickAddToCreateBody(
  result: QuickAddResult,
  createdLabelIds: Readonly<Record<string, string>> = {},
): QuickAddCreateBody {
  const body: QuickAddCreateBody = { title: result.title };
  if (result.due) {
    body.due_at = result.due.at.toISOString();
    body.due_all_day = result.due.allDay;
  }
  if (result.recurrence) {
    body.recurrence = result.recurrence.rrule;
    body.recurrence_basis = result.recurrence.basis;
  }
  if (result.list) body.list_id = result.list.id;
  const created = new Map(Object.entries(createdLabelIds).map(([name, id]) => [name.toLowerCase(), id]));
  const ids = result.labels
    .map((l) => l.id ?? created.get(l.name.toLowerCase()))
    .filter((id): id is string => id !== undefined);
  if (ids.length) body.labels = [...new Set(ids)];
  if (result.priority) body.priority = result.priority;
  return body;
}
