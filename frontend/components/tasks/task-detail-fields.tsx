"use client";

import { Repeat } from "lucide-react";
import * as React from "react";
import { Controller, useFormContext, useWatch } from "react-hook-form";

import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { PRIORITIES } from "@/lib/api/types";
import { PRIORITY_LABEL } from "@/lib/task-format";
import { browserZone, isDayKey, todayIn, zonedInstant } from "@/lib/zoned-date";

import { describeRecurrence } from "@/lib/recurrence/describe";
import { presetFor, recurrencePresets } from "@/lib/recurrence/presets";
import type { TaskDraft, TaskDraftField } from "./task-draft";

interface Props {
  idPrefix: string;
  disabled?: boolean;
  /** The user's time zone: the date and time typed are read in it. */
  zone?: string;
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="text-xs text-destructive">
      {message}
    </p>
  );
}

/**
 * A field's complaint goes away as soon as the field is changed: the form
 * checks again on the next submit, not on every keystroke.
 */
export function useDraftField(name: TaskDraftField, errorId: string) {
  const { register, clearErrors, formState } = useFormContext<TaskDraft>();
  const message = formState.errors[name]?.message;
  return {
    field: register(name, { onChange: () => clearErrors(name) }),
    message,
    a11y: {
      "aria-invalid": message ? true : undefined,
      "aria-describedby": message ? errorId : undefined,
    },
  };
}

/**
 * The due date: a date, all day or at a time, and how it repeats (a preset
 * built from the date, or a rule typed by hand, which the API checks), and
 * whether the next date counts from the due date or from completion.
 */
function DueFields({ idPrefix, disabled, zone }: Props & { zone: string }) {
  const id = (name: string) => `${idPrefix}-${name}`;
  const { control, setValue, getValues, clearErrors, formState } = useFormContext<TaskDraft>();
  const [dueValue, allDay, recurrence, basis] = useWatch({
    control,
    name: ["due", "allDay", "recurrence", "basis"],
  });
  const due = useDraftField("due", id("due-error"));
  const time = useDraftField("time", id("time-error"));
  const rule = useDraftField("recurrence", id("recurrence-error"));
  const basisError = formState.errors.basis?.message;
  const day = dueValue && isDayKey(dueValue) ? dueValue : todayIn(zone);
  // "Does not repeat", then the presets shaped by the due date (or today), then "Custom…".
  const shaped = recurrencePresets(zonedInstant(day, zone, "12:00"), zone);
  const presets = [{ id: "none", label: "Does not repeat", rrule: "" }, ...shaped];
  const matched = presetFor(recurrence.trim() || null, shaped) ?? "none";
  const [custom, setCustom] = React.useState(matched === "custom");
  const preset = custom ? "custom" : matched;
  const repeats = recurrence.trim() !== "";

  function choosePreset(next: string) {
    const chosen = presets.find((p) => p.id === next);
    if (!chosen) return;
    clearErrors("recurrence");
    setCustom(chosen.id === "custom");
    if (chosen.rrule !== null) setValue("recurrence", chosen.rrule, { shouldDirty: true });
  }

  return (
    <div className="grid gap-3 sm:col-span-2 sm:grid-cols-2" data-testid="due-fields">
      <div className="grid gap-1.5">
        <Label htmlFor={id("due")}>Due date</Label>
        <Input id={id("due")} type="date" {...due.field} {...due.a11y} />
        <FieldError id={id("due-error")} message={due.message} />
      </div>
      <div className="grid content-start gap-1.5">
        <div className="flex h-5 items-center gap-2">
          <Controller
            control={control}
            name="allDay"
            render={({ field }) => (
              <Checkbox
                id={id("all-day")}
                checked={field.value}
                disabled={disabled}
                onCheckedChange={(checked) => {
                  field.onChange(checked === true);
                  clearErrors("time");
                  if (checked !== true && !getValues("time")) setValue("time", "09:00");
                }}
              />
            )}
          />
          <Label htmlFor={id("all-day")}>All day</Label>
        </div>
        {allDay ? (
          <p className="text-xs text-muted-foreground">Due on the date, at no particular time.</p>
        ) : (
          <>
            <Label htmlFor={id("time")} className="sr-only">
              Time
            </Label>
            <Input id={id("time")} type="time" {...time.field} {...time.a11y} />
            <FieldError id={id("time-error")} message={time.message} />
          </>
        )}
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={id("repeat")}>Repeat</Label>
        <Select value={preset} disabled={disabled} onValueChange={choosePreset}>
          <SelectTrigger
            id={id("repeat")}
            aria-label="Repeat"
            aria-describedby={repeats ? id("repeat-words") : undefined}
          >
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {presets.map((p) => (
              <SelectItem key={p.id} value={p.id}>
                {p.label}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        {repeats ? (
          <p
            id={id("repeat-words")}
            className="flex items-center gap-1 text-xs text-muted-foreground"
            data-testid="repeat-words"
          >
            <Repeat className="size-3" aria-hidden />
            {describeRecurrence(recurrence, basis)}
          </p>
        ) : null}
        {preset !== "custom" ? <FieldError id={id("recurrence-error")} message={rule.message} /> : null}
      </div>
      <div className="grid content-start gap-1.5">
        {preset === "custom" ? (
          <>
            <Label htmlFor={id("recurrence")}>Rule (RRULE)</Label>
            <Input
              id={id("recurrence")}
              autoComplete="off"
              spellCheck={false}
              placeholder="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"
              {...rule.field}
              {...rule.a11y}
            />
            <FieldError id={id("recurrence-error")} message={rule.message} />
          </>
        ) : null}
        {repeats ? (
          <div className="flex items-center gap-2">
            <Controller
              control={control}
              name="basis"
              render={({ field }) => (
                <Checkbox
                  id={id("basis")}
                  checked={field.value === "completion"}
                  disabled={disabled}
                  onCheckedChange={(checked) => field.onChange(checked === true ? "completion" : "due")}
                />
              )}
            />
            <Label htmlFor={id("basis")}>Count from completion</Label>
          </div>
        ) : null}
        <FieldError id={id("basis-error")} message={basisError} />
      </div>
    </div>
  );
}

/** Description, priority and due date: shared by the composer and the editor (inside their form). */
export function TaskDetailFields({ idPrefix, disabled, zone = browserZone() }: Props) {
  const id = (name: string) => `${idPrefix}-${name}`;
  const { control } = useFormContext<TaskDraft>();
  const description = useDraftField("description", id("description-error"));
  return (
    <fieldset disabled={disabled} className="grid min-w-0 gap-3 sm:grid-cols-2">
      <div className="grid gap-1.5 sm:col-span-2">
        <Label htmlFor={id("description")}>Description</Label>
        <Textarea
          id={id("description")}
          rows={2}
          placeholder="Optional details"
          {...description.field}
          {...description.a11y}
        />
        <FieldError id={id("description-error")} message={description.message} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={id("priority")}>Priority</Label>
        <Controller
          control={control}
          name="priority"
          render={({ field }) => (
            <Select value={field.value} disabled={disabled} onValueChange={field.onChange}>
              <SelectTrigger id={id("priority")} aria-label="Priority" ref={field.ref} onBlur={field.onBlur}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {PRIORITIES.map((p) => (
                  <SelectItem key={p} value={p}>
                    {PRIORITY_LABEL[p]}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        />
      </div>
      <DueFields idPrefix={idPrefix} disabled={disabled} zone={zone} />
    </fieldset>
  );
}
