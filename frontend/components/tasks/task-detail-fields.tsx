"use client";

import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { PRIORITY_LABEL } from "@/lib/task-format";
import { PRIORITIES, type Priority } from "@/lib/api/types";

import type { TaskDraft } from "./task-draft";

interface Props {
  idPrefix: string;
  draft: TaskDraft;
  errors: Record<string, string>;
  onChange: (patch: Partial<TaskDraft>) => void;
  categories: readonly string[];
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

/** Description, priority, category and due date: shared by the composer and the editor. */
export function TaskDetailFields({ idPrefix, draft, errors, onChange, categories, disabled }: Props) {
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      <div className="grid gap-1.5 sm:col-span-3">
        <Label htmlFor={id("description")}>Description</Label>
        <Textarea
          id={id("description")}
          value={draft.description}
          rows={2}
          disabled={disabled}
          placeholder="Optional details"
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={errors.description ? id("description-error") : undefined}
          onChange={(e) => onChange({ description: e.target.value })}
        />
        <FieldError id={id("description-error")} message={errors.description} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={id("priority")}>Priority</Label>
        <Select
          value={draft.priority}
          disabled={disabled}
          onValueChange={(value) => onChange({ priority: value as Priority })}
        >
          <SelectTrigger id={id("priority")} aria-label="Priority">
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
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={id("category")}>Category</Label>
        <Input
          id={id("category")}
          value={draft.category}
          disabled={disabled}
          list={`${idPrefix}-categories`}
          placeholder="e.g. Work"
          aria-invalid={errors.category ? true : undefined}
          aria-describedby={errors.category ? id("category-error") : undefined}
          onChange={(e) => onChange({ category: e.target.value })}
        />
        <datalist id={`${idPrefix}-categories`}>
          {categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <FieldError id={id("category-error")} message={errors.category} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={id("due")}>Due date</Label>
        <Input
          id={id("due")}
          type="date"
          value={draft.due}
          disabled={disabled}
          aria-invalid={errors.due_at ? true : undefined}
          aria-describedby={errors.due_at ? id("due-error") : undefined}
          onChange={(e) => onChange({ due: e.target.value })}
        />
        <FieldError id={id("due-error")} message={errors.due_at} />
      </div>
    </div>
  );
}
