"use client";

import { AlertCircle } from "lucide-react";
import * as React from "react";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/sonner";
import { usePreferences, useSavePreferences } from "@/hooks/use-preferences";
import { ApiError, type Preferences, type WeekStart } from "@/lib/tasks-api";
import { browserZone } from "@/lib/zoned-date";

/** Every zone the browser knows (UTC too, which some leave out), the current one included. */
function zoneNames(current: string | undefined): string[] {
  let names: string[] = [];
  try {
    names = Intl.supportedValuesOf("timeZone");
  } catch {
    names = [];
  }
  const all = new Set(names);
  all.add("UTC");
  all.add(browserZone());
  if (current) all.add(current);
  return [...all].sort((a, b) => a.localeCompare(b));
}

const selectClass =
  "h-9 w-full min-w-0 rounded-md border border-input bg-background px-3 py-1 text-sm shadow-xs outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-destructive";

/**
 * Settings › Time zone and week: the zone every due date is shown and typed
 * in (the browser's, set on the first visit, until changed here) and the
 * first day of the week. Saved together (PUT /preferences); the API's
 * complaints show under the field they name.
 */
export function PreferencesForm({ userId }: { userId: string }) {
  const preferences = usePreferences(userId);
  const save = useSavePreferences(userId);
  const saved = preferences.data?.value;
  const [draft, setDraft] = React.useState<Preferences | null>(null);
  const value = draft ?? saved ?? null;
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [problem, setProblem] = React.useState<string | null>(null);
  const zones = React.useMemo(() => zoneNames(value?.time_zone), [value?.time_zone]);

  function change(patch: Partial<Preferences>) {
    if (!value) return;
    setDraft({ ...value, ...patch });
    setErrors({});
    setProblem(null);
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!value) return;
    setErrors({});
    setProblem(null);
    try {
      await save.mutateAsync(value);
      setDraft(null);
      toast.success("Preferences saved", {
        description: `Dates are shown in ${value.time_zone}; weeks start on ${value.week_start === "monday" ? "Monday" : "Sunday"}.`,
      });
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError("unexpected", "Something went wrong. Please try again.");
      const fields = error.fieldErrors();
      if (error.kind === "validation" && Object.keys(fields).length > 0) setErrors(fields);
      else if (error.kind === "conflict") {
        void preferences.refetch();
        setProblem("Your preferences were changed elsewhere. The latest ones are shown; save again to change them.");
        setDraft(null);
      } else setProblem(error.message);
    }
  }

  if (preferences.isPending) {
    return (
      <p className="text-sm text-muted-foreground" role="status">
        Loading your preferences…
      </p>
    );
  }
  if (!value) {
    return (
      <Alert variant="destructive" role="alert">
        <AlertCircle aria-hidden />
        <p>Your preferences could not be loaded: {preferences.error?.message}</p>
      </Alert>
    );
  }

  const busy = save.isPending;
  return (
    <form onSubmit={submit} className="grid gap-4" noValidate aria-label="Time zone and week">
      {problem ? (
        <Alert variant="destructive" role="alert">
          <AlertCircle aria-hidden />
          <p>{problem}</p>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid gap-1.5">
          <Label htmlFor="time-zone">Time zone</Label>
          <select
            id="time-zone"
            className={selectClass}
            value={value.time_zone}
            disabled={busy}
            onChange={(e) => change({ time_zone: e.target.value })}
            aria-invalid={errors.time_zone ? true : undefined}
            aria-describedby={errors.time_zone ? "time-zone-error" : "time-zone-hint"}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll("_", " ")}
              </option>
            ))}
          </select>
          {errors.time_zone ? (
            <p id="time-zone-error" className="text-xs text-destructive">
              {errors.time_zone}
            </p>
          ) : (
            <p id="time-zone-hint" className="text-xs text-muted-foreground">
              Due dates and Today are counted in this zone. This browser is in {browserZone().replaceAll("_", " ")}.
            </p>
          )}
        </div>
        <div className="grid content-start gap-1.5">
          <Label htmlFor="week-start">Week starts on</Label>
          <select
            id="week-start"
            className={selectClass}
            value={value.week_start}
            disabled={busy}
            onChange={(e) => change({ week_start: e.target.value as WeekStart })}
            aria-invalid={errors.week_start ? true : undefined}
            aria-describedby={errors.week_start ? "week-start-error" : undefined}
          >
            <option value="monday">Monday</option>
            <option value="sunday">Sunday</option>
          </select>
          {errors.week_start ? (
            <p id="week-start-error" className="text-xs text-destructive">
              {errors.week_start}
            </p>
          ) : null}
        </div>
      </div>
      <Button type="submit" className="justify-self-start" disabled={busy}>
        {busy ? "Saving…" : "Save preferences"}
      </Button>
    </form>
  );
}
