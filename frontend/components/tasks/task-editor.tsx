"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import * as React from "react";
import { FormProvider, useForm } from "react-hook-form";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormOutcome } from "@/hooks/use-task-board";
import type { Label as TaskLabel, Task } from "@/lib/tasks-api";

import { LabelPicker } from "./label-picker";

import { FieldError, TaskDetailFields, useDraftField } from "./task-detail-fields";
import { draftFromTask, taskDraftSchema, type TaskDraft } from "./task-draft";
import { showApiErrors } from "./task-form-errors";

interface Props {
  task: Task;
  /** Resolves to field errors to show, or null when saved. */
  onSave: (draft: TaskDraft) => Promise<FormOutcome>;
  onCancel: () => void;
  labels: readonly TaskLabel[];
  onCreateLabel: (name: string) => Promise<{ id: string } | { problem: string }>;
  /** The user's time zone: the due date and time are shown and typed in it. */
  zone?: string;
}

/**
 * Edit in place: Enter in the title saves, Escape anywhere in the form cancels.
 * The board remounts it (new key) to start over from the latest version.
 */
export function TaskEditor({ task, onSave, onCancel, labels, onCreateLabel, zone }: Props) {
  const values = React.useMemo(() => draftFromTask(task, zone), [task, zone]);
  const form = useForm<TaskDraft>({
    resolver: zodResolver(taskDraftSchema),
    // A fresher copy of the task arrives as the editor opens (it fetches
    // the current version): it is shown, except in fields already typed in.
    values,
    resetOptions: { keepDirtyValues: true },
    reValidateMode: "onSubmit",
  });
  const busy = form.formState.isSubmitting;
  const { setFocus } = form;

  React.useEffect(() => {
    setFocus("title", { shouldSelect: true });
  }, [setFocus]);

  async function save(draft: TaskDraft) {
    const result = await onSave(draft);
    if (result) showApiErrors(result, form.setError);
  }

  function onKeyDown(event: React.KeyboardEvent) {
    // Radix popups handle their own Escape first (and stop it there).
    if (event.key === "Escape" && !event.defaultPrevented) {
      event.preventDefault();
      onCancel();
    }
  }

  const prefix = `edit-${task.id}`;
  return (
    <FormProvider {...form}>
      <form
        onSubmit={form.handleSubmit(save)}
        onKeyDown={onKeyDown}
        aria-label={`Edit task ${task.title}`}
        className="grid gap-3 rounded-lg border border-ring/60 bg-card p-3 sm:p-4"
        noValidate
      >
        <TitleField prefix={prefix} />
        <TaskDetailFields idPrefix={prefix} disabled={busy} zone={zone} />
        <LabelPicker idPrefix={prefix} labels={labels} onCreate={onCreateLabel} disabled={busy} />
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy}>
            {busy ? "Saving…" : "Save"}
          </Button>
        </div>
      </form>
    </FormProvider>
  );
}

function TitleField({ prefix }: { prefix: string }) {
  const title = useDraftField("title", `${prefix}-title-error`);
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={`${prefix}-title`}>Title</Label>
      <Input id={`${prefix}-title`} autoComplete="off" {...title.field} {...title.a11y} />
      <FieldError id={`${prefix}-title-error`} message={title.message} />
    </div>
  );
}
