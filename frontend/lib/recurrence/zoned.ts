/**
 * Wall-clock dates and times in a named IANA time zone, whatever zone the
 * machine runs in. Calendar arithmetic is done on plain {year, month, day}
 * values (through Date.UTC, which has no daylight-saving gaps), and only the
 * last step turns a local date and time into an instant.
 */

export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(timeZone, format);
  }
  return format;
}

function partsIn(instant: Date, timeZone: string): LocalDateTime & { second: number } {
  const out: Record<string, number> = {};
  for (const part of formatIn(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") out[part.type] = Number(part.value);
  }
  return {
    year: out.year!,
    month: out.month!,
    day: out.day!,
    hour: out.hour! % 24,
    minute: out.minute!,
    second: out.second!,
  };
}

/** The wall-clock date and time of an instant in a zone. */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const { year, month, day, hour, minute } = partsIn(instant, timeZone);
  return { year, month, day, hour, minute };
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(instant: number, timeZone: string): number {
  const p = partsIn(new Date(instant), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60000);
}

/**
 * The instant a local date and time names in a zone. A time skipped by a
 * daylight-saving change resolves to the same wall time with the offset from
 * before the change (so 02:30 on a spring-forward day becomes 03:30).
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const first = offsetMinutes(wall, timeZone);
  let instant = wall - first * 60000;
  const second = offsetMinutes(instant, timeZone);
  if (second !== first) {
    const retry = wall - second * 60000;
    instant = offsetMinutes(retry, timeZone) === second ? retry : Math.max(instant, retry);
  }
  return new Date(instant);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function compareLocal(a: LocalDateTime, b: LocalDateTime): number {
  return (
    Date.UTC(a.year, a.month - 1, a.day, a.hour, a.minute) - Date.UTC(b.year, b.month - 1, b.day, b.hour, b.minute)
  );
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** "2026-12-24" */
export function localDateString(date: LocalDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** "2026-12-24T09:30" */
export function localDateTimeString(local: LocalDateTime): string {
  return `${localDateString(local)}T${pad(local.hour)}:${pad(local.minute)}`;
}
