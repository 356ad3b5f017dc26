/**
 * Calendar dates and wall-clock times in a named time zone (the user's
 * preference, an IANA name), with nothing but Intl: which local date an
 * instant falls on, the instant of a local date and time (daylight saving
 * included), Upcoming's day sections, and moving a task to another day.
 *
 * A local date is a "YYYY-MM-DD" string (a day key): it compares and sorts
 * as text, and is what <input type="date"> holds.
 */

export type DayKey = string;

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})$/;

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall-clock reading of an instant, as numbers (hour 0–23). */
function wallClock(instant: Date, zone: string) {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormats.set(zone, format);
  }
  const out: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) if (part.type !== "literal") out[part.type] = Number(part.value);
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Whether the runtime knows this IANA zone name. */
export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The browser's own zone (an IANA name), UTC when it cannot tell. */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** The local date an instant falls on in the zone. */
export function dayKeyOf(instant: Date | string, zone: string): DayKey {
  const date = typeof instant === "string" ? new Date(instant) : instant;
  const { year, month, day } = wallClock(date, zone);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The local time of day ("HH:MM") of an instant in the zone. */
export function timeOfDayOf(instant: Date | string, zone: string): string {
  const date = typeof instant === "string" ? new Date(instant) : instant;
  const { hour, minute } = wallClock(date, zone);
  return `${pad(hour)}:${pad(minute)}`;
}

export function isDayKey(value: string): boolean {
  const match = DAY_KEY.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The date `days` later (earlier when negative): calendar arithmetic, no zone involved. */
export function addDays(key: DayKey, days: number): DayKey {
  const [y, m, d] = key.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: DayKey, to: DayKey): number {
  const utc = (key: DayKey) => {
    const [y, m, d] = key.split("-").map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

/** The day of the week of a date, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(key: DayKey): number {
  const [y, m, d] = key.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/**
 * The instant the zone's clocks read `time` ("HH:MM", default midnight) on
 * that date. A time skipped by a daylight-saving jump moves forward by the
 * jump (02:30 on a spring-forward night in Berlin is 03:30); a time that
 * happens twice (fall back) is its first occurrence.
 */
export function zonedInstant(key: DayKey, zone: string, time = "00:00"): Date {
  const [y, m, d] = key.split("-").map(Number) as [number, number, number];
  const [, hh = "0", mm = "0"] = TIME.exec(time) ?? [];
  const wallAsUtc = Date.UTC(y, m - 1, d, Number(hh), Number(mm));
  const offsetAt = (instant: number) => {
    const w = wallClock(new Date(instant), zone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - instant;
  };
  const reads = (instant: number) => offsetAt(instant) + instant === wallAsUtc;
  // The offsets in force half a day before and after: a zone changes its offset at most once in between.
  const before = wallAsUtc - offsetAt(wallAsUtc - 43_200_000);
  const after = wallAsUtc - offsetAt(wallAsUtc + 43_200_000);
  const valid = [before, after].filter(reads).sort((a, b) => a - b);
  // None reads it: a skipped time, read with the offset from before the jump.
  return new Date(valid[0] ?? before);
}

/** The instant the date starts in the zone (its local midnight, or the first instant after a DST gap). */
export function startOfDay(key: DayKey, zone: string): Date {
  return zonedInstant(key, zone, "00:00");
}

/** Today's date in the zone. */
export function todayIn(zone: string, now: Date = new Date()): DayKey {
  return dayKeyOf(now, zone);
}

/** What a task's due date is, as far as dates go. */
export interface Due {
  due_at: string | null;
  due_all_day?: boolean;
  completed?: boolean;
}

/**
 * Overdue: an all-day task whose date is before today (it is not overdue on
 * its own day), a timed task whose instant has passed. Done tasks never are.
 */
export function isOverdueIn(task: Due, zone: string, now: Date = new Date()): boolean {
  if (task.completed || !task.due_at) return false;
  const due = new Date(task.due_at);
  if (Number.isNaN(due.getTime())) return false;
  if (task.due_all_day) return dayKeyOf(due, zone) < todayIn(zone, now);
  return due.getTime() < now.getTime();
}

/**
 * The due date a task gets when it is moved to another day: an all-day task
 * stays all-day (that date's local midnight), a timed one keeps its local
 * time of day. RFC 3339 in UTC.
 */
export function moveToDay(task: Due, target: DayKey, zone: string): string {
  if (!task.due_at || task.due_all_day) return startOfDay(target, zone).toISOString();
  return zonedInstant(target, zone, timeOfDayOf(task.due_at, zone)).toISOString();
}

export interface DaySection<T> {
  day: DayKey;
  tasks: T[];
}

/**
 * Upcoming's sections: one per date from `today` for `days` days, each with
 * the tasks due on it (in the order given), empty days included. Tasks due
 * before today go to today's section; after the last day, nowhere.
 */
export function daySections<T extends Due>(tasks: readonly T[], today: DayKey, days: number, zone: string) {
  const sections: DaySection<T>[] = Array.from({ length: days }, (_, i) => ({ day: addDays(today, i), tasks: [] }));
  const byDay = new Map(sections.map((s) => [s.day, s]));
  for (const task of tasks) {
    if (!task.due_at) continue;
    const key = dayKeyOf(task.due_at, zone);
    const section = key < today ? sections[0] : byDay.get(key);
    section?.tasks.push(task);
  }
  return sections;
}

/** "Today", "Tomorrow", "Yesterday", else the weekday and date ("Wed 9 Dec", in the locale's words). */
export function dayName(key: DayKey, today: DayKey, locale?: string): string {
  const offset = daysBetween(today, key);
  if (offset === 0) return "Today";
  if (offset === 1) return "Tomorrow";
  if (offset === -1) return "Yesterday";
  const [y, m, d] = key.split("-").map(Number) as [number, number, number];
  const sameYear = key.slice(0, 4) === today.slice(0, 4);
  return new Intl.DateTimeFormat(locale ?? "en-GB", {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
    year: sameYear ? undefined : "numeric",
  })
    .format(new Date(Date.UTC(y, m - 1, d)))
    .replace(",", "");
}

/**
 * A due date in words in the zone: "Today", "Tomorrow 09:30", "Wed 9 Dec",
 * "Mon 4 Jan 2027 18:00". All-day tasks have no time.
 */
export function dueInWords(task: Due, zone: string, now: Date = new Date(), locale?: string): string {
  if (!task.due_at) return "";
  const due = new Date(task.due_at);
  if (Number.isNaN(due.getTime())) return task.due_at;
  const day = dayName(dayKeyOf(due, zone), todayIn(zone, now), locale);
  return task.due_all_day ? day : `${day} ${timeOfDayOf(due, zone)}`;
}
