/**
 * The subset of RFC 5545 recurrence rules the API accepts (FREQ, INTERVAL,
 * BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, COUNT, UNTIL), as data, with the
 * first occurrence on or after a given moment for quick add and the picker.
 * The API computes every later occurrence itself.
 */
import { addDays, compareLocal, daysInMonth, weekdayOf, type LocalDate, type LocalDateTime } from "./zoned";

export type Frequency = "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";
export type RecurrenceBasis = "due" | "completion";

/** Two-letter RFC 5545 weekday codes, index = JavaScript's getDay(). */
export const WEEKDAY_CODES = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"] as const;
export type WeekdayCode = (typeof WEEKDAY_CODES)[number];

export interface ByDay {
  /** Position within the month or year ("1MO", "-1FR"); absent: every such weekday. */
  nth?: number;
  day: WeekdayCode;
}

export interface Rule {
  freq: Frequency;
  interval: number;
  byDay: ByDay[];
  byMonthDay: number[];
  byMonth: number[];
  bySetPos: number[];
  count?: number;
  /** As written in the rule, e.g. "20271231T225959Z". */
  until?: string;
}

export function emptyRule(freq: Frequency): Rule {
  return { freq, interval: 1, byDay: [], byMonthDay: [], byMonth: [], bySetPos: [] };
}

const MONDAY_FIRST: readonly WeekdayCode[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

function byDayOrder(a: ByDay, b: ByDay): number {
  return MONDAY_FIRST.indexOf(a.day) - MONDAY_FIRST.indexOf(b.day) || (a.nth ?? 0) - (b.nth ?? 0);
}

/** The rule as an RRULE value, parts in a fixed order so equal rules give equal strings. */
export function formatRule(rule: Rule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval > 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byMonth.length) parts.push(`BYMONTH=${[...rule.byMonth].sort((a, b) => a - b).join(",")}`);
  if (rule.byMonthDay.length) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(",")}`);
  if (rule.byDay.length) {
    const days = [...rule.byDay].sort(byDayOrder).map((d) => `${d.nth ?? ""}${d.day}`);
    parts.push(`BYDAY=${[...new Set(days)].join(",")}`);
  }
  if (rule.bySetPos.length) parts.push(`BYSETPOS=${rule.bySetPos.join(",")}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.until !== undefined) parts.push(`UNTIL=${rule.until}`);
  return parts.join(";");
}

const FREQUENCIES: readonly string[] = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];

function numbers(value: string): number[] | null {
  const list = value.split(",").map((v) => Number(v));
  return list.every((n) => Number.isInteger(n) && n !== 0) ? list : null;
}

/** Reads an RRULE value (with or without a leading "RRULE:"); null when it is outside the supported subset. */
export function parseRule(text: string): Rule | null {
  const body = text.trim().replace(/^RRULE:/i, "");
  if (!body) return null;
  let rule: Rule | null = null;
  const rest: [string, string][] = [];
  for (const part of body.split(";")) {
    const [key, value] = part.split("=");
    if (!key || value === undefined || value === "") return null;
    const name = key.toUpperCase();
    if (name === "FREQ") {
      if (!FREQUENCIES.includes(value.toUpperCase())) return null;
      rule = emptyRule(value.toUpperCase() as Frequency);
    } else rest.push([name, value.toUpperCase()]);
  }
  if (!rule) return null;
  for (const [name, value] of rest) {
    switch (name) {
      case "INTERVAL": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) return null;
        rule.interval = n;
        break;
      }
      case "BYDAY":
        for (const item of value.split(",")) {
          const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(item);
          if (!m) return null;
          rule.byDay.push(m[1] ? { nth: Number(m[1]), day: m[2] as WeekdayCode } : { day: m[2] as WeekdayCode });
        }
        break;
      case "BYMONTHDAY":
      case "BYMONTH":
      case "BYSETPOS": {
        const list = numbers(value);
        if (!list) return null;
        if (name === "BYMONTHDAY") rule.byMonthDay = list;
        else if (name === "BYMONTH") rule.byMonth = list;
        else rule.bySetPos = list;
        break;
      }
      case "COUNT": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) return null;
        rule.count = n;
        break;
      }
      case "UNTIL":
        if (!/^\d{8}(T\d{6}Z?)?$/.test(value)) return null;
        rule.until = value;
        break;
      default:
        return null;
    }
  }
  return rule;
}

/** Days of a month that the rule's BYDAY (and BYSETPOS) pick, ascending. */
function monthDaysByWeekday(rule: Rule, year: number, month: number): number[] {
  const length = daysInMonth(year, month);
  const picked: number[] = [];
  for (let day = 1; day <= length; day++) {
    const code = WEEKDAY_CODES[weekdayOf({ year, month, day })];
    for (const by of rule.byDay) {
      if (by.day !== code) continue;
      if (by.nth === undefined) picked.push(day);
      else {
        const fromStart = Math.ceil(day / 7);
        const fromEnd = -Math.ceil((length - day + 1) / 7);
        if (by.nth === fromStart || by.nth === fromEnd) picked.push(day);
      }
    }
  }
  const unique = [...new Set(picked)].sort((a, b) => a - b);
  if (!rule.bySetPos.length) return unique;
  return rule.bySetPos
    .map((pos) => (pos > 0 ? unique[pos - 1] : unique[unique.length + pos]))
    .filter((d): d is number => d !== undefined);
}

/** Whether a date is one the rule's BY* parts allow (INTERVAL aside: the first occurrence starts the series). */
export function matchesDay(rule: Rule, date: LocalDate): boolean {
  if (rule.byMonth.length && !rule.byMonth.includes(date.month)) return false;
  if (rule.byMonthDay.length) {
    const length = daysInMonth(date.year, date.month);
    if (!rule.byMonthDay.some((d) => (d > 0 ? d : length + d + 1) === date.day)) return false;
  }
  if (rule.byDay.length) {
    if (rule.freq === "MONTHLY" || (rule.freq === "YEARLY" && rule.byMonth.length)) {
      if (!monthDaysByWeekday(rule, date.year, date.month).includes(date.day)) return false;
    } else if (!rule.byDay.some((by) => by.day === WEEKDAY_CODES[weekdayOf(date)])) return false;
  }
  return true;
}

/**
 * The first date on or after `from` that the rule allows; with a time of day,
 * one whose time is still ahead of `from`. Null when none within four years
 * (a rule for 29 February finds one).
 */
export function firstOccurrence(
  rule: Rule,
  from: LocalDateTime,
  time: { hour: number; minute: number } | null,
): LocalDate | null {
  for (let i = 0; i <= 366 * 4 + 1; i++) {
    const date = addDays(from, i);
    if (!matchesDay(rule, date)) continue;
    if (time && compareLocal({ ...date, ...time }, from) <= 0) continue;
    return date;
  }
  return null;
}
