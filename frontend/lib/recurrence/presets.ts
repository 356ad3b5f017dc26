/**
 * The recurrence picker's presets, shaped by the task's due date: "Every
 * week" repeats on the due's weekday, "Every month" on its day of the month,
 * "Every year" on its date. "Custom" leaves the rule to the user.
 */
import { describeRecurrence } from "./describe";
import { emptyRule, formatRule, parseRule, WEEKDAY_CODES, type Rule } from "./rrule";
import { toLocal, weekdayOf } from "./zoned";

export type PresetId = "daily" | "weekdays" | "weekly" | "monthly" | "yearly" | "custom";

export interface RecurrencePreset {
  id: PresetId;
  /** The rule in words, as describeRecurrence gives it; "Custom…" for the custom entry. */
  label: string;
  /** Null for "custom". */
  rrule: string | null;
}

/**
 * Presets for a task due at `due` (read in `timeZone`); without a due date,
 * today in that zone stands in for it.
 */
export function recurrencePresets(due: Date | null, timeZone: string, now: Date = new Date()): RecurrencePreset[] {
  const date = toLocal(due ?? now, timeZone);
  const rules: [PresetId, Rule][] = [
    ["daily", emptyRule("DAILY")],
    [
      "weekdays",
      {
        ...emptyRule("WEEKLY"),
        byDay: ["MO", "TU", "WE", "TH", "FR"].map((day) => ({ day }) as Rule["byDay"][number]),
      },
    ],
    ["weekly", { ...emptyRule("WEEKLY"), byDay: [{ day: WEEKDAY_CODES[weekdayOf(date)]! }] }],
    ["monthly", { ...emptyRule("MONTHLY"), byMonthDay: [date.day] }],
    ["yearly", { ...emptyRule("YEARLY"), byMonth: [date.month], byMonthDay: [date.day] }],
  ];
  return [
    ...rules.map(([id, rule]) => {
      const rrule = formatRule(rule);
      return { id, label: describeRecurrence(rrule), rrule };
    }),
    { id: "custom", label: "Custom…", rrule: null },
  ];
}

/** The preset a rule is (parts compared, not text), else "custom"; null without a rule. */
export function presetFor(rrule: string | null, presets: readonly RecurrencePreset[]): PresetId | null {
  if (!rrule) return null;
  const rule = parseRule(rrule);
  const canonical = rule ? formatRule(rule) : null;
  return presets.find((p) => p.rrule !== null && p.rrule === canonical)?.id ?? "custom";
}
