"use client";

import { Plus } from "lucide-react";
import * as React from "react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormOutcome } from "@/hooks/use-task-board";
import type { Task } from "@/lib/tasks-api";

import { FieldError } from "./task-detail-fields";
import { TASK_LIMITS, charCount } from "./task-draft";

interface Props {
  parent: Task;
  /** Resolves to field errors to show, or null once the subtask exists. */
  onAdd: (title: string) => Promise<FormOutcome>;
  onClose: () => void;
}

/** A title and Enter, under the parent: one subtask after another; Escape closes it. */
export function SubtaskComposer({ parent, onAdd, onClose }: Props) {
  const [title, setTitle] = React.useState("");
  const [error, setError] = React.useState<string | undefined>();
  const [busy, setBusy] = React.useState(false);
  const inputRef = React.useRef<HTMLInputElement>(null);
  const id = `subtask-of-${parent.id}`;

  React.useEffect(() => inputRef.current?.focus(), []);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const trimmed = title.trim();
    if (trimmed === "") return setError("Give the subtask a title.");
    if (charCount(trimmed) > TASK_LIMITS.title) return setError(`Keep the title to ${TASK_LIMITS.title} characters.`);
    setBusy(true);
    const result = await onAdd(trimmed);
    setBusy(false);
    if (result) setError(result.title ?? Object.values(result)[0]);
    else {
      setTitle("");
      inputRef.current?.focus();
    }
  }

  return (
    <form
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          onClose();
        }
      }}
      aria-label={`Add a subtask to ${parent.title}`}
      className="grid gap-1.5"
      noValidate
    >
      <Label htmlFor={id} className="sr-only">
        New subtask of “{parent.title}”
      </Label>
      <div className="flex gap-2">
        <Input
          ref={inputRef}
          id={id}
          autoComplete="off"
          placeholder="Subtask title, then Enter"
          value={title}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => {
            setTitle(e.target.value);
            setError(undefined);
          }}
        />
        <Button type="submit" variant="outline" disabled={busy} aria-label="Add subtask">
          <Plus aria-hidden />
        </Button>
        <Button variant="ghost" onClick={onClose}>
          Done
        </Button>
      </div>
      <FieldError id={`${id}-error`} message={error} />
    </form>
  );
}
