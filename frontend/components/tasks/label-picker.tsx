"use client";

import * as React from "react";
import { Controller, useFormContext } from "react-hook-form";

import { COLOR_DOT } from "@/components/lists/list-colors";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { Label as TaskLabel } from "@/lib/tasks-api";
import { cn } from "@/lib/utils";

import { FieldError } from "./task-detail-fields";
import type { TaskDraft } from "./task-draft";

interface Props {
  idPrefix: string;
  labels: readonly TaskLabel[];
  /** Creates a label; resolves to it, or to a message saying why not. */
  onCreate: (name: string) => Promise<{ id: string } | { problem: string }>;
  disabled?: boolean;
}

/** The task's labels: tick the ones it carries, or name a new one (created and ticked at once). */
export function LabelPicker({ idPrefix, labels, onCreate, disabled }: Props) {
  const { control, formState } = useFormContext<TaskDraft>();
  const [name, setName] = React.useState("");
  const [problem, setProblem] = React.useState<string | undefined>();
  const [busy, setBusy] = React.useState(false);
  const error = formState.errors.labels?.message ?? problem;

  return (
    <Controller
      control={control}
      name="labels"
      render={({ field }) => {
        const chosen = new Set(field.value);
        const toggle = (id: string, on: boolean) =>
          field.onChange(on ? [...field.value.filter((v) => v !== id), id] : field.value.filter((v) => v !== id));
        async function create() {
          const trimmed = name.trim();
          if (trimmed === "") return setProblem("Give the label a name.");
          const existing = labels.find((l) => l.name.toLowerCase() === trimmed.toLowerCase());
          if (existing) {
            toggle(existing.id, true);
            setName("");
            return;
          }
          setBusy(true);
          const result = await onCreate(trimmed);
          setBusy(false);
          if ("problem" in result) return setProblem(result.problem);
          toggle(result.id, true);
          setName("");
        }
        return (
          <fieldset className="grid gap-2" disabled={disabled}>
            <legend className="mb-1 text-sm font-medium">Labels</legend>
            {labels.length > 0 ? (
              <div className="flex flex-wrap gap-x-4 gap-y-2">
                {labels.map((label) => (
                  <div key={label.id} className="flex items-center gap-2">
                    <Checkbox
                      id={`${idPrefix}-label-${label.id}`}
                      checked={chosen.has(label.id)}
                      onCheckedChange={(on) => toggle(label.id, on === true)}
                    />
                    <Label htmlFor={`${idPrefix}-label-${label.id}`} className="flex items-center gap-1.5 font-normal">
                      <span className={cn("size-2 rounded-full", COLOR_DOT[label.color])} aria-hidden />
                      {label.name}
                    </Label>
                  </div>
                ))}
              </div>
            ) : null}
            <div className="flex gap-2">
              <Label htmlFor={`${idPrefix}-new-label`} className="sr-only">
                New label
              </Label>
              <Input
                id={`${idPrefix}-new-label`}
                value={name}
                placeholder="New label"
                autoComplete="off"
                className="h-9"
                aria-invalid={problem ? true : undefined}
                onChange={(e) => {
                  setName(e.target.value);
                  setProblem(undefined);
                }}
                onKeyDown={(e) => {
                  // Enter here creates the label rather than saving the task.
                  if (e.key === "Enter") {
                    e.preventDefault();
                    void create();
                  }
                }}
              />
              <Button variant="outline" size="sm" className="h-9" disabled={busy} onClick={() => void create()}>
                Create label
              </Button>
            </div>
            <FieldError id={`${idPrefix}-labels-error`} message={error} />
          </fieldset>
        );
      }}
    />
  );
}
