/**
 * The quick-add preview in words: the due date relative to today in the
 * user's zone ("Today", "Tomorrow 17:00", "Fri 18 Dec"), the recurrence
 * ("Every last Friday"), the list, the labels and the priority.
 */
import { describeRecurrence } from "@/lib/recurrence/describe";
import { addDays, localDateString, toLocal } from "@/lib/recurrence/zoned";

import type { QuickAddContext, QuickAddResult } from "./parse";

/** "Today", "Tomorrow 17:00", "Fri 18 Dec", "Fri 1 Jan 2027, 09:30": read in `timeZone`, worded in `locale`. */
export function describeDue(
  due: { at: Date; allDay: boolean },
  ctx: Pick<QuickAddContext, "now" | "locale" | "timeZone">,
): string {
  const day = toLocal(due.at, ctx.timeZone);
  const today = toLocal(ctx.now, ctx.timeZone);
  const key = localDateString(day);
  const time = due.allDay
    ? ""
    : new Intl.DateTimeFormat(ctx.locale, { timeZone: ctx.timeZone, hour: "numeric", minute: "2-digit" }).format(
        due.at,
      );
  let date: string;
  if (key === localDateString(today)) date = "Today";
  else if (key === localDateString(addDays(today, 1))) date = "Tomorrow";
  else if (key === localDateString(addDays(today, -1))) date = "Yesterday";
  else {
    date = new Intl.DateTimeFormat(ctx.locale, {
      timeZone: ctx.timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      ...(day.year === today.year ? {} : { year: "numeric" }),
    }).format(due.at);
  }
  return time ? `${date}, ${time}` : date;
}

export interface PreviewPart {
  kind: "title" | "date" | "recurrence" | "list" | "label" | "priority";
  text: string;
  /** A label that does not exist yet and will be created. */
  isNew?: boolean;
}

const PRIORITY_WORDS = { high: "High priority", medium: "Medium priority", low: "Low priority" } as const;

export function previewParts(
  result: QuickAddResult,
  ctx: Pick<QuickAddContext, "now" | "locale" | "timeZone">,
): PreviewPart[] {
  const parts: PreviewPart[] = [{ kind: "title", text: result.title }];
  if (result.due) parts.push({ kind: "date", text: describeDue(result.due, ctx) });
  if (result.recurrence) {
    parts.push({ kind: "recurrence", text: describeRecurrence(result.recurrence.rrule, result.recurrence.basis) });
  }
  if (result.list) parts.push({ kind: "list", text: result.list.name });
  for (const label of result.labels) parts.push({ kind: "label", text: label.name, isNew: label.isNew });
  if (result.priority) parts.push({ kind: "priority", text: PRIORITY_WORDS[result.priority] });
  return parts;
}
