import { describe, expect, it } from "vitest";

import { parseQuickAdd } from "@/lib/quick-add";
import { describeRecurrence, ordinal } from "@/lib/recurrence/describe";
import { presetFor, recurrencePresets } from "@/lib/recurrence/presets";
import { firstOccurrence, formatRule, parseRule } from "@/lib/recurrence/rrule";
import { fromLocal, toLocal } from "@/lib/recurrence/zoned";

const WORDS: [string, "due" | "completion", string][] = [
  ["FREQ=DAILY", "due", "Every day"],
  ["FREQ=DAILY;INTERVAL=3", "due", "Every 3 days"],
  ["FREQ=WEEKLY", "due", "Every week"],
  ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "due", "Every weekday"],
  ["FREQ=WEEKLY;BYDAY=SA,SU", "due", "Every weekend"],
  ["FREQ=WEEKLY;INTERVAL=2", "due", "Every 2 weeks"],
  ["FREQ=WEEKLY;BYDAY=MO", "due", "Every Monday"],
  ["FREQ=WEEKLY;BYDAY=TH,MO", "due", "Every Monday and Thursday"],
  ["FREQ=WEEKLY;BYDAY=MO,WE,FR", "due", "Every Monday, Wednesday and Friday"],
  ["FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "due", "Every 2 weeks on Monday and Thursday"],
  ["FREQ=MONTHLY", "due", "Every month"],
  ["FREQ=MONTHLY;BYMONTHDAY=15", "due", "Every month on the 15th"],
  ["FREQ=MONTHLY;BYMONTHDAY=1,15", "due", "Every month on the 1st and 15th"],
  ["FREQ=MONTHLY;BYMONTHDAY=-1", "due", "Every month on the last day"],
  ["FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1", "due", "Every last Friday"],
  ["FREQ=MONTHLY;BYDAY=-1FR", "due", "Every last Friday"],
  ["FREQ=MONTHLY;BYDAY=1MO", "due", "Every first Monday"],
  ["FREQ=MONTHLY;INTERVAL=2;BYDAY=TU;BYSETPOS=2", "due", "Every 2 months on the second Tuesday"],
  ["FREQ=MONTHLY;INTERVAL=3", "due", "Every 3 months"],
  ["FREQ=YEARLY", "due", "Every year"],
  ["FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1", "due", "Every year on January 1st"],
  ["FREQ=WEEKLY;INTERVAL=2", "completion", "Every 2 weeks after completion"],
  ["FREQ=DAILY;COUNT=5", "due", "Every day, 5 times"],
  ["FREQ=WEEKLY;BYDAY=FR;UNTIL=20271231T225959Z", "due", "Every Friday, until 31 Dec 2027"],
  ["RRULE:FREQ=DAILY", "due", "Every day"],
  ["FREQ=HOURLY", "due", "Repeats (custom rule)"],
  ["FREQ=DAILY;BYHOUR=9", "due", "Repeats (custom rule)"],
  ["nonsense", "due", "Repeats (custom rule)"],
];

describe("describeRecurrence", () => {
  it.each(WORDS)("%s (%s) reads %s", (rrule, basis, words) => {
    expect(describeRecurrence(rrule, basis)).toBe(words);
  });

  it("spells ordinals", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal)).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "11th",
      "12th",
      "13th",
      "21st",
      "22nd",
      "23rd",
      "31st",
    ]);
  });

  it("describes what quick add makes of the issue's phrases", () => {
    const ctx = {
      now: new Date("2026-12-07T09:00:00Z"),
      locale: "en-GB",
      timeZone: "Europe/Berlin",
      weekStart: "monday" as const,
      lists: [],
      labels: [],
    };
    const said = (phrase: string) => {
      const r = parseQuickAdd(phrase, ctx).recurrence!;
      return describeRecurrence(r.rrule, r.basis);
    };
    expect(said("every day")).toBe("Every day");
    expect(said("every weekday")).toBe("Every weekday");
    expect(said("every other week")).toBe("Every 2 weeks");
    expect(said("every monday and thursday")).toBe("Every Monday and Thursday");
    expect(said("every month on the 15th")).toBe("Every month on the 15th");
    expect(said("every last friday")).toBe("Every last Friday");
    expect(said("every 3 months")).toBe("Every 3 months");
    expect(said("every! 2 weeks")).toBe("Every 2 weeks after completion");
  });
});

