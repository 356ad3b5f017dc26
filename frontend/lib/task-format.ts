import type { Priority, SortKey, SortOrder, Task } from "./api/types";

export const PRIORITY_LABEL: Record<Priority, string> = { low: "Low", medium: "Medium", high: "High" };

/** "YYYY-MM-DD" (from <input type="date">) → the end of that day, local time, as RFC 3339 UTC. */
export function dueDateToIso(date: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const local = new Date(y, m - 1, d, 23, 59, 59);
  return Number.isNaN(local.getTime()) ? null : local.toISOString();
}

/** RFC 3339 → "YYYY-MM-DD" in local time, for <input type="date">. */
export function isoToDueDate(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function isOverdue(task: Pick<Task, "completed" | "due_at">, now: Date = new Date()): boolean {
  if (task.completed || !task.due_at) return false;
  const due = new Date(task.due_at);
  return !Number.isNaN(due.getTime()) && due.getTime() < now.getTime();
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function formatDue(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

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
