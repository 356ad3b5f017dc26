import { describe, expect, it } from "vitest";

import {
  addDays,
  dayKeyOf,
  dayName,
  daySections,
  dueInWords,
  isDayKey,
  isOverdueIn,
  moveToDay,
  startOfDay,
  timeOfDayOf,
  zonedInstant,
} from "@/lib/zoned-date";

describe("local dates in a zone", () => {
  it("reads the date an instant falls on, far from UTC on both sides", () => {
    const instant = "2026-12-08T11:30:00Z";
    expect(dayKeyOf(instant, "UTC")).toBe("2026-12-08");
    expect(dayKeyOf(instant, "Pacific/Kiritimati")).toBe("2026-12-09"); // UTC+14
    expect(dayKeyOf(instant, "Pacific/Pago_Pago")).toBe("2026-12-08"); // UTC-11: 00:30
    expect(dayKeyOf("2026-12-08T10:59:00Z", "Pacific/Pago_Pago")).toBe("2026-12-07");
  });

  it("adds days across month and year ends and checks date keys", () => {
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(isDayKey("2026-02-28")).toBe(true);
    expect(isDayKey("2026-02-30")).toBe(false);
    expect(isDayKey("2026-2-3")).toBe(false);
  });

  it("finds the instant of a local date and time, daylight saving included", () => {
    expect(startOfDay("2026-12-08", "Europe/Berlin").toISOString()).toBe("2026-12-07T23:00:00.000Z");
    expect(startOfDay("2026-07-08", "Europe/Berlin").toISOString()).toBe("2026-07-07T22:00:00.000Z");
    expect(zonedInstant("2026-03-08", "America/New_York", "09:00").toISOString()).toBe("2026-03-08T13:00:00.000Z");
    expect(zonedInstant("2026-03-07", "America/New_York", "09:00").toISOString()).toBe("2026-03-07T14:00:00.000Z");
    // 02:30 does not exist in Berlin on 29 March 2026: it is read as 03:30 (CEST).
    expect(zonedInstant("2026-03-29", "Europe/Berlin", "02:30").toISOString()).toBe("2026-03-29T01:30:00.000Z");
    // 02:30 happens twice on 25 October 2026: the first (CEST).
    expect(zonedInstant("2026-10-25", "Europe/Berlin", "02:30").toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(timeOfDayOf("2026-03-29T01:30:00Z", "Europe/Berlin")).toBe("03:30");
    expect(startOfDay("2026-12-09", "Pacific/Kiritimati").toISOString()).toBe("2026-12-08T10:00:00.000Z");
  });
});

describe("overdue", () => {
  const now = new Date("2026-12-08T12:00:00Z");
  it("an all-day task is overdue from the day after its date, in the zone", () => {
    const today = { due_at: startOfDay("2026-12-08", "Europe/Berlin").toISOString(), due_all_day: true };
    const yesterday = { due_at: startOfDay("2026-12-07", "Europe/Berlin").toISOString(), due_all_day: true };
    expect(isOverdueIn(today, "Europe/Berlin", now)).toBe(false);
    expect(isOverdueIn(yesterday, "Europe/Berlin", now)).toBe(true);
    expect(isOverdueIn({ ...yesterday, completed: true }, "Europe/Berlin", now)).toBe(false);
  });

  it("a timed task is overdue once its instant has passed", () => {
    expect(isOverdueIn({ due_at: "2026-12-08T11:59:00Z", due_all_day: false }, "UTC", now)).toBe(true);
    expect(isOverdueIn({ due_at: "2026-12-08T12:01:00Z", due_all_day: false }, "UTC", now)).toBe(false);
    expect(isOverdueIn({ due_at: null }, "UTC", now)).toBe(false);
  });
});

describe("moving a task to another day", () => {
  it("keeps a timed task's local time of day, across a DST change", () => {
    // 09:00 in New York on Saturday 7 March (EST) moved to Monday 9 March (EDT) is still 09:00 local.
    const task = { due_at: "2026-03-07T14:00:00Z", due_all_day: false };
    const moved = moveToDay(task, "2026-03-09", "America/New_York");
    expect(moved).toBe("2026-03-09T13:00:00.000Z");
    expect(timeOfDayOf(moved, "America/New_York")).toBe("09:00");
  });

  it("keeps an all-day task all-day, at the new date's local midnight", () => {
    const task = { due_at: "2026-12-07T23:00:00Z", due_all_day: true };
    expect(moveToDay(task, "2026-12-11", "Europe/Berlin")).toBe("2026-12-10T23:00:00.000Z");
  });
});

describe("Upcoming's day sections", () => {
  const zone = "Europe/Berlin";
  const at = (day: string, time?: string) => ({
    title: `${day} ${time ?? "all day"}`,
    due_at: zonedInstant(day, zone, time).toISOString(),
    due_all_day: time === undefined,
  });

  it("has one section per day, empty days included, tasks in the order given", () => {
    const tasks = [at("2026-12-08", "08:00"), at("2026-12-08"), at("2026-12-10", "23:30"), at("2026-12-14")];
    const sections = daySections(tasks, "2026-12-08", 7, zone);
    expect(sections.map((s) => s.day)).toEqual([
      "2026-12-08",
      "2026-12-09",
      "2026-12-10",
      "2026-12-11",
      "2026-12-12",
      "2026-12-13",
      "2026-12-14",
    ]);
    expect(sections.map((s) => s.tasks.map((t) => t.title))).toEqual([
      ["2026-12-08 08:00", "2026-12-08 all day"],
      [],
      ["2026-12-10 23:30"], // 22:30 UTC: still the 10th in Berlin
      [],
      [],
      [],
      ["2026-12-14 all day"],
    ]);
  });

  it("puts earlier tasks in today's section and leaves out later ones and undated ones", () => {
    const sections = daySections(
      [at("2026-12-01"), at("2026-12-20"), { title: "none", due_at: null }],
      "2026-12-08",
      3,
      zone,
    );
    expect(sections.map((s) => s.tasks.length)).toEqual([1, 0, 0]);
  });
});

describe("dates in words", () => {
  it("names today, tomorrow and yesterday, and other days by weekday and date", () => {
    expect(dayName("2026-12-08", "2026-12-08")).toBe("Today");
    expect(dayName("2026-12-09", "2026-12-08")).toBe("Tomorrow");
    expect(dayName("2026-12-07", "2026-12-08")).toBe("Yesterday");
    expect(dayName("2026-12-10", "2026-12-08")).toBe("Thu 10 Dec");
    expect(dayName("2027-01-04", "2026-12-08")).toBe("Mon 4 Jan 2027");
  });

  it("gives a timed task its local time, an all-day one none", () => {
    const now = new Date("2026-12-08T12:00:00Z");
    expect(dueInWords({ due_at: "2026-12-09T08:30:00Z", due_all_day: false }, "Europe/Berlin", now)).toBe(
      "Tomorrow 09:30",
    );
    expect(dueInWords({ due_at: "2026-12-07T23:00:00Z", due_all_day: true }, "Europe/Berlin", now)).toBe("Today");
  });
});
