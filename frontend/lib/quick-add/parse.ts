/**
 * Quick add: one line of plain words → a task's title, due date, recurrence,
 * list, labels and priority, with the place of every recognised part so the
 * dialog can highlight it and the user can keep any of them as literal text.
 *
 * Dates come from chrono-node, run on the wall clock of the user's time zone
 * (never the machine's); recurrence phrases from a small table
 * (recurrence-phrases.ts); `#List`, `@label`, `p1`–`p3` and `!high` from the
 * rules here.
 */
import * as chrono from "chrono-node";

import { firstOccurrence, parseRule } from "@/lib/recurrence/rrule";
import {
  addDays,
  compareLocal,
  fromLocal,
  toLocal,
  weekdayOf,
  type LocalDate,
  type LocalDateTime,
} from "@/lib/recurrence/zoned";

import { findRecurrences } from "./recurrence-phrases";

export type QuickAddPriority = "high" | "medium" | "low";
export type TokenKind = "date" | "recurrence" | "list" | "label" | "priority";

export interface QuickAddToken {
  /** Stable while the text before it is unchanged: pass it back in `literal` to keep the words as typed. */
  key: string;
  start: number;
  end: number;
  kind: TokenKind;
  text: string;
}

export interface QuickAddContext {
  now: Date;
  locale: string;
  timeZone: string;
  weekStart: "monday" | "sunday";
  lists: { id: string; name: string }[];
  labels: { id: string; name: string }[];
}

export interface QuickAddOptions {
  /** Keys of tokens the user chose to keep as literal text. */
  literal?: ReadonlySet<string>;
}

export interface QuickAddResult {
  title: string;
  due: { at: Date; allDay: boolean } | null;
  recurrence: { rrule: string; basis: "due" | "completion" } | null;
  list: { id: string; name: string } | null;
  labels: { id?: string; name: string; isNew: boolean }[];
  priority: QuickAddPriority | null;
  tokens: QuickAddToken[];
}

const PRIORITY_WORDS: Record<string, QuickAddPriority> = {
  p1: "high",
  p2: "medium",
  p3: "low",
  "!high": "high",
  "!medium": "medium",
  "!low": "low",
};

/** Text chrono reads where an earlier part was recognised or kept literal: a non-word that joins nothing. */
const MASK = "|";

/** After a token: the end of the text, a space or punctuation. */
const BOUNDARY = /^(?:$|[\s,.;:!?)\]])/;

/** Day-first locales read "24/12" as 24 December; month-first ones read "12/24" so. */
function dayFirst(locale: string): boolean {
  try {
    const parts = new Intl.DateTimeFormat(locale, { day: "numeric", month: "numeric" }).formatToParts(
      new Date(Date.UTC(2000, 11, 24, 12)),
    );
    return parts.findIndex((p) => p.type === "day") < parts.findIndex((p) => p.type === "month");
  } catch {
    return false;
  }
}

let dayFirstChrono: chrono.Chrono | null = null;

function parserFor(locale: string): chrono.Chrono {
  if (!dayFirst(locale)) return chrono.en.casual;
  if (!dayFirstChrono) {
    const config = chrono.en.configuration.createCasualConfiguration(true);
    // chrono's day-first English reads "Dec 24" as December 2024; in a task "Dec 24" is a day.
    for (const parser of config.parsers) {
      if ("shouldSkipYearLikeDate" in parser)
        (parser as { shouldSkipYearLikeDate: boolean }).shouldSkipYearLikeDate = false;
    }
    dayFirstChrono = new chrono.Chrono(config);
  }
  return dayFirstChrono;
}

/** Words chrono reads as dates that, on their own, are more often something else ("sun roof", "SAT exam"). */
const WEAK_WORDS = new Set(["sun", "sat", "wed", "second", "mar", "may", "march", "sec", "min"]);

/** "next week", "next month", "next year": the first day of that period. */
const NEXT_PERIOD = /^next\s+(week|month|year)$/i;