describe("RRULE subset", () => {
  it("writes parts in one order, whatever order they were read in", () => {
    expect(formatRule(parseRule("BYSETPOS=-1;BYDAY=FR;FREQ=MONTHLY")!)).toBe("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1");
  });

  it("refuses parts the API does not accept", () => {
    expect(parseRule("FREQ=MINUTELY")).toBeNull();
    expect(parseRule("FREQ=DAILY;WKST=MO")).toBeNull();
    expect(parseRule("FREQ=DAILY;INTERVAL=0")).toBeNull();
  });

  it("skips months without the 31st for the first occurrence", () => {
    const rule = parseRule("FREQ=MONTHLY;BYMONTHDAY=31")!;
    const from = { year: 2027, month: 4, day: 1, hour: 10, minute: 0 };
    expect(firstOccurrence(rule, from, null)).toEqual({ year: 2027, month: 5, day: 31 });
  });

  it("finds 29 February", () => {
    const rule = parseRule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")!;
    const from = { year: 2026, month: 12, day: 7, hour: 10, minute: 0 };
    expect(firstOccurrence(rule, from, null)).toEqual({ year: 2028, month: 2, day: 29 });
  });

  it("moves past today when today's time has gone", () => {
    const rule = parseRule("FREQ=DAILY")!;
    const from = { year: 2026, month: 12, day: 7, hour: 10, minute: 0 };
    expect(firstOccurrence(rule, from, { hour: 9, minute: 0 })).toEqual({ year: 2026, month: 12, day: 8 });
    expect(firstOccurrence(rule, from, { hour: 11, minute: 0 })).toEqual({ year: 2026, month: 12, day: 7 });
  });
});

describe("recurrence presets", () => {
  // Thursday 24 December 2026, 09:00 in Berlin.
  const due = new Date("2026-12-24T08:00:00Z");
  const presets = recurrencePresets(due, "Europe/Berlin");

  it("follows the due date", () => {
    expect(presets.map((p) => [p.id, p.rrule, p.label])).toEqual([
      ["daily", "FREQ=DAILY", "Every day"],
      ["weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday"],
      ["weekly", "FREQ=WEEKLY;BYDAY=TH", "Every Thursday"],
      ["monthly", "FREQ=MONTHLY;BYMONTHDAY=24", "Every month on the 24th"],
      ["yearly", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", "Every year on December 24th"],
      ["custom", null, "Custom…"],
    ]);
  });

  it("reads the due date in the user's zone", () => {
    // 23:30 UTC on Thursday is already Friday in Berlin.
    const late = recurrencePresets(new Date("2026-12-24T23:30:00Z"), "Europe/Berlin");
    expect(late.find((p) => p.id === "weekly")!.rrule).toBe("FREQ=WEEKLY;BYDAY=FR");
  });

  it("tells which preset a rule is", () => {
    expect(presetFor("BYDAY=TH;FREQ=WEEKLY", presets)).toBe("weekly");
    expect(presetFor("FREQ=WEEKLY;INTERVAL=2", presets)).toBe("custom");
    expect(presetFor(null, presets)).toBeNull();
  });
});

describe("wall clock in a zone", () => {
  it("round-trips a local time", () => {
    const local = { year: 2026, month: 7, day: 1, hour: 9, minute: 30 };
    expect(fromLocal(local, "America/New_York").toISOString()).toBe("2026-07-01T13:30:00.000Z");
    expect(toLocal(fromLocal(local, "Pacific/Kiritimati"), "Pacific/Kiritimati")).toEqual(local);
  });

  it("moves a time skipped by spring-forward to the same wall time after it", () => {
    // Berlin skips 02:00–03:00 on 28 March 2027: 02:30 becomes 03:30 CEST.
    const gap = fromLocal({ year: 2027, month: 3, day: 28, hour: 2, minute: 30 }, "Europe/Berlin");
    expect(gap.toISOString()).toBe("2027-03-28T01:30:00.000Z");
  });

  it("takes the first of a time repeated by fall-back", () => {
    // New York has 01:30 twice on 1 November 2026; the first is EDT (UTC-4).
    const twice = fromLocal({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, "America/New_York");
    expect(twice.toISOString()).toBe("2026-11-01T05:30:00.000Z");
  });
});
