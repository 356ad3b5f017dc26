"use client";

import { ChevronDown, Plus } from "lucide-react";
import * as React from "react";

import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

import { TaskDetailFields, FieldError } from "./task-detail-fields";
import { EMPTY_DRAFT, validateDraft, type TaskDraft } from "./task-draft";

interface Props {
  /** Resolves to field errors to show, or null once the task exists. */
  onCreate: (draft: TaskDraft) => Promise<Record<string, string> | null>;
  categories: readonly string[];
}

export function TaskComposer({ onCreate, categories }: Props) {
  const [draft, setDraft] = React.useState<TaskDraft>(EMPTY_DRAFT);
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [showDetails, setShowDetails] = React.useState(false);
  const [busy, setBusy] = React.useState(false);
  const titleRef = React.useRef<HTMLInputElement>(null);

  const update = (patch: Partial<TaskDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors((e) => {
      const next = { ...e };
      for (const key of Object.keys(patch)) delete next[key === "due" ? "due_at" : key];
      return next;
    });
  };

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (busy) return;
    const problems = validateDraft(draft);
    setErrors(problems);
    if (Object.keys(problems).some((k) => k !== "title")) setShowDetails(true);
    if (Object.keys(problems).length > 0) {
      titleRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const result = await onCreate(draft);
      if (result) {
        // Nothing typed is lost: the draft stays for the user to fix.
        setErrors(result);
        if (Object.keys(result).some((k) => k !== "title")) setShowDetails(true);
      } else {
        setDraft((d) => ({ ...EMPTY_DRAFT, priority: d.priority, category: d.category }));
        setErrors({});
        titleRef.current?.focus();
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <CardContent className="p-4">
        <form onSubmit={submit} aria-label="Add a task" className="grid gap-3" noValidate>
          <div className="grid gap-1.5">
            <Label htmlFor="new-task-title" className="sr-only">
              New task title
            </Label>
            <div className="flex gap-2">
              <Input
                id="new-task-title"
                ref={titleRef}
                value={draft.title}
                autoComplete="off"
                placeholder="What needs doing? Press Enter to add"
                aria-invalid={errors.title ? true : undefined}
                aria-describedby={errors.title ? "new-task-title-error" : undefined}
                onChange={(e) => update({ title: e.target.value })}
              />
              <Button type="submit" disabled={busy} aria-label="Add task">
                <Plus aria-hidden />
                <span className="hidden sm:inline">Add</span>
              </Button>
            </div>
            <FieldError id="new-task-title-error" message={errors.title} />
          </div>
          <div>
            <Button
              variant="ghost"
              size="sm"
              aria-expanded={showDetails}
              aria-controls="new-task-details"
              onClick={() => setShowDetails((s) => !s)}
              className="-ml-2 text-muted-foreground"
            >
              <ChevronDown
                aria-hidden
                className={
                  showDetails ? "rotate-180 motion-safe:transition-transform" : "motion-safe:transition-transform"
                }
              />
              {showDetails ? "Hide details" : "Add details: priority, category, due date"}
            </Button>
          </div>
          <div id="new-task-details" hidden={!showDetails}>
            <TaskDetailFields
              idPrefix="new-task"
              draft={draft}
              errors={errors}
              onChange={update}
              categories={categories}
              disabled={busy}
            />
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