function isWeak(result: chrono.ParsedResult): boolean {
  const text = result.text.trim().toLowerCase();
  if (/^\d+$/.test(text) || WEAK_WORDS.has(text)) return true;
  const s = result.start;
  if (NEXT_PERIOD.test(text)) return false;
  const dated = s.isCertain("day") || s.isCertain("weekday") || s.isCertain("hour") || hourOf(result) !== null;
  // A month or a year alone ("March", "in 1984") is not a due date.
  if (!dated) return true;
  if (result.tags().has("result/relativeDate")) {
    // "for 3 days" is a length, "3 days" alone too; "in 3 days", "3 days from now" and "next week" are dates.
    if (/^for\b/.test(text) || /^\d+\s*[a-z]+$/.test(text) || /\bago$/.test(text)) return true;
  }
  return false;
}

/** Parts of the day chrono-node knows, at the hours a to-do list means by them. */
const PARTS_OF_DAY: [string, number][] = [
  ["casualReference/morning", 9],
  ["casualReference/afternoon", 15],
  ["casualReference/evening", 19],
  ["casualReference/tonight", 20],
];

/** The hour the words name ("5pm", "at 9:30", "tomorrow morning"), or null for a date alone. */
function hourOf(found: chrono.ParsedResult): number | null {
  if (found.start.isCertain("hour")) return meridiemGuess(found);
  const tags = found.tags();
  return PARTS_OF_DAY.find(([tag]) => tags.has(tag))?.[1] ?? null;
}

function isTimeOnly(result: chrono.ParsedResult): boolean {
  const s = result.start;
  return (
    hourOf(result) !== null &&
    !s.isCertain("day") &&
    !s.isCertain("weekday") &&
    !s.isCertain("month") &&
    !s.isCertain("year")
  );
}

interface Candidate {
  kind: TokenKind;
  start: number;
  end: number;
  apply: () => void;
}

