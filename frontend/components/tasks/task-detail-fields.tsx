"use client";

import { Controller, useFormContext } from "react-hook-form";

import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { PRIORITIES } from "@/lib/api/types";
import { PRIORITY_LABEL } from "@/lib/task-format";

import type { TaskDraft, TaskDraftField } from "./task-draft";

interface Props {
  idPrefix: string;
  disabled?: boolean;
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

/** Description, priority and due date: shared by the composer and the editor (inside their form). */
export function TaskDetailFields({ idPrefix, disabled }: Props) {
  const id = (name: string) => `${idPrefix}-${name}`;
  const { control } = useFormContext<TaskDraft>();
  const description = useDraftField("description", id("description-error"));
  const due = useDraftField("due", id("due-error"));
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
      <div className="grid gap-1.5">
        <Label htmlFor={id("due")}>Due date</Label>
        <Input id={id("due")} type="date" {...due.field} {...due.a11y} />
        <FieldError id={id("due-error")} message={due.message} />
      </div>
    </fieldset>
  );
}
