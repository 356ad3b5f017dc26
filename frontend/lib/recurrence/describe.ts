/**
 * A recurrence rule in plain English, as the editor and quick add show it:
 * "Every weekday", "Every 2 weeks on Monday and Thursday", "Every last
 * Friday", "Every 2 weeks after completion".
 */
import { parseRule, type ByDay, type Rule, type RecurrenceBasis, type WeekdayCode } from "./rrule";

const DAY_NAMES: Record<WeekdayCode, string> = {
  MO: "Monday",
  TU: "Tuesday",
  WE: "Wednesday",
  TH: "Thursday",
  FR: "Friday",
  SA: "Saturday",
  SU: "Sunday",
};
const WEEK_ORDER: readonly WeekdayCode[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const POSITION_WORDS: Record<string, string> = {
  "1": "first",
  "2": "second",
  "3": "third",
  "4": "fourth",
  "5": "fifth",
};
const UNITS = { DAILY: "day", WEEKLY: "week", MONTHLY: "month", YEARLY: "year" } as const;

/** 1 → "1st", 22 → "22nd", 13 → "13th". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10];
  return `${n}${suffix ?? "th"}`;
}

/** "Monday", "Monday and Thursday", "Monday, Wednesday and Friday". */
function and(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function dayList(days: ByDay[]): string {
  const codes = [...new Set(days.map((d) => d.day))].sort((a, b) => WEEK_ORDER.indexOf(a) - WEEK_ORDER.indexOf(b));
  return and(codes.map((c) => DAY_NAMES[c]));
}

function position(n: number): string {
  if (n === -1) return "last";
  if (n === -2) return "second to last";
  return POSITION_WORDS[String(n)] ?? ordinal(n);
}

function monthDay(n: number): string {
  if (n === -1) return "last day";
  if (n < -1) return `${ordinal(-n)} to last day`;
  return ordinal(n);
}

function isSet(days: ByDay[], codes: WeekdayCode[]): boolean {
  const have = new Set(days.map((d) => (d.nth === undefined ? d.day : "")));
  return have.size === codes.length && codes.every((c) => have.has(c));
}

/** "Every 3 months", "Every day", "Every other week" is spelt "Every 2 weeks". */
function every(rule: Rule): string {
  const unit = UNITS[rule.freq];
  return rule.interval === 1 ? `Every ${unit}` : `Every ${rule.interval} ${unit}s`;
}

/** The weekday positions in the month: "last Friday", "first Monday and third Monday". */
function positioned(rule: Rule): string | null {
  if (rule.bySetPos.length === 1 && rule.byDay.length && rule.byDay.every((d) => d.nth === undefined)) {
    return `${position(rule.bySetPos[0]!)} ${dayList(rule.byDay)}`;
  }
  if (!rule.bySetPos.length && rule.byDay.length && rule.byDay.every((d) => d.nth !== undefined)) {
    return and(rule.byDay.map((d) => `${position(d.nth!)} ${DAY_NAMES[d.day]}`));
  }
  return null;
}

function schedule(rule: Rule): string {
  const once = rule.interval === 1;
  switch (rule.freq) {
    case "DAILY":
      if (rule.byDay.length) return `${every(rule)}, on ${dayList(rule.byDay)}`;
      return every(rule);
    case "WEEKLY":
      if (!rule.byDay.length) return every(rule);
      if (once && isSet(rule.byDay, ["MO", "TU", "WE", "TH", "FR"])) return "Every weekday";
      if (once && isSet(rule.byDay, ["SA", "SU"])) return "Every weekend";
      return once ? `Every ${dayList(rule.byDay)}` : `${every(rule)} on ${dayList(rule.byDay)}`;
    case "MONTHLY": {
      if (rule.byMonthDay.length) return `${every(rule)} on the ${and(rule.byMonthDay.map(monthDay))}`;
      const pos = positioned(rule);
      if (pos) return once ? `Every ${pos}` : `${every(rule)} on the ${pos}`;
      if (rule.byDay.length) return `${every(rule)} on ${dayList(rule.byDay)}s`;
      return every(rule);
    }
    case "YEARLY": {
      const months = rule.byMonth.map((m) => MONTH_NAMES[m - 1]!);
      if (months.length && rule.byMonthDay.length) {
        return `${every(rule)} on ${and(months)} ${and(rule.byMonthDay.map(monthDay))}`;
      }
      const pos = positioned(rule);
      if (months.length && pos) return `${every(rule)} on the ${pos} of ${and(months)}`;
      if (months.length) return `${every(rule)} in ${and(months)}`;
      return every(rule);
    }
  }
}

function untilDate(until: string): string {
  const date = new Date(Date.UTC(Number(until.slice(0, 4)), Number(until.slice(4, 6)) - 1, Number(until.slice(6, 8))));
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

/**
 * The rule in words. A rule outside the supported subset reads
 * "Repeats (custom rule)" rather than failing.
 */
export function describeRecurrence(rrule: string, basis: RecurrenceBasis = "due"): string {
  const rule = parseRule(rrule);
  if (!rule) return "Repeats (custom rule)";
  let text = schedule(rule);
  if (basis === "completion") text += " after completion";
  if (rule.count !== undefined) text += rule.count === 1 ? ", once" : `, ${rule.count} times`;
  if (rule.until !== undefined) text += `, until ${untilDate(rule.until)}`;
  return text;
}
