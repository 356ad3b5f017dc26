"use client";

import { CalendarClock, Pencil, Trash2 } from "lucide-react";

import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { PRIORITY_LABEL, formatDue, isOverdue } from "@/lib/task-format";
import type { Task } from "@/lib/api/types";
import { cn } from "@/lib/utils";

interface Props {
  task: Task;
  busy: boolean;
  onToggle: (task: Task) => void;
  onEdit: (task: Task) => void;
  onDelete: (task: Task) => void;
}

const priorityVariant = { low: "secondary", medium: "default", high: "warning" } as const;

export function TaskItem({ task, busy, onToggle, onEdit, onDelete }: Props) {
  const overdue = isOverdue(task);
  const checkboxId = `done-${task.id}`;
  return (
    <article
      aria-label={task.title}
      data-testid="task"
      data-completed={task.completed}
      data-overdue={overdue}
      className={cn(
        "group flex items-start gap-3 rounded-lg border bg-card p-3 sm:p-4",
        overdue && "border-destructive/60 bg-destructive/5",
        busy && "opacity-60",
      )}
    >
      <Checkbox
        id={checkboxId}
        className="mt-0.5"
        checked={task.completed}
        disabled={busy}
        onCheckedChange={() => onToggle(task)}
        aria-label={task.completed ? `Mark "${task.title}" as not done` : `Mark "${task.title}" as done`}
      />
      <div className="min-w-0 flex-1">
        <h3
          className={cn(
            "font-medium break-words",
            task.completed && "text-muted-foreground line-through decoration-muted-foreground/60",
          )}
        >
          {task.title}
        </h3>
        {task.description ? (
          <p className="mt-1 text-sm whitespace-pre-line break-words text-muted-foreground">{task.description}</p>
        ) : null}
        <div className="mt-2 flex flex-wrap items-center gap-1.5">
          <Badge variant={priorityVariant[task.priority]}>{PRIORITY_LABEL[task.priority]} priority</Badge>
          {task.due_at ? (
            <Badge variant={overdue ? "destructive" : "secondary"}>
              <CalendarClock className="size-3" aria-hidden />
              {overdue ? "Overdue · " : "Due "}
              {formatDue(task.due_at)}
            </Badge>
          ) : null}
        </div>
      </div>
      <div className="flex shrink-0 gap-1">
        <Button
          variant="ghost"
          size="icon"
          disabled={busy}
          onClick={() => onEdit(task)}
          aria-label={`Edit "${task.title}"`}
        >
          <Pencil aria-hidden />
        </Button>
        <AlertDialog>
          <AlertDialogTrigger asChild>
            <Button variant="ghost" size="icon" disabled={busy} aria-label={`Delete "${task.title}"`}>
              <Trash2 aria-hidden />
            </Button>
          </AlertDialogTrigger>
          <AlertDialogContent>
            <AlertDialogHeader>
              <AlertDialogTitle>Delete this task?</AlertDialogTitle>
              <AlertDialogDescription>
                “{task.title}” will be deleted for good. This cannot be undone.
              </AlertDialogDescription>
            </AlertDialogHeader>
            <AlertDialogFooter>
              <AlertDialogCancel>Keep it</AlertDialogCancel>
              <AlertDialogAction variant="destructive" onClick={() => onDelete(task)}>
                Delete task
              </AlertDialogAction>
            </AlertDialogFooter>
          </AlertDialogContent>
        </AlertDialog>
      </div>
    </article>
  );
}
