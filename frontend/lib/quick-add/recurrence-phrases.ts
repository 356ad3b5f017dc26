/**
 * Recurrence phrases ("every other week", "every last friday", "every! 2
 * weeks", "monthly" …) as a small table of patterns, each turning its match
 * into an RFC 5545 rule. A phrase starts with "every", "every!" (counted from
 * completion, as in Todoist) or "each", or is one of the single adverbs
 * ("daily", "weekly" …) anywhere but first.
 */
import { emptyRule, formatRule, type ByDay, type Frequency, type Rule, type WeekdayCode } from "@/lib/recurrence/rrule";

const NUMBER_WORDS: Record<string, number> = {
  other: 2,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
/** Ordinals that name a position in the month: "every last friday", "every 2nd tuesday". */
const POSITIONS: Record<string, number> = {
  first: 1,
  "1st": 1,
  second: 2,
  "2nd": 2,
  third: 3,
  "3rd": 3,
  fourth: 4,
  "4th": 4,
  last: -1,
};
const WEEKDAYS: [RegExp, WeekdayCode][] = [
  [/^mon(day)?s?$/, "MO"],
  [/^tue(s(day)?)?s?$/, "TU"],
  [/^wed(nesday)?s?$/, "WE"],
  [/^thu(r(s(day)?)?)?s?$/, "TH"],
  [/^fri(day)?s?$/, "FR"],
  [/^sat(urday)?s?$/, "SA"],
  [/^sun(day)?s?$/, "SU"],
];
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

const INTERVAL = String.raw`(\d{1,3}|other|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const UNIT_INTERVAL = String.raw`(\d{1,3}|other|second|third|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const WEEKDAY = String.raw`(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)s?`;
const LIST_SEP = String.raw`(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)`;
const WEEKDAY_LIST = `(${WEEKDAY}(?:${LIST_SEP}${WEEKDAY})*)`;
const POSITION = String.raw`(first|second|third|fourth|last|1st|2nd|3rd|4th)`;
const ORDINAL = String.raw`(?:[12]?\d|3[01])(?:st|nd|rd|th)`;
const MONTH_DAY_LIST = `(${ORDINAL}(?:${LIST_SEP}${ORDINAL})*)`;
const MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const DAY = String.raw`([12]?\d|3[01])(?:st|nd|rd|th)?`;
/** A month and day either way round: "jan 1st", "1 january", "the 24th of december". */
const MONTH_DATE = `(?:${MONTH}\\s+${DAY}|(?:the\\s+)?${DAY}\\s+(?:of\\s+)?${MONTH})`;

function interval(word: string | undefined): number {
  if (!word) return 1;
  const n = NUMBER_WORDS[word] ?? (word === "second" ? 2 : word === "third" ? 3 : Number(word));
  return Number.isInteger(n) && n > 0 ? n : 1;
}

function weekdays(list: string): ByDay[] {
  return list
    .split(/\s*(?:,|\band\b|&)\s*/)
    .map((w) => w.trim())
    .filter(Boolean)
    .map((w) => ({ day: WEEKDAYS.find(([re]) => re.test(w))![1] }));
}

function codes(...days: WeekdayCode[]): ByDay[] {
  return days.map((day) => ({ day }));
}

function monthDays(list: string): number[] {
  return [...new Set(list.match(/\d+/g)!.map(Number))];
}

function month(word: string): number {
  return MONTHS.indexOf(word.slice(0, 3)) + 1;
}

function rule(freq: Frequency, parts: Partial<Rule> = {}): Rule {
  return { ...emptyRule(freq), ...parts };
}

interface Pattern {
  /** Matched after "every " (anchored at its start, ending at a word boundary). */
  source: string;
  build: (m: RegExpExecArray) => Rule;
}

const UNITS: Record<string, Frequency> = { day: "DAILY", week: "WEEKLY", month: "MONTHLY", year: "YEARLY" };

/** Tried in order; the first that matches wins, so the longer phrases come first. */
const AFTER_EVERY: Pattern[] = [
  {
    source: String.raw`(?:week|work)\s?days?`,
    build: () => rule("WEEKLY", { byDay: codes("MO", "TU", "WE", "TH", "FR") }),
  },
  { source: String.raw`weekends?`, build: () => rule("WEEKLY", { byDay: codes("SA", "SU") }) },
  {
    source: `(?:${UNIT_INTERVAL}\\s+)?weeks?\\s+on\\s+${WEEKDAY_LIST}`,
    build: (m) => rule("WEEKLY", { interval: interval(m[1]), byDay: weekdays(m[2]!) }),
  },
  {
    source: `(?:${UNIT_INTERVAL}\\s+)?months?\\s+on\\s+(?:the\\s+)?${POSITION}\\s+(${WEEKDAY})`,
    build: (m) => rule("MONTHLY", { interval: interval(m[1]), byDay: weekdays(m[3]!), bySetPos: [POSITIONS[m[2]!]!] }),
  },
  {
    source: `(?:${UNIT_INTERVAL}\\s+)?months?\\s+on\\s+(?:the\\s+)?last\\s+day`,
    build: (m) => rule("MONTHLY", { interval: interval(m[1]), byMonthDay: [-1] }),
  },
  {
    source: `(?:${UNIT_INTERVAL}\\s+)?months?\\s+on\\s+(?:the\\s+)?${MONTH_DAY_LIST}`,
    build: (m) => rule("MONTHLY", { interval: interval(m[1]), byMonthDay: monthDays(m[2]!) }),
  },
  {
    source: `(?:${UNIT_INTERVAL}\\s+)?years?\\s+on\\s+${MONTH_DATE}`,
    build: (m) => {
      const [monthWord, day] = m[2] ? [m[2], m[3]!] : [m[5]!, m[4]!];
      return rule("YEARLY", { interval: interval(m[1]), byMonth: [month(monthWord)], byMonthDay: [Number(day)] });
    },
  },
  {
    source: `(?:${UNIT_INTERVAL}\\s+)?(day|week|month|year)s?`,
    build: (m) => rule(UNITS[m[2]!]!, { interval: interval(m[1]) }),
  },
  {
    source: `(?:the\\s+)?last\\s+day(?:\\s+of\\s+(?:the|each|every)\\s+month)?`,
    build: () => rule("MONTHLY", { byMonthDay: [-1] }),
  },
  {
    source: `(?:the\\s+)?${POSITION}\\s+(${WEEKDAY})(?:\\s+of\\s+(?:the|each|every)\\s+month)?`,
    build: (m) => rule("MONTHLY", { byDay: weekdays(m[2]!), bySetPos: [POSITIONS[m[1]!]!] }),
  },
  {
    source: `(?:${INTERVAL}\\s+)?${WEEKDAY_LIST}`,
    build: (m) => rule("WEEKLY", { interval: interval(m[1]), byDay: weekdays(m[2]!) }),
  },
  { source: MONTH_DATE, build: (m) => yearly(m) },
  {
    source: `(?:the\\s+)?${MONTH_DAY_LIST}(?:\\s+of\\s+(?:the|each|every)\\s+month)?`,
    build: (m) => rule("MONTHLY", { byMonthDay: monthDays(m[1]!) }),
  },
];

function yearly(m: RegExpExecArray): Rule {
  const [monthWord, day] = m[1] ? [m[1], m[2]!] : [m[4]!, m[3]!];
  return rule("YEARLY", { byMonth: [month(monthWord)], byMonthDay: [Number(day)] });
}

const ADVERBS: Record<string, Rule> = {
  daily: rule("DAILY"),
  weekly: rule("WEEKLY"),
  fortnightly: rule("WEEKLY", { interval: 2 }),
  monthly: rule("MONTHLY"),
  quarterly: rule("MONTHLY", { interval: 3 }),
  yearly: rule("YEARLY"),
  annually: rule("YEARLY"),
};

const COMPILED = AFTER_EVERY.map((p) => ({ re: new RegExp(`^(?:${p.source})(?![\\w])`, "i"), build: p.build }));
const START = /(?<![\w!])(every(!)?|each)\s+/gi;
const ADVERB = new RegExp(`(?<![\\w!])(${Object.keys(ADVERBS).join("|")})(!)?(?![\\w])`, "gi");

export interface RecurrenceMatch {
  start: number;
  end: number;
  rrule: string;
  basis: "due" | "completion";
}

/** Every recurrence phrase in the text, left to right, not overlapping. */
export function findRecurrences(text: string): RecurrenceMatch[] {
  const found: RecurrenceMatch[] = [];
  for (const m of text.matchAll(START)) {
    const after = m.index + m[0].length;
    const rest = text.slice(after).toLowerCase();
    for (const { re, build } of COMPILED) {
      const hit = re.exec(rest);
      if (!hit) continue;
      found.push({
        start: m.index,
        end: after + hit[0].length,
        rrule: formatRule(build(hit)),
        basis: m[2] ? "completion" : "due",
      });
      break;
    }
  }
  for (const m of text.matchAll(ADVERB)) {
    // "Weekly review", "Daily standup": first, the adverb is more likely the title's own word.
    if (!text.slice(0, m.index).trim()) continue;
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      rrule: formatRule(ADVERBS[m[1]!.toLowerCase()]!),
      basis: m[2] ? "completion" : "due",
    });
  }
  found.sort((a, b) => a.start - b.start);
  return found.filter((f, i) => found.slice(0, i).every((g) => g.end <= f.start));
}
