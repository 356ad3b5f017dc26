import { describe, expect, it } from "vitest";

import {
  describeDue,
  parseQuickAdd,
  previewParts,
  quickAddToCreateBody,
  trailingToken,
  type QuickAddContext,
} from "@/lib/quick-add";
import { localDateString, localDateTimeString, toLocal } from "@/lib/recurrence/zoned";

// Monday 7 December 2026, 10:00 in Berlin (09:00 UTC), whatever zone the machine runs in.
const ZONE = "Europe/Berlin";
const ctx: QuickAddContext = {
  now: new Date("2026-12-07T09:00:00Z"),
  locale: "en-GB",
  timeZone: ZONE,
  weekStart: "monday",
  lists: [
    { id: "list-home", name: "Home" },
    { id: "list-work", name: "Work" },
    { id: "list-work-projects", name: "Work Projects" },
  ],
  labels: [
    { id: "label-bills", name: "bills" },
    { id: "label-errands", name: "errands" },
    { id: "label-deep-work", name: "deep work" },
  ],
};

interface Expected {
  title: string;
  /** Local to ZONE: "2026-12-08" all day, "2026-12-08T17:00" timed. */
  due?: string | null;
  rrule?: string | null;
  basis?: "due" | "completion";
  list?: string | null;
  labels?: string[];
  priority?: "high" | "medium" | "low" | null;
}

