import type { Priority, SortKey, SortOrder } from "./api/types";

export const PRIORITY_LABEL: Record<Priority, string> = { low: "Low", medium: "Medium", high: "High" };

export interface SortChoice {
  value: string;
  label: string;
  sort: SortKey;
  order: SortOrder;
}

export const SORT_CHOICES: readonly SortChoice[] = [
  { value: "position:asc", label: "My order", sort: "position", order: "asc" },
  { value: "created_at:desc", label: "Newest first", sort: "created_at", order: "desc" },
  { value: "created_at:asc", label: "Oldest first", sort: "created_at", order: "asc" },
  { value: "due_at:asc", label: "Due soonest", sort: "due_at", order: "asc" },
  { value: "priority:desc", label: "Highest priority", sort: "priority", order: "desc" },
  { value: "title:asc", label: "Title A–Z", sort: "title", order: "asc" },
  { value: "updated_at:desc", label: "Recently updated", sort: "updated_at", order: "desc" },
];
