"use client";

import * as React from "react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { Task } from "@/lib/api/types";

import { FieldError, TaskDetailFields } from "./task-detail-fields";
import { draftFromTask, sameDraft, validateDraft, type TaskDraft } from "./task-draft";

interface Props {
  task: Task;
  categories: readonly string[];
  /** Resolves to field errors to show, or null when saved. */
  onSave: (draft: TaskDraft) => Promise<Record<string, string> | null>;
  onCancel: () => void;
}

/**
 * Edit in place: Enter in the title saves, Escape anywhere in the form cancels.
 * The board remounts it (new key) to start over from the latest version.
 */
export function TaskEditor({ task, categories, onSave, onCancel }: Props) {
  const [draft, setDraft] = React.useState<TaskDraft>(() => draftFromTask(task));
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [busy, setBusy] = React.useState(false);
  const titleRef = React.useRef<HTMLInputElement>(null);
  const [baseline, setBaseline] = React.useState(task);

  // A fresher copy of the task arrived (the editor fetches it on opening):
  // show it, unless the user has already started typing.
  if (task !== baseline) {
    setBaseline(task);
    if (sameDraft(draft, draftFromTask(baseline))) setDraft(draftFromTask(task));
  }

  React.useEffect(() => {
    titleRef.current?.focus();
    titleRef.current?.select();
  }, []);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (busy) return;
    const problems = validateDraft(draft);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const result = await onSave(draft);
      if (result) setErrors(result);
    } finally {
      setBusy(false);
    }
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
    <form
      onSubmit={submit}
      onKeyDown={onKeyDown}
      aria-label={`Edit task ${task.title}`}
      className="grid gap-3 rounded-lg border border-ring/60 bg-card p-3 sm:p-4"
      noValidate
    >
      <div className="grid gap-1.5">
        <Label htmlFor={`${prefix}-title`}>Title</Label>
        <Input
          id={`${prefix}-title`}
          ref={titleRef}
          value={draft.title}
          autoComplete="off"
          aria-invalid={errors.title ? true : undefined}
          aria-describedby={errors.title ? `${prefix}-title-error` : undefined}
          onChange={(e) => setDraft((d) => ({ ...d, title: e.target.value }))}
        />
        <FieldError id={`${prefix}-title-error`} message={errors.title} />
      </div>
      <TaskDetailFields
        idPrefix={prefix}
        draft={draft}
        errors={errors}
        categories={categories}
        disabled={busy}
        onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))}
      />
      <div className="flex justify-end gap-2">
        <Button variant="outline" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}
