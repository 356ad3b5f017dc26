"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { ChevronDown, Plus } from "lucide-react";
import * as React from "react";
import { FormProvider, useForm, type FieldErrors } from "react-hook-form";

import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormOutcome } from "@/hooks/use-task-board";

import { FieldError, TaskDetailFields, useDraftField } from "./task-detail-fields";
import { EMPTY_DRAFT, taskDraftSchema, type TaskDraft } from "./task-draft";
import { showApiErrors } from "./task-form-errors";

interface Props {
  /** Resolves to field errors to show, or null once the task exists. */
  onCreate: (draft: TaskDraft) => Promise<FormOutcome>;
  /** The user's time zone: the due date and time are typed in it. */
  zone?: string;
}

export function TaskComposer({ onCreate, zone }: Props) {
  const form = useForm<TaskDraft>({
    resolver: zodResolver(taskDraftSchema),
    defaultValues: EMPTY_DRAFT,
    reValidateMode: "onSubmit",
    shouldFocusError: false,
  });
  const [showDetails, setShowDetails] = React.useState(false);
  // Bumped after each task added: the details start afresh (the repeat picker's "Custom" too).
  const [added, setAdded] = React.useState(0);
  const busy = form.formState.isSubmitting;

  async function create(draft: TaskDraft) {
    const result = await onCreate(draft);
    if (result) {
      // Nothing typed is lost: the draft stays for the user to fix.
      if (showApiErrors(result, form.setError)) setShowDetails(true);
    } else {
      form.reset({ ...EMPTY_DRAFT, priority: draft.priority });
      setAdded((n) => n + 1);
      form.setFocus("title");
    }
  }

  function refused(errors: FieldErrors<TaskDraft>) {
    if (Object.keys(errors).some((k) => k !== "title")) setShowDetails(true);
    form.setFocus("title");
  }

  return (
    <Card>
      <CardContent className="p-4">
        <FormProvider {...form}>
          <form onSubmit={form.handleSubmit(create, refused)} aria-label="Add a task" className="grid gap-3" noValidate>
            <TitleField busy={busy} />
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
                {showDetails ? "Hide details" : "Add details: priority, due date"}
              </Button>
            </div>
            <div id="new-task-details" hidden={!showDetails}>
              <TaskDetailFields key={added} idPrefix="new-task" disabled={busy} zone={zone} />
            </div>
          </form>
        </FormProvider>
      </CardContent>
    </Card>
  );
}

function TitleField({ busy }: { busy: boolean }) {
  const title = useDraftField("title", "new-task-title-error");
  return (
    <div className="grid gap-1.5">
      <Label htmlFor="new-task-title" className="sr-only">
        New task title
      </Label>
      <div className="flex gap-2">
        <Input
          id="new-task-title"
          autoComplete="off"
          placeholder="What needs doing? Press Enter to add"
          {...title.field}
          {...title.a11y}
        />
        <Button type="submit" disabled={busy} aria-label="Add task">
          <Plus aria-hidden />
          <span className="hidden sm:inline">Add</span>
        </Button>
      </div>
      <FieldError id="new-task-title-error" message={title.message} />
    </div>
  );
}
