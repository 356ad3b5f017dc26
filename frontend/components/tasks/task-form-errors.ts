import type { UseFormSetError } from "react-hook-form";

import { draftFieldOf, type TaskDraft } from "./task-draft";

/**
 * Shows the API's field errors (keyed by its field names) on the form's
 * fields; a complaint about a field the form does not have goes on the title,
 * so it is never lost. Returns whether any was about the details section.
 */
export function showApiErrors(errors: Record<string, string>, setError: UseFormSetError<TaskDraft>): boolean {
  let details = false;
  for (const [apiField, message] of Object.entries(errors)) {
    const field = draftFieldOf(apiField) ?? "title";
    setError(field, { type: "server", message });
    if (field !== "title") details = true;
  }
  return details;
}