/** Phrase → what quick add makes of it. Fields left out are expected empty. */
const CASES: [string, Expected][] = [
  // The examples.
  [
    "Pay rent every month on the 1st #Home @bills p1",
    {
      title: "Pay rent",
      due: "2027-01-01",
      rrule: "FREQ=MONTHLY;BYMONTHDAY=1",
      list: "Home",
      labels: ["bills"],
      priority: "high",
    },
  ],
  ["Buy milk today", { title: "Buy milk", due: "2026-12-07" }],
  ["Call mom tomorrow 5pm", { title: "Call mom", due: "2026-12-08T17:00" }],
  ["Dentist next fri", { title: "Dentist", due: "2026-12-18" }],
  ["Water plants in 3 days", { title: "Water plants", due: "2026-12-10" }],
  ["Buy gift Dec 24", { title: "Buy gift", due: "2026-12-24" }],
  ["Office party 24/12", { title: "Office party", due: "2026-12-24" }],
  ["Meeting at 9:30", { title: "Meeting", due: "2026-12-08T09:30" }],
  ["Stretch every day", { title: "Stretch", due: "2026-12-07", rrule: "FREQ=DAILY" }],
  ["Gym every weekday", { title: "Gym", due: "2026-12-07", rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" }],
  ["Clean the flat every other week", { title: "Clean the flat", due: "2026-12-07", rrule: "FREQ=WEEKLY;INTERVAL=2" }],
  ["Yoga every monday and thursday", { title: "Yoga", due: "2026-12-07", rrule: "FREQ=WEEKLY;BYDAY=MO,TH" }],
  ["Invoice every month on the 15th", { title: "Invoice", due: "2026-12-15", rrule: "FREQ=MONTHLY;BYMONTHDAY=15" }],
  ["Review every last friday", { title: "Review", due: "2026-12-25", rrule: "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1" }],
  ["Back up photos every 3 months", { title: "Back up photos", due: "2026-12-07", rrule: "FREQ=MONTHLY;INTERVAL=3" }],
  [
    "Haircut every! 2 weeks",
    { title: "Haircut", due: "2026-12-07", rrule: "FREQ=WEEKLY;INTERVAL=2", basis: "completion" },
  ],
  ["Report #Work !high", { title: "Report", list: "Work", priority: "high" }],
  ["Read 1984", { title: "Read 1984" }],

  // Dates and times.
  ["Submit by 5pm today", { title: "Submit", due: "2026-12-07T17:00" }],
  ["Call Bob on Friday", { title: "Call Bob", due: "2026-12-11" }],
  ["Pay bill tomorrow", { title: "Pay bill", due: "2026-12-08" }],
  ["Lunch with Sam tomorrow at noon", { title: "Lunch with Sam", due: "2026-12-08T12:00" }],
  ["Standup at 11", { title: "Standup", due: "2026-12-07T11:00" }],
  ["Call the bank at 5", { title: "Call the bank", due: "2026-12-07T17:00" }],
  ["Train leaves at 17:45", { title: "Train leaves", due: "2026-12-07T17:45" }],
  ["Plan the quarter next week", { title: "Plan the quarter", due: "2026-12-14" }],
  ["Renew passport in 2 weeks", { title: "Renew passport", due: "2026-12-21" }],
  ["Send card 1 January", { title: "Send card", due: "2027-01-01" }],
  ["Dinner 24 Dec 7pm", { title: "Dinner", due: "2026-12-24T19:00" }],
  ["Book flights friday 8am", { title: "Book flights", due: "2026-12-11T08:00" }],
  ["Read 1984 tomorrow", { title: "Read 1984", due: "2026-12-08" }],
  ["Visit Jan 5", { title: "Visit", due: "2027-01-05" }],
  ["Due date next monday", { title: "Due date", due: "2026-12-14" }],

  ["Pay the council next month", { title: "Pay the council", due: "2027-01-01" }],
  ["Plan holidays next year", { title: "Plan holidays", due: "2027-01-01" }],
  ["Run tomorrow morning", { title: "Run", due: "2026-12-08T09:00" }],
  ["Call the school this afternoon", { title: "Call the school", due: "2026-12-07T15:00" }],
  ["Read tonight", { title: "Read", due: "2026-12-07T20:00" }],
  ["Meet Alex in the evening", { title: "Meet Alex", due: "2026-12-07T19:00" }],
  ["Release v2.0 on 12/1", { title: "Release v2.0", due: "2027-01-12" }],

  // Not dates: words chrono-node would otherwise take.
  ["Fix the sun roof", { title: "Fix the sun roof" }],
  ["SAT exam prep", { title: "SAT exam prep" }],
  ["March with friends", { title: "March with friends" }],
  ["Holiday for 3 days", { title: "Holiday for 3 days" }],
  ["Buy 2 apples", { title: "Buy 2 apples" }],
  ["Watch 24", { title: "Watch 24" }],
  ["Catch up with Wed crew", { title: "Catch up with Wed crew" }],

  // Recurrence.
  ["Standup every day at 9am", { title: "Standup", due: "2026-12-08T09:00", rrule: "FREQ=DAILY" }],
  ["Pills every day at 8pm", { title: "Pills", due: "2026-12-07T20:00", rrule: "FREQ=DAILY" }],
  ["Team sync every monday", { title: "Team sync", due: "2026-12-07", rrule: "FREQ=WEEKLY;BYDAY=MO" }],
  ["Bins every tuesday", { title: "Bins", due: "2026-12-08", rrule: "FREQ=WEEKLY;BYDAY=TU" }],
  [
    "Swim every mon, wed and fri at 7:00",
    { title: "Swim", due: "2026-12-09T07:00", rrule: "FREQ=WEEKLY;BYDAY=MO,WE,FR" },
  ],
  [
    "Review every 2 weeks on monday and thursday",
    { title: "Review", due: "2026-12-07", rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH" },
  ],
  [
    "Chess club every other thursday",
    { title: "Chess club", due: "2026-12-10", rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH" },
  ],
  [
    "Sprint planning every first monday",
    { title: "Sprint planning", /* 7 December is one */ due: "2026-12-07", rrule: "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1" },
  ],
  [
    "Book club every second tuesday",
    { title: "Book club", due: "2026-12-08", rrule: "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2" },
  ],
  ["Rent every month on the last day", { title: "Rent", due: "2026-12-31", rrule: "FREQ=MONTHLY;BYMONTHDAY=-1" }],
  ["Pay card every 1st and 15th", { title: "Pay card", due: "2026-12-15", rrule: "FREQ=MONTHLY;BYMONTHDAY=1,15" }],
  ["Water cactus every 15th", { title: "Water cactus", due: "2026-12-15", rrule: "FREQ=MONTHLY;BYMONTHDAY=15" }],
  ["Taxes every year", { title: "Taxes", due: "2026-12-07", rrule: "FREQ=YEARLY" }],
  ["Fireworks every jan 1st", { title: "Fireworks", due: "2027-01-01", rrule: "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1" }],
  ["Gifts each year on dec 24", { title: "Gifts", due: "2026-12-24", rrule: "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24" }],
  [
    "Birthday every 3rd of March",
    { title: "Birthday", due: "2027-03-03", rrule: "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3" },
  ],
  ["Lie in every weekend", { title: "Lie in", due: "2026-12-12", rrule: "FREQ=WEEKLY;BYDAY=SA,SU" }],
  ["Run daily", { title: "Run", due: "2026-12-07", rrule: "FREQ=DAILY" }],
  ["Plan meals weekly", { title: "Plan meals", due: "2026-12-07", rrule: "FREQ=WEEKLY" }],
  ["Weekly review", { title: "Weekly review" }],
  ["Check the boiler yearly", { title: "Check the boiler", due: "2026-12-07", rrule: "FREQ=YEARLY" }],
  ["Retro fortnightly", { title: "Retro", due: "2026-12-07", rrule: "FREQ=WEEKLY;INTERVAL=2" }],
  [
    "Budget monthly! p2",
    { title: "Budget", due: "2026-12-07", rrule: "FREQ=MONTHLY", basis: "completion", priority: "medium" },
  ],
  [
    "Descale every! 6 weeks",
    { title: "Descale", due: "2026-12-07", rrule: "FREQ=WEEKLY;INTERVAL=6", basis: "completion" },
  ],
  ["Every day read", { title: "read", due: "2026-12-07", rrule: "FREQ=DAILY" }],
  ["Newsletter every friday at 10", { title: "Newsletter", due: "2026-12-11T10:00", rrule: "FREQ=WEEKLY;BYDAY=FR" }],
  [
    "Pay rent every month on the 1st starting Jan 1",
    { title: "Pay rent", due: "2027-01-01", rrule: "FREQ=MONTHLY;BYMONTHDAY=1" },
  ],
  [
    "Stretch every day until friday",
    { title: "Stretch", due: "2026-12-07", rrule: "FREQ=DAILY;UNTIL=20261211T225959Z" },
  ],
  [
    "Water every day until Dec 24 at 9am",
    { title: "Water", due: "2026-12-08T09:00", rrule: "FREQ=DAILY;UNTIL=20261224T225959Z" },
  ],
  ["Pills every day for 10 times", { title: "Pills", due: "2026-12-07", rrule: "FREQ=DAILY;COUNT=10" }],
  ["Physio every monday 6 times", { title: "Physio", due: "2026-12-07", rrule: "FREQ=WEEKLY;BYDAY=MO;COUNT=6" }],

  // Lists, labels, priority.
  ["Draft plan #work projects p3", { title: "Draft plan", list: "Work Projects", priority: "low" }],
  ["Fix tap #home", { title: "Fix tap", list: "Home" }],
  ["Fix tap #Home.", { title: "Fix tap.", list: "Home" }],
  ["Buy milk, eggs #Home, bread", { title: "Buy milk, eggs, bread", list: "Home" }],
  ["Buy stamps #Nowhere", { title: "Buy stamps #Nowhere" }],
  ["C# tutorial", { title: "C# tutorial" }],
  ["Email a@b.com", { title: "Email a@b.com" }],
  ["Pay gas @bills @Errands", { title: "Pay gas", labels: ["bills", "errands"] }],
  ["Focus @deep work p1", { title: "Focus", labels: ["deep work"], priority: "high" }],
  ["Buy paint @diy", { title: "Buy paint", labels: ["diy*"] }],
  ["Sort receipts @bills @bills", { title: "Sort receipts", labels: ["bills"] }],
  ["Tidy desk !low", { title: "Tidy desk", priority: "low" }],
  ["Call plumber !medium tomorrow", { title: "Call plumber", priority: "medium", due: "2026-12-08" }],
  ["Fix p4 bug", { title: "Fix p4 bug" }],
  ["Ship v2 p1 p3", { title: "Ship v2 p3", priority: "high" }],
  [
    "Pay rent every month on the 1st #Home @bills p1 at 9am",
    {
      title: "Pay rent",
      due: "2027-01-01T09:00",
      rrule: "FREQ=MONTHLY;BYMONTHDAY=1",
      list: "Home",
      labels: ["bills"],
      priority: "high",
    },
  ],
];

function localDue(at: Date, allDay: boolean): string {
  const local = toLocal(at, ZONE);
  if (allDay) {
    expect(local.hour * 60 + local.minute, "an all-day due is midnight in the user's zone").toBe(0);
    return localDateString(local);
  }
  return localDateTimeString(local);
}

describe("parseQuickAdd", () => {
  it("covers at least 60 phrases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CASES)("%s", (phrase, expected) => {
    const result = parseQuickAdd(phrase, ctx);
    expect({
      title: result.title,
      due: result.due ? localDue(result.due.at, result.due.allDay) : null,
      rrule: result.recurrence?.rrule ?? null,
      basis: result.recurrence?.basis ?? "due",
      list: result.list?.name ?? null,
      labels: result.labels.map((l) => (l.isNew ? `${l.name}*` : l.name)),
      priority: result.priority,
    }).toEqual({
      title: expected.title,
      due: expected.due ?? null,
      rrule: expected.rrule ?? null,
      basis: expected.basis ?? "due",
      list: expected.list ?? null,
      labels: expected.labels ?? [],
      priority: expected.priority ?? null,
    });
    // Every token is the text it claims to cover.
    for (const token of result.tokens) expect(phrase.slice(token.start, token.end)).toBe(token.text);
  });
});

describe("quick add reads dates per locale and zone", () => {
  it("reads a slash date month-first in en-US", () => {
    const result = parseQuickAdd("Party 12/24", { ...ctx, locale: "en-US" });
    expect(localDue(result.due!.at, true)).toBe("2026-12-24");
  });

  it("reads a slash date day-first in de-DE", () => {
    const result = parseQuickAdd("Party 5/1", { ...ctx, locale: "de-DE" });
    expect(localDue(result.due!.at, true)).toBe("2027-01-05");
    const us = parseQuickAdd("Party 5/1", { ...ctx, locale: "en-US" });
    expect(localDue(us.due!.at, true)).toBe("2027-05-01");
  });

  it("uses the user's zone for today, not UTC's", () => {
    // 23:30 UTC on 7 December is already 8 December in Berlin.
    const late = { ...ctx, now: new Date("2026-12-07T23:30:00Z") };
    const result = parseQuickAdd("Call today", late);
    expect(result.due!.allDay).toBe(true);
    expect(result.due!.at.toISOString()).toBe("2026-12-07T23:00:00.000Z");
  });

  it("puts a timed due at that wall time in the zone, across a daylight-saving change", () => {
    const newYork = { ...ctx, timeZone: "America/New_York", now: new Date("2026-03-07T15:00:00Z") };
    const result = parseQuickAdd("Call tomorrow 9am", newYork);
    // 8 March 2026 is the first day of daylight-saving time in New York (UTC-4).
    expect(result.due!.at.toISOString()).toBe("2026-03-08T13:00:00.000Z");
  });

  it("starts next week on the user's week start", () => {
    const sunday = parseQuickAdd("Plan next week", { ...ctx, weekStart: "sunday" });
    expect(localDue(sunday.due!.at, true)).toBe("2026-12-13");
  });
});

describe("escape to literal", () => {
  it("keeps a token's words in the title when its key is literal", () => {
    const parsed = parseQuickAdd("Meet at 5pm #Work", ctx);
    const date = parsed.tokens.find((t) => t.kind === "date")!;
    expect(date.text).toBe("at 5pm");
    const kept = parseQuickAdd("Meet at 5pm #Work", ctx, { literal: new Set([date.key]) });
    expect(kept.title).toBe("Meet at 5pm");
    expect(kept.due).toBeNull();
    expect(kept.list?.name).toBe("Work");
    expect(kept.tokens.map((t) => t.kind)).toEqual(["list"]);
  });

  it("keeps the key while more is typed after the token", () => {
    const a = parseQuickAdd("Water plants every day", ctx).tokens[0]!;
    const b = parseQuickAdd("Water plants every day #Home", ctx).tokens[0]!;
    expect(a.key).toBe(b.key);
  });

  it("does not let a literal phrase be read again by a later rule", () => {
    const phrase = "Gym every monday";
    const recurrence = parseQuickAdd(phrase, ctx).tokens[0]!;
    const kept = parseQuickAdd(phrase, ctx, { literal: new Set([recurrence.key]) });
    expect(kept).toMatchObject({ title: "Gym every monday", due: null, recurrence: null, tokens: [] });
  });

  it("tells repeated words apart", () => {
    const tokens = parseQuickAdd("Ship @x then @x", ctx).tokens;
    expect(tokens.map((t) => t.key)).toEqual(["label:@x", "label:@x#2"]);
  });
});

describe("quickAddToCreateBody", () => {
  it("maps every part to the create body", () => {
    const result = parseQuickAdd("Pay rent every month on the 1st #Home @bills @newlabel p1", ctx);
    expect(quickAddToCreateBody(result, { NewLabel: "label-new" })).toEqual({
      title: "Pay rent",
      due_at: "2026-12-31T23:00:00.000Z",
      due_all_day: true,
      recurrence: "FREQ=MONTHLY;BYMONTHDAY=1",
      recurrence_basis: "due",
      list_id: "list-home",
      labels: ["label-bills", "label-new"],
      priority: "high",
    });
  });

  it("leaves out what was not given", () => {
    expect(quickAddToCreateBody(parseQuickAdd("Just a title", ctx))).toEqual({ title: "Just a title" });
  });
});

describe("the part just typed", () => {
  it("is the token that ends the line", () => {
    const text = "Gym tomorrow #Home ";
    expect(trailingToken(text, parseQuickAdd(text, ctx).tokens)?.text).toBe("#Home");
  });

  it("is none when words follow the last token", () => {
    const text = "Gym tomorrow with Sam";
    expect(trailingToken(text, parseQuickAdd(text, ctx).tokens)).toBeNull();
    expect(trailingToken("", [])).toBeNull();
  });
});

describe("preview", () => {
  const at = (iso: string) => new Date(iso);

  it("says today and tomorrow in the user's zone", () => {
    expect(describeDue({ at: at("2026-12-06T23:00:00Z"), allDay: true }, ctx)).toBe("Today");
    expect(describeDue({ at: at("2026-12-08T16:00:00Z"), allDay: false }, ctx)).toBe("Tomorrow, 17:00");
  });

  it("names other days, with the year when it is not this one", () => {
    // Intl's punctuation varies a little between ICU versions.
    expect(describeDue({ at: at("2026-12-17T23:00:00Z"), allDay: true }, ctx)).toMatch(/^Fri,? 18 Dec$/);
    expect(describeDue({ at: at("2026-12-31T23:00:00Z"), allDay: true }, ctx)).toMatch(/^Fri,? 1 Jan 2027$/);
  });

  it("lists every part, marking a new label", () => {
    const result = parseQuickAdd("Pay rent every last friday #Home @bills @diy p2", ctx);
    expect(previewParts(result, ctx)).toEqual([
      { kind: "title", text: "Pay rent" },
      { kind: "date", text: expect.stringMatching(/^Fri,? 25 Dec$/) },
      { kind: "recurrence", text: "Every last Friday" },
      { kind: "list", text: "Home" },
      { kind: "label", text: "bills", isNew: false },
      { kind: "label", text: "diy", isNew: true },
      { kind: "priority", text: "Medium priority" },
    ]);
  });
});