export function parseQuickAdd(text: string, ctx: QuickAddContext, options: QuickAddOptions = {}): QuickAddResult {
  const literal = options.literal ?? new Set<string>();
  const taken = new Array<boolean>(text.length).fill(false);
  const tokens: QuickAddToken[] = [];
  const seen = new Map<string, number>();
  const result: QuickAddResult = {
    title: "",
    due: null,
    recurrence: null,
    list: null,
    labels: [],
    priority: null,
    tokens,
  };

  const free = (start: number, end: number) => taken.slice(start, end).every((t) => !t);
  const masked = () => [...text].map((ch, i) => (taken[i] ? MASK : ch)).join("");
  /** Records a part unless the user keeps it literal; either way later rules no longer read its words. */
  function accept(c: Candidate): boolean {
    const words = text.slice(c.start, c.end);
    const base = `${c.kind}:${words.toLowerCase().replace(/\s+/g, " ")}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const key = n ? `${base}#${n + 1}` : base;
    for (let i = c.start; i < c.end; i++) taken[i] = true;
    if (literal.has(key)) {
      literals.push([c.start, c.end]);
      return false;
    }
    tokens.push({ key, start: c.start, end: c.end, kind: c.kind, text: words });
    c.apply();
    return true;
  }
  const literals: [number, number][] = [];

  // #List: the longest list name that follows a "#" at the start of a word.
  const lists = [...ctx.lists].sort((a, b) => b.name.length - a.name.length);
  for (const m of text.matchAll(/(?<!\S)#/g)) {
    const after = text.slice(m.index + 1).toLowerCase();
    const list = lists.find(
      (l) => l.name && after.startsWith(l.name.toLowerCase()) && BOUNDARY.test(after.slice(l.name.length)),
    );
    if (!list || result.list) continue;
    const end = m.index + 1 + list.name.length;
    accept({ kind: "list", start: m.index, end, apply: () => (result.list = { id: list.id, name: list.name }) });
  }

  // @label: an existing label (longest name first), else the word after "@" as a new one.
  const labels = [...ctx.labels].sort((a, b) => b.name.length - a.name.length);
  for (const m of text.matchAll(/(?<!\S)@/g)) {
    if (!free(m.index, m.index + 1)) continue;
    const after = text.slice(m.index + 1);
    const label = labels.find(
      (l) =>
        l.name && after.toLowerCase().startsWith(l.name.toLowerCase()) && BOUNDARY.test(after.slice(l.name.length)),
    );
    const word = label ? label.name : /^[\p{L}\p{N}_\-/.]*[\p{L}\p{N}_]/u.exec(after)?.[0];
    if (!word) continue;
    const entry = label ? { id: label.id, name: label.name, isNew: false } : { name: word, isNew: true };
    accept({
      kind: "label",
      start: m.index,
      end: m.index + 1 + word.length,
      apply: () => {
        if (!result.labels.some((l) => l.name.toLowerCase() === entry.name.toLowerCase())) result.labels.push(entry);
      },
    });
  }

  // p1–p3, !high / !medium / !low: the first one counts; a later one stays in the title.
  for (const m of masked().matchAll(/(?<![\w!])(p[1-3]|!high|!medium|!low)(?![\w!])/gi)) {
    const priority = PRIORITY_WORDS[m[0].toLowerCase()]!;
    if (result.priority) break;
    accept({
      kind: "priority",
      start: m.index,
      end: m.index + m[0].length,
      apply: () => (result.priority = priority),
    });
  }

  // Recurrence phrases: the first one counts.
  const nowLocal = toLocal(ctx.now, ctx.timeZone);
  const reference = {
    instant: new Date(Date.UTC(nowLocal.year, nowLocal.month - 1, nowLocal.day, nowLocal.hour, nowLocal.minute)),
    timezone: 0,
  };
  const parser = parserFor(ctx.locale);
  const phrases = masked();
  for (const r of findRecurrences(phrases)) {
    if (result.recurrence) break;
    // "… 5 times", "… until Friday": the rule's end belongs to the phrase.
    const limit = recurrenceLimit(phrases, r.end, parser, reference, nowLocal, ctx);
    const rrule = limit ? `${r.rrule};${limit.part}` : r.rrule;
    accept({
      kind: "recurrence",
      start: r.start,
      end: limit?.end ?? r.end,
      apply: () => (result.recurrence = { rrule, basis: r.basis }),
    });
  }

  // Dates and times, on the wall clock of the user's zone.
  let date: LocalDate | null = null;
  let time: { hour: number; minute: number } | null = null;
  const source = masked();
  for (const found of strongDates(parser, source, reference)) {
    const timeOnly = isTimeOnly(found);
    if (timeOnly ? time : date) continue;
    let start = found.index;
    const end = found.index + found.text.length;
    // "on Friday", "by 5pm", "due tomorrow", "starting Jan 1": the little word goes with the date.
    const lead = /(?:^|\s)((?:on|at|by|due|in the|starting|from)\s+)$/i.exec(source.slice(0, start));
    if (lead) start -= lead[1]!.length;
    if (!free(start, end)) continue;
    const s = found.start;
    const hour = hourOf(found);
    accept({
      kind: "date",
      start,
      end,
      apply: () => {
        if (hour !== null) time = { hour, minute: s.get("minute") ?? 0 };
        if (!timeOnly) date = dateOf(found, nowLocal, ctx.weekStart);
      },
    });
  }

  result.due = dueOf(date, time, result.recurrence?.rrule ?? null, nowLocal, ctx.timeZone);

  const titleChars = [...text].map((ch, i) => (taken[i] && !literals.some(([a, b]) => i >= a && i < b) ? " " : ch));
  result.title = titleChars
    .join("")
    .replace(/\s+/g, " ")
    .replace(/ ([.,;:!?])(?= |$)/g, "$1")
    .trim();
  tokens.sort((a, b) => a.start - b.start);
  return result;
}

/**
 * chrono-node's matches minus the weak ones. A weak match can hide a good one
 * inside it ("the quarter next week"), so its first word is set aside and the
 * text read again.
 */
function strongDates(parser: chrono.Chrono, source: string, reference: chrono.ParsingReference): chrono.ParsedResult[] {
  let text = source;
  for (let round = 0; round < 8; round++) {
    const found = parser.parse(text, reference, { forwardDate: true });
    const weak = found.filter(isWeak);
    if (!weak.length) return found;
    for (const w of weak) {
      const word = /^\S+/.exec(w.text)?.[0] ?? w.text;
      text = text.slice(0, w.index) + MASK.repeat(word.length) + text.slice(w.index + word.length);
    }
  }
  return parser.parse(text, reference, { forwardDate: true }).filter((r) => !isWeak(r));
}

/**
 * A recurrence's end right after its phrase: "5 times" / "for 5 times"
 * (COUNT) or "until <date>" (UNTIL: the end of that day in the user's zone,
 * in UTC as RFC 5545 asks of a rule with a zoned start).
 */
function recurrenceLimit(
  source: string,
  from: number,
  parser: chrono.Chrono,
  reference: chrono.ParsingReference,
  now: LocalDateTime,
  ctx: QuickAddContext,
): { end: number; part: string } | null {
  const rest = source.slice(from);
  const count = /^\s+(?:for\s+)?(\d{1,3})\s+times(?![\w])/i.exec(rest);
  if (count && Number(count[1]) > 0) return { end: from + count[0].length, part: `COUNT=${Number(count[1])}` };
  const until = /^\s+until\s+/i.exec(rest);
  if (!until) return null;
  const at = from + until[0].length;
  const found = strongDates(parser, source.slice(at), reference)[0];
  if (!found || found.index !== 0 || isTimeOnly(found)) return null;
  // "until Dec 24 at 9am": the time is the task's, not the rule's end.
  const time = hourOf(found) === null ? null : /\s+(?:at\s+)?\d{1,2}(?::\d{2})?\s*(?:am|pm)?$/i.exec(found.text);
  if (hourOf(found) !== null && !time) return null;
  const last = dateOf(found, now, ctx.weekStart);
  const end = fromLocal({ ...last, hour: 23, minute: 59 }, ctx.timeZone).getTime() + 59_000;
  const stamp = new Date(end)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  return { end: at + found.text.length - (time?.[0].length ?? 0), part: `UNTIL=${stamp}` };
}

/** "at 5" without am or pm is 5 pm: few tasks are set for before dawn. */
function meridiemGuess(found: chrono.ParsedResult): number {
  const hour = found.start.get("hour") ?? 0;
  if (
    !found.start.isCertain("meridiem") &&
    hour >= 1 &&
    hour <= 6 &&
    !/\d:\d\d/.test(found.text) &&
    !/\b0\d/.test(found.text)
  ) {
    return hour + 12;
  }
  return hour;
}

function dateOf(found: chrono.ParsedResult, now: LocalDateTime, weekStart: "monday" | "sunday"): LocalDate {
  const period = NEXT_PERIOD.exec(found.text.trim())?.[1]?.toLowerCase();
  if (period === "week") {
    // The first day of next week, by the user's week start.
    const first = weekStart === "monday" ? 1 : 0;
    const intoWeek = (weekdayOf(now) - first + 7) % 7;
    return addDays(now, 7 - intoWeek);
  }
  if (period === "month") {
    return now.month === 12
      ? { year: now.year + 1, month: 1, day: 1 }
      : { year: now.year, month: now.month + 1, day: 1 };
  }
  if (period === "year") return { year: now.year + 1, month: 1, day: 1 };
  const s = found.start;
  return { year: s.get("year") ?? now.year, month: s.get("month") ?? now.month, day: s.get("day") ?? now.day };
}

function dueOf(
  date: LocalDate | null,
  time: { hour: number; minute: number } | null,
  rrule: string | null,
  now: LocalDateTime,
  timeZone: string,
): QuickAddResult["due"] {
  if (!date) {
    const rule = rrule ? parseRule(rrule) : null;
    if (rule) date = firstOccurrence(rule, now, time) ?? now;
    else if (time) {
      // A time alone: today if it is still ahead, else tomorrow.
      date = compareLocal({ ...now, ...time }, now) > 0 ? now : addDays(now, 1);
    } else return null;
  }
  const at = fromLocal(
    { year: date.year, month: date.month, day: date.day, ...(time ?? { hour: 0, minute: 0 }) },
    timeZone,
  );
  return { at, allDay: time === null };
}

/** The recognised part the user just typed: the one that ends the line (trailing spaces aside), if any. */
export function trailingToken(text: string, tokens: readonly QuickAddToken[]): QuickAddToken | null {
  const last = tokens.at(-1);
  return last && text.slice(last.end).trim() === "" ? last : null;
}
